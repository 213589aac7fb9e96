"""The parser builds the exact AST for every construct of docs/language.md.

Expected trees are written with the AST constructors; spans are excluded from
node equality, so they are given as `None` here and checked separately in the
span tests at the end.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from sorascript.source import SourceFile
from sorascript.syntax import ast, parse


# ---- helpers ------------------------------------------------------------------


class _Nodes:
    """`n.Name("x")` is `ast.Name("x", span=None)`: a node for comparison."""

    def __getattr__(self, name):
        cls = getattr(ast, name)
        return lambda *args, **kwargs: cls(*args, span=None, **kwargs)


n = _Nodes()


def N(text: str) -> ast.Name:
    return n.Name(text)


def S(value: str) -> ast.Str:
    return n.Str(value)


def P(value: str) -> ast.Prose:
    return n.Prose(S(value))


def Q(kind: str, value, text: str) -> ast.Quantity:
    return n.Quantity(kind, value, text)


def D(text: str) -> ast.Quantity:
    """A duration literal as the parser stores it: integer milliseconds."""
    if text.endswith("ms"):
        return Q("duration", int(Decimal(text[:-2])), text)
    return Q("duration", int(Decimal(text[:-1]) * 1000), text)


def R(start: str, end: str) -> ast.TimeRange:
    return n.TimeRange(D(start), D(end))


def AT(text: str) -> ast.TimePoint:
    return n.TimePoint(D(text))


def move(verb, direction=None, amount=None, over=None, *, timing=None, from_=None, to=None, subject=None,
         qualifier=None, extra=()) -> ast.Move:
    return n.Move(timing, N(verb), N(direction) if direction else None, amount, D(over) if over else None,
                  N(from_) if from_ else None, N(to) if to else None, S(subject) if subject else None,
                  S(qualifier) if qualifier else None, extra)


def light(role, description=None, direction=None, temperature=None, anchor=None) -> ast.Light:
    return n.Light(N(role), S(description) if description is not None else None, N(direction) if direction else None,
                   temperature, N(anchor) if anchor else None, ())


def parse_text(text: str, path: str = "test.shot"):
    return parse(SourceFile(path, text))


def parse_ok(text: str) -> ast.Module:
    """Parse dedented text that must have no diagnostics."""
    module, diagnostics = parse_text(textwrap.dedent(text))
    assert [(d.code, d.message) for d in diagnostics] == []
    return module


def decls(text: str) -> tuple:
    return parse_ok(text).decls


def shot_body(body: str) -> tuple:
    """The statements of `shot s:` holding the dedented body."""
    module = parse_ok("shot s:\n" + textwrap.indent(textwrap.dedent(body), "    "))
    (shot,) = module.decls
    assert shot == n.ShotDecl(N("s"), None, shot.stmts)
    return shot.stmts


def block_items(header: str, body: str) -> tuple:
    """The items of one block (`camera:`, `lighting:` …) inside a shot."""
    (block,) = shot_body(f"{header}:\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return block.items


def codes(text: str) -> list[str]:
    return [d.code for d in parse_text(textwrap.dedent(text))[1]]


# ---- top level ----------------------------------------------------------------------


def test_import():
    assert decls('import "std/lenses"\nimport "cast.shot"\n') == (n.Import(S("std/lenses")), n.Import(S("cast.shot")))


@pytest.mark.parametrize("text, value", [("$20", 20.0), ("$12.50", 12.5), ("$0.10", 0.1)])
def test_budget(text, value):
    assert decls(f"budget {text}\n") == (n.Budget(Q("money", value, text)),)


def test_model_declaration_with_every_field():
    (model,) = decls('''
        model sora-2-pro:
            api-model "sora-2-pro"
            sizes 1280x720, 720x1280
            durations 4s, 8s, 12s
            price $0.30/s for 1280x720, 720x1280
            price $0.50/s for 1792x1024
            price $0.10
            audio yes
            reference no
            max-characters 2
            retired "2026-09-24"
            notes "the high-fidelity model" "with audio"
            "a line of prose"
    ''')
    assert model == n.ModelDecl(N("sora-2-pro"), (
        n.ModelApi(S("sora-2-pro")),
        n.ModelSizes((Q("size", (1280, 720), "1280x720"), Q("size", (720, 1280), "720x1280"))),
        n.ModelDurations((D("4s"), D("8s"), D("12s"))),
        n.ModelPrice(Q("money", 0.3, "$0.30"), N("s"), (Q("size", (1280, 720), "1280x720"), Q("size", (720, 1280), "720x1280"))),
        n.ModelPrice(Q("money", 0.5, "$0.50"), N("s"), (Q("size", (1792, 1024), "1792x1024"),)),
        n.ModelPrice(Q("money", 0.1, "$0.10"), None, ()),
        n.ModelFlag("audio", N("yes")),
        n.ModelFlag("reference", N("no")),
        n.ModelMaxCharacters(Q("integer", 2, "2")),
        n.ModelRetired(S("2026-09-24")),
        n.ModelNotes(S("the high-fidelity model with audio")),
        P("a line of prose"),
    ))


def test_defaults():
    (defaults,) = decls('''
        defaults:
            model sora-2
            size 1280x720
            duration 8s
            camera:
                rig tripod
    ''')
    assert defaults == n.DefaultsDecl((
        n.ModelStmt(N("sora-2")),
        n.SizeStmt(Q("size", (1280, 720), "1280x720")),
        n.DurationStmt(D("8s")),
        n.Camera((n.Rig(N("tripod"), None),)),
    ))


def test_palette():
    (palette,) = decls('''
        palette neon_diner:
            crimson #b3122e "red neon"
            cobalt  #1F4FD1 "blue" "neon"
            amber   #f2a33a
            haze "no hex, only words"
            "prose about the palette"
    ''')
    assert palette == n.PaletteDecl(N("neon_diner"), (
        n.Anchor(N("crimson"), Q("color", "#b3122e", "#b3122e"), S("red neon")),
        n.Anchor(N("cobalt"), Q("color", "#1f4fd1", "#1F4FD1"), S("blue neon")),
        n.Anchor(N("amber"), Q("color", "#f2a33a", "#f2a33a"), None),
        n.Anchor(N("haze"), None, S("no hex, only words")),
        P("prose about the palette"),
    ))


def test_character():
    (character,) = decls('''
        character mara:
            "woman in her 30s, dark bob haircut"
            "green raincoat"
            voice "low, calm"
            wardrobe "green raincoat, black boots"
            cameo "mara.mp4"
    ''')
    assert character == n.CharacterDecl(N("mara"), None, (
        P("woman in her 30s, dark bob haircut"),
        P("green raincoat"),
        n.Voice(S("low, calm")),
        n.Wardrobe(S("green raincoat, black boots")),
        n.Cameo(S("mara.mp4")),
    ))


def test_prop():
    assert decls('prop mug:\n    "a chipped white diner mug"\n    "steam rising"\n') == (
        n.PropDecl(N("mug"), None, (P("a chipped white diner mug"), P("steam rising"))),
    )


def test_location():
    (location,) = decls('''
        location diner:
            "a 1950s diner booth"
            time "night"
            weather "heavy rain"
    ''')
    assert location == n.LocationDecl(N("diner"), (P("a 1950s diner booth"), n.LocationTime(S("night")),
                                                   n.LocationWeather(S("heavy rain"))))


def test_style_with_blend_grade_and_film():
    (style,) = decls('''
        style noir:
            "neo-noir, hard shadows"
            blend 70% "photorealistic", 30% "anime"
            grade:
                highlights "warm amber"
                midtones "neutral"
                blacks "crushed, slightly blue"
                "prose in a grade"
            film "Kodak Vision3 500T"
    ''')
    assert style == n.StyleDecl(N("noir"), (
        P("neo-noir, hard shadows"),
        n.Blend((n.BlendPart(Q("percent", 70, "70%"), S("photorealistic")), n.BlendPart(Q("percent", 30, "30%"), S("anime")))),
        n.Grade((n.GradeLine(N("highlights"), S("warm amber")), n.GradeLine(N("midtones"), S("neutral")),
                 n.GradeLine(N("blacks"), S("crushed, slightly blue")), P("prose in a grade"))),
        n.Film(S("Kodak Vision3 500T")),
    ))


def test_lens_preset_declaration():
    (lens,) = decls('''
        lens portrait:
            85mm f/1.8 "flattering compression"
            50mm
            "prose"
    ''')
    assert lens == n.LensDecl(N("portrait"), (
        n.LensSpec(Q("focal", 85, "85mm"), Q("aperture", 1.8, "f/1.8"), S("flattering compression")),
        n.LensSpec(Q("focal", 50, "50mm"), None, None),
        P("prose"),
    ))


def test_shot_and_shot_from_base():
    assert decls('shot a:\n    "x"\nshot b from a:\n    "y"\n') == (
        n.ShotDecl(N("a"), None, (P("x"),)),
        n.ShotDecl(N("b"), N("a"), (P("y"),)),
    )


def test_sequence_with_transitions_and_continuity():
    (sequence,) = decls('''
        sequence film:
            opening crossfade 0.5s, confession fade 1s
            exit cut
            coda
            continuity "same green raincoat"
            "prose"
    ''')
    assert sequence == n.SequenceDecl(N("film"), (
        n.SequenceEntry(N("opening"), N("crossfade"), D("0.5s")),
        n.SequenceEntry(N("confession"), N("fade"), D("1s")),
        n.SequenceEntry(N("exit"), N("cut"), None),
        n.SequenceEntry(N("coda"), None, None),
        n.Continuity(S("same green raincoat")),
        P("prose"),
    ))


def test_remix_with_keep():
    (remix,) = decls('''
        remix daylight of confession:
            "make it a sunny morning"
            keep "the framing"
            keep "Mara's raincoat" "and her haircut"
    ''')
    assert remix == n.RemixDecl(N("daylight"), N("confession"), (
        P("make it a sunny morning"), n.Keep(S("the framing")), n.Keep(S("Mara's raincoat and her haircut")),
    ))


def test_extend():
    (extend,) = decls('extend after of confession by 4s:\n    "she walks out into the rain"\n')
    assert extend == n.ExtendDecl(N("after"), N("confession"), D("4s"), (P("she walks out into the rain"),))


def test_declarations_keep_file_order():
    kinds = [type(d).__name__ for d in decls('''
        import "std/lenses"
        budget $5
        character mara:
            "x"
        shot a:
            "y"
        sequence film:
            a
    ''')]
    assert kinds == ["Import", "Budget", "CharacterDecl", "ShotDecl", "SequenceDecl"]


# ---- shot statements -------------------------------------------------------------------

SHOT_STATEMENTS = [
    ("model sora-2-pro", n.ModelStmt(N("sora-2-pro"))),
    ("size 1280x720", n.SizeStmt(Q("size", (1280, 720), "1280x720"))),
    ("duration 8s", n.DurationStmt(D("8s"))),
    ('"Close-up of Mara."', P("Close-up of Mara.")),
    ('"one sentence" "and another"', P("one sentence and another")),
    ('setting "a diner booth at night"', n.Setting(S("a diner booth at night"), None)),
    ("setting diner", n.Setting(None, N("diner"))),
    ("cast mara", n.Cast((N("mara"),))),
    ("cast mara, theo, key", n.Cast((N("mara"), N("theo"), N("key")))),
    ("props mug, cut", n.Props((N("mug"), N("cut")))),
    ('mood "tense, quiet"', n.Mood(S("tense, quiet"))),
    ('physics "rain falls straight down"', n.Physics(S("rain falls straight down"))),
    ('avoid "text on signs" "logos"', n.Avoid(S("text on signs logos"))),
    ("palette neon_diner", n.PaletteRef(N("neon_diner"))),
    ("style noir", n.StyleRef(N("noir"))),
    ('style "neo-noir, fine grain"', n.StyleText(S("neo-noir, fine grain"))),
    ('reference "frames/first.png"', n.ReferenceFile(S("frames/first.png"))),
    ("reference last frame of opening", n.ReferenceLastFrame(N("opening"))),
    ('atmosphere "haze and drifting dust"', n.Atmosphere(S("haze and drifting dust"))),
    ("speed 0.25x", n.Speed(Q("factor", 0.25, "0.25x"))),
    ('overlay "CHAPTER ONE"', n.Overlay(S("CHAPTER ONE"), None, None, False, ())),
    ('overlay "CHAPTER ONE" bottom-left', n.Overlay(S("CHAPTER ONE"), N("bottom-left"), None, False, ())),
    ('overlay "CHAPTER ONE" top 0s..2s', n.Overlay(S("CHAPTER ONE"), N("top"), R("0s", "2s"), False, ())),
    ('overlay "CHAPTER ONE" 1s..3s center', n.Overlay(S("CHAPTER ONE"), N("center"), R("1s", "3s"), False, ())),
    ('overlay "OPEN" at 2s', n.Overlay(S("OPEN"), None, AT("2s"), False, ())),
    ('overlay "EXIT" in-frame', n.Overlay(S("EXIT"), None, None, True, ())),
    ('overlay "EXIT" top-right 0..2s in-frame', n.Overlay(S("EXIT"), N("top-right"), n.TimeRange(Q("duration", 0, "0"), D("2s")), True, ())),
    ("loop short", n.Loop(N("short"))),
    ("takes 3", n.Takes(Q("integer", 3, "3"))),
]


@pytest.mark.parametrize("line, expected", SHOT_STATEMENTS, ids=[s for s, _ in SHOT_STATEMENTS])
def test_shot_statement(line, expected):
    assert shot_body(line + "\n") == (expected,)


def test_overlay_zero_start_shorthand_keeps_its_text():
    (overlay,) = shot_body('overlay "EXIT" 0..2s\n')
    assert overlay.timing.start == Q("duration", 0, "0")


def test_variant():
    assert shot_body('''
        duration 4s
        variant night:
            "the same booth at 3am"
            setting diner
            camera:
                framing wide
    ''') == (
        n.DurationStmt(D("4s")),
        n.Variant(N("night"), (P("the same booth at 3am"), n.Setting(None, N("diner")),
                               n.Camera((n.Framing(N("wide")),)))),
    )


def test_palette_and_style_blocks():
    assert shot_body('''
        palette:
            crimson #b3122e "red neon"
            "prose"
        style:
            "grainy 16mm"
            blend 50% "live action", 50% "stop motion"
            grade:
                highlights "warm"
            film "16mm reversal"
    ''') == (
        n.PaletteBlock((n.Anchor(N("crimson"), Q("color", "#b3122e", "#b3122e"), S("red neon")), P("prose"))),
        n.StyleBlock((
            P("grainy 16mm"),
            n.Blend((n.BlendPart(Q("percent", 50, "50%"), S("live action")), n.BlendPart(Q("percent", 50, "50%"), S("stop motion")))),
            n.Grade((n.GradeLine(N("highlights"), S("warm")),)),
            n.Film(S("16mm reversal")),
        )),
    )


# ---- camera -----------------------------------------------------------------------------

CAMERA_ITEMS = [
    ("framing medium-close-up", n.Framing(N("medium-close-up"))),
    ("angle low", n.Angle(N("low"), None)),
    ("angle dutch 15deg", n.Angle(N("dutch"), Q("angle", 15, "15deg"))),
    ("angle 30°", n.Angle(None, Q("angle", 30, "30°"))),
    ("lens 50mm", n.Lens(Q("focal", 50, "50mm"), None, None)),
    ("lens 50mm f/2.0", n.Lens(Q("focal", 50, "50mm"), Q("aperture", 2.0, "f/2.0"), None)),
    ('lens 85mm f/1.4 "creamy bokeh"', n.Lens(Q("focal", 85, "85mm"), Q("aperture", 1.4, "f/1.4"), S("creamy bokeh"))),
    ('lens 24mm "slight barrel distortion"', n.Lens(Q("focal", 24, "24mm"), None, S("slight barrel distortion"))),
    ("lens portrait", n.LensPreset(N("portrait"))),
    ("aperture f/2.8", n.Aperture(Q("aperture", 2.8, "f/2.8"))),
    ("rig handheld", n.Rig(N("handheld"), None)),
    ('rig handheld "subtle drift"', n.Rig(N("handheld"), S("subtle drift"))),
    ("shutter 180deg", n.Shutter(Q("angle", 180, "180deg"))),
    ("fps 24fps", n.Fps(Q("framerate", 24, "24fps"))),
    ('filter "black pro-mist 1/4"', n.Filter(S("black pro-mist 1/4"))),
    ('body "ARRI Alexa 35"', n.Body(S("ARRI Alexa 35"))),
    ("focus shallow", n.Focus(N("shallow"), None, None)),
    ('focus deep "everything sharp"', n.Focus(N("deep"), None, S("everything sharp"))),
    ("focus on mara", n.Focus(None, N("mara"), None)),
    ('focus on "the coffee cup"', n.Focus(None, S("the coffee cup"), None)),
    ('"prose in a camera block"', P("prose in a camera block")),
]


@pytest.mark.parametrize("line, expected", CAMERA_ITEMS, ids=[s for s, _ in CAMERA_ITEMS])
def test_camera_statement(line, expected):
    assert block_items("camera", line + "\n") == (expected,)


MOVES = [
    ("pan left", move("pan", "left")),
    ("pan right 30deg over 2s", move("pan", "right", Q("angle", 30, "30deg"), "2s")),
    ("tilt up 60° over 4s \"revealing Earth\"", move("tilt", "up", Q("angle", 60, "60°"), "4s", qualifier="revealing Earth")),
    ("tilt down", move("tilt", "down")),
    ("roll left 10deg", move("roll", "left", Q("angle", 10, "10deg"))),
    ("roll right over 1s", move("roll", "right", over="1s")),
    ("orbit 90deg over 3s", move("orbit", None, Q("angle", 90, "90deg"), "3s")),
    ("orbit left", move("orbit", "left")),
    ("orbit right 180deg", move("orbit", "right", Q("angle", 180, "180deg"))),
    ("push in", move("push", "in")),
    ("push in from medium to close-up over 2s", move("push", "in", over="2s", from_="medium", to="close-up")),
    ("pull out from close-up to wide", move("pull", "out", from_="close-up", to="wide")),
    ("pull out over 3s", move("pull", "out", over="3s")),
    ("truck left", move("truck", "left")),
    ("truck right over 1s", move("truck", "right", over="1s")),
    ("crane up", move("crane", "up")),
    ("crane down over 2s \"to street level\"", move("crane", "down", over="2s", qualifier="to street level")),
    ("zoom in 2x over 1s", move("zoom", "in", Q("factor", 2, "2x"), "1s")),
    ("zoom out", move("zoom", "out")),
    ('track "the runner" over 3s', move("track", over="3s", subject="the runner")),
    ('track "the runner" "low to the ground"', move("track", subject="the runner", qualifier="low to the ground")),
    ('rack-focus "to the door" over 500ms', move("rack-focus", over="500ms", subject="to the door")),
    ("hold", move("hold")),
    ("hold over 1s", move("hold", over="1s")),
    ("0s..2s pan left 30deg", move("pan", "left", Q("angle", 30, "30deg"), timing=R("0s", "2s"))),
    ("0s..6s push in from medium-close-up to close-up", move("push", "in", timing=R("0s", "6s"), from_="medium-close-up", to="close-up")),
    ("2s..4s tilt up 20deg over 2s", move("tilt", "up", Q("angle", 20, "20deg"), "2s", timing=R("2s", "4s"))),
    ("at 2s crane up over 1s", move("crane", "up", over="1s", timing=AT("2s"))),
    ("at 1.5s hold", move("hold", timing=AT("1.5s"))),
    ("0..2s hold", move("hold", timing=n.TimeRange(Q("duration", 0, "0"), D("2s")))),
]


@pytest.mark.parametrize("line, expected", MOVES, ids=[s for s, _ in MOVES])
def test_camera_move(line, expected):
    assert block_items("camera", line + "\n") == (expected,)


def test_camera_block_keeps_order():
    items = block_items("camera", '''
        framing close-up
        "handheld, intimate"
        pan left
        lens 50mm
    ''')
    assert [type(i).__name__ for i in items] == ["Framing", "Prose", "Move", "Lens"]


# ---- lighting and layers --------------------------------------------------------------------

LIGHTS = [
    ('key "red neon"', light("key", "red neon")),
    ('key "red neon" from camera-right', light("key", "red neon", "camera-right")),
    ('fill "blue neon" from camera-left 5600K', light("fill", "blue neon", "camera-left", Q("temperature", 5600, "5600K"))),
    ('rim "hard edge" from behind crimson', light("rim", "hard edge", "behind", anchor="crimson")),
    ('back "halo" 3200K from above amber', light("back", "halo", "above", Q("temperature", 3200, "3200K"), "amber")),
    ('practical "overhead diner lamp" 3200K', light("practical", "overhead diner lamp", temperature=Q("temperature", 3200, "3200K"))),
    ('ambient "city glow"', light("ambient", "city glow")),
    ('bounce "off the tabletop" from below', light("bounce", "off the tabletop", "below")),
    ('negative "black flag" from frame-left', light("negative", "black flag", "frame-left")),
    ("key from camera-left", light("key", None, "camera-left")),
    ('key "one" "two"', light("key", "one two")),
    ("quality soft", n.Quality(N("soft"))),
    ("quality hard", n.Quality(N("hard"))),
    ("quality diffuse", n.Quality(N("diffuse"))),
    ('"prose in lighting"', P("prose in lighting")),
]


@pytest.mark.parametrize("line, expected", LIGHTS, ids=[s for s, _ in LIGHTS])
def test_lighting_line(line, expected):
    assert block_items("lighting", line + "\n") == (expected,)


def test_layers():
    assert block_items("layers", '''
        foreground "rain streaks on the window"
        midground "Mara in the booth"
        background "the neon street" "blurred"
        "prose in layers"
    ''') == (
        n.Layer(N("foreground"), S("rain streaks on the window")),
        n.Layer(N("midground"), S("Mara in the booth")),
        n.Layer(N("background"), S("the neon street blurred")),
        P("prose in layers"),
    )


# ---- beats, dialogue, sound -----------------------------------------------------------------------


def test_timed_beats():
    assert block_items("beats", '''
        0s..2s "Mara stares at her cup"
        2s..4s "She looks up" "toward the camera"
        4s..6.5s "A small smile"
        0..1s "the shorthand"
    ''') == (
        n.Beat(R("0s", "2s"), S("Mara stares at her cup")),
        n.Beat(R("2s", "4s"), S("She looks up toward the camera")),
        n.Beat(R("4s", "6.5s"), S("A small smile")),
        n.Beat(n.TimeRange(Q("duration", 0, "0"), D("1s")), S("the shorthand")),
    )


def test_untimed_beats_interleave_dialogue_and_sound():
    assert block_items("beats", '''
        "Mara sits down"
        mara (quietly): "Coffee."
        sfx "cup on saucer"
        "Theo slides into the booth"
        at 3s cue "thunder"
        pause 1s
        theo: "You came back."
    ''') == (
        n.Beat(None, S("Mara sits down")),
        n.Line(None, N("mara"), S("quietly"), S("Coffee.")),
        n.SoundLine(None, "sfx", S("cup on saucer")),
        n.Beat(None, S("Theo slides into the booth")),
        n.SoundLine(AT("3s"), "cue", S("thunder")),
        n.Pause(D("1s")),
        n.Line(None, N("theo"), None, S("You came back.")),
    )


def test_dialogue():
    assert block_items("dialogue", '''
        mara (quietly): "I knew you'd come back."
        pause 1s
        mara (whispered): "You always do."
        pause
        at 5s theo: "Always."
        narrator: "Later." "Much later."
        voiceover (calm, "almost amused", to herself): "Fine."
        "prose in dialogue"
    ''') == (
        n.Line(None, N("mara"), S("quietly"), S("I knew you'd come back.")),
        n.Pause(D("1s")),
        n.Line(None, N("mara"), S("whispered"), S("You always do.")),
        n.Pause(None),
        n.Line(AT("5s"), N("theo"), None, S("Always.")),
        n.Line(None, N("narrator"), None, S("Later. Much later.")),
        n.Line(None, N("voiceover"), S("calm, almost amused, to herself"), S("Fine.")),
        P("prose in dialogue"),
    )


@pytest.mark.parametrize("delivery, expected", [
    ("(quietly)", "quietly"),
    ("(half-laughing)", "half-laughing"),
    ("(to herself)", "to herself"),
    ("(quietly, then louder)", "quietly, then louder"),
    ("(at the door, from afar)", "at the door, from afar"),
    ('("in French")', "in French"),
])
def test_dialogue_parentheticals(delivery, expected):
    (line,) = block_items("dialogue", f'mara {delivery}: "Bonsoir."\n')
    assert line == n.Line(None, N("mara"), S(expected), S("Bonsoir."))


def test_sound():
    assert block_items("sound", '''
        ambient "diner murmur, rain on the window"
        sfx "a cup set on a saucer"
        at 1s sfx "the door bell"
        music "slow piano"
        cue "thunder"
        at 2.5s cue "a car passing"
        0s..1s sfx "a long creak"
        "prose in sound"
    ''') == (
        n.SoundLine(None, "ambient", S("diner murmur, rain on the window")),
        n.SoundLine(None, "sfx", S("a cup set on a saucer")),
        n.SoundLine(AT("1s"), "sfx", S("the door bell")),
        n.SoundLine(None, "music", S("slow piano")),
        n.SoundLine(None, "cue", S("thunder")),
        n.SoundLine(AT("2.5s"), "cue", S("a car passing")),
        n.SoundLine(R("0s", "1s"), "sfx", S("a long creak")),
        P("prose in sound"),
    )


# ---- cuts -----------------------------------------------------------------------------------------


def test_cut_blocks_with_every_sub_statement():
    stmts = shot_body('''
        duration 8s
        cut 0s..3s "Wide":
            "The diner from across the street"
            setting "the street outside"
            atmosphere "rain"
            layers:
                foreground "puddles"
            camera:
                framing wide
                pan left 10deg
            lighting:
                key "street lamps" from above
            beats:
                0s..3s "A bus passes"
            dialogue:
                narrator: "Midnight."
            sound:
                ambient "traffic"
            overlay "MIDNIGHT" bottom 0s..2s
            speed 0.5x
            mood "lonely"
        cut 3s..8s:
            setting diner
            "Inside, Mara waits"
    ''')
    assert stmts == (
        n.DurationStmt(D("8s")),
        n.Cut(R("0s", "3s"), S("Wide"), (
            P("The diner from across the street"),
            n.Setting(S("the street outside"), None),
            n.Atmosphere(S("rain")),
            n.Layers((n.Layer(N("foreground"), S("puddles")),)),
            n.Camera((n.Framing(N("wide")), move("pan", "left", Q("angle", 10, "10deg")))),
            n.Lighting((light("key", "street lamps", "above"),)),
            n.Beats((n.Beat(R("0s", "3s"), S("A bus passes")),)),
            n.Dialogue((n.Line(None, N("narrator"), None, S("Midnight.")),)),
            n.Sound((n.SoundLine(None, "ambient", S("traffic")),)),
            n.Overlay(S("MIDNIGHT"), N("bottom"), R("0s", "2s"), False, ()),
            n.Speed(Q("factor", 0.5, "0.5x")),
            n.Mood(S("lonely")),
        )),
        n.Cut(R("3s", "8s"), None, (n.Setting(None, N("diner")), P("Inside, Mara waits"))),
    )


def test_cut_with_shorthand_range():
    (cut,) = shot_body('cut 0..2.4s "Opening":\n    "x"\n')
    assert cut.timing == n.TimeRange(Q("duration", 0, "0"), D("2.4s"))


# ---- prose lines in every block ----------------------------------------------------------------

PROSE_BLOCKS = [
    "model m:\n    {p}\n",
    "defaults:\n    {p}\n",
    "palette p:\n    {p}\n",
    "character c:\n    {p}\n",
    "prop p:\n    {p}\n",
    "location l:\n    {p}\n",
    "style s:\n    {p}\n",
    "style s:\n    grade:\n        {p}\n",
    "lens l:\n    {p}\n",
    "shot s:\n    {p}\n",
    "sequence q:\n    {p}\n",
    "remix r of s:\n    {p}\n",
    "extend e of s by 4s:\n    {p}\n",
    "shot s:\n    camera:\n        {p}\n",
    "shot s:\n    lighting:\n        {p}\n",
    "shot s:\n    layers:\n        {p}\n",
    "shot s:\n    dialogue:\n        {p}\n",
    "shot s:\n    sound:\n        {p}\n",
    "shot s:\n    palette:\n        {p}\n",
    "shot s:\n    style:\n        {p}\n",
    "shot s:\n    style:\n        grade:\n            {p}\n",
    "shot s:\n    variant v:\n        {p}\n",
    "shot s:\n    cut 0s..2s:\n        {p}\n",
    "shot s:\n    cut 0s..2s:\n        camera:\n            {p}\n",
]


def _innermost_items(node):
    while True:
        items = getattr(node, "items", None) or getattr(node, "stmts", None)
        if items is None:
            return None
        if len(items) == 1 and isinstance(items[0], (ast.Grade, ast.Camera, ast.Lighting, ast.Layers, ast.Dialogue,
                                                     ast.Sound, ast.PaletteBlock, ast.StyleBlock, ast.Variant, ast.Cut)):
            node = items[0]
            continue
        return items


@pytest.mark.parametrize("template", PROSE_BLOCKS,
                         ids=[" > ".join(line.strip() for line in t.splitlines()[:-1]) for t in PROSE_BLOCKS])
def test_prose_in_every_block(template):
    (decl,) = decls(template.format(p='"free prose" "two strings"'))
    assert _innermost_items(decl) == (P("free prose two strings"),)


def test_prose_in_beats_is_an_untimed_beat():
    assert block_items("beats", '"free prose"\n') == (n.Beat(None, S("free prose")),)


def test_consecutive_prose_lines_stay_separate_statements():
    assert shot_body('"first line"\n"second line"\n') == (P("first line"), P("second line"))


# ---- quantities -------------------------------------------------------------------------------

QUANTITIES = [
    ("30°", "angle", 30, float),
    ("30deg", "angle", 30, float),
    ("12.5deg", "angle", 12.5, float),
    ("50mm", "focal", 50, int),
    ("f/2.8", "aperture", 2.8, float),
    ("f/4", "aperture", 4.0, float),
    ("5600K", "temperature", 5600, int),
    ("70%", "percent", 70, float),
    ("24fps", "framerate", 24, float),
    ("23.976fps", "framerate", 23.976, float),
    ("2x", "factor", 2, float),
    ("0.25x", "factor", 0.25, float),
    ("$0.10", "money", 0.1, float),
    ("$20", "money", 20, float),
    ("1280x720", "size", (1280, 720), tuple),
    ("#f2a33a", "color", "#f2a33a", str),
    ("#F2A33A", "color", "#f2a33a", str),
    ("3", "integer", 3, int),
    ("0", "integer", 0, int),
    ("4s", "duration", 4000, int),
    ("1.5s", "duration", 1500, int),
    ("0.5s", "duration", 500, int),
    ("500ms", "duration", 500, int),
    ("0s", "duration", 0, int),
]


@pytest.mark.parametrize("text, kind, value, type_", QUANTITIES, ids=[q[0] for q in QUANTITIES])
def test_quantity(text, kind, value, type_):
    # `takes` takes any quantity: which unit a slot wants is the checker's business.
    (takes,) = shot_body(f"takes {text}\n")
    quantity = takes.count
    assert quantity == Q(kind, value, text)
    assert type(quantity.value) is type_


def test_any_quantity_parses_in_any_quantity_slot():
    # A duration where an angle belongs is a unit error (E3xx) for the checker, not a syntax error.
    assert block_items("camera", "pan left 2s\n") == (move("pan", "left", D("2s")),)
    assert shot_body("duration 30deg\n") == (n.DurationStmt(Q("angle", 30, "30deg")),)


@pytest.mark.parametrize("text, start", [("0..2s", ("duration", 0, "0")), ("1..2s", ("duration", 1000, "1")),
                                         ("0..500ms", ("duration", 0, "0")), ("1.5..3s", ("duration", 1500, "1.5"))])
def test_range_shorthand_takes_the_end_unit(text, start):
    (beat,) = block_items("beats", f'{text} "x"\n')
    assert beat.timing.start == Q(*start)
    assert type(beat.timing.start.value) is int


# ---- strings --------------------------------------------------------------------------------------


@pytest.mark.parametrize("literal, value", [
    (r'"plain"', "plain"),
    (r'"say \"hi\""', 'say "hi"'),
    (r'"back\\slash"', "back\\slash"),
    (r'"two\nlines"', "two\nlines"),
    (r'"tab\there"', "tab\there"),
    (r'"\\n stays literal"', "\\n stays literal"),
    (r'""', ""),
    ('"café — 30°"', "café — 30°"),
    ('"http://example.com/a"', "http://example.com/a"),
])
def test_string_escapes(literal, value):
    assert shot_body(literal + "\n") == (P(value),)


def test_triple_quoted_string_is_dedented():
    module = parse_ok(
        'shot s:\n'
        '    """\n'
        '        She waits.\n'
        '          (a long pause)\n'
        '\n'
        '        Then she stands.\n'
        '    """\n'
        '    "after"\n'
    )
    assert module.decls[0].stmts == (P("She waits.\n  (a long pause)\n\nThen she stands."), P("after"))


