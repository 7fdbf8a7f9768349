//! `remote-mode`, `ssh-mode`, `teleport-mode`, `direct-connect-mode`, `deep-link-mode`.

use super::Ctx;
use crate::error::Result;
use crate::output::Reply;
use crate::pyfmt::json::Json;

pub fn run(ctx: &Ctx<'_>, command: &str) -> Result<Reply> {
    let target = ctx.inv.pos("target");
    let (mode, detail) = match command {
        "remote-mode" => ("remote", Some("Remote control placeholder prepared for")),
        "ssh-mode" => ("ssh", Some("SSH proxy placeholder prepared for")),
        "teleport-mode" => ("teleport", Some("Teleport resume/create placeholder prepared for")),
        "direct-connect-mode" => ("direct-connect", None),
        _ => ("deep-link", None),
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
