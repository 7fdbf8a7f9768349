//! A Python `str` that may hold lone surrogates, as Python's
//! `surrogateescape` makes them (`'\udce9'` for the byte 0xE9), so a session
//! the reference wrote loads and saves again without loss.  Kept as WTF-8:
//! UTF-8 extended to the code points U+D800..U+DFFF; text without lone
//! surrogates is plain UTF-8.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PyStr(Vec<u8>);

impl From<String> for PyStr {
    fn from(s: String) -> PyStr {
        PyStr(s.into_bytes())
    }
}

impl PyStr {
    /// The code points, lone surrogates included.
    pub fn code_points(&self) -> impl Iterator<Item = u32> + '_ {
        let b = &self.0;
        let mut i = 0;
        std::iter::from_fn(move || {
            let lead = *b.get(i)? as u32;
            let (len, init) = match lead {
                0..0x80 => (1, lead),
                0xC0..0xE0 => (2, lead & 0x1F),
                0xE0..0xF0 => (3, lead & 0x0F),
                _ => (4, lead & 0x07),
            };
            let cp = b[i + 1..i + len].iter().fold(init, |cp, &c| (cp << 6) | (c as u32 & 0x3F));
            i += len;
            Some(cp)
        })
    }

    fn push(&mut self, cp: u32) {
        match cp {
            0..0x80 => self.0.push(cp as u8),
            0x80..0x800 => self.0.extend([0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
            0x800..0x10000 => {
                self.0.extend([0xE0 | (cp >> 12) as u8, 0x80 | ((cp >> 6) & 0x3F) as u8, 0x80 | (cp & 0x3F) as u8])
            }
            _ => self.0.extend([
                0xF0 | (cp >> 18) as u8,
                0x80 | ((cp >> 12) & 0x3F) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]),
        }
    }

    /// `json.loads` of one JSON string literal (quotes included): escapes
    /// decoded, surrogate pairs joined, lone surrogates kept.  `None` if
    /// `raw` is not a string literal.
    pub fn from_json_literal(raw: &str) -> Option<PyStr> {
        let body = raw.trim().strip_prefix('"')?.strip_suffix('"')?;
        let mut out = PyStr(Vec::with_capacity(body.len()));
        let mut rest = body;
        while let Some(at) = rest.find('\\') {
            out.0.extend_from_slice(&rest.as_bytes()[..at]);
            let (cp, after) = escape(&rest[at + 1..])?;
            out.push(cp);
            rest = after;
        }
        if rest.contains('"') {
            return None;
        }
        out.0.extend_from_slice(rest.as_bytes());
        Some(out)
    }
}

/// One escape after its backslash: the code point and the text after it.
fn escape(s: &str) -> Option<(u32, &str)> {
    let simple = match s.as_bytes().first()? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex =
                |s: &str| s.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok().filter(|_| !h.starts_with('+')));
            let high = hex(&s[1..])?;
            let after = &s[5..];
            if (0xD800..0xDC00).contains(&high)
                && let Some(low) = after.strip_prefix("\\u").and_then(hex).filter(|l| (0xDC00..0xE000).contains(l))
            {
                return Some((0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), &after[6..]));
            }
            return Some((high, after));
        }
        _ => return None,
    };
    Some((simple as u32, &s[1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_survive_and_pairs_join() {
        let s = PyStr::from_json_literal(r#""caf\u00e9 \udce9 \ud83d\ude00 \ud800x \"q\" \\ \n""#).unwrap();
        let cps: Vec<u32> = s.code_points().collect();
        let want: Vec<u32> = "caf\u{e9} \u{0} \u{1f600} \u{0}x \"q\" \\ \n".chars().map(|c| c as u32).collect();
        assert_eq!(cps.len(), want.len());
        assert_eq!(cps[5], 0xDCE9);
        assert_eq!(cps[9], 0xD800);
        assert_eq!(cps[7], 0x1F600);
        assert_eq!(PyStr::from("plain \u{e9}".to_string()).code_points().count(), 7);
        assert!(PyStr::from_json_literal("no quotes").is_none());
        assert!(PyStr::from_json_literal(r#""bad \x""#).is_none());
    }
}
