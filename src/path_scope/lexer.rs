//! Splitting a shell line into words, operators and redirections, the way
//! bash (or, with `ps`, PowerShell) does where it matters for paths.
//!
//! Constructs whose value is only known at run time (command, process and
//! arithmetic substitution, `$"…"`) stay in the word as opaque markers; the
//! text they run is kept beside the word so the checker can check it too.

/// How a character of a word was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Q {
    /// Unquoted: subject to every expansion.
    Unq,
    /// Inside double quotes: parameter expansion only.
    Dq,
    /// Single-quoted or escaped: literal.
    Lit,
    /// Result of an unquoted expansion: field splitting and globbing only.
    Exp,
    /// A construct whose value is only known when the command runs.
    Opaque(Opaque),
}

/// Run-time-only constructs, named in refusals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Opaque {
    Command,
    Process,
    Arithmetic,
    Locale,
    /// `$'\xff'`: a byte that is not a character.
    Byte,
    /// PowerShell's `` `u{…} `` escape.
    Unicode,
}

impl Opaque {
    pub(super) fn name(self) -> &'static str {
        match self {
            Opaque::Command => "command substitution",
            Opaque::Process => "process substitution",
            Opaque::Arithmetic => "arithmetic expansion",
            Opaque::Locale => "locale-translated string $\"…\"",
            Opaque::Byte => "non-ASCII byte escape in $'…'",
            Opaque::Unicode => "PowerShell `u{…} escape",
        }
    }
}

pub(super) type QChar = (char, Q);

/// Code a word runs while it is expanded.
#[derive(Debug, Clone)]
pub(super) struct Sub {
    pub kind: Opaque,
    pub text: String,
}

#[derive(Debug, Clone)]
pub(super) struct Word {
    pub chars: Vec<QChar>,
    /// The word's source text, quotes and escapes included.
    pub raw: String,
    pub subs: Vec<Sub>,
}

impl Word {
    /// A word from literal text (JSON values): every character unquoted.
    pub(super) fn literal(text: &str) -> Word {
        Word { chars: text.chars().map(|c| (c, Q::Unq)).collect(), raw: text.to_string(), subs: Vec::new() }
    }

    /// The word after quote removal, before any expansion (markers dropped).
    pub(super) fn text(&self) -> String {
        self.chars.iter().filter(|c| !matches!(c.1, Q::Opaque(_))).map(|c| c.0).collect()
    }

    /// Is the whole word unquoted plain text equal to `s`?
    pub(super) fn is_bare(&self, s: &str) -> bool {
        self.chars.iter().all(|c| c.1 == Q::Unq) && self.text() == s
    }

    /// The source text with quote characters dropped (backslashes kept).
    pub(super) fn raw_unquoted(&self) -> String {
        self.raw.chars().filter(|c| *c != '\'' && *c != '"').collect()
    }

