"""Every example's plan, sent through the real `openai` SDK, reaches a server intact.

For each example with jobs: compile it, submit every job to a local Videos API
server (tests/videoserver.py) the way a renderer must -- create with the
request's fields (plus the reference image, uploaded), remix by the source's
server id, extend by uploading the source's downloaded video, and a
"last frame of" reference extracted from the source's MP4 with ffmpeg -- in
`after` order, then compare what the server received with the plan.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import pytest
from openai import OpenAI

from sorascript import driver
from videoserver import SORA_DEPRECATION_FILTER, VideoServer, image_info, is_mp4, run_ffmpeg

pytestmark = pytest.mark.filterwarnings(SORA_DEPRECATION_FILTER)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
_JOB_DECLARATION = re.compile(r"^(?:shot|remix|extend)\s+[A-Za-z_]", re.M)
REQUEST_FIELDS = {"create": {"model", "size", "seconds", "prompt"}, "remix": {"prompt"}, "extend": {"prompt", "seconds"}}


def standard_and_extra(job: dict) -> tuple[dict, dict]:
    """A create request's four standard fields, and the rest (frames, negative prompt, seed, params)."""
    request = job["request"]
    standard = {k: v for k, v in request.items() if k in REQUEST_FIELDS[job["kind"]]}
    return standard, {k: v for k, v in request.items() if k not in standard}


def as_form(value) -> str:
    """How a value reads as a multipart form field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
DEADLINE_S = 10.0


def example_files() -> list[Path]:
    """The .shot files under examples/ that declare a job (modules of only names are skipped)."""
    return sorted(p for p in EXAMPLES.rglob("*.shot") if _JOB_DECLARATION.search(p.read_text(encoding="utf-8")))


def project_root(path: Path) -> Path:
    """The nearest folder at or above the file holding a sorac.toml, else the file's folder."""
    for folder in path.resolve().parents:
        if (folder / "sorac.toml").is_file():
            return folder
    return path.resolve().parent


# --------------------------------------------------------------------------
# submitting a plan the way a renderer does


def dependencies(job: dict) -> list[str]:
    deps = list(job.get("after") or [])
    ref = job.get("input_reference")
    if isinstance(ref, dict):
        deps.append(ref["last_frame_of"])
    return deps


def in_dependency_order(jobs: list[dict]) -> list[dict]:
    by_name = {job["name"]: job for job in jobs}
    assert len(by_name) == len(jobs), "job names must be unique"
    ordered: list[dict] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name in by_name, f"{trail[-1]} depends on unknown job {name!r}"
        if state.get(name) == "done":
            return
        assert state.get(name) != "visiting", f"dependency cycle: {' -> '.join(trail + (name,))}"
        state[name] = "visiting"
        for dep in dependencies(by_name[name]):
            visit(dep, trail + (name,))
        state[name] = "done"
        ordered.append(by_name[name])

    for job in jobs:
        visit(job["name"], ())
    return ordered


def wait_completed(client: OpenAI, video_id: str, deadline: float):
    """Poll like the SDK's `poll` (honouring openai-poll-after-ms), but give up at the deadline."""
    while True:
        raw = client.videos.with_raw_response.retrieve(video_id)
        video = raw.parse()
        if video.status == "completed":
            return video
        assert video.status != "failed", f"{video_id} failed: {video.error}"
        if time.monotonic() > deadline:
            raise TimeoutError(f"{video_id} still {video.status} at the deadline")
        time.sleep(int(raw.headers.get("openai-poll-after-ms") or 1000) / 1000)


def reference_file(root: Path, relative: str) -> Path:
    assert not Path(relative).is_absolute(), f"input_reference must be relative to the project root: {relative}"
    path = (root / relative).resolve()
    assert path.is_relative_to(root.resolve()), f"input_reference leaves the project root: {relative}"
    assert path.is_file(), f"input_reference does not exist: {path}"
    return path


def last_frame_png(client: OpenAI, video_id: str, size: str, workdir: Path) -> Path:
    """The last frame of a video as the server delivers it, scaled to `size`, as a PNG."""
    mp4 = workdir / f"{video_id}.mp4"
    client.videos.download_content(video_id).write_to_file(mp4)
    assert is_mp4(mp4.read_bytes())
    png = workdir / f"{video_id}.last.png"
    width, height = size.split("x")
    # `reverse` over the last second puts the final frame first
    run_ffmpeg(["-sseof", "-1", "-i", str(mp4), "-vf", f"reverse,scale={width}:{height}",
                "-frames:v", "1", "-y", str(png)])
    return png


