//! Helpers shared by the integration tests that compare claw with a real
//! checkout of the reference Python harness.

use std::path::PathBuf;

/// The checkout named by `CLAW_REFERENCE_CHECKOUT`, or `None` after printing
/// why the calling test skips (libtest shows it with `--nocapture`).
pub fn reference_checkout() -> Option<PathBuf> {
    match std::env::var_os("CLAW_REFERENCE_CHECKOUT") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            println!("skipping: set CLAW_REFERENCE_CHECKOUT to a claw-code checkout (a directory holding src/main.py)");
            None
        }
    }
}
