//! Prompt routing: the reference's token scorer and match selection.
//!
//! A module's score is the number of distinct prompt tokens that occur as a
//! substring of its lowercased name, source hint or responsibility.  Tokens
//! come from `prompt.replace('/', ' ').replace('-', ' ').split()`, lowercased.
//!
//! Two scorers compute that same number:
//! * `route_stream` scores inventory texts in one streaming pass (what the
//!   `route` command uses: [`route_source`]);
//! * [`Scorer`] searches each field of modules already in memory with an
//!   Aho-Corasick automaton ([`route`]; bootstrap and turn-loop, and any
//!   inventory the streaming pass does not take).
//!
//! Only the best `limit + 1` matches of each kind are ever sorted.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::Result;
use crate::pyfmt::{int::slice_end, text};
use crate::route_stream::{self, Found};
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

impl Scorer {
    pub fn new(tokens: &[String]) -> Scorer {
        Scorer { automaton: automaton(tokens), stamps: vec![0; tokens.len()], generation: 0 }
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
mod tests {
    use super::*;
    use crate::snapshot::Input;

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
        let room = limit.saturating_sub(selected.len() as i64).max(0);
        let take = slice_end(leftovers.len(), room);
        selected.extend(leftovers.into_iter().take(take));
        let keep = slice_end(selected.len(), limit);
        selected.truncate(keep);
        selected
    }

    fn plain(matches: Vec<Match<'_>>) -> Vec<(Kind, String, usize, String)> {
        matches.into_iter().map(|m| (m.kind, m.name.to_string(), m.score, m.source_hint.to_string())).collect()
    }

    /// An inventory directory with `n` random commands and tools, and its
    /// modules read through the snapshot loader.
    struct Inventory {
        dir: tempfile::TempDir,
        commands: Vec<Module>,
        tools: Vec<Module>,
    }

    impl Inventory {
        fn write(texts: [String; 2]) -> Inventory {
            let dir = tempfile::tempdir().unwrap();
            for (file, text) in ["commands_snapshot.json", "tools_snapshot.json"].iter().zip(texts) {
                std::fs::write(dir.path().join(file), text).unwrap();
            }
            let source = Source::Dir(dir.path().to_path_buf());
            let (commands, tools) = (source.commands().unwrap(), source.tools().unwrap());
            Inventory { dir, commands, tools }
        }

        fn source(&self) -> Source {
            Source::Dir(self.dir.path().to_path_buf())
        }

        /// Every way of routing agrees with the naive reference; whether
        /// the streaming pass took the inventory.
        fn agree(&self, prompt: &str, limit: i64) -> bool {
            let want = naive(prompt, limit, &self.commands, &self.tools);
            let got = plain(route(prompt, limit, &self.commands, &self.tools));
            assert_eq!(got, want, "field scorer: {prompt:?} limit {limit}");
            let got = route_source(&self.source(), prompt, limit).unwrap();
            assert_eq!(plain(got.matches()), want, "route_source: {prompt:?} limit {limit}");
            let list = tokens(prompt);
            let keep = keep_for(limit);
            let files = self.source().inventory_inputs();
            let texts = files.clone().map(|input| match input {
                Input::File(path) => Input::Text(String::leak(std::fs::read_to_string(path).unwrap())),
                text => text,
            });
            let streamed = route_stream::best(&files, &list, keep);
            for found in [route_stream::best(&texts, &list, keep), route_stream::best_table(&files, &list, keep)] {
                assert_eq!(found, streamed, "{prompt:?} limit {limit}");
            }
            if let Some(found) = streamed {
                assert_eq!(plain(streamed_matches(&found, limit)), want, "streamed: {prompt:?} limit {limit}");
                return true;
            }
            false
        }
    }

    fn streamed_matches(found: &[Vec<Found>; 2], limit: i64) -> Vec<Match<'static>> {
        let routed: &'static Routed = Box::leak(Box::new(streamed(found, limit)));
        routed.matches()
    }

    fn load(rng: &mut Rng, n: usize, max_piece: usize) -> Inventory {
        load_from(rng, n, max_piece, PIECES)
    }

    fn load_from(rng: &mut Rng, n: usize, max_piece: usize, pieces: &[&str]) -> Inventory {
        let texts = [0, 1].map(|_| {
            let mut field = |max| text_from(rng, max, pieces);
            let modules: Vec<_> = (0..n).map(|_| (field(3), field(max_piece), field(max_piece))).collect();
            snapshot_json(rng, &modules)
        });
        Inventory::write(texts)
    }

    fn prompt_of(rng: &mut Rng, words: usize) -> String {
        const SEPS: &[&str] = &[" ", "/", "-", "\u{1c}", "\t", "\u{3000}", "  "];
        (0..rng.below(words + 1)).map(|_| format!("{}{}", text_of(rng, 2), rng.pick(SEPS))).collect()
    }

