//! `PortManifest`: what the port root (`<workspace>/src`) holds, grouped by
//! top-level module, for `manifest`, `subsystems` and `summary`.
//!
//! As the reference's `build_port_manifest`: every regular file (or symlink
//! to one) under the port root whose name ends in the language's extension
//! is counted, recursing into subdirectories but not into symlinked ones and
//! skipping unreadable ones (as `Path.rglob` does).  A file directly in the
//! port root is its own module (`main.py`); a nested file counts for the
//! first path part below the root (`utils/a.py` → `utils`).  Each module's
//! `path` is `src/<name>` and its `notes` come from a fixed table, else a
//! default.  A missing or unreadable port root, or one that is a file, has
//! no files (Python's `rglob` yields nothing there).
//!
//! The language is the one the port root is written in: a port root with
//! `.rs` files and no `.py` files is a **Rust** workspace (claw itself), which
//! counts `.rs` files and says `Total Rust files` / `Top-level Rust modules:`;
//! anything else (including an empty or missing port root, and a mixed one)
//! is a **Python** workspace and keeps the reference's wording exactly.
//!
//! In a cargo workspace (see [`crate::port_roots`]) the files of every
//! member's `src/` are counted, one module per member (`crates/api`, path
//! `crates/api/src`, note `cargo workspace member`, listed even with 0
//! files), and the markdown's first line is ``Port root: `DIR` (cargo
//! workspace)``.
//!
//! Ordering: the reference lists modules by `Counter.most_common()`, which
//! breaks ties in first-seen (directory-listing) order, and that order is
//! not stable across file systems.  claw orders by file count, highest
//! first, and breaks ties by name in code-point order, so the listing is
//! reproducible.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::port_roots::{PortRoots, member_src};
use crate::pyfmt::json::Json;

/// The note of a cargo workspace member.
const MEMBER_NOTE: &str = "cargo workspace member";

/// The language a port root is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    Python,
    Rust,
}

impl Language {
    /// The word used in reports: `Python` / `Rust`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::Rust => "Rust",
        }
    }

    /// The JSON value: `python` / `rust`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Rust => "rust",
        }
    }

    fn default_note(self) -> &'static str {
        match self {
            Language::Python => "Python port support module",
            Language::Rust => "Rust port support module",
        }
    }

    fn notes(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Language::Python => PYTHON_NOTES,
            Language::Rust => RUST_NOTES,
        }
    }

    /// The note for a top-level module `name`.
    pub(crate) fn note(self, name: &str) -> &'static str {
        self.notes().iter().find(|(n, _)| *n == name).map_or(self.default_note(), |(_, note)| note)
    }
}

/// The reference's `notes` table, verbatim.
const PYTHON_NOTES: &[(&str, &str)] = &[
    ("__init__.py", "package export surface"),
    ("main.py", "CLI entrypoint"),
    ("port_manifest.py", "workspace manifest generation"),
    ("query_engine.py", "port orchestration summary layer"),
    ("commands.py", "command backlog metadata"),
    ("tools.py", "tool backlog metadata"),
    ("models.py", "shared dataclasses"),
    ("task.py", "task-level planning structures"),
];

