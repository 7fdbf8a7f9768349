//! Helpers shared by integration tests (`mod support;`).  Each test binary
//! uses some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The directory named by the environment variable `var`, or `None` after
/// printing why the calling test skips (libtest shows it with `--nocapture`).
pub fn checkout_from_env(var: &str, what: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            println!("skipping: set {var} to {what}");
            None
        }
    }
}

/// The reference checkout named by `CLAW_REFERENCE_CHECKOUT`.
pub fn reference_checkout() -> Option<PathBuf> {
    checkout_from_env("CLAW_REFERENCE_CHECKOUT", "a claw-code checkout (a directory holding src/main.py)")
}

/// A reference-data directory with `n` commands and `n` tools.
pub fn big_inventory(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for (file, kind) in [("commands_snapshot.json", "commands"), ("tools_snapshot.json", "tools")] {
        let entries: Vec<String> = (0..n)
            .map(|i| {
                let hint = format!("{kind}/group{}/entry{i}.ts", i % 50);
                format!(r#"{{"name": "entry{i}", "source_hint": "{hint}", "responsibility": "mirrors {hint}"}}"#)
            })
            .collect();
        std::fs::write(dir.join(file), format!("[{}]", entries.join(",\n"))).unwrap();
    }
    std::fs::write(
        dir.join("archive_surface_snapshot.json"),
        r#"{"archive_root": "a", "root_files": [], "root_dirs": [], "total_ts_like_files": 0, "command_entry_count": 0, "tool_entry_count": 0}"#,
    )
    .unwrap();
}
