//! Process start-up: the part of Rust's runtime set-up that claw needs, and
//! nothing more.
//!
//! `main.rs` is `#![no_main]`: the C `main` calls [`prepare`] and then
//! `app::run`. Rust's own start-up also installs a stack-overflow handler,
//! which reads `/proc/self/maps` and costs more syscalls than the rest of a
//! small command; claw keeps only these steps:
//! - descriptors 0, 1 and 2 are made to exist (`/dev/null` where one was
//!   closed), so no file claw opens can become its stdout or stderr by
//!   accident; a stdout that was closed is noted first, because its answer
//!   must fail loudly ([`crate::stdout::mark_closed`]), not vanish;
//! - `SIGPIPE` is ignored, so a closed pipe is an `EPIPE` error that claw
//!   turns into a quiet exit;
//! - `SIGXFSZ` is ignored, so past a file-size limit (`ulimit -f`) a write
//!   fails with `EFBIG`, which claw reports as a typed error;
//! - argv is taken from the C `main`'s arguments.

use std::ffi::{CStr, OsString, c_char, c_int};
use std::os::unix::ffi::OsStringExt;

/// Prepare the process and return argv without the program name.
///
/// # Safety
/// `argv` must point to `argc` valid NUL-terminated strings, as the C `main`
/// receives them.
pub unsafe fn prepare(argc: c_int, argv: *const *const c_char) -> Vec<OsString> {
    open_standard_descriptors();
    // SAFETY: setting a signal's disposition to SIG_IGN changes no memory.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let count = usize::try_from(argc).unwrap_or(0);
    (1..count)
        .filter_map(|i| {
            // SAFETY: the caller promises `argc` valid entries in `argv`.
            let arg = unsafe { *argv.add(i) };
            // SAFETY: a non-null argv entry is a NUL-terminated string.
            (!arg.is_null()).then(|| OsString::from_vec(unsafe { CStr::from_ptr(arg) }.to_bytes().to_vec()))
        })
        .collect()
}

/// Reopen any closed standard descriptor on `/dev/null`, noting a closed stdout.
fn open_standard_descriptors() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd { fd, events: 0, revents: 0 });
    // SAFETY: polls three pollfd structs of a live array, without waiting.
    let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } >= 0;
    for pfd in fds {
        let closed = if polled {
            pfd.revents & libc::POLLNVAL != 0
        } else {
            // SAFETY: F_GETFD only queries the descriptor table.
            let flags = unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) };
            flags == -1
        };
        if !closed {
            continue;
        }
        if pfd.fd == 1 {
            crate::stdout::mark_closed();
        }
        // SAFETY: opens a constant NUL-terminated path; descriptors are
        // allocated lowest first, so this one fills the gap at `pfd.fd`.
        let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        if fd != pfd.fd {
            // Without the standard descriptors nothing can be reported safely.
            std::process::abort();
        }
    }
}
