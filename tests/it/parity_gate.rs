//! `parity-audit` as a CI gate, run as the built binary on fixture
//! workspaces built in temporary directories: cargo workspaces with globbed
//! members, surface coverage by name, the baseline ratchet, JUnit XML,
//! GitHub annotations, the honest gate and the `--fail-under` range.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{self, Run, Scratch};

fn snapshot(names: &[&str]) -> String {
    let items: Vec<Value> =
        names.iter().map(|n| json!({"name": n, "source_hint": format!("x/{n}.ts"), "responsibility": "r"})).collect();
    Value::Array(items).to_string()
}

/// Reference data: 5 command entries (4 distinct names), 4 tools, and an
/// archive surface of 3 root files and 3 root directories.
fn reference_data() -> Scratch {
    let d = Scratch::new();
    d.file("commands_snapshot.json", &snapshot(&["compact", "review", "add-dir", "compact", "teleport"]));
    d.file("tools_snapshot.json", &snapshot(&["BashTool", "GrepTool", "WebFetchTool", "NotebookEditTool"]));
    d.file(
        "archive_surface_snapshot.json",
        &json!({
            "archive_root": "archive/claude_code_ts_snapshot/src",
            "root_files": ["main.tsx", "cost-tracker.ts", "history.ts"],
            "root_dirs": ["commands", "plugins", "vim"],
            "total_ts_like_files": 20,
            "command_entry_count": 5,
            "tool_entry_count": 8
        })
        .to_string(),
    );
    d
}

/// A cargo workspace: `crates/*` (two crates with a Cargo.toml, one
/// without, one excluded) plus `tools/x`; 6 `.rs` files in the members.
fn cargo_workspace() -> Scratch {
    let w = Scratch::new();
    w.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\n  \"crates/*\", # every crate\n  'tools/x',\n]\nexclude = [\"crates/old\"]\n\n[workspace.package]\nedition = \"2021\"\n",
    );
    for (path, body) in [
        ("crates/api/Cargo.toml", "[package]\nname = \"api\"\n"),
        ("crates/api/src/lib.rs", "pub const COMMANDS: &[&str] = &[\"compact\", \"add-dir\"];\n"),
        ("crates/api/src/cost_tracker.rs", "// review is only mentioned in a comment\npub struct BashTool;\n"),
        ("crates/plugins/Cargo.toml", "[package]\nname = \"plugins\"\n"),
        ("crates/plugins/src/main.rs", "fn main() { let _ = \"grep\"; }\n"),
        ("crates/plugins/src/cli/mod.rs", "fn web_fetch() {}\n"),
        ("crates/notacrate/src/lib.rs", "fn teleport() {}\n"),
        ("crates/old/Cargo.toml", "[package]\nname = \"old\"\n"),
        ("crates/old/src/lib.rs", "fn teleport() {}\n"),
        ("tools/x/Cargo.toml", "[package]\nname = \"x\"\n"),
        ("tools/x/src/lib.rs", ""),
        ("tools/x/src/vim/mod.rs", ""),
        ("src/ignored.rs", "fn teleport() {}\n"),
    ] {
        w.file(path, body);
    }
    w
}

/// Run claw in `cwd` with `refdata` as `CLAW_REFERENCE_DATA` (or none).
fn claw(cwd: &Path, refdata: Option<&Path>, args: &[&str]) -> Run {
    let mut cmd = support::claw_in(cwd);
    cmd.args(args);
    if let Some(dir) = refdata {
        cmd.env("CLAW_REFERENCE_DATA", dir);
    }
    Run::of(&mut cmd)
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect()
}

