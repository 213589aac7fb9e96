"""`sorac serve` as a user runs it: one line with the URL, serving until Ctrl-C, one-line errors."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import openai
import pytest

from conftest import REPO, run_sorac
from servetools import client
from videoserver import SORA_DEPRECATION_FILTER

pytestmark = pytest.mark.filterwarnings(SORA_DEPRECATION_FILTER)


class Served:
    """`sorac serve ARGS` in a subprocess; `base_url` from the line it prints."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "sorascript", "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "NO_COLOR": "1"})
        self.line = self.proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", self.line)
        if not found:
            self.proc.kill()
            raise AssertionError(f"no URL in {self.line!r}; stderr: {self.proc.communicate()[1]!r}")
        self.base_url = found.group(1)

    def interrupt(self) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=20)
        return self.proc.returncode, self.line + out, err

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def finish(sdk, video_id: str):
    deadline = time.monotonic() + 20
    while (video := sdk.videos.retrieve(video_id)).status not in ("completed", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return video


def test_serve_prints_one_line_serves_and_stops_on_ctrl_c():
    with Served("--latency", "0.2") as served:
        assert served.line.startswith("sorac serve: animatics at http://127.0.0.1:")
        assert "latency 0.2s" in served.line and "temporary state" in served.line
        with client(served) as sdk:
            video = sdk.videos.create(prompt="from the command line", size="128x96", seconds="1")
            assert finish(sdk, video.id).status == "completed"
        code, out, err = served.interrupt()
    assert code == 0 and out.count("\n") == 1 and err == ""


def test_serve_stops_on_sigterm_too():
    with Served() as served:
        served.proc.send_signal(signal.SIGTERM)
        served.proc.communicate(timeout=20)
        assert served.proc.returncode == 0


def test_faults_and_fail_rate_from_the_command_line():
    with Served("--latency", "0", "--fault", "429:seconds=0.1", "--fail-rate", "1") as served:
        with client(served) as sdk:
            with pytest.raises(openai.RateLimitError):
                sdk.videos.create(prompt="too soon", size="128x96", seconds="1")
            video = sdk.videos.create(prompt="now", size="128x96", seconds="1")
            assert finish(sdk, video.id).error.code == "animatic_failed"
        assert served.interrupt()[0] == 0


def test_a_state_file_keeps_jobs_across_runs(tmp_path):
    state = tmp_path / "jobs.sqlite"
    with Served("--latency", "0", "--state", str(state)) as served:
        assert f"state {state}" in served.line
        with client(served) as sdk:
            video = finish(sdk, sdk.videos.create(prompt="kept", size="128x96", seconds="1").id)
        assert served.interrupt()[0] == 0
    assert state.is_file() and (tmp_path / "jobs.sqlite.media").is_dir()
    with Served("--state", str(state)) as served:
        with client(served) as sdk:
            assert sdk.videos.retrieve(video.id).status == "completed"
            assert sdk.videos.download_content(video.id).read()[4:8] == b"ftyp"
        assert served.interrupt()[0] == 0


@pytest.mark.parametrize("args, words", [
    (["--latency", "soon"], "--latency takes a number, not 'soon'"),
    (["--latency", "-1"], "the latency must be between 0 and 3600 seconds"),
    (["--fail-rate", "2"], "the fail rate must be between 0 and 1"),
    (["--port", "70000"], "the port must be a number from 0 to 65535"),
    (["--port", "http"], "--port takes a whole number"),
    (["--seed", "1.5"], "--seed takes a whole number"),
    (["--workers", "0"], "workers must be between 1 and 64"),
    (["--fault", "418"], "unknown fault kind '418'"),
    (["--fault", "429:count=0"], "count must be a whole number >= 1"),
    (["--fault", "slow:routes=videos"], "unknown route 'videos'"),
    (["--host", "no-such-host.invalid"], "cannot listen on no-such-host.invalid"),
])
def test_bad_options_are_one_line_and_exit_2(args, words):
    result = run_sorac("serve", *args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("sorac: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


def test_a_state_file_that_is_not_one(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    result = run_sorac("serve", "--port", "0", "--state", str(notes))
    assert result.returncode == 2 and "cannot use the state file" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_port_in_use(tmp_path):
    with Served() as served:
        port = served.base_url.split(":")[2].split("/")[0]
        result = run_sorac("serve", "--port", port)
        assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
        served.interrupt()


def test_help_documents_the_options_and_the_fault_syntax():
    from sorascript.serve import FAULT_KINDS, ROUTES

    text = " ".join(run_sorac("serve", "--help", env={"COLUMNS": "400"}).stdout.split())
    for words in (*ROUTES, *FAULT_KINDS, "--host", "--port", "--latency", "--fail-rate", "--seed", "--state", "--fault", "--fail-prompt",
                  "--workers", "429", "lost", "count=N", "routes=", "seconds=S"):
        assert words in text, words


def test_the_default_port_is_spelt_once():
    from sorascript import cli, serve

    assert cli.SERVE_DEFAULT_PORT == serve.DEFAULT_PORT


def test_the_compiler_never_imports_the_server():
    code = ("import sys, sorascript, sorascript.cli, sorascript.serve; "
            "from sorascript.serve import ServerOptions, Fault; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'PIL', 'multipart', 'imageio_ffmpeg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    check = subprocess.run([sys.executable, "-X", "importtime", "-m", "sorascript", "check",
                            str(REPO / "examples" / "kickflip.shot")], capture_output=True, text=True)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in check.stderr.splitlines() if "|" in line}
    assert not imported & {"starlette", "uvicorn", "PIL", "multipart", "imageio_ffmpeg", "anyio"}
