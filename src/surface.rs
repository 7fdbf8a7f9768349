//! Surface coverage by name: which of the inventory's command and tool
//! names the port's source mentions.
//!
//! # The rule
//!
//! A name is **normalized** by lower-casing it and dropping every
//! character that is not alphanumeric (`add-dir` → `adddir`, `MCPTool` →
//! `mcptool`); a tool name also drops a trailing `tool` when something is
//! left (`BashTool` → `bash`).  The port's **tokens** are the identifiers
//! and the string literals of its source files (`.py` and `.rs` under every
//! port root), each normalized the same way (`add_dir` → `adddir`,
//! `"/compact"` → `compact`); comments are skipped.  A command is covered
//! when its normalized name is a token; a tool when its normalized name, or
//! that name followed by `tool`, is a token (`"bash"`, `BashTool` and
//! `bash_tool` all cover `BashTool`).  Each distinct name counts once.
//!
//! # Blind spots
//!
//! * A name that is a common word (`help`, `status`, `config`, `init`,
//!   `version`) is covered by any identifier or literal of that name, so it
//!   may count without being a command of the port.
//! * A command the port implements under another name (`/quit` for `exit`),
//!   or assembles at run time (`format!("{}-{}", …)`), or declares only in
//!   a data file (JSON, TOML, Markdown) is reported missing.
//! * A literal counts only as a whole: `"/compact [instructions]"` is the
//!   token `compactinstructions`, which does not cover `compact`.
//! * Only the first [`FILE_LIMIT`] bytes of a file are read.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::path::Path;

use crate::pyfmt::json::Json;

/// At most this many bytes of each source file are tokenized.
pub(crate) const FILE_LIMIT: u64 = 4 << 20;

/// Tokens longer than this (normalized) are not kept: no name is that long.
const TOKEN_LIMIT: usize = 64;

/// `name` lower-cased, without non-alphanumeric characters.
pub(crate) fn normalize(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A tool name normalized, without a trailing `tool` (`BashTool` → `bash`).
pub(crate) fn normalize_tool(name: &str) -> String {
    let n = normalize(name);
    match n.strip_suffix("tool") {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => n,
    }
}

/// The normalized identifiers and string literals of a port.
#[derive(Debug, Default)]
pub(crate) struct Tokens(HashSet<String>);

impl Tokens {
    /// The tokens of every `.py` / `.rs` file under `dirs`.
    pub(crate) fn of_dirs<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Tokens {
        let mut tokens = Tokens::default();
        for dir in dirs {
            crate::workspace::for_each_file_path(dir, |path, name| {
                let python = name.ends_with(".py");
                if (python || name.ends_with(".rs"))
                    && let Some(text) = read_prefix(path)
                {
                    tokens.add_source(&text, python);
                }
            });
        }
        tokens
    }

    /// Add the tokens of one source text (Python when `python`, else Rust).
    pub(crate) fn add_source(&mut self, text: &str, python: bool) {
        lex(text, python, |raw| {
            let n = normalize(raw);
            if !n.is_empty() && n.len() <= TOKEN_LIMIT {
                self.0.insert(n);
            }
        });
    }

    pub(crate) fn contains(&self, normalized: &str) -> bool {
        self.0.contains(normalized)
    }

    /// Whether the command `name` is covered.
    pub(crate) fn covers_command(&self, name: &str) -> bool {
        let n = normalize(name);
        !n.is_empty() && self.contains(&n)
    }

    /// Whether the tool `name` is covered.
    pub(crate) fn covers_tool(&self, name: &str) -> bool {
        let n = normalize_tool(name);
        !n.is_empty() && (self.contains(&n) || self.contains(&format!("{n}tool")))
    }
}

fn read_prefix(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(FILE_LIMIT).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// How many of a set of distinct names are covered, and which are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Coverage {
    pub covered: u64,
    pub total: u64,
    /// The names not covered, in code-point order.
    pub missing: Vec<String>,
}

impl Coverage {
    /// Judge each distinct name in `names` with `covers`.
    pub(crate) fn of<'a>(names: impl IntoIterator<Item = &'a str>, covers: impl Fn(&str) -> bool) -> Coverage {
        let distinct: BTreeSet<&str> = names.into_iter().collect();
        let missing: Vec<String> = distinct.iter().filter(|n| !covers(n)).map(|n| n.to_string()).collect();
        Coverage { covered: (distinct.len() - missing.len()) as u64, total: distinct.len() as u64, missing }
    }

    pub(crate) fn ratio(&self) -> crate::ratio::Ratio {
        crate::ratio::Ratio { covered: self.covered, total: self.total }
    }

    /// `{"covered", "total", "ratio", "missing"}`.
    pub(crate) fn to_json(&self) -> Json {
        let Json::Obj(mut fields) = self.ratio().to_json() else { unreachable!("Ratio::to_json builds an object") };
        fields.push(("missing".into(), Json::strs(&self.missing)));
        Json::Obj(fields)
    }
}