#[test]
fn a_cargo_workspace_is_every_member_s_src() {
    let (ws, rd) = (cargo_workspace(), reference_data());
    let root = ws.path();
    let rs = root.to_str().unwrap();
    let r = claw(root, Some(rd.path()), &["manifest"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(
        r.stdout,
        format!(
            "Port root: `{rs}` (cargo workspace)\nTotal Rust files: **6**\n\nTop-level Rust modules:\n\
             - `crates/api` (2 files) — cargo workspace member\n\
             - `crates/plugins` (2 files) — cargo workspace member\n\
             - `tools/x` (2 files) — cargo workspace member\n"
        )
    );
    let r = claw(root, Some(rd.path()), &["subsystems", "--limit", "1"]);
    assert_eq!(r.stdout, "crates/api\t2\tcargo workspace member\n");

    let v = claw(root, Some(rd.path()), &["manifest", "--output-format", "json"]).json();
    assert_eq!(v["cargo_workspace"], true);
    assert_eq!(v["port_root"], rs);
    let roots: Vec<String> =
        ["crates/api", "crates/plugins", "tools/x"].iter().map(|m| format!("{rs}/{m}/src")).collect();
    assert_eq!(strs(&v["port_roots"]), roots);
    assert_eq!(
        v["modules"][2],
        json!({"name": "tools/x", "path": "tools/x/src", "file_count": 2, "notes": "cargo workspace member"})
    );

    // The audit covers every member: main.rs (plugins), cost_tracker.rs
    // (api); cli/ is not a target; plugins/ is the member crate; vim/ is in tools/x.
    let v = claw(root, Some(rd.path()), &["parity-audit", "--output-format", "json"]).json();
    assert_eq!(v["language"], "rust");
    assert_eq!(v["root_file_coverage"], json!({"covered": 2, "total": 3, "ratio": 2.0 / 3.0}));
    assert_eq!(strs(&v["missing_root_targets"]), ["history.rs"]);
    assert_eq!(v["directory_coverage"], json!({"covered": 2, "total": 3, "ratio": 2.0 / 3.0}));
    assert_eq!(strs(&v["missing_directory_targets"]), ["commands/"]);
    assert_eq!(v["total_file_ratio"], json!({"covered": 6, "total": 20, "ratio": 0.3}));

    // A member crate without sources covers nothing.
    std::fs::remove_dir_all(root.join("crates/plugins/src")).unwrap();
    let v = claw(root, Some(rd.path()), &["parity-audit", "--output-format", "json"]).json();
    assert_eq!(strs(&v["missing_directory_targets"]), ["commands/", "plugins/"]);
    ws.file("crates/plugins/src/main.rs", "fn main() { let _ = \"grep\"; }\n");
    ws.file("crates/plugins/src/cli/mod.rs", "fn web_fetch() {}\n");

    // Text names each root after the reference's report.
    let r = claw(root, Some(rd.path()), &["parity-audit"]);
    assert_eq!(
        r.stdout,
        "# Parity Audit\nLocal archive unavailable; parity audit cannot compare against the original snapshot.\n\n\
         Cargo workspace members: 3\n- `crates/api/src`\n- `crates/plugins/src`\n- `tools/x/src`\n"
    );
}

#[test]
fn surface_coverage_by_name_in_a_cargo_workspace() {
    let (ws, rd) = (cargo_workspace(), reference_data());
    let v = claw(ws.path(), Some(rd.path()), &["parity-audit", "--output-format", "json"]).json();
    // compact and add-dir are literals; review is only in a comment; teleport
    // is only outside the members.  BashTool (identifier), GrepTool ("grep"),
    // WebFetchTool (web_fetch) are covered; NotebookEditTool is not.
    assert_eq!(
        v["command_surface_coverage"],
        json!({"covered": 2, "total": 4, "ratio": 0.5, "missing": ["review", "teleport"]})
    );
    assert_eq!(
        v["tool_surface_coverage"],
        json!({"covered": 3, "total": 4, "ratio": 0.75, "missing": ["NotebookEditTool"]})
    );
    assert_eq!(v["surface"], false);

    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--surface", "--fail-under", "0.6"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.ends_with(
            "\nCommand surface coverage: **2/4**\nTool surface coverage: **3/4**\n\n\
             Missing command names:\n- review\n- teleport\n\nMissing tool names:\n- NotebookEditTool\n\n\
             Coverage gate: failed (--fail-under 0.6)\n\
             - tool_entry_ratio: 4/8 is below 0.6\n\
             - command_surface_coverage: 2/4 is below 0.6\n"
        ),
        "{}",
        r.stdout
    );
    // Without --surface the surface metrics are neither shown nor gated.
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--fail-under", "0.6"]);
    assert!(!r.stdout.contains("surface"), "{}", r.stdout);
    assert!(r.stdout.ends_with("Coverage gate: failed (--fail-under 0.6)\n- tool_entry_ratio: 4/8 is below 0.6\n"));
}

