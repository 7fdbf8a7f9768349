//! claw's stdout: descriptor 1, written directly, every byte or an error.
//!
//! `std::io::stdout()` reports success when descriptor 1 is closed or not
//! open for writing (`EBADF`), which would lose an answer silently.  This
//! writer returns every error to the caller, and it waits out `EAGAIN` when
//! stdout is a descriptor someone else left in non-blocking mode, so a long
//! answer is never cut short.
//!
//! A descriptor 1 that was closed when claw started is an error too
//! (`EBADF`), although start-up reopens it on `/dev/null` so that no file
//! claw opens can take its place: `start.rs` notes it first ([`mark_closed`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Descriptor 1 was closed when the process started: every write fails.
pub fn mark_closed() {
    CLOSED_AT_START.store(true, Ordering::Relaxed);
}

pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if CLOSED_AT_START.load(Ordering::Relaxed) {
            return Err(io::Error::other("stdout is closed"));
        }
        loop {
            // SAFETY: writes initialised bytes of a live buffer to descriptor 1.
            let n = unsafe { libc::write(1, buf.as_ptr().cast(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock => wait_writable(1),
                _ => return Err(e),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Block until `fd` can take more bytes (or reports an error, which the
/// next write then returns).
fn wait_writable(fd: i32) {
    let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    // SAFETY: one valid pollfd; an error or EINTR just leads to another write.
    unsafe { libc::poll(&mut p, 1, -1) };
}
