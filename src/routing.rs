//! Which routing rules apply: the reference's (705a295b, the default) or the
//! main line's explicit routing, chosen with claw's `--routing` option or
//! `$CLAW_ROUTING` (the option wins; an invalid variable is an error).
//!
//! Explicit routing, as the main line's `runtime.py` and `commands.py` have it:
//! * `route_prompt`: the prompt's first whitespace-separated word, less one
//!   leading `/`, looked up as `get_command` below; a command found leads with
//!   score 100, its own scored entry is dropped, and selection goes on as
//!   usual behind it.
//! * `get_command`: the name is stripped and lowercased, then mapped through
//!   the alias table (`plugins`, `marketplace` → `plugin`).
//! * `find_commands`: the query is stripped; exact name matches come first,
//!   then name prefixes, then names containing it, then the rest (stable).
//!
//! Everything here post-processes what the reference's router and lookups
//! return; the scorer itself is untouched.

use std::ffi::OsString;

use crate::catalog;
use crate::error::{ClawError, Result};
use crate::pyfmt::int::slice_end;
use crate::pyfmt::repr::str_repr;
use crate::pyfmt::text::{lower, split, strip};
use crate::router::{self, Kind, Match, Routed};
use crate::snapshot::Module;
use crate::snapshot::Source;

/// The environment variable that picks the routing when `--routing` is absent.
pub(crate) const ENV: &str = "CLAW_ROUTING";

/// The values of `--routing` and `$CLAW_ROUTING`.
pub const CHOICES: &[&str] = &["reference", "explicit"];

/// The score an explicitly named command gets.
const EXPLICIT_SCORE: usize = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Routing {
    /// 705a295b's behaviour, byte for byte.
    #[default]
    Reference,
    /// The main line's explicit command routing and aliases.
    Explicit,
}

impl Routing {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Routing::Reference => "reference",
            Routing::Explicit => "explicit",
        }
    }

    fn parse(value: &str) -> Option<Routing> {
        match value {
            "reference" => Some(Routing::Reference),
            "explicit" => Some(Routing::Explicit),
            _ => None,
        }
    }

    /// The routing asked for: `--routing`, else a non-empty `$CLAW_ROUTING`,
    /// else `None` (the reference's routing, and no `routing` field).
    pub(crate) fn requested(option: Option<&str>) -> Result<Option<Routing>> {
        resolve(option, std::env::var_os(ENV))
    }

    /// `PortRuntime.route_prompt(prompt, limit)` under these rules.
    pub(crate) fn route<'a>(
        self,
        prompt: &str,
        limit: i64,
        commands: &'a [Module],
        tools: &'a [Module],
    ) -> Vec<Match<'a>> {
        let route = |n: i64| router::route(prompt, n, commands, tools);
        match self {
            Routing::Reference => route(limit),
            Routing::Explicit => match named_command(prompt, commands) {
                Some(named) => lead_with(named, limit, route),
                None => route(limit),
            },
        }
    }

    /// [`Routing::route`] over the inventories of `source`: the reference's
    /// routing streams them (`router::route_source`); explicit routing needs
    /// the command modules, so it loads them.
    pub(crate) fn route_source(self, source: &Source, prompt: &str, limit: i64) -> Result<Routed> {
        match self {
            Routing::Reference => router::route_source(source, prompt, limit),
            Routing::Explicit => {
                let (commands, tools) = source.commands_and_tools()?;
                Ok(Routed::of(&self.route(prompt, limit, &commands, &tools)))
            }
        }
    }

    /// `get_command(name)` under these rules.
    pub(crate) fn get_command<'a>(self, commands: &'a [Module], name: &str) -> Option<&'a Module> {
        match self {
            Routing::Reference => catalog::get_command(commands, name),
            Routing::Explicit => {
                let normalized = lower(strip(name));
                catalog::first_named(commands, alias(&normalized))
            }
        }
    }

    /// `find_commands(query)` (before its limit) under these rules.
    pub(crate) fn find_commands<'a>(self, commands: &'a [Module], query: &str) -> Vec<&'a Module> {
        match self {
            Routing::Reference => catalog::find(commands, query),
            Routing::Explicit => {
                let needle = lower(strip(query));
                let mut found = catalog::find_lowered(commands, &needle);
                found.sort_by_cached_key(|m| {
                    let name = lower(&m.name);
                    (name != needle, !name.starts_with(&needle), !name.contains(&needle))
                });
                found
            }
        }
    }
}

