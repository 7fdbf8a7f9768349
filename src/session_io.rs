//! The session store's file-system edge: reads that never block and never
//! take more than a cap, and writes that never leave a torn file, a pile of
//! temp files, or a file more readable than it was.
//!
//! **Reading** `<dir>/<id>.json`: the file is opened non-blocking and checked
//! on the open descriptor, so a FIFO, socket, directory or device is refused
//! at once, even one swapped in after an earlier check; it must resolve
//! inside the store directory (a symlink leading out of the store is
//! refused); and at most [`MAX_SESSION_BYTES`] + 1 bytes are read, whatever
//! `st_size` says, so `/dev/zero`-like files cost no more than the cap.
//!
//! **Writing**: the new content goes to an unnamed file (`O_TMPFILE`) in the
//! store directory, takes the old file's mode, is written and fsynced, and
//! only then is linked under the store's one temp name [`TEMP_NAME`], renamed
//! over the target, and the directory fsynced.  A writer killed before the
//! link leaves nothing; one killed between link and rename leaves
//! `.claw-tmp`, which the next save into that store removes.  Each writer
//! holds an exclusive `flock` on its file until the file is in place, so a
//! temp name whose file nobody has locked belongs to a dead writer.  Where
//! `O_TMPFILE` is unsupported (other systems, some file systems) the file is
//! created under the temp name directly, under the same lock.  Nothing scans
//! the directory: a save costs the same however many sessions the store holds.

use std::ffi::CString;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// The largest session file claw reads: 64 MiB.
pub(crate) const MAX_SESSION_BYTES: u64 = 64 << 20;

/// The one temp name of a store; it never ends in `.json`, so it is never listed.
pub(crate) const TEMP_NAME: &str = ".claw-tmp";

/// How long a writer waits for another live writer to rename its temp file.
const WAIT_FOR_WRITER: Duration = Duration::from_secs(10);

/// Why a session file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// No such file.
    NotFound,
    /// The file exists but is not one claw reads; the reason completes
    /// "session file 'PATH' …".
    Refused(String),
    /// The operating system's error.
    Io(io::Error),
    /// Another file took the name between the open and the check.
    Swapped,
}

/// How often a read is tried again when a writer renamed a new version over
/// the file between its open and the check that it is the file opened.
const SWAP_RETRIES: usize = 16;

/// The bytes of the session file `path` in the store `dir`.
pub(crate) fn read(dir: &Path, path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut tries = 0;
    loop {
        match read_once(dir, path) {
            Err(ReadError::Swapped) if tries < SWAP_RETRIES => tries += 1,
            other => return other,
        }
    }
}

fn read_once(dir: &Path, path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = match OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(ReadError::NotFound),
        // A socket cannot be opened at all (ENXIO): name it.
        Err(e) => {
            return Err(match fs::metadata(path) {
                Ok(m) if m.file_type().is_socket() => not_regular(&m),
                _ => ReadError::Io(e),
            });
        }
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    inside_store(dir, path, &meta)?;
    read_capped(file, meta.len(), MAX_SESSION_BYTES)
}

