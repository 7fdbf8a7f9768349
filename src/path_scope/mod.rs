//! Path scope for tool payloads (`exec-tool --workspace-root`).
//!
//! [`check_tool`] confines every path a tool payload can touch to one or
//! more workspace roots, and **fails closed**: a payload is allowed only when
//! every path it names is shown to be inside a root; anything the checker
//! cannot evaluate statically is refused with a reason naming the construct
//! and the word (`cannot resolve statically: command substitution in word
//! 2`). Without a `--workspace-root`, `exec-tool` behaves exactly like the
//! reference.
//!
//! The modules, one job each:
//!
//! * `tools`: which tools are scoped and how their payloads are read,
//!   derived from the tool inventory;
//! * `json`: reading JSON payloads as leniently as their consumers do;
//! * `lexer`: bash/PowerShell words, operators, redirections, here-docs;
//! * `expand`: brace, tilde and parameter expansion, exactly or refused;
//! * `glob`: file-system globbing and brace expansion within a budget;
//! * `commands`: what programs do with their arguments (interpreters,
//!   wrappers, `cd`, sed and awk scripts);
//! * `checker`: the walk over commands, with the working directory and
//!   variables the payload sets (`checker/vars`: assignments and globbing;
//!   `checker/programs`: interpreters, `cd`, symlinks; `checker/operands`:
//!   one word's paths, inside a root or refused);
//! * `resolve`: resolving a path the way the kernel does.
//!
//! The rules, in short (README's "Threat model" says what they promise):
//!
//! * Every word of a command after the program name is a candidate path, and
//!   so is the value glued to an option (`-o/x`, `--file=/x`,
//!   `-Path:/x`, `if=/x`), an assignment's value, a redirection target and
//!   the program itself when it contains a `/`.
//! * `cd`, `pushd`, `popd` move the working directory the later commands
//!   are checked from; since a command may fail, every directory the shell
//!   may be in is tracked (`cd x && a` runs `a` in `x`; `cd x; a` may run it
//!   in either). Variables assigned in the payload are tracked the same way,
//!   with every value they may hold.
//! * Command, process and arithmetic substitutions run: their code is
//!   checked. Their *output* is unknown, so a word that contains one is
//!   refused (a variable set from one becomes unknown and is refused where
//!   used).
//! * A variable the programs see (a prefix assignment, `export`, `env`,
//!   or one inherited) must have a known value; variables programs run as
//!   commands or read as options (`PAGER`, `LESSOPEN`, `*_COMMAND`,
//!   `*OPTIONS`, ...) may hold one plain word; `*FLAGS` are checked word by
//!   word; git's injected configuration variables are refused
//!   (`commands::env_use`).
//! * Code given as a string or on standard input (`bash -c`, `sh`,
//!   `eval`, `python -c`, `xargs`, `find -exec`, unsafe awk and sed
//!   scripts, `iex`, ...) is refused; a script file is a path like any
//!   other (what a script inside the root does is its own business). After
//!   `source FILE` the shell's state is unknown: relative paths and
//!   variables are refused from there on.
//! * Variables the shell sets itself (`$BASH`, `$RANDOM`, `$1`, `$IFS`, ...)
//!   and parameter operators other than `-`, `+`, `?` (with or without `:`)
//!   are refused; `$PWD`, `$OLDPWD`, `~`, `~+`, `~-` follow the tracked
//!   directories; `~` with `HOME` unset or empty is the passwd entry's home.
//! * Globs match against the file system (every match is checked) within
//!   [`glob::MAX_GLOB_ENTRIES`] directory entries and
//!   [`glob::MAX_GLOB_TIME`] per check; brace expansion within
//!   [`glob::BRACE_MAX_RESULTS`] words. Past either the payload is refused.
//! * A candidate is resolved like the kernel does (every symlink followed,
//!   `..` after it) and must equal or lie below a resolved root. Windows
//!   drive, UNC and PowerShell provider paths and `file:` URLs with a host
//!   are outside; `/dev/null`, `/dev/stdin`, `/dev/stdout`, `/dev/stderr`,
//!   `/dev/tty` and `/dev/zero` are never escapes.

mod checker;
mod commands;
mod expand;
mod glob;
mod json;
mod lexer;
mod resolve;
pub mod tools;

use std::path::{Path, PathBuf};

use checker::{Checker, unresolved};
use tools::Kind;

pub use glob::{BRACE_MAX_RESULTS, MAX_GLOB_ENTRIES, MAX_GLOB_TIME};

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub reason: String,
    pub candidate: String,
    pub resolved: String,
}

/// [`check_tool`] for a tool known only by name.
pub fn check(tool: &str, payload: &str, roots: &[String], cwd: Option<&str>) -> Result<(), Violation> {
    check_tool(tool, "", payload, roots, cwd)
}

