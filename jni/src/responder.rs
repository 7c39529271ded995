//! `org.staplekit.Native.responder*`: the local OCSP responder (`staplekit::responder`) that
//! stock JSSE servers reach through `jdk.tls.stapling.responderURI`.

use std::net::{IpAddr, SocketAddr};

use ::jni::objects::{JClass, JObject, JString};
use ::jni::sys::{jint, jlong};
use ::jni::EnvUnowned;

use super::convert::string;
use super::engine::{EngineHandle, ENGINE};
use super::error::{BridgeError, ThrowJava};
use super::handle::{borrow, free, into_handle};
use staplekit::responder::{OcspResponder, ResponderLimits};

/// Names responders in "is closed" messages.
const RESPONDER: &str = "LocalResponder";

/// `long responderStart(long engine, String host, int port)`: binds `host:port` (an IP address
/// literal; port 0 = any free port) and answers OCSP requests from the engine's held
/// responses until freed.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_responderStart<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    engine: jlong,
    host: JString<'local>,
    port: jint,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let handle: &EngineHandle = unsafe { borrow(engine, ENGINE) }?;
            let addr = socket_addr(&string(env, &host, "host")?, port)?;
            let responder = OcspResponder::start(&handle.engine, addr, ResponderLimits::default())
                .map_err(|source| BridgeError::Listen { addr, source })?;
            Ok(into_handle(responder))
        })
        .resolve::<ThrowJava>()
}

/// `String responderAddress(long responder)`: the address it listens on, as `IP:PORT`
/// (`[IPv6]:PORT`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_responderAddress<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    responder: jlong,
) -> JObject<'local> {
    unowned
        .with_env(|env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource keeps the handle alive for the call (see `handle`).
            let responder: &OcspResponder = unsafe { borrow(responder, RESPONDER) }?;
            Ok(env.new_string(responder.local_addr().to_string())?.into())
        })
        .resolve::<ThrowJava>()
}

/// `void responderFree(long responder)`: stops the responder (its listener closes, open
/// connections end) and waits for its threads.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_staplekit_Native_responderFree<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    responder: jlong,
) {
    unowned
        .with_env(|_env| -> Result<_, BridgeError> {
            // SAFETY: NativeResource frees each handle once, after every call on it returned.
            unsafe { free::<OcspResponder>(responder) };
            Ok(())
        })
        .resolve::<ThrowJava>()
}

/// The address to bind: `host` must be an IP literal (Java resolves names; the bridge never
/// does) and `port` within 0 to 65535.
fn socket_addr(host: &str, port: jint) -> Result<SocketAddr, BridgeError> {
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| {
            BridgeError::InvalidArgument(format!("host \"{host}\" is not an IP address"))
        })?;
    let port = u16::try_from(port).map_err(|_| {
        BridgeError::InvalidArgument(format!("port {port} is not within 0 to 65535"))
    })?;
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_ip_literals_and_ports_in_range() {
        assert_eq!(
            socket_addr("127.0.0.1", 0).unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            socket_addr("[::1]", 8080).unwrap(),
            "[::1]:8080".parse().unwrap()
        );
        let err = socket_addr("localhost", 1).unwrap_err();
        assert_eq!(err.to_string(), "host \"localhost\" is not an IP address");
        let err = socket_addr("127.0.0.1", 65536).unwrap_err();
        assert_eq!(err.to_string(), "port 65536 is not within 0 to 65535");
        assert!(socket_addr("127.0.0.1", -1).is_err());
    }
}