/// Call `token` with every identifier and the contents of every string
/// literal of `text`, skipping comments.  Python: `#` comments, `'`/`"`
/// strings and their triple-quoted forms.  Rust: `//` and (nested) `/* */`
/// comments, `"` strings, raw strings `r#"…"#`, and char literals / lifetimes.
fn lex(text: &str, python: bool, mut token: impl FnMut(&str)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80) {
                i += 1;
            }
            let word = &text[start..i];
            // Rust raw strings: r"…", r#"…"#, br#"…"#.
            if !python && (word == "r" || word == "br") && i < b.len() && (b[i] == b'"' || b[i] == b'#') {
                let mut hashes = 0;
                while i + hashes < b.len() && b[i + hashes] == b'#' {
                    hashes += 1;
                }
                if i + hashes < b.len() && b[i + hashes] == b'"' {
                    let body = i + hashes + 1;
                    let close = format!("\"{}", "#".repeat(hashes));
                    let end = text[body..].find(&close).map_or(b.len(), |e| body + e);
                    token(&text[body..end]);
                    i = (end + close.len()).min(b.len());
                    continue;
                }
            }
            token(word);
        } else if python && c == b'#' || !python && b[i..].starts_with(b"//") {
            i = text[i..].find('\n').map_or(b.len(), |e| i + e);
        } else if !python && b[i..].starts_with(b"/*") {
            let mut depth = 0usize;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'"' || (python && c == b'\'') {
            let triple = python && b.len() >= i + 3 && b[i + 1] == c && b[i + 2] == c;
            let (open, close) = if triple { (3, [c, c, c].to_vec()) } else { (1, vec![c]) };
            let body = i + open;
            let mut j = body;
            while j < b.len() {
                if b[j] == b'\\' {
                    j += 2;
                } else if b[j..].starts_with(&close) || (python && !triple && b[j] == b'\n') {
                    break;
                } else {
                    j += 1;
                }
            }
            let end = j.min(b.len());
            token(&text[body.min(end)..end]);
            i = (end + close.len()).min(b.len());
        } else if !python && c == b'\'' {
            // A char literal ('x', '\n', '\'') or a lifetime ('a).
            if b.get(i + 1) == Some(&b'\\') {
                i = text[i + 2..].find('\'').map_or(b.len(), |e| i + 2 + e + 1).max(i + 3);
            } else if let Some(ch) = text[i + 1..].chars().next() {
                let after = i + 1 + ch.len_utf8();
                i = if b.get(after) == Some(&b'\'') { after + 1 } else { i + 1 };
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str, python: bool) -> Vec<String> {
        let mut out = Vec::new();
        lex(text, python, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn normalizes_names() {
        assert_eq!(normalize("add-dir"), "adddir");
        assert_eq!(normalize("/Compact"), "compact");
        assert_eq!(normalize_tool("BashTool"), "bash");
        assert_eq!(normalize_tool("MCPTool"), "mcp");
        assert_eq!(normalize_tool("Tool"), "tool");
        assert_eq!(normalize_tool("web_fetch"), "webfetch");
    }

    #[test]
    fn rust_lexing_skips_comments_and_keeps_literals() {
        let src = "// compact here\nfn run_review<'a>(x: &'a str) { let c = '\\''; let d = 'q'; /* outer /* nested */ mcp */ \"resume\"; r#\"raw \"x\"\"#; }";
        assert_eq!(
            tokens(src, false),
            ["fn", "run_review", "a", "x", "a", "str", "let", "c", "let", "d", "resume", "raw \"x\""]
        );
    }

    #[test]
    fn python_lexing_handles_quotes_and_comments() {
        let src = "# compact\ndef review(): return 'mcp', \"\"\"doc \" string\"\"\", f'x{y}'\n";
        assert_eq!(tokens(src, true), ["def", "review", "return", "mcp", "doc \" string", "f", "x{y}"]);
        // An unterminated string ends at the line.
        assert_eq!(tokens("'abc\nnext", true), ["abc", "next"]);
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for src in ["\"abc", "r#\"abc", "'", "'\\", "/* x", "é'ü", "\"\\"] {
            tokens(src, false);
            tokens(src, true);
        }
    }

    proptest::proptest! {
        /// Any text lexes without panicking, and every token is a slice of it.
        #[test]
        fn any_text_lexes(text in "(?s).{0,64}", python: bool) {
            lex(&text, python, |t| assert!(text.contains(t)));
        }

        /// Quote, comment and escape heavy text, where slicing goes wrong first.
        #[test]
        fn quote_heavy_text_lexes(text in "[\"'#/*\\\nrbé€a_ ]{0,40}", python: bool) {
            lex(&text, python, |t| assert!(text.contains(t)));
        }
    }

    #[test]
    fn coverage_by_name() {
        let mut t = Tokens::default();
        t.add_source("const NAMES: [&str; 2] = [\"add-dir\", \"compact\"]; struct BashTool; fn web_fetch() {}", false);
        assert!(t.covers_command("add-dir") && t.covers_command("compact") && !t.covers_command("review"));
        assert!(t.covers_tool("BashTool") && t.covers_tool("WebFetchTool") && !t.covers_tool("GrepTool"));
        let c = Coverage::of(["compact", "review", "compact", "add-dir"], |n| t.covers_command(n));
        assert_eq!(c, Coverage { covered: 2, total: 3, missing: vec!["review".into()] });
    }
}
