"""Closed vocabularies and how each word is phrased in a prompt.

Data, not code: to add a framing, a rig or a move, add a row here. Each table
maps the word a `.shot` file uses to the words the prompt says.
"""

from __future__ import annotations

from dataclasses import dataclass

FRAMINGS = {
    "extreme-wide": "extreme wide shot",
    "wide": "wide shot",
    "full": "full shot",
    "medium-wide": "medium wide shot",
    "cowboy": "cowboy shot",
    "medium": "medium shot",
    "medium-close-up": "medium close-up",
    "close-up": "close-up",
    "extreme-close-up": "extreme close-up",
    "over-the-shoulder": "over-the-shoulder shot",
    "two-shot": "two-shot",
    "insert": "insert shot",
    "establishing": "establishing shot",
    "pov": "point-of-view shot",
}

ANGLES = {
    "eye-level": "eye-level angle",
    "low": "low angle",
    "high": "high angle",
    "dutch": "Dutch angle",
    "overhead": "overhead angle",
    "top-down": "top-down angle",
    "birds-eye": "bird's-eye view",
    "worms-eye": "worm's-eye view",
    "profile": "profile angle",
    "three-quarter": "three-quarter angle",
}

RIGS = {
    "tripod": "tripod",
    "locked-off": "locked-off tripod",
    "handheld": "handheld",
    "shoulder": "shoulder rig",
    "dolly": "dolly",
    "slider": "slider",
    "crane": "crane",
    "jib": "jib arm",
    "steadicam": "Steadicam",
    "gimbal": "gimbal",
    "drone": "drone",
    "car-mount": "car mount",
}

DIRECTIONS = {
    "camera-left": "camera-left",
    "camera-right": "camera-right",
    "frame-left": "frame-left",
    "frame-right": "frame-right",
    "above": "above",
    "below": "below",
    "behind": "behind",
    "front": "the front",
}

LIGHT_ROLES = {
    "key": "key light",
    "fill": "fill light",
    "rim": "rim light",
    "back": "backlight",
    "practical": "practical light",
    "ambient": "ambient light",
    "bounce": "bounce light",
    "negative": "negative fill",
}

LIGHT_QUALITIES = {"soft": "soft", "hard": "hard", "diffuse": "diffuse"}

LAYER_DEPTHS = {"foreground": "Foreground", "midground": "Midground", "background": "Background"}

OVERLAY_POSITIONS = frozenset(
    {"top-left", "top", "top-right", "center", "bottom-left", "bottom", "bottom-right"}
)

LOOP_MODES = {
    "short": "a tight seamless loop, the last frame matching the first",
    "normal": "a seamless loop",
    "long": "a long seamless loop with a gradual return to the first frame",
}

# How much shorter `loop` makes a clip: its last L seconds are dissolved into its first.
LOOP_SECONDS = {"short": 0.25, "normal": 0.5, "long": 1.0}

FOCUS_MODES = {"shallow": "shallow depth of field", "deep": "deep focus"}

GRADE_TONES = {"highlights": "highlights", "midtones": "midtones", "shadows": "shadows", "blacks": "blacks"}

# A sequence's transitions: whether each takes a length, and whether it overlaps shots.
TRANSITIONS = {"cut": "cut", "crossfade": "crossfade", "fade": "fade"}

YES_NO = {"yes": True, "no": False, "true": True, "false": False}
# `reference required`: a model that takes a first-frame image, and renders only from one (image-to-video).
REFERENCE_FLAGS = {**YES_NO, "required": True}

# Prompt profiles (`layout`): how a model reads a prompt best (lower/layouts.toml says how each is written).
LAYOUTS = {
    "guide": "the Sora 2 guide's sections: prose, Cinematography, Actions, Dialogue, Sound, Style",
    "paragraph": "one flowing paragraph in time order, style first, dialogue inline (Wan, LTX-2)",
    "timeline": "a shared description, then one line per time segment (Veo's timestamps)",
}
# Where `avoid` goes (`negative`).
NEGATIVE_MODES = {"field": "the request's negative_prompt", "inline": "an Avoid: line in the prompt"}
# Request fields sorac writes itself: a `param` may not name them.
COMPUTED_FIELDS = frozenset({"model", "size", "seconds", "prompt", "input_reference", "fps", "num_frames",
                             "negative_prompt", "seed", "n"})


@dataclass(frozen=True, slots=True)
class MoveSpec:
    axis: str | None  # moves on one axis may not overlap; None: a hold, which overlaps nothing
    directions: dict[str, str]  # word -> how the prompt says it
    direction_required: bool
    amount: str | None  # the quantity kind the move takes: angle or factor
    framings: bool = False  # push/pull take `from FRAMING to FRAMING`
    subject: bool = False  # track/rack-focus take a quoted subject
    phrase: str = ""  # the verb as the prompt says it


_LR = {"left": "left", "right": "right"}
_UD = {"up": "up", "down": "down"}

