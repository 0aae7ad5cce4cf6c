"""Run every benchmark script in this folder in turn and print their figures.

Each ``bench_*.py`` is a standalone script that prints a small table; this just
runs them one after another (``make bench``) so figures are easy to collect.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        rc = subprocess.call([sys.executable, str(script)])
        if rc:
            print(f"({script.name} exited with {rc})")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
