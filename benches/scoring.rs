//! In-process scoring benchmarks: `cargo bench --bench scoring`.
//!
//! * `route/embedded`: `router::route` (the field scorer, as bootstrap and
//!   turn-loop use it) over the compiled-in inventory.
//! * `route/generated-10k`: the same over 10,000 commands + 10,000 tools.
//! * `route-stream/embedded` and `route-stream/generated-10k`:
//!   `router::route_source`, the streaming pass the `route` command uses
//!   (it reads the files each time, as a run does).
//! * `tokens/128KiB` and `route/embedded-128KiB-prompt`: a large prompt.
//!
//! Whole runs against the floor program are timed by
//! `bench/route_floor.py`, and every command by `bench/run.sh`.

use std::hint::black_box;
use std::path::PathBuf;

use claw::router;
use claw::snapshot::{Module, Source};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PROMPT: &str = "fix the git bug";

const WORDS: &[&str] = &[
    "git",
    "status",
    "commit",
    "push",
    "pull",
    "branch",
    "merge",
    "review",
    "diff",
    "config",
    "mcp",
    "server",
    "plugin",
    "skill",
    "agent",
    "memory",
    "tool",
    "bash",
    "shell",
    "file",
    "read",
    "edit",
    "write",
    "search",
    "grep",
    "glob",
    "web",
    "fetch",
    "notebook",
    "todo",
    "task",
    "plan",
    "exit",
    "permission",
    "hook",
    "session",
    "context",
    "compact",
    "cost",
    "doctor",
    "login",
    "logout",
    "model",
    "theme",
    "vim",
    "voice",
    "bridge",
    "remote",
    "ssh",
    "teleport",
    "sandbox",
    "upload",
    "attachment",
    "prompt",
    "message",
    "stream",
    "token",
    "budget",
    "cache",
    "trace",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }
}

fn camel(words: &[&str]) -> String {
    let mut out = words[0].to_string();
    for w in &words[1..] {
        let mut c = w.chars();
        if let Some(first) = c.next() {
            out.extend(first.to_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// The same shape as `bench/gen_inventory.py` (indent=2 JSON, realistic names).
fn entries(kind: &str, n: usize, rng: &mut Rng) -> serde_json::Value {
    let exts = [".ts", ".tsx", ".js"];
    let list: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.word()).collect();
            let (name, hint) = if kind == "command" {
                let name = if rng.below(10) < 6 { words.join("-") } else { camel(&words) };
                (name.clone(), format!("commands/{}/{name}{i}{}", rng.word(), exts[rng.below(3)]))
            } else {
                let base = format!("{}Tool", camel(&words));
                (base.clone(), format!("tools/{base}/{base}{i}{}", exts[rng.below(3)]))
            };
            let label = if kind == "command" { "Command" } else { "Tool" };
            serde_json::json!({
                "name": name,
                "source_hint": hint,
                "responsibility": format!("{label} module mirrored from archived TypeScript path {hint}"),
            })
        })
        .collect();
    serde_json::Value::Array(list)
}

fn generated(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claw-bench-scoring-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(7);
    for (kind, file) in [("command", "commands_snapshot.json"), ("tool", "tools_snapshot.json")] {
        let text = serde_json::to_string_pretty(&entries(kind, n, &mut rng)).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// A prompt of `bytes` bytes: inventory words and random letters, mixed case,
/// separated by spaces, slashes and dashes.
fn prompt(bytes: usize) -> String {
    let mut rng = Rng(11);
    let mut out = String::new();
    while out.len() < bytes {
        if rng.below(2) == 0 {
            out.push_str(rng.word());
        } else {
            out.extend((0..2 + rng.below(8)).map(|_| (b'a' + rng.below(26) as u8) as char));
        }
        out.push([' ', '/', '-', ' '][rng.below(4)]);
    }
    out.truncate(bytes);
    out
}

fn route_over(c: &mut Criterion, name: &str, prompt: &str, commands: &[Module], tools: &[Module]) {
    c.bench_function(name, |b| {
        b.iter(|| router::route(black_box(prompt), 5, black_box(commands), black_box(tools)).len())
    });
}

fn scoring(c: &mut Criterion) {
    let embedded = Source::Embedded;
    let (commands, tools) = embedded.commands_and_tools().unwrap();
    route_over(c, "route/embedded", PROMPT, &commands, &tools);

    let dir = generated(10_000);
    let source = Source::Dir(dir.clone());
    let (big_commands, big_tools) = source.commands_and_tools().unwrap();
    route_over(c, "route/generated-10k", PROMPT, &big_commands, &big_tools);
    for (name, source) in [("route-stream/embedded", &embedded), ("route-stream/generated-10k", &source)] {
        c.bench_function(name, |b| {
            b.iter(|| router::route_source(source, black_box(PROMPT), 5).map(|r| r.matches().len()).unwrap_or(0))
        });
    }

    let large = prompt(128 * 1024);
    let mut group = c.benchmark_group("tokens");
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("128KiB", |b| b.iter(|| router::tokens(black_box(&large)).len()));
    group.finish();
    route_over(c, "route/embedded-128KiB-prompt", &large, &commands, &tools);
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(benches, scoring);
criterion_main!(benches);
