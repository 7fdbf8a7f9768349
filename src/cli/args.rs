//! Typed arguments: the one conversion from a parsed [`Invocation`] to a
//! [`Command`] whose variants carry each subcommand's arguments, already
//! defaulted.  This is the only place that reads parsed values by their
//! `dest` string; a unit test converts every subcommand in
//! [`spec::COMMANDS`](super::spec::COMMANDS) and checks that every `dest`
//! read here is declared in the spec and every declared one is read.
//!
//! Defaults live here too: `--limit` (5 for routing, 20 for listings, 32 for
//! `subsystems`), `--max-turns` (3), an empty `--directory` / `--query` /
//! `--session-id` meaning none (as the reference's `if args.x`), and
//! `--routing` falling back to `$CLAW_ROUTING` (read once, here).

use super::argparse::Invocation;
use super::spec::CommandId;
use crate::error::Result;
use crate::output::Format;
use crate::permissions::Deny;
use crate::pyfmt::int::PyInt;
use crate::routing::Routing;

/// A parsed invocation, typed: what every subcommand shares, and the
/// subcommand with its own arguments.
#[derive(Debug)]
pub(crate) struct Request {
    pub id: CommandId,
    /// `--output-format` (the last one given wins; text by default).
    pub format: Format,
    /// `--workspace` as given, before or after the subcommand.
    pub workspace: Option<String>,
    /// The subcommand, or why its arguments cannot be used (an invalid
    /// `$CLAW_ROUTING`): a typed error, answered in `format`.
    pub command: Result<Command>,
}

impl Request {
    pub(crate) fn new(inv: &Invocation) -> Request {
        let mut r = Reader::new(inv);
        let format = if r.str("output_format").as_deref() == Some("json") { Format::Json } else { Format::Text };
        let workspace = r.str("workspace");
        let command = convert(&mut r);
        Request { id: inv.cmd.id, format, workspace, command }
    }
}

/// One subcommand and its arguments.
#[derive(Debug)]
#[allow(clippy::enum_variant_names, reason = "the variants are the subcommands' own names")]
pub(crate) enum Command {
    Summary,
    Manifest,
    ParityAudit(ParityAuditArgs),
    SetupReport,
    CommandGraph,
    ToolPool,
    BootstrapGraph,
    Subsystems { limit: PyInt },
    Commands(CommandsArgs),
    Tools(ToolsArgs),
    Route(RouteArgs),
    Bootstrap(RouteArgs),
    TurnLoop(TurnLoopArgs),
    FlushTranscript(FlushArgs),
    LoadSession(SessionArgs),
    ListSessions { directory: Option<String> },
    DeleteSession(SessionArgs),
    RemoteMode { target: String },
    SshMode { target: String },
    TeleportMode { target: String },
    DirectConnectMode { target: String },
    DeepLinkMode { target: String },
    ShowCommand { name: String, routing: Option<Routing> },
    ShowTool { name: String },
    ExecCommand { name: String, prompt: String, routing: Option<Routing> },
    ExecTool(ExecToolArgs),
}

/// `parity-audit`'s gate and report options.
#[derive(Debug, Default)]
pub(crate) struct ParityAuditArgs {
    pub fail_under: Option<f64>,
    pub surface: bool,
    pub baseline: Option<String>,
    pub write_baseline: Option<String>,
    pub junit: Option<String>,
    pub github_annotations: bool,
}

/// `commands`.
#[derive(Debug)]
pub(crate) struct CommandsArgs {
    pub limit: PyInt,
    /// A non-empty `--query`.
    pub query: Option<String>,
    pub include_plugin_commands: bool,
    pub include_skill_commands: bool,
    pub routing: Option<Routing>,
}

/// `tools`.
#[derive(Debug)]
pub(crate) struct ToolsArgs {
    pub limit: PyInt,
    /// A non-empty `--query`.
    pub query: Option<String>,
    pub simple_mode: bool,
    pub include_mcp: bool,
    pub deny: Deny,
}

/// `route` and `bootstrap`.
#[derive(Debug)]
pub(crate) struct RouteArgs {
    pub prompt: String,
    pub limit: PyInt,
    pub deny: Deny,
    pub routing: Option<Routing>,
}

/// `turn-loop`.
#[derive(Debug)]
pub(crate) struct TurnLoopArgs {
    pub prompt: String,
    pub limit: PyInt,
    pub max_turns: PyInt,
    pub structured_output: bool,
    pub timeout_seconds: Option<f64>,
    pub continuation_prompt: Option<String>,
    pub deny: Deny,
    pub routing: Option<Routing>,
}

/// `flush-transcript`.
#[derive(Debug)]
pub(crate) struct FlushArgs {
    pub prompt: String,
    /// A non-empty `--directory`.
    pub directory: Option<String>,
    /// A non-empty `--session-id`.
    pub session_id: Option<String>,
}

