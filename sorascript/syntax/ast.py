"""The typed syntax tree of a `.shot` file.

Immutable slotted classes, one per construct (see `node`). Every node has a `span`, excluded from
equality, so two parses of the same program compare equal wherever it sits in
a file. Statements carry a `KIND`: the kind a `from` shot or a `variant`
replaces, and the kind that may be set once per block.
"""

from __future__ import annotations

from typing import ClassVar, Union

from sorascript.source import Span

_NO_DEFAULT = object()


class _Field:
    """What a class body says of a field beyond its annotation."""

    __slots__ = ("compare", "default")

    def __init__(self, *, compare: bool = True, default=_NO_DEFAULT) -> None:
        self.compare = compare
        self.default = default


def _span() -> _Field:
    """A node's `span`: outside equality, so two parses of one program compare equal."""
    return _Field(compare=False)


class FrozenError(AttributeError):
    """An AST node was assigned to after it was made."""


_SPAN_BITS = 32  # a span's start and end packed in one number: a file is at most 32 MB
_SPAN_MASK = (1 << _SPAN_BITS) - 1


class _NodeType(type):
    """Makes each node class slotted, with the fields its annotations name (a
    field's `_Field` in the class body says it is outside equality, or gives a
    default). Its `__init__` is made, with every other node class's, by
    `_make_inits`: one `exec` rather than one per class.

    A node's `span` is kept as its file and one number (start and end packed):
    a `Span` is made when it is asked for. A large film has millions of nodes,
    and a tuple and two offsets for each were most of its memory."""

    def __new__(mcls, name, bases, namespace):
        names, compared, defaults = [], [], {}
        for field, annotation in namespace.get("__annotations__", {}).items():
            if str(annotation).startswith("ClassVar"):
                continue
            spec = namespace.pop(field, _NO_DEFAULT)
            spec = spec if isinstance(spec, _Field) else _Field(default=spec)
            names.append(field)
            if spec.compare:
                compared.append(field)
            if spec.default is not _NO_DEFAULT:
                defaults[field] = spec.default
        namespace["__slots__"] = tuple(n for n in names if n != "span") + (("_source", "_packed") if "span" in names else ())
        if bases:
            namespace.update(_fields=tuple(names), _compared=tuple(compared))
            namespace.setdefault("__doc__", f"The `{name}` node.")
        cls = super().__new__(mcls, name, bases, namespace)
        if bases:
            _PENDING.append((cls, names, defaults))
        return cls


_PENDING: list[tuple[type, list[str], dict]] = []


