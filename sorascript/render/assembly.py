"""From downloads to a film: the plan's assembly steps over the media library (assemble.py, media.py).

- A job's finished clip (`renders/STEM/JOB.mp4`) is its download made into a
  loop first (when the job says `loop`), then with its overlays drawn: an
  overlay drawn before the loop would show twice in the loop's head. The
  download itself stays in `.sorac/cache/`, untouched.
- A `reference last frame of SHOT` image is the last frame of SHOT's download
  (the model's picture, without captions), scaled to cover the dependent
  shot's size and centre-cropped.
- A sequence is stitched from its shots' finished clips, and gets its seams
  sheet when it has a join.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from sorascript.lower.plan_model import Job, Plan, Sequence
from sorascript.render.media import MediaError, atomic_output, probe
from sorascript.render.outputs import Layout

FINISH_VERSION = 1  # bump when finishing changes what it makes


def finish_key(job: Job, raw_identity: str) -> str:
    """What a finished clip is made from: the download, the loop and the overlays."""
    text = json.dumps({"v": FINISH_VERSION, "raw": raw_identity, "loop": job.loop,
                       "overlays": [[o.text, o.position, o.start_s, o.end_s] for o in job.overlays]}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def finish(raw: Path, job: Job, out: Path, scratch: Path) -> None:
    """Write the job's finished clip to `out` (atomically, probed by each step)."""
    from sorascript.render.assemble import Overlay, draw_overlays, make_loop

    source = Path(raw)
    looped = None
    if job.loop:
        looped = scratch / f".{out.stem}.loop.mp4"
        make_loop(source, job.loop, looped)
        source = looped
    try:
        if job.overlays:
            draw_overlays(source, [Overlay(o.text, o.position, o.start_s, o.end_s) for o in job.overlays], out)
        else:
            with atomic_output(out) as tmp:
                shutil.copyfile(source, tmp)
                probe(tmp)
    finally:
        if looped is not None:
            looped.unlink(missing_ok=True)


def reference_frame(raw: Path, size: str, out_png: Path) -> None:
    from sorascript.render.media import extract_frame

    width, height = (int(n) for n in size.lower().split("x"))
    extract_frame(raw, None, out_png, size=(width, height))


def format_problems(plan: Plan, sequences: list[Sequence]) -> list[str]:
    """Sequences whose shots differ in size or frame rate without `conform`, from the plan's requests."""
    from sorascript.render.assemble import check_plan_format

    data = plan.as_dict()
    by_name = {s["name"]: s for s in data.get("sequences", [])}
    problems = []
    for sequence in sequences:
        problem = check_plan_format(data, by_name[sequence.name])
        if problem:
            problems.append(f"sequence {sequence.name}: {problem}")
    return problems


def sequence_key(sequence: Sequence, clips: list[Path]) -> str:
    """What a stitched sequence is made from: its clips as they are on disk, and its joins."""
    files = []
    for path in clips:
        stat = path.stat()
        files.append([path.name, stat.st_size, stat.st_mtime_ns])
    text = json.dumps({"clips": files, "transitions": list(sequence.transitions), "end": sequence.end,
                       "conform": dict(sequence.conform) if sequence.conform else None}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def stitch_sequence(sequence: Sequence, layout: Layout) -> dict:
    """Stitch a sequence from its finished clips and draw its seams sheet; its render.json entry.

    Raises MediaError when a clip is missing or the media steps fail."""
    from sorascript.render.assemble import Clip, Conform, Transition, seams_sheet, stitch

    paths = [layout.clip(name) for name in sequence.jobs]
    missing = [name for name, path in zip(sequence.jobs, paths) if not path.is_file()]
    if missing:
        raise MediaError(f"not rendered yet: {', '.join(missing)}")
    clips = [Clip(name, path) for name, path in zip(sequence.jobs, paths)]
    transitions = [Transition.from_plan(text) for text in sequence.transitions]
    end = Transition.from_plan(sequence.end) if sequence.end else None
    conform = Conform.from_plan(dict(sequence.conform)) if sequence.conform else None
    key = sequence_key(sequence, paths)
    out = layout.sequence(sequence.name)
    stitch(clips, transitions, out, end=end, conform=conform)
    seams = None
    if len(clips) > 1:
        seams = layout.seams(sequence.name)
        seams_sheet(clips, transitions, seams)
    info = probe(out)
    return {"name": sequence.name, "file": layout.relative(out), "seams": layout.relative(seams) if seams else None,
            "jobs": list(sequence.jobs), "transitions": list(sequence.transitions), "end": sequence.end,
            "runtime_s": sequence.runtime_s, "duration_s": round(info.duration_s, 4),
            "size": f"{info.width}x{info.height}", "key": key}


def up_to_date(entry: dict | None, sequence: Sequence, layout: Layout) -> bool:
    """Whether render.json's entry for a sequence was stitched from the clips as they are now."""
    if not entry or not layout.sequence(sequence.name).is_file():
        return False
    paths = [layout.clip(name) for name in sequence.jobs]
    if not all(p.is_file() for p in paths):
        return False
    if len(paths) > 1 and not layout.seams(sequence.name).is_file():
        return False
    return entry.get("key") == sequence_key(sequence, paths)
