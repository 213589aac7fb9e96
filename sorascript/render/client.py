"""The Videos API through the `openai` SDK: the one place that calls it.

Every call returns a typed result instead of raising: a `Video`, or a
`Failure` that says whether trying again can help. The SDK's own retries are
off (`max_retries=0`): a retried POST can create a second paid job, so the
runner retries through its journal instead. The key comes from
OPENAI_API_KEY only, and no message made here repeats it.

`quiet_sdk()` hides exactly the SDK's retirement DeprecationWarning (every
`client.videos` method carries one). Enter it once around a whole run, not
around each call: `warnings.catch_warnings` swaps the process's filters, and
nested entries from several threads would restore each other's.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

SDK_RETIREMENT = r"The Sora API is scheduled to permanently shut down"
NO_KEY = "unused-by-local-servers"
RETRY_STATUSES = frozenset({408, 409, 429}) | frozenset(range(500, 600))
_VIDEO_STATES = ("queued", "in_progress", "completed", "failed")


@contextlib.contextmanager
def quiet_sdk() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SDK_RETIREMENT, category=DeprecationWarning)
        yield


@dataclass(frozen=True)
class Video:
    id: str
    status: str  # queued, in_progress, completed, failed
    progress: int = 0
    seconds: str | None = None
    size: str | None = None
    created_at: int | None = None
    prompt: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @classmethod
    def read(cls, value: Any) -> Video | None:
        """A Video from the SDK's object or a JSON dict; None when it is not one."""
        data = value.model_dump() if hasattr(value, "model_dump") else value
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or data.get("status") not in _VIDEO_STATES:
            return None
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        progress = data.get("progress")
        return cls(data["id"], data["status"], int(progress) if isinstance(progress, (int, float)) else 0,
                   _str(data.get("seconds")), _str(data.get("size")),
                   data.get("created_at") if isinstance(data.get("created_at"), int) else None,
                   data.get("prompt") if isinstance(data.get("prompt"), str) else None,
                   _str(error.get("code")), _str(error.get("message")))

    @property
    def reason(self) -> str:
        """A failed video's reason, as the server gave it."""
        if self.error_code and self.error_message:
            return f"{self.error_code}: {self.error_message}"
        return self.error_message or self.error_code or "the server gave no reason"


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Failure:
    """A call that did not give what was asked.

    kind: "retry" (429, 5xx, a timeout or a lost connection: the same call may
    work later; for a POST, the server may or may not have made the job),
    "unsupported" (the server has no such route: 404/405), "missing" (no such
    video), or "rejected" (any other answer: trying again will not help).
    """

    kind: str
    message: str
    status: int | None = None
    code: str | None = None
    retry_after_s: float | None = None


@dataclass(frozen=True)
class Upload:
    """A file part: its name, bytes and media type."""

    name: str
    data: bytes
    media_type: str

    def part(self) -> tuple[str, bytes, str]:
        return (self.name, self.data, self.media_type)


def unreachable(base_url: str, timeout_s: float = 5.0) -> str | None:
    """Why nothing answers at the server's address (refused, no such host, no
    answer in time), or None when a connection opens. A request that cannot
    connect never reached a server, so the run can stop before it waits out a
    job's deadline retrying. Behind a proxy the SDK connects through it: not
    tried then."""
    import socket
    from urllib.parse import urlparse
    from urllib.request import getproxies, proxy_bypass

    parts = urlparse(base_url)
    if getproxies().get(parts.scheme) and not proxy_bypass(parts.hostname or ""):
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            return None
    except socket.gaierror:
        return f"no host named {parts.hostname}"
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return f"no answer in {timeout_s:g}s"
    except OSError as error:
        return error.strerror or str(error)