class Node(metaclass=_NodeType):
    """Equality, hashing and repr over a node's fields, spans excluded; nodes
    are immutable once made.

    Written once here, not generated per class: the AST has about a hundred
    classes, and generating methods for each (as `dataclasses` does) was most
    of the time `sorac` takes to start.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[tuple[str, ...]] = ()

    @property
    def span(self) -> Span | None:
        if self._source is None:  # a node made by hand, with no place in a file
            return None
        packed = self._packed
        return Span(self._source, packed >> _SPAN_BITS, packed & _SPAN_MASK)

    @property
    def place(self) -> tuple:
        """(file, start, end) of the span, without making a `Span`: for loops over
        many nodes. (None, 0, 0) for a node made by hand."""
        packed = self._packed
        return self._source, packed >> _SPAN_BITS, packed & _SPAN_MASK

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields if name != "span")
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value) -> None:
        raise FrozenError(f"cannot assign to field {name!r}: AST nodes are immutable")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}: AST nodes are immutable")


def node(cls):
    """Marks a node class (the metaclass has made it already): kept so that
    each construct reads as a declaration."""
    return cls


def _make_inits() -> None:
    """One `exec` for the `__init__` of every node class: each sets its slots
    through their descriptors (assignment is refused once the node is made)."""
    lines, scope = [], {}
    for number, (cls, names, defaults) in enumerate(_PENDING):
        params = []
        for name in names:
            if name in defaults:
                scope[f"_d{number}_{name}"] = defaults[name]
                params.append(f"{name}=_d{number}_{name}")
            else:
                params.append(name)
        lines.append(f"def _init{number}(self, {', '.join(params)}):")
        for name in names:
            if name == "span":
                scope[f"_p{number}_source"] = cls.__dict__["_source"].__set__
                scope[f"_p{number}_packed"] = cls.__dict__["_packed"].__set__
                lines.append(f"    _p{number}_source(self, None if span is None else span[0])")
                lines.append(f"    _p{number}_packed(self, 0 if span is None else (span[1] << {_SPAN_BITS}) | span[2])")
                continue
            scope[f"_s{number}_{name}"] = cls.__dict__[name].__set__
            lines.append(f"    _s{number}_{name}(self, {name})")
        if not names:
            lines.append("    pass")
    exec("\n".join(lines), scope)  # noqa: S102 - source made here, from the class definitions above
    for number, (cls, _, _) in enumerate(_PENDING):
        init = scope[f"_init{number}"]
        init.__qualname__ = f"{cls.__name__}.__init__"
        type.__setattr__(cls, "__init__", init)
    _PENDING.clear()


@node
class Name(Node):
    text: str
    span: Span = _span()


@node
class Str(Node):
    value: str
    span: Span = _span()


@node
class Quantity(Node):
    """A number with a unit. `value` is integer milliseconds for durations,
    (width, height) for sizes, "#rrggbb" for colours, a number otherwise."""

    kind: str  # duration angle focal aperture temperature percent framerate factor money size color integer number unknown
    value: object
    text: str
    span: Span = _span()


@node
class TimeRange(Node):
    start: Quantity
    end: Quantity
    span: Span = _span()


@node
class TimePoint(Node):
    at: Quantity
    span: Span = _span()


Timing = Union[TimeRange, TimePoint]


@node
class Comment(Node):
    text: str  # without the leading `//`
    span: Span = _span()


# ---- shared statements ------------------------------------------------------


@node
class Prose(Node):
    KIND: ClassVar[str] = "prose"
    text: Str
    span: Span = _span()


# ---- shot statements ----------------------------------------------------------


@node
class ModelStmt(Node):
    KIND: ClassVar[str] = "model"
    model: Name
    span: Span = _span()


@node
class SizeStmt(Node):
    KIND: ClassVar[str] = "size"
    size: Quantity
    span: Span = _span()


@node
class DurationStmt(Node):
    KIND: ClassVar[str] = "duration"
    duration: Quantity
    span: Span = _span()


@node
class Setting(Node):
    KIND: ClassVar[str] = "setting"
    text: Str | None
    location: Name | None
    span: Span = _span()


@node
class Cast(Node):
    KIND: ClassVar[str] = "cast"
    names: tuple[Name, ...]
    span: Span = _span()


@node
class Props(Node):
    KIND: ClassVar[str] = "props"
    names: tuple[Name, ...]
    span: Span = _span()


@node
class Mood(Node):
    KIND: ClassVar[str] = "mood"
    text: Str
    span: Span = _span()


@node
class Physics(Node):
    KIND: ClassVar[str] = "physics"
    text: Str
    span: Span = _span()


@node
class Avoid(Node):
    KIND: ClassVar[str] = "avoid"
    text: Str
    span: Span = _span()


@node
class Atmosphere(Node):
    KIND: ClassVar[str] = "atmosphere"
    text: Str
    span: Span = _span()


@node
class Anchor(Node):
    name: Name
    color: Quantity | None
    description: Str | None
    span: Span = _span()


@node
class PaletteRef(Node):
    KIND: ClassVar[str] = "palette"
    name: Name
    span: Span = _span()


@node
class PaletteBlock(Node):
    KIND: ClassVar[str] = "palette"
    items: tuple[Anchor | Prose, ...]
    span: Span = _span()


@node
class BlendPart(Node):
    percent: Quantity
    text: Str
    span: Span = _span()


@node
class Blend(Node):
    KIND: ClassVar[str] = "blend"
    parts: tuple[BlendPart, ...]
    span: Span = _span()


@node
class GradeLine(Node):
    tone: Name  # highlights, midtones, shadows, blacks
    text: Str
    span: Span = _span()


@node
class Grade(Node):
    KIND: ClassVar[str] = "grade"
    items: tuple[GradeLine | Prose, ...]
    span: Span = _span()


@node
class Film(Node):
    KIND: ClassVar[str] = "film"
    text: Str
    span: Span = _span()


StyleItem = Union[Blend, Grade, Film, Prose]


@node
class StyleRef(Node):
    KIND: ClassVar[str] = "style"
    name: Name
    span: Span = _span()


@node
class StyleText(Node):
    KIND: ClassVar[str] = "style"
    text: Str
    span: Span = _span()


@node
class StyleBlock(Node):
    KIND: ClassVar[str] = "style"
    items: tuple[StyleItem, ...]
    span: Span = _span()


@node
class ReferenceFile(Node):
    KIND: ClassVar[str] = "reference"
    path: Str
    span: Span = _span()


@node
class ReferenceLastFrame(Node):
    KIND: ClassVar[str] = "reference"
    shot: Name
    span: Span = _span()


# ---- camera ---------------------------------------------------------------------


@node
class Framing(Node):
    KIND: ClassVar[str] = "framing"
    name: Name
    span: Span = _span()


@node
class Angle(Node):
    KIND: ClassVar[str] = "angle"
    name: Name | None
    amount: Quantity | None
    span: Span = _span()


@node
class Lens(Node):
    KIND: ClassVar[str] = "lens"
    focal: Quantity
    aperture: Quantity | None
    description: Str | None
    span: Span = _span()


@node
class LensPreset(Node):
    KIND: ClassVar[str] = "lens"
    name: Name
    span: Span = _span()


@node
class Aperture(Node):
    KIND: ClassVar[str] = "aperture"
    value: Quantity
    span: Span = _span()


@node
class Rig(Node):
    KIND: ClassVar[str] = "rig"
    name: Name
    description: Str | None
    span: Span = _span()


@node
class Shutter(Node):
    KIND: ClassVar[str] = "shutter"
    value: Quantity
    span: Span = _span()


@node
class Fps(Node):
    KIND: ClassVar[str] = "fps"
    value: Quantity
    span: Span = _span()


@node
class Filter(Node):
    KIND: ClassVar[str] = "filter"
    text: Str
    span: Span = _span()


@node
class Body(Node):
    KIND: ClassVar[str] = "body"
    text: Str
    span: Span = _span()


@node
class Focus(Node):
    """`focus shallow|deep ["…"]`, `focus on NAME`, `focus on "…"`."""

    KIND: ClassVar[str] = "focus"
    mode: Name | None
    target: Name | Str | None
    description: Str | None
    span: Span = _span()


@node
class Move(Node):
    """A camera move. The verb and direction are checked against the move table;
    `extra` holds arguments that fit no slot, for the checker to report."""

    KIND: ClassVar[str] = "move"
    timing: Timing | None
    verb: Name
    direction: Name | None
    amount: Quantity | None
    over: Quantity | None
    from_framing: Name | None
    to_framing: Name | None
    subject: Str | None  # `track "…"`, `rack-focus "…"`
    qualifier: Str | None
    extra: tuple[Name | Quantity | Str, ...]
    span: Span = _span()


CameraItem = Union[Framing, Angle, Lens, LensPreset, Aperture, Rig, Shutter, Fps, Filter, Body, Focus, Move, Prose]


@node
class Camera(Node):
    KIND: ClassVar[str] = "camera"
    items: tuple[CameraItem, ...]
    span: Span = _span()


# ---- lighting, layers -------------------------------------------------------------


@node
class Light(Node):
    KIND: ClassVar[str] = "light"
    role: Name
    description: Str | None
    direction: Name | None
    temperature: Quantity | None
    anchor: Name | None
    extra: tuple[Name | Quantity, ...]
    span: Span = _span()


@node
class Quality(Node):
    KIND: ClassVar[str] = "quality"
    name: Name
    span: Span = _span()


LightingItem = Union[Light, Quality, Prose]


@node
class Lighting(Node):
    KIND: ClassVar[str] = "lighting"
    items: tuple[LightingItem, ...]
    span: Span = _span()


@node
class Layer(Node):
    KIND: ClassVar[str] = "layer"
    depth: Name
    text: Str
    span: Span = _span()


LayerItem = Union[Layer, Prose]


@node
class Layers(Node):
    KIND: ClassVar[str] = "layers"
    items: tuple[LayerItem, ...]
    span: Span = _span()


# ---- beats, dialogue, sound -------------------------------------------------------


@node
class Beat(Node):
    KIND: ClassVar[str] = "beat"
    timing: Timing | None
    text: Str
    span: Span = _span()


@node
class Line(Node):
    """A dialogue line: `[at T] SPEAKER [(delivery)]: "…"`."""

    KIND: ClassVar[str] = "line"
    timing: Timing | None
    speaker: Name
    delivery: Str | None
    text: Str
    span: Span = _span()


@node
class Pause(Node):
    KIND: ClassVar[str] = "pause"
    duration: Quantity | None
    span: Span = _span()


@node
class SoundLine(Node):
    KIND: ClassVar[str] = "sound-line"
    timing: Timing | None
    kind: str  # ambient sfx music cue
    text: Str
    span: Span = _span()


BeatItem = Union[Beat, Line, Pause, SoundLine, Prose]
DialogueItem = Union[Line, Pause, Prose]
SoundItem = Union[SoundLine, Prose]


@node
class Beats(Node):
    KIND: ClassVar[str] = "beats"
    items: tuple[BeatItem, ...]
    span: Span = _span()


@node
class Dialogue(Node):
    KIND: ClassVar[str] = "dialogue"
    items: tuple[DialogueItem, ...]
    span: Span = _span()


@node
class Sound(Node):
    KIND: ClassVar[str] = "sound"
    items: tuple[SoundItem, ...]
    span: Span = _span()


# ---- other shot statements -------------------------------------------------------


@node
class Speed(Node):
    KIND: ClassVar[str] = "speed"
    factor: Quantity
    span: Span = _span()


@node
class Overlay(Node):
    KIND: ClassVar[str] = "overlay"
    text: Str
    position: Name | None
    timing: Timing | None
    in_frame: bool
    extra: tuple[Name | Timing, ...]
    span: Span = _span()


@node
class Loop(Node):
    KIND: ClassVar[str] = "loop"
    mode: Name
    span: Span = _span()


@node
class Takes(Node):
    KIND: ClassVar[str] = "takes"
    count: Quantity
    span: Span = _span()


@node
class Seed(Node):
    """`seed N`: the request's `seed`, on a model that takes it."""

    KIND: ClassVar[str] = "seed"
    value: Quantity
    span: Span = _span()


