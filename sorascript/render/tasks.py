"""The plan's jobs as tasks: one per take, each with the identity of the video it makes.

Nothing here talks to a server. The identity of a task is a hash of its
request, the bytes of its input files (a reference image, cameo recordings),
the identity of the video it starts from (a remix's or extension's source, a
`last frame of` reference), the server, and its take number: the key of the
cache and of the journal. Editing a shot changes its identity and that of
every job that starts from it, and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sorascript.lower.plan_model import Job, LastFrame, Plan, thaw
from sorascript.render.journal import identity
from sorascript.render.outputs import inside

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


class TaskError(ValueError):
    """A job that cannot be sent as it is (a missing or escaping input file); the message names it."""


@dataclass(frozen=True)
class Task:
    job: Job
    take: int
    name: str  # JOB, or JOB.takeN: the clip's name
    identity: str
    fields: dict[str, Any]  # the standard request fields, as the SDK method takes them
    extra: dict[str, Any]  # every other field, sent beside them (and the animatic, to the built-in server)
    reference: Path | None  # a reference image file, inside the project
    cameos: tuple[tuple[str, Path, str], ...]  # (name, recording, its sha256)
    waits_for: tuple[str, ...]  # the tasks (take 1 of each job) that must finish first
    expected_s: float | None  # the video's length, as the plan asks for it
    expected_size: str | None
    upstream: dict[str, str] = field(default_factory=dict)  # source task name -> its identity

    @property
    def prompt(self) -> str:
        return str(self.fields.get("prompt", ""))

    @property
    def cost_usd(self) -> float | None:
        return self.job.take_cost


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file(root: Path, relative: str, what: str) -> Path:
    try:
        path = inside(root, relative, what)
    except ValueError as error:
        raise TaskError(str(error)) from None
    if not path.is_file():
        raise TaskError(f"{what} {relative!r} is not a file in the project folder")
    return path


def _length(job: Job, lengths: dict[str, float | None]) -> float | None:
    request = job.request
    if job.kind == "create":
        fps, frames = request.get("fps"), request.get("num_frames")
        try:
            if fps and frames:
                return float(frames) / float(fps)
            return float(request["seconds"])
        except (TypeError, ValueError):
            return None
    source = lengths.get(job.source or "")
    if source is None:
        return None
    try:
        return source + float(request["seconds"]) if job.kind == "extend" else source
    except (TypeError, ValueError):
        return None


def build_tasks(plan: Plan, root: Path, server: str, *, wanted: set[str] | None = None,
                animatic: bool = False) -> list[Task]:
    """Tasks for the jobs in `wanted` (and what they need), in an order where sources come first.

    `server` is the server's identity (its base URL; a fixed name for the embedded server, whose
    port changes from run to run). `animatic`: send each create job's timeline as `sorac_animatic`
    (the built-in server draws it; no other server is sent it)."""
    names = plan.needed_by(wanted) if wanted is not None else {j.name for j in plan.jobs}
    order = _ordered(plan, names)
    identities: dict[str, str] = {}
    lengths: dict[str, float | None] = {}
    sizes: dict[str, str | None] = {}
    tasks = []
    for job in order:
        lengths[job.name] = _length(job, lengths)
        sizes[job.name] = str(job.request["size"]) if job.kind == "create" else sizes.get(job.source or "")
        inputs: dict[str, str] = {}
        reference = None
        if isinstance(job.input_reference, LastFrame):
            inputs["last_frame_of"] = identities[job.input_reference.job]
        elif isinstance(job.input_reference, str):
            reference = _file(root, job.input_reference, f"job {job.name}: the reference image")
            if reference.suffix.lower() not in IMAGE_TYPES:
                raise TaskError(f"job {job.name}: the reference image {job.input_reference!r} is not a PNG, JPEG or WebP")
            inputs["input_reference"] = _sha(reference)
        if job.source:
            inputs["source"] = identities[job.source]
        cameos = []
        for cameo in job.cameos:
            path = _file(root, cameo.video, f"job {job.name}: the cameo recording of {cameo.name}")
            cameos.append((cameo.name, path, _sha(path)))
            inputs[f"cameo:{cameo.name}"] = cameos[-1][2]
        request = thaw(job.request)
        fields, extra = thaw(job.standard()), thaw(job.extra())
        if cameos:
            fields["prompt"] = _with_names(fields["prompt"], [c[0] for c in cameos])
        waits = tuple(job.depends_on)
        for take in range(1, job.takes + 1):
            name = job.output_name(take)
            sent_extra = dict(extra)
            if animatic and job.kind == "create" and job.timeline is not None:
                sent_extra["sorac_animatic"] = {**thaw(job.timeline), "name": name}
            ident = identity(job.kind, {**request, **({"sorac_animatic": sent_extra["sorac_animatic"]} if "sorac_animatic" in sent_extra else {})},
                             inputs, server, take)
            if take == 1:
                identities[job.name] = ident
            tasks.append(Task(job, take, name, ident, fields, sent_extra, reference, tuple(cameos), waits,
                              lengths[job.name], sizes[job.name], {d: identities[d] for d in waits}))
    return tasks


def _with_names(prompt: str, names: list[str]) -> str:
    """A character's name must appear verbatim in the prompt for the server to use it."""
    missing = [n for n in names if n not in prompt]
    return prompt if not missing else f"{prompt}\nCharacters: {', '.join(missing)}."


def _ordered(plan: Plan, names: set[str]) -> list[Job]:
    done: set[str] = set()
    out: list[Job] = []

    def visit(job: Job) -> None:
        if job.name in done:
            return
        done.add(job.name)
        for dep in job.depends_on:
            visit(plan.job(dep))
        out.append(job)

    for job in plan.jobs:
        if job.name in names:
            visit(job)
    return out


def describe(task: Task) -> dict[str, Any]:
    """The exact request a task sends, for `--dry-run` (files by their path)."""
    job = task.job
    route = {"create": "POST /videos", "remix": f"POST /videos/{{id of {job.source}}}/remix",
             "extend": "POST /videos/extensions"}[job.kind]
    body: dict[str, Any] = {**task.fields, **task.extra}
    if "sorac_animatic" in body:
        body["sorac_animatic"] = json.dumps(body["sorac_animatic"], sort_keys=True, ensure_ascii=False)
    files = {}
    if task.reference is not None:
        files["input_reference"] = str(task.reference)
    elif isinstance(job.input_reference, LastFrame):
        files["input_reference"] = f"(the last frame of {job.input_reference.job}, scaled to {task.expected_size})"
    if job.kind == "extend":
        files["video"] = f"(the video of {job.source})"
    out = {"job": task.name, "call": route, "body": body}
    if files:
        out["files"] = files
    if task.cameos:
        out["characters"] = [{"name": name, "video": str(path)} for name, path, _ in task.cameos]
    return out
