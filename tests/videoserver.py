"""A local HTTP server that speaks the OpenAI Videos API, for tests.

It implements the endpoints the `openai` SDK's `client.videos` calls, over real
HTTP on 127.0.0.1, and answers like the hosted service did: Video objects,
`{"error": {...}}` bodies with 400/401/404, a job that moves queued ->
in_progress -> completed over successive GETs, and real MP4 content made with
the ffmpeg binary of the `imageio-ffmpeg` wheel.

    with VideoServer() as server:
        client = OpenAI(base_url=server.base_url, api_key="test-key")
        ...
        server.requests   # what the server received, in order

Test hooks:
- a prompt containing ``[[fail]]`` makes the job end ``failed`` (with an
  ``error``); ``[[hang]]`` keeps it ``in_progress`` until `release` (to test
  deadlines);
- ``fail_first=N, fail_status=500|429`` answers the first N requests (of
  ``fail_routes``, default all) with that error; ``fail_after_commit=True``
  carries the request out first and then answers with the error, as when a
  response is lost after the server accepted the job.

Rendered clips are scaled down by ``render_scale`` (default 8: 1280x720 is
rendered 160x90) to keep the suite fast; the Video object still reports the
requested ``size``, and `render_dimensions` says what was rendered.

Never stores secrets: the Authorization header is recorded only as
``had_auth``.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# The DeprecationWarning every `client.videos.*` method of openai 3.x emits
# (`typing_extensions.deprecated` on each method of resources/videos.py), as a
# pytest `filterwarnings` spec that ignores exactly that warning.
SORA_DEPRECATION_MESSAGE = "The Sora API is scheduled to permanently shut down on September 24, 2026."
SORA_DEPRECATION_REGEX = r"The Sora API is scheduled to permanently shut down on September 24, 2026\."
SORA_DEPRECATION_FILTER = "ignore:" + SORA_DEPRECATION_REGEX + ":DeprecationWarning"

FAIL_MARKER = "[[fail]]"
HANG_MARKER = "[[hang]]"

SECONDS = ("4", "8", "12", "16", "20")
BASE_SIZES = ("720x1280", "1280x720")
PRO_SIZES = BASE_SIZES + ("1024x1792", "1792x1024", "1920x1080", "1080x1920")
# model -> sizes it renders (the hosted service's limits)
SORA_MODELS: dict[str, tuple[str, ...]] = {
    "sora-2": BASE_SIZES,
    "sora-2-2025-10-06": BASE_SIZES,
    "sora-2-2025-12-08": BASE_SIZES,
    "sora-2-pro": PRO_SIZES,
    "sora-2-pro-2025-10-06": PRO_SIZES,
}
DEFAULT_MODEL, DEFAULT_SECONDS, DEFAULT_SIZE = "sora-2", "4", "720x1280"
MAX_EXTENSIONS, MAX_TOTAL_SECONDS = 6, 120
EXPIRES_AFTER_S = 3600
MAX_BODY = 64 * 1024 * 1024
MARKER_PREFIX = b"sorascript-videoserver video_id="

_SIZE_RE = re.compile(r"^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$")
_ID_RE = re.compile(r"^video_[A-Za-z0-9]+$")
# headers worth keeping (never Authorization, api keys or cookies)
_KEPT_HEADERS = (
    "content-type", "content-length", "accept", "user-agent", "idempotency-key",
    "x-stainless-retry-count", "x-stainless-poll-helper", "x-stainless-custom-poll-interval",
)


# --------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class UploadedFile:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    route: str  # create, retrieve, list, delete, remix, extend, content, or unknown
    had_auth: bool
    headers: dict[str, str]  # a safe subset, lower-case names
    fields: dict[str, str] = field(default_factory=dict)  # multipart text fields
    files: dict[str, UploadedFile] = field(default_factory=dict)  # multipart file parts
    json: Any = None  # a JSON body, parsed
    body_size: int = 0
    status: int = 0  # the status the server answered
    video_id: str | None = None  # the video this request created or read
    path_id: str | None = None  # the id in the path (retrieve, delete, remix, content)
    source_id: str | None = None  # the source of a remix or an extension
    fault: bool = False  # answered by fault injection
    error_code: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The request's parameters whatever the encoding: JSON body or form fields."""
        if isinstance(self.json, dict):
            return dict(self.json)
        return dict(self.fields)


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def _invalid(param: str, value: object, allowed: tuple[str, ...] | list[str]) -> ApiError:
    shown = ", ".join(f"'{a}'" for a in allowed)
    return ApiError(400, f"Invalid value: {value!r}. Supported values are: {shown}.", param=param, code="invalid_value")


