"""Benchmark: the built-in animatic server under a burst of jobs, as `sorac render` drives it.

    python bench/render_bench.py [--jobs 20] [--concurrency 20] [--latency 2] [--size 480x832] [--seconds 4]

Starts `sorac serve --port 0 --latency 2` as a subprocess, then through the
`openai` SDK (one thread per job in flight): one job alone (create, poll,
download), then 20 distinct jobs at concurrency 20. Reports one job's latency,
the 20 jobs' total and their ratio; the target is <= 1.5. Then renders single
clips in-process and reports their render times (480x832 4 s, 1280x720 8 s,
1920x1080 8 s). Exit 1 if the target is missed.

The default size is 480x832, Wan 2.1 1.3B's: the model a single machine runs.
Rendering is CPU-bound (x264 and drawing), so the burst's total is about its
CPU time over the machine's cores: on 2 cores, 20 clips of 720x1280 take
about twice the CPU of 480x832 and do not fit in 1.5x the latency. The report
says how much CPU other processes took meanwhile, which a shared machine
needs to read the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TARGET_RATIO = 1.5

PROMPT = """Take {n}: a watchmaker's bench at dusk; Ines holds a pocket watch up to the lamp.

Cinematography:
Camera shot: medium close-up
Camera movement: push in from medium close-up to close-up over 3 seconds (0-3s)
Palette: amber (lamp light), teal (the shop's walls), gold (the watch)

Actions:
- 0-2s: Ines takes the watch out of its box ({n})
- 2-4s: She winds it and listens

Dialogue:
[Ines, softly]: "Keep it wound, take {n}."

Sound:
- Sound effect at 1s: the watch chain rattling
"""


def start_server(latency: float, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "sorascript", "serve", "--port", "0", "--latency", str(latency), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    found = re.search(r"(http://\S+/v1)", line)
    if not found:
        proc.kill()
        raise SystemExit(f"sorac serve did not start: {line!r} {proc.stderr.read()!r}")
    return proc, found.group(1)


def _busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy (Linux), to tell how much of a run others took."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_seconds(pid: int) -> float | None:
    """CPU seconds of this process and of the server process with its children (ffmpeg)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    server = sum(int(v) for v in stat[11:15]) / os.sysconf("SC_CLK_TCK")
    me = resource.getrusage(resource.RUSAGE_SELF)
    return server + me.ru_utime + me.ru_stime


def one_job(client, n: int, size: str, seconds: str) -> float:
    """create -> poll -> download; the seconds it took."""
    started = time.perf_counter()
    video = client.videos.create(prompt=PROMPT.format(n=n), size=size, seconds=seconds, model="sora-2")
    video = client.videos.poll(video.id)
    if video.status != "completed":
        raise RuntimeError(f"job {n} ended {video.status}: {video.error}")
    data = client.videos.download_content(video.id).read()
    if data[4:8] != b"ftyp":
        raise RuntimeError(f"job {n}: the download is not an MP4")
    return time.perf_counter() - started


def renderer_run(base_url: str, jobs: list[int], size: str, seconds: str, concurrency: int) -> float:
    """The same jobs through `sorac render`'s renderer (journal, cache, probing, finished clips); seconds."""
    from sorascript.lower.plan_model import Plan
    from sorascript.render.session import Session

    plan = Plan.from_dict({"source": "bench.shot", "sequences": [], "total_cost_usd": None, "jobs": [
        {"name": f"take{n}", "kind": "create", "after": [], "input_reference": None, "cost_usd": None,
         "request": {"model": "sora-2", "size": size, "seconds": seconds, "prompt": PROMPT.format(n=n)}}
        for n in jobs]})
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(plan, Path(tmp), server_key=base_url)
        started = time.perf_counter()
        summary = session.run(base_url, concurrency=concurrency)
        took = time.perf_counter() - started
    failed = [o.reason for o in summary.outcomes.values() if o.status != "done"]
    if failed:
        raise RuntimeError(f"the renderer failed jobs: {failed[:3]}")
    return took


def render_times(runs: int = 3) -> list[tuple[str, float, float]]:
    """(clip, median seconds, frames a second) for single in-process renders."""
    from sorascript.serve import media
    from sorascript.serve.draw import Clip, Painter
    from sorascript.serve.script import from_prompt

    script = from_prompt(PROMPT.format(n=0))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for width, height, seconds in ((480, 832, 4), (1280, 720, 8), (1920, 1080, 8)):
            times = []
            for _ in range(runs):
                clip = Clip(width, height, 24, seconds * 24, script)
                started = time.perf_counter()
                painter = Painter(clip)
                media.encode(painter, Path(tmp) / "clip.mp4", media.Processes())
                media.stills(painter, Path(tmp) / "thumb.jpg", Path(tmp) / "sprite.jpg")
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            results.append((f"{width}x{height} {seconds}s", median, seconds * 24 / median))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--size", default="480x832")
    parser.add_argument("--seconds", default="4")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="The Sora API is scheduled to permanently shut down", category=DeprecationWarning)
    from openai import OpenAI

    proc, base_url = start_server(args.latency)
    try:
        client = OpenAI(base_url=base_url, api_key="unused", max_retries=0)
        one_job(client, 10_000, args.size, args.seconds)  # warm-up: first imports, ffmpeg in the page cache
        single = one_job(client, 10_001, args.size, args.seconds)
        busy, own = _busy_seconds(), _own_seconds(proc.pid)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            each = list(pool.map(lambda n: one_job(client, n, args.size, args.seconds), range(args.jobs)))
        total = time.perf_counter() - started
        busy_after, own_after = _busy_seconds(), _own_seconds(proc.pid)
        renderer_single = renderer_run(base_url, [20_001], args.size, args.seconds, 1)
        renderer_total = renderer_run(base_url, list(range(20_100, 20_100 + args.jobs)), args.size, args.seconds,
                                      args.concurrency)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ratio = total / single
    renderer_ratio = renderer_total / renderer_single
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"server: sorac serve --latency {args.latency:g}; jobs of {args.size}, {args.seconds} s")
    print(f"one job (create, poll, download):  {single:.2f} s")
    print(f"{args.jobs} jobs at concurrency {args.concurrency}:     {total:.2f} s "
          f"(each {min(each):.2f}-{max(each):.2f} s)")
    print(f"ratio: {ratio:.2f} (target <= {TARGET_RATIO}) {verdict}")
    print(f"through the renderer (journal, probe, cache, finished clip): one job {renderer_single:.2f} s, "
          f"{args.jobs} jobs {renderer_total:.2f} s, ratio {renderer_ratio:.2f} "
          f"{'ok' if renderer_ratio <= TARGET_RATIO else 'MISSED'}")
    if None not in (busy, own, busy_after, own_after):
        mine = own_after - own
        print(f"CPU during the {args.jobs} jobs: {mine:.1f} s by the server, its ffmpegs and this client; "
              f"{max(0.0, busy_after - busy - mine):.1f} s by other processes; {os.cpu_count()} CPUs")
    print("render time of one clip (in-process, median of 3):")
    for name, seconds, fps in render_times():
        print(f"  {name:<16} {seconds:.3f} s  ({fps:.0f} frames/s)")
    return 0 if ratio <= TARGET_RATIO and renderer_ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
