//! Prompt routing: the reference's token scorer and match selection.
//!
//! A module's score is the number of distinct prompt tokens that occur as a
//! substring of its lowercased name, source hint or responsibility.  Tokens
//! come from `prompt.replace('/', ' ').replace('-', ' ').split()`, lowercased.
//!
//! Two scorers compute that same number:
//! * `whole` (up to 64 tokens, modules read from a snapshot file) scans the
//!   file's text as one haystack: it lowercases it a block at a time, finds
//!   every token occurrence with a SIMD multi-substring search (Teddy; one
//!   `memmem` per token where the CPU lacks it), and credits each occurrence
//!   to the module field that wholly contains it.  Searching one long
//!   haystack costs a fraction of restarting a search per short field.
//! * [`Scorer`] searches each field with an Aho-Corasick automaton, so cost
//!   grows with the text scanned, not with tokens × entries × length.  It
//!   takes longer prompts (after dropping tokens no field can contain),
//!   modules built in memory, and fields with escapes or non-ASCII text.
//!
//! Only the best `limit + 1` matches of each kind are ever sorted.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::pyfmt::{int::slice_end, text};
use crate::snapshot::Module;

/// Above this many modules in all, commands and tools are scored on two threads.
const PARALLEL_MODULES: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Command,
    Tool,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Tool => "tool",
        }
    }
}

/// One routed match (`RoutedMatch`).
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub source_hint: &'a str,
    pub score: usize,
}

/// The distinct lowercased tokens of a prompt, in first-seen order.
pub fn tokens(prompt: &str) -> Vec<String> {
    // Splitting on '/' and '-' as well is `replace` then `split()`.
    let all: Vec<String> = prompt
        .split(|c: char| c == '/' || c == '-' || text::is_space(c))
        .filter(|t| !t.is_empty())
        .map(text::lower)
        .collect();
    let mut seen = HashSet::with_capacity(all.len());
    let first: Vec<bool> = all.iter().map(|t| seen.insert(t.as_str())).collect();
    drop(seen);
    all.into_iter().zip(first).filter_map(|(t, first)| first.then_some(t)).collect()
}

/// Above this many tokens, tokens that cannot occur anywhere are dropped
/// before the field scorer's automaton is built (its build cost grows with
/// the tokens; a long prompt mostly has words no field contains).
const PREFILTER_TOKENS: usize = 64;

/// The tokens that may occur in some field: every byte trigram of such a
/// token occurs in some lowercased field.  Shorter tokens are all kept.
/// Dropping the rest leaves every score as it was.
fn plausible(mut tokens: Vec<String>, inventories: [&[Module]; 2]) -> Vec<String> {
    const BITS: u32 = 20;
    let slot =
        |a: u8, b: u8, c: u8| (u32::from_le_bytes([a, b, c, 0]).wrapping_mul(0x9e37_79b1) >> (32 - BITS)) as usize;
    let mut seen = vec![0u64; (1 << BITS) / 64];
    for m in inventories.iter().flat_map(|modules| modules.iter()) {
        for field in fields(m) {
            let lowered;
            // Lowering ASCII bytes again below is harmless: lower() leaves
            // no uppercase ASCII, and bytes >= 0x80 are unchanged.
            let bytes = if field.is_ascii() {
                field.as_bytes()
            } else {
                lowered = text::lower(field);
                lowered.as_bytes()
            };
            for w in bytes.windows(3) {
                let h = slot(w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase());
                seen[h / 64] |= 1 << (h % 64);
            }
        }
    }
    tokens.retain(|t| {
        t.as_bytes().windows(3).all(|w| {
            let h = slot(w[0], w[1], w[2]);
            seen[h / 64] & (1 << (h % 64)) != 0
        })
    });
    tokens
}

fn fields(module: &Module) -> [&Cow<'static, str>; 3] {
    [&module.name, &module.source_hint, &module.responsibility]
}

/// The automaton over the tokens.  Tokens are lowercase; ASCII case folding
/// lets ASCII fields be searched without lowercasing them first.
fn automaton(tokens: &[String]) -> Option<AhoCorasick> {
    if tokens.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(tokens).ok()
}

