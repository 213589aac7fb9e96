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
    max_characters = retired = None
    notes: list[str] = []
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
    )