def test_triple_quoted_string_on_one_line_and_with_quotes_inside():
    assert shot_body('"""one line"""\n') == (P("one line"),)
    assert shot_body('"""she says "no" twice"""\n') == (P('she says "no" twice'),)
    assert shot_body('"""escaped \\"""" \n') == (P('escaped "'),)


def test_triple_quoted_string_keeps_comment_markers():
    assert shot_body('"""\n// not a comment\n"""\n') == (P("// not a comment"),)


# ---- comments, blank lines, line endings ------------------------------------------------------------

COMMENTED = (
    "// file header\n"
    "shot s: // after a header\n"
    "    // own line in a block\n"
    "\n"
    '    "see http://example.com" // trailing\n'
    "    camera:\n"
    "// at column one inside a block\n"
    "        framing wide //no space\n"
    "  // odd indentation is ignored\n"
    '    "x"\n'
    "// last line without newline"
)


def test_comments_anywhere():
    module = parse_ok(COMMENTED)
    assert module.decls == (n.ShotDecl(N("s"), None, (P("see http://example.com"), n.Camera((n.Framing(N("wide")),)), P("x"))),)
    found = [(c.text, c.span.line, c.span.column) for c in module.comments]
    assert found == [
        (" file header", 1, 1),
        (" after a header", 2, 9),
        (" own line in a block", 3, 5),
        (" trailing", 5, 30),
        (" at column one inside a block", 7, 1),
        ("no space", 8, 22),
        (" odd indentation is ignored", 9, 3),
        (" last line without newline", 11, 1),
    ]
    for comment in module.comments:
        assert COMMENTED[comment.span.start:comment.span.end] == "//" + comment.text
        assert comment.span.end_line == comment.span.line
        assert comment.span.end_column == comment.span.column + len(comment.text) + 2


