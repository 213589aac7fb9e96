"""Helpers for the renderer's tests: small projects, rendering them in-process, counting what a server made."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from sorascript import driver
from sorascript.lower.plan_model import Plan
from sorascript.render.session import Session

LINT = '[lint]\nallow = ["W109", "W110", "W111", "W116"]\n'

MODEL = """model tiny:
    api-model "tiny-test"
    price $0.01/s
    audio yes
    reference yes
    max-characters 2

defaults:
    model tiny
    size 160x90
    duration 2s
"""

PALETTES = """
palette reds:
    brick #c0392b "the door"
    rose #e8a0a0 "the wall"
    wine #5a1010 "the shadows"

palette blues:
    navy #1f3a93 "the door"
    sky #a0c8e8 "the wall"
    ink #0a1030 "the shadows"
"""

# red, blue (its first frame red's last), red_night (a remix), blue_more (an extension), green (a loop)
REEL = MODEL + PALETTES + """
shot red:
    "A red door in a white wall."
    palette reds
    overlay "Chapter one" bottom 0.5s..1.5s

shot blue:
    "A blue door in a white wall."
    palette blues
    reference last frame of red

shot green:
    "A green door in a white wall."
    loop short

remix red_night of red:
    "Make it night."

extend blue_more of blue by 4s:
    "The door opens."

sequence reel:
    red crossfade 0.5s
    blue fade 1s
    red_night
"""
REEL_TASKS = ["red", "blue", "green", "red_night", "blue_more"]


def project(tmp_path: Path, text: str = REEL, name: str = "reel.shot", toml: str = LINT) -> Path:
    (tmp_path / "sorac.toml").write_text(toml, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def plan_of(path: Path) -> Plan:
    result = driver.compile(path)
    assert result.plan is not None, [(d.code, d.message) for d in result.diagnostics if d.severity == "error"]
    return Plan.from_dict(result.plan)


def render(path: Path, base_url: str, *, only=None, concurrency: int = 4, timeout_s: float = 60.0, animatic=True,
           events: list | None = None):
    """Render a file's plan in-process (as `sorac render` does, without asking); the Session and its Summary."""
    plan = plan_of(path)
    session = Session(plan, path.parent, server_key=base_url, only=only, animatic=animatic)
    summary = session.run(base_url, events.append if events is not None else None, concurrency=concurrency,
                          timeout_s=timeout_s)
    return session, summary


def made(state_file: Path) -> list[tuple[str, str]]:
    """(kind, prompt) of every video a `sorac serve --state FILE` made, read from its state file."""
    with sqlite3.connect(f"file:{state_file}?mode=ro", uri=True) as db:
        return [(kind, prompt) for kind, prompt in db.execute("SELECT kind, prompt FROM videos ORDER BY seq")]


def sorac(*args: str, cwd: Path, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """`sorac ARGS` as a user runs it: no terminal, no server in the environment unless given."""
    full = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
    full.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "sorascript", *args], cwd=cwd, capture_output=True, text=True,
                          env=full, timeout=timeout, stdin=subprocess.DEVNULL)


class Served:
    """`sorac serve ARGS` in a subprocess; `base_url` from the line it prints."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "sorascript", "serve", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/v1)", line)
        if not found:
            self.proc.kill()
            raise AssertionError(f"no URL in {line!r}; stderr: {self.proc.communicate()[1]!r}")
        self.base_url = found.group(1)

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()
