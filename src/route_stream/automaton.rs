//! Scoring plain inventory entries (ASCII, no escapes) with dense
//! Aho-Corasick automata over the prompt's ASCII tokens, walked over the
//! values as they lie in the read buffer.
//!
//! * Bytes map to classes: one per byte some token holds, one for every
//!   other byte.  Both cases of an ASCII letter map to the lowercase
//!   letter's class, so walking a raw value walks its lowercased text and
//!   nothing is lowercased first.
//! * Every state has a transition for every class (failure links are
//!   resolved when the table is built): one table load per byte, however
//!   many tokens there are and however often they occur.
//! * Up to 128 words (one automaton): every state carries the set of
//!   words that end there (its own and its suffixes') as a 128-bit set.
//!   Each byte ORs its state's set into the entry's, with no branch, and
//!   the score is a population count.
//! * More words: a transition into a state where words end is flagged, and
//!   there the chain of words ending at that state and its suffixes is
//!   credited to the entry, each at most once (a per-word stamp).
//! * Responsibilities mostly share a long prefix with the one before
//!   ("Command module mirrored from archived TypeScript path commands/"):
//!   the walk keeps its state after every byte of the last one (and the
//!   set there, or the words found in order), and resumes at the end of
//!   the shared prefix, so only the rest is walked.  A responsibility that
//!   ends with the source hint (as the reference's do) already holds every
//!   token the hint holds, so the hint is not walked; nor is a name that
//!   begins the hint's last path component (as the reference's do).
//! * A token longer than [`Limits::head`] bytes is found by its head (its
//!   first bytes, a word of the automata like any other): only an entry
//!   whose fields hold the head is searched for the whole token.
//!
//! The table has `states x classes` entries: past [`Limits::table`], the
//! words are split among several automata, walked in turn.

mod dfa;

use std::collections::HashMap;

use dfa::{Dfa, Resume, Word, and, count, stride};
use memchr::memmem::Finder;

/// Bounds on the automata (smaller in tests, so that every path runs).
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// The most words an automaton keeps as sets (at most 128).
    pub sets: usize,
    /// The most table entries of one automaton (unless one word needs more).
    pub table: usize,
    /// Tokens longer than this are found by their first `head` bytes.
    pub head: usize,
}

/// Tables of at most 16 MiB (a 1 KiB prompt needs at most 1025 states of
/// typically 32 classes: 128 KiB), heads of 64 bytes.
pub(super) const LIMITS: Limits = Limits { sets: 128, table: 1 << 22, head: 64 };

/// The prompt's ASCII tokens, ready to score plain entries.
pub(super) struct Automata {
    groups: Vec<Dfa>,
    /// The tokens longer than a head.
    long: Vec<Finder<'static>>,
}

/// One pass's reusable state for [`Automata::score`].
#[derive(Default)]
pub(super) struct Scratch {
    /// The previous responsibility, as it was in the buffer.
    previous: Vec<u8>,
    groups: Vec<Resume>,
    /// The lowercased fields, for long tokens.
    low: Vec<u8>,
}

