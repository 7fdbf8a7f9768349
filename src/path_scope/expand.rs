//! Word expansion as bash performs it, evaluated exactly or refused:
//! brace, tilde and parameter expansion, then field splitting.
//!
//! Variables may have several possible values (a `for` loop variable, or a
//! variable assigned in more than one branch); a word then expands to every
//! combination, and every one of them is checked.

use std::collections::HashMap;
use std::path::PathBuf;

use super::glob::{BraceError, Field, brace_expand};
use super::lexer::{Q, QChar, Word};
use super::resolve::{home_dir, passwd_home};

/// A word expands to at most this many alternatives.
pub(super) const MAX_ALTERNATIVES: usize = 256;
/// `${a:-${b:-…}}` nested deeper than this is refused.
const MAX_PARAM_DEPTH: usize = 16;

/// Variables the shell sets or changes by itself: their values are not
/// known statically.
const DYNAMIC: [&str; 28] = [
    "BASH",
    "BASHOPTS",
    "BASHPID",
    "BASH_ARGV0",
    "BASH_COMMAND",
    "BASH_SOURCE",
    "BASH_SUBSHELL",
    "BASH_VERSION",
    "DIRSTACK",
    "EPOCHREALTIME",
    "EPOCHSECONDS",
    "EUID",
    "FUNCNAME",
    "GROUPS",
    "HISTCMD",
    "HOSTNAME",
    "HOSTTYPE",
    "LINENO",
    "MACHTYPE",
    "OPTARG",
    "OPTIND",
    "OSTYPE",
    "PIPESTATUS",
    "PPID",
    "RANDOM",
    "REPLY",
    "SECONDS",
    "SHELLOPTS",
];

/// What the payload did to a variable.
#[derive(Debug, Clone)]
pub(super) enum Val {
    /// Its possible values (`None`: unset).
    Known(Vec<Option<String>>),
    /// Set in a way that cannot be evaluated; the text says how.
    Unknown(String),
}

/// The shell state a word is expanded in.
pub(super) struct Env {
    pub ps: bool,
    pub vars: HashMap<String, Val>,
    /// Possible working directories.
    pub cwds: Vec<PathBuf>,
    /// Possible previous working directories, once the payload changed it.
    pub oldpwd: Option<Vec<PathBuf>>,
    /// Set once a sourced script may have changed any variable or the
    /// directory: what did it.
    pub unknown_state: Option<&'static str>,
}

type Alts = Vec<Vec<QChar>>;

fn lit(s: &str, q: Q) -> Vec<QChar> {
    s.chars().map(|c| (c, q)).collect()
}

fn paths(ps: &[PathBuf]) -> Vec<Option<String>> {
    ps.iter().map(|p| Some(p.to_string_lossy().into_owned())).collect()
}

/// Append each of `tails` to each of `heads` (capped).
fn product(heads: Alts, tails: &Alts) -> Result<Alts, String> {
    if heads.len().saturating_mul(tails.len()) > MAX_ALTERNATIVES {
        return Err("too many possible values".into());
    }
    Ok(heads
        .iter()
        .flat_map(|h| {
            tails.iter().map(move |t| {
                let mut v = h.clone();
                v.extend_from_slice(t);
                v
            })
        })
        .collect())
}

impl Env {
    /// Expand `word` into the fields it can produce. `split`: field
    /// splitting applies (arguments, not assignment values).
    pub(super) fn expand(&self, word: &Word, split: bool) -> Result<Vec<Field>, String> {
        if let Some(&(_, Q::Opaque(kind))) = word.chars.iter().find(|c| matches!(c.1, Q::Opaque(_))) {
            return Err(kind.name().to_string());
        }
        let alternatives = if self.ps || !split {
            vec![word.chars.clone()]
        } else {
            brace_expand(word.chars.clone()).map_err(|e| match e {
                BraceError::TooLarge => "brace expansion too large".to_string(),
                BraceError::Sequence => "brace sequence expression".to_string(),
            })?
        };
        let mut fields = Vec::new();
        for alt in alternatives {
            let tilded = if split { self.tilde(&alt)? } else { self.assignment_tilde(&alt)? };
            for t in tilded {
                for expanded in self.params(&t, 0)? {
                    fields.extend(split_fields(expanded, split));
                    if fields.len() > MAX_ALTERNATIVES {
                        return Err("too many possible values".into());
                    }
                }
            }
        }
        Ok(fields)
    }

    /// Tilde expansion at the start of each `:`-separated part (assignment
    /// values: `PATH=~/bin:~/x`).
    fn assignment_tilde(&self, word: &[QChar]) -> Result<Alts, String> {
        let mut out: Alts = vec![Vec::new()];
        for (i, part) in word.split(|c| *c == (':', Q::Unq)).enumerate() {
            let mut parts = self.tilde(part)?;
            if i > 0 {
                for p in &mut parts {
                    p.insert(0, (':', Q::Lit));
                }
            }
            out = product(out, &parts)?;
        }
        Ok(out)
    }

