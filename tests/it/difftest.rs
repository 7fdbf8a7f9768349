//! The differential tester (tools/difftest.py) against a reference checkout:
//! `CLAW_REFERENCE_CHECKOUT=DIR cargo test --test it difftest` runs random argv
//! and session scenarios through this claw and the reference side by side and
//! fails on any mismatch outside the documented differences.  The size is
//! `CLAW_DIFFTEST_CASES` / `CLAW_DIFFTEST_SCENARIOS` (default 400 / 25); the
//! full run is `python3 tools/difftest.py --reference DIR --bin target/release/claw`.
//! Skips with a printed reason when the variable is unset.

use crate::support;

use std::process::Command;

fn count(var: &str, default: u32) -> String {
    std::env::var(var).ok().filter(|v| v.parse::<u32>().is_ok()).unwrap_or_else(|| default.to_string())
}

#[test]
fn claw_differs_from_the_reference_only_where_documented() {
    let Some(dir) = support::reference_checkout() else { return };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/difftest.py");
    let out = Command::new("python3")
        .arg(script)
        .arg("--reference")
        .arg(&dir)
        .args(["--bin", support::BIN])
        .args(["--cases", &count("CLAW_DIFFTEST_CASES", 400)])
        .args(["--scenarios", &count("CLAW_DIFFTEST_SCENARIOS", 25)])
        .output()
        .expect("python3 runs tools/difftest.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "difftest failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(", unexplained 0,"), "{stdout}");
}
