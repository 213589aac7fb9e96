"""The plan as typed, read-only values: what the renderer takes.

`Plan.from_dict` reads what `sorac compile` writes (docs/language.md, "The
plan"), or a plan written by another tool. It checks loosely: what the
renderer needs must be there and of the right type (a `PlanError` naming the
place otherwise); anything else, and every request field, is kept as it is,
so a newer compiler's fields pass through to the server untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from sorascript.sema.names import sequence_job

KINDS = ("create", "remix", "extend")
LOOPS = ("short", "normal", "long")
STANDARD_FIELDS = {"create": ("model", "size", "seconds", "prompt"), "remix": ("prompt",),
                   "extend": ("prompt", "seconds")}


class PlanError(ValueError):
    """The plan cannot be rendered as it is; the message names the place."""


@dataclass(frozen=True)
class Overlay:
    text: str
    position: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Cameo:
    name: str
    video: str  # a path from the project root


@dataclass(frozen=True)
class LastFrame:
    """`reference last frame of JOB`."""

    job: str


@dataclass(frozen=True)
class Job:
    name: str
    kind: str
    request: Mapping[str, Any]
    input_reference: str | LastFrame | None = None  # a path from the project root, or another job's last frame
    after: tuple[str, ...] = ()
    cost_usd: float | None = None
    takes: int = 1
    overlays: tuple[Overlay, ...] = ()
    loop: str | None = None
    cameos: tuple[Cameo, ...] = ()
    timeline: Mapping[str, Any] | None = None
    retired: str | None = None  # the date the job's model was retired, when it was
    span: Mapping[str, Any] | None = None

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The jobs that must finish first: `after`, and the job whose last frame is the reference."""
        extra = (self.input_reference.job,) if isinstance(self.input_reference, LastFrame) else ()
        return self.after + tuple(j for j in extra if j not in self.after)

    @property
    def source(self) -> str | None:
        """The video a remix or extension starts from."""
        return self.after[0] if self.kind in ("remix", "extend") and self.after else None

    @property
    def take_cost(self) -> float | None:
        return None if self.cost_usd is None else self.cost_usd / self.takes

    def standard(self) -> dict[str, Any]:
        """The request fields the SDK method takes by name."""
        return {k: self.request[k] for k in STANDARD_FIELDS[self.kind] if k in self.request}

    def extra(self) -> dict[str, Any]:
        """Every other request field (fps, num_frames, seed, negative_prompt…): sent beside the standard ones."""
        return {k: v for k, v in self.request.items() if k not in STANDARD_FIELDS[self.kind]}

    def output_name(self, take: int) -> str:
        """`JOB`, `JOB.take2`, …: the clip's name in renders/ and in sequences."""
        return self.name if take == 1 else f"{self.name}.take{take}"


