"""Start-up time: launch to the first painted main window, from source and from the bundle.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py [-n 5] [--bundle dist/GenoMap/genomap]

Each run starts a fresh process with ``GENOMAP_STARTUP_PROBE`` (genomap/ui/startup.py),
which prints when the window first painted (seconds since the process was created,
and CPU seconds used) and quits.  Reported: the welcome screen (no file), and a
demo file (window shown, then the first genogram drawn).  CPU time is given too
because wall time on a shared, loaded machine says more about the machine.
Target: median shown <= 1.5 s from the source install.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5


def _probe(cmd: list[str], env: dict, mode: str) -> dict[str, tuple[float, float]]:
    start = time.perf_counter()
    out = subprocess.run(cmd, env={**env, "GENOMAP_STARTUP_PROBE": mode}, capture_output=True, text=True,
                         timeout=180)
    wall = time.perf_counter() - start
    marks = {"process": (wall, float("nan"))}
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["GENOMAP_PROBE"] and len(parts) >= 5:
            marks[parts[1]] = (float(parts[2]), float(parts[4]))
    if "shown" not in marks:
        raise SystemExit(f"no probe output from {cmd}: {out.stdout[-500:]} {out.stderr[-1500:]}")
    return marks


def _summary(label: str, runs: list[dict], key: str) -> str:
    vals = [r[key] for r in runs if key in r]
    if not vals:
        return f"{label:38s} {key:6s} (none)"
    wall = statistics.median(v[0] for v in vals)
    cpu = statistics.median(v[1] for v in vals)
    return f"{label:38s} {key:6s} median {wall:5.2f} s wall  {cpu:5.2f} s CPU   (n={len(vals)}, " \
           f"min {min(v[0] for v in vals):.2f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=5, help="runs per case (default 5)")
    ap.add_argument("--bundle", default=str(ROOT / "dist" / "GenoMap" / "genomap"),
                    help="the bundled executable (skipped when absent)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": tmp,
               "XDG_CONFIG_HOME": f"{tmp}/config", "XDG_DATA_HOME": f"{tmp}/data"}
        targets = [("source", [sys.executable, "-m", "genomap"])]
        if Path(args.bundle).is_file():
            targets.append(("bundle", [args.bundle]))
        lines, ok = [], True
        for name, cmd in targets:
            demo = Path(tmp) / f"{name}-demo.genomap"
            subprocess.run([*cmd, "demo", str(demo)], env=env, check=True, capture_output=True, timeout=180)
            _probe(cmd, env, "exit")  # warm the disk cache
            welcome = [_probe(cmd, env, "exit") for _ in range(args.n)]
            with_file = [_probe([*cmd, str(demo)], env, "exit-drawn") for _ in range(args.n)]
            lines.append(_summary(f"{name}: welcome screen", welcome, "shown"))
            lines.append(_summary(f"{name}: demo file", with_file, "shown"))
            lines.append(_summary(f"{name}: demo file", with_file, "drawn"))
            if name == "source":
                ok = statistics.median(r["shown"][0] for r in welcome) <= TARGET
        print(f"GenoMap start-up (launch -> first paint), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        print("\n".join(lines))
        print(f"target: source welcome screen shown <= {TARGET} s: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
