//! OCSP responses on disk: a directory of verified responses, one file per certificate, written
//! atomically so that a restart can staple at once; and operator-provided response files.
//!
//! This module moves bytes only: it neither parses nor verifies responses, and knows nothing of
//! the engine. Whoever reads a file must verify its content before use.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::ocsp::CertIdentity;

/// How many temporary file names [`ResponseDir`] tries before giving up. A name is only taken if a
/// process with the same pid left one behind; a few more counter values always get past that.
const TEMP_ATTEMPTS: u32 = 16;

/// Makes temporary file names unique within this process (the pid makes them unique across).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Why a response file or directory could not be used. Each message names the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// The directory's metadata could not be read (other than it being missing).
    #[error("cannot access the response directory {}: {source}", path.display())]
    Access {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The directory was missing and could not be created.
    #[error("cannot create the response directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The path exists but is not a directory.
    #[error("the response directory {} exists but is not a directory", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// The directory is writable by its group or by others, who could plant or replace responses.
    #[error(
        "the response directory {} is writable by its group or others (mode {mode:o}); anyone who can write there can plant or replace the responses read at start-up: run `chmod 700 {}`",
        path.display(),
        path.display()
    )]
    OpenToOthers {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The directory belongs to another user than the one the process runs as.
    #[error(
        "the response directory {} belongs to uid {owner}, not to uid {user} that this process runs as; its owner can plant or replace the responses read at start-up: use a directory of uid {user}'s own, or run `chown {user} {}`",
        path.display(),
        path.display()
    )]
    ForeignOwner {
        /// The directory.
        path: PathBuf,
        /// The directory's owner.
        owner: u32,
        /// The user files are created as (the effective user).
        user: u32,
    },
    /// A response file is a symbolic link; entries of the response directory are never followed.
    #[error(
        "the OCSP response file {} is a symbolic link, which is not followed in the response directory; remove it (a regular file is written there at the next fetch)",
        path.display()
    )]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A file could not be created in the directory.
    #[error("the response directory {} is not writable: {source}", path.display())]
    NotWritable {
        /// The directory.
        path: PathBuf,
        /// The I/O error from creating a file there.
        source: io::Error,
    },
    /// Writing a response failed; the previous file, if any, is unchanged (unless `path` is the
    /// directory: then the new file is in place but its rename may not survive a crash).
    #[error("cannot write the OCSP response file {}: {source}", path.display())]
    Write {
        /// The file being written, or the directory whose sync failed.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A response file could not be opened or read.
    #[error("cannot read the OCSP response file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The path names something other than a regular file (a directory, a device, a FIFO).
    #[error("the OCSP response file {} is not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The file is larger than the caller accepts.
    #[error("the OCSP response file {} is {size} bytes, more than the limit of {max}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: usize,
    },
    /// The file yielded more bytes than the limit although its size said otherwise (it grew while
    /// being read, or its size is not known in advance).
    #[error("the OCSP response file {} gave more than the limit of {max} bytes when read", path.display())]
    TooLargeWhileReading {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
    /// The file holds PEM or base64 text instead of DER.
    #[error(
        "the OCSP response file {} is PEM or base64 text; it must be DER, as written by `openssl ocsp -respout`",
        path.display()
    )]
    NotDer {
        /// The file.
        path: PathBuf,
    },
    /// A response file could not be removed.
    #[error("cannot remove the OCSP response file {}: {source}", path.display())]
    Remove {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// A directory holding one verified OCSP response per certificate, for restarts.
#[derive(Clone, Debug)]
pub struct ResponseDir {
    path: PathBuf,
}

/// Bytes read from disk and when they were written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// The file's content (for a response, its DER encoding).
    pub der: Vec<u8>,
    /// The file it was read from.
    pub path: PathBuf,
    /// The file's modification time: when the response was stored.
    pub modified: SystemTime,
}

