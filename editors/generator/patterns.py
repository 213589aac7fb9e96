"""Regexes in the Python/Oniguruma dialect, shared by Pygments and TextMate.

Words are bounded by `(?<![\\w-])` and `(?![\\w-])` rather than `\\b`, since a
hyphen is part of a name: `frame` is a keyword, `frame-left` a direction.
"""

from __future__ import annotations

import re

from generator.language import Language
from generator.regex import PYTHON

START = r"(?<![\w-])"
END = r"(?![\w-])"
BLANK = r"[ \t]"


def words(items) -> str:
    """An alternation of literal words, longest first (so `ms` is tried before `s`)."""
    ordered = sorted(set(items), key=lambda word: (-len(word), word))
    return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"


class Patterns:
    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self.name = PYTHON.write(lang.name)
        # Grouped, since the terminals are alternations.
        self.quantity = f"(?:{PYTHON.write(lang.quantity)})"
        self.number = f"(?:{PYTHON.write(lang.number)})"
        self.units = words(lang.units)
        # A known unit ends the quantity: no further letter, digit or unit character follows.
        extra = "".join(sorted({ch for unit in lang.units for ch in unit if not re.match(r"\w", ch)}))
        self.unit_end = rf"(?![\w{re.escape(extra)}])"
        self.range_op = re.escape(lang.range_op)
        self.timing = (
            rf"(?:{self.quantity}{BLANK}*{self.range_op}{BLANK}*{self.quantity}"
            rf"|{re.escape(lang.point_keyword)}{BLANK}+{self.quantity})"
        )
        self.pragma = f"{BLANK}*".join(re.escape(word) for word in lang.pragma_words)
        self.escape = "\\\\[" + re.escape(lang.escapes) + "]"

    def suffix_quantity(self) -> str:
        """Groups: number, unit, and with a per-unit (`$0.10/s`) separator and unit."""
        per = ""
        if self.lang.per_unit:
            per = rf"(?:({re.escape(self.lang.per_unit)})({self.units}){self.unit_end})?"
        return rf"{START}({self.number})({self.units}){self.unit_end}{per}"

    def prefix_quantity(self) -> str:
        """Groups: prefix unit, number, per-unit separator, per-unit."""
        per = ""
        if self.lang.per_unit:
            per = rf"(?:({re.escape(self.lang.per_unit)})({self.units}){self.unit_end})?"
        return rf"{START}({words(self.lang.prefix_units)})({self.number}){per}"

    def any_quantity(self) -> str:
        return rf"{START}(?:{self.quantity})"

    def range(self) -> str:
        """Groups: start quantity, blank, operator, blank, end quantity."""
        return rf"{START}({self.quantity})({BLANK}*)({self.range_op})({BLANK}*)({self.quantity})"

    def keywords(self, items) -> str:
        return START + words(items) + END

    def lead(self, items) -> str:
        """A line that starts, after an optional timing, with one of the words.
        Groups: indentation, timing, blank, word."""
        return rf"^({BLANK}*)(?:({self.timing})({BLANK}+))?({words(items)}){END}"

    def opener(self, items, declares: bool) -> str:
        """A block header. Groups: indentation, keyword, and when it names a new thing: blank, name."""
        named = rf"(?:({BLANK}+)({self.name}))?" if declares else ""
        return rf"^({BLANK}*)({words(items)}){END}{named}"

    def speaker(self) -> str:
        """A spoken line (its colon may be missing while it is typed). Groups: indentation, timing, blank,
        speaker, blank, delivery, blank, colon."""
        return (
            rf"^({BLANK}*)(?:({self.timing})({BLANK}+))?({self.name})({BLANK}*)(\([^)\n]*\))?({BLANK}*)(:)?"
            rf'(?={BLANK}*")'
        )

    def anchor(self) -> str:
        """A line that starts with the name it declares. Groups: indentation, name."""
        return rf"^({BLANK}*)({self.name})"

    def pragma_comment(self) -> str:
        """Groups: `//`, blank, pragma words."""
        return rf"(//)({BLANK}*)({self.pragma}){END}"
