//! Walking a shell line command by command: tracking the working
//! directory and variables the payload sets, applying each program's rules,
//! and checking every path-like operand.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Violation;
use super::commands::{self, DirOp};
use super::expand::{Env, Val};
use super::glob::{Budget, Field, MAX_GLOB_ENTRIES, MAX_GLOB_TIME, glob};
use super::lexer::{Op, Opaque, Q, Redir, Tok, Word, lex};
use super::resolve::{
    REASON_PROVIDER, file_url_path, is_harmless_dev, is_provider_path, normalize, resolve_with, windows_kind,
};

/// Command substitutions nested deeper than this are refused.
const MAX_DEPTH: usize = 32;
/// A variable has at most this many possible values.
const MAX_VALUES: usize = 64;
/// The shell may be in at most this many working directories.
const MAX_CWDS: usize = 64;

pub const REASON_ESCAPE: &str = "path escapes the workspace roots";
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

pub fn unresolved(construct: &str, index: usize, raw: &str) -> Violation {
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

pub struct Checker {
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
}

impl Checker {
    pub fn new(roots: Vec<PathBuf>, cwd: PathBuf, ps: bool) -> Self {
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
        }
    }

    /// Check a shell line.
    pub fn check_line(&mut self, line: &str) -> Result<(), Violation> {
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
        for (k, w) in words[first_assign..i].iter().enumerate() {
            self.assign(w, first_assign + k + 1)?;
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
                    self.assign(w, idx)?;
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
        match name {
            "awk" | "gawk" | "mawk" | "nawk" => self.program_arg(&mut args, &["-f", "--file"], &["-v", "-F"], true)?,
            "sed" | "gsed" => self.program_arg(&mut args, &["-f", "--file"], &["-l"], false)?,
            "vi" | "vim" | "nvim" | "ex" | "view" | "gvim" => {
                if let Some(&(idx, w)) = args.iter().find(|(_, w)| commands::editor_command(name, &w.text())) {
                    return Err(unresolved("editor command in the arguments", idx, &w.raw));
                }
            }
            _ if commands::exec_option(name, &args.iter().map(|a| a.1.text()).collect::<Vec<_>>()).is_some() => {
                let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
                let k = commands::exec_option(name, &texts).unwrap_or(0);
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
                for &(idx, w) in &args {
                    let t = w.text();
                    if t.starts_with('-') && t.contains('n') {
                        return Err(unresolved("name reference", idx, &w.raw));
                    }
                    if w.assignment().is_some() {
                        self.assign(w, idx)?;
                    } else if !t.starts_with('-') {
                        self.check_arg(w, idx)?;
                    }
                }
                return unchanged;
            }
            _ => {}
        }
        if commands::opens_nothing(name) && name != "printf" {
            return unchanged;
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

    /// The words a field globs to (the field itself when nothing matches).
    fn glob_all(&mut self, field: &Field, idx: usize, raw: &str) -> Result<Vec<String>, Violation> {
        let text: String = field.iter().map(|c| c.0).collect();
        let mut out = Vec::new();
        for cwd in self.env.cwds.clone() {
            match glob(field, &cwd, &mut self.budget) {
                Err(()) => return Err(self.budget_violation(idx, raw)),
                Ok(None) => out.push(text.clone()),
                Ok(Some(matches)) => {
                    let rel = !text.starts_with('/');
                    out.extend(matches.iter().map(|m| {
                        let m = if rel { m.strip_prefix(&cwd).unwrap_or(m) } else { m };
                        m.to_string_lossy().into_owned()
                    }));
                }
            }
        }
        out.dedup();
        Ok(out)
    }

    fn budget_violation(&self, idx: usize, raw: &str) -> Violation {
        let what =
            format!("glob expansion past its budget ({MAX_GLOB_ENTRIES} entries, {} ms)", MAX_GLOB_TIME.as_millis());
        unresolved(&what, idx, raw)
    }

    /// Give `name` its new possible values: in place of the old ones when
    /// the assignment surely runs in this shell, else added to them.
    fn set_var(&mut self, name: &str, new: Vec<Option<String>>) {
        let val = match self.env.lookup(name) {
            _ if self.loop_depth > 0 => Val::Unknown("assigned in a loop".into()),
            _ if self.definite => Val::Known(new),
            Ok(mut old) => {
                for v in new {
                    if !old.contains(&v) {
                        old.push(v);
                    }
                }
                if old.len() > MAX_VALUES {
                    Val::Unknown("has too many possible values".into())
                } else {
                    Val::Known(old)
                }
            }
            Err(why) => Val::Unknown(why.trim_start_matches(&format!("${name} ")).to_string()),
        };
        self.env.vars.insert(name.to_string(), val);
    }

    /// `NAME=value`: the value is checked as a path (it may be handed to a
    /// program that uses it as one) and recorded.
    fn assign(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        let Some((name, start)) = w.assignment() else { return Ok(()) };
        if commands::RESERVED.contains(&name.as_str()) || SPECIAL_ASSIGN.contains(&name.as_str()) {
            return Err(unresolved(&format!("assignment to {name}"), idx, &w.raw));
        }
        let value = Word { chars: w.chars[start..].to_vec(), raw: w.raw.clone(), subs: Vec::new() };
        let fields = match self.env.expand(&value, false) {
            Ok(f) => f,
            Err(why) => {
                self.env.vars.insert(name, Val::Unknown(format!("set by {why}")));
                return Ok(());
            }
        };
        let listy = name.ends_with("PATH") || name.ends_with("DIRS");
        let mut values = Vec::new();
        for f in fields {
            if listy {
                for part in f.split(|c| c.0 == ':') {
                    self.check_field(part, idx, w)?;
                }
            } else {
                self.check_field(&f, idx, w)?;
            }
            values.push(Some(f.iter().map(|c| c.0).collect()));
        }
        if values.is_empty() {
            values.push(Some(String::new()));
        }
        if w.chars.get(start.wrapping_sub(2)) == Some(&('+', Q::Unq)) {
            // `X+=v` appends to every value X may have.
            let old = match self.env.lookup(&name) {
                Ok(old) => old,
                Err(why) => {
                    self.env.vars.insert(name, Val::Unknown(why));
                    return Ok(());
                }
            };
            let mut joined = Vec::new();
            for o in &old {
                for v in &values {
                    let text = format!("{}{}", o.as_deref().unwrap_or(""), v.as_deref().unwrap_or(""));
                    let field: Field = text.chars().map(|c| (c, false)).collect();
                    self.check_field(&field, idx, w)?;
                    joined.push(Some(text));
                }
            }
            values = joined;
        }
        self.set_var(&name, values);
        Ok(())
    }

    /// Variables set by `read`, `mapfile`, `printf -v`, `getopts`, `let`,
    /// `unset`.
    fn var_effects(&mut self, name: &str, args: &[(usize, &Word)]) -> Result<(), Violation> {
        let texts: Vec<String> = args.iter().map(|a| a.1.text()).collect();
        let unknown = |checker: &mut Self, var: &str, how: &str| {
            checker.env.vars.insert(var.to_string(), Val::Unknown(format!("set by {how}")));
        };
        match name {
            "read" => {
                for t in texts.iter().filter(|t| !t.starts_with('-')) {
                    unknown(self, t, "read");
                }
                unknown(self, "REPLY", "read");
            }
            "mapfile" | "readarray" => {
                let target = texts.iter().rfind(|t| !t.starts_with('-')).cloned().unwrap_or("MAPFILE".into());
                unknown(self, &target, name);
            }
            "getopts" => {
                if let Some(t) = texts.get(1) {
                    unknown(self, t, "getopts");
                }
            }
            "printf" => {
                if let Some(p) = texts.iter().position(|t| t == "-v")
                    && let Some(t) = texts.get(p + 1)
                {
                    unknown(self, t, "printf -v");
                }
            }
            "let" => {
                for t in &texts {
                    let var: String = t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    unknown(self, &var, "let");
                }
            }
            _ => {
                for t in texts.iter().filter(|t| !t.starts_with('-')) {
                    self.set_var(t, vec![None]);
                }
            }
        }
        Ok(())
    }

    /// An interpreter: code from a string or stdin is refused; a script
    /// file is a path like any other.
    fn interpreter(
        &mut self,
        name: &str,
        letters: &str,
        args: &mut Vec<(usize, &Word)>,
        program: &Word,
    ) -> Result<(), Violation> {
        let ps = name.starts_with("pwsh") || name.starts_with("powershell");
        let asks = |t: &str| ["--version", "-V", "-v", "--help", "-h", "-version", "-help"].contains(&t);
        if args.first().is_some_and(|(_, w)| asks(&w.text())) {
            return Ok(());
        }
        let mut k = 0;
        while let Some(&(idx, w)) = args.get(k) {
            let t = w.text();
            if t == "-" {
                return Err(unresolved(&format!("{name} reading code from standard input"), idx, &w.raw));
            }
            if t.starts_with("--") {
                if ["eval", "command", "exec", "print"].iter().any(|x| t.contains(x)) {
                    return Err(unresolved(&format!("{name} {t} runs code from a string"), idx, &w.raw));
                }
                k += 1;
                continue;
            }
            if commands::INTERPRETER_VALUE_OPTS.contains(&t.as_str()) {
                k += 2;
                continue;
            }
            if t.starts_with('+') && t.len() > 1 {
                k += 1;
                continue;
            }
            if ps
                && name.starts_with("powershell")
                && !args[..k].iter().any(|(_, w)| {
                    let f = w.text().to_lowercase();
                    f == "-file" || f == "-f"
                })
            {
                return Err(unresolved("powershell runs a positional argument as a command", idx, &w.raw));
            }
            if let Some(opts) = t.strip_prefix('-') {
                let code = if ps {
                    let lower = opts.to_lowercase();
                    lower.starts_with('c') || lower.starts_with('e')
                } else {
                    opts.chars().any(|c| letters.contains(c))
                };
                if code {
                    return Err(unresolved(&format!("{name} {t} runs code from a string"), idx, &w.raw));
                }
                // `python -m module`: runs an installed or in-root module.
                if name.starts_with("python") && opts == "m" {
                    return Ok(());
                }
                k += 1;
                continue;
            }
            if t.starts_with("/dev/") || t.starts_with("/proc/") {
                return Err(unresolved(&format!("{name} reading code from standard input"), idx, &w.raw));
            }
            if (name.starts_with("deno") || name.starts_with("bun")) && t == "eval" {
                return Err(unresolved(&format!("{name} eval runs code from a string"), idx, &w.raw));
            }
            return Ok(());
        }
        let idx = args.last().map_or(1, |a| a.0);
        Err(unresolved(&format!("{name} reading code from standard input"), idx, &program.raw))
    }

    /// awk and sed: the program word is read (not checked as a path), and
    /// refused when it can run commands or touch files.
    fn program_arg(
        &mut self,
        args: &mut Vec<(usize, &Word)>,
        file_opts: &[&str],
        value_opts: &[&str],
        awk: bool,
    ) -> Result<(), Violation> {
        let mut from_file = false;
        let mut k = 0;
        let mut programs = Vec::new();
        while let Some(&(idx, w)) = args.get(k) {
            let t = w.text();
            let inline = ["-e", "--expression", "--source"].contains(&t.as_str());
            if inline && let Some(&(pidx, p)) = args.get(k + 1) {
                programs.push((pidx, p));
                args.drain(k..k + 2);
                continue;
            }
            if let Some(rest) = t.strip_prefix("--expression=").or_else(|| t.strip_prefix("--source=")) {
                programs.push((idx, w));
                let _ = rest;
                args.remove(k);
                continue;
            }
            from_file |= file_opts.iter().any(|o| t == *o || (t.starts_with(o) && t.len() > o.len()));
            if value_opts.contains(&t.as_str()) {
                k += 2;
                continue;
            }
            if t.starts_with('-') && t.len() > 1 {
                k += 1;
                continue;
            }
            if !from_file && programs.is_empty() {
                programs.push((idx, w));
                args.remove(k);
            }
            break;
        }
        for (idx, w) in programs {
            let fields = self.env.expand(w, false).map_err(|c| unresolved(&c, idx, &w.raw))?;
            for f in fields {
                let text: String = f.iter().map(|c| c.0).collect();
                let text = text.trim_start_matches("--expression=").trim_start_matches("--source=");
                let safe = if awk { commands::awk_safe(text) } else { commands::sed_safe(text) };
                if !safe {
                    let what = if awk {
                        "awk program that runs commands or opens files"
                    } else {
                        "sed script that runs commands or opens files"
                    };
                    return Err(unresolved(what, idx, &w.raw));
                }
            }
        }
        Ok(())
    }

    /// `cd`, `pushd`, `popd` and their PowerShell names.
    fn change_dir(
        &mut self,
        op: DirOp,
        args: &[(usize, &Word)],
        program: &Word,
    ) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Violation> {
        let input = self.env.cwds.clone();
        if self.loop_depth > 0 {
            return Err(unresolved("cd inside a loop", 1, &program.raw));
        }
        let target = args.iter().find(|(_, w)| {
            let t = w.text();
            !(t.starts_with('-') && t.len() > 1)
        });
        let new: Vec<PathBuf> = match (op, target) {
            (DirOp::Pop, _) => match self.dirstack.pop() {
                Some(d) => d,
                None => return Err(unresolved("popd without a matching pushd", 1, &program.raw)),
            },
            (DirOp::Push, None) => return Err(unresolved("pushd without a directory", 1, &program.raw)),
            (_, Some(&(idx, w))) if w.is_bare("-") => {
                self.env.lookup("OLDPWD").map_err(|c| unresolved(&c, idx, &w.raw))?;
                self.env.oldpwd.clone().unwrap_or_default()
            }
            (_, Some(&(idx, w))) => {
                let t = w.text();
                if t.starts_with(['+', '-']) && t[1..].chars().all(|c| c.is_ascii_digit()) {
                    return Err(unresolved("directory stack entry", idx, &w.raw));
                }
                let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
                let cdpath =
                    self.env.lookup("CDPATH").map(|v| v.iter().any(|x| x.as_deref().is_some_and(|s| !s.is_empty())));
                let mut out = Vec::new();
                for f in fields {
                    let text: String = f.iter().map(|c| c.0).collect();
                    if !self.env.ps && !text.starts_with(['/', '.']) && cdpath != Ok(false) {
                        return Err(unresolved("cd with CDPATH set", idx, &w.raw));
                    }
                    self.check_field(&f, idx, w)?;
                    for p in self.glob_all(&f, idx, &w.raw)? {
                        let p = if self.env.ps { p.replace('\\', "/") } else { p };
                        // bash's `cd` is logical (`..` drops the last name of
                        // $PWD), file access physical: keep both.
                        for cwd in &input {
                            out.push(self.resolve(&cwd.join(&p)));
                            out.push(normalize(&cwd.join(&p)));
                        }
                    }
                }
                out
            }
            (DirOp::Cd, None) => {
                let home = Word::literal("~");
                let fields = self.env.expand(&home, true).map_err(|c| unresolved(&c, 1, &program.raw))?;
                for f in &fields {
                    self.check_field(f, 1, &home)?;
                }
                fields.iter().map(|f| self.resolve(Path::new(&f.iter().map(|c| c.0).collect::<String>()))).collect()
            }
        };
        if new.is_empty() {
            return Err(unresolved("cd to an unknown directory", 1, &program.raw));
        }
        let new = union(&new, &[]);
        for d in &new {
            if !self.inside(&self.resolve(d)) {
                return Err(Violation {
                    reason: REASON_ESCAPE.into(),
                    candidate: program.raw.clone(),
                    resolved: d.to_string_lossy().into_owned(),
                });
            }
        }
        if op == DirOp::Push {
            self.dirstack.push(input.clone());
        }
        self.env.oldpwd = Some(union(self.env.oldpwd.as_deref().unwrap_or(&[]), &input));
        Ok((new, input))
    }

    /// `ln -s TARGET... LINK`: a relative target is read from the link's
    /// directory, so it is checked from there (and taken out of `args`);
    /// an absolute one is checked like any path.
    fn symlinks(&mut self, args: &mut Vec<(usize, &Word)>) -> Result<(), Violation> {
        let texts: Vec<String> = args.iter().map(|(_, w)| w.text()).collect();
        let symbolic =
            texts.iter().any(|t| t == "--symbolic" || (t.starts_with('-') && !t.starts_with("--") && t.contains('s')));
        if !symbolic {
            return Ok(());
        }
        let mut dir: Option<String> = None;
        // Positions (in `args`) of the operands.
        let mut operands = Vec::new();
        let mut k = 0;
        while k < texts.len() {
            let t = &texts[k];
            if t == "-t" || t == "--target-directory" {
                dir = texts.get(k + 1).cloned();
                k += 2;
                continue;
            }
            if let Some(d) = t.strip_prefix("--target-directory=").or_else(|| t.strip_prefix("-t")) {
                dir = Some(d.to_string());
            } else if !t.starts_with('-') {
                operands.push(k);
            }
            k += 1;
        }
        let (link_dir, targets) = match dir {
            Some(d) => (Some(d), &operands[..]),
            None if operands.len() >= 2 => {
                (Some(texts[operands[operands.len() - 1]].clone()), &operands[..operands.len() - 1])
            }
            None => (None, &operands[..]),
        };
        let relative: Vec<usize> = targets.iter().copied().filter(|&k| !texts[k].starts_with('/')).collect();
        for &k in &relative {
            let (idx, w) = args[k];
            let fields = self.env.expand(w, false).map_err(|c| unresolved(&c, idx, &w.raw))?;
            for cwd in self.env.cwds.clone() {
                let base = match &link_dir {
                    Some(d) => {
                        let p = self.resolve(&cwd.join(d));
                        if p.is_dir() { p } else { p.parent().map_or(p.clone(), Path::to_path_buf) }
                    }
                    None => cwd.clone(),
                };
                for f in &fields {
                    let t: String = f.iter().map(|c| c.0).collect();
                    let resolved = self.resolve(&base.join(&t));
                    if !self.inside(&resolved) {
                        return Err(Violation {
                            reason: REASON_ESCAPE.into(),
                            candidate: w.text(),
                            resolved: resolved.to_string_lossy().into_owned(),
                        });
                    }
                }
            }
        }
        // Later paths go through the new links.
        for &k in targets {
            let target = PathBuf::from(&texts[k]);
            let name = target.file_name().map(PathBuf::from).unwrap_or_default();
            for cwd in self.env.cwds.clone() {
                let link = match &link_dir {
                    Some(d) => {
                        let p = self.resolve(&cwd.join(d));
                        if p.is_dir() { p.join(&name) } else { p }
                    }
                    None => cwd.join(&name),
                };
                self.links.push((link, target.clone()));
            }
        }
        for k in relative.into_iter().rev() {
            args.remove(k);
        }
        Ok(())
    }

    /// An argument: a path, and for `-xVALUE`, `--opt=VALUE`, `key=VALUE`
    /// (and PowerShell's `-Param:VALUE`) the value too.
    fn check_arg(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        if w.chars.len() == 1 && w.chars[0].1 == Q::Opaque(Opaque::Process) {
            return Ok(());
        }
        windows_as_written(w)?;
        if let Some((_, start)) = w.assignment() {
            // `make DIR=~/x`: bash expands `~` in assignment-like arguments.
            let value = Word { chars: w.chars[start..].to_vec(), raw: w.raw.clone(), subs: Vec::new() };
            for f in self.env.expand(&value, false).map_err(|c| unresolved(&c, idx, &w.raw))? {
                self.check_field(&f, idx, w)?;
            }
        }
        let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
        for f in fields {
            let text: String = f.iter().map(|c| c.0).collect();
            if let Some(why) = commands::runs_command_option(&text) {
                return Err(unresolved(why, idx, &w.raw));
            }
            let flag = text.starts_with('-') && f.len() > 1;
            let eq = f.iter().position(|c| c.0 == '=');
            if let Some(e) = eq {
                self.check_field(&f[e + 1..], idx, w)?;
            }
            if flag {
                let long = text.starts_with("--");
                if self.env.ps
                    && let Some(colon) = f.iter().position(|c| c.0 == ':')
                {
                    self.check_field(&f[colon + 1..], idx, w)?;
                } else if !long && eq.is_none() && f.len() > 2 {
                    self.check_field(&f[2..], idx, w)?;
                }
            }
            // The whole word too: after `--`, `-x/../..` is an operand.
            self.check_field(&f, idx, w)?;
        }
        Ok(())
    }

    /// A word that is a path as a whole (redirection targets, file-tool
    /// operands).
    pub fn check_word(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        windows_as_written(w)?;
        let fields = self.env.expand(w, true).map_err(|c| unresolved(&c, idx, &w.raw))?;
        for f in fields {
            self.check_field(&f, idx, w)?;
        }
        Ok(())
    }

    /// A JSON path value: checked as written and as a shell would expand it.
    pub fn check_json_path(&mut self, value: &str) -> Result<(), Violation> {
        let value: String = value.chars().filter(|c| *c != '\0').collect();
        let w = Word::literal(&value);
        self.check_literal(&w, 0)?;
        self.check_word(&w, 0)
    }

    /// The word's text as a file API would take it: no expansion.
    pub fn check_literal(&mut self, w: &Word, idx: usize) -> Result<(), Violation> {
        let literal: Field = w.text().chars().map(|c| (c, false)).collect();
        self.check_field(&literal, idx, w)
    }

    /// Resolve with the links the payload made so far.
    fn resolve(&self, path: &Path) -> PathBuf {
        resolve_with(path, &self.links)
    }

    fn inside(&self, resolved: &Path) -> bool {
        self.roots.iter().any(|root| resolved.starts_with(root))
    }

    /// Check one expanded field against the roots from every possible cwd.
    fn check_field(&mut self, field: &[(char, bool)], idx: usize, w: &Word) -> Result<(), Violation> {
        let s: String = field.iter().map(|c| c.0).collect();
        if s.is_empty() {
            return Ok(());
        }
        if let Some(why) = self.env.unknown_state
            && !s.starts_with('/')
        {
            return Err(unresolved(&format!("relative path after {why}"), idx, &w.raw));
        }
        if let Some(nul) = field.iter().position(|c| c.0 == '\0') {
            // A C string ends at the NUL; bash drops NULs from its input.
            let stripped: Field = field.iter().copied().filter(|c| c.0 != '\0').collect();
            self.check_field(&field[..nul], idx, w)?;
            return self.check_field(&stripped, idx, w);
        }
        let candidate = || w.text();
        let mut field: Field = field.to_vec();
        match file_url_path(&s) {
            Some(Ok(p)) => field = p.chars().map(|c| (c, false)).collect(),
            Some(Err(reason)) => return Err(Violation { reason: reason.into(), candidate: candidate(), resolved: s }),
            None => {}
        }
        let s: String = field.iter().map(|c| c.0).collect();
        if let Some(reason) = windows_kind(&s) {
            return Err(Violation { reason: reason.to_string(), candidate: candidate(), resolved: s });
        }
        if self.env.ps {
            // `gc a,b` passes an array of two paths.
            if field.iter().any(|c| c.0 == ',') {
                for part in field.split(|c| c.0 == ',') {
                    self.check_field(part, idx, w)?;
                }
            }
            if is_provider_path(&s) {
                return Err(Violation { reason: REASON_PROVIDER.into(), candidate: candidate(), resolved: s });
            }
            for c in &mut field {
                if c.0 == '\\' {
                    c.0 = '/';
                }
            }
        }
        if field.windows(2).any(|p| p[0] == ('[', true) && matches!(p[1].0, '[' | ':' | '=' | '.'))
            || field.windows(3).any(|p| p[0] == ('[', true) && matches!(p[1].0, '!' | '^') && p[2].0 == '[')
        {
            return Err(unresolved("character class in a glob", idx, &w.raw));
        }
        for cwd in self.env.cwds.clone() {
            let paths = match glob(&field, &cwd, &mut self.budget) {
                Err(()) => return Err(self.budget_violation(idx, &w.raw)),
                Ok(Some(matches)) => matches,
                Ok(None) => vec![PathBuf::from(field.iter().map(|c| c.0).collect::<String>())],
            };
            for p in paths {
                let abs = cwd.join(p);
                if self.seen.contains(&abs) || is_harmless_dev(&abs) {
                    continue;
                }
                if !self.budget.spend(1) {
                    return Err(self.budget_violation(idx, &w.raw));
                }
                let resolved = self.resolve(&abs);
                if !self.inside(&resolved) {
                    return Err(Violation {
                        reason: REASON_ESCAPE.to_string(),
                        candidate: candidate(),
                        resolved: resolved.to_string_lossy().into_owned(),
                    });
                }
                self.seen.insert(abs);
            }
        }
        Ok(())
    }
}

/// A Windows drive or UNC path as written (before bash removes the
/// backslashes of `\\server\share`).
fn windows_as_written(w: &Word) -> Result<(), Violation> {
    for form in [w.text(), w.raw_unquoted()] {
        if let Some(reason) = windows_kind(&form) {
            return Err(Violation { reason: reason.to_string(), candidate: form.clone(), resolved: form });
        }
    }
    Ok(())
}
