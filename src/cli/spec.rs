//! The command surface: the reference's 26 subcommands with their
//! positionals and options in the reference's order (argparse abbreviation
//! and ambiguity messages depend on that order), plus claw's own options,
//! which come last and never make a reference abbreviation ambiguous.

/// How an option takes its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// `action='store_true'`.
    Flag,
    /// `type=int`.
    Int,
    /// `type=float`.
    Float,
    /// A float from 0 to 1 inclusive (claw's `--fail-under`).
    Ratio,
    /// A plain string.
    Str,
    /// `choices=[...]`.
    Choice(&'static [&'static str]),
    /// `action='append'` of strings.
    Append,
    /// `action='help'`.
    Help,
    /// `action='version'`.
    Version,
}

#[derive(Debug)]
pub struct Opt {
    pub flags: &'static [&'static str],
    pub dest: &'static str,
    pub kind: Kind,
    pub help: &'static str,
    /// Left out of help, usage and completions.
    pub hidden: bool,
}

#[derive(Debug)]
pub struct Pos {
    pub name: &'static str,
    pub help: &'static str,
}

/// One subcommand. The variants are in [`COMMANDS`]' order, so a command's
/// spec is `COMMANDS[id as usize]` (a unit test holds the two together).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandId {
    Summary,
    Manifest,
    ParityAudit,
    SetupReport,
    CommandGraph,
    ToolPool,
    BootstrapGraph,
    Subsystems,
    Commands,
    Tools,
    Route,
    Bootstrap,
    TurnLoop,
    FlushTranscript,
    LoadSession,
    ListSessions,
    DeleteSession,
    RemoteMode,
    SshMode,
    TeleportMode,
    DirectConnectMode,
    DeepLinkMode,
    ShowCommand,
    ShowTool,
    ExecCommand,
    ExecTool,
}

impl CommandId {
    /// Every subcommand, in the reference's order.
    pub const ALL: [CommandId; 26] = [
        CommandId::Summary,
        CommandId::Manifest,
        CommandId::ParityAudit,
        CommandId::SetupReport,
        CommandId::CommandGraph,
        CommandId::ToolPool,
        CommandId::BootstrapGraph,
        CommandId::Subsystems,
        CommandId::Commands,
        CommandId::Tools,
        CommandId::Route,
        CommandId::Bootstrap,
        CommandId::TurnLoop,
        CommandId::FlushTranscript,
        CommandId::LoadSession,
        CommandId::ListSessions,
        CommandId::DeleteSession,
        CommandId::RemoteMode,
        CommandId::SshMode,
        CommandId::TeleportMode,
        CommandId::DirectConnectMode,
        CommandId::DeepLinkMode,
        CommandId::ShowCommand,
        CommandId::ShowTool,
        CommandId::ExecCommand,
        CommandId::ExecTool,
    ];

    /// The subcommand's row in [`COMMANDS`].
    pub fn spec(self) -> &'static Cmd {
        &COMMANDS[self as usize]
    }

    /// The subcommand's name on the command line.
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

#[derive(Debug)]
pub struct Cmd {
    pub id: CommandId,
    pub name: &'static str,
    pub help: &'static str,
    pub pos: &'static [Pos],
    pub opts: &'static [Opt],
}

impl Cmd {
    /// Whether the subcommand has a positional or an option storing to `dest`.
    pub fn declares(&self, dest: &str) -> bool {
        self.pos.iter().any(|p| p.name == dest) || self.opts.iter().any(|o| o.dest == dest)
    }
}

pub const FORMATS: &[&str] = &["text", "json"];
pub const GENERATE: &[&str] = &["complete-bash", "complete-zsh", "complete-fish", "complete-powershell", "man"];

const fn opt(flag: &'static [&'static str], dest: &'static str, kind: Kind, help: &'static str) -> Opt {
    Opt { flags: flag, dest, kind, help, hidden: false }
}

const HELP: Opt = opt(&["-h", "--help"], "help", Kind::Help, "show this help message and exit");
const OUTPUT: Opt = opt(&["--output-format"], "output_format", Kind::Choice(FORMATS), "output format");
/// `--output-format` where the reference declares it without help text.
const OUTPUT_BARE: Opt = opt(&["--output-format"], "output_format", Kind::Choice(FORMATS), "");
const WORKSPACE: Opt = opt(
    &["--workspace"],
    "workspace",
    Kind::Str,
    "workspace to report on (default: $CLAW_WORKSPACE, else the current directory)",
);
const DIRECTORY: Opt =
    opt(&["--directory"], "directory", Kind::Str, "session storage directory (default: .port_sessions)");
const LIMIT5: Opt = opt(&["--limit"], "limit", Kind::Int, "");
const DENY_TOOL: Opt =
    opt(&["--deny-tool"], "deny_tool", Kind::Append, "block a tool by name (repeatable, case-insensitive)");
const DENY_PREFIX: Opt =
    opt(&["--deny-prefix"], "deny_prefix", Kind::Append, "block tools whose name starts with PREFIX (repeatable)");

