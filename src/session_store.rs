//! The session store: `<dir>/<session_id>.json`, in the reference's format
//! (`json.dumps(indent=2)` of `session_id`, `messages`, `input_tokens`,
//! `output_tokens`, no trailing newline), so either tool reads the other's.
//!
//! Beyond the reference: ids that are not plain file names (or whose file
//! name would pass 255 bytes) are refused before any file-system access;
//! files are read and written by `session_io` (no blocking on special files,
//! a 64 MiB read cap, no symlinks out of the store, atomic durable writes
//! that keep the file's mode and leave no temp files behind); a file whose
//! `session_id` is not the requested id is refused as such; counts are exact
//! `u64`s (anything else is refused); messages keep lone surrogates.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use crate::error::io_reason;
use crate::error::{ClawError, Result};
use crate::pyfmt::json::{Json, dumps_indent};
use crate::pyfmt::pystr::PyStr;
use crate::pyfmt::repr::str_repr;
use crate::session_io::{self, ReadError};

pub(crate) const DEFAULT_DIR: &str = ".port_sessions";

#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    pub session_id: String,
    pub messages: Vec<PyStr>,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl StoredSession {
    pub fn to_file_text(&self) -> String {
        dumps_indent(
            &Json::obj([
                ("session_id", Json::str(&self.session_id)),
                ("messages", Json::List(self.messages.iter().cloned().map(Json::PyStr).collect())),
                ("input_tokens", Json::u64(self.input_tokens)),
                ("output_tokens", Json::u64(self.output_tokens)),
            ]),
            2,
        )
    }
}

/// Why an id whose file name `<id>.json` would pass the 255-byte limit is refused.
pub(crate) const ID_TOO_LONG: &str = "a session id must be at most 250 bytes (255 with \".json\")";

/// Refuse ids that could name anything but a plain file in the store.
pub(crate) fn validate_id(id: &str) -> Result<()> {
    let reason = if id.is_empty() {
        "a session id must not be empty"
    } else if id.contains('/') {
        // `.`, `..` and backslashes are plain file names here (`..json`,
        // `...json`, `a\\b.json`), as in the reference.
        "a session id must not contain '/'"
    } else if id.contains('\0') {
        "a session id must not contain NUL"
    } else if id.len() + ".json".len() > 255 {
        ID_TOO_LONG
    } else {
        return Ok(());
    };
    Err(ClawError::InvalidSessionId { id: str_repr(id), reason })
}

/// `str(Path(dir))`: what Python prints for a directory argument.
pub(crate) fn display_dir(dir: &str) -> String {
    if dir.is_empty() {
        return ".".into();
    }
    let lead = if dir.starts_with("//") && !dir.starts_with("///") {
        "//"
    } else if dir.starts_with('/') {
        "/"
    } else {
        ""
    };
    let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let joined = parts.join("/");
    match (lead, joined.is_empty()) {
        ("", true) => ".".into(),
        (l, _) => format!("{l}{joined}"),
    }
}

/// A store rooted at one directory.
pub struct Store {
    dir: String,
}

impl Store {
    pub fn new(dir: Option<&str>) -> Store {
        Store { dir: display_dir(dir.unwrap_or(DEFAULT_DIR)) }
    }

    /// The directory as the reference prints it.
    pub fn dir(&self) -> &str {
        &self.dir
    }

    /// `str(dir / f'{id}.json')`.
    pub fn path_of(&self, id: &str) -> String {
        if self.dir == "." { format!("{id}.json") } else { format!("{}/{id}.json", self.dir.trim_end_matches('/')) }
    }