/// A route's tokens, and their automaton once some module needs it (shared
/// by the threads that score commands and tools).
struct Tokens<'t> {
    list: &'t [String],
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl<'t> Tokens<'t> {
    fn new(list: &'t [String]) -> Tokens<'t> {
        Tokens { list, automaton: OnceLock::new() }
    }

    fn automaton(&self) -> &Option<AhoCorasick> {
        self.automaton.get_or_init(|| automaton(self.list))
    }

    fn scorer(&self) -> Scorer {
        Scorer { automaton: self.automaton().clone(), stamps: vec![0; self.list.len()], generation: 0 }
    }
}

/// Scores modules against a fixed token set, one field at a time.
pub struct Scorer {
    automaton: Option<AhoCorasick>,
    stamps: Vec<u32>,
    generation: u32,
}

/// Calls `found` with the token index of every occurrence in any field.
fn each_hit(automaton: &Option<AhoCorasick>, module: &Module, mut found: impl FnMut(usize)) {
    let Some(ac) = automaton else { return };
    for field in fields(module) {
        let lowered;
        let hay: &str = if field.is_ascii() {
            field
        } else {
            lowered = text::lower(field);
            &lowered
        };
        for m in ac.find_overlapping_iter(hay) {
            found(m.pattern().as_usize());
        }
    }
}

/// Bit `t` is set when token `t` (< 64) occurs in any field.
fn mask(automaton: &Option<AhoCorasick>, module: &Module) -> u64 {
    let mut mask = 0u64;
    each_hit(automaton, module, |t| mask |= 1 << t);
    mask
}

impl Scorer {
    pub fn new(tokens: &[String]) -> Scorer {
        Tokens::new(tokens).scorer()
    }

    /// The number of distinct tokens found in any of the module's fields.
    pub fn score(&mut self, module: &Module) -> usize {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        let (stamps, generation) = (&mut self.stamps, self.generation);
        let mut score = 0;
        each_hit(&self.automaton, module, |t| {
            let slot = &mut stamps[t];
            if *slot != generation {
                *slot = generation;
                score += 1;
            }
        });
        score
    }
}

/// The whole-text scorer for inventories read from one snapshot text.
mod whole {
    use std::borrow::Cow;

    use memchr::memmem::Finder;

    use super::{Module, Plan, Tokens, fields, mask};
    use crate::snapshot::{Backing, backing_of};

    /// Bytes lowercased and searched at a time (stays in L2 cache).
    pub const BLOCK: usize = 64 * 1024;

    /// Where one module's fields lie in the text: `(offset, len)` each.
    enum Place {
        /// All three fields are ASCII slices of the text (strings without
        /// escapes, so what is in the text is what is scored).
        Text { spans: [(usize, usize); 3], lo: usize, hi: usize },
        /// Anything else: scored field by field.
        Elsewhere,
    }

    struct Cursor<'m> {
        modules: &'m [Module],
        backing: Backing,
        base: usize,
        /// The module being credited, where it is, and what it has so far.
        next: usize,
        place: Place,
        mask: u64,
        /// Where the previous module in the text ended.
        prev_hi: usize,
        tokens: &'m Tokens<'m>,
        found: Vec<(usize, u64)>,
    }

    impl<'m> Cursor<'m> {
        fn place(&self, m: &Module) -> Place {
            let mut spans = [(0, 0); 3];
            for (span, f) in spans.iter_mut().zip(fields(m)) {
                let Cow::Borrowed(s) = f else { return Place::Elsewhere };
                let Some(off) = (s.as_ptr() as usize).checked_sub(self.base) else { return Place::Elsewhere };
                if off + s.len() > self.backing.text.len() || (!self.backing.ascii && !s.is_ascii()) {
                    return Place::Elsewhere;
                }
                *span = (off, s.len());
            }
            let lo = spans.iter().map(|s| s.0).min().unwrap_or(0);
            let hi = spans.iter().map(|s| s.0 + s.1).max().unwrap_or(0);
            Place::Text { spans, lo, hi }
        }

        /// Close the current module and open the next; `None` when modules
        /// are not in text order (the caller then scores field by field).
        fn advance(&mut self) -> Option<()> {
            if let Some(m) = self.modules.get(self.next) {
                let mask = match self.place {
                    Place::Text { .. } => self.mask,
                    Place::Elsewhere => mask(self.tokens.automaton(), m),
                };
                if mask != 0 {
                    self.found.push((self.next, mask));
                }
                self.next += 1;
            }
            self.mask = 0;
            self.place = match self.modules.get(self.next) {
                Some(m) => self.place(m),
                None => Place::Elsewhere,
            };
            if let Place::Text { lo, hi, .. } = self.place {
                if lo < self.prev_hi {
                    return None;
                }
                self.prev_hi = hi;
            }
            Some(())
        }

        /// Credit an occurrence of `len` bytes at `p` (hits come in text order).
        fn credit(&mut self, p: usize, len: usize, bit: u64) -> Option<()> {
            while self.next < self.modules.len() {
                match self.place {
                    Place::Elsewhere => self.advance()?,
                    Place::Text { hi, .. } if p >= hi => self.advance()?,
                    Place::Text { spans, lo, .. } => {
                        // Before this module (a key, say): no module's field.
                        if p >= lo && spans.iter().any(|&(off, n)| off <= p && p + len <= off + n) {
                            self.mask |= bit;
                        }
                        return Some(());
                    }
                }
            }
            Some(())
        }
    }

    /// Finds token occurrences in a lowercased block.
    enum Search<'t> {
        /// All tokens in one SIMD pass (Teddy): every position where some
        /// token starts is visited, and the tokens with that first byte are
        /// checked there.
        Packed(Box<(aho_corasick::packed::Searcher, ByFirstByte<'t>)>),
        /// One SIMD substring search per token.
        Each(Vec<(u64, Finder<'t>)>),
    }

    /// Tokens grouped by their first byte.
    struct ByFirstByte<'t> {
        tokens: Vec<(u64, &'t [u8])>,
        /// `tokens[starts[b]..starts[b + 1]]` begin with byte `b`.
        starts: [u16; 257],
    }

    impl<'t> ByFirstByte<'t> {
        fn new(tokens: &[(u64, &'t [u8])]) -> ByFirstByte<'t> {
            let mut tokens = tokens.to_vec();
            tokens.sort_by_key(|(_, t)| t[0]);
            let mut starts = [0u16; 257];
            for b in 0..256 {
                starts[b + 1] = starts[b] + tokens.iter().filter(|(_, t)| t[0] as usize == b).count() as u16;
            }
            ByFirstByte { tokens, starts }
        }

        fn starting_with(&self, b: u8) -> &[(u64, &'t [u8])] {
            &self.tokens[self.starts[b as usize] as usize..self.starts[b as usize + 1] as usize]
        }
    }

    impl<'t> Search<'t> {
        fn new(tokens: &'t [(u64, &'t [u8])], packed: bool) -> Search<'t> {
            if packed && tokens.len() > 1 {
                let mut builder = aho_corasick::packed::Config::new().builder();
                builder.extend(tokens.iter().map(|(_, t)| t));
                if let Some(searcher) = builder.build() {
                    return Search::Packed(Box::new((searcher, ByFirstByte::new(tokens))));
                }
            }
            Search::Each(tokens.iter().map(|&(bit, t)| (bit, Finder::new(t))).collect())
        }

        /// Calls `found(start, len, bit)` for every occurrence of every token
        /// starting before `limit` (in order of start when `in_order`).
        fn hits(&self, low: &[u8], limit: usize, found: &mut impl FnMut(usize, usize, u64)) {
            match self {
                Search::Packed(packed) => {
                    let (searcher, tokens) = &**packed;
                    let mut from = 0;
                    while from < limit {
                        let Some(m) = searcher.find_in(low, aho_corasick::Span::from(from..low.len())) else { break };
                        let p = m.start();
                        if p >= limit {
                            break;
                        }
                        let rest = &low[p..];
                        for &(bit, t) in tokens.starting_with(rest[0]) {
                            // Tokens are short: a byte loop beats a memcmp call.
                            if rest.len() >= t.len() && rest.iter().zip(t).all(|(a, b)| a == b) {
                                found(p, t.len(), bit);
                            }
                        }
                        from = p + 1;
                    }
                }
                Search::Each(finders) => {
                    for (bit, finder) in finders {
                        let len = finder.needle().len();
                        // Overlapping occurrences too ("aa" twice in "aaa").
                        let mut from = 0;
                        while let Some(i) = finder.find(&low[from..]) {
                            let p = from + i;
                            if p >= limit {
                                break;
                            }
                            found(p, len, *bit);
                            from = p + 1;
                        }
                    }
                }
            }
        }

        fn in_order(&self) -> bool {
            matches!(self, Search::Packed(..)) || matches!(self, Search::Each(f) if f.len() <= 1)
        }
    }

    /// `(module index, token bitmask)` for every module with a token (bit
    /// `t` for `tokens[t]`), in order; or `None` when this scorer does not
    /// apply and the field scorer should be used.  Even a small text is
    /// cheaper to scan whole than field by field.
    pub fn masks<'m>(shared: &'m Tokens<'m>, modules: &'m [Module], plan: Plan) -> Option<Vec<(usize, u64)>> {
        let tokens = shared.list;
        if tokens.is_empty() || tokens.len() > 64 {
            return None;
        }
        let backing = modules.iter().flat_map(fields).find_map(|f| match f {
            Cow::Borrowed(s) => backing_of(s),
            Cow::Owned(_) => None,
        })?;
        let mut cursor = Cursor {
            modules,
            backing,
            base: backing.text.as_ptr() as usize,
            next: 0,
            place: Place::Elsewhere,
            mask: 0,
            prev_hi: 0,
            tokens: shared,
            found: Vec::new(),
        };
        cursor.place = modules.first().map_or(Place::Elsewhere, |m| cursor.place(m));
        if let Place::Text { hi, .. } = cursor.place {
            cursor.prev_hi = hi;
        }

        // A token with a non-ASCII byte cannot occur in an ASCII field.
        // Every occurrence of the others is found, so any field that is an
        // ASCII slice of the text is scored exactly.
        let searched: Vec<(u64, &[u8])> =
            tokens.iter().enumerate().filter(|(_, t)| t.is_ascii()).map(|(i, t)| (1u64 << i, t.as_bytes())).collect();
        let text = backing.text.as_bytes();
        let search = Search::new(&searched, text.len() >= plan.packed_from);
        let longest = searched.iter().map(|(_, t)| t.len()).max().unwrap_or(1);
        let block = plan.block.max(1);
        let mut lowered = vec![0u8; block.min(text.len()) + longest - 1];
        let mut hits: Vec<(usize, usize, u64)> = Vec::new();
        let mut at = 0;
        while at < text.len() && !searched.is_empty() {
            // Hits must start in [at, end); the window lets them run past it.
            let end = (at + block).min(text.len());
            let window = &text[at..(end + longest - 1).min(text.len())];
            let low = &mut lowered[..window.len()];
            for (d, s) in low.iter_mut().zip(window) {
                *d = s.to_ascii_lowercase();
            }
            hits.clear();
            search.hits(low, end - at, &mut |p, len, bit| hits.push((at + p, len, bit)));
            if !search.in_order() {
                hits.sort_unstable_by_key(|h| h.0);
            }
            for &(p, len, bit) in &hits {
                cursor.credit(p, len, bit)?;
            }
            at = end;
        }
        while cursor.next < modules.len() {
            cursor.advance()?;
        }
        Some(cursor.found)
    }
}

/// How modules are scored: whole texts (a block at a time) where possible,
/// or always field by field.  Tests vary both.
#[derive(Debug, Clone, Copy)]
struct Plan {
    whole_text: bool,
    /// Bytes lowercased and searched at a time.
    block: usize,
    /// From this many bytes of text on, all tokens are searched in one pass
    /// where the CPU allows; smaller texts do not repay building the searcher.
    packed_from: usize,
}

impl Plan {
    const DEFAULT: Plan = Plan { whole_text: true, block: whole::BLOCK, packed_from: 16 * 1024 };
    /// Tests take each search on texts of every size.
    #[cfg(test)]
    const PACKED: Plan = Plan { packed_from: 0, ..Plan::DEFAULT };
    #[cfg(test)]
    const EACH: Plan = Plan { packed_from: usize::MAX, ..Plan::DEFAULT };
}

/// Every module with a positive score, in snapshot order.
fn scored<'a>(tokens: &Tokens<'_>, modules: &'a [Module], kind: Kind, plan: Plan) -> Vec<(usize, Match<'a>)> {
    let found = |i: usize, score: usize| {
        let m = &modules[i];
        (i, Match { kind, name: &m.name, source_hint: &m.source_hint, score })
    };
    if let Some(masks) = plan.whole_text.then(|| whole::masks(tokens, modules, plan)).flatten() {
        return masks.into_iter().map(|(i, mask)| found(i, mask.count_ones() as usize)).collect();
    }
    let mut scorer = tokens.scorer();
    modules
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let score = scorer.score(m);
            (score > 0).then(|| found(i, score))
        })
        .collect()
}

