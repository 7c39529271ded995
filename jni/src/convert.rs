//! Conversions between Java arrays and strings and their Rust equivalents.
//!
//! Loops over Java arrays run each element in its own local reference frame, so a long array
//! never exhausts the JVM's local reference capacity (which `-Xcheck:jni` watches).

use ::jni::objects::{JByteArray, JObject, JObjectArray, JString};
use ::jni::strings::JNIStr;
use ::jni::sys::jint;
use ::jni::{jni_str, Env};

use super::error::BridgeError;

/// The bytes of a `byte[]` that may be null (an absent extension): `None` for null.
pub(super) fn optional_bytes(
    env: &Env<'_>,
    array: &JByteArray<'_>,
) -> Result<Option<Vec<u8>>, BridgeError> {
    if array.is_null() {
        return Ok(None);
    }
    Ok(Some(env.convert_byte_array(array)?))
}

/// The elements of a `byte[][]`; neither the array nor an element may be null. `what` names the
/// argument in the NullPointerException.
pub(super) fn byte_arrays(
    env: &mut Env<'_>,
    array: &JObjectArray<'_, JByteArray<'_>>,
    what: &str,
) -> Result<Vec<Vec<u8>>, BridgeError> {
    if array.is_null() {
        return Err(BridgeError::NullArgument(what.to_owned()));
    }
    let len = array.len(env)?;
    (0..len)
        .map(|i| {
            env.with_local_frame(1, |env| -> Result<Vec<u8>, BridgeError> {
                let element = array.get_element(env, i)?;
                if element.is_null() {
                    return Err(BridgeError::NullArgument(format!("{what}[{i}]")));
                }
                Ok(env.convert_byte_array(&element)?)
            })
        })
        .collect()
}

/// The elements of a `String[]`; neither the array nor an element may be null.
pub(super) fn strings(
    env: &mut Env<'_>,
    array: &JObjectArray<'_, JString<'_>>,
    what: &str,
) -> Result<Vec<String>, BridgeError> {
    if array.is_null() {
        return Err(BridgeError::NullArgument(what.to_owned()));
    }
    let len = array.len(env)?;
    (0..len)
        .map(|i| {
            env.with_local_frame(1, |env| -> Result<String, BridgeError> {
                let element = array.get_element(env, i)?;
                if element.is_null() {
                    return Err(BridgeError::NullArgument(format!("{what}[{i}]")));
                }
                Ok(element.try_to_string(env)?)
            })
        })
        .collect()
}

/// The value of a `String` that may be null.
pub(super) fn optional_string(
    env: &Env<'_>,
    string: &JString<'_>,
) -> Result<Option<String>, BridgeError> {
    if string.is_null() {
        return Ok(None);
    }
    Ok(Some(string.try_to_string(env)?))
}

/// The value of a `String` that must not be null.
#[allow(
    dead_code,
    reason = "the testing library (jni/testing), which includes this file, uses it"
)]
pub(super) fn string(
    env: &Env<'_>,
    string: &JString<'_>,
    what: &str,
) -> Result<String, BridgeError> {
    optional_string(env, string)?.ok_or_else(|| BridgeError::NullArgument(what.to_owned()))
}

/// A new `String[]`.
pub(super) fn new_string_array<'local>(
    env: &mut Env<'local>,
    items: &[String],
) -> Result<JObjectArray<'local>, BridgeError> {
    let array = new_array(env, jni_str!("java/lang/String"), items.len())?;
    for (i, item) in items.iter().enumerate() {
        env.with_local_frame(1, |env| -> Result<(), BridgeError> {
            let string = env.new_string(item)?;
            array.set_element(env, i, &string)?;
            Ok(())
        })?;
    }
    Ok(array)
}

/// A new `byte[][]`, with null for `None`.
pub(super) fn new_byte_arrays<'local>(
    env: &mut Env<'local>,
    items: &[Option<impl AsRef<[u8]>>],
) -> Result<JObjectArray<'local>, BridgeError> {
    let array = new_array(env, jni_str!("[B"), items.len())?;
    for (i, item) in items.iter().enumerate() {
        let Some(bytes) = item else { continue };
        env.with_local_frame(1, |env| -> Result<(), BridgeError> {
            let element = env.byte_array_from_slice(bytes.as_ref())?;
            array.set_element(env, i, &element)?;
            Ok(())
        })?;
    }
    Ok(array)
}

/// A `byte[]`, or null for `None`.
pub(super) fn new_optional_bytes<'local>(
    env: &mut Env<'local>,
    bytes: Option<&[u8]>,
) -> Result<JObject<'local>, BridgeError> {
    Ok(match bytes {
        Some(bytes) => env.byte_array_from_slice(bytes)?.into(),
        None => JObject::null(),
    })
}

/// A `String`, or null for `None`.
pub(super) fn new_optional_string<'local>(
    env: &mut Env<'local>,
    string: Option<&str>,
) -> Result<JObject<'local>, BridgeError> {
    Ok(match string {
        Some(string) => env.new_string(string)?.into(),
        None => JObject::null(),
    })
}

/// A Java `int` as a length or count; negative values are refused.
pub(super) fn length(value: jint, what: &str) -> Result<usize, BridgeError> {
    usize::try_from(value)
        .map_err(|_| BridgeError::InvalidArgument(format!("{what} must not be negative: {value}")))
}

/// A new array of `len` nulls whose elements are instances of `class`.
fn new_array<'local>(
    env: &mut Env<'local>,
    class: &JNIStr,
    len: usize,
) -> Result<JObjectArray<'local>, BridgeError> {
    let len = jint::try_from(len).map_err(|_| {
        BridgeError::InvalidArgument(format!("{len} elements do not fit a Java array"))
    })?;
    let class = env.find_class(class)?;
    Ok(env.new_object_array(len, &class, JObject::null())?)
}