def test_comment_only_and_empty_files():
    module = parse_ok("// nothing but\n// comments\n")
    assert module.decls == ()
    assert [c.text for c in module.comments] == [" nothing but", " comments"]
    assert parse_ok("").decls == ()
    assert parse_ok("\n\n   \n").decls == ()


def test_blank_lines_never_affect_indentation():
    spaced = parse_ok('\n\nshot s:\n\n    "a"\n        \n\n    camera:\n\n        framing wide\n  \n    "b"\n\n\n')
    tight = parse_ok('shot s:\n    "a"\n    camera:\n        framing wide\n    "b"\n')
    assert spaced == tight


def test_tabs_on_blank_and_comment_lines_and_after_code_are_not_indentation():
    module = parse_ok('shot s:\n    "x"\t\n\t\n\t// c\n    "y"\n')
    assert module.decls[0].stmts == (P("x"), P("y"))
    assert [c.text for c in module.comments] == [" c"]


def test_missing_final_newline():
    assert parse_ok('shot s:\n    "a"') == parse_ok('shot s:\n    "a"\n')


def test_crlf_gives_the_same_ast_as_lf():
    with open(_example_path(), encoding="utf-8") as handle:
        lf = handle.read()
    lf += 'shot t:\n    """\n    two\n      lines\n    """ // c\n'
    crlf = lf.replace("\n", "\r\n")
    lf_module, lf_diagnostics = parse_text(lf)
    crlf_module, crlf_diagnostics = parse_text(crlf)
    assert lf_diagnostics == crlf_diagnostics == []
    assert crlf_module == lf_module
    assert crlf_module.decls[-1].stmts[0] == P("two\n  lines")
    assert [c.text for c in crlf_module.comments] == [c.text for c in lf_module.comments] == [" c"]
    assert [(c.span.line, c.span.column) for c in crlf_module.comments] == [(c.span.line, c.span.column) for c in lf_module.comments]


