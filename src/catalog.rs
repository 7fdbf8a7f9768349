//! Lookups and filters over the mirrored inventories: `get_command` /
//! `get_tool` (first entry wins), the list filters, `find_*` queries, the
//! execution shims' messages, and the command graph and tool pool.

use crate::permissions::Deny;
use crate::pyfmt::repr::str_repr;
use crate::pyfmt::text::lower;
use crate::snapshot::Module;

/// `get_command(name)`: the first entry whose lowercased name matches.
/// (The main line's stripping and aliases are `routing::Routing::Explicit`'s.)
pub(crate) fn get_command<'a>(commands: &'a [Module], name: &str) -> Option<&'a Module> {
    first_named(commands, &lower(name))
}

/// The first entry whose lowercased name is `needle`.
pub(crate) fn first_named<'a>(modules: &'a [Module], needle: &str) -> Option<&'a Module> {
    modules.iter().find(|m| lower(&m.name) == needle)
}

/// `get_tool(name)`.
pub(crate) fn get_tool<'a>(tools: &'a [Module], name: &str) -> Option<&'a Module> {
    first_named(tools, &lower(name))
}

/// `get_commands(include_plugin_commands, include_skill_commands)`.
pub(crate) fn filter_commands(commands: &[Module], plugins: bool, skills: bool) -> Vec<&Module> {
    commands
        .iter()
        .filter(|m| plugins || !lower(&m.source_hint).contains("plugin"))
        .filter(|m| skills || !lower(&m.source_hint).contains("skills"))
        .collect()
}

/// `get_tools(simple_mode, include_mcp, permission_context)`.
pub(crate) fn filter_tools<'a>(
    tools: &'a [Module],
    simple_mode: bool,
    include_mcp: bool,
    deny: &Deny,
) -> Vec<&'a Module> {
    tools
        .iter()
        .filter(|m| !simple_mode || matches!(m.name.as_ref(), "BashTool" | "FileReadTool" | "FileEditTool"))
        .filter(|m| include_mcp || !(lower(&m.name).contains("mcp") || lower(&m.source_hint).contains("mcp")))
        .filter(|m| !deny.blocks(&m.name))
        .collect()
}

/// `find_commands` / `find_tools`: name or source hint contains the query.
pub(crate) fn find<'a>(modules: &'a [Module], query: &str) -> Vec<&'a Module> {
    find_lowered(modules, &lower(query))
}

/// The entries whose lowercased name or source hint contains `needle`.
pub(crate) fn find_lowered<'a>(modules: &'a [Module], needle: &str) -> Vec<&'a Module> {
    modules.iter().filter(|m| lower(&m.name).contains(needle) || lower(&m.source_hint).contains(needle)).collect()
}

/// `execute_command`'s message for a found command.
pub(crate) fn command_message(m: &Module, prompt: &str) -> String {
    format!("Mirrored command '{}' from {} would handle prompt {}.", m.name, m.source_hint, str_repr(prompt))
}

/// `execute_tool`'s message for a found tool.
pub(crate) fn tool_message(m: &Module, payload: &str) -> String {
    format!("Mirrored tool '{}' from {} would handle payload {}.", m.name, m.source_hint, str_repr(payload))
}

/// The number of distinct command names (`built_in_command_names()`).
pub(crate) fn distinct_names(commands: &[Module]) -> usize {
    let mut names: Vec<&str> = commands.iter().map(|m| m.name.as_ref()).collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// `CommandGraph`: builtins, plugin-like and skill-like commands.
pub(crate) struct CommandGraph<'a> {
    pub builtins: Vec<&'a Module>,
    pub plugin_like: Vec<&'a Module>,
    pub skill_like: Vec<&'a Module>,
}

pub(crate) fn command_graph(commands: &[Module]) -> CommandGraph<'_> {
    let mut g = CommandGraph { builtins: Vec::new(), plugin_like: Vec::new(), skill_like: Vec::new() };
    for m in commands {
        let hint = lower(&m.source_hint);
        if hint.contains("plugin") {
            g.plugin_like.push(m);
        } else if hint.contains("skills") {
            g.skill_like.push(m);
        } else {
            g.builtins.push(m);
        }
    }
    g
}

impl CommandGraph<'_> {
    pub(crate) fn as_markdown(&self) -> String {
        format!(
            "# Command Graph\n\nBuiltins: {}\nPlugin-like commands: {}\nSkill-like commands: {}",
            self.builtins.len(),
            self.plugin_like.len(),
            self.skill_like.len()
        )
    }
}

pub(crate) const BOOTSTRAP_STAGES: &[&str] = &[
    "top-level prefetch side effects",
    "warning handler and environment guards",
    "CLI parser and pre-action trust gate",
    "setup() + commands/agents parallel load",
    "deferred init after trust",
    "mode routing: local / remote / ssh / teleport / direct-connect / deep-link",
    "query engine submit loop",
];

/// `BootstrapGraph.as_markdown()`.
pub(crate) fn bootstrap_graph_markdown() -> String {
    let mut lines = vec!["# Bootstrap Graph".to_string(), String::new()];
    lines.extend(BOOTSTRAP_STAGES.iter().map(|s| format!("- {s}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &'static str, hint: &'static str) -> Module {
        Module { name: name.into(), source_hint: hint.into(), responsibility: "".into() }
    }

    #[test]
    fn lookups_return_the_first_entry_by_exact_lowercased_name() {
        let c = vec![m("plugin", "commands/plugin/a.ts"), m("Plugin", "commands/plugin/b.ts")];
        assert_eq!(get_command(&c, "PLUGIN").unwrap().source_hint, "commands/plugin/a.ts");
        // 705a295b has no aliases and does not strip (the main line's are opt-in).
        assert!(get_command(&c, "plugins").is_none());
        assert!(get_command(&c, " plugin").is_none());
        assert!(get_command(&c, "nope").is_none());
        let t = vec![m("UI", "tools/A/UI.tsx"), m("UI", "tools/B/UI.tsx")];
        assert_eq!(get_tool(&t, "ui").unwrap().source_hint, "tools/A/UI.tsx");
    }

    #[test]
    fn graph_and_filters_partition_by_source_hint() {
        let c = vec![m("a", "commands/a.ts"), m("p", "commands/plugin/p.ts"), m("s", "skills/s.ts")];
        let g = command_graph(&c);
        assert_eq!((g.builtins.len(), g.plugin_like.len(), g.skill_like.len()), (1, 1, 1));
        assert_eq!(filter_commands(&c, false, true).len(), 2);
        assert_eq!(filter_commands(&c, false, false).len(), 1);
        let t = vec![m("BashTool", "tools/BashTool.ts"), m("MCPTool", "tools/MCPTool.ts"), m("X", "tools/mcp/x.ts")];
        assert_eq!(filter_tools(&t, false, false, &Deny::default()).len(), 1);
        assert_eq!(filter_tools(&t, true, true, &Deny::default()).len(), 1);
        assert_eq!(distinct_names(&[m("a", "1"), m("a", "2"), m("b", "3")]), 2);
    }

    #[test]
    fn messages_embed_python_reprs() {
        let x = m("add-dir", "commands/add-dir/add-dir.tsx");
        assert_eq!(
            command_message(&x, "it's"),
            "Mirrored command 'add-dir' from commands/add-dir/add-dir.tsx would handle prompt \"it's\"."
        );
    }
}
