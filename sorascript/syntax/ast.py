"""The typed syntax tree of a `.shot` file.

Frozen dataclasses, one per construct. Every node has a `span`, excluded from
equality, so two parses of the same program compare equal wherever it sits in
a file. Statements carry a `KIND`: the kind a `from` shot or a `variant`
replaces, and the kind that may be set once per block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Union

from sorascript.source import Span

_span = lambda: field(compare=False, repr=False)  # noqa: E731


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Str:
    value: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with a unit. `value` is integer milliseconds for durations,
    (width, height) for sizes, "#rrggbb" for colours, a number otherwise."""

    kind: str  # duration angle focal aperture temperature percent framerate factor money size color integer number unknown
    value: object
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: Quantity
    end: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class TimePoint:
    at: Quantity
    span: Span = _span()


Timing = Union[TimeRange, TimePoint]


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # without the leading `//`
    span: Span = _span()


# ---- shared statements ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prose:
    KIND: ClassVar[str] = "prose"
    text: Str
    span: Span = _span()


# ---- shot statements ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelStmt:
    KIND: ClassVar[str] = "model"
    model: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SizeStmt:
    KIND: ClassVar[str] = "size"
    size: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DurationStmt:
    KIND: ClassVar[str] = "duration"
    duration: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Setting:
    KIND: ClassVar[str] = "setting"
    text: Str | None
    location: Name | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cast:
    KIND: ClassVar[str] = "cast"
    names: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Props:
    KIND: ClassVar[str] = "props"
    names: tuple[Name, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Mood:
    KIND: ClassVar[str] = "mood"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Physics:
    KIND: ClassVar[str] = "physics"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Avoid:
    KIND: ClassVar[str] = "avoid"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Atmosphere:
    KIND: ClassVar[str] = "atmosphere"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Anchor:
    name: Name
    color: Quantity | None
    description: Str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PaletteRef:
    KIND: ClassVar[str] = "palette"
    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PaletteBlock:
    KIND: ClassVar[str] = "palette"
    items: tuple[Anchor | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class BlendPart:
    percent: Quantity
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Blend:
    KIND: ClassVar[str] = "blend"
    parts: tuple[BlendPart, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class GradeLine:
    tone: Name  # highlights, midtones, shadows, blacks
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Grade:
    KIND: ClassVar[str] = "grade"
    items: tuple[GradeLine | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Film:
    KIND: ClassVar[str] = "film"
    text: Str
    span: Span = _span()


StyleItem = Union[Blend, Grade, Film, Prose]


@dataclass(frozen=True, slots=True)
class StyleRef:
    KIND: ClassVar[str] = "style"
    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StyleText:
    KIND: ClassVar[str] = "style"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StyleBlock:
    KIND: ClassVar[str] = "style"
    items: tuple[StyleItem, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ReferenceFile:
    KIND: ClassVar[str] = "reference"
    path: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ReferenceLastFrame:
    KIND: ClassVar[str] = "reference"
    shot: Name
    span: Span = _span()


# ---- camera ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Framing:
    KIND: ClassVar[str] = "framing"
    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Angle:
    KIND: ClassVar[str] = "angle"
    name: Name | None
    amount: Quantity | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Lens:
    KIND: ClassVar[str] = "lens"
    focal: Quantity
    aperture: Quantity | None
    description: Str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LensPreset:
    KIND: ClassVar[str] = "lens"
    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Aperture:
    KIND: ClassVar[str] = "aperture"
    value: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Rig:
    KIND: ClassVar[str] = "rig"
    name: Name
    description: Str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Shutter:
    KIND: ClassVar[str] = "shutter"
    value: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Fps:
    KIND: ClassVar[str] = "fps"
    value: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Filter:
    KIND: ClassVar[str] = "filter"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Body:
    KIND: ClassVar[str] = "body"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Focus:
    """`focus shallow|deep ["…"]`, `focus on NAME`, `focus on "…"`."""

    KIND: ClassVar[str] = "focus"
    mode: Name | None
    target: Name | Str | None
    description: Str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Move:
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


@dataclass(frozen=True, slots=True)
class Camera:
    KIND: ClassVar[str] = "camera"
    items: tuple[CameraItem, ...]
    span: Span = _span()


# ---- lighting, layers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Light:
    KIND: ClassVar[str] = "light"
    role: Name
    description: Str | None
    direction: Name | None
    temperature: Quantity | None
    anchor: Name | None
    extra: tuple[Name | Quantity, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quality:
    KIND: ClassVar[str] = "quality"
    name: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Lighting:
    KIND: ClassVar[str] = "lighting"
    items: tuple[Light | Quality | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Layer:
    KIND: ClassVar[str] = "layer"
    depth: Name
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Layers:
    KIND: ClassVar[str] = "layers"
    items: tuple[Layer | Prose, ...]
    span: Span = _span()


# ---- beats, dialogue, sound -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Beat:
    KIND: ClassVar[str] = "beat"
    timing: Timing | None
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Line:
    """A dialogue line: `[at T] SPEAKER [(delivery)]: "…"`."""

    KIND: ClassVar[str] = "line"
    timing: Timing | None
    speaker: Name
    delivery: Str | None
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Pause:
    KIND: ClassVar[str] = "pause"
    duration: Quantity | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SoundLine:
    KIND: ClassVar[str] = "sound-line"
    timing: Timing | None
    kind: str  # ambient sfx music cue
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Beats:
    KIND: ClassVar[str] = "beats"
    items: tuple[Beat | Line | Pause | SoundLine | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Dialogue:
    KIND: ClassVar[str] = "dialogue"
    items: tuple[Line | Pause | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Sound:
    KIND: ClassVar[str] = "sound"
    items: tuple[SoundLine | Prose, ...]
    span: Span = _span()


# ---- other shot statements -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Speed:
    KIND: ClassVar[str] = "speed"
    factor: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Overlay:
    KIND: ClassVar[str] = "overlay"
    text: Str
    position: Name | None
    timing: Timing | None
    in_frame: bool
    extra: tuple[Name | Timing, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Loop:
    KIND: ClassVar[str] = "loop"
    mode: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Takes:
    KIND: ClassVar[str] = "takes"
    count: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cut:
    KIND: ClassVar[str] = "cut"
    timing: Timing
    title: Str | None
    stmts: tuple["Stmt", ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Variant:
    KIND: ClassVar[str] = "variant"
    name: Name
    stmts: tuple["Stmt", ...]
    span: Span = _span()


Stmt = Union[
    ModelStmt, SizeStmt, DurationStmt, Prose, Setting, Cast, Props, Mood, Physics, Avoid,
    PaletteRef, PaletteBlock, StyleRef, StyleText, StyleBlock, ReferenceFile, ReferenceLastFrame,
    Camera, Lighting, Layers, Beats, Dialogue, Sound, Atmosphere, Speed, Overlay, Cut, Loop, Takes, Variant,
]

# Statements that set one value: at most once per block (LANGUAGE.md section 4).
SET_ONCE_KINDS = frozenset(
    "model size duration setting palette style reference framing angle lens aperture rig shutter fps focus "
    "speed loop takes mood camera lighting layers beats dialogue sound blend grade film".split()
)


# ---- declarations -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Import:
    path: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Budget:
    amount: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelApi:
    KIND: ClassVar[str] = "api-model"
    value: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelSizes:
    KIND: ClassVar[str] = "sizes"
    values: tuple[Quantity, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelDurations:
    KIND: ClassVar[str] = "durations"
    values: tuple[Quantity, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelPrice:
    KIND: ClassVar[str] = "price"
    amount: Quantity
    per: Name | None  # `/s`
    sizes: tuple[Quantity, ...]  # empty: every size
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelFlag:
    """`audio yes`, `reference no`."""

    KIND: ClassVar[str] = "flag"
    flag: str  # audio reference
    value: Name
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelMaxCharacters:
    KIND: ClassVar[str] = "max-characters"
    value: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelRetired:
    KIND: ClassVar[str] = "retired"
    date: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ModelNotes:
    KIND: ClassVar[str] = "notes"
    text: Str
    span: Span = _span()


ModelItem = Union[ModelApi, ModelSizes, ModelDurations, ModelPrice, ModelFlag, ModelMaxCharacters, ModelRetired, ModelNotes, Prose]


@dataclass(frozen=True, slots=True)
class ModelDecl:
    KEYWORD: ClassVar[str] = "model"
    name: Name
    items: tuple[ModelItem, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class DefaultsDecl:
    KEYWORD: ClassVar[str] = "defaults"
    stmts: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PaletteDecl:
    KEYWORD: ClassVar[str] = "palette"
    name: Name
    items: tuple[Anchor | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Voice:
    KIND: ClassVar[str] = "voice"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Wardrobe:
    KIND: ClassVar[str] = "wardrobe"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cameo:
    KIND: ClassVar[str] = "cameo"
    path: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CharacterDecl:
    KEYWORD: ClassVar[str] = "character"
    name: Name
    items: tuple[Voice | Wardrobe | Cameo | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PropDecl:
    KEYWORD: ClassVar[str] = "prop"
    name: Name
    items: tuple[Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LocationTime:
    KIND: ClassVar[str] = "time"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LocationWeather:
    KIND: ClassVar[str] = "weather"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LocationDecl:
    KEYWORD: ClassVar[str] = "location"
    name: Name
    items: tuple[LocationTime | LocationWeather | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StyleDecl:
    KEYWORD: ClassVar[str] = "style"
    name: Name
    items: tuple[StyleItem, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LensSpec:
    KIND: ClassVar[str] = "lens"
    focal: Quantity
    aperture: Quantity | None
    description: Str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LensDecl:
    KEYWORD: ClassVar[str] = "lens"
    name: Name
    items: tuple[LensSpec | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ShotDecl:
    KEYWORD: ClassVar[str] = "shot"
    name: Name
    base: Name | None
    stmts: tuple[Stmt, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SequenceEntry:
    shot: Name
    transition: Name | None  # cut crossfade fade
    length: Quantity | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Continuity:
    KIND: ClassVar[str] = "continuity"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SequenceDecl:
    KEYWORD: ClassVar[str] = "sequence"
    name: Name
    items: tuple[SequenceEntry | Continuity | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Keep:
    KIND: ClassVar[str] = "keep"
    text: Str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RemixDecl:
    KEYWORD: ClassVar[str] = "remix"
    name: Name
    source: Name
    items: tuple[Keep | Prose, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ExtendDecl:
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


@dataclass(frozen=True, slots=True)
class Module:
    path: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
