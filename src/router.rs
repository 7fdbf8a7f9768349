//! Prompt routing: the reference's token scorer and match selection.
//!
//! A module's score is the number of distinct prompt tokens that occur as a
//! substring of its lowercased name, source hint or responsibility.  Tokens
//! come from `prompt.replace('/', ' ').replace('-', ' ').split()`, lowercased.
//!
//! Two scorers compute that same number:
//! * `route_stream` scores inventory texts in one streaming pass (what the
//!   `route` command uses: [`route_source`]);
//! * `scorer::Scorer` searches each field of modules already
//!   in memory with an Aho-Corasick automaton ([`route`]; bootstrap and
//!   turn-loop, and any inventory the streaming pass does not take).
//!
//! Only the best `limit + 1` matches of each kind are ever sorted.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::error::Result;
use crate::pyfmt::{int::slice_end, text};
use crate::route_stream::{self, Found};
use crate::scorer::{Scorer, fields};
use crate::snapshot::{Module, Source};

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

/// Every module with a positive score, in snapshot order.
fn scored<'a>(scorer: &mut Scorer, modules: &'a [Module], kind: Kind) -> Vec<(usize, Match<'a>)> {
    modules
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let score = scorer.score(m);
            (score > 0).then(|| (i, Match { kind, name: &m.name, source_hint: &m.source_hint, score }))
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

fn collect<'a>(tokens: &[String], modules: &'a [Module], kind: Kind, keep: usize) -> Vec<Match<'a>> {
    best(scored(&mut Scorer::new(tokens), modules, kind), keep)
}

/// How many matches of each kind `limit` can select: the best of each kind
/// leads, and at most `limit` more are taken from the rest (a negative limit
/// takes none of them).
fn keep_for(limit: i64) -> usize {
    usize::try_from(limit.max(0)).unwrap_or(usize::MAX).saturating_add(1)
}

/// `PortRuntime.route_prompt(prompt, limit)` over modules in memory.
pub fn route<'a>(prompt: &str, limit: i64, commands: &'a [Module], tools: &'a [Module]) -> Vec<Match<'a>> {
    let mut list = tokens(prompt);
    if list.len() > PREFILTER_TOKENS {
        list = plausible(list, [commands, tools]);
    }
    if list.is_empty() {
        return Vec::new();
    }
    let keep = keep_for(limit);
    let by_kind = if commands.len() + tools.len() >= PARALLEL_MODULES {
        let (t, c) = crate::threads::both(
            || collect(&list, tools, Kind::Tool, keep),
            || collect(&list, commands, Kind::Command, keep),
        );
        [c, t]
    } else {
        [collect(&list, commands, Kind::Command, keep), collect(&list, tools, Kind::Tool, keep)]
    };
    select(by_kind, limit)
}

/// The reference's selection from each kind's matches (best first).
fn select<'a>(mut by_kind: [Vec<Match<'a>>; 2], limit: i64) -> Vec<Match<'a>> {
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
    let room = limit.saturating_sub(selected.len() as i64).max(0);
    let take = slice_end(leftovers.len(), room);
    selected.extend(leftovers.into_iter().take(take));
    let keep = slice_end(selected.len(), limit);
    selected.truncate(keep);
    selected
}

/// Matches that own their text (from [`route_source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    matches: Vec<(Kind, String, String, usize)>,
}

impl Routed {
    pub fn of(matches: &[Match<'_>]) -> Routed {
        Routed {
            matches: matches.iter().map(|m| (m.kind, m.name.to_string(), m.source_hint.to_string(), m.score)).collect(),
        }
    }

    pub fn matches(&self) -> Vec<Match<'_>> {
        self.matches
            .iter()
            .map(|(kind, name, source_hint, score)| Match { kind: *kind, name, source_hint, score: *score })
            .collect()
    }
}

/// `PortRuntime.route_prompt(prompt, limit)` over the inventories of
/// `source`, streamed where possible (see `route_stream`); an inventory it
/// cannot stream is loaded whole, which also reports any error.
pub fn route_source(source: &Source, prompt: &str, limit: i64) -> Result<Routed> {
    let list = tokens(prompt);
    if let Some(found) = route_stream::best(&source.inventory_inputs(), &list, keep_for(limit)) {
        return Ok(streamed(&found, limit));
    }
    let (commands, tools) = source.commands_and_tools()?;
    Ok(Routed::of(&route(prompt, limit, &commands, &tools)))
}

fn streamed(found: &[Vec<Found>; 2], limit: i64) -> Routed {
    let by_kind = [(Kind::Command, &found[0]), (Kind::Tool, &found[1])].map(|(kind, found)| {
        found
            .iter()
            .map(|f| Match { kind, name: &f.name, source_hint: &f.source_hint, score: f.score })
            .collect::<Vec<_>>()
    });
    Routed::of(&select(by_kind, limit))
}

#[cfg(test)]
mod tests;
