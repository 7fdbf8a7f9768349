#!/usr/bin/env python3
"""`claw route` against its floor, side by side: the ratio table of issue 18.

  bench/route_floor.py [--runs N] [--cache DIR] [--bin target/release/claw] [--rows 1,2]

Builds the release binary and the floor program (bench/floor), generates
100k+100k and 1M+1M inventories with bench/gen_inventory.py into the cache
directory (default ${TMPDIR:-/tmp}/claw-bench; never the repository), then
times paired runs: each round runs claw and the floor back to back, in
alternating order, and records CPU (user + sys) and peak RSS from wait4.
Every figure is a median over the rounds; every ratio is the median of the
per-round ratios.

Rows:
  1. route CPU vs the floor, at 1M and 100k (target <= 1.5x)
  2. no cliff: a 1 KiB prompt of 115 distinct words vs "fix the git bug",
     at 100k (target <= 2x)
  3. peak RSS at 1M vs the JSON on disk (target <= 1.05x)
  4. every command on the embedded inventory vs /bin/true, wall time of
     100-run loops (target <= 1.5x), and peak RSS (target <= 5 MiB); each
     command runs in a fresh store of 10 sessions

--rows picks some of them (`--rows 2` measures only the cliff, and needs
only the 100k inventory).
"""
import argparse
import os
import random
import statistics
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROMPT = "fix the git bug"
# Sessions in the store each small command runs against.
SEEDED = 10
# Inventory words (from gen_inventory.py) and common English.
INVENTORY_WORDS = ("git status commit push pull branch merge review diff config mcp server plugin skill agent memory "
                   "tool bash shell file read edit write search grep glob web fetch notebook todo task plan exit "
                   "permission hook session context compact cost doctor login logout model theme vim voice bridge "
                   "remote ssh teleport sandbox upload attachment prompt message stream token budget cache trace").split()
ENGLISH = ("the of and to in is was he for it with as his on be at by had are but from or have an they which one "
           "you were her all she there would their we him been has when who will more no if out so said what up "
           "its about into than them can only other new some could time these two may then do first any my now "
           "such like our over man me even most made after also did many before must through back years where "
           "much your way well down should because each just those people how too little state good very make "
           "world still own see men work long get here between both life being under never day same another know "
           "while last might us great old year off come since against go came right used take three").split()


def long_prompt():
    """About 1 KiB of 115 distinct words: the inventory's words, then English."""
    words = list(dict.fromkeys(INVENTORY_WORDS + ENGLISH))[:115]
    random.Random(18).shuffle(words)
    text = " ".join(words)
    while len(text) < 1000:
        text += " " + random.Random(len(text)).choice(words).capitalize()
    return text[:1024]


