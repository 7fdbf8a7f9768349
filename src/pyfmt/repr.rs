//! CPython's `repr()` for `str`, `str(bool)`, and the dict/list/tuple reprs
//! that the bootstrap report embeds for its stream events.

use super::ucd::is_printable;

/// Python's `str(bool)`: `True` or `False`.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// `repr(s)` for a Python `str`.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// A Python value as `repr()` shows it inside a container.
pub(crate) enum PyVal<'a> {
    Str(&'a str),
    Int(i64),
    /// A list of strings: `['a', 'b']`.
    StrList(&'a [String]),
    /// A tuple of strings: `('a',)`, `('a', 'b')`, `()`.
    StrTuple(&'a [String]),
    Dict(Vec<(&'a str, PyVal<'a>)>),
}

/// `repr()` of a value built from [`PyVal`].
pub(crate) fn repr(v: &PyVal<'_>) -> String {
    let mut out = String::new();
    write(&mut out, v);
    out
}

fn write(out: &mut String, v: &PyVal<'_>) {
    match v {
        PyVal::Str(s) => out.push_str(&str_repr(s)),
        PyVal::Int(n) => out.push_str(&n.to_string()),
        PyVal::StrList(items) => {
            out.push('[');
            join(out, items);
            out.push(']');
        }
        PyVal::StrTuple(items) => {
            out.push('(');
            join(out, items);
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        PyVal::Dict(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(k));
                out.push_str(": ");
                write(out, v);
            }
            out.push('}');
        }
    }
}

fn join(out: &mut String, items: &[String]) {
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&str_repr(s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_cpython() {
        assert_eq!(str_repr("hello"), "'hello'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(str_repr("say \"hi\""), "'say \"hi\"'");
    }

    #[test]
    fn escapes_like_cpython() {
        assert_eq!(str_repr("a\nb\tc\\d\r"), "'a\\nb\\tc\\\\d\\r'");
        assert_eq!(str_repr("\u{0}\u{1b}\u{7f}\u{85}\u{a0}"), "'\\x00\\x1b\\x7f\\x85\\xa0'");
        assert_eq!(str_repr("caf\u{e9} \u{1f600}"), "'caf\u{e9} \u{1f600}'");
        assert_eq!(str_repr("\u{200b}\u{2028}\u{feff}"), "'\\u200b\\u2028\\ufeff'");
        assert_eq!(str_repr("\u{e000}\u{10ffff}"), "'\\ue000\\U0010ffff'");
        assert_eq!(str_repr("\u{3000}"), "'\\u3000'");
    }

    #[test]
    fn containers_like_cpython() {
        let one = vec!["a".to_string()];
        let two = vec!["a".to_string(), "b'".to_string()];
        assert_eq!(repr(&PyVal::StrTuple(&one)), "('a',)");
        assert_eq!(repr(&PyVal::StrTuple(&two)), "('a', \"b'\")");
        assert_eq!(repr(&PyVal::StrTuple(&[])), "()");
        assert_eq!(repr(&PyVal::StrList(&two)), "['a', \"b'\"]");
        let d = PyVal::Dict(vec![("type", PyVal::Str("x")), ("n", PyVal::Int(3))]);
        assert_eq!(repr(&d), "{'type': 'x', 'n': 3}");
    }
}