/// At most `cap` bytes of `from`, which claims to hold `size`: anything
/// longer is refused after reading `cap + 1` bytes, whatever `size` said.
fn read_capped(from: impl Read, size: u64, cap: u64) -> Result<Vec<u8>, ReadError> {
    let too_large = || ReadError::Refused(format!("is larger than the {} MiB session file cap", cap >> 20));
    if size > cap {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let want = size as usize + 1;
    if crate::oom::fallible(|| bytes.try_reserve_exact(want)).is_err() {
        return Err(ReadError::Refused(format!("cannot be read: out of memory for {want} bytes")));
    }
    from.take(cap + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

fn not_regular(meta: &fs::Metadata) -> ReadError {
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else {
        "a special file"
    };
    ReadError::Refused(format!("is {what}, not a regular file"))
}

/// The opened file must be the one `path` resolves to, inside `dir`.
fn inside_store(dir: &Path, path: &Path, opened: &fs::Metadata) -> Result<(), ReadError> {
    let (store, real) = match (fs::canonicalize(dir), fs::canonicalize(path)) {
        (Ok(store), Ok(real)) => (store, real),
        (Err(e), _) | (_, Err(e)) => return Err(ReadError::Io(e)),
    };
    if !real.starts_with(&store) {
        return Err(ReadError::Refused("resolves outside the session store".into()));
    }
    match fs::metadata(&real) {
        Ok(m) if m.dev() == opened.dev() && m.ino() == opened.ino() => Ok(()),
        // A save renamed a new version over it since the open: try again.
        _ => Err(ReadError::Swapped),
    }
}

/// Replace `dir/name` with `bytes`, atomically and durably, keeping its mode.
pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let target = dir.join(name);
    let temp = dir.join(TEMP_NAME);
    let mode = fs::metadata(&target).ok().filter(fs::Metadata::is_file).map(|m| m.permissions().mode() & 0o7777);
    let deadline = Instant::now() + WAIT_FOR_WRITER;
    let (file, mut at_temp) = create(dir, &temp, deadline)?;
    let result = (|| {
        if let Some(mode) = mode {
            file.set_permissions(Permissions::from_mode(mode))?;
        }
        (&file).write_all(bytes)?;
        file.sync_all()?;
        if !at_temp {
            link(&file, &temp, deadline)?;
            at_temp = true;
        }
        fs::rename(&temp, &target)?;
        at_temp = false;
        match File::open(dir).and_then(|d| d.sync_all()) {
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(()),
            other => other,
        }
    })();
    if result.is_err() && at_temp {
        // Still ours: nobody takes a name whose file we hold locked.
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A locked new file in `dir`: unnamed where the system allows (`false`),
/// else created under `temp` (`true`).
fn create(dir: &Path, temp: &Path, deadline: Instant) -> io::Result<(File, bool)> {
    #[cfg(target_os = "linux")]
    match OpenOptions::new().write(true).custom_flags(libc::O_TMPFILE).mode(0o666).open(dir) {
        Ok(f) => {
            flock(&f, libc::LOCK_EX)?;
            return Ok((f, false));
        }
        Err(e) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)) => {}
        Err(e) => return Err(e),
    }
    create_named(temp, deadline).map(|f| (f, true))
}

/// The fallback: a locked new file created under `temp` itself.
fn create_named(temp: &Path, deadline: Instant) -> io::Result<File> {
    loop {
        match OpenOptions::new().write(true).create_new(true).mode(0o666).open(temp) {
            Ok(f) => {
                flock(&f, libc::LOCK_EX)?;
                // A reaper may have removed it before we held the lock.
                if same_file(temp, &f) {
                    return Ok(f);
                }
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => wait_or_reap(temp, deadline)?,
            Err(e) => return Err(e),
        }
    }
}

/// Give the unnamed `file` the name `temp`.
fn link(file: &File, temp: &Path, deadline: Instant) -> io::Result<()> {
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|e| io::Error::new(ErrorKind::InvalidInput, e));
    let temp_c = c(temp)?;
    let proc_path = c(Path::new(&format!("/proc/self/fd/{}", file.as_raw_fd())))?;
    loop {
        // SAFETY: NUL-terminated paths that live across the call.
        let mut r = unsafe {
            libc::linkat(libc::AT_FDCWD, proc_path.as_ptr(), libc::AT_FDCWD, temp_c.as_ptr(), libc::AT_SYMLINK_FOLLOW)
        };
        if r != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOENT) {
            // No /proc: link the descriptor itself.
            // SAFETY: as above, with an empty source path.
            r = unsafe {
                libc::linkat(file.as_raw_fd(), c"".as_ptr(), libc::AT_FDCWD, temp_c.as_ptr(), libc::AT_EMPTY_PATH)
            };
        }
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != ErrorKind::AlreadyExists {
            return Err(e);
        }
        wait_or_reap(temp, deadline)?;
    }
}

/// The temp name is taken: by a live writer, for the moment between its
/// link and its rename (wait), or by a dead writer's file (remove it).
fn wait_or_reap(temp: &Path, deadline: Instant) -> io::Result<()> {
    match OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(temp) {
        Ok(f) => {
            if flock(&f, libc::LOCK_EX | libc::LOCK_NB)? {
                // Unlocked: its writer is dead.  Remove it unless the name
                // moved on meanwhile.
                if same_file(temp, &f) {
                    remove_if_present(temp)?;
                }
                return Ok(());
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        // Not a file a writer made (a symlink, a socket): not ours to keep.
        Err(e) => match fs::symlink_metadata(temp) {
            Ok(m) if !m.is_file() && !m.is_dir() => return remove_if_present(temp),
            _ => return Err(e),
        },
    }
    if Instant::now() > deadline {
        return Err(io::Error::new(ErrorKind::WouldBlock, "another writer holds the session store's temp file"));
    }
    std::thread::sleep(Duration::from_millis(1));
    Ok(())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn same_file(path: &Path, file: &File) -> bool {
    match (fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// `flock(2)`; `Ok(false)` when a non-blocking request finds the lock held.
fn flock(file: &File, op: i32) -> io::Result<bool> {
    loop {
        // SAFETY: a valid descriptor owned by `file`.
        if unsafe { libc::flock(file.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            ErrorKind::Interrupted => {}
            ErrorKind::WouldBlock => return Ok(false),
            _ => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_cap_whatever_the_size_claims() {
        // An endless file that claims to be empty, as `/proc` files do.
        match read_capped(std::io::repeat(b'x'), 0, 3 << 20) {
            Err(ReadError::Refused(reason)) => assert!(reason.contains("3 MiB session file cap"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_capped(std::io::repeat(b'x'), 4 << 20, 3 << 20), Err(ReadError::Refused(_))));
        let exact = read_capped(std::io::repeat(b'x').take(3 << 20), 0, 3 << 20).unwrap();
        assert_eq!(exact.len(), 3 << 20);
    }

    #[test]
    fn a_dead_writers_temp_file_is_removed_and_a_live_ones_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join(TEMP_NAME);
        // Dead writer: a temp file nobody holds locked.
        fs::write(&temp, "partial").unwrap();
        let soon = Instant::now() + Duration::from_secs(5);
        let mine = create_named(&temp, soon).unwrap();
        assert!(same_file(&temp, &mine), "the orphan was replaced by our locked file");
        // Live writer: its lock makes others wait, and give up at the deadline.
        let past = Instant::now() - Duration::from_secs(1);
        let e = create_named(&temp, past).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WouldBlock);
        assert!(same_file(&temp, &mine), "a live writer's file is never removed");
        drop(mine);
        assert!(create_named(&temp, soon).is_ok(), "once its writer is gone the name is free again");
    }

    #[test]
    fn writes_replace_keep_the_mode_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("s.json");
        write(dir.path(), "s.json", b"one").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        write(dir.path(), "s.json", b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o640);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["s.json"]);
    }
}
