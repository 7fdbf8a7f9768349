//! `flush-transcript`, `load-session`, `list-sessions`, `delete-session`.

use super::Ctx;
use crate::cli::args::{FlushArgs, SessionArgs};
use crate::error::{ClawError, Result};
use crate::output::Reply;
use crate::pyfmt::json::Json;
use crate::pyfmt::repr::py_bool;
use crate::query_engine::{Config, Engine};
use crate::session_store::{self, LoadError, Store};

/// A typed failure with the reference's per-command fields (`id` is the
/// session id given, or empty).
fn failure(ctx: &Ctx<'_>, id: &str, status_key: &str, err: Json, text: String) -> Reply {
    if !ctx.json() {
        return Reply::line(text).with_exit(1);
    }
    Reply::fields([("session_id", Json::str(id)), (status_key, Json::Bool(false)), ("error", err)]).with_exit(1)
}

fn invalid_id(ctx: &Ctx<'_>, id: &str, status_key: &str, e: &ClawError) -> Reply {
    let err = Json::obj([
        ("kind", Json::str(e.kind())),
        ("message", Json::str(e.to_string())),
        ("retryable", Json::Bool(false)),
    ]);
    failure(ctx, id, status_key, err, format!("error: {e}"))
}

pub fn flush(ctx: &Ctx<'_>, args: &FlushArgs) -> Result<Reply> {
    let mut engine = Engine::new(Config::default());
    let given = args.session_id.as_deref().unwrap_or_default();
    if let Some(id) = &args.session_id {
        if let Err(e) = session_store::validate_id(id) {
            return Ok(invalid_id(ctx, given, "flushed", &e));
        }
        engine.session_id = id.to_string();
    }
    engine.submit(&args.prompt, &[], &[], &[]);
    let stored = engine.stored();
    let path = match Store::new(args.directory.as_deref()).save(&stored) {
        Ok(p) => p,
        Err(e) => {
            let err = Json::obj([
                ("kind", Json::str(e.kind())),
                ("message", Json::str(e.to_string())),
                ("retryable", Json::Bool(e.retryable())),
            ]);
            return Ok(failure(ctx, given, "flushed", err, format!("error: {e}")));
        }
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

pub fn load(ctx: &Ctx<'_>, args: &SessionArgs) -> Result<Reply> {
    let id = args.session_id.as_str();
    if let Err(e) = session_store::validate_id(id) {
        return Ok(invalid_id(ctx, id, "loaded", &e));
    }
    let store = Store::new(args.directory.as_deref());
    let directory =
        args.directory.as_deref().map_or(session_store::DEFAULT_DIR.to_string(), session_store::display_dir);
    let (kind, message, retryable) = match store.load(id) {
        Ok(s) => {
            if !ctx.json() {
                return Ok(Reply::line(format!(
                    "{}\n{} messages\nin={} out={}",
                    s.session_id,
                    s.messages.len(),
                    s.input_tokens,
                    s.output_tokens
                )));
            }
            return Ok(Reply::fields([
                ("session_id", Json::str(&s.session_id)),
                ("loaded", Json::Bool(true)),
                ("messages_count", Json::int(s.messages.len())),
                ("input_tokens", Json::u64(s.input_tokens)),
                ("output_tokens", Json::u64(s.output_tokens)),
            ]));
        }
        Err(LoadError::NotFound { message }) => ("session_not_found", message, false),
        Err(LoadError::Failed { message }) => ("session_load_failed", message, true),
    };
    let err = Json::obj([
        ("kind", Json::str(kind)),
        ("message", Json::str(&message)),
        ("directory", Json::str(directory)),
        ("retryable", Json::Bool(retryable)),
    ]);
    Ok(failure(ctx, id, "loaded", err, format!("error: {message}")))
}

pub fn list(ctx: &Ctx<'_>, directory: Option<&str>) -> Result<Reply> {
    let ids = match Store::new(directory).list() {
        Ok(ids) => ids,
        Err(e) => {
            if !ctx.json() {
                return Ok(Reply::line(format!("error: {e}")).with_exit(1));
            }
            let err = Json::obj([
                ("kind", Json::str("session_list_failed")),
                ("message", Json::str(e.to_string())),
                ("retryable", Json::Bool(true)),
            ]);
            return Ok(
                Reply::fields([("sessions", Json::List(vec![])), ("count", Json::Int(0)), ("error", err)]).with_exit(1)
            );
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

pub fn delete(ctx: &Ctx<'_>, args: &SessionArgs) -> Result<Reply> {
    let id = args.session_id.as_str();
    let deleted = match session_store::validate_id(id) {
        Ok(()) => Store::new(args.directory.as_deref()).delete(id),
        // No file name over 255 bytes can exist: such an id is simply not found.
        Err(ClawError::InvalidSessionId { reason: session_store::ID_TOO_LONG, .. }) => Ok(false),
        Err(e) => return Ok(invalid_id(ctx, id, "deleted", &e)),
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
        Err(message) => {
            let err = Json::obj([
                ("kind", Json::str("session_delete_failed")),
                ("message", Json::str(&message)),
                ("retryable", Json::Bool(true)),
            ]);
            Ok(failure(ctx, id, "deleted", err, format!("error: {message}")))
        }
    }
}
