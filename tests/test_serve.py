"""The built-in animatic server (`sorascript.serve`) over real HTTP on 127.0.0.1,
through the real `openai` SDK (and raw httpx for what the SDK does not send)."""

from __future__ import annotations

import json
import sqlite3
import time

import httpx2 as httpx
import openai
import pytest

from conftest import png_bytes
from servetools import client, frames, near, probe
from sorascript.serve import AnimaticServer, ServerOptions
from sorascript.serve.draw import Layout
from videoserver import SORA_DEPRECATION_FILTER

pytestmark = pytest.mark.filterwarnings(SORA_DEPRECATION_FILTER)

SMALL = "128x96"  # for tests where the picture does not matter


@pytest.fixture(scope="module")
def server():
    """One server for the tests that look only at their own jobs (a server takes 0.2 s to stop)."""
    with AnimaticServer(ServerOptions(latency=0.3)) as running:
        yield running


@pytest.fixture
def fresh():
    """A server of one's own, for tests that count or list everything."""
    with AnimaticServer(ServerOptions(latency=0.3)) as running:
        yield running


@pytest.fixture
def fresh_sdk(fresh):
    with client(fresh) as sdk:
        yield sdk


@pytest.fixture
def sdk(server):
    with client(server) as sdk:
        yield sdk


