//! The mirrored inventories: the command and tool snapshots and the archive
//! surface.  The default is compiled in from `reference_data/`.  A directory
//! of the same layout replaces it wholesale: `CLAW_REFERENCE_DATA=DIR`, else
//! the workspace's own `src/reference_data/` when it holds a command snapshot
//! (so claw run in a checkout of the reference harness reads that checkout's
//! inventories, as `python3 -m src.main` there does).  Each file is read only
//! when a command needs it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::io_reason;
use crate::error::{ClawError, Result};
pub use crate::inventory_io::MAX_FILE_BYTES;
use crate::{inventory_io, inventory_scan};

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

/// Where one inventory's text is, for readers that stream it.
#[derive(Debug, Clone)]
pub enum Input<'t> {
    Text(&'t str),
    File(PathBuf),
}

/// Where the inventories come from.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    Dir(PathBuf),
}

impl Source {
    /// `CLAW_REFERENCE_DATA` if set (and non-empty); else `WORKSPACE/src/reference_data`
    /// if it holds `commands_snapshot.json`; else the embedded default.
    pub fn resolve(workspace: &Path) -> Source {
        match std::env::var_os("CLAW_REFERENCE_DATA") {
            Some(dir) if !dir.is_empty() => Source::Dir(PathBuf::from(dir)),
            _ => {
                let own = workspace.join("src").join("reference_data");
                if own.join(COMMANDS_FILE).is_file() {
                    Source::Dir(crate::workspace::absolute(&own))
                } else {
                    Source::Embedded
                }
            }
        }
    }

    fn describe(&self, file: &str) -> String {
        match self {
            Source::Embedded => format!("embedded {file}"),
            Source::Dir(dir) => dir.join(file).display().to_string(),
        }
    }

    /// The text of one snapshot file: the embedded one, or the override's,
    /// read and checked.
    fn text(&self, file: &str, embedded: &'static str) -> Result<Cow<'static, str>> {
        let dir = match self {
            Source::Embedded => return Ok(Cow::Borrowed(embedded)),
            Source::Dir(dir) => dir,
        };
        let fail = |problem: String| ClawError::Snapshot { file: self.describe(file), problem };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ClawError::Snapshot {
                    file: dir.display().to_string(),
                    problem: "CLAW_REFERENCE_DATA is not a directory".into(),
                });
            }
            Err(e) => {
                return Err(ClawError::Snapshot {
                    file: dir.display().to_string(),
                    problem: format!("CLAW_REFERENCE_DATA is unusable: {}", io_reason(&e)),
                });
            }
        }
        let bytes = inventory_io::read_all(&dir.join(file)).map_err(fail)?;
        let text =
            String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
        Ok(Cow::Owned(text))
    }

    /// A snapshot parsed into a value that owns its data.
    fn parse<T: serde::de::DeserializeOwned>(&self, file: &str, embedded: &'static str) -> Result<T> {
        self.parse_text(file, &self.text(file, embedded)?)
    }

    fn parse_text<'a, T: Deserialize<'a>>(&self, file: &str, text: &'a str) -> Result<T> {
        serde_json::from_str(text)
            .map_err(|e| ClawError::Snapshot { file: self.describe(file), problem: e.to_string() })
    }

    fn modules(&self, file: &str, embedded: &'static str) -> Result<Vec<Module>> {
        // Modules borrow their fields from the text, so an override's text
        // stays for the rest of the process (one command: no registry holds
        // it, and nothing else is leaked).
        // Not `into_boxed_str`: that would shrink (reallocate) the buffer.
        let text: &'static str = match self.text(file, embedded)? {
            Cow::Borrowed(text) => text,
            Cow::Owned(text) => text.leak(),
        };
        // The fast scanner accepts the common shape; anything else (and every
        // error) goes through serde_json, which names the problem.
        match fast_modules(text) {
            Some(modules) => Ok(modules),
            None => self.parse_text(file, text),
        }
    }

    /// The command and tool texts, unread (checks and errors are left to
    /// the reader, or to [`Source::commands_and_tools`]).
    pub fn inventory_inputs(&self) -> [Input<'static>; 2] {
        match self {
            Source::Embedded => [Input::Text(EMBEDDED_COMMANDS), Input::Text(EMBEDDED_TOOLS)],
            Source::Dir(dir) => [Input::File(dir.join(COMMANDS_FILE)), Input::File(dir.join(TOOLS_FILE))],
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
        let (tools, commands) = crate::threads::both(|| self.tools(), || self.commands());
        Ok((commands?, tools?))
    }

    pub fn archive_surface(&self) -> Result<ArchiveSurface> {
        self.parse(ARCHIVE_FILE, EMBEDDED_ARCHIVE)
    }
}

