#!/usr/bin/env python3
"""Run the reference's own pytest suite against claw.

  refsuite.py --reference CHECKOUT --bin CLAW [--python PYTHON] [-- PYTEST-ARGS ...]

Copies CHECKOUT (a checkout of the reference Python harness: src/ and tests/)
into a temp directory and replaces the `if __name__ == '__main__':` block of
the copy's src/main.py with an `os.execv` of claw, keeping the rest of the
file so that the tests' own imports (`from src.main import build_parser`)
still work.  Every `python -m src.main ...` the tests start then runs claw.
PYTHON (default: this python3) must have pytest installed.  The exit status
is pytest's.  Standard library only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

SHIM = """if __name__ == '__main__':
    import os as _os
    import sys as _sys
    _os.execv({bin!r}, [{bin!r}, *_sys.argv[1:]])
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("pytest_args", nargs="*")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory(prefix="claw-refsuite-") as tmp:
        copy = os.path.join(tmp, "ref")
        shutil.copytree(a.reference, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", "rust", "target"))
        main_py = os.path.join(copy, "src", "main.py")
        with open(main_py, encoding="utf-8") as f:
            text = f.read()
        shimmed, n = re.subn(r"(?ms)^if __name__ == '__main__':\n(?:[ \t]+.*\n?)+\Z", SHIM.format(bin=binary), text)
        if n != 1:
            sys.exit("refsuite: src/main.py has no final `if __name__ == '__main__':` block")
        with open(main_py, "w", encoding="utf-8") as f:
            f.write(shimmed)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAW_")}
        cmd = [a.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", *a.pytest_args]
        return subprocess.run(cmd, cwd=copy, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