    /// Expand a leading unquoted `~`, `~user`, `~+` or `~-`.
    fn tilde(&self, word: &[QChar]) -> Result<Alts, String> {
        if word.first() != Some(&('~', Q::Unq)) {
            return Ok(vec![word.to_vec()]);
        }
        let end = word.iter().position(|c| c.0 == '/' || (self.ps && c.0 == '\\')).unwrap_or(word.len());
        if word[1..end].iter().any(|c| c.1 != Q::Unq) {
            return Ok(vec![word.to_vec()]);
        }
        let user: String = word[1..end].iter().map(|c| c.0).collect();
        let homes: Vec<String> = match user.as_str() {
            "" => match self.vars.get("HOME") {
                Some(_) => self.lookup("HOME")?.into_iter().map(Option::unwrap_or_default).collect(),
                None if self.unknown_state.is_some() => {
                    return Err(format!("~ after {}", self.unknown_state.unwrap_or("")));
                }
                None => vec![home_dir().ok_or("~ with HOME unset and no passwd entry")?],
            },
            "+" => self.cwds.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
            "-" => self.lookup("OLDPWD")?.into_iter().map(Option::unwrap_or_default).collect(),
            u if u.trim_start_matches(['+', '-']).chars().all(|c| c.is_ascii_digit()) => {
                return Err(format!("directory stack entry ~{u}"));
            }
            u => match passwd_home(u) {
                Some(h) => vec![h],
                None => return Ok(vec![word.to_vec()]),
            },
        };
        Ok(homes.iter().map(|h| lit(h, Q::Lit).into_iter().chain(word[end..].iter().copied()).collect()).collect())
    }

    /// The possible values of parameter `name`.
    pub(super) fn lookup(&self, name: &str) -> Result<Vec<Option<String>>, String> {
        if self.ps {
            return match name.to_ascii_lowercase().as_str() {
                "pwd" => Ok(paths(&self.cwds)),
                "home" => Ok(vec![home_dir()]),
                _ => Err(format!("PowerShell variable ${name}")),
            };
        }
        match self.vars.get(name) {
            Some(Val::Known(v)) => return Ok(v.clone()),
            Some(Val::Unknown(why)) => return Err(format!("${name} {why}")),
            None => {}
        }
        if let Some(why) = self.unknown_state {
            return Err(format!("${name} after {why}"));
        }
        match name {
            "PWD" => Ok(paths(&self.cwds)),
            "OLDPWD" => match &self.oldpwd {
                Some(p) => Ok(paths(p)),
                None => Err("$OLDPWD before any cd".into()),
            },
            "IFS" => Err("$IFS".into()),
            "_" => Err("special parameter $_".into()),
            n if DYNAMIC.contains(&n) || n.starts_with("BASH_") => Err(format!("shell variable ${n}")),
            n => Ok(vec![std::env::var_os(n).map(|v| v.to_string_lossy().into_owned())]),
        }
    }

    /// Parameter expansion of `$...` in unquoted and double-quoted text.
    fn params(&self, word: &[QChar], depth: usize) -> Result<Alts, String> {
        let mut out: Alts = vec![Vec::new()];
        let mut i = 0;
        while i < word.len() {
            let (c, q) = word[i];
            if c != '$' || !matches!(q, Q::Unq | Q::Dq) {
                for o in &mut out {
                    o.push(word[i]);
                }
                i += 1;
                continue;
            }
            let mark = if q == Q::Dq { Q::Dq } else { Q::Exp };
            let values = |vals: Vec<Option<String>>| -> Alts {
                vals.iter().map(|v| lit(v.as_deref().unwrap_or(""), mark)).collect()
            };
            let next = word.get(i + 1).filter(|c| matches!(c.1, Q::Unq | Q::Dq)).map(|c| c.0);
            let (alts, consumed): (Alts, usize) = match next {
                Some('{') => match matching_brace(word, i + 1) {
                    Some(close) => (self.braced(&word[i + 2..close], mark, depth)?, close + 1 - i),
                    None => return Err("unterminated ${".into()),
                },
                Some(n) if n == '_' || n.is_ascii_alphabetic() => {
                    let len = word[i + 1..].iter().take_while(|c| c.0 == '_' || c.0.is_ascii_alphanumeric()).count();
                    let name: String = word[i + 1..i + 1 + len].iter().map(|c| c.0).collect();
                    let after = word.get(i + 1 + len).map(|c| c.0);
                    if self.ps && name.eq_ignore_ascii_case("env") && after == Some(':') {
                        let rest = &word[i + 2 + len..];
                        let len2 = rest.iter().take_while(|c| c.0 == '_' || c.0.is_ascii_alphanumeric()).count();
                        let var: String = rest[..len2].iter().map(|c| c.0).collect();
                        (values(vec![std::env::var(&var).ok()]), len + len2 + 2)
                    } else {
                        (values(self.lookup(&name)?), len + 1)
                    }
                }
                Some(n) if n.is_ascii_digit() || "@*#?$!-_".contains(n) => {
                    return Err(format!("special parameter ${n}"));
                }
                _ => (vec![vec![word[i]]], 1),
            };
            if let [only] = alts.as_slice() {
                for o in &mut out {
                    o.extend_from_slice(only);
                }
            } else {
                out = product(out, &alts)?;
            }
            i += consumed;
        }
        Ok(out)
    }