def test_indentation_width_is_the_writers_choice():
    two = parse_ok('shot s:\n  camera:\n    framing wide\n  "x"\n')
    four = parse_ok('shot s:\n    camera:\n        framing wide\n    "x"\n')
    assert two == four


def _example_path():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "examples" / "neon_diner.shot"


def test_the_example_file_parses_cleanly():
    module, diagnostics = parse_text(_example_path().read_text(encoding="utf-8"), "neon_diner.shot")
    assert diagnostics == []
    assert [type(d).__name__ for d in module.decls] == ["Import", "CharacterDecl", "PaletteDecl", "ShotDecl"]
    shot = module.decls[-1]
    assert [type(s).__name__ for s in shot.stmts] == [
        "ModelStmt", "SizeStmt", "DurationStmt", "Setting", "Prose", "Cast", "Camera", "Lighting", "PaletteRef",
        "Beats", "Dialogue", "Sound", "StyleText", "Mood",
    ]


def test_parsing_twice_gives_equal_asts():
    text = _example_path().read_text(encoding="utf-8")
    assert parse_text(text)[0] == parse_text(text)[0]
    # Equality ignores spans: the same declaration lower in a file is equal.
    assert parse_text("\n\n\n" + text)[0].decls == parse_text(text)[0].decls


# ---- keywords as names ---------------------------------------------------------------------------


