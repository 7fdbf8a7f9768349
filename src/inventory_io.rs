//! Reading an inventory override file without trusting it.
//!
//! An override (`CLAW_REFERENCE_DATA=DIR`, or a workspace's own
//! `src/reference_data`) may name anything: a FIFO that never yields a byte,
//! a socket, a directory, a device such as `/dev/zero`, a sparse file of many
//! gigabytes, or a file another process truncates while claw reads it.
//!
//! * The file is opened with `O_NONBLOCK` (so opening a FIFO cannot block)
//!   and checked with `fstat` on the open descriptor (so what is checked is
//!   what is read): anything but a regular file is refused at once.
//! * Reads are bounded by what is read, not by what the metadata claims: at
//!   most [`MAX_FILE_BYTES`] + 1 bytes are ever read, so an endless or
//!   growing file is refused after that many bytes.
//! * Buffers grow with `try_reserve`: running out of memory is an error
//!   naming the file, not an abort.
//! * Nothing is mapped: a file truncated underneath simply reads short.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use crate::error::io_reason;

/// Override files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Why an override file could not be used (the caller names the file).
pub(crate) type Problem = String;

fn over_limit(size: u64) -> Problem {
    format!("{size} bytes is over the {MAX_FILE_BYTES} byte limit")
}

/// An open regular file of at most [`MAX_FILE_BYTES`] (by its metadata).
#[derive(Debug)]
pub(crate) struct Opened {
    pub file: File,
    pub size: u64,
}

/// Opens `path` for reading if it is a regular file within the size bound.
pub(crate) fn open(path: &Path) -> Result<Opened, Problem> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| match std::fs::metadata(path) {
        // Opening a socket fails (ENXIO): say what it is instead.
        Ok(meta) if !meta.is_file() => "not a regular file".to_string(),
        _ => io_reason(&e),
    })?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(over_limit(meta.len()));
    }
    Ok(Opened { file, size: meta.len() })
}

/// Grows `buf` so it can take `more` bytes; out of memory is a problem.
pub(crate) fn reserve(buf: &mut Vec<u8>, more: usize) -> Result<(), Problem> {
    buf.try_reserve(more).map_err(|_| format!("out of memory reading {} more bytes", more))
}

/// Appends up to `want` bytes from `file` to `buf`; `Ok(0)` at end of file.
/// `total` counts every byte read from this file so far: passing the bound
/// is refused, whatever the file's metadata said.
pub(crate) fn read_some(file: &mut File, buf: &mut Vec<u8>, want: usize, total: &mut u64) -> Result<usize, Problem> {
    reserve(buf, want)?;
    let start = buf.len();
    // Reading into initialized bytes: the zeroing is cheap next to the copy.
    buf.resize(start + want, 0);
    let got = loop {
        match file.read(&mut buf[start..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(start);
                return Err(io_reason(&e));
            }
        }
    };
    buf.truncate(start + got);
    *total += got as u64;
    if *total > MAX_FILE_BYTES {
        return Err(format!("more than {MAX_FILE_BYTES} bytes read: over the byte limit"));
    }
    Ok(got)
}

/// The whole file's bytes (at most [`MAX_FILE_BYTES`]).
pub(crate) fn read_all(path: &Path) -> Result<Vec<u8>, Problem> {
    let Opened { mut file, size } = open(path)?;
    let mut buf = Vec::new();
    // Sized from the metadata plus one byte, so the usual read ends in one
    // pass; a file that grew meanwhile is read on, up to the bound.
    reserve(&mut buf, usize::try_from(size).unwrap_or(0).saturating_add(1))?;
    let mut total = 0u64;
    loop {
        let room = (buf.capacity() - buf.len()).max(64 * 1024);
        if read_some(&mut file, &mut buf, room, &mut total)? == 0 {
            return Ok(buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_truncated_after_opening_reads_short_and_never_faults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(&path, vec![b'x'; 300_000]).unwrap();
        let Opened { mut file, size } = open(&path).unwrap();
        assert_eq!(size, 300_000);
        let (mut buf, mut total) = (Vec::new(), 0);
        assert_eq!(read_some(&mut file, &mut buf, 100_000, &mut total), Ok(100_000));
        std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(150_000).unwrap();
        assert_eq!(read_some(&mut file, &mut buf, 100_000, &mut total), Ok(50_000));
        assert_eq!(read_some(&mut file, &mut buf, 100_000, &mut total), Ok(0));
        assert_eq!((buf.len(), total), (150_000, 150_000));
    }

    #[test]
    fn reads_past_the_bound_are_refused_whatever_the_metadata_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(&path, b"[]").unwrap();
        let Opened { mut file, .. } = open(&path).unwrap();
        // As if the file had grown to the bound since it was opened.
        let (mut buf, mut total) = (Vec::new(), MAX_FILE_BYTES - 1);
        let e = read_some(&mut file, &mut buf, 16, &mut total).unwrap_err();
        assert!(e.contains("over the byte limit"), "{e}");
        assert!(open(dir.path()).unwrap_err().contains("not a regular file"));
    }
}