/// `--routing` wins (argparse has checked its value); an empty variable
/// counts as unset.
fn resolve(option: Option<&str>, env: Option<OsString>) -> Result<Option<Routing>> {
    let invalid = |value: &str| ClawError::InvalidRouting { value: str_repr(value) };
    if let Some(value) = option {
        return Routing::parse(value).map(Some).ok_or_else(|| invalid(value));
    }
    match env {
        Some(value) if !value.is_empty() => match value.to_str() {
            Some(text) => Routing::parse(text).map(Some).ok_or_else(|| invalid(text)),
            None => Err(invalid(&value.to_string_lossy())),
        },
        _ => Ok(None),
    }
}

/// `COMMAND_ALIASES`.
fn alias(name: &str) -> &str {
    match name {
        "plugins" | "marketplace" => "plugin",
        other => other,
    }
}

/// `_explicit_command_match`: the command the prompt's first word names.
fn named_command<'a>(prompt: &str, commands: &'a [Module]) -> Option<&'a Module> {
    let first = split(prompt).next()?;
    let name = first.strip_prefix('/').unwrap_or(first);
    if name.is_empty() {
        return None;
    }
    Routing::Explicit.get_command(commands, name)
}

/// Whether `m` is `named`'s own scored entry (same name and source hint).
fn is_entry_of(m: &Match<'_>, named: &Module) -> bool {
    m.kind == Kind::Command && m.name == named.name && m.source_hint == named.source_hint
}

