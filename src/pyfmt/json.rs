//! A JSON value with insertion-ordered objects, written byte-for-byte as
//! CPython's `json.dumps` writes it: `", "` / `": "` separators (or the
//! `indent=N` layout), `ensure_ascii` escaping with surrogate pairs, and
//! floats in `repr()` form (`5.0`, `1e-07`), except that non-finite floats
//! are `null` (strict RFC 8259; `json.dumps` writes `NaN` and `Infinity`).

use super::int::PyInt;
use super::pystr::PyStr;

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer too large for `i64`, kept as Python printed it.
    BigInt(PyInt),
    Float(f64),
    Str(String),
    /// A string that may hold lone surrogates (from a reference-written file).
    PyStr(PyStr),
    /// A file name that need not be UTF-8, written as `json.dumps` writes the
    /// `str` Python decodes it to (undecodable bytes become `\udcXX`).
    FileName(Vec<u8>),
    List(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// An object from `(key, value)` pairs, in order.
    pub fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    pub fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Json {
        Json::List(items.into_iter().map(|s| Json::Str(s.as_ref().to_string())).collect())
    }

    pub fn int(n: usize) -> Json {
        Json::Int(n as i64)
    }

    pub fn pyint(n: &PyInt) -> Json {
        match n.to_string().parse::<i64>() {
            Ok(v) => Json::Int(v),
            Err(_) => Json::BigInt(n.clone()),
        }
    }

    /// A `u64`, exact even above `i64::MAX`.
    pub fn u64(n: u64) -> Json {
        match i64::try_from(n) {
            Ok(v) => Json::Int(v),
            Err(_) => PyInt::parse(&n.to_string()).map_or(Json::Null, Json::BigInt),
        }
    }

    pub fn opt_str(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    /// Look up a key of an object (first match, as a `dict` would keep it).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// `json.dumps(value)`.
pub(crate) fn dumps(value: &Json) -> String {
    let mut out = String::new();
    write(&mut out, value, None, 0);
    out
}

/// `json.dumps(value, indent=indent)`.
pub(crate) fn dumps_indent(value: &Json, indent: usize) -> String {
    let mut out = String::new();
    write(&mut out, value, Some(indent), 0);
    out
}

fn newline(out: &mut String, indent: Option<usize>, depth: usize) {
    if let Some(n) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n * depth));
    }
}

fn write(out: &mut String, value: &Json, indent: Option<usize>, depth: usize) {
    let item_sep = if indent.is_some() { "," } else { ", " };
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(n) => out.push_str(&n.to_string()),
        Json::BigInt(n) => out.push_str(&n.to_string()),
        Json::Float(x) => out.push_str(&float(*x)),
        Json::Str(s) => write_str(out, s),
        Json::PyStr(s) => {
            out.push('"');
            for cp in s.code_points() {
                match char::from_u32(cp) {
                    Some(c) if (' '..='~').contains(&c) && c != '"' && c != '\\' => out.push(c),
                    _ => escape(out, cp),
                }
            }
            out.push('"');
        }
        Json::FileName(bytes) => {
            out.push('"');
            for chunk in bytes.utf8_chunks() {
                write_str_body(out, chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\u{:04x}", 0xdc00 + u32::from(*b)));
                }
            }
            out.push('"');
        }
        Json::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, indent, depth + 1);
                write(out, item, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Json::Obj(pairs) => {
            if pairs.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, indent, depth + 1);
                write_str(out, key);
                out.push_str(": ");
                write(out, item, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
}

/// A finite float as `repr()`; `NaN` and the infinities, which RFC 8259 has
/// no words for (`json.dumps` writes `NaN`, `Infinity`), as `null`.
fn float(x: f64) -> String {
    if x.is_finite() { super::float::repr(x) } else { "null".into() }
}

/// A string literal with `ensure_ascii=True` escaping.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    write_str_body(out, s);
    out.push('"');
}

fn write_str_body(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let plain = (' '..='~').contains(&c) && c != '"' && c != '\\';
        if plain {
            continue;
        }
        out.push_str(&s[start..i]);
        start = i + c.len_utf8();
        escape(out, c as u32);
    }
    out.push_str(&s[start..]);
}

/// The `ensure_ascii` escape of one code point (a lone surrogate included).
fn escape(out: &mut String, cp: u32) {
    match cp {
        0x22 => out.push_str("\\\""),
        0x5C => out.push_str("\\\\"),
        0x0A => out.push_str("\\n"),
        0x0D => out.push_str("\\r"),
        0x09 => out.push_str("\\t"),
        0x08 => out.push_str("\\b"),
        0x0C => out.push_str("\\f"),
        0x10000.. => {
            let v = cp - 0x10000;
            out.push_str(&format!("\\u{:04x}\\u{:04x}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)));
        }
        _ => out.push_str(&format!("\\u{cp:04x}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_layout_matches_json_dumps() {
        let v = Json::obj([
            ("a", Json::Int(1)),
            ("b", Json::List(vec![Json::Bool(true), Json::Null, Json::Float(5.0)])),
            ("c", Json::obj::<&str>([])),
            ("d", Json::List(vec![])),
        ]);
        assert_eq!(dumps(&v), r#"{"a": 1, "b": [true, null, 5.0], "c": {}, "d": []}"#);
    }

    #[test]
    fn indent_layout_matches_json_dumps_indent_2() {
        let v = Json::obj([("summary", Json::strs(["x", "y"])), ("empty", Json::List(vec![])), ("id", Json::str("s"))]);
        assert_eq!(
            dumps_indent(&v, 2),
            "{\n  \"summary\": [\n    \"x\",\n    \"y\"\n  ],\n  \"empty\": [],\n  \"id\": \"s\"\n}"
        );
    }

    #[test]
    fn escapes_like_ensure_ascii() {
        let v = Json::str("caf\u{e9} \u{1f600} \"q\" \\ \n\t\u{7f}\u{1}\u{8}\u{c}\r/");
        assert_eq!(dumps(&v), r#""caf\u00e9 \ud83d\ude00 \"q\" \\ \n\t\u007f\u0001\b\f\r/""#);
    }

    #[test]
    fn file_names_escape_undecodable_bytes_as_surrogates() {
        let v = Json::List(vec![Json::FileName(b"ok\xe9".to_vec()), Json::FileName(b"\xff\xfe \xc3\xa9\"".to_vec())]);
        assert_eq!(dumps(&v), r#"["ok\udce9", "\udcff\udcfe \u00e9\""]"#);
    }

    #[test]
    fn floats_print_as_python() {
        let v =
            Json::List(vec![Json::Float(0.0), Json::Float(1e-7), Json::Float(f64::INFINITY), Json::Float(f64::NAN)]);
        assert_eq!(dumps(&v), "[0.0, 1e-07, null, null]");
    }

    #[test]
    fn big_ints_keep_their_digits() {
        let big = PyInt::parse("99999999999999999999").unwrap();
        assert_eq!(dumps(&Json::pyint(&big)), "99999999999999999999");
        assert_eq!(Json::pyint(&PyInt::from_i64(-3)), Json::Int(-3));
    }
}