def test_keywords_stay_usable_as_names():
    module = parse_ok('''
        character key:
            "the night manager"
        shot cut:
            cast key
            "x"
        shot model from cut:
            lighting:
                key "desk lamp"
            dialogue:
                key (flatly): "We're closed."
        sequence sequence:
            cut crossfade 1s, model
        palette palette:
            shot #000000 "black"
            cut #ffffff "white"
            at #888888 "grey"
    ''')
    character, first, second, sequence, palette = module.decls
    assert character.name == N("key")
    assert first == n.ShotDecl(N("cut"), None, (n.Cast((N("key"),)), P("x")))
    assert second == n.ShotDecl(N("model"), N("cut"), (
        n.Lighting((light("key", "desk lamp"),)),
        n.Dialogue((n.Line(None, N("key"), S("flatly"), S("We're closed.")),)),
    ))
    assert sequence.items == (n.SequenceEntry(N("cut"), N("crossfade"), D("1s")), n.SequenceEntry(N("model"), None, None))
    assert [a.name for a in palette.items] == [N("shot"), N("cut"), N("at")]


@pytest.mark.parametrize("text, expected", [
    ('shot s:\n    lighting:\n        "moonlight"\n        ambient "city glow"\n',
     n.Lighting((P("moonlight"), light("ambient", "city glow")))),
    ('shot s:\n    palette:\n        "night"\n        cut #ffffff "white"\n',
     n.PaletteBlock((P("night"), n.Anchor(N("cut"), Q("color", "#ffffff", "#ffffff"), S("white"))))),
    ('shot s:\n    dialogue:\n        "quietly"\n        cut: "Enough."\n',
     n.Dialogue((P("quietly"), n.Line(None, N("cut"), None, S("Enough."))))),
    ('shot s:\n    beats:\n        "she sits"\n        style: "Hi."\n',
     n.Beats((n.Beat(None, S("she sits")), n.Line(None, N("style"), None, S("Hi."))))),
    ('shot s:\n    layers:\n        "depth"\n        camera "x"\n', n.Layers((P("depth"), n.Layer(N("camera"), S("x"))))),
    ('shot s:\n    camera:\n        "slow"\n        sound left\n', n.Camera((P("slow"), move("sound", "left")))),
])
def test_a_line_starting_with_a_keyword_of_another_block_after_prose(text, expected):
    # LALR merges the states of a rule shared by many blocks; prose has a rule
    # per block so the word after a prose line is read with its own block's keywords.
    (shot,) = parse_ok(text).decls
    assert shot.stmts == (expected,)