/// `load-session` and `delete-session`.
#[derive(Debug)]
pub(crate) struct SessionArgs {
    pub session_id: String,
    /// A non-empty `--directory`.
    pub directory: Option<String>,
}

/// `exec-tool`.
#[derive(Debug)]
pub(crate) struct ExecToolArgs {
    pub name: String,
    pub payload: String,
    pub deny: Deny,
    /// `--workspace-root`, in order; empty when the paths are not confined.
    pub workspace_roots: Vec<String>,
    pub cwd: Option<String>,
}

impl Command {
    /// The subcommand this is (the tests check it against the table).
    #[cfg(test)]
    pub(crate) fn id(&self) -> CommandId {
        match self {
            Command::Summary => CommandId::Summary,
            Command::Manifest => CommandId::Manifest,
            Command::ParityAudit(_) => CommandId::ParityAudit,
            Command::SetupReport => CommandId::SetupReport,
            Command::CommandGraph => CommandId::CommandGraph,
            Command::ToolPool => CommandId::ToolPool,
            Command::BootstrapGraph => CommandId::BootstrapGraph,
            Command::Subsystems { .. } => CommandId::Subsystems,
            Command::Commands(_) => CommandId::Commands,
            Command::Tools(_) => CommandId::Tools,
            Command::Route(_) => CommandId::Route,
            Command::Bootstrap(_) => CommandId::Bootstrap,
            Command::TurnLoop(_) => CommandId::TurnLoop,
            Command::FlushTranscript(_) => CommandId::FlushTranscript,
            Command::LoadSession(_) => CommandId::LoadSession,
            Command::ListSessions { .. } => CommandId::ListSessions,
            Command::DeleteSession(_) => CommandId::DeleteSession,
            Command::RemoteMode { .. } => CommandId::RemoteMode,
            Command::SshMode { .. } => CommandId::SshMode,
            Command::TeleportMode { .. } => CommandId::TeleportMode,
            Command::DirectConnectMode { .. } => CommandId::DirectConnectMode,
            Command::DeepLinkMode { .. } => CommandId::DeepLinkMode,
            Command::ShowCommand { .. } => CommandId::ShowCommand,
            Command::ShowTool { .. } => CommandId::ShowTool,
            Command::ExecCommand { .. } => CommandId::ExecCommand,
            Command::ExecTool(_) => CommandId::ExecTool,
        }
    }

    /// The routing asked for (`--routing` or `$CLAW_ROUTING`), which the
    /// envelope then names; `None` means the reference's, unnamed.
    pub(crate) fn routing(&self) -> Option<Routing> {
        match self {
            Command::Commands(a) => a.routing,
            Command::Route(a) | Command::Bootstrap(a) => a.routing,
            Command::TurnLoop(a) => a.routing,
            Command::ShowCommand { routing, .. } | Command::ExecCommand { routing, .. } => *routing,
            Command::Summary
            | Command::Manifest
            | Command::ParityAudit(_)
            | Command::SetupReport
            | Command::CommandGraph
            | Command::ToolPool
            | Command::BootstrapGraph
            | Command::Subsystems { .. }
            | Command::Tools(_)
            | Command::FlushTranscript(_)
            | Command::LoadSession(_)
            | Command::ListSessions { .. }
            | Command::DeleteSession(_)
            | Command::RemoteMode { .. }
            | Command::SshMode { .. }
            | Command::TeleportMode { .. }
            | Command::DirectConnectMode { .. }
            | Command::DeepLinkMode { .. }
            | Command::ShowTool { .. }
            | Command::ExecTool(_) => None,
        }
    }
}

/// Reads an invocation's values by `dest`, noting every `dest` read so the
/// tests can hold the reads and the spec together.
struct Reader<'a> {
    inv: &'a Invocation,
    read: Vec<&'static str>,
}

