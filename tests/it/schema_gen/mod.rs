//! The generator of JSON Schemas (draft 2020-12) for every
//! `--output-format json` envelope. It lives with the tests, not in claw:
//! only the tests use it.
//!
//! The files in `schemas/` are generated from the definitions here, never
//! edited by hand: one `<command>.schema.json` per subcommand of
//! `claw::cli::spec::COMMANDS` (its shapes in `commands.rs`),
//! `claw.schema.json` for what the bare program prints (top-level help,
//! `--version`, `--generate`), and `parse-error.schema.json` for parse
//! errors, whose `command` is the target token.  `schemas.rs` fails when the
//! checked-in files differ from [`all`], and rewrites them when run with
//! `CLAW_BLESS_SCHEMAS=1`.
//!
//! Each command's schema is a `oneOf` over its shapes (success, not-found,
//! per-command errors, the typed error every handler may return, `--help`,
//! and parse errors naming that command); every shape requires the common
//! envelope fields built by claw's `output::envelope` and allows no other
//! fields than its own.
//!
//! Not expressible: a float option given as `inf` or `nan` (`--timeout-seconds
//! inf`) is echoed the way Python's `json.dumps` writes it (`Infinity`,
//! `NaN`), which is not JSON at all.

use serde_json::{Map, Value, json};

use claw::cli::spec;
use claw::error::Kind;

mod commands;

use commands::command_shapes;

pub(crate) const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The file name of the schema for parse errors.
pub(crate) const PARSE_ERROR: &str = "parse-error";

/// The file name of the schema for the bare program (`command` = `"claw"`).
pub(crate) const TOP: &str = "claw";

// ---------------------------------------------------------------------------
// A small builder over `serde_json::Value`.

fn string() -> Value {
    json!({"type": "string"})
}

fn integer() -> Value {
    json!({"type": "integer"})
}

fn number() -> Value {
    json!({"type": "number"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn constant(v: impl Into<Value>) -> Value {
    json!({"const": v.into()})
}

fn one_of<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    json!({"enum": items.into_iter().map(|s| s.as_ref().to_string()).collect::<Vec<_>>()})
}

fn list(item: Value) -> Value {
    json!({"type": "array", "items": item})
}

fn strings() -> Value {
    list(string())
}

/// `v` or `null`.
fn nullable(v: Value) -> Value {
    match v.get("type").and_then(Value::as_str) {
        Some(t) if v.as_object().is_some_and(|o| o.len() == 1) => json!({"type": [t, "null"]}),
        _ => json!({"anyOf": [v, {"type": "null"}]}),
    }
}

/// `v` with a `description` (written first).
fn described(v: Value, text: &str) -> Value {
    let Value::Object(fields) = v else { panic!("schemas are objects") };
    let mut out = Map::new();
    out.insert("description".into(), Value::from(text));
    out.extend(fields);
    Value::Object(out)
}

/// A closed object: exactly `required` (all required) plus any of `optional`.
fn object_with(required: &[(&str, Value)], optional: &[(&str, Value)]) -> Value {
    let mut props = Map::new();
    for (k, v) in required.iter().chain(optional) {
        props.insert((*k).to_string(), v.clone());
    }
    let names: Vec<&str> = required.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "properties": props, "required": names, "additionalProperties": false})
}

fn object(required: &[(&str, Value)]) -> Value {
    object_with(required, &[])
}

/// The `exit_code` a shape has.
fn exit(codes: &[i64]) -> Value {
    match codes {
        [one] => constant(*one),
        many => json!({"enum": many}),
    }
}

// ---------------------------------------------------------------------------
// Shapes: one kind of envelope a command prints.