def finish(sdk, video_id: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        video = sdk.videos.retrieve(video_id)
        if video.status in ("completed", "failed"):
            return video
        assert time.monotonic() < deadline, f"{video_id} still {video.status}"
        time.sleep(0.05)


def form(**values) -> dict:
    """Multipart text fields for httpx."""
    return {name: (None, str(value)) for name, value in values.items()}


# --------------------------------------------------------------------------
# create, retrieve, content


def test_create_through_the_sdk_renders_the_requested_clip(sdk, server):
    video = sdk.videos.create(prompt="A lonely oak in a meadow.", model="sora-2", size="480x832", seconds="4")
    assert video.object == "video" and video.id.startswith("video_")
    assert (video.status, video.progress, video.model, video.size, video.seconds) == ("queued", 0, "sora-2", "480x832", "4")
    assert video.prompt == "A lonely oak in a meadow." and video.error is None and video.completed_at is None
    done = sdk.videos.poll(video.id)
    assert done.status == "completed" and done.progress == 100
    assert done.created_at <= done.completed_at < done.expires_at
    clip = probe(sdk.videos.download_content(done.id).read())
    assert (clip.width, clip.height, clip.fps, clip.frames) == (480, 832, 24.0, 96)
    assert clip.has_audio and clip.audio_codec == "aac" and clip.audio_rate == 48000
    assert "yuv420p" in clip.report


def test_defaults_are_the_apis(sdk):
    video = finish(sdk, sdk.videos.create(prompt="defaults").id)
    assert (video.model, video.size, video.seconds) == ("sora-2", "720x1280", "4")


def test_status_goes_queued_in_progress_completed_over_the_latency():
    with AnimaticServer(ServerOptions(latency=1.0)) as server, client(server) as sdk:
        video = sdk.videos.create(prompt="timing", size=SMALL, seconds="1")
        seen = []
        while True:
            raw = sdk.videos.with_raw_response.retrieve(video.id)
            current = raw.parse()
            seen.append((current.status, current.progress))
            assert raw.headers["openai-poll-after-ms"] == "100"
            if current.status == "completed":
                break
            time.sleep(0.04)
        elapsed = time.time() - video.created_at
    statuses = [s for s, _ in seen]
    assert statuses[0] == "queued" and "in_progress" in statuses and statuses[-1] == "completed"
    assert statuses == sorted(statuses, key=["queued", "in_progress", "completed"].index)
    progress = [p for s, p in seen if s == "in_progress"]
    assert progress == sorted(progress) and 0 < progress[0] and progress[-1] < 100
    assert elapsed >= 0.95


def test_create_with_a_json_body_and_extra_fields(sdk, server):
    animatic = {"name": "handover", "palette": ["#e8913a", "#2f5d62", "#f2c230"],
                "beats": [{"start_s": 0, "end_s": 1, "text": "Ines takes the watch out"}]}
    body = {"prompt": "Ines hands over the watch.", "model": "wan-2.1-t2v-1.3b", "size": "160x96", "seconds": 1,
            "fps": 16, "num_frames": 17, "negative_prompt": "blur", "seed": 7, "num_inference_steps": 30,
            "guidance_scale": 5.0, "flow_shift": 3, "sorac_animatic": animatic}
    answer = httpx.post(server.base_url + "/videos", json=body)
    assert answer.status_code == 200, answer.text
    video = answer.json()
    assert (video["model"], video["size"], video["seconds"], video["status"]) == ("wan-2.1-t2v-1.3b", "160x96", "1", "queued")
    stored = server.job(video["id"])
    assert stored["request"]["fields"]["flow_shift"] == 3 and stored["request"]["fields"]["seed"] == 7
    assert stored["clip"]["script"]["name"] == "handover"
    done = finish(sdk, video["id"])
    clip = probe(sdk.videos.download_content(done.id).read())
    assert (clip.frames, clip.fps) == (17, 16.0)


def test_num_frames_at_fps_is_exact(sdk, server):
    video = sdk.videos.create(prompt="Wan's 81 frames", size="160x96", seconds="6",
                              extra_body={"fps": 16, "num_frames": 81})
    assert video.seconds == "6"  # as the request said; the clip is 81 frames
    clip = probe(sdk.videos.download_content(finish(sdk, video.id).id).read())
    assert (clip.frames, clip.fps) == (81, 16.0) and clip.seconds == pytest.approx(5.0625)


def test_num_frames_alone_is_at_24_fps_and_reports_its_length(server):
    answer = httpx.post(server.base_url + "/videos", files=form(prompt="p", size=SMALL, num_frames=36))
    assert answer.json()["seconds"] == "1.5"


def test_content_is_404_until_completed_then_all_variants(sdk, server):
    video = sdk.videos.create(prompt="wait for it", size="160x96", seconds="2")
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.videos.download_content(video.id)
    assert caught.value.code == "video_not_ready" and "not ready" in caught.value.message
    finish(sdk, video.id)
    from io import BytesIO

    from PIL import Image

    thumbnail = Image.open(BytesIO(sdk.videos.download_content(video.id, variant="thumbnail").read()))
    sprites = Image.open(BytesIO(sdk.videos.download_content(video.id, variant="spritesheet").read()))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (160, 96))
    assert sprites.format == "JPEG" and sprites.size == (2 * 160, 96)  # a frame a second, 160 wide tiles
    bad = httpx.get(f"{server.base_url}/videos/{video.id}/content", params={"variant": "gif"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "variant"


def test_input_reference_is_the_first_frames_background(sdk, server):
    reference = png_bytes(240, 320)  # grey 0x80
    video = sdk.videos.create(prompt="from a still", size="240x320", seconds="1",
                              input_reference=("still.png", reference, "image/png"))
    data = sdk.videos.download_content(finish(sdk, video.id).id).read()
    shots = frames(data, [0, 5])
    y = Layout(240, 320, 0).clear_y
    assert near(shots[0].getpixel((120, y)), (128, 128, 128))
    assert near(shots[5].getpixel((120, y)), (48, 48, 48))  # then the neutral background: no palette


def test_unknown_ids_are_404(sdk, server):
    for call in (lambda: sdk.videos.retrieve("video_nope"), lambda: sdk.videos.delete("video_nope"),
                 lambda: sdk.videos.download_content("video_nope"), lambda: sdk.videos.remix("video_nope", prompt="x"),
                 lambda: sdk.videos.get_character("char_nope")):
        with pytest.raises(openai.NotFoundError) as caught:
            call()
        assert caught.value.code in ("video_not_found", "character_not_found")


# --------------------------------------------------------------------------
# list, delete


def test_list_pages_in_both_orders(fresh, fresh_sdk):
    server, sdk = fresh, fresh_sdk
    made = [sdk.videos.create(prompt=f"job {i}", size=SMALL, seconds="1").id for i in range(5)]
    page = sdk.videos.list(limit=2, order="asc")
    assert [v.id for v in page.data] == made[:2] and page.has_more and page.last_id == made[1]
    raw = httpx.get(server.base_url + "/videos", params={"limit": 2, "order": "asc", "after": made[1]}).json()
    assert raw["object"] == "list" and [v["id"] for v in raw["data"]] == made[2:4]
    assert (raw["first_id"], raw["last_id"], raw["has_more"]) == (made[2], made[3], True)
    assert [v.id for v in sdk.videos.list(limit=2, order="asc")] == made  # the SDK follows the cursor
    assert [v.id for v in sdk.videos.list()] == made[::-1]  # newest first by default
    sdk.videos.delete(made[2])
    after_deleted = httpx.get(server.base_url + "/videos", params={"order": "asc", "after": made[2]}).json()
    assert [v["id"] for v in after_deleted["data"]] == made[3:]  # a deleted cursor still works
    assert made[2] not in [v.id for v in sdk.videos.list()]


def test_delete(sdk, server):
    video = sdk.videos.create(prompt="short-lived", size=SMALL, seconds="1")
    deleted = sdk.videos.delete(video.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (video.id, True, "video.deleted")
    with pytest.raises(openai.NotFoundError):
        sdk.videos.retrieve(video.id)
    with pytest.raises(openai.NotFoundError):
        sdk.videos.delete(video.id)


# --------------------------------------------------------------------------
# remix, extensions, characters


def test_remix_of_a_completed_video(sdk, server):
    source = sdk.videos.create(prompt="Day: the diner.", size="160x96", seconds="2")
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.remix(source.id, prompt="Night: the diner.")
    assert caught.value.code == "invalid_video_state"
    finish(sdk, source.id)
    remix = sdk.videos.remix(source.id, prompt="Night: the diner.")
    assert remix.remixed_from_video_id == source.id
    assert (remix.size, remix.seconds, remix.model, remix.prompt) == ("160x96", "2", "sora-2", "Night: the diner.")
    clip = probe(sdk.videos.download_content(finish(sdk, remix.id).id).read())
    assert (clip.width, clip.height, clip.frames) == (160, 96, 48)
    assert server.job(remix.id)["clip"]["script"]["title"] == "Night: the diner."


def test_extension_appends_to_the_uploaded_video(sdk, server):
    red, blue = json.dumps({"palette": ["#c81e1e"]}), json.dumps({"palette": ["#1e3cc8"]})
    source = sdk.videos.create(prompt="The first two seconds.", size="160x96", seconds="2",
                               extra_body={"sorac_animatic": red})
    original = sdk.videos.download_content(finish(sdk, source.id).id).read()
    extended = sdk.videos.extend(prompt="Two more.", seconds="2", video=("source.mp4", original, "video/mp4"),
                                 extra_body={"sorac_animatic": blue})
    assert extended.seconds == "4" and extended.size == "160x96"  # the stitched total
    stitched = sdk.videos.download_content(finish(sdk, extended.id).id).read()
    clip = probe(stitched)
    assert (clip.width, clip.height, clip.frames, clip.fps) == (160, 96, 96, 24.0) and clip.has_audio
    shots = frames(stitched, [10, 47, 48, 90])
    bottom = (80, 93)  # below everything drawn on a frame this small
    assert near(shots[10].getpixel(bottom), (200, 30, 30)) and near(shots[47].getpixel(bottom), (200, 30, 30))
    assert near(shots[48].getpixel(bottom), (30, 60, 200)) and near(shots[90].getpixel(bottom), (30, 60, 200))
    again = sdk.videos.extend(prompt="And two more.", seconds="2", video=("x.mp4", stitched, "video/mp4"))
    assert again.seconds == "6"
    assert server.job(again.id)["extensions"] == 2


def test_extension_by_id_with_a_json_body(sdk, server):
    source = finish(sdk, sdk.videos.create(prompt="source", size="160x96", seconds="1").id)
    answer = httpx.post(server.base_url + "/videos/extensions",
                        json={"prompt": "more", "seconds": "1", "video": {"id": source.id}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["seconds"] == "2"


def test_extension_inputs_are_checked(sdk, server):
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.extend(prompt="more", seconds="4", video=("notes.txt", b"not a video", "text/plain"))
    assert caught.value.code == "unsupported_file_type"
    source = finish(sdk, sdk.videos.create(prompt="source", size="160x96", seconds="1").id)
    data = sdk.videos.download_content(source.id).read()
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.extend(prompt="more", seconds="21", video=("a.mp4", data, "video/mp4"))
    assert caught.value.param == "seconds"
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.extend(prompt="more", seconds="4", video=("a.mp4", data[:2000], "video/mp4"))
    assert caught.value.param == "video"


def test_extension_limits(sdk, server, monkeypatch):
    from sorascript.serve import jobs

    long = sdk.videos.create(prompt="a long one", size="16x16", seconds="101", extra_body={"fps": 1})
    data = sdk.videos.download_content(finish(sdk, long.id).id).read()
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.extend(prompt="too long", seconds="20", video=("a.mp4", data, "video/mp4"))
    assert caught.value.param == "seconds" and "121" in caught.value.message and "120" in caught.value.message
    monkeypatch.setattr(jobs, "MAX_EXTENSIONS", 1)
    once = sdk.videos.extend(prompt="once", seconds="4", video=("a.mp4", data, "video/mp4"))
    twice = sdk.videos.download_content(finish(sdk, once.id).id).read()
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.extend(prompt="twice", seconds="4", video=("b.mp4", twice, "video/mp4"))
    assert "extended 1 times already" in caught.value.message


def test_characters(sdk, server):
    clip = sdk.videos.download_content(finish(sdk, sdk.videos.create(prompt="cameo", size=SMALL, seconds="1").id).id).read()
    character = sdk.videos.create_character(name="Mara", video=("mara.mp4", clip, "video/mp4"))
    assert character.id.startswith("char_") and character.name == "Mara" and character.created_at > 0
    fetched = sdk.videos.get_character(character.id)
    assert (fetched.id, fetched.name, fetched.created_at) == (character.id, "Mara", character.created_at)
    with pytest.raises(openai.BadRequestError):
        sdk.videos.create_character(name="Theo", video=("theo.txt", b"text", "text/plain"))
    with pytest.raises(openai.BadRequestError):
        sdk.videos.create_character(name="  ", video=("mara.mp4", clip, "video/mp4"))


# --------------------------------------------------------------------------
# bad requests: 400s that say what is wrong


BAD_CREATES = [
    ({"size": SMALL}, "missing_required_parameter", "prompt", "Missing required parameter: 'prompt'"),
    ({"prompt": "  "}, "invalid_value", "prompt", "must not be empty"),
    ({"prompt": "p", "size": "1281x720"}, "invalid_value", "size", "even numbers"),
    ({"prompt": "p", "size": "wide"}, "invalid_value", "size", "WIDTHxHEIGHT"),
    ({"prompt": "p", "size": "8192x8192"}, "invalid_value", "size", "from 16 to 4096"),
    ({"prompt": "p", "seconds": "0"}, "invalid_value", "seconds", "between"),
    ({"prompt": "p", "seconds": "four"}, "invalid_value", "seconds", "is not a number"),
    ({"prompt": "p", "seconds": "500"}, "invalid_value", "seconds", "between"),
    ({"prompt": "p", "fps": "0"}, "invalid_value", "fps", "between 1 and 120"),
    ({"prompt": "p", "fps": "23.976"}, "invalid_value", "fps", "whole number"),
    ({"prompt": "p", "num_frames": "many"}, "invalid_value", "num_frames", "whole number"),
    ({"prompt": "p", "fps": "1", "num_frames": "200"}, "invalid_value", "num_frames", "longer than 120 seconds"),
    ({"prompt": "p", "seed": "lucky"}, "invalid_value", "seed", "whole number"),
    ({"prompt": "p", "sorac_animatic": "{not json"}, "invalid_value", "sorac_animatic", "is not valid JSON"),
    ({"prompt": "p", "sorac_animatic": "[1]"}, "invalid_value", "sorac_animatic", "must be a JSON object"),
    ({"prompt": "p", "sorac_animatic": '{"beats": [{"text": "x"}]}'}, "invalid_value", "sorac_animatic",
     "beats[0].start_s is missing"),
    ({"prompt": "p", "sorac_animatic": '{"beats": [{"start_s": 2, "end_s": 1, "text": "x"}]}'}, "invalid_value",
     "sorac_animatic", "beats[0].end_s (1) is before its start_s (2)"),
    ({"prompt": "p", "sorac_animatic": '{"palette": ["#zzzzzz"]}'}, "invalid_value", "sorac_animatic", "palette[0]"),
    ({"prompt": "p", "sorac_animatic": '{"lines": [{"start_s": 0, "text": 5}]}'}, "invalid_value", "sorac_animatic",
     "lines[0].text must be a string"),
]


@pytest.mark.parametrize("fields, code, param, words", BAD_CREATES, ids=[f"{b[2]}-{i}" for i, b in enumerate(BAD_CREATES)])
def test_bad_creates_are_400_with_a_message(server, fields, code, param, words):
    answer = httpx.post(server.base_url + "/videos", files=form(**fields))
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["param"], error["type"]) == (code, param, "invalid_request_error")
    assert words in error["message"]


def test_bad_reference_images(sdk, server):
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.create(prompt="p", size="160x96", input_reference=("a.png", b"GIF89a....", "image/gif"))
    assert caught.value.code == "unsupported_file_type"
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.videos.create(prompt="p", size="160x96", input_reference=("a.png", png_bytes(96, 160), "image/png"))
    assert "96x160" in caught.value.message and "160x96" in caught.value.message
    answer = httpx.post(server.base_url + "/videos", json={"prompt": "p", "input_reference": {"image_url": "x"}})
    assert answer.status_code == 400 and "multipart" in answer.json()["error"]["message"]


def test_other_bad_requests(server):
    base = server.base_url
    cases = [
        (httpx.get(base + "/videos", params={"limit": 0}), 400, "limit"),
        (httpx.get(base + "/videos", params={"order": "up"}), 400, "order"),
        (httpx.get(base + "/videos", params={"after": "video_unknown"}), 404, "after"),
        (httpx.post(base + "/videos", content=b"[1, 2]", headers={"content-type": "application/json"}), 400, None),
        (httpx.post(base + "/videos", content=b"{oops", headers={"content-type": "application/json"}), 400, None),
        (httpx.post(base + "/videos", content=b"prompt", headers={"content-type": "text/plain"}), 415, None),
        (httpx.post(base + "/videos", files={"prompt": (None, "a"), "size": (None, SMALL), "seconds": (None, "1")},
                    data={"prompt": "b"}), 400, "prompt"),
        (httpx.get(base + "/nothing-here"), 404, None),
        (httpx.put(base + "/videos"), 405, None),
    ]
    for answer, status, param in cases:
        assert answer.status_code == status, (answer.request.url, answer.text)
        error = answer.json()["error"]
        assert error["message"] and error["param"] == param


def test_unknown_fields_are_kept_and_ignored(server):
    answer = httpx.post(server.base_url + "/videos", files=form(prompt="p", size=SMALL, seconds=1, generate_sound="true",
                                                                n=1, negative_prompt="blur"))
    assert answer.status_code == 200, answer.text
    fields = server.job(answer.json()["id"])["request"]["fields"]
    assert fields["generate_sound"] == "true" and fields["negative_prompt"] == "blur"


# --------------------------------------------------------------------------
# state, secrets, stats


def test_the_authorization_header_is_never_stored(tmp_path):
    secret = "sk-test-do-not-store-0123456789"
    with AnimaticServer(ServerOptions(latency=0, state=tmp_path / "state.sqlite")) as server:
        with openai.OpenAI(base_url=server.base_url, api_key=secret, max_retries=0) as sdk:
            finish(sdk, sdk.videos.create(prompt="secretive", size=SMALL, seconds="1").id)
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert any(p.name == "state.sqlite" for p in files)
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


def test_state_is_sqlite_in_wal_mode(tmp_path):
    state = tmp_path / "jobs.sqlite"
    with AnimaticServer(ServerOptions(latency=0, state=state)) as server, client(server) as sdk:
        sdk.videos.create(prompt="p", size=SMALL, seconds="1")
        assert server.media_folder == tmp_path / "jobs.sqlite.media"
        with sqlite3.connect(state) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert db.execute("SELECT prompt FROM videos").fetchall() == [("p",)]


def test_a_temporary_state_is_removed_on_stop():
    server = AnimaticServer(ServerOptions(latency=0)).start()
    folder = server.state_file.parent
    assert folder.is_dir()
    server.stop()
    assert not folder.exists()


def test_stats_count_requests_per_route_and_duplicates(fresh, fresh_sdk):
    server, sdk = fresh, fresh_sdk
    first = sdk.videos.create(prompt="the same", size=SMALL, seconds="1")
    sdk.videos.create(prompt="the same", size=SMALL, seconds="1")
    sdk.videos.create(prompt="another", size=SMALL, seconds="1")
    sdk.videos.retrieve(first.id)
    sdk.videos.list()
    stats = server.stats()
    assert stats.received == {"create": 3, "retrieve": 1, "list": 1}
    assert stats.made == {"create": 3} and stats.duplicates == 1 and stats.faults == {}


def test_two_servers_make_the_same_bytes_for_the_same_request():
    animatic = json.dumps({"name": "same", "palette": ["#b3122e", "#1f4fd1"],
                           "beats": [{"start_s": 0, "end_s": 1, "text": "one"}, {"start_s": 1, "end_s": 2, "text": "two"}],
                           "lines": [{"start_s": 0.5, "end_s": 1.5, "speaker": "Mara", "text": "Hello."}],
                           "moves": [{"start_s": 0, "end_s": 2, "text": "pan left 30 degrees"}]})
    made = []
    for _ in range(2):
        with AnimaticServer(ServerOptions(latency=0)) as server, client(server) as sdk:
            video = sdk.videos.create(prompt="determinism", size="320x180", seconds="2",
                                      extra_body={"sorac_animatic": animatic})
            finish(sdk, video.id)
            made.append([sdk.videos.download_content(video.id, variant=v).read()
                         for v in ("video", "thumbnail", "spritesheet")])
    assert made[0] == made[1]
