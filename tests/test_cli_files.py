"""``genomap new``, ``genomap demo`` and ``genomap check`` as a user runs them (subprocess)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest


def genomap(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "genomap", *map(str, args)],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "x.genomap"
    result = genomap("demo", path)
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 fictional family maps" in result.stdout
    return path


def test_demo_then_check_prints_a_summary(demo):
    result = genomap("check", demo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 family maps" in out
    assert "Thistlewood–Marlowby family [BF-2025-0412]" in out
    assert "20 people, 5 households, 12 agencies, 19 involvements, 17 events" in out
    assert "Brackley family" in out and "Farrant family" in out
    assert "1 warning" in out and "0 errors" in out and "Result: OK" in out
    assert result.stderr == ""


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "n.genomap"
    assert genomap("new", path).returncode == 0
    again = genomap("new", path)
    assert again.returncode == 1
    assert again.stderr.strip() == f"genomap: '{path}' already exists and was left as it is. Choose another name."
    check = genomap("check", path)
    assert check.returncode == 0 and "0 family maps" in check.stdout


def test_check_reports_errors_with_exit_code_1(tmp_path, demo):
    path = tmp_path / "bad.genomap"
    path.write_bytes(demo.read_bytes())
    con = sqlite3.connect(path)  # damage the data behind the rules' back, as an old tool might
    con.execute("UPDATE person SET death = '1901-00-00' WHERE given_names = 'Mia'")
    con.commit()
    con.close()
    result = genomap("check", path)
    assert result.returncode == 1
    assert "1 error" in result.stdout
    assert "error: Mia Pellbrook's date of death (1901) is before their date of birth (18 Sep 2012)." in result.stdout


@pytest.mark.parametrize("content", [b"not a genomap file at all", b"SQLite format 3\x00" + b"\x00" * 50])
def test_check_on_a_bad_file_is_one_clear_line(tmp_path, content):
    path = tmp_path / "broken.genomap"
    path.write_bytes(content)
    result = genomap("check", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"genomap: '{path}'")
    assert path.read_bytes() == content


def test_check_on_a_corrupt_genomap_file(tmp_path, demo):
    path = tmp_path / "corrupt.genomap"
    data = demo.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    result = genomap("check", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "is a GenoMap file but it is damaged" in result.stderr


def test_every_command_and_option_has_help():
    import genomap.cli_commands  # noqa: F401  (registers the commands)
    from genomap.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("new", "demo", "check"):
        command = sub.choices[name]
        assert command.description
        for action in command._actions:
            assert action.help, f"{name} {action.dest} has no help"