def test_sequence_entry_named_like_a_keyword_after_prose():
    (sequence,) = decls('sequence film:\n    "night"\n    cut fade 1s\n')
    assert sequence.items == (P("night"), n.SequenceEntry(N("cut"), N("fade"), D("1s")))


@pytest.mark.parametrize("name", ["mara", "sora-2-pro", "medium-close-up", "x_1", "_draft", "zoé", "ana-maría", "Théo2"])
def test_names(name):
    assert shot_body(f"cast {name}\n") == (n.Cast((N(name),)),)


@pytest.mark.parametrize("text", ["cast a--b\n", "cast a-\n", "cast -a\n", "cast 2a\n"])
def test_not_names(text):
    assert codes("shot s:\n    " + text)


def test_statement_words_as_names_in_other_slots():
    assert shot_body('''
        setting camera
        cast model, duration
        palette style
        camera:
            focus on lens
            lens camera
            rig dialogue
    ''') == (
        n.Setting(None, N("camera")),
        n.Cast((N("model"), N("duration"))),
        n.PaletteRef(N("style")),
        n.Camera((n.Focus(None, N("lens"), None), n.LensPreset(N("camera")), n.Rig(N("dialogue"), None))),
    )


# ---- spans ------------------------------------------------------------------------------------------


def test_spans_are_character_offsets_with_lines_columns_and_byte_offsets():
    text = 'shot café:\n    "crème brûlée" // °\n    camera:\n        pan left 30° over 2s\n'
    module = parse_ok(text)
    data = text.encode("utf-8")
    shot = module.decls[0]
    prose, camera = shot.stmts
    pan = camera.items[0]

    def at(node):
        s = node.span
        assert text[s.start:s.end] == s.text
        byte_start, byte_end = s.source.byte_offset(s.start), s.source.byte_offset(s.end)
        assert data[byte_start:byte_end].decode("utf-8") == s.text
        return (s.line, s.column, s.end_line, s.end_column, s.text)

    assert at(shot.name) == (1, 6, 1, 10, "café")
    assert at(prose) == (2, 5, 2, 19, '"crème brûlée"')
    assert at(prose.text) == (2, 5, 2, 19, '"crème brûlée"')
    assert at(pan) == (4, 9, 4, 29, "pan left 30° over 2s")
    assert at(pan.amount) == (4, 18, 4, 21, "30°")
    assert at(pan.over) == (4, 27, 4, 29, "2s")
    assert at(camera) == (3, 5, 4, 29, "camera:\n        pan left 30° over 2s")
    assert at(shot) == (1, 1, 4, 29, text.rstrip("\n"))
    (comment,) = module.comments
    assert (comment.span.line, comment.span.column) == (2, 20)
    assert comment.span.text == "// °"
    assert comment.span.source.byte_offset(comment.span.start) == text.encode("utf-8").index(b"// \xc2\xb0")


