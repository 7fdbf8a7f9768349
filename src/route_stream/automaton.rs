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
//! * Every state carries the set of tokens that end there (its own and its
//!   suffixes') as a 128-bit set: each byte ORs its state's set into the
//!   entry's, with no branch, and an entry's score is a population count.
//! * Responsibilities mostly share a long prefix with the one before
//!   ("Command module mirrored from archived TypeScript path commands/"):
//!   the walk keeps its state and set after every byte of the last one,
//!   and resumes from them at the end of the shared prefix, so only the
//!   rest is walked.  A responsibility that ends with the source hint (as
//!   the reference's do) already holds every token the hint holds, so the
//!   hint is not walked; nor is a name that begins the hint's last path
//!   component (as the reference's do).
//!
//! The table has `states x classes` entries, so its size is bounded: the
//! tokens are split into groups of at most [`Limits::tokens`] tokens and
//! [`Limits::states`] states, one automaton each, walked in turn; tokens
//! longer than [`Limits::long`] bytes are found with `memmem` in the
//! lowercased fields.

use memchr::memmem::Finder;

/// Bounds on the automata (smaller in tests, so that every path runs).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most tokens one automaton has (at most 128: one [`Set`]).
    pub tokens: usize,
    /// The most states one automaton has (unless one token needs more).
    pub states: usize,
    /// Tokens longer than this many bytes are found with `memmem`.
    pub long: usize,
}

/// At most 4096 states of at most 256 classes: a table of at most 4 MiB
/// (a 1 KiB prompt needs at most 1025 states of typically 32 classes).
pub const LIMITS: Limits = Limits { tokens: 128, states: 4096, long: 64 };

/// A set of up to 128 tokens of one group.
type Set = [u64; 2];

#[inline(always)]
fn or(a: Set, b: Set) -> Set {
    [a[0] | b[0], a[1] | b[1]]
}

/// One automaton over a group of tokens.
struct Dfa {
    /// Byte to class, ASCII case folded.
    classes: [u8; 256],
    /// log2 of a row's length (the classes, rounded up to a power of two).
    shift: u32,
    /// `next[row + class]`: the next state's row, where a state's row is
    /// `state << shift`.
    next: Vec<u32>,
    /// The tokens that end at each state (empty for most).
    sets: Vec<Set>,
}

impl Dfa {
    /// The automaton over `tokens` (at most 128; distinct, non-empty, ASCII).
    fn new(tokens: &[&[u8]]) -> Dfa {
        // Class 0 is every byte no token holds; ASCII gives at most 129.
        let mut id = [0u8; 128];
        let mut n = 1;
        for &b in tokens.iter().flat_map(|t| t.iter()) {
            if id[b as usize & 127] == 0 {
                id[b as usize & 127] = n as u8;
                n += 1;
            }
        }
        let mut classes = [0u8; 256];
        for (b, class) in classes.iter_mut().enumerate().take(128) {
            // An uppercase letter in a token would get a class no byte maps
            // to (tokens are lowered, so there is none).
            *class = id[(b as u8).to_ascii_lowercase() as usize];
        }
        let shift = (n as u32).next_power_of_two().trailing_zeros();
        let stride = 1usize << shift;
        let class = |b: u8| id[b as usize & 127] as usize;

        // The trie: `own[s]` is the set of the token ending at `s` (tokens
        // are distinct, so at most one).
        let mut trie = vec![0u32; stride];
        let mut own: Vec<Set> = vec![[0, 0]];
        for (k, token) in tokens.iter().enumerate() {
            let mut s = 0usize;
            for &b in token.iter() {
                let at = (s << shift) | class(b);
                if trie[at] == 0 {
                    trie[at] = own.len() as u32;
                    own.push([0, 0]);
                    trie.resize(trie.len() + stride, 0);
                }
                s = trie[at] as usize;
            }
            own[s][(k / 64) & 1] |= 1 << (k % 64);
        }

        // Breadth first: a state's failure target is shallower, so its row
        // and set are complete when the state is reached.
        let states = own.len();
        let mut next = vec![0u32; states << shift];
        let mut fail = vec![0u32; states];
        let mut sets = own;
        let mut queue = Vec::with_capacity(states);
        queue.push(0usize);
        let mut head = 0;
        while let Some(&s) = queue.get(head) {
            head += 1;
            let f = fail[s] as usize;
            if s != 0 {
                sets[s] = or(sets[s], sets[f]);
            }
            for c in 0..stride {
                let child = trie[(s << shift) | c];
                let via_fail = if s == 0 { 0 } else { next[(f << shift) | c] };
                next[(s << shift) | c] = if child != 0 {
                    fail[child as usize] = via_fail;
                    queue.push(child as usize);
                    child
                } else {
                    via_fail
                };
            }
        }
        // States become the offsets of their rows (at most 2^20).
        for t in next.iter_mut() {
            *t <<= shift;
        }
        Dfa { classes, shift, next, sets }
    }

