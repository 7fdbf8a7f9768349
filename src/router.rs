//! Prompt routing: the reference's token scorer and match selection.
//!
//! A module's score is the number of distinct prompt tokens that occur as a
//! substring of its lowercased name, source hint or responsibility.  Tokens
//! come from `prompt.replace('/', ' ').replace('-', ' ').split()`, lowercased.
//! All tokens are found in one pass per field with an Aho-Corasick automaton,
//! so cost grows with the text scanned, not with tokens × entries × length.

use std::cmp::Ordering;
use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::pyfmt::{int::slice_end, text};
use crate::snapshot::Module;

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
    let replaced: String = prompt.chars().map(|c| if c == '/' || c == '-' { ' ' } else { c }).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in text::split(&replaced) {
        let lowered = text::lower(t);
        if seen.insert(lowered.clone()) {
            out.push(lowered);
        }
    }
    out
}

/// Scores modules against a fixed token set.
pub struct Scorer {
    automaton: Option<AhoCorasick>,
    stamps: Vec<u32>,
    generation: u32,
}

impl Scorer {
    pub fn new(tokens: &[String]) -> Scorer {
        let automaton = if tokens.is_empty() {
            None
        } else {
            // Tokens are lowercase; ASCII case folding lets ASCII fields be
            // searched without lowercasing them first.
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(tokens)
                .ok()
        };
        Scorer { automaton, stamps: vec![0; tokens.len()], generation: 0 }
    }

    /// The number of distinct tokens found in any of the module's fields.
    pub fn score(&mut self, module: &Module) -> usize {
        let Some(ac) = &self.automaton else { return 0 };
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        let mut score = 0;
        for field in [&module.name, &module.source_hint, &module.responsibility] {
            let lowered;
            let hay: &str = if field.is_ascii() {
                field
            } else {
                lowered = text::lower(field);
                &lowered
            };
            for m in ac.find_overlapping_iter(hay) {
                let slot = &mut self.stamps[m.pattern().as_usize()];
                if *slot != self.generation {
                    *slot = self.generation;
                    score += 1;
                }
            }
        }
        score
    }
}

fn collect<'a>(scorer: &mut Scorer, modules: &'a [Module], kind: Kind) -> Vec<Match<'a>> {
    let mut matches: Vec<Match<'a>> = modules
        .iter()
        .filter_map(|m| {
            let score = scorer.score(m);
            (score > 0).then_some(Match { kind, name: &m.name, source_hint: &m.source_hint, score })
        })
        .collect();
    // Stable, like Python's sort: ties keep snapshot order.
    matches.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(b.name)));
    matches
}

/// `PortRuntime.route_prompt(prompt, limit)`.
pub fn route<'a>(prompt: &str, limit: i64, commands: &'a [Module], tools: &'a [Module]) -> Vec<Match<'a>> {
    let toks = tokens(prompt);
    let mut scorer = Scorer::new(&toks);
    let mut by_kind = [collect(&mut scorer, commands, Kind::Command), collect(&mut scorer, tools, Kind::Tool)];
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
        let commands = vec![module("b-git", "commands/b.ts"), module("a-git-bug", "commands/a.ts"), module("zzz", "commands/z.ts")];
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
}