@node
class Param(Node):
    """`param NAME VALUE`: an extra request field the model's profile lists."""

    KIND: ClassVar[str] = "param"
    name: Name
    value: Quantity | Str | Name
    span: Span = _span()


@node
class Cut(Node):
    KIND: ClassVar[str] = "cut"
    timing: Timing
    title: Str | None
    stmts: tuple["Stmt", ...]
    span: Span = _span()


@node
class Variant(Node):
    KIND: ClassVar[str] = "variant"
    name: Name
    stmts: tuple["Stmt", ...]
    span: Span = _span()


Stmt = Union[
    ModelStmt, SizeStmt, DurationStmt, Prose, Setting, Cast, Props, Mood, Physics, Avoid,
    PaletteRef, PaletteBlock, StyleRef, StyleText, StyleBlock, ReferenceFile, ReferenceLastFrame,
    Camera, Lighting, Layers, Beats, Dialogue, Sound, Atmosphere, Speed, Overlay, Cut, Loop, Takes, Variant,
    Seed, Param,
]

# Statements that set one value: at most once per block (docs/language.md, "Statements").
SET_ONCE_KINDS = frozenset(
    "model size duration setting palette style reference framing angle lens aperture rig shutter fps focus "
    "speed loop takes mood camera lighting layers beats dialogue sound blend grade film seed "
    "frames layout max-words negative params server conform".split()
)


