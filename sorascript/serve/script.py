"""What an animatic shows: the shot's name, palette and timed cues.

A renderer may send the shot's structure as the extra request field
`sorac_animatic` (validated here; a malformed value is a `ScriptError`, which
the server answers with a 400). Without it, `from_prompt` reads what it can
from the prompt text as `sorac` lowers it (the guide layout's `Actions:`,
`Dialogue:`, `Camera movement:`, `Sound:`, `Title (a-bs): …` cut lines, and the
timeline layout's `[00:00-00:02]` segments). That reading is best effort and
never fails.

Times are seconds from the start of the clip. An end of `None` means "until
the end of the clip".
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

RGB = tuple[int, int, int]

MAX_ITEMS = 500  # per list: more is a mistake, not a shot
MAX_TEXT = 2000
WORD_S = 0.4  # dialogue pace, as the checker counts it (400 ms a word)
SOUND_SHOWN_S = 2.0  # how long an instantaneous sound cue stays on screen


class ScriptError(ValueError):
    """A malformed `sorac_animatic` value; the message says where."""


@dataclass(frozen=True, slots=True)
class Cue:
    start_s: float
    end_s: float | None
    text: str
    who: str = ""  # the speaker of a line, the kind of a sound

    def end(self, duration: float) -> float:
        return duration if self.end_s is None else self.end_s

    def active(self, t: float, duration: float) -> bool:
        return self.start_s <= t < self.end(duration)

    def to_json(self) -> list:
        return [self.start_s, self.end_s, self.text, self.who]


@dataclass(frozen=True, slots=True)
class Script:
    name: str = ""
    title: str = ""
    palette: tuple[RGB, ...] = ()
    beats: tuple[Cue, ...] = ()
    lines: tuple[Cue, ...] = ()
    moves: tuple[Cue, ...] = ()
    sounds: tuple[Cue, ...] = ()
    cuts: tuple[Cue, ...] = ()

    def to_json(self) -> dict:
        """A canonical form (for the render key and the state file); `from_stored` reads it back."""
        return {
            "name": self.name, "title": self.title, "palette": [list(c) for c in self.palette],
            **{kind: [c.to_json() for c in getattr(self, kind)] for kind in _CUE_KINDS},
        }

    @property
    def heading(self) -> str:
        if self.name and self.title and self.title != self.name:
            return f"{self.name} - {self.title}"
        return self.name or self.title


_CUE_KINDS = ("beats", "lines", "moves", "sounds", "cuts")


def from_stored(data: dict) -> Script:
    def cues(kind: str) -> tuple[Cue, ...]:
        return tuple(Cue(float(s), None if e is None else float(e), str(t), str(w)) for s, e, t, w in data.get(kind, ()))

    return Script(
        name=data.get("name", ""), title=data.get("title", ""),
        palette=tuple((int(r), int(g), int(b)) for r, g, b in data.get("palette", ())),
        **{kind: cues(kind) for kind in _CUE_KINDS},
    )


# --------------------------------------------------------------------------
# sorac_animatic: the renderer's description of the shot


def from_field(value: Any) -> Script:
    """Validate a `sorac_animatic` value: a JSON object, or a string holding one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ScriptError(f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    if not isinstance(value, dict):
        raise ScriptError(f"must be a JSON object, not {_json_type(value)}")
    name = _text(value, "name", "", required=False)
    title = _text(value, "title", "", required=False)
    palette = value.get("palette", [])
    if not isinstance(palette, list):
        raise ScriptError(f"palette must be a list of colours, not {_json_type(palette)}")
    if len(palette) > MAX_ITEMS:
        raise ScriptError(f"palette has more than {MAX_ITEMS} colours")
    colours = []
    for i, item in enumerate(palette):
        colour = parse_colour(item) if isinstance(item, str) else None
        if colour is None:
            raise ScriptError(f"palette[{i}] must be a colour such as \"#e8913a\", not {json.dumps(item)}")
        colours.append(colour)
    lists: dict[str, tuple[Cue, ...]] = {}
    for kind in _CUE_KINDS:
        items = value.get(kind, [])
        if not isinstance(items, list):
            raise ScriptError(f"{kind} must be a list of objects, not {_json_type(items)}")
        if len(items) > MAX_ITEMS:
            raise ScriptError(f"{kind} has more than {MAX_ITEMS} items")
        lists[kind] = tuple(_cue(kind, i, item) for i, item in enumerate(items))
    return Script(name=name, title=title, palette=tuple(colours), **lists)


def _cue(kind: str, index: int, item: Any) -> Cue:
    where = f"{kind}[{index}]"
    if not isinstance(item, dict):
        raise ScriptError(f"{where} must be an object, not {_json_type(item)}")
    start = _number(item, "start_s", where, required=True)
    end = _number(item, "end_s", where, required=False)
    if end is not None and end < start:
        raise ScriptError(f"{where}.end_s ({end:g}) is before its start_s ({start:g})")
    text_key = "title" if kind == "cuts" else "text"
    text = _text(item, text_key, where, required=kind != "cuts")
    who = ""
    if kind == "lines":
        who = _text(item, "speaker", where, required=False)
        if end is None:
            end = start + max(1.0, WORD_S * len(text.split()))
    elif kind == "sounds":
        who = _text(item, "kind", where, required=False)
        if end is None:
            end = start + SOUND_SHOWN_S
    return Cue(start, end, text, who)


def _number(item: dict, key: str, where: str, *, required: bool) -> float | None:
    value = item.get(key)
    if value is None:
        if required:
            raise ScriptError(f"{where}.{key} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ScriptError(f"{where}.{key} must be a number of seconds >= 0, not {json.dumps(value)}")
    return round(float(value), 4)


def _text(item: dict, key: str, where: str, *, required: bool) -> str:
    value = item.get(key)
    field = f"{where}.{key}" if where else key
    if value is None:
        if required:
            raise ScriptError(f"{field} is missing")
        return ""
    if not isinstance(value, str):
        raise ScriptError(f"{field} must be a string, not {_json_type(value)}")
    return value[:MAX_TEXT]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


# --------------------------------------------------------------------------
# colours

# Colour words a palette anchor's name may use that CSS does not know.
_EXTRA_COLOURS: dict[str, RGB] = {
    "amber": (255, 191, 0), "cobalt": (0, 71, 171), "ochre": (204, 119, 34), "rust": (183, 65, 14),
    "sepia": (112, 66, 20), "cream": (255, 253, 208), "charcoal": (54, 69, 79), "mustard": (255, 219, 88),
    "emerald": (80, 200, 120), "jade": (0, 168, 107), "ruby": (224, 17, 95), "sapphire": (15, 82, 186),
    "copper": (184, 115, 51), "bronze": (205, 127, 50), "burgundy": (128, 0, 32), "mint": (152, 255, 152),
    "sand": (194, 178, 128), "neon": (57, 255, 20), "scarlet": (255, 36, 0), "vermilion": (227, 66, 52),
    "cyan": (0, 255, 255), "magenta": (255, 0, 255), "jet": (52, 52, 52), "ivory": (255, 255, 240),
    "taupe": (72, 60, 50), "mauve": (224, 176, 255), "rose": (255, 0, 127), "cerulean": (0, 123, 167),
    "umber": (99, 81, 71), "lilac": (200, 162, 200), "bark": (96, 70, 50), "snow": (255, 250, 250),
    "leaf": (85, 140, 60), "sky": (135, 206, 235), "autumn": (210, 105, 30), "golden": (255, 200, 60),
}


def parse_colour(text: str) -> RGB | None:
    """`#rgb`, `#rrggbb` or a colour name; None if it is none of these."""
    from PIL import ImageColor

    text = text.strip().lower()
    if not text or len(text) > 64:
        return None
    if text in _EXTRA_COLOURS:
        return _EXTRA_COLOURS[text]
    if not text.startswith("#") and not text.replace(" ", "").isalpha():
        return None
    try:
        r, g, b = ImageColor.getrgb(text.replace(" ", ""))[:3]
    except ValueError:
        return None
    return int(r), int(g), int(b)


def colour_from_words(words: str) -> RGB | None:
    """A colour for an anchor described in words ("snow white"): the whole, then each word from the last."""
    hexcode = re.search(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", words)
    if hexcode:
        return parse_colour(hexcode.group(0))
    words = re.sub(r"[^a-z ]", " ", words.lower()).split()
    if not words:
        return None
    whole = parse_colour(" ".join(words))
    if whole is not None:
        return whole
    for word in reversed(words):
        colour = parse_colour(word)
        if colour is not None:
            return colour
    return None


# --------------------------------------------------------------------------
# reading a prompt


_NUM = r"(\d+(?:\.\d+)?)"
_ACTION = re.compile(rf"^-\s*{_NUM}\s*-\s*{_NUM}\s*s:\s*(.+)$")
_SEGMENT = re.compile(r"^\[(\d+):(\d\d(?:\.\d+)?)\s*-\s*(\d+):(\d\d(?:\.\d+)?)\]\s*(.+)$")
_LINE = re.compile(r'^(?:-\s*)?\[([^\],\]]+)(?:,[^\]]*)?\]:\s*"(.*)"\s*$')
_PAUSE = re.compile(rf"^(?:-\s*)?\[Pause(?:\s*-\s*{_NUM}\s*seconds?)?\]", re.I)
_CUT = re.compile(rf"^(?!- )(.{{1,80}}?)\s*\({_NUM}\s*-\s*{_NUM}\s*s\):\s*(.*)$")
_MOVES = re.compile(r"^Camera movement:\s*(.+)$")
_RANGE_AT_END = re.compile(rf"\s*\({_NUM}\s*-\s*{_NUM}\s*s\)\s*$")
_SOUND_AT = re.compile(rf"^-\s*(.+?)\s+at\s+{_NUM}\s*s:\s*(.+)$")
_SOUND_RANGE = re.compile(rf"^-\s*(.+?)\s*\({_NUM}\s*-\s*{_NUM}\s*s\):\s*(.+)$")
_PALETTE = re.compile(r"^Palette:\s*(.+)$")


def from_prompt(prompt: str) -> Script:
    """The cues a prompt written by `sorac` spells out; whatever is not there is left out."""
    lines = [line.strip() for line in prompt.splitlines()]
    title = next((line for line in lines if line), "")
    title = re.split(r"(?<=[.!?])\s", title, maxsplit=1)[0][:80]
    beats: list[Cue] = []
    spoken: list[Cue] = []
    moves: list[Cue] = []
    sounds: list[Cue] = []
    cuts: list[Cue] = []
    palette: list[RGB] = []
    section = ""
    clock = 0.0  # where the next untimed dialogue line starts
    for line in lines:
        if line.endswith(":") and re.fullmatch(r"[A-Z][A-Za-z ]*:", line):
            section = line[:-1].lower()
            continue
        if m := _CUT.match(line):  # `Winter (0-3s): …`, `Cut 2 (3-6s): …`: the cut, and what happens in it
            start, end = float(m.group(2)), float(m.group(3))
            title = "" if re.fullmatch(r"Cut \d+", m.group(1)) else m.group(1)
            cuts.append(Cue(start, end, title))
            if m.group(4):
                beats.append(Cue(start, end, m.group(4)))
            clock = max(clock, start)
            continue
        if m := _ACTION.match(line):
            beats.append(Cue(float(m.group(1)), float(m.group(2)), m.group(3)))
            continue
        if m := _SEGMENT.match(line):
            start = int(m.group(1)) * 60 + float(m.group(2))
            beats.append(Cue(start, int(m.group(3)) * 60 + float(m.group(4)), m.group(5)))
            continue
        if m := _LINE.match(line):
            words = len(m.group(2).split())
            end = clock + max(1.0, WORD_S * words)
            spoken.append(Cue(round(clock, 4), round(end, 4), m.group(2), m.group(1).strip()))
            clock = end
            continue
        if m := _PAUSE.match(line):
            clock += float(m.group(1)) if m.group(1) else 1.0
            continue
        if m := _MOVES.match(line):
            moves.extend(_moves(m.group(1)))
            continue
        if m := _PALETTE.match(line):
            for part in _split_outside_parentheses(m.group(1)):
                colour = colour_from_words(part.split("(")[0]) or colour_from_words(part)
                if colour is not None:
                    palette.append(colour)
            continue
        if section == "sound":
            if m := _SOUND_AT.match(line):
                at = float(m.group(2))
                sounds.append(Cue(at, at + SOUND_SHOWN_S, m.group(3), _sound_kind(m.group(1))))
            elif m := _SOUND_RANGE.match(line):
                sounds.append(Cue(float(m.group(2)), float(m.group(3)), m.group(4), _sound_kind(m.group(1))))
    return Script(title=title, palette=tuple(palette), beats=tuple(beats), lines=tuple(spoken),
                  moves=tuple(moves), sounds=tuple(sounds), cuts=tuple(cuts))


def _moves(text: str) -> list[Cue]:
    cues = []
    for phrase in text.split("; then "):
        m = _RANGE_AT_END.search(phrase)
        if m:
            cues.append(Cue(float(m.group(1)), float(m.group(2)), phrase[:m.start()].strip()))
        elif phrase.strip():
            cues.append(Cue(0.0, None, phrase.strip()))
    return cues


def _sound_kind(words: str) -> str:
    words = words.lower()
    if "effect" in words:
        return "sfx"
    if "music" in words:
        return "music"
    return words.split()[0] if words.split() else ""


def _split_outside_parentheses(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]
