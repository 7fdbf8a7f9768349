//! The mirrored inventories: the command and tool snapshots and the archive
//! surface.  The default is compiled in from `reference_data/`; setting
//! `CLAW_REFERENCE_DATA=DIR` replaces it wholesale with a directory of the
//! same layout.  Each file is read only when a command needs it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{ClawError, Result};

/// Override files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

const COMMANDS_FILE: &str = "commands_snapshot.json";
const TOOLS_FILE: &str = "tools_snapshot.json";
const ARCHIVE_FILE: &str = "archive_surface_snapshot.json";

const EMBEDDED_COMMANDS: &str = include_str!("../reference_data/commands_snapshot.json");
const EMBEDDED_TOOLS: &str = include_str!("../reference_data/tools_snapshot.json");
const EMBEDDED_ARCHIVE: &str = include_str!("../reference_data/archive_surface_snapshot.json");

/// One mirrored command or tool.
#[derive(Debug, Clone, Deserialize)]
pub struct Module {
    #[serde(borrow)]
    pub name: Cow<'static, str>,
    #[serde(borrow)]
    pub source_hint: Cow<'static, str>,
    #[serde(borrow)]
    pub responsibility: Cow<'static, str>,
}

/// The archived TypeScript surface the parity audit compares against.
#[derive(Debug, Clone, Deserialize)]
pub struct ArchiveSurface {
    pub archive_root: String,
    pub root_files: Vec<String>,
    pub root_dirs: Vec<String>,
    pub total_ts_like_files: u64,
    pub command_entry_count: u64,
    pub tool_entry_count: u64,
}

/// Where the inventories come from.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    Dir(PathBuf),
}

impl Source {
    /// `CLAW_REFERENCE_DATA` if set (and non-empty), else the embedded default.
    pub fn from_env() -> Source {
        match std::env::var_os("CLAW_REFERENCE_DATA") {
            Some(dir) if !dir.is_empty() => Source::Dir(PathBuf::from(dir)),
            _ => Source::Embedded,
        }
    }

    fn describe(&self, file: &str) -> String {
        match self {
            Source::Embedded => format!("embedded {file}"),
            Source::Dir(dir) => dir.join(file).display().to_string(),
        }
    }

    /// The text of one snapshot file, with `'static` lifetime so entries can
    /// borrow from it (an override is read once and kept for the process).
    fn text(&self, file: &str, embedded: &'static str) -> Result<&'static str> {
        let dir = match self {
            Source::Embedded => return Ok(embedded),
            Source::Dir(dir) => dir,
        };
        let fail = |problem: String| ClawError::Snapshot { file: self.describe(file), problem };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(ClawError::Snapshot { file: dir.display().to_string(), problem: "CLAW_REFERENCE_DATA is not a directory".into() }),
            Err(e) => return Err(ClawError::Snapshot { file: dir.display().to_string(), problem: format!("CLAW_REFERENCE_DATA is unusable: {}", io_reason(&e)) }),
        }
        let path = dir.join(file);
        let meta = std::fs::metadata(&path).map_err(|e| fail(io_reason(&e)))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(fail(format!("{} bytes is over the {} byte limit", meta.len(), MAX_FILE_BYTES)));
        }
        let bytes = std::fs::read(&path).map_err(|e| fail(io_reason(&e)))?;
        let text = String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
        Ok(Box::leak(text.into_boxed_str()))
    }

    fn parse<T: Deserialize<'static>>(&self, file: &str, embedded: &'static str) -> Result<T> {
        let text = self.text(file, embedded)?;
        serde_json::from_str(text).map_err(|e| ClawError::Snapshot { file: self.describe(file), problem: e.to_string() })
    }

    pub fn commands(&self) -> Result<Vec<Module>> {
        self.parse(COMMANDS_FILE, EMBEDDED_COMMANDS)
    }

    pub fn tools(&self) -> Result<Vec<Module>> {
        self.parse(TOOLS_FILE, EMBEDDED_TOOLS)
    }

    pub fn archive_surface(&self) -> Result<ArchiveSurface> {
        self.parse(ARCHIVE_FILE, EMBEDDED_ARCHIVE)
    }
}

/// An I/O error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// True when `path` names an existing directory.
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses() {
        let s = Source::Embedded;
        let commands = s.commands().unwrap();
        let tools = s.tools().unwrap();
        assert!(!commands.is_empty() && !tools.is_empty());
        let archive = s.archive_surface().unwrap();
        assert!(!archive.root_files.is_empty());
    }

    #[test]
    fn override_errors_name_the_file_and_problem() {
        let dir = std::env::temp_dir().join(format!("claw-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let s = Source::Dir(dir.clone());
        let e = s.commands().unwrap_err().to_string();
        assert!(e.contains("commands_snapshot.json") && e.contains("No such file"), "{e}");
        std::fs::write(dir.join(COMMANDS_FILE), "[{\"name\": 3}]").unwrap();
        let e = s.commands().unwrap_err().to_string();
        assert!(e.contains("commands_snapshot.json") && e.contains("invalid type"), "{e}");
        std::fs::write(dir.join(COMMANDS_FILE), "[{").unwrap();
        assert!(s.commands().unwrap_err().to_string().contains("EOF"));
        let file = dir.join(COMMANDS_FILE);
        let e = Source::Dir(file).commands().unwrap_err().to_string();
        assert!(e.contains("not a directory"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
