//! Path scope for shell and file tools (`exec-tool --workspace-root`).
//!
//! [`check`] confines the path-like operands of a mirrored tool's payload to
//! one or more workspace roots. It is only called when at least one
//! `--workspace-root` is given; without one, `exec-tool` behaves exactly like
//! the reference.
//!
//! # Which tools
//!
//! A tool is scoped when its lowercased name contains `bash`, `shell`,
//! `powershell`, `fileread`, `filewrite` or `fileedit`. Any other tool is
//! accepted without looking at the payload.
//!
//! # What is a candidate
//!
//! * A payload that parses as a JSON object contributes, at any depth, the
//!   string values (or arrays of strings) of keys whose lowercased name
//!   contains `path` or `file` as path operands (taken literally: no word
//!   splitting, quoting or flag/assignment skipping, but with `~`, `$VAR` and
//!   glob expansion), and a `command` value as a shell line.
//! * Any other payload is a shell line.
//! * A shell line is split into words the POSIX way (single quotes, double
//!   quotes, backslash escapes, `#` comments, `\`-newline continuations).
//!   `;`, `|`, `&`, `&&`, `||`, `(`, `)` and newlines separate simple
//!   commands. For a PowerShell tool, backslash is an ordinary character
//!   (a path separator) and the backtick is the escape character.
//! * In each simple command, `NAME=value` words and words starting with `-`
//!   are skipped (so `--file=/x`, `-o/x` and `dd if=/x` are *not* checked).
//!   For shell tools the first remaining word (the program name) is skipped
//!   too unless it contains a `/` (or a `\` for PowerShell) or is a Windows
//!   path; leading reserved words (`if`, `then`, `do`, `!`, `{`, ...) don't
//!   count as the program name. For file tools with a bare (non-JSON) payload
//!   every remaining word is an operand.
//! * The word after a redirection operator (`>`, `>>`, `>|`, `<`, `<>`,
//!   `&>`, `&>>`, with an optional fd number such as `2>`; PowerShell also
//!   `*>`) is always a candidate, attached (`>out`, `2>>log`) or not.
//!   `>&N`/`<&N`/`>&-` duplicate descriptors and are not paths, here-doc
//!   delimiters (`<<EOF`, `<<-EOF`) and here-doc bodies and here-strings
//!   (`<<<word`) are not paths either.
//! * Command substitutions (`$(...)`, backticks) and process substitutions
//!   (`<(...)`, `>(...)`) are checked as shell lines of their own; inside the
//!   enclosing word a substitution counts as the empty string, except that
//!   `$(pwd)` and `` `pwd` `` count as the cwd.
//! * Payloads too complex to check are refused rather than let through:
//!   substitutions nested more than 32 deep, and a word whose brace
//!   expansion gives more than 4096 words (or 4M characters).
//!
//! # Expansion and resolution
//!
//! Before a candidate is checked, it goes through brace expansion (`{a,b}`,
//! POSIX shells only), tilde expansion (`~`, `~/x`, `~user`, `~+`, `~-`),
//! parameter expansion (`$VAR`, `${VAR}`, `${VAR:-word}` and friends; unset
//! is empty; `$PWD` is the cwd; `$env:VAR` for PowerShell), field splitting
//! of unquoted expansions, and glob expansion (`*`, `?`, `[...]`) against the
//! file system. A glob that matches nothing is checked as the literal path.
//!
//! Relative paths are joined to the cwd (`--cwd`, by default the first root;
//! a relative `--cwd` or root is relative to the process's directory). The
//! path is then resolved component by component the way the kernel does it:
//! every existing symlink (even a dangling one) is followed, `..` pops the
//! directory resolved so far, and components that don't exist are kept
//! lexically. Roots are resolved the same way. A candidate is inside a root
//! when its resolved path equals the root or lies below it (component-wise).
//!
//! A Windows drive path (`C:\x`, `C:/x`, `c:foo`, but not `x: y`) or a UNC path
//! (`\\server\share`, `//server/share`) is always outside the (POSIX) roots;
//! its `resolved` is the path as written.
//!
//! Relative paths are always resolved from the cwd given to [`check`]: a
//! `cd` inside the payload is not tracked (the `cd` target itself is checked).
//! No path is exempt: `2>/dev/null` is outside every root like any other path.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub reason: String,
    pub candidate: String,
    pub resolved: String,
}

