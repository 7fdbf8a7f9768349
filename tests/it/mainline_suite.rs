//! The main line's own CLI tests, run against claw with explicit routing:
//! `CLAW_MAINLINE_CHECKOUT=DIR cargo test --test it mainline_suite -- --nocapture`
//! where DIR is a checkout of the reference's main line (it holds
//! `src/main.py` and `tests/`).  Skips with a printed reason when unset.
//!
//! DIR's `src/` and `tests/` are copied to a temp dir, and the copy's
//! `src/main.py` keeps everything but its `__main__` block, which instead
//! hands argv to claw: the tests that run `python -m src.main …` then run
//! claw, and the rest still import the reference's modules.  The suite runs
//! with `CLAW_ROUTING=explicit` under pytest (or unittest without it).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

const SUITES: &[&str] = &["tests/test_porting_workspace.py", "tests/test_security_scope.py"];
const MAIN_BLOCK: &str = "if __name__ == '__main__':";

fn checkout() -> Option<PathBuf> {
    support::checkout_from_env("CLAW_MAINLINE_CHECKOUT", "a main-line claw-code checkout (src/main.py and tests/)")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `main.py` with its `__main__` block replaced by an exec of `claw`.
fn exec_claw(main_py: &str, claw: &str) -> String {
    let at = main_py.rfind(MAIN_BLOCK).expect("src/main.py has an `if __name__ == '__main__':` block");
    let literal = serde_json::to_string(claw).unwrap();
    format!("{}{MAIN_BLOCK}\n    import os, sys\n    os.execv({literal}, [{literal}, *sys.argv[1:]])\n", &main_py[..at])
}

fn has_pytest() -> bool {
    Command::new("python3").args(["-c", "import pytest"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn the_main_lines_tests_pass_against_claw_with_explicit_routing() {
    let Some(dir) = checkout() else { return };
    assert!(dir.join("src/main.py").is_file(), "{} holds no src/main.py", dir.display());
    let tmp = tempfile::tempdir().unwrap();
    for part in ["src", "tests"] {
        copy_tree(&dir.join(part), &tmp.path().join(part));
    }
    let main_py = tmp.path().join("src/main.py");
    let text = std::fs::read_to_string(&main_py).unwrap();
    std::fs::write(&main_py, exec_claw(&text, support::BIN)).unwrap();

    let mut cmd = Command::new("python3");
    if has_pytest() {
        cmd.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"]).args(SUITES);
    } else {
        println!("pytest is not installed: running the suites with unittest");
        cmd.args(["-m", "unittest", "-v"]).args(SUITES.iter().map(|s| s.trim_end_matches(".py").replace('/', ".")));
    }
    let out = cmd
        .current_dir(tmp.path())
        .env("CLAW_ROUTING", "explicit")
        .env_remove("CLAW_REFERENCE_DATA")
        .env_remove("CLAW_WORKSPACE")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}{stderr}");
    assert!(out.status.success(), "the main line's tests failed against claw (output above)");
}

#[test]
fn the_main_block_is_replaced_and_the_rest_kept() {
    let text =
        "import sys\n\ndef main():\n    return 0\n\n\nif __name__ == '__main__':\n    raise SystemExit(main())\n";
    let patched = exec_claw(text, "/bin/cl'aw");
    assert!(
        patched.starts_with(
            "import sys\n\ndef main():\n    return 0\n\n\nif __name__ == '__main__':\n    import os, sys\n"
        )
    );
    assert!(patched.ends_with("    os.execv(\"/bin/cl'aw\", [\"/bin/cl'aw\", *sys.argv[1:]])\n"));
    assert!(!patched.contains("SystemExit"));
}