def submit_plan(client: OpenAI, plan: dict, root: Path, workdir: Path, deadline_s: float = DEADLINE_S) -> dict[str, str]:
    """Send every job of the plan; return job name -> server video id once all are completed."""
    deadline = time.monotonic() + deadline_s
    ids: dict[str, str] = {}
    completed: set[str] = set()

    def ready(name: str) -> str:
        if name not in completed:
            wait_completed(client, ids[name], deadline)
            completed.add(name)
        return ids[name]

    for job in in_dependency_order(plan["jobs"]):
        kind, request, ref = job["kind"], job["request"], job.get("input_reference")
        assert kind in REQUEST_FIELDS, f"{job['name']}: unknown kind {kind!r}"
        request, extra = standard_and_extra(job)
        assert set(request) == REQUEST_FIELDS[kind], f"{job['name']}: request fields {sorted(job['request'])}"
        assert all(isinstance(v, str) for v in request.values()), f"{job['name']}: request values must be strings"
        assert kind == "create" or not extra, f"{job['name']}: a {kind} takes no model fields"
        if "num_frames" in extra:
            assert {"fps", "num_frames"} <= set(extra) and isinstance(extra["num_frames"], int), job["name"]
        extra_body = {"extra_body": extra} if extra else {}
        for dep in dependencies(job):
            ready(dep)
        if kind == "create":
            if ref is None:
                video = client.videos.create(**request, **extra_body)
            else:
                if isinstance(ref, str):
                    image = reference_file(root, ref)
                else:
                    assert isinstance(ref, dict) and set(ref) == {"last_frame_of"}, f"{job['name']}: {ref!r}"
                    image = last_frame_png(client, ids[ref["last_frame_of"]], request["size"], workdir)
                with image.open("rb") as f:
                    video = client.videos.create(**request, input_reference=f, **extra_body)
        else:
            assert ref is None, f"{job['name']}: a {kind} takes no reference image"
            source = ids[job["after"][0]]
            if kind == "remix":
                video = client.videos.remix(source, **request)
            else:
                # `video={"id": ...}` fails inside the SDK's file extraction: upload the source's video
                content = client.videos.download_content(source).content
                video = client.videos.extend(**request, video=(f"{job['after'][0]}.mp4", content, "video/mp4"))
        ids[job["name"]] = video.id
    for name in ids:
        ready(name)
    return ids


def check_requests(server: VideoServer, plan: dict, ids: dict[str, str], root: Path) -> None:
    """The server received each job's request exactly, once."""
    received = {r.video_id: r for r in server.requests if r.route in ("create", "remix", "extend") and r.status == 200}
    assert len(received) == len(plan["jobs"]) == len(ids)
    for job in plan["jobs"]:
        name, request = job["name"], job["request"]
        rec = received[ids[name]]
        assert rec.route == job["kind"], name
        if job["kind"] == "create":
            # every field, the model's own ones too, arrived as the form field the plan says
            assert rec.fields == {k: as_form(v) for k, v in request.items()}, f"{name}: the server received {rec.fields!r}"
            ref = job.get("input_reference")
            if ref is None:
                assert rec.files == {}, name
            else:
                upload = rec.files["input_reference"].data
                assert set(rec.files) == {"input_reference"}, name
                if isinstance(ref, str):
                    assert upload == reference_file(root, ref).read_bytes(), name
                else:
                    w, h = (int(x) for x in request["size"].split("x"))
                    assert image_info(upload) == ("png", w, h), name
        elif job["kind"] == "remix":
            assert rec.json == request and rec.path_id == ids[job["after"][0]], name
        else:
            assert rec.fields == request and set(rec.files) == {"video"}, name
            assert rec.source_id == ids[job["after"][0]], name


def run_plan(plan: dict, root: Path, workdir: Path) -> tuple[VideoServer, dict[str, str]]:
    plan = json.loads(json.dumps(plan))  # exactly what `sorac compile` prints
    extra_fields = {k for job in plan["jobs"] for k in standard_and_extra(job)[1]}
    with VideoServer(allow_unknown_models=True, extra_fields=extra_fields) as server, \
            OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client:
        ids = submit_plan(client, plan, root, workdir)
    check_requests(server, plan, ids, root)
    return server, ids


# --------------------------------------------------------------------------
# the examples


def test_there_are_examples_with_jobs():
    assert example_files(), f"no .shot file under {EXAMPLES} declares a shot, remix or extend"


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_plan_reaches_the_server_intact(path: Path, tmp_path: Path):
    compile_ = getattr(driver, "compile", None)
    if compile_ is None:
        pytest.fail("driver.compile not implemented", pytrace=False)
    result = compile_(path)
    assert result.problem is None, result.problem
    assert not result.has_errors, "\n".join(str(d) for d in result.diagnostics)
    assert result.plan and result.plan["jobs"], f"{path.name} compiled to no jobs"
    run_plan(result.plan, project_root(path), tmp_path)


# --------------------------------------------------------------------------
# the same machinery against a hand-written plan