    /// Write a session atomically; returns the path as the reference prints it.
    pub fn save(&self, session: &StoredSession) -> Result<String> {
        validate_id(&session.session_id)?;
        let fail = |action: &'static str, e: &std::io::Error| ClawError::SessionSave {
            action,
            dir: self.dir.clone(),
            reason: io_reason(e),
        };
        fs::create_dir_all(&self.dir).map_err(|e| fail("create session directory", &e))?;
        let name = format!("{}.json", session.session_id);
        session_io::write(Path::new(&self.dir), &name, session.to_file_text().as_bytes())
            .map_err(|e| fail("write session into", &e))?;
        Ok(self.path_of(&session.session_id))
    }

    /// The session `id`: [`ClawError::SessionNotFound`] when there is none,
    /// [`ClawError::SessionLoad`] when its file cannot be read or is malformed.
    pub fn load(&self, id: &str) -> Result<StoredSession> {
        let path = self.path_of(id);
        let failed = |message: String| ClawError::SessionLoad { message, directory: self.dir.clone() };
        let problem = |problem: String| failed(format!("session file {} {problem}", str_repr(&path)));
        let text = match session_io::read(Path::new(&self.dir), Path::new(&path)) {
            Ok(bytes) => bytes,
            Err(ReadError::NotFound) => {
                return Err(ClawError::SessionNotFound { id: id.to_string(), directory: self.dir.clone() });
            }
            Err(ReadError::Refused(reason)) => return Err(problem(reason)),
            Err(ReadError::Swapped) => return Err(problem("changed while it was being opened".into())),
            Err(ReadError::Io(e)) => return Err(failed(os_error_text(&e, &path))),
        };
        let session = parse_session(&text).map_err(problem)?;
        if session.session_id != id {
            return Err(problem(format!("holds session_id {}, not {}", str_repr(&session.session_id), str_repr(id))));
        }
        Ok(session)
    }

    /// Stored session ids as raw file-name bytes (not necessarily UTF-8), sorted
    /// by code point as `sorted(p.stem for p in dir.glob('*.json'))` sorts them.
    pub fn list(&self) -> Result<Vec<Vec<u8>>> {
        let fail = |e: &std::io::Error| ClawError::SessionList { dir: self.dir.clone(), reason: io_reason(e) };
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) if e.kind() == ErrorKind::NotADirectory => return Ok(Vec::new()),
            Err(e) => return Err(fail(&e)),
        };
        let mut ids = Vec::new();
        let mut all_utf8 = true;
        for entry in entries {
            // The name's own buffer becomes the id: one allocation per entry.
            let mut name = entry.map_err(|e| fail(&e))?.file_name().into_encoded_bytes();
            // `Path.stem`: a file named just `.json` is its own stem.
            if name.len() > ".json".len() && name.ends_with(b".json") {
                name.truncate(name.len() - ".json".len());
            } else if name != b".json" {
                continue;
            }
            all_utf8 &= std::str::from_utf8(&name).is_ok();
            ids.push(name);
        }
        if !all_utf8 {
            // Python sorts the surrogateescape-decoded names by code point.
            ids.sort_by_cached_key(|n| surrogateescape_code_points(n));
            return Ok(ids);
        }
        // Code point order is UTF-8 byte order.  Comparing the first eight
        // bytes as one integer settles almost every pair without a memcmp.
        fn head(s: &[u8]) -> u64 {
            let mut b = [0u8; 8];
            let n = s.len().min(8);
            b[..n].copy_from_slice(&s[..n]);
            u64::from_be_bytes(b)
        }
        ids.sort_unstable_by(|a, b| head(a).cmp(&head(b)).then_with(|| a.cmp(b)));
        Ok(ids)
    }

    /// Delete a session; `Ok(false)` when there was none (idempotent).
    pub fn delete(&self, id: &str) -> Result<bool> {
        let path = self.path_of(id);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            _ => {}
        }
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(ClawError::SessionDelete {
                id: id.to_string(),
                dir: self.dir.clone(),
                cause: os_error_text(&e, &path),
            }),
        }
    }
}

/// The code points Python's `surrogateescape` decoding gives a file name:
/// each byte that is not part of valid UTF-8 becomes U+DC80..U+DCFF.
fn surrogateescape_code_points(name: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        out.extend(chunk.valid().chars().map(u32::from));
        out.extend(chunk.invalid().iter().map(|b| 0xdc00 + u32::from(*b)));
    }
    out
}

/// Python's `str(OSError)`: `[Errno 21] Is a directory: 'path'`.
fn os_error_text(e: &std::io::Error, path: &str) -> String {
    match e.raw_os_error() {
        Some(code) => format!("[Errno {code}] {}: {}", io_reason(e), str_repr(path)),
        None => format!("{}: {}", io_reason(e), str_repr(path)),
    }
}

