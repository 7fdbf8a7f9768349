#!/usr/bin/env python3
"""Differential tester: random argv through claw and the reference side by side.

  difftest.py --reference CHECKOUT --bin CLAW [--cases N] [--scenarios N]
              [--seed S] [--jobs J] [--examples K] [--replay ARG ...]

CHECKOUT is a checkout of the reference Python harness (a directory holding
src/main.py).  It is copied once per worker into a private temp directory and
imported there; each case then runs the reference in-process (`main(argv)`
with stdout and stderr captured as `python3 -m src.main` would write them, and
`sys.argv[0] == 'claw'` so that argparse names the program as claw does) and
claw as a subprocess, each in the same fresh, empty working directory (emptied
and recreated between the two sides), with claw's workspace pointing at the
worker's copy of the checkout so both report on the same files.

A step matches when the exit codes are equal, stdout is equal after the
conformance corpus's normalizers (timestamps, session ids, setup lines), and
stderr is empty on both sides or non-empty on both.  Every mismatch is put
into a class: one of the documented differences from the reference (each
confirmed by looking at both outputs, not only at what was generated), or an
UNEXPLAINED class named by its command and exit codes.  Exit status: 0 when
every mismatch is documented, 1 otherwise.

Confinement: the reference writes wherever a session id or --directory tells
it.  Generated argv never holds an absolute path or a `..` that could climb
out of the case's own tree (checked by `confined()` before anything runs):
the working directory sits 4 levels deep in that tree, HOME and TMPDIR
point inside the worker's private temp root, and after the run the tester checks that
nothing appeared in the root outside the (removed) case trees.

Standard library only.
"""
import argparse
import collections
import contextlib
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------- the surface

OUT = ("--output-format", "choice")
OPT_OUT = ["summary", "manifest", "parity-audit", "setup-report", "subsystems", "commands", "tools",
           "remote-mode", "ssh-mode", "teleport-mode", "direct-connect-mode", "deep-link-mode"]

# The reference's parser: command -> (positionals, [(option, kind)]), in its order.
REF = {
    "summary": ([], []),
    "manifest": ([], []),
    "parity-audit": ([], []),
    "setup-report": ([], []),
    "command-graph": ([], [OUT]),
    "tool-pool": ([], [OUT]),
    "bootstrap-graph": ([], [OUT]),
    "subsystems": ([], [("--limit", "int")]),
    "commands": ([], [("--limit", "int"), ("--query", "word"), ("--no-plugin-commands", "flag"),
                      ("--no-skill-commands", "flag")]),
    "tools": ([], [("--limit", "int"), ("--query", "word"), ("--simple-mode", "flag"), ("--no-mcp", "flag"),
                   ("--deny-tool", "tool"), ("--deny-prefix", "word")]),
    "route": (["prompt"], [("--limit", "int"), OUT]),
    "bootstrap": (["prompt"], [("--limit", "int"), OUT]),
    "turn-loop": (["prompt"], [("--limit", "int"), ("--max-turns", "int"), ("--structured-output", "flag"),
                               ("--timeout-seconds", "timeout"), ("--continuation-prompt", "prompt"), OUT]),
    "flush-transcript": (["prompt"], [("--directory", "dir"), OUT, ("--session-id", "sid")]),
    "load-session": (["sid"], [("--directory", "dir"), OUT]),
    "list-sessions": ([], [("--directory", "dir"), OUT]),
    "delete-session": (["sid"], [("--directory", "dir"), OUT]),
    "remote-mode": (["word"], []),
    "ssh-mode": (["word"], []),
    "teleport-mode": (["word"], []),
    "direct-connect-mode": (["word"], []),
    "deep-link-mode": (["word"], []),
    "show-command": (["command"], [OUT]),
    "show-tool": (["tool"], [OUT]),
    "exec-command": (["command", "prompt"], [OUT]),
    "exec-tool": (["tool", "payload"], [OUT]),
}
# Options only claw has (documented): every command takes these.
CLAW_ONLY = {
    "*": [("--workspace", "workspace")],
    "parity-audit": [("--fail-under", "float")],
    "route": [("--deny-tool", "tool"), ("--deny-prefix", "word"), ("--routing", "routing")],
    "bootstrap": [("--deny-tool", "tool"), ("--deny-prefix", "word"), ("--routing", "routing")],
    "turn-loop": [("--deny-tool", "tool"), ("--deny-prefix", "word"), ("--routing", "routing")],
    "show-command": [("--routing", "routing")],
    "exec-command": [("--routing", "routing")],
    "commands": [("--routing", "routing")],
    "exec-tool": [("--deny-tool", "tool"), ("--deny-prefix", "word"), ("--workspace-root", "dir"), ("--cwd", "dir")],
}
CLAW_ONLY_FLAGS = {"--workspace", "--fail-under", "--deny-tool", "--deny-prefix", "--workspace-root", "--cwd",
                   "--generate", "--routing", "--surface", "--baseline", "--write-baseline", "--junit",
                   "--github-annotations"}
