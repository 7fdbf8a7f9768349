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
use crate::output::{Format, Reply};
use crate::permissions::Deny;
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
}

/// Run the parsed subcommand.
pub fn dispatch(ctx: &Ctx<'_>) -> Result<Reply> {
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
