//! `commands`, `tools`, `show-command`, `show-tool`, `exec-command`, `exec-tool`.

use super::Ctx;
use crate::catalog::{self as cat, command_message, tool_message};
use crate::cli::args::{CommandsArgs, ExecToolArgs, ToolsArgs};
use crate::error::{ClawError, Result};
use crate::output::Reply;
use crate::pyfmt::int::{PyInt, slice_end};
use crate::pyfmt::json::Json;
use crate::routing::Routing;
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
/// filters are ignored, as in the reference) out of all of them; otherwise
/// the filtered list out of itself.
fn select<'m>(
    all: &'m [Module],
    query: Option<&str>,
    find: impl FnOnce(&str) -> Vec<&'m Module>,
    filtered: impl FnOnce() -> Vec<&'m Module>,
) -> (usize, Vec<&'m Module>) {
    match query {
        Some(q) => (all.len(), find(q)),
        None => {
            let filtered = filtered();
            (filtered.len(), filtered)
        }
    }
}

/// The `commands` / `tools` reply: the first `limit` of `selected` out of `total`.
fn listing_reply(
    ctx: &Ctx<'_>,
    label: &str,
    (query, limit): (Option<&str>, &PyInt),
    (total, selected): (usize, Vec<&Module>),
    flags: [(&str, bool); 2],
) -> Reply {
    let shown = &selected[..slice_end(selected.len(), limit.get())];
    if !ctx.json() {
        return Reply::line(listing(label, total, query, shown));
    }
    let mut fields =
        vec![("entry_count", Json::int(total)), ("query", Json::opt_str(query)), ("limit", Json::pyint(limit))];
    fields.extend(flags.map(|(k, v)| (k, Json::Bool(v))));
    fields.push(("count", Json::int(shown.len())));
    let key = if label == "Command" { "commands" } else { "tools" };
    fields.push((key, Json::List(shown.iter().map(|m| entry_json(m)).collect())));
    Reply::fields(fields)
}

pub(super) fn commands(ctx: &Ctx<'_>, args: &CommandsArgs) -> Result<Reply> {
    let all = ctx.source.commands()?;
    let (plugins, skills) = (args.include_plugin_commands, args.include_skill_commands);
    let routing = args.routing.unwrap_or_default();
    let query = args.query.as_deref();
    let find = |q: &str| routing.find_commands(&all, q);
    let selected = select(&all, query, find, || cat::filter_commands(&all, plugins, skills));
    let flags = [("include_plugin_commands", plugins), ("include_skill_commands", skills)];
    Ok(listing_reply(ctx, "Command", (query, &args.limit), selected, flags))
}

pub(super) fn tools(ctx: &Ctx<'_>, args: &ToolsArgs) -> Result<Reply> {
    let all = ctx.source.tools()?;
    let (simple, mcp) = (args.simple_mode, args.include_mcp);
    let query = args.query.as_deref();
    let find = |q: &str| cat::find(&all, q);
    let selected = select(&all, query, find, || cat::filter_tools(&all, simple, mcp, &args.deny));
    let flags = [("simple_mode", simple), ("include_mcp", mcp)];
    Ok(listing_reply(ctx, "Tool", (query, &args.limit), selected, flags))
}

/// `show-command` / `show-tool`; `missing` is the error for an unknown name.
fn show(
    ctx: &Ctx<'_>,
    name: &str,
    found: Option<&Module>,
    noun: &str,
    missing: impl FnOnce(String) -> ClawError,
) -> Result<Reply> {
    match (found, ctx.json()) {
        (Some(m), false) => Ok(Reply::line(format!("{}\n{}\n{}", m.name, m.source_hint, m.responsibility))),
        (Some(m), true) => Ok(Reply::fields([
            ("name", Json::str(m.name.as_ref())),
            ("found", Json::Bool(true)),
            ("source_hint", Json::str(m.source_hint.as_ref())),
            ("responsibility", Json::str(m.responsibility.as_ref())),
        ])),
        (None, json) => {
            let e = missing(name.to_string());
            let exit = e.exit_code(ctx.format);
            if !json {
                return Ok(Reply::line(format!("{noun} not found: {name}")).with_exit(exit));
            }
            let fields = [("name", Json::str(name)), ("found", Json::Bool(false)), ("error", e.to_json())];
            Ok(Reply::fields(fields).with_exit(exit))
        }
    }
}

pub(super) fn show_command(ctx: &Ctx<'_>, name: &str, routing: Routing) -> Result<Reply> {
    let all = ctx.source.commands()?;
    show(ctx, name, routing.get_command(&all, name), "Command", |name| ClawError::CommandNotFound { name })
}

pub(super) fn show_tool(ctx: &Ctx<'_>, name: &str) -> Result<Reply> {
    let all = ctx.source.tools()?;
    show(ctx, name, cat::get_tool(&all, name), "Tool", |name| ClawError::ToolNotFound { name })
}

/// A refused execution: text message, or an envelope with a typed error.
fn refused(ctx: &Ctx<'_>, name: &str, input_key: &str, input: &str, e: ClawError) -> Reply {
    if !ctx.json() {
        return Reply::line(e.to_string()).with_exit(e.exit_code(ctx.format));
    }
    Reply::fields([
        ("name", Json::str(name)),
        (input_key, Json::str(input)),
        ("handled", Json::Bool(false)),
        ("error", e.to_json()),
    ])
    .with_exit(e.exit_code(ctx.format))
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

pub(super) fn exec_command(ctx: &Ctx<'_>, name: &str, prompt: &str, routing: Routing) -> Result<Reply> {
    let all = ctx.source.commands()?;
    Ok(match routing.get_command(&all, name) {
        Some(m) => handled(ctx, m, "prompt", prompt, command_message(m, prompt)),
        None => refused(ctx, name, "prompt", prompt, ClawError::MirroredCommandNotFound { name: name.to_string() }),
    })
}

pub(super) fn exec_tool(ctx: &Ctx<'_>, args: &ExecToolArgs) -> Result<Reply> {
    let all = ctx.source.tools()?;
    let (name, payload) = (args.name.as_str(), args.payload.as_str());
    let Some(m) = cat::get_tool(&all, name) else {
        return Ok(refused(ctx, name, "payload", payload, ClawError::MirroredToolNotFound { name: name.to_string() }));
    };
    if args.deny.blocks(&m.name) {
        let denied = ClawError::PermissionDenied { tool: m.name.to_string() };
        return Ok(refused(ctx, name, "payload", payload, denied));
    }
    let roots = &args.workspace_roots;
    if !roots.is_empty() {
        let cwd = args.cwd.as_deref();
        if let Err(v) = crate::path_scope::check_tool(&m.name, &m.source_hint, payload, roots, cwd) {
            let outside = ClawError::OutsideScope {
                tool: m.name.to_string(),
                reason: v.reason,
                candidate: v.candidate,
                resolved: v.resolved,
            };
            return Ok(refused(ctx, name, "payload", payload, outside));
        }
    }
    Ok(handled(ctx, m, "payload", payload, tool_message(m, payload)))
}