def test_spans_of_moves_and_timings():
    module = parse_ok("shot s:\n    camera:\n        at 3s hold\n        0..2s pan left\n")
    hold, pan = module.decls[0].stmts[0].items
    assert (hold.timing.span.column, hold.timing.span.end_column) == (9, 14)
    assert (hold.span.column, hold.span.end_column) == (9, 19)
    assert (pan.timing.span.column, pan.timing.span.end_column) == (9, 14)
    assert (pan.timing.start.span.column, pan.timing.start.span.end_column) == (9, 10)
    assert (pan.direction.span.column, pan.direction.span.end_column) == (19, 23)


def test_declaration_spans_cover_their_blocks():
    text = "sequence film:\n    a fade 1s, b\n    continuity \"x\"\nshot a:\n    \"y\"\n"
    sequence, shot = parse_ok(text).decls
    assert (sequence.span.line, sequence.span.end_line, sequence.span.end_column) == (1, 3, 19)
    assert (shot.span.line, shot.span.end_line) == (4, 5)
    entry = sequence.items[0]
    assert (entry.span.line, entry.span.column, entry.span.end_column) == (2, 5, 14)


# ---- syntax errors leave the rest of the file parsed -----------------------------------------------


def test_recovery_resumes_at_the_next_declaration():
    module, diagnostics = parse_text(textwrap.dedent('''
        character mara
            "woman"

        shot a:
            "fine"

        shot b:
            duration 4s
            pan left

        palette p:
            red #ff0000 "x" 3

        prop mug:
            "white"
    '''))
    assert [d.code for d in diagnostics] == ["E102", "E107", "E101"]
    assert [d.span.line for d in diagnostics] == [2, 10, 13]
    assert [d.name.text for d in module.decls] == ["a", "mug"]


