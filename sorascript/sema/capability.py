"""Can the model render this shot as written? Sizes and durations from the
model's profile, the reference image (inside the project, PNG/JPEG/WebP by its
bytes, the size of the frame), cameo characters, audio, retirement."""

from __future__ import annotations

from pathlib import Path

from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.sema.images import sniff
from sorascript.sema.models import size_text
from sorascript.sema.modules import resolve_project_path
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import seconds
from sorascript.syntax import ast


def nearest_size(size, allowed):
    """The allowed size closest in shape first, then in pixel count."""
    width, height = size
    portrait = height > width

    def distance(candidate):
        same_shape = (candidate[1] > candidate[0]) == portrait
        return (not same_shape, abs(candidate[0] * candidate[1] - width * height), candidate)

    return min(allowed, key=distance)


def nearest_duration(duration: int, allowed) -> int:
    return min(allowed, key=lambda d: (abs(d - duration), d))


class CapabilityChecker:
    def __init__(self, root: Path, diagnostics: list[Diagnostic], retired_noted: set) -> None:
        self.root = root
        self.diagnostics = diagnostics
        self.retired_noted = retired_noted  # (file, model) pairs already noted

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def check(self, shot: ResolvedShot) -> None:
        model = shot.model
        if model is None:
            return
        view = shot.view
        self.size(shot)
        self.duration(shot)
        self.reference(shot)
        self.cameos(shot)
        if not model.audio:
            self.dropped_audio(shot)
        if model.retired:
            stmt = view.first(ast.ModelStmt)
            span = stmt.model.span if stmt is not None else view.span
            key = (span.file, model.name)
            if key not in self.retired_noted:
                self.retired_noted.add(key)
                self.report(make(
                    "N001", f"model `{model.name}` was retired on {model.retired}", span, f"retired {model.retired}",
                    help="OpenAI's hosted service is gone; render the plan through a self-hosted server that speaks "
                    "the same Videos API (SGLang Diffusion, stable-diffusion.cpp's sd-server…)",
                ))

    def size(self, shot: ResolvedShot) -> None:
        model = shot.model
        if model.sizes is None or shot.size in model.sizes:
            return
        stmt = shot.view.first(ast.SizeStmt)
        span = stmt.size.span if stmt is not None else shot.view.span
        near = nearest_size(shot.size, model.sizes)
        allowed = ", ".join(size_text(s) for s in model.sizes)
        self.report(make(
            "E501", f"`{model.name}` cannot render {size_text(shot.size)}", span, "size not offered",
            secondary=[Label(model.decl.name.span, f"{model.name} renders {allowed}")],
            help=[f"the nearest size it renders is {size_text(near)}: `size {size_text(near)}`",
                  f"`{model.name}` renders {allowed}"],
        ))

    def duration(self, shot: ResolvedShot) -> None:
        model = shot.model
        if model.durations is None or shot.duration in model.durations:
            return
        stmt = shot.view.first(ast.DurationStmt)
        span = stmt.duration.span if stmt is not None else shot.view.span
        near = nearest_duration(shot.duration, model.durations)
        allowed = ", ".join(f"{seconds(d)}s" for d in model.durations)
        hint = [f"the nearest duration it renders is {seconds(near)}s: `duration {seconds(near)}s`"]
        shortest = min(model.durations)
        if shot.duration > shortest:
            hint.append(f"or render shorter shots ({seconds(shortest)}s clips are the most reliable) and stitch them in a `sequence`")
        self.report(make("E502", f"`{model.name}` cannot render a {seconds(shot.duration)}s clip", span,
                         f"{model.name} renders {allowed}", help=hint))

    def reference(self, shot: ResolvedShot) -> None:
        view = shot.view
        stmt = view.first(ast.ReferenceFile, ast.ReferenceLastFrame)
        if stmt is None:
            return
        if not shot.model.reference:
            self.report(make("E509", f"`{shot.model.name}` takes no reference image", stmt.span, "not supported",
                             help="remove `reference`, or use a model whose profile says `reference yes`"))
            return
        if isinstance(stmt, ast.ReferenceLastFrame):
            return
        module = view.module
        root = self.root if not module.is_std else module.folder
        target = resolve_project_path(stmt.path.value, module.folder, root)
        if isinstance(target, str):
            self.report(make("E205", f"cannot use reference `{stmt.path.value}`: {target}", stmt.path.span, "outside the project",
                             help="put the image inside the project folder and name it relative to this file"))
            return
        if not target.is_file():
            self.report(make("E503", f"reference image `{stmt.path.value}` not found", stmt.path.span, "no such file",
                             help=f"looked for {target.relative_to(self.root) if target.is_relative_to(self.root) else target}; "
                             "paths are relative to the file that names them"))
            return
        try:
            with target.open("rb") as handle:
                head = handle.read(65536)
        except OSError as error:
            self.report(make("E503", f"reference image `{stmt.path.value}` cannot be read ({error.strerror})",
                             stmt.path.span, "unreadable"))
            return
        kind, dimensions = sniff(head)
        if kind is None:
            self.report(make("E504", f"reference `{stmt.path.value}` is not a PNG, JPEG or WebP image", stmt.path.span,
                             "not an image the API takes",
                             help="the Videos API takes PNG, JPEG or WebP; the file's bytes decide, not its name"))
            return
        if dimensions is not None and dimensions != shot.size:
            self.report(make(
                "E505", f"reference `{stmt.path.value}` is {size_text(dimensions)} but the shot is {size_text(shot.size)}",
                stmt.path.span, f"{kind.upper()} of {size_text(dimensions)}",
                help=f"the first frame must match `size` pixel for pixel: resize the image to {size_text(shot.size)}",
            ))

    def cameos(self, shot: ResolvedShot) -> None:
        limit = shot.model.max_characters
        if limit is None:
            return
        cameos = [c for c in shot.cast if any(isinstance(i, ast.Cameo) for i in c.decl.items)]
        if len(cameos) <= limit:
            return
        cast = shot.view.first(ast.Cast)
        span = cast.span if cast is not None else shot.view.span
        names = ", ".join(f"`{c.name}`" for c in cameos)
        self.report(make("E506", f"this shot has {len(cameos)} cameo characters ({names}); `{shot.model.name}` takes at most {limit}",
                         span, "too many cameos", secondary=[Label(c.decl.name.span, "a cameo character") for c in cameos],
                         help="split the shot, or describe the extra people in prose instead of as cameos"))

    def dropped_audio(self, shot: ResolvedShot) -> None:
        for stmt in shot.all_stmts():
            audible = isinstance(stmt, (ast.Dialogue, ast.Sound)) or (
                isinstance(stmt, ast.Beats) and any(isinstance(i, (ast.Line, ast.SoundLine)) for i in stmt.items))
            if audible:
                self.report(make("W203", f"`{shot.model.name}` makes no sound: this {type(stmt).__name__.lower()} will be dropped",
                                 stmt.span.to(stmt.span), "dropped from the prompt",
                                 help="use a model with `audio yes`, or add the sound in post"))
                return