/// The selection with `named` leading at score 100.
///
/// The reference's selection for any `n >= 0` is the first `n` entries of
/// one fixed order: the best command, the best tool, then the rest by score,
/// kind and name.  Without the named command's entries, the best command
/// left moves to the front, and that is the order the main line selects
/// from behind the named command.  `route(n)` is the reference's selection.
fn lead_with<'a>(named: &'a Module, limit: i64, route: impl Fn(i64) -> Vec<Match<'a>>) -> Vec<Match<'a>> {
    let lead = Match { kind: Kind::Command, name: &named.name, source_hint: &named.source_hint, score: EXPLICIT_SCORE };
    if limit == 0 {
        return Vec::new();
    }
    // A negative limit takes no leftovers, only the best of each kind.
    let want = if limit > 0 { usize::try_from(limit - 1).unwrap_or(usize::MAX) } else { 2 };
    let mut fetch = want.saturating_add(2);
    let rest = loop {
        let order = route(i64::try_from(fetch).unwrap_or(i64::MAX));
        let complete = order.len() < fetch;
        let mut rest: Vec<Match<'a>> = order.into_iter().filter(|m| !is_entry_of(m, named)).collect();
        // The first command left is the best one only if it was fetched.
        let best_command = rest.iter().position(|m| m.kind == Kind::Command);
        if let Some(i) = best_command {
            let best = rest.remove(i);
            rest.insert(0, best);
        }
        if complete || (best_command.is_some() && rest.len() >= want) {
            break rest;
        }
        fetch = fetch.saturating_mul(4);
    };
    let mut selected = vec![lead];
    if limit > 0 {
        selected.extend(rest.into_iter().take(want));
    } else {
        let mut rest = rest.into_iter();
        if let Some(first) = rest.next() {
            let second = rest.next().filter(|m| m.kind != first.kind);
            selected.push(first);
            selected.extend(second);
        }
        let keep = slice_end(selected.len(), limit);
        selected.truncate(keep);
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_wins_and_an_unset_or_empty_variable_is_the_default() {
        let env = |v: &str| Some(OsString::from(v));
        assert_eq!(resolve(None, None).unwrap(), None);
        assert_eq!(resolve(None, env("")).unwrap(), None);
        assert_eq!(resolve(None, env("explicit")).unwrap(), Some(Routing::Explicit));
        assert_eq!(resolve(None, env("reference")).unwrap(), Some(Routing::Reference));
        assert_eq!(resolve(Some("reference"), env("explicit")).unwrap(), Some(Routing::Reference));
        assert_eq!(resolve(Some("explicit"), env("bogus")).unwrap(), Some(Routing::Explicit));
    }

    #[test]
    fn an_invalid_variable_is_an_error_naming_it() {
        for bad in ["Explicit", "explicit ", "main", "1"] {
            let e = resolve(None, Some(OsString::from(bad))).unwrap_err();
            assert_eq!(e.kind(), "invalid_routing");
            let text = e.to_string();
            assert!(text.contains("CLAW_ROUTING") && text.contains(&str_repr(bad)), "{text}");
            assert!(text.contains("'reference'") && text.contains("'explicit'"), "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_variable_that_is_not_utf8_is_an_error_too() {
        use std::os::unix::ffi::OsStringExt;
        let e = resolve(None, Some(OsString::from_vec(b"expl\xffcit".to_vec()))).unwrap_err();
        assert_eq!(e.kind(), "invalid_routing");
        assert!(e.to_string().contains("'expl\u{fffd}cit'"), "{e}");
    }

    fn m(name: &'static str, hint: &'static str) -> Module {
        Module { name: name.into(), source_hint: hint.into(), responsibility: "".into() }
    }

    #[test]
    fn explicit_lookups_strip_and_apply_aliases_reference_lookups_do_not() {
        let c = vec![m("review", "commands/review.ts"), m("plugin", "commands/plugin/a.ts"), m("Plugin", "b.ts")];
        for name in ["plugin", "  PLUGINS  ", "marketplace", "\tMarketplace\n"] {
            let found = Routing::Explicit.get_command(&c, name);
            assert_eq!(found.map(|m| m.source_hint.as_ref()), Some("commands/plugin/a.ts"), "{name:?}");
        }
        assert_eq!(
            Routing::Reference.get_command(&c, "PLUGIN").map(|m| m.source_hint.as_ref()),
            Some("commands/plugin/a.ts")
        );
        for name in ["plugins", "marketplace", " plugin"] {
            assert!(Routing::Reference.get_command(&c, name).is_none(), "{name:?}");
        }
        assert!(Routing::Explicit.get_command(&c, "nope").is_none());
    }

    #[test]
    fn explicit_find_ranks_exact_then_prefix_then_contained_then_the_rest() {
        let c = vec![
            m("other", "commands/review/x.ts"),
            m("prereview", "commands/prereview.ts"),
            m("review-pr", "commands/review-pr.ts"),
            m("Review", "commands/review.ts"),
            m("ultrareview", "commands/ultrareview.ts"),
            m("reviewer", "commands/reviewer.ts"),
        ];
        let names = |v: Vec<&Module>| v.iter().map(|m| m.name.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(Routing::Explicit.find_commands(&c, "  REVIEW \n")),
            ["Review", "review-pr", "reviewer", "prereview", "ultrareview", "other"]
        );
        // The reference keeps snapshot order and does not strip.
        assert_eq!(
            names(Routing::Reference.find_commands(&c, "REVIEW")),
            ["other", "prereview", "review-pr", "Review", "ultrareview", "reviewer"]
        );
        assert!(Routing::Reference.find_commands(&c, " review").is_empty());
    }
}

/// Explicit routing against a plain transcription of the main line's
/// `route_prompt` (naive scoring, full sorts), on random inventories.
#[cfg(test)]
mod route_tests {
    use super::*;
    use crate::pyfmt::text;

    type Plain = (Kind, String, usize, String);

    /// `PortRuntime.route_prompt` of the main line, transcribed.
    fn main_line(prompt: &str, limit: i64, commands: &[Module], tools: &[Module]) -> Vec<Plain> {
        let explicit = text::split(text::strip(prompt)).next().and_then(|first| {
            let name = first.strip_prefix('/').unwrap_or(first);
            if name.is_empty() {
                return None;
            }
            let normalized = text::lower(text::strip(name));
            let needle = alias(&normalized);
            commands.iter().find(|m| text::lower(&m.name) == needle)
        });
        #[allow(clippy::collapsible_str_replace)]
        let replaced = prompt.replace('/', " ").replace('-', " ");
        let tokens: Vec<String> = text::split(&replaced).map(text::lower).collect();
        let score = |m: &Module| {
            let hay = [text::lower(&m.name), text::lower(&m.source_hint), text::lower(&m.responsibility)];
            let mut distinct: Vec<&String> =
                tokens.iter().filter(|t| hay.iter().any(|h| h.contains(t.as_str()))).collect();
            distinct.sort();
            distinct.dedup();
            distinct.len()
        };
        let collect = |modules: &[Module], kind: Kind| {
            let mut v: Vec<Plain> = modules
                .iter()
                .map(|m| (kind, m.name.to_string(), score(m), m.source_hint.to_string()))
                .filter(|p| p.2 > 0)
                .collect();
            v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            v
        };
        let mut by_kind = [collect(commands, Kind::Command), collect(tools, Kind::Tool)];
        let mut selected = Vec::new();
        if let Some(e) = explicit {
            selected.push((Kind::Command, e.name.to_string(), 100, e.source_hint.to_string()));
            by_kind[0].retain(|m| !(m.1 == e.name && m.3 == e.source_hint));
        }
        for matches in by_kind.iter_mut() {
            if !matches.is_empty() {
                selected.push(matches.remove(0));
            }
        }
        let mut leftovers: Vec<Plain> = by_kind.into_iter().flatten().collect();
        leftovers.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)).then_with(|| a.1.cmp(&b.1)));
        let room = limit.saturating_sub(selected.len() as i64).max(0);
        selected.extend(leftovers.into_iter().take(slice_end(usize::MAX, room)));
        let keep = slice_end(selected.len(), limit);
        selected.truncate(keep);
        selected
    }

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }

        fn pick<'w>(&mut self, words: &[&'w str]) -> &'w str {
            words[self.below(words.len())]
        }
    }

    const WORDS: &[&str] =
        &["plugin", "Plugin", "plugins", "marketplace", "review", "list", "a", "b", "ab", "git", "x-y", "PLUG"];

    fn inventory(rng: &mut Rng, prefix: &str) -> Vec<Module> {
        (0..rng.below(9))
            .map(|_| {
                let name = rng.pick(WORDS).to_string();
                // Few hints, so one name often has several entries (some identical).
                let hint = format!("{prefix}/{}/{}.ts", rng.pick(&["p", "q"]), rng.pick(WORDS));
                let resp = (0..rng.below(3)).map(|_| rng.pick(WORDS)).collect::<Vec<_>>().join(" ");
                Module { name: name.into(), source_hint: hint.into(), responsibility: resp.into() }
            })
            .collect()
    }

    fn prompt(rng: &mut Rng) -> String {
        let mut p = rng.pick(&["", "/", " ", "//", "\t/"]).to_string();
        for _ in 0..rng.below(4) {
            p.push_str(rng.pick(WORDS));
            p.push_str(rng.pick(&[" ", "/", "-", "  "]));
        }
        p
    }

    fn plain(matches: Vec<Match<'_>>) -> Vec<Plain> {
        matches.into_iter().map(|m| (m.kind, m.name.to_string(), m.score, m.source_hint.to_string())).collect()
    }

    #[test]
    fn explicit_routing_selects_as_the_main_line_does() {
        let mut rng = Rng(19);
        let mut led = 0;
        for case in 0..500 {
            let commands = inventory(&mut rng, "commands");
            let tools = inventory(&mut rng, "tools");
            let p = prompt(&mut rng);
            for limit in [-5, -3, -2, -1, 0, 1, 2, 3, 4, 5, 7, 12, i64::MAX, i64::MIN / 2] {
                let want = main_line(&p, limit, &commands, &tools);
                let got = plain(Routing::Explicit.route(&p, limit, &commands, &tools));
                assert_eq!(got, want, "case {case} prompt {p:?} limit {limit}\ncommands {commands:?}\ntools {tools:?}");
                led += usize::from(want.first().is_some_and(|m| m.2 == EXPLICIT_SCORE));
            }
        }
        assert!(led > 200, "a command led {led} times");
    }

    #[test]
    fn without_a_named_command_explicit_routing_is_the_reference_routing() {
        let mut rng = Rng(7);
        for _ in 0..500 {
            let commands = inventory(&mut rng, "commands");
            let tools = inventory(&mut rng, "tools");
            let p = format!("zz {}", prompt(&mut rng));
            for limit in [-2, 0, 1, 5, 50] {
                let reference = plain(Routing::Reference.route(&p, limit, &commands, &tools));
                assert_eq!(plain(Routing::Explicit.route(&p, limit, &commands, &tools)), reference, "{p:?} {limit}");
                assert_eq!(reference, plain(router::route(&p, limit, &commands, &tools)));
            }
        }
    }
}