/// The `keep` best matches of one kind, best first: by score, then name,
/// then snapshot order (what Python's stable sort gives).
fn best<'a>(mut found: Vec<(usize, Match<'a>)>, keep: usize) -> Vec<Match<'a>> {
    let order = |a: &(usize, Match<'a>), b: &(usize, Match<'a>)| {
        b.1.score.cmp(&a.1.score).then_with(|| a.1.name.cmp(b.1.name)).then(a.0.cmp(&b.0))
    };
    if keep < found.len() {
        if keep == 0 {
            found.clear();
        } else {
            found.select_nth_unstable_by(keep - 1, order);
            found.truncate(keep);
        }
    }
    found.sort_unstable_by(order);
    found.into_iter().map(|(_, m)| m).collect()
}

fn collect<'a>(tokens: &Tokens<'_>, modules: &'a [Module], kind: Kind, keep: usize, plan: Plan) -> Vec<Match<'a>> {
    best(scored(tokens, modules, kind, plan), keep)
}

/// `PortRuntime.route_prompt(prompt, limit)`.
pub fn route<'a>(prompt: &str, limit: i64, commands: &'a [Module], tools: &'a [Module]) -> Vec<Match<'a>> {
    route_with(prompt, limit, commands, tools, Plan::DEFAULT)
}

