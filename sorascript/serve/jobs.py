"""The jobs: what a create, remix or extension makes, how it progresses, where its files are.

A job's animatic starts rendering on a worker thread as soon as the job is
made, so the rendering overlaps the simulated latency. Its status is worked
out when it is read: `queued` for the first tenth of the latency, then
`in_progress` with a progress that rises with time, and `completed` (or
`failed`) once the latency is over and the render has finished; only then is
the final state written to the store.

Renders are content-addressed (`Clip.key`): equal clips are rendered once and
shared, and a restarted server finds them again.

Every method here is blocking and thread-safe; the HTTP layer calls them from
its thread pool.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sorascript.serve import fields, media
from sorascript.serve.draw import Clip, Painter
from sorascript.serve.errors import ApiError, invalid, missing, not_found
from sorascript.serve.options import ServerOptions
from sorascript.serve.script import from_stored
from sorascript.serve.store import FINAL, Render, Store

QUEUED_SHARE = 0.1
EXPIRES_AFTER_S = 24 * 3600
MAX_EXTENSIONS = 6
VARIANTS = {"video": ("video.mp4", "video/mp4"), "thumbnail": ("thumbnail.jpg", "image/jpeg"),
            "spritesheet": ("spritesheet.jpg", "image/jpeg")}
MAX_LIST = 100
DEFAULT_LIST = 20


@dataclass(frozen=True)
class Source:
    """The video an extension continues."""

    path: Path
    sha: str
    info: media.VideoInfo
    row: dict | None  # the job that made it, when this server made it


class Engine:
    def __init__(self, folder: Path, store: Store, options: ServerOptions):
        self.store, self.options = store, options
        self.inputs, self.renders = folder / "inputs", folder / "renders"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.renders.mkdir(parents=True, exist_ok=True)
        self.processes = media.Processes()
        self._pool = ThreadPoolExecutor(max_workers=options.workers or os.cpu_count() or 2,
                                        thread_name_prefix="sorac-render")
        self._lock = threading.RLock()
        self._anchors: dict[str, tuple[float, float]] = {}  # video id -> (monotonic, wall) start of its timing
        self._futures: dict[str, Future] = {}  # render key -> its render
        self._finished: dict[str, float] = {}  # render key -> monotonic time it finished (this run)
        self._stopping = False
        self.made: Counter[str] = Counter()  # videos made, by kind
        self.duplicates = 0

    # -- life -------------------------------------------------------------------------------

    def resume(self) -> None:
        """Restart the clock of every unfinished job and render what is missing."""
        for row in self.store.unfinished():
            self._anchor(row["id"])
            if not row["fail_reason"]:
                self._ensure_render(row["render_key"], json.loads(row["clip"]))

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
        self.processes.kill_all()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _anchor(self, video_id: str) -> tuple[float, float]:
        with self._lock:
            return self._anchors.setdefault(video_id, (time.monotonic(), time.time()))

    # -- renders ----------------------------------------------------------------------------

    def _ensure_render(self, key: str, clip: dict) -> None:
        with self._lock:
            known = self._futures.get(key)
            if known is not None and not (known.done() and (known.cancelled() or known.exception() is not None)):
                return  # rendering or rendered; a render that failed is tried again for a new job
            if self.store.render(key) is not None and (self.renders / key / "video.mp4").is_file():
                done: Future = Future()
                done.set_result(None)
                self._futures[key] = done
                return
            self._futures[key] = self._pool.submit(self._render, key, clip)

    def _render_state(self, row: dict) -> tuple[bool, str | None]:
        """(finished, error message) of a job's render."""
        if row["fail_reason"]:
            return True, None
        key = row["render_key"]
        with self._lock:
            future = self._futures.get(key)
        if future is None:  # a file that went missing, or a job loaded without `resume`
            self._ensure_render(key, json.loads(row["clip"]))
            return False, None
        if not future.done():
            return False, None
        error = future.exception() if not future.cancelled() else None
        return True, (str(error) or type(error).__name__) if error is not None else None

    def _render(self, key: str, data: dict) -> None:
        started = time.perf_counter()
        clip, source = self._clip(data)
        work = self.renders / f".{key}.{secrets.token_hex(4)}"
        work.mkdir()
        try:
            painter = Painter(clip)
            video = work / "video.mp4"
            if source is None:
                media.encode(painter, video, self.processes)
                media.stills(painter, work / "thumbnail.jpg", work / "spritesheet.jpg")
                frames = clip.frames
            else:
                segment = work / "segment.mp4"
                media.encode(painter, segment, self.processes)
                media.stitch(source.path, source.info, segment, clip, video, self.processes)
                segment.unlink()
                info = media.probe(video, self.processes)
                media.sprites_of(video, info, work / "spritesheet.jpg", work / "thumbnail.jpg", self.processes)
                frames = info.frames
            sha = _sha_file(video)
            final = self.renders / key
            if final.exists():
                shutil.rmtree(final)
            os.replace(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        self.store.add_render(Render(key, sha, clip.width, clip.height, clip.fps, frames,
                                     round(time.perf_counter() - started, 4)))
        with self._lock:
            self._finished[key] = time.monotonic()

    def _clip(self, data: dict) -> tuple[Clip, Source | None]:
        reference = (self.inputs / data["reference"]).read_bytes() if data.get("reference") else None
        clip = Clip(data["width"], data["height"], data["fps"], data["frames"], from_stored(data["script"]),
                    reference, data.get("offset", 0.0))
        source = None
        if data.get("source"):
            path = self.inputs / data["source"]
            source = Source(path, data["source"], media.VideoInfo(**data["source_info"]), None)
        return clip, source

    # -- reading jobs -----------------------------------------------------------------------

    def _row(self, video_id: str) -> dict:
        row = self.store.video(video_id)
        if row is None:
            raise not_found("Video", video_id, "video_id")
        return self._advance(dict(row))

    def _advance(self, row: dict) -> dict:
        """The job as of now: its final state is written once reached."""
        if row["status"] in FINAL:
            row["progress"] = 100
            return row
        latency = self.options.latency
        mono, wall = self._anchor(row["id"])
        elapsed = time.monotonic() - mono
        finished, error = self._render_state(row)
        if elapsed >= latency and finished:
            with self._lock:
                done = max(mono + latency, self._finished.get(row["render_key"], 0.0))
            completed_at = int(wall + (done - mono))
            if row["fail_reason"]:
                status, err = "failed", ("animatic_failed", row["fail_reason"])
            elif error is not None:
                status, err = "failed", ("render_failed", f"The animatic could not be rendered: {error}")
            else:
                status, err = "completed", None
            expires = completed_at + EXPIRES_AFTER_S if status == "completed" else None
            self.store.finish(row["id"], status, completed_at, expires, err)
            stored = self.store.video(row["id"])  # another thread may have finished it first: the store decides
            if stored is not None and stored["status"] in FINAL:
                return self._advance(dict(stored))
            code, message = err or (None, None)
            row.update(status=status, completed_at=completed_at, expires_at=expires, error_code=code,
                       error_message=message, progress=100)
            return row
        if latency > 0 and elapsed < latency * QUEUED_SHARE:
            row["status"], row["progress"] = "queued", 0
        else:
            row["status"] = "in_progress"
            row["progress"] = min(99, int(100 * elapsed / latency)) if latency > 0 else 99
        return row

    @staticmethod
    def video_json(row: dict) -> dict:
        error = {"code": row["error_code"], "message": row["error_message"]} if row["error_code"] else None
        return {
            "id": row["id"], "object": "video", "created_at": row["created_at"],
            "completed_at": row["completed_at"], "expires_at": row["expires_at"], "error": error,
            "model": row["model"], "progress": row["progress"], "prompt": row["prompt"],
            "remixed_from_video_id": row["remixed_from"], "seconds": row["seconds"], "size": row["size"],
            "status": row["status"],
        }

    def retrieve(self, video_id: str) -> dict:
        return self.video_json(self._row(video_id))

    def record(self, video_id: str) -> dict:
        """Everything stored about a job (for tests and tools): its request fields, clip and state."""
        row = self.store.video(video_id)
        if row is None:
            raise not_found("Video", video_id, "video_id")
        row = self._advance(dict(row))
        return {**row, "request": json.loads(row["request"]), "clip": json.loads(row["clip"])}

    def list(self, after: str | None, limit: str | None, order: str | None) -> dict:
        count = fields.number({"limit": limit}, "limit", low=1, high=MAX_LIST, whole=True) or DEFAULT_LIST
        order = order or "desc"
        if order not in ("asc", "desc"):
            raise invalid("order", f"Invalid value for 'order': {order!r}. Supported values are: 'asc', 'desc'.")
        after_seq = None
        if after:
            after_seq = self.store.seq_of(after)
            if after_seq is None:
                raise not_found("Video", after, "after")
        rows = self.store.page(after_seq, int(count), order == "asc")
        data = [self.video_json(self._advance(dict(r))) for r in rows[:count]]
        return {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None, "has_more": len(rows) > count}

    def delete(self, video_id: str) -> dict:
        if not self.store.delete(video_id):
            raise not_found("Video", video_id, "video_id")
        return {"id": video_id, "object": "video.deleted", "deleted": True}

    def content(self, video_id: str, variant: str | None) -> tuple[Path, str]:
        variant = variant or "video"
        if variant not in VARIANTS:
            raise invalid("variant", f"Invalid value for 'variant': {variant!r}. "
                                     "Supported values are: 'video', 'thumbnail', 'spritesheet'.")
        row = self._row(video_id)
        if row["status"] != "completed":
            why = "failed and has no content" if row["status"] == "failed" else f"is not ready (status '{row['status']}')"
            raise ApiError(404, f"Video '{video_id}' {why}.", code="video_not_ready", param="video_id")
        name, media_type = VARIANTS[variant]
        path = self.renders / row["render_key"] / name
        if not path.is_file():
            raise ApiError(404, f"The {variant} of video '{video_id}' is no longer available.",
                           code="content_not_found", param="variant")
        return path, media_type

    # -- making jobs ------------------------------------------------------------------------

    def create(self, params: fields.Params) -> dict:
        prompt = fields.prompt(params)
        model = fields.text(params, "model", fields.DEFAULT_MODEL, limit=200)
        size, width, height = fields.size(params)
        timing = fields.timing(params)
        fields.check_extras(params)
        script = fields.animatic(params, prompt)
        reference = fields.upload(params, "input_reference", required=False)
        hashes: dict[str, str] = {}
        reference_sha = None
        if reference is not None:
            found = media.image_format(reference.data)
            if found is None:
                raise ApiError(400, "Invalid file for 'input_reference': expected a JPEG, PNG or WebP image.",
                               code="unsupported_file_type", param="input_reference")
            if (found[1], found[2]) != (width, height):
                raise invalid("input_reference", f"Invalid file for 'input_reference': the image is {found[1]}x{found[2]}, "
                                                 f"but the video is {size}; they must match.")
            reference_sha = hashes["input_reference"] = self._keep(reference.data)
        clip = {"width": width, "height": height, "fps": timing.fps, "frames": timing.frames,
                "script": script.to_json(), "reference": reference_sha, "offset": 0.0}
        key = self._clip(clip)[0].key()
        return self._make("create", params, hashes, clip, key, model=model, size=size, seconds=timing.seconds,
                          prompt=prompt)

    def remix(self, source_id: str, params: fields.Params) -> dict:
        prompt = fields.prompt(params)
        script = fields.animatic(params, prompt)
        source = self._row(source_id)
        if source["status"] != "completed":
            raise ApiError(400, f"Video '{source_id}' is not completed (status '{source['status']}'); "
                                "only completed videos can be remixed.", code="invalid_video_state", param="video_id")
        clip = {**json.loads(source["clip"]), "script": script.to_json(), "reference": None}
        key = self._clip(clip)[0].key() if not clip.get("source") else _extension_key(self._clip(clip)[0], clip["source"])
        return self._make("remix", {**params, "video_id": source_id}, {}, clip, key, model=source["model"],
                          size=source["size"], seconds=source["seconds"], prompt=prompt, remixed_from=source_id,
                          extensions=source["extensions"])

    def extend(self, params: fields.Params) -> dict:
        prompt = fields.prompt(params)
        seconds = fields.number(params, "seconds", low=1e-3, high=fields.MAX_EXTENSION_SECONDS)
        if seconds is None:
            raise missing("seconds")
        script = fields.animatic(params, prompt)
        source = self._source(params)
        previous = source.row["extensions"] if source.row else 0
        if previous >= MAX_EXTENSIONS:
            raise invalid("video", f"Invalid value for 'video': it has been extended {previous} times already; "
                                   f"a video takes at most {MAX_EXTENSIONS} extensions.")
        fps = max(1, round(source.info.fps))
        frames = max(1, round(seconds * fps))
        total = source.info.duration + frames / fps
        if total > fields.MAX_SECONDS + 1e-9:
            raise invalid("seconds", f"Invalid value for 'seconds': the video would be {total:g} seconds long; "
                                     f"the limit is {fields.MAX_SECONDS:g}.")
        width, height = source.info.width // 2 * 2, source.info.height // 2 * 2
        clip = {"width": width, "height": height, "fps": fps, "frames": frames, "script": script.to_json(),
                "reference": None, "offset": round(source.info.duration, 6), "source": source.sha,
                "source_info": dataclasses.asdict(source.info)}
        key = _extension_key(self._clip(clip)[0], source.sha)
        model = source.row["model"] if source.row else fields.DEFAULT_MODEL
        return self._make("extend", params, {"video": source.sha}, clip, key, model=model, size=f"{width}x{height}",
                          seconds=fields.format_seconds(total), prompt=prompt, extensions=previous + 1)

    def _source(self, params: fields.Params) -> Source:
        """The video to extend: an uploaded MP4, or `video[id]` / `{"video": {"id"}}` naming one made here."""
        ident = params.get("video[id]")
        if isinstance(params.get("video"), dict):
            ident = params["video"].get("id")
            if not isinstance(ident, str):
                raise invalid("video", "Invalid value for 'video': expected {\"id\": \"video_...\"} or an uploaded file.")
        if ident is not None:
            row = self._row(str(ident))
            if row["status"] != "completed":
                raise ApiError(400, f"Video '{ident}' is not completed (status '{row['status']}'); "
                                    "only completed videos can be extended.", code="invalid_video_state", param="video")
            data = (self.renders / row["render_key"] / "video.mp4").read_bytes()
        else:
            upload = fields.upload(params, "video", required=True)
            data = upload.data
        if not media.is_mp4(data):
            raise ApiError(400, "Invalid file for 'video': expected an MP4 video.", code="unsupported_file_type",
                           param="video")
        sha = self._keep(data)
        path = self.inputs / sha
        made = self.store.render_by_sha(sha)
        if made is not None:
            info = media.VideoInfo(made.width, made.height, float(made.fps), made.frames, True)
            row = self.store.video_for_render(made.key)
            return Source(path, sha, info, dict(row) if row is not None else None)
        try:
            info = media.probe(path, self.processes)
        except media.MediaError:
            raise ApiError(400, "Invalid file for 'video': it is not a video that can be read.",
                           code="unsupported_file_type", param="video") from None
        if info.frames < 1 or info.width < fields.MIN_SIDE or info.height < fields.MIN_SIDE:
            raise ApiError(400, "Invalid file for 'video': it has no frames to extend.", code="invalid_value", param="video")
        return Source(path, sha, info, None)

    def _keep(self, data: bytes) -> str:
        """Keep an uploaded file under its hash (so the job can be rendered again after a restart)."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.inputs / sha
        if not path.exists():
            partial = path.with_name(f".{sha}.{secrets.token_hex(4)}")
            partial.write_bytes(data)
            os.replace(partial, path)
        return sha

    def _make(self, kind: str, params: fields.Params, hashes: dict[str, str], clip: dict, key: str, **row) -> dict:
        request = fields.canonical(params, hashes)
        fingerprint = hashlib.sha256(f"{kind}\0{request}".encode()).hexdigest()
        with self._lock:
            if self._stopping:
                raise ApiError(503, "The server is stopping.", code="server_stopping")
            earlier = self.store.count_fingerprint(fingerprint)
            fail = self._fail_reason(row["prompt"], fingerprint, earlier)
            video_id = "video_" + secrets.token_hex(16)
            record = {
                "id": video_id, "kind": kind, "status": "queued", "created_at": int(time.time()),
                "render_key": key, "clip": json.dumps(clip, sort_keys=True), "request": request,
                "fingerprint": fingerprint, "fail_reason": fail, "remixed_from": None, "extensions": 0, **row,
            }
            self.store.add_video(record)
            self._anchor(video_id)
            self.made[kind] += 1
            self.duplicates += earlier > 0
        if fail is None:
            self._ensure_render(key, clip)
        return self.retrieve(video_id)

    def _fail_reason(self, prompt: str, fingerprint: str, earlier: int) -> str | None:
        for marker in self.options.fail_prompts:
            if marker in prompt:
                return f"Injected failure: the prompt contains {marker!r}."
        rate = self.options.fail_rate
        if rate > 0:
            # the n-th submission of one request fails or not the same way on every run
            digest = hashlib.sha256(f"{self.options.seed}\0{fingerprint}\0{earlier}".encode()).digest()
            if int.from_bytes(digest[:8], "big") / 2**64 < rate:
                return f"Injected failure (fail rate {rate:g}, seed {self.options.seed})."
        return None

    # -- characters -------------------------------------------------------------------------

    def create_character(self, params: fields.Params) -> dict:
        name = fields.text(params, "name", limit=80).strip()
        if not name:
            raise invalid("name", "Invalid value for 'name': it must not be empty.")
        video = fields.upload(params, "video", required=True)
        if not media.is_mp4(video.data):
            raise ApiError(400, "Invalid file for 'video': expected an MP4 video.", code="unsupported_file_type",
                           param="video")
        ident, created = "char_" + secrets.token_hex(16), int(time.time())
        self.store.add_character(ident, name, created, hashlib.sha256(video.data).hexdigest())
        return {"id": ident, "created_at": created, "name": name}

    def get_character(self, ident: str) -> dict:
        row = self.store.character(ident)
        if row is None:
            raise not_found("Character", ident, "character_id")
        return {"id": row["id"], "created_at": row["created_at"], "name": row["name"]}


def _extension_key(segment: Clip, source_sha: str) -> str:
    return hashlib.sha256(f"extend\0{segment.key()}\0{source_sha}".encode()).hexdigest()[:32]


def _sha_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