    /// `NAME=value` or `NAME+=value` with an unquoted valid name: the name
    /// and the index where the value starts.
    pub(super) fn assignment(&self) -> Option<(String, usize)> {
        let mut name = String::new();
        for (i, &(c, q)) in self.chars.iter().enumerate() {
            if q != Q::Unq {
                return None;
            }
            let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
            if ok {
                name.push(c);
                continue;
            }
            if i == 0 {
                return None;
            }
            if c == '=' {
                return Some((name, i + 1));
            }
            if c == '+' && self.chars.get(i + 1) == Some(&('=', Q::Unq)) {
                return Some((name, i + 2));
            }
            return None;
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Redir {
    /// The next word is a file.
    Path,
    /// `>&`/`<&`: the next word is a file unless it is a fd number or `-`.
    Dup,
    /// Here-doc delimiter or here-string: the next word is not a file.
    Skip,
}

/// Operators between commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// `;`, `&`, newline, `;;`.
    Seq,
    And,
    Or,
    Pipe,
    Open,
    Close,
}

#[derive(Debug)]
pub(super) enum Tok {
    Word(Word),
    Op(Op),
    Redir(Redir),
    /// `(( … ))` as a command: its text.
    Arith(String),
}

/// The tokens of a line, or the construct that made it uncheckable.
pub(super) struct Lexed {
    pub toks: Vec<Tok>,
    pub refusal: Option<&'static str>,
}

/// Splits one shell line into tokens.
pub(super) struct Lexer {
    s: Vec<char>,
    i: usize,
    ps: bool,
    toks: Vec<Tok>,
    cur: Vec<QChar>,
    subs: Vec<Sub>,
    started: bool,
    start: usize,
    /// Open `${` in the current word: separators are word characters.
    brace_depth: usize,
    heredoc_want: Option<bool>,
    /// Pending here-docs: (delimiter, strip tabs, delimiter quoted).
    heredocs: Vec<(String, bool, bool)>,
    refusal: Option<&'static str>,
}

pub(super) fn lex(src: &str, ps: bool) -> Lexed {
    let lexer = Lexer {
        s: src.chars().collect(),
        i: 0,
        ps,
        toks: Vec::new(),
        cur: Vec::new(),
        subs: Vec::new(),
        started: false,
        start: 0,
        brace_depth: 0,
        heredoc_want: None,
        heredocs: Vec::new(),
        refusal: None,
    };
    lexer.run()
}

impl Lexer {
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
        let word = Word { chars: std::mem::take(&mut self.cur), raw, subs: std::mem::take(&mut self.subs) };
        if let Some(strip) = self.heredoc_want.take() {
            let quoted = word.raw.contains(['\'', '"', '\\']);
            self.heredocs.push((word.text(), strip, quoted));
        }
        self.toks.push(Tok::Word(word));
        self.started = false;
        self.brace_depth = 0;
    }

    fn op(&mut self, op: Op, len: usize) {
        self.end_word();
        self.heredoc_want = None;
        self.toks.push(Tok::Op(op));
        self.i += len;
    }

    fn at_command_start(&self) -> bool {
        !self.started && matches!(self.toks.last(), None | Some(Tok::Op(_)))
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

    /// Record a run-time construct in the current word.
    fn opaque(&mut self, kind: Opaque, text: String) {
        self.begin();
        self.cur.push(('\0', Q::Opaque(kind)));
        self.subs.push(Sub { kind, text });
    }

    /// `$(...)`, `$((...))` or `<(...)`/`>(...)` whose `(` is at `open`.
    fn paren_substitution(&mut self, open: usize, kind: Opaque) {
        self.begin();
        let close = self.find_close(open);
        let inner: String = self.s[(open + 1).min(close)..close].iter().collect();
        self.i = close + 1;
        self.command_output(kind, inner);
    }

    /// A substitution: `$(pwd)` is `$PWD` (a value the checker tracks);
    /// anything else is opaque.
    fn command_output(&mut self, kind: Opaque, inner: String) {
        if kind == Opaque::Command && inner.trim() == "pwd" {
            self.begin();
            self.cur.extend("${PWD}".chars().map(|c| (c, Q::Dq)));
        } else {
            self.opaque(kind, inner);
        }
    }

    /// `$[ ... ]` (old arithmetic) starting at the `$`.
    fn bracket_arithmetic(&mut self) {
        self.begin();
        let n = self.s.len();
        let mut depth = 0usize;
        let mut j = self.i + 1;
        while j < n {
            match self.s[j] {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        let inner: String = self.s[(self.i + 2).min(j.min(n))..j.min(n)].iter().collect();
        self.i = j + 1;
        self.opaque(Opaque::Arithmetic, inner);
    }

    /// A backtick substitution starting at `self.i`.
    fn backtick_substitution(&mut self) {
        self.begin();
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
        self.command_output(Opaque::Command, inner);
    }

    /// Read the bodies of the pending here-docs, starting at `self.i`.
    fn read_heredocs(&mut self) {
        let n = self.s.len();
        for (delim, strip, quoted) in std::mem::take(&mut self.heredocs) {
            while self.i < n {
                let end = self.s[self.i..].iter().position(|c| *c == '\n').map_or(n, |p| self.i + p);
                let line: String = self.s[self.i..end].iter().collect();
                self.i = end + 1;
                let line = if strip { line.trim_start_matches('\t') } else { line.as_str() };
                if line == delim {
                    break;
                }
                if !quoted && (line.contains("$(") || line.contains('`') || line.contains("$[")) {
                    self.refusal = Some("command substitution in a here-document body");
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

    /// Bash `$'...'`, starting at the `$`: escapes decoded as bash does.
    fn ansi_c_quoted(&mut self) {
        self.begin();
        self.i += 2;
        let n = self.s.len();
        while self.i < n && self.s[self.i] != '\'' {
            let c = self.s[self.i];
            self.i += 1;
            if c != '\\' || self.i >= n {
                self.cur.push((c, Q::Lit));
                continue;
            }
            let e = self.s[self.i];
            self.i += 1;
            let decoded = match e {
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                'e' | 'E' => Some('\x1b'),
                'f' => Some('\x0c'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\x0b'),
                '\\' | '\'' | '"' | '?' => Some(e),
                'c' => {
                    let ctl = self.at(self.i).map(|x| char::from((x as u8 & 0x1f) * u8::from(x.is_ascii())));
                    self.i += 1;
                    ctl
                }
                '0'..='7' | 'x' => {
                    if e != 'x' {
                        self.i -= 1;
                    }
                    match self.number(if e == 'x' { 16 } else { 8 }, if e == 'x' { 2 } else { 3 }) {
                        // A byte past ASCII is not the character of that code.
                        Some(b) if !b.is_ascii() => {
                            self.cur.push(('\0', Q::Opaque(Opaque::Byte)));
                            continue;
                        }
                        other => other,
                    }
                }
                'u' => self.number(16, 4),
                'U' => self.number(16, 8),
                _ => {
                    self.cur.push(('\\', Q::Lit));
                    Some(e)
                }
            };
            match decoded {
                // bash ends the string at a NUL.
                Some('\0') => {
                    while self.i < n && self.s[self.i] != '\'' {
                        self.i += if self.s[self.i] == '\\' { 2 } else { 1 };
                    }
                }
                Some(d) => self.cur.push((d, Q::Lit)),
                // `\x` with no digits stays as written.
                None => self.cur.extend([('\\', Q::Lit), (e, Q::Lit)]),
            }
        }
        self.i += 1;
    }

    /// Up to `max` digits in `radix` at `self.i`, as a character.
    fn number(&mut self, radix: u32, max: usize) -> Option<char> {
        let mut v: u32 = 0;
        let mut len = 0;
        while len < max
            && let Some(d) = self.at(self.i).and_then(|c| c.to_digit(radix))
        {
            v = v * radix + d;
            self.i += 1;
            len += 1;
        }
        if len == 0 {
            return None;
        }
        // Octal and `\x` give a byte; bytes past ASCII are not valid UTF-8.
        if radix == 8 || max == 2 { char::from_u32(v & 0xff) } else { char::from_u32(v) }
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
                let escaped = match next.unwrap_or('`') {
                    '0' => '\0',
                    'a' => '\x07',
                    'b' => '\x08',
                    'e' => '\x1b',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    'u' => {
                        self.cur.push(('\0', Q::Opaque(Opaque::Unicode)));
                        '\0'
                    }
                    other => other,
                };
                if escaped != '\0' || next != Some('u') {
                    self.cur.push((escaped, Q::Lit));
                }
                self.i += 2;
            } else if c == '$' && next == Some('(') {
                let kind = if self.at(self.i + 2) == Some('(') { Opaque::Arithmetic } else { Opaque::Command };
                self.paren_substitution(self.i + 1, kind);
            } else if c == '$' && next == Some('[') && !self.ps {
                self.bracket_arithmetic();
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
        if next == Some('(') && !self.ps {
            self.end_word();
            self.paren_substitution(self.i + 1, Opaque::Process);
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
        self.toks.push(Tok::Redir(kind));
    }

    /// An escape character (`\` in bash, backtick in PowerShell).
    fn escape(&mut self, c: char, next: Option<char>) {
        self.begin();
        match next {
            Some('\n') => self.i += 2,
            Some(e) => {
                self.cur.push((e, Q::Lit));
                self.i += 2;
            }
            None => {
                self.cur.push((c, Q::Lit));
                self.i += 1;
            }
        }
    }

    fn run(mut self) -> Lexed {
        let n = self.s.len();
        while self.i < n {
            let c = self.s[self.i];
            let next = self.at(self.i + 1);
            if self.brace_depth > 0 && !matches!(c, '\'' | '"' | '\\' | '`' | '$' | '{' | '}') {
                self.cur.push((c, Q::Unq));
                self.i += 1;
                continue;
            }
            match c {
                ' ' | '\t' | '\r' => {
                    self.end_word();
                    self.i += 1;
                }
                '\n' => {
                    self.op(Op::Seq, 1);
                    if !self.heredocs.is_empty() {
                        self.read_heredocs();
                    }
                }
                '<' if self.ps && next == Some('#') => {
                    self.end_word();
                    let close = self.s[self.i + 2..].windows(2).position(|w| w == ['#', '>']);
                    self.i = close.map_or(n, |p| self.i + 2 + p + 2);
                }
                '#' if !self.started => {
                    while self.i < n && self.s[self.i] != '\n' {
                        self.i += 1;
                    }
                }
                '(' if !self.ps && next == Some('(') && self.at_command_start() => {
                    let close = self.find_close(self.i);
                    let inner: String = self.s[(self.i + 1).min(close)..close].iter().collect();
                    self.toks.push(Tok::Arith(inner));
                    self.i = close + 1;
                }
                ';' => self.op(Op::Seq, if matches!(next, Some(';' | '&')) { 2 } else { 1 }),
                '|' if next == Some('|') => self.op(Op::Or, 2),
                '|' => self.op(Op::Pipe, if next == Some('&') { 2 } else { 1 }),
                '(' => self.op(Op::Open, 1),
                ')' => self.op(Op::Close, 1),
                '&' if next == Some('&') => self.op(Op::And, 2),
                '&' if next == Some('>') && !self.ps => {
                    self.end_word();
                    self.i += if self.at(self.i + 2) == Some('>') { 3 } else { 2 };
                    self.toks.push(Tok::Redir(Redir::Path));
                }
                '&' => self.op(Op::Seq, 1),
                '*' if self.ps && !self.started && next == Some('>') => self.i += 1,
                '<' | '>' => self.angle(c),
                '\\' if !self.ps => self.escape(c, next),
                '`' if self.ps => self.escape(c, next),
                '`' => {
                    self.begin();
                    self.backtick_substitution();
                }
                '\'' => self.single_quoted(),
                '"' => self.double_quoted(),
                '$' if next == Some('(') => {
                    let kind = if self.at(self.i + 2) == Some('(') { Opaque::Arithmetic } else { Opaque::Command };
                    self.paren_substitution(self.i + 1, kind);
                }
                '$' if next == Some('[') && !self.ps => self.bracket_arithmetic(),
                '$' if next == Some('\'') && !self.ps => self.ansi_c_quoted(),
                '$' if next == Some('"') && !self.ps => {
                    self.opaque(Opaque::Locale, String::new());
                    self.i += 1;
                    self.double_quoted();
                }
                '$' if next == Some('{') => {
                    self.begin();
                    self.brace_depth += 1;
                    self.cur.extend([('$', Q::Unq), ('{', Q::Unq)]);
                    self.i += 2;
                }
                '}' if self.brace_depth > 0 => {
                    self.brace_depth -= 1;
                    self.cur.push((c, Q::Unq));
                    self.i += 1;
                }
                '{' if self.brace_depth > 0 => {
                    self.brace_depth += 1;
                    self.cur.push((c, Q::Unq));
                    self.i += 1;
                }
                _ => {
                    self.begin();
                    self.cur.push((c, Q::Unq));
                    self.i += 1;
                }
            }
        }
        self.i = n;
        self.end_word();
        Lexed { toks: self.toks, refusal: self.refusal }
    }
}
