"""The plan's sequences as an OpenTimelineIO timeline, for an editor.

Layout:
- One `Timeline` per sequence, named after it, with one video track of the
  same name. A plan with one sequence is written as that timeline (what
  editing tools import); with several, as a `SerializableCollection` of
  them, in plan order.
- Each shot is a `Clip` named by its job, whose media is the rendered file
  (an `ExternalReference` with an absolute `file://` URL, so any tool finds
  it wherever the `.otio` file goes), or a `Gap` of the same name and length
  when it is not rendered yet. A clip's length is the plan's: the job's
  `timeline.duration_s`, else its request's seconds; an extension is its
  source's length plus its own seconds; a remix is its source's length.
- `crossfade D` is an SMPTE dissolve centred on the cut (D/2 each side): the
  clips are trimmed by D/2 at the join and the dissolve uses those frames, so
  the track is D shorter, as the rendered sequence is.
- `fade D` (a dip to black that takes no time) is a dissolve from the
  outgoing clip into a black gap and one from that gap into the incoming
  clip: each clip gives up D/4 at the join, the gap lasts D/2, each dissolve
  is D/2 long. The picture is black at the join, and the track keeps its
  length. An `end` fade is a dissolve of D into a black gap of D/2.
- Markers (in each clip's own media time): beats (green, named by the
  action) and dialogue lines (yellow, named "Speaker: line"). An extension's
  beats and lines are timed from the start of its new footage.
- The rate is the sequence's `conform` fps, else the first shot's requested
  `fps`, else 24.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sorascript.render.assemble import Transition, generating_job, plan_job
from sorascript.render.media import MediaError, atomic_output
from sorascript.vocab import LOOP_SECONDS

FCP_PACKAGE = "otio-fcp-adapter"


class ExportError(Exception):
    """The timeline could not be written; the message is one line, fit to show a user."""


def export_otio(plan: dict, rendered: dict[str, Path], out: Path, *, adapter: str | None = None,
                root: Path | None = None) -> None:
    """Write the plan's sequences to `out`: `.otio` JSON, or through an OTIO adapter ("fcp_xml").

    `rendered` maps job names to their clips; relative paths resolve against
    `root` (the project root; the working folder when None). A job that is
    missing from it, or whose file does not exist, is a gap.
    """
    otio = _otio()
    adapter_name = adapter or "otio_json"
    if adapter_name not in otio.adapters.available_adapter_names():
        if adapter_name == "fcp_xml":
            raise ExportError(f"FCP XML export needs the {FCP_PACKAGE} package: pip install {FCP_PACKAGE}")
        raise ExportError(f"no OpenTimelineIO adapter named {adapter_name!r}")
    sequences = plan.get("sequences") or []
    if not sequences:
        raise ExportError(f"{plan.get('source', 'the plan')} has no sequence to export")
    root = Path(root) if root is not None else Path.cwd()
    files = {name: _existing(Path(path), root) for name, path in rendered.items()}
    builder = _Builder(otio, {job["name"]: job for job in plan.get("jobs", [])}, files)
    timelines = [builder.timeline(sequence, plan) for sequence in sequences]
    if len(timelines) == 1:
        document = timelines[0]
    else:
        document = otio.schema.SerializableCollection(name=Path(plan.get("source", "film")).stem, children=timelines)
    out = Path(out)
    try:
        with atomic_output(out) as tmp:
            otio.adapters.write_to_file(document, str(tmp), adapter_name=adapter_name)
            _check(otio, tmp, adapter_name, len(timelines))
    except ExportError:
        raise
    except Exception as error:  # an adapter is third-party code: whatever it raises, say it in one line
        raise ExportError(f"cannot write {out.name}: {_one_line(error)}") from None


def _otio() -> Any:
    try:
        import opentimelineio
    except ImportError:
        raise ExportError("export needs the opentimelineio package: pip install opentimelineio") from None
    return opentimelineio


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:240] or type(error).__name__


def _existing(path: Path, root: Path) -> Path | None:
    path = path if path.is_absolute() else root / path
    return path.resolve() if path.is_file() else None


def _check(otio: Any, path: Path, adapter_name: str, expected: int) -> None:
    """Read the written file back before it takes its name."""
    document = otio.adapters.read_from_file(str(path), adapter_name=adapter_name)
    timelines = list(document.find_children(descended_from_type=otio.schema.Timeline, shallow_search=True)) \
        if isinstance(document, otio.schema.SerializableCollection) else [document]
    if len(timelines) != expected or not all(isinstance(t, otio.schema.Timeline) for t in timelines):
        raise ExportError(f"{path.name} did not read back as {expected} timeline(s)")


class _Builder:
    def __init__(self, otio: Any, jobs: dict[str, dict], files: dict[str, Path | None]):
        self.otio, self.jobs, self.files = otio, jobs, files

    # --- the plan ---

    def job(self, name: str, sequence: str) -> tuple[str, dict]:
        """A sequence's entry and its job; `SHOT.takeN` names a take of job SHOT."""
        job = plan_job(self.jobs, name)
        if job is not None:
            return name, job
        raise ExportError(f"sequence {sequence} names {name}, which is not a job of the plan")

    def length(self, job: dict) -> float:
        """A job's finished clip's length in seconds: its video's, less its loop
        (which dissolves the clip's tail into its head)."""
        return self.video_length(job) - LOOP_SECONDS.get(job.get("loop"), 0)

    def video_length(self, job: dict, seen: frozenset = frozenset()) -> float:
        """A job's video length in seconds, as the plan has it (a remix or an
        extension is made from its source's video, not its finished clip)."""
        if job["name"] in seen:
            raise ExportError(f"job {job['name']} is its own source")
        kind, request = job.get("kind", "create"), job.get("request", {})
        if kind in ("extend", "remix"):
            source = self.source(job)
            base = self.video_length(source, seen | {job["name"]})
            return base + float(request.get("seconds", 0)) if kind == "extend" else base
        duration = (job.get("timeline") or {}).get("duration_s")
        return float(duration if duration is not None else request.get("seconds", 4))

    def source(self, job: dict) -> dict:
        after = job.get("after") or []
        if not after or after[0] not in self.jobs:
            raise ExportError(f"job {job['name']} has no source video in the plan")
        return self.jobs[after[0]]

    def requested_fps(self, job: dict) -> float | None:
        fps = generating_job(self.jobs, job).get("request", {}).get("fps")
        return float(fps) if fps else None

    # --- OTIO ---

    def time(self, seconds: float, rate: float) -> Any:
        return self.otio.opentime.RationalTime(seconds * rate, rate)

    def span(self, start: float, duration: float, rate: float) -> Any:
        return self.otio.opentime.TimeRange(self.time(start, rate), self.time(duration, rate))

    def timeline(self, sequence: dict, plan: dict) -> Any:
        otio, name = self.otio, sequence["name"]
        entries = [self.job(entry, name) for entry in sequence.get("jobs", [])]
        if not entries:
            raise ExportError(f"sequence {name} has no shots")
        try:
            joins = [Transition.from_plan(text) for text in sequence.get("transitions", [])]
            end = Transition.from_plan(sequence["end"]) if sequence.get("end") else None
        except MediaError as error:
            raise ExportError(f"sequence {name}: {error}") from None
        if len(joins) != len(entries) - 1:
            raise ExportError(f"sequence {name} has {len(entries)} shots and {len(joins)} transitions")
        conform = sequence.get("conform") or {}
        rate = float(conform.get("fps") or self.requested_fps(entries[0][1]) or 24)
        lengths = [self.length(job) for _, job in entries]
        head, tail = [0.0] * len(entries), [0.0] * len(entries)
        for i, join in enumerate(joins):  # what each join takes from the clips either side
            share = join.length_s / 2 if join.kind == "crossfade" else join.length_s / 4 if join.kind == "fade" else 0
            tail[i], head[i + 1] = share, share
        if end and end.kind == "fade":
            tail[-1] = end.length_s / 2
        track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Video)
        for i, (entry, job) in enumerate(entries):
            track.append(self.item(entry, job, head[i], lengths[i] - head[i] - tail[i], lengths[i], rate))
            if i < len(joins):
                track.extend(self.join(joins[i], rate))
        if end and end.kind == "fade":
            track.extend(self.fade_to_black(end, rate))
        timeline = otio.schema.Timeline(name=name, metadata={"sorascript": {
            "source": plan.get("source"), "runtime_s": sequence.get("runtime_s")}})
        timeline.tracks.append(track)
        return timeline

    def item(self, entry: str, job: dict, start: float, duration: float, length: float, rate: float) -> Any:
        otio = self.otio
        path = self.files.get(entry) or self.files.get(job["name"])
        metadata = {"sorascript": {"job": job["name"], "kind": job.get("kind", "create"),
                                   "prompt": job.get("request", {}).get("prompt"), "rendered": path is not None}}
        source_range = self.span(start, duration, rate)
        if path is None:
            item = otio.schema.Gap(name=entry, source_range=source_range, metadata=metadata)
        else:
            media = otio.schema.ExternalReference(target_url=path.as_uri(), available_range=self.span(0, length, rate))
            item = otio.schema.Clip(name=entry, media_reference=media, source_range=source_range, metadata=metadata)
        for marker in self.markers(job, rate):
            item.markers.append(marker)
        return item

    def markers(self, job: dict, rate: float) -> list[Any]:
        otio = self.otio
        offset = self.video_length(self.source(job)) if job.get("kind") == "extend" else 0.0
        timeline = job.get("timeline") or {}
        found = []
        for beat in timeline.get("beats", []):
            found.append((beat["text"], beat, otio.schema.MarkerColor.GREEN, "beat"))
        for line in timeline.get("lines", []):
            found.append((f"{line['speaker']}: {line['text']}", line, otio.schema.MarkerColor.YELLOW, "line"))
        markers = []
        for name, timed, color, kind in found:
            start = float(timed["start_s"])
            end = float(timed.get("end_s", start))
            markers.append(otio.schema.Marker(name=name, marked_range=self.span(offset + start, end - start, rate),
                                              color=color, metadata={"sorascript": {"kind": kind}}))
        return markers

    def dissolve(self, name: str, half: float, rate: float, transition: Transition) -> Any:
        return self.otio.schema.Transition(
            name=name, transition_type=self.otio.schema.TransitionTypes.SMPTE_Dissolve,
            in_offset=self.time(half, rate), out_offset=self.time(half, rate),
            metadata={"sorascript": {"transition": transition.label()}})

    def black(self, duration: float, rate: float, transition: Transition) -> Any:
        return self.otio.schema.Gap(name="black", source_range=self.span(0, duration, rate),
                                    metadata={"sorascript": {"transition": transition.label()}})

    def join(self, transition: Transition, rate: float) -> list[Any]:
        length = transition.length_s
        if transition.kind == "crossfade":
            return [self.dissolve(transition.label(), length / 2, rate, transition)]
        if transition.kind == "fade":
            return [self.dissolve(f"{transition.label()} out", length / 4, rate, transition),
                    self.black(length / 2, rate, transition),
                    self.dissolve(f"{transition.label()} in", length / 4, rate, transition)]
        return []

    def fade_to_black(self, end: Transition, rate: float) -> list[Any]:
        return [self.dissolve(f"{end.label()} to black", end.length_s / 2, rate, end),
                self.black(end.length_s / 2, rate, end)]
