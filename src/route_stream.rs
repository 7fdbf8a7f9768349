//! `route` over inventory texts in one streaming pass: no parsed inventory,
//! no private copy of it, nothing kept for entries that score 0.
//!
//! Each text (a file read 64 KiB at a time into one reused buffer, or the
//! embedded text) is scanned block by block:
//! * the shape scanner (`inventory_scan`) finds the complete entries in the
//!   block and where their three string values lie;
//! * plain entries (ASCII, no escapes) are scored one of two ways, with the
//!   same result:
//!   - a few tokens (`packed`): the block is lowercased into a second
//!     reused buffer, every occurrence of every token is found in one SIMD
//!     multi-pattern pass (aho-corasick's packed Teddy searcher) and
//!     credited to the value that wholly contains it (none, for keys and
//!     punctuation).  That is the fastest way while occurrences are rare: a
//!     block with many is left to the automata, and so is the rest of the
//!     text;
//!   - otherwise (`automaton`): dense Aho-Corasick automata are walked
//!     over each entry's values where they lie in the buffer, resuming where
//!     the previous responsibility's shared prefix ended.  Their cost hardly
//!     depends on how many tokens there are or how often they occur, so a
//!     long prompt costs about what a short one does;
//! * an entry's score is the number of distinct tokens found in it;
//! * entries with escapes or non-ASCII text are decoded and scored field by
//!   field with Python's lowering (`scorer::Scorer`);
//! * only the running best `keep` matches are kept.
//!
//! Anything the scanner does not accept (malformed JSON, unusual but valid
//! shapes, unreadable files) makes the pass give up (`None`): the caller then
//! loads the inventories the ordinary way, which reports the error naming
//! the file or handles the unusual shape.

use std::cmp::Ordering;
use std::fs::File;

mod automaton;
mod packed;

use automaton::{Automata, Limits, Scratch};
use packed::Packed;

use crate::inventory_io;
use crate::inventory_scan::{Entry, Field, Scanner, Step};
use crate::scorer::Scorer;
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

/// Finds the tokens in plain entries (ASCII, no escapes).
struct Search<'t> {
    /// A few tokens: one Teddy pass over each lowercased block, for as
    /// long as occurrences are rare.
    packed: Option<Packed<'t>>,
    /// The automata, walked over each entry's values (`None` when no token
    /// is ASCII: then none can occur in a plain field).
    automata: Option<Automata>,
}

/// Which searches to use (tests force each one).
#[derive(Debug, Clone, Copy)]
struct How {
    /// The most tokens searched with Teddy (0: never).
    packed: usize,
    /// See [`packed::SPACING`].
    spacing: usize,
    limits: Limits,
}

const HOW: How = How { packed: packed::MAX_TOKENS, spacing: packed::SPACING, limits: automaton::LIMITS };

/// One inventory's pass: its reusable buffers and running results.
struct Pass<'t> {
    tokens: &'t [String],
    search: &'t Search<'t>,
    /// Whether Teddy still searches blocks (until one has many occurrences).
    packed: bool,
    spacing: usize,
    /// Field-by-field scorer for entries that are not plain (built lazily).
    scorer: Option<Scorer>,
    /// `stamps[t] == entry` once token `t` was credited to `entry`.
    stamps: Vec<usize>,
    entries: Vec<Entry>,
    low: Vec<u8>,
    hits: Vec<(usize, usize, usize)>,
    index: usize,
    top: Top,
    /// What the automata keep from one entry to the next.
    scratch: Scratch,
}

