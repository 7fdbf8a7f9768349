//! One dense Aho-Corasick automaton over some of a prompt's words (see
//! `automaton`): built once per call, walked over plain values as they lie
//! in the buffer, crediting the words it finds to the current entry as a
//! 128-bit set or word by word, and resuming a responsibility where the
//! prefix it shares with the previous one ends.

/// A set of up to 128 words of one automaton.
pub(super) type Set = [u64; 2];

#[inline(always)]
fn or(a: Set, b: Set) -> Set {
    [a[0] | b[0], a[1] | b[1]]
}

#[inline(always)]
pub(super) fn and(a: Set, b: Set) -> Set {
    [a[0] & b[0], a[1] & b[1]]
}

#[inline(always)]
pub(super) fn count(a: Set) -> usize {
    (a[0].count_ones() + a[1].count_ones()) as usize
}

/// Set in a transition into a state where some word ends.
const MATCH: u32 = 1 << 31;

/// No word ends at this state.
const NONE: u32 = u32::MAX;

/// One automaton over some of the words.
pub(super) struct Dfa {
    /// Byte to class, ASCII case folded.
    classes: [u8; 256],
    /// log2 of a row's length (the classes, rounded up to a power of two).
    shift: u32,
    /// `next[row + class]`: the next state's row (a state's row is
    /// `state << shift`), with [`MATCH`] unless there are `sets`.
    next: Vec<u32>,
    /// Up to 128 words: the words ending at each state (else empty).
    pub(super) sets: Vec<Set>,
    /// With `sets`: the words that are tokens of their own, and the words
    /// that are heads of longer tokens.
    pub(super) tokens: Set,
    pub(super) heads: Set,
    /// The word ending at each state (words are distinct: at most one),
    /// or [`NONE`].
    own: Vec<u32>,
    /// The longest proper suffix state where a word ends (0: none).
    link: Vec<u32>,
    /// What each word stands for.
    pub(super) words: Vec<Word>,
}

/// What a word of the automata stands for.
#[derive(Debug, Clone, Default)]
pub(super) struct Word {
    /// A token of its own.
    pub(super) token: bool,
    /// The longer tokens it is the head of (indices into `Automata::long`).
    pub(super) longs: Vec<usize>,
}

/// The number of classes of `words` (with class 0), rounded up to a power
/// of two: a row's length.
pub(super) fn stride(bytes: &[bool; 128]) -> usize {
    (1 + bytes.iter().filter(|&&b| b).count()).next_power_of_two()
}

