//! `flush-transcript`, `load-session`, `list-sessions`, `delete-session`.

use super::Ctx;
use crate::cli::args::{FlushArgs, SessionArgs};
use crate::error::{ClawError, Result};
use crate::output::Reply;
use crate::pyfmt::json::Json;
use crate::pyfmt::repr::py_bool;
use crate::query_engine::{Config, Engine};
use crate::session_store::{self, Store};

/// A typed failure with the reference's per-command fields (`id` is the
/// session id given, or empty).
fn failure(ctx: &Ctx<'_>, id: &str, status_key: &str, e: &ClawError) -> Reply {
    if !ctx.json() {
        return Reply::line(format!("error: {e}")).with_exit(e.exit_code(ctx.format));
    }
    Reply::fields([("session_id", Json::str(id)), (status_key, Json::Bool(false)), ("error", e.to_json())])
        .with_exit(e.exit_code(ctx.format))
}

pub(super) fn flush(ctx: &Ctx<'_>, args: &FlushArgs) -> Result<Reply> {
    let mut engine = Engine::new(Config::default());
    let given = args.session_id.as_deref().unwrap_or_default();
    if let Some(id) = &args.session_id {
        if let Err(e) = session_store::validate_id(id) {
            return Ok(failure(ctx, given, "flushed", &e));
        }
        engine.session_id = id.to_string();
    }
    engine.submit(&args.prompt, &[], &[], &[]);
    let stored = engine.stored();
    let path = match Store::new(args.directory.as_deref()).save(&stored) {
        Ok(p) => p,
        Err(e) => return Ok(failure(ctx, given, "flushed", &e)),
    };
    if !ctx.json() {
        return Ok(Reply::line(format!("{path}\nflushed={}", py_bool(engine.transcript_flushed))));
    }
    Ok(Reply::fields([
        ("session_id", Json::str(&engine.session_id)),
        ("path", Json::str(path)),
        ("flushed", Json::Bool(engine.transcript_flushed)),
        ("messages_count", Json::int(engine.messages.len())),
        ("input_tokens", Json::Int(engine.usage.input_tokens as i64)),
        ("output_tokens", Json::Int(engine.usage.output_tokens as i64)),
    ]))
}

pub(super) fn load(ctx: &Ctx<'_>, args: &SessionArgs) -> Result<Reply> {
    let id = args.session_id.as_str();
    if let Err(e) = session_store::validate_id(id) {
        return Ok(failure(ctx, id, "loaded", &e));
    }
    let s = match Store::new(args.directory.as_deref()).load(id) {
        Ok(s) => s,
        Err(e) => return Ok(failure(ctx, id, "loaded", &e)),
    };
    if !ctx.json() {
        return Ok(Reply::line(format!(
            "{}\n{} messages\nin={} out={}",
            s.session_id,
            s.messages.len(),
            s.input_tokens,
            s.output_tokens
        )));
    }
    Ok(Reply::fields([
        ("session_id", Json::str(&s.session_id)),
        ("loaded", Json::Bool(true)),
        ("messages_count", Json::int(s.messages.len())),
        ("input_tokens", Json::u64(s.input_tokens)),
        ("output_tokens", Json::u64(s.output_tokens)),
    ]))
}

pub(super) fn list(ctx: &Ctx<'_>, directory: Option<&str>) -> Result<Reply> {
    let ids = match Store::new(directory).list() {
        Ok(ids) => ids,
        Err(e) => {
            let exit = e.exit_code(ctx.format);
            if !ctx.json() {
                return Ok(Reply::line(format!("error: {e}")).with_exit(exit));
            }
            let fields = [("sessions", Json::List(vec![])), ("count", Json::Int(0)), ("error", e.to_json())];
            return Ok(Reply::fields(fields).with_exit(exit));
        }
    };
    if ctx.json() {
        let count = Json::int(ids.len());
        return Ok(Reply::fields([
            ("sessions", Json::List(ids.into_iter().map(Json::FileName).collect())),
            ("count", count),
        ]));
    }
    if ids.is_empty() {
        return Ok(Reply::line("(no sessions)"));
    }
    // Names that are not UTF-8 print as their own bytes, as Python's
    // surrogateescape stdout writes them back.
    let mut text = ids.join(&b'\n');
    text.push(b'\n');
    Ok(Reply { exit: 0, body: crate::output::Body::Bytes(text) })
}

pub(super) fn delete(ctx: &Ctx<'_>, args: &SessionArgs) -> Result<Reply> {
    let id = args.session_id.as_str();
    let deleted = match session_store::validate_id(id) {
        Ok(()) => Store::new(args.directory.as_deref()).delete(id),
        // No file name over 255 bytes can exist: such an id is simply not found.
        Err(ClawError::InvalidSessionId { reason: session_store::ID_TOO_LONG, .. }) => Ok(false),
        Err(e) => return Ok(failure(ctx, id, "deleted", &e)),
    };
    match deleted {
        Ok(deleted) => {
            if ctx.json() {
                return Ok(Reply::fields([
                    ("session_id", Json::str(id)),
                    ("deleted", Json::Bool(deleted)),
                    ("status", Json::str(if deleted { "deleted" } else { "not_found" })),
                ]));
            }
            Ok(Reply::line(if deleted { format!("deleted: {id}") } else { format!("not found: {id}") }))
        }
        Err(e) => Ok(failure(ctx, id, "deleted", &e)),
    }
}
