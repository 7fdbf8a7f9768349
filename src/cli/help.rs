//! Usage and help text laid out as argparse's `HelpFormatter` lays it out,
//! at a fixed width of 80 columns so that help never depends on the terminal.

use super::spec::{self, Cmd, Kind, Opt, Pos};

const WIDTH: usize = 78; // argparse: columns - 2
const MAX_HELP_POSITION: usize = 24;

fn metavar(o: &Opt) -> Option<String> {
    match o.kind {
        Kind::Flag | Kind::Help | Kind::Version => None,
        Kind::Choice(choices) => Some(format!("{{{}}}", choices.join(","))),
        _ => Some(o.dest.to_uppercase()),
    }
}

fn usage_part(o: &Opt) -> String {
    match metavar(o) {
        Some(m) => format!("[{} {m}]", o.flags[0]),
        None => format!("[{}]", o.flags[0]),
    }
}

fn invocation(o: &Opt) -> String {
    match metavar(o) {
        None => o.flags.join(", "),
        Some(m) => o.flags.iter().map(|f| format!("{f} {m}")).collect::<Vec<_>>().join(", "),
    }
}

fn prog(cmd: Option<&Cmd>) -> String {
    match cmd {
        Some(c) => format!("claw {}", c.name),
        None => "claw".to_string(),
    }
}

fn visible(opts: &[Opt]) -> impl Iterator<Item = &Opt> {
    opts.iter().filter(|o| !o.hidden)
}

fn choices_metavar() -> String {
    format!("{{{}}}", spec::COMMANDS.iter().map(|c| c.name).collect::<Vec<_>>().join(","))
}

/// The `usage: ...` text (without a trailing newline).
pub(crate) fn usage(cmd: Option<&Cmd>) -> String {
    let prog = prog(cmd);
    let (opts, pos): (&[Opt], Vec<String>) = match cmd {
        Some(c) => (c.opts, c.pos.iter().map(|p: &Pos| p.name.to_string()).collect()),
        None => (spec::TOP, vec![choices_metavar(), "...".to_string()]),
    };
    let opt_parts: Vec<String> = visible(opts).map(usage_part).collect();
    let prefix = "usage: ";
    let flat: Vec<String> =
        std::iter::once(prog.clone()).chain(opt_parts.iter().cloned()).chain(pos.iter().cloned()).collect();
    let one_line = flat.join(" ");
    if prefix.len() + one_line.len() <= WIDTH {
        return format!("{prefix}{one_line}");
    }
    let indent = " ".repeat(prefix.len() + prog.len() + 1);
    let mut lines =
        wrap_parts(&std::iter::once(prog.clone()).chain(opt_parts).collect::<Vec<_>>(), &indent, Some(prefix));
    lines.extend(wrap_parts(&pos, &indent, None));
    format!("{prefix}{}", lines.join("\n"))
}

fn wrap_parts(parts: &[String], indent: &str, prefix: Option<&str>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line: Vec<&str> = Vec::new();
    let mut line_len = prefix.map_or(indent.len(), str::len) - 1;
    for part in parts {
        if line_len + 1 + part.len() > WIDTH && !line.is_empty() {
            lines.push(format!("{indent}{}", line.join(" ")));
            line.clear();
            line_len = indent.len() - 1;
        }
        line.push(part);
        line_len += part.len() + 1;
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{}", line.join(" ")));
    }
    if prefix.is_some()
        && let Some(first) = lines.first_mut()
    {
        *first = first[indent.len()..].to_string();
    }
    lines
}

/// `[^\d\W]`: what textwrap counts as a letter around a hyphen.
fn letter(c: Option<char>) -> bool {
    c.is_some_and(|c| c == '_' || (c.is_alphanumeric() && !c.is_numeric()))
}

/// textwrap's chunks of one word (`break_on_hyphens`): a word may break after
/// a hyphen with two letters (or letter, hyphen, letter) before it and a
/// letter, an optional hyphen and a letter after it (`claw-` / `native`).
fn push_word_chunks<'a>(word: &'a str, chunks: &mut Vec<&'a str>) {
    if !word.contains('-') {
        chunks.push(word);
        return;
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut start = 0; // index into `chars`
    for i in 1..chars.len() {
        if chars[i].1 != '-' || i <= start {
            continue;
        }
        let before = (i >= 2 && letter(at(i - 1)) && letter(at(i - 2)))
            || (i >= 3 && letter(at(i - 1)) && at(i - 2) == Some('-') && letter(at(i - 3)));
        let after = letter(at(i + 1)) && (letter(at(i + 2)) || (at(i + 2) == Some('-') && letter(at(i + 3))));
        if before && after {
            let end = chars.get(i + 1).map_or(word.len(), |&(b, _)| b);
            chunks.push(&word[chars[start].0..end]);
            start = i + 1;
        }
    }
    chunks.push(&word[chars.get(start).map_or(word.len(), |&(b, _)| b)..]);
}

