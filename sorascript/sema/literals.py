"""Words a pattern's every match must hold: a cheap test before a search.

Most lint patterns match nowhere in most films. Before a pattern is searched
for in the whole file, `required` names strings one of which every match
contains ("through" for "floats through a wall"); when none of them occurs
in the text, no match can, and the search is skipped (as RE2 and ripgrep
filter by literals).

The strings are read from the pattern's parse by Python's own regular
expression parser. Only what a match cannot do without counts: a run of
literal characters, a group, every branch of an alternation, a repeat of at
least once; lookarounds, classes and optional parts give nothing. Anything
unexpected gives no strings, and the pattern is searched for as before.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:  # Python's parser of regular expressions (re._parser since 3.11)
    from re import _constants as _ops
    from re import _parser
except ImportError:  # pragma: no cover - another Python: no prefilter
    _parser = None

# Shorter strings are in nearly every text: testing for them saves nothing.
MIN_LENGTH = 3


@lru_cache(maxsize=None)
def required(compiled: re.Pattern) -> frozenset[str] | None:
    """Lower-case strings one of which is in every match of `compiled` (in its
    lower-cased form), or None when the pattern gives no such set."""
    if _parser is None:
        return None
    try:
        found = _sequence(_parser.parse(compiled.pattern, compiled.flags).data)
    except Exception:  # noqa: BLE001 - a pattern the parser reads otherwise: no prefilter
        return None
    if not found or min(map(len, found)) < MIN_LENGTH:
        return None
    return frozenset(s.lower() for s in found)


def _sequence(items) -> set[str] | None:
    """The best set among the sequence's parts: the one whose shortest string is longest."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _strength(candidate) > _strength(best)):
            best = candidate

    for op, value in items:
        if op is _ops.LITERAL:
            run.append(chr(value))
            continue
        if run:
            consider({"".join(run)})
            run = []
        consider(_item(op, value))
    if run:
        consider({"".join(run)})
    return best


def _item(op, value) -> set[str] | None:
    if op is _ops.SUBPATTERN:
        return _sequence(value[3].data if hasattr(value[3], "data") else value[3])
    if op is _ops.ATOMIC_GROUP:
        return _sequence(value.data if hasattr(value, "data") else value)
    if op is _ops.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            found = _sequence(branch.data if hasattr(branch, "data") else branch)
            if not found:
                return None  # this branch matches without any given string
            union |= found
        return union
    if op in (_ops.MAX_REPEAT, _ops.MIN_REPEAT, _ops.POSSESSIVE_REPEAT):
        low, _, body = value
        return _sequence(body.data if hasattr(body, "data") else body) if low >= 1 else None
    return None  # classes, lookarounds, anchors, back-references: nothing certain


def _strength(strings: set[str]) -> tuple[int, int]:
    return min(map(len, strings)), -len(strings)