SESSION_COMMANDS = ["flush-transcript", "load-session", "list-sessions", "delete-session"]

# Characters assigned after Unicode 14.0 (CPython 3.11's database): Kawi and
# Nag Mundari (15.0, with decimal digits), Garay (16.0), newer emoji and CJK.
NEWER = ["\U00011f00", "\U00011f53", "\U0001e4f3", "\U00010d40", "\U00010d50", "\U0001fae8", "\U00031350",
         "\U0001fa89", "\U0001e5d0", "\U000116d0"]
EXOTIC = ["\u00e9", "\u0301", "\u200b", "\u200d", "\u202e", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u3000",
          "\u0085", "\ue000", "\U0010ffff", "\U0001f600", "\u05d0", "\u0663", "\uff15", "\u1680", "\u180e",
          "\u00ad", "\u0378", "\U000e0001", "\u2066", "\ufffd", "\u0130", "\u03a3", "\u1e9e", "\ufb01", "'",
          '"', "\\", "\U0001d7d3", "\u0e53", "\u4e2d", "\u2164", "\u00bd", "\u00b2", "-", "=", "/", ".",
          "\U00016fe4", "\U0001f1e6", "\u0f0c", "\u1d79"] + NEWER
CONTROL = [chr(c) for c in range(0, 32) if c != 0] + ["\x7f", "\x80", "\x9f", "\x85"]
WS = [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u2000", "\u3000",
      "\u2028", "\u180e", "\u200b"]
DIGITS = ["\u0660", "\u0663", "\u0665", "\uff10", "\uff15", "\u0966", "\U0001d7d3", "\u0e53", "\u1813",
          "\U00011f53", "\U0001e4f3", "\U0001e5f3", "\u00b2", "\u2164", "\u00bd"]


