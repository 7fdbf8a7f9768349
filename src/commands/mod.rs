//! One module per family of subcommands.  Each handler reads its parsed
//! arguments from [`Ctx`], does its work through the library modules, and
//! returns a [`Reply`]; it never prints.

mod catalog;
mod graphs;
mod modes;
mod reports;
mod route;
mod runtime;
mod sessions;

use std::path::PathBuf;

use crate::cli::argparse::Invocation;
use crate::error::Result;
use crate::output::{Body, Format, Reply};
use crate::permissions::Deny;
use crate::pyfmt::json::Json;
use crate::routing::Routing;
use crate::snapshot::Source;

/// What every handler gets.
pub struct Ctx<'a> {
    pub inv: &'a Invocation,
    pub format: Format,
    pub source: Source,
}

impl Ctx<'_> {
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// `--limit`, or the command's default.
    pub fn limit(&self, default: i64) -> i64 {
        self.inv.int("limit").map_or(default, |n| n.get())
    }

    /// The workspace root (`--workspace`, `$CLAW_WORKSPACE`, or `.`).
    pub fn workspace(&self) -> Result<PathBuf> {
        crate::workspace::root(self.inv.str("workspace"))
    }

    /// `--deny-tool` / `--deny-prefix`.
    pub fn deny(&self) -> Deny {
        Deny::new(self.inv.list("deny_tool"), self.inv.list("deny_prefix"))
    }

    /// The routing rules: `--routing`, `$CLAW_ROUTING`, or the reference's.
    pub fn routing(&self) -> Result<Routing> {
        Ok(Routing::requested(self.inv.str("routing"))?.unwrap_or_default())
    }
}

/// Whether the subcommand takes claw's `--routing`.
fn takes_routing(ctx: &Ctx<'_>) -> bool {
    ctx.inv.cmd.opts.iter().any(|o| o.dest == "routing")
}

/// Run the parsed subcommand.
pub fn dispatch(ctx: &Ctx<'_>) -> Result<Reply> {
    // Checked before any work; a routing asked for is named in the envelope.
    let routing = if takes_routing(ctx) { Routing::requested(ctx.inv.str("routing"))? } else { None };
    let mut reply = run(ctx)?;
    if let (Some(routing), Body::Fields(fields)) = (routing, &mut reply.body) {
        fields.push(("routing".to_string(), Json::str(routing.as_str())));
    }
    Ok(reply)
}

fn run(ctx: &Ctx<'_>) -> Result<Reply> {
    match ctx.inv.cmd.name {
        "summary" => reports::summary(ctx),
        "manifest" => reports::manifest(ctx),
        "parity-audit" => reports::parity_audit(ctx),
        "setup-report" => reports::setup_report(ctx),
        "subsystems" => reports::subsystems(ctx),
        "command-graph" => graphs::command_graph(ctx),
        "tool-pool" => graphs::tool_pool(ctx),
        "bootstrap-graph" => graphs::bootstrap_graph(ctx),
        "commands" => catalog::commands(ctx),
        "tools" => catalog::tools(ctx),
        "show-command" => catalog::show_command(ctx),
        "show-tool" => catalog::show_tool(ctx),
        "exec-command" => catalog::exec_command(ctx),
        "exec-tool" => catalog::exec_tool(ctx),
        "route" => route::route(ctx),
        "bootstrap" => runtime::bootstrap(ctx),
        "turn-loop" => runtime::turn_loop(ctx),
        "flush-transcript" => sessions::flush(ctx),
        "load-session" => sessions::load(ctx),
        "list-sessions" => sessions::list(ctx),
        "delete-session" => sessions::delete(ctx),
        mode => modes::run(ctx, mode),
    }
}
