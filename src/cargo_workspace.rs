//! Cargo workspace discovery: the members a `Cargo.toml` declares.
//!
//! Only what claw needs is read, with a small parser of its own (a TOML
//! library would pull in a parser stack for two string arrays): the
//! `members` and `exclude` string arrays of the `[workspace]` table (or the
//! dotted keys `workspace.members` / `workspace.exclude` at the top level),
//! and whether the file also has a `[package]` table (the root package is
//! then a member too).  Arrays may span lines and hold comments; strings may
//! be basic (`"…"`, with `\` escapes) or literal (`'…'`).
//!
//! Members are paths relative to the workspace root; a path component may be
//! a glob with `*` (any run of characters) and `?` (one character), as in
//! `crates/*`.  A glob member keeps only the directories that hold a
//! `Cargo.toml` (as cargo does); a plain member is kept when it is a
//! directory.  An `exclude` entry removes the member with that path and any
//! member below it.  Members that leave the workspace (absolute paths, `..`)
//! are ignored, so an audit never reads outside the directory it was given.
//! The result is sorted and without duplicates.

use std::path::{Component, Path};

/// The members of the cargo workspace at `root` (relative paths, `/`
/// separated, `"."` for a root package), or `None` when `root/Cargo.toml`
/// is missing, unreadable or declares no `[workspace] members`.
pub(crate) fn members(root: &Path) -> Option<Vec<String>> {
    let text = read_manifest(&root.join("Cargo.toml"))?;
    let decl = Declaration::parse(&text);
    let patterns = decl.members?;
    let mut out: Vec<String> = Vec::new();
    if decl.has_package {
        out.push(".".into());
    }
    for pattern in &patterns {
        let Some(parts) = relative_parts(pattern) else { continue };
        out.extend(expand(root, &parts));
    }
    let excluded: Vec<Vec<String>> = decl.exclude.iter().filter_map(|e| relative_parts(e)).collect();
    out.retain(|m| {
        let parts: Vec<&str> = if m == "." { vec![] } else { m.split('/').collect() };
        !excluded.iter().any(|ex| !ex.is_empty() && parts.len() >= ex.len() && parts[..ex.len()] == ex[..])
    });
    out.sort();
    out.dedup();
    Some(out)
}

/// At most this much of a `Cargo.toml` is read (a manifest is a few KiB).
const MANIFEST_LIMIT: u64 = 1 << 20;

fn read_manifest(path: &Path) -> Option<String> {
    use std::io::Read;
    if !path.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(MANIFEST_LIMIT).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The normal components of a member path, or `None` when it is absolute
/// or climbs out of the workspace.  `"."` and `""` give no components.
fn relative_parts(member: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for c in Path::new(member).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts)
}