impl Dfa {
    /// The automaton over `words` (distinct, non-empty, ASCII), with sets
    /// if there are at most `sets` (at most 128).
    pub(super) fn new(words: &[&[u8]], meaning: Vec<Word>, sets: usize) -> Dfa {
        // Class 0 is every byte no word holds; ASCII gives at most 129.
        let mut id = [0u8; 128];
        let mut n = 1;
        for &b in words.iter().flat_map(|t| t.iter()) {
            if id[b as usize & 127] == 0 {
                id[b as usize & 127] = n as u8;
                n += 1;
            }
        }
        let mut classes = [0u8; 256];
        for (b, class) in classes.iter_mut().enumerate().take(128) {
            // An uppercase letter in a word would get a class no byte maps
            // to (tokens are lowered, so there is none).
            *class = id[(b as u8).to_ascii_lowercase() as usize];
        }
        let shift = (n as u32).next_power_of_two().trailing_zeros();
        let stride = 1usize << shift;
        let class = |b: u8| id[b as usize & 127] as usize;

        // The trie.
        let mut trie = vec![0u32; stride];
        let mut own = vec![NONE];
        for (k, word) in words.iter().enumerate() {
            let mut s = 0usize;
            for &b in word.iter() {
                let at = (s << shift) | class(b);
                if trie[at] == 0 {
                    trie[at] = own.len() as u32;
                    own.push(NONE);
                    trie.resize(trie.len() + stride, 0);
                }
                s = trie[at] as usize;
            }
            own[s] = k as u32;
        }

        // Breadth first: a state's failure target is shallower, so its row
        // and suffix link are complete when the state is reached.
        let states = own.len();
        let mut next = vec![0u32; states << shift];
        let mut fail = vec![0u32; states];
        let mut link = vec![0u32; states];
        let mut queue = Vec::with_capacity(states);
        queue.push(0usize);
        let mut head = 0;
        while let Some(&s) = queue.get(head) {
            head += 1;
            let f = fail[s] as usize;
            if s != 0 {
                link[s] = if own[f] != NONE { f as u32 } else { link[f] };
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
        // Up to 128 words: each state's set is its own word's and its
        // suffix link's (shallower, so done first).
        let (limit, mut sets, mut tokens, mut heads) = (sets, Vec::new(), [0, 0], [0, 0]);
        if words.len() <= limit.min(128) {
            sets = vec![[0u64; 2]; states];
            for &s in &queue {
                let mut set = sets[link[s] as usize];
                if let Some(w) = own.get(s).filter(|&&w| w != NONE) {
                    set[(*w as usize / 64) & 1] |= 1 << (w % 64);
                }
                sets[s] = set;
            }
            for (w, word) in meaning.iter().enumerate() {
                let bit = |set: &mut Set| set[(w / 64) & 1] |= 1 << (w % 64);
                if word.token {
                    bit(&mut tokens);
                }
                if !word.longs.is_empty() {
                    bit(&mut heads);
                }
            }
        }
        // States become the offsets of their rows, flagged where words end
        // (sets need no flag).
        for t in next.iter_mut() {
            let s = *t as usize;
            let ends = sets.is_empty() && (own[s] != NONE || link[s] != 0);
            *t = (*t << shift) | if ends { MATCH } else { 0 };
        }
        Dfa { classes, shift, next, sets, tokens, heads, own, link, words: meaning }
    }

    /// The words ending at the state of row `s` (with `sets`).
    #[inline(always)]
    fn set(&self, s: u32) -> Set {
        self.sets[(s >> self.shift) as usize]
    }

    /// `found` and the words in `text` (with `sets`).
    #[inline]
    pub(super) fn walk_set(&self, text: &[u8], mut found: Set) -> Set {
        let mut s = 0;
        for &b in text {
            s = self.step(s, b);
            found = or(found, self.set(s));
        }
        found
    }

    /// The words in `resp` (with `sets`): walked from `shared` on, resuming
    /// from the state and set the previous walk had there.
    #[inline]
    pub(super) fn walk_set_resuming(&self, r: &mut Resume, resp: &[u8], shared: usize) -> Set {
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

    /// The transition from row `s` on byte `b`.
    #[inline(always)]
    fn step(&self, s: u32, b: u8) -> u32 {
        self.next[s as usize | self.classes[b as usize] as usize]
    }

    /// Credits every word ending at the state of row `s` (and at its
    /// suffixes) not yet credited to the entry, calling `found` with each.
    #[inline]
    fn credit(&self, s: u32, hit: &mut Hit, mut found: impl FnMut(u32)) {
        let mut q = (s >> self.shift) as usize;
        if self.own[q] == NONE {
            q = self.link[q] as usize;
        }
        while q != 0 {
            let w = self.own[q];
            hit.credit(w, &self.words[w as usize]);
            if hit.fresh {
                found(w);
            }
            q = self.link[q] as usize;
        }
    }

    /// Credits the words in `text`.
    #[inline]
    pub(super) fn walk(&self, text: &[u8], hit: &mut Hit) {
        let mut s = 0;
        for &b in text {
            let t = self.step(s, b);
            s = t & !MATCH;
            if t & MATCH != 0 {
                self.credit(s, hit, |_| {});
            }
        }
    }

    /// Credits the words in `resp`: those the previous walk found before
    /// `shared`, then those from `shared` on, walked from the state the
    /// previous walk had there.
    #[inline]
    pub(super) fn walk_resuming(&self, r: &mut Resume, hit: &mut Hit, resp: &[u8], shared: usize) {
        while r.found.last().is_some_and(|&(end, _)| end > shared) {
            r.found.pop();
        }
        for &(_, w) in &r.found {
            hit.credit(w, &self.words[w as usize]);
        }
        if r.states.len() <= resp.len() {
            r.states.resize(resp.len() + 1, 0);
        }
        let mut s = r.states[shared];
        for (i, (&b, after)) in resp[shared..].iter().zip(&mut r.states[shared + 1..]).enumerate() {
            let t = self.step(s, b);
            s = t & !MATCH;
            *after = s;
            if t & MATCH != 0 {
                let found = &mut r.found;
                self.credit(s, hit, |w| found.push((shared + i + 1, w)));
            }
        }
    }
}

/// The words credited to the current entry by one automaton.
#[derive(Default)]
pub(super) struct Hit {
    /// `stamps[w] == entry` once word `w` is credited.
    stamps: Vec<u32>,
    entry: u32,
    /// Tokens credited.
    pub(super) tokens: usize,
    /// Heads credited (their long tokens are still to check).
    pub(super) heads: Vec<u32>,
    /// Whether the last word credited was new to the entry.
    fresh: bool,
}

impl Hit {
    /// Starts the next entry.
    pub(super) fn next_entry(&mut self, words: usize) {
        self.entry = self.entry.wrapping_add(1);
        if self.entry == 0 || self.stamps.len() != words {
            self.stamps.clear();
            self.stamps.resize(words, 0);
            self.entry = 1;
        }
        self.tokens = 0;
        self.heads.clear();
    }

    #[inline(always)]
    fn credit(&mut self, w: u32, word: &Word) {
        let stamp = &mut self.stamps[w as usize];
        self.fresh = *stamp != self.entry;
        if self.fresh {
            *stamp = self.entry;
            self.tokens += word.token as usize;
            if !word.longs.is_empty() {
                self.heads.push(w);
            }
        }
    }
}

/// What one automaton's walk over the last responsibility left behind.
#[derive(Default)]
pub(super) struct Resume {
    /// With sets: `after[i]` is the state (row) and set after the first
    /// `i` bytes (`after[0]`, the start, is never overwritten).
    after: Vec<(u32, Set)>,
    /// Without: `states[i]`, the state after the first `i` bytes.
    states: Vec<u32>,
    /// Each word found, with where its first occurrence ended, in order.
    found: Vec<(usize, u32)>,
    pub(super) hit: Hit,
}

impl Resume {
    /// Nothing walked yet: the start state before the first byte.
    pub(super) fn new() -> Resume {
        Resume { after: vec![(0, [0, 0])], states: vec![0], ..Resume::default() }
    }
}
