//! `str.split()`, `str.strip()` and `str.lower()` with CPython's character sets.

/// Python's `str.isspace()` for one character.  Rust's `char::is_whitespace`
/// lacks the four information separators U+001C..U+001F that Python splits on.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The whitespace `int()` and `float()` strip: ASCII `" \t\n\v\f\r"` and the
/// non-ASCII `str.isspace()` characters.  Unlike `str.split()`, the ASCII
/// information separators U+001C..U+001F are not stripped.
pub(crate) fn is_number_space(c: char) -> bool {
    if c.is_ascii() { matches!(c, ' ' | '\t'..='\r') } else { c.is_whitespace() }
}

/// `text.strip()` as `int()` and `float()` strip.
pub(crate) fn strip_number(text: &str) -> &str {
    text.trim_matches(is_number_space)
}

/// `text.split()` with no arguments.
pub(crate) fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_space).filter(|t| !t.is_empty())
}

/// `text.strip()` with no arguments.
pub(crate) fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// `text.lower()`; ASCII text takes the fast path.
pub(crate) fn lower(text: &str) -> String {
    if text.is_ascii() { text.to_ascii_lowercase() } else { text.to_lowercase() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_python_whitespace() {
        let got: Vec<&str> = split(" a\u{1c}b\u{1f}c\u{85}d\u{3000}e\t\n").collect();
        assert_eq!(got, ["a", "b", "c", "d", "e"]);
        assert_eq!(split("   ").count(), 0);
        assert_eq!(split("").count(), 0);
        // U+200B (zero width space) is not whitespace for Python.
        assert_eq!(split("a\u{200b}b").count(), 1);
    }

    #[test]
    fn numbers_strip_fewer_ascii_separators() {
        assert_eq!(strip_number("\u{85}\u{3000} 5\x0b\x0c\r\n\t"), "5");
        assert_eq!(strip_number("\x1c5\x1f"), "\x1c5\x1f");
        assert_eq!(strip_number("\u{200b}5"), "\u{200b}5");
    }

    #[test]
    fn strips_and_lowers() {
        assert_eq!(strip("\u{1d} x \u{a0}"), "x");
        assert_eq!(lower("ÀB"), "àb");
        assert_eq!(lower("ΟΔΟΣ"), "οδος");
    }
}
