//! The field scorer: how many distinct prompt tokens occur in a module's
//! lowercased name, source hint or responsibility, found with one
//! Aho-Corasick automaton per token set.  `router` uses it for modules in
//! memory, `route_stream` for entries its fast paths leave (escapes,
//! non-ASCII text).

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::pyfmt::text;
use crate::snapshot::Module;

/// A module's three scored fields.
pub(crate) fn fields(module: &Module) -> [&Cow<'static, str>; 3] {
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

/// Scores modules against a fixed token set, one field at a time.
pub(crate) struct Scorer {
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

impl Scorer {
    pub(crate) fn new(tokens: &[String]) -> Scorer {
        Scorer { automaton: automaton(tokens), stamps: vec![0; tokens.len()], generation: 0 }
    }

    /// The number of distinct tokens found in any of the module's fields.
    pub(crate) fn score(&mut self, module: &Module) -> usize {
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
