//! Bounded expansion: brace expansion and file-system globbing, both within
//! a fixed budget so that no payload can make the checker slow or large.
//!
//! One [`Budget`] is shared by a whole check: every directory entry a glob
//! reads and every path it resolves costs one unit, and the check has a
//! wall-clock allowance. Past either, the payload is refused.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::lexer::{Q, QChar};

/// Directory entries a single check may read while globbing.
pub const MAX_GLOB_ENTRIES: usize = 20_000;
/// Wall-clock allowance of a single check's glob expansion.
pub const MAX_GLOB_TIME: Duration = Duration::from_millis(300);
/// A word whose brace expansion gives more words than this is refused.
pub const BRACE_MAX_RESULTS: usize = 4096;
/// ... and so is one whose expansion has more characters than this.
pub(super) const BRACE_MAX_CHARS: usize = 4 << 20;

/// What is left of a check's expansion allowance. Only time spent inside
/// [`glob`] counts against [`MAX_GLOB_TIME`], so the answer for a payload
/// does not depend on how long the rest of the check took.
pub(super) struct Budget {
    entries: usize,
    used: Duration,
    started: Option<Instant>,
}

impl Budget {
    pub(super) fn new() -> Self {
        Budget { entries: MAX_GLOB_ENTRIES, used: Duration::ZERO, started: None }
    }

    /// Spend `n` units; `false` once the budget is exhausted.
    pub(super) fn spend(&mut self, n: usize) -> bool {
        let elapsed = self.used + self.started.map_or(Duration::ZERO, |s| s.elapsed());
        match self.entries.checked_sub(n) {
            Some(left) if elapsed < MAX_GLOB_TIME => {
                self.entries = left;
                true
            }
            _ => {
                self.entries = 0;
                false
            }
        }
    }

    fn start(&mut self) {
        self.started = Some(Instant::now());
    }

    fn stop(&mut self) {
        if let Some(s) = self.started.take() {
            self.used += s.elapsed();
        }
    }
}

/// A field ready for globbing: each character with "is it a live glob
/// character" (unquoted).
pub(super) type Field = Vec<(char, bool)>;

/// Expand `field` (relative to `cwd`) against the file system.
/// `Ok(None)` when it has no live glob character or matches nothing (bash
/// then keeps the word as written); `Err(())` when the budget ran out.
pub(super) fn glob(field: &[(char, bool)], cwd: &Path, budget: &mut Budget) -> Result<Option<Vec<PathBuf>>, ()> {
    if !field.iter().any(|&(c, g)| g && matches!(c, '*' | '?' | '[')) {
        return Ok(None);
    }
    budget.start();
    let result = glob_timed(field, cwd, budget);
    budget.stop();
    result
}

fn glob_timed(field: &[(char, bool)], cwd: &Path, budget: &mut Budget) -> Result<Option<Vec<PathBuf>>, ()> {
    let absolute = field.first().is_some_and(|c| c.0 == '/');
    let mut bases = vec![if absolute { PathBuf::from("/") } else { cwd.to_path_buf() }];
    for comp in field.split(|c| c.0 == '/').filter(|c| !c.is_empty()) {
        if comp.iter().any(|&(c, g)| g && matches!(c, '*' | '?' | '[')) {
            let dot_ok = comp[0].0 == '.';
            let mut next = Vec::new();
            for base in &bases {
                let Ok(entries) = fs::read_dir(base) else { continue };
                let mut names = Vec::new();
                for e in entries {
                    if !budget.spend(1) {
                        return Err(());
                    }
                    if let Ok(e) = e {
                        names.push(e.file_name());
                    }
                }
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
                if !budget.spend(0) || next.len() > MAX_GLOB_ENTRIES {
                    return Err(());
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
            return Ok(None);
        }
    }
    if field.last().is_some_and(|c| c.0 == '/') {
        bases.retain(|b| b.is_dir());
    }
    Ok(if bases.is_empty() { None } else { Some(bases) })
}

/// Match `name` against one glob component.
pub(super) fn glob_match(pat: &[(char, bool)], name: &str) -> bool {
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

/// Why brace expansion gave up.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum BraceError {
    /// More than [`BRACE_MAX_RESULTS`] words or [`BRACE_MAX_CHARS`] characters.
    TooLarge,
    /// A `{a..b}` sequence expression (not evaluated).
    Sequence,
}

/// Bash brace expansion (`a{b,c}d`), leftmost first.
pub(super) fn brace_expand(word: Vec<QChar>) -> Result<Vec<Vec<QChar>>, BraceError> {
    let mut out = Vec::new();
    let mut work = vec![word];
    let mut budget = BRACE_MAX_CHARS;
    while let Some(w) = work.pop() {
        let (open, close, commas) = match first_brace(&w) {
            Brace::None => {
                out.push(w);
                continue;
            }
            Brace::Sequence => return Err(BraceError::Sequence),
            Brace::List(open, close, commas) => (open, close, commas),
        };
        let mut bounds = vec![open];
        bounds.extend(commas);
        bounds.push(close);
        // Push in reverse so alternatives come out in order.
        for pair in bounds.windows(2).rev() {
            let mut alt = w[..open].to_vec();
            alt.extend_from_slice(&w[pair[0] + 1..pair[1]]);
            alt.extend_from_slice(&w[close + 1..]);
            budget = budget.checked_sub(alt.len()).ok_or(BraceError::TooLarge)?;
            work.push(alt);
        }
        if out.len() + work.len() > BRACE_MAX_RESULTS {
            return Err(BraceError::TooLarge);
        }
    }
    Ok(out)
}

enum Brace {
    None,
    Sequence,
    /// (open, close, top-level commas)
    List(usize, usize, Vec<usize>),
}

/// The first unquoted `{...}` with a top-level comma, or a sequence
/// expression `{x..y}`.
fn first_brace(w: &[QChar]) -> Brace {
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
                let Some((open, commas, param)) = stack.pop() else { continue };
                if param {
                    continue;
                }
                if commas.is_empty() {
                    let inner: String = w[open + 1..i].iter().map(|c| c.0).collect();
                    if is_sequence(&inner) {
                        return Brace::Sequence;
                    }
                } else if best.as_ref().is_none_or(|b| open < b.0) {
                    best = Some((open, i, commas));
                }
            }
            _ => {}
        }
    }
    match best {
        Some((o, c, commas)) => Brace::List(o, c, commas),
        None => Brace::None,
    }
}

/// `{x..y}` or `{x..y..n}`: any comma-less brace with `..` is taken as
/// one (bash's endpoints may be any single character, `.` and `/` too).
fn is_sequence(inner: &str) -> bool {
    inner.contains("..")
}
