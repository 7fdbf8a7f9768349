use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let code = claw::app::run(args, &mut out, &mut std::io::stderr().lock());
    // `run` flushed already; a failure here is a closed pipe, which is quiet.
    let _ = out.flush();
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
