//! What a command hands back, and the one place that prints it: text as the
//! reference prints it, or one JSON envelope with the common fields first.

use std::io::{self, Write};

use crate::pyfmt::json::{Json, dumps};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// A command's answer: its exit code and, for the chosen format, either the
/// exact text to print or the envelope's command-specific fields.
#[derive(Debug)]
pub(crate) struct Reply {
    pub exit: i32,
    pub body: Body,
}

#[derive(Debug)]
pub(crate) enum Body {
    /// Printed as is to stdout (it carries its own final newline).
    Text(String),
    /// Printed as is to stdout: text holding file names that need not be UTF-8.
    Bytes(Vec<u8>),
    /// Printed to stderr (text-mode errors that the reference never had).
    Stderr(String),
    /// Printed as one envelope.
    Fields(Vec<(String, Json)>),
}

impl Reply {
    /// `print(text)`: the text plus a newline, exit 0.
    pub(crate) fn line(text: impl Into<String>) -> Reply {
        let mut t = text.into();
        t.push('\n');
        Reply { exit: 0, body: Body::Text(t) }
    }

    pub(crate) fn fields<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Reply {
        Reply { exit: 0, body: Body::Fields(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()) }
    }

    pub(crate) fn with_exit(mut self, exit: i32) -> Reply {
        self.exit = exit;
        self
    }
}

/// The envelope: `timestamp, command, exit_code, output_format, schema_version`, then the fields.
pub(crate) fn envelope(command: &str, exit: i32, fields: Vec<(String, Json)>) -> Json {
    let mut pairs = vec![
        ("timestamp".to_string(), Json::str(timestamp())),
        ("command".to_string(), Json::str(command)),
        ("exit_code".to_string(), Json::Int(exit as i64)),
        ("output_format".to_string(), Json::str("json")),
        ("schema_version".to_string(), Json::str("1.0")),
    ];
    pairs.extend(fields);
    Json::Obj(pairs)
}

/// Print a reply for `command`; a closed stdout ends the write quietly.
pub(crate) fn emit(command: &str, reply: Reply, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<i32> {
    let result = match reply.body {
        Body::Text(text) => out.write_all(text.as_bytes()),
        Body::Bytes(bytes) => out.write_all(&bytes),
        Body::Stderr(text) => err.write_all(text.as_bytes()),
        Body::Fields(fields) => {
            let mut text = dumps(&envelope(command, reply.exit, fields));
            text.push('\n');
            out.write_all(text.as_bytes())
        }
    };
    match result.and_then(|_| out.flush()) {
        Ok(()) => Ok(reply.exit),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(reply.exit),
        Err(e) => Err(e),
    }
}

/// `datetime.now(timezone.utc).isoformat(timespec='seconds')` with `Z`.
pub(crate) fn timestamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    format_utc(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_utc(secs: i64) -> String {
    let (year, month, day, h, m, s) = civil(secs);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

/// Seconds since the epoch as UTC `(year, month, day, hour, minute, second)`
/// (civil-from-days); allocates nothing.
pub(crate) fn civil(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formatting() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_795_329_213), "2026-11-22T06:33:33Z");
    }

    #[test]
    fn envelope_puts_common_fields_first() {
        let e = envelope("route", 1, vec![("x".into(), Json::Int(1))]);
        let text = dumps(&e);
        assert!(text.starts_with("{\"timestamp\": \""));
        assert!(text.ends_with("\"command\": \"route\", \"exit_code\": 1, \"output_format\": \"json\", \"schema_version\": \"1.0\", \"x\": 1}"));
    }
}
