"""docs/tutorial.md runs as written: every file it writes, every command and its output.

The tutorial is a sequence of blocks:
- ```shot file=NAME (or ```toml file=NAME): write the file;
- ```shot append=NAME: add the block to the end of the file;
- ```console: `$ COMMAND` lines, each followed by what it prints (stdout, then
  stderr). `cd DIR` and `mkdir DIR` are done by the test; `sorac` is the
  installed command line.
`pytest --update-goldens` rewrites the outputs in the page from a real run;
review the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import REPO

TUTORIAL = REPO / "docs" / "tutorial.md"
_BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\n", re.S | re.M)


def run(command: str, cwd: Path) -> tuple[Path, str]:
    words = shlex.split(command)
    if words[0] == "cd":
        return cwd / words[1], ""
    if words[0] == "mkdir":
        (cwd / words[-1]).mkdir(parents=True)
        return cwd, ""
    assert words[0] == "sorac", f"the tutorial runs only sorac, cd and mkdir: {command}"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-m", "sorascript", *words[1:]], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)
    return cwd, done.stdout + done.stderr + (f"[exit {done.returncode}]\n" if done.returncode else "")


def replay(page: str, folder: Path) -> str:
    """The page with every console block's output as a real run prints it."""
    cwd = folder
    out, last = [], 0
    for match in _BLOCK.finditer(page):
        kind, info, body = match.groups()
        attrs = dict(re.findall(r"(\w+)=(\S+)", info))
        if "file" in attrs:
            (cwd / attrs["file"]).write_text(body, encoding="utf-8")
        elif "append" in attrs:
            with (cwd / attrs["append"]).open("a", encoding="utf-8") as handle:
                handle.write("\n" + body)
        if kind != "console":
            continue
        lines = []
        for command in re.findall(r"^\$ (.*)$", body, re.M):
            cwd, printed = run(command, cwd)
            lines.append(f"$ {command}\n{printed}")
        out.append(page[last:match.start()] + f"```console\n{''.join(lines)}```\n")
        last = match.end()
    return "".join(out) + page[last:]


def test_the_tutorial_runs_as_written(tmp_path, update_goldens):
    page = TUTORIAL.read_text(encoding="utf-8")
    assert page.count("$ sorac") >= 6
    actual = replay(page, tmp_path)
    if update_goldens:
        TUTORIAL.write_text(actual, encoding="utf-8")
        return
    assert actual == page, "docs/tutorial.md differs from a real run (pytest --update-goldens rewrites it)"


def test_the_tutorial_ends_with_a_three_shot_film_in_a_sequence(tmp_path):
    replay(TUTORIAL.read_text(encoding="utf-8"), tmp_path)
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    done = subprocess.run([sys.executable, "-m", "sorascript", "compile", "film.shot"], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    import json

    plan = json.loads(done.stdout)
    assert len([j for j in plan["jobs"] if j["kind"] == "create"]) == 3
    assert len(plan["sequences"]) == 1 and len(plan["sequences"][0]["jobs"]) == 3
    assert "import" in (folder / "film.shot").read_text(encoding="utf-8")
