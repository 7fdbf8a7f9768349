//! The workspace claw reports on: `--workspace DIR`, else `$CLAW_WORKSPACE`,
//! else the current directory.  Its port root is `DIR/src`.  Scans happen
//! only when a command reports on the workspace.

use crate::pyfmt::repr::py_bool;
use std::path::{Path, PathBuf};

use crate::error::{ClawError, Result};

/// The workspace root as given: `--workspace`, `$CLAW_WORKSPACE`, or `.`.
pub(crate) fn given(option: Option<&str>) -> PathBuf {
    match option {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("CLAW_WORKSPACE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => PathBuf::from("."),
        },
    }
}

/// The workspace root as an absolute, symlink-resolved path where possible.
/// A workspace that does not exist or is not a directory is an error, so a
/// mistyped `--workspace` is not reported on as an empty workspace.
pub(crate) fn root(option: Option<&str>) -> Result<PathBuf> {
    let given = given(option);
    let problem = match std::fs::metadata(&given) {
        Ok(m) if m.is_dir() => return Ok(absolute(&given)),
        Ok(_) => "not a directory".to_string(),
        Err(e) => crate::error::io_reason(&e),
    };
    Err(ClawError::Workspace { path: given.display().to_string(), problem })
}

/// `Path.resolve()`: canonical when the path exists, else made absolute.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Visit every regular file under `dir` (recursively), as `Path.rglob('*')`
/// with `is_file()` does: `visit(top, name)` gets the file name and, for a
/// file below a subdirectory, the name of its top-level directory.
/// Unreadable subdirectories are skipped, as `rglob` skips them.
pub(crate) fn for_each_file(dir: &Path, mut visit: impl FnMut(Option<&str>, String)) {
    walk(dir, |top, name, _| visit(top, name));
}

/// [`for_each_file`] with each file's path: `visit(path, name)`.
pub(crate) fn for_each_file_path(dir: &Path, mut visit: impl FnMut(&Path, &str)) {
    walk(dir, |_, name, path| visit(path, &name));
}

fn walk(dir: &Path, mut visit: impl FnMut(Option<&str>, String, &Path)) {
    let mut stack: Vec<(PathBuf, Option<String>)> = vec![(dir.to_path_buf(), None)];
    while let Some((d, top)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if ft.is_dir() {
                let top = top.clone().unwrap_or_else(|| name.clone());
                stack.push((path, Some(top)));
            } else if ft.is_file() || (ft.is_symlink() && path.is_file()) {
                visit(top.as_deref(), name, &path);
            }
        }
    }
}

/// Count regular files under `dir` (recursively) whose name satisfies `keep`.
pub(crate) fn count_files(dir: &Path, keep: &dyn Fn(&str) -> bool) -> usize {
    let mut count = 0;
    for_each_file(dir, |_, name| count += usize::from(keep(&name)));
    count
}

/// `PortContext`: the workspace layout and its file counts.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub source_root: PathBuf,
    pub tests_root: PathBuf,
    pub assets_root: PathBuf,
    pub archive_root: PathBuf,
    pub python_file_count: usize,
    pub test_file_count: usize,
    pub asset_file_count: usize,
    pub archive_available: bool,
}

pub(crate) const ARCHIVE_SUBPATH: &str = "archive/claude_code_ts_snapshot/src";

impl Context {
    pub(crate) fn build(root: &Path) -> Context {
        let py = |n: &str| n.ends_with(".py");
        let source_root = root.join("src");
        let tests_root = root.join("tests");
        let assets_root = root.join("assets");
        let archive_root = root.join(ARCHIVE_SUBPATH);
        Context {
            python_file_count: count_files(&source_root, &py),
            test_file_count: count_files(&tests_root, &py),
            asset_file_count: count_files(&assets_root, &|_| true),
            archive_available: archive_root.exists(),
            source_root,
            tests_root,
            assets_root,
            archive_root,
        }
    }

    /// `render_context(context)`.
    pub(crate) fn render(&self) -> String {
        [
            format!("Source root: {}", self.source_root.display()),
            format!("Test root: {}", self.tests_root.display()),
            format!("Assets root: {}", self.assets_root.display()),
            format!("Archive root: {}", self.archive_root.display()),
            format!("Python files: {}", self.python_file_count),
            format!("Test files: {}", self.test_file_count),
            format!("Assets: {}", self.asset_file_count),
            format!("Archive available: {}", py_bool(self.archive_available)),
        ]
        .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_counts_python_tests_and_assets() {
        let dir = std::env::temp_dir().join(format!("claw-ctx-{}", std::process::id()));
        for (p, body) in [
            ("src/a.py", ""),
            ("src/pkg/b.py", ""),
            ("src/c.rs", ""),
            ("tests/t.py", ""),
            ("assets/x.png", ""),
            ("assets/d/y", ""),
        ] {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let c = Context::build(&dir);
        assert_eq!((c.python_file_count, c.test_file_count, c.asset_file_count, c.archive_available), (2, 1, 2, false));
        assert!(c.render().contains("Archive available: False"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
