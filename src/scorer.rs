//! The field scorer: how many distinct prompt tokens occur in a module's
//! lowercased name, source hint or responsibility.  `router` uses it for
//! modules in memory, `route_stream` for entries its fast paths leave
//! (escapes, non-ASCII text).
//!
//! The first [`SEARCHED_ALONE`] modules are searched one token at a time
//! (`memmem`); only a scorer that goes on past them builds one Aho-Corasick
//! automaton for all tokens.  Building the automaton costs as much as
//! searching a few hundred short modules, so the embedded inventory, a few
//! dozen modules, never pays for it, and a big one pays once.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem::Finder;

use crate::pyfmt::text;
use crate::snapshot::Module;

/// A module's three scored fields.
pub(crate) fn fields(module: &Module) -> [&Cow<'static, str>; 3] {
    [&module.name, &module.source_hint, &module.responsibility]
}

/// The automaton over the tokens.  Tokens are lowercase; ASCII case folding
/// lets ASCII fields be searched without lowercasing them first.
fn automaton(tokens: &[&[u8]]) -> Option<AhoCorasick> {
    if tokens.is_empty() {
        return None;
    }
    AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(tokens).ok()
}

/// Modules searched token by token before the automaton is built.
const SEARCHED_ALONE: usize = 256;

/// Scores modules against a fixed token set, one field at a time.
pub(crate) struct Scorer {
    finders: Vec<Finder<'static>>,
    /// Built once `searched` reaches [`SEARCHED_ALONE`].
    automaton: Option<AhoCorasick>,
    searched: usize,
    /// A field lowercased, reused.
    lowered: String,
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
        Scorer {
            finders: tokens.iter().map(|t| Finder::new(t.as_bytes()).into_owned()).collect(),
            automaton: None,
            searched: 0,
            lowered: String::new(),
            stamps: vec![0; tokens.len()],
            generation: 0,
        }
    }

    /// A scorer that uses the automaton from the first module on.
    #[cfg(test)]
    pub(crate) fn automaton_first(tokens: &[String]) -> Scorer {
        let mut scorer = Scorer::new(tokens);
        scorer.searched = SEARCHED_ALONE;
        scorer.automaton = automaton(&tokens.iter().map(String::as_bytes).collect::<Vec<_>>());
        scorer
    }

    /// The number of distinct tokens found in any of the module's fields.
    pub(crate) fn score(&mut self, module: &Module) -> usize {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        if self.searched < SEARCHED_ALONE {
            self.searched += 1;
            if self.searched == SEARCHED_ALONE {
                let tokens: Vec<&[u8]> = self.finders.iter().map(Finder::needle).collect();
                self.automaton = automaton(&tokens);
            }
            return self.score_alone(module);
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

    /// [`Scorer::score`] without the automaton: each field is lowercased
    /// (ASCII letters only, for ASCII text) and searched for each token
    /// not found yet.
    fn score_alone(&mut self, module: &Module) -> usize {
        let mut score = 0;
        for field in fields(module) {
            if score == self.finders.len() {
                break;
            }
            self.lowered.clear();
            if field.is_ascii() {
                self.lowered.push_str(field);
                self.lowered.make_ascii_lowercase();
            } else {
                self.lowered.push_str(&text::lower(field));
            }
            for (finder, slot) in self.finders.iter().zip(self.stamps.iter_mut()) {
                if *slot != self.generation && finder.find(self.lowered.as_bytes()).is_some() {
                    *slot = self.generation;
                    score += 1;
                }
            }
        }
        score
    }
}