def run(argv, env=None):
    """(cpu seconds, peak RSS KiB) of one run, output discarded."""
    # posix_spawn, not fork: a forked child's peak RSS would count python's.
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
        pid = os.posix_spawn(argv[0], argv, os.environ if env is None else env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
    finally:
        os.close(null)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {argv}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def peak_rss(argv, env, tries=3):
    """Peak RSS in KiB (largest of `tries` runs), from /usr/bin/time: wait4's
    figure for a spawned child also counts the spawning python process."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    peak = 0
    for _ in range(tries):
        out = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=True)
        peak = max(peak, int(out.stderr.strip().splitlines()[-1]))
    return peak


def loop(argv, env, n, wall=False):
    """CPU seconds (or wall seconds) of `n` runs back to back, and the
    largest peak RSS."""
    cpu, rss = 0.0, 0
    start = time.perf_counter()
    for _ in range(n):
        c, r = run(argv, env)
        cpu += c
        rss = max(rss, r)
    return (time.perf_counter() - start if wall else cpu), rss


def paired(a, b, rounds, inner=1, wall=False):
    """Median (time_a, time_b, ratio, rss_a, rss_b) over alternating rounds."""
    rows = []
    for i in range(rounds):
        first, second = (a, b) if i % 2 == 0 else (b, a)
        x = loop(*first, inner, wall)
        y = loop(*second, inner, wall)
        ra, rb = (x, y) if i % 2 == 0 else (y, x)
        rows.append((ra[0], rb[0], ra[0] / max(rb[0], 1e-9), ra[1], rb[1]))
    med = lambda k: statistics.median(r[k] for r in rows)
    return med(0), med(1), med(2), med(3), med(4)


def env_with(data):
    env = {k: v for k, v in os.environ.items() if k not in ("CLAW_REFERENCE_DATA", "CLAW_WORKSPACE")}
    if data:
        env["CLAW_REFERENCE_DATA"] = data
    return env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--cache", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "claw-bench"))
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "claw"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--rows", default="1,2,3,4", help="which rows to measure (comma-separated, default all)")
    args = ap.parse_args()
    rows = {int(r) for r in args.rows.split(",") if r.strip()}
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                        os.path.join(HERE, "floor", "Cargo.toml")], check=True)
    floor = os.path.join(HERE, "floor", "target", "release", "route-floor")
    claw = os.path.abspath(args.bin)
    os.makedirs(args.cache, exist_ok=True)
    dirs = {}
    sizes = [("100k", 100_000)] + ([("1M", 1_000_000)] if rows & {1, 3} else [])
    for label, n in sizes:
        d = os.path.join(args.cache, f"inventory-{n}")
        if not os.path.exists(os.path.join(d, "tools_snapshot.json")):
            print(f"generating {label}+{label} inventory in {d} ...", file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(HERE, "gen_inventory.py"), d, str(n)], check=True)
        dirs[label] = d
    rounds = args.runs
    print(f"Paired runs: {rounds} rounds each, alternating order; medians.  CPU = user + sys.\n")
    print("| target | claw | floor | ratio (median) | goal | |")
    print("|---|---|---|---|---|---|")
    verdicts = []

    def row(target, a, b, ratio, goal, unit="ms"):
        ok = ratio <= goal
        verdicts.append(ok)
        fa = f"{a * 1e3:.1f} ms" if unit == "ms" else a
        fb = f"{b * 1e3:.1f} ms" if unit == "ms" else b
        print(f"| {target} | {fa} | {fb} | {ratio:.2f}x | <= {goal}x | {'PASS' if ok else 'FAIL'} |")

    for label in ("1M", "100k") if 1 in rows else ():
        d = dirs[label]
        c, f, ratio, _, _ = paired(([claw, "route", PROMPT], env_with(d)), ([floor, PROMPT, d], None), rounds)
        row(f"1. route CPU, {label}+{label}, \"{PROMPT}\"", c, f, ratio, 1.5)
    if 2 in rows:
        d = dirs["100k"]
        prompt = long_prompt()
        c, f, ratio, _, _ = paired(([claw, "route", prompt], env_with(d)), ([claw, "route", PROMPT], env_with(d)),
                                   rounds)
        words = len(set(prompt.lower().split()))
        print(f"| 2. no cliff, 100k: {len(prompt)} B prompt of {words} distinct words vs 4 words | {c * 1e3:.1f} ms | "
              f"{f * 1e3:.1f} ms | {ratio:.2f}x | <= 2x | {'PASS' if ratio <= 2 else 'FAIL'} |")
        verdicts.append(ratio <= 2)
    if 3 in rows:
        rss_1m = peak_rss([claw, "route", PROMPT], env_with(dirs["1M"]))
        files = ("commands_snapshot.json", "tools_snapshot.json")
        size = sum(os.path.getsize(os.path.join(dirs["1M"], f)) for f in files)
        ratio = rss_1m * 1024 / size
        print(f"| 3. peak RSS, route 1M+1M vs JSON on disk | {rss_1m / 1024:.1f} MiB | {size / 2**20:.0f} MiB (JSON) | "
              f"{ratio:.3f}x | <= 1.05x | {'PASS' if ratio <= 1.05 else 'FAIL'} |")
        verdicts.append(ratio <= 1.05)
    commands = [["--version"], ["--help"], ["summary"], ["manifest"], ["parity-audit"], ["setup-report"],
                ["subsystems"], ["command-graph"], ["tool-pool"], ["bootstrap-graph"], ["commands"], ["tools"],
                ["route", PROMPT], ["bootstrap", PROMPT], ["turn-loop", PROMPT], ["show-command", "review"],
                ["show-tool", "BashTool"], ["exec-command", "review", PROMPT], ["exec-tool", "BashTool", "ls"],
                ["flush-transcript", PROMPT, "--session-id", "bench"], ["load-session", "bench"], ["list-sessions"],
                ["delete-session", "absent"], ["remote-mode", "host"], ["ssh-mode", "host"],
                ["teleport-mode", "host"], ["direct-connect-mode", "host"], ["deep-link-mode", "host"]]
    inner = 100

    def small(cmd, parent, label):
        """Paired 100-run loops of one command against /bin/true, in a fresh
        store of SEEDED sessions (one named "bench") under `parent`, so
        list-sessions does not list what bootstrap wrote."""
        work = tempfile.mkdtemp(prefix="work-", dir=parent)
        os.chdir(work)
        try:
            for i in range(SEEDED):
                subprocess.run([claw, "flush-transcript", PROMPT, "--session-id", "bench" if i == 0 else f"seed{i}"],
                               env=env_with(None), stdout=subprocess.DEVNULL, check=True)
            rss = peak_rss([claw] + cmd, env_with(None))
            c, t, ratio, _, _ = paired(([claw] + cmd, env_with(None)), (["/bin/true"], None),
                                         max(3, rounds // 4), inner, wall=True)
        finally:
            os.chdir(args.cache)
            shutil.rmtree(work)
        ok = ratio <= 1.5 and rss <= 5 * 1024
        print(f"| {label} {cmd[0]} (embedded): wall of {inner} runs; peak RSS {rss} KiB | {c * 1e3:.0f} ms | "
              f"{t * 1e3:.0f} ms (/bin/true) | {ratio:.2f}x | <= 1.5x, <= 5 MiB | {'PASS' if ok else 'FAIL'} |")
        return ok

    for cmd in commands if 4 in rows else ():
        verdicts.append(small(cmd, args.cache, "4."))
    # The two saving commands fsync the session file and the store directory;
    # on a RAM file system (no device to flush) the rest of their work shows.
    # Information only: not counted among the targets.
    if 4 in rows and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        for cmd in commands:
            if cmd[0] in ("bootstrap", "flush-transcript"):
                small(cmd, "/dev/shm", "4, store on tmpfs (info):")
    print(f"\n{sum(verdicts)}/{len(verdicts)} targets met.")


if __name__ == "__main__":
    main()
