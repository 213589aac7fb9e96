"""A server that misbehaves: every job ends done, or failed with its reason, and none is made twice."""

from __future__ import annotations

import threading

import pytest

from rendertools import REEL_TASKS, project, render
from sorascript.serve import AnimaticServer, Fault, ServerOptions


def serve(tmp_path, **options) -> AnimaticServer:
    return AnimaticServer(ServerOptions(port=options.pop("port", 0), latency=options.pop("latency", 0.2),
                                        state=tmp_path / "server" / "state.sqlite", **options))


def all_done(summary) -> bool:
    return all(o.status == "done" for o in summary.outcomes.values()) and set(summary.outcomes) == set(REEL_TASKS)


@pytest.mark.parametrize("fault", [
    Fault("429", count=3, seconds=0.3),  # with retry-after: waited, then sent again
    Fault("500", count=3),
    Fault("drop", count=3),  # closed before the server did anything
    Fault("lost", count=3),  # done, then closed: the video exists, its id never came back
    Fault("lost", count=2, routes=("remix", "extend")),
    Fault("500", count=4, routes=("retrieve", "download_content")),
    Fault("drop", count=4, routes=("retrieve", "download_content", "list")),
], ids=lambda f: f"{f.kind}-{'+'.join(f.routes)}")
def test_faults_end_with_every_job_done_and_nothing_made_twice(tmp_path, fault):
    with serve(tmp_path, faults=(fault,)) as server:
        events = []
        _, summary = render(project(tmp_path), server.base_url, events=events)
        stats = server.stats()
    assert all_done(summary), {n: o.reason for n, o in summary.outcomes.items()}
    assert stats.faults.get(fault.kind) == fault.count
    assert stats.made == {"create": 3, "remix": 1, "extend": 1} and stats.duplicates == 0
    if fault.kind == "lost":
        assert sum(e.kind == "reconciled" for e in events) == fault.count  # found in GET /videos, not sent again
        assert summary.submitted == 5 + 0  # one POST per job: the lost answers were reconciled
    if fault.kind in ("429", "500", "drop") and fault.routes == ("create",):
        assert summary.submitted == 5 + fault.count  # each refused POST was sent once more, by the journal
        assert stats.received["create"] == 3 + fault.count  # ... and never by the SDK on its own


def test_a_failed_job_fails_with_the_servers_reason_and_its_dependants_are_skipped(tmp_path):
    with serve(tmp_path, fail_prompts=("red door",)) as server:
        _, summary = render(project(tmp_path), server.base_url)
    outcomes = summary.outcomes
    assert outcomes["red"].status == "failed"
    assert "animatic_failed" in outcomes["red"].reason and "red door" in outcomes["red"].reason
    assert {n: o.status for n, o in outcomes.items() if n != "red"} == {
        "blue": "skipped", "red_night": "skipped", "blue_more": "skipped", "green": "done"}
    assert outcomes["blue"].reason == "skipped: red failed"
    assert summary.sequences["reel"][0] == "skipped" and summary.failed


def test_a_server_restart_in_the_middle_loses_nothing(tmp_path):
    with serve(tmp_path, latency=1.0) as server:
        timer = threading.Timer(0.6, server.restart)
        timer.start()
        try:
            _, summary = render(project(tmp_path), server.base_url)
        finally:
            timer.join()
        stats = server.stats()
    assert all_done(summary), {n: o.reason for n, o in summary.outcomes.items()}
    assert stats.made == {"create": 3, "remix": 1, "extend": 1} and stats.duplicates == 0


def test_a_job_past_its_deadline_fails_and_a_rerun_picks_it_up_without_submitting_again(tmp_path):
    path = project(tmp_path)
    with serve(tmp_path, latency=3.0) as server:
        _, first = render(path, server.base_url, only=["green"], timeout_s=1.0)
        assert first.outcomes["green"].status == "failed" and "timed out" in first.outcomes["green"].reason
        _, second = render(path, server.base_url, only=["green"])
        assert second.outcomes["green"].status == "done" and second.submitted == 0
        assert server.stats().made == {"create": 1}


def test_a_remix_whose_source_the_server_forgot_fails_saying_so(tmp_path):
    path = project(tmp_path)
    with serve(tmp_path) as server:
        render(path, server.base_url, only=["red"])
        port = server.port
    import shutil

    shutil.rmtree(tmp_path / "server")  # a new server at the same address, without the old videos
    with serve(tmp_path, port=port) as server:
        _, summary = render(path, server.base_url, only=["red_night"])
    reason = summary.outcomes["red_night"].reason
    assert summary.outcomes["red"].status == "done" and summary.outcomes["red"].from_cache
    assert reason.startswith("the server no longer has the video of red") and ".sorac/cache/" in reason