class VideosClient:
    def __init__(self, base_url: str, *, timeout_s: float = 120.0) -> None:
        from openai import OpenAI

        self.base_url = base_url.rstrip("/")
        self._secret = os.environ.get("OPENAI_API_KEY") or ""
        self._sdk = OpenAI(base_url=self.base_url, api_key=self._secret or NO_KEY, max_retries=0, timeout=timeout_s)

    def close(self) -> None:
        self._sdk.close()

    # -- calls ---------------------------------------------------------------------------------

    def create(self, fields: dict[str, Any], extra: dict[str, Any], reference: Upload | None) -> Video | Failure:
        arguments = dict(fields)
        if reference is not None:
            arguments["input_reference"] = reference.part()
        return self._video("create", lambda: self._sdk.videos.create(**arguments, extra_body=_form(extra) or None))

    def remix(self, video_id: str, prompt: str, extra: dict[str, Any]) -> Video | Failure:
        return self._video("remix", lambda: self._sdk.videos.remix(video_id, prompt=prompt, extra_body=extra or None))

    def extend(self, prompt: str, seconds: str, video: Upload, extra: dict[str, Any]) -> Video | Failure:
        return self._video("extend", lambda: self._sdk.videos.extend(prompt=prompt, seconds=seconds, video=video.part(),
                                                                      extra_body=_form(extra) or None))

    def retrieve(self, video_id: str) -> tuple[Video | Failure, float | None]:
        """The video now, and the server's `openai-poll-after-ms` hint in seconds."""
        try:
            raw = self._sdk.videos.with_raw_response.retrieve(video_id)
            hint = raw.headers.get("openai-poll-after-ms")
            video = Video.read(raw.parse())
        except Exception as error:  # noqa: BLE001 - every SDK error becomes a result
            # vLLM-Omni answers a GET of a failed job with 4xx/5xx and the job as its body
            video = _job_in_error(error)
            return (video, None) if video is not None else (self._failure("retrieve", error), None)
        if video is None:
            return Failure("rejected", "the server's answer is not a video"), None
        return video, _poll_hint(hint)

    def list_page(self, after: str | None) -> tuple[list[Video], bool] | Failure:
        """One page of the server's videos, newest first, and whether there are more."""
        try:
            page = self._sdk.videos.list(limit=100, order="desc", **({"after": after} if after else {}))
            videos = [v for v in (Video.read(item) for item in page.data) if v is not None]
            return videos, bool(getattr(page, "has_more", False))
        except Exception as error:  # noqa: BLE001
            return self._failure("list", error)

    def download(self, video_id: str, out: Path) -> None | Failure:
        """The video's MP4 bytes, streamed into `out`."""
        try:
            with self._sdk.videos.with_streaming_response.download_content(video_id, variant="video") as response:
                with open(out, "wb") as handle:
                    for block in response.iter_bytes(1 << 20):
                        handle.write(block)
            return None
        except Exception as error:  # noqa: BLE001
            return self._failure("download", error)

    def create_character(self, name: str, video: Upload) -> str | Failure:
        try:
            made = self._sdk.videos.create_character(name=name, video=video.part())
        except Exception as error:  # noqa: BLE001
            return self._failure("create_character", error)
        return made.id if isinstance(getattr(made, "id", None), str) else Failure("rejected", "the server's answer has no character id")

    # -- errors --------------------------------------------------------------------------------

    def _video(self, what: str, call) -> Video | Failure:
        try:
            answer = call()
        except Exception as error:  # noqa: BLE001
            return self._failure(what, error)
        video = Video.read(answer)
        return video if video is not None else Failure("rejected", "the server's answer is not a video")

    def _failure(self, what: str, error: Exception) -> Failure:
        import openai

        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            code = getattr(error, "code", None)
            message = self._clean(_server_message(error))
            retry_after = _retry_after(error.response.headers) if status in RETRY_STATUSES else None
            if status in RETRY_STATUSES:
                kind = "retry"
            elif status in (404, 405) and what in ("remix", "extend", "create_character"):
                # a route the server lacks, unless the answer is about the video it was given
                about_video = status == 404 and (str(code or "").endswith("not_found") or
                                                 getattr(error, "param", None) in ("video_id", "video"))
                kind = "missing" if about_video else "unsupported"
            elif status == 404:
                kind = "missing"
            else:
                kind = "rejected"
            return Failure(kind, f"HTTP {status}{f' {code}' if code else ''}: {message}", status, code, retry_after)
        if isinstance(error, openai.APITimeoutError):
            return Failure("retry", "the server did not answer in time")
        if isinstance(error, openai.APIConnectionError):
            cause = error.__cause__ or error.__context__
            detail = f" ({self._clean(str(cause))[:160]})" if cause is not None and str(cause) else ""
            return Failure("retry", f"the connection to the server failed{detail}")
        if isinstance(error, OSError):
            return Failure("rejected", f"cannot write the download: {error.strerror or error}")
        return Failure("rejected", self._clean(f"{type(error).__name__}: {error}")[:240])

    def _clean(self, text: str) -> str:
        """A message without the API key in it, whatever the server echoed."""
        text = " ".join(str(text).split())
        return text.replace(self._secret, "[key]") if self._secret else text


def _form(extra: dict[str, Any]) -> dict[str, Any]:
    """Extra fields as multipart form values: objects as JSON text, booleans as true/false."""
    import json

    out = {}
    for key, value in extra.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            out[key] = json.dumps(value, sort_keys=True, ensure_ascii=False)
        else:
            out[key] = value
    return out


def _server_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return body["message"]
    try:
        data = error.response.json()
    except Exception:  # noqa: BLE001 - not JSON
        data = None
    if isinstance(data, dict):
        inner = data.get("error")
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(data.get("detail"), str):
            return data["detail"]
    text = getattr(error.response, "text", "") or ""
    return text[:200] or getattr(error, "message", "") or "no message"


def _job_in_error(error: Exception) -> Video | None:
    response = getattr(error, "response", None)
    if response is None:
        return None
    try:
        data = response.json()
    except Exception:  # noqa: BLE001
        return None
    video = Video.read(data)
    return video if video is not None and video.status == "failed" else None


def _poll_hint(value: str | None) -> float | None:
    try:
        return max(0.01, min(60.0, int(value) / 1000)) if value is not None else None
    except ValueError:
        return None


def _retry_after(headers: Any) -> float | None:
    """`retry-after-ms`, else `retry-after` in seconds (a date form is ignored)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
            return min(120.0, float(value) / scale)
    return None