class Gen:
    def __init__(self, rng, commands, tools):
        self.r = rng
        self.commands = commands
        self.tools = tools

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def chance(self, p):
        return self.r.random() < p

    def text(self):
        r = self.r
        parts = []
        for _ in range(r.randint(0, 5)):
            k = r.random()
            if k < 0.35:
                parts.append(self.pick(self.commands + self.tools + ["git", "fix", "bash", "read file", "mcp", "agent"]))
            elif k < 0.5:
                parts.append(self.pick(EXOTIC))
            elif k < 0.6:
                parts.append(self.pick(CONTROL))
            elif k < 0.7:
                parts.append(self.pick(WS))
            elif k < 0.8:
                parts.append(self.pick(DIGITS))
            else:
                parts.append("".join(r.choice("abcxyz-_ /.0123456789") for _ in range(r.randint(1, 8))))
            if self.chance(0.5):
                parts.append(" ")
        s = "".join(parts)
        if self.chance(0.08):
            s = "-" + s
        return s

    def number(self, kind):
        r = self.r
        base = self.pick(["0", "1", "2", "3", "5", "7", "12", "40", "100", "1000", "-1", "-3", "-0",
                          "99999999999999999999999", "-99999999999999999999999"])
        k = r.random()
        if k < 0.35:
            s = base
        elif k < 0.5:
            s = self.pick(WS) + base + self.pick(WS + [""])
        elif k < 0.62:
            s = "".join(self.pick(DIGITS) if c.isdigit() and self.chance(0.6) else c for c in base)
        elif k < 0.7:
            s = base[0] + "_" + base[1:] if len(base) > 1 and base[1].isdigit() and base[0].isdigit() else base + "_"
        elif k < 0.78:
            s = self.pick(["+4", "1__0", "0x10", "1e2", "1.5", "٣.٥", "abc", "", " ", "--1", "+-1", "1 2", "٣",
                           "-٣", "\u3000-2\u3000", "\x1c3", "3\x1f", "\x853", "0_1", "00", "1_000", "𝟓"])
        else:
            s = base
        if kind in ("float", "timeout") and self.chance(0.4):
            s = self.pick(["nan", "NaN", "-nan", "+nan", "inf", "-inf", "Infinity", "-Infinity", "infinity",
                           "1e400", "-1e400", "1e-3", ".5", "5.", "1_000.5", "1.5_0", "1_e3", "0x1p3", "in f",
                           "٣.٥", "\u3000٣.٥e١ ", "1e9", "2.5", "0.0", "-0.0", "1E2", "+.5e-3", "inf_"])
        if kind == "timeout":
            # Keep far from the time a turn takes: 0, negative, huge, or non-finite.
            try:
                v = float(s)
                if 0 < v < 50:
                    s = self.pick(["0", "100", "1e9", "nan", "-1", "1e-300"])
            except ValueError:
                pass
        return s

    def session_id(self):
        return self.pick(["s1", "s2", "abc", "a b", ".", "..", "...", "a\\b", "\\", "x.json", "-x", "über",
                          "a\u200bb", "\U00010d40", "", "a/b", "../s1", "./s1", "s1/", "x" * 250, "x" * 251,
                          "x" * 256, "x\x1fy", "\udcff", "sess\n", "S1", "s1 ", "--", "-"])

    def directory(self):
        return self.pick(["d", "d2", "sub/dir", ".", "./d", "d/", "", "..x", "d d", "é", ".port_sessions",
                          "d/../d2", "a\\b"])

    def value(self, kind):
        if kind in ("int", "float", "timeout"):
            return self.number(kind)
        if kind == "choice":
            return self.pick(["json", "json", "text", "xml", "JSON", "js", ""])
        if kind == "sid":
            return self.session_id()
        if kind == "dir":
            return self.directory()
        if kind == "routing":
            return self.pick(["reference", "explicit", "ref", ""])
        if kind == "workspace":
            return self.pick([".", "nope", ""])
        if kind == "command":
            return self.pick(self.commands) if self.chance(0.6) else self.text()
        if kind == "tool":
            return self.pick(self.tools) if self.chance(0.6) else self.text()
        if kind == "payload":
            return self.pick(["", "{}", "ls", '{"command": "ls"}', "rm -rf x", self.text()])
        return self.text()

    def spelled(self, flag, opts):
        """The flag as typed: in full, abbreviated, with `=value` or not."""
        if self.chance(0.3):
            n = self.r.randint(3, len(flag))
            return flag[:n]
        return flag

    def argv(self, cmd=None):
        r = self.r
        cmd = cmd or self.pick(list(REF))
        pos_kinds, opts = REF[cmd]
        opts = [(f, k, False) for f, k in opts]
        if self.chance(0.1):
            opts += [(f, k, True) for f, k in CLAW_ONLY.get(cmd, []) + CLAW_ONLY["*"]]
        if cmd in OPT_OUT and self.chance(0.1):
            opts.append(OUT + (True,))
        items = []
        for k in pos_kinds:
            if not self.chance(0.04):
                items.append([self.value(k)])
        claw_only = set()  # ids of the items only claw understands
        for flag, kind, ours in opts:
            for _ in range(self.pick([0, 0, 1, 1, 1, 2])):
                spelled = self.spelled(flag, opts)
                if kind == "flag":
                    items.append([spelled] if not self.chance(0.03) else [spelled + "=1"])
                elif self.chance(0.25):
                    items.append([spelled + "=" + self.value(kind)])
                else:
                    items.append([spelled, self.value(kind)])
                if ours:
                    claw_only.add(id(items[-1]))
        r.shuffle(items)
        if self.chance(0.5) and cmd not in OPT_OUT or self.chance(0.05):
            j = ["--output-format", "json"] if self.chance(0.8) else ["--output-format=json"]
            items.insert(r.randint(0, len(items)), j)
            if cmd in OPT_OUT:
                claw_only.add(id(j))
        if self.chance(0.06):
            items.insert(r.randint(0, len(items)), ["--"])
        if self.chance(0.05):
            items.insert(r.randint(0, len(items)), [self.pick(["-h", "--help", "--he", "-hx", "--bogus", "-x",
                                                               "-5", "-٣", "-1.5", "-", "--version"])])
        argv = [cmd] + [a for it in items for a in it]
        plain = [cmd] + [a for it in items if id(it) not in claw_only for a in it] if claw_only else None
        k = r.random()
        if k < 0.03:
            argv.insert(0, self.pick(["--bogus", "-h", "--version", "--vers", "--output-format", "json", "x",
                                      "-", "--", "--help", "--output-format=json"]))
            plain = None
        elif k < 0.05:
            argv[0] = self.pick(["nosuch", "Route", "rout", "", "route ", "-route", self.text()])
            plain = None
        elif k < 0.055:
            argv, plain = [], None
        elif k < 0.06:
            argv = [self.pick(["-h", "--version", "--he", "--v"])] + self.pick([[], ["--output-format", "json"]])
            plain = None
        return argv, plain


