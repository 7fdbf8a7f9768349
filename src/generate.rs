//! `--generate`: shell completions and the man page.

pub fn render(what: &str) -> String {
    format!("{what}\n")
}
