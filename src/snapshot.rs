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

/// Above this size the two inventories are loaded on two threads.
const PARALLEL_BYTES: u64 = 1 << 20;

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
        self.parse_text(file, text)
    }

    fn parse_text<T: Deserialize<'static>>(&self, file: &str, text: &'static str) -> Result<T> {
        serde_json::from_str(text).map_err(|e| ClawError::Snapshot { file: self.describe(file), problem: e.to_string() })
    }

    fn modules(&self, file: &str, embedded: &'static str) -> Result<Vec<Module>> {
        let text = self.text(file, embedded)?;
        // The fast scanner accepts the common shape; anything else (and every
        // error) goes through serde_json, which names the problem.
        match fast::modules(text) {
            Some(modules) => Ok(modules),
            None => self.parse_text(file, text),
        }
    }

    pub fn commands(&self) -> Result<Vec<Module>> {
        self.modules(COMMANDS_FILE, EMBEDDED_COMMANDS)
    }

    pub fn tools(&self) -> Result<Vec<Module>> {
        self.modules(TOOLS_FILE, EMBEDDED_TOOLS)
    }

    /// Both inventories; large override files are read and parsed in parallel.
    pub fn commands_and_tools(&self) -> Result<(Vec<Module>, Vec<Module>)> {
        let big = match self {
            Source::Embedded => false,
            Source::Dir(dir) => [COMMANDS_FILE, TOOLS_FILE]
                .iter()
                .all(|f| std::fs::metadata(dir.join(f)).is_ok_and(|m| m.len() > PARALLEL_BYTES)),
        };
        if !big {
            return Ok((self.commands()?, self.tools()?));
        }
        std::thread::scope(|scope| {
            let tools = scope.spawn(|| self.tools());
            let commands = self.commands();
            let tools = tools.join().unwrap_or_else(|_| Err(ClawError::Snapshot { file: self.describe(TOOLS_FILE), problem: "reader thread failed".into() }));
            Ok((commands?, tools?))
        })
    }

    pub fn archive_surface(&self) -> Result<ArchiveSurface> {
        self.parse(ARCHIVE_FILE, EMBEDDED_ARCHIVE)
    }
}

/// A scanner for the snapshot shape (an array of flat objects with string
/// values and exactly the three known keys), several times faster than a
/// general JSON parser.  It returns `None` for anything else, including
/// every malformed input, so that serde_json can report the error.
mod fast {
    use std::borrow::Cow;

    use super::Module;

    struct Cursor {
        text: &'static str,
        pos: usize,
    }

    impl Cursor {
        fn ws(&mut self) {
            let b = self.text.as_bytes();
            while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            }
        }

        fn eat(&mut self, c: u8) -> Option<()> {
            self.ws();
            (self.text.as_bytes().get(self.pos) == Some(&c)).then(|| self.pos += 1)
        }

        fn peek(&mut self) -> Option<u8> {
            self.ws();
            self.text.as_bytes().get(self.pos).copied()
        }

        fn string(&mut self) -> Option<Cow<'static, str>> {
            self.eat(b'"')?;
            let b = self.text.as_bytes();
            let start = self.pos;
            let mut escaped = false;
            loop {
                let i = self.pos + memchr::memchr2(b'"', b'\\', &b[self.pos..])?;
                if b[i] == b'"' {
                    self.pos = i + 1;
                    let raw = &self.text[start..i];
                    // Other control bytes were ruled out for the whole text.
                    if memchr::memchr3(b'\n', b'\r', b'\t', raw.as_bytes()).is_some() {
                        return None;
                    }
                    if !escaped {
                        return Some(Cow::Borrowed(raw));
                    }
                    return serde_json::from_str::<String>(&self.text[start - 1..=i]).ok().map(Cow::Owned);
                }
                escaped = true;
                self.pos = i + 2;
                if self.pos > b.len() {
                    return None;
                }
            }
        }

        fn module(&mut self) -> Option<Module> {
            self.eat(b'{')?;
            let (mut name, mut hint, mut resp) = (None, None, None);
            loop {
                let key = self.string()?;
                self.eat(b':')?;
                let value = self.string()?;
                let slot = match key.as_ref() {
                    "name" => &mut name,
                    "source_hint" => &mut hint,
                    "responsibility" => &mut resp,
                    _ => return None,
                };
                if slot.replace(value).is_some() {
                    return None;
                }
                match self.peek()? {
                    b',' => self.pos += 1,
                    b'}' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            Some(Module { name: name?, source_hint: hint?, responsibility: resp? })
        }
    }

    pub fn modules(text: &'static str) -> Option<Vec<Module>> {
        // Control bytes are invalid anywhere in JSON but as whitespace.
        if text.bytes().fold(false, |bad, b| bad | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')) {
            return None;
        }
        let mut c = Cursor { text, pos: 0 };
        c.eat(b'[')?;
        let mut out = Vec::with_capacity(text.len() / 160);
        if c.peek()? == b']' {
            c.pos += 1;
        } else {
            loop {
                out.push(c.module()?);
                match c.peek()? {
                    b',' => c.pos += 1,
                    b']' => {
                        c.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        c.ws();
        (c.pos == text.len()).then_some(out)
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
    fn fast_scanner_agrees_with_serde_and_defers_on_anything_else() {
        let text: &'static str = r#" [ {"name": "a\"b", "source_hint": "x/\u00e9.ts", "responsibility": "r"},
            {"responsibility": "r2", "name": "c", "source_hint": "d"} ] "#;
        let fast = fast::modules(text).unwrap();
        let slow: Vec<Module> = serde_json::from_str(text).unwrap();
        let pairs = |v: &[Module]| v.iter().map(|m| (m.name.to_string(), m.source_hint.to_string(), m.responsibility.to_string())).collect::<Vec<_>>();
        assert_eq!(pairs(&fast), pairs(&slow));
        assert_eq!(fast[0].name, "a\"b");
        assert_eq!(fast[0].source_hint, "x/\u{e9}.ts");
        for other in [
            "[]x",
            "[{\"name\": \"a\"}]",
            "[{\"name\": 1, \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"name\": \"a\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\\u0001\", \"extra\": 2, \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\u{1}\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a",
        ] {
            assert!(fast::modules(other).is_none(), "{other}");
        }
        assert_eq!(fast::modules("[ ]").map(|v| v.len()), Some(0));
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
