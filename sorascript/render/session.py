"""One `sorac render` (or `sorac assemble`) of a plan: tasks, their state before spending, the run, the record.

    session = Session(plan, root, server_url=..., server_key=..., out=None, only=None, animatic=False)
    session.preview()      # each task: cached, resumes a known video, or to submit; and its cost
    summary = session.run(on_event, concurrency=4, timeout_s=1800)

The CLI decides whether to spend; this module never asks and never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sorascript.lower.plan_model import LastFrame, Plan, Sequence
from sorascript.render.cache import Cache, Entry
from sorascript.render.outputs import Layout, Record
from sorascript.render.runner import Event, Outcome, Runner, RunOptions
from sorascript.render.tasks import Task, build_tasks
from sorascript.vocab import LOOP_SECONDS


class SelectionError(ValueError):
    """`--only` names something that is neither a job nor a sequence of the plan."""


@dataclass(frozen=True)
class Row:
    """A task before the run: what it will cost, and whether it needs a new submission."""

    task: Task
    state: str  # cached, resume (a known video id), reconcile (an intent without an id), submit
    cost_usd: float | None

    @property
    def spends(self) -> bool:
        return self.state in ("submit", "reconcile")


@dataclass
class Summary:
    outcomes: dict[str, Outcome]
    sequences: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (status, reason or file)
    record: Path | None = None

    @property
    def failed(self) -> bool:
        return any(o.status != "done" for o in self.outcomes.values()) or \
            any(status == "failed" for status, _ in self.sequences.values())

    @property
    def submitted(self) -> int:
        return sum(o.submitted for o in self.outcomes.values())


def select(plan: Plan, only: list[str] | None) -> tuple[set[str] | None, list[Sequence]]:
    """The jobs to render and the sequences to stitch: everything, or what `--only NAME…` names
    (a job and what it needs; a sequence, its jobs and what they need)."""
    if not only:
        return None, list(plan.sequences)
    sequences = {s.name: s for s in plan.sequences}
    jobs: set[str] = set()
    chosen = []
    for name in only:
        if name in sequences:
            chosen.append(sequences[name])
            jobs |= {plan.entry(entry)[0].name for entry in sequences[name].jobs}
            continue
        try:
            jobs.add(plan.entry(name)[0].name)
        except KeyError:
            known = ", ".join([j.name for j in plan.jobs] + list(sequences))
            raise SelectionError(f"--only {name}: no job or sequence of that name (there are: {known})") from None
    return jobs, chosen


class Session:
    def __init__(self, plan: Plan, root: Path, *, server_key: str, out: str | None = None,
                 only: list[str] | None = None, animatic: bool = False) -> None:
        self.plan = plan
        self.layout = Layout.of(root, plan.source, out)
        wanted, self.sequences = select(plan, only)
        for sequence in self.sequences:
            if any(sequence.name == j.name for j in plan.jobs):
                raise SelectionError(f"sequence {sequence.name} has the name of a job: their files would collide")
        self.server_key = server_key
        self.tasks = build_tasks(plan, self.layout.root, server_key, wanted=wanted, animatic=animatic)
        self.cache = Cache(self.layout.cache)

    def preview(self) -> list[Row]:
        from sorascript.render.journal import Journal

        journal = Journal(self.layout.journal) if self.layout.journal.exists() else None
        rows = []
        try:
            for task in self.tasks:
                state = "submit"
                if self.cache.get(task.identity) is not None:
                    state = "cached"
                elif journal is not None:
                    known = journal.latest(task.identity)
                    if known is not None and known.video_id and known.state in ("submitted", "completed"):
                        state = "resume"
                    elif known is not None and known.state == "intent":
                        state = "reconcile"
                rows.append(Row(task, state, task.cost_usd))
        finally:
            if journal is not None:
                journal.close()
        return rows

    def run(self, base_url: str, on_event: Callable[[Event], None] | None = None, *, concurrency: int = 4,
            timeout_s: float = 1800.0) -> Summary:
        from sorascript.render.client import VideosClient
        from sorascript.render.journal import Journal

        record = Record(self.layout, self.plan.source, self.server_key)
        journal = Journal(self.layout.journal)
        client = VideosClient(base_url)
        try:
            runner = Runner(self.tasks, client, journal, self.cache, RunOptions(self.server_key, concurrency, timeout_s),
                            refs=self.layout.refs, finish=lambda t, e, o: self._finish(record, t, e, o),
                            on_event=on_event)
            outcomes = runner.run()
        finally:
            client.close()
            journal.close()
        for name, outcome in outcomes.items():
            if outcome.status != "done":
                record.set_failed(name, outcome.reason or outcome.status)
        summary = Summary(outcomes)
        self.assemble(record, summary, on_event, failed={n for n, o in outcomes.items() if o.status != "done"})
        summary.record = record.write()
        return summary

    def assemble(self, record: Record, summary: Summary, on_event: Callable[[Event], None] | None,
                 *, failed: set[str] = frozenset(), force: bool = False) -> None:
        """Stitch the chosen sequences whose clips are all there (skipping those already up to date)."""
        from sorascript.render.assembly import stitch_sequence, up_to_date
        from sorascript.render.media import MediaError

        def emit(event: Event) -> None:
            if on_event is not None:
                on_event(event)

        for sequence in self.sequences:
            blocked = [n for n in sequence.jobs if n in failed]
            if blocked:
                reason = f"skipped: {', '.join(blocked)} not rendered"
                summary.sequences[sequence.name] = ("skipped", reason)
                emit(Event("sequence-skipped", sequence.name, message=reason))
                continue
            if not force and up_to_date(record.sequence(sequence.name), sequence, self.layout):
                summary.sequences[sequence.name] = ("done", record.sequence(sequence.name)["file"])
                emit(Event("sequence-done", sequence.name, message="up to date"))
                continue
            emit(Event("sequence-stitching", sequence.name))
            try:
                entry = stitch_sequence(sequence, self.layout)
            except MediaError as error:
                summary.sequences[sequence.name] = ("failed", str(error))
                emit(Event("sequence-failed", sequence.name, message=str(error)))
                continue
            record.set_sequence(entry)
            summary.sequences[sequence.name] = ("done", entry["file"])
            emit(Event("sequence-done", sequence.name, message=entry["file"]))

    @classmethod
    def for_assembly(cls, plan: Plan, root: Path, *, out: str | None = None, only: list[str] | None = None) -> Session:
        """A session that only stitches what is rendered: no tasks, no server."""
        session = cls.__new__(cls)
        session.plan, session.layout = plan, Layout.of(root, plan.source, out)
        names = [s.name for s in plan.sequences]
        for name in only or ():  # assembly stitches sequences: a job named here is not one
            if name not in names:
                there = f"its sequences are {', '.join(names)}" if names else "it has no sequence"
                raise SelectionError(f"--only {name}: not a sequence of this file ({there})")
        session.sequences = select(plan, only)[1]
        session.server_key, session.tasks, session.cache = "", [], Cache(session.layout.cache)
        return session

    def reassemble(self, on_event: Callable[[Event], None] | None = None) -> Summary:
        """`sorac assemble`: stitch every chosen sequence again from the clips in renders/STEM."""
        old = Record(self.layout, self.plan.source, "")
        record = Record(self.layout, self.plan.source, old.data.get("server", ""))
        summary = Summary({})
        self.assemble(record, summary, on_event, force=True)
        if any(status == "done" for status, _ in summary.sequences.values()):
            summary.record = record.write()
        return summary

    def _finish(self, record: Record, task: Task, entry: Entry, outcome: Outcome) -> None:
        """The task's clip in renders/STEM, made from the download unless render.json says it already is."""
        from sorascript.render.assembly import finish, finish_key

        out = self.layout.clip(task.name)
        key = finish_key(task.job, task.identity)
        known = record.clip(task.name)
        # made already, and still the file it was: one cut short or changed since is made again from the download
        if not (known and known.get("finish") == key and out.is_file() and out.stat().st_size == known.get("bytes")):
            finish(entry.path, task.job, out, self.layout.out)
        reference = task.job.input_reference
        if isinstance(reference, LastFrame):
            png = outcome.reference_png or self.layout.refs / f"{task.identity}.png"
            reference = {"last_frame_of": reference.job, "file": self.layout.relative(png) if png.is_file() else None}
        record.set_clip({
            "name": task.name, "job": task.job.name, "take": task.take, "kind": task.job.kind,
            "file": self.layout.relative(out), "download": self.layout.relative(entry.path),
            "video_id": entry.video_id, "identity": task.identity,
            "request": {**task.fields, **{k: v for k, v in task.extra.items() if k != "sorac_animatic"}},
            "input_reference": reference, "after": list(task.job.after),
            # the finished clip's length: a loop dissolves its tail into its head
            "duration_s": round(entry.duration_s - LOOP_SECONDS.get(task.job.loop, 0), 6), "size": entry.size,
            "cost_usd": task.cost_usd,
            "loop": task.job.loop, "overlays": len(task.job.overlays), "finish": key, "bytes": out.stat().st_size,
        })