impl ResponseDir {
    /// Opens `path`, creating it (and parents) when missing, mode 0700 on unix; fails if it is not
    /// a writable directory. An existing directory keeps its mode, but on unix it must be owned by
    /// the user the process runs as (root included: a directory owned by another user is refused
    /// for root too) and not writable by group or others, since whoever can write there decides
    /// what is read back at start-up.
    pub fn open(path: &Path) -> Result<Self, PersistError> {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(PersistError::NotADirectory {
                    path: path.to_path_buf(),
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                create_private_dir(path).map_err(|source| PersistError::CreateDir {
                    path: path.to_path_buf(),
                    source,
                })?;
            }
            Err(source) => {
                return Err(PersistError::Access {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let dir = ResponseDir {
            path: path.to_path_buf(),
        };
        // Permission bits do not tell (root, ACLs, read-only mounts): really create a file.
        let not_writable = |source| PersistError::NotWritable {
            path: path.to_path_buf(),
            source,
        };
        #[cfg(unix)]
        refuse_open_to_others(path)?;
        let (probe, file) = dir.create_temp("probe").map_err(not_writable)?;
        // The probe's owner is the user files are created as: the effective user, learnt without
        // a system call of our own (and so without `unsafe`).
        let created = file.metadata();
        drop(file);
        fs::remove_file(&probe).map_err(not_writable)?;
        #[cfg(unix)]
        refuse_foreign_owner(path, &created.map_err(not_writable)?)?;
        #[cfg(not(unix))]
        let _ = created;
        Ok(dir)
    }

    /// The directory, as given to [`ResponseDir::open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file that holds `id`'s response:
    /// `<dir>/<issuerNameHash hex>-<issuerKeyHash hex>-<serial hex>.der`, lowercase hex. The serial
    /// is its DER content bytes, so a serial whose top bit is set starts with `00`.
    pub fn file_for(&self, id: &CertIdentity) -> PathBuf {
        self.path.join(format!(
            "{}-{}-{}.der",
            hex(&id.issuer_name_hash),
            hex(&id.issuer_key_hash),
            hex(&id.serial)
        ))
    }

    /// Every CertID with a response file in the directory: the names [`ResponseDir::file_for`]
    /// writes, read back. Other files (temporary ones, anything an operator left) are passed over.
    pub fn list(&self) -> Result<Vec<CertIdentity>, PersistError> {
        let read_error = |source| PersistError::Read {
            path: self.path.clone(),
            source,
        };
        let mut ids = Vec::new();
        for entry in fs::read_dir(&self.path).map_err(read_error)? {
            let name = entry.map_err(read_error)?.file_name();
            if let Some(id) = name.to_str().and_then(cert_id_of_file_name) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Writes atomically: a temp file in the same directory (unique name, with pid and a counter),
    /// write all, fsync the file, rename over the target, fsync the directory. On any error the
    /// temp file is removed and the old file is left intact. Returns the file written.
    ///
    /// Concurrent writers of the same `id` each rename a complete file: the last rename wins and
    /// readers see one complete content or another, never a mix.
    pub fn write(&self, id: &CertIdentity, der: &[u8]) -> Result<PathBuf, PersistError> {
        let target = self.file_for(id);
        let write_error = |source| PersistError::Write {
            path: target.clone(),
            source,
        };
        let stem = target
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let (temp, file) = self.create_temp(&stem).map_err(write_error)?;
        if let Err(source) = fill_and_rename(file, der, &temp, &target) {
            if let Err(e) = fs::remove_file(&temp) {
                log::warn!("cannot remove the temporary file {}: {e}", temp.display());
            }
            return Err(write_error(source));
        }
        // Makes the rename itself durable; without it a crash could bring back the old file.
        sync_dir(&self.path).map_err(|source| PersistError::Write {
            path: self.path.clone(),
            source,
        })?;
        Ok(target)
    }

    /// Reads `id`'s file: `Ok(None)` when there is none; `Err` when it cannot be read or is larger
    /// than `max_bytes` (checked from metadata before reading and bounded while reading). Also
    /// returns the file's modification time (when the response was stored).
    pub fn read(
        &self,
        id: &CertIdentity,
        max_bytes: usize,
    ) -> Result<Option<StoredResponse>, PersistError> {
        match read_bounded(&self.file_for(id), max_bytes, Links::Refuse) {
            Ok(stored) => Ok(Some(stored)),
            Err(PersistError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Removes `id`'s file if present.
    pub fn remove(&self, id: &CertIdentity) -> Result<(), PersistError> {
        let path = self.file_for(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(PersistError::Remove { path, source }),
        }
    }

    /// Creates a new, empty, owner-only file `.<stem>.<pid>.<counter>.tmp` in the directory.
    fn create_temp(&self, stem: &str) -> io::Result<(PathBuf, File)> {
        let pid = std::process::id();
        for _ in 0..TEMP_ATTEMPTS {
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = self.path.join(format!(".{stem}.{pid}.{n}.tmp"));
            match new_private_file(&path) {
                Ok(file) => return Ok((path, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{TEMP_ATTEMPTS} temporary file names were all taken"),
        ))
    }
}

/// Reads an operator-provided response file (DER) bounded by `max_bytes`, with its modification
/// time. A PEM or base64 file is refused with an error that says the file must be DER (as written
/// by `openssl ocsp -respout`). The content is not otherwise checked.
pub fn read_response_file(path: &Path, max_bytes: usize) -> Result<StoredResponse, PersistError> {
    let stored = read_bounded(path, max_bytes, Links::Follow)?;
    if is_text_encoding(&stored.der) {
        return Err(PersistError::NotDer {
            path: path.to_path_buf(),
        });
    }
    Ok(stored)
}

/// Whether a file read may be a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Links {
    /// Followed: an operator's own files (`.ors`, `responseFile`) are often links into a
    /// certificate tool's tree.
    Follow,
    /// Refused: in the response directory only staplekit writes, so a link there was planted.
    Refuse,
}

/// Reads a regular file of at most `max` bytes, with its modification time.
fn read_bounded(path: &Path, max: usize, links: Links) -> Result<StoredResponse, PersistError> {
    let read_error = |source| PersistError::Read {
        path: path.to_path_buf(),
        source,
    };
    let not_a_file = || PersistError::NotAFile {
        path: path.to_path_buf(),
    };
    let symlink = || PersistError::Symlink {
        path: path.to_path_buf(),
    };
    // Checked before opening too: opening a FIFO would block until someone writes to it.
    let meta = match links {
        Links::Follow => fs::metadata(path),
        Links::Refuse => fs::symlink_metadata(path),
    }
    .map_err(read_error)?;
    if meta.file_type().is_symlink() {
        return Err(symlink());
    }
    if !meta.is_file() {
        return Err(not_a_file());
    }
    let file = open_for_reading(path, links).map_err(|e| {
        // A link swapped in after the check above: O_NOFOLLOW makes the open fail with ELOOP.
        if links == Links::Refuse && is_symlink_refusal(&e) {
            symlink()
        } else {
            read_error(e)
        }
    })?;
    // The open file's own metadata: the path may have been replaced in between.
    let meta = file.metadata().map_err(read_error)?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    // usize -> u64 is lossless on every supported target.
    if meta.len() > max as u64 {
        return Err(PersistError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            max,
        });
    }
    let modified = meta.modified().map_err(read_error)?;
    // The size may be stale or meaningless (procfs says 0): one byte past the limit tells.
    let mut der = Vec::new();
    file.take((max as u64).saturating_add(1))
        .read_to_end(&mut der)
        .map_err(read_error)?;
    if der.len() > max {
        return Err(PersistError::TooLargeWhileReading {
            path: path.to_path_buf(),
            max,
        });
    }
    Ok(StoredResponse {
        der,
        path: path.to_path_buf(),
        modified,
    })
}

/// Whether `bytes` look like PEM or base64 rather than DER. A DER OCSPResponse always holds bytes
/// outside the base64 alphabet (its responseStatus is `0A 01 xx`), so it never matches.
fn is_text_encoding(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii();
    if text.starts_with(b"-----BEGIN") {
        return true;
    }
    !text.is_empty()
        && text.iter().all(|&b| {
            b.is_ascii_alphanumeric()
                || b.is_ascii_whitespace()
                || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
        })
}

/// Opens `path` read-only; with [`Links::Refuse`], without following a final symbolic link
/// (`O_NOFOLLOW` on unix).
fn open_for_reading(path: &Path, links: Links) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if links == Links::Refuse {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = links;
    options.open(path)
}

/// Whether an open failed because `O_NOFOLLOW` met a symbolic link.
fn is_symlink_refusal(error: &io::Error) -> bool {
    #[cfg(unix)]
    return error.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// Refuses a directory that its group or others may write to.
#[cfg(unix)]
fn refuse_open_to_others(path: &Path) -> Result<(), PersistError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|source| PersistError::Access {
        path: path.to_path_buf(),
        source,
    })?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(PersistError::OpenToOthers {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// Refuses a directory not owned by the user that created `probe` (a file just created in it).
#[cfg(unix)]
fn refuse_foreign_owner(path: &Path, probe: &fs::Metadata) -> Result<(), PersistError> {
    use std::os::unix::fs::MetadataExt;
    let owner = fs::metadata(path)
        .map_err(|source| PersistError::Access {
            path: path.to_path_buf(),
            source,
        })?
        .uid();
    if owner != probe.uid() {
        return Err(PersistError::ForeignOwner {
            path: path.to_path_buf(),
            owner,
            user: probe.uid(),
        });
    }
    Ok(())
}

/// Writes `der` to the open temp file, makes it durable and renames it over `target`.
fn fill_and_rename(mut file: File, der: &[u8], temp: &Path, target: &Path) -> io::Result<()> {
    file.write_all(der)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

/// Creates `path` and missing parents, owner-only on unix since responses reveal which
/// certificates this server uses.
fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates a new file that must not exist yet, owner read/write only on unix.
fn new_private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Flushes a directory's entries (a rename in it) to disk. Only unix can open a directory for this;
/// elsewhere the rename is left to the file system.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CertID a response file's name stands for (see [`ResponseDir::file_for`]), if it is one.
fn cert_id_of_file_name(name: &str) -> Option<CertIdentity> {
    let stem = name.strip_suffix(".der")?;
    let mut parts = stem.split('-');
    let (name_hash, key_hash, serial) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(CertIdentity {
        issuer_name_hash: unhex(name_hash)?.try_into().ok()?,
        issuer_key_hash: unhex(key_hash)?.try_into().ok()?,
        serial: unhex(serial).filter(|s| !s.is_empty())?,
    })
}

/// Lowercase hex, as [`hex`] writes it, back to bytes.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn list_reads_back_the_names_it_writes_and_nothing_else() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = ResponseDir::open(tmp.path()).expect("open");
        let a = CertIdentity::new(b"issuer", b"key", &[0x80, 0x01]);
        let b = CertIdentity::new(b"issuer", b"key", &[0x05]);
        dir.write(&a, b"a").expect("write a");
        dir.write(&b, b"b").expect("write b");
        fs::write(tmp.path().join("notes.txt"), b"x").expect("stray file");
        fs::write(tmp.path().join("00-11-22.der"), b"x").expect("short hashes");
        let mut listed = dir.list().expect("list");
        listed.sort_by(|x, y| x.serial.cmp(&y.serial));
        assert_eq!(listed, vec![b, a]);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use super::*;

    fn id(serial: &[u8]) -> CertIdentity {
        CertIdentity {
            issuer_name_hash: [0xAB; 20],
            issuer_key_hash: [0x01; 20],
            serial: serial.to_vec(),
        }
    }

    fn open(path: &Path) -> ResponseDir {
        match ResponseDir::open(path) {
            Ok(dir) => dir,
            Err(e) => panic!("open failed: {e}"),
        }
    }

    /// Every name in the directory, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("list directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn read(dir: &ResponseDir, id: &CertIdentity) -> Option<StoredResponse> {
        match dir.read(id, 1 << 20) {
            Ok(stored) => stored,
            Err(e) => panic!("read failed: {e}"),
        }
    }

    #[test]
    fn file_names_are_lowercase_hex_of_the_cert_id() {
        let dir = ResponseDir {
            path: PathBuf::from("/var/lib/staplekit"),
        };
        let expected = format!(
            "/var/lib/staplekit/{}-{}-00ff10.der",
            "ab".repeat(20),
            "01".repeat(20)
        );
        assert_eq!(
            dir.file_for(&id(&[0x00, 0xFF, 0x10])),
            PathBuf::from(expected)
        );
        assert_ne!(dir.file_for(&id(&[0x01])), dir.file_for(&id(&[0x00, 0x01])));
    }

    #[test]
    fn round_trip() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        assert_eq!(dir.path(), tmp.path());
        let before = SystemTime::now() - Duration::from_secs(5);
        let written = dir
            .write(&id(&[7]), b"\x30\x03\x0a\x01\x00")
            .expect("write");
        assert_eq!(written, dir.file_for(&id(&[7])));
        let stored = read(&dir, &id(&[7])).expect("stored");
        assert_eq!(stored.der, b"\x30\x03\x0a\x01\x00");
        assert_eq!(stored.path, written);
        assert!(stored.modified >= before, "{:?}", stored.modified);
        assert!(stored.modified <= SystemTime::now() + Duration::from_secs(5));
        // Another certificate has no file.
        assert_eq!(read(&dir, &id(&[8])), None);
    }

    #[test]
    fn overwrite_keeps_only_the_new_content_and_no_temp_files() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        dir.write(&id(&[1]), &[0x11; 4096]).expect("first write");
        let target = dir.write(&id(&[1]), b"new").expect("second write");
        assert_eq!(read(&dir, &id(&[1])).map(|s| s.der), Some(b"new".to_vec()));
        let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned());
        assert_eq!(names(tmp.path()), file_name.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_others_intact_and_no_temp_file() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        dir.write(&id(&[2]), b"other").expect("write another id");
        // A directory where the file should go: the rename must fail.
        let blocked = dir.file_for(&id(&[1]));
        fs::create_dir(&blocked).expect("create blocking dir");
        fs::write(blocked.join("inside"), b"keep").expect("write inside");
        let before = names(tmp.path());
        match dir.write(&id(&[1]), b"new") {
            Err(e @ PersistError::Write { .. }) => {
                assert!(
                    e.to_string().contains(&blocked.display().to_string()),
                    "{e}"
                );
            }
            other => panic!("expected a write error, got {other:?}"),
        }
        assert_eq!(names(tmp.path()), before);
        assert_eq!(
            fs::read(blocked.join("inside")).ok(),
            Some(b"keep".to_vec())
        );
        assert_eq!(
            read(&dir, &id(&[2])).map(|s| s.der),
            Some(b"other".to_vec())
        );
        // Reading the blocked id is an error, not a silent None.
        assert!(matches!(
            dir.read(&id(&[1]), 100),
            Err(PersistError::NotAFile { .. })
        ));
    }

    #[test]
    fn a_write_into_a_vanished_directory_fails_naming_the_file() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("gone");
        let dir = open(&path);
        fs::remove_dir(&path).expect("remove dir");
        let e = dir.write(&id(&[1]), b"x").expect_err("no directory");
        assert!(matches!(e, PersistError::Write { .. }), "{e:?}");
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    }

    #[test]
    fn remove_deletes_and_tolerates_absence() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        dir.write(&id(&[3]), b"x").expect("write");
        dir.remove(&id(&[3])).expect("remove");
        assert_eq!(read(&dir, &id(&[3])), None);
        dir.remove(&id(&[3])).expect("remove again");
        assert!(names(tmp.path()).is_empty());
    }

    #[test]
    fn too_large_files_are_refused_from_their_size() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        dir.write(&id(&[4]), &[0x30; 100]).expect("write");
        match dir.read(&id(&[4]), 99) {
            Err(
                e @ PersistError::TooLarge {
                    size: 100, max: 99, ..
                },
            ) => {
                let text = e.to_string();
                assert!(
                    text.contains(&dir.file_for(&id(&[4])).display().to_string()),
                    "{text}"
                );
                assert!(text.contains("100 bytes"), "{text}");
            }
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert_eq!(
            dir.read(&id(&[4]), 100).ok().flatten().map(|s| s.der.len()),
            Some(100)
        );
        let path = dir.file_for(&id(&[4]));
        assert!(matches!(
            read_response_file(&path, 10),
            Err(PersistError::TooLarge {
                size: 100,
                max: 10,
                ..
            })
        ));
    }

    /// procfs files claim a size of 0 but have content: only the bounded read can catch them.
    #[cfg(target_os = "linux")]
    #[test]
    fn too_large_content_is_refused_while_reading() {
        let status = Path::new("/proc/self/status");
        match read_response_file(status, 16) {
            Err(PersistError::TooLargeWhileReading { max: 16, .. }) => {}
            other => panic!("expected TooLargeWhileReading, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_entry_is_refused_naming_it_while_operator_files_may_be_links() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(&tmp.path().join("responses"));
        let elsewhere = tmp.path().join("planted.der");
        fs::write(&elsewhere, b"\x30\x03\x0a\x01\x00").expect("write target");
        let link = dir.file_for(&id(&[5]));
        std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
        match dir.read(&id(&[5]), 1024) {
            Err(e @ PersistError::Symlink { .. }) => {
                let text = e.to_string();
                assert!(text.contains(&link.display().to_string()), "{text}");
                assert!(text.contains("symbolic link"), "{text}");
            }
            other => panic!("expected Symlink, got {other:?}"),
        }
        // A dangling link is refused the same way, not taken for "no file".
        let dangling = dir.file_for(&id(&[6]));
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).expect("symlink");
        assert!(matches!(
            dir.read(&id(&[6]), 1024),
            Err(PersistError::Symlink { .. })
        ));
        // O_NOFOLLOW itself, for a link swapped in after the check.
        let e = open_for_reading(&link, Links::Refuse).expect_err("not followed");
        assert!(is_symlink_refusal(&e), "{e:?}");
        // An operator's own file may be a link (certificate tools keep such trees).
        let stored = read_response_file(&link, 1024).expect("operator link followed");
        assert_eq!(stored.der, b"\x30\x03\x0a\x01\x00");
    }

    #[cfg(unix)]
    #[test]
    fn open_refuses_a_directory_writable_by_group_or_others() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("responses");
        open(&path);
        for mode in [0o770, 0o707, 0o1777, 0o720] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
            match ResponseDir::open(&path) {
                Err(e @ PersistError::OpenToOthers { .. }) => {
                    let text = e.to_string();
                    assert!(text.contains(&path.display().to_string()), "{text}");
                    assert!(text.contains(&format!("mode {mode:o}")), "{text}");
                    assert!(text.contains("chmod 700"), "{text}");
                }
                other => panic!("mode {mode:o}: expected OpenToOthers, got {other:?}"),
            }
        }
        // Readable by others is not a risk to what is read back.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
        open(&path);
    }

    /// Only root can give a directory to another user; elsewhere this test has nothing to try.
    #[cfg(unix)]
    #[test]
    fn open_refuses_a_directory_owned_by_another_user() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("responses");
        open(&path);
        let me = fs::metadata(&path).expect("metadata").uid();
        if me != 0 {
            eprintln!("not root: cannot make a directory of another user's; skipped");
            return;
        }
        const NOBODY: u32 = 65534;
        std::os::unix::fs::chown(&path, Some(NOBODY), None).expect("chown");
        match ResponseDir::open(&path) {
            Err(
                e @ PersistError::ForeignOwner {
                    owner: NOBODY,
                    user: 0,
                    ..
                },
            ) => {
                let text = e.to_string();
                assert!(text.contains(&path.display().to_string()), "{text}");
                assert!(text.contains("uid 65534"), "{text}");
                assert!(text.contains("chown 0"), "{text}");
            }
            other => panic!("expected ForeignOwner, got {other:?}"),
        }
    }

    #[test]
    fn open_refuses_a_file_and_names_it() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let file = tmp.path().join("not-a-dir");
        fs::write(&file, b"x").expect("write file");
        match ResponseDir::open(&file) {
            Err(e @ PersistError::NotADirectory { .. }) => {
                assert!(e.to_string().contains(&file.display().to_string()), "{e}");
            }
            other => panic!("expected NotADirectory, got {other:?}"),
        }
        // Below a file, nothing can be created either.
        let below = file.join("sub");
        let e = ResponseDir::open(&below).expect_err("below a file");
        assert!(e.to_string().contains(&below.display().to_string()), "{e}");
    }

    #[test]
    fn open_creates_missing_parents_private() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("a/b/responses");
        let dir = open(&path);
        assert!(path.is_dir());
        assert!(names(&path).is_empty(), "the probe file is gone");
        dir.write(&id(&[6]), b"x").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [tmp.path().join("a"), path.clone()] {
                let mode = fs::metadata(&p).expect("metadata").permissions().mode();
                assert_eq!(mode & 0o777, 0o700, "{}", p.display());
            }
            let file_mode = fs::metadata(dir.file_for(&id(&[6])))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(file_mode & 0o777, 0o600);
        }
        // Opening again is fine.
        open(&path);
    }

    #[test]
    fn read_response_file_takes_der_and_refuses_pem_and_base64() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let der = tmp.path().join("resp.der");
        // OCSPResponse { responseStatus malformedRequest }.
        fs::write(&der, b"\x30\x03\x0a\x01\x01").expect("write der");
        let stored = read_response_file(&der, 1024).expect("DER accepted");
        assert_eq!(stored.der, b"\x30\x03\x0a\x01\x01");
        assert_eq!(stored.path, der);
        for (name, text) in [
            (
                "resp.pem",
                "-----BEGIN OCSP RESPONSE-----\nMAMKAQE=\n-----END OCSP RESPONSE-----\n",
            ),
            ("resp.b64", "MAMKAQE=\n"),
            ("resp.b64url", "  MAMKAQE\r\n"),
        ] {
            let path = tmp.path().join(name);
            fs::write(&path, text).expect("write text");
            match read_response_file(&path, 1024) {
                Err(e @ PersistError::NotDer { .. }) => {
                    let msg = e.to_string();
                    assert!(msg.contains(&path.display().to_string()), "{msg}");
                    assert!(msg.contains("must be DER"), "{msg}");
                    assert!(msg.contains("openssl ocsp -respout"), "{msg}");
                }
                other => panic!("{name}: expected NotDer, got {other:?}"),
            }
        }
    }