    #[test]
    fn every_scorer_agrees_with_the_naive_reference() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut streamed = 0;
        for _ in 0..120 {
            let n = rng.below(12);
            let inventory = load(&mut rng, n, 8);
            for _ in 0..4 {
                let prompt = prompt_of(&mut rng, 6);
                let limit = rng.below(14) as i64 - 3;
                streamed += inventory.agree(&prompt, limit) as usize;
            }
        }
        assert!(streamed > 400, "the streaming pass ran {streamed} times");
    }

    #[test]
    fn large_inventories_cross_block_boundaries_with_many_tokens() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        let inventory = load(&mut rng, 1500, 30);
        let size = std::fs::metadata(inventory.dir.path().join("commands_snapshot.json")).unwrap().len();
        assert!(size > 3 * route_stream::TEST_BLOCK as u64, "{size}");
        for words in [1, 3, 8, 70, 200] {
            let prompt = prompt_of(&mut rng, words);
            for limit in [-2, 0, 1, 5, 40, 4000] {
                assert!(inventory.agree(&prompt, limit), "{prompt:?}");
            }
        }
    }

    #[test]
    fn long_prompts_are_prefiltered_without_changing_scores() {
        let mut rng = Rng(7);
        for case in 0..40 {
            let n = 1 + rng.below(30);
            let inventory = load(&mut rng, n, 10);
            let mut prompt = prompt_of(&mut rng, 150);
            // Random lowercase words: mostly absent, some short enough to hit.
            for _ in 0..200 {
                let len = 1 + rng.below(6);
                prompt.extend((0..len).map(|_| (b'a' + rng.below(26) as u8) as char));
                prompt.push(' ');
            }
            assert!(tokens(&prompt).len() > PREFILTER_TOKENS, "case {case}");
            let limit = rng.below(30) as i64 - 2;
            inventory.agree(&prompt, limit);
        }
    }

    /// These modules, written as both inventories.
    fn loaded(modules: &[(&str, &str, &str)]) -> Inventory {
        let json: Vec<serde_json::Value> = modules
            .iter()
            .map(|(n, h, r)| serde_json::json!({"name": n, "source_hint": h, "responsibility": r}))
            .collect();
        let text = serde_json::to_string_pretty(&json).unwrap();
        Inventory::write([text.clone(), text])
    }

    #[test]
    fn overlapping_and_nested_tokens_are_all_found() {
        let inventory = loaded(&[
            ("xaby", "Theme", "gitgit"),
            ("aaa", "abab", "name"),
            ("b", "source_hint", "responsibility"),
            ("ab", "y", "z"),
            // A responsibility ending with its source hint, and one not quite.
            ("n", "ab/Git.ts", "mirrors ab/Git.ts"),
            ("m", "ab/Git.ts", "mirrors ab/Git.t"),
        ]);
        for prompt in [
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
            "",
            "git.ts mirrors",
            "ts b/g",
        ] {
            assert!(inventory.agree(prompt, 100), "{prompt:?}");
        }
    }

    #[test]
    fn unusual_shapes_fall_back_to_the_loader_with_the_same_answers() {
        // Valid JSON the scanner leaves to serde: an extra key, a key spelled with an escape.
        let text = r#"[{"name": "git-a", "source_hint": "x", "responsibility": "r", "extra": 1},
            {"na\u006de": "git-b", "source_hint": "y", "responsibility": "git"}]"#;
        let inventory = Inventory::write([text.to_string(), text.to_string()]);
        assert!(!inventory.agree("git a", 5));
        assert_eq!(inventory.commands.len(), 2);
    }

    mod property {
        use proptest::prelude::*;

        use super::*;

        fn piece() -> impl Strategy<Value = &'static str> {
            proptest::sample::select(PIECES)
        }

        fn text(max: usize) -> impl Strategy<Value = String> {
            proptest::collection::vec(piece(), 0..=max).prop_map(|v| v.concat())
        }

        fn modules() -> impl Strategy<Value = Vec<(String, String, String)>> {
            proptest::collection::vec((text(3), text(8), text(8)), 0..10)
        }

        fn prompt() -> impl Strategy<Value = String> {
            let sep = proptest::sample::select(&[" ", "/", "-", "\u{1c}", "\t", "\u{3000}"][..]);
            proptest::collection::vec((text(2), sep), 0..8)
                .prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

            /// Random inventories (non-ASCII text, escapes, any key order and
            /// spacing) and prompts: every scorer gives the reference's answer.
            #[test]
            fn routing_matches_the_naive_reference(
                commands in modules(),
                tools in modules(),
                seed in any::<u64>(),
                prompt in prompt(),
                limit in -3i64..12,
            ) {
                let mut rng = Rng(seed | 1);
                let inventory = Inventory::write([snapshot_json(&mut rng, &commands), snapshot_json(&mut rng, &tools)]);
                inventory.agree(&prompt, limit);
            }
        }
    }
}