/// Check every path `payload` (for the inventory tool `name` with
/// `source_hint`) can touch against `roots`; `cwd` defaults to the first
/// root. See the module docs for the rules.
pub fn check_tool(
    name: &str,
    source_hint: &str,
    payload: &str,
    roots: &[String],
    cwd: Option<&str>,
) -> Result<(), Violation> {
    if roots.is_empty() {
        return Ok(());
    }
    let kind = tools::kind(name, source_hint);
    let base = std::env::current_dir().ok();
    let absolute = |p: &str| -> Result<PathBuf, Violation> {
        match (Path::new(p).is_absolute(), &base) {
            (true, _) => Ok(PathBuf::from(p)),
            (false, Some(b)) if !p.is_empty() => Ok(b.join(p)),
            _ => Err(Violation {
                reason: "cannot resolve a relative workspace root or cwd: the current directory is gone or the path is empty".into(),
                candidate: p.to_string(),
                resolved: String::new(),
            }),
        }
    };
    let roots = roots.iter().map(|r| absolute(r).map(|p| resolve::resolve(&p))).collect::<Result<Vec<_>, _>>()?;
    let cwd = match cwd {
        Some(c) => resolve::resolve(&absolute(c)?),
        None => roots[0].clone(),
    };
    if !roots.iter().any(|r| cwd.starts_with(r)) {
        let shown = cwd.to_string_lossy().into_owned();
        return Err(Violation {
            reason: "cwd is outside the workspace roots".into(),
            candidate: shown.clone(),
            resolved: shown,
        });
    }
    let ps = kind == (Kind::Shell { ps: true });
    // bash drops NUL bytes from its input; a path API rejects them.
    let stripped: String;
    let payload = if payload.contains('\0') {
        stripped = payload.chars().filter(|c| *c != '\0').collect();
        stripped.as_str()
    } else {
        payload
    };
    let mut checker = Checker::new(roots.clone(), cwd.clone(), ps);
    let glob_tool = name.to_lowercase().contains("glob") || source_hint.contains("/GlobTool/");

    if let Some(decoded) = json::string_scalar(payload) {
        // A consumer that decodes JSON sees the string's value.
        let mut decoded_checker = Checker::new(roots.clone(), cwd.clone(), ps);
        match kind {
            Kind::Shell { .. } => decoded_checker.check_line(&decoded)?,
            Kind::File => decoded_checker.check_json_path(&decoded)?,
            Kind::Other => {}
        }
    }
    let Some(entries) = json::entries(payload) else {
        let body = payload.trim_start_matches('\u{feff}').trim_start();
        return match kind {
            Kind::Shell { .. } => checker.check_line(payload),
            _ if looks_like_json(body) => Err(unresolved("unparseable JSON payload", 0, payload)),
            Kind::File => file_words(&mut checker, payload),
            Kind::Other => Ok(()),
        };
    };
    let mut bases = Vec::new();
    let mut patterns = Vec::new();
    let mut commands = Vec::new();
    for e in &entries {
        let key = e.key.as_deref().unwrap_or("");
        let path_key = e.key.is_none() || tools::is_path_key(key);
        let url = tools::is_url_key(key) && e.value.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("file:"));
        if (path_key || url) && e.lossy {
            return Err(unresolved(&format!("unpaired surrogate in path key '{key}'"), 0, &e.value));
        }
        if matches!(kind, Kind::Shell { .. }) && key.eq_ignore_ascii_case("command") {
            checker.check_line(&e.value)?;
            commands.push(e.value.clone());
        } else if path_key || url {
            checker.check_json_path(&e.value)?;
            bases.push(e.value.clone());
        } else if glob_tool && key.eq_ignore_ascii_case("pattern") {
            patterns.push(e.value.clone());
        }
    }
    // A command runs in the directory its payload names (`cwd`,
    // `directory`, ...): check it from there too.
    for b in &bases {
        for c in &commands {
            let dir = resolve::resolve(&cwd.join(b));
            Checker::new(roots.clone(), dir, ps).check_line(c)?;
        }
    }
    for p in &patterns {
        checker.check_json_path(p)?;
        for b in &bases {
            checker.check_json_path(&format!("{}/{p}", b.trim_end_matches('/')))?;
        }
    }
    Ok(())
}

/// Text that a partial or lenient JSON reader would take for JSON (`{"…`,
/// `[{`, `["`, `[1`), as opposed to free text such as `[urgent] fix it`.
fn looks_like_json(body: &str) -> bool {
    let mut chars = body.chars();
    let open = chars.next();
    let next = chars.find(|c| !c.is_whitespace());
    match open {
        Some('{') => matches!(next, None | Some('"' | '}')),
        Some('[') => {
            next.is_none_or(|c| matches!(c, '{' | '[' | '"' | ']' | '-' | 't' | 'f' | 'n') || c.is_ascii_digit())
        }
        _ => false,
    }
}

/// A bare file-tool payload: every word is a path.
fn file_words(checker: &mut Checker, payload: &str) -> Result<(), Violation> {
    let lexed = lexer::lex(payload, false);
    if let Some(why) = lexed.refusal {
        return Err(unresolved(why, 0, payload));
    }
    for (i, tok) in lexed.toks.iter().enumerate() {
        match tok {
            lexer::Tok::Word(w) => {
                checker.check_literal(w, i + 1)?;
                checker.check_word(w, i + 1)?;
            }
            lexer::Tok::Arith(t) => return Err(unresolved("arithmetic command", i + 1, t)),
            _ => {}
        }
    }
    Ok(())
}