# ---- declarations -----------------------------------------------------------------


@node
class Import(Node):
    path: Str
    span: Span = _span()


@node
class Budget(Node):
    amount: Quantity
    span: Span = _span()


@node
class ModelApi(Node):
    KIND: ClassVar[str] = "api-model"
    value: Str
    span: Span = _span()


@node
class ModelSizes(Node):
    KIND: ClassVar[str] = "sizes"
    values: tuple[Quantity, ...]
    span: Span = _span()


@node
class ModelDurations(Node):
    KIND: ClassVar[str] = "durations"
    values: tuple[Quantity, ...]
    span: Span = _span()


@node
class ModelPrice(Node):
    KIND: ClassVar[str] = "price"
    amount: Quantity
    per: Name | None  # `/s`
    sizes: tuple[Quantity, ...]  # empty: every size
    span: Span = _span()


@node
class ModelFlag(Node):
    """`audio yes`, `reference no`."""

    KIND: ClassVar[str] = "flag"
    flag: str  # audio reference
    value: Name
    span: Span = _span()


@node
class ModelMaxCharacters(Node):
    KIND: ClassVar[str] = "max-characters"
    value: Quantity
    span: Span = _span()


@node
class ModelRetired(Node):
    KIND: ClassVar[str] = "retired"
    date: Str
    span: Span = _span()


