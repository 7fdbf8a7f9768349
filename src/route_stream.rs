//! `route` over inventory texts in one streaming pass: no parsed inventory,
//! no private copy of it, nothing kept for entries that score 0.
//!
//! Each text (a file read 64 KiB at a time into one reused buffer, or the
//! embedded text) is scanned block by block:
//! * the shape scanner (`inventory_scan`) finds the complete entries in the
//!   block and where their three string values lie;
//! * the block is lowercased into a second reused buffer;
//! * up to 64 tokens: every occurrence of every token is found in one SIMD
//!   multi-pattern pass (aho-corasick's packed Teddy searcher) and credited
//!   to the value that wholly contains it (none, for keys and punctuation);
//! * more tokens (a long prompt has many short, frequent words), or no SIMD:
//!   each value is walked once, looking up the tokens that start with each
//!   byte pair in a table and checking only those not yet credited to the
//!   entry;
//! * an entry's score is the number of distinct tokens credited to it;
//! * entries with escapes or non-ASCII text are decoded and scored field by
//!   field with Python's lowering (`router::Scorer`);
//! * only the running best `keep` matches are kept.
//!
//! Anything the scanner does not accept (malformed JSON, unusual but valid
//! shapes, unreadable files) makes the pass give up (`None`): the caller then
//! loads the inventories the ordinary way, which reports the error naming
//! the file or handles the unusual shape.

use std::cmp::Ordering;
use std::fs::File;

use crate::inventory_io;
use crate::inventory_scan::{Entry, Field, Scanner, Step};
use crate::router::Scorer;
use crate::snapshot::{Input, Module};

/// Bytes read, lowercased and searched at a time (stays in L2 cache).
const BLOCK: usize = 64 * 1024;

/// One entry with a positive score, with its place in the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub score: usize,
    pub name: String,
    pub source_hint: String,
    pub index: usize,
}

/// Best first: by score, then name, then inventory order (what Python's
/// stable sort by `(-score, name)` gives).
fn order(a: &Found, b: &Found) -> Ordering {
    b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)).then(a.index.cmp(&b.index))
}

/// The running best `keep` matches of one kind.
struct Top {
    keep: usize,
    items: Vec<Found>,
    /// The worst match kept at the last pruning: nothing after it in the
    /// inventory that scores lower, or the same with a name not below its
    /// name, can be among the best.
    worst: Option<(usize, String)>,
}

impl Top {
    fn new(keep: usize) -> Top {
        Top { keep, items: Vec::new(), worst: None }
    }

    fn wants(&self, score: usize, name: &[u8]) -> bool {
        match &self.worst {
            _ if self.keep == 0 => false,
            Some((s, n)) => score > *s || (score == *s && name < n.as_bytes()),
            None => true,
        }
    }

    fn push(&mut self, found: Found) {
        self.items.push(found);
        if self.items.len() >= self.keep.saturating_mul(2).max(64) {
            self.items.select_nth_unstable_by(self.keep - 1, order);
            self.items.truncate(self.keep);
            let last = &self.items[self.keep - 1];
            self.worst = Some((last.score, last.name.clone()));
        }
    }

    fn finish(mut self) -> Vec<Found> {
        self.items.sort_unstable_by(order);
        self.items.truncate(self.keep);
        self.items
    }
}

