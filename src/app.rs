//! The edge: argv in, exit code out.  Parses, dispatches, and turns every
//! outcome (reports, typed errors, parse errors, help) into exactly one
//! printed answer: text, or one JSON envelope on stdout and nothing on stderr.

use std::ffi::OsString;
use std::io::Write;

use crate::cli::argparse::{self, ParseError, Parsed};
use crate::cli::args::Request;
use crate::cli::{attempted, help, spec, target, wants_json};
use crate::commands::{Ctx, dispatch};
use crate::error::ClawError;
use crate::output::{Body, Format, Reply, emit};
use crate::pyfmt::json::Json;
use crate::pyfmt::repr::str_repr;
use crate::snapshot::Source;

pub const VERSION_LINE: &str = concat!("claw-code ", env!("CARGO_PKG_VERSION"), " (Rust harness)");

/// Run claw with `args` (without the program name); returns the exit code.
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut argv = Vec::with_capacity(args.len());
    let mut bad = None;
    for (i, a) in args.into_iter().enumerate() {
        match a.into_string() {
            Ok(s) => argv.push(s),
            Err(raw) => {
                let lossy = raw.to_string_lossy().into_owned();
                bad.get_or_insert((i + 1, lossy.clone()));
                argv.push(lossy);
            }
        }
    }
    let json = wants_json(&argv);
    crate::oom::set_context(json, spec::find(&target(&argv)).map_or("claw", |c| c.name));
    let result = match bad {
        Some((i, lossy)) => Err(ParseError {
            message: format!("argument {i} is not valid UTF-8: {}", str_repr(&lossy)),
            command: spec::find(&target(&argv)).map(|c| c.name),
        }),
        None => argparse::parse(&argv),
    };
    let (command, reply) = match result {
        Err(e) => {
            let t = attempted(&argv);
            let reply = parse_error(&e, json, &t);
            (t, reply)
        }
        Ok(Parsed::Help { command }) => {
            let text = help::help(command.and_then(spec::find));
            (command.unwrap_or("claw").to_string(), plain(json, "help", text))
        }
        Ok(Parsed::Version) => (target(&argv), plain(json, "version", format!("{VERSION_LINE}\n"))),
        Ok(Parsed::Generate(what)) => (target(&argv), plain(json, what, crate::generate::render(what))),
        Ok(Parsed::Run(inv)) => {
            // After a successful parse the parsed `--output-format` rules: the last one wins.
            let Request { id, format, workspace, command } = Request::new(&inv);
            let workspace = workspace.as_deref();
            let source = Source::resolve(&crate::workspace::given(workspace));
            let ctx = Ctx { format, source, workspace };
            let reply = command.and_then(|c| dispatch(&ctx, &c)).unwrap_or_else(|e| error_reply(&e, format));
            (id.name().to_string(), reply)
        }
    };
    match emit(&command, reply, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "claw: cannot write output: {}", crate::error::io_reason(&e));
            1
        }
    }
}

/// Help, version and generated files: text as is, or wrapped in an envelope.
fn plain(json: bool, key: &str, text: String) -> Reply {
    if json { Reply::fields([(key.to_string(), Json::str(text))]) } else { Reply { exit: 0, body: Body::Text(text) } }
}

/// A typed error a handler ended with: `error: …` on stderr, or `{"error": …}`.
fn error_reply(e: &ClawError, format: Format) -> Reply {
    let exit = e.exit_code(format);
    match format {
        Format::Text => Reply { exit, body: Body::Stderr(format!("error: {e}\n")) },
        Format::Json => Reply::fields([("error", e.to_json())]).with_exit(exit),
    }
}

/// A parse error: argparse's usage and message on stderr, or `{"error": …}`.
fn parse_error(e: &ParseError, json: bool, target: &str) -> Reply {
    let error = ClawError::Parse { target: target.to_string(), message: e.message.clone() };
    if json {
        return error_reply(&error, Format::Json);
    }
    let cmd = e.command.and_then(spec::find);
    let prog = cmd.map_or("claw".to_string(), |c| format!("claw {}", c.name));
    let text = format!("{}\n{prog}: error: {error}\n", help::usage(cmd));
    Reply { exit: error.exit_code(Format::Text), body: Body::Stderr(text) }
}
