"""Never pay twice, for real: `sorac render` killed with SIGKILL at random moments, then run again.

Against one `sorac serve --state FILE` subprocess, which keeps every video it
made in its state file. Each version of a small film is rendered by runs
killed at random points (before, during and after submissions, while
polling, downloading or stitching) and then one run left to finish. In the
end every job is done and the server made each video exactly once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter

from rendertools import LINT, MODEL, Served, made, sorac

MIN_KILLS = 30
JOBS = ("a", "b", "c", "a_night")


def film(version: int) -> str:
    return MODEL + "".join(
        f'\nshot {name}:\n    "Version {version}: the {colour} door."\n' for name, colour in
        (("a", "red"), ("b", "blue"), ("c", "green"))
    ) + f'\nremix a_night of a:\n    "Version {version}: make it night."\n' + "\nsequence reel:\n    a crossfade 0.5s\n    b\n    c\n"


def test_kill_9_at_random_points_then_rerun_every_job_done_none_submitted_twice(tmp_path):
    chance = random.Random(20261201)
    (tmp_path / "sorac.toml").write_text(LINT, encoding="utf-8")
    path = tmp_path / "reel.shot"
    state = tmp_path / "serve" / "state.sqlite"
    killed, finished, versions, seconds = 0, 0, 0, []
    with Served("--latency", "0.3", "--state", str(state)) as server:
        command = [sys.executable, "-m", "sorascript", "render", str(path), "--server", server.base_url, "--yes",
                   "--concurrency", "4"]

        def run(kill_after: float | None) -> bool:
            """One run, killed after `kill_after` seconds unless it ends first; whether it was killed."""
            started = time.monotonic()
            proc = subprocess.Popen(command, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            try:
                proc.communicate(timeout=kill_after)
                assert proc.returncode == 0, proc.stderr
                return False
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.communicate()
                return True
            finally:
                seconds.append(time.monotonic() - started)

        path.write_text(film(-1), encoding="utf-8")
        run(None)
        whole = seconds[-1]  # one uninterrupted run: kills land anywhere from start-up to stitching
        while killed < MIN_KILLS:
            path.write_text(film(versions), encoding="utf-8")
            while run(chance.uniform(0.2, whole)):  # killed again and again, until a run gets to its end
                killed += 1
            finished += 1
            out = tmp_path / "renders" / "reel"
            assert all((out / f"{job}.mp4").is_file() for job in JOBS) and (out / "reel.mp4").is_file()
            assert len([p for _, p in made(state) if f"Version {versions}:" in p]) == len(JOBS)
            versions += 1
        again = sorac("render", str(path), "--server", server.base_url, "--yes", cwd=tmp_path)
        assert again.returncode == 0 and "0 submitted in this run" in again.stderr, again.stderr
        everything = made(state)
    prompts = Counter(prompt for _, prompt in everything)
    assert all(n == 1 for n in prompts.values()), [p for p, n in prompts.items() if n > 1]
    assert len(everything) == (versions + 1) * len(JOBS)
    print(f"kill -9 loop: {killed} runs killed at random points over {versions} versions "
          f"({len(seconds)} runs, {sum(seconds):.1f}s; one whole run {whole:.1f}s); "
          f"{len(everything)} videos made for {(versions + 1) * len(JOBS)} jobs, 0 made twice")