@node
class ModelNotes(Node):
    KIND: ClassVar[str] = "notes"
    text: Str
    span: Span = _span()


@node
class ModelFps(Node):
    """`fps 16fps`: the model's native frame rate; its clips are frame counts."""

    KIND: ClassVar[str] = "fps"
    value: Quantity
    span: Span = _span()


@node
class ModelFrames(Node):
    """`frames 5f..81f every 4f`: the frame counts the model renders."""

    KIND: ClassVar[str] = "frames"
    low: Quantity
    high: Quantity
    step: Quantity
    span: Span = _span()


@node
class ModelLayout(Node):
    """`layout guide|paragraph|timeline`: the prompt profile."""

    KIND: ClassVar[str] = "layout"
    name: Name
    span: Span = _span()


@node
class ModelMaxWords(Node):
    KIND: ClassVar[str] = "max-words"
    value: Quantity
    span: Span = _span()


@node
class ModelNegative(Node):
    """`negative field|inline`: where `avoid` goes."""

    KIND: ClassVar[str] = "negative"
    mode: Name
    span: Span = _span()


@node
class ModelParams(Node):
    KIND: ClassVar[str] = "params"
    names: tuple[Name, ...]
    span: Span = _span()


@node
class ModelServer(Node):
    KIND: ClassVar[str] = "server"
    text: Str
    span: Span = _span()


ModelItem = Union[ModelApi, ModelSizes, ModelDurations, ModelPrice, ModelFlag, ModelMaxCharacters, ModelRetired, ModelNotes,
                  ModelFps, ModelFrames, ModelLayout, ModelMaxWords, ModelNegative, ModelParams, ModelServer, Prose]


@node
class ModelDecl(Node):
    KEYWORD: ClassVar[str] = "model"
    name: Name
    items: tuple[ModelItem, ...]
    span: Span = _span()


@node
class DefaultsDecl(Node):
    KEYWORD: ClassVar[str] = "defaults"
    stmts: tuple[Stmt, ...]
    span: Span = _span()


@node
class PaletteDecl(Node):
    KEYWORD: ClassVar[str] = "palette"
    name: Name
    items: tuple[Anchor | Prose, ...]
    span: Span = _span()


