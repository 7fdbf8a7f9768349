//! Reading a tool's JSON payload the way its consumers do.
//!
//! Strict parsers reject payloads that JavaScript's `JSON.parse` or Python's
//! `json.loads` accept (a lone surrogate, `1e400`, nesting deeper than a
//! recursion limit, duplicate keys, `NaN`, a leading byte-order mark). This
//! reader accepts all of those, keeps every string (duplicate keys included)
//! and has no depth limit, so no path can hide from the checker.

/// A string value and the key it sits under (inherited through arrays).
#[derive(Debug, PartialEq)]
pub(super) struct Entry {
    pub key: Option<String>,
    pub value: String,
    /// The value held an unpaired surrogate (replaced by U+FFFD here).
    pub lossy: bool,
}

/// The string entries of a JSON object or array, or `None` when `text`
/// is not one (after an optional BOM and whitespace).
pub(super) fn entries(text: &str) -> Option<Vec<Entry>> {
    let s: Vec<char> = text.trim_start_matches('\u{feff}').chars().collect();
    let mut p = Parser { s, i: 0 };
    p.ws();
    if !matches!(p.peek(), Some('{' | '[')) {
        return None;
    }
    let out = p.value()?;
    p.ws();
    (p.i == p.s.len()).then_some(out)
}

/// A payload that is one JSON string (`"cat /etc/passwd"`): its value.
pub(super) fn string_scalar(text: &str) -> Option<String> {
    let s: Vec<char> = text.trim_start_matches('\u{feff}').chars().collect();
    let mut p = Parser { s, i: 0 };
    p.ws();
    let (value, _) = p.string()?;
    p.ws();
    (p.i == p.s.len()).then_some(value)
}

struct Parser {
    s: Vec<char>,
    i: usize,
}

/// An open container: is it an object, the key of the current member (or
/// inherited by an array), and what comes next.
struct Frame {
    object: bool,
    key: Option<String>,
    state: Next,
}

#[derive(PartialEq)]
enum Next {
    /// First member or `}`/`]`.
    FirstOrEnd,
    /// A key (objects) or value (arrays) after a comma.
    Member,
    /// `,` or the end.
    CommaOrEnd,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A whole container, iteratively.
    fn value(&mut self) -> Option<Vec<Entry>> {
        let mut out = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Open the top container.
        let object = self.peek()? == '{';
        self.i += 1;
        stack.push(Frame { object, key: None, state: Next::FirstOrEnd });
        while let Some(top) = stack.last_mut() {
            self.ws();
            let close = if top.object { '}' } else { ']' };
            match top.state {
                Next::CommaOrEnd => {
                    if self.eat(close) {
                        stack.pop();
                        continue;
                    }
                    if !self.eat(',') {
                        return None;
                    }
                    top.state = Next::Member;
                    continue;
                }
                Next::FirstOrEnd if self.eat(close) => {
                    stack.pop();
                    continue;
                }
                _ => {}
            }
            top.state = Next::CommaOrEnd;
            if top.object {
                self.ws();
                let (k, _) = self.string()?;
                if !self.eat(':') {
                    return None;
                }
                top.key = Some(k);
            }
            let key = top.key.clone();
            self.ws();
            match self.peek()? {
                '{' | '[' => {
                    let object = self.peek() == Some('{');
                    self.i += 1;
                    stack.push(Frame { object, key, state: Next::FirstOrEnd });
                }
                '"' => {
                    let (value, lossy) = self.string()?;
                    out.push(Entry { key, value, lossy });
                }
                _ => self.scalar()?,
            }
        }
        Some(out)
    }

    /// Numbers (any magnitude), `true`, `false`, `null`, `NaN`,
    /// `Infinity`, `-Infinity`.
    fn scalar(&mut self) -> Option<()> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
            self.i += 1;
        }
        let word: String = self.s[start..self.i].iter().collect();
        let number = {
            let t = word.strip_prefix('-').unwrap_or(&word);
            t.starts_with(|c: char| c.is_ascii_digit()) && t.parse::<f64>().is_ok()
        };
        (number || ["true", "false", "null", "NaN", "Infinity", "-Infinity"].contains(&word.as_str())).then_some(())
    }

    /// A string at `self.i`: its value and whether a lone surrogate was
    /// replaced.
    fn string(&mut self) -> Option<(String, bool)> {
        if self.peek()? != '"' {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        let mut lossy = false;
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                '"' => return Some((out, lossy)),
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    let d = match e {
                        '"' | '\\' | '/' => e,
                        'b' => '\x08',
                        'f' => '\x0c',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i) == Some(&'\\')
                                && self.s.get(self.i + 1) == Some(&'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp)?);
                                    continue;
                                }
                                self.i = save;
                            }
                            match char::from_u32(hi) {
                                Some(ch) => ch,
                                None => {
                                    lossy = true;
                                    '\u{fffd}'
                                }
                            }
                        }
                        _ => return None,
                    };
                    out.push(d);
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits: String = self.s.get(self.i..self.i + 4)?.iter().collect();
        let v = u32::from_str_radix(&digits, 16).ok()?;
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_values(text: &str) -> Vec<(Option<String>, String)> {
        entries(text).unwrap().into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn accepts_what_consumers_accept() {
        let e = entries("\u{feff}{\"a\":\"\\ud800\",\"n\":1e400,\"p\":\"x\",\"p\":\"/etc\",\"z\":NaN}").unwrap();
        assert!(e[0].lossy);
        assert_eq!(e.iter().filter(|e| e.key.as_deref() == Some("p")).count(), 2);
        let deep = format!("{}{{\"file_path\":\"/etc/passwd\"}}{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(keys_values(&deep), vec![(Some("file_path".into()), "/etc/passwd".into())]);
        assert_eq!(
            keys_values(r#"{"edits":[{"path":"a"},{"path":["b","c"]}]}"#),
            vec![
                (Some("path".into()), "a".into()),
                (Some("path".into()), "b".into()),
                (Some("path".into()), "c".into())
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in ["{ ls; }", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":\"x\"} tail", "{'a':1}", "{\"a\":tru}", "x"] {
            assert!(entries(bad).is_none(), "{bad}");
        }
    }
}
