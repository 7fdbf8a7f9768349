//! `commands`, `tools`, `show-command`, `show-tool`, `exec-command`, `exec-tool`.

use super::Ctx;
use crate::catalog::{self as cat, command_message, tool_message};
use crate::error::Result;
use crate::output::Reply;
use crate::pyfmt::int::{PyInt, slice_end};
use crate::pyfmt::json::Json;
use crate::snapshot::Module;

fn entry_json(m: &Module) -> Json {
    Json::obj([("name", Json::str(m.name.as_ref())), ("source_hint", Json::str(m.source_hint.as_ref()))])
}

/// The shared list layout: `<Label> entries: N`, blank, optional filter line, entries.
fn listing(label: &str, total: usize, query: Option<&str>, shown: &[&Module]) -> String {
    let mut lines = vec![format!("{label} entries: {total}"), String::new()];
    if let Some(q) = query {
        lines.push(format!("Filtered by: {q}"));
        lines.push(String::new());
    }
    lines.extend(shown.iter().map(|m| format!("- {} — {}", m.name, m.source_hint)));
    lines.join("\n")
}

/// `commands` and `tools`: with `--query`, every entry `find` matches (the
/// filters are ignored, as in the reference); otherwise the filtered list.
fn listing_reply<'m>(
    ctx: &Ctx<'_>,
    label: &str,
    all: &'m [Module],
    find: impl FnOnce(&str) -> Vec<&'m Module>,
    filtered: impl FnOnce() -> Vec<&'m Module>,
    flags: [(&str, bool); 2],
) -> Reply {
    let query = ctx.inv.str("query").filter(|q| !q.is_empty());
    let (total, selected) = match query {
        Some(q) => (all.len(), find(q)),
        None => {
            let filtered = filtered();
            (filtered.len(), filtered)
        }
    };
    let limit = ctx.inv.int("limit").cloned().unwrap_or(PyInt::from_i64(20));
    let shown = &selected[..slice_end(selected.len(), limit.get())];
    if !ctx.json() {
        return Reply::line(listing(label, total, query, shown));
    }
    let mut fields =
        vec![("entry_count", Json::int(total)), ("query", Json::opt_str(query)), ("limit", Json::pyint(&limit))];
    fields.extend(flags.map(|(k, v)| (k, Json::Bool(v))));
    fields.push(("count", Json::int(shown.len())));
    let key = if label == "Command" { "commands" } else { "tools" };
    fields.push((key, Json::List(shown.iter().map(|m| entry_json(m)).collect())));
    Reply::fields(fields)
}

pub fn commands(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.commands()?;
    let plugins = !ctx.inv.flag("no_plugin_commands");
    let skills = !ctx.inv.flag("no_skill_commands");
    let routing = ctx.routing()?;
    let find = |q: &str| routing.find_commands(&all, q);
    let filtered = || cat::filter_commands(&all, plugins, skills);
    Ok(listing_reply(
        ctx,
        "Command",
        &all,
        find,
        filtered,
        [("include_plugin_commands", plugins), ("include_skill_commands", skills)],
    ))
}

pub fn tools(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.tools()?;
    let simple = ctx.inv.flag("simple_mode");
    let mcp = !ctx.inv.flag("no_mcp");
    let deny = ctx.deny();
    let filtered = || cat::filter_tools(&all, simple, mcp, &deny);
    let find = |q: &str| cat::find(&all, q);
    Ok(listing_reply(ctx, "Tool", &all, find, filtered, [("simple_mode", simple), ("include_mcp", mcp)]))
}

