"""`eucentre index ...` through the real Typer app, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from eucentre.cli import app

from .conftest import clustered, flip_bits

runner = CliRunner()
H0, H1, H2 = "0" * 64, "f" * 64, "0f" * 32


def run(*args: str):
    return runner.invoke(app, ["index", *map(str, args)])


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def built(tmp_path):
    rng = np.random.default_rng(7)
    stored = clustered(rng, 300)
    lines = ["id,hash"] + [
        f"ind-{i},{w.astype('>u8').tobytes().hex()}" for i, w in enumerate(stored)
    ]
    src = write(tmp_path / "hashes.csv", "\n".join(lines) + "\n")
    result = run("build", "--signal", "pdq", src, tmp_path / "idx")
    assert result.exit_code == 0, result.output
    return tmp_path, stored, rng


def hexof(row) -> str:
    return row.astype(">u8").tobytes().hex()


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_build_and_query_jsonl(built):
    tmp, stored, rng = built
    q = write(tmp / "q.csv", f"q1,{hexof(flip_bits(rng, stored[5], 4))}\nq2,{hexof(~stored[5])}\n")
    result = run("query", tmp / "idx", q, "--jsonl")
    assert result.exit_code == 0, result.output
    out = jsonl(result.stdout)
    assert [o["query"] for o in out] == ["q1", "q2"]
    assert {"id": "ind-5", "distance": 4, "variant": "original"} in out[0]["matches"]
    assert out[1]["matches"] == []
    assert all(m["distance"] <= 31 for m in out[0]["matches"])
    tight = jsonl(run("query", tmp / "idx", q, "--jsonl", "--max-distance", "3").stdout)
    assert all(m["id"] != "ind-5" for m in tight[0]["matches"])


def test_query_dihedral_reports_the_variant(built):
    tmp, stored, rng = built
    q = write(
        tmp / "q.csv",
        "id,hash,variant\n"
        f"img,{hexof(~stored[1])},original\n"
        f"img,{hexof(flip_bits(rng, stored[9], 2))},rot270\n"
        f"img,{hexof(~stored[2])},frame:3\n"
        f"other,{hexof(stored[3])}\n",
    )
    result = run("query", tmp / "idx", q, "--dihedral", "--jsonl")
    assert result.exit_code == 0, result.output
    img, other = jsonl(result.stdout)
    assert {"id": "ind-9", "distance": 2, "variant": "rot270"} in img["matches"]
    assert {"id": "ind-3", "distance": 0, "variant": "original"} in other["matches"]
    assert "--dihedral" in run("query", "--help").stdout


def test_add_remove_disable_enable_compact(built):
    tmp, stored, _ = built
    idx = tmp / "idx"
    new = write(tmp / "new.csv", f"new-1,{H2}\n")
    assert run("add", idx, new).exit_code == 0
    q = write(tmp / "q.csv", f"q,{H2}\n")
    assert jsonl(run("query", idx, q, "--jsonl").stdout)[0]["matches"][0]["id"] == "new-1"
    ids = write(tmp / "ids.txt", "id\nnew-1\n")
    assert run("disable", idx, ids).exit_code == 0
    assert jsonl(run("query", idx, q, "--jsonl").stdout)[0]["matches"] == []
    assert run("enable", idx, ids).exit_code == 0
    assert run("compact", idx).exit_code == 0
    assert jsonl(run("query", idx, q, "--jsonl").stdout)[0]["matches"][0]["id"] == "new-1"
    assert run("remove", idx, ids).exit_code == 0
    assert jsonl(run("query", idx, q, "--jsonl").stdout)[0]["matches"] == []
    info = json.loads(run("info", idx).stdout)
    assert info == {"signal": "pdq", "count": 300, "snapshot": "snap-000002", "delta": 0}


def test_exact_signals(tmp_path):
    md5 = "d41d8cd98f00b204e9800998ecf8427e"
    src = write(tmp_path / "m.csv", f"id,hash\nempty,{md5}\nother,{'1' * 32}\n")
    assert run("build", "--signal", "md5", src, tmp_path / "m").exit_code == 0
    q = write(tmp_path / "q.csv", f"a,{md5}\nb,{'2' * 32}\n")
    out = jsonl(run("query", tmp_path / "m", q, "--jsonl").stdout)
    assert out == [
        {"query": "a", "matches": [{"id": "empty", "distance": 0, "variant": "original"}]},
        {"query": "b", "matches": []},
    ]
    sha = write(tmp_path / "s.csv", f"x,{'a' * 64}\n")
    assert run("build", "--signal", "sha256", sha, tmp_path / "s").exit_code == 0
    assert run("build", "--signal", "sha1", sha, tmp_path / "t").exit_code == 2


BAD_HASH_FILES = {
    "short hex": (f"a,{H0}\nb,{'0' * 63}\n", [2]),
    "long hex": (f"a,{'0' * 65}\n", [1]),
    "uppercase": (f"a,{'A' * 64}\n", [1]),
    "not hex": (f"a,{'g' * 64}\n", [1]),
    "duplicate ids": (f"a,{H0}\nb,{H1}\na,{H2}\n", [3]),
    "missing column": (f"a,{H0}\nb\n", [2]),
    "extra column": (f"a,{H0},rot90\n", [1]),
    "empty id": (f",{H0}\n", [1]),
    "id with space": (f"a b,{H0}\n", [1]),
    "several bad lines": (f"a,{H0}\nb,xyz\nc,{H1}\nc,{H1}\n", [2, 4]),
}


@pytest.mark.parametrize("name", BAD_HASH_FILES)
def test_build_rejects_malformed_lines_with_line_numbers(tmp_path, name):
    text, bad_lines = BAD_HASH_FILES[name]
    src = write(tmp_path / "in.csv", text)
    result = run("build", src, tmp_path / "idx")
    assert result.exit_code == 2
    for lineno in bad_lines:
        assert f"in.csv:{lineno}:" in result.stderr
    assert result.stderr.count("in.csv:") == len(bad_lines)
    assert not (tmp_path / "idx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no half-built leftovers


def test_build_rejects_non_utf8_and_missing_file(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(f"a,{H0}\n".encode() + b"\xff\xfe,zz\n")
    result = run("build", src, tmp_path / "idx")
    assert result.exit_code == 2 and "in.csv:2:" in result.stderr
    assert run("build", tmp_path / "nope.csv", tmp_path / "idx").exit_code == 2
    assert not (tmp_path / "idx").exists()


def test_build_does_not_clobber_an_existing_index(built):
    tmp, _, _ = built
    src = write(tmp / "other.csv", f"z,{H0}\n")
    assert run("build", src, tmp / "idx").exit_code == 2
    assert json.loads(run("info", tmp / "idx").stdout)["count"] == 300
    assert run("build", "--force", src, tmp / "idx").exit_code == 0
    assert json.loads(run("info", tmp / "idx").stdout)["count"] == 1


@pytest.mark.parametrize(
    "text,bad_lines,dihedral",
    [
        (f"q,{H0},rot45\n", [1], True),
        (f"q,{H0},rot90\nq,{H1},rot90\n", [2], True),
        (f"q,{H0}\nq,{H1}\n", [2], False),
        (f"q,{H0},rot90\n", [1], False),
        (f"q,{'0' * 32}\n", [1], False),
    ],
)
def test_query_rejects_malformed_lines(built, text, bad_lines, dihedral):
    tmp, _, _ = built
    q = write(tmp / "q.csv", text)
    result = run("query", tmp / "idx", q, "--jsonl", *(["--dihedral"] if dihedral else []))
    assert result.exit_code == 2
    assert result.stdout == ""
    for lineno in bad_lines:
        assert f"q.csv:{lineno}:" in result.stderr


def test_add_and_remove_reject_bad_lines_and_change_nothing(built):
    tmp, _, _ = built
    idx = tmp / "idx"
    bad_add = write(tmp / "add.csv", f"fresh,{H0}\nind-3,{H1}\nx,{'0' * 10}\n")
    result = run("add", idx, bad_add)
    assert result.exit_code == 2
    assert "add.csv:3:" in result.stderr
    # The duplicate of a stored id is only known once the file parses; fix the syntax error.
    bad_add.write_text(f"fresh,{H0}\nind-3,{H1}\n")
    result = run("add", idx, bad_add)
    assert result.exit_code == 2 and "add.csv:2:" in result.stderr and "already" in result.stderr
    bad_ids = write(tmp / "ids.txt", "ind-1\nno-such-id\nind-1\nbad id\n")
    result = run("remove", idx, bad_ids)
    assert result.exit_code == 2
    assert "ids.txt:3:" in result.stderr and "ids.txt:4:" in result.stderr
    bad_ids.write_text("ind-1\nno-such-id\n")
    result = run("remove", idx, bad_ids)
    assert result.exit_code == 2 and "ids.txt:2:" in result.stderr
    info = json.loads(run("info", idx).stdout)
    assert info["count"] == 300 and info["delta"] == 0


def test_query_missing_index(tmp_path):
    q = write(tmp_path / "q.csv", f"q,{H0}\n")
    result = run("query", tmp_path / "nothing", q, "--jsonl")
    assert result.exit_code != 0 and "cannot open index" in result.stderr


def test_real_subprocess(built):
    tmp, stored, _ = built
    exe = Path(sys.executable).parent / "eucentre"
    q = write(tmp / "q.csv", f"q1,{hexof(stored[0])}\n")
    done = subprocess.run(
        [str(exe), "index", "query", str(tmp / "idx"), str(q), "--jsonl"],
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = jsonl(done.stdout)
    assert {"id": "ind-0", "distance": 0, "variant": "original"} in line["matches"]
    bad = write(tmp / "bad.csv", f"a,{H0}\na,{H1}\n")
    done = subprocess.run(
        [str(exe), "index", "build", str(bad), str(tmp / "new")], capture_output=True, text=True
    )
    assert done.returncode == 2 and "bad.csv:2:" in done.stderr and done.stdout == ""
