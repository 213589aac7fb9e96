"""Can the model render this shot as written? Sizes and durations from the
model's profile, the reference image (inside the project, PNG/JPEG/WebP by its
bytes, the size of the frame), cameo characters, audio, retirement."""

from __future__ import annotations

from pathlib import Path

from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.files import file_kind
from sorascript.sema.images import sniff
from sorascript.sema.modules import outside_help, resolve_project_path
from sorascript.sema.shot import ResolvedShot
from sorascript.quantities import seconds, size_text
from sorascript.syntax import ast
from sorascript import vocab
from sorascript.suggest import closest

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
_FORMAT_NAMES = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP"}


_OTHER_FORMATS = [
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"), (b"%PDF", "a PDF document"), (b"8BPS", "a Photoshop document"),
]


def _what_it_is(head: bytes) -> str | None:
    """What a file that is not PNG/JPEG/WebP holds, when its first bytes say so."""
    for magic, words in _OTHER_FORMATS:
        if head.startswith(magic):
            return words
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "a HEIC image"
    if head[4:12] == b"ftypavif":
        return "an AVIF image"
    if not head:
        return "nothing (it is empty)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


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
    """Every create job against its model, one pass. A statement is checked
    once per model (and size) it is rendered with: a `size` in `defaults:` is
    not reported again for every shot that inherits it."""

    def __init__(self, root: Path, scopes) -> None:
        self.root = root
        self.scopes = scopes
        self.diagnostics: list[Diagnostic] = []
        self._checked: set[tuple] = set()

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def first_time(self, *key) -> bool:
        if key in self._checked:
            return False
        self._checked.add(key)
        return True

    def check(self, shot: ResolvedShot) -> None:
        model = shot.model
        if model is None:
            return
        view = shot.view
        self.size(shot)
        self.duration(shot)
        self.reference(shot)
        self.params(shot)
        self.cameos(shot)
        if not model.audio:
            self.dropped_audio(shot)
        if model.retired:
            stmt = view.first(ast.ModelStmt)
            span = stmt.model.span if stmt is not None else view.span
            if self.first_time("retired", span.file, model.name):
                self.report(make(
                    "N001", f"model `{model.name}` was retired on {model.retired}", span, f"retired {model.retired}",
                    help="OpenAI's hosted service is gone; render the plan through a self-hosted server that speaks "
                    "the same Videos API (SGLang Diffusion, stable-diffusion.cpp's sd-server…)",
                ))

    def size(self, shot: ResolvedShot) -> None:
        model = shot.model
        stmt = shot.view.first(ast.SizeStmt)
        if model.sizes is None or shot.size in model.sizes or not self.first_time(id(stmt or shot.view), model.name):
            return
        span = stmt.size.span if stmt is not None else shot.view.span
        near = nearest_size(shot.size, model.sizes)
        allowed = ", ".join(size_text(s) for s in model.sizes)
        listed = next((i for i in model.decl.items if isinstance(i, ast.ModelSizes)), model.decl.name)
        self.report(make(
            "E501", f"`{model.name}` cannot render {size_text(shot.size)}", span, "size not offered",
            secondary=[Label(listed.span, f"the sizes `{model.name}` renders")],
            help=[f"the nearest size it renders is {size_text(near)}: `size {size_text(near)}`",
                  f"`{model.name}` renders {allowed}"] + _served(model),
        ))

    def duration(self, shot: ResolvedShot) -> None:
        model = shot.model
        stmt = shot.view.first(ast.DurationStmt)
        if model.fps:
            return self.frames(shot, stmt)
        if stmt is not None and stmt.duration.kind == "frames":
            if self.first_time(id(stmt), model.name):
                self.report(make("E502", f"`{stmt.duration.text}` counts frames, but `{model.name}` has no frame rate",
                                 stmt.duration.span, "frames of what rate?",
                                 help=["give the clip's length in seconds, e.g. `duration 4s`",
                                       "frame counts are for models whose profile says `fps` and `frames`"]))
            return
        if model.durations is None or shot.duration in model.durations or not self.first_time(id(stmt or shot.view), model.name):
            return
        span = stmt.duration.span if stmt is not None else shot.view.span
        near = nearest_duration(shot.duration, model.durations)
        allowed = ", ".join(f"{seconds(d)}s" for d in model.durations)
        tied = [d for d in model.durations if d != near and abs(d - shot.duration) == abs(near - shot.duration)]
        if tied:
            hint = [f"the nearest durations it renders are {seconds(near)}s and {seconds(tied[0])}s: "
                    f"`duration {seconds(near)}s` or `duration {seconds(tied[0])}s`"]
        else:
            hint = [f"the nearest duration it renders is {seconds(near)}s: `duration {seconds(near)}s`"]
        shortest = min(model.durations)
        if shot.duration > shortest:
            hint.append(f"or render shorter shots ({seconds(shortest)}s clips are the most reliable) and stitch them in a `sequence`")
        self.report(make("E502", f"`{model.name}` cannot render a {seconds(shot.duration)}s clip", span,
                         f"{model.name} renders {allowed}", help=hint))

    def frames(self, shot: ResolvedShot, stmt: ast.DurationStmt | None) -> None:
        """On a frame-based model a clip is a frame count: as written, or the
        allowed count within one frame of the duration."""
        model = shot.model
        grid = model.frames
        if not self.first_time("frames", id(stmt or shot.view), model.name):
            return
        span = stmt.duration.span if stmt is not None else shot.view.span
        if stmt is not None and stmt.duration.kind == "frames":
            count = stmt.duration.value
            if not isinstance(count, int):
                self.report(make("E302", f"a frame count is a whole number, found `{stmt.duration.text}`", span,
                                 "not a whole number"))
            elif grid is not None and count not in grid:
                self.report(make("E502", f"`{model.name}` cannot render {count} frame{'s' if count != 1 else ''}", span,
                                 f"renders {_grid_words(model)}", help=[_nearest_frames(model, grid.nearest(count))]
                                 + _served(model)))
            return
        wanted = shot_duration_ms(stmt)
        count = shot.frames
        fits = abs(count - wanted * model.fps / 1000) <= 1 + 1e-9  # within one frame, exactly one included
        if grid is not None and not grid.low <= count <= grid.high:
            fits = False
        if fits:
            return
        near = grid.nearest(wanted * model.fps / 1000) if grid is not None else count
        hint = [_nearest_frames(model, near)]
        if grid is not None and wanted > model.frame_ms(grid.high):
            hint.append(f"`{model.name}` renders at most {seconds(model.frame_ms(grid.high))}s: render shorter shots and "
                        "stitch them in a `sequence`")
        self.report(make("E502", f"`{model.name}` cannot render a {seconds(wanted)}s clip", span,
                         f"renders {_grid_words(model)}", help=hint + _served(model)))

    def params(self, shot: ResolvedShot) -> None:
        """`seed` and `param` name fields the model's profile lists."""
        model = shot.model
        for stmt in shot.view.all(ast.Seed, ast.Param):
            name = "seed" if isinstance(stmt, ast.Seed) else stmt.name.text
            if name in model.params or not self.first_time("param", id(stmt), model.name):
                continue
            span = stmt.span.head(len("seed")) if isinstance(stmt, ast.Seed) else stmt.name.span
            if not model.params:
                self.report(make("E510", f"`{model.name}` takes no request parameters: `{name}` would not be sent", span,
                                 "not taken", help=["its profile lists no `params`; a self-hosted model's profile says "
                                                    "which extra fields its server accepts (`params seed, …`)"]))
                continue
            if name in vocab.COMPUTED_FIELDS:
                message, hint = f"`{name}` is a request field sorac writes itself", [
                    "it comes from the shot's model, size and duration"]
            else:
                close = closest(name, model.params, 0.6)
                message = f"`{model.name}` takes no parameter `{name}`"
                hint = ([f"did you mean `{close}`?"] if close else []) + [
                    f"`{model.name}` takes: " + ", ".join(f"`{p}`" for p in model.params)]
            self.report(make("E510", message, span, "not taken", help=hint))

    def reference(self, shot: ResolvedShot) -> None:
        view = shot.view
        stmt = view.first(ast.ReferenceFile, ast.ReferenceLastFrame)
        if stmt is None:
            if shot.model.requires_reference and self.first_time("needs-reference", id(view)):
                self.report(make("E512", f"`{shot.model.name}` renders only from a first-frame image, and this shot has none",
                                 view.span, "no `reference`",
                                 help=['give the shot `reference "frame.png"` (or `reference last frame of SHOT`), or '
                                       "render it on a text-to-video model"] + _served(shot.model)))
            return
        if not self.first_time(id(stmt), shot.size, shot.model.name):
            return
        if not shot.model.reference:
            self.report(make("E509", f"`{shot.model.name}` takes no reference image", stmt.span, "not supported",
                             help="remove `reference`, or use a model whose profile says `reference yes`"))
            return
        if isinstance(stmt, ast.ReferenceLastFrame):
            return
        module = self.scopes.module_of(stmt, view.module)  # an inherited `reference` names a file beside its own shot
        root = self.root if not module.is_std else module.folder
        target = resolve_project_path(stmt.path.value, module.folder, root)
        if isinstance(target, str):
            self.report(make("E205", f"cannot use reference `{stmt.path.value}`: {target}", stmt.path.span, "outside the project",
                             help=outside_help(target, root, "image")))
            return
        found = file_kind(target)
        if found is not None and not found.startswith("not there"):
            self.report(make("E503", f"reference image `{stmt.path.value}` is {found}", stmt.path.span, "not an image file",
                             help="a reference is a PNG, JPEG or WebP file inside the project"))
            return
        if found is not None:
            hint = []
            try:
                images = sorted(p.name for p in target.parent.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
            except OSError:
                images = []
            close = closest(target.name, images, 0.6)
            if close:
                hint.append(f"did you mean `{close}`?")
            shown = target.relative_to(self.root) if target.is_relative_to(self.root) else target
            hint.append(f"looked for {shown.as_posix()}; paths are relative to the file that names them")
            self.report(make("E503", f"reference image `{stmt.path.value}` not found", stmt.path.span, "no such file",
                             help=hint))
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
            actual = _what_it_is(head)
            hint = ["the Videos API takes PNG, JPEG or WebP; the file's bytes decide, not its name"]
            if actual:
                hint.append(f"the file holds {actual}: export or convert the frame to PNG, JPEG or WebP")
            self.report(make("E504", f"reference `{stmt.path.value}` is not a PNG, JPEG or WebP image", stmt.path.span,
                             f"{actual}, not an image the API takes" if actual else "not an image the API takes", help=hint))
            return
        if dimensions is not None and dimensions != shot.size:
            hint = [f"the first frame must match `size` pixel for pixel: resize the image to {size_text(shot.size)}"]
            if shot.model.sizes is not None and dimensions in shot.model.sizes:
                hint.append(f"or render at the image's size: `size {size_text(dimensions)}`")
            if view.first(ast.SizeStmt) is None:
                hint.append(f"the shot names no `size`, so it renders at the default {size_text(shot.size)}")
            self.report(make(
                "E505", f"reference `{stmt.path.value}` is {size_text(dimensions)} but the shot is {size_text(shot.size)}",
                stmt.path.span, f"{_FORMAT_NAMES.get(kind, kind)} of {size_text(dimensions)}", help=hint,
            ))

    def cameos(self, shot: ResolvedShot) -> None:
        limit = shot.model.max_characters
        if limit is None:
            return
        cameos = [c for c in shot.cast if any(isinstance(i, ast.Cameo) for i in c.decl.items)]
        if len(cameos) <= limit:
            return
        cast = shot.view.first(ast.Cast)
        if not self.first_time(id(cast or shot.view), shot.model.name):
            return
        span = cast.span if cast is not None else shot.view.span
        names = ", ".join(f"`{c.name}`" for c in cameos)
        self.report(make("E506", f"this shot has {len(cameos)} cameo characters ({names}); `{shot.model.name}` takes at most {limit}",
                         span, "too many cameos", secondary=[Label(c.decl.name.span, "a cameo character") for c in cameos],
                         help="split the shot, or describe the extra people in prose instead of as cameos"))

    def dropped_audio(self, shot: ResolvedShot) -> None:
        """One warning per shot, at its first block with sound, naming what will not be heard."""
        audible: list[tuple[object, str]] = []
        for stmt in shot.all_stmts():
            if isinstance(stmt, ast.Dialogue):
                audible.append((stmt, "dialogue"))
            elif isinstance(stmt, ast.Sound):
                audible.append((stmt, "sound cues"))
            elif isinstance(stmt, ast.Beats):
                if any(isinstance(i, ast.Line) for i in stmt.items):
                    audible.append((stmt, "dialogue"))
                if any(isinstance(i, ast.SoundLine) for i in stmt.items):
                    audible.append((stmt, "sound cues"))
        if not audible or not self.first_time(id(audible[0][0]), shot.model.name):
            return
        kinds = list(dict.fromkeys(kind for _, kind in audible))
        what = " and ".join(kinds)
        first = audible[0][0]
        others = list(dict.fromkeys(stmt for stmt, _ in audible[1:] if stmt is not first))
        self.report(make(
            "W203", f"`{shot.model.name}` makes no sound: the {what} of this shot will not be heard",
            _header(first), "not heard", secondary=[Label(_header(s), "not heard either") for s in others],
            help=["the model's profile says `audio no`: add the sound in post, or use a model with `audio yes`"],
        ))


def shot_duration_ms(stmt: ast.DurationStmt | None) -> int:
    if stmt is None or stmt.duration.kind != "duration" or not 0 < stmt.duration.value <= 3_600_000:
        return 4000
    return stmt.duration.value


def _grid_words(model) -> str:
    grid = model.frames
    if grid is None:
        return f"frames at {model.fps:g} fps"
    return (f"{grid.low}f..{grid.high}f every {grid.step}f at {model.fps:g} fps "
            f"({seconds(model.frame_ms(grid.low))}s to {seconds(model.frame_ms(grid.high))}s)")


def _nearest_frames(model, count: int) -> str:
    """The nearest valid lengths, in frames and seconds."""
    grid = model.frames
    options = sorted({count} | ({c for c in (count - grid.step, count + grid.step) if c in grid} if grid else set()))
    shown = " or ".join(f"`duration {c}f` ({seconds(model.frame_ms(c))}s)" for c in options)
    return f"the nearest lengths it renders: {shown}"


def _header(stmt):
    """The span of a block's header word (`dialogue`), not its whole body."""
    return stmt.span.head(len(stmt.KIND))


def _served(model) -> list[str]:
    """The servers a model's profile says run it (its `server` statement), as a help line."""
    return [f"`{model.name}` runs on {model.server}"] if model.server else []