#[test]
fn surface_coverage_in_a_python_workspace() {
    let (ws, rd) = (Scratch::new(), reference_data());
    ws.file("src/commands.py", "# compact\nNAMES = ('review', \"add-dir\")\ndef teleport():\n    pass\n");
    ws.file("src/tools.py", "class GrepTool:\n    '''BashTool in a docstring is a literal, not a whole name'''\n");
    let v = claw(ws.path(), Some(rd.path()), &["parity-audit", "--output-format", "json"]).json();
    assert_eq!(v["language"], "python");
    assert_eq!(v["cargo_workspace"], false);
    assert_eq!(v["command_surface_coverage"]["missing"], json!(["compact"]));
    assert_eq!(v["tool_surface_coverage"]["missing"], json!(["BashTool", "NotebookEditTool", "WebFetchTool"]));
}

#[test]
fn the_baseline_ratchet_passes_then_names_what_dropped() {
    let (ws, rd, out) = (cargo_workspace(), reference_data(), Scratch::new());
    let base = out.path().join("base.json");
    let base_s = base.to_str().unwrap();
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--write-baseline", base_s]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.ends_with(&format!("\nBaseline written: {base_s}\n")), "{}", r.stdout);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(written["format"], "claw-parity-baseline");
    assert_eq!(written["metrics"]["tool_surface_coverage"]["missing"], json!(["NotebookEditTool"]));
    assert_eq!(written["metrics"].as_object().unwrap().len(), 7);

    // Unchanged: the baseline passes.
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--surface", "--baseline", base_s]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.ends_with(&format!("\nBaseline gate: passed (--baseline {base_s})\n")), "{}", r.stdout);

    // Remove the api crate's sources: root files, commands and BashTool drop.
    std::fs::remove_dir_all(ws.path().join("crates/api/src")).unwrap();
    let args = ["parity-audit", "--surface", "--baseline", base_s];
    let r = claw(ws.path(), Some(rd.path()), &args);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.ends_with(&format!(
            "\nBaseline gate: failed (--baseline {base_s})\n\
             - root_file_coverage: 1/3 is below the baseline's 2/3\n  - newly missing: cost_tracker.rs\n\
             - command_surface_coverage: 0/4 is below the baseline's 2/4\n  - newly missing: add-dir, compact\n\
             - tool_surface_coverage: 2/4 is below the baseline's 3/4\n  - newly missing: BashTool\n"
        )),
        "{}",
        r.stdout
    );
    // Without --surface only the root files are checked against the baseline.
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--baseline", base_s]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .ends_with("- root_file_coverage: 1/3 is below the baseline's 2/3\n  - newly missing: cost_tracker.rs\n")
    );

    let mut json_args = args.to_vec();
    json_args.extend(["--fail-under", "0.3", "--output-format", "json"]);
    let v = claw(ws.path(), Some(rd.path()), &json_args).json();
    assert_eq!(v["baseline"], base_s);
    assert_eq!(v["baseline_passed"], false);
    assert_eq!(v["gate_passed"], false, "combined with --fail-under");
    assert_eq!(v["failed_metrics"], json!(["command_surface_coverage"]));
    assert_eq!(
        v["baseline_drops"][1],
        json!({"metric": "command_surface_coverage", "now": {"covered": 0, "total": 4, "ratio": 0.0},
               "baseline": {"covered": 2, "total": 4, "ratio": 0.5}, "newly_missing": ["add-dir", "compact"]})
    );
    let checks: Vec<(&str, &str)> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["metric"].as_str().unwrap(), f["check"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("command_surface_coverage", "fail_under"),
            ("root_file_coverage", "baseline"),
            ("command_surface_coverage", "baseline"),
            ("tool_surface_coverage", "baseline")
        ]
    );
}

