use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// An allocation failure is a typed `out_of_memory` error, not an abort.
#[global_allocator]
static ALLOCATOR: claw::oom::Allocator = claw::oom::Allocator;

/// Notes whether descriptor 1 is closed. It runs from `.init_array`, before
/// Rust's runtime starts and opens `/dev/null` on any closed standard
/// descriptor, which would make every answer vanish with exit 0.
#[cfg(target_os = "linux")]
extern "C" fn note_closed_stdout() {
    // SAFETY: F_GETFD only queries the descriptor table.
    if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
        claw::stdout::mark_closed();
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

fn main() -> ExitCode {
    // Past a file-size limit (`ulimit -f`) a write fails with EFBIG, which
    // claw reports as a typed error, instead of the signal killing it.
    // SAFETY: ignoring a signal changes no memory.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let mut out = BufWriter::with_capacity(1 << 16, claw::stdout::Stdout);
    let code = claw::app::run(args, &mut out, &mut std::io::stderr().lock());
    // `run` flushed and reported failures already; a closed pipe is quiet.
    let _ = out.flush();
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