/// Name fragments (lowercase) of the tools whose payloads are scoped.
const SCOPED: [&str; 6] = ["bash", "shell", "powershell", "fileread", "filewrite", "fileedit"];
/// Name fragments (lowercase) of the tools whose payload is a command line.
const SHELLS: [&str; 3] = ["bash", "shell", "powershell"];
/// Words that may precede the program name of a simple command.
const RESERVED: [&str; 12] = ["if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "exec"];
/// Command substitutions nested deeper than this are refused.
const MAX_DEPTH: usize = 32;
/// A word whose brace expansion gives more words than this is refused.
const BRACE_MAX_RESULTS: usize = 4096;
/// ... and so is one whose expansion has more characters than this.
const BRACE_MAX_CHARS: usize = 4 << 20;
/// At most this many symlinks are followed while resolving one path.
const MAX_SYMLINKS: usize = 40;

const REASON_ESCAPE: &str = "path escapes the workspace roots";
const REASON_DRIVE: &str = "Windows drive path is outside the POSIX workspace roots";
const REASON_UNC: &str = "UNC path is outside the POSIX workspace roots";
const REASON_DEEP: &str = "command substitutions nested too deeply to check";
const REASON_BRACES: &str = "brace expansion too large to check";

/// Check every path-like operand of `payload` against `roots`.
///
/// Returns the first operand found outside every root. See the module docs
/// for what counts as an operand and how it is resolved.
pub fn check(tool: &str, payload: &str, roots: &[String], cwd: Option<&str>) -> Result<(), Violation> {
    let lower = tool.to_lowercase();
    if roots.is_empty() || !SCOPED.iter().any(|f| lower.contains(f)) {
        return Ok(());
    }
    let shell = SHELLS.iter().any(|f| lower.contains(f));
    let ps = lower.contains("powershell");

    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let roots: Vec<PathBuf> = roots.iter().map(|r| resolve(&base.join(r))).collect();
    let cwd = match cwd {
        Some(c) => resolve(&base.join(c)),
        None => roots[0].clone(),
    };
    let mut scope = Scope { cwd_str: cwd.to_string_lossy().into_owned(), roots, cwd, ps, seen: HashSet::new() };

    let mut operands = Vec::new();
    let trimmed = payload.trim();
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(v @ serde_json::Value::Object(_)) => json_operands(&v, None, &mut operands),
        _ => operands.push(Operand::Line(payload.to_string(), shell)),
    }

    for op in operands {
        match op {
            Operand::Path(p) => {
                let word = Word { chars: p.chars().map(|c| (c, Q::Unq)).collect(), raw: p };
                scope.check_word(&word, false)?;
            }
            Operand::Line(line, skip_program) => scope.check_line(line, skip_program)?,
        }
    }
    Ok(())
}

/// A path-like piece of a JSON payload.
enum Operand {
    /// A literal path (from a `*path*`/`*file*` key).
    Path(String),
    /// A shell line; the flag says whether its program names are skipped.
    Line(String, bool),
}

fn json_operands(v: &serde_json::Value, key: Option<&str>, out: &mut Vec<Operand>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map {
                json_operands(val, Some(k), out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                json_operands(item, key, out);
            }
        }
        serde_json::Value::String(s) => {
            let Some(k) = key else { return };
            let k = k.to_lowercase();
            if k == "command" {
                out.push(Operand::Line(s.clone(), true));
            } else if is_path_key(&k) {
                out.push(Operand::Path(s.clone()));
            }
        }
        _ => {}
    }
}

/// Keys that name a path (`file_path`, `path`, `notebook_path`, `file`,
/// `filename`, `dir`, ...), not keys that hold content (`file_text`, `content`).
fn is_path_key(k: &str) -> bool {
    k.contains("path") || ["file", "filename", "files", "dir", "directory"].iter().any(|end| k.ends_with(end))
}

// ---------------------------------------------------------------------------
// Words and tokens
// ---------------------------------------------------------------------------

/// How a character of a word was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Q {
    /// Unquoted: subject to every expansion.
    Unq,
    /// Inside double quotes: parameter expansion only.
    Dq,
    /// Single-quoted or escaped: literal.
    Lit,
    /// Result of an unquoted expansion: field splitting and globbing only.
    Exp,
}

type QChar = (char, Q);

#[derive(Debug)]
struct Word {
    chars: Vec<QChar>,
    /// The word's source text, quotes and escapes included.
    raw: String,
}

impl Word {
    /// The word after quote removal, before any expansion.
    fn text(&self) -> String {
        self.chars.iter().map(|c| c.0).collect()
    }

    /// The source text with quote characters dropped (backslashes kept).
    fn raw_unquoted(&self) -> String {
        self.raw.chars().filter(|c| *c != '\'' && *c != '"').collect()
    }

