//! `remote-mode`, `ssh-mode`, `teleport-mode`, `direct-connect-mode`, `deep-link-mode`.

use super::Ctx;
use crate::error::Result;
use crate::output::Reply;
use crate::pyfmt::json::Json;

/// Which runtime branching a mode command simulates.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mode {
    Remote,
    Ssh,
    Teleport,
    DirectConnect,
    DeepLink,
}

pub(super) fn run(ctx: &Ctx<'_>, mode: Mode, target: &str) -> Result<Reply> {
    let (mode, detail) = match mode {
        Mode::Remote => ("remote", Some("Remote control placeholder prepared for")),
        Mode::Ssh => ("ssh", Some("SSH proxy placeholder prepared for")),
        Mode::Teleport => ("teleport", Some("Teleport resume/create placeholder prepared for")),
        Mode::DirectConnect => ("direct-connect", None),
        Mode::DeepLink => ("deep-link", None),
    };
    let reply = match (detail, ctx.json()) {
        (Some(d), false) => Reply::line(format!("mode={mode}\nconnected=True\ndetail={d} {target}")),
        (Some(d), true) => Reply::fields([
            ("mode", Json::str(mode)),
            ("connected", Json::Bool(true)),
            ("detail", Json::str(format!("{d} {target}"))),
        ]),
        (None, false) => Reply::line(format!("mode={mode}\ntarget={target}\nactive=True")),
        (None, true) => {
            Reply::fields([("mode", Json::str(mode)), ("target", Json::str(target)), ("active", Json::Bool(true))])
        }
    };
    Ok(reply)
}
