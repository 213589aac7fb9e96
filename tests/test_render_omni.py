"""The renderer against a second server that behaves as vLLM-Omni (tests/omniserver.py)."""

from __future__ import annotations

import pytest

from omniserver import FAIL, OmniServer
from rendertools import REEL, plan_of, project, render
from sorascript.lower.plan_model import Plan
from sorascript.render.media import probe
from sorascript.render.session import Session


@pytest.fixture
def omni():
    with OmniServer(latency=0.2) as server:
        yield server


def test_creates_complete_and_remixes_and_extensions_fail_saying_the_server_has_none(tmp_path, omni):
    text = REEL + f'\nshot doomed:\n    "{FAIL}: a door that cannot be drawn."\n'
    _, summary = render(project(tmp_path, text), omni.base_url, animatic=False)
    outcomes = summary.outcomes
    assert {n: o.status for n, o in outcomes.items()} == {
        "red": "done", "blue": "done", "green": "done", "doomed": "failed", "red_night": "failed", "blue_more": "failed"}
    assert outcomes["red_night"].reason.startswith("this server has no remix")
    assert outcomes["blue_more"].reason.startswith("this server has no extension")
    # a failed job answered as HTTP 500 with the job as its body is a failed job, with the server's reason
    assert outcomes["doomed"].reason == "the server failed the job: generation_failed: CUDA out of memory while decoding"
    assert summary.sequences["reel"][0] == "skipped" and summary.failed
    assert probe(tmp_path / "renders" / "reel" / "blue.mp4").duration_s == 2.0
    blue = next(f for f in omni.received if "blue door" in f["prompt"])
    assert blue["input_reference"].startswith("<file red.last.png")  # red's last frame, uploaded as multipart
    assert all("sorac_animatic" not in fields for fields in omni.received)  # the animatic is for the built-in server only


def test_extra_request_fields_are_sent_as_form_fields(tmp_path, omni):
    path = project(tmp_path, REEL)
    data = __import__("sorascript.driver", fromlist=["compile"]).compile(path).plan
    green = next(j for j in data["jobs"] if j["name"] == "green")
    green["request"].update({"fps": 16, "num_frames": 33, "seed": 7, "negative_prompt": "blur"})
    plan = Plan.from_dict(data)
    session = Session(plan, tmp_path, server_key=omni.base_url, only=["green"])
    summary = session.run(omni.base_url)
    assert summary.outcomes["green"].status == "done", summary.outcomes["green"].reason
    sent = omni.received[-1]
    assert (sent["fps"], sent["num_frames"], sent["seed"], sent["negative_prompt"]) == ("16", "33", "7", "blur")
    assert sent["model"] == "tiny-test" and sent["size"] == "160x90" and sent["seconds"] == "2"
    info = probe(summary.outcomes["green"].entry.path)
    assert info.frames == 33 and info.fps == 16  # checked against num_frames / fps, not seconds
    assert plan_of(path).job("green").extra() == {}
