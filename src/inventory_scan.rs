//! A scanner for the inventory shape: an array of flat objects with string
//! values and exactly the keys `name`, `source_hint` and `responsibility`,
//! several times faster than a general JSON parser.  It accepts only JSON
//! that serde_json accepts with the same meaning, and reports anything else
//! as [`Step::Bad`] so that serde_json can name the problem.
//!
//! It works on a buffer that may hold only part of the text (the streaming
//! router reads a file a block at a time): a step that runs off the end of
//! the buffer is [`Step::Short`] and leaves the scanner where it was, to be
//! retried with more bytes.
//!
//! Strings are scanned sixteen bytes at a time (SSE2 on x86-64, else eight
//! at a time in a `u64`) for their end, an escape or a control byte (which
//! JSON forbids inside strings; outside them only whitespace and structure
//! are accepted), and indentation is skipped eight bytes at a time.

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

/// One string value: its contents lie in `start..end` of the buffer (quotes
/// excluded); `escaped` when they hold a backslash escape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Field {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

impl Field {
    /// The string's JSON literal, quotes included.
    pub(crate) fn literal<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        &buf[self.start - 1..=self.end]
    }
}

/// One entry: `name`, `source_hint`, `responsibility` (in that order,
/// whatever the order of the keys), and the buffer range `lo..hi` holding
/// the whole object.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Entry {
    pub fields: [Field; 3],
    pub lo: usize,
    pub hi: usize,
    /// False when no byte of the entry's strings is >= 0x80 (it may be set
    /// for a few bytes past a string: a false alarm only costs speed).
    pub high: bool,
}

impl Entry {
    /// Plain ASCII fields without escapes: what is in the buffer is the text.
    pub(crate) fn plain(&self) -> bool {
        !self.high && !self.fields.iter().any(|f| f.escaped)
    }
}

#[derive(Debug)]
pub(crate) enum Step {
    Entry(Entry),
    /// The buffer ended before the step did (after `]`: the rest was
    /// whitespace).  At the end of the text, [`Scanner::closed`] tells
    /// whether it was complete.
    Short,
    /// Not the inventory shape (or not JSON).
    Bad,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    First,
    Next,
    Closed,
}

/// Where the scan is in the text.
#[derive(Debug)]
pub(crate) struct Scanner {
    state: State,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner { state: State::Open }
    }
}

impl Scanner {
    /// True once the closing `]` was seen (only whitespace may follow).
    pub(crate) fn closed(&self) -> bool {
        self.state == State::Closed
    }

    /// The next entry at or after `*pos` in `buf`.  On `Short`, `*pos` is
    /// where to resume once more bytes follow `buf`.
    pub(crate) fn step(&mut self, buf: &[u8], pos: &mut usize) -> Step {
        let mut c = Cursor { b: buf, pos: *pos, high: 0, short: false };
        let state = self.state;
        loop {
            let done = match self.state {
                State::Open => c.eat(b'[').map(|()| {
                    self.state = State::First;
                    None
                }),
                State::First | State::Next => match c.peek() {
                    Some(b']') => {
                        c.pos += 1;
                        self.state = State::Closed;
                        Some(None)
                    }
                    Some(b',') if self.state == State::Next => {
                        c.pos += 1;
                        c.entry().map(Some)
                    }
                    Some(_) if self.state == State::First => c.entry().map(Some),
                    _ => None,
                },
                State::Closed => {
                    c.ws();
                    *pos = c.pos;
                    return if c.pos == buf.len() { Step::Short } else { Step::Bad };
                }
            };
            match done {
                Some(Some(entry)) => {
                    self.state = State::Next;
                    *pos = c.pos;
                    return Step::Entry(entry);
                }
                Some(None) => continue,
                None if c.short => {
                    self.state = state;
                    return Step::Short;
                }
                None => return Step::Bad,
            }
        }
    }
}

struct Cursor<'b> {
    b: &'b [u8],
    pos: usize,
    /// Nonzero once a byte with the high bit set was scanned inside a
    /// string (or a few bytes after one).
    high: u64,
    /// Set when a probe ran off the end of the buffer.
    short: bool,
}

