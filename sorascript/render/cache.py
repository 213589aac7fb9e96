"""`.sorac/cache/`: finished downloads, content-addressed by the job's identity.

An entry is `IDENTITY.mp4` and `IDENTITY.json` (the video's id on its server,
its length and size). The JSON is written first and the MP4 last, each by a
rename, so an entry whose MP4 is there is whole; a download that fails or is
interrupted leaves only a `.part` file, which never takes an entry's name.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    identity: str
    path: Path
    video_id: str | None
    duration_s: float
    size: str


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, identity: str) -> Entry | None:
        video, meta = self.folder / f"{identity}.mp4", self.folder / f"{identity}.json"
        if not video.is_file() or not meta.is_file():
            return None
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return Entry(identity, video, data.get("video_id"), float(data["duration_s"]), str(data["size"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def partial(self, identity: str) -> Path:
        """A fresh temporary path in the cache folder for a download in progress."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f".{identity}.{os.getpid()}-{secrets.token_hex(4)}.part.mp4"

    def put(self, identity: str, downloaded: Path, *, video_id: str | None, duration_s: float, size: str) -> Entry:
        """Take a checked download into the cache (it is moved, not copied)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / f"{identity}.json"
        temporary = self.folder / f".{identity}.{secrets.token_hex(4)}.json"
        temporary.write_text(json.dumps({"video_id": video_id, "duration_s": duration_s, "size": size}, sort_keys=True),
                             encoding="utf-8")
        os.replace(temporary, meta)
        video = self.folder / f"{identity}.mp4"
        os.replace(downloaded, video)
        return Entry(identity, video, video_id, duration_s, size)