def _missing(param: str) -> ApiError:
    return ApiError(400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter")


# --------------------------------------------------------------------------
# media: rendering with real ffmpeg, sniffing uploads


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], *, timeout: float = 60) -> bytes:
    """Run the wheel's ffmpeg with an argument list (no shell); return stdout."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args],
                          capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    return proc.stdout


@dataclass(frozen=True)
class Media:
    video: bytes  # MP4, H.264 + AAC
    thumbnail: bytes  # JPEG
    spritesheet: bytes  # JPEG, one frame a second in a grid


_media_cache: dict[tuple[int, int, int, int], Media] = {}
_media_lock = threading.Lock()


def render_media(seconds: int, width: int, height: int, fps: int) -> Media:
    """A test-pattern clip with a tone, its thumbnail and spritesheet; cached per process."""
    key = (seconds, width, height, fps)
    with _media_lock:
        if key in _media_cache:
            return _media_cache[key]
        with tempfile.TemporaryDirectory(prefix="videoserver-") as tmp:
            mp4 = str(Path(tmp) / "clip.mp4")
            run_ffmpeg([
                "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
                "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", "-y", mp4,
            ])
            thumb = run_ffmpeg(["-i", mp4, "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"])
            cols = 5
            rows = -(-seconds // cols)
            sprite = run_ffmpeg(["-i", mp4, "-vf", f"fps=1,tile={cols}x{rows}", "-frames:v", "1",
                                 "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"])
            media = Media(Path(mp4).read_bytes(), thumb, sprite)
        _media_cache[key] = media
        return media


def mp4_boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """Top-level ISO-BMFF boxes as (type, payload); stops at the first malformed box."""
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        header = 8
        if size == 1:
            if pos + 16 > len(data):
                break
            size, header = int.from_bytes(data[pos + 8:pos + 16], "big"), 16
        elif size == 0:
            size = len(data) - pos
        if size < header or pos + size > len(data):
            break
        boxes.append((kind, data[pos + header:pos + size]))
        pos += size
    return boxes


def is_mp4(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp"


def mark_mp4(data: bytes, video_id: str) -> bytes:
    """Append a top-level `free` box naming the video, so each download is unique and traceable."""
    payload = MARKER_PREFIX + video_id.encode("ascii")
    return data + (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


def marked_video_id(data: bytes) -> str | None:
    for kind, payload in mp4_boxes(data):
        if kind == b"free" and payload.startswith(MARKER_PREFIX):
            return payload[len(MARKER_PREFIX):].decode("ascii", errors="replace")
    return None


def probe_video(data: bytes) -> tuple[float, int, int] | None:
    """(duration in seconds, width, height) of a video, read from ffmpeg's report; None if unreadable."""
    with tempfile.TemporaryDirectory(prefix="videoserver-") as tmp:
        path = Path(tmp) / "upload.mp4"
        path.write_bytes(data)
        proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                              capture_output=True, timeout=60)
    report = proc.stderr.decode(errors="replace")
    duration = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", report)
    dims = re.search(r"Video: .*?, (\d{2,5})x(\d{2,5})", report)
    if not duration or not dims:
        return None
    h, m, s = duration.groups()
    return int(h) * 3600 + int(m) * 60 + float(s), int(dims.group(1)), int(dims.group(2))