/// claw's own modules.
const RUST_NOTES: &[(&str, &str)] = &[
    ("main.rs", "CLI entrypoint"),
    ("lib.rs", "library root"),
    ("app.rs", "argv to exit code: parse, dispatch, print"),
    ("cli", "command-line spec, argparse emulation and help"),
    ("commands", "subcommand handlers"),
    ("pyfmt", "Python-exact formatting (json, repr, float, int)"),
    ("router.rs", "prompt routing across commands and tools"),
    ("query_engine.rs", "port orchestration summary layer"),
    ("session_store.rs", "persisted session files"),
    ("session_io.rs", "bounded session reads and atomic session writes"),
    ("oom.rs", "out of memory as a typed error"),
    ("stdout.rs", "stdout that reports every write failure"),
    ("threads.rs", "two threads when possible, one otherwise"),
    ("snapshot.rs", "mirrored command, tool and archive snapshots"),
    ("runtime.rs", "bootstrap session and turn loop"),
    ("catalog.rs", "command and tool lookups, graph and pool"),
    ("permissions.rs", "tool deny lists"),
    ("path_scope", "path confinement for tool payloads"),
    ("workspace.rs", "workspace root and context"),
    ("setup.rs", "setup report, prefetches and deferred init"),
    ("output.rs", "text and JSON envelope output"),
    ("error.rs", "typed errors"),
    ("generate.rs", "shell completions and man page"),
    ("manifest.rs", "workspace manifest generation"),
    ("parity.rs", "parity audit against the archived surface"),
];

/// One top-level module: the reference's `Subsystem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subsystem {
    pub name: String,
    pub path: String,
    pub file_count: usize,
    pub notes: &'static str,
}

impl Subsystem {
    /// `{"name", "path", "file_count", "notes"}`.
    pub(crate) fn to_json(&self) -> Json {
        Json::obj([
            ("name", Json::str(&self.name)),
            ("path", Json::str(&self.path)),
            ("file_count", Json::int(self.file_count)),
            ("notes", Json::str(self.notes)),
        ])
    }
}

/// Source files per top-level module, for one language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub total: usize,
    pub by_module: BTreeMap<String, usize>,
}

/// One walk of the port root, counting both languages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    pub python: Tally,
    pub rust: Tally,
}

impl Scan {
    /// Walk every root: a single root counts by top-level module, the roots
    /// of a cargo workspace count by member (every member is listed, with
    /// 0 files when it has none).
    pub(crate) fn of_roots(roots: &PortRoots) -> Scan {
        let mut scan = Scan::default();
        for root in &roots.roots {
            if roots.cargo_workspace {
                scan.add(&root.src, Some(&root.member));
                for tally in [&mut scan.python, &mut scan.rust] {
                    tally.by_module.entry(root.member.clone()).or_insert(0);
                }
            } else {
                scan.add(&root.src, None);
            }
        }
        scan
    }

    /// Count the files under `src_root`, each for `module` when given, else
    /// for its top-level part.
    fn add(&mut self, src_root: &Path, module: Option<&str>) {
        crate::workspace::for_each_file(src_root, |top, name| {
            let tally = if name.ends_with(".py") {
                &mut self.python
            } else if name.ends_with(".rs") {
                &mut self.rust
            } else {
                return;
            };
            tally.total += 1;
            let key = module.or(top).map_or(name, str::to_string);
            *tally.by_module.entry(key).or_insert(0) += 1;
        });
    }

    /// Rust when there are `.rs` files and no `.py` files, else Python.
    pub(crate) fn language(&self) -> Language {
        if self.rust.total > 0 && self.python.total == 0 { Language::Rust } else { Language::Python }
    }

    pub(crate) fn tally(&self, language: Language) -> &Tally {
        match language {
            Language::Python => &self.python,
            Language::Rust => &self.rust,
        }
    }
}

/// The reference's `PortManifest`, for either language.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    pub src_root: PathBuf,
    pub roots: PortRoots,
    pub language: Language,
    pub total_files: usize,
    pub modules: Vec<Subsystem>,
}

impl Manifest {
    /// `build_port_manifest(<workspace>/src)`, or over every member's
    /// `src/` in a cargo workspace.
    pub(crate) fn build(workspace: &Path) -> Manifest {
        let roots = PortRoots::discover(workspace);
        let scan = Scan::of_roots(&roots);
        Manifest::from_scan(roots, &scan)
    }

