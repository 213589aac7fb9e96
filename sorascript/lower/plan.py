"""The plan: every job as an exact Videos API request, in render order.

`request` holds only the API's JSON fields (`seconds` a string). A remix or
extension names its source in `after`; a reference image is the job's
`input_reference` (a path from the project root, or another job's last
frame), never inside `request`. Same source, same bytes.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from pathlib import Path

from sorascript import vocab
from sorascript.diagnostics.render import diagnostic_json
from sorascript.lower.prompt import extend_prompt, remix_prompt, shot_lowering
from sorascript.sema import Analysis
from sorascript.sema.names import sequence_job
from sorascript.quantities import seconds_string as _seconds_string, size_text, usd as _usd
from sorascript.sema.timing import Window, cut_windows, ms, range_ms
from sorascript.syntax import ast

DEFAULT_OVERLAY_POSITION = "bottom"


class PlanBuilder:
    def __init__(self, analysis: Analysis, prompts: dict[str, str], timelines: dict[str, dict]) -> None:
        self.analysis = analysis
        self.prompts = prompts
        self.timelines = timelines
        self.program = analysis.program
        self.root = self.program.root.resolve()
        self._files = {m.source.path: m for m in self.program.modules.values()}
        self._project_paths: dict[str, str] = {}  # resolving a path asks the file system, once per file

    def project_path(self, file: str) -> str:
        """A file as the plan names it: relative to the project root, `/`-separated."""
        found = self._project_paths.get(file)
        if found is None:
            found = self._project_paths[file] = self._project_path(file)
        return found

    def _project_path(self, file: str) -> str:
        module = self._files.get(file)
        if module is None or module.is_std:
            return file
        try:
            return module.path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(module.path.resolve(), self.root)).as_posix()

    def span(self, span) -> dict:
        return {"file": self.project_path(span.file), "line": span.line, "column": span.column}

    def reference_path(self, stmt: ast.ReferenceFile, module) -> str:
        """A reference image relative to the project root. The path resolves from
        the file that wrote the statement (a `from` base may live in another file)."""
        module = self.analysis.scopes.module_of(stmt, module)
        path = (module.folder / stmt.path.value).resolve()
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else stmt.path.value

    def job(self, job) -> dict:
        media = self.analysis.media[job.name]
        out: dict = {"name": job.name, "kind": job.kind}
        input_reference = None
        overlays: list[dict] = []
        if job.kind == "create":
            shot = self.analysis.shots[job.name]
            out["request"] = self.create_request(job, shot)
            reference = job.view.first(ast.ReferenceFile, ast.ReferenceLastFrame)
            if isinstance(reference, ast.ReferenceFile):
                input_reference = self.reference_path(reference, job.view.module)
            elif isinstance(reference, ast.ReferenceLastFrame):
                input_reference = {"last_frame_of": job.reference_frame_of}
            overlays = self.overlays(shot)
        elif job.kind == "remix":
            out["request"] = {"prompt": remix_prompt(job.symbol.decl)}
        else:
            out["request"] = {"prompt": extend_prompt(job.symbol.decl), "seconds": _seconds_string(media.billed_ms)}
        out["input_reference"] = input_reference
        out["after"] = list(job.after)
        out["cost_usd"] = _usd(media.cost)
        if job.kind == "create" and self.analysis.shots[job.name].model.retired:
            out["retired"] = self.analysis.shots[job.name].model.retired  # the renderer refuses OpenAI's endpoint for it
        if job.kind == "create" and job.view.first(ast.Takes) is not None:
            out["takes"] = media.takes
        if overlays:
            out["overlays"] = overlays
        if job.kind == "create":
            shot = self.analysis.shots[job.name]
            loop = job.view.first(ast.Loop)
            if loop is not None:
                out["loop"] = loop.mode.text
            cameos = self.cameos(shot)
            if cameos:
                out["cameos"] = cameos
            out["timeline"] = self.timelines[job.name]
        out["span"] = self.span(job.span)
        return out

    def create_request(self, job, shot) -> dict:
        """The Videos API fields of a create job: the four standard ones, then, as
        the model's profile says, its frame rate and count, the negative prompt,
        the seed and each `param`."""
        model = shot.model
        request = {"model": model.api_model, "size": size_text(shot.size), "seconds": _seconds_string(shot.duration),
                   "prompt": self.prompts[job.name]}
        if model.fps and shot.frames:
            request["seconds"] = str(math.ceil(shot.frames / model.fps))  # whole seconds, rounded up
            request["fps"] = int(model.fps) if float(model.fps).is_integer() else model.fps
            request["num_frames"] = shot.frames
        avoid = [s.text.value for s in job.view.all(ast.Avoid)]
        if avoid and model.negative == "field":
            request["negative_prompt"] = ", ".join(avoid)
        seed = job.view.first(ast.Seed)
        if seed is not None:
            request["seed"] = seed.value.value
        for param in job.view.all(ast.Param):
            request[param.name.text] = param_value(param.value)
        return request

    def cameos(self, shot) -> list[dict]:
        """The shot's characters with a recorded likeness: the renderer uploads each
        recording once, as an API character named as the prompt names it."""
        out = []
        for symbol in shot.cast:
            cameo = next((i for i in symbol.decl.items if isinstance(i, ast.Cameo)), None)
            if cameo is None:
                continue
            path = (symbol.module.folder / cameo.path.value).resolve()
            video = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else cameo.path.value
            out.append({"name": symbol.name, "video": video})
        return out

    def overlays(self, shot) -> list[dict]:
        """Overlays the renderer composites after generation (not `in-frame` ones)."""
        found: list[tuple[ast.Overlay, Window]] = []
        clip = Window(0, shot.duration)
        found += [(s, clip) for s in shot.view.stmts if isinstance(s, ast.Overlay)]
        for cut, window in cut_windows(shot.view.stmts, shot.duration):
            found += [(s, window) for s in cut.stmts if isinstance(s, ast.Overlay)]
        out = []
        for overlay, window in found:
            if overlay.in_frame:
                continue
            start, end = range_ms(overlay.timing) if isinstance(overlay.timing, ast.TimeRange) else (window.start, window.end)
            out.append({
                "text": overlay.text.value,
                "position": overlay.position.text if overlay.position is not None else DEFAULT_OVERLAY_POSITION,
                "start_s": start / 1000,
                "end_s": end / 1000,
            })
        return out

    def finished_ms(self, job: str) -> int:
        """How long a job's finished clip is: its video, less its `loop` (the tail
        dissolved into the head)."""
        shot = self.analysis.shots.get(job)
        loop = shot.view.first(ast.Loop) if shot is not None else None
        seconds_off = vocab.LOOP_SECONDS.get(loop.mode.text, 0) if loop is not None else 0
        return self.analysis.media[job].duration - round(seconds_off * 1000)

    def sequences(self) -> list[dict]:
        out = []
        for decl in self.program.main.ast.decls:
            if not isinstance(decl, ast.SequenceDecl):
                continue
            entries = [i for i in decl.items if isinstance(i, ast.SequenceEntry)]
            names = [e.shot.text for e in entries]
            transitions = []
            overlap = 0
            for entry in entries[:-1]:
                kind = entry.transition.text if entry.transition is not None else "cut"
                length = ms(entry.length) if entry.length is not None else (1000 if kind == "fade" else None)
                if kind == "crossfade" and length:
                    overlap += length
                transitions.append(kind if length is None else f"{kind} {_seconds_string(length)}s")
            media = self.analysis.media
            runtime = sum(self.finished_ms(j) for j in (sequence_job(n, media)[0] for n in names) if j in media) - overlap
            sequence = {"name": decl.name.text, "jobs": names, "transitions": transitions, "runtime_s": runtime / 1000}
            conform = next((i for i in decl.items if isinstance(i, ast.Conform)), None)
            if conform is not None and conform.size.kind == "size" and conform.fps.kind == "framerate":
                fps = conform.fps.value
                sequence["conform"] = {"size": size_text(conform.size.value), "fps": int(fps) if float(fps).is_integer() else fps}
            last = entries[-1] if entries else None
            if last is not None and last.transition is not None and last.transition.text == "fade":
                length = ms(last.length) if last.length is not None else 1000
                sequence["end"] = f"fade {_seconds_string(length)}s"  # to black, after the last shot
            out.append(sequence)
        return out

    def plan(self) -> dict:
        jobs = [self.job(j) for j in self.analysis.jobs]
        costs = [self.analysis.media[j.name].cost for j in self.analysis.jobs]
        total = None if any(c is None for c in costs) else sum(costs, Decimal(0))
        diagnostics = []
        for d in self.analysis.diagnostics:
            entry = diagnostic_json(d)
            entry["file"] = self.project_path(entry["file"])
            for label in entry["labels"]:
                label["file"] = self.project_path(label["file"])
            diagnostics.append(entry)
        return {
            "source": self.project_path(self.program.main.source.path),
            "jobs": jobs,
            "sequences": self.sequences(),
            "total_cost_usd": _usd(total),
            "diagnostics": diagnostics,
        }


def param_value(value):
    """A `param`'s value as JSON: a number, a string, or true/false."""
    if isinstance(value, ast.Str):
        return value.value
    if isinstance(value, ast.Name):
        return vocab.YES_NO[value.text]
    return value.value


def build_plan(analysis: Analysis, lowered: tuple[dict[str, str], dict[str, dict]] | None = None) -> dict:
    """The plan; `lowered` is `shot_lowering(analysis)` when the caller has it already."""
    prompts, timelines = lowered if lowered is not None else shot_lowering(analysis)
    return PlanBuilder(analysis, prompts, timelines).plan()


def plan_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the plan, shipped in the package as `plan.schema.json`."""
    import json
    from importlib.resources import files

    return json.loads(files(__package__).joinpath("plan.schema.json").read_text(encoding="utf-8"))