fn route_with<'a>(prompt: &str, limit: i64, commands: &'a [Module], tools: &'a [Module], plan: Plan) -> Vec<Match<'a>> {
    let mut list = tokens(prompt);
    if list.len() > PREFILTER_TOKENS {
        list = plausible(list, [commands, tools]);
    }
    if list.is_empty() {
        return Vec::new();
    }
    let toks = Tokens::new(&list);
    // The best of each kind leads; at most `limit` more are taken from the
    // rest, and a negative limit takes none of them.  So only the best
    // `limit + 1` of each kind can be selected.
    let keep = usize::try_from(limit.max(0)).unwrap_or(usize::MAX).saturating_add(1);
    let mut by_kind = if commands.len() + tools.len() >= PARALLEL_MODULES {
        let (t, c) = crate::threads::both(
            || collect(&toks, tools, Kind::Tool, keep, plan),
            || collect(&toks, commands, Kind::Command, keep, plan),
        );
        [c, t]
    } else {
        [collect(&toks, commands, Kind::Command, keep, plan), collect(&toks, tools, Kind::Tool, keep, plan)]
    };
    let mut selected = Vec::new();
    for matches in by_kind.iter_mut() {
        if !matches.is_empty() {
            selected.push(matches.remove(0));
        }
    }
    let mut leftovers: Vec<Match<'a>> = by_kind.into_iter().flatten().collect();
    leftovers.sort_by(|a, b| match b.score.cmp(&a.score) {
        Ordering::Equal => a.kind.cmp(&b.kind).then_with(|| a.name.cmp(b.name)),
        other => other,
    });
    let room = (limit - selected.len() as i64).max(0);
    let take = slice_end(leftovers.len(), room);
    selected.extend(leftovers.into_iter().take(take));
    let keep = slice_end(selected.len(), limit);
    selected.truncate(keep);
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(name: &'static str, hint: &'static str) -> Module {
        Module { name: name.into(), source_hint: hint.into(), responsibility: format!("mirrors {hint}").into() }
    }

    #[test]
    fn tokens_follow_python_split_and_lower() {
        assert_eq!(tokens("Fix the/GIT-bug fix"), ["fix", "the", "git", "bug"]);
        assert_eq!(tokens("a\u{1c}b"), ["a", "b"]);
        assert!(tokens("  / - ").is_empty());
    }

    #[test]
    fn score_counts_distinct_tokens_in_any_field() {
        let m = module("GitStatus", "commands/git/status.ts");
        let toks = tokens("git status mirrors zzz");
        let mut s = Scorer::new(&toks);
        assert_eq!(s.score(&m), 3);
        assert_eq!(s.score(&m), 3, "scores do not leak between calls");
        let m2 = module("Ünïcode", "x/ÜBER.ts");
        let mut s = Scorer::new(&tokens("über ünï"));
        assert_eq!(s.score(&m2), 2);
    }

    #[test]
    fn selection_puts_best_command_and_tool_first_then_by_score_kind_name() {
        let commands = vec![
            module("b-git", "commands/b.ts"),
            module("a-git-bug", "commands/a.ts"),
            module("zzz", "commands/z.ts"),
        ];
        let tools = vec![module("GitTool", "tools/GitTool.ts")];
        let got = route("git bug", 5, &commands, &tools);
        let names: Vec<(&str, usize)> = got.iter().map(|m| (m.name, m.score)).collect();
        assert_eq!(names, [("a-git-bug", 2), ("GitTool", 1), ("b-git", 1)]);
        assert_eq!(route("git bug", 1, &commands, &tools).len(), 1);
        assert_eq!(route("git bug", 0, &commands, &tools).len(), 0);
        // Python slicing: a negative limit drops from the end.
        let neg: Vec<&str> = route("git bug", -1, &commands, &tools).iter().map(|m| m.name).collect();
        assert_eq!(neg, ["a-git-bug"]);
        assert!(route("", 5, &commands, &tools).is_empty());
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len())]
        }
    }

    /// Text pieces with case, Unicode lowering (Kelvin sign, dotted İ, final
    /// sigma), escapes, Python-only whitespace and JSON punctuation.
    const PIECES: &[&str] = &[
        "git",
        "Git",
        "GIT",
        "bug",
        "fix",
        "the",
        "Theme",
        "a",
        "ab",
        "aba",
        "é",
        "É",
        "über",
        "ÜBER",
        "İ",
        "\u{212a}",
        "ß",
        "ΣΑΣ",
        "ǅ",
        "\"",
        "\\",
        "\u{1c}",
        "\n",
        "\t",
        "/",
        "-",
        " ",
        "_",
        ".",
        "{",
        "}",
        ":",
        ",",
        "name",
        "source_hint",
        "x",
        "7",
        "🦀",
        "\u{3000}",
        "\u{85}",
        "k",
        "i\u{307}",
    ];

    fn text_of(rng: &mut Rng, max: usize) -> String {
        text_from(rng, max, PIECES)
    }

    fn text_from(rng: &mut Rng, max: usize, pieces: &[&str]) -> String {
        (0..rng.below(max + 1)).map(|_| rng.pick(pieces)).collect()
    }

    /// A JSON string literal, sometimes with non-ASCII written as `\u` escapes.
    fn json_str(rng: &mut Rng, s: &str) -> String {
        let plain = serde_json::to_string(s).unwrap();
        if rng.below(4) != 0 {
            return plain;
        }
        let mut out = String::new();
        for c in plain.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out
    }

    fn snapshot_json(rng: &mut Rng, modules: &[(String, String, String)]) -> String {
        const WS: &[&str] = &["", " ", "\n", "\n  ", "\t", "\r\n    "];
        let mut out = format!("[{}", rng.pick(WS));
        for (i, (name, hint, resp)) in modules.iter().enumerate() {
            if i > 0 {
                out.push(',');
                out.push_str(rng.pick(WS));
            }
            let mut fields = [("name", name), ("source_hint", hint), ("responsibility", resp)];
            for k in (1..3).rev() {
                fields.swap(k, rng.below(k + 1));
            }
            out.push('{');
            for (j, (key, value)) in fields.iter().enumerate() {
                let sep = if j == 0 { "" } else { "," };
                out.push_str(&format!(
                    "{sep}{}\"{key}\"{}:{}{}",
                    rng.pick(WS),
                    rng.pick(WS),
                    rng.pick(WS),
                    json_str(rng, value)
                ));
            }
            out.push_str(rng.pick(WS));
            out.push('}');
        }
        out.push_str(rng.pick(WS));
        out.push(']');
        out
    }

    /// The reference, transcribed: score every module naively, sort fully.
    fn naive(prompt: &str, limit: i64, commands: &[Module], tools: &[Module]) -> Vec<(Kind, String, usize, String)> {
        // Deliberately the reference's two replaces.
        #[allow(clippy::collapsible_str_replace)]
        let replaced = prompt.replace('/', " ").replace('-', " ");
        let mut toks: Vec<String> = Vec::new();
        for t in text::split(&replaced) {
            let lowered = text::lower(t);
            if !toks.contains(&lowered) {
                toks.push(lowered);
            }
        }
        let score = |m: &Module| {
            let lowered = fields(m).map(|f| text::lower(f));
            toks.iter().filter(|t| lowered.iter().any(|f| f.contains(t.as_str()))).count()
        };
        let collect = |modules: &[Module], kind: Kind| {
            let mut v: Vec<(Kind, String, usize, String)> = modules
                .iter()
                .filter_map(|m| {
                    let s = score(m);
                    (s > 0).then(|| (kind, m.name.to_string(), s, m.source_hint.to_string()))
                })
                .collect();
            v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            v
        };
        let mut by_kind = [collect(commands, Kind::Command), collect(tools, Kind::Tool)];
        let mut selected = Vec::new();
        for matches in by_kind.iter_mut() {
            if !matches.is_empty() {
                selected.push(matches.remove(0));
            }
        }
        let mut leftovers: Vec<_> = by_kind.into_iter().flatten().collect();
        leftovers.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)).then_with(|| a.1.cmp(&b.1)));
        let room = (limit - selected.len() as i64).max(0);
        let take = slice_end(leftovers.len(), room);
        selected.extend(leftovers.into_iter().take(take));
        let keep = slice_end(selected.len(), limit);
        selected.truncate(keep);
        selected
    }

    fn plain(matches: Vec<Match<'_>>) -> Vec<(Kind, String, usize, String)> {
        matches.into_iter().map(|m| (m.kind, m.name.to_string(), m.score, m.source_hint.to_string())).collect()
    }

    /// Modules read through the snapshot loader, so they borrow from a
    /// registered text as in a real run.
    fn load(rng: &mut Rng, n: usize, max_piece: usize) -> (Vec<Module>, Vec<Module>) {
        load_from(rng, n, max_piece, PIECES)
    }

    fn load_from(rng: &mut Rng, n: usize, max_piece: usize, pieces: &[&str]) -> (Vec<Module>, Vec<Module>) {
        let dir = tempfile::tempdir().unwrap();
        for file in ["commands_snapshot.json", "tools_snapshot.json"] {
            let mut field = |max| text_from(rng, max, pieces);
            let modules: Vec<_> = (0..n).map(|_| (field(3), field(max_piece), field(max_piece))).collect();
            std::fs::write(dir.path().join(file), snapshot_json(rng, &modules)).unwrap();
        }
        let source = crate::snapshot::Source::Dir(dir.path().to_path_buf());
        (source.commands().unwrap(), source.tools().unwrap())
    }

    fn prompt_of(rng: &mut Rng, words: usize) -> String {
        const SEPS: &[&str] = &[" ", "/", "-", "\u{1c}", "\t", "\u{3000}", "  "];
        (0..rng.below(words + 1)).map(|_| format!("{}{}", text_of(rng, 2), rng.pick(SEPS))).collect()
    }

    #[test]
    fn whole_text_and_field_scorers_agree_with_the_naive_reference() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut whole_used = 0;
        for case in 0..250 {
            let n = rng.below(12);
            let (commands, tools) = load(&mut rng, n, 8);
            for _ in 0..4 {
                let prompt = prompt_of(&mut rng, 6);
                let limit = rng.below(14) as i64 - 3;
                let want = naive(&prompt, limit, &commands, &tools);
                let list = tokens(&prompt);
                if whole::masks(&Tokens::new(&list), &commands, Plan::DEFAULT).is_some() {
                    whole_used += 1;
                }
                let plans = [
                    Plan::DEFAULT,
                    Plan { block: 1, ..Plan::PACKED },
                    Plan { block: 7, ..Plan::PACKED },
                    Plan { block: 7, ..Plan::EACH },
                    Plan { whole_text: false, ..Plan::DEFAULT },
                ];
                for plan in plans {
                    let got = plain(route_with(&prompt, limit, &commands, &tools, plan));
                    assert_eq!(got, want, "case {case} {plan:?} prompt {prompt:?} limit {limit}");
                }
            }
        }
        assert!(whole_used > 400, "the whole-text path ran {whole_used} times");
    }

    #[test]
    fn whole_text_scorer_handles_large_texts_and_many_tokens() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        let (commands, tools) = load(&mut rng, 1500, 30);
        for words in [1, 3, 8, 70] {
            let prompt = prompt_of(&mut rng, words);
            for limit in [-2, 0, 1, 5, 40, 4000] {
                let want = naive(&prompt, limit, &commands, &tools);
                assert_eq!(plain(route(&prompt, limit, &commands, &tools)), want, "{prompt:?} {limit}");
                for plan in [Plan { block: 1000, ..Plan::PACKED }, Plan { block: 1000, ..Plan::EACH }] {
                    assert_eq!(
                        plain(route_with(&prompt, limit, &commands, &tools, plan)),
                        want,
                        "{prompt:?} {limit} {plan:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn modules_out_of_text_order_fall_back_to_the_field_scorer() {
        let mut rng = Rng(42);
        let ascii = ["git", "Git", "the", "a", "x", "/", " ", "7"];
        let (commands, tools) = load_from(&mut rng, 40, 6, &ascii);
        let reversed: Vec<Module> = commands.iter().rev().cloned().collect();
        let list = tokens("git the a é \u{212a}");
        assert!(whole::masks(&Tokens::new(&list), &reversed, Plan::DEFAULT).is_none());
        let mut mixed = reversed.clone();
        mixed.extend(tools.iter().cloned());
        mixed.push(module("git-extra", "tools/Git.ts"));
        for prompt in ["git the a é \u{212a}", "GIT", "x y z", "\"name\":"] {
            let want = naive(prompt, 50, &mixed, &tools);
            assert_eq!(plain(route(prompt, 50, &mixed, &tools)), want, "{prompt:?}");
        }
    }

    #[test]
    fn long_prompts_are_prefiltered_without_changing_scores() {
        let mut rng = Rng(7);
        for case in 0..40 {
            let n = 1 + rng.below(30);
            let (commands, tools) = load(&mut rng, n, 10);
            let mut prompt = prompt_of(&mut rng, 150);
            // Random lowercase words: mostly absent, some short enough to hit.
            for _ in 0..200 {
                let len = 1 + rng.below(6);
                prompt.extend((0..len).map(|_| (b'a' + rng.below(26) as u8) as char));
                prompt.push(' ');
            }
            assert!(tokens(&prompt).len() > PREFILTER_TOKENS, "case {case}");
            let limit = rng.below(30) as i64 - 2;
            let want = naive(&prompt, limit, &commands, &tools);
            assert_eq!(plain(route(&prompt, limit, &commands, &tools)), want, "case {case}");
        }
    }

    /// These modules, read through the snapshot loader (as commands and as tools).
    fn loaded(modules: &[(&str, &str, &str)]) -> (Vec<Module>, Vec<Module>) {
        let dir = tempfile::tempdir().unwrap();
        let json: Vec<serde_json::Value> = modules
            .iter()
            .map(|(n, h, r)| serde_json::json!({"name": n, "source_hint": h, "responsibility": r}))
            .collect();
        for file in ["commands_snapshot.json", "tools_snapshot.json"] {
            std::fs::write(dir.path().join(file), serde_json::to_string_pretty(&json).unwrap()).unwrap();
        }
        let source = crate::snapshot::Source::Dir(dir.path().to_path_buf());
        (source.commands().unwrap(), source.tools().unwrap())
    }

    /// Every plan agrees with the naive reference on these modules and prompts.
    fn agree_on(modules: &[(&str, &str, &str)], prompts: &[&str]) {
        let (commands, tools) = loaded(modules);
        for prompt in prompts {
            let want = naive(prompt, 100, &commands, &tools);
            for plan in [
                Plan::DEFAULT,
                Plan { block: 2, ..Plan::PACKED },
                Plan::PACKED,
                Plan::EACH,
                Plan { whole_text: false, ..Plan::DEFAULT },
            ] {
                assert_eq!(plain(route_with(prompt, 100, &commands, &tools, plan)), want, "{prompt:?} {plan:?}");
            }
        }
    }

    #[test]
    fn overlapping_and_nested_tokens_are_all_found() {
        agree_on(
            &[
                ("xaby", "Theme", "gitgit"),
                ("aaa", "abab", "name"),
                ("b", "source_hint", "responsibility"),
                ("ab", "y", "z"),
            ],
            &[
                "ab by",
                "by ab",
                "the hem them",
                "git itg tgi",
                "aa a aaa",
                "aba bab",
                "name e",
                "\"name\":",
                "hint ce_",
                "b y",
            ],
        );
    }

    #[test]
    fn fields_sliced_from_a_snapshot_text_are_scored_exactly() {
        let mut rng = Rng(99);
        let ascii = ["aa", "a", "ab", "Git", "the", "\"", "\\", "x", "/"];
        let (random, tools) = load_from(&mut rng, 60, 8, &ascii);
        let (fixed, _) = loaded(&[("n", "h", "aaab"), ("x", "y", "zaaa"), ("", "", "a"), ("aa", "aa", "aaa")]);
        for commands in [random, fixed] {
            let slice = |c: &Cow<'static, str>, from: usize, to: usize| -> Cow<'static, str> {
                match c {
                    Cow::Borrowed(s) => Cow::Borrowed(&s[from.min(s.len())..to.min(s.len())]),
                    Cow::Owned(s) => Cow::Owned(s[from.min(s.len())..to.min(s.len())].to_string()),
                }
            };
            // Overlapping, out-of-order and empty slices within each module; and
            // slices that start inside an occurrence ("aa" at 1 in "aaa").
            let overlapping: Vec<Module> = commands
                .iter()
                .map(|m| {
                    let n = m.responsibility.len();
                    Module {
                        name: slice(&m.responsibility, 1, n),
                        source_hint: slice(&m.responsibility, 0, n / 2),
                        responsibility: slice(&m.name, 1, 1),
                    }
                })
                .collect();
            let shifted: Vec<Module> = commands
                .iter()
                .map(|m| {
                    let n = m.responsibility.len();
                    Module {
                        name: slice(&m.responsibility, 1, n),
                        source_hint: slice(&m.responsibility, n, n),
                        responsibility: slice(&m.responsibility, n, n),
                    }
                })
                .collect();
            for sliced in [overlapping, shifted] {
                for prompt in ["aa", "a ab", "aa a the git", "\"", "\\ x", "aaa"] {
                    let list = tokens(prompt);
                    assert!(whole::masks(&Tokens::new(&list), &sliced, Plan::DEFAULT).is_some());
                    let want = naive(prompt, 200, &sliced, &tools);
                    for plan in [Plan::PACKED, Plan { block: 3, ..Plan::EACH }] {
                        assert_eq!(plain(route_with(prompt, 200, &sliced, &tools, plan)), want, "{prompt:?} {plan:?}");
                    }
                }
            }
        }
    }
}
