"""Fault injection of the built-in server, and its state across restarts, through the real SDK and raw httpx."""

from __future__ import annotations

import threading
import time

import httpx2 as httpx
import openai
import pytest

from servetools import client, probe
from sorascript.serve import AnimaticServer, Fault, OptionsError, ServerOptions, parse_fault
from videoserver import SORA_DEPRECATION_FILTER

pytestmark = pytest.mark.filterwarnings(SORA_DEPRECATION_FILTER)

SMALL = "128x96"


def serve(**options) -> AnimaticServer:
    return AnimaticServer(ServerOptions(**{"latency": 0.2, **options}))


def create(sdk, prompt: str = "a job", **kwargs):
    return sdk.videos.create(prompt=prompt, size=SMALL, seconds="1", **kwargs)


def finish(sdk, video_id: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        video = sdk.videos.retrieve(video_id)
        if video.status in ("completed", "failed"):
            return video
        assert time.monotonic() < deadline, f"{video_id} still {video.status}"
        time.sleep(0.05)


# --------------------------------------------------------------------------
# answers that go wrong


def test_429_with_retry_after_then_through():
    with serve(faults=(Fault("429", count=2, seconds=0.05),)) as server, client(server) as sdk:
        with pytest.raises(openai.RateLimitError) as caught:
            create(sdk)
        assert caught.value.response.headers["retry-after"] == "1"
        assert caught.value.response.headers["retry-after-ms"] == "50"
        assert caught.value.code == "rate_limit_exceeded"
        with client(server, max_retries=2) as patient:
            video = create(patient)  # the SDK waits retry-after-ms and tries again
        assert finish(sdk, video.id).status == "completed"
        stats = server.stats()
        assert stats.received["create"] == 3 and stats.faults == {"429": 2} and stats.made == {"create": 1}


def test_500s_on_a_chosen_route():
    with serve(faults=(Fault("500", count=1, routes=("retrieve",)),)) as server, client(server) as sdk:
        video = create(sdk)
        with pytest.raises(openai.InternalServerError):
            sdk.videos.retrieve(video.id)
        assert sdk.videos.retrieve(video.id).id == video.id
        assert server.stats().faults == {"500": 1}


def test_after_lets_the_first_requests_through():
    with serve(faults=(Fault("500", count=1, after=1),)) as server, client(server) as sdk:
        create(sdk, "first")
        with pytest.raises(openai.InternalServerError):
            create(sdk, "second")
        create(sdk, "third")
        assert server.stats().made == {"create": 2}


def test_faults_take_turns_in_order():
    with serve(faults=(Fault("500"), Fault("429", seconds=0))) as server, client(server) as sdk:
        with pytest.raises(openai.InternalServerError):
            create(sdk)
        with pytest.raises(openai.RateLimitError):
            create(sdk)
        create(sdk)
        assert server.stats().faults == {"500": 1, "429": 1}


def test_slow_answers():
    with serve(faults=(Fault("slow", seconds=0.6, routes=("retrieve",)),)) as server, client(server) as sdk:
        video = create(sdk)
        with pytest.raises(openai.APITimeoutError):
            sdk.videos.retrieve(video.id, timeout=0.2)
        started = time.monotonic()
        sdk.videos.retrieve(video.id)  # the one slow answer was the one that timed out
        assert time.monotonic() - started < 0.5
    with serve(faults=(Fault("slow", seconds=0.3, count=None, routes=("*",)),)) as server, client(server) as sdk:
        started = time.monotonic()
        sdk.videos.list()
        sdk.videos.list()
        assert time.monotonic() - started >= 0.6


def test_a_dropped_connection_records_nothing():
    with serve(faults=(Fault("drop"),)) as server, client(server) as sdk:
        with pytest.raises(openai.APIConnectionError):
            create(sdk, "never arrives")
        assert sdk.videos.list().data == []
        stats = server.stats()
        assert stats.received["create"] == 1 and stats.made == {} and stats.faults == {"drop": 1}
        raw = httpx.post(server.base_url + "/videos", files={"prompt": (None, "now it does"), "size": (None, SMALL)})
        assert raw.status_code == 200


def test_a_lost_answer_after_the_job_was_recorded():
    """The case of the renderer's journal: the server accepted the job, the answer never came.
    The job is in the server's list (by prompt and time), runs, and completes; one job, not two."""
    with serve(faults=(Fault("lost"),)) as server, client(server) as sdk:
        before = int(time.time())
        with pytest.raises(openai.APIConnectionError):
            create(sdk, "the lost one")
        found = [v for v in sdk.videos.list() if v.prompt == "the lost one" and v.created_at >= before]
        assert len(found) == 1
        assert finish(sdk, found[0].id).status == "completed"
        assert server.stats().made == {"create": 1} and server.stats().duplicates == 0


def test_the_sdks_own_retry_after_a_lost_answer_pays_twice():
    """Why a renderer must not let the SDK retry creates: it sends no idempotency key."""
    with serve(faults=(Fault("lost"),)) as server, client(server, max_retries=1) as sdk:
        create(sdk, "retried")
        stats = server.stats()
        assert stats.made == {"create": 2} and stats.duplicates == 1


def test_a_drop_sends_not_one_byte():
    # the drop reaches the transport through uvicorn's bound `send` (faults.py): if uvicorn changes
    # that, this fails rather than answering 500 in silence
    import socket

    with serve(faults=(Fault("drop", routes=("list",)),)) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET /v1/videos HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(100) == b""


# --------------------------------------------------------------------------
# jobs that fail


def test_fail_rate_one_fails_every_job_with_a_reason():
    with serve(fail_rate=1.0) as server, client(server) as sdk:
        video = finish(sdk, create(sdk).id)
        assert video.status == "failed" and video.error.code == "animatic_failed"
        assert "fail rate 1" in video.error.message
        with pytest.raises(openai.NotFoundError) as caught:
            sdk.videos.download_content(video.id)
        assert "failed" in caught.value.message


def _outcomes(seed: int) -> list[str]:
    with serve(latency=0, fail_rate=0.5, seed=seed) as server, client(server) as sdk:
        ids = [create(sdk, f"job {i}").id for i in range(12)] + [create(sdk, "job 0").id]
        return [finish(sdk, i).status for i in ids]


def test_fail_rate_is_deterministic_given_the_seed():
    first, again, other = _outcomes(1), _outcomes(1), _outcomes(2)
    assert first == again
    assert 0 < first.count("failed") < len(first)
    assert first != other
    assert "failed" in first[:12] and "completed" in first[:12]


def test_a_render_that_fails_fails_its_job_and_is_tried_again(monkeypatch):
    from sorascript.serve import media

    real, calls = media.encode, []

    def broken_once(painter, out, processes):
        calls.append(out)
        if len(calls) == 1:
            raise media.MediaError("ffmpeg exited with 1: a simulated encoder crash")
        real(painter, out, processes)

    monkeypatch.setattr(media, "encode", broken_once)
    with serve(latency=0) as server, client(server) as sdk:
        failed = finish(sdk, create(sdk, "the same shot").id)
        assert failed.status == "failed" and failed.error.code == "render_failed"
        assert "simulated encoder crash" in failed.error.message
        assert finish(sdk, create(sdk, "the same shot").id).status == "completed"
        assert len(calls) == 2


def test_a_prompt_can_ask_for_failure():
    with serve(fail_prompts=("[[fail]]",)) as server, client(server) as sdk:
        failed = finish(sdk, create(sdk, "this one [[fail]]").id)
        fine = finish(sdk, create(sdk, "this one").id)
        assert (failed.status, fine.status) == ("failed", "completed")
        assert "[[fail]]" in failed.error.message


# --------------------------------------------------------------------------
# restarts keep the jobs


def test_restart_keeps_jobs_and_finishes_the_unfinished(tmp_path):
    server = serve(latency=1.0, state=tmp_path / "state.sqlite").start()
    try:
        with client(server) as sdk:
            done = create(sdk, "finished before")
            time.sleep(1.1)
            assert finish(sdk, done.id).status == "completed"
            pending = create(sdk, "unfinished at the restart")
            assert sdk.videos.retrieve(pending.id).status in ("queued", "in_progress")
            port = server.port
        server.restart()
        assert server.port == port
        with client(server) as sdk:
            assert sdk.videos.retrieve(done.id).status == "completed"
            again = sdk.videos.retrieve(pending.id)
            assert again.id == pending.id and again.status in ("queued", "in_progress")
            assert finish(sdk, pending.id).status == "completed"
            assert {v.id for v in sdk.videos.list()} == {done.id, pending.id}
            assert probe(sdk.videos.download_content(pending.id).read()).frames == 24
    finally:
        server.stop()
    assert (tmp_path / "state.sqlite").exists()  # a state file outlives its server


def test_a_new_server_on_the_same_state_file(tmp_path):
    state = tmp_path / "state.sqlite"
    with serve(latency=0, state=state) as first, client(first) as sdk:
        video = finish(sdk, create(sdk, "kept").id)
        data = sdk.videos.download_content(video.id).read()
    with serve(latency=0, state=state) as second, client(second) as sdk:
        assert sdk.videos.retrieve(video.id).status == "completed"
        assert sdk.videos.download_content(video.id).read() == data
        assert second.stats().made == {}  # nothing rendered or made again


def test_a_restart_while_the_client_polls(tmp_path):
    server = serve(latency=0.6, state=tmp_path / "state.sqlite").start()
    try:
        with client(server, max_retries=5) as sdk:  # connection errors during the restart are retried
            video = create(sdk, "across a restart")
            restart = threading.Timer(0.2, server.restart)
            restart.start()
            assert finish(sdk, video.id).status == "completed"
            restart.join()
    finally:
        server.stop()


def test_a_temporary_state_survives_restart_too():
    server = serve(latency=0).start()
    try:
        with client(server) as sdk:
            video = finish(sdk, create(sdk).id)
        server.restart()
        with client(server) as sdk:
            assert sdk.videos.retrieve(video.id).status == "completed"
    finally:
        server.stop()


# --------------------------------------------------------------------------
# options


@pytest.mark.parametrize("spec, fault", [
    ("429", Fault("429")),
    ("429:count=3,seconds=0.2", Fault("429", count=3, seconds=0.2)),
    ("500:routes=retrieve+list", Fault("500", routes=("retrieve", "list"))),
    ("slow:seconds=1.5,count=all,routes=*", Fault("slow", count=None, seconds=1.5, routes=("*",))),
    ("lost:after=1", Fault("lost", after=1)),
])
def test_fault_specs(spec, fault):
    assert parse_fault(spec) == fault


@pytest.mark.parametrize("spec, words", [
    ("418", "unknown fault kind '418'"),
    ("429:count=0", "count must be a whole number >= 1"),
    ("429:count=x", "count cannot be 'x'"),
    ("500:routes=upload", "unknown route 'upload'"),
    ("slow:seconds=-1", "between 0 and 600"),
    ("drop:often", "'often' is not key=value"),
    ("drop:when=now", "unknown key 'when'"),
])
def test_bad_fault_specs(spec, words):
    with pytest.raises(OptionsError) as caught:
        parse_fault(spec)
    assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("options, words", [
    ({"port": 70000}, "port"), ({"latency": -1}, "latency"), ({"latency": float("nan")}, "latency"),
    ({"fail_rate": 1.5}, "fail rate"), ({"host": ""}, "host"), ({"workers": 0}, "workers"),
    ({"faults": ("429",)}, "Fault objects"),
])
def test_bad_options(options, words):
    with pytest.raises(OptionsError) as caught:
        ServerOptions(**options)
    assert words in str(caught.value)


def test_a_taken_port_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    import tempfile

    from sorascript.serve import ServerError

    with serve() as running:
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a temporary state would go
        with pytest.raises(ServerError) as caught:
            AnimaticServer(ServerOptions(port=running.port)).start()
        assert str(running.port) in str(caught.value)
        assert list(tmp_path.iterdir()) == []
