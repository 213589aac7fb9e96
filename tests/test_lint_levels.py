"""Lint levels: `// sorac: allow` pragmas, `[lint] allow/deny` in sorac.toml,
and `--allow`/`--deny` on the command line. Exit codes through the real CLI;
finer checks through `driver.check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_sorac
from sorascript import driver
from sorascript.driver import Options

CLEAN = """\
shot street:
    model sora-2
    size 1280x720
    duration 4s
    "{prose}"
    camera:
        framing wide
        lens 35mm f/2.8
    lighting:
        key "sodium streetlight" from above 2000K
        quality hard
    sound:
        ambient "distant traffic hiss"
    style "shot on 35mm film, soft grain, warm teal-orange grade"
"""

VAGUE = CLEAN.format(prose="A beautiful street at night.")  # one W101 on line 5


def write(folder: Path, text: str, name: str = "film.shot") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(path: Path, options: Options | None = None) -> list[tuple[str, str]]:
    result = driver.check(path, options)
    assert result.problem is None, result.problem
    return [(d.code, d.severity) for d in result.diagnostics if d.severity != "note"]


# ---- pragmas ------------------------------------------------------------------------------

def test_the_warning_without_a_pragma(tmp_path):
    assert codes(write(tmp_path, VAGUE)) == [("W101", "warning")]


def test_pragma_trailing_on_the_offending_line(tmp_path):
    text = VAGUE.replace('night."', 'night."  // sorac: allow W101')
    assert codes(write(tmp_path, text)) == []


def test_trailing_pragma_covers_only_its_own_line(tmp_path):
    text = VAGUE.replace('night."', 'night."\n    "A stunning view."') \
        .replace('    "A beautiful', '    "A beautiful') \
        .replace('night."\n', 'night."  // sorac: allow W101\n')
    path = write(tmp_path, text)
    result = driver.check(path)
    assert [(d.code, d.span.line) for d in result.diagnostics if d.severity != "note"] == [("W101", 6)]


def test_pragma_on_the_line_above_a_statement(tmp_path):
    text = VAGUE.replace('    "A beautiful', '    // sorac: allow W101\n    "A beautiful')
    assert codes(write(tmp_path, text)) == []


def test_pragma_above_a_block_covers_the_whole_block(tmp_path):
    text = CLEAN.format(prose="A street at night.") + (
        "    // sorac: allow W103\n"
        "    beats:\n"
        '        0s..2s "A sign that says \\"OPEN\\" flickers"\n'
        '        2s..4s "A poster reading \\"SALE\\" peels"\n')
    assert codes(write(tmp_path, text)) == []


def test_pragma_above_a_shot_covers_the_shot(tmp_path):
    text = "// sorac: allow W101, W116\n" + VAGUE.replace(
        '    style "shot on 35mm film, soft grain, warm teal-orange grade"\n', "")
    assert codes(write(tmp_path, text)) == []
    # without the pragma: both
    bare = text.replace("// sorac: allow W101, W116\n", "")
    assert sorted(codes(write(tmp_path, bare))) == [("W101", "warning"), ("W116", "warning")]


def test_pragma_above_a_shot_after_a_comment_block(tmp_path):
    text = "// Why: the client's words, quoted.\n// sorac: allow W101\n\n" + VAGUE
    assert codes(write(tmp_path, text)) == []


def test_pragma_above_one_shot_does_not_cover_the_next(tmp_path):
    second = VAGUE.replace("shot street:", "shot avenue:")
    text = "// sorac: allow W101\n" + VAGUE + "\n" + second
    result = driver.check(write(tmp_path, text))
    assert [(d.code, d.span.line) for d in result.diagnostics if d.severity != "note"] == [("W101", 21)]


def test_several_codes_in_one_pragma(tmp_path):
    text = VAGUE.replace('    "A beautiful street at night."', '    "A beautiful street. Cut to the beach."  // sorac: allow W101, W112')
    assert codes(write(tmp_path, text)) == []
    spaced = text.replace("W101, W112", "W101 W112")
    assert codes(write(tmp_path, spaced)) == []


def test_a_pragma_for_another_code_does_not_silence(tmp_path):
    text = VAGUE.replace('night."', 'night."  // sorac: allow W102')
    assert codes(write(tmp_path, text)) == [("W101", "warning")]


@pytest.mark.parametrize("reason", [
    " -- quoted from the client's brief",
    ": quoted from the client's brief",
    " because the client asked for it",
    ", the client's words",
])
def test_pragma_with_a_reason(tmp_path, reason):
    text = VAGUE.replace('night."', f'night."  // sorac: allow W101{reason}')
    assert codes(write(tmp_path, text)) == []


def test_pragma_codes_are_case_insensitive(tmp_path):
    text = VAGUE.replace('night."', 'night."  // sorac: allow w101')
    assert codes(write(tmp_path, text)) == []


def test_pragma_cannot_silence_an_error(tmp_path):
    text = VAGUE.replace("    duration 4s", "    duration 4s  // sorac: allow E301").replace("duration 4s", "duration 4deg")
    result = driver.check(write(tmp_path, text))
    assert any(d.code == "E301" and d.severity == "error" for d in result.diagnostics)


def test_pragma_beats_deny_on_the_command_line(tmp_path):
    text = VAGUE.replace('night."', 'night."  // sorac: allow W101')
    assert codes(write(tmp_path, text), Options(deny=frozenset({"warnings"}))) == []


# ---- sorac.toml ---------------------------------------------------------------------------

def project(tmp_path: Path, toml: str, text: str = VAGUE) -> Path:
    (tmp_path / "sorac.toml").write_text(toml, encoding="utf-8")
    return write(tmp_path, text)


def test_toml_allow(tmp_path):
    assert codes(project(tmp_path, '[lint]\nallow = ["W101"]\n')) == []


def test_toml_deny_a_code(tmp_path):
    assert codes(project(tmp_path, '[lint]\ndeny = ["W101"]\n')) == [("W101", "error")]


def test_toml_deny_warnings(tmp_path):
    assert codes(project(tmp_path, '[lint]\ndeny = ["warnings"]\n')) == [("W101", "error")]


def test_toml_applies_to_files_in_subfolders(tmp_path):
    (tmp_path / "sorac.toml").write_text('[lint]\nallow = ["W101"]\n', encoding="utf-8")
    (tmp_path / "shots").mkdir()
    assert codes(write(tmp_path / "shots", VAGUE)) == []


def test_empty_toml_changes_nothing(tmp_path):
    assert codes(project(tmp_path, "")) == [("W101", "warning")]


def test_toml_deny_exits_1_through_the_cli(tmp_path):
    project(tmp_path, '[lint]\ndeny = ["warnings"]\n')
    done = run_sorac("check", "film.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[W101]" in done.stdout


@pytest.mark.parametrize("toml,words", [
    ('[lint]\nallow = ["W999"]\n', "W999"),
    ('[lint]\ndeny = ["X1"]\n', "X1"),
    ('[lint]\nallow = ["E101"]\n', "E101"),
    ('[lint]\nallow = ["warnings"]\n', "warnings"),
    ('[lint]\nallow = "W101"\n', "lint.allow"),
    ('[lint]\nignore = ["W101"]\n', "lint.ignore"),
    ('lint = 3\n', "lint"),
])
def test_bad_toml_setting_is_a_one_line_usage_error(tmp_path, toml, words):
    project(tmp_path, toml)
    done = run_sorac("check", "film.shot", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("sorac: error: ") and "sorac.toml" in lines[0] and words in lines[0]
    assert "Traceback" not in done.stderr


def test_invalid_toml_is_a_usage_error(tmp_path):
    project(tmp_path, "[lint\nallow = [W101\n")
    done = run_sorac("check", "film.shot", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "sorac.toml" in lines[0] and "not valid TOML" in lines[0]
    assert "Traceback" not in done.stderr


def test_bad_toml_stops_compile_too(tmp_path):
    project(tmp_path, '[lint]\ndeny = ["W999"]\n')
    done = run_sorac("compile", "film.shot", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""


# ---- the command line ---------------------------------------------------------------------

def test_cli_warning_alone_exits_0(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("check", "film.shot", cwd=tmp_path)
    assert done.returncode == 0
    assert "warning[W101]" in done.stdout


def test_cli_allow(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("check", "--allow", "W101", "film.shot", cwd=tmp_path)
    assert done.returncode == 0
    assert "W101" not in done.stdout


def test_cli_allow_several_codes(tmp_path):
    write(tmp_path, VAGUE.replace('    style "shot on 35mm film, soft grain, warm teal-orange grade"\n', ""))
    done = run_sorac("check", "--allow", "W101,W116", "film.shot", cwd=tmp_path)
    assert done.returncode == 0
    assert "warning[" not in done.stdout
    done = run_sorac("check", "--allow", "W101", "--allow", "w116", "film.shot", cwd=tmp_path)
    assert "warning[" not in done.stdout


def test_cli_deny_a_code(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("check", "--deny", "W101", "film.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[W101]" in done.stdout and "warning[W101]" not in done.stdout
    assert "denied" in done.stdout


def test_cli_deny_another_code_leaves_the_warning(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("check", "--deny", "W102", "film.shot", cwd=tmp_path)
    assert done.returncode == 0
    assert "warning[W101]" in done.stdout


def test_cli_deny_warnings(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("check", "--deny", "warnings", "film.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[W101]" in done.stdout
    assert "1 error" in done.stderr


def test_cli_deny_warnings_short_and_json(tmp_path):
    write(tmp_path, VAGUE)
    short = run_sorac("check", "--deny", "warnings", "--format", "short", "film.shot", cwd=tmp_path)
    assert short.returncode == 1 and "error[W101]" in short.stdout
    import json

    data = json.loads(run_sorac("check", "--deny", "warnings", "--format", "json", "film.shot", cwd=tmp_path).stdout)
    assert [(d["code"], d["severity"]) for d in data if d["severity"] != "note"] == [("W101", "error")]


def test_cli_deny_warnings_does_not_touch_notes(tmp_path):
    write(tmp_path, CLEAN.format(prose="Wet asphalt, neon reflecting in puddles."))
    done = run_sorac("check", "--deny", "warnings", "film.shot", cwd=tmp_path)
    assert done.returncode == 0  # sora-2's retirement note stays a note


def test_cli_deny_warnings_stops_compile(tmp_path):
    write(tmp_path, VAGUE)
    done = run_sorac("compile", "--deny", "warnings", "film.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "error[W101]" in done.stderr


@pytest.mark.parametrize("flag,code", [("--allow", "E101"), ("--deny", "E402"), ("--allow", "W999"),
                                       ("--allow", "warnings"), ("--deny", "bogus")])
def test_cli_rejects_bad_codes(tmp_path, flag, code):
    write(tmp_path, VAGUE)
    done = run_sorac("check", flag, code, "film.shot", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("sorac: error: ")
    assert "Traceback" not in done.stderr


def test_cli_allow_overrides_toml_deny(tmp_path):
    project(tmp_path, '[lint]\ndeny = ["W101"]\n')
    done = run_sorac("check", "--allow", "W101", "film.shot", cwd=tmp_path)
    assert done.returncode == 0
    assert "W101" not in done.stdout


def test_cli_allow_overrides_toml_deny_warnings(tmp_path):
    project(tmp_path, '[lint]\ndeny = ["warnings"]\n')
    assert codes(tmp_path / "film.shot", Options(allow=frozenset({"W101"}))) == []


def test_cli_deny_overrides_toml_allow(tmp_path):
    project(tmp_path, '[lint]\nallow = ["W101"]\n')
    done = run_sorac("check", "--deny", "W101", "film.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[W101]" in done.stdout


def test_toml_allow_stands_against_cli_deny_warnings(tmp_path):
    """A code the project allows is not a warning any more, so `--deny warnings`
    has nothing to deny; denying the code itself does override."""
    project(tmp_path, '[lint]\nallow = ["W101"]\n')
    assert codes(tmp_path / "film.shot", Options(deny=frozenset({"warnings"}))) == []
    assert codes(tmp_path / "film.shot", Options(deny=frozenset({"W101"}))) == [("W101", "error")]
