//! The mirrored inventories: the command and tool snapshots and the archive
//! surface.  The default is compiled in from `reference_data/`.  A directory
//! of the same layout replaces it wholesale: `CLAW_REFERENCE_DATA=DIR`, else
//! the workspace's own `src/reference_data/` when it holds a command snapshot
//! (so claw run in a checkout of the reference harness reads that checkout's
//! inventories, as `python3 -m src.main` there does).  Each file is read only
//! when a command needs it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use crate::error::{ClawError, Result};

/// Override files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Above this size the two inventories are loaded on two threads.
const PARALLEL_BYTES: u64 = 1 << 20;

const COMMANDS_FILE: &str = "commands_snapshot.json";
const TOOLS_FILE: &str = "tools_snapshot.json";
const ARCHIVE_FILE: &str = "archive_surface_snapshot.json";

const EMBEDDED_COMMANDS: &str = include_str!("../reference_data/commands_snapshot.json");
const EMBEDDED_TOOLS: &str = include_str!("../reference_data/tools_snapshot.json");
const EMBEDDED_ARCHIVE: &str = include_str!("../reference_data/archive_surface_snapshot.json");

/// One mirrored command or tool.
#[derive(Debug, Clone, Deserialize)]
pub struct Module {
    #[serde(borrow)]
    pub name: Cow<'static, str>,
    #[serde(borrow)]
    pub source_hint: Cow<'static, str>,
    #[serde(borrow)]
    pub responsibility: Cow<'static, str>,
}

/// A snapshot text that parsed modules borrow their fields from.  The router
/// scans it as one haystack instead of field by field (see `router`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backing {
    pub text: &'static str,
    /// The whole text is ASCII, so every borrowed field is.
    pub ascii: bool,
}

/// Every text modules were parsed from (texts are never freed).
static BACKINGS: Mutex<Vec<Backing>> = Mutex::new(Vec::new());

fn register(backing: Backing) {
    if let Ok(mut all) = BACKINGS.lock()
        && !all.iter().any(|b| std::ptr::eq(b.text, backing.text))
    {
        all.push(backing);
    }
}

/// The registered text that `field` borrows from, if any.  Callers must still
/// check every other field they rely on: modules can come from anywhere.
pub(crate) fn backing_of(field: &str) -> Option<Backing> {
    let at = field.as_ptr() as usize;
    let all = BACKINGS.lock().ok()?;
    all.iter().copied().find(|b| {
        let start = b.text.as_ptr() as usize;
        at >= start && at + field.len() <= start + b.text.len()
    })
}

/// The archived TypeScript surface the parity audit compares against.
#[derive(Debug, Clone, Deserialize)]
pub struct ArchiveSurface {
    pub archive_root: String,
    pub root_files: Vec<String>,
    pub root_dirs: Vec<String>,
    pub total_ts_like_files: u64,
    pub command_entry_count: u64,
    pub tool_entry_count: u64,
}

/// Where the inventories come from.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    Dir(PathBuf),
}

impl Source {
    /// `CLAW_REFERENCE_DATA` if set (and non-empty); else `WORKSPACE/src/reference_data`
    /// if it holds `commands_snapshot.json`; else the embedded default.
    pub fn resolve(workspace: &Path) -> Source {
        match std::env::var_os("CLAW_REFERENCE_DATA") {
            Some(dir) if !dir.is_empty() => Source::Dir(PathBuf::from(dir)),
            _ => {
                let own = workspace.join("src").join("reference_data");
                if own.join(COMMANDS_FILE).is_file() {
                    Source::Dir(crate::workspace::absolute(&own))
                } else {
                    Source::Embedded
                }
            }
        }
    }

    fn describe(&self, file: &str) -> String {
        match self {
            Source::Embedded => format!("embedded {file}"),
            Source::Dir(dir) => dir.join(file).display().to_string(),
        }
    }

