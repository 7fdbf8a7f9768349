//! `route`.

use super::Ctx;
use crate::cli::args::RouteArgs;
use crate::error::Result;
use crate::output::Reply;
use crate::permissions::denials;
use crate::pyfmt::json::Json;
use crate::router::Match;

pub(super) fn matches_json(matches: &[Match<'_>]) -> Json {
    Json::List(
        matches
            .iter()
            .map(|m| {
                Json::obj([
                    ("kind", Json::str(m.kind.as_str())),
                    ("name", Json::str(m.name)),
                    ("score", Json::int(m.score)),
                    ("source_hint", Json::str(m.source_hint)),
                ])
            })
            .collect(),
    )
}

pub(super) fn route(ctx: &Ctx<'_>, args: &RouteArgs) -> Result<Reply> {
    let RouteArgs { prompt, limit, deny, routing } = args;
    let routed = routing.unwrap_or_default().route_source(&ctx.source, prompt, limit.get())?;
    let matches = routed.matches();
    // Deny lists are claw's own; without them the output is the reference's.
    let blocked = if deny.is_empty() { Vec::new() } else { denials(&matches, deny) };
    if ctx.json() {
        let mut fields = vec![
            ("prompt", Json::str(prompt)),
            ("limit", Json::pyint(limit)),
            ("match_count", Json::int(matches.len())),
            ("matches", matches_json(&matches)),
        ];
        if !deny.is_empty() {
            fields.push((
                "permission_denials",
                Json::List(
                    blocked
                        .iter()
                        .map(|d| Json::obj([("tool_name", Json::str(&d.tool_name)), ("reason", Json::str(&d.reason))]))
                        .collect(),
                ),
            ));
        }
        return Ok(Reply::fields(fields));
    }
    if matches.is_empty() {
        return Ok(Reply::line("No mirrored command/tool matches found."));
    }
    let mut lines: Vec<String> =
        matches.iter().map(|m| format!("{}\t{}\t{}\t{}", m.kind.as_str(), m.name, m.score, m.source_hint)).collect();
    lines.extend(blocked.iter().map(|d| format!("denied\t{}\t{}", d.tool_name, d.reason)));
    Ok(Reply::line(lines.join("\n")))
}
