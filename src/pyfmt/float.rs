//! `repr(float)` as CPython prints it: the shortest round-tripping digits,
//! fixed notation for decimal exponents in `-4..16`, otherwise scientific
//! with a signed, at least two-digit exponent (`1e-07`, `1.5e+16`).

/// Python's `repr()` of a finite or non-finite float (`inf`, `nan` included).
pub(crate) fn repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "-1.25e-7".
    let sci = format!("{:e}", x);
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp always has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point as usize]);
            out.push('.');
            out.push_str(&digits[point as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

/// Python's `float(text)` as argparse's `type=float` applies it.  As CPython
/// does, non-ASCII decimal digits count as their ASCII twins and non-ASCII
/// whitespace as a space; any other non-ASCII character is an error.
pub(crate) fn parse(text: &str) -> Option<f64> {
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => ascii.push(c),
            c if c.is_whitespace() => ascii.push(' '),
            c => ascii.push(char::from(b'0' + super::ucd::decimal(c)?)),
        }
    }
    let t = super::text::strip_number(&ascii);
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return None;
    }
    let neg = lower.starts_with('-');
    let special = match unsigned {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    // Underscores are allowed only between digits, as in Python literals.
    let bytes = unsigned.as_bytes();
    let mut cleaned = String::with_capacity(t.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' | b'.' | b'e' | b'+' | b'-' => cleaned.push(b as char),
            b'_' => {
                let ok = i > 0 && i + 1 < bytes.len() && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit();
                if !ok {
                    return None;
                }
            }
            _ => return None,
        }
    }
    if !cleaned.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cpython_repr() {
        let cases = [
            (0.0, "0.0"),
            (30.0, "30.0"),
            (-2.5, "-2.5"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e16, "1.5e+16"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "inf"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn parses_like_python_float() {
        assert_eq!(parse(" 1.5 "), Some(1.5));
        assert_eq!(parse("1_0.5"), Some(10.5));
        assert_eq!(parse("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert!(parse("nan").unwrap().is_nan());
        assert_eq!(parse("abc"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("1__0"), None);
        assert_eq!(parse("--1"), None);
        assert_eq!(parse("\u{663}.\u{665}"), Some(3.5));
        assert_eq!(parse("\u{3000}\u{663}.\u{665}e\u{661} "), Some(35.0));
        assert_eq!(parse("\u{85}2\u{3000}"), Some(2.0));
        assert_eq!(parse("\x1c2"), None);
        assert_eq!(parse("2\x1f"), None);
        assert_eq!(parse("\u{1e4f3}"), None);
        assert_eq!(parse("\u{221e}"), None);
    }
}