impl Cursor<'_> {
    #[inline]
    fn at(&mut self, i: usize) -> Option<u8> {
        let got = self.b.get(i).copied();
        self.short |= got.is_none();
        got
    }

    #[inline]
    fn ws(&mut self) {
        let b = self.b;
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
        (self.at(self.pos)? == c).then(|| self.pos += 1)
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.at(self.pos)
    }

    /// The index of the first quote, backslash or control byte at or after `i`.
    #[inline]
    fn stop(&mut self, i: usize) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        let i = match self.stop_sse2(i) {
            Ok(found) => return Some(found),
            Err(rest) => rest,
        };
        self.stop_swar(i)
    }

    /// Sixteen bytes at a time (SSE2 is part of x86-64); `Err` with where to
    /// go on when fewer than sixteen bytes are left.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn stop_sse2(&mut self, mut i: usize) -> Result<usize, usize> {
        use std::arch::x86_64::*;
        let b = self.b;
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
        let b = self.b;
        while let Some(w) = word(b, i) {
            self.high |= w & HI;
            let hit = eq(w, b'"') | eq(w, b'\\') | below(w, 0x20);
            if hit != 0 {
                return Some(i + hit.trailing_zeros() as usize / 8);
            }
            i += 8;
        }
        while let Some(c) = self.at(i) {
            self.high |= (c & 0x80) as u64;
            if c == b'"' || c == b'\\' || c < 0x20 {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    #[inline]
    fn string(&mut self) -> Option<Field> {
        self.eat(b'"')?;
        let start = self.pos;
        let mut i = self.stop(start)?;
        let mut escaped = false;
        loop {
            match self.b[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Some(Field { start, end: i, escaped });
                }
                // The escape's own validity is checked when it is decoded.
                b'\\' => {
                    escaped = true;
                    self.at(i + 1)?;
                    i = self.stop(i + 2)?;
                }
                _ => return None,
            }
        }
    }

    /// Which of the three keys comes next (with its colon), if any.
    #[inline]
    fn key(&mut self) -> Option<usize> {
        self.ws();
        let rest = &self.b[self.pos.min(self.b.len())..];
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
        let field = self.string()?;
        self.eat(b':')?;
        let key: String = serde_json::from_slice(field.literal(self.b)).ok()?;
        ["name", "source_hint", "responsibility"].iter().position(|k| *k == key)
    }

    fn entry(&mut self) -> Option<Entry> {
        self.ws();
        let lo = self.pos;
        self.eat(b'{')?;
        self.high = 0;
        let mut fields: [Option<Field>; 3] = [None, None, None];
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
        Some(Entry { fields: [name?, hint?, resp?], lo, hi: self.pos, high: self.high != 0 })
    }
}

/// Every entry of a whole text, or `None` when it is not the inventory shape.
pub(crate) fn entries(text: &[u8]) -> Option<Vec<Entry>> {
    let mut scanner = Scanner::default();
    let mut pos = 0;
    let mut out = Vec::with_capacity(text.len() / 160);
    loop {
        match scanner.step(text, &mut pos) {
            Step::Entry(e) => out.push(e),
            Step::Short if scanner.closed() => return Some(out),
            Step::Short | Step::Bad => return None,
        }
    }
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

    /// Scanning a text fed in pieces of every size finds what scanning it
    /// whole finds: a short step never consumes anything it cannot finish.
    #[test]
    fn a_text_fed_in_pieces_scans_as_a_whole() {
        let text = br#" [ {"name": "a\"b", "source_hint": "x/\u00e9.ts", "responsibility": "r"},
            {"responsibility": "r2", "na\u006de": "c", "source_hint": "d\u00e9"} ]  "#;
        let whole = entries(text).unwrap();
        assert_eq!(whole.len(), 2);
        assert!(whole[0].fields[0].escaped && !whole[0].plain());
        for piece in 1..text.len() {
            let (mut scanner, mut pos, mut got, mut end) = (Scanner::default(), 0, Vec::new(), piece);
            loop {
                match scanner.step(&text[..end], &mut pos) {
                    Step::Entry(e) => got.push((e.fields, e.lo, e.hi)),
                    Step::Short if end < text.len() => end = (end + piece).min(text.len()),
                    Step::Short => break,
                    Step::Bad => panic!("piece {piece}: bad at {pos}"),
                }
            }
            assert!(scanner.closed());
            assert_eq!(got, whole.iter().map(|e| (e.fields, e.lo, e.hi)).collect::<Vec<_>>(), "piece {piece}");
        }
    }
}
