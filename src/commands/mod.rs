//! One module per family of subcommands.  [`dispatch`] matches the typed
//! [`Command`] exhaustively; each handler gets its typed arguments and the
//! [`Ctx`], does its work through the library modules, and returns a
//! [`Reply`]; it never prints.

mod catalog;
mod graphs;
mod modes;
mod reports;
mod route;
mod runtime;
mod sessions;

use std::path::PathBuf;

use crate::cli::args::Command;
use crate::error::Result;
use crate::output::{Body, Format, Reply};
use crate::pyfmt::json::Json;
use crate::snapshot::Source;
use modes::Mode;

/// What every handler gets besides its own arguments.
pub(crate) struct Ctx<'a> {
    pub format: Format,
    pub source: Source,
    /// `--workspace` as given.
    pub workspace: Option<&'a str>,
}

impl Ctx<'_> {
    pub(crate) fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// The workspace root (`--workspace`, `$CLAW_WORKSPACE`, or `.`).
    pub(crate) fn workspace(&self) -> Result<PathBuf> {
        crate::workspace::root(self.workspace)
    }
}

/// Run the parsed subcommand.
pub(crate) fn dispatch(ctx: &Ctx<'_>, command: &Command) -> Result<Reply> {
    let mut reply = run(ctx, command)?;
    // A routing asked for is named in the envelope.
    if let (Some(routing), Body::Fields(fields)) = (command.routing(), &mut reply.body) {
        fields.push(("routing".to_string(), Json::str(routing.as_str())));
    }
    Ok(reply)
}

fn run(ctx: &Ctx<'_>, command: &Command) -> Result<Reply> {
    match command {
        Command::Summary => reports::summary(ctx),
        Command::Manifest => reports::manifest(ctx),
        Command::ParityAudit(args) => reports::parity_audit(ctx, args),
        Command::SetupReport => reports::setup_report(ctx),
        Command::Subsystems { limit } => reports::subsystems(ctx, limit),
        Command::CommandGraph => graphs::command_graph(ctx),
        Command::ToolPool => graphs::tool_pool(ctx),
        Command::BootstrapGraph => graphs::bootstrap_graph(ctx),
        Command::Commands(args) => catalog::commands(ctx, args),
        Command::Tools(args) => catalog::tools(ctx, args),
        Command::ShowCommand { name, routing } => catalog::show_command(ctx, name, routing.unwrap_or_default()),
        Command::ShowTool { name } => catalog::show_tool(ctx, name),
        Command::ExecCommand { name, prompt, routing } => {
            catalog::exec_command(ctx, name, prompt, routing.unwrap_or_default())
        }
        Command::ExecTool(args) => catalog::exec_tool(ctx, args),
        Command::Route(args) => route::route(ctx, args),
        Command::Bootstrap(args) => runtime::bootstrap(ctx, args),
        Command::TurnLoop(args) => runtime::turn_loop(ctx, args),
        Command::FlushTranscript(args) => sessions::flush(ctx, args),
        Command::LoadSession(args) => sessions::load(ctx, args),
        Command::ListSessions { directory } => sessions::list(ctx, directory.as_deref()),
        Command::DeleteSession(args) => sessions::delete(ctx, args),
        Command::RemoteMode { target } => modes::run(ctx, Mode::Remote, target),
        Command::SshMode { target } => modes::run(ctx, Mode::Ssh, target),
        Command::TeleportMode { target } => modes::run(ctx, Mode::Teleport, target),
        Command::DirectConnectMode { target } => modes::run(ctx, Mode::DirectConnect, target),
        Command::DeepLinkMode { target } => modes::run(ctx, Mode::DeepLink, target),
    }
}