const ROUTING: Opt = opt(
    &["--routing"],
    "routing",
    Kind::Choice(crate::routing::CHOICES),
    "explicit: a leading /command or command name routes first and command aliases apply, as in the main line (default: $CLAW_ROUTING, else reference)",
);

const PROMPT: Pos = Pos { name: "prompt", help: "" };
const TARGET: Pos = Pos { name: "target", help: "" };
const SESSION_ID: Pos = Pos { name: "session_id", help: "" };
const NAME: Pos = Pos { name: "name", help: "" };

/// The top-level parser's own options.
pub static TOP: &[Opt] = &[
    HELP,
    opt(&["--version"], "version", Kind::Version, "show program's version number and exit"),
    WORKSPACE,
    Opt {
        flags: &["--generate"],
        dest: "generate",
        kind: Kind::Choice(GENERATE),
        help: "print a shell completion script or the man page",
        hidden: false,
    },
];

pub const DESCRIPTION: &str = "Python porting workspace for the Claude Code rewrite effort";

/// Every subcommand, in the reference's order (its invalid-choice message lists them so).
pub static COMMANDS: &[Cmd] = &[
    Cmd {
        id: CommandId::Summary,
        name: "summary",
        help: "render a Markdown summary of the Python porting workspace",
        pos: &[],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::Manifest,
        name: "manifest",
        help: "print the current Python workspace manifest",
        pos: &[],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::ParityAudit,
        name: "parity-audit",
        help: "compare the Python workspace against the local ignored TypeScript archive when available",
        pos: &[],
        opts: &[
            HELP,
            OUTPUT,
            WORKSPACE,
            opt(
                &["--fail-under"],
                "fail_under",
                Kind::Ratio,
                "exit 1 when root-file, directory, command or tool coverage is below RATIO (0..1)",
            ),
            opt(&["--surface"], "surface", Kind::Flag, "report (and gate) command and tool surface coverage by name"),
            opt(&["--baseline"], "baseline", Kind::Str, "exit 1 when a gated metric is below this baseline file's"),
            opt(&["--write-baseline"], "write_baseline", Kind::Str, "write the current metrics to this baseline file"),
            opt(&["--junit"], "junit", Kind::Str, "write a JUnit XML report (one testcase per metric) to this file"),
            opt(&["--github-annotations"], "github_annotations", Kind::Flag, "print a GitHub ::error line per failure"),
        ],
    },
    Cmd {
        id: CommandId::SetupReport,
        name: "setup-report",
        help: "render the startup/prefetch setup report",
        pos: &[],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::CommandGraph,
        name: "command-graph",
        help: "show command graph segmentation",
        pos: &[],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE],
    },
    Cmd {
        id: CommandId::ToolPool,
        name: "tool-pool",
        help: "show assembled tool pool with default settings",
        pos: &[],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE],
    },
    Cmd {
        id: CommandId::BootstrapGraph,
        name: "bootstrap-graph",
        help: "show the mirrored bootstrap/runtime graph stages",
        pos: &[],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE],
    },
    Cmd {
        id: CommandId::Subsystems,
        name: "subsystems",
        help: "list the current Python modules in the workspace",
        pos: &[],
        opts: &[HELP, LIMIT5, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::Commands,
        name: "commands",
        help: "list mirrored command entries from the archived snapshot",
        pos: &[],
        opts: &[
            HELP,
            LIMIT5,
            opt(&["--query"], "query", Kind::Str, ""),
            opt(&["--no-plugin-commands"], "no_plugin_commands", Kind::Flag, ""),
            opt(&["--no-skill-commands"], "no_skill_commands", Kind::Flag, ""),
            OUTPUT,
            WORKSPACE,
            ROUTING,
        ],
    },
    Cmd {
        id: CommandId::Tools,
        name: "tools",
        help: "list mirrored tool entries from the archived snapshot",
        pos: &[],
        opts: &[
            HELP,
            LIMIT5,
            opt(&["--query"], "query", Kind::Str, ""),
            opt(&["--simple-mode"], "simple_mode", Kind::Flag, ""),
            opt(&["--no-mcp"], "no_mcp", Kind::Flag, ""),
            opt(&["--deny-tool"], "deny_tool", Kind::Append, ""),
            opt(&["--deny-prefix"], "deny_prefix", Kind::Append, ""),
            OUTPUT,
            WORKSPACE,
        ],
    },
    Cmd {
        id: CommandId::Route,
        name: "route",
        help: "route a prompt across mirrored command/tool inventories",
        pos: &[PROMPT],
        opts: &[HELP, LIMIT5, OUTPUT_BARE, WORKSPACE, DENY_TOOL, DENY_PREFIX, ROUTING],
    },
    Cmd {
        id: CommandId::Bootstrap,
        name: "bootstrap",
        help: "build a runtime-style session report from the mirrored inventories",
        pos: &[PROMPT],
        opts: &[HELP, LIMIT5, OUTPUT_BARE, WORKSPACE, DENY_TOOL, DENY_PREFIX, ROUTING],
    },
    Cmd {
        id: CommandId::TurnLoop,
        name: "turn-loop",
        help: "run a small stateful turn loop for the mirrored runtime",
        pos: &[PROMPT],
        opts: &[
            HELP,
            LIMIT5,
            opt(&["--max-turns"], "max_turns", Kind::Int, ""),
            opt(&["--structured-output"], "structured_output", Kind::Flag, ""),
            opt(
                &["--timeout-seconds"],
                "timeout_seconds",
                Kind::Float,
                "total wall-clock budget across all turns (#161). Default: unbounded.",
            ),
            opt(
                &["--continuation-prompt"],
                "continuation_prompt",
                Kind::Str,
                "prompt to submit on turns after the first (#163). Default: None (loop stops after turn 0). Replaces the deprecated implicit \"[turn N]\" suffix that used to pollute the transcript.",
            ),
            opt(
                &["--output-format"],
                "output_format",
                Kind::Choice(FORMATS),
                "output format (#164 Stage B: JSON includes cancel_observed per turn)",
            ),
            WORKSPACE,
            DENY_TOOL,
            DENY_PREFIX,
            ROUTING,
        ],
    },
    Cmd {
        id: CommandId::FlushTranscript,
        name: "flush-transcript",
        help: "persist and flush a temporary session transcript (#160/#166: claw-native session API)",
        pos: &[PROMPT],
        opts: &[
            HELP,
            DIRECTORY,
            OUTPUT,
            opt(&["--session-id"], "session_id", Kind::Str, "deterministic session ID (default: auto-generated UUID)"),
            WORKSPACE,
        ],
    },
    Cmd {
        id: CommandId::LoadSession,
        name: "load-session",
        help: "load a previously persisted session (#160/#165: claw-native session API)",
        pos: &[SESSION_ID],
        opts: &[HELP, DIRECTORY, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::ListSessions,
        name: "list-sessions",
        help: "enumerate stored session IDs (#160: claw-native session API)",
        pos: &[],
        opts: &[HELP, DIRECTORY, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::DeleteSession,
        name: "delete-session",
        help: "delete a persisted session (#160: idempotent, race-safe)",
        pos: &[SESSION_ID],
        opts: &[HELP, DIRECTORY, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::RemoteMode,
        name: "remote-mode",
        help: "simulate remote-control runtime branching",
        pos: &[TARGET],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::SshMode,
        name: "ssh-mode",
        help: "simulate SSH runtime branching",
        pos: &[TARGET],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::TeleportMode,
        name: "teleport-mode",
        help: "simulate teleport runtime branching",
        pos: &[TARGET],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::DirectConnectMode,
        name: "direct-connect-mode",
        help: "simulate direct-connect runtime branching",
        pos: &[TARGET],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::DeepLinkMode,
        name: "deep-link-mode",
        help: "simulate deep-link runtime branching",
        pos: &[TARGET],
        opts: &[HELP, OUTPUT, WORKSPACE],
    },
    Cmd {
        id: CommandId::ShowCommand,
        name: "show-command",
        help: "show one mirrored command entry by exact name",
        pos: &[NAME],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE, ROUTING],
    },
    Cmd {
        id: CommandId::ShowTool,
        name: "show-tool",
        help: "show one mirrored tool entry by exact name",
        pos: &[NAME],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE],
    },
    Cmd {
        id: CommandId::ExecCommand,
        name: "exec-command",
        help: "execute a mirrored command shim by exact name",
        pos: &[NAME, PROMPT],
        opts: &[HELP, OUTPUT_BARE, WORKSPACE, ROUTING],
    },
    Cmd {
        id: CommandId::ExecTool,
        name: "exec-tool",
        help: "execute a mirrored tool shim by exact name",
        pos: &[NAME, Pos { name: "payload", help: "" }],
        opts: &[
            HELP,
            OUTPUT_BARE,
            WORKSPACE,
            DENY_TOOL,
            DENY_PREFIX,
            opt(
                &["--workspace-root"],
                "workspace_root",
                Kind::Append,
                "confine shell and file tools' paths to DIR (repeatable)",
            ),
            opt(
                &["--cwd"],
                "cwd",
                Kind::Str,
                "directory relative payload paths start from (default: the first --workspace-root)",
            ),
        ],
    },
];

/// The subcommand named `name`, if any.
pub fn find(name: &str) -> Option<&'static Cmd> {
    COMMANDS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_id_names_its_own_row() {
        assert_eq!(CommandId::ALL.len(), COMMANDS.len());
        for (i, (id, cmd)) in CommandId::ALL.iter().zip(COMMANDS).enumerate() {
            assert_eq!(*id as usize, i, "{id:?}");
            assert_eq!(cmd.id, *id, "{}", cmd.name);
            assert_eq!(id.spec().name, cmd.name);
            assert_eq!(find(id.name()).map(|c| c.id), Some(*id));
        }
    }
}