/// The modules of a text in the common shape (see `inventory_scan`), or
/// `None` for anything else, including every malformed input.
fn fast_modules(text: &'static str) -> Option<Vec<Module>> {
    let field = |f: inventory_scan::Field| -> Option<Cow<'static, str>> {
        if f.escaped {
            serde_json::from_slice(f.literal(text.as_bytes())).ok().map(Cow::Owned)
        } else {
            // Fields start and end at quotes, which are character boundaries.
            text.get(f.start..f.end).map(Cow::Borrowed)
        }
    };
    inventory_scan::entries(text.as_bytes())?
        .into_iter()
        .map(|e| {
            let [name, hint, resp] = e.fields;
            Some(Module { name: field(name)?, source_hint: field(hint)?, responsibility: field(resp)? })
        })
        .collect()
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
        let fast = fast_modules(text).unwrap();
        let slow: Vec<Module> = serde_json::from_str(text).unwrap();
        let pairs = |v: &[Module]| {
            v.iter()
                .map(|m| (m.name.to_string(), m.source_hint.to_string(), m.responsibility.to_string()))
                .collect::<Vec<_>>()
        };
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
            "[{\"name\": \"a\nb\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"source_hint\": \"b\\\"\tc\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"source_hint\": \"b\", \"responsibility\": \"c\"}, 3]",
            "[{\"name\": \"a",
        ] {
            assert!(fast_modules(other).is_none(), "{other}");
        }
        assert_eq!(fast_modules("[ ]").map(|v| v.len()), Some(0));
    }

    #[test]
    fn fast_scanner_agrees_with_serde_on_random_and_corrupted_texts() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move |n: usize| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
        };
        const PIECES: &[&str] =
            &["git", "Bug", "é", "\u{212a}", "🦀", "\"", "\\", "/", " ", "\u{1c}", "\n", "\t", "x", "0123456789abcdef"];
        const WS: &[&str] = &["", " ", "\n", "\n    ", "\t", "\r\n"];
        const KEYS: &[&str] = &["\"name\"", "\"source_hint\"", "\"responsibility\"", "\"na\\u006de\"", "\"extra\""];
        let mut parsed = 0;
        for case in 0..3000 {
            let mut text = format!("[{}", WS[next(WS.len())]);
            for i in 0..next(5) {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&format!("{}{{", WS[next(WS.len())]));
                let mut keys = [0usize, 1, 2];
                for k in (1..3).rev() {
                    keys.swap(k, next(k + 1));
                }
                for (j, &k) in keys.iter().enumerate() {
                    let key = if next(40) == 0 { KEYS[3 + next(2)] } else { KEYS[k] };
                    let value: String = (0..next(12)).map(|_| PIECES[next(PIECES.len())]).collect();
                    let sep = if j == 0 { "" } else { "," };
                    let ws = WS[next(WS.len())];
                    text.push_str(&format!("{sep}{ws}{key}{ws}:{ws}{}", serde_json::to_string(&value).unwrap()));
                }
                text.push_str(&format!("{}}}", WS[next(WS.len())]));
            }
            text.push_str(&format!("{}]{}", WS[next(WS.len())], WS[next(WS.len())]));
            // Corrupt some: a raw control byte, quote, backslash or other
            // character inserted, a character dropped, or the text cut short.
            if next(3) == 0 {
                let chars: Vec<char> = text.chars().collect();
                let at = next(chars.len() + 1);
                let insert = ['\u{1}', '\u{1c}', '\n', '"', '\\', 'é', '}', ','][next(8)];
                text = match next(3) {
                    0 => chars[..at].iter().chain([insert].iter()).chain(chars[at..].iter()).collect(),
                    1 if at < chars.len() => chars[..at].iter().chain(chars[at + 1..].iter()).collect(),
                    _ => chars[..at].iter().collect(),
                };
            }
            let text: &'static str = Box::leak(text.into_boxed_str());
            let slow: std::result::Result<Vec<Module>, _> = serde_json::from_str(text);
            match (fast_modules(text), slow) {
                (Some(fast), Ok(slow)) => {
                    parsed += 1;
                    let triple =
                        |m: &Module| (m.name.to_string(), m.source_hint.to_string(), m.responsibility.to_string());
                    assert_eq!(
                        fast.iter().map(triple).collect::<Vec<_>>(),
                        slow.iter().map(triple).collect::<Vec<_>>(),
                        "case {case}: {text:?}"
                    );
                }
                (Some(_), Err(e)) => panic!("case {case}: fast scanner accepted what serde refuses ({e}): {text:?}"),
                (None, _) => {}
            }
        }
        assert!(parsed > 1500, "only {parsed} texts took the fast path");
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