/// One kind of envelope: its name in `$defs`, what it is, its `exit_code`,
/// and its command fields (after the common ones).
pub(crate) struct Shape {
    pub name: &'static str,
    pub description: &'static str,
    pub exit: Value,
    pub fields: Vec<(&'static str, Value)>,
    pub optional: Vec<(&'static str, Value)>,
}

impl Shape {
    fn new(name: &'static str, description: &'static str, exit: Value, fields: Vec<(&'static str, Value)>) -> Shape {
        Shape { name, description, exit, fields, optional: Vec::new() }
    }

    fn success(fields: Vec<(&'static str, Value)>) -> Shape {
        Shape::new("success", "the command's report", self::exit(&[0]), fields)
    }

    fn with_optional(mut self, optional: Vec<(&'static str, Value)>) -> Shape {
        self.optional = optional;
        self
    }

    fn with_exit(mut self, codes: &[i64]) -> Shape {
        self.exit = exit(codes);
        self
    }

    /// The whole envelope: the common fields of claw's `output::envelope`, then ours.
    fn envelope(&self, command: &Value) -> Value {
        let mut required = vec![
            (
                "timestamp",
                described(
                    json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}),
                    "UTC time of the run, seconds precision",
                ),
            ),
            ("command", command.clone()),
            ("exit_code", self.exit.clone()),
            ("output_format", constant("json")),
            ("schema_version", constant("1.0")),
        ];
        required.extend(self.fields.iter().map(|(k, v)| (*k, v.clone())));
        described(object_with(&required, &self.optional), self.description)
    }
}

/// The `error.kind`s any handler may end with (see [`Kind::from_any_command`]),
/// and `out_of_memory`, which the allocator writes from any command (`oom.rs`).
pub(crate) fn claw_error_kinds() -> Vec<&'static str> {
    Kind::ALL.into_iter().filter(|k| k.from_any_command()).map(Kind::as_str).chain([claw::oom::KIND]).collect()
}

/// `kind` as the schema of an error's `kind`: one kind as a `const`, more as an `enum`.
fn kinds(kinds: &[Kind]) -> Value {
    match kinds {
        [one] => constant(one.as_str()),
        many => one_of(many.iter().map(|k| k.as_str())),
    }
}

/// `{kind, message, retryable}` with `kind` among `kinds`.
fn typed_error(kinds: Value) -> Value {
    object(&[("kind", kinds), ("message", string()), ("retryable", boolean())])
}

/// The typed error any handler may end with (`app::error_reply`).
fn error_shape() -> Shape {
    Shape::new(
        "error",
        "a typed error (reference data, workspace, session store, output failure or memory exhausted)",
        exit(&[1]),
        vec![("error", typed_error(one_of(claw_error_kinds())))],
    )
}

/// `--help` with `--output-format json`: the help text in `help`.
fn help_shape() -> Shape {
    Shape::new("help", "`-h`/`--help` with `--output-format json`: the help text", exit(&[0]), vec![("help", string())])
}

/// A parse error (`app::parse_error`); `command` is the target token.
fn parse_shape() -> Shape {
    Shape::new(
        "parse_error",
        "the command line could not be parsed; `command` is the subcommand token (or `claw`)",
        exit(&[1]),
        vec![(
            "error",
            object(&[
                ("kind", kinds(&[Kind::Parse])),
                ("operation", constant("argparse")),
                ("target", string()),
                ("retryable", constant(false)),
                ("message", string()),
                ("hint", string()),
            ]),
        )],
    )
}

// ---------------------------------------------------------------------------
// Pieces shared by several commands.

fn entry() -> Value {
    object(&[("name", string()), ("source_hint", string())])
}

fn language() -> Value {
    one_of(["python", "rust"])
}

fn module() -> Value {
    object(&[("name", string()), ("path", string()), ("file_count", integer()), ("notes", string())])
}

fn manifest_fields() -> Vec<(&'static str, Value)> {
    vec![
        ("port_root", described(string(), "absolute `<workspace>/src`, or the workspace for a cargo workspace")),
        ("language", language()),
        ("total_files", integer()),
        ("modules", list(module())),
        ("cargo_workspace", described(boolean(), "whether the roots are the members of `[workspace] members`")),
        ("port_roots", described(strings(), "the absolute `src/` directories scanned")),
    ]
}

fn setup() -> Value {
    object(&[
        ("python_version", string()),
        ("implementation", string()),
        ("platform_name", string()),
        ("test_command", string()),
    ])
}

fn stop_reason() -> Value {
    use claw::StopReason as S;
    one_of([S::Completed, S::MaxTurnsReached, S::MaxBudgetReached, S::Timeout].map(S::as_str))
}

fn routed_match() -> Value {
    use claw::router::Kind as K;
    object(&[
        ("kind", one_of([K::Command, K::Tool].map(K::as_str))),
        ("name", string()),
        ("score", integer()),
        ("source_hint", string()),
    ])
}

fn ratio() -> Value {
    object(&[("covered", integer()), ("total", integer()), ("ratio", number())])
}

/// `{covered, total, ratio, missing}`: surface coverage by name.
fn surface_coverage() -> Value {
    object(&[("covered", integer()), ("total", integer()), ("ratio", number()), ("missing", strings())])
}

/// `show-command` / `show-tool`.
fn show(not_found: Kind) -> Vec<Shape> {
    vec![
        Shape::success(vec![
            ("name", string()),
            ("found", constant(true)),
            ("source_hint", string()),
            ("responsibility", string()),
        ]),
        Shape::new(
            "not_found",
            "no entry has that exact name",
            exit(&[1]),
            vec![("name", string()), ("found", constant(false)), ("error", typed_error(kinds(&[not_found])))],
        ),
    ]
}

/// `exec-command` (`input` = `prompt`) / `exec-tool` (`input` = `payload`).
fn exec(input: &'static str, refusal: Value) -> Vec<Shape> {
    vec![
        Shape::new(
            "handled",
            "the shim ran",
            exit(&[0]),
            vec![
                ("name", string()),
                (input, string()),
                ("source_hint", string()),
                ("handled", constant(true)),
                ("message", string()),
            ],
        ),
        Shape::new(
            "refused",
            "unknown name or permission denied",
            exit(&[1]),
            vec![("name", string()), (input, string()), ("handled", constant(false)), ("error", refusal)],
        ),
    ]
}

/// A session command's failure: `session_id`, `<status>: false`, `error`.
fn session_failure(status: &'static str, description: &'static str, error: Value) -> Shape {
    Shape::new(
        "failure",
        description,
        exit(&[1]),
        vec![("session_id", string()), (status, constant(false)), ("error", error)],
    )
}

/// `remote-mode`, `ssh-mode`, `teleport-mode`.
fn connected(mode: &str) -> Vec<Shape> {
    vec![Shape::success(vec![("mode", constant(mode)), ("connected", constant(true)), ("detail", string())])]
}

/// `direct-connect-mode`, `deep-link-mode`.
fn active(mode: &str) -> Vec<Shape> {
    vec![Shape::success(vec![("mode", constant(mode)), ("target", string()), ("active", constant(true))])]
}

/// One schema document: a `oneOf` over `shapes`, each in `$defs`.
fn document(stem: &str, title: &str, description: &str, command: Value, shapes: &[Shape]) -> Value {
    let mut defs = Map::new();
    let mut refs = Vec::new();
    for s in shapes {
        let mut name = s.name.to_string();
        let mut n = 2;
        while defs.contains_key(&name) {
            name = format!("{}_{n}", s.name);
            n += 1;
        }
        refs.push(json!({"$ref": format!("#/$defs/{name}")}));
        defs.insert(name, s.envelope(&command));
    }
    json!({
        "$schema": DRAFT,
        "$id": format!("urn:claw:schema:{stem}"),
        "title": title,
        "description": description,
        "type": "object",
        "oneOf": refs,
        "$defs": defs,
    })
}

fn pretty(v: &Value) -> String {
    let mut text = serde_json::to_string_pretty(v).expect("schemas serialize");
    text.push('\n');
    text
}

/// The schema of subcommand `name`'s envelope.
pub(crate) fn command_schema(c: &spec::Cmd) -> Value {
    let mut shapes = command_shapes(c.id);
    if c.declares("routing") {
        let routing = described(one_of(claw::ROUTING_CHOICES), "only with --routing or CLAW_ROUTING: the routing used");
        shapes.iter_mut().for_each(|s| s.optional.push(("routing", routing.clone())));
    }
    shapes.extend([error_shape(), help_shape(), parse_shape()]);
    document(
        c.name,
        &format!("claw {} --output-format json", c.name),
        &format!("The JSON envelope `claw {}` prints ({}).", c.name, c.help),
        constant(c.name),
        &shapes,
    )
}

/// The schema of what the bare program prints as JSON: help, version, generated files, parse errors.
pub(crate) fn top_schema() -> Value {
    let mut shapes = vec![
        help_shape(),
        Shape::new("version", "`--version` with `--output-format json`", exit(&[0]), vec![("version", string())]),
    ];
    for what in spec::GENERATE {
        let mut s =
            Shape::new(what, "`--generate` with `--output-format json`: the generated file", exit(&[0]), vec![]);
        s.fields.push((what, string()));
        shapes.push(s);
    }
    shapes.push(parse_shape());
    // Memory can run out before a command is known.
    shapes.push(Shape::new(
        "out_of_memory",
        "memory exhausted before a command was known",
        exit(&[1]),
        vec![("error", typed_error(constant(claw::oom::KIND)))],
    ));
    document(
        TOP,
        "claw --output-format json (no subcommand)",
        "The JSON envelope the bare program prints: top-level help, --version, --generate, a parse error without a subcommand, or out_of_memory before a command is known.",
        constant(TOP),
        &shapes,
    )
}

/// The schema of a parse error's envelope, whatever its target.
pub(crate) fn parse_error_schema() -> Value {
    document(
        PARSE_ERROR,
        "claw parse error (--output-format json)",
        "The JSON envelope of a command line that could not be parsed; `command` is the target token.",
        described(string(), "the subcommand token the command line named, or `claw`"),
        &[parse_shape()],
    )
}

/// Every schema file as `(file name, pretty JSON text)`, in a stable order:
/// the subcommands in the reference's order, then `claw`, then `parse-error`.
pub(crate) fn all() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        spec::COMMANDS.iter().map(|c| (format!("{}.schema.json", c.name), pretty(&command_schema(c)))).collect();
    files.push((format!("{TOP}.schema.json"), pretty(&top_schema())));
    files.push((format!("{PARSE_ERROR}.schema.json"), pretty(&parse_error_schema())));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_per_command_plus_top_and_parse_error() {
        let files = all();
        assert_eq!(files.len(), spec::COMMANDS.len() + 2);
        assert!(files.iter().any(|(n, _)| n == "show-command.schema.json"));
        assert!(files.iter().any(|(n, _)| n == "parse-error.schema.json"));
        for (_, text) in &files {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(v["$schema"], DRAFT);
        }
    }

    #[test]
    fn nullable_merges_simple_types() {
        assert_eq!(nullable(string()), json!({"type": ["string", "null"]}));
        assert_eq!(nullable(one_of(["a"])), json!({"anyOf": [{"enum": ["a"]}, {"type": "null"}]}));
    }
}
