//! Python's `int(text)` for argparse's `type=int`: surrounding whitespace,
//! one sign, any Unicode decimal digits, single underscores between digits,
//! and arbitrary size (up to CPython's 4300-digit conversion limit).

use std::fmt;

/// An integer as Python would hold it: exact decimal text plus a saturated
/// `i64` for arithmetic.  Slicing and loop bounds saturate harmlessly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyInt {
    text: String,
    value: i64,
}

impl PyInt {
    pub fn from_i64(value: i64) -> Self {
        PyInt { text: value.to_string(), value }
    }

    /// Parse like `int(text)`; `None` where Python raises `ValueError`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = super::text::strip_number(text);
        let (neg, body) = match t.chars().next()? {
            '-' => (true, &t[1..]),
            '+' => (false, &t[1..]),
            _ => (false, t),
        };
        let mut digits = String::new();
        let mut prev_digit = false;
        let chars: Vec<char> = body.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c == '_' {
                let next_digit = chars.get(i + 1).and_then(|n| super::ucd::decimal(*n)).is_some();
                if !prev_digit || !next_digit {
                    return None;
                }
                prev_digit = false;
                continue;
            }
            let d = super::ucd::decimal(c)?;
            digits.push(char::from(b'0' + d));
            prev_digit = true;
        }
        if digits.is_empty() || digits.len() > 4300 {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        let magnitude = if trimmed.is_empty() { "0" } else { trimmed };
        let neg = neg && magnitude != "0";
        let text = if neg { format!("-{magnitude}") } else { magnitude.to_string() };
        let value = text.parse::<i64>().unwrap_or(if neg { i64::MIN } else { i64::MAX });
        Some(PyInt { text, value })
    }

    /// The value, saturated to the `i64` range.
    pub fn get(&self) -> i64 {
        self.value
    }
}

impl fmt::Display for PyInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Python slicing `seq[:limit]` with a possibly negative `limit`.
pub(crate) fn slice_end(len: usize, limit: i64) -> usize {
    if limit >= 0 {
        (limit as u64).min(len as u64) as usize
    } else {
        len.saturating_sub(limit.unsigned_abs().min(len as u64) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_python_int() {
        let ok = [
            ("12", "12"),
            (" -3 ", "-3"),
            ("+7", "7"),
            ("1_000", "1000"),
            ("007", "7"),
            ("-0", "0"),
            ("\u{663}", "3"),
            ("\u{ff15}", "5"),
            ("\u{661}_\u{662}", "12"),
            ("\u{85}5\u{3000}", "5"),
        ];
        for (input, want) in ok {
            assert_eq!(PyInt::parse(input).map(|i| i.to_string()).as_deref(), Some(want), "{input:?}");
        }
        for bad in ["", "abc", "1.5", "_1", "1_", "1__0", "--1", "0x10", " ", "\x1c5", "5\x1f", "\u{1e4f3}", "1e5"] {
            assert_eq!(PyInt::parse(bad), None, "{bad:?}");
        }
        let huge = PyInt::parse("123456789012345678901234567890").unwrap();
        assert_eq!(huge.to_string(), "123456789012345678901234567890");
        assert_eq!(huge.get(), i64::MAX);
        assert_eq!(PyInt::parse(&"9".repeat(4301)), None);
    }

    #[test]
    fn slices_like_python() {
        assert_eq!(slice_end(10, 3), 3);
        assert_eq!(slice_end(10, 30), 10);
        assert_eq!(slice_end(10, 0), 0);
        assert_eq!(slice_end(10, -1), 9);
        assert_eq!(slice_end(10, -20), 0);
        assert_eq!(slice_end(10, i64::MIN), 0);
    }
}
