#!/usr/bin/env python3
"""Write a synthetic reference-data directory with N commands and N tools.

  gen_inventory.py OUT_DIR N [--seed S]

Entries follow the reference schema ({"name", "source_hint", "responsibility"},
json.dumps(indent=2)) with realistic camelCase / kebab-case names and
TypeScript paths, so routing, filters and scoring see realistic text.  The
archive surface and one subsystem file are written too, so the directory is a
complete CLAW_REFERENCE_DATA override.
"""
import argparse, json, os, random

WORDS = ("git status commit push pull branch merge review diff config mcp server plugin skill agent memory "
         "tool bash shell file read edit write search grep glob web fetch notebook todo task plan exit "
         "permission hook session context compact cost doctor login logout model theme vim voice bridge "
         "remote ssh teleport sandbox upload attachment prompt message stream token budget cache trace").split()
EXTS = (".ts", ".tsx", ".js")


def camel(words):
    return words[0] + "".join(w.capitalize() for w in words[1:])


def entries(kind, n, rng):
    out = []
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(1, 3))
        if kind == "command":
            name = "-".join(words) if rng.random() < 0.6 else camel(words)
            group = rng.choice(WORDS)
            if rng.random() < 0.08:
                group = "plugin"
            elif rng.random() < 0.02:
                group = "skills"
            hint = f"commands/{group}/{name}{i}{rng.choice(EXTS)}"
            responsibility = f"Command module mirrored from archived TypeScript path {hint}"
        else:
            base = camel(words).capitalize() + "Tool"
            name = base if rng.random() < 0.3 else camel(rng.sample(WORDS, 2))
            if rng.random() < 0.05:
                name = "Mcp" + name
            hint = f"tools/{base}/{name}{i}{rng.choice(EXTS)}"
            responsibility = f"Tool module mirrored from archived TypeScript path {hint}"
        out.append({"name": name, "source_hint": hint, "responsibility": responsibility})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "subsystems"), exist_ok=True)
    for kind, file in (("command", "commands_snapshot.json"), ("tool", "tools_snapshot.json")):
        with open(os.path.join(a.out, file), "w") as f:
            json.dump(entries(kind, a.n, rng), f, indent=2)
    surface = {"archive_root": "archive/claude_code_ts_snapshot/src", "root_files": ["main.tsx", "tools.ts"],
               "root_dirs": ["commands", "tools"], "total_ts_like_files": 2 * a.n,
               "command_entry_count": a.n, "tool_entry_count": a.n}
    with open(os.path.join(a.out, "archive_surface_snapshot.json"), "w") as f:
        json.dump(surface, f, indent=2)
    with open(os.path.join(a.out, "subsystems", "tools.json"), "w") as f:
        json.dump({"archive_name": "tools", "package_name": "tools", "module_count": a.n, "sample_files": []}, f, indent=2)


if __name__ == "__main__":
    main()
