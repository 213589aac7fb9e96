"""The Videos API over HTTP (Starlette): the routes under `/v1` as the `openai` SDK calls them.

Bodies are multipart/form-data (as the SDK sends creates, extensions and
characters) or JSON (remixes, and creates from other clients). Errors are
`{"error": {...}}` with the status the API used. The route names are the SDK's
method names; the fault injector and the statistics use them.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Route

from sorascript.serve import fields
from sorascript.serve.errors import ApiError
from sorascript.serve.jobs import Engine

MAX_PART = 16 * 1024 * 1024  # a text field (a prompt, a sorac_animatic); files have no limit


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def read_params(request: Request) -> fields.Params:
    """The body's fields, whatever its encoding; files become `fields.Upload`s."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        params: fields.Params = {}
        async with request.form(max_files=16, max_fields=1000, max_part_size=MAX_PART) as form:
            for name in form.keys():
                values = form.getlist(name)
                if len(values) > 1:
                    raise ApiError(400, f"Duplicate parameter: '{name}'.", code="duplicate_parameter", param=name)
                value = values[0]
                if isinstance(value, UploadFile):
                    params[name] = fields.Upload(value.filename, value.content_type, await value.read())
                else:
                    params[name] = value
        return params
    body = await request.body()
    if kind == "application/json" or (not kind and body.strip()[:1] == b"{"):
        if not body.strip():
            return {}
        try:
            value = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ApiError(400, f"The body is not valid JSON: {error}.", code="invalid_json") from None
        if not isinstance(value, dict):
            raise ApiError(400, "The body must be a JSON object.", code="invalid_json")
        return value
    if not body:
        return {}
    raise ApiError(415, f"Unsupported content type {kind or 'none'!r}: send multipart/form-data or application/json.",
                   code="unsupported_content_type")


def build_app(engine: Engine, poll_after_ms: int) -> Starlette:
    poll_header = {"openai-poll-after-ms": str(poll_after_ms)}

    def video(payload: dict) -> JSONResponse:
        return JSONResponse(payload, headers=poll_header)

    async def create(request: Request):
        return video(await run_in_threadpool(engine.create, await read_params(request)))

    async def list_videos(request: Request):
        q = request.query_params
        return JSONResponse(await run_in_threadpool(engine.list, q.get("after"), q.get("limit"), q.get("order")))

    async def retrieve(request: Request):
        return video(await run_in_threadpool(engine.retrieve, request.path_params["video_id"]))

    async def delete(request: Request):
        return JSONResponse(await run_in_threadpool(engine.delete, request.path_params["video_id"]))

    async def content(request: Request):
        video_id = request.path_params["video_id"]
        path, media_type = await run_in_threadpool(engine.content, video_id, request.query_params.get("variant"))
        return FileResponse(path, media_type=media_type, filename=f"{video_id}{path.suffix}")

    async def remix(request: Request):
        params = await read_params(request)
        return video(await run_in_threadpool(engine.remix, request.path_params["video_id"], params))

    async def extend(request: Request):
        return video(await run_in_threadpool(engine.extend, await read_params(request)))

    async def create_character(request: Request):
        return JSONResponse(await run_in_threadpool(engine.create_character, await read_params(request)))

    async def get_character(request: Request):
        return JSONResponse(await run_in_threadpool(engine.get_character, request.path_params["character_id"]))

    async def api_error(request: Request, error: ApiError):
        return error_response(error)

    async def http_error(request: Request, error: HTTPException):
        if error.status_code == 404:
            message = f"Invalid URL ({request.method} {request.url.path})"
        elif error.status_code == 405:
            message = f"Method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(error.detail)
        return error_response(ApiError(error.status_code, message))

    async def server_error(request: Request, error: Exception):
        # a bug here: say what, and tell the SDK that retrying will not help
        return error_response(ApiError(500, f"Internal error in the animatic server: {error!r}",
                                       headers={"x-should-retry": "false"}))

    routes = [
        Route("/v1/videos", create, methods=["POST"], name="create"),
        Route("/v1/videos", list_videos, methods=["GET"], name="list"),
        Route("/v1/videos/extensions", extend, methods=["POST"], name="extend"),
        Route("/v1/videos/characters", create_character, methods=["POST"], name="create_character"),
        Route("/v1/videos/characters/{character_id}", get_character, methods=["GET"], name="get_character"),
        Route("/v1/videos/{video_id}", retrieve, methods=["GET"], name="retrieve"),
        Route("/v1/videos/{video_id}", delete, methods=["DELETE"], name="delete"),
        Route("/v1/videos/{video_id}/content", content, methods=["GET"], name="download_content"),
        Route("/v1/videos/{video_id}/remix", remix, methods=["POST"], name="remix"),
    ]
    return Starlette(routes=routes, exception_handlers={
        ApiError: api_error, HTTPException: http_error, Exception: server_error,
    })
