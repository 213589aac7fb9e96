"""Where a render's files go, and `render.json`, the record of what was made.

    PROJECT/renders/STEM/JOB.mp4            a job's finished clip (JOB.take2.mp4 … for takes)
    PROJECT/renders/STEM/SEQUENCE.mp4       a sequence, stitched
    PROJECT/renders/STEM/SEQUENCE.seams.png its joins, for review
    PROJECT/renders/STEM/render.json        what was made, from which request, its id, length and cost
    PROJECT/.sorac/journal.sqlite           every submission (see journal.py)
    PROJECT/.sorac/cache/                   the downloads as the server made them (see cache.py)
    PROJECT/.sorac/refs/                    last frames extracted as reference images
    PROJECT/.sorac/serve/                   the embedded server's state

`renders` is `--out` or `[render] out`. Every path that comes from a plan is
resolved inside the project folder or refused.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD_VERSION = 1
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f]+$")


class LayoutError(ValueError):
    """A path or a name that would leave the project folder; the message says which."""


def inside(root: Path, relative: str, what: str) -> Path:
    """`relative` (from a plan) as a path inside `root`, symbolic links followed; LayoutError otherwise."""
    path = Path(relative)
    if path.is_absolute() or not relative.strip():
        raise LayoutError(f"{what} {relative!r} is not a path relative to the project folder")
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise LayoutError(f"{what} {relative!r} leads outside the project folder")
    return resolved


def safe_name(name: str, what: str) -> str:
    if not _SAFE_NAME.match(name) or name in (".", "..") or name.startswith("."):
        raise LayoutError(f"{what} {name!r} cannot be a file name")
    return name


@dataclass(frozen=True)
class Layout:
    root: Path  # the project folder
    out: Path  # renders/STEM

    @classmethod
    def of(cls, root: Path, source: str, out: str | None) -> Layout:
        root = Path(root).resolve()
        folder = inside(root, out or "renders", "the output folder")
        return cls(root, folder / safe_name(Path(source).stem, "the file name"))

    @property
    def state(self) -> Path:
        return self.root / ".sorac"

    @property
    def journal(self) -> Path:
        return self.state / "journal.sqlite"

    @property
    def cache(self) -> Path:
        return self.state / "cache"

    @property
    def refs(self) -> Path:
        return self.state / "refs"

    @property
    def serve_state(self) -> Path:
        return self.state / "serve" / "state.sqlite"

    @property
    def record_path(self) -> Path:
        return self.out / "render.json"

    def clip(self, name: str) -> Path:
        return self.out / f"{safe_name(name, 'the job name')}.mp4"

    def sequence(self, name: str) -> Path:
        return self.out / f"{safe_name(name, 'the sequence name')}.mp4"

    def seams(self, name: str) -> Path:
        return self.out / f"{safe_name(name, 'the sequence name')}.seams.png"

    def relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


class Record:
    """render.json: clips and sequences by name, kept across runs (a run updates what it touched)."""

    def __init__(self, layout: Layout, source: str, server: str) -> None:
        self.layout = layout
        self._lock = threading.Lock()
        self.data: dict[str, Any] = {"version": RECORD_VERSION, "source": source, "server": server,
                                     "clips": {}, "failed": {}, "sequences": {}}
        try:
            old = json.loads(layout.record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        if isinstance(old, dict) and old.get("version") == RECORD_VERSION:
            for key in ("clips", "failed", "sequences"):
                if isinstance(old.get(key), list):
                    self.data[key] = {e["name"]: e for e in old[key] if isinstance(e, dict) and isinstance(e.get("name"), str)}

    def clip(self, name: str) -> dict | None:
        return self.data["clips"].get(name)

    def sequence(self, name: str) -> dict | None:
        return self.data["sequences"].get(name)

    def set_clip(self, entry: dict) -> None:
        with self._lock:
            self.data["failed"].pop(entry["name"], None)
            self.data["clips"][entry["name"]] = entry

    def set_failed(self, name: str, reason: str) -> None:
        with self._lock:
            self.data["failed"][name] = {"name": name, "reason": reason}

    def set_sequence(self, entry: dict) -> None:
        with self._lock:
            self.data["sequences"][entry["name"]] = entry

    def write(self) -> Path:
        out = self.layout.record_path
        out.parent.mkdir(parents=True, exist_ok=True)
        document = {**self.data, **{key: sorted(self.data[key].values(), key=lambda e: e["name"])
                                    for key in ("clips", "failed", "sequences")}}
        temporary = out.with_name(f".render.{secrets.token_hex(4)}.json")
        temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, out)
        return out