/// Validate a session file's JSON: every field present with the right type.
/// Messages are decoded by `PyStr`, which keeps lone surrogates as
/// `json.loads` does; counts must be integers in `0..2**64`.
fn parse_session(bytes: &[u8]) -> std::result::Result<StoredSession, String> {
    use serde_json::value::RawValue;
    let not_json = |e: serde_json::Error| format!("is not valid JSON: {e}");
    // Values stay borrowed slices of `bytes`: no copy of a large file.
    let obj: std::collections::HashMap<String, &RawValue> = serde_json::from_slice(bytes).map_err(|e| {
        // Valid JSON of another type than an object is a data error.
        if e.classify() == serde_json::error::Category::Data { "is not a JSON object".into() } else { not_json(e) }
    })?;
    let field = |name: &str| obj.get(name).map(|v| v.get()).ok_or(format!("lacks the field {}", str_repr(name)));
    let session_id =
        serde_json::from_str::<String>(field("session_id")?).map_err(|_| "has a non-string 'session_id'")?;
    let messages = serde_json::from_str::<Vec<&RawValue>>(field("messages")?)
        .map_err(|_| "has a 'messages' that is not a list")?
        .iter()
        .map(|m| PyStr::from_json_literal(m.get()))
        .collect::<Option<Vec<_>>>()
        .ok_or("has a message that is not a string")?;
    let count = |name: &str| -> std::result::Result<u64, String> {
        let value: serde_json::Value = serde_json::from_str(field(name)?).map_err(not_json)?;
        value.as_u64().ok_or(format!("has a {} that is not an integer from 0 to 2**64-1", str_repr(name)))
    };
    Ok(StoredSession {
        session_id,
        messages,
        input_tokens: count("input_tokens")?,
        output_tokens: count("output_tokens")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_are_refused() {
        for bad in ["", "../x", "a/b", "/", "a\0b", &"x".repeat(251), &"x".repeat(256)] {
            assert!(matches!(validate_id(bad), Err(ClawError::InvalidSessionId { .. })), "{bad:?}");
        }
        for good in ["alpha", "a b", "caf\u{e9}", "-x", "..x", ".", "..", "a\\b", "\\", &"x".repeat(250)] {
            assert!(validate_id(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn directories_print_like_pathlib() {
        assert_eq!(display_dir("store/nested/"), "store/nested");
        assert_eq!(display_dir("./a//b/."), "a/b");
        assert_eq!(display_dir("."), ".");
        assert_eq!(display_dir("/"), "/");
        assert_eq!(display_dir("//x"), "//x");
        assert_eq!(Store::new(Some(".")).path_of("a"), "a.json");
        assert_eq!(Store::new(None).path_of("a"), ".port_sessions/a.json");
    }

    #[test]
    fn file_format_is_json_dumps_indent_2() {
        let s = StoredSession {
            session_id: "handmade".into(),
            messages: vec!["a".to_string().into(), "b c".to_string().into()],
            input_tokens: 3,
            output_tokens: 9,
        };
        assert_eq!(
            s.to_file_text(),
            "{\n  \"session_id\": \"handmade\",\n  \"messages\": [\n    \"a\",\n    \"b c\"\n  ],\n  \"input_tokens\": 3,\n  \"output_tokens\": 9\n}"
        );
        assert_eq!(parse_session(s.to_file_text().as_bytes()).unwrap(), s);
    }

    #[test]
    fn list_sorts_stems_by_code_point() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["b", "abcdefgh2", "abcdefgh10", "abcdefgh", "Z", "\u{e9}t\u{e9}", "\u{1f980}", "a b", "x.y"];
        for n in names {
            std::fs::write(dir.path().join(format!("{n}.json")), "{}").unwrap();
        }
        for other in [".json", "notes.txt", "c.json.tmp", ".claw-tmp-1-2-3"] {
            std::fs::write(dir.path().join(other), "").unwrap();
        }
        // pathlib: `Path('.json').stem == '.json'`, and `glob('*.json')` matches it.
        let mut want: Vec<String> = names.iter().map(|n| n.to_string()).chain([".json".to_string()]).collect();
        want.sort_by(|a, b| a.chars().cmp(b.chars()));
        let want: Vec<Vec<u8>> = want.into_iter().map(String::into_bytes).collect();
        assert_eq!(Store::new(dir.path().to_str()).list().unwrap(), want);
        assert!(Store::new(dir.path().join("absent").to_str()).list().unwrap().is_empty());
    }

    #[test]
    fn names_that_are_not_utf8_sort_as_python_decodes_them() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for n in [&b"\xff"[..], b"\xee\x80\x80", b"a", b"ok\xe9", b"\xed\x9f\xbf"] {
            let mut name = n.to_vec();
            name.extend_from_slice(b".json");
            std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(&name)), "{}").unwrap();
        }
        // U+D7FF < U+DCFF (the escaped 0xFF) < U+E000.
        let want: Vec<&[u8]> = vec![b"a", b"ok\xe9", b"\xed\x9f\xbf", b"\xff", b"\xee\x80\x80"];
        assert_eq!(Store::new(dir.path().to_str()).list().unwrap(), want);
    }

    #[test]
    fn malformed_files_name_the_problem() {
        assert!(parse_session(b"{not json").unwrap_err().contains("not valid JSON"));
        assert!(parse_session(b"[]").unwrap_err().contains("not a JSON object"));
        let missing = br#"{"session_id": "x", "messages": [], "input_tokens": 1}"#;
        assert!(parse_session(missing).unwrap_err().contains("'output_tokens'"));
        let wrong = br#"{"session_id": "x", "messages": "abc", "input_tokens": 1, "output_tokens": 2}"#;
        assert!(parse_session(wrong).unwrap_err().contains("'messages'"));
    }
}