PROMPT = ('Close-up of Mara in a booth; neon paints her face red and blue.\n\n'
          'Cinematography:\nlens 50mm f/2.0, push in (0-6s)\n\n'
          'Dialogue:\n[Mara, quietly]: "I knew you\'d come back." — ✓\r\n')


def hand_written_plan() -> dict:
    def job(name, kind, request, *, after=(), ref=None, **extra):
        return {"name": name, "kind": kind, "request": request, "input_reference": ref, "after": list(after),
                "cost_usd": 0.0, "span": {"file": "diner.shot", "line": 1, "column": 1}, **extra}

    return {
        "source": "diner.shot",
        "jobs": [
            # listed before its source: the submitter must follow dependencies, not list order
            job("reprise", "create", {"model": "sora-2", "size": "720x1280", "seconds": "4",
                                      "prompt": "She walks out into the rain."},
                ref={"last_frame_of": "onward"}),
            job("confession", "create", {"model": "sora-2-pro", "size": "1280x720", "seconds": "8", "prompt": PROMPT},
                ref="refs/booth.png", takes=2, overlays=[{"text": "DINER", "at": "0s..2s"}]),
            job("confession.wide", "create", {"model": "sora-2-pro", "size": "1792x1024", "seconds": "12",
                                              "prompt": PROMPT + "Wide shot."}),
            job("blue", "remix", {"prompt": "Change the neon to cobalt blue; keep her pose."}, after=["confession"]),
            job("onward", "extend", {"prompt": "She stands and leaves the booth.", "seconds": "4"},
                after=["confession"]),
        ],
        "sequences": [{"name": "film", "jobs": ["confession", "onward"], "transitions": ["cut"], "runtime_s": 12.0}],
        "total_cost_usd": 0.0,
        "diagnostics": [],
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "refs").mkdir(parents=True)
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x1f4fd1:size=1280x720", "-frames:v", "1",
                "-y", str(root / "refs" / "booth.png")])
    return root


def test_a_hand_written_plan_reaches_the_server_intact(project: Path, tmp_path: Path):
    plan = hand_written_plan()
    server, ids = run_plan(plan, project, tmp_path)
    jobs = {j["name"]: j for j in plan["jobs"]}
    [confession] = [r for r in server.requests_for("create") if r.video_id == ids["confession"]]
    assert confession.fields["prompt"] == PROMPT
    assert confession.files["input_reference"].filename == "booth.png"
    assert confession.files["input_reference"].content_type == "image/png"
    # sources were completed before anything that needed them was sent
    order = [r.video_id for r in server.requests if r.route in ("create", "remix", "extend")]
    assert order.index(ids["reprise"]) > order.index(ids["onward"]) > order.index(ids["confession"])
    assert len(server.requests_for("create")) == 3 and jobs["confession"]["takes"] == 2  # takes: not requests


def test_the_check_notices_a_changed_request(project: Path, tmp_path: Path):
    plan = hand_written_plan()
    with VideoServer() as server, OpenAI(base_url=server.base_url, api_key="test-key", max_retries=0) as client:
        ids = submit_plan(client, plan, project, tmp_path)
    check_requests(server, plan, ids, project)
    for job_index, key, value in [(1, "prompt", PROMPT.rstrip()), (0, "seconds", "8"), (3, "prompt", "x"),
                                  (4, "seconds", "8")]:
        altered = copy.deepcopy(plan)
        altered["jobs"][job_index]["request"][key] = value
        with pytest.raises(AssertionError):
            check_requests(server, altered, ids, project)


def test_a_plan_with_a_dependency_cycle_is_refused():
    plan = hand_written_plan()
    plan["jobs"][1]["input_reference"] = {"last_frame_of": "reprise"}
    with pytest.raises(AssertionError, match="dependency cycle"):
        in_dependency_order(plan["jobs"])


def test_an_open_model_s_fields_arrive_as_form_fields_beside_the_standard_ones(tmp_path: Path):
    """The Wan example through the SDK: `extra_body` merged into the multipart
    form, each field as the server reads it."""
    path = EXAMPLES / "open-models" / "wan.shot"
    result = driver.compile(path)
    assert not result.has_errors
    server, ids = run_plan(result.plan, project_root(path), tmp_path)
    (flames,) = [r for r in server.requests if r.route == "create" and r.video_id == ids["flames"]]
    assert flames.fields["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers" and flames.fields["size"] == "1280x720"
    assert (flames.fields["fps"], flames.fields["num_frames"], flames.fields["seconds"]) == ("16", "81", "6")
    assert flames.fields["negative_prompt"] == "blurry, distorted hands, text, watermark"
    assert (flames.fields["seed"], flames.fields["num_inference_steps"]) == ("1234", "40")
    takes = {r.fields["seed"] for r in server.requests if r.route == "create" and r.video_id in (ids["bowl"], ids["bowl.second_take"])}
    assert takes == {"1234", "5678"}