def image_info(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG, JPEG or WebP image; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        return "png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:3] == b"\xff\xd8\xff":
        pos = 2
        while pos + 4 <= len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            length = int.from_bytes(data[pos + 2:pos + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                if pos + 9 > len(data):
                    return None
                h = int.from_bytes(data[pos + 5:pos + 7], "big")
                w = int.from_bytes(data[pos + 7:pos + 9], "big")
                return "jpeg", w, h
            pos += 2 + length
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8 ":
            return "webp", int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
        if chunk == b"VP8L":
            b = data[21:25]
            w = 1 + (((b[1] & 0x3F) << 8) | b[0])
            h = 1 + (((b[3] & 0x0F) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
            return "webp", w, h
        if chunk == b"VP8X":
            return "webp", 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    return None


# --------------------------------------------------------------------------
# multipart/form-data, parsed by hand so that field values stay byte-exact


_PARAM_RE = re.compile(r';\s*([A-Za-z0-9_\-*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    head, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for name, raw in _PARAM_RE.findall(";" + rest):
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            # undo the HTML5 form encoding browsers and httpx use: %22 for ", %0A etc. for controls
            raw = re.sub(r"%(22|[01][0-9A-Fa-f]|7F)", lambda m: chr(int(m.group(1), 16)), raw)
        name = name.lower()
        if name.endswith("*"):  # RFC 5987: charset'lang'percent-encoded
            charset, _, encoded = raw.partition("'")
            raw = urllib.parse.unquote(encoded.partition("'")[2], encoding=charset or "utf-8")
            name = name[:-1]
        params[name] = raw
    return head.strip().lower(), params


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    kind, params = _header_params(content_type)
    if kind != "multipart/form-data" or not params.get("boundary"):
        raise ApiError(400, "Expected a multipart/form-data body with a boundary.", code="invalid_request")
    delim = b"--" + params["boundary"].encode("latin-1")
    if body.startswith(delim):
        pos = len(delim)
    else:
        at = body.find(b"\r\n" + delim)
        if at < 0:
            raise ApiError(400, "Malformed multipart body: no opening boundary.", code="invalid_request")
        pos = at + 2 + len(delim)
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    while True:
        if body[pos:pos + 2] == b"--":
            break  # closing delimiter
        eol = body.find(b"\r\n", pos)
        if eol < 0 or body[pos:eol].strip(b" \t"):
            raise ApiError(400, "Malformed multipart body: bad boundary line.", code="invalid_request")
        start = eol + 2
        end = body.find(b"\r\n" + delim, start)
        if end < 0:
            raise ApiError(400, "Malformed multipart body: unterminated part.", code="invalid_request")
        part = body[start:end]
        if part.startswith(b"\r\n"):
            raw_headers, content = b"", part[2:]
        else:
            raw_headers, sep, content = part.partition(b"\r\n\r\n")
            if not sep:
                raise ApiError(400, "Malformed multipart body: part without a header end.", code="invalid_request")
        headers: dict[str, str] = {}
        for line in raw_headers.decode("utf-8", errors="replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition, dparams = _header_params(headers.get("content-disposition", ""))
        name = dparams.get("name")
        if disposition != "form-data" or name is None:
            raise ApiError(400, "Malformed multipart body: a part without a form-data name.", code="invalid_request")
        if name in fields or name in files:
            raise ApiError(400, f"Duplicate parameter: '{name}'.", param=name, code="duplicate_parameter")
        if "filename" in dparams:
            files[name] = UploadedFile(dparams["filename"], headers.get("content-type"), content)
        else:
            try:
                fields[name] = content.decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError(400, f"Parameter '{name}' is not valid UTF-8.", param=name, code="invalid_value") from None
        pos = end + 2 + len(delim)
    return fields, files


# --------------------------------------------------------------------------
# the server's state


@dataclass
class _Video:
    id: str
    model: str
    size: str
    seconds: str
    prompt: str
    created_at: int
    remixed_from: str | None = None
    extended_from: str | None = None
    extensions: int = 0
    polls: int = 0
    status: str = "queued"
    progress: int = 0
    completed_at: int | None = None
    expires_at: int | None = None
    error: dict | None = None
    seq: int = 0
    hold: bool = False  # stays in_progress until released

    def to_json(self) -> dict:
        return {
            "id": self.id, "object": "video", "created_at": self.created_at,
            "completed_at": self.completed_at, "expires_at": self.expires_at, "error": self.error,
            "model": self.model, "progress": self.progress, "prompt": self.prompt,
            "remixed_from_video_id": self.remixed_from, "seconds": self.seconds, "size": self.size,
            "status": self.status,
        }


class VideoServer:
    """The Videos API on 127.0.0.1:PORT/v1, served from a background thread."""

    def __init__(
        self,
        *,
        queued_polls: int = 1,
        progress_polls: int = 2,
        poll_after_ms: int | None = 10,
        models: dict[str, tuple[str, ...]] | None = None,
        allow_unknown_models: bool = False,
        extra_fields: frozenset[str] | set[str] = frozenset(),
        check_reference_size: bool = True,
        require_auth: bool = True,
        render_scale: int = 8,
        fps: int = 24,
        fail_first: int = 0,
        fail_status: int = 500,
        fail_routes: set[str] | None = None,
        fail_after_commit: bool = False,
        retry_after_ms: int | None = 10,
    ):
        """
        queued_polls / progress_polls: how many GETs of a video see it queued, then
        in_progress, before it completes (defaults: queued, 33%, 66%, completed).
        poll_after_ms: the `openai-poll-after-ms` header sent with each Video.
        models: model -> allowed sizes (default: the Sora models' limits);
        allow_unknown_models accepts any other model with any WxH size, as a
        self-hosted server would. extra_fields: create fields accepted besides
        the standard ones (SGLang takes `seed`, `negative_prompt`, ...).
        check_reference_size: an input_reference must be exactly `size` pixels.
        render_scale, fps: clips are rendered at size/render_scale (even numbers).
        fail_first, fail_status, fail_routes: answer the first N requests (of those
        routes; None = any) with 500/429/...; fail_after_commit: carry them out
        first (a lost response). retry_after_ms: the retry-after-ms header sent
        with those errors, so the SDK's retries are quick.
        """
        self.queued_polls, self.progress_polls = queued_polls, progress_polls
        self.poll_after_ms = poll_after_ms
        self.models = dict(SORA_MODELS if models is None else models)
        self.allow_unknown_models = allow_unknown_models
        self.extra_fields = frozenset(extra_fields)
        self.check_reference_size = check_reference_size
        self.require_auth = require_auth
        self.render_scale, self.fps = render_scale, fps
        self.fail_first, self.fail_status = fail_first, fail_status
        self.fail_routes = fail_routes
        self.fail_after_commit = fail_after_commit
        self.retry_after_ms = retry_after_ms

        self._lock = threading.RLock()
        self._requests: list[RecordedRequest] = []
        self._videos: dict[str, _Video] = {}
        self._seq = itertools.count(1)
        self._faults_served = 0
        self._rendered: dict[tuple[int, str], tuple[int, int]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.base_url = ""

    # lifecycle -----------------------------------------------------------

    def start(self) -> "VideoServer":
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"videoserver:{port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        with self._lock:
            conns = list(self._connections)
        for conn in conns:  # wake handler threads idling on keep-alive connections
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> "VideoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # inspection ----------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, route: str, *, include_faults: bool = False) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == route and (include_faults or not r.fault)]

    def video(self, video_id: str) -> dict:
        """The Video object as stored (does not advance its status)."""
        with self._lock:
            return self._videos[video_id].to_json()

    def release(self, video_id: str) -> None:
        """Let a held (``[[hang]]``) video finish at its next poll."""
        with self._lock:
            self._videos[video_id].hold = False

    @property
    def video_ids(self) -> list[str]:
        with self._lock:
            return list(self._videos)

    @property
    def faults_served(self) -> int:
        with self._lock:
            return self._faults_served

    @property
    def rendered(self) -> dict[tuple[int, str], tuple[int, int]]:
        """(seconds, requested size) -> the (width, height) actually rendered."""
        with self._lock:
            return dict(self._rendered)

    def render_dimensions(self, size: str) -> tuple[int, int]:
        w, h = (int(x) for x in size.split("x"))

        def even(v: int) -> int:
            return max(2, 2 * round(v / self.render_scale / 2))

        return even(w), even(h)

    # request handling (called from handler threads) ----------------------

    def _take_fault(self, route: str) -> bool:
        with self._lock:
            if self._faults_served >= self.fail_first:
                return False
            if self.fail_routes is not None and route not in self.fail_routes:
                return False
            self._faults_served += 1
            return True

    def _fault_error(self) -> ApiError:
        headers = {"retry-after-ms": str(self.retry_after_ms)} if self.retry_after_ms is not None else {}
        if self.fail_status == 429:
            return ApiError(429, "Rate limit reached for videos. Please try again shortly.",
                            type="requests", code="rate_limit_exceeded", headers=headers)
        return ApiError(self.fail_status, "The server had an error while processing your request.",
                        type="server_error", code=None, headers=headers)

    def _record(self, rec: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(rec)

    def _get(self, video_id: str) -> _Video:
        video = self._videos.get(video_id) if _ID_RE.match(video_id) else None
        if video is None:
            raise ApiError(404, f"Video with id '{video_id}' not found.", param="video_id", code="video_not_found")
        return video

    def _new_video(self, **kw: Any) -> _Video:
        video = _Video(id="video_" + secrets.token_hex(16), created_at=int(time.time()), seq=next(self._seq), **kw)
        video.hold = HANG_MARKER in video.prompt
        self._videos[video.id] = video
        return video

    def _advance(self, video: _Video) -> None:
        if video.status in ("completed", "failed"):
            return
        video.polls += 1
        n = video.polls
        if n <= self.queued_polls:
            video.status, video.progress = "queued", 0
        elif n <= self.queued_polls + self.progress_polls or video.hold:
            video.status = "in_progress"
            done = min(n - self.queued_polls, self.progress_polls)
            video.progress = min(99, (100 * done) // (self.progress_polls + 1))
        elif FAIL_MARKER in video.prompt:
            video.status = "failed"
            video.error = {"code": "video_generation_failed",
                           "message": "Video generation failed (the prompt asked for a failure)."}
        else:
            video.status, video.progress = "completed", 100
            video.completed_at = int(time.time())
            video.expires_at = video.completed_at + EXPIRES_AFTER_S

    def _check_model_size(self, model: str, size: str) -> None:
        if model in self.models:
            if size not in self.models[model]:
                raise ApiError(400, f"Invalid value: '{size}'. Model '{model}' supports sizes: "
                               + ", ".join(f"'{s}'" for s in self.models[model]) + ".",
                               param="size", code="invalid_value")
            return
        if not self.allow_unknown_models:
            raise _invalid("model", model, list(self.models))
        if not _SIZE_RE.match(size):
            raise ApiError(400, f"Invalid value: '{size}'. A size is WIDTHxHEIGHT.", param="size", code="invalid_value")

    def _text(self, fields: dict[str, str], name: str, default: str | None = None) -> str:
        value = fields.get(name, default)
        if value is None:
            raise _missing(name)
        return value

    def create(self, fields: dict[str, str], files: dict[str, UploadedFile]) -> _Video:
        allowed = {"prompt", "model", "seconds", "size", "input_reference"} | self.extra_fields
        for name in list(fields) + list(files):
            if name not in allowed:
                raise ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
        prompt = self._text(fields, "prompt")
        if not prompt.strip():
            raise ApiError(400, "Invalid value for 'prompt': it must not be empty.", param="prompt", code="invalid_value")
        model = self._text(fields, "model", DEFAULT_MODEL)
        seconds = self._text(fields, "seconds", DEFAULT_SECONDS)
        size = self._text(fields, "size", DEFAULT_SIZE)
        # a self-hosted model renders any whole number of seconds its frames make
        self_hosted = model not in self.models and self.allow_unknown_models
        if seconds not in SECONDS and not (self_hosted and seconds.isdigit() and int(seconds) > 0):
            raise _invalid("seconds", seconds, SECONDS)
        self._check_model_size(model, size)
        if "input_reference" in fields:
            raise ApiError(400, "'input_reference' must be an uploaded file.", param="input_reference", code="invalid_value")
        ref = files.get("input_reference")
        if ref is not None:
            info = image_info(ref.data)
            if info is None:
                raise ApiError(400, "Invalid file for 'input_reference': expected a JPEG, PNG or WebP image.",
                               param="input_reference", code="unsupported_file_type")
            _, w, h = info
            if self.check_reference_size and f"{w}x{h}" != size:
                raise ApiError(400, f"Inpaint image must match the requested width and height: "
                               f"expected {size}, got {w}x{h}.", param="input_reference", code="invalid_value")
        with self._lock:
            return self._new_video(model=model, size=size, seconds=seconds, prompt=prompt)

    def remix(self, source_id: str, body: Any) -> _Video:
        if not isinstance(body, dict):
            raise ApiError(400, "Expected a JSON object body.", code="invalid_request")
        for name in body:
            if name != "prompt":
                raise ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
        prompt = body.get("prompt")
        if prompt is None:
            raise _missing("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ApiError(400, "Invalid value for 'prompt': expected a non-empty string.", param="prompt", code="invalid_value")
        with self._lock:
            source = self._get(source_id)
            if source.status != "completed":
                raise ApiError(400, f"Video '{source_id}' is not completed (status '{source.status}'); "
                               "only completed videos can be remixed.", param="video_id", code="invalid_video_state")
            return self._new_video(model=source.model, size=source.size, seconds=source.seconds, prompt=prompt,
                                   remixed_from=source.id)

    def extend(self, fields: dict[str, str], files: dict[str, UploadedFile], body: Any) -> _Video:
        video_ref: str | None = None
        upload: UploadedFile | None = None
        if body is not None:  # a JSON body, as the hosted API also took: {"prompt", "seconds", "video": {"id"}}
            if not isinstance(body, dict):
                raise ApiError(400, "Expected a JSON object body.", code="invalid_request")
            video = body.get("video")
            if isinstance(video, dict) and isinstance(video.get("id"), str):
                video_ref = video["id"]
            elif video is not None:
                raise ApiError(400, "Invalid value for 'video': expected {\"id\": ...}.", param="video", code="invalid_value")
            fields = {k: v for k, v in body.items() if k != "video"}
            if any(not isinstance(v, str) for v in fields.values()):
                raise ApiError(400, "Parameters must be strings.", code="invalid_value")
        else:
            video_ref = fields.pop("video[id]", None)
            upload = files.pop("video", None)
            if "video" in fields:
                raise ApiError(400, "'video' must be an uploaded video file or {\"id\": ...}.", param="video", code="invalid_value")
        for name in list(fields) + list(files):
            if name not in ("prompt", "seconds"):
                raise ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
        prompt = self._text(fields, "prompt")
        seconds = self._text(fields, "seconds")
        if not prompt.strip():
            raise ApiError(400, "Invalid value for 'prompt': it must not be empty.", param="prompt", code="invalid_value")
        if seconds not in SECONDS:
            raise _invalid("seconds", seconds, SECONDS)
        if video_ref is None and upload is None:
            raise _missing("video")
        if upload is not None:
            if not is_mp4(upload.data):
                raise ApiError(400, "Invalid file for 'video': expected an MP4 video.", param="video", code="unsupported_file_type")
            video_ref = marked_video_id(upload.data)
        with self._lock:
            if video_ref is not None:
                source = self._get(video_ref)
                if source.status != "completed":
                    raise ApiError(400, f"Video '{video_ref}' is not completed (status '{source.status}').",
                                   param="video", code="invalid_video_state")
                model, size, base, count = source.model, source.size, int(source.seconds), source.extensions
            else:  # a video from elsewhere: measure it
                assert upload is not None
                probed = probe_video(upload.data)
                if probed is None:
                    raise ApiError(400, "Could not read the uploaded video.", param="video", code="invalid_value")
                duration, w, h = probed
                model, size, base, count = DEFAULT_MODEL, f"{w}x{h}", round(duration), 0
            if count >= MAX_EXTENSIONS:
                raise ApiError(400, f"A video can be extended at most {MAX_EXTENSIONS} times.", param="video",
                               code="extension_limit_exceeded")
            total = base + int(seconds)
            if total > MAX_TOTAL_SECONDS:
                raise ApiError(400, f"An extended video may last at most {MAX_TOTAL_SECONDS} seconds; "
                               f"this one would last {total}.", param="seconds", code="invalid_value")
            return self._new_video(model=model, size=size, seconds=str(total), prompt=prompt,
                                   extended_from=video_ref, extensions=count + 1)

    def retrieve(self, video_id: str) -> _Video:
        with self._lock:
            video = self._get(video_id)
            self._advance(video)
            return video

    def delete(self, video_id: str) -> dict:
        with self._lock:
            video = self._get(video_id)
            if video.status not in ("completed", "failed"):
                raise ApiError(400, f"Video '{video_id}' is still {video.status}; only completed or failed "
                               "videos can be deleted.", param="video_id", code="invalid_video_state")
            del self._videos[video_id]
        return {"id": video_id, "object": "video.deleted", "deleted": True}

    def list(self, query: dict[str, list[str]]) -> dict:
        def one(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        order = one("order") or "desc"
        if order not in ("asc", "desc"):
            raise _invalid("order", order, ("asc", "desc"))
        raw_limit = one("limit") or "20"
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
            raise ApiError(400, f"Invalid value: {raw_limit!r}. 'limit' must be between 1 and 100.",
                           param="limit", code="invalid_value")
        limit = int(raw_limit)
        with self._lock:
            videos = sorted(self._videos.values(), key=lambda v: v.seq, reverse=order == "desc")
            after = one("after")
            if after is not None:
                ids = [v.id for v in videos]
                if after not in ids:
                    raise ApiError(404, f"Video with id '{after}' not found.", param="after", code="video_not_found")
                videos = videos[ids.index(after) + 1:]
            page = videos[:limit]
            data = [v.to_json() for v in page]
        return {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None, "has_more": len(videos) > limit}

    def content(self, video_id: str, query: dict[str, list[str]]) -> tuple[bytes, str]:
        variant = (query.get("variant") or ["video"])[-1]
        if variant not in ("video", "thumbnail", "spritesheet"):
            raise _invalid("variant", variant, ("video", "thumbnail", "spritesheet"))
        with self._lock:
            video = self._get(video_id)
            if video.status != "completed":
                raise ApiError(400, f"Video '{video_id}' is not ready: its status is '{video.status}'.",
                               param="video_id", code="video_not_ready")
            seconds, size = int(video.seconds), video.size
            w, h = self.render_dimensions(size)
            self._rendered[(seconds, size)] = (w, h)
        media = render_media(seconds, w, h, self.fps)
        if variant == "video":
            return mark_mp4(media.video, video_id), "video/mp4"
        if variant == "thumbnail":
            return media.thumbnail, "image/jpeg"
        return media.spritesheet, "image/jpeg"


# --------------------------------------------------------------------------
# HTTP


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/v1/videos/extensions$"), "extend"),
    ("POST", re.compile(r"^/v1/videos$"), "create"),
    ("GET", re.compile(r"^/v1/videos$"), "list"),
    ("GET", re.compile(r"^/v1/videos/([^/]+)$"), "retrieve"),
    ("DELETE", re.compile(r"^/v1/videos/([^/]+)$"), "delete"),
    ("POST", re.compile(r"^/v1/videos/([^/]+)/remix$"), "remix"),
    ("GET", re.compile(r"^/v1/videos/([^/]+)/content$"), "content"),
]


class _Handler(BaseHTTPRequestHandler):
    owner: VideoServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    timeout = 30  # idle keep-alive connections end after this

    def setup(self) -> None:
        super().setup()
        with self.owner._lock:
            self.owner._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.owner._lock:
                self.owner._connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    self.close_connection = True
                    raise ApiError(413, "Request body too large.", code="request_too_large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "Request body too large.", code="request_too_large")
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        server = self.owner
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        route, match = "unknown", None
        allowed_methods = set()
        for method, pattern, name in _ROUTES:
            m = pattern.match(url.path)
            if m:
                allowed_methods.add(method)
                if method == self.command and match is None:
                    route, match = name, m
        rec = RecordedRequest(
            method=self.command, path=url.path, query=query, route=route,
            had_auth=bool(self.headers.get("Authorization")),
            headers={k: self.headers[k] for k in _KEPT_HEADERS if self.headers.get(k) is not None},
        )
        status, payload, ctype, extra = 500, b"", "application/json", {}
        try:
            body = self._read_body()
            rec.body_size = len(body)
            content_type = self.headers.get("Content-Type", "")
            if content_type.lower().startswith("multipart/form-data"):
                rec.fields, rec.files = parse_multipart(content_type, body)
            elif body:
                if not content_type.lower().startswith("application/json"):
                    raise ApiError(400, f"Unsupported Content-Type '{content_type}'.", code="invalid_request")
                try:
                    rec.json = json.loads(body)
                except ValueError:
                    raise ApiError(400, "The body is not valid JSON.", code="invalid_json") from None
            if match is None:
                if allowed_methods:
                    raise ApiError(405, f"Method {self.command} not allowed on {url.path}.", code="method_not_allowed")
                raise ApiError(404, f"Unknown route: {self.command} {url.path}.", code="unknown_url")
            if server.require_auth and not rec.had_auth:
                raise ApiError(401, "You didn't provide an API key. Provide it in the Authorization header "
                               "(Authorization: Bearer YOUR_KEY).", code=None)
            fault = server._take_fault(route)
            if fault and not server.fail_after_commit:
                rec.fault = True
                raise server._fault_error()
            status, result, ctype = self._dispatch(route, match, rec, query)
            if isinstance(result, _Video):
                rec.video_id = result.id
                rec.source_id = result.remixed_from or result.extended_from
                if server.poll_after_ms is not None:
                    extra["openai-poll-after-ms"] = str(server.poll_after_ms)
                result = result.to_json()
            payload = result if isinstance(result, bytes) else json.dumps(result).encode()
            if fault:
                rec.fault = True
                raise server._fault_error()
        except ApiError as err:
            status, ctype, extra = err.status, "application/json", dict(err.headers)
            payload = json.dumps(err.body()).encode()
            rec.error_code = err.code
        except Exception as exc:  # a bug in this server: say so, and tell the SDK not to retry
            status, ctype, extra = 500, "application/json", {"x-should-retry": "false"}
            payload = json.dumps(ApiError(500, f"videoserver bug: {exc!r}", type="server_error").body()).encode()
            rec.error_code = "internal_error"
            self.close_connection = True
        rec.status = status
        server._record(rec)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-request-id", "req_" + secrets.token_hex(8))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _dispatch(self, route: str, m: re.Match[str], rec: RecordedRequest, query: dict) -> tuple[int, Any, str]:
        server = self.owner
        if route in ("retrieve", "delete", "remix", "content"):
            rec.path_id = rec.video_id = urllib.parse.unquote(m.group(1))
        if route == "create":
            if rec.json is not None:
                raise ApiError(400, "POST /videos takes multipart/form-data.", code="invalid_request")
            return 200, server.create(rec.fields, rec.files), "application/json"
        if route == "extend":
            return 200, server.extend(dict(rec.fields), dict(rec.files), rec.json), "application/json"
        if route == "remix":
            return 200, server.remix(rec.path_id, rec.json), "application/json"
        if route == "retrieve":
            return 200, server.retrieve(rec.video_id), "application/json"
        if route == "delete":
            return 200, server.delete(rec.video_id), "application/json"
        if route == "list":
            return 200, server.list(query), "application/json"
        if route == "content":
            data, ctype = server.content(rec.video_id, query)
            return 200, data, ctype
        raise AssertionError(route)
