//! `QueryEnginePort`: message submission with turn and token budgets,
//! stream events, compaction, and persistence through the session store.

use crate::permissions::Denial;
use crate::pyfmt::json::{Json, dumps_indent};
use crate::pyfmt::repr::{PyVal, repr};
use crate::pyfmt::text;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    pub max_turns: i64,
    pub max_budget_tokens: i64,
    pub compact_after_turns: usize,
    pub structured_output: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_turns: 8, max_budget_tokens: 2000, compact_after_turns: 12, structured_output: false }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    /// `UsageSummary.add_turn`: word counts by `str.split()`.
    pub(crate) fn add_turn(self, prompt: &str, output: &str) -> Usage {
        Usage {
            input_tokens: self.input_tokens + text::split(prompt).count() as u64,
            output_tokens: self.output_tokens + text::split(output).count() as u64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Completed,
    MaxTurnsReached,
    MaxBudgetReached,
    Timeout,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Completed => "completed",
            StopReason::MaxTurnsReached => "max_turns_reached",
            StopReason::MaxBudgetReached => "max_budget_reached",
            StopReason::Timeout => "timeout",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TurnResult {
    pub prompt: String,
    pub output: String,
    pub matched_commands: Vec<String>,
    pub matched_tools: Vec<String>,
    pub permission_denials: Vec<Denial>,
    pub usage: Usage,
    pub stop_reason: StopReason,
    pub cancel_observed: bool,
}

impl TurnResult {
    /// The synthetic result of a turn the wall-clock budget cut off.
    pub(crate) fn timeout(prompt: &str, commands: &[String], tools: &[String]) -> TurnResult {
        TurnResult {
            prompt: prompt.to_string(),
            output: "Wall-clock timeout exceeded before turn completed.".into(),
            matched_commands: commands.to_vec(),
            matched_tools: tools.to_vec(),
            permission_denials: Vec::new(),
            usage: Usage::default(),
            stop_reason: StopReason::Timeout,
            cancel_observed: true,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub config: Config,
    pub session_id: String,
    pub messages: Vec<String>,
    pub permission_denials: Vec<Denial>,
    pub usage: Usage,
    pub transcript: Vec<String>,
    pub transcript_flushed: bool,
}

/// A fresh `uuid4().hex`.
pub(crate) fn new_session_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Engine {
    pub(crate) fn new(config: Config) -> Engine {
        Engine {
            config,
            session_id: new_session_id(),
            messages: Vec::new(),
            permission_denials: Vec::new(),
            usage: Usage::default(),
            transcript: Vec::new(),
            transcript_flushed: false,
        }
    }

    fn format_output(&self, lines: Vec<String>) -> String {
        if self.config.structured_output {
            // json.dumps cannot fail on strings, so the retry loop never retries.
            let payload = Json::obj([("summary", Json::strs(&lines)), ("session_id", Json::str(&self.session_id))]);
            return dumps_indent(&payload, 2);
        }
        lines.join("\n")
    }

    /// `submit_message`: nothing is mutated when a budget stops the turn.
    pub(crate) fn submit(
        &mut self,
        prompt: &str,
        commands: &[String],
        tools: &[String],
        denials: &[Denial],
    ) -> TurnResult {
        let result = |output: String, usage: Usage, stop_reason: StopReason| TurnResult {
            prompt: prompt.to_string(),
            output,
            matched_commands: commands.to_vec(),
            matched_tools: tools.to_vec(),
            permission_denials: denials.to_vec(),
            usage,
            stop_reason,
            cancel_observed: false,
        };
        if self.messages.len() as i64 >= self.config.max_turns {
            return result(
                format!("Max turns reached before processing prompt: {prompt}"),
                self.usage,
                StopReason::MaxTurnsReached,
            );
        }
        let none_or = |items: &[String]| if items.is_empty() { "none".to_string() } else { items.join(", ") };
        let lines = vec![
            format!("Prompt: {prompt}"),
            format!("Matched commands: {}", none_or(commands)),
            format!("Matched tools: {}", none_or(tools)),
            format!("Permission denials: {}", denials.len()),
        ];
        let output = self.format_output(lines);
        let projected = self.usage.add_turn(prompt, &output);
        if (projected.input_tokens + projected.output_tokens) as i64 > self.config.max_budget_tokens {
            return result(output, self.usage, StopReason::MaxBudgetReached);
        }
        self.messages.push(prompt.to_string());
        self.transcript.push(prompt.to_string());
        self.transcript_flushed = false;
        self.permission_denials.extend_from_slice(denials);
        self.usage = projected;
        self.compact();
        result(output, self.usage, StopReason::Completed)
    }

    /// `stream_submit_message`: the events, each as the Python dict repr
    /// the bootstrap report prints (`- <type>: <repr>`), then the result.
    pub(crate) fn stream_submit(
        &mut self,
        prompt: &str,
        commands: &[String],
        tools: &[String],
        denials: &[Denial],
    ) -> (Vec<(&'static str, String)>, TurnResult) {
        let mut events = vec![(
            "message_start",
            repr(&PyVal::Dict(vec![
                ("type", PyVal::Str("message_start")),
                ("session_id", PyVal::Str(&self.session_id)),
                ("prompt", PyVal::Str(prompt)),
            ])),
        )];
        if !commands.is_empty() {
            events.push((
                "command_match",
                repr(&PyVal::Dict(vec![
                    ("type", PyVal::Str("command_match")),
                    ("commands", PyVal::StrTuple(commands)),
                ])),
            ));
        }
        if !tools.is_empty() {
            events.push((
                "tool_match",
                repr(&PyVal::Dict(vec![("type", PyVal::Str("tool_match")), ("tools", PyVal::StrTuple(tools))])),
            ));
        }
        if !denials.is_empty() {
            let names: Vec<String> = denials.iter().map(|d| d.tool_name.clone()).collect();
            events.push((
                "permission_denial",
                repr(&PyVal::Dict(vec![
                    ("type", PyVal::Str("permission_denial")),
                    ("denials", PyVal::StrList(&names)),
                ])),
            ));
        }
        let result = self.submit(prompt, commands, tools, denials);
        events.push((
            "message_delta",
            repr(&PyVal::Dict(vec![("type", PyVal::Str("message_delta")), ("text", PyVal::Str(&result.output))])),
        ));
        let usage = PyVal::Dict(vec![
            ("input_tokens", PyVal::Int(result.usage.input_tokens as i64)),
            ("output_tokens", PyVal::Int(result.usage.output_tokens as i64)),
        ]);
        events.push((
            "message_stop",
            repr(&PyVal::Dict(vec![
                ("type", PyVal::Str("message_stop")),
                ("usage", usage),
                ("stop_reason", PyVal::Str(result.stop_reason.as_str())),
                ("transcript_size", PyVal::Int(self.transcript.len() as i64)),
            ])),
        ));
        (events, result)
    }

    /// Keep only the last `compact_after_turns` messages.
    fn compact(&mut self) {
        let keep = self.config.compact_after_turns;
        if self.messages.len() > keep {
            self.messages.drain(..self.messages.len() - keep);
        }
        if self.transcript.len() > keep {
            self.transcript.drain(..self.transcript.len() - keep);
        }
    }

    /// The session as stored: `messages`, `input_tokens`, `output_tokens`.
    pub(crate) fn stored(&mut self) -> crate::session_store::StoredSession {
        self.transcript_flushed = true;
        crate::session_store::StoredSession {
            session_id: self.session_id.clone(),
            messages: self.messages.iter().cloned().map(Into::into).collect(),
            input_tokens: self.usage.input_tokens,
            output_tokens: self.usage.output_tokens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_python_words() {
        let u = Usage::default().add_turn("a b\u{1c}c", "x  y");
        assert_eq!(u, Usage { input_tokens: 3, output_tokens: 2 });
    }

    #[test]
    fn budget_overflow_is_rejected_without_mutation() {
        let mut e = Engine::new(Config { max_budget_tokens: 12, ..Config::default() });
        let r = e.submit("hello", &[], &[], &[]);
        assert_eq!(r.stop_reason, StopReason::Completed);
        assert_eq!(e.usage, Usage { input_tokens: 1, output_tokens: 11 });
        let before = (e.messages.clone(), e.usage);
        let r = e.submit("again", &[], &[], &[]);
        assert_eq!(r.stop_reason, StopReason::MaxBudgetReached);
        assert_eq!((e.messages.clone(), e.usage), before);
    }

    #[test]
    fn max_turns_is_checked_first_and_compaction_keeps_the_tail() {
        let mut e = Engine::new(Config { max_turns: 1, ..Config::default() });
        e.submit("one", &[], &[], &[]);
        let r = e.submit("two", &[], &[], &[]);
        assert_eq!(r.stop_reason, StopReason::MaxTurnsReached);
        assert_eq!(r.output, "Max turns reached before processing prompt: two");
        let mut e = Engine::new(Config {
            max_turns: 100,
            compact_after_turns: 2,
            max_budget_tokens: 10_000,
            ..Config::default()
        });
        for p in ["a", "b", "c"] {
            e.submit(p, &[], &[], &[]);
        }
        assert_eq!(e.messages, ["b", "c"]);
    }

    #[test]
    fn structured_output_is_json_dumps_indent_2() {
        let mut e = Engine::new(Config { structured_output: true, ..Config::default() });
        e.session_id = "sid".into();
        let r = e.submit("hi", &["c".into()], &[], &[]);
        assert_eq!(
            r.output,
            "{\n  \"summary\": [\n    \"Prompt: hi\",\n    \"Matched commands: c\",\n    \"Matched tools: none\",\n    \"Permission denials: 0\"\n  ],\n  \"session_id\": \"sid\"\n}"
        );
    }

    #[test]
    fn stream_events_are_python_reprs() {
        let mut e = Engine::new(Config::default());
        e.session_id = "s".into();
        let tools = vec!["BashTool".to_string()];
        let denials = vec![Denial { tool_name: "BashTool".into(), reason: "r".into() }];
        let (events, _) = e.stream_submit("run", &[], &tools, &denials);
        let kinds: Vec<&str> = events.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, ["message_start", "tool_match", "permission_denial", "message_delta", "message_stop"]);
        assert_eq!(events[1].1, "{'type': 'tool_match', 'tools': ('BashTool',)}");
        assert_eq!(events[2].1, "{'type': 'permission_denial', 'denials': ['BashTool']}");
        assert_eq!(
            events[4].1,
            "{'type': 'message_stop', 'usage': {'input_tokens': 1, 'output_tokens': 11}, 'stop_reason': 'completed', 'transcript_size': 1}"
        );
    }
}
