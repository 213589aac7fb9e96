"""The server's state: jobs, renders and characters in one SQLite file (WAL).

A job's row keeps everything needed to render it again (the clip as JSON, its
input files by hash under `inputs/` in the media folder), so a server started
again on the same file picks up where it was. Only final states (`completed`,
`failed`) are stored; `queued` and `in_progress` are worked out from time.
Deleted jobs keep their row (flagged), so a list cursor naming one still works.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS videos (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    model TEXT NOT NULL,
    size TEXT NOT NULL,
    seconds TEXT NOT NULL,
    prompt TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    expires_at INTEGER,
    remixed_from TEXT,
    extensions INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    render_key TEXT NOT NULL,
    clip TEXT NOT NULL,
    request TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    fail_reason TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS videos_fingerprint ON videos (fingerprint);
CREATE TABLE IF NOT EXISTS renders (
    key TEXT PRIMARY KEY,
    video_sha TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    fps INTEGER NOT NULL,
    frames INTEGER NOT NULL,
    render_s REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS renders_sha ON renders (video_sha);
CREATE TABLE IF NOT EXISTS characters (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    video_sha TEXT NOT NULL
);
"""

FINAL = ("completed", "failed")


@dataclass(frozen=True)
class Render:
    key: str
    video_sha: str
    width: int
    height: int
    fps: int
    frames: int
    render_s: float


class StateError(RuntimeError):
    """The state file cannot be used (not SQLite, or another version's)."""


class Store:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row["value"] != SCHEMA_VERSION:
                raise StateError(f"{path} holds state of version {row['value']}, not {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as error:
            raise StateError(f"{path} is not a state file this server can use ({error})") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _one(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _run(self, sql: str, args: tuple = ()) -> None:
        with self._lock:
            self._db.execute(sql, args)

    # -- videos -----------------------------------------------------------------------------

    def add_video(self, row: dict) -> None:
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self._run(f"INSERT INTO videos ({names}) VALUES ({marks})", tuple(row.values()))

    def video(self, video_id: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM videos WHERE id = ? AND deleted = 0", (video_id,))

    def seq_of(self, video_id: str) -> int | None:
        """The position of a video in creation order, deleted or not."""
        row = self._one("SELECT seq FROM videos WHERE id = ?", (video_id,))
        return None if row is None else row["seq"]

    def page(self, after_seq: int | None, limit: int, ascending: bool) -> list[sqlite3.Row]:
        """Up to `limit` + 1 videos after the cursor in the given order (the extra one says there are more)."""
        where, order = "deleted = 0", "ASC" if ascending else "DESC"
        args: tuple = ()
        if after_seq is not None:
            where += " AND seq > ?" if ascending else " AND seq < ?"
            args = (after_seq,)
        return self._all(f"SELECT * FROM videos WHERE {where} ORDER BY seq {order} LIMIT ?", args + (limit + 1,))

    def finish(self, video_id: str, status: str, completed_at: int | None, expires_at: int | None,
               error: tuple[str, str] | None = None) -> None:
        code, message = error or (None, None)
        self._run("UPDATE videos SET status = ?, completed_at = ?, expires_at = ?, error_code = ?, error_message = ?"
                  " WHERE id = ? AND status NOT IN ('completed', 'failed')",
                  (status, completed_at, expires_at, code, message, video_id))

    def delete(self, video_id: str) -> bool:
        with self._lock:
            return self._db.execute("UPDATE videos SET deleted = 1 WHERE id = ? AND deleted = 0", (video_id,)).rowcount == 1

    def unfinished(self) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM videos WHERE status NOT IN ('completed', 'failed') AND deleted = 0 ORDER BY seq")

    def count_fingerprint(self, fingerprint: str) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM videos WHERE fingerprint = ?", (fingerprint,))
        return row["n"]

    def render_in_use(self, key: str) -> bool:
        return self._one("SELECT 1 FROM videos WHERE render_key = ? AND deleted = 0 LIMIT 1", (key,)) is not None

    def video_for_render(self, key: str) -> sqlite3.Row | None:
        """A (the first) video whose file is this render, deleted or not: the source of an uploaded file."""
        return self._one("SELECT * FROM videos WHERE render_key = ? ORDER BY seq LIMIT 1", (key,))

    # -- renders ----------------------------------------------------------------------------

    def add_render(self, render: Render) -> None:
        self._run("INSERT OR REPLACE INTO renders (key, video_sha, width, height, fps, frames, render_s)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (render.key, render.video_sha, render.width, render.height, render.fps, render.frames, render.render_s))

    def render(self, key: str) -> Render | None:
        row = self._one("SELECT * FROM renders WHERE key = ?", (key,))
        return None if row is None else Render(**dict(row))

    def render_by_sha(self, sha: str) -> Render | None:
        row = self._one("SELECT * FROM renders WHERE video_sha = ? LIMIT 1", (sha,))
        return None if row is None else Render(**dict(row))

    def forget_render(self, key: str) -> None:
        self._run("DELETE FROM renders WHERE key = ?", (key,))

    # -- characters -------------------------------------------------------------------------

    def add_character(self, ident: str, name: str, created_at: int, video_sha: str) -> None:
        self._run("INSERT INTO characters (id, name, created_at, video_sha) VALUES (?, ?, ?, ?)",
                  (ident, name, created_at, video_sha))

    def character(self, ident: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM characters WHERE id = ?", (ident,))
