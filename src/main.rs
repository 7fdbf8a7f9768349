use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// An allocation failure is a typed `out_of_memory` error, not an abort.
#[global_allocator]
static ALLOCATOR: claw::oom::Allocator = claw::oom::Allocator;

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