# ------------------------------------------------------------- confinement


def confined(argv):
    """No absolute path and at most 3 `..` components anywhere in argv.

    A case's working directory sits 4 levels deep in the case's own tree, so
    no session path the reference can build from such an argv leaves it."""
    climbs = 0
    for a in argv:
        value = a.split("=", 1)[1] if a.startswith("--") and "=" in a else a
        if value.startswith("/") or a.startswith("/"):
            return False
        climbs += sum(1 for part in a.split("/") if part == "..")
    return climbs <= 3


def sanitize(argv):
    """Make argv confined: strip leading slashes, defuse `..` beyond the budget."""
    out, climbs = [], 0
    for a in argv:
        if a.startswith("--") and "=" in a:
            flag, value = a.split("=", 1)
            a = flag + "=" + value.lstrip("/")
        a = a.lstrip("/")
        n = sum(1 for part in a.split("/") if part == "..")
        if climbs + n > 3:
            a = a.replace("..", "._")
        else:
            climbs += n
        out.append(a)
    return out


# -------------------------------------------------------------- the runners

NORMALIZERS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"), "<TS>"),
    (re.compile(r"[0-9a-f]{32}"), "<SID>"),
    (re.compile(r'"setup": \{[^{}]*\}'), '"setup": <SETUP>'),
    (re.compile(r"(?m)^(Source root|Test root|Assets root|Archive root|Python files|Test files|Assets|"
                r"Archive available|- Python|- Platform|- Test command|- context): .*$"), r"\1: <ENV>"),
]


def normalize(text):
    for rx, repl in NORMALIZERS:
        text = rx.sub(repl, text)
    return text


class Reference:
    """The reference imported from a private copy, run in-process."""

    def __init__(self, copy):
        sys.path.insert(0, copy)
        sys.argv = ["claw"]
        os.environ["COLUMNS"] = "80"
        os.environ.pop("LINES", None)
        # The documented tie order: claw orders Counter.most_common ties by
        # name, the reference by directory-listing order.
        collections.Counter.most_common = (
            lambda self, n=None: sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))[:n])
        import src.main  # noqa: E402
        self.main = src.main.main

    def run(self, argv, cwd):
        out_b, err_b = io.BytesIO(), io.BytesIO()
        out = io.TextIOWrapper(out_b, encoding="utf-8", errors="surrogateescape", write_through=True)
        err = io.TextIOWrapper(err_b, encoding="utf-8", errors="backslashreplace", write_through=True)
        old = os.getcwd()
        os.chdir(cwd)
        code = 0
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = self.main(list(argv))
                except SystemExit as e:
                    if e.code is None:
                        code = 0
                    elif isinstance(e.code, int):
                        code = e.code
                    else:
                        print(e.code, file=sys.stderr)
                        code = 1
                except BaseException:  # noqa: BLE001 - an uncaught exception is a traceback and exit 1
                    import traceback
                    traceback.print_exc()
                    code = 1
                out.flush()
                err.flush()
        finally:
            os.chdir(old)
        return code, out_b.getvalue(), err_b.getvalue()