#[test]
fn a_missing_or_malformed_baseline_is_a_typed_error() {
    let (ws, rd, out) = (cargo_workspace(), reference_data(), Scratch::new());
    let dir = out.path();
    out.file("notjson.json", "{not json");
    out.file("other.json", "{\"format\": \"something-else\", \"version\": 1, \"metrics\": {}}");
    out.file("short.json", "{\"format\": \"claw-parity-baseline\", \"version\": 1, \"metrics\": {}}");
    let cases = [
        ("missing.json", "No such file or directory"),
        ("notjson.json", "is not valid JSON"),
        ("other.json", "is not a claw parity baseline"),
        ("short.json", "lacks the metric root_file_coverage"),
        ("a-directory", "is a directory"),
    ];
    std::fs::create_dir(dir.join("a-directory")).unwrap();
    for (name, problem) in cases {
        let path = dir.join(name);
        let p = path.to_str().unwrap();
        let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--baseline", p]);
        assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{name}");
        assert!(r.stderr.starts_with(&format!("error: baseline {p}: ")) && r.stderr.contains(problem), "{}", r.stderr);
        let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--baseline", p, "--output-format", "json"]);
        let v = r.json();
        assert_eq!((r.code, v["error"]["kind"].as_str()), (1, Some("baseline_invalid")), "{name}");
        assert!(v["error"]["message"].as_str().unwrap().contains(problem));
    }
}

