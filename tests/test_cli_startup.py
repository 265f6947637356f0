"""Starting the `eucentre` command loads Typer, Rich and light modules only: each command imports
what it needs when it runs, so help and `eucentre hash` start fast (bench/cli.py measures how
fast; no clock here). Each check runs in a fresh interpreter, since this one has loaded
everything already."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import typer.main
from PIL import Image

import eucentre
from eucentre.cli import app
from eucentre.domains import installed
from eucentre.media import pdq
from eucentre.media.hashing import hash_record

SRC = Path(eucentre.__file__).resolve().parents[1]
# Modules that cost a tenth of a second or more to import, and that no help needs.
HEAVY = {
    "alembic",
    "av",
    "boto3",
    "eucentre.app",
    "eucentre.config",
    "eucentre.db",
    "eucentre.models",
    "eucentre.worker",
    "fastapi",
    "huey",
    "numba",
    "numpy",
    "PIL",
    "pydantic",
    "scipy",
    "sqlalchemy",
    "uvicorn",
}

# Runs the CLI in-process for each argument list on stdin (one JSON list per line), then
# prints, as JSON, what each printed and which modules were loaded by the end.
DRIVER = """
import contextlib, io, json, sys
from eucentre.cli import app
from typer.main import get_command

command = get_command(app)
outputs = []
for line in sys.stdin:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        try:
            command.main(args=json.loads(line), prog_name="eucentre", standalone_mode=False)
        except SystemExit:
            pass
    outputs.append(buffer.getvalue())
print(json.dumps({"outputs": outputs, "modules": sorted(sys.modules)}))
"""


def fresh_python(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, *args], input=stdin, env=env, capture_output=True, text=True, check=False
    )


def command_paths() -> list[list[str]]:
    """Every group and command, the top level's loaded as running them would (cli.py)."""
    found: list[list[str]] = [[]]
    top = typer.main.get_command(app)

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    for name in top.list_commands(None):
        walk(top.load(name), [name])
    return found


def heavy_in(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)


def test_importing_the_cli_loads_no_heavy_module() -> None:
    done = fresh_python("-c", "import sys, eucentre.cli; print('\\n'.join(sys.modules))")
    assert done.returncode == 0, done.stderr
    assert heavy_in(done.stdout.split()) == []


def test_every_help_lists_its_commands_without_loading_a_heavy_module() -> None:
    paths = command_paths()
    assert len(paths) > 30  # every group and command, not just the top level
    stdin = "".join(json.dumps([*path, "--help"]) + "\n" for path in paths)
    done = fresh_python("-c", DRIVER, stdin=stdin)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # pydantic too: Typer would import it to coerce its own --help flag on the way through each
    # group, unless the group states the flag's default (clikit.GROUP_SETTINGS, TOP_SETTINGS).
    assert heavy_in(result["modules"]) == []
    top = typer.main.get_command(app)
    for name in top.list_commands(None):
        assert name in result["outputs"][0], name
    for path, output in zip(paths, result["outputs"], strict=True):
        assert "Usage: eucentre " + " ".join(path) in " ".join(output.split()), path


def test_the_top_level_help_imports_no_domain_command_module() -> None:
    """`eucentre --help` lists every command from the manifests, each with its line of help,
    without importing the modules that define them."""
    done = fresh_python("-c", DRIVER, stdin=json.dumps(["--help"]) + "\n")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [m for m in result["modules"] if m.endswith(".cli") and m != "eucentre.cli"] == []
    # Rich draws the table with box characters; a long line of help wraps inside its cell.
    listed = " ".join(result["outputs"][0].replace("│", " ").split())
    for command in installed().commands:
        assert f"{command.name} {command.help}" in listed, command.name


def test_a_group_shows_the_help_its_manifest_gives() -> None:
    done = fresh_python("-c", DRIVER, stdin=json.dumps(["demo", "--help"]) + "\n")
    assert done.returncode == 0, done.stderr
    shown = " ".join(json.loads(done.stdout)["outputs"][0].split())
    assert "Demo data (development only)." in shown
    assert "--install-completion" not in shown  # a top-level option only


def test_hash_of_one_picture_needs_no_jit_database_or_web_and_prints_the_same(tmp_path) -> None:
    rng = np.random.default_rng(5)
    picture = tmp_path / "one.jpg"
    Image.fromarray((rng.random((300, 400, 3)) * 255).astype(np.uint8)).save(picture, quality=90)
    code = (
        "import sys\nfrom eucentre.cli import app\n"
        "try:\n    app(['hash', '--jsonl', sys.argv[1]])\n"
        "finally:\n    print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    done = fresh_python("-c", code, str(picture))
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert not loaded & {"numba", "sqlalchemy", "fastapi", "av", "eucentre.app", "eucentre.db"}
    # The fresh process reduced with numpy; here the numba kernels do: same bytes out.
    pdq.use_jit()
    assert done.stdout == json.dumps(hash_record(picture)) + "\n"