    #[test]
    fn read_response_file_errors_name_the_path() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let missing = tmp.path().join("missing.der");
        match read_response_file(&missing, 10) {
            Err(e @ PersistError::Read { .. }) => {
                assert!(
                    e.to_string().contains(&missing.display().to_string()),
                    "{e}"
                );
            }
            other => panic!("expected Read, got {other:?}"),
        }
        assert!(matches!(
            read_response_file(tmp.path(), 10),
            Err(PersistError::NotAFile { .. })
        ));
    }

    #[test]
    fn concurrent_writes_of_one_id_leave_one_complete_file() {
        const WRITERS: u8 = 4;
        const ROUNDS: usize = 15;
        const SIZE: usize = 32 * 1024;
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = open(tmp.path());
        let target = id(&[9]);
        let content = |writer: u8| vec![0x30 + writer; SIZE];
        dir.write(&target, &content(WRITERS))
            .expect("initial write");
        let valid: HashSet<u8> = (0..=WRITERS).map(|w| 0x30 + w).collect();
        let done = AtomicBool::new(false);
        let reads = std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let mut reads = 0;
                while !done.load(Ordering::Acquire) {
                    let stored = read(&dir, &target).expect("a file is always there");
                    assert_eq!(stored.der.len(), SIZE, "a partial file was seen");
                    let first = stored.der[0];
                    assert!(valid.contains(&first), "unknown content {first:#x}");
                    assert!(stored.der.iter().all(|&b| b == first), "mixed content");
                    reads += 1;
                }
                reads
            });
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let (dir, target) = (&dir, &target);
                    s.spawn(move || {
                        for _ in 0..ROUNDS {
                            dir.write(target, &content(w)).expect("concurrent write");
                        }
                    })
                })
                .collect();
            // Join every writer before judging any, so the reader is always stopped and the
            // scope cannot wait for it forever.
            let finished: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
            done.store(true, Ordering::Release);
            let reads = reader.join();
            assert!(finished.iter().all(Result::is_ok), "a writer failed");
            reads.expect("reader thread")
        });
        assert!(reads > 0);
        let last = read(&dir, &target).expect("final file");
        assert!((0..WRITERS).any(|w| last.der == content(w)));
        assert_eq!(names(tmp.path()).len(), 1, "{:?}", names(tmp.path()));
    }

    #[test]
    fn text_detection() {
        assert!(is_text_encoding(b"-----BEGIN X-----\n"));
        assert!(is_text_encoding(b"\n  MIIB+/=\n"));
        assert!(!is_text_encoding(b""));
        assert!(!is_text_encoding(b"\x30\x03\x0a\x01\x00"));
        assert!(!is_text_encoding(b"\x30\x82\x01\x00"));
        assert!(!is_text_encoding(b"MII\x00B"));
    }
}