    /// `NAME=value` with an unquoted valid name.
    fn is_assignment(&self) -> bool {
        let mut chars = self.chars.iter();
        match chars.next() {
            Some(&(c, Q::Unq)) if c == '_' || c.is_ascii_alphabetic() => {}
            _ => return false,
        }
        for &(c, q) in chars {
            if q != Q::Unq {
                return false;
            }
            if c == '=' {
                return true;
            }
            if !(c == '_' || c.is_ascii_alphanumeric()) {
                return false;
            }
        }
        false
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redir {
    /// The next word is a file.
    Path,
    /// `>&`/`<&`: the next word is a file unless it is a fd number or `-`.
    Dup,
    /// Here-doc delimiter or here-string: the next word is not a file.
    Skip,
}

#[derive(Debug)]
enum Tok {
    Word(Word),
    Sep,
    Redir(Redir),
}

/// Splits one shell line into tokens; substitutions go to `subs`.
struct Lexer<'a> {
    s: Vec<char>,
    i: usize,
    ps: bool,
    cwd: &'a str,
    subs: &'a mut Vec<String>,
    toks: Vec<Tok>,
    cur: Vec<QChar>,
    started: bool,
    start: usize,
    heredoc_want: Option<bool>,
    heredocs: Vec<(String, bool)>,
}

impl<'a> Lexer<'a> {
    fn new(src: &str, ps: bool, cwd: &'a str, subs: &'a mut Vec<String>) -> Self {
        Lexer {
            s: src.chars().collect(),
            i: 0,
            ps,
            cwd,
            subs,
            toks: Vec::new(),
            cur: Vec::new(),
            started: false,
            start: 0,
            heredoc_want: None,
            heredocs: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn begin(&mut self) {
        if !self.started {
            self.started = true;
            self.start = self.i;
        }
    }

    fn end_word(&mut self) {
        if !self.started {
            return;
        }
        let end = self.i.min(self.s.len());
        let raw: String = self.s[self.start.min(end)..end].iter().collect();
        let word = Word { chars: std::mem::take(&mut self.cur), raw };
        if let Some(strip) = self.heredoc_want.take() {
            self.heredocs.push((word.text(), strip));
        }
        self.toks.push(Tok::Word(word));
        self.started = false;
    }

    fn sep(&mut self) {
        self.end_word();
        self.heredoc_want = None;
        self.toks.push(Tok::Sep);
    }

    fn redir(&mut self, r: Redir) {
        self.toks.push(Tok::Redir(r));
    }

    /// Record the substitution `inner`; inside a word, `$(pwd)` stands for
    /// the cwd.
    fn substitution(&mut self, inner: String) {
        if self.started && inner.trim() == "pwd" {
            let cwd: Vec<QChar> = self.cwd.chars().map(|c| (c, Q::Lit)).collect();
            self.cur.extend(cwd);
        } else {
            self.subs.push(inner);
        }
    }

    /// Index of the `)` matching the `(` at `open` (or the end of input).
    fn find_close(&self, open: usize) -> usize {
        let n = self.s.len();
        let mut depth = 0usize;
        let mut j = open;
        while j < n {
            match self.s[j] {
                '\\' if !self.ps => j += 1,
                '`' if self.ps => j += 1,
                '\'' => {
                    j += 1;
                    while j < n && self.s[j] != '\'' {
                        j += 1;
                    }
                }
                '"' => {
                    j += 1;
                    while j < n && self.s[j] != '"' {
                        if self.s[j] == '\\' && !self.ps {
                            j += 1;
                        }
                        j += 1;
                    }
                }
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        n
    }

    /// `$(...)` or `<(...)`/`>(...)` whose `(` is at `open`.
    fn paren_substitution(&mut self, open: usize) {
        let close = self.find_close(open);
        let inner: String = self.s[(open + 1).min(close)..close].iter().collect();
        self.i = close + 1;
        self.substitution(inner);
    }

    /// A backtick substitution starting at `self.i`.
    fn backtick_substitution(&mut self) {
        let n = self.s.len();
        let mut j = self.i + 1;
        while j < n && self.s[j] != '`' {
            if self.s[j] == '\\' {
                j += 1;
            }
            j += 1;
        }
        let close = j.min(n);
        let inner: String = self.s[(self.i + 1).min(close)..close].iter().collect();
        self.i = close + 1;
        self.substitution(inner);
    }

    /// Skip the bodies of the pending here-docs, starting at `self.i`.
    fn skip_heredocs(&mut self) {
        let n = self.s.len();
        for (delim, strip) in std::mem::take(&mut self.heredocs) {
            while self.i < n {
                let end = self.s[self.i..].iter().position(|c| *c == '\n').map_or(n, |p| self.i + p);
                let line: String = self.s[self.i..end].iter().collect();
                self.i = end + 1;
                let line = if strip { line.trim_start_matches('\t') } else { line.as_str() };
                if line == delim {
                    break;
                }
            }
        }
        self.i = self.i.min(n);
    }

    fn single_quoted(&mut self) {
        self.begin();
        self.i += 1;
        let n = self.s.len();
        while self.i < n {
            let c = self.s[self.i];
            if c == '\'' {
                if self.ps && self.at(self.i + 1) == Some('\'') {
                    self.cur.push(('\'', Q::Lit));
                    self.i += 2;
                    continue;
                }
                break;
            }
            self.cur.push((c, Q::Lit));
            self.i += 1;
        }
        self.i += 1;
    }

    /// Bash `$'...'`, starting at the `$`.
    fn ansi_c_quoted(&mut self) {
        self.begin();
        self.i += 2;
        let n = self.s.len();
        while self.i < n && self.s[self.i] != '\'' {
            if self.s[self.i] == '\\' && self.i + 1 < n {
                self.i += 1;
            }
            self.cur.push((self.s[self.i], Q::Lit));
            self.i += 1;
        }
        self.i += 1;
    }

    fn double_quoted(&mut self) {
        self.begin();
        self.i += 1;
        let n = self.s.len();
        while self.i < n && self.s[self.i] != '"' {
            let c = self.s[self.i];
            let next = self.at(self.i + 1);
            if !self.ps && c == '\\' && matches!(next, Some('$' | '`' | '"' | '\\' | '\n')) {
                if next != Some('\n') {
                    self.cur.push((next.unwrap_or('\\'), Q::Lit));
                }
                self.i += 2;
            } else if self.ps && c == '`' && next.is_some() {
                self.cur.push((next.unwrap_or('`'), Q::Lit));
                self.i += 2;
            } else if c == '$' && next == Some('(') {
                self.paren_substitution(self.i + 1);
            } else if !self.ps && c == '`' {
                self.backtick_substitution();
            } else {
                self.cur.push((c, Q::Dq));
                self.i += 1;
            }
        }
        self.i += 1;
    }

    /// `<` or `>` at `self.i`: a redirection or a process substitution.
    fn angle(&mut self, c: char) {
        let next = self.at(self.i + 1);
        if next == Some('(') {
            self.end_word();
            self.paren_substitution(self.i + 1);
            return;
        }
        let io_number = !self.cur.is_empty() && self.cur.iter().all(|(d, q)| *q == Q::Unq && d.is_ascii_digit());
        if io_number {
            self.cur.clear();
            self.started = false;
        } else {
            self.end_word();
        }
        let (len, kind) = match (c, next, self.at(self.i + 2)) {
            ('<', Some('<'), Some('<')) => (3, Redir::Skip),
            ('<', Some('<'), Some('-')) => {
                self.heredoc_want = Some(true);
                (3, Redir::Skip)
            }
            ('<', Some('<'), _) => {
                self.heredoc_want = Some(false);
                (2, Redir::Skip)
            }
            (_, Some('&'), _) => (2, Redir::Dup),
            ('<', Some('>'), _) | ('>', Some('>' | '|'), _) => (2, Redir::Path),
            _ => (1, Redir::Path),
        };
        self.i += len;
        self.redir(kind);
    }

    fn run(mut self) -> Vec<Tok> {
        let n = self.s.len();
        while self.i < n {
            let c = self.s[self.i];
            let next = self.at(self.i + 1);
            match c {
                ' ' | '\t' | '\r' => {
                    self.end_word();
                    self.i += 1;
                }
                '\n' => {
                    self.sep();
                    self.i += 1;
                    if !self.heredocs.is_empty() {
                        self.skip_heredocs();
                    }
                }
                '#' if !self.started => {
                    while self.i < n && self.s[self.i] != '\n' {
                        self.i += 1;
                    }
                }
                ';' | '|' | '(' | ')' => {
                    self.sep();
                    self.i += 1;
                }
                '&' if next == Some('>') => {
                    self.end_word();
                    self.i += if self.at(self.i + 2) == Some('>') { 3 } else { 2 };
                    self.redir(Redir::Path);
                }
                '&' => {
                    self.sep();
                    self.i += 1;
                }
                '*' if self.ps && !self.started && next == Some('>') => self.i += 1,
                '<' | '>' => self.angle(c),
                '\\' if !self.ps => {
                    self.begin();
                    match next {
                        Some('\n') => self.i += 2,
                        Some(e) => {
                            self.cur.push((e, Q::Lit));
                            self.i += 2;
                        }
                        None => {
                            self.cur.push(('\\', Q::Lit));
                            self.i += 1;
                        }
                    }
                }
                '`' if self.ps => {
                    self.begin();
                    match next {
                        Some('\n') => self.i += 2,
                        Some(e) => {
                            self.cur.push((e, Q::Lit));
                            self.i += 2;
                        }
                        None => {
                            self.cur.push(('`', Q::Lit));
                            self.i += 1;
                        }
                    }
                }
                '`' => {
                    self.begin();
                    self.backtick_substitution();
                }
                '\'' => self.single_quoted(),
                '"' => self.double_quoted(),
                '$' if next == Some('(') => {
                    self.begin();
                    self.paren_substitution(self.i + 1);
                }
                '$' if next == Some('\'') && !self.ps => self.ansi_c_quoted(),
                _ => {
                    self.begin();
                    self.cur.push((c, Q::Unq));
                    self.i += 1;
                }
            }
        }
        self.i = n;
        self.end_word();
        self.toks
    }
}

// ---------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------

struct Scope {
    roots: Vec<PathBuf>,
    cwd: PathBuf,
    cwd_str: String,
    ps: bool,
    /// Absolute (unresolved) paths already found inside.
    seen: HashSet<PathBuf>,
}

impl Scope {
    /// Check a shell line and, breadth first, its substitutions.
    fn check_line(&mut self, line: String, skip_program: bool) -> Result<(), Violation> {
        let mut queue = std::collections::VecDeque::new();
        queue.push_back((line, 0usize, skip_program));
        while let Some((text, depth, skip_program)) = queue.pop_front() {
            let mut subs = Vec::new();
            let toks = Lexer::new(&text, self.ps, &self.cwd_str, &mut subs).run();
            self.check_tokens(toks, skip_program)?;
            if depth >= MAX_DEPTH
                && let Some(sub) = subs.first()
            {
                let candidate: String = sub.chars().take(100).collect();
                return Err(Violation { reason: REASON_DEEP.into(), candidate, resolved: String::new() });
            }
            queue.extend(subs.into_iter().map(|s| (s, depth + 1, true)));
        }
        Ok(())
    }

    fn check_tokens(&mut self, toks: Vec<Tok>, skip_program: bool) -> Result<(), Violation> {
        let mut command_start = true;
        let mut pending: Option<Redir> = None;
        for tok in toks {
            let word = match tok {
                Tok::Sep => {
                    command_start = true;
                    pending = None;
                    continue;
                }
                Tok::Redir(r) => {
                    pending = Some(r);
                    continue;
                }
                Tok::Word(w) => w,
            };
            if let Some(r) = pending.take() {
                let text = word.text();
                let fd = text == "-" || (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()));
                if r == Redir::Path || (r == Redir::Dup && !fd) {
                    self.check_word(&word, true)?;
                }
                continue;
            }
            if word.is_assignment() {
                continue;
            }
            let text = word.text();
            if command_start {
                if RESERVED.contains(&text.as_str()) && word.chars.iter().all(|c| c.1 == Q::Unq) {
                    continue;
                }
                command_start = false;
                let pathy = text.contains('/')
                    || (self.ps && text.contains('\\'))
                    || windows_kind(&text).is_some()
                    || windows_kind(&word.raw_unquoted()).is_some();
                if skip_program && !pathy {
                    continue;
                }
            }
            if text.starts_with('-') {
                continue;
            }
            self.check_word(&word, true)?;
        }
        Ok(())
    }

    /// Expand one candidate word and check everything it names.
    fn check_word(&mut self, word: &Word, split: bool) -> Result<(), Violation> {
        let text = word.text();
        for form in [text.clone(), word.raw_unquoted()] {
            if let Some(reason) = windows_kind(&form) {
                return Err(Violation { reason: reason.to_string(), candidate: form.clone(), resolved: form });
            }
        }
        let Some(fields) = self.expand(&word.chars, split) else {
            return Err(Violation { reason: REASON_BRACES.into(), candidate: text.clone(), resolved: text });
        };
        for field in fields {
            let s: String = field.iter().map(|c| c.0).collect();
            if s.is_empty() {
                continue;
            }
            if let Some(reason) = windows_kind(&s) {
                return Err(Violation { reason: reason.to_string(), candidate: text, resolved: s });
            }
            let field: Vec<(char, bool)> = if self.ps {
                field.into_iter().map(|(c, g)| (if c == '\\' { '/' } else { c }, g)).collect()
            } else {
                field
            };
            let paths = match self.glob(&field) {
                Some(matches) => matches,
                None => vec![PathBuf::from(field.iter().map(|c| c.0).collect::<String>())],
            };
            for p in paths {
                let abs = self.cwd.join(p);
                if self.seen.contains(&abs) {
                    continue;
                }
                let resolved = resolve(&abs);
                if !self.roots.iter().any(|root| resolved.starts_with(root)) {
                    return Err(Violation {
                        reason: REASON_ESCAPE.to_string(),
                        candidate: text,
                        resolved: resolved.to_string_lossy().into_owned(),
                    });
                }
                self.seen.insert(abs);
            }
        }
        Ok(())
    }

    // -- expansion ----------------------------------------------------------

    /// Brace, tilde and parameter expansion, then field splitting. Each field
    /// is a list of (char, glob-active) pairs. `None` when brace expansion
    /// is too large.
    fn expand(&self, word: &[QChar], split: bool) -> Option<Vec<Vec<(char, bool)>>> {
        let alternatives = if self.ps { vec![word.to_vec()] } else { brace_expand(word.to_vec())? };
        let mut fields = Vec::new();
        for alt in alternatives {
            let expanded = self.params(&self.tilde(alt), 0);
            let mut field: Vec<(char, bool)> = Vec::new();
            for (c, q) in expanded {
                if split && q == Q::Exp && matches!(c, ' ' | '\t' | '\n') {
                    if !field.is_empty() {
                        fields.push(std::mem::take(&mut field));
                    }
                    continue;
                }
                field.push((c, matches!(q, Q::Unq | Q::Exp)));
            }
            if !field.is_empty() {
                fields.push(field);
            }
        }
        Some(fields)
    }

    fn tilde(&self, word: Vec<QChar>) -> Vec<QChar> {
        if word.first() != Some(&('~', Q::Unq)) {
            return word;
        }
        let end = word.iter().position(|c| c.0 == '/').unwrap_or(word.len());
        if word[1..end].iter().any(|c| c.1 != Q::Unq) {
            return word;
        }
        let user: String = word[1..end].iter().map(|c| c.0).collect();
        let home = match user.as_str() {
            "" => std::env::var("HOME")
                .ok()
                .filter(|h| !h.is_empty())
                .or_else(|| current_user().and_then(|u| passwd_home(&u))),
            "+" => Some(self.cwd_str.clone()),
            "-" => std::env::var("OLDPWD").ok(),
            u => passwd_home(u),
        };
        match home {
            Some(h) => h.chars().map(|c| (c, Q::Lit)).chain(word[end..].iter().copied()).collect(),
            None => word,
        }
    }

    /// The value of parameter `name` (`None` when unset).
    fn lookup(&self, name: &str) -> Option<String> {
        if name == "PWD" {
            return Some(self.cwd_str.clone());
        }
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    }

    /// Parameter expansion of `$...` in unquoted and double-quoted text.
    fn params(&self, word: &[QChar], depth: usize) -> Vec<QChar> {
        let mut out = Vec::with_capacity(word.len());
        // No `${` can close past the last `}`: keeps unclosed ones linear.
        let last_close = word.iter().rposition(|c| c.0 == '}');
        let mut i = 0;
        while i < word.len() {
            let (c, q) = word[i];
            if c != '$' || !matches!(q, Q::Unq | Q::Dq) {
                out.push(word[i]);
                i += 1;
                continue;
            }
            let mark = if q == Q::Dq { Q::Dq } else { Q::Exp };
            let next = word.get(i + 1).map(|c| c.0);
            let (value, consumed) = match next {
                Some('{') if last_close.is_none_or(|c| c <= i + 1) => (None, 0),
                Some('{') => match word[i + 2..].iter().position(|c| c.0 == '}') {
                    Some(p) => {
                        let inner: String = word[i + 2..i + 2 + p].iter().map(|c| c.0).collect();
                        (self.braced_param(&inner, depth), p + 3)
                    }
                    None => (None, 0),
                },
                Some(n) if n == '_' || n.is_ascii_alphabetic() => {
                    let len = word[i + 1..].iter().take_while(|c| c.0 == '_' || c.0.is_ascii_alphanumeric()).count();
                    let name: String = word[i + 1..i + 1 + len].iter().map(|c| c.0).collect();
                    let after = word.get(i + 1 + len).map(|c| c.0);
                    if self.ps && name.eq_ignore_ascii_case("env") && after == Some(':') {
                        let rest = &word[i + 2 + len..];
                        let len2 = rest.iter().take_while(|c| c.0 == '_' || c.0.is_ascii_alphanumeric()).count();
                        let var: String = rest[..len2].iter().map(|c| c.0).collect();
                        (Some(self.lookup(&var).unwrap_or_default()), len + len2 + 2)
                    } else {
                        (Some(self.lookup(&name).unwrap_or_default()), len + 1)
                    }
                }
                Some(n) if n.is_ascii_digit() || "@*#?$!-".contains(n) => (Some(String::new()), 2),
                _ => (None, 0),
            };
            match value {
                Some(v) => {
                    out.extend(v.chars().map(|c| (c, mark)));
                    i += consumed;
                }
                None => {
                    out.push(word[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// `${...}` with the common default/alternative operators; other
    /// operators yield the plain value.
    fn braced_param(&self, inner: &str, depth: usize) -> Option<String> {
        if inner.starts_with('#') || inner.starts_with('!') {
            return Some(String::new());
        }
        if self.ps
            && let Some(var) = inner.get(..4).filter(|p| p.eq_ignore_ascii_case("env:")).map(|_| &inner[4..])
        {
            return Some(self.lookup(var).unwrap_or_default());
        }
        let len = inner.chars().take_while(|c| *c == '_' || c.is_ascii_alphanumeric()).count();
        if len == 0 {
            return Some(String::new());
        }
        let (name, rest) = inner.split_at(len);
        let value = self.lookup(name);
        let set = value.is_some();
        let nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
        let word = |w: &str| -> String {
            if depth >= 8 {
                return w.to_string();
            }
            let chars: Vec<QChar> = w.chars().map(|c| (c, Q::Unq)).collect();
            self.params(&chars, depth + 1).iter().map(|c| c.0).collect()
        };
        let out = if let Some(w) = rest.strip_prefix(":-").or_else(|| rest.strip_prefix(":=")) {
            if nonempty { value.unwrap_or_default() } else { word(w) }
        } else if let Some(w) = rest.strip_prefix(":+") {
            if nonempty { word(w) } else { String::new() }
        } else if let Some(w) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('=')) {
            if set { value.unwrap_or_default() } else { word(w) }
        } else if let Some(w) = rest.strip_prefix('+') {
            if set { word(w) } else { String::new() }
        } else {
            value.unwrap_or_default()
        };
        Some(out)
    }

    // -- globbing -----------------------------------------------------------

    /// Expand a field with active glob characters against the file system.
    /// `None` when it has none or matches nothing.
    fn glob(&self, field: &[(char, bool)]) -> Option<Vec<PathBuf>> {
        if !field.iter().any(|&(c, g)| g && matches!(c, '*' | '?' | '[')) {
            return None;
        }
        let absolute = field.first().is_some_and(|c| c.0 == '/');
        let mut bases = vec![if absolute { PathBuf::from("/") } else { self.cwd.clone() }];
        for comp in field.split(|c| c.0 == '/').filter(|c| !c.is_empty()) {
            if comp.iter().any(|&(c, g)| g && matches!(c, '*' | '?' | '[')) {
                let dot_ok = comp[0].0 == '.';
                let mut next = Vec::new();
                for base in &bases {
                    let Ok(entries) = fs::read_dir(base) else { continue };
                    let mut names: Vec<OsString> = entries.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
                    if dot_ok {
                        names.push(OsString::from("."));
                        names.push(OsString::from(".."));
                    }
                    names.sort();
                    for name in names {
                        let lossy = name.to_string_lossy();
                        if (dot_ok || !lossy.starts_with('.')) && glob_match(comp, &lossy) {
                            next.push(base.join(&name));
                        }
                    }
                }
                bases = next;
            } else {
                let lit: String = comp.iter().map(|c| c.0).collect();
                for base in &mut bases {
                    base.push(&lit);
                }
            }
            if bases.is_empty() {
                return None;
            }
        }
        if field.last().is_some_and(|c| c.0 == '/') {
            bases.retain(|b| b.is_dir());
        }
        if bases.is_empty() { None } else { Some(bases) }
    }
}

/// POSIX brace expansion (`a{b,c}d`); `None` past [`BRACE_MAX_RESULTS`]
/// words or [`BRACE_MAX_CHARS`] characters.
fn brace_expand(word: Vec<QChar>) -> Option<Vec<Vec<QChar>>> {
    let mut out = Vec::new();
    let mut work = vec![word];
    let mut budget = BRACE_MAX_CHARS;
    while let Some(w) = work.pop() {
        let Some((open, close, commas)) = first_brace(&w) else {
            out.push(w);
            continue;
        };
        let mut bounds = vec![open];
        bounds.extend(commas);
        bounds.push(close);
        // Push in reverse so alternatives come out in order.
        for pair in bounds.windows(2).rev() {
            let mut alt = w[..open].to_vec();
            alt.extend_from_slice(&w[pair[0] + 1..pair[1]]);
            alt.extend_from_slice(&w[close + 1..]);
            budget = budget.checked_sub(alt.len())?;
            work.push(alt);
        }
        if out.len() + work.len() > BRACE_MAX_RESULTS {
            return None;
        }
    }
    Some(out)
}

/// The first unquoted `{...}` with a top-level comma: (open, close, commas).
fn first_brace(w: &[QChar]) -> Option<(usize, usize, Vec<usize>)> {
    // Stack of (open index, commas at its level, is it a `${`).
    let mut stack: Vec<(usize, Vec<usize>, bool)> = Vec::new();
    let mut best: Option<(usize, usize, Vec<usize>)> = None;
    for (i, &(c, q)) in w.iter().enumerate() {
        if q != Q::Unq {
            continue;
        }
        match c {
            '{' => stack.push((i, Vec::new(), i > 0 && w[i - 1] == ('$', Q::Unq))),
            ',' => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(i);
                }
            }
            '}' => {
                if let Some((open, commas, param)) = stack.pop()
                    && !param
                    && !commas.is_empty()
                    && best.as_ref().is_none_or(|b| open < b.0)
                {
                    best = Some((open, i, commas));
                }
            }
            _ => {}
        }
    }
    best
}

/// Match a file name against one glob component.
fn glob_match(pat: &[(char, bool)], name: &str) -> bool {
    let t: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < t.len() {
        if p < pat.len() {
            let (c, g) = pat[p];
            if g && c == '*' {
                star = Some((p, n));
                p += 1;
                continue;
            }
            if g && c == '?' {
                p += 1;
                n += 1;
                continue;
            }
            let class = if g && c == '[' { bracket(pat, p, t[n]) } else { None };
            match class {
                Some((true, len)) => {
                    p += len;
                    n += 1;
                    continue;
                }
                Some((false, _)) => {}
                None if c == t[n] => {
                    p += 1;
                    n += 1;
                    continue;
                }
                None => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while p < pat.len() && pat[p] == ('*', true) {
        p += 1;
    }
    p == pat.len()
}

/// A bracket expression at `p`: (does `ch` match, its length), or `None`
/// when it is unterminated (then `[` is literal).
fn bracket(pat: &[(char, bool)], p: usize, ch: char) -> Option<(bool, usize)> {
    let mut i = p + 1;
    let mut negate = false;
    if i < pat.len() && pat[i].1 && matches!(pat[i].0, '!' | '^') {
        negate = true;
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &(c, _) = pat.get(i)?;
        if c == ']' && !first {
            return Some((matched != negate, i + 1 - p));
        }
        first = false;
        match (pat.get(i + 1), pat.get(i + 2)) {
            (Some(&('-', _)), Some(&(hi, _))) if hi != ']' => {
                matched |= c <= ch && ch <= hi;
                i += 3;
            }
            _ => {
                matched |= c == ch;
                i += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

/// The reason a Windows drive or UNC path is outside, if `s` is one.
fn windows_kind(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    // `C:`, `C:\x`, `C:/x`, `c:foo`; not `x: text` (a label, not a path).
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && !b.get(2).is_some_and(u8::is_ascii_whitespace) {
        return Some(REASON_DRIVE);
    }
    if s.starts_with("\\\\") || (s.starts_with("//") && !s.starts_with("///")) {
        return Some(REASON_UNC);
    }
    None
}

/// Resolve an absolute path like the kernel does: follow every existing
/// symlink (dangling ones too), let `..` pop what has been resolved so far,
/// and keep components that don't exist as they are.
fn resolve(path: &Path) -> PathBuf {
    fn push_components(pending: &mut Vec<OsString>, path: &Path) {
        let comps: Vec<OsString> = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_os_string()),
                Component::ParentDir => Some(OsString::from("..")),
                _ => None,
            })
            .collect();
        pending.extend(comps.into_iter().rev());
    }
    let mut pending = Vec::new();
    push_components(&mut pending, path);
    let mut cur = PathBuf::from("/");
    let mut hops = 0;
    // How many trailing components of `cur` don't exist: below those, nothing
    // can exist either, so no more file system calls are needed.
    let mut missing = 0usize;
    while let Some(c) = pending.pop() {
        if c == ".." {
            cur.pop();
            missing = missing.saturating_sub(1);
            continue;
        }
        cur.push(&c);
        if missing > 0 {
            missing += 1;
            continue;
        }
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() && hops < MAX_SYMLINKS => {
                let Ok(target) = fs::read_link(&cur) else { continue };
                hops += 1;
                cur.pop();
                if target.is_absolute() {
                    cur = PathBuf::from("/");
                }
                push_components(&mut pending, &target);
            }
            Ok(_) => {}
            Err(_) => missing = 1,
        }
    }
    cur
}

fn current_user() -> Option<String> {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok().filter(|u| !u.is_empty())
}

/// `~user`'s home directory from /etc/passwd.
fn passwd_home(user: &str) -> Option<String> {
    if user.is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return None;
    }
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 6 && fields[0] == user).then(|| fields[5].to_string())
    })
}