MOVES: dict[str, MoveSpec] = {
    "pan": MoveSpec("pan", _LR, True, "angle", phrase="pan"),
    "tilt": MoveSpec("tilt", _UD, True, "angle", phrase="tilt"),
    "roll": MoveSpec("roll", _LR, True, "angle", phrase="roll"),
    "orbit": MoveSpec("orbit", _LR, False, "angle", phrase="orbit"),
    "push": MoveSpec("push", {"in": "in"}, True, None, framings=True, phrase="push"),
    "pull": MoveSpec("push", {"out": "out", "back": "back"}, True, None, framings=True, phrase="pull"),
    "dolly": MoveSpec("push", {"in": "in", "out": "out"}, True, None, framings=True, phrase="dolly"),
    "truck": MoveSpec("truck", _LR, True, None, phrase="truck"),
    "crane": MoveSpec("crane", _UD, True, None, phrase="crane"),
    "zoom": MoveSpec("zoom", {"in": "in", "out": "out"}, True, "factor", phrase="zoom"),
    "track": MoveSpec("track", {}, False, None, subject=True, phrase="track"),
    "rack-focus": MoveSpec("rack-focus", {}, False, None, subject=True, phrase="rack focus"),
    "hold": MoveSpec(None, {}, False, None, phrase="hold"),
}

def move_form(verb: str) -> str:
    """How a move is written, for help text: `pan left|right [ANGLE] [over DURATION]`."""
    spec = MOVES[verb]
    parts = [verb]
    if spec.directions:
        words = "|".join(spec.directions)
        parts.append(words if spec.direction_required else f"[{words}]")
    if spec.subject:
        parts.append('"SUBJECT"')
    if spec.amount:
        parts.append(f"[{spec.amount.upper()}]")
    if spec.framings:
        parts.append("[from FRAMING to FRAMING]")
    parts.append("[over DURATION]")
    return " ".join(parts)


# How each statement is written, for syntax errors ("`size` is written `size WxH`")
# and the language reference. Moves are written as `move_form` says.
STATEMENT_FORMS: dict[str, str] = {
    "model": "model NAME",
    "size": "size WxH",
    "duration": "duration DURATION",
    "setting": 'setting "…"` or `setting LOCATION',
    "cast": "cast NAME, NAME",
    "props": "props NAME, NAME",
    "mood": 'mood "…"',
    "physics": 'physics "…"',
    "avoid": 'avoid "…"',
    "atmosphere": 'atmosphere "…"',
    "palette": "palette NAME` or a `palette:` block",
    "style": 'style NAME`, `style "…"` or a `style:` block',
    "reference": 'reference "file.png"` or `reference last frame of SHOT',
    "speed": "speed FACTOR",
    "overlay": 'overlay "text" [POSITION] [RANGE] [in-frame]',
    "loop": "loop short|normal|long",
    "takes": "takes N",
    "cut": 'cut RANGE ["title"]:',
    "variant": "variant NAME:",
    "framing": "framing NAME",
    "angle": "angle NAME [ANGLE]",
    "lens": 'lens FOCAL [f/STOP] ["…"]` or `lens PRESET',
    "aperture": "aperture f/STOP",
    "rig": 'rig NAME ["…"]',
    "shutter": "shutter ANGLE",
    "fps": "fps FRAMERATE",
    "filter": 'filter "…"',
    "body": 'body "…"',
    "focus": 'focus shallow|deep ["…"]`, `focus on NAME` or `focus on "…"',
    "quality": "quality soft|hard|diffuse",
    "seed": "seed N",
    "param": 'param NAME VALUE` (a number, a "string", or yes/no)',
    "pause": "pause [DURATION]",
}


# Where a statement word belongs, to say "`pan` goes inside `camera:`" when it
# stands in another block (E107).
STATEMENT_HOME: dict[str, str] = {}
for _word in [*MOVES, "framing", "angle", "lens", "aperture", "rig", "shutter", "fps", "filter", "body", "focus"]:
    STATEMENT_HOME[_word] = "camera:"
for _word in [*LIGHT_ROLES, "quality"]:
    STATEMENT_HOME.setdefault(_word, "lighting:")
for _word in LAYER_DEPTHS:
    STATEMENT_HOME[_word] = "layers:"
for _word in ["sfx", "music", "cue"]:
    STATEMENT_HOME[_word] = "sound:"
STATEMENT_HOME["ambient"] = "sound:` or `lighting:"
STATEMENT_HOME["pause"] = "dialogue:"
for _word in ["highlights", "midtones", "shadows", "blacks"]:
    STATEMENT_HOME[_word] = "grade:"
for _word in ["blend", "grade", "film"]:
    STATEMENT_HOME[_word] = "style:"
for _word in ["voice", "wardrobe", "cameo"]:
    STATEMENT_HOME[_word] = "character NAME:"
for _word in ["time", "weather"]:
    STATEMENT_HOME[_word] = "location NAME:"
STATEMENT_HOME["keep"] = "remix NAME of SHOT:"
STATEMENT_HOME["continuity"] = "sequence NAME:"
STATEMENT_HOME["conform"] = "sequence NAME:"
for _word in ["sizes", "durations", "price", "api-model", "max-characters", "retired", "notes", "audio", "frames",
              "layout", "max-words", "negative", "params", "server"]:
    STATEMENT_HOME[_word] = "model NAME:"
# Shot statements, for a shot statement written inside a block.
SHOT_STATEMENTS = frozenset(
    "model size duration setting cast props mood physics avoid palette style reference camera lighting layers "
    "beats dialogue sound atmosphere speed overlay cut loop takes variant seed param".split()
)