/// `textwrap.wrap(text, width)` as argparse calls it (whitespace collapsed first).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut chunks: Vec<&str> = Vec::with_capacity(text.len() / 2);
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            chunks.push(" ");
        }
        push_word_chunks(word, &mut chunks);
    }
    let mut lines = Vec::with_capacity(text.len() / width.max(1) + 1);
    let mut i = 0;
    while i < chunks.len() {
        if chunks[i] == " " && !lines.is_empty() {
            i += 1;
            continue;
        }
        let mut line = String::with_capacity(width + 4);
        let mut len = 0;
        while let Some(chunk) = chunks.get(i) {
            let n = chunk.chars().count();
            if len + n > width {
                break;
            }
            line.push_str(chunk);
            len += n;
            i += 1;
        }
        if line.is_empty() {
            // A chunk wider than the line: break it at the width.
            let cut = chunks[i].char_indices().nth(width.max(1)).map_or(chunks[i].len(), |(b, _)| b);
            line.push_str(&chunks[i][..cut]);
            chunks[i] = &chunks[i][cut..];
            if chunks[i].is_empty() {
                i += 1;
            }
        }
        if line.ends_with(' ') {
            line.pop();
        }
        lines.push(line);
    }
    lines
}

fn item(out: &mut String, indent: usize, header: &str, help: &str, help_position: usize) {
    let action_width = help_position.saturating_sub(indent + 2);
    let spaces = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    spaces(out, indent);
    out.push_str(header);
    if help.is_empty() {
        out.push('\n');
        return;
    }
    let lines = wrap_words(help, (WIDTH.saturating_sub(help_position)).max(11));
    let width = header.chars().count();
    if header.len() <= action_width {
        spaces(out, action_width.saturating_sub(width) + 2);
    } else {
        out.push('\n');
        spaces(out, help_position);
    }
    for (k, l) in lines.iter().enumerate() {
        if k > 0 {
            spaces(out, help_position);
        }
        out.push_str(l);
        out.push('\n');
    }
    if lines.is_empty() {
        out.push('\n');
    }
}

/// The full `-h` text for the top level (`None`) or one subcommand.
pub(crate) fn help(cmd: Option<&Cmd>) -> String {
    let mut out = usage(cmd);
    out.reserve(4096);
    out.push_str("\n\n");
    let opts: Vec<&Opt> = visible(cmd.map_or(spec::TOP, |c| c.opts)).collect();
    let mut rows: Vec<(usize, String, &str)> = Vec::new();
    match cmd {
        None => {
            out.push_str(spec::DESCRIPTION);
            out.push_str("\n\n");
            rows.push((2, choices_metavar(), ""));
            for c in spec::COMMANDS {
                rows.push((4, c.name.to_string(), c.help));
            }
        }
        Some(c) => {
            for p in c.pos {
                rows.push((2, p.name.to_string(), p.help));
            }
        }
    }
    let opt_rows: Vec<(usize, String, &str)> = opts.iter().map(|o| (2, invocation(o), o.help)).collect();
    let longest = rows.iter().chain(opt_rows.iter()).map(|(i, h, _)| i + h.len()).max().unwrap_or(0);
    let help_position = (longest + 2).min(MAX_HELP_POSITION);
    if !rows.is_empty() {
        out.push_str("positional arguments:\n");
        for (indent, header, text) in &rows {
            item(&mut out, *indent, header, text, help_position);
        }
        out.push('\n');
    }
    out.push_str("options:\n");
    for (indent, header, text) in &opt_rows {
        item(&mut out, *indent, header, text, help_position);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_chunks(word: &str) -> Vec<&str> {
        let mut chunks = Vec::new();
        push_word_chunks(word, &mut chunks);
        chunks
    }

    #[test]
    fn short_usage_fits_one_line() {
        let c = spec::find("load-session").unwrap();
        let u = usage(Some(c));
        assert!(u.starts_with("usage: claw load-session [-h] [--directory DIRECTORY]"), "{u}");
        assert!(u.lines().all(|l| l.len() <= WIDTH), "{u}");
        assert!(u.trim_end().ends_with("session_id"), "{u}");
    }

    #[test]
    fn wrapping_breaks_after_hyphens_as_textwrap_does() {
        assert_eq!(word_chunks("claw-native"), ["claw-", "native"]);
        assert_eq!(word_chunks("race-safe)"), ["race-", "safe)"]);
        assert_eq!(word_chunks("a-b"), ["a-b"]);
        assert_eq!(word_chunks("#160/#165:"), ["#160/#165:"]);
        assert_eq!(word_chunks("x-y-zz-top"), ["x-y-", "zz-", "top"]);
        assert_eq!(word_chunks("--flag"), ["--flag"]);
        let text = "load a previously persisted session (#160/#165: claw-native session API)";
        assert_eq!(
            wrap_words(text, 54),
            ["load a previously persisted session (#160/#165: claw-", "native session API)"]
        );
        let text = "delete a persisted session (#160: idempotent, race-safe)";
        assert_eq!(wrap_words(text, 54), ["delete a persisted session (#160: idempotent, race-", "safe)"]);
    }

    #[test]
    fn help_lists_every_option_with_its_description() {
        let c = spec::find("turn-loop").unwrap();
        let h = help(Some(c));
        for o in c.opts {
            assert!(h.contains(o.flags[o.flags.len() - 1]), "{} missing", o.flags[0]);
        }
        assert!(h.contains("total wall-clock budget across all turns"));
        assert!(h.lines().all(|l| l.len() <= 80), "{h}");
        let top = help(None);
        for c in spec::COMMANDS {
            assert!(top.contains(c.help.split_whitespace().next().unwrap()));
            assert!(top.contains(&format!("    {}", c.name)));
        }
        assert!(top.contains("--generate"), "--generate has a help line");
    }
}
