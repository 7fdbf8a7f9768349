//! The binary: a C `main` that prepares the process (`start.rs`) and hands
//! argv and the standard streams to `claw::app::run`.
//!
//! `#![no_main]` skips Rust's own start-up, which would install a
//! stack-overflow handler (reading `/proc/self/maps`) and reopen a closed
//! stdout on `/dev/null` before claw could notice; for a command that takes
//! about a millisecond, that set-up was a tenth of the time.
#![no_main]

use std::ffi::{c_char, c_int};
use std::io::{BufWriter, Write};

/// An allocation failure is a typed `out_of_memory` error, not an abort.
#[global_allocator]
static ALLOCATOR: claw::oom::Allocator = claw::oom::Allocator;

#[unsafe(no_mangle)]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // SAFETY: these are the C `main`'s own arguments.
    let args = unsafe { claw::start::prepare(argc, argv) };
    // A panic is a bug; it exits 101 as under Rust's runtime, never unwinds into C.
    std::panic::catch_unwind(move || {
        let mut out = BufWriter::with_capacity(1 << 16, claw::stdout::Stdout);
        let code = claw::app::run(args, &mut out, &mut std::io::stderr().lock());
        // `run` flushed and reported failures already; a closed pipe is quiet.
        let _ = out.flush();
        c_int::from(u8::try_from(code).unwrap_or(1))
    })
    .unwrap_or(101)
}