@node
class Voice(Node):
    KIND: ClassVar[str] = "voice"
    text: Str
    span: Span = _span()


@node
class Wardrobe(Node):
    KIND: ClassVar[str] = "wardrobe"
    text: Str
    span: Span = _span()


@node
class Cameo(Node):
    KIND: ClassVar[str] = "cameo"
    path: Str
    span: Span = _span()


@node
class CharacterDecl(Node):
    KEYWORD: ClassVar[str] = "character"
    name: Name
    display: Str | None  # the words a prompt calls it by, when not its name
    items: tuple[Voice | Wardrobe | Cameo | Prose, ...]
    span: Span = _span()


@node
class PropDecl(Node):
    KEYWORD: ClassVar[str] = "prop"
    name: Name
    display: Str | None  # `prop ikea_box "IKEA box":`
    items: tuple[Prose, ...]
    span: Span = _span()


@node
class LocationTime(Node):
    KIND: ClassVar[str] = "time"
    text: Str
    span: Span = _span()


@node
class LocationWeather(Node):
    KIND: ClassVar[str] = "weather"
    text: Str
    span: Span = _span()


@node
class LocationDecl(Node):
    KEYWORD: ClassVar[str] = "location"
    name: Name
    items: tuple[LocationTime | LocationWeather | Prose, ...]
    span: Span = _span()


@node
class StyleDecl(Node):
    KEYWORD: ClassVar[str] = "style"
    name: Name
    items: tuple[StyleItem, ...]
    span: Span = _span()


@node
class LensSpec(Node):
    KIND: ClassVar[str] = "lens"
    focal: Quantity
    aperture: Quantity | None
    description: Str | None
    span: Span = _span()


@node
class LensDecl(Node):
    KEYWORD: ClassVar[str] = "lens"
    name: Name
    items: tuple[LensSpec | Prose, ...]
    span: Span = _span()


@node
class ShotDecl(Node):
    KEYWORD: ClassVar[str] = "shot"
    name: Name
    base: Name | None
    stmts: tuple[Stmt, ...]
    span: Span = _span()


@node
class SequenceEntry(Node):
    shot: Name
    transition: Name | None  # cut crossfade fade
    length: Quantity | None
    span: Span = _span()


@node
class Continuity(Node):
    KIND: ClassVar[str] = "continuity"
    text: Str
    span: Span = _span()


@node
class Conform(Node):
    """`conform 1280x720 24fps`: every clip of the sequence scaled and padded to one format."""

    KIND: ClassVar[str] = "conform"
    size: Quantity
    fps: Quantity
    span: Span = _span()


@node
class SequenceDecl(Node):
    KEYWORD: ClassVar[str] = "sequence"
    name: Name
    items: tuple[SequenceEntry | Continuity | Conform | Prose, ...]
    span: Span = _span()


@node
class Keep(Node):
    KIND: ClassVar[str] = "keep"
    text: Str
    span: Span = _span()


@node
class RemixDecl(Node):
    KEYWORD: ClassVar[str] = "remix"
    name: Name
    source: Name
    items: tuple[Keep | Prose, ...]
    span: Span = _span()


@node
class ExtendDecl(Node):
    KEYWORD: ClassVar[str] = "extend"
    name: Name
    source: Name
    by: Quantity
    items: tuple[Prose, ...]
    span: Span = _span()


Decl = Union[
    Import, Budget, ModelDecl, DefaultsDecl, PaletteDecl, CharacterDecl, PropDecl, LocationDecl,
    StyleDecl, LensDecl, ShotDecl, SequenceDecl, RemixDecl, ExtendDecl,
]
NAMED_DECLS = (ModelDecl, PaletteDecl, CharacterDecl, PropDecl, LocationDecl, StyleDecl, LensDecl, ShotDecl, SequenceDecl, RemixDecl, ExtendDecl)


@node
class Module(Node):
    path: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = _Field(default=(), compare=False)


_make_inits()