    /// The text of one snapshot file, with `'static` lifetime so entries can
    /// borrow from it (an override is read once and kept for the process).
    fn text(&self, file: &str, embedded: &'static str) -> Result<&'static str> {
        let dir = match self {
            Source::Embedded => return Ok(embedded),
            Source::Dir(dir) => dir,
        };
        let fail = |problem: String| ClawError::Snapshot { file: self.describe(file), problem };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ClawError::Snapshot {
                    file: dir.display().to_string(),
                    problem: "CLAW_REFERENCE_DATA is not a directory".into(),
                });
            }
            Err(e) => {
                return Err(ClawError::Snapshot {
                    file: dir.display().to_string(),
                    problem: format!("CLAW_REFERENCE_DATA is unusable: {}", io_reason(&e)),
                });
            }
        }
        let path = dir.join(file);
        let meta = std::fs::metadata(&path).map_err(|e| fail(io_reason(&e)))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(fail(format!("{} bytes is over the {} byte limit", meta.len(), MAX_FILE_BYTES)));
        }
        let bytes = read_file(&path, meta.len()).map_err(|e| fail(io_reason(&e)))?;
        let text =
            String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
        // Not `into_boxed_str`: that would shrink (reallocate) the buffer.
        Ok(text.leak())
    }

    fn parse<T: Deserialize<'static>>(&self, file: &str, embedded: &'static str) -> Result<T> {
        let text = self.text(file, embedded)?;
        self.parse_text(file, text)
    }

    fn parse_text<T: Deserialize<'static>>(&self, file: &str, text: &'static str) -> Result<T> {
        serde_json::from_str(text)
            .map_err(|e| ClawError::Snapshot { file: self.describe(file), problem: e.to_string() })
    }

    fn modules(&self, file: &str, embedded: &'static str) -> Result<Vec<Module>> {
        let text = self.text(file, embedded)?;
        // The fast scanner accepts the common shape; anything else (and every
        // error) goes through serde_json, which names the problem.
        let (modules, ascii) = match fast::modules(text) {
            Some(parsed) => parsed,
            None => {
                let modules: Vec<Module> = self.parse_text(file, text)?;
                (modules, text.is_ascii())
            }
        };
        register(Backing { text, ascii });
        Ok(modules)
    }

    pub fn commands(&self) -> Result<Vec<Module>> {
        self.modules(COMMANDS_FILE, EMBEDDED_COMMANDS)
    }

    pub fn tools(&self) -> Result<Vec<Module>> {
        self.modules(TOOLS_FILE, EMBEDDED_TOOLS)
    }

    /// Both inventories; large override files are read and parsed in parallel.
    pub fn commands_and_tools(&self) -> Result<(Vec<Module>, Vec<Module>)> {
        let big = match self {
            Source::Embedded => false,
            Source::Dir(dir) => [COMMANDS_FILE, TOOLS_FILE]
                .iter()
                .all(|f| std::fs::metadata(dir.join(f)).is_ok_and(|m| m.len() > PARALLEL_BYTES)),
        };
        if !big {
            return Ok((self.commands()?, self.tools()?));
        }
        let (tools, commands) = crate::threads::both(|| self.tools(), || self.commands());
        Ok((commands?, tools?))
    }

    pub fn archive_surface(&self) -> Result<ArchiveSurface> {
        self.parse(ARCHIVE_FILE, EMBEDDED_ARCHIVE)
    }
}