/// A minimal XML well-formedness check: balanced, properly nested tags,
/// quoted attributes, and no bare `<` or `&` in text.
fn assert_well_formed(xml: &str) -> Vec<String> {
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("XML declaration");
    let tag = regex::Regex::new(r#"^<(/?)([A-Za-z_][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(/?)>"#).unwrap();
    let entity = regex::Regex::new(r"^&(amp|lt|gt|quot|apos);").unwrap();
    let (mut stack, mut seen, mut i) = (Vec::<String>::new(), Vec::new(), 0);
    while i < body.len() {
        let rest = &body[i..];
        if rest.starts_with('<') {
            let c = tag.captures(rest).unwrap_or_else(|| panic!("bad tag at {rest:.40}"));
            let name = c[2].to_string();
            if &c[1] == "/" {
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "mismatched </{name}>");
            } else {
                seen.push(name.clone());
                if c[4].is_empty() {
                    stack.push(name);
                }
            }
            i += c[0].len();
        } else if rest.starts_with('&') {
            i += entity.find(rest).unwrap_or_else(|| panic!("bare & at {rest:.40}")).end();
        } else {
            i += rest.chars().next().unwrap().len_utf8();
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    seen
}

#[test]
fn junit_has_one_testcase_per_metric_and_a_failure_per_failed_metric() {
    let (ws, rd, out) = (cargo_workspace(), reference_data(), Scratch::new());
    let junit = out.path().join("reports/parity.xml");
    std::fs::create_dir_all(junit.parent().unwrap()).unwrap();
    let j = junit.to_str().unwrap();
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--surface", "--fail-under", "0.6", "--junit", j]);
    assert_eq!(r.code, 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let tags = assert_well_formed(&xml);
    assert_eq!(tags.iter().filter(|t| *t == "testcase").count(), 7);
    assert_eq!(tags.iter().filter(|t| *t == "failure").count(), 2);
    assert_eq!(tags.iter().filter(|t| *t == "skipped").count(), 1, "only the total file ratio is not gated");
    assert!(
        xml.contains("<testsuite name=\"claw parity-audit\" tests=\"7\" failures=\"2\" errors=\"0\" skipped=\"1\">")
    );
    assert!(xml.contains(
        "<failure message=\"command_surface_coverage: 2/4 is below 0.6 (--fail-under)\" type=\"fail_under\">"
    ));
    assert!(xml.contains("missing: review, teleport</failure>"));
    assert!(xml.contains("&apos;"), "attribute text is escaped");

    // A passing run still writes every testcase, without failures; the
    // embedded inventory leaves the entry ratios skipped.
    let r = claw(ws.path(), None, &["parity-audit", "--junit", j, "--output-format", "json"]);
    let v = r.json();
    assert_eq!((r.code, v["junit"].as_str()), (0, Some(j)));
    let tags = assert_well_formed(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(tags.iter().filter(|t| *t == "failure").count(), 0);
    assert_eq!(tags.iter().filter(|t| *t == "skipped").count(), 5);

    // An unwritable report path is a typed error and leaves no file behind.
    let bad = out.path().join("no/such/dir/x.xml");
    let r = claw(ws.path(), None, &["parity-audit", "--junit", bad.to_str().unwrap(), "--output-format", "json"]);
    assert_eq!(r.json()["error"]["kind"], "report_write_failed");
    assert!(!bad.exists());
}

#[test]
fn github_annotations_follow_the_report_one_per_failure() {
    let (ws, rd) = (cargo_workspace(), reference_data());
    let r =
        claw(ws.path(), Some(rd.path()), &["parity-audit", "--surface", "--fail-under", "0.6", "--github-annotations"]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "::error title=parity-audit tool_entry_ratio::tool_entry_ratio: 4/8 is below 0.6 (--fail-under)",
            "::error title=parity-audit command_surface_coverage::command_surface_coverage: 2/4 is below 0.6 (--fail-under)",
        ]
    );
    assert_eq!(r.stdout.matches("::error").count(), 2);
    // In JSON mode the lines are a field; stdout stays one envelope.
    let r = claw(
        ws.path(),
        Some(rd.path()),
        &["parity-audit", "--surface", "--fail-under", "0.6", "--github-annotations", "--output-format", "json"],
    );
    assert_eq!(r.json()["annotations"].as_array().unwrap().len(), 2);
    // Nothing fails, nothing is printed.
    let r = claw(ws.path(), Some(rd.path()), &["parity-audit", "--fail-under", "0", "--github-annotations"]);
    assert_eq!((r.code, r.stdout.contains("::")), (0, false));
}

#[test]
fn the_embedded_inventory_never_fails_the_gate_on_entry_ratios() {
    // A complete Python workspace for the embedded archive surface would be
    // large; instead gate at a threshold the root files and directories meet.
    let ws = Scratch::new();
    ws.file("src/main.py", "");
    let r = claw(ws.path(), None, &["parity-audit", "--fail-under", "0.0", "--output-format", "json"]);
    let v = r.json();
    assert_eq!(v["inventory"], json!({"kind": "embedded", "path": null}));
    assert_eq!(strs(&v["gated_metrics"]), ["root_file_coverage", "directory_coverage"]);
    // The entry ratios are reported (11/207, 15/184) but not gated at 1.0.
    let v = claw(ws.path(), None, &["parity-audit", "--fail-under", "1.0", "--output-format", "json"]).json();
    assert!(v["command_entry_ratio"]["ratio"].as_f64().unwrap() < 1.0);
    assert_eq!(strs(&v["failed_metrics"]), ["root_file_coverage", "directory_coverage"]);
    let r = claw(ws.path(), None, &["parity-audit", "--fail-under", "1.0"]);
    assert!(r.stdout.ends_with(&format!("\n{}\n", claw::NOT_GATED)), "{}", r.stdout);
    assert!(!r.stdout.contains("- command_entry_ratio"));

    // Given an inventory, the same ratios are gated.
    let rd = reference_data();
    let v =
        claw(ws.path(), Some(rd.path()), &["parity-audit", "--fail-under", "1.0", "--output-format", "json"]).json();
    assert_eq!(v["inventory"]["kind"], "directory");
    assert_eq!(v["inventory"]["path"], rd.path().to_str().unwrap());
    assert_eq!(strs(&v["failed_metrics"]), ["root_file_coverage", "directory_coverage", "tool_entry_ratio"]);
}

#[test]
fn fail_under_takes_only_zero_to_one() {
    let ws = Scratch::new();
    for bad in ["nan", "NaN", "-0.1", "1.5", "inf", "2"] {
        let r = claw(ws.path(), None, &["parity-audit", "--fail-under", bad]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{bad}");
        assert!(
            r.stderr.ends_with(&format!(
                "claw parity-audit: error: argument --fail-under: invalid ratio value: '{bad}' (expected 0 <= RATIO <= 1)\n"
            )),
            "{}",
            r.stderr
        );
        let r = claw(ws.path(), None, &["parity-audit", "--fail-under", bad, "--output-format", "json"]);
        let v = r.json();
        assert_eq!((r.code, v["error"]["kind"].as_str()), (1, Some("parse")));
        assert!(v["error"]["message"].as_str().unwrap().contains("expected 0 <= RATIO <= 1"));
    }
    for good in ["0", "1", "0.5", "1e-1"] {
        let r = claw(ws.path(), None, &["parity-audit", "--fail-under", good]);
        assert!(r.code == 0 || r.code == 1, "{good}: {}", r.stderr);
    }
}