/// How many leading bytes `a` and `b` share.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut i = 0;
    while let (Some(x), Some(y)) = (a.get(i..i + 8), b.get(i..i + 8)) {
        let diff =
            u64::from_le_bytes(x.try_into().unwrap_or_default()) ^ u64::from_le_bytes(y.try_into().unwrap_or_default());
        if diff != 0 {
            return i + diff.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    let (a, b) = (a.get(i..).unwrap_or_default(), b.get(i..).unwrap_or_default());
    i + a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Whether `hint` holds `name` where the reference's source hints do: at
/// the start of the last path component (`tools/AgentTool/AgentTool.tsx`).
/// The hint then holds every token the name holds.
#[inline]
fn name_in_hint(name: &[u8], hint: &[u8]) -> bool {
    let last = memchr::memrchr(b'/', hint).map_or(0, |slash| slash + 1);
    hint[last..].starts_with(name)
}

impl Automata {
    /// The automata over the ASCII tokens of `tokens` (a token with another
    /// byte cannot occur in a plain field); `None` when there are none.
    pub(super) fn new(tokens: &[String], limits: Limits) -> Option<Automata> {
        let head = limits.head.max(1);
        let (mut words, mut meaning, mut long) = (Vec::new(), Vec::<Word>::new(), Vec::new());
        let mut index: HashMap<&[u8], usize> = HashMap::new();
        for token in tokens.iter().filter(|t| t.is_ascii() && !t.is_empty()).map(|t| t.as_bytes()) {
            let word = &token[..token.len().min(head)];
            let k = *index.entry(word).or_insert_with(|| {
                words.push(word);
                meaning.push(Word::default());
                words.len() - 1
            });
            if token.len() > head {
                meaning[k].longs.push(long.len());
                long.push(Finder::new(token).into_owned());
            } else {
                meaning[k].token = true;
            }
        }
        if words.is_empty() {
            return None;
        }
        // Split where a table would pass the bound.
        let mut groups = Vec::new();
        let (mut from, mut states, mut bytes) = (0, 1, [false; 128]);
        for (k, word) in words.iter().enumerate() {
            let mut with = bytes;
            word.iter().for_each(|&b| with[b as usize & 127] = true);
            if k > from && (states + word.len()) * stride(&with) > limits.table {
                groups.push(Dfa::new(&words[from..k], meaning[from..k].to_vec(), limits.sets));
                (from, states, with) = (k, 1, [false; 128]);
                word.iter().for_each(|&b| with[b as usize & 127] = true);
            }
            states += word.len();
            bytes = with;
        }
        groups.push(Dfa::new(&words[from..], meaning[from..].to_vec(), limits.sets));
        Some(Automata { groups, long })
    }

    /// How many of the long tokens of the heads `heads` of `dfa` (credited
    /// to the entry) its fields hold.
    #[cold]
    #[inline(never)]
    fn long_tokens(&self, dfa: &Dfa, heads: impl Iterator<Item = usize>, low: &mut Low<'_>) -> usize {
        let low = low.text();
        heads.flat_map(|w| &dfa.words[w].longs).filter(|&&l| self.long[l].find(low).is_some()).count()
    }

    /// The number of tokens that occur in a plain entry's `[name,
    /// source_hint, responsibility]` (raw values: ASCII, no escapes).
    pub(super) fn score(&self, scratch: &mut Scratch, [name, hint, resp]: [&[u8]; 3]) -> usize {
        if scratch.groups.len() != self.groups.len() {
            scratch.previous.clear();
            scratch.groups = self.groups.iter().map(|_| Resume::new()).collect();
        }
        let shared = common_prefix(&scratch.previous, resp);
        let hint_in_resp = resp.ends_with(hint);
        let name_in_hint = name_in_hint(name, hint);
        let mut score = 0;
        let mut low = Low { text: &mut scratch.low, fields: [name, hint, resp], done: false };
        for (dfa, r) in self.groups.iter().zip(&mut scratch.groups) {
            if !dfa.sets.is_empty() {
                let mut found = dfa.walk_set_resuming(r, resp, shared);
                if !name_in_hint {
                    found = dfa.walk_set(name, found);
                }
                if !hint_in_resp {
                    found = dfa.walk_set(hint, found);
                }
                score += count(and(found, dfa.tokens));
                let heads = and(found, dfa.heads);
                if heads != [0, 0] {
                    let bits = heads
                        .into_iter()
                        .enumerate()
                        .flat_map(|(i, word)| (0..64).filter(move |b| word & (1 << b) != 0).map(move |b| i * 64 + b));
                    score += self.long_tokens(dfa, bits, &mut low);
                }
                continue;
            }
            let mut hit = std::mem::take(&mut r.hit);
            hit.next_entry(dfa.words.len());
            dfa.walk_resuming(r, &mut hit, resp, shared);
            if !name_in_hint {
                dfa.walk(name, &mut hit);
            }
            if !hint_in_resp {
                dfa.walk(hint, &mut hit);
            }
            score += hit.tokens;
            if !hit.heads.is_empty() {
                score += self.long_tokens(dfa, hit.heads.iter().map(|&w| w as usize), &mut low);
            }
            r.hit = hit;
        }
        scratch.previous.clear();
        scratch.previous.extend_from_slice(resp);
        score
    }
}

/// An entry's fields, lowercased when a long token is to be searched.
struct Low<'s> {
    text: &'s mut Vec<u8>,
    fields: [&'s [u8]; 3],
    done: bool,
}

impl Low<'_> {
    /// The lowercased fields joined by newlines (no token holds
    /// whitespace, and no plain field a raw newline).
    fn text(&mut self) -> &[u8] {
        if !self.done {
            self.text.clear();
            for (i, field) in self.fields.into_iter().enumerate() {
                if i > 0 {
                    self.text.push(b'\n');
                }
                self.text.extend(field.iter().map(u8::to_ascii_lowercase));
            }
            self.done = true;
        }
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `tokens` that occur in the lowercased fields.
    fn naive(tokens: &[String], fields: [&[u8]; 3]) -> usize {
        let low = fields.map(|f| f.to_ascii_lowercase());
        tokens.iter().filter(|t| low.iter().any(|f| f.windows(t.len().max(1)).any(|w| w == t.as_bytes()))).count()
    }

    #[test]
    fn common_prefix_counts_equal_leading_bytes() {
        for (a, b, n) in [
            ("", "", 0),
            ("abc", "abd", 2),
            ("abcdefghij", "abcdefghij", 10),
            ("abcdefghijk", "abcdefghiXk", 9),
            ("abcdefgh", "abcdefghijk", 8),
            ("x", "y", 0),
        ] {
            assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), n, "{a:?} {b:?}");
        }
    }

    /// Random tokens and entries whose responsibilities share prefixes of
    /// every length (and often end with the source hint), scored in turn
    /// under every split of the tokens.
    #[test]
    fn scores_agree_with_substring_search_on_random_entries() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut below = move |n: usize| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
        };
        const BYTES: &[u8] = b"abAB/.t";
        let text = |below: &mut dyn FnMut(usize) -> usize, max: usize| -> Vec<u8> {
            (0..below(max + 1)).map(|_| BYTES[below(BYTES.len())]).collect()
        };
        for case in 0..300 {
            let mut tokens: Vec<String> = Vec::new();
            for _ in 0..1 + below(40) {
                let token = String::from_utf8(text(&mut below, 5)).unwrap().to_ascii_lowercase();
                if !token.is_empty() && !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
            let prefixes: Vec<Vec<u8>> = (0..3).map(|_| text(&mut below, 12)).collect();
            let limits = [
                LIMITS,
                Limits { sets: 0, ..LIMITS },
                Limits { sets: below(6), table: 1 + below(200), head: 1 + below(5) },
            ];
            let automata = limits.map(|l| Automata::new(&tokens, l));
            let mut scratch = [Scratch::default(), Scratch::default(), Scratch::default()];
            for _ in 0..30 {
                let (name, mut hint) = (text(&mut below, 6), text(&mut below, 8));
                if below(2) == 0 {
                    // A hint holding the name where the reference's do.
                    hint.push(b'/');
                    hint.extend(&name);
                    hint.extend(text(&mut below, 3));
                }
                let mut resp = prefixes[below(3)].clone();
                resp.truncate(below(resp.len() + 1));
                resp.extend(text(&mut below, 4));
                if below(2) == 0 {
                    resp.extend(&hint);
                }
                let fields = [&name[..], &hint[..], &resp[..]];
                for (automata, scratch) in automata.iter().zip(&mut scratch) {
                    let got = automata.as_ref().map_or(0, |a| a.score(scratch, fields));
                    assert_eq!(got, naive(&tokens, fields), "case {case}: {tokens:?} {fields:?}");
                }
            }
        }
    }

    #[test]
    fn scores_agree_with_substring_search_under_every_split() {
        let words = ["a", "ab", "aba", "bab", "git", "Gi", "the", "them", "hem", "m", "x7", ".ts", "_", "zz"];
        let tokens: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
        let mut distinct = tokens.clone();
        distinct.dedup();
        let entries: &[[&str; 3]] = &[
            ["GitThem", "x/a.ts", "mirrors x/a.ts"],
            ["abab", "them", "mirrors x/b.ts"],
            ["", "", ""],
            ["Theme", "bab", "mirrors x/b.tsX7"],
            ["zz", "zz", "mirrors x/"],
            ["Z", "_", "mirrors x/_"],
        ];
        for limits in [
            LIMITS,
            Limits { sets: 0, table: 1, head: 1 },
            Limits { sets: 3, table: 40, head: 2 },
            Limits { sets: 0, ..LIMITS },
        ] {
            let automata = Automata::new(&distinct, limits).unwrap();
            let mut scratch = Scratch::default();
            for _ in 0..2 {
                for fields in entries {
                    let fields = fields.map(str::as_bytes);
                    assert_eq!(automata.score(&mut scratch, fields), naive(&distinct, fields), "{fields:?}");
                }
            }
        }
        assert!(Automata::new(&["é".to_string()], LIMITS).is_none());
    }
}