def test_an_empty_block_is_blamed_on_its_header_and_the_next_declaration_survives():
    module, diagnostics = parse_text("character mara:\nshot b:\n    \"x\"\n")
    assert [(d.code, d.span.line) for d in diagnostics] == [("E106", 1)]
    assert "character mara:" in diagnostics[0].message
    assert [d.name.text for d in module.decls] == ["b"]


def test_an_indented_first_line_is_unexpected_indentation():
    module, diagnostics = parse_text('  shot s:\n    "x"\nshot t:\n    "y"\n')
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("E108", 1, 1)]
    assert [d.name.text for d in module.decls] == ["t"]
    assert parse_text('\n  shot s:\n    "x"\n')[1][0].code == "E108"


@pytest.mark.parametrize("text, code", [
    ("shot s:\n    duration 4sec\n", "E105"),
    ("shot s:\n    size 12.5x720\n", "E110"),
    ("palette p:\n    red #ff00 \"x\"\n", "E110"),
    ('shot s:\n    "a \\q"\n', "E110"),
    ("shot s:\n\t\"x\"\n", "E103"),
])
def test_lexical_problems_keep_the_declaration(text, code):
    module, diagnostics = parse_text(text)
    assert [d.code for d in diagnostics] == [code]
    assert len(module.decls) == 1


def test_lexical_problem_values():
    (takes,) = parse_text("shot s:\n    takes 4sec\n")[0].decls[0].stmts
    assert takes.count == Q("unknown", "4sec", "4sec")
    (takes,) = parse_text("shot s:\n    takes #12345g\n")[0].decls[0].stmts
    assert takes.count == Q("unknown", "#12345g", "#12345g")


def test_source_file_maps_columns_to_utf16_for_the_language_server():
    from sorascript.source import SourceFile

    source = SourceFile("a.shot", 'shot a:\n    "caf\u00e9 \U0001f3ac x"\n')
    line = source.line_text(2)
    column = line.index("x") + 1  # 1-based, in characters
    # the clapperboard emoji is two UTF-16 code units
    assert source.utf16_column(2, column) == column - 1 + 1
