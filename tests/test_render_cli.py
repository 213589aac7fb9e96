"""`sorac render`, `sorac assemble` and `sorac export` as a user runs them (no terminal: tests run without one)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from conftest import REPO
from rendertools import MODEL, REEL, Served, project, sorac
from sorascript.render.media import frame_pixels, probe

SECRET = "sk-test-SECRET-123"


def test_the_film_renders_offline_on_the_built_in_server(tmp_path):
    film = tmp_path / "film"
    shutil.copytree(REPO / "examples" / "film", film)
    done = sorac("render", "film.shot", "--yes", cwd=film)
    assert done.returncode == 0, done.stderr
    lines = [l for l in done.stderr.splitlines() if "no server configured" in l]
    assert len(lines) == 1 and "rendering animatics on the built-in server at http://127.0.0.1:" in lines[0]
    out = film / "renders" / "film"
    expected = {"arrival": 8, "handover": 8, "handover.take2": 8, "handover.rain": 8, "handover.rain.take2": 8,
                "reaction": 4, "departure": 8, "departure_fog": 8, "departure_end": 12}
    for name, seconds in expected.items():
        info = probe(out / f"{name}.mp4")
        assert (info.width, info.height, info.duration_s) == (1280, 720, seconds), name
    record = json.loads((out / "render.json").read_text())
    assert sorted(c["name"] for c in record["clips"]) == sorted(expected)
    sequence = probe(out / "last_ferry.mp4")
    assert abs(sequence.duration_s - 27.5) <= 1 / sequence.fps  # the plan's runtime_s
    assert (out / "last_ferry.seams.png").is_file()
    # the crossfade from arrival into handover (7.5-8.0s) is visible: its middle is neither shot alone
    from media_helpers import difference

    middle = frame_pixels(out / "last_ferry.mp4", 7.75)
    assert difference(middle, frame_pixels(out / "arrival.mp4", 7.75)) > 1
    assert difference(middle, frame_pixels(out / "handover.mp4", 0.25)) > 1
    again = sorac("render", "film.shot", "--yes", cwd=film)
    assert again.returncode == 0 and "9 of 9 jobs done, 0 submitted in this run" in again.stderr, again.stderr


def test_without_a_terminal_it_refuses_to_spend_unless_told(tmp_path):
    project(tmp_path)
    refused = sorac("render", "reel.shot", cwd=tmp_path)
    assert refused.returncode == 2
    assert "no terminal to ask: pass --yes" in refused.stderr and "--budget" in refused.stderr
    assert "known cost $0.12" in refused.stderr  # 5 jobs of 2s at $0.01/s, the extension 4s
    assert not (tmp_path / ".sorac").exists() and not (tmp_path / "renders").exists()
    over = sorac("render", "reel.shot", "--budget", "$0.10", cwd=tmp_path)
    assert over.returncode == 2 and "the known total $0.12 is over --budget $0.10" in over.stderr
    within = sorac("render", "reel.shot", "--budget", "$0.12", "--only", "green", cwd=tmp_path)
    assert within.returncode == 0, within.stderr
    assert (tmp_path / "renders" / "reel" / "green.mp4").is_file()


def test_dry_run_shows_the_requests_and_sends_nothing(tmp_path):
    project(tmp_path)
    done = sorac("render", "reel.shot", "--dry-run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    requests = [json.loads(block) for block in done.stdout.replace("}\n{", "}\n\0{").split("\0")]
    assert [r["job"] for r in requests] == ["red", "blue", "green", "red_night", "blue_more"]
    assert requests[0]["call"] == "POST /videos" and requests[0]["body"]["size"] == "160x90"
    assert requests[1]["files"]["input_reference"].startswith("(the last frame of red")
    assert requests[3]["call"] == "POST /videos/{id of red}/remix"
    assert "dry run: nothing sent" in done.stderr and "no server configured" not in done.stderr
    assert not (tmp_path / ".sorac").exists() and not (tmp_path / "renders").exists()


def test_openais_endpoint_with_a_retired_model_is_refused_before_anything_is_sent(tmp_path):
    project(tmp_path, REEL.replace('    max-characters 2\n', '    max-characters 2\n    retired "2026-09-24"\n'))
    done = sorac("render", "reel.shot", "--server", "https://api.openai.com/v1", "--yes", cwd=tmp_path)
    assert done.returncode == 2
    assert "retired on 2026-09-24" in done.stderr and "SGLang Diffusion" in done.stderr and "vLLM-Omni" in done.stderr
    assert not (tmp_path / ".sorac").exists()


def test_a_server_nobody_runs_is_said_at_once_and_nothing_is_sent(tmp_path):
    project(tmp_path)
    url = closed_port()
    done = sorac("render", "reel.shot", "--server", url, "--yes", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"no server answers at {url} (connection refused)" in done.stderr
    assert "nothing was sent" in done.stderr and "internal error" not in done.stderr


TWO_SIZES = MODEL + '\nshot wide:\n    "A field."\n\nshot tall:\n    "A tower."\n    size 90x160\n' \
                    '\nsequence both:\n    wide\n    tall\n'


def test_a_sequence_of_two_sizes_is_an_error_naming_both_shots_before_anything_is_sent(tmp_path):
    project(tmp_path, TWO_SIZES)
    done = sorac("render", "reel.shot", "--yes", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[E511]: sequence `both` mixes formats: `wide` is 160x90, `tall` 90x160" in done.stderr
    assert "conform 160x90" in done.stderr and "nothing rendered" in done.stderr
    assert not (tmp_path / ".sorac").exists()


def test_conform_brings_a_sequence_of_two_sizes_to_one_format(tmp_path):
    project(tmp_path, TWO_SIZES + "    conform 160x90 12fps\n")
    done = sorac("render", "reel.shot", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "renders" / "reel"
    assert (probe(out / "tall.mp4").width, probe(out / "tall.mp4").height) == (90, 160)
    both = probe(out / "both.mp4")
    assert (both.width, both.height, both.fps) == (160, 90, 12)
    assert abs(both.duration_s - 4) <= 1 / both.fps
    # the tall shot is scaled to fit and padded: the frame's left and right edges are black
    frame = frame_pixels(out / "both.mp4", 3.0)
    assert max(frame.getpixel((1, 45))) < 24 and max(frame.getpixel((158, 45))) < 24
    assert max(frame.getpixel((80, 45))) > 24  # the clip itself, in the middle


def test_usage_errors(tmp_path):
    project(tmp_path)
    unknown = sorac("render", "reel.shot", "--only", "purple", "--yes", cwd=tmp_path)
    assert unknown.returncode == 2 and "--only purple: no job or sequence of that name" in unknown.stderr
    bad = sorac("render", "reel.shot", "--budget", "lots", cwd=tmp_path)
    assert bad.returncode == 2 and "--budget takes an amount" in bad.stderr
    outside = sorac("render", "reel.shot", "--out", "../elsewhere", "--yes", cwd=tmp_path)
    assert outside.returncode == 2 and "outside the project folder" in outside.stderr


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def test_assemble_restitches_from_what_is_rendered_without_a_server(tmp_path):
    project(tmp_path)
    assert sorac("render", "reel.shot", "--yes", "--only", "reel", cwd=tmp_path).returncode == 0
    out = tmp_path / "renders" / "reel"
    (out / "reel.mp4").unlink()
    (out / "reel.seams.png").unlink()
    done = sorac("assemble", "reel.shot", cwd=tmp_path, env={"OPENAI_BASE_URL": closed_port()})
    assert done.returncode == 0, done.stderr
    assert abs(probe(out / "reel.mp4").duration_s - 5.5) < 0.05 and (out / "reel.seams.png").is_file()
    (out / "blue.mp4").unlink()
    missing = sorac("assemble", "reel.shot", cwd=tmp_path)
    assert missing.returncode == 1 and "not rendered yet: blue" in missing.stderr
    a_job = sorac("assemble", "reel.shot", "--only", "red", cwd=tmp_path)
    assert a_job.returncode == 2 and "--only red: not a sequence of this file (its sequences are reel)" in a_job.stderr


def test_export_writes_a_timeline_with_rendered_clips_and_gaps(tmp_path):
    import opentimelineio as otio

    project(tmp_path)
    assert sorac("render", "reel.shot", "--yes", "--only", "red", cwd=tmp_path).returncode == 0
    done = sorac("export", "reel.shot", "--otio", "reel.otio", "--fcpxml", "reel.xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    timeline = otio.adapters.read_from_file(str(tmp_path / "reel.otio"))
    track = timeline.tracks[0]
    items = {item.name: item for item in track if isinstance(item, (otio.schema.Clip, otio.schema.Gap))}
    assert isinstance(items["red"], otio.schema.Clip) and isinstance(items["blue"], otio.schema.Gap)
    assert items["red"].media_reference.target_url == (tmp_path / "renders" / "reel" / "red.mp4").resolve().as_uri()
    assert abs(track.duration().to_seconds() - 5.5) < 1e-6  # the plan's runtime_s
    assert (tmp_path / "reel.xml").read_text().lstrip().startswith("<?xml")
    nothing = sorac("export", "reel.shot", cwd=tmp_path)
    assert nothing.returncode == 2 and "--otio" in nothing.stderr


def test_the_api_key_is_never_written_anywhere(tmp_path):
    text = REEL + '\nshot doomed:\n    "A door the server refuses."\n'
    project(tmp_path, text)
    env = {"OPENAI_API_KEY": SECRET}
    runs = [sorac("render", "reel.shot", "--dry-run", cwd=tmp_path, env=env),
            sorac("render", "reel.shot", "--yes", cwd=tmp_path, env=env),
            sorac("assemble", "reel.shot", cwd=tmp_path, env=env),
            sorac("export", "reel.shot", "--otio", "reel.otio", cwd=tmp_path, env=env)]
    assert runs[1].returncode == 0, runs[1].stderr
    # a server that fails the job, so that error messages are written too, and one nobody runs
    with Served("--latency", "0.2", "--fail-prompt", "the server refuses") as failing:
        refusing = sorac("render", "reel.shot", "--yes", "--server", failing.base_url, "--only", "doomed",
                         cwd=tmp_path, env=env)
    assert refusing.returncode == 1 and "FAILED" in refusing.stderr
    nobody = sorac("render", "reel.shot", "--yes", "--server", closed_port(), "--only", "doomed", cwd=tmp_path, env=env)
    assert nobody.returncode == 2 and "no server answers" in nobody.stderr
    runs += [refusing, nobody]
    for run in runs:
        assert SECRET not in run.stdout and SECRET not in run.stderr
    written = [p for folder in (tmp_path / ".sorac", tmp_path / "renders") for p in folder.rglob("*") if p.is_file()]
    written += [tmp_path / "reel.otio"]
    assert len(written) > 20
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path


def test_sorac_check_imports_none_of_the_renderer():
    import subprocess
    import sys

    check = subprocess.run([sys.executable, "-X", "importtime", "-m", "sorascript", "check",
                            str(REPO / "examples" / "kickflip.shot")], capture_output=True, text=True)
    imported = {line.split("|")[-1].strip() for line in check.stderr.splitlines() if "|" in line}
    heavy = {name for name in imported if name.split(".")[0] in ("openai", "httpx2", "rich", "sqlite3", "PIL")
             or name.startswith("sorascript.render")}
    assert not heavy, sorted(heavy)