/// The directories under `root` matching `parts`, as `/`-joined relative paths.
fn expand(root: &Path, parts: &[String]) -> Vec<String> {
    let is_glob = parts.iter().any(|p| p.contains(['*', '?']));
    let mut found: Vec<Vec<String>> = vec![Vec::new()];
    for part in parts {
        let mut next = Vec::new();
        for prefix in &found {
            let dir = prefix.iter().fold(root.to_path_buf(), |d, p| d.join(p));
            if !part.contains(['*', '?']) {
                let mut p = prefix.clone();
                p.push(part.clone());
                next.push(p);
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut names: Vec<String> = entries
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.') && glob_match(part, name))
                .collect();
            names.sort();
            for name in names {
                let mut p = prefix.clone();
                p.push(name);
                next.push(p);
            }
        }
        found = next;
    }
    found
        .into_iter()
        .filter(|p| {
            let dir = p.iter().fold(root.to_path_buf(), |d, c| d.join(c));
            dir.is_dir() && (!is_glob || dir.join("Cargo.toml").is_file())
        })
        .map(|p| if p.is_empty() { ".".to_string() } else { p.join("/") })
        .collect()
}

/// Whether `name` matches `pattern` (`*` any run, `?` one character).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// What a `Cargo.toml` says about its workspace.
#[derive(Debug, Default, PartialEq)]
struct Declaration {
    members: Option<Vec<String>>,
    exclude: Vec<String>,
    has_package: bool,
}

impl Declaration {
    fn parse(text: &str) -> Declaration {
        let mut decl = Declaration::default();
        let mut table = String::new();
        let mut rest = text;
        while !rest.is_empty() {
            let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
            rest = after;
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                table = header(trimmed);
                decl.has_package |= table == "package";
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else { continue };
            let key: String = key.split('.').map(|k| k.trim().trim_matches(['"', '\''])).collect::<Vec<_>>().join(".");
            let full = if table.is_empty() { key } else { format!("{table}.{key}") };
            let target = match full.as_str() {
                "workspace.members" => 0,
                "workspace.exclude" => 1,
                _ => continue,
            };
            // The array may continue on the following lines.
            let start = value.as_ptr() as usize - text.as_ptr() as usize;
            let (items, used) = string_array(&text[start..]);
            rest = &text[(start + used).min(text.len())..];
            // Skip what is left of the line the array ended on.
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
            match target {
                0 => decl.members = Some(items),
                _ => decl.exclude = items,
            }
        }
        decl
    }
}

/// The table name of a header line: `[workspace]` → `workspace`,
/// `[[bin]]` → `bin`, `[ "a" . b ]` → `a.b`.
fn header(line: &str) -> String {
    let inner = line.trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or("");
    inner.split('.').map(|k| k.trim().trim_matches(['"', '\''])).collect::<Vec<_>>().join(".")
}

/// The strings of a TOML array at the start of `s` (after leading
/// whitespace), and how many bytes of `s` it used.  Anything that is not
/// an array of strings gives what was read so far.
fn string_array(s: &str) -> (Vec<String>, usize) {
    let mut items = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        if c == ' ' || c == '\t' {
            chars.next();
        } else {
            break;
        }
    }
    match chars.next() {
        Some((_, '[')) => {}
        Some((i, _)) => return (items, i),
        None => return (items, s.len()),
    }
    while let Some((i, c)) = chars.next() {
        match c {
            ']' => return (items, i + 1),
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut item = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some((_, 'n')) => item.push('\n'),
                            Some((_, 't')) => item.push('\t'),
                            Some((_, other)) => item.push(other),
                            None => break,
                        },
                        c => item.push(c),
                    }
                }
                items.push(item);
            }
            '\'' => {
                let item: String = chars.by_ref().map(|(_, c)| c).take_while(|&c| c != '\'').collect();
                items.push(item);
            }
            _ => {}
        }
    }
    (items, s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "api"));
        assert!(glob_match("claw-*", "claw-rag"));
        assert!(!glob_match("claw-*", "api"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*-service", "mock-anthropic-service"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn parses_the_workspace_table_only() {
        let text = "[workspace]\nmembers = [\n  \"crates/*\", # all crates\n  'tools/x',\n]\nexclude = [\"crates/old\"]\nresolver = \"2\"\n\n[workspace.package]\nmembers = [\"no\"]\n";
        let d = Declaration::parse(text);
        assert_eq!(d.members, Some(vec!["crates/*".to_string(), "tools/x".to_string()]));
        assert_eq!(d.exclude, vec!["crates/old".to_string()]);
        assert!(!d.has_package);

        let d = Declaration::parse("[package]\nname = \"x\"\n[workspace]\nmembers = [\"a\"]");
        assert_eq!((d.members, d.has_package), (Some(vec!["a".to_string()]), true));

        let d = Declaration::parse("workspace.members = [\"a\", \"b\"]\n[package]\nname='x'");
        assert_eq!(d.members, Some(vec!["a".to_string(), "b".to_string()]));

        assert_eq!(Declaration::parse("[package]\nname = \"claw\"\n").members, None);
        assert_eq!(Declaration::parse("[workspace]\nresolver = \"2\"\n").members, None);
        assert_eq!(
            Declaration::parse("[workspace]\nmembers = [\"unterminated").members,
            Some(vec!["unterminated".into()])
        );
    }

    proptest::proptest! {
        /// Any manifest text parses without panicking.
        #[test]
        fn any_manifest_parses(text in "(?s)(\\[workspace\\]\nmembers = |[\\[\\]\"'#=\\\\\n.a-z€ ]){0,60}") {
            let _ = Declaration::parse(&text);
        }
    }

    #[test]
    fn outside_paths_are_ignored() {
        assert_eq!(relative_parts("../x"), None);
        assert_eq!(relative_parts("/abs"), None);
        assert_eq!(relative_parts("./a/b"), Some(vec!["a".to_string(), "b".to_string()]));
    }
}
