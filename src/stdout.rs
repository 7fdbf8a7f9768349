//! claw's stdout: descriptor 1, written directly, every byte or an error.
//!
//! `std::io::stdout()` reports success when descriptor 1 is closed or not
//! open for writing (`EBADF`), which would lose an answer silently.  This
//! writer returns every error to the caller, and it waits out `EAGAIN` when
//! stdout is a descriptor someone else left in non-blocking mode, so a long
//! answer is never cut short.

use std::io::{self, Write};

pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
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