impl<'a> Reader<'a> {
    fn new(inv: &'a Invocation) -> Reader<'a> {
        Reader { inv, read: Vec::new() }
    }

    fn note(&mut self, dest: &'static str) {
        self.read.push(dest);
    }

    fn str(&mut self, dest: &'static str) -> Option<String> {
        self.note(dest);
        self.inv.str(dest).map(str::to_string)
    }

    /// A string where an empty value means none, as Python's `if args.x`.
    fn non_empty(&mut self, dest: &'static str) -> Option<String> {
        self.str(dest).filter(|s| !s.is_empty())
    }

    /// A required positional (the parser has checked it is there).
    fn pos(&mut self, dest: &'static str) -> String {
        self.note(dest);
        self.inv.pos(dest).to_string()
    }

    fn int(&mut self, dest: &'static str, default: i64) -> PyInt {
        self.note(dest);
        self.inv.int(dest).cloned().unwrap_or(PyInt::from_i64(default))
    }

    fn float(&mut self, dest: &'static str) -> Option<f64> {
        self.note(dest);
        self.inv.float(dest)
    }

    fn flag(&mut self, dest: &'static str) -> bool {
        self.note(dest);
        self.inv.flag(dest)
    }

    fn list(&mut self, dest: &'static str) -> Vec<String> {
        self.note(dest);
        self.inv.list(dest).to_vec()
    }

    /// `--deny-tool` / `--deny-prefix`.
    fn deny(&mut self) -> Deny {
        Deny::new(&self.list("deny_tool"), &self.list("deny_prefix"))
    }

    /// `--routing`, else `$CLAW_ROUTING`: checked before any work.
    fn routing(&mut self) -> Result<Option<Routing>> {
        Routing::requested(self.str("routing").as_deref())
    }

    fn route(&mut self) -> Result<RouteArgs> {
        Ok(RouteArgs {
            prompt: self.pos("prompt"),
            limit: self.int("limit", 5),
            deny: self.deny(),
            routing: self.routing()?,
        })
    }

    fn session(&mut self) -> SessionArgs {
        SessionArgs { session_id: self.pos("session_id"), directory: self.non_empty("directory") }
    }
}

/// The subcommand's typed arguments, with their defaults.
fn convert(r: &mut Reader<'_>) -> Result<Command> {
    Ok(match r.inv.cmd.id {
        CommandId::Summary => Command::Summary,
        CommandId::Manifest => Command::Manifest,
        CommandId::ParityAudit => Command::ParityAudit(ParityAuditArgs {
            fail_under: r.float("fail_under"),
            surface: r.flag("surface"),
            baseline: r.str("baseline"),
            write_baseline: r.str("write_baseline"),
            junit: r.str("junit"),
            github_annotations: r.flag("github_annotations"),
        }),
        CommandId::SetupReport => Command::SetupReport,
        CommandId::CommandGraph => Command::CommandGraph,
        CommandId::ToolPool => Command::ToolPool,
        CommandId::BootstrapGraph => Command::BootstrapGraph,
        CommandId::Subsystems => Command::Subsystems { limit: r.int("limit", 32) },
        CommandId::Commands => Command::Commands(CommandsArgs {
            limit: r.int("limit", 20),
            query: r.non_empty("query"),
            include_plugin_commands: !r.flag("no_plugin_commands"),
            include_skill_commands: !r.flag("no_skill_commands"),
            routing: r.routing()?,
        }),
        CommandId::Tools => Command::Tools(ToolsArgs {
            limit: r.int("limit", 20),
            query: r.non_empty("query"),
            simple_mode: r.flag("simple_mode"),
            include_mcp: !r.flag("no_mcp"),
            deny: r.deny(),
        }),
        CommandId::Route => Command::Route(r.route()?),
        CommandId::Bootstrap => Command::Bootstrap(r.route()?),
        CommandId::TurnLoop => Command::TurnLoop(TurnLoopArgs {
            prompt: r.pos("prompt"),
            limit: r.int("limit", 5),
            max_turns: r.int("max_turns", 3),
            structured_output: r.flag("structured_output"),
            timeout_seconds: r.float("timeout_seconds"),
            continuation_prompt: r.str("continuation_prompt"),
            deny: r.deny(),
            routing: r.routing()?,
        }),
        CommandId::FlushTranscript => Command::FlushTranscript(FlushArgs {
            prompt: r.pos("prompt"),
            directory: r.non_empty("directory"),
            session_id: r.non_empty("session_id"),
        }),
        CommandId::LoadSession => Command::LoadSession(r.session()),
        CommandId::ListSessions => Command::ListSessions { directory: r.non_empty("directory") },
        CommandId::DeleteSession => Command::DeleteSession(r.session()),
        CommandId::RemoteMode => Command::RemoteMode { target: r.pos("target") },
        CommandId::SshMode => Command::SshMode { target: r.pos("target") },
        CommandId::TeleportMode => Command::TeleportMode { target: r.pos("target") },
        CommandId::DirectConnectMode => Command::DirectConnectMode { target: r.pos("target") },
        CommandId::DeepLinkMode => Command::DeepLinkMode { target: r.pos("target") },
        CommandId::ShowCommand => Command::ShowCommand { name: r.pos("name"), routing: r.routing()? },
        CommandId::ShowTool => Command::ShowTool { name: r.pos("name") },
        CommandId::ExecCommand => {
            Command::ExecCommand { name: r.pos("name"), prompt: r.pos("prompt"), routing: r.routing()? }
        }
        CommandId::ExecTool => Command::ExecTool(ExecToolArgs {
            name: r.pos("name"),
            payload: r.pos("payload"),
            deny: r.deny(),
            workspace_roots: r.list("workspace_root"),
            cwd: r.str("cwd"),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::argparse::{Parsed, parse};
    use crate::cli::spec::{COMMANDS, Kind};

    fn invocation(argv: &[&str]) -> Invocation {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        match parse(&argv) {
            Ok(Parsed::Run(inv)) => inv,
            other => panic!("{argv:?}: {other:?}"),
        }
    }

    /// The smallest valid command line of `cmd`: one word per positional.
    fn minimal(cmd: &crate::cli::spec::Cmd) -> Vec<&'static str> {
        let mut argv = vec![cmd.name];
        argv.extend(cmd.pos.iter().map(|_| "x"));
        argv
    }

    #[test]
    fn every_command_converts_and_reads_exactly_its_declared_dests() {
        for cmd in COMMANDS {
            let inv = invocation(&minimal(cmd));
            let mut r = Reader::new(&inv);
            r.str("output_format");
            r.str("workspace");
            let command = convert(&mut r).unwrap_or_else(|e| panic!("{}: {e}", cmd.name));
            assert_eq!(command.id(), cmd.id, "{}", cmd.name);
            for dest in &r.read {
                assert!(cmd.declares(dest), "claw {} reads {dest:?}, which its spec does not declare", cmd.name);
            }
            let declared = cmd
                .pos
                .iter()
                .map(|p| p.name)
                .chain(cmd.opts.iter().filter(|o| !matches!(o.kind, Kind::Help | Kind::Version)).map(|o| o.dest));
            for dest in declared {
                assert!(r.read.contains(&dest), "claw {} declares {dest:?} but never reads it", cmd.name);
            }
            let mut argv = minimal(cmd);
            if cmd.declares("routing") {
                argv.extend(["--routing", "explicit"]);
            }
            let routing = Request::new(&invocation(&argv)).command.ok().and_then(|c| c.routing());
            let expected = cmd.declares("routing").then_some(Routing::Explicit);
            assert_eq!(routing, expected, "claw {}: the routing its envelope names", cmd.name);
        }
    }

    #[test]
    fn defaults_apply_when_options_are_absent() {
        let Request { format, workspace, command, .. } = Request::new(&invocation(&["route", "fix"]));
        assert_eq!((format, workspace), (Format::Text, None));
        let Ok(Command::Route(a)) = command else { panic!("{command:?}") };
        assert_eq!((a.prompt.as_str(), a.limit.get(), a.deny.is_empty()), ("fix", 5, true));
        let Ok(Command::Subsystems { limit }) = Request::new(&invocation(&["subsystems"])).command else { panic!() };
        assert_eq!(limit.get(), 32);
        let Ok(Command::Tools(a)) = Request::new(&invocation(&["tools", "--query", ""])).command else { panic!() };
        assert_eq!((a.limit.get(), a.query, a.include_mcp, a.simple_mode), (20, None, true, false));
        let inv = invocation(&["turn-loop", "p", "--limit=--"]);
        let Ok(Command::TurnLoop(a)) = Request::new(&inv).command else { panic!() };
        assert_eq!((a.limit.get(), a.max_turns.get(), a.timeout_seconds), (5, 3, None));
        let inv = invocation(&["list-sessions", "--directory", ""]);
        let Ok(Command::ListSessions { directory }) = Request::new(&inv).command else { panic!() };
        assert_eq!(directory, None);
    }

    #[test]
    fn given_values_are_typed() {
        let inv = invocation(&[
            "--workspace",
            "/w",
            "exec-tool",
            "BashTool",
            "ls",
            "--output-format",
            "json",
            "--workspace-root",
            "/a",
            "--workspace-root",
            "/b",
            "--cwd",
            "/a/x",
        ]);
        let Request { id, format, workspace, command } = Request::new(&inv);
        assert_eq!((id, format, workspace.as_deref()), (CommandId::ExecTool, Format::Json, Some("/w")));
        let Ok(Command::ExecTool(a)) = command else { panic!("{command:?}") };
        assert_eq!((a.name.as_str(), a.payload.as_str(), a.cwd.as_deref()), ("BashTool", "ls", Some("/a/x")));
        assert_eq!(a.workspace_roots, ["/a", "/b"]);
        let inv = invocation(&["parity-audit", "--fail-under", "0.5", "--surface", "--junit", "j.xml"]);
        let Ok(Command::ParityAudit(a)) = Request::new(&inv).command else { panic!() };
        assert_eq!((a.fail_under, a.surface, a.junit.as_deref(), a.baseline), (Some(0.5), true, Some("j.xml"), None));
        let inv = invocation(&["show-command", "review", "--routing", "explicit"]);
        let command = Request::new(&inv).command;
        assert_eq!(command.as_ref().ok().and_then(Command::routing), Some(Routing::Explicit));
    }
}
