//! Where a workspace's port lives: its source roots.
//!
//! A single package (or a Python workspace) has one root, `DIR/src`.  When
//! `DIR/Cargo.toml` declares `[workspace] members` (see
//! [`crate::cargo_workspace`]), the port is every member's `src/` tree, in
//! member order; `manifest`, `subsystems`, `summary` and `parity-audit`
//! cover all of them and name each member.

use std::path::{Path, PathBuf};

use crate::pyfmt::json::Json;

/// The port root of a workspace: `<workspace>/src`.
pub(crate) fn port_root(workspace: &Path) -> PathBuf {
    workspace.join("src")
}

/// One source root.  `member` is the member's path relative to the
/// workspace (`crates/api`, `.` for a root package), empty for a single package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Root {
    pub member: String,
    pub src: PathBuf,
}

/// The source roots of a workspace.
#[derive(Debug, Clone)]
pub(crate) struct PortRoots {
    pub workspace: PathBuf,
    /// Whether the roots come from `[workspace] members`.
    pub cargo_workspace: bool,
    pub roots: Vec<Root>,
}

impl PortRoots {
    /// The roots of `workspace` (already resolved to a directory).
    pub(crate) fn discover(workspace: &Path) -> PortRoots {
        match crate::cargo_workspace::members(workspace) {
            Some(members) => PortRoots {
                workspace: workspace.to_path_buf(),
                cargo_workspace: true,
                roots: members
                    .into_iter()
                    .map(|m| {
                        let dir = if m == "." { workspace.to_path_buf() } else { workspace.join(&m) };
                        Root { src: dir.join("src"), member: m }
                    })
                    .collect(),
            },
            None => PortRoots::single(workspace),
        }
    }

    /// `DIR/src` alone, whatever `DIR/Cargo.toml` says.
    pub(crate) fn single(workspace: &Path) -> PortRoots {
        PortRoots {
            workspace: workspace.to_path_buf(),
            cargo_workspace: false,
            roots: vec![Root { member: String::new(), src: port_root(workspace) }],
        }
    }

    /// What `port_root` reports: `DIR/src`, or `DIR` for a cargo workspace.
    pub(crate) fn port_root(&self) -> PathBuf {
        if self.cargo_workspace { self.workspace.clone() } else { port_root(&self.workspace) }
    }

    /// The absolute `src/` directories, as a JSON list of strings.
    pub(crate) fn to_json(&self) -> Json {
        Json::List(self.roots.iter().map(|r| Json::str(r.src.display().to_string())).collect())
    }

    /// The source directories.
    pub(crate) fn src_dirs(&self) -> impl Iterator<Item = &Path> {
        self.roots.iter().map(|r| r.src.as_path())
    }

    /// The text lines naming each root of a cargo workspace (none otherwise):
    ///
    /// ```text
    /// Cargo workspace members: 2
    /// - `crates/api/src`
    /// - `crates/cli/src`
    /// ```
    pub(crate) fn lines(&self) -> Vec<String> {
        if !self.cargo_workspace {
            return Vec::new();
        }
        let mut lines = vec![format!("Cargo workspace members: {}", self.roots.len())];
        lines.extend(self.roots.iter().map(|r| format!("- `{}`", member_src(&r.member))));
        lines
    }
}

/// `crates/api` → `crates/api/src`; `.` → `src`.
pub(crate) fn member_src(member: &str) -> String {
    if member == "." || member.is_empty() { "src".to_string() } else { format!("{member}/src") }
}
