"""Model profiles: what a `model NAME:` declaration says the model can render.

The checker and the budget read these; nothing about a particular model is
written in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sorascript import vocab
from sorascript.quantities import money
from sorascript.syntax import ast

Size = tuple[int, int]


@dataclass(frozen=True)
class PriceBand:
    per_second: Decimal
    sizes: frozenset[Size] | None  # None: every size
    span: object


@dataclass(frozen=True)
class Frames:
    """`frames LOW..HIGH every STEP`: the frame counts a model renders."""

    low: int
    high: int
    step: int

    def counts(self) -> range:
        return range(self.low, self.high + 1, self.step)

    def nearest(self, count: float) -> int:
        """The allowed count nearest to `count` (the larger on a tie)."""
        k = round((count - self.low) / self.step + 1e-9)
        return self.low + self.step * min(max(k, 0), (self.high - self.low) // self.step)

    def __contains__(self, count: int) -> bool:
        return self.low <= count <= self.high and (count - self.low) % self.step == 0


@dataclass(frozen=True)
class ModelProfile:
    name: str
    api_model: str
    sizes: tuple[Size, ...] | None  # None: not restricted
    durations: tuple[int, ...] | None  # milliseconds
    prices: tuple[PriceBand, ...]
    audio: bool
    reference: bool
    max_characters: int | None
    retired: str | None
    notes: str
    decl: ast.ModelDecl
    fps: float | None = None  # a frame-based model: a clip is a frame count
    frames: Frames | None = None
    layout: str = "guide"
    max_words: int | None = None
    negative: str = "inline"  # where `avoid` goes: the prompt's `Avoid:` line, or the request's negative_prompt
    params: tuple[str, ...] = ()  # extra request fields it takes; none: it takes no `seed` or `param`
    server: str = ""
    requires_reference: bool = False  # `reference required`: an image-to-video model

    def frame_ms(self, count: int) -> int:
        """How long `count` frames last, in whole milliseconds (rounded down)."""
        return int(count * 1000 // self.fps)

    def price_for(self, size: Size) -> Decimal | None:
        for band in self.prices:
            if band.sizes is not None and size in band.sizes:
                return band.per_second
        for band in self.prices:
            if band.sizes is None:
                return band.per_second
        return None


def profile(decl: ast.ModelDecl) -> ModelProfile:
    api_model = decl.name.text
    sizes: list[Size] | None = None
    durations: list[int] | None = None
    prices: list[PriceBand] = []
    audio = reference = True
    requires_reference = False
    max_characters = retired = None
    notes: list[str] = []
    extra: dict = {}
    for item in decl.items:
        if isinstance(item, ast.ModelApi):
            api_model = item.value.value
        elif isinstance(item, ast.ModelSizes):
            sizes = (sizes or []) + [q.value for q in item.values if q.kind == "size"]
        elif isinstance(item, ast.ModelDurations):
            durations = (durations or []) + [q.value for q in item.values if q.kind == "duration"]
        elif isinstance(item, ast.ModelPrice) and item.amount.kind == "money":
            band_sizes = frozenset(q.value for q in item.sizes if q.kind == "size") if item.sizes else None
            prices.append(PriceBand(money(item.amount.text), band_sizes, item.span))
        elif isinstance(item, ast.ModelFlag):
            value = vocab.YES_NO.get(item.value.text, True)
            if item.flag == "audio":
                audio = value
            else:
                reference = value
                requires_reference = item.value.text == "required"
        elif isinstance(item, ast.ModelFps) and item.value.kind == "framerate" and item.value.value > 0:
            extra["fps"] = item.value.value
        elif isinstance(item, ast.ModelFrames):
            values = [q.value for q in (item.low, item.high, item.step)]
            if all(q.kind == "frames" and isinstance(q.value, int) for q in (item.low, item.high, item.step)) \
                    and 1 <= values[0] <= values[1] and values[2] >= 1:
                extra["frames"] = Frames(*values)
        elif isinstance(item, ast.ModelLayout) and item.name.text in vocab.LAYOUTS:
            extra["layout"] = item.name.text
        elif isinstance(item, ast.ModelMaxWords) and item.value.kind == "integer" and item.value.value > 0:
            extra["max_words"] = item.value.value
        elif isinstance(item, ast.ModelNegative) and item.mode.text in vocab.NEGATIVE_MODES:
            extra["negative"] = item.mode.text
        elif isinstance(item, ast.ModelParams):
            extra["params"] = tuple(dict.fromkeys(n.text for n in item.names))
        elif isinstance(item, ast.ModelServer):
            extra["server"] = item.text.value
        elif isinstance(item, ast.ModelMaxCharacters) and item.value.kind == "integer":
            max_characters = item.value.value
        elif isinstance(item, ast.ModelRetired):
            retired = item.date.value
        elif isinstance(item, (ast.ModelNotes, ast.Prose)):
            notes.append(item.text.value)
    return ModelProfile(
        decl.name.text, api_model,
        # A list whose every value is wrong was reported (E301): the model is then not restricted.
        tuple(sizes) if sizes else None,
        tuple(sorted(set(durations))) if durations else None,
        tuple(prices), audio, reference, max_characters, retired, " ".join(notes), decl,
        requires_reference=requires_reference, **extra,
    )
