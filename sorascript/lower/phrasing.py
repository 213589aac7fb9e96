"""How each piece of a shot is said in a prompt: small pure functions over AST
nodes and the phrase tables in `sorascript.vocab`."""

from __future__ import annotations

from sorascript import vocab
from sorascript.sema.names import character_name, prop_name, words  # noqa: F401 (how names are said, here too)
from sorascript.quantities import duration_words, time_range
from sorascript.sema.timing import TimedMove
from sorascript.syntax import ast

END_PUNCTUATION = tuple('.!?…"\'”’)')


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter and closing punctuation."""
    text = text.strip()
    if not text:
        return text
    if text[0].islower():
        text = text[0].upper() + text[1:]
    return text if text.endswith(END_PUNCTUATION) else text + "."


def lower_start(text: str, names=()) -> str:
    """Text that goes on inside a list or a sentence: a capital that only starts
    a sentence made small ("Firelight on her face" -> "firelight on her face");
    a name, an acronym or a word such as "I" keeps its capital."""
    first = text.split(" ", 1)[0].rstrip(",.;:")
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and first.isalpha() \
            and not any(n.split(" ", 1)[0] == first for n in names):
        return text[0].lower() + text[1:]
    return text


def angle_amount(q: ast.Quantity) -> str:
    return f"{q.value:g}°" if q.kind == "angle" else q.text


def angle(item: ast.Angle) -> str:
    base = vocab.ANGLES.get(item.name.text, item.name.text) if item.name is not None else "angle"
    return f"{base} ({angle_amount(item.amount)})" if item.amount is not None else base


def focal(q: ast.Quantity) -> str:
    return q.text


def aperture(q: ast.Quantity) -> str:
    return q.text


def percent(q: ast.Quantity) -> str:
    return q.text


def position(word: str) -> str:
    return words(word)


def rig(item: ast.Rig) -> str:
    """`Camera rig: handheld, subtle drift`; a description that names the rig
    says it alone (`rig tripod "static tripod"` -> "Camera rig: static tripod")."""
    name = vocab.RIGS.get(item.name.text, item.name.text)
    if item.description is None:
        return f"Camera rig: {name}"
    description = item.description.value
    if words(item.name.text).lower() in description.lower():
        return f"Camera rig: {description}"
    return f"Camera rig: {name}, {description}"


def speed(q: ast.Quantity) -> str:
    if q.kind != "factor":
        return q.text
    if q.value < 1:
        return f"slow motion at {q.text} speed"
    if q.value > 1:
        return f"sped up to {q.text}"
    return "real time"


def focus(item: ast.Focus, speaker_name) -> str:
    if item.target is not None:
        target = speaker_name(item.target) if isinstance(item.target, ast.Name) else item.target.value
        return f"Focus: on {target}"
    parts = [vocab.FOCUS_MODES.get(item.mode.text, item.mode.text)] if item.mode is not None else []
    if item.description is not None:
        parts.append(item.description.value)
    return "Focus: " + ", ".join(parts)


def anchor(item: ast.Anchor) -> str:
    """`amber (warm overhead light)`; just the description when it already names the colour."""
    name = words(item.name.text)
    if item.description is None:
        return name
    if name.lower() in item.description.value.lower():
        return item.description.value
    return f"{name} ({item.description.value})"


def clause(text: str) -> str:
    """Text to stand in a list joined by semicolons: no closing full stop."""
    return text.strip().rstrip(".")


def light(item: ast.Light, anchor_words: str | None) -> str:
    """`key light from camera-right (3200K, amber) — red neon`."""
    text = vocab.LIGHT_ROLES.get(item.role.text, item.role.text)
    if item.direction is not None:
        text += f" from {vocab.DIRECTIONS.get(item.direction.text, item.direction.text)}"
    extra = []
    if item.temperature is not None:
        extra.append(item.temperature.text)
    if anchor_words is not None:
        extra.append(anchor_words)
    if extra:
        text += f" ({', '.join(extra)})"
    return text + (f" — {item.description.value}" if item.description is not None else "")


_PREPOSITIONS = frozenset("on onto off from to toward towards into around over across along past through up down under above "
                          "behind beside between with".split())


def move(timed: TimedMove, times: bool = True, whole: bool = False) -> str:
    """`pan left 30° (2-4s)`; without `times`, how long it takes instead:
    `pan left 30° over 2 seconds`. A qualifier follows the move (`hold on the
    base`, `tilt up, slow`); `whole`: the move fills its cut, which says when."""
    item = timed.move
    spec = vocab.MOVES[item.verb.text]
    parts = [spec.phrase]
    if item.direction is not None:
        parts.append(spec.directions.get(item.direction.text, item.direction.text))
    if item.subject is not None:
        parts.append(item.subject.value)
    if item.amount is not None:
        parts.append(angle_amount(item.amount) if item.amount.kind == "angle" else item.amount.text)
    if item.from_framing is not None:
        parts.append("from " + framing_words(item.from_framing.text))
    if item.to_framing is not None:
        parts.append("to " + framing_words(item.to_framing.text))
    if not times:
        parts.append(("for " if spec.axis is None else "over ") + duration_words(timed.end - timed.start))
    text = " ".join(parts)
    if item.qualifier is not None:
        qualifier = item.qualifier.value
        text += (" " if qualifier.split(" ", 1)[0].lower() in _PREPOSITIONS else ", ") + qualifier
    return text + (f" ({time_range(timed.start, timed.end)})" if times and not whole else "")


def framing_words(name: str) -> str:
    """A framing where a move goes from or to it: `wide` -> "wide", `medium-close-up` -> "medium close-up"."""
    words_ = vocab.FRAMINGS.get(name, name)
    return words_[: -len(" shot")] if words_.endswith(" shot") else words_


SOUND_KINDS = {"ambient": "Ambient", "sfx": "Sound effect", "music": "Music", "cue": "Cue"}


def moves(timed: list[TimedMove], window=None) -> str:
    """`Camera movement: pan left … (0-2s); then tilt up … (2-4s)`: a move that
    starts before the one before it ends runs with it (`and`), not after it.
    In a cut (`window`), a move that fills it needs no times."""
    def one(t: TimedMove) -> str:
        return move(t, whole=window is not None and (t.start, t.end) == (window.start, window.end))

    out = one(timed[0])
    for previous, current in zip(timed, timed[1:]):
        out += (" and " if current.start < previous.end else "; then ") + one(current)
    return "Camera movement: " + out


def third_person(verb: str) -> str:
    """`pan` -> "pans", `dolly` -> "dollies", `push` -> "pushes", `rack focus` -> "racks focus"."""
    head, _, rest = verb.partition(" ")
    if head.endswith(("s", "sh", "ch", "x", "z")):
        head += "es"
    elif head.endswith("y") and head[-2:-1] not in tuple("aeiou"):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + (" " + rest if rest else "")


def move_does(timed: TimedMove) -> str:
    """A move as what the camera does: `pans left 30° over 2 seconds`."""
    return third_person(move(timed, times=False))