    pub(crate) fn from_scan(roots: PortRoots, scan: &Scan) -> Manifest {
        let language = scan.language();
        let cargo = roots.cargo_workspace;
        let tally = scan.tally(language);
        let mut counts: Vec<(&String, &usize)> = tally.by_module.iter().collect();
        // BTreeMap order is by name; a stable sort by count keeps it for ties.
        counts.sort_by(|a, b| b.1.cmp(a.1));
        let modules = counts
            .into_iter()
            .map(|(name, &count)| Subsystem {
                name: name.clone(),
                path: if cargo { member_src(name) } else { format!("src/{name}") },
                file_count: count,
                notes: if cargo { MEMBER_NOTE } else { language.note(name) },
            })
            .collect();
        Manifest { src_root: roots.port_root(), roots, language, total_files: tally.total, modules }
    }

    /// `PortManifest.to_markdown()`, naming the language found.
    pub(crate) fn to_markdown(&self) -> String {
        let lang = self.language.name();
        let kind = if self.roots.cargo_workspace { " (cargo workspace)" } else { "" };
        let mut lines = vec![
            format!("Port root: `{}`{kind}", self.src_root.display()),
            format!("Total {lang} files: **{}**", self.total_files),
            String::new(),
            format!("Top-level {lang} modules:"),
        ];
        lines.extend(self.modules.iter().map(|m| format!("- `{}` ({} files) — {}", m.name, m.file_count, m.notes)));
        lines.join("\n")
    }

    /// `{"port_root", "language", "total_files", "modules": [Subsystem...],
    /// "cargo_workspace", "port_roots"}`.
    pub(crate) fn to_json(&self) -> Json {
        Json::obj([
            ("port_root", Json::str(self.src_root.display().to_string())),
            ("language", Json::str(self.language.key())),
            ("total_files", Json::int(self.total_files)),
            ("modules", Json::List(self.modules.iter().map(Subsystem::to_json).collect())),
            ("cargo_workspace", Json::Bool(self.roots.cargo_workspace)),
            ("port_roots", self.roots.to_json()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(tag: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("claw-manifest-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in files {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn python_counts_by_top_level_part_and_orders_ties_by_name() {
        let ws = fixture(
            "py",
            &[
                "src/main.py",
                "src/commands.py",
                "src/utils/a.py",
                "src/utils/deep/b.py",
                "src/zeta.py",
                "src/x.txt",
                "src/lib.rs",
            ],
        );
        std::fs::create_dir_all(ws.join("src/dir.py")).unwrap();
        let m = Manifest::build(&ws);
        assert_eq!(m.language, Language::Python);
        assert_eq!(m.total_files, 5);
        let names: Vec<_> = m.modules.iter().map(|s| (s.name.as_str(), s.file_count, s.notes)).collect();
        assert_eq!(
            names,
            [
                ("utils", 2, "Python port support module"),
                ("commands.py", 1, "command backlog metadata"),
                ("main.py", 1, "CLI entrypoint"),
                ("zeta.py", 1, "Python port support module"),
            ]
        );
        assert_eq!(m.modules[0].path, "src/utils");
        std::fs::remove_dir_all(&ws).unwrap();
    }

    #[test]
    fn rust_only_port_roots_are_rust() {
        let ws = fixture("rs", &["src/main.rs", "src/cli/mod.rs", "src/cli/spec.rs"]);
        let m = Manifest::build(&ws);
        assert_eq!((m.language, m.total_files), (Language::Rust, 3));
        assert!(m.to_markdown().contains("Total Rust files: **3**\n\nTop-level Rust modules:\n- `cli` (2 files) — "));
        std::fs::remove_dir_all(&ws).unwrap();
    }

    #[test]
    fn missing_port_root_is_empty_python() {
        let m = Manifest::build(Path::new("/nonexistent/claw/ws"));
        assert_eq!((m.language, m.total_files, m.modules.len()), (Language::Python, 0, 0));
        assert_eq!(
            m.to_markdown(),
            "Port root: `/nonexistent/claw/ws/src`\nTotal Python files: **0**\n\nTop-level Python modules:"
        );
    }
}
