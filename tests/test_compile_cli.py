"""`sorac compile` through the real command: the plan on stdout (or in `-o`),
diagnostics on stderr only, exit codes, prompts for people, and the same bytes
from every run and every working directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, png_bytes, run_sorac
from sorascript import driver

FILM = REPO / "examples" / "film" / "film.shot"

# A valid shot with warnings (no sound, no lighting) and the retired-model note.
WARNED = (
    'shot quiet:\n'
    '    model sora-2\n'
    '    size 1280x720\n'
    '    duration 4s\n'
    '    "A cat sleeps on a sunny windowsill."\n'
    '    camera:\n'
    '        framing medium\n'
    '    beats:\n'
    '        0s..2s "The cat stretches"\n'
    '        2s..4s "It curls up again"\n'
)

# Two errors: an unknown framing and a beat past the end of the clip.
BROKEN = (
    'shot bad:\n'
    '    duration 4s\n'
    '    "A dog runs."\n'
    '    camera:\n'
    '        framing medum\n'
    '    beats:\n'
    '        0s..6s "The dog runs"\n'
)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "quiet.shot"
    path.write_text(WARNED, encoding="utf-8")
    return path


def test_plan_goes_to_stdout_and_diagnostics_to_stderr(warned: Path):
    done = run_sorac("compile", str(warned))
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)  # stdout is the plan and nothing else
    assert [j["name"] for j in plan["jobs"]] == ["quiet"]
    assert plan["source"] == "quiet.shot"
    # the warnings and the note are on stderr, rendered for people, and also recorded in the plan
    assert "warning[" in done.stderr and "note[N001]" in done.stderr
    assert "warning[" not in done.stdout and "note[" not in done.stdout
    codes = {d["code"] for d in plan["diagnostics"]}
    assert "N001" in codes and any(c.startswith("W") for c in codes)
    assert done.stdout.endswith("}\n")


def test_stdout_is_exactly_the_library_plan(warned: Path):
    done = run_sorac("compile", str(warned), cwd=warned.parent)
    result = driver.compile(warned)
    assert done.stdout == driver.plan_json(result.plan)


@pytest.mark.parametrize("value", [
    {"jobs": [{"name": "a", "request": {"seconds": "4", "fps": 16, "guidance": 5.5}}], "empty": [], "none": {}},
    ["é — “quoted” \\ \"", "\x1f\x7f\u2028", True, None, 0, -3, 1.25],
    {"seed": 2 ** 70, "nested": [[2 ** 70]]},  # past 64 bits: the standard library writes it
])
def test_the_plan_layout_is_the_standard_librarys(value):
    """orjson writes the plan; the bytes are those of `json.dumps(indent=2, ensure_ascii=False)`."""
    assert driver.json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)
    if isinstance(value, dict):
        assert driver.plan_json(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_a_clean_program_writes_nothing_on_stderr(tmp_path: Path):
    path = tmp_path / "clean.shot"
    path.write_text(WARNED, encoding="utf-8")
    done = run_sorac("compile", str(path), "--allow", "N001,W109,W111,W116")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert done.stderr == "", done.stderr
    assert plan["diagnostics"] == []


@pytest.mark.parametrize("flag", ["-o", "--output"])
def test_output_file_gets_the_plan_and_stdout_stays_empty(warned: Path, tmp_path: Path, flag: str):
    out = tmp_path / "plan.json"
    done = run_sorac("compile", str(warned), flag, str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert out.read_text(encoding="utf-8") == run_sorac("compile", str(warned)).stdout
    assert f"wrote {out}" in done.stderr
    assert list(tmp_path.glob("*.tmp")) == []  # written atomically, nothing left behind


def test_output_file_is_replaced(warned: Path, tmp_path: Path):
    out = tmp_path / "plan.json"
    out.write_text("old contents", encoding="utf-8")
    done = run_sorac("compile", str(warned), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["jobs"][0]["name"] == "quiet"


def test_output_into_a_missing_folder_is_a_one_line_error(warned: Path, tmp_path: Path):
    done = run_sorac("compile", str(warned), "-o", str(tmp_path / "no" / "such" / "plan.json"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("sorac: error:")]
    assert len(errors) == 1 and "cannot write" in errors[0]


def test_format_prompt_prints_the_prompts(tmp_path: Path):
    done = run_sorac("compile", str(FILM), "--format", "prompt")
    assert done.returncode == 0, done.stderr
    plan = driver.compile(FILM).plan
    assert done.stdout.startswith("=== arrival (create, sora-2, 1280x720, 8s, $0.80) ===\n")
    for job in plan["jobs"]:
        assert f"=== {job['name']} (" in done.stdout
        assert job["request"]["prompt"] in done.stdout
    assert "=== handover (create, sora-2-pro, 1280x720, 8s, 2 takes, $4.80) ===" in done.stdout
    assert "=== departure_fog (remix, 8s" not in done.stdout  # a remix request has no seconds
    assert "=== departure_fog (remix, $0.80, after departure) ===" in done.stdout
    assert "=== departure_end (extend, 4s, $0.40, after departure) ===" in done.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(done.stdout)
    assert done.stdout == driver.prompts_text(plan)


def test_format_json_is_the_default(warned: Path):
    assert run_sorac("compile", str(warned), "--format", "json").stdout == run_sorac("compile", str(warned)).stdout


def test_format_prompt_with_output_file(warned: Path, tmp_path: Path):
    out = tmp_path / "prompts.txt"
    done = run_sorac("compile", str(warned), "-f", "prompt", "-o", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("=== quiet (create, sora-2, 1280x720, 4s, $0.40) ===\n")


def test_errors_exit_1_with_diagnostics_on_stderr_only(tmp_path: Path):
    path = tmp_path / "bad.shot"
    path.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "plan.json"
    for extra in ([], ["-o", str(out)], ["--format", "prompt"]):
        done = run_sorac("compile", str(path), *extra)
        assert done.returncode == 1, done.stderr
        assert done.stdout == ""
        assert "error[E" in done.stderr
        assert "medum" in done.stderr and "medium" in done.stderr  # the nearest match
        assert "2 errors" in done.stderr and "no plan written" in done.stderr
        assert "Traceback" not in done.stderr
    assert not out.exists()


def test_deny_warnings_turns_a_warned_program_into_errors(warned: Path, tmp_path: Path):
    out = tmp_path / "plan.json"
    done = run_sorac("compile", str(warned), "--deny", "warnings", "-o", str(out))
    assert done.returncode == 1
    assert done.stdout == "" and not out.exists()
    assert "error[W" in done.stderr


@pytest.mark.parametrize("case", ["missing", "directory"])
def test_unreadable_file_exits_2_with_one_line(tmp_path: Path, case: str):
    target = tmp_path / "nothing.shot"
    if case == "directory":
        target.mkdir()
    done = run_sorac("compile", str(target))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("sorac: error: ") and "nothing.shot" in lines[0]
    assert ("no such file" if case == "missing" else "directory") in lines[0]


def test_usage_errors_exit_2(warned: Path):
    assert run_sorac("compile").returncode == 2
    done = run_sorac("compile", str(warned), "--format", "xml")
    assert done.returncode == 2 and done.stdout == ""


def test_help():
    done = run_sorac("compile", "--help")
    assert done.returncode == 0
    for word in ("--output", "-o", "--format", "json", "prompt", "stdout", "stderr"):
        assert word in done.stdout
    assert "compile" in run_sorac("--help").stdout


# ---- same source, same bytes ------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project (sorac.toml at its root) with the compiled file one folder down,
    an import, a reference image and a warning."""
    root = tmp_path / "film"
    (root / "scenes").mkdir(parents=True)
    (root / "frames").mkdir()
    (root / "sorac.toml").write_text("", encoding="utf-8")
    (root / "frames" / "pier.png").write_bytes(png_bytes(1280, 720))
    (root / "cast.shot").write_text('character ines:\n    "woman in her 60s, short grey hair"\n', encoding="utf-8")
    (root / "scenes" / "pier.shot").write_text(
        'import "../cast.shot"\n'
        '\n'
        'shot pier:\n'
        '    size 1280x720\n'
        '    "Ines on the pier at dusk."\n'
        '    reference "../frames/pier.png"\n'
        '    dialogue:\n'
        '        ines: "Keep it wound."\n'
        'shot after_pier:\n'
        '    reference last frame of pier\n'
        '    "The pier, empty."\n',
        encoding="utf-8",
    )
    return root