    /// The inside of `${...}`: plain, or with a default/alternative
    /// operator; anything else is refused.
    fn braced(&self, inner: &[QChar], mark: Q, depth: usize) -> Result<Alts, String> {
        let text: String = inner.iter().map(|c| c.0).collect();
        if depth >= MAX_PARAM_DEPTH {
            return Err("parameter expansion nested too deeply".into());
        }
        if self.ps {
            let var = text.get(..4).filter(|p| p.eq_ignore_ascii_case("env:")).map(|_| &text[4..]);
            return match var {
                Some(v) => Ok(vec![lit(&std::env::var(v).unwrap_or_default(), mark)]),
                None => self.lookup(&text).map(|v| v.iter().map(|s| lit(s.as_deref().unwrap_or(""), mark)).collect()),
            };
        }
        let len = inner.iter().take_while(|c| c.0 == '_' || c.0.is_ascii_alphanumeric()).count();
        let name: String = inner[..len].iter().map(|c| c.0).collect();
        if len == 0 || name.starts_with(|c: char| c.is_ascii_digit()) {
            let what: String = text.chars().take(12).collect();
            return Err(format!("parameter expansion ${{{what}}}"));
        }
        let rest = &inner[len..];
        let rest_text: String = rest.iter().map(|c| c.0).collect();
        let values = self.lookup(&name)?;
        let as_alts = |v: &Option<String>| -> Alts { vec![lit(v.as_deref().unwrap_or(""), mark)] };
        if rest.is_empty() {
            return Ok(values.iter().flat_map(as_alts).collect());
        }
        let ops = [":-", ":+", ":?", "-", "+", "?"];
        let Some(op) = ops.iter().find(|op| rest_text.starts_with(**op)) else {
            let op: String = rest_text.chars().take(2).collect();
            return Err(format!("parameter expansion operator ${{{name}{op}…}}"));
        };
        let word = &rest[op.chars().count()..];
        let word_alts = || -> Result<Alts, String> {
            // The operand keeps its own quoting; unquoted parts of a
            // double-quoted `${...}` are still double-quoted.
            let w: Vec<QChar> = word.iter().map(|&(c, q)| (c, if q == Q::Unq { mark_src(mark) } else { q })).collect();
            let mut out = Vec::new();
            for t in self.tilde(&w)? {
                for alt in self.params(&t, depth + 1)? {
                    // Unquoted text of an unquoted `${...}` is split like any
                    // expansion result.
                    out.push(alt.into_iter().map(|(c, q)| (c, if q == Q::Unq { Q::Exp } else { q })).collect());
                }
            }
            Ok(out)
        };
        let mut out = Vec::new();
        for v in &values {
            let set = v.is_some();
            let nonempty = v.as_deref().is_some_and(|s| !s.is_empty());
            let use_word = match *op {
                ":-" => !nonempty,
                "-" => !set,
                ":+" => nonempty,
                "+" => set,
                _ => false,
            };
            let keep_value = matches!(*op, ":-" | "-" | ":?" | "?");
            if use_word {
                out.extend(word_alts()?);
            } else if keep_value {
                out.extend(as_alts(v));
            } else {
                out.push(Vec::new());
            }
            if out.len() > MAX_ALTERNATIVES {
                return Err("too many possible values".into());
            }
        }
        Ok(out)
    }
}

/// Unquoted text inside `${x:-…}` behaves as unquoted (or, inside double
/// quotes, double-quoted) source text.
fn mark_src(mark: Q) -> Q {
    if mark == Q::Dq { Q::Dq } else { Q::Unq }
}

/// The `}` closing the `{` at `open`, counting nested braces.
fn matching_brace(word: &[QChar], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, &(c, q)) in word.iter().enumerate().skip(open) {
        if !matches!(q, Q::Unq | Q::Dq) {
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Field splitting of unquoted expansion results on default IFS, and the
/// glob-live flag of every character.
fn split_fields(expanded: Vec<QChar>, split: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut field: Field = Vec::new();
    let mut quoted_empty = false;
    for (c, q) in expanded {
        if split && q == Q::Exp && matches!(c, ' ' | '\t' | '\n') {
            if !field.is_empty() {
                fields.push(std::mem::take(&mut field));
            }
            continue;
        }
        quoted_empty |= matches!(q, Q::Dq | Q::Lit);
        field.push((c, split && matches!(q, Q::Unq | Q::Exp)));
    }
    if !field.is_empty() || (quoted_empty && fields.is_empty()) {
        fields.push(field);
    }
    fields
}
