//! Walking a shell line command by command: tracking the working
//! directory and variables the payload sets, applying each program's rules,
//! and checking every path-like operand.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::Violation;
use super::commands::{self};
use super::expand::{Env, Val};
use super::glob::Budget;
use super::lexer::{Op, Opaque, Q, Redir, Tok, Word, lex};
use super::resolve::windows_kind;

mod operands;
mod programs;
mod vars;

/// Command substitutions nested deeper than this are refused.
const MAX_DEPTH: usize = 32;
/// A variable has at most this many possible values.
const MAX_VALUES: usize = 64;
/// The shell may be in at most this many working directories.
const MAX_CWDS: usize = 64;

pub(super) const REASON_ESCAPE: &str = "path escapes the workspace roots";
const REASON_DEEP: &str = "command substitutions nested too deeply to check";

/// Variables whose assignment changes how the shell runs or expands.
const SPECIAL_ASSIGN: [&str; 16] = [
    "IFS",
    "PATH",
    "GLOBIGNORE",
    "BASH_ENV",
    "ENV",
    "PROMPT_COMMAND",
    "PS0",
    "PS4",
    "SHELLOPTS",
    "BASHOPTS",
    "PWD",
    "OLDPWD",
    "BASH_COMPAT",
    "EXECIGNORE",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
];

/// The word index of a redirection target in refusals.
const REDIRECTION: usize = usize::MAX;

pub(super) fn unresolved(construct: &str, index: usize, raw: &str) -> Violation {
    let candidate: String = raw.chars().take(200).collect();
    let place = match index {
        0 => String::new(),
        REDIRECTION => " in a redirection target".to_string(),
        n => format!(" in word {n}"),
    };
    Violation { reason: format!("cannot resolve statically: {construct}{place}"), candidate, resolved: String::new() }
}

