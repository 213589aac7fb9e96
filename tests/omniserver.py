"""A minimal Videos API server that behaves as vLLM-Omni does, for the renderer's tests.

- `POST /v1/videos` takes multipart/form-data only (JSON is 415), with the
  standard fields and the extra `fps`, `num_frames`, `seed`…; an
  `input_reference` file part is kept.
- `GET /v1/videos/{id}` of a failed job answers HTTP 500 with the job itself
  as the body (status "failed" and its error), not an error object.
- `GET /v1/videos/{id}/content` serves a real MP4 (ffmpeg's test pattern at
  the requested size and length).
- No remix, extensions, characters or list: those routes are 404.

A job whose prompt contains FAIL ends failed. Jobs complete `latency` seconds
after they are made.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from sorascript.render.media import ffmpeg_exe

FAIL = "FAIL"


class OmniServer:
    def __init__(self, latency: float = 0.2) -> None:
        self.latency = latency
        self.jobs: dict[str, dict] = {}
        self.received: list[dict] = []  # every create's fields (files by name and size)
        self.folder = Path(tempfile.mkdtemp(prefix="omni-"))
        self._server = None
        self._thread = None

    # -- the app -----------------------------------------------------------------------------

    def _state(self, job: dict) -> dict:
        elapsed = time.monotonic() - job["started"]
        if elapsed < self.latency:
            return {**job["public"], "status": "in_progress", "progress": min(99, int(100 * elapsed / self.latency))}
        if FAIL in job["public"]["prompt"]:
            return {**job["public"], "status": "failed", "progress": 100,
                    "error": {"code": "generation_failed", "message": "CUDA out of memory while decoding"}}
        if not job["file"].exists():
            seconds = job["frames"] / job["fps"]
            subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                            f"testsrc2=s={job['public']['size']}:r={job['fps']}:d={seconds}", "-frames:v",
                            str(job["frames"]), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                            str(job["file"])], check=True, capture_output=True)
        return {**job["public"], "status": "completed", "progress": 100}

    def app(self) -> Starlette:
        async def create(request: Request):
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind != "multipart/form-data":
                return JSONResponse({"detail": "multipart/form-data is required"}, status_code=415)
            fields = {}
            async with request.form() as form:
                for key, value in form.items():
                    fields[key] = f"<file {value.filename} {len(await value.read())} bytes>" \
                        if hasattr(value, "filename") else value
            self.received.append(fields)
            fps = int(fields.get("fps", 24))
            frames = int(fields.get("num_frames") or round(float(fields.get("seconds", 4)) * fps))
            ident = "video_" + secrets.token_hex(8)
            public = {"id": ident, "object": "video", "model": fields.get("model", ""), "prompt": fields.get("prompt", ""),
                      "size": fields.get("size", "832x480"), "seconds": fields.get("seconds", "4"),
                      "created_at": int(time.time()), "status": "queued", "progress": 0}
            self.jobs[ident] = {"public": public, "started": time.monotonic(), "fps": fps, "frames": frames,
                                "file": self.folder / f"{ident}.mp4"}
            return JSONResponse(public)

        async def retrieve(request: Request):
            job = self.jobs.get(request.path_params["video_id"])
            if job is None:
                return JSONResponse({"detail": "Video not found"}, status_code=404)
            state = self._state(job)
            return JSONResponse(state, status_code=500 if state["status"] == "failed" else 200)

        async def content(request: Request):
            job = self.jobs.get(request.path_params["video_id"])
            if job is None or self._state(job)["status"] != "completed":
                return JSONResponse({"detail": "Video not ready"}, status_code=404)
            return FileResponse(job["file"], media_type="video/mp4")

        return Starlette(routes=[
            Route("/v1/videos", create, methods=["POST"]),
            Route("/v1/videos/{video_id}", retrieve, methods=["GET"]),
            Route("/v1/videos/{video_id}/content", content, methods=["GET"]),
        ])

    # -- life --------------------------------------------------------------------------------

    def __enter__(self) -> "OmniServer":
        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        config = uvicorn.Config(self.app(), log_config=None, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.01)
        self._socket = sock
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)