impl<'t> Pass<'t> {
    fn new(tokens: &'t [String], search: &'t Search<'t>, keep: usize, how: How) -> Pass<'t> {
        Pass {
            tokens,
            search,
            packed: search.packed.is_some(),
            spacing: how.spacing.max(1),
            scorer: None,
            stamps: vec![usize::MAX; tokens.len()],
            entries: Vec::new(),
            low: Vec::new(),
            hits: Vec::new(),
            index: 0,
            top: Top::new(keep),
            scratch: Scratch::default(),
        }
    }

    /// Finds the tokens in `buf[lo..hi]` with Teddy if it is still in use
    /// and the block has few occurrences; whether it did.
    fn packed_hits(&mut self, buf: &[u8], lo: usize, hi: usize) -> bool {
        let Some(packed) = self.search.packed.as_ref().filter(|_| self.packed) else { return false };
        self.low.clear();
        self.low.extend(buf[lo..hi].iter().map(u8::to_ascii_lowercase));
        self.packed = packed.hits(&self.low, &mut self.hits, self.low.len() / self.spacing);
        self.packed
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
        let packed = self.packed_hits(buf, lo, hi);
        let mut h = 0;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let index = self.index;
            self.index += 1;
            let mut score = 0;
            if packed {
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
            } else if let (Some(automata), true) = (&self.search.automata, e.plain()) {
                score = automata.score(&mut self.scratch, e.fields.map(|f| &buf[f.start..f.end]));
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
fn one(input: &Input<'_>, tokens: &[String], search: &Search<'_>, keep: usize, how: How) -> Option<Vec<Found>> {
    let mut pass = Pass::new(tokens, search, keep, how);
    match input {
        Input::Text(text) => text_pass(&mut pass, text.as_bytes())?,
        Input::File(path) => file_pass(&mut pass, &mut inventory_io::open(path).ok()?.file)?,
    }
    Some(pass.top.finish())
}

/// The best `keep` commands and tools for `tokens` (distinct, lowercased),
/// best first; `None` when the ordinary loader must take over.
pub(crate) fn best(inputs: &[Input<'_>; 2], tokens: &[String], keep: usize) -> Option<[Vec<Found>; 2]> {
    best_with(inputs, tokens, keep, HOW)
}

fn best_with(inputs: &[Input<'_>; 2], tokens: &[String], keep: usize, how: How) -> Option<[Vec<Found>; 2]> {
    let search = Search { packed: Packed::new(tokens, how.packed), automata: Automata::new(tokens, how.limits) };
    let [commands, tools] = inputs;
    let one = |input| one(input, tokens, &search, keep, how);
    if matches!(inputs, [Input::File(_), Input::File(_)]) {
        let (t, c) = crate::threads::both(|| one(tools), || one(commands));
        Some([c?, t?])
    } else {
        Some([one(commands)?, one(tools)?])
    }
}

/// A search forced on [`best`] (tests).
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Forced {
    /// The automata only.
    Automata,
    /// The automata only, without sets (credited word by word).
    Unset,
    /// The automata only, with tiny limits: many automata, sets only for
    /// two words, and tokens of three bytes or more found by their heads.
    TinyAutomata,
    /// Teddy for up to 64 tokens, until a block holds more than one
    /// occurrence per `spacing` bytes.
    Packed { spacing: usize },
}

/// [`best`] with the search forced.
#[cfg(test)]
pub(crate) fn best_forced(
    inputs: &[Input<'_>; 2],
    tokens: &[String],
    keep: usize,
    force: Forced,
) -> Option<[Vec<Found>; 2]> {
    let tiny = Limits { sets: 2, table: 64, head: 2 };
    let how = match force {
        Forced::Automata => How { packed: 0, ..HOW },
        Forced::Unset => How { packed: 0, limits: Limits { sets: 0, ..automaton::LIMITS }, ..HOW },
        Forced::TinyAutomata => How { packed: 0, limits: tiny, ..HOW },
        Forced::Packed { spacing } => How { packed: 64, spacing, ..HOW },
    };
    best_with(inputs, tokens, keep, how)
}

/// The block size, for tests that feed texts in pieces around it.
#[cfg(test)]
pub(crate) const TEST_BLOCK: usize = BLOCK;
