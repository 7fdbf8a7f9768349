//! `summary`, `manifest`, `subsystems`, `setup-report`, `parity-audit`.

use super::Ctx;
use crate::error::{ClawError, Result};
use crate::output::Reply;
use crate::pyfmt::json::Json;
use crate::workspace::ARCHIVE_SUBPATH;

fn pending(what: &str) -> Result<Reply> {
    Err(ClawError::Workspace { path: what.into(), problem: "report not available in this build".into() })
}

pub fn summary(_ctx: &Ctx<'_>) -> Result<Reply> {
    pending("summary")
}

pub fn manifest(_ctx: &Ctx<'_>) -> Result<Reply> {
    pending("manifest")
}

pub fn subsystems(_ctx: &Ctx<'_>) -> Result<Reply> {
    pending("subsystems")
}

pub fn setup_report(_ctx: &Ctx<'_>) -> Result<Reply> {
    pending("setup-report")
}

pub fn parity_audit(ctx: &Ctx<'_>) -> Result<Reply> {
    let archive_present = ctx.workspace().join(ARCHIVE_SUBPATH).exists();
    if ctx.json() {
        return Ok(Reply::fields([("archive_present", Json::Bool(archive_present))]));
    }
    Ok(Reply::line("# Parity Audit\nLocal archive unavailable; parity audit cannot compare against the original snapshot."))
}
