"""A create job's shot with its names resolved: model, size, duration, cast,
palette, style... what the capability checks, the lints and the lowering read."""

from __future__ import annotations

from dataclasses import dataclass, field

from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.sema.models import ModelProfile, Size, profile
from sorascript.sema.scope import KIND_WORDS, Scopes, Symbol
from sorascript.sema.timing import Window, block_times, clip_duration
from sorascript.sema.views import ShotView
from sorascript.syntax import ast

DEFAULT_MODEL = "sora-2"
DEFAULT_SIZE: Size = (720, 1280)


@dataclass(slots=True)  # one a shot: slots, not a dict each
class ResolvedShot:
    view: ShotView
    model_symbol: Symbol | None
    model: ModelProfile | None
    size: Size
    duration: int  # ms
    cast: list[Symbol] = field(default_factory=list)  # characters in frame: cast lines, then speakers
    props: list[Symbol] = field(default_factory=list)
    palette_items: tuple = ()  # anchors and prose of the shot's palette
    palette_name: str | None = None
    style_items: tuple = ()  # StyleItems, or a StyleText
    location: Symbol | None = None
    takes: int = 1
    frames: int | None = None  # on a frame-based model: the clip's frame count (its `duration` is then their length)
    _times: dict = field(default_factory=dict, repr=False, compare=False)

    def times(self, items, window: Window) -> dict:
        """`block_times` of one of the shot's blocks over a window, worked out once
        for the time checks, the lints and the lowering."""
        key = (id(items), window)
        found = self._times.get(key)
        if found is None:
            found = self._times[key] = block_times(items, window)
        return found

    def forget_times(self) -> None:
        """Called by the lowering, the last to ask: a large film need not keep
        every block's times to the end."""
        self._times.clear()

    @property
    def anchors(self) -> list[ast.Anchor]:
        return [a for a in self.palette_items if isinstance(a, ast.Anchor)]

    def all_stmts(self):
        """The shot's statements and those of its cuts."""
        for stmt in self.view.stmts:
            yield stmt
            if isinstance(stmt, ast.Cut):
                yield from stmt.stmts


def clip_frames(stmt: ast.DurationStmt | None, duration: int, model: ModelProfile) -> int:
    """The frame count a shot renders on a frame-based model: as written
    (`81f`), or the allowed count nearest its duration (the checks say when
    none is within one frame)."""
    if stmt is not None and stmt.duration.kind == "frames" and isinstance(stmt.duration.value, int) \
            and stmt.duration.value >= 1:
        return stmt.duration.value
    wanted = duration * model.fps / 1000
    return model.frames.nearest(wanted) if model.frames is not None else max(1, round(wanted))


class ShotResolver:
    def __init__(self, scopes: Scopes) -> None:
        self.scopes = scopes
        self._profiles: dict[int, ModelProfile] = {}

    def profile(self, symbol: Symbol) -> ModelProfile:
        key = id(symbol.decl)
        if key not in self._profiles:
            self._profiles[key] = profile(symbol.decl)
        return self._profiles[key]

    def model_of(self, view: ShotView) -> tuple[Symbol | None, Diagnostic | None]:
        """The shot's model; a shot that names none renders on the default
        `sora-2`, and says so when that name is not a model here."""
        stmt = view.first(ast.ModelStmt)
        if stmt is not None:  # a wrong name was reported where it is written
            return self.scopes.find(self.scopes.module_of(stmt.model, view.module), stmt.model, ("model",)), None
        found = self.scopes.lookup(view.module, DEFAULT_MODEL)
        if len(found) == 1 and found[0].kind == "model":
            return found[0], None
        if len(found) > 1:
            return None, make(
                "E207", f"the default model `{DEFAULT_MODEL}` is ambiguous: {len(found)} imports declare it", view.span,
                f"this shot names no model, so it renders on `{DEFAULT_MODEL}`",
                secondary=[Label(s.span, f"{KIND_WORDS[s.kind]} in {s.module.source.path}") for s in found],
                help="name the model with `model NAME`, or declare `sora-2` in this file to choose "
                "(your own declarations shadow imported ones)")
        message = (f"the default model `{DEFAULT_MODEL}` is {KIND_WORDS[found[0].kind]} here, not a model" if found
                   else f"the default model `{DEFAULT_MODEL}` is not in scope")
        return None, make("E201", message, view.span, "this shot names no model", help="name one with `model NAME`")

    def find(self, view: ShotView, name: ast.Name, kind: str) -> Symbol | None:
        """What a name in the shot refers to, as the file that wrote it sees it (errors are reported by the checks)."""
        return self.scopes.find(self.scopes.module_of(name, view.module), name, (kind,))

    def resolve(self, view: ShotView) -> tuple[ResolvedShot, Diagnostic | None]:
        model_symbol, problem = self.model_of(view)
        model = self.profile(model_symbol) if model_symbol is not None else None
        size_stmt = view.first(ast.SizeStmt)
        size = size_stmt.size.value if size_stmt is not None and size_stmt.size.kind == "size" else DEFAULT_SIZE
        shot = ResolvedShot(view, model_symbol, model, size, clip_duration(view.stmts))
        if model is not None and model.fps:
            shot.frames = clip_frames(view.first(ast.DurationStmt), shot.duration, model)
            shot.duration = model.frame_ms(shot.frames)
        takes = view.first(ast.Takes)
        if takes is not None and takes.count.kind == "integer" and takes.count.value >= 1:
            shot.takes = takes.count.value
        seen: set[int] = set()

        def add_character(name: ast.Name) -> None:
            symbol = self.find(view, name, "character")
            if symbol is not None and id(symbol.decl) not in seen:
                seen.add(id(symbol.decl))
                shot.cast.append(symbol)

        for stmt in shot.all_stmts():
            if isinstance(stmt, ast.Cast):
                for name in stmt.names:
                    add_character(name)
        for stmt in shot.all_stmts():
            if isinstance(stmt, (ast.Dialogue, ast.Beats)):
                for item in stmt.items:
                    if isinstance(item, ast.Line):
                        add_character(item.speaker)
        for stmt in view.all(ast.Props):
            for name in stmt.names:
                symbol = self.find(view, name, "prop")
                if symbol is not None and symbol not in shot.props:
                    shot.props.append(symbol)
        palette = view.first(ast.PaletteRef, ast.PaletteBlock)
        if isinstance(palette, ast.PaletteBlock):
            shot.palette_items = palette.items
        elif isinstance(palette, ast.PaletteRef):
            symbol = self.find(view, palette.name, "palette")
            if symbol is not None:
                shot.palette_items = symbol.decl.items
                shot.palette_name = symbol.name
        style = view.first(ast.StyleRef, ast.StyleText, ast.StyleBlock)
        if isinstance(style, ast.StyleBlock):
            shot.style_items = style.items
        elif isinstance(style, ast.StyleText):
            shot.style_items = (ast.Prose(style.text, style.span),)
        elif isinstance(style, ast.StyleRef):
            symbol = self.find(view, style.name, "style")
            if symbol is not None:
                shot.style_items = symbol.decl.items
        setting = view.first(ast.Setting)
        if setting is not None and setting.location is not None:
            shot.location = self.find(view, setting.location, "location")
        return shot, problem