fn union(a: &[PathBuf], b: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = a.to_vec();
    for p in b {
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// One simple command: its words and redirections.
#[derive(Default)]
struct Simple {
    words: Vec<Word>,
    redirs: Vec<(Redir, Word)>,
}

pub(super) struct Checker {
    roots: Vec<PathBuf>,
    pub env: Env,
    budget: Budget,
    /// Absolute (unresolved) paths already found inside.
    seen: HashSet<PathBuf>,
    loop_depth: usize,
    dirstack: Vec<Vec<PathBuf>>,
    depth: usize,
    /// Compound commands (`if`, loops, `case`, groups) open around the
    /// current command.
    nest: usize,
    /// A `case` was seen: its `)` make nesting unreliable.
    saw_case: bool,
    /// The current command surely runs, in this shell.
    definite: bool,
    /// Symlinks the payload makes: (link path, target), later ones win.
    links: Vec<(PathBuf, PathBuf)>,
    /// Variables the payload exports (`export NAME`, `declare -x NAME`).
    exported: HashSet<String>,
}

impl Checker {
    pub(super) fn new(roots: Vec<PathBuf>, cwd: PathBuf, ps: bool) -> Self {
        Checker {
            roots,
            env: Env { ps, vars: HashMap::new(), cwds: vec![cwd], oldpwd: None, unknown_state: None },
            budget: Budget::new(),
            seen: HashSet::new(),
            loop_depth: 0,
            dirstack: Vec::new(),
            depth: 0,
            nest: 0,
            saw_case: false,
            definite: false,
            links: Vec::new(),
            exported: HashSet::new(),
        }
    }

    /// The first option that walks a tree through symlinks, in this shell's
    /// language.
    fn follows_links(&self, name: &str, args: &[String]) -> Option<usize> {
        if self.env.ps { commands::ps_follows_links(name, args) } else { commands::follows_links(name, args) }
    }

    /// Whether the programs the payload runs see `name`: exported by the
    /// payload or inherited from claw's environment (the check assumes the
    /// payload runs with it).
    pub(super) fn is_exported(&self, name: &str) -> bool {
        self.exported.contains(name) || std::env::var_os(name).is_some()
    }

    /// Check a shell line.
    pub(super) fn check_line(&mut self, line: &str) -> Result<(), Violation> {
        let lexed = lex(line, self.env.ps);
        if let Some(why) = lexed.refusal {
            return Err(unresolved(why, 0, line));
        }
        // Working directories when the last command succeeded / failed.
        let mut ok = self.env.cwds.clone();
        let mut bad = ok.clone();
        let mut last = Op::Seq;
        let mut cmd = Simple::default();
        let mut pending: Option<Redir> = None;
        let mut toks = lexed.toks.into_iter().peekable();
        loop {
            let tok = toks.next();
            let op = match tok {
                Some(Tok::Word(w)) => {
                    match pending.take() {
                        Some(r) => cmd.redirs.push((r, w)),
                        None => cmd.words.push(w),
                    }
                    continue;
                }
                Some(Tok::Redir(r)) => {
                    pending = Some(r);
                    continue;
                }
                Some(Tok::Arith(text)) => {
                    self.arithmetic(&text)?;
                    continue;
                }
                Some(Tok::Op(Op::Open)) if !cmd.words.is_empty() => {
                    let raw = cmd.words.iter().map(|w| w.raw.as_str()).collect::<Vec<_>>().join(" ");
                    return Err(unresolved("function definition or `(` after words", 0, &raw));
                }
                Some(Tok::Op(op)) => op,
                None => Op::Seq,
            };
            pending = None;
            let input = match last {
                Op::And => ok.clone(),
                Op::Or => bad.clone(),
                _ => union(&ok, &bad),
            };
            self.env.cwds = input;
            self.definite = last == Op::Seq && op != Op::Pipe && self.nest == 0 && !self.saw_case;
            let (o, b) = self.command(std::mem::take(&mut cmd))?;
            match op {
                Op::Open => self.nest += 1,
                Op::Close => self.nest = self.nest.saturating_sub(1),
                _ => {}
            }
            self.definite = false;
            match last {
                Op::And => {
                    ok = o;
                    bad = union(&bad, &b);
                }
                Op::Or => {
                    ok = union(&ok, &o);
                    bad = b;
                }
                _ => {
                    ok = o;
                    bad = b;
                }
            }
            last = op;
            let oldpwd = self.env.oldpwd.as_ref().map_or(0, Vec::len);
            if ok.len() + bad.len() > MAX_CWDS || oldpwd > MAX_CWDS {
                return Err(unresolved("too many possible working directories", 0, line));
            }
            if tok.is_none() {
                break;
            }
        }
        self.env.cwds = union(&ok, &bad);
        Ok(())
    }

    /// Check code run in a subshell (substitutions): state changes inside
    /// don't leak out.
    fn subshell(&mut self, text: &str) -> Result<(), Violation> {
        if self.depth >= MAX_DEPTH {
            let candidate: String = text.chars().take(100).collect();
            return Err(Violation { reason: REASON_DEEP.into(), candidate, resolved: String::new() });
        }
        let saved = (self.env.vars.clone(), self.env.cwds.clone(), self.env.oldpwd.clone(), self.dirstack.clone());
        let loop_depth = self.loop_depth;
        self.depth += 1;
        let result = self.check_line(text);
        self.depth -= 1;
        (self.env.vars, self.env.cwds, self.env.oldpwd, self.dirstack) = saved;
        self.loop_depth = loop_depth;
        result
    }

    /// `(( ... ))`, `$(( ... ))`, `$[ ... ]`: the substitutions inside run;
    /// variables it may assign become unknown.
    fn arithmetic(&mut self, text: &str) -> Result<(), Violation> {
        self.subshell(text)?;
        let assigns = text.contains("++")
            || text.contains("--")
            || text.replace("==", "").replace("!=", "").replace("<=", "").replace(">=", "").contains('=');
        if assigns {
            for name in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                    self.env.vars.insert(name.to_string(), Val::Unknown("assigned in arithmetic".into()));
                }
            }
        }
        Ok(())
    }

    /// Run the code a word's substitutions hold.
    fn word_subs(&mut self, word: &Word) -> Result<(), Violation> {
        for sub in &word.subs {
            match sub.kind {
                Opaque::Arithmetic => self.arithmetic(&sub.text)?,
                Opaque::Command | Opaque::Process => self.subshell(&sub.text)?,
                Opaque::Locale | Opaque::Byte | Opaque::Unicode => {}
            }
        }
        Ok(())
    }

    /// One simple command, run with `self.env.cwds`: the working
    /// directories after it succeeded and after it failed.
    fn command(&mut self, cmd: Simple) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Violation> {
        let input = self.env.cwds.clone();
        let unchanged = Ok((input.clone(), input.clone()));
        for w in cmd.words.iter().chain(cmd.redirs.iter().map(|r| &r.1)) {
            self.word_subs(w)?;
        }
        for (r, w) in &cmd.redirs {
            let text = w.text();
            let fd = text == "-" || (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()));
            if *r == Redir::Path || (*r == Redir::Dup && !fd) {
                self.check_word(w, REDIRECTION)?;
            }
        }
        let words = &cmd.words;
        let mut i = 0;
        let mut negated = false;
        // Reserved words and loops.
        while let Some(w) = words.get(i) {
            let t = w.text();
            if !w.chars.iter().all(|c| c.1 == Q::Unq) {
                break;
            }
            match t.as_str() {
                "for" | "select" => {
                    self.nest += 1;
                    self.definite = false;
                    return self.for_loop(&words[i..]).map(|()| (input.clone(), input));
                }
                "case" => {
                    self.saw_case = true;
                    return unchanged;
                }
                "while" | "until" => {
                    self.loop_depth += 1;
                    self.nest += 1;
                }
                "if" | "{" => self.nest += 1,
                "fi" | "}" => self.nest = self.nest.saturating_sub(1),
                "done" => {
                    self.loop_depth = self.loop_depth.saturating_sub(1);
                    self.nest = self.nest.saturating_sub(1);
                }
                "!" => negated = true,
                "function" => return Err(unresolved("function definition", i + 1, &w.raw)),
                t if commands::RESERVED.contains(&t) => {}
                _ => break,
            }
            i += 1;
        }
        // Prefix assignments.
        let first_assign = i;
        while words.get(i).is_some_and(|w| w.assignment().is_some()) {
            i += 1;
        }
        // Before a command they are in its environment.
        let prefix = i < words.len();
        for (k, w) in words[first_assign..i].iter().enumerate() {
            self.assign(w, first_assign + k + 1, prefix)?;
        }
        if i >= words.len() {
            return unchanged;
        }
        // The program, through any wrappers.
        let mut args: Vec<(usize, &Word)> = words[i..].iter().enumerate().map(|(k, w)| (i + k + 1, w)).collect();
        let mut name;
        loop {
            let (idx, w) = args[0];
            if w.chars.iter().any(|&(c, q)| c == '$' && matches!(q, Q::Unq | Q::Dq)) {
                return Err(unresolved("variable in the command name", idx, &w.raw));
            }
            let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
            let program: String = fields.first().map(|f| f.iter().map(|c| c.0).collect()).unwrap_or_default();
            if fields.len() > 1 {
                return Err(unresolved("expansion in the command name", idx, &w.raw));
            }
            if program.contains('/') || (self.env.ps && program.contains('\\')) || windows_kind(&program).is_some() {
                self.check_word(w, idx)?;
            }
            let base = program.rsplit(['/', '\\']).next().unwrap_or("").to_lowercase();
            name = base.strip_suffix(".exe").unwrap_or(&base).to_string();
            args.remove(0);
            let Some(value_opts) = commands::wrapper(&name) else { break };
            // `command -v NAME` only looks the name up.
            if name == "command" && args.iter().any(|(_, w)| w.is_bare("-v") || w.is_bare("-V")) {
                return unchanged;
            }
            // Skip the wrapper's options (and `NAME=value` for env).
            while let Some(&(idx, w)) = args.first() {
                let t = w.text();
                if name == "env" && (t == "-C" || t.starts_with("--chdir") || t == "-S" || t.starts_with("--split")) {
                    return Err(unresolved("env changing directory or splitting a string", idx, &w.raw));
                }
                if name == "env" && w.assignment().is_some() {
                    self.assign(w, idx, true)?;
                } else if t.starts_with('-') && t.len() > 1 {
                    self.check_arg(w, idx)?;
                    if value_opts.contains(&t.as_str()) && args.len() > 1 {
                        args.remove(0);
                    }
                } else if name == "timeout" && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                    args.remove(0);
                    break;
                } else {
                    break;
                }
                args.remove(0);
            }
            if args.is_empty() {
                return unchanged;
            }
        }
        let name = name.as_str();
        if matches!(name, "source" | ".") && !self.env.ps {
            // The script is a path like any other; what it does to this
            // shell (variables, directory) is unknown from here on.
            for &(idx, w) in &args {
                self.check_arg(w, idx)?;
            }
            self.env.unknown_state = Some("source");
            return unchanged;
        }
        if let Some(why) = commands::runs_code(name) {
            let (idx, raw) = (args.first().map_or(i + 1, |a| a.0 - 1), &words[i].raw);
            return Err(unresolved(why, idx, raw));
        }
        if let Some(op) = commands::changes_dir(name) {
            // `! cd x && a` runs `a` only when the cd failed.
            let (ok, bad) = self.change_dir(op, &args, &words[i])?;
            return Ok(if negated { (bad, ok) } else { (ok, bad) });
        }
        if let Some(letters) = commands::interpreter(name) {
            self.interpreter(name, letters, &mut args, &words[i])?;
        }
        // The arguments' texts, for the checks that look at options by name.
        let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
        let follows = self.follows_links(name, &texts);
        let exec = commands::exec_option(name, &texts);
        match name {
            "awk" | "gawk" | "mawk" | "nawk" => self.program_arg(&mut args, &["-f", "--file"], &["-v", "-F"], true)?,
            "sed" | "gsed" => self.program_arg(&mut args, &["-f", "--file"], &["-l"], false)?,
            "vi" | "vim" | "nvim" | "ex" | "view" | "gvim" => {
                if let Some(&(idx, w)) = args.iter().find(|(_, w)| commands::editor_command(name, &w.text())) {
                    return Err(unresolved("editor command in the arguments", idx, &w.raw));
                }
            }
            _ if follows.is_some() => {
                let k = follows.unwrap_or(0);
                return Err(unresolved(
                    "walking a tree through symlinks, which may lead out",
                    args[k].0,
                    &args[k].1.raw,
                ));
            }
            "mktemp" => {
                if let Some(k) = commands::mktemp_outside(name, &texts) {
                    let (idx, raw) = args.get(k).map_or((i + 1, words[i].raw.clone()), |a| (a.0, a.1.raw.clone()));
                    return Err(unresolved("mktemp creating its file under $TMPDIR or /tmp", idx, &raw));
                }
            }
            "less" | "more" => {
                if let Some(&(idx, w)) = args.iter().find(|(_, w)| commands::pager_command(&w.text())) {
                    return Err(unresolved("pager command that may run a shell or open a file", idx, &w.raw));
                }
            }
            _ if exec.is_some() => {
                let k = exec.unwrap_or(0);
                return Err(unresolved("option that names a command to run", args[k].0, &args[k].1.raw));
            }
            "git" => {
                if let Some((idx, w)) = commands::git_unsafe_config(&args) {
                    return Err(unresolved("git configuration that may run a command", idx, &w.raw));
                }
            }
            "find" | "gfind" => {
                if let Some(&(idx, w)) =
                    args.iter().find(|(_, w)| ["-exec", "-execdir", "-ok", "-okdir"].contains(&w.text().as_str()))
                {
                    return Err(unresolved("find -exec runs a command", idx, &w.raw));
                }
            }
            "read" | "mapfile" | "readarray" | "getopts" | "printf" | "let" | "unset" => {
                self.var_effects(name, &args)?;
                if name == "printf" {
                    return unchanged;
                }
            }
            "declare" | "typeset" | "local" | "export" | "readonly" => {
                let option = |t: &str| t.starts_with('-') && !t.starts_with("--");
                let exports = name == "export" || args.iter().any(|(_, w)| option(&w.text()) && w.text().contains('x'));
                for &(idx, w) in &args {
                    let t = w.text();
                    if t.starts_with('-') && t.contains('n') {
                        return Err(unresolved("name reference", idx, &w.raw));
                    }
                    if w.assignment().is_some() {
                        self.assign(w, idx, exports)?;
                    } else if !t.starts_with('-') {
                        self.check_arg(w, idx)?;
                        if exports {
                            self.export(&t, idx, &w.raw)?;
                        }
                    }
                }
                return unchanged;
            }
            "set" => {
                let allexport = texts.iter().enumerate().any(|(k, t)| {
                    (t.starts_with('-') && !t.starts_with("--") && t.contains('a'))
                        || (t == "-o" && texts.get(k + 1).is_some_and(|v| v == "allexport"))
                });
                if let Some(&(idx, w)) = args.first().filter(|_| allexport) {
                    return Err(unresolved("set -a, which exports every later assignment", idx, &w.raw));
                }
            }
            _ => {}
        }
        if commands::opens_nothing(name) && name != "printf" {
            return unchanged;
        }
        // awk and sed may have taken their program out of `args` above.
        let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
        if let Some((k, why)) = commands::code_in_args(name, &texts) {
            return Err(unresolved(why, args[k].0, &args[k].1.raw));
        }
        if name == "ln" {
            self.symlinks(&mut args)?;
        }
        for &(idx, w) in &args {
            self.check_arg(w, idx)?;
        }
        unchanged
    }

    /// `for NAME in WORDS`: NAME takes each value.
    fn for_loop(&mut self, words: &[Word]) -> Result<(), Violation> {
        let Some(var) = words.get(1) else { return Ok(()) };
        let name = var.text();
        let list = match words.get(2) {
            Some(w) if w.is_bare("in") => &words[3..],
            _ => return Err(unresolved("for loop over the positional parameters", 2, &var.raw)),
        };
        let mut values = Vec::new();
        for (k, w) in list.iter().enumerate() {
            self.word_subs(w)?;
            match self.env.expand(w, true) {
                Ok(fields) => {
                    for f in fields {
                        for p in self.glob_all(&f, k + 4, &w.raw)? {
                            values.push(Some(p));
                        }
                    }
                }
                Err(why) => {
                    self.env.vars.insert(name, Val::Unknown(format!("set by {why}")));
                    self.loop_depth += 1;
                    return Ok(());
                }
            }
        }
        self.set_var(&name, values);
        self.loop_depth += 1;
        Ok(())
    }
}
