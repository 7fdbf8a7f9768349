//! `PortRuntime`: bootstrap a session (route, execute shims, stream, submit,
//! persist) and run the turn loop with its wall-clock budget.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::catalog;
use crate::error::Result;
use crate::permissions::{Deny, denials};
use crate::pyfmt::repr::py_bool;
use crate::query_engine::{Config, Engine, StopReason, TurnResult};
use crate::router::{Kind, Match};
use crate::routing::Routing;
use crate::session_store::Store;
use crate::setup::{self, Setup};
use crate::snapshot::Module;
use crate::workspace::Context;

fn names(matches: &[Match<'_>], kind: Kind) -> Vec<String> {
    matches.iter().filter(|m| m.kind == kind).map(|m| m.name.to_string()).collect()
}

/// Everything `bootstrap` reports.
pub(crate) struct Session<'a> {
    pub prompt: String,
    pub context: Context,
    pub setup: Setup,
    pub system_init: String,
    pub matches: Vec<Match<'a>>,
    pub command_execs: Vec<String>,
    pub tool_execs: Vec<String>,
    pub stream_events: Vec<(&'static str, String)>,
    pub turn: TurnResult,
    pub persisted_path: String,
    pub history: Vec<(&'static str, String)>,
}

/// `build_system_init_message(trusted=True)`.
pub(crate) fn system_init(commands: &[Module], tools: &[Module]) -> String {
    let mut lines = vec![
        "# System Init".to_string(),
        String::new(),
        "Trusted: True".to_string(),
        format!("Built-in command names: {}", catalog::distinct_names(commands)),
        format!("Loaded command entries: {}", commands.len()),
        format!("Loaded tool entries: {}", tools.len()),
        String::new(),
        "Startup steps:".to_string(),
    ];
    lines.extend(setup::STARTUP_STEPS.iter().map(|s| format!("- {s}")));
    lines.join("\n")
}

/// `PortRuntime.bootstrap_session(prompt, limit)`.
pub(crate) fn bootstrap<'a>(
    prompt: &str,
    limit: i64,
    routing: Routing,
    commands: &'a [Module],
    tools: &'a [Module],
    deny: &Deny,
    workspace: &Path,
) -> Result<Session<'a>> {
    let context = Context::build(workspace);
    let setup = Setup::detect();
    let mut history = vec![
        (
            "context",
            format!(
                "python_files={}, archive_available={}",
                context.python_file_count,
                py_bool(context.archive_available)
            ),
        ),
        ("registry", format!("commands={}, tools={}", commands.len(), tools.len())),
    ];
    let mut engine = Engine::new(Config::default());
    let matches = routing.route(prompt, limit, commands, tools);
    // The execution registry finds a name's first entry by exact name, then
    // `execute_command` looks the name up again (the main line with aliases).
    let command_execs: Vec<String> = matches
        .iter()
        .filter(|m| m.kind == Kind::Command)
        .filter_map(|m| catalog::get_command(commands, m.name))
        .map(|entry| match routing.get_command(commands, &entry.name) {
            Some(c) => catalog::command_message(c, prompt),
            None => format!("Unknown mirrored command: {}", entry.name),
        })
        .collect();
    let tool_execs: Vec<String> = matches
        .iter()
        .filter(|m| m.kind == Kind::Tool)
        .filter_map(|m| catalog::get_tool(tools, m.name).map(|t| catalog::tool_message(t, prompt)))
        .collect();
    let denials = denials(&matches, deny);
    let command_names = names(&matches, Kind::Command);
    let tool_names = names(&matches, Kind::Tool);
    // As the reference: stream (which submits), then submit again.
    let (stream_events, _) = engine.stream_submit(prompt, &command_names, &tool_names, &denials);
    let turn = engine.submit(prompt, &command_names, &tool_names, &denials);
    let persisted_path = Store::new(None).save(&engine.stored())?;
    history.push(("routing", format!("matches={} for prompt={}", matches.len(), crate::pyfmt::repr::str_repr(prompt))));
    history.push(("execution", format!("command_execs={} tool_execs={}", command_execs.len(), tool_execs.len())));
    history.push((
        "turn",
        format!(
            "commands={} tools={} denials={} stop={}",
            turn.matched_commands.len(),
            turn.matched_tools.len(),
            turn.permission_denials.len(),
            turn.stop_reason.as_str()
        ),
    ));
    history.push(("session_store", persisted_path.clone()));
    Ok(Session {
        prompt: prompt.to_string(),
        context,
        setup,
        system_init: system_init(commands, tools),
        matches,
        command_execs,
        tool_execs,
        stream_events,
        turn,
        persisted_path,
        history,
    })
}

