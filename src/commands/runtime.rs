//! `bootstrap` and `turn-loop`.

use super::Ctx;
use super::route::matches_json;
use crate::cli::args::{RouteArgs, TurnLoopArgs};
use crate::error::Result;
use crate::output::Reply;
use crate::pyfmt::json::Json;
use crate::runtime::{self, LoopOptions};

pub(super) fn bootstrap(ctx: &Ctx<'_>, args: &RouteArgs) -> Result<Reply> {
    let (commands, tools) = ctx.source.commands_and_tools()?;
    let RouteArgs { prompt, limit, deny, routing } = args;
    let routing = routing.unwrap_or_default();
    let session = runtime::bootstrap(prompt, limit.get(), routing, &commands, &tools, deny, &ctx.workspace()?)?;
    if !ctx.json() {
        return Ok(Reply::line(session.as_markdown()));
    }
    Ok(Reply::fields([
        ("prompt", Json::str(prompt)),
        ("limit", Json::pyint(limit)),
        ("setup", session.setup.to_json()),
        ("routed_matches", matches_json(&session.matches)),
        ("command_execution_messages", Json::strs(&session.command_execs)),
        ("tool_execution_messages", Json::strs(&session.tool_execs)),
        (
            "turn",
            Json::obj([
                ("prompt", Json::str(&session.turn.prompt)),
                ("output", Json::str(&session.turn.output)),
                ("stop_reason", Json::str(session.turn.stop_reason.as_str())),
                ("cancel_observed", Json::Bool(session.turn.cancel_observed)),
            ]),
        ),
        ("persisted_session_path", Json::str(&session.persisted_path)),
    ]))
}

pub(super) fn turn_loop(ctx: &Ctx<'_>, args: &TurnLoopArgs) -> Result<Reply> {
    let prompt = args.prompt.as_str();
    let max_turns = &args.max_turns;
    let opts = LoopOptions {
        limit: args.limit.get(),
        routing: args.routing.unwrap_or_default(),
        max_turns: max_turns.get(),
        structured_output: args.structured_output,
        timeout_seconds: args.timeout_seconds,
        continuation_prompt: args.continuation_prompt.as_deref(),
    };
    let routed = opts.routing.route_source(&ctx.source, prompt, opts.limit)?;
    let results = runtime::turn_loop(prompt, &opts, &routed.matches(), &args.deny);
    let last = results.last();
    let exit = if last.is_some_and(|r| r.stop_reason == crate::query_engine::StopReason::Timeout) { 2 } else { 0 };
    if !ctx.json() {
        let mut text = String::new();
        for (i, r) in results.iter().enumerate() {
            text.push_str(&format!("## Turn {}\n{}\nstop_reason={}\n", i + 1, r.output, r.stop_reason.as_str()));
        }
        return Ok(crate::output::Reply { exit, body: crate::output::Body::Text(text) });
    }
    let turns = results
        .iter()
        .map(|r| {
            Json::obj([
                ("prompt", Json::str(&r.prompt)),
                ("output", Json::str(&r.output)),
                ("stop_reason", Json::str(r.stop_reason.as_str())),
                ("cancel_observed", Json::Bool(r.cancel_observed)),
                ("matched_commands", Json::strs(&r.matched_commands)),
                ("matched_tools", Json::strs(&r.matched_tools)),
            ])
        })
        .collect();
    Ok(Reply::fields([
        ("prompt", Json::str(prompt)),
        ("max_turns", Json::pyint(max_turns)),
        ("turns_completed", Json::int(results.len())),
        ("timeout_seconds", opts.timeout_seconds.map_or(Json::Null, Json::Float)),
        ("continuation_prompt", Json::opt_str(opts.continuation_prompt)),
        ("turns", Json::List(turns)),
        ("final_stop_reason", last.map_or(Json::Null, |r| Json::str(r.stop_reason.as_str()))),
        ("final_cancel_observed", Json::Bool(last.is_some_and(|r| r.cancel_observed))),
    ])
    .with_exit(exit))
}