    /// The state after `s` (a row offset) reads `b`.
    #[inline(always)]
    fn step(&self, s: u32, b: u8) -> u32 {
        self.next[s as usize | self.classes[b as usize] as usize]
    }

    /// The tokens that end at state `s`.
    #[inline(always)]
    fn set(&self, s: u32) -> Set {
        self.sets[(s >> self.shift) as usize]
    }

    /// `found` and the tokens in `text`.
    #[inline]
    fn walk(&self, text: &[u8], mut found: Set) -> Set {
        let mut s = 0;
        for &b in text {
            s = self.step(s, b);
            found = or(found, self.set(s));
        }
        found
    }

    /// The tokens in `resp`: walked from `shared` on, resuming from the
    /// state and set the previous walk had there.
    #[inline]
    fn walk_resuming(&self, r: &mut Resume, resp: &[u8], shared: usize) -> Set {
        if r.after.len() <= resp.len() {
            r.after.resize(resp.len() + 1, (0, [0, 0]));
        }
        let (mut s, mut found) = r.after[shared];
        for (&b, after) in resp[shared..].iter().zip(&mut r.after[shared + 1..]) {
            s = self.step(s, b);
            found = or(found, self.set(s));
            *after = (s, found);
        }
        found
    }
}

/// What one automaton's walk over the last responsibility left behind:
/// `after[i]` is its state and the tokens found after the first `i` bytes
/// (`after[0]`, the start, is never overwritten).
struct Resume {
    after: Vec<(u32, Set)>,
}

/// The prompt's ASCII tokens, ready to score plain entries.
pub struct Automata {
    groups: Vec<Dfa>,
    long: Vec<Finder<'static>>,
}

/// One pass's reusable state for [`Automata::score`].
#[derive(Default)]
pub struct Scratch {
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
    pub fn new(tokens: &[String], limits: Limits) -> Option<Automata> {
        let ascii = tokens.iter().filter(|t| t.is_ascii() && !t.is_empty()).map(|t| t.as_bytes());
        let (long, short): (Vec<&[u8]>, Vec<&[u8]>) = ascii.partition(|t| t.len() > limits.long);
        if long.is_empty() && short.is_empty() {
            return None;
        }
        let per_group = limits.tokens.clamp(1, 128);
        let mut groups = Vec::new();
        let (mut group, mut states) = (Vec::new(), 1);
        for token in short {
            if !group.is_empty() && (group.len() == per_group || states + token.len() > limits.states) {
                groups.push(Dfa::new(&group));
                (group, states) = (Vec::new(), 1);
            }
            group.push(token);
            states += token.len();
        }
        if !group.is_empty() {
            groups.push(Dfa::new(&group));
        }
        let long = long.into_iter().map(|t| Finder::new(t).into_owned()).collect();
        Some(Automata { groups, long })
    }

    /// The number of tokens that occur in a plain entry's `[name,
    /// source_hint, responsibility]` (raw values: ASCII, no escapes).
    pub fn score(&self, scratch: &mut Scratch, [name, hint, resp]: [&[u8]; 3]) -> usize {
        if scratch.groups.len() != self.groups.len() {
            scratch.previous.clear();
            scratch.groups = self.groups.iter().map(|_| Resume { after: vec![(0, [0, 0])] }).collect();
        }
        let shared = common_prefix(&scratch.previous, resp);
        let hint_in_resp = resp.ends_with(hint);
        let mut score = 0;
        let name_in_hint = name_in_hint(name, hint);
        for (dfa, r) in self.groups.iter().zip(&mut scratch.groups) {
            let mut found = dfa.walk_resuming(r, resp, shared);
            if !name_in_hint {
                found = dfa.walk(name, found);
            }
            if !hint_in_resp {
                found = dfa.walk(hint, found);
            }
            score += (found[0].count_ones() + found[1].count_ones()) as usize;
        }
        scratch.previous.clear();
        scratch.previous.extend_from_slice(resp);
        if !self.long.is_empty() {
            // A newline joins the fields: no token holds whitespace, and no
            // plain field holds a raw newline.
            let low = &mut scratch.low;
            low.clear();
            for (i, field) in [name, hint, resp].into_iter().enumerate() {
                if i > 0 {
                    low.push(b'\n');
                }
                low.extend(field.iter().map(u8::to_ascii_lowercase));
            }
            score += self.long.iter().filter(|f| f.find(low).is_some()).count();
        }
        score
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
            let limits = [LIMITS, Limits { tokens: 1 + below(4), states: 1 + below(12), long: 1 + below(5) }];
            let automata = limits.map(|l| Automata::new(&tokens, l));
            let mut scratch = [Scratch::default(), Scratch::default()];
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
        for limits in [LIMITS, Limits { tokens: 1, states: 1, long: 1 }, Limits { tokens: 3, states: 5, long: 2 }] {
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