def run_claw(binary, argv, cwd, env):
    bargv = [os.fsencode(a) for a in argv]
    p = subprocess.run([os.fsencode(binary)] + bargv, cwd=cwd, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


# ----------------------------------------------------------- classification

# The documented differences (README.md, "Differences from the reference"):
# every class a mismatch may be put in.
CLASSES = [
    "JSON on the 12 opt-out commands",
    "version string",
    "refused session ids",
    "typed errors where the reference crashes",
    "strict session-file types",
    "non-UTF-8 argv",
    "help and version in JSON mode",
    "non-finite floats as null",
    "claw-only options",
]

VERSION_RX = re.compile(r"claw-code \S+ \((?:Python|Rust) harness\)")
NONFINITE_RX = re.compile(r"(?<=: )(?:NaN|-?Infinity)(?=[,}\]])")


def envelope(stdout):
    try:
        v = json.loads(stdout)
        return v if isinstance(v, dict) else None
    except ValueError:
        return None


def ref_parse_error(ref):
    """The reference refused argv: argparse's usage + exit 2, or a parse envelope."""
    code, out, err = ref
    if code == 2 and not out and b"error:" in err:
        return err.decode("utf-8", "replace")
    e = envelope(out)
    if code == 1 and e and isinstance(e.get("error"), dict) and e["error"].get("kind") == "parse":
        return e["error"].get("message", "")
    return None


def claw_only_token(tok):
    flag = tok.split("=", 1)[0]
    return len(flag) >= 3 and any(f.startswith(flag) for f in CLAW_ONLY_FLAGS)


_CLAW_OPTS = ("--workspace|--fail-under|--deny-tool|--deny-prefix|--workspace-root|--cwd|--generate|--routing|"
              "--surface|--baseline|--write-baseline|--junit|--github-annotations")
CLAW_HELP_RX = re.compile(r"(?m)^  (?:" + _CLAW_OPTS + r"|--output-format)\b.*\n(?:^ {4,}\S.*\n)*")
CLAW_USAGE_RX = re.compile(r"\[(?:" + _CLAW_OPTS + r"|--output-format)(?: [^\]]*)?\]")


CLAW_HELP_RX_NO_OUT = re.compile(CLAW_HELP_RX.pattern.replace("|--output-format", ""), re.M)
CLAW_USAGE_RX_NO_OUT = re.compile(CLAW_USAGE_RX.pattern.replace("|--output-format", ""))


def help_without_claw_options(text, cmd):
    """Help text without the option entries claw adds (`--output-format` only
    on the opt-out commands), whitespace collapsed (an added option widens
    the help column and rewraps the usage)."""
    ours = cmd in OPT_OUT or cmd is None
    text = (CLAW_HELP_RX if ours else CLAW_HELP_RX_NO_OUT).sub("", text)
    text = (CLAW_USAGE_RX if ours else CLAW_USAGE_RX_NO_OUT).sub("", text)
    return " ".join(text.split())


def classify(argv, ref, claw, notes):
    """The documented difference that explains a mismatch, or None."""
    rc, ro, re_ = ref
    cc, co, ce = claw
    ro_s, co_s = ro.decode("utf-8", "replace"), co.decode("utf-8", "replace")
    cenv = envelope(co)
    refusal = ref_parse_error(ref)
    cmd = next((a for a in argv if a in REF), None)
    # The parser whose help was printed: `usage: claw CMD` names it.
    m = re.match(r"usage: claw (\S+)", ro_s)
    hcmd = m.group(1) if m and m.group(1) in REF else None

    # Non-UTF-8 argv: claw refuses it; the reference takes surrogate escapes.
    if any("\udc80" <= ch <= "\udcff" for a in argv for ch in a):
        if "not valid UTF-8" in co_s + ce.decode("utf-8", "replace"):
            return "non-UTF-8 argv"
    # The version string.
    if VERSION_RX.search(ro_s) and VERSION_RX.search(co_s):
        if normalize(VERSION_RX.sub("V", ro_s)) == normalize(VERSION_RX.sub("V", co_s)) and rc == cc:
            return "version string"
    # Help and version in JSON mode: claw wraps what the reference prints in an envelope.
    if rc == 0 and cenv and set(cenv) & {"help", "version"} and ("usage:" in ro_s or VERSION_RX.search(ro_s)):
        inner = VERSION_RX.sub("V", str(cenv.get("help", cenv.get("version"))))
        if help_without_claw_options(inner, hcmd) == help_without_claw_options(VERSION_RX.sub("V", ro_s), hcmd):
            return "help and version in JSON mode"
    # Help lists claw's own options (and --output-format on the opt-out commands).
    if rc == cc == 0 and ro_s.startswith("usage:") and co_s.startswith("usage:"):
        if help_without_claw_options(co_s, hcmd) == help_without_claw_options(ro_s, hcmd):
            return "claw-only options"
    # --output-format on the 12 opt-out commands.
    if refusal is not None and cmd in OPT_OUT and re.search(r"(?:unrecognized arguments|ambiguous option)"
                                                              r".*--o", refusal):
        if cc != 2 or not ce:
            return "JSON on the 12 opt-out commands"
    # --output-format on an opt-out command: claw checks its value where the
    # reference had set the unknown option aside (and printed help later).
    if cmd in OPT_OUT and cc == 2 and b"argument --output-format" in ce:
        return "JSON on the 12 opt-out commands"
    # claw-only options.
    if refusal is not None and any(claw_only_token(a) and a.split("=", 1)[0] in refusal for a in argv):
        return "claw-only options"
    # Both refuse argv, but a claw-only option (maybe abbreviated) took a
    # value the reference parsed as something else.
    claw_refusal = cc == 2 and b"error:" in ce or (cenv and (cenv.get("error") or {}).get("kind") == "parse")
    if refusal is not None and claw_refusal and any(claw_only_token(a) for a in argv):
        return "claw-only options"
    # An abbreviation of claw-only options: claw finds it ambiguous among
    # them, where the reference set it aside as unknown (and maybe printed
    # help for a later -h).
    amb = re.search(r"ambiguous option: (\S+) could match ([^\"\n]*)", co_s + ce.decode("utf-8", "replace"))
    if amb and claw_only_token(amb.group(1)) and amb.group(1) in argv:
        if any(c.strip().split("=", 1)[0] in CLAW_ONLY_FLAGS for c in amb.group(2).split(",")):
            return "claw-only options"
    # Non-finite floats are null in claw's (strict) JSON.
    if NONFINITE_RX.search(ro_s) and rc == cc:
        if normalize(NONFINITE_RX.sub("null", ro_s)) == normalize(co_s):
            return "non-finite floats as null"
    # Refused ids: '/', empty, over-long.
    if cmd in SESSION_COMMANDS and cc == 1 and ('"kind": "invalid_session_id"' in co_s
                                                or co_s.startswith("error: invalid session id")):
        return "refused session ids"
    # An id whose `<id>.json` is over 255 bytes: `delete-session` says it is
    # not there (it cannot be), where the reference fails on the name.
    if cmd == "delete-session" and any(len(a.encode("utf-8", "surrogateescape")) > 250 for a in argv):
        if cc == 0 and (co_s.startswith("not found:") or (cenv and cenv.get("deleted") is False)):
            return "refused session ids"
    # Strict types in session files: claw's typed load failure where the
    # reference loads a wrongly typed file or crashes on it.
    if "strict-types" in notes and cmd == "load-session" and cc == 1 and (
            '"kind": "session_load_failed"' in co_s or co_s.startswith("error: session file")):
        return "strict session-file types"
    # Typed errors where the reference crashes with a traceback.
    if b"Traceback (most recent call last)" in re_ and not ce:
        return "typed errors where the reference crashes"
    return None


def signature(argv, ref, claw):
    cmd = next((a for a in argv if a in REF), "<none>")
    rc, ro, _ = ref
    cc, co, _ = claw
    a, b = normalize(ro.decode("utf-8", "replace")).splitlines(), normalize(co.decode("utf-8", "replace")).splitlines()
    first = next((i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]), 0)
    line = (a[first] if first < len(a) else "<eof>")[:50]
    line = re.sub(r"\d+", "0", line)
    return f"UNEXPLAINED {cmd}: exit {rc}/{cc}, stderr {bool(ref[2])}/{bool(claw[2])}, first diff near {line!r}"