impl Session<'_> {
    /// `RuntimeSession.as_markdown()`.
    pub(crate) fn as_markdown(&self) -> String {
        let mut lines: Vec<String> = vec![
            "# Runtime Session".into(),
            String::new(),
            format!("Prompt: {}", self.prompt),
            String::new(),
            "## Context".into(),
            self.context.render(),
            String::new(),
            "## Setup".into(),
            format!("- Python: {} ({})", self.setup.python_version, self.setup.implementation),
            format!("- Platform: {}", self.setup.platform_name),
            format!("- Test command: {}", self.setup.test_command),
            String::new(),
            "## Startup Steps".into(),
        ];
        lines.extend(setup::STARTUP_STEPS.iter().map(|s| format!("- {s}")));
        lines.extend([
            String::new(),
            "## System Init".into(),
            self.system_init.clone(),
            String::new(),
            "## Routed Matches".into(),
        ]);
        if self.matches.is_empty() {
            lines.push("- none".into());
        } else {
            lines.extend(
                self.matches
                    .iter()
                    .map(|m| format!("- [{}] {} ({}) — {}", m.kind.as_str(), m.name, m.score, m.source_hint)),
            );
        }
        lines.extend([String::new(), "## Command Execution".into()]);
        if self.command_execs.is_empty() {
            lines.push("none".into());
        } else {
            lines.extend(self.command_execs.iter().cloned());
        }
        lines.extend([String::new(), "## Tool Execution".into()]);
        if self.tool_execs.is_empty() {
            lines.push("none".into());
        } else {
            lines.extend(self.tool_execs.iter().cloned());
        }
        lines.extend([String::new(), "## Stream Events".into()]);
        lines.extend(self.stream_events.iter().map(|(kind, repr)| format!("- {kind}: {repr}")));
        lines.extend([
            String::new(),
            "## Turn Result".into(),
            self.turn.output.clone(),
            String::new(),
            format!("Persisted session path: {}", self.persisted_path),
            String::new(),
            "# Session History".into(),
            String::new(),
        ]);
        lines.extend(self.history.iter().map(|(title, detail)| format!("- {title}: {detail}")));
        lines.join("\n")
    }
}

/// The turn loop's settings.
pub(crate) struct LoopOptions<'a> {
    pub limit: i64,
    pub routing: Routing,
    pub max_turns: i64,
    pub structured_output: bool,
    pub timeout_seconds: Option<f64>,
    pub continuation_prompt: Option<&'a str>,
}

/// `PortRuntime.run_turn_loop`, given the prompt's routed matches (the
/// caller routes: `router::route_source` streams the inventories).
pub(crate) fn turn_loop(prompt: &str, opts: &LoopOptions<'_>, matches: &[Match<'_>], deny: &Deny) -> Vec<TurnResult> {
    let mut engine = Engine::new(Config {
        max_turns: opts.max_turns,
        structured_output: opts.structured_output,
        ..Config::default()
    });
    let command_names = names(matches, Kind::Command);
    let tool_names = names(matches, Kind::Tool);
    let denials = denials(matches, deny);
    // As the reference, the clock starts after routing.
    let start = Instant::now();
    // `Some(ZERO)` expires at once; budgets too large for a Duration (inf)
    // never expire.  NaN passes the reference's `remaining <= 0` test, but
    // `future.result(timeout=nan)` does not wait: the first turn (whose submit
    // starts the worker thread, which runs it at once) completes, and every
    // later turn times out.
    let nan_budget = opts.timeout_seconds.is_some_and(f64::is_nan);
    let deadline: Option<Duration> = match opts.timeout_seconds {
        Some(t) if t <= 0.0 => Some(Duration::ZERO),
        Some(t) => Duration::try_from_secs_f64(t).ok(),
        None => None,
    };
    let mut results = Vec::new();
    let mut turn: i64 = 0;
    while turn < opts.max_turns {
        let turn_prompt = if turn == 0 {
            prompt
        } else if let Some(c) = opts.continuation_prompt {
            c
        } else {
            break;
        };
        let expired = deadline.is_some_and(|budget| budget.is_zero() || start.elapsed() >= budget);
        if expired || (nan_budget && turn > 0) {
            results.push(TurnResult::timeout(turn_prompt, &command_names, &tool_names));
            break;
        }
        let result = engine.submit(turn_prompt, &command_names, &tool_names, &denials);
        let stop = result.stop_reason;
        results.push(result);
        if stop != StopReason::Completed {
            break;
        }
        turn += 1;
    }
    results
}