def test_same_bytes_on_every_run(project: Path):
    runs = [run_sorac("compile", "scenes/pier.shot", cwd=project) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


def test_same_bytes_from_any_working_directory(project: Path, tmp_path: Path):
    """Every path in the plan is relative to the project root, whichever folder
    sorac runs in and however the file is named on the command line."""
    file = project / "scenes" / "pier.shot"
    outputs = {
        "root": run_sorac("compile", "scenes/pier.shot", cwd=project),
        "folder": run_sorac("compile", "pier.shot", cwd=project / "scenes"),
        "outside": run_sorac("compile", str(file), cwd=tmp_path),
        "outside-relative": run_sorac("compile", "film/scenes/../scenes/pier.shot", cwd=tmp_path),
        "elsewhere": run_sorac("compile", str(file), cwd=REPO),
    }
    for name, done in outputs.items():
        assert done.returncode == 0, (name, done.stderr)
    texts = {name: done.stdout for name, done in outputs.items()}
    assert len(set(texts.values())) == 1, texts
    plan = json.loads(texts["root"])
    assert plan["source"] == "scenes/pier.shot"
    jobs = {j["name"]: j for j in plan["jobs"]}
    assert jobs["pier"]["input_reference"] == "frames/pier.png"
    assert jobs["after_pier"]["input_reference"] == {"last_frame_of": "pier"}
    assert jobs["pier"]["span"]["file"] == "scenes/pier.shot"
    assert all(not d["file"].startswith("/") for d in plan["diagnostics"])
    assert str(tmp_path) not in texts["root"]


def test_output_file_bytes_match_stdout_from_another_folder(project: Path, tmp_path: Path):
    out = tmp_path / "plan.json"
    assert run_sorac("compile", "pier.shot", "-o", str(out), cwd=project / "scenes").returncode == 0
    assert out.read_bytes().decode("utf-8") == run_sorac("compile", "scenes/pier.shot", cwd=project).stdout