/// Finds token occurrences in a lowercased block.
enum Search<'t> {
    /// No token can occur in a plain (ASCII) field.
    Nothing,
    /// All tokens in one SIMD pass (Teddy): every position where some token
    /// starts is visited, and the tokens with that first byte are checked.
    Packed(Box<(aho_corasick::packed::Searcher, ByFirstByte<'t>)>),
    /// Many tokens, or no SIMD: a walk over each value (see [`Table`]).
    Table(Box<Table<'t>>),
}

/// Tokens (with their index in the prompt's token list) by first byte.
struct ByFirstByte<'t> {
    tokens: Vec<(usize, &'t [u8])>,
    /// `tokens[starts[b]..starts[b + 1]]` begin with byte `b`.
    starts: [u16; 257],
}

impl<'t> ByFirstByte<'t> {
    fn new(tokens: &[(usize, &'t [u8])]) -> ByFirstByte<'t> {
        let mut tokens = tokens.to_vec();
        tokens.sort_by_key(|(_, t)| t[0]);
        let mut starts = [0u16; 257];
        for b in 0..256 {
            starts[b + 1] = starts[b] + tokens.iter().filter(|(_, t)| t[0] as usize == b).count() as u16;
        }
        ByFirstByte { tokens, starts }
    }

    fn starting_with(&self, b: u8) -> &[(usize, &'t [u8])] {
        &self.tokens[self.starts[b as usize] as usize..self.starts[b as usize + 1] as usize]
    }
}

/// Tokens by their first two bytes, for a walk over a value: one table
/// load per byte, and a check only for the tokens that may start there and
/// are not yet credited to the entry.
struct Table<'t> {
    /// For byte pair `(a, b)`, `(k = a * 256 + b)`: the tokens
    /// `tokens[pairs[k]..pairs[k + 1]]`.  A one-byte token is listed under
    /// every pair it begins.
    pairs: Vec<u32>,
    /// Bit `k` set when pair `k` lists a token (8 KiB: stays in L1 cache,
    /// where `pairs` does not).
    listed: Vec<u64>,
    tokens: Vec<Candidate<'t>>,
}

/// A token and its first (up to) eight bytes as a masked word.
struct Candidate<'t> {
    index: usize,
    token: &'t [u8],
    mask: u64,
    head: u64,
}

/// The eight bytes at `at` (zeros past the end).
#[inline(always)]
fn word_at(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
        None => {
            let mut w = [0u8; 8];
            let rest = b.get(at..).unwrap_or_default();
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        }
    }
}

impl<'t> Table<'t> {
    fn new(ascii: &[(usize, &'t [u8])]) -> Table<'t> {
        let mut keyed: Vec<(usize, Candidate<'t>)> = Vec::new();
        for &(index, token) in ascii {
            let n = token.len().min(8);
            let mask = if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
            let candidate = |_| Candidate { index, token, mask, head: word_at(token, 0) & mask };
            match token {
                [a] => keyed.extend((0..256).map(|b| (*a as usize * 256 + b, candidate(())))),
                _ => keyed.push((token[0] as usize * 256 + token[1] as usize, candidate(()))),
            }
        }
        keyed.sort_by_key(|(k, _)| *k);
        let mut pairs = vec![0u32; 256 * 256 + 1];
        for (k, _) in &keyed {
            pairs[k + 1] += 1;
        }
        for k in 1..pairs.len() {
            pairs[k] += pairs[k - 1];
        }
        let mut listed = vec![0u64; 256 * 256 / 64];
        for (k, _) in &keyed {
            listed[k / 64] |= 1 << (k % 64);
        }
        Table { pairs, listed, tokens: keyed.into_iter().map(|(_, c)| c).collect() }
    }

    /// Credits to entry `entry` every token not yet credited to it that
    /// occurs in `low[start..end]` (a lowercased value) at or after
    /// `start + skip`; returns how many.  With `record`, each one is noted
    /// with where its first occurrence ends (relative to `start`).
    #[inline]
    fn credit(&self, low: &[u8], start: usize, end: usize, skip: usize, hits: Credit<'_>) -> usize {
        let Credit { stamps, entry, mut record } = hits;
        let mut score = 0;
        for i in start + skip..end {
            // The byte after a value is its closing quote, so `i + 1` exists.
            let k = low[i] as usize * 256 + low.get(i + 1).copied().unwrap_or(0) as usize;
            if self.listed[k / 64] & (1 << (k % 64)) == 0 {
                continue;
            }
            let (from, to) = (self.pairs[k] as usize, self.pairs[k + 1] as usize);
            let word = word_at(low, i);
            for c in &self.tokens[from..to] {
                if stamps[c.index] != entry
                    && i + c.token.len() <= end
                    && word & c.mask == c.head
                    && (c.token.len() <= 8 || low[i..].starts_with(c.token))
                {
                    stamps[c.index] = entry;
                    score += 1;
                    if let Some(record) = record.as_deref_mut() {
                        record.push((c.index, i + c.token.len() - start));
                    }
                }
            }
        }
        score
    }

    fn longest(&self) -> usize {
        self.tokens.iter().map(|c| c.token.len()).max().unwrap_or(1)
    }
}

/// Where [`Table::credit`] notes what it credits.
struct Credit<'s> {
    stamps: &'s mut [usize],
    entry: usize,
    record: Option<&'s mut Vec<(usize, usize)>>,
}

/// The tokens of the previous entry's responsibility.  Responsibilities
/// mostly share a long prefix ("Command module mirrored from archived
/// TypeScript path commands/"): a token that ends within the prefix the
/// next one shares was found there already, so only the rest is walked.
#[derive(Default)]
struct Previous {
    /// The previous responsibility, lowercased.
    text: Vec<u8>,
    /// `(token, where its first occurrence ends)`, in order of end.
    found: Vec<(usize, usize)>,
}

impl<'t> Search<'t> {
    /// A search for the ASCII tokens: a token with a non-ASCII byte cannot
    /// occur in an ASCII field.  `packed` false forces the table (tests).
    fn new(tokens: &'t [String], packed: bool) -> Search<'t> {
        let ascii: Vec<(usize, &[u8])> =
            tokens.iter().enumerate().filter(|(_, t)| t.is_ascii()).map(|(i, t)| (i, t.as_bytes())).collect();
        if ascii.is_empty() {
            return Search::Nothing;
        }
        if packed && ascii.len() <= PACKED_MAX {
            let mut builder = aho_corasick::packed::Config::new().builder();
            builder.extend(ascii.iter().map(|(_, t)| t));
            if let Some(searcher) = builder.build() {
                return Search::Packed(Box::new((searcher, ByFirstByte::new(&ascii))));
            }
        }
        Search::Table(Box::new(Table::new(&ascii)))
    }

    /// Every occurrence `(start, len, token)` in `low`, in order of start
    /// (none for a table: it is walked value by value).
    fn hits(&self, low: &[u8], out: &mut Vec<(usize, usize, usize)>) {
        out.clear();
        if let Search::Packed(packed) = self {
            let (searcher, tokens) = &**packed;
            let mut from = 0;
            while let Some(m) = searcher.find_in(low, aho_corasick::Span::from(from..low.len())) {
                let p = m.start();
                let rest = &low[p..];
                for &(index, t) in tokens.starting_with(rest[0]) {
                    // Tokens are short: a byte loop beats a memcmp call.
                    if rest.len() >= t.len() && rest.iter().zip(t).all(|(a, b)| a == b) {
                        out.push((p, t.len(), index));
                    }
                }
                from = p + 1;
            }
        }
    }
}

/// Above this many tokens the SIMD searcher is not used (the packed searcher
/// refuses more than 64, and long prompts are full of frequent short words).
const PACKED_MAX: usize = 64;

/// One inventory's pass: its reusable buffers and running results.
struct Pass<'t> {
    tokens: &'t [String],
    search: &'t Search<'t>,
    /// Field-by-field scorer for entries that are not plain (built lazily).
    scorer: Option<Scorer>,
    /// `stamps[t] == entry` once token `t` was credited to `entry`.
    stamps: Vec<usize>,
    entries: Vec<Entry>,
    low: Vec<u8>,
    hits: Vec<(usize, usize, usize)>,
    index: usize,
    top: Top,
    previous: Previous,
    /// The longest token (for the table walk).
    longest: usize,
}

impl<'t> Pass<'t> {
    fn new(tokens: &'t [String], search: &'t Search<'t>, keep: usize) -> Pass<'t> {
        Pass {
            tokens,
            search,
            scorer: None,
            stamps: vec![usize::MAX; tokens.len()],
            entries: Vec::new(),
            low: Vec::new(),
            hits: Vec::new(),
            index: 0,
            top: Top::new(keep),
            previous: Previous::default(),
            longest: match search {
                Search::Table(table) => table.longest(),
                _ => 1,
            },
        }
    }

    /// Credits the tokens of the responsibility in `low[start..end]` (the
    /// first value credited for entry `index`), reusing what the previous
    /// responsibility's shared prefix held.
    fn responsibility(&mut self, table: &Table<'_>, start: usize, end: usize, index: usize) -> usize {
        let text = &self.low[start..end];
        let prev = &mut self.previous;
        let shared = text.iter().zip(&prev.text).take_while(|(a, b)| a == b).count();
        let mut score = 0;
        prev.found.retain(|&(_, ends)| ends <= shared);
        for &(t, _) in &prev.found {
            self.stamps[t] = index;
            score += 1;
        }
        // An occurrence ending past the shared prefix starts at most
        // `longest - 1` bytes before its end.
        let skip = shared.saturating_sub(self.longest - 1);
        let mut found = std::mem::take(&mut prev.found);
        let hits = Credit { stamps: &mut self.stamps, entry: index, record: Some(&mut found) };
        score += table.credit(&self.low, start, end, skip, hits);
        found.sort_unstable_by_key(|&(_, ends)| ends);
        let prev = &mut self.previous;
        prev.found = found;
        prev.text.clear();
        prev.text.extend_from_slice(&self.low[start..end]);
        score
    }

    /// Scans the complete entries from `*pos` on and scores them; `None`
    /// when the text is not the inventory shape.
    fn block(&mut self, scanner: &mut Scanner, buf: &[u8], pos: &mut usize) -> Option<()> {
        self.entries.clear();
        loop {
            match scanner.step(buf, pos) {
                Step::Entry(e) => self.entries.push(e),
                Step::Short => break,
                Step::Bad => return None,
            }
        }
        let (Some(first), Some(last)) = (self.entries.first(), self.entries.last()) else { return Some(()) };
        let (lo, hi) = (first.lo, last.hi);
        if !self.tokens.is_empty() {
            self.low.clear();
            self.low.extend(buf[lo..hi].iter().map(u8::to_ascii_lowercase));
            self.search.hits(&self.low, &mut self.hits);
        }
        let mut h = 0;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let index = self.index;
            self.index += 1;
            let mut score = 0;
            if let (Search::Table(table), true) = (self.search, e.plain()) {
                let [name, hint, resp] = e.fields;
                let value = |f: Field| &buf[f.start..f.end];
                // A responsibility that ends with the source hint (as the
                // reference's do) already holds every token the hint holds.
                let hint_in_resp = value(resp).ends_with(value(hint));
                score += self.responsibility(table, resp.start - lo, resp.end - lo, index);
                for f in [name].into_iter().chain((!hint_in_resp).then_some(hint)) {
                    let hits = Credit { stamps: &mut self.stamps, entry: index, record: None };
                    score += table.credit(&self.low, f.start - lo, f.end - lo, 0, hits);
                }
            }
            while let Some(&(p, len, t)) = self.hits.get(h) {
                let p = p + lo;
                if p >= e.hi {
                    break;
                }
                h += 1;
                if self.stamps[t] != index && e.fields.iter().any(|f| f.start <= p && p + len <= f.end) {
                    self.stamps[t] = index;
                    score += 1;
                }
            }
            if e.plain() {
                let [name, hint, _] = e.fields;
                let name = &buf[name.start..name.end];
                if score > 0 && self.top.wants(score, name) {
                    let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
                    let source_hint = text(&buf[hint.start..hint.end])?;
                    self.top.push(Found { score, name: text(name)?, source_hint, index });
                }
            } else {
                // Decoding also checks what the scanner left unchecked.
                let module = decode(buf, e)?;
                if self.tokens.is_empty() {
                    continue;
                }
                let scorer = self.scorer.get_or_insert_with(|| Scorer::new(self.tokens));
                let score = scorer.score(&module);
                if score > 0 && self.top.wants(score, module.name.as_bytes()) {
                    let Module { name, source_hint, .. } = module;
                    self.top.push(Found {
                        score,
                        name: name.into_owned(),
                        source_hint: source_hint.into_owned(),
                        index,
                    });
                }
            }
        }
        self.entries = entries;
        Some(())
    }
}

/// An entry with escapes or non-ASCII text, decoded; `None` if a value is
/// not valid UTF-8 or has a bad escape.
fn decode(buf: &[u8], e: &Entry) -> Option<Module> {
    let field = |f: Field| -> Option<String> {
        if f.escaped {
            serde_json::from_slice(f.literal(buf)).ok()
        } else {
            String::from_utf8(buf[f.start..f.end].to_vec()).ok()
        }
    };
    let [name, hint, resp] = e.fields;
    Some(Module { name: field(name)?.into(), source_hint: field(hint)?.into(), responsibility: field(resp)?.into() })
}

fn text_pass(pass: &mut Pass<'_>, text: &[u8]) -> Option<()> {
    let (mut scanner, mut pos) = (Scanner::default(), 0);
    pass.block(&mut scanner, text, &mut pos)?;
    (scanner.closed() && pos == text.len()).then_some(())
}

fn file_pass(pass: &mut Pass<'_>, file: &mut File) -> Option<()> {
    let (mut scanner, mut buf, mut total) = (Scanner::default(), Vec::new(), 0u64);
    loop {
        // Keep the unfinished tail; an entry longer than a block grows the buffer.
        let want = if buf.len() >= BLOCK { buf.len() } else { BLOCK };
        let got = inventory_io::read_some(file, &mut buf, want, &mut total).ok()?;
        let mut pos = 0;
        pass.block(&mut scanner, &buf, &mut pos)?;
        if got == 0 {
            return (scanner.closed() && pos == buf.len()).then_some(());
        }
        buf.drain(..pos);
    }
}

/// The best `keep` matches of one inventory, best first, or `None` when the
/// ordinary loader must take over.
fn one(input: &Input, tokens: &[String], search: &Search<'_>, keep: usize) -> Option<Vec<Found>> {
    let mut pass = Pass::new(tokens, search, keep);
    match input {
        Input::Text(text) => text_pass(&mut pass, text.as_bytes())?,
        Input::File(path) => file_pass(&mut pass, &mut inventory_io::open(path).ok()?.file)?,
    }
    Some(pass.top.finish())
}

/// The best `keep` commands and tools for `tokens` (distinct, lowercased),
/// best first; `None` when the ordinary loader must take over.
pub(crate) fn best(inputs: &[Input; 2], tokens: &[String], keep: usize) -> Option<[Vec<Found>; 2]> {
    best_with(inputs, tokens, keep, true)
}

fn best_with(inputs: &[Input; 2], tokens: &[String], keep: usize, packed: bool) -> Option<[Vec<Found>; 2]> {
    let search = Search::new(tokens, packed);
    let [commands, tools] = inputs;
    if matches!(inputs, [Input::File(_), Input::File(_)]) {
        let (t, c) =
            crate::threads::both(|| one(tools, tokens, &search, keep), || one(commands, tokens, &search, keep));
        Some([c?, t?])
    } else {
        Some([one(commands, tokens, &search, keep)?, one(tools, tokens, &search, keep)?])
    }
}

#[cfg(test)]
pub(crate) fn best_table(inputs: &[Input; 2], tokens: &[String], keep: usize) -> Option<[Vec<Found>; 2]> {
    best_with(inputs, tokens, keep, false)
}

/// The block size, for tests that feed texts in pieces around it.
#[cfg(test)]
pub(crate) const TEST_BLOCK: usize = BLOCK;
