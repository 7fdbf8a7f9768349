//! The scorers and the selection against a naive transcription of the
//! reference, on fixed cases and on random inventories and prompts.

use super::*;
use crate::route_stream::Forced;
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
    let commands =
        vec![module("b-git", "commands/b.ts"), module("a-git-bug", "commands/a.ts"), module("zzz", "commands/z.ts")];
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
        // The field scorer's two searches: token by token, and the automaton.
        let (mut alone, mut automaton) = (Scorer::new(&list), Scorer::automaton_first(&list));
        for m in self.commands.iter().chain(&self.tools) {
            assert_eq!(alone.score(m), automaton.score(m), "{prompt:?} {m:?}");
        }
        let keep = keep_for(limit);
        let files = self.source().inventory_inputs();
        let read = files.clone().map(|input| match input {
            Input::File(path) => std::fs::read_to_string(path).unwrap(),
            Input::Text(text) => text.to_string(),
        });
        let texts = [Input::Text(&read[0]), Input::Text(&read[1])];
        let streamed = route_stream::best(&files, &list, keep);
        for (inputs, force) in [
            (&texts, None),
            (&files, Some(Forced::Automata)),
            (&texts, Some(Forced::Unset)),
            (&texts, Some(Forced::TinyAutomata)),
            (&files, Some(Forced::TinyAutomata)),
            (&files, Some(Forced::Packed { spacing: usize::MAX })),
            (&texts, Some(Forced::Packed { spacing: 1 })),
            (&files, Some(Forced::Packed { spacing: 16 })),
        ] {
            let found = match force {
                None => route_stream::best(inputs, &list, keep),
                Some(force) => route_stream::best_forced(inputs, &list, keep, force),
            };
            assert_eq!(found, streamed, "{prompt:?} limit {limit} {force:?}");
        }
        if let Some(found) = streamed {
            assert_eq!(plain(super::streamed(&found, limit).matches()), want, "streamed: {prompt:?} limit {limit}");
            return true;
        }
        false
    }
}

fn load(rng: &mut Rng, n: usize, max_piece: usize) -> Inventory {
    load_from(rng, n, max_piece, PIECES)
}

/// Responsibilities that share a prefix with the one before (so the
/// automata resume), as the reference's do.
const PREFIXES: &[&str] = &["Tool module mirrored from archived TypeScript path ", "ab/Git ", "the them "];

/// A responsibility: random text, or a prefix cut anywhere followed by
/// random text or by the source hint (`pick` is random).
fn responsibility(pick: usize, text: String, hint: &str) -> String {
    let prefix = PREFIXES[pick % PREFIXES.len()];
    let cut = &prefix[..(pick / 7) % (prefix.len() + 1)];
    match pick % 3 {
        0 => text,
        1 => format!("{cut}{text}"),
        _ => format!("{prefix}{hint}"),
    }
}

/// A source hint: random text, or (`pick` odd) one that holds the name where
/// the reference's do, at the start of its last path component.
fn source_hint(pick: usize, text: String, name: &str) -> String {
    let first: String = text.chars().take(1).collect();
    if pick % 2 == 1 { format!("{text}/{name}{first}") } else { text }
}

fn load_from(rng: &mut Rng, n: usize, max_piece: usize, pieces: &[&str]) -> Inventory {
    let texts = [0, 1].map(|_| {
        let modules: Vec<_> = (0..n)
            .map(|_| {
                let name = text_from(rng, 3, pieces);
                let hint = source_hint(rng.below(2), text_from(rng, max_piece, pieces), &name);
                let text = text_from(rng, max_piece, pieces);
                let pick = rng.below(1 << 20);
                (name, hint.clone(), responsibility(pick, text, &hint))
            })
            .collect();
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
    let json: Vec<serde_json::Value> =
        modules.iter().map(|(n, h, r)| serde_json::json!({"name": n, "source_hint": h, "responsibility": r})).collect();
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
        let module = (text(3), text(8), text(8), any::<usize>()).prop_map(|(name, hint, text, pick)| {
            let hint = source_hint(pick / 3, hint, &name);
            (name, hint.clone(), responsibility(pick, text, &hint))
        });
        proptest::collection::vec(module, 0..10)
    }

    /// Up to `words` words: pieces, and ASCII words of up to six letters
    /// (so that long prompts have more than 64 distinct tokens).
    fn prompt(words: usize) -> impl Strategy<Value = String> {
        let sep = proptest::sample::select(&[" ", "/", "-", "\u{1c}", "\t", "\u{3000}"][..]);
        let word = prop_oneof![text(2), "[a-hA-H.]{1,6}"];
        proptest::collection::vec((word, sep), 0..words)
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
            prompt in prompt(8),
            limit in -3i64..12,
        ) {
            let mut rng = Rng(seed | 1);
            let inventory = Inventory::write([snapshot_json(&mut rng, &commands), snapshot_json(&mut rng, &tools)]);
            inventory.agree(&prompt, limit);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// The same with prompts of up to 200 words, most of them more than
        /// 64 distinct tokens.
        #[test]
        fn long_prompts_match_the_naive_reference(
            commands in modules(),
            tools in modules(),
            seed in any::<u64>(),
            prompt in prompt(200),
            limit in -3i64..12,
        ) {
            let mut rng = Rng(seed | 1);
            let inventory = Inventory::write([snapshot_json(&mut rng, &commands), snapshot_json(&mut rng, &tools)]);
            inventory.agree(&prompt, limit);
        }
    }
}
