"""CLI start-up benchmark: how long `eucentre --help`, every sub-command's and sub-group's
`--help`, and `eucentre hash --jsonl one.jpg` take, each in a fresh process.

    .venv/bin/python bench/cli.py [--runs 10] [--quick]

Every command runs `--runs` times in a new interpreter (as the `eucentre` console script does:
`from eucentre.cli import app; app()`, with this tree's `src` first on the path); rounds are
interleaved, so a burst of load on a shared machine hits every command alike. The median wall
time is printed next to the floor, `python -c pass` in the same interpreter, as a ratio and in
absolute milliseconds, with the goal: 0.3 s for help, 0.8 s for hashing one picture. The picture
is a benign synthetic 640x480 JPEG (gradients and noise) made in a temporary folder.

A second reference, a bare Typer app of two empty commands, shows what Typer and Rich alone
cost for `--help` and for a sub-command's `--help` (Typer 0.29 parses a sub-command's options
through pydantic, so every sub-command pays pydantic's import, whatever the app).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

HELP_GOAL = 0.3
HASH_GOAL = 0.8
RUN_CLI = "import sys; from eucentre.cli import app; sys.argv[0] = 'eucentre'; sys.exit(app())"
BARE_TYPER = """import typer
app = typer.Typer()
@app.command()
def one() -> None: pass
@app.command()
def two() -> None: pass
app()
"""


def command_paths() -> list[list[str]]:
    """Every command and group below `eucentre`, as argument lists, depth first."""
    import typer.main

    from eucentre.cli import app

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        # Groups have `commands` (Typer vendors its own Click, so no isinstance on click's).
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def synthetic_jpeg(folder: Path) -> Path:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(2026)
    y, x = np.mgrid[0:480, 0:640]
    base = np.stack([x * 255 / 639, y * 255 / 479, (x + y) * 255 / 1118], axis=-1)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    path = folder / "one.jpg"
    Image.fromarray(pixels).save(path, quality=88)
    return path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU is steadier when others load the machine)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}"
        )
    return elapsed, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per command (median)")
    parser.add_argument("--quick", action="store_true", help="3 runs, top-level help and hash")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs

    env = environment()
    with tempfile.TemporaryDirectory(prefix="eucentre-bench-cli-") as tmp:
        folder = Path(tmp)
        image = synthetic_jpeg(folder)
        paths = [[]] if args.quick else command_paths()
        cases: list[tuple[str, list[str], float | None]] = [
            ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
            ("bare Typer app --help", [sys.executable, "-c", BARE_TYPER, "--help"], None),
            (
                "bare Typer app one --help",
                [sys.executable, "-c", BARE_TYPER, "one", "--help"],
                None,
            ),
        ]
        for path in paths:
            cases.append(
                (
                    " ".join(["eucentre", *path, "--help"]),
                    [sys.executable, "-c", RUN_CLI, *path, "--help"],
                    HELP_GOAL,
                )
            )
        cases.append(
            (
                "eucentre hash --jsonl one.jpg",
                [sys.executable, "-c", RUN_CLI, "hash", "--jsonl", str(image)],
                HASH_GOAL,
            )
        )
        # One untimed run each: .pyc files and numba's cache are written once, not per call.
        for _, argv, _ in cases:
            timed(argv, env, folder)
        times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        cpu: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        for _ in range(runs):
            for name, argv, _ in cases:
                wall, used = timed(argv, env, folder)
                times[name].append(wall)
                cpu[name].append(used)

    print(
        f"CLI start-up, median of {runs} fresh processes; {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    floor = statistics.median(times[cases[0][0]])
    width = max(len(name) for name, _, _ in cases)
    print(f"{'command':<{width}}  {'median':>9}  {'x floor':>8}  {'cpu':>9}  {'goal':>6}  meets")
    missed = 0
    for name, _, goal in cases:
        median = statistics.median(times[name])
        verdict = "" if goal is None else ("yes" if median < goal else "NO")
        missed += verdict == "NO"
        goal_text = "" if goal is None else f"{goal:.1f} s"
        print(
            f"{name:<{width}}  {median * 1000:7.0f} ms  {median / floor:7.1f}x  "
            f"{statistics.median(cpu[name]) * 1000:6.0f} ms  {goal_text:>6}  {verdict}"
        )
    goals = sum(goal is not None for _, _, goal in cases)
    print(f"{goals - missed} of {goals} commands meet their goal")


if __name__ == "__main__":
    main()
