"""The test Videos API server, driven through the real `openai` SDK over HTTP."""

from __future__ import annotations

import concurrent.futures
import json
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import openai
import pytest
from openai import OpenAI

from videoserver import (
    SORA_DEPRECATION_FILTER,
    SORA_DEPRECATION_MESSAGE,
    VideoServer,
    image_info,
    is_mp4,
    marked_video_id,
    mp4_boxes,
    probe_video,
    run_ffmpeg,
)

# Every client.videos.* call warns that the hosted service is retired; ignore
# exactly that warning (pytest turns every other one into an error).
pytestmark = pytest.mark.filterwarnings(SORA_DEPRECATION_FILTER)

API_KEY = "test-key-not-a-secret"


@pytest.fixture
def server():
    with VideoServer() as s:
        yield s


@pytest.fixture
def client(server):
    with OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
        yield c


def wait(client: OpenAI, video_id: str, deadline_s: float = 5.0):
    """The SDK's poll, with the deadline it lacks (these tests' server always finishes)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(client.videos.poll, video_id).result(timeout=deadline_s)


def png(tmp_path: Path, size: str, name: str = "ref.png") -> Path:
    out = tmp_path / name
    run_ffmpeg(["-f", "lavfi", "-i", f"color=c=red:size={size}", "-frames:v", "1", "-y", str(out)])
    return out


def completed(client: OpenAI, **params):
    video = client.videos.create(**params)
    return wait(client, video.id)


# --------------------------------------------------------------------------


def test_the_sdk_warns_with_exactly_the_filtered_message(server, client):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.videos.list()
    assert [(w.category, str(w.message)) for w in caught] == [(DeprecationWarning, SORA_DEPRECATION_MESSAGE)]


def test_create_records_the_fields_and_status_moves_to_completed(server, client):
    video = client.videos.create(prompt="A lighthouse at dusk.", model="sora-2", seconds="8", size="1280x720")
    assert (video.object, video.status, video.progress) == ("video", "queued", 0)
    assert (video.model, video.seconds, video.size, video.prompt) == ("sora-2", "8", "1280x720", "A lighthouse at dusk.")
    assert video.id.startswith("video_") and video.completed_at is None

    [rec] = server.requests_for("create")
    assert rec.fields == {"prompt": "A lighthouse at dusk.", "model": "sora-2", "seconds": "8", "size": "1280x720"}
    assert rec.files == {} and rec.had_auth and rec.headers["content-type"].startswith("multipart/form-data")
    assert API_KEY not in repr(server.requests)

    seen = []
    for _ in range(6):
        v = client.videos.retrieve(video.id)
        seen.append((v.status, v.progress))
        if v.status == "completed":
            break
    assert seen == [("queued", 0), ("in_progress", 33), ("in_progress", 66), ("completed", 100)]
    assert v.completed_at is not None and v.expires_at > v.completed_at


def test_defaults_are_the_hosted_services(server, client):
    video = client.videos.create(prompt="A cat.")
    assert (video.model, video.seconds, video.size) == ("sora-2", "4", "720x1280")
    assert server.requests_for("create")[0].fields == {"prompt": "A cat."}


def test_poll_honours_the_poll_after_header(server, client):
    video = client.videos.create(prompt="A cat.")
    started = time.monotonic()
    done = wait(client, video.id)
    # four GETs; at the SDK's default 1000 ms between them this would take 3 s
    assert done.status == "completed" and time.monotonic() - started < 1.0
    polls = server.requests_for("retrieve")
    assert len(polls) == 4 and all(r.headers.get("x-stainless-poll-helper") == "true" for r in polls)


def test_prompts_arrive_byte_for_byte(server, client):
    prompt = ('  Mara: "I knew you\'d come back."\r\nLine two\rcr only\n--boundary-like --\n'
              "Ünïcode — ✓ 日本語 \\ back\\slash \t tab\n\n")
    client.videos.create(prompt=prompt, model="sora-2-pro", size="1792x1024", seconds="12")
    assert server.requests_for("create")[0].fields["prompt"] == prompt
    video = completed(client, prompt="base")
    client.videos.remix(video.id, prompt=prompt)
    assert server.requests_for("remix")[0].json == {"prompt": prompt}


def test_create_with_an_input_reference_file(server, client, tmp_path):
    ref = png(tmp_path, "1280x720")
    with ref.open("rb") as f:
        video = client.videos.create(prompt="From this frame.", model="sora-2-pro", size="1280x720",
                                     seconds="4", input_reference=f)
    [rec] = server.requests_for("create")
    upload = rec.files["input_reference"]
    assert (upload.filename, upload.content_type, upload.data) == ("ref.png", "image/png", ref.read_bytes())
    assert "input_reference" not in rec.fields
    assert wait(client, video.id).status == "completed"


def test_an_input_reference_must_match_the_size_and_be_an_image(server, client, tmp_path):
    with pytest.raises(openai.BadRequestError) as err:
        with png(tmp_path, "640x360").open("rb") as f:
            client.videos.create(prompt="x", size="1280x720", input_reference=f)
    assert err.value.code == "invalid_value" and err.value.param == "input_reference"
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.create(prompt="x", input_reference=("notes.txt", b"not an image", "text/plain"))
    assert err.value.code == "unsupported_file_type"
    assert server.video_ids == []


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"prompt": "x", "seconds": "5"}, "seconds", "invalid_value"),
        ({"prompt": "x", "size": "1792x1024", "model": "sora-2"}, "size", "invalid_value"),
        ({"prompt": "x", "model": "veo-3"}, "model", "invalid_value"),
        ({"prompt": ""}, "prompt", "invalid_value"),
        ({"prompt": "x", "extra_body": {"seed": "1"}}, "seed", "unknown_parameter"),
    ],
)
def test_invalid_create_requests_are_400(server, client, params, param, code):
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.create(**params)
    assert (err.value.status_code, err.value.param, err.value.code) == (400, param, code)
    assert isinstance(err.value.body, dict) and err.value.body["message"]
    assert server.video_ids == []


def test_unknown_ids_are_404(server, client):
    for call in (lambda: client.videos.retrieve("video_nope"), lambda: client.videos.delete("video_nope"),
                 lambda: client.videos.remix("video_nope", prompt="x"),
                 lambda: client.videos.download_content("video_nope")):
        with pytest.raises(openai.NotFoundError) as err:
            call()
        assert err.value.code == "video_not_found"


def test_list_paginates_orders_and_delete_removes(server, client):
    ids = [client.videos.create(prompt=f"clip {i}").id for i in range(3)]
    assert [v.id for v in client.videos.list(limit=2)] == ids[::-1]  # auto-pagination, newest first
    assert len(server.requests_for("list")) == 2
    page = client.videos.list(limit=2, order="asc")
    assert [v.id for v in page.data] == ids[:2] and page.has_more
    with pytest.raises(openai.BadRequestError):  # still queued
        client.videos.delete(ids[0])
    wait(client, ids[0])
    deleted = client.videos.delete(ids[0])
    assert (deleted.id, deleted.deleted, deleted.object) == (ids[0], True, "video.deleted")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(ids[0])
    assert [v.id for v in client.videos.list()] == ids[:0:-1]


def test_remix_of_a_completed_video(server, client):
    source = completed(client, prompt="A red car.", model="sora-2-pro", size="1024x1792", seconds="12")
    remix = client.videos.remix(source.id, prompt="Make the car blue.")
    assert remix.remixed_from_video_id == source.id
    assert (remix.model, remix.size, remix.seconds, remix.status) == ("sora-2-pro", "1024x1792", "12", "queued")
    [rec] = server.requests_for("remix")
    assert rec.json == {"prompt": "Make the car blue."} and rec.path_id == source.id and rec.source_id == source.id
    assert rec.headers["content-type"] == "application/json"
    assert wait(client, remix.id).status == "completed"


def test_remix_of_an_unfinished_video_is_400(server, client):
    source = client.videos.create(prompt="A red car.")
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.remix(source.id, prompt="blue")
    assert err.value.code == "invalid_video_state"


def test_extend_takes_the_source_video_as_an_uploaded_file(server, client):
    source = completed(client, prompt="A train leaves.", model="sora-2-pro", size="1280x720", seconds="8")
    content = client.videos.download_content(source.id).content
    assert marked_video_id(content) == source.id

    ext = client.videos.extend(prompt="It enters a tunnel.", seconds="4", video=("source.mp4", content, "video/mp4"))
    assert (ext.seconds, ext.size, ext.model) == ("12", "1280x720", "sora-2-pro")  # the stitched total
    [rec] = server.requests_for("extend")
    assert rec.fields == {"prompt": "It enters a tunnel.", "seconds": "4"}
    upload = rec.files["video"]
    assert (upload.filename, upload.content_type, upload.data) == ("source.mp4", "video/mp4", content)
    assert rec.source_id == source.id
    assert wait(client, ext.id).status == "completed"
    duration, _, _ = probe_video(client.videos.download_content(ext.id).content)
    assert duration == pytest.approx(12, abs=0.1)


def test_extend_with_a_video_id_dict_fails_inside_the_sdk(server, client):
    source = completed(client, prompt="A train leaves.")
    with pytest.raises(RuntimeError, match="Expected entry at `video` to be bytes, an io.IOBase instance"):
        client.videos.extend(prompt="more", seconds="4", video={"id": source.id})
    assert server.requests_for("extend", include_faults=True) == []


def test_extend_measures_a_video_from_elsewhere(server, client, tmp_path):
    clip = tmp_path / "phone.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=12:duration=6", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", str(clip)])
    with clip.open("rb") as f:
        ext = client.videos.extend(prompt="The skater lands.", seconds="4", video=f)
    assert (ext.seconds, ext.size) == ("10", "320x180")
    [rec] = server.requests_for("extend")
    assert rec.files["video"].filename == "phone.mp4" and rec.source_id is None


def test_extensions_are_limited(server, client):
    source = completed(client, prompt="A train leaves.", seconds="20")
    content = client.videos.download_content(source.id).content
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.extend(prompt="x", seconds="6", video=content)
    assert err.value.param == "seconds"
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.extend(prompt="x", seconds="4", video=b"not a video")
    assert err.value.code == "unsupported_file_type"


def test_downloads_are_real_media(server, client):
    video = completed(client, prompt="A lighthouse.", model="sora-2-pro", size="1280x720", seconds="4")
    mp4 = client.videos.download_content(video.id).content
    assert len(mp4) > 1000 and is_mp4(mp4)
    kinds = [kind for kind, _ in mp4_boxes(mp4)]
    assert kinds[0] == b"ftyp" and b"moov" in kinds and b"mdat" in kinds
    width, height = server.render_dimensions("1280x720")
    assert (width, height) == (160, 90) and server.rendered == {(4, "1280x720"): (160, 90)}
    duration, w, h = probe_video(mp4)
    assert duration == pytest.approx(4, abs=0.1) and (w, h) == (width, height)

    thumb = client.videos.download_content(video.id, variant="thumbnail").content
    assert image_info(thumb) == ("jpeg", width, height)
    sprite = client.videos.download_content(video.id, variant="spritesheet").content
    assert image_info(sprite)[0] == "jpeg"
    with pytest.raises(openai.BadRequestError):
        client.videos.with_raw_response.download_content(video.id, extra_query={"variant": "gif"})


def test_download_before_completion_is_400(server, client):
    video = client.videos.create(prompt="A lighthouse.")
    with pytest.raises(openai.BadRequestError) as err:
        client.videos.download_content(video.id)
    assert err.value.code == "video_not_ready"


def test_a_failed_job_is_returned_by_poll_not_raised(server, client):
    video = client.videos.create(prompt="A lighthouse. [[fail]]")
    done = wait(client, video.id)
    assert done.status == "failed" and done.error.code == "video_generation_failed" and done.error.message
    with pytest.raises(openai.BadRequestError):
        client.videos.download_content(video.id)


def test_a_hanging_job_needs_a_deadline(server, client):
    video = client.videos.create(prompt="A lighthouse. [[hang]]")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        polling = pool.submit(client.videos.poll, video.id)
        try:
            with pytest.raises(TimeoutError):
                polling.result(timeout=0.3)  # poll itself would never give up
            assert server.video(video.id)["status"] == "in_progress"
            assert len(server.requests_for("retrieve")) >= 3
        finally:
            server.release(video.id)  # end the SDK's loop before leaving the test
        assert polling.result(timeout=5).status == "completed"


@pytest.mark.parametrize("status", [500, 429])
def test_the_sdk_retries_the_first_failures(status):
    with VideoServer(fail_first=2, fail_status=status) as server, \
            OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=2) as client:
        video = client.videos.create(prompt="A cat.")
        attempts = server.requests_for("create", include_faults=True)
        assert [(r.status, r.fault, r.headers["x-stainless-retry-count"]) for r in attempts] == [
            (status, True, "0"), (status, True, "1"), (200, False, "2")]
        assert server.video_ids == [video.id] and server.faults_served == 2


def test_a_lost_response_makes_the_sdk_pay_twice():
    """No idempotency key: a retried POST whose first answer was lost creates a second job."""
    with VideoServer(fail_first=1, fail_after_commit=True, fail_routes={"create"}) as server, \
            OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=2) as client:
        video = client.videos.create(prompt="A cat.")
        assert len(server.video_ids) == 2 and video.id == server.video_ids[1]
        assert all("idempotency-key" not in r.headers for r in server.requests)


def test_errors_without_retries_raise_the_matching_sdk_error():
    with VideoServer(fail_first=1, fail_status=429) as server, \
            OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as client:
        with pytest.raises(openai.RateLimitError):
            client.videos.list()
        assert client.videos.list().data == []


def _raw(server: VideoServer, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    req = urllib.request.Request(server.base_url + path, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


def test_raw_http_errors(server):
    auth = {"Authorization": "Bearer x"}
    status, body = _raw(server, "GET", "/videos")
    assert status == 401 and set(body["error"]) == {"message", "type", "param", "code"}
    assert _raw(server, "GET", "/nothing", headers=auth)[0] == 404
    assert _raw(server, "PUT", "/videos", headers=auth)[0] == 405
    bad = {**auth, "Content-Type": "multipart/form-data; boundary=abc"}
    status, body = _raw(server, "POST", "/videos", b"--abc\r\nno header end", bad)
    assert status == 400 and body["error"]["type"] == "invalid_request_error"
    ok = b'--abc\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhi\r\n--abc--\r\n'
    status, body = _raw(server, "POST", "/videos", ok, bad)
    assert status == 200 and body["object"] == "video" and body["prompt"] == "hi"
    dup = ok.replace(b"--abc--", b'--abc\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nho\r\n--abc--')
    assert _raw(server, "POST", "/videos", dup, bad)[1]["error"]["code"] == "duplicate_parameter"
    assert [r.had_auth for r in server.requests] == [False, True, True, True, True, True]
