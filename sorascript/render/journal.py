"""The journal: `.sorac/journal.sqlite`, what was submitted where, so that nothing is paid for twice.

One row per submission (one POST). The intent is committed before the POST
is sent, the video id as soon as the answer names it, and every later change
of state is committed at once (WAL, synchronous=FULL), so after a crash at any
point the journal says all that may have been paid for:

- a row with a video id: poll that video instead of submitting again;
- a row without one (an intent): the POST may or may not have reached the
  server; reconcile it against the server's `GET /videos` list (a video with
  the same prompt made after the intent, not yet claimed by another row)
  before submitting again.

A job's identity is a hash of what determines its video (`identity`). The API
key is never written here; the server is recorded by its base URL only.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
# intent: about to POST, or the answer was lost; submitted: the server named the video;
# completed / failed: its final state; abandoned: an intent found not to have made a video
STATES = ("intent", "submitted", "completed", "failed", "abandoned")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    identity TEXT NOT NULL,
    job TEXT NOT NULL,
    take INTEGER NOT NULL,
    kind TEXT NOT NULL,
    server TEXT NOT NULL,
    prompt TEXT NOT NULL,
    intent_at REAL NOT NULL,
    video_id TEXT,
    state TEXT NOT NULL,
    error TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_identity ON submissions (identity);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_video ON submissions (server, video_id) WHERE video_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS characters (
    server TEXT NOT NULL,
    recording TEXT NOT NULL,
    name TEXT NOT NULL,
    character_id TEXT NOT NULL,
    made_at REAL NOT NULL,
    PRIMARY KEY (server, recording, name)
);
"""


class JournalError(Exception):
    """The journal cannot be used; the message says why in one line."""


def identity(kind: str, request: dict, inputs: dict[str, str], server: str, take: int) -> str:
    """What determines a video: the request's fields, the hashes of its input files (or of the job whose
    video it starts from), the server's base URL, and which take it is."""
    text = json.dumps({"kind": kind, "request": request, "inputs": inputs, "server": server, "take": take},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Submission:
    seq: int
    identity: str
    job: str
    take: int
    kind: str
    server: str
    prompt: str
    intent_at: float
    video_id: str | None
    state: str
    error: str | None


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self._db.execute(statement)
            found = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif found["value"] != str(SCHEMA_VERSION):
                raise JournalError(f"{self.path} is a journal of schema {found['value']}; this sorac reads "
                                   f"schema {SCHEMA_VERSION}")
        except sqlite3.Error as error:
            raise JournalError(f"cannot use the journal {self.path}: {error}") from None
        except OSError as error:
            raise JournalError(f"cannot use the journal {self.path}: {error.strerror or error}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _transaction(self):
        import contextlib

        @contextlib.contextmanager
        def block():
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")

        return block()

    # -- writing -----------------------------------------------------------------------------

    def intend(self, ident: str, job: str, take: int, kind: str, server: str, prompt: str) -> int:
        """Record that a POST is about to be sent; returns the row's number."""
        now = time.time()
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO submissions (identity, job, take, kind, server, prompt, intent_at, state, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'intent', ?)", (ident, job, take, kind, server, prompt, now, now))
            return int(cursor.lastrowid)

    def submitted(self, seq: int, video_id: str) -> None:
        self._set(seq, "submitted", video_id=video_id)

    def finished(self, seq: int, state: str, error: str | None = None) -> None:
        self._set(seq, state, error=error)

    def abandon(self, seq: int, why: str) -> None:
        self._set(seq, "abandoned", error=why)

    def _set(self, seq: int, state: str, *, video_id: str | None = None, error: str | None = None) -> None:
        assert state in STATES
        with self._transaction():
            if video_id is not None:
                self._db.execute("UPDATE submissions SET state = ?, video_id = ?, error = ?, updated_at = ? WHERE seq = ?",
                                 (state, video_id, error, time.time(), seq))
            else:
                self._db.execute("UPDATE submissions SET state = ?, error = ?, updated_at = ? WHERE seq = ?",
                                 (state, error, time.time(), seq))

    def character(self, server: str, recording: str, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT character_id FROM characters WHERE server = ? AND recording = ? AND name = ?",
                                   (server, recording, name)).fetchone()
        return row["character_id"] if row else None

    def add_character(self, server: str, recording: str, name: str, character_id: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO characters VALUES (?, ?, ?, ?, ?)",
                             (server, recording, name, character_id, time.time()))

    # -- reading -----------------------------------------------------------------------------

    def latest(self, ident: str) -> Submission | None:
        """The newest submission of a job identity that is not abandoned."""
        with self._lock:
            row = self._db.execute("SELECT * FROM submissions WHERE identity = ? AND state != 'abandoned' "
                                   "ORDER BY seq DESC LIMIT 1", (ident,)).fetchone()
        return _submission(row) if row else None

    def claimed(self, server: str) -> set[str]:
        """Every video id the journal knows on a server."""
        with self._lock:
            rows = self._db.execute("SELECT video_id FROM submissions WHERE server = ? AND video_id IS NOT NULL",
                                    (server,)).fetchall()
        return {r["video_id"] for r in rows}

    def rows(self) -> list[Submission]:
        with self._lock:
            return [_submission(r) for r in self._db.execute("SELECT * FROM submissions ORDER BY seq")]

    def claim(self, seq: int, server: str, candidates: list[Any]) -> str | None:
        """Adopt the first candidate video id no row has claimed yet, as this intent's video (atomically)."""
        with self._transaction():
            taken = {r["video_id"] for r in self._db.execute(
                "SELECT video_id FROM submissions WHERE server = ? AND video_id IS NOT NULL", (server,))}
            for video_id in candidates:
                if video_id not in taken:
                    self._db.execute("UPDATE submissions SET state = 'submitted', video_id = ?, updated_at = ? "
                                     "WHERE seq = ?", (video_id, time.time(), seq))
                    return video_id
        return None


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(row["seq"], row["identity"], row["job"], row["take"], row["kind"], row["server"], row["prompt"],
                      row["intent_at"], row["video_id"], row["state"], row["error"])
