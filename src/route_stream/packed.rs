//! Finding every occurrence of a few tokens in a lowercased block with one
//! SIMD multi-pattern pass (aho-corasick's packed Teddy searcher).
//!
//! Teddy skips the bytes where no token can start, so it is the fastest
//! search while occurrences are rare.  Each occurrence costs a call and a
//! check, though, and Teddy's own false candidates grow with the number of
//! tokens: it is used for at most [`MAX_TOKENS`] tokens, and a block stops
//! being searched this way once it holds more than one occurrence per
//! [`SPACING`] bytes (the caller then walks the automata instead).

use aho_corasick::Span;
use aho_corasick::packed::{Config, Searcher};

/// The most tokens searched with Teddy.  With 64 tokens, rare ones cost
/// as much as walking the automata.
pub(super) const MAX_TOKENS: usize = 32;

/// A block with more than one occurrence per this many bytes is left to
/// the automata: past that, Teddy costs more than walking them.
pub(super) const SPACING: usize = 128;

/// The searcher and the tokens it finds.
pub(super) struct Packed<'t> {
    searcher: Searcher,
    /// The ASCII tokens (with their index in the prompt's token list),
    /// sorted by first byte.
    tokens: Vec<(usize, &'t [u8])>,
    /// `tokens[starts[b]..starts[b + 1]]` begin with byte `b`.
    starts: [u16; 257],
}

impl<'t> Packed<'t> {
    /// A searcher for the ASCII tokens of `tokens` (no other token can occur
    /// in a plain field); `None` for none, more than `max`, or no SIMD.
    pub(super) fn new(tokens: &'t [String], max: usize) -> Option<Packed<'t>> {
        let mut ascii: Vec<(usize, &[u8])> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_ascii() && !t.is_empty())
            .map(|(i, t)| (i, t.as_bytes()))
            .collect();
        if ascii.is_empty() || ascii.len() > max.min(64) {
            return None;
        }
        let mut builder = Config::new().builder();
        builder.extend(ascii.iter().map(|(_, t)| t));
        let searcher = builder.build()?;
        ascii.sort_by_key(|(_, t)| t[0]);
        let mut starts = [0u16; 257];
        for b in 0..256 {
            starts[b + 1] = starts[b] + ascii.iter().filter(|(_, t)| t[0] as usize == b).count() as u16;
        }
        Some(Packed { searcher, tokens: ascii, starts })
    }

    fn starting_with(&self, b: u8) -> &[(usize, &'t [u8])] {
        &self.tokens[self.starts[b as usize] as usize..self.starts[b as usize + 1] as usize]
    }

    /// Every occurrence `(start, len, token)` in `low`, in order of start;
    /// `false` (and `out` incomplete) once there are more than `most`.
    pub(super) fn hits(&self, low: &[u8], out: &mut Vec<(usize, usize, usize)>, most: usize) -> bool {
        out.clear();
        let mut from = 0;
        while let Some(m) = self.searcher.find_in(low, Span::from(from..low.len())) {
            let p = m.start();
            let rest = &low[p..];
            for &(index, t) in self.starting_with(rest[0]) {
                // Tokens are short: a byte loop beats a memcmp call.
                if rest.len() >= t.len() && rest.iter().zip(t).all(|(a, b)| a == b) {
                    out.push((p, t.len(), index));
                }
            }
            if out.len() > most {
                return false;
            }
            from = p + 1;
        }
        true
    }
}
