//! `command-graph`, `tool-pool`, `bootstrap-graph`.

use super::Ctx;
use crate::catalog::{self, bootstrap_graph_markdown, command_graph as graph};
use crate::error::Result;
use crate::output::Reply;
use crate::permissions::Deny;
use crate::pyfmt::json::Json;
use crate::snapshot::Module;

fn entries(modules: &[&Module]) -> Json {
    Json::List(
        modules
            .iter()
            .map(|m| {
                Json::obj([("name", Json::str(m.name.as_ref())), ("source_hint", Json::str(m.source_hint.as_ref()))])
            })
            .collect(),
    )
}

pub(super) fn command_graph(ctx: &Ctx<'_>) -> Result<Reply> {
    let commands = ctx.source.commands()?;
    let g = graph(&commands);
    if !ctx.json() {
        return Ok(Reply::line(g.as_markdown()));
    }
    Ok(Reply::fields([
        ("builtins_count", Json::int(g.builtins.len())),
        ("plugin_like_count", Json::int(g.plugin_like.len())),
        ("skill_like_count", Json::int(g.skill_like.len())),
        ("total_count", Json::int(g.builtins.len() + g.plugin_like.len() + g.skill_like.len())),
        ("builtins", entries(&g.builtins)),
        ("plugin_like", entries(&g.plugin_like)),
        ("skill_like", entries(&g.skill_like)),
    ]))
}

pub(super) fn tool_pool(ctx: &Ctx<'_>) -> Result<Reply> {
    let tools = ctx.source.tools()?;
    let pool = catalog::filter_tools(&tools, false, true, &Deny::default());
    if ctx.json() {
        return Ok(Reply::fields([
            ("simple_mode", Json::Bool(false)),
            ("include_mcp", Json::Bool(true)),
            ("tool_count", Json::int(pool.len())),
            ("tools", entries(&pool)),
        ]));
    }
    let mut lines = vec![
        "# Tool Pool".to_string(),
        String::new(),
        "Simple mode: False".to_string(),
        "Include MCP: True".to_string(),
        format!("Tool count: {}", pool.len()),
    ];
    lines.extend(pool.iter().take(15).map(|m| format!("- {} — {}", m.name, m.source_hint)));
    Ok(Reply::line(lines.join("\n")))
}

pub(super) fn bootstrap_graph(ctx: &Ctx<'_>) -> Result<Reply> {
    let markdown = bootstrap_graph_markdown();
    if !ctx.json() {
        return Ok(Reply::line(markdown));
    }
    Ok(Reply::fields([
        ("stages", Json::strs(markdown.split('\n'))),
        ("note", Json::str("bootstrap-graph is markdown-only in this version")),
    ]))
}