fn show(ctx: &Ctx<'_>, found: Option<&Module>, noun: &str, kind: &str) -> Result<Reply> {
    let name = ctx.inv.pos("name");
    match (found, ctx.json()) {
        (Some(m), false) => Ok(Reply::line(format!("{}\n{}\n{}", m.name, m.source_hint, m.responsibility))),
        (Some(m), true) => Ok(Reply::fields([
            ("name", Json::str(m.name.as_ref())),
            ("found", Json::Bool(true)),
            ("source_hint", Json::str(m.source_hint.as_ref())),
            ("responsibility", Json::str(m.responsibility.as_ref())),
        ])),
        (None, false) => Ok(Reply::line(format!("{noun} not found: {name}")).with_exit(1)),
        (None, true) => Ok(Reply::fields([
            ("name", Json::str(name)),
            ("found", Json::Bool(false)),
            (
                "error",
                Json::obj([
                    ("kind", Json::str(kind)),
                    ("message", Json::str(format!("Unknown {}: {name}", noun.to_lowercase()))),
                    ("retryable", Json::Bool(false)),
                ]),
            ),
        ])
        .with_exit(1)),
    }
}

pub fn show_command(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.commands()?;
    show(ctx, ctx.routing()?.get_command(&all, ctx.inv.pos("name")), "Command", "command_not_found")
}

pub fn show_tool(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.tools()?;
    show(ctx, cat::get_tool(&all, ctx.inv.pos("name")), "Tool", "tool_not_found")
}

/// A refused execution: text message, or an envelope with a typed error.
fn refused(
    ctx: &Ctx<'_>,
    input_key: &str,
    input: &str,
    kind: &str,
    message: String,
    extra: Vec<(&str, Json)>,
) -> Reply {
    if !ctx.json() {
        return Reply::line(message).with_exit(1);
    }
    let mut error = vec![("kind", Json::str(kind)), ("message", Json::str(message))];
    error.extend(extra);
    error.push(("retryable", Json::Bool(false)));
    Reply::fields([
        ("name", Json::str(ctx.inv.pos("name"))),
        (input_key, Json::str(input)),
        ("handled", Json::Bool(false)),
        ("error", Json::obj(error)),
    ])
    .with_exit(1)
}

fn handled(ctx: &Ctx<'_>, m: &Module, input_key: &str, input: &str, message: String) -> Reply {
    if !ctx.json() {
        return Reply::line(message);
    }
    Reply::fields([
        ("name", Json::str(m.name.as_ref())),
        (input_key, Json::str(input)),
        ("source_hint", Json::str(m.source_hint.as_ref())),
        ("handled", Json::Bool(true)),
        ("message", Json::str(message)),
    ])
}

pub fn exec_command(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.commands()?;
    let (name, prompt) = (ctx.inv.pos("name"), ctx.inv.pos("prompt"));
    Ok(match ctx.routing()?.get_command(&all, name) {
        Some(m) => handled(ctx, m, "prompt", prompt, command_message(m, prompt)),
        None => {
            refused(ctx, "prompt", prompt, "command_not_found", format!("Unknown mirrored command: {name}"), vec![])
        }
    })
}

pub fn exec_tool(ctx: &Ctx<'_>) -> Result<Reply> {
    let all = ctx.source.tools()?;
    let (name, payload) = (ctx.inv.pos("name"), ctx.inv.pos("payload"));
    let Some(m) = cat::get_tool(&all, name) else {
        return Ok(refused(
            ctx,
            "payload",
            payload,
            "tool_not_found",
            format!("Unknown mirrored tool: {name}"),
            vec![],
        ));
    };
    if ctx.deny().blocks(&m.name) {
        let message = format!("Permission denied for mirrored tool '{}'.", m.name);
        return Ok(refused(ctx, "payload", payload, "permission_denied", message, vec![]));
    }
    let roots = ctx.inv.list("workspace_root");
    if !roots.is_empty() {
        let cwd = ctx.inv.str("cwd");
        if let Err(v) = crate::path_scope::check_tool(&m.name, &m.source_hint, payload, roots, cwd) {
            let message = format!(
                "Permission denied for mirrored tool '{}': {} (candidate={}, resolved={}).",
                m.name,
                v.reason,
                crate::pyfmt::repr::str_repr(&v.candidate),
                crate::pyfmt::repr::str_repr(&v.resolved)
            );
            let extra = vec![("candidate", Json::str(v.candidate)), ("resolved", Json::str(v.resolved))];
            return Ok(refused(ctx, "payload", payload, "permission_denied", message, extra));
        }
    }
    Ok(handled(ctx, m, "payload", payload, tool_message(m, payload)))
}