# ------------------------------------------------------------------ workers

_W = {}


def worker_init(checkout, binary, root):
    base = tempfile.mkdtemp(prefix="w-", dir=root)
    copy = os.path.join(base, "ref")
    shutil.copytree(checkout, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", ".port_sessions",
                                                                   "rust", "target"))
    home = os.path.join(base, "home")
    os.makedirs(home)
    os.environ["HOME"] = home
    os.environ["TMPDIR"] = home
    tempfile.tempdir = home
    _W["ref"] = Reference(copy)
    _W["bin"] = binary
    _W["cases"] = os.path.join(base, "cases")
    os.makedirs(_W["cases"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAW_")}
    env["CLAW_WORKSPACE"] = copy
    _W["env"] = env


def outside(root):
    """Files left anywhere in the root but in a case's own tree (removed after each case)."""
    found = []
    for w in os.listdir(root):
        base = os.path.join(root, w)
        for path, want in ((base, {"ref", "home", "cases"}), (os.path.join(base, "cases"), set()),
                           (os.path.join(base, "home"), set())):
            found += [os.path.join(path, e) for e in sorted(set(os.listdir(path)) - want)]
    return found


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def prepare(cwd, setup):
    for rel, data in setup:
        p = os.path.join(os.fsencode(cwd), rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def run_job(job):
    """One case (a list of steps) on both sides; returns its mismatches."""
    jid, steps, setup, notes = job
    # The working directory sits 4 levels deep in the case's own tree, which
    # the at most 3 `..` of a confined argv cannot leave.
    cwd = os.path.join(_W["cases"], f"case{jid}", "a", "b", "c", "d")
    ref_results, claw_results = run_both(steps, setup, cwd)
    found = []
    diverged = None  # the documented difference that left the two stores apart
    for i, (argv, plain) in enumerate(steps):
        ref, claw = ref_results[i], claw_results[i]
        if same(ref, claw):
            continue
        cls = None
        if plain is not None:
            # The case holds options only claw has: it is explained by them
            # when the same argv without them gives the same answer (or one
            # that differs in another documented way).
            r2, c2 = run_both([(plain, None)], setup, cwd)
            if same(r2[0], c2[0]) or classify(plain, r2[0], c2[0], notes) is not None:
                opt_out = argv and argv[0] in OPT_OUT and any(a.startswith("--o") for a in argv)
                cls = "JSON on the 12 opt-out commands" if opt_out else "claw-only options"
        cls = cls or classify(argv, ref, claw, notes)
        if cls is None and diverged:
            # A session scenario whose stores differ since an earlier step.
            cls = f"{diverged} (a later step of the scenario)"
        elif cls and not diverged and argv and argv[0] in ("flush-transcript", "delete-session"):
            diverged = cls
        assert cls is None or cls.split(" (")[0] in CLASSES, cls
        found.append((cls or signature(argv, ref, claw), argv, ref, claw))
    shutil.rmtree(os.path.join(_W["cases"], f"case{jid}"), ignore_errors=True)
    return jid, len(steps), found


def same(ref, claw):
    return (ref[0] == claw[0] and bool(ref[2]) == bool(claw[2])
            and normalize(ref[1].decode("utf-8", "surrogateescape")) ==
            normalize(claw[1].decode("utf-8", "surrogateescape")))


def run_both(steps, setup, cwd):
    """Run the steps on each side, each from the same fresh case tree."""
    sides = []
    case_root = cwd
    while os.path.basename(case_root) != "a":
        case_root = os.path.dirname(case_root)
    case_root = os.path.dirname(case_root)
    for side in ("ref", "claw"):
        fresh_dir(case_root)
        os.makedirs(cwd)
        prepare(cwd, setup)
        results = []
        for argv, _ in steps:
            if side == "ref":
                results.append(_W["ref"].run(argv, cwd))
            else:
                results.append(run_claw(_W["bin"], argv, cwd, _W["env"]))
        sides.append(results)
    return sides


# ---------------------------------------------------------------- the plan


def inventory(checkout):
    data = os.path.join(checkout, "src", "reference_data")
    names = []
    for f in ("commands_snapshot.json", "tools_snapshot.json"):
        with open(os.path.join(data, f), encoding="utf-8") as fh:
            names.append([e["name"] for e in json.load(fh)])
    return names


def session_scenario(g):
    dirs = [None, "d", "sub/dir", "."]
    steps, setup, notes = [], [], set()
    if g.chance(0.2):
        setup.append((b".port_sessions/\xff\xfe.json", b"{}"))
        setup.append((b".port_sessions/ok\xe9.json", b"{}"))
    if g.chance(0.15):
        notes.add("strict-types")
        bad = g.pick([b'{"session_id": 5, "messages": [], "input_tokens": 1, "output_tokens": 2}',
                      b'{"session_id": "w", "messages": "abc", "input_tokens": 1, "output_tokens": 2}',
                      b'{"session_id": "w", "messages": [1], "input_tokens": "1", "output_tokens": 2}',
                      b'{"session_id": "w", "messages": [], "input_tokens": 1.5, "output_tokens": null}',
                      b'[]', b'{"session_id": "w"}', b'not json'])
        setup.append((b".port_sessions/w.json", bad))
    ids = ["s1", "s2", ".", "..", "a\\b", "w", g.session_id()]
    for _ in range(g.r.randint(3, 8)):
        cmd = g.pick(SESSION_COMMANDS)
        d = g.pick(dirs)
        sid = g.pick(ids)
        pos = []
        if cmd == "flush-transcript":
            # Never an empty id here: each side would draw its own random
            # uuid, and a later listing would sort the two differently.
            pos = [g.text() or "hi", "--session-id", sid or "s2"]
        elif cmd in ("load-session", "delete-session"):
            pos = ["--", sid] if sid.startswith("-") else [sid]
        argv = [cmd] + pos + (["--directory", d] if d else [])
        if g.chance(0.5):
            argv += ["--output-format", "json"]
        steps.append(argv)
    return steps, setup, notes


def plan(seed, cases, scenarios, names):
    g = Gen(random.Random(seed), *names)
    jobs = []
    per_command = list(REF)
    for i in range(cases):
        argv, plain = g.argv(per_command[i % len(per_command)] if i < len(per_command) * 4 else None)
        argv, plain = sanitize(argv), plain and sanitize(plain)
        assert confined(argv) and confined(plain or []), argv
        jobs.append((len(jobs), [(argv, plain)], [], set()))
    for _ in range(scenarios):
        steps, setup, notes = session_scenario(g)
        steps = [(sanitize(s), None) for s in steps]
        assert all(confined(s) for s, _ in steps), steps
        jobs.append((len(jobs), steps, setup, notes))
    return jobs


def show(text):
    return text.decode("utf-8", "backslashreplace")[:1500]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", required=True, help="reference checkout (holds src/main.py)")
    ap.add_argument("--bin", required=True, help="the claw binary")
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--scenarios", type=int, default=500)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--examples", type=int, default=2, help="examples printed per class")
    ap.add_argument("--replay", nargs=argparse.REMAINDER, help="run one argv on both sides and show both")
    a = ap.parse_args()
    checkout = os.path.abspath(a.reference)
    binary = os.path.abspath(a.bin)
    if not os.path.isfile(os.path.join(checkout, "src", "main.py")):
        sys.exit(f"difftest: {checkout} holds no src/main.py")
    root = tempfile.mkdtemp(prefix="claw-difftest-")
    started = time.monotonic()
    try:
        if a.replay is not None:
            worker_init(checkout, binary, root)
            argv = sanitize(a.replay)
            if not confined(argv):
                sys.exit("difftest: refusing an argv with an absolute path or too many '..'")
            _, _, found = run_job((0, [(argv, None)], [], set()))
            if not found:
                print("same")
            for cls, argv, ref, claw in found:
                print(cls)
                for name, r in (("reference", ref), ("claw", claw)):
                    print(f"--- {name}: exit {r[0]}\n{show(r[1])}--- stderr\n{show(r[2])}")
            return 0
        jobs = plan(a.seed, a.cases, a.scenarios, inventory(checkout))
        classes = collections.OrderedDict()
        steps_total = 0
        with multiprocessing.Pool(a.jobs, worker_init, (checkout, binary, root)) as pool:
            for _, n, found in pool.imap_unordered(run_job, jobs, chunksize=8):
                steps_total += n
                for cls, argv, ref, claw in found:
                    classes.setdefault(cls, []).append((argv, ref, claw))
        escaped = outside(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    elapsed = time.monotonic() - started
    mismatched = sum(len(v) for v in classes.values())
    unexplained = sum(len(v) for k, v in classes.items() if k.startswith("UNEXPLAINED"))
    for cls, items in sorted(classes.items(), key=lambda kv: (kv[0].startswith("UNEXPLAINED"), -len(kv[1]))):
        print(f"{len(items):6}  {cls}")
        for argv, ref, claw in items[: a.examples]:
            print(f"        argv {argv!r}")
            if cls.startswith("UNEXPLAINED"):
                for name, r in (("reference", ref), ("claw", claw)):
                    print(f"        {name}: exit {r[0]} stdout {show(r[1])[:300]!r} stderr {show(r[2])[:200]!r}")
    print(f"cases {a.cases}, session scenarios {a.scenarios}, steps {steps_total}, "
          f"mismatched steps {mismatched}, unexplained {unexplained}, classes {len(classes)}, "
          f"{elapsed:.0f} s with {a.jobs} workers")
    if escaped:
        print(f"WROTE OUTSIDE ITS ROOT: {escaped}")
    return 1 if unexplained or escaped else 0


if __name__ == "__main__":
    sys.exit(main())
