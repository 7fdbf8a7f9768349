//! What the integration tests share: running claw, scratch directories,
//! the material that lives outside this repository (which the tests needing
//! it skip without, saying why), the conformance corpus, and fixtures.

mod claw;
pub(crate) mod corpus;

use std::path::{Path, PathBuf};

pub(crate) use claw::{BIN, DEADLINE, Run, claw, claw_in, envelope, finish, wait_or_kill};

/// A temporary directory, removed when dropped, known by its canonical path
/// (the one claw prints), with helpers to fill it.
pub(crate) struct Scratch {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Scratch {
    pub(crate) fn new() -> Scratch {
        let dir = tempfile::Builder::new().prefix("claw-test-").tempdir().expect("a temporary directory");
        let path = dir.path().canonicalize().expect("the temporary directory's canonical path");
        Scratch { _dir: dir, path }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Write `body` to `rel`, creating its directories.
    pub(crate) fn file(&self, rel: &str, body: &str) {
        let path = self.path.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).unwrap();
        std::fs::write(path, body).unwrap();
    }

    /// Create the directory `rel` and its parents.
    pub(crate) fn dir(&self, rel: &str) {
        std::fs::create_dir_all(self.path.join(rel)).unwrap();
    }
}

/// The sibling directory `../shared` (conformance corpus, reference data).
pub(crate) fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The directory named by the environment variable `var`, or `None` after
/// printing why the calling test skips (libtest shows it with `--nocapture`).
pub(crate) fn checkout_from_env(var: &str, what: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            println!("skipping: set {var} to {what}");
            None
        }
    }
}

/// The reference checkout named by `CLAW_REFERENCE_CHECKOUT`.
pub(crate) fn reference_checkout() -> Option<PathBuf> {
    checkout_from_env("CLAW_REFERENCE_CHECKOUT", "a claw-code checkout (a directory holding src/main.py)")
}

/// `f` applied to every item, on as many threads as there are cores; the
/// results in the items' order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// A reference-data directory with `n` commands and `n` tools.
pub(crate) fn big_inventory(dir: &Path, n: usize) {
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
