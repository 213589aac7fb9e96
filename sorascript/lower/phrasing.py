"""How each piece of a shot is said in a prompt: small pure functions over AST
nodes and the phrase tables in `sorascript.vocab`."""

from __future__ import annotations

from sorascript import vocab
from sorascript.quantities import duration_words, seconds, time_range
from sorascript.sema.timing import TimedMove, ms
from sorascript.syntax import ast

_END_PUNCTUATION = tuple('.!?…"\'”’)')


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter and closing punctuation."""
    text = text.strip()
    if not text:
        return text
    if text[0].islower():
        text = text[0].upper() + text[1:]
    return text if text.endswith(_END_PUNCTUATION) else text + "."


def words(name: str) -> str:
    """A declared name as words: `old_man` -> "old man"."""
    return name.replace("_", " ").replace("-", " ")


def character_name(symbol) -> str:
    """How the prompt names a character. A cameo's name must appear verbatim
    (the API matches it), so it is kept as written."""
    if any(isinstance(i, ast.Cameo) for i in symbol.decl.items):
        return symbol.name
    return words(symbol.name).title()


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
    text = f"Camera rig: {vocab.RIGS.get(item.name.text, item.name.text)}"
    return text + (f", {item.description.value}" if item.description is not None else "")


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


def move(timed: TimedMove, times: bool = True) -> str:
    """`pan left 30° over 2 seconds (2-4s)`; without `times`, no `(2-4s)`."""
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
        parts.append("from " + vocab.FRAMINGS.get(item.from_framing.text, item.from_framing.text))
    if item.to_framing is not None:
        parts.append("to " + vocab.FRAMINGS.get(item.to_framing.text, item.to_framing.text))
    length = timed.end - timed.start
    parts.append(("for " if spec.axis is None else "over ") + duration_words(length))
    text = " ".join(parts) + (f" ({time_range(timed.start, timed.end)})" if times else "")
    return text + (f", {item.qualifier.value}" if item.qualifier is not None else "")


def pause(item: ast.Pause) -> str:
    length = ms(item.duration) if item.duration is not None else None
    return f"[Pause - {duration_words(length)}]" if length else "[Pause]"


def dialogue_line(line: ast.Line, speaker: str) -> str:
    label = speaker + (f", {line.delivery.value}" if line.delivery is not None else "")
    when = ""
    if isinstance(line.timing, ast.TimePoint) and ms(line.timing.at) is not None:
        when = f" (at {seconds(ms(line.timing.at))}s)"
    return f'[{label}]{when}: "{line.text.value}"'


_SOUND_KINDS = {"ambient": "Ambient", "sfx": "Sound effect", "music": "Music", "cue": "Cue"}


def sound_line(item: ast.SoundLine) -> str:
    label = _SOUND_KINDS[item.kind]
    if isinstance(item.timing, ast.TimePoint) and ms(item.timing.at) is not None:
        label += f" at {seconds(ms(item.timing.at))}s"
    elif isinstance(item.timing, ast.TimeRange) and ms(item.timing.start) is not None and ms(item.timing.end) is not None:
        label += f" ({time_range(ms(item.timing.start), ms(item.timing.end))})"
    return f"{label}: {item.text.value}"


