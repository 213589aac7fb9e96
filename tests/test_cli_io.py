"""The command line as a user meets it: files that cannot be read, help and
version, the three diagnostic formats, exit codes and colour."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from conftest import REPO, run_sorac
from sorascript import __version__

EXAMPLE = (REPO / "examples" / "neon_diner.shot").read_text(encoding="utf-8")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Two syntax errors in different declarations: E105 in `defaults:`, E102 in a shot.
BROKEN = (
    "defaults:\n"
    "    duration 4sec\n"
    "\n"
    "shot confession\n"
    "    \"Mara waits.\"\n"
)


def _commands() -> list[str]:
    import typer.main

    from sorascript.cli import app

    return sorted(typer.main.get_command(app).commands)


def assert_one_error_line(done: subprocess.CompletedProcess, *fragments: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("sorac: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# ---- files that cannot be read -----------------------------------------------------------------

UNREADABLE = {
    "missing": (None, "no such file"),
    "directory": ("dir", "directory"),
    "empty": (b"", "empty"),
    "blank": (b"  \n\n\t\n", "empty"),
    "not_utf8": (b'shot s:\n    "caf\xe9"\n', "UTF-8"),
    "latin1_bom": (b"\xff\xfeshot", "UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "nul_in_text": (b'shot s:\n    "x\x00"\n', "binary"),
}


def _make(tmp_path, kind: str):
    content, _ = UNREADABLE[kind]
    path = tmp_path / f"{kind}.shot"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return path.name


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
@pytest.mark.parametrize("format", ["human", "short", "json"])
def test_check_unreadable_file_is_an_io_error(tmp_path, kind, format):
    name = _make(tmp_path, kind)
    done = run_sorac("check", "--format", format, name, cwd=tmp_path)
    assert_one_error_line(done, name, UNREADABLE[kind][1])
    if format == "json":
        assert json.loads(done.stdout) == []
    else:
        assert done.stdout == ""


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_compile_unreadable_file_is_an_io_error(tmp_path, kind):
    name = _make(tmp_path, kind)
    done = run_sorac("compile", name, cwd=tmp_path)
    assert_one_error_line(done, name, UNREADABLE[kind][1])
    assert done.stdout == ""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_permissions(tmp_path):
    path = tmp_path / "locked.shot"
    path.write_text(EXAMPLE, encoding="utf-8")
    path.chmod(0)
    try:
        assert_one_error_line(run_sorac("check", path.name, cwd=tmp_path), "locked.shot", "permission denied")
    finally:
        path.chmod(0o644)


def test_a_bom_is_not_an_error(tmp_path):
    (tmp_path / "bom.shot").write_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode("utf-8"))
    done = run_sorac("check", "--format", "short", "bom.shot", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout


def test_one_unreadable_file_among_good_ones(tmp_path):
    (tmp_path / "good.shot").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "broken.shot").write_text(BROKEN, encoding="utf-8")
    done = run_sorac("check", "--format", "short", "good.shot", "missing.shot", "broken.shot", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["sorac: error: missing.shot: no such file"]
    # The files that could be read are still checked.
    assert "broken.shot:2:14: error[E105]" in done.stdout
    assert "Traceback" not in done.stderr


# ---- help and version ---------------------------------------------------------------------------


def test_top_level_help_lists_every_command():
    done = run_sorac("--help")
    assert done.returncode == 0
    assert "Usage" in done.stdout
    for command in _commands():
        assert command in done.stdout
    assert run_sorac("-h").stdout == done.stdout


def test_the_known_commands_exist():
    assert {"check", "compile", "explain"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command):
    done = run_sorac(command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout and command in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_check_help_documents_its_options():
    done = run_sorac("check", "--help")
    for option in ("--format", "--allow", "--deny"):
        assert option in done.stdout
    for value in ("human", "short", "json"):
        assert value in done.stdout


def test_no_arguments_shows_usage_without_a_traceback():
    done = run_sorac()
    assert "Usage" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    done = run_sorac(flag)
    assert done.returncode == 0
    assert done.stdout.strip() == f"sorac {__version__}"


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "xml", "a.shot"], ["explain", "E9999"], ["frobnicate"],
                                  ["check", "--nope", "a.shot"]])
def test_usage_errors_exit_2_without_a_traceback(args, tmp_path):
    done = run_sorac(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.strip()


def test_unknown_allow_code_is_a_usage_error(tmp_path):
    (tmp_path / "good.shot").write_text(EXAMPLE, encoding="utf-8")
    assert_one_error_line(run_sorac("check", "--allow", "W999", "good.shot", cwd=tmp_path), "W999")


# ---- formats and exit codes ------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    (tmp_path / "broken.shot").write_text(BROKEN, encoding="utf-8")
    return tmp_path


@pytest.fixture
def clean(tmp_path):
    (tmp_path / "clean.shot").write_text(EXAMPLE, encoding="utf-8")
    return tmp_path


def test_exit_0_for_a_clean_file(clean):
    done = run_sorac("check", "clean.shot", cwd=clean)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error[" not in done.stdout
    assert "error" not in done.stderr
    assert done.stderr.strip().endswith("in 1 file")


def test_exit_1_for_syntax_errors(broken):
    for format in ("human", "short", "json"):
        done = run_sorac("check", "--format", format, "broken.shot", cwd=broken)
        assert done.returncode == 1, (format, done.stderr)
        assert "Traceback" not in done.stderr


def test_human_format(broken):
    done = run_sorac("check", "broken.shot", cwd=broken)
    out = done.stdout
    assert "error[E105]: unknown unit `sec` in `4sec`" in out
    assert " --> broken.shot:2:14" in out
    assert "2 |     duration 4sec" in out
    assert "  |              ^^^^" in out
    assert "= help: write `4s`" in out
    assert "error[E102]: missing `:` after `shot confession`" in out
    assert " --> broken.shot:4:16" in out
    assert out.index("E105") < out.index("E102")  # in source order
    assert done.stderr.strip() == "2 errors in 1 file"


def test_short_format(broken):
    done = run_sorac("check", "--format", "short", "broken.shot", cwd=broken)
    assert done.stdout.splitlines() == [
        "broken.shot:2:14: error[E105]: unknown unit `sec` in `4sec`",
        "broken.shot:4:16: error[E102]: missing `:` after `shot confession`",
    ]
    assert done.stderr == ""
    for line in done.stdout.splitlines():
        assert re.fullmatch(r"[^:]+:\d+:\d+: (error|warning|note)\[[EWN]\d{3}\]: .+", line)


def test_json_format(broken):
    done = run_sorac("check", "--format", "json", "broken.shot", cwd=broken)
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert isinstance(data, list) and len(data) == 2
    keys = {"severity", "code", "message", "file", "line", "column", "end_line", "end_column", "labels", "help"}
    for item in data:
        assert set(item) == keys
        assert item["severity"] in ("error", "warning", "note")
        assert isinstance(item["help"], list) and all(isinstance(h, str) for h in item["help"])
        assert item["labels"], item
        for label in item["labels"]:
            assert set(label) == {"file", "line", "column", "end_line", "end_column", "message"}
            assert all(isinstance(label[k], int) and label[k] >= 1 for k in ("line", "column", "end_line", "end_column"))
    unit, colon = data
    assert unit == {
        "severity": "error", "code": "E105", "message": "unknown unit `sec` in `4sec`",
        "file": "broken.shot", "line": 2, "column": 14, "end_line": 2, "end_column": 18,
        "labels": [{"file": "broken.shot", "line": 2, "column": 14, "end_line": 2, "end_column": 18, "message": "here"}],
        "help": ["write `4s`"],
    }
    assert (colon["code"], colon["line"], colon["column"]) == ("E102", 4, 16)


def test_json_for_several_files_is_one_array(broken, clean):
    (broken / "clean.shot").write_text(EXAMPLE, encoding="utf-8")
    done = run_sorac("check", "--format", "json", "broken.shot", "clean.shot", cwd=broken)
    data = json.loads(done.stdout)
    assert [d["file"] for d in data if d["severity"] == "error"] == ["broken.shot", "broken.shot"]
    assert done.returncode == 1


def test_json_keeps_non_ascii_text(tmp_path):
    (tmp_path / "café.shot").write_text('defaults:\n    duration 4sec // «°»\n', encoding="utf-8")
    done = run_sorac("check", "--format", "json", "café.shot", cwd=tmp_path)
    assert json.loads(done.stdout)[0]["file"] == "café.shot"


def test_human_format_has_no_colour_when_not_a_terminal(broken):
    # Without NO_COLOR only the missing terminal turns colour off. (run_sorac
    # always sets NO_COLOR, so the command is run directly here.)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run([sys.executable, "-m", "sorascript", "check", "broken.shot"], cwd=broken, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "error[E105]" in done.stdout
    assert "\x1b[" not in done.stdout + done.stderr


def _run_on_a_terminal(args, cwd, env_extra):
    env = dict(os.environ, **env_extra)
    master, slave = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "sorascript", *args], cwd=cwd, stdout=slave,
                              stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return done.returncode, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_human_format_is_coloured_on_a_terminal_unless_no_color(broken):
    code, out = _run_on_a_terminal(["check", "broken.shot"], broken, {"NO_COLOR": ""})
    assert code == 1
    assert ANSI.search(out)
    assert "error[E105]" in ANSI.sub("", out)
    code, out = _run_on_a_terminal(["check", "broken.shot"], broken, {"NO_COLOR": "1"})
    assert code == 1
    assert not ANSI.search(out)
    assert "error[E105]" in out


@pytest.mark.parametrize("format", ["short", "json"])
def test_machine_formats_never_colour(broken, format):
    code, out = _run_on_a_terminal(["check", "--format", format, "broken.shot"], broken, {"NO_COLOR": ""})
    assert code == 1
    assert not ANSI.search(out)


def test_paths_are_shown_as_given(tmp_path):
    folder = tmp_path / "scenes"
    folder.mkdir()
    (folder / "broken.shot").write_text(BROKEN, encoding="utf-8")
    done = run_sorac("check", "--format", "short", "scenes/broken.shot", cwd=tmp_path)
    assert done.stdout.startswith("scenes/broken.shot:2:14: error[E105]")
    absolute = run_sorac("check", "--format", "short", str(folder / "broken.shot"), cwd=tmp_path)
    assert absolute.returncode == 1
    assert ":2:14: error[E105]" in absolute.stdout
