"""Quantities: the one home of units, their slips, reading a literal, the
bounds of each kind, and how quantities are written back for people.

Every unit is a type (docs/language.md, "Lexical structure").
A literal is read into a kind and a value: integer milliseconds for
durations, (width, height) for sizes, "#rrggbb" for colours, a number
otherwise. Literals are bounded (at most nine digits before the point and six
after), so no arithmetic on them can overflow, lose its way in a float or
raise in a Decimal.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

# unit suffix -> (kind, factor to the stored value)
UNITS: dict[str, tuple[str, int]] = {
    "s": ("duration", 1000),
    "ms": ("duration", 1),
    "deg": ("angle", 1),
    "\u00b0": ("angle", 1),
    "mm": ("focal", 1),
    "K": ("temperature", 1),
    "%": ("percent", 1),
    "fps": ("framerate", 1),
    "x": ("factor", 1),
    "f": ("frames", 1),
}
# The unit a kind is written with, for hints ("write `4s`").
UNIT_OF = {"duration": "s", "angle": "deg", "focal": "mm", "temperature": "K", "percent": "%", "framerate": "fps",
           "factor": "x", "frames": "f"}
# Misspelt units people write, and what they meant; the kind each slip belongs to.
UNIT_SLIPS = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s", "S": "s",
    "msec": "ms", "msecs": "ms", "millis": "ms",
    "degree": "deg", "degrees": "deg", "degs": "deg",
    "k": "K", "kelvin": "K",
    "FPS": "fps",
    "MM": "mm", "mms": "mm",
    "X": "x", "times": "x",
    "percent": "%", "pct": "%",
}
KIND_WORDS = {
    "duration": "a duration", "angle": "an angle", "focal": "a focal length", "aperture": "an aperture",
    "temperature": "a colour temperature", "percent": "a percentage", "framerate": "a frame rate",
    "factor": "a factor", "money": "an amount of money", "size": "a size", "color": "a colour",
    "integer": "a whole number", "number": "a number", "frames": "a frame count",
}
KIND_EXAMPLES = {
    "duration": "`4s` or `500ms`", "angle": "`30deg` or `30°`", "focal": "`50mm`", "aperture": "`f/2.8`",
    "temperature": "`5600K`", "percent": "`70%`", "framerate": "`24fps`", "factor": "`2x` or `0.5x`",
    "money": "`$0.10`", "size": "`1280x720`", "color": "`#f2a33a`", "integer": "`3`", "frames": "`81f`",
}
UNIT_LIST = ("units are `s` `ms` (time), `f` (frames), `deg` `°` (angle), `mm` (focal length), "
             "`K` (colour temperature), `%`, `fps`, `x` (factor); write the number and unit with no space")

# A number as written before its unit (the generated editor files use it too).
NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
MAX_INTEGER_DIGITS = 9
MAX_FRACTION_DIGITS = 6
_NUMBER_UNIT = re.compile(r"(-?)([0-9]*)(?:\.([0-9]*))?(.*)", re.S)

Problem = tuple[str, str, str]  # (code, message, help)


def article(kind: str) -> str:
    return KIND_WORDS.get(kind, f"a {kind}")


def _too_long(text: str, integer: str, fraction: str) -> Problem | None:
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        return ("E111", f"`{_shorten(text)}` has too many digits",
                f"a number has at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_FRACTION_DIGITS} after it")
    return None


def _shorten(text: str, keep: int = 24) -> str:
    return text if len(text) <= keep else f"{text[:12]}…{text[-8:]}"


@lru_cache(maxsize=4096)
def classify(text: str) -> tuple[str, object, Problem | None]:
    """(kind, value, problem) for a quantity literal. Never raises."""
    if text.startswith("$"):
        return _decimal_kind("money", text, text[1:])
    if text.startswith("f/"):
        return _decimal_kind("aperture", text, text[2:])
    if text.startswith("#"):
        digits = text[1:]
        if re.fullmatch(r"[0-9A-Fa-f]{6}", digits):
            return "color", "#" + digits.lower(), None
        return "unknown", text, ("E110", f"`{_shorten(text)}` is not a colour",
                                 "a colour is `#` and six hex digits, such as `#f2a33a`")
    match = _NUMBER_UNIT.fullmatch(text)
    sign, integer, fraction, unit = match.group(1), match.group(2), match.group(3), match.group(4)
    if not integer and not fraction:
        return "unknown", text, ("E110", f"`{_shorten(text)}` is not a number", "a quantity is a number and a unit, such as `4s`")
    fraction = fraction or ""
    problem = _too_long(text, integer, fraction)
    if problem:
        return "unknown", text, problem
    number = sign + (integer or "0") + ("." + fraction if fraction else "")
    size = re.fullmatch(r"x([0-9]+)", unit)
    if size:
        if fraction or sign:
            return "unknown", text, ("E110", f"`{_shorten(text)}` is not a size",
                                     "a size is a width and a height in whole pixels, such as `1280x720`")
        if len(size.group(1).lstrip("0")) > MAX_INTEGER_DIGITS:
            return "unknown", text, _too_long(text, size.group(1), "")
        return "size", (int(integer), int(size.group(1))), None
    if not unit:
        if fraction:
            return "number", float(number), None
        return "integer", int(number), None
    if unit in UNITS:
        kind, factor = UNITS[unit]
        if kind == "duration":
            return kind, int((Decimal(number) * factor).to_integral_value()), None
        value = float(number)
        return kind, int(value) if value.is_integer() and kind in ("focal", "temperature", "frames") else value, None
    return "unknown", text, unknown_unit(number, unit, None)


def _decimal_kind(kind: str, text: str, digits: str) -> tuple[str, object, Problem | None]:
    match = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?", digits)
    if not match:
        return "unknown", text, ("E110", f"`{_shorten(text)}` is not {article(kind)}",
                                 f"write {article(kind)} such as {KIND_EXAMPLES[kind]}")
    problem = _too_long(text, match.group(1), match.group(2) or "")
    if problem:
        return "unknown", text, problem
    return kind, float(digits), None


def unknown_unit(number: str, unit: str, slot: str | None) -> Problem:
    """E105 for `4sec`. The suggestion is a unit of the slot's kind when the
    slot is known (`over 2m` -> `2s`), and only a known slip otherwise: the
    closest spelling of any unit misleads (`dolly in 2m` is not `2ms`)."""
    meant = UNIT_SLIPS.get(unit)
    because = ""
    if slot is not None and (meant is None or UNITS[meant][0] != slot):
        meant = UNIT_OF.get(slot)
        because = f": this slot takes {article(slot)}"
    shown = _shorten(f"{number}{unit}")
    if meant:
        hint = f"write `{number}{meant}`{because}"
    elif slot is None:
        hint = UNIT_LIST
    else:
        hint = f"this slot takes {article(slot)}, which has no unit"
    return ("E105", f"unknown unit `{_shorten(unit)}` in `{shown}`", hint)


def unit_of(text: str) -> str:
    """The unit suffix of a number literal: `2s` -> `s`."""
    match = _NUMBER_UNIT.fullmatch(text)
    return match.group(4) if match else ""


# ---- writing quantities for people ---------------------------------------------


def seconds(value: int) -> str:
    """Milliseconds as seconds: 2400 -> "2.4", 2000 -> "2"."""
    whole, rest = divmod(value, 1000)
    if rest == 0:
        return str(whole)
    return f"{value / 1000:.3f}".rstrip("0").rstrip(".")


def time_range(start: int, end: int) -> str:
    """`0-2.4s`."""
    return f"{seconds(start)}-{seconds(end)}s"


def duration_words(value: int) -> str:
    return f"{seconds(value)} second{'' if value == 1000 else 's'}"


def seconds_string(value_ms: int) -> str:
    """Milliseconds as the plan writes seconds: "8", "2.5"."""
    value = Decimal(value_ms) / 1000
    return str(value.to_integral_value()) if value == value.to_integral_value() else format(value.normalize(), "f")


def size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def money(text: str) -> Decimal:
    """The exact amount of a money literal (`$0.10`)."""
    return Decimal(text.lstrip("$"))


def dollars(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01'))}"


def usd(amount: Decimal | None) -> float | None:
    """An amount for the plan's JSON: a float, to the micro-dollar."""
    return None if amount is None else float(amount.quantize(Decimal("0.000001")).normalize())


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