/// The file's bytes, read with one `read` into a buffer sized from its
/// metadata.  Reading a large file mostly costs page faults on the fresh
/// buffer, so large buffers ask for transparent huge pages first.
///
/// (A shared `mmap` of the file would be faster still, but the inventories
/// are kept as `&str` for the whole run: a file changed or truncated by
/// another process while mapped would change validated text under us or
/// raise SIGBUS.  Reading costs a copy and buys that safety.)
fn read_file(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    huge::advise(buf.spare_capacity_mut());
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Transparent huge pages for large fresh buffers: one fault per 2 MiB
/// instead of per 4 KiB.  Purely advisory: where THP is off (or not Linux)
/// nothing changes.
mod huge {
    use std::mem::MaybeUninit;

    #[cfg(target_os = "linux")]
    pub fn advise<T>(buf: &mut [MaybeUninit<T>]) {
        const HUGE: usize = 2 << 20;
        const MADV_HUGEPAGE: std::ffi::c_int = 14;
        unsafe extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: std::ffi::c_int) -> std::ffi::c_int;
        }
        let bytes = std::mem::size_of_val(buf);
        if bytes < 2 * HUGE {
            return;
        }
        let at = buf.as_mut_ptr() as usize;
        let (start, end) = ((at + HUGE - 1) & !(HUGE - 1), (at + bytes) & !(HUGE - 1));
        if end > start {
            // SAFETY: the range lies inside `buf`, memory this process owns;
            // MADV_HUGEPAGE changes how it is backed, never its contents.
            unsafe {
                madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn advise<T>(_buf: &mut [MaybeUninit<T>]) {}
}

/// A scanner for the snapshot shape (an array of flat objects with string
/// values and exactly the three known keys), several times faster than a
/// general JSON parser.  It returns `None` for anything else, including
/// every malformed input, so that serde_json can report the error.
///
/// Strings are scanned sixteen bytes at a time (SSE2 on x86-64, else eight
/// at a time in a `u64`) for their end, an escape or a control byte (which
/// JSON forbids inside strings; outside them only whitespace and structure
/// are accepted), and indentation is skipped eight bytes at a time; no call
/// per string, and no separate validation pass over the text.
mod fast {
    use std::borrow::Cow;

    use super::Module;

    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;

    /// Flags the bytes of `w` equal to `c`.  Only the lowest flag is exact
    /// (borrows can flag bytes above it), which is all a scan needs.
    #[inline(always)]
    fn eq(w: u64, c: u8) -> u64 {
        let x = w ^ (LO * c as u64);
        x.wrapping_sub(LO) & !x & HI
    }

    /// Flags the bytes of `w` below `n` (n <= 0x80); the lowest flag is exact.
    #[inline(always)]
    fn below(w: u64, n: u8) -> u64 {
        w.wrapping_sub(LO * n as u64) & !w & HI
    }

    #[inline(always)]
    fn word(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
    }

    struct Cursor {
        text: &'static str,
        pos: usize,
        /// Nonzero once a byte with the high bit set was scanned inside a
        /// string (or a few bytes after one, still inside the text).  Zero
        /// means the text is ASCII: outside strings only ASCII is accepted.
        high: u64,
    }

    impl Cursor {
        #[inline]
        fn ws(&mut self) {
            let b = self.text.as_bytes();
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(self.pos) {
                self.pos += 1;
                // Indentation: skip spaces a word at a time.
                while let Some(w) = word(b, self.pos) {
                    let x = w ^ (LO * b' ' as u64);
                    if x != 0 {
                        self.pos += x.trailing_zeros() as usize / 8;
                        break;
                    }
                    self.pos += 8;
                }
            }
        }

        #[inline]
        fn eat(&mut self, c: u8) -> Option<()> {
            self.ws();
            (self.text.as_bytes().get(self.pos) == Some(&c)).then(|| self.pos += 1)
        }

        #[inline]
        fn peek(&mut self) -> Option<u8> {
            self.ws();
            self.text.as_bytes().get(self.pos).copied()
        }

        /// The index of the first quote, backslash or control byte at or
        /// after `i`.
        #[inline]
        fn stop(&mut self, i: usize) -> Option<usize> {
            #[cfg(target_arch = "x86_64")]
            let i = match self.stop_sse2(i) {
                Ok(found) => return Some(found),
                Err(rest) => rest,
            };
            self.stop_swar(i)
        }

        /// Sixteen bytes at a time (SSE2 is part of x86-64); `Err` with where
        /// to go on when fewer than sixteen bytes are left.
        #[cfg(target_arch = "x86_64")]
        #[inline(always)]
        fn stop_sse2(&mut self, mut i: usize) -> Result<usize, usize> {
            use std::arch::x86_64::*;
            let b = self.text.as_bytes();
            // SAFETY: SSE2 is part of the x86-64 baseline, so these intrinsics
            // are always available; every load reads a checked 16-byte slice.
            unsafe {
                let (quote, backslash, control) =
                    (_mm_set1_epi8(b'"' as i8), _mm_set1_epi8(b'\\' as i8), _mm_set1_epi8(0x1f));
                let mut seen = _mm_setzero_si128();
                let found = loop {
                    let Some(chunk) = b.get(i..i + 16) else { break Err(i) };
                    let v = _mm_loadu_si128(chunk.as_ptr().cast());
                    seen = _mm_or_si128(seen, v);
                    let hit = _mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                        // v <= 0x1f: a control byte.
                        _mm_cmpeq_epi8(_mm_min_epu8(v, control), v),
                    );
                    let mask = _mm_movemask_epi8(hit);
                    if mask != 0 {
                        break Ok(i + mask.trailing_zeros() as usize);
                    }
                    i += 16;
                };
                self.high |= _mm_movemask_epi8(seen) as u64;
                found
            }
        }

        /// Eight bytes at a time, then byte by byte.
        #[inline]
        fn stop_swar(&mut self, mut i: usize) -> Option<usize> {
            let b = self.text.as_bytes();
            while let Some(w) = word(b, i) {
                self.high |= w & HI;
                let hit = eq(w, b'"') | eq(w, b'\\') | below(w, 0x20);
                if hit != 0 {
                    return Some(i + hit.trailing_zeros() as usize / 8);
                }
                i += 8;
            }
            while let Some(&c) = b.get(i) {
                self.high |= (c & 0x80) as u64;
                if c == b'"' || c == b'\\' || c < 0x20 {
                    return Some(i);
                }
                i += 1;
            }
            None
        }

        #[inline]
        fn string(&mut self) -> Option<Cow<'static, str>> {
            self.eat(b'"')?;
            let start = self.pos;
            let i = self.stop(start)?;
            match self.text.as_bytes()[i] {
                b'"' => {
                    self.pos = i + 1;
                    Some(Cow::Borrowed(&self.text[start..i]))
                }
                b'\\' => self.escaped(start, i),
                _ => None,
            }
        }

        /// The rest of a string with escapes: find its end, let serde decode it.
        #[cold]
        fn escaped(&mut self, start: usize, mut i: usize) -> Option<Cow<'static, str>> {
            loop {
                match self.text.as_bytes()[i] {
                    b'"' => {
                        self.pos = i + 1;
                        return serde_json::from_str::<String>(&self.text[start - 1..=i]).ok().map(Cow::Owned);
                    }
                    b'\\' => i = self.stop(i + 2)?,
                    _ => return None,
                }
            }
        }

        /// Which of the three keys comes next (with its colon), if any.
        #[inline]
        fn key(&mut self) -> Option<usize> {
            self.ws();
            let rest = &self.text.as_bytes()[self.pos..];
            // Fixed-size array compares compile to a few word compares.
            fn is<const N: usize>(rest: &[u8], key: &[u8; N]) -> bool {
                rest.get(..N).is_some_and(|head| <[u8; N]>::try_from(head).is_ok_and(|h| h == *key))
            }
            let (slot, len) = match rest.get(1) {
                Some(b'n') if is(rest, b"\"name\"") => (0, 6),
                Some(b's') if is(rest, b"\"source_hint\"") => (1, 13),
                Some(b'r') if is(rest, b"\"responsibility\"") => (2, 16),
                _ => return self.other_key(),
            };
            self.pos += len;
            self.eat(b':')?;
            Some(slot)
        }

        /// A key spelled some other way (escapes): decode and compare.
        #[cold]
        fn other_key(&mut self) -> Option<usize> {
            let key = self.string()?;
            self.eat(b':')?;
            ["name", "source_hint", "responsibility"].iter().position(|k| *k == key)
        }

        fn module(&mut self) -> Option<Module> {
            self.eat(b'{')?;
            let mut fields: [Option<Cow<'static, str>>; 3] = [None, None, None];
            loop {
                let slot = self.key()?;
                let value = self.string()?;
                if fields[slot].replace(value).is_some() {
                    return None;
                }
                match self.peek()? {
                    b',' => self.pos += 1,
                    b'}' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            let [name, hint, resp] = fields;
            Some(Module { name: name?, source_hint: hint?, responsibility: resp? })
        }
    }

    /// The modules, and whether the whole text is ASCII.
    pub fn modules(text: &'static str) -> Option<(Vec<Module>, bool)> {
        let mut c = Cursor { text, pos: 0, high: 0 };
        c.eat(b'[')?;
        let mut out = Vec::with_capacity(text.len() / 160);
        super::huge::advise(out.spare_capacity_mut());
        if c.peek()? == b']' {
            c.pos += 1;
        } else {
            loop {
                out.push(c.module()?);
                match c.peek()? {
                    b',' => c.pos += 1,
                    b']' => {
                        c.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        c.ws();
        (c.pos == text.len()).then_some((out, c.high == 0))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn word_flags_find_the_first_match_exactly() {
            let naive = |bytes: &[u8]| bytes.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let pool =
                [b'"', b'\\', 0x1f, 0x00, b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xc3, 0xff, b'a', 0x21, 0x5b, 0x5d];
            for _ in 0..20_000 {
                let mut w = [0u8; 8];
                for b in w.iter_mut() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    *b = pool[(seed % pool.len() as u64) as usize];
                }
                let v = u64::from_le_bytes(w);
                let hit = eq(v, b'"') | eq(v, b'\\') | below(v, 0x20);
                let got = (hit != 0).then(|| hit.trailing_zeros() as usize / 8);
                assert_eq!(got, naive(&w), "{w:?}");
            }
        }
    }
}

/// An I/O error's reason without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses() {
        let s = Source::Embedded;
        let commands = s.commands().unwrap();
        let tools = s.tools().unwrap();
        assert!(!commands.is_empty() && !tools.is_empty());
        let archive = s.archive_surface().unwrap();
        assert!(!archive.root_files.is_empty());
    }

    #[test]
    fn fast_scanner_agrees_with_serde_and_defers_on_anything_else() {
        let text: &'static str = r#" [ {"name": "a\"b", "source_hint": "x/\u00e9.ts", "responsibility": "r"},
            {"responsibility": "r2", "name": "c", "source_hint": "d"} ] "#;
        let (fast, ascii) = fast::modules(text).unwrap();
        assert!(ascii, "escapes are ASCII text");
        assert!(
            !fast::modules("[{\"name\": \"\u{e9}\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]").unwrap().1
        );
        let slow: Vec<Module> = serde_json::from_str(text).unwrap();
        let pairs = |v: &[Module]| {
            v.iter()
                .map(|m| (m.name.to_string(), m.source_hint.to_string(), m.responsibility.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&fast), pairs(&slow));
        assert_eq!(fast[0].name, "a\"b");
        assert_eq!(fast[0].source_hint, "x/\u{e9}.ts");
        for other in [
            "[]x",
            "[{\"name\": \"a\"}]",
            "[{\"name\": 1, \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"name\": \"a\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\\u0001\", \"extra\": 2, \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\u{1}\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\nb\", \"source_hint\": \"b\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"source_hint\": \"b\\\"\tc\", \"responsibility\": \"c\"}]",
            "[{\"name\": \"a\", \"source_hint\": \"b\", \"responsibility\": \"c\"}, 3]",
            "[{\"name\": \"a",
        ] {
            assert!(fast::modules(other).is_none(), "{other}");
        }
        assert_eq!(fast::modules("[ ]").map(|v| v.0.len()), Some(0));
    }

    #[test]
    fn fast_scanner_agrees_with_serde_on_random_and_corrupted_texts() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move |n: usize| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
        };
        const PIECES: &[&str] =
            &["git", "Bug", "é", "\u{212a}", "🦀", "\"", "\\", "/", " ", "\u{1c}", "\n", "\t", "x", "0123456789abcdef"];
        const WS: &[&str] = &["", " ", "\n", "\n    ", "\t", "\r\n"];
        const KEYS: &[&str] = &["\"name\"", "\"source_hint\"", "\"responsibility\"", "\"na\\u006de\"", "\"extra\""];
        let mut parsed = 0;
        for case in 0..3000 {
            let mut text = format!("[{}", WS[next(WS.len())]);
            for i in 0..next(5) {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&format!("{}{{", WS[next(WS.len())]));
                let mut keys = [0usize, 1, 2];
                for k in (1..3).rev() {
                    keys.swap(k, next(k + 1));
                }
                for (j, &k) in keys.iter().enumerate() {
                    let key = if next(40) == 0 { KEYS[3 + next(2)] } else { KEYS[k] };
                    let value: String = (0..next(12)).map(|_| PIECES[next(PIECES.len())]).collect();
                    let sep = if j == 0 { "" } else { "," };
                    let ws = WS[next(WS.len())];
                    text.push_str(&format!("{sep}{ws}{key}{ws}:{ws}{}", serde_json::to_string(&value).unwrap()));
                }
                text.push_str(&format!("{}}}", WS[next(WS.len())]));
            }
            text.push_str(&format!("{}]{}", WS[next(WS.len())], WS[next(WS.len())]));
            // Corrupt some: a raw control byte, quote, backslash or other
            // character inserted, a character dropped, or the text cut short.
            if next(3) == 0 {
                let chars: Vec<char> = text.chars().collect();
                let at = next(chars.len() + 1);
                let insert = ['\u{1}', '\u{1c}', '\n', '"', '\\', 'é', '}', ','][next(8)];
                text = match next(3) {
                    0 => chars[..at].iter().chain([insert].iter()).chain(chars[at..].iter()).collect(),
                    1 if at < chars.len() => chars[..at].iter().chain(chars[at + 1..].iter()).collect(),
                    _ => chars[..at].iter().collect(),
                };
            }
            let text: &'static str = Box::leak(text.into_boxed_str());
            let slow: std::result::Result<Vec<Module>, _> = serde_json::from_str(text);
            match (fast::modules(text), slow) {
                (Some((fast, ascii)), Ok(slow)) => {
                    parsed += 1;
                    assert_eq!(ascii, text.is_ascii(), "case {case}: {text:?}");
                    let triple =
                        |m: &Module| (m.name.to_string(), m.source_hint.to_string(), m.responsibility.to_string());
                    assert_eq!(
                        fast.iter().map(triple).collect::<Vec<_>>(),
                        slow.iter().map(triple).collect::<Vec<_>>(),
                        "case {case}: {text:?}"
                    );
                }
                (Some(_), Err(e)) => panic!("case {case}: fast scanner accepted what serde refuses ({e}): {text:?}"),
                (None, _) => {}
            }
        }
        assert!(parsed > 1500, "only {parsed} texts took the fast path");
    }

    #[test]
    fn override_errors_name_the_file_and_problem() {
        let dir = std::env::temp_dir().join(format!("claw-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let s = Source::Dir(dir.clone());
        let e = s.commands().unwrap_err().to_string();
        assert!(e.contains("commands_snapshot.json") && e.contains("No such file"), "{e}");
        std::fs::write(dir.join(COMMANDS_FILE), "[{\"name\": 3}]").unwrap();
        let e = s.commands().unwrap_err().to_string();
        assert!(e.contains("commands_snapshot.json") && e.contains("invalid type"), "{e}");
        std::fs::write(dir.join(COMMANDS_FILE), "[{").unwrap();
        assert!(s.commands().unwrap_err().to_string().contains("EOF"));
        let file = dir.join(COMMANDS_FILE);
        let e = Source::Dir(file).commands().unwrap_err().to_string();
        assert!(e.contains("not a directory"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