@dataclass(frozen=True)
class Sequence:
    name: str
    jobs: tuple[str, ...]  # job names, or `JOB.takeN`
    transitions: tuple[str, ...]
    runtime_s: float
    end: str | None = None
    conform: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Plan:
    source: str
    jobs: tuple[Job, ...]
    sequences: tuple[Sequence, ...]
    total_cost_usd: float | None
    data: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)  # the plan as read

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        if not isinstance(data, dict):
            raise PlanError("a plan is a JSON object")
        source = _get(data, "source", str, "the plan")
        jobs = tuple(_job(j, f"jobs[{i}]") for i, j in enumerate(_get(data, "jobs", list, "the plan")))
        names = [j.name for j in jobs]
        if len(set(names)) != len(names):
            raise PlanError(f"jobs: the name {next(n for n in names if names.count(n) > 1)!r} is used twice")
        sequences = tuple(_sequence(s, f"sequences[{i}]") for i, s in enumerate(data.get("sequences") or []))
        plan = cls(source, jobs, sequences, _cost(data.get("total_cost_usd"), "total_cost_usd"), _freeze(data))
        plan._check_references()
        return plan

    def job(self, name: str) -> Job:
        for job in self.jobs:
            if job.name == name:
                return job
        raise KeyError(name)

    def entry(self, name: str) -> tuple[Job, int]:
        """A sequence entry: its job and take (`JOB.take2` is take 2 of JOB)."""
        names = {j.name: j for j in self.jobs}
        job, take = sequence_job(name, names)
        if job in names and take <= names[job].takes:
            return names[job], take
        raise KeyError(name)

    def needed_by(self, wanted: set[str]) -> set[str]:
        """The jobs named, and every job they depend on."""
        by_name = {j.name: j for j in self.jobs}
        out: set[str] = set()
        stack = list(wanted)
        while stack:
            name = stack.pop()
            if name in out:
                continue
            out.add(name)
            stack.extend(by_name[name].depends_on)
        return out

    def as_dict(self) -> dict:
        """The plan as read, as plain dicts (for the media library's plan-level functions)."""
        return _thaw(self.data)

    def _check_references(self) -> None:
        names = {j.name for j in self.jobs}
        for job in self.jobs:
            for dep in job.depends_on:
                if dep not in names:
                    raise PlanError(f"job {job.name} depends on {dep!r}, which is not a job of the plan")
        for sequence in self.sequences:
            for name in sequence.jobs:
                try:
                    self.entry(name)
                except KeyError:
                    raise PlanError(f"sequence {sequence.name} names {name!r}, which is not a job of the plan") from None
        order, state = [], {}

        def visit(name: str, trail: tuple[str, ...]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                raise PlanError(f"the jobs depend on each other in a cycle: {' -> '.join(trail + (name,))}")
            state[name] = "visiting"
            for dep in self.job(name).depends_on:
                visit(dep, trail + (name,))
            state[name] = "done"
            order.append(name)

        for job in self.jobs:
            visit(job.name, ())


def _get(data: dict, key: str, kind: type, where: str, default: Any = ...) -> Any:
    if key not in data or data[key] is None:
        if default is not ...:
            return default
        raise PlanError(f"{where}: `{key}` is missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PlanError(f"{where}: `{key}` must be {_KIND_WORDS.get(kind, kind.__name__)}")
    return value


_KIND_WORDS = {str: "a string", list: "a list", dict: "an object", int: "a whole number"}


def _cost(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise PlanError(f"{where}: a cost is a number of dollars or null")
    return float(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlanError(f"{where}: expected a number")
    return float(value)


def _job(data: Any, where: str) -> Job:
    if not isinstance(data, dict):
        raise PlanError(f"{where}: a job is an object")
    name = _get(data, "name", str, where)
    where = f"job {name}"
    kind = _get(data, "kind", str, where)
    if kind not in KINDS:
        raise PlanError(f"{where}: unknown kind {kind!r} (create, remix or extend)")
    request = _get(data, "request", dict, where)
    for key in STANDARD_FIELDS[kind]:
        if key not in request:
            raise PlanError(f"{where}: the request has no `{key}`")
        if not isinstance(request[key], str):
            raise PlanError(f"{where}: the request's `{key}` must be a string")
    reference = data.get("input_reference")
    if isinstance(reference, dict):
        if not isinstance(reference.get("last_frame_of"), str):
            raise PlanError(f"{where}: `input_reference` is a path or {{\"last_frame_of\": JOB}}")
        reference = LastFrame(reference["last_frame_of"])
    elif reference is not None and not isinstance(reference, str):
        raise PlanError(f"{where}: `input_reference` is a path or {{\"last_frame_of\": JOB}}")
    after = _get(data, "after", list, where, [])
    if not all(isinstance(a, str) for a in after):
        raise PlanError(f"{where}: `after` is a list of job names")
    if kind != "create" and not after:
        raise PlanError(f"{where}: a {kind} names its source in `after`")
    takes = _get(data, "takes", int, where, 1)
    if takes < 1:
        raise PlanError(f"{where}: `takes` must be at least 1")
    overlays = tuple(_overlay(o, f"{where}, overlay {i + 1}") for i, o in enumerate(_get(data, "overlays", list, where, [])))
    loop = data.get("loop")
    if loop is not None and loop not in LOOPS:
        raise PlanError(f"{where}: `loop` is short, normal or long")
    cameos = []
    for i, cameo in enumerate(_get(data, "cameos", list, where, [])):
        if not isinstance(cameo, dict):
            raise PlanError(f"{where}, cameo {i + 1}: a cameo is an object")
        cameos.append(Cameo(_get(cameo, "name", str, f"{where}, cameo {i + 1}"), _get(cameo, "video", str, f"{where}, cameo {i + 1}")))
    timeline = _get(data, "timeline", dict, where, None)
    retired = _get(data, "retired", str, where, None)
    span = _get(data, "span", dict, where, None)
    return Job(name, kind, _freeze(request), reference, tuple(after), _cost(data.get("cost_usd"), f"{where}: cost_usd"),
               takes, overlays, loop, tuple(cameos), _freeze(timeline) if timeline is not None else None, retired,
               _freeze(span) if span is not None else None)


def _overlay(data: Any, where: str) -> Overlay:
    if not isinstance(data, dict):
        raise PlanError(f"{where}: an overlay is an object")
    start, end = _number(data.get("start_s"), f"{where}: start_s"), _number(data.get("end_s"), f"{where}: end_s")
    return Overlay(_get(data, "text", str, where), _get(data, "position", str, where, "bottom"), start, end)


def _sequence(data: Any, where: str) -> Sequence:
    if not isinstance(data, dict):
        raise PlanError(f"{where}: a sequence is an object")
    name = _get(data, "name", str, where)
    where = f"sequence {name}"
    jobs = _get(data, "jobs", list, where)
    transitions = _get(data, "transitions", list, where, ["cut"] * max(0, len(jobs) - 1))
    if not all(isinstance(j, str) for j in jobs) or not all(isinstance(t, str) for t in transitions):
        raise PlanError(f"{where}: `jobs` and `transitions` are lists of strings")
    if jobs and len(transitions) != len(jobs) - 1:
        raise PlanError(f"{where}: {len(jobs)} shots need {len(jobs) - 1} transitions, not {len(transitions)}")
    conform = _get(data, "conform", dict, where, None)
    return Sequence(name, tuple(jobs), tuple(transitions), _number(data.get("runtime_s", 0), f"{where}: runtime_s"),
                    _get(data, "end", str, where, None), _freeze(conform) if conform is not None else None)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def thaw(value: Any) -> Any:
    """A frozen mapping or tuple as plain dicts and lists (for JSON)."""
    return _thaw(value)
