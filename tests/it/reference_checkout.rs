//! Side by side with a real checkout of the reference Python harness:
//! `CLAW_REFERENCE_CHECKOUT=DIR cargo test --test it reference_checkout` runs
//! `python3 -m src.main …` in DIR and `claw …` in DIR (no environment
//! overrides, so claw reads DIR/src/reference_data as the reference does) and
//! compares their stdout line for line.  Skips with a printed reason when the
//! variable is unset.
//!
//! One documented difference is bridged on the reference's side: it orders
//! `Counter.most_common` ties by directory-listing order, claw by name, so the
//! reference runs with `most_common` ordering ties by name.  The summary's
//! `Session id:` line is random on both sides and is left out.

use crate::support;

use std::path::Path;
use std::process::Command;

/// The reference's `main`, with `Counter.most_common` ordering ties by name.
const REFERENCE: &str = "import collections, sys\n\
collections.Counter.most_common = lambda self, n=None: sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))[:n]\n\
sys.path.insert(0, '.')\n\
from src.main import main\n\
sys.exit(main(sys.argv[1:]))\n";

const ARGVS: &[&[&str]] = &[
    &["manifest"],
    &["subsystems"],
    &["subsystems", "--limit", "0"],
    &["subsystems", "--limit", "1"],
    &["subsystems", "--limit", "7"],
    &["subsystems", "--limit", "40"],
    &["subsystems", "--limit", "-3"],
    &["subsystems", "--limit", "1000"],
    &["summary"],
    &["parity-audit"],
    &["commands", "--limit", "5"],
    &["tools", "--limit", "5"],
    &["route", "fix the git bug"],
];

fn run(mut cmd: Command, cwd: &Path) -> (i32, String) {
    let out = cmd
        .current_dir(cwd)
        .env_remove("CLAW_REFERENCE_DATA")
        .env_remove("CLAW_WORKSPACE")
        .output()
        .expect("start the process");
    let text = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("Session id: ")).collect();
    (out.status.code().expect("exit code"), kept.join("\n"))
}

#[test]
fn claw_prints_what_the_reference_prints_in_its_checkout() {
    let Some(dir) = support::reference_checkout() else { return };
    assert!(dir.join("src/main.py").is_file(), "{} holds no src/main.py", dir.display());
    let elsewhere = tempfile::tempdir().expect("a temporary directory");
    let mut failures = Vec::new();
    for argv in ARGVS {
        let mut python = Command::new("python3");
        python.arg("-c").arg(REFERENCE).args(*argv);
        let reference = run(python, &dir);
        let mut here = support::claw();
        here.args(*argv);
        let mut there = support::claw();
        there.args(*argv).arg("--workspace").arg(&dir);
        let before = failures.len();
        for (how, ours) in [("in the checkout", run(here, &dir)), ("with --workspace", run(there, elsewhere.path()))] {
            if ours != reference {
                failures.push(format!(
                    "claw {} ({how}):\n--- reference (exit {})\n{}\n--- claw (exit {})\n{}",
                    argv.join(" "),
                    reference.0,
                    reference.1,
                    ours.0,
                    ours.1
                ));
            }
        }
        if failures.len() == before {
            println!("same: {}", argv.join(" "));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
