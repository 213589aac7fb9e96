"""Prompt-craft lints (W101-W117): what fires, on exactly which words, and the
near misses that must not. The UI cases in tests/ui/lints/ show the full
diagnostics; these tests pin the matching itself, phrase by phrase. The
craft checks W118-W127 have tests of their own (tests/test_craft.py), and
are left out here so that each case shows only what it is about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sorascript import driver
from sorascript.sema.lints import rules
from sorascript.sema.timing import words

REPO = Path(__file__).resolve().parent.parent

SHOT = """\
shot probe:
    model sora-2
    size 1280x720
    duration 4s
    "{prose}"
    camera:
        framing {framing}
        lens 35mm f/2.8
    lighting:
        key "window light" from camera-left 5600K
        quality soft
    sound:
        ambient "rain on the window"
    style "shot on 35mm film, soft grain, warm teal-orange grade"
"""


CRAFT = {f"W{n}" for n in range(118, 128)}


def lint(tmp_path: Path, text: str) -> list[tuple[str, str, int, int]]:
    """(code, the source words under the span, line, column) of each warning."""
    path = tmp_path / "probe.shot"
    path.write_text(text, encoding="utf-8")
    result = driver.check(path)
    assert result.problem is None, result.problem
    lines = text.splitlines()
    found = []
    for d in result.diagnostics:
        if d.severity == "note" or d.code in CRAFT:
            continue
        assert d.severity == "warning", d
        span = d.span
        words = lines[span.line - 1][span.column - 1:span.end_column - 1] if span.line == span.end_line else None
        found.append((d.code, words, span.line, span.column))
    return found


def prose(tmp_path: Path, words: str, framing: str = "medium") -> list[tuple[str, str]]:
    text = SHOT.format(prose=words.replace('"', '\\"'), framing=framing)
    return [(code, words) for code, words, _, _ in lint(tmp_path, text)]


# ---- firing: (prose, [(code, exact words under the span), ...]) ------------------------

FIRES = [
    # W101 vague descriptors: the guide's own, any case
    ("A beautiful street at night.", [("W101", "beautiful")]),
    ("Make it cinematic.", [("W101", "cinematic")]),
    ("A stunning sunset over the sea.", [("W101", "stunning")]),
    ("An epic battle.", [("W101", "epic")]),
    ("A nice room.", [("W101", "nice")]),
    ("BEAUTIFULLY lit.", [("W101", "BEAUTIFULLY")]),
    ("An amazing, gorgeous view from the bridge.", [("W101", "amazing, gorgeous")]),
    ("A beautiful woman walks down a busy street and smiles at the camera.", [("W101", "beautiful")]),
    ("A high-quality, professional video.", [("W101", "high-quality"), ("W101", "professional")]),
    # W102 impossible physics: the guide's three, inflected
    ("The cup floats through the wall.", [("W102", "floats through the wall")]),
    ("Cup floats through wall.", [("W102", "floats through wall")]),
    ("A person teleports mid-shot.", [("W102", "teleports")]),
    ("She teleported across the room.", [("W102", "teleported")]),
    ("Water flowing upward.", [("W102", "Water flowing upward")]),
    ("The river flows uphill.", [("W102", "river flows uphill")]),
    ("The waterfall runs backwards.", [("W102", "waterfall runs backwards")]),
    ("Rain falling upward into the sky.", [("W102", "Rain falling upward")]),
    ("A ghost walks through the solid brick wall.", [("W102", "walks through the solid brick wall")]),
    ("The coin vanishes into thin air.", [("W102", "vanishes into thin air")]),
    ("He is in two places at once.", [("W102", "is in two places at once")]),
    ("The monk levitates above the mat.", [("W102", "levitates")]),
    # W103 readable text
    ('A neon sign that says "OPEN".', [("W103", "sign that says")]),
    ('A street sign reading "Elm St".', [("W103", "sign reading")]),
    ('The screen reads "ACCESS DENIED".', [("W103", "screen reads")]),
    ("A newspaper headline about the war.", [("W103", "newspaper headline")]),
    ("Captions along the bottom of the frame.", [("W103", "Captions")]),
    ("Gold lettering on the shop window.", [("W103", "lettering")]),
    ('A banner saying "Welcome home".', [("W103", "banner saying")]),
    ("A chalkboard with text on it.", [("W103", "text")]),
    ('A box stamped "FRAGILE".', [("W103", "stamped")]),
    ("A T-shirt that reads NYC.", [("W103", "T-shirt that reads")]),
    # W104 prose asking for a close-up of hands, whatever the framing
    ("Close-up of her hands on the piano keys.", [("W104", "Close-up of her hands")]),
    ("Extreme close-up of fingers turning the key.", [("W104", "Extreme close-up of fingers")]),
    # W105 contradictory traits
    ("A young elderly woman.", [("W105", "young elderly")]),
    ("A bright dark room.", [("W105", "bright dark")]),
    ("An old, young face.", [("W105", "old, young")]),
    ("A YOUNG ELDERLY man.", [("W105", "YOUNG ELDERLY")]),
    # W106 stacked adjectives
    ("A dark, moody, atmospheric and mysterious alley.", [("W106", "dark, moody, atmospheric and mysterious")]),
    # W112 a cut written in prose
    ("A rainy street. Cut to the beach at dawn.", [("W112", "Cut to")]),
    ("Then we see another place.", [("W112", "Then we see another")]),
    ("Smash cut to black.", [("W112", "Smash cut to")]),
    ("The scene changes to a forest.", [("W112", "The scene changes to")]),
    ("Fade to black.", [("W112", "Fade to black")]),
    ("We cut to the kitchen.", [("W112", "We cut to")]),
    ("The next scene shows the harbour.", [("W112", "The next scene")]),
    ("CUT TO: the rooftop.", [("W112", "CUT TO")]),
    ("The camera cuts to the kitchen.", [("W112", "cuts to")]),
    ("Meanwhile, in the kitchen, the kettle boils.", [("W112", "Meanwhile, in")]),
]


@pytest.mark.parametrize("words,expected", FIRES, ids=[f[0] for f in FIRES])
def test_fires_on_exactly_the_offending_words(tmp_path, words, expected):
    assert prose(tmp_path, words) == expected


# ---- near misses: professional prose that must stay quiet ---------------------------------

NEAR_MISSES = [
    # W101
    "cinematic Kodak 50mm, soft film grain",
    "Beautiful 1970s New York rooftop at golden hour.",
    "A stunning view of Mount Fuji at dawn.",
    "Wet asphalt, zebra crosswalk, neon signs reflecting in puddles.",
    "A nice touch of halation on the highlights.",
    "The lighting is cinematic, with a warm teal-orange grade.",
    "Cinematic noir aesthetic.",
    "Documentary aesthetic, slight film grain like old space footage.",
    "Premium skate video, Supreme/Palace aesthetic, high contrast.",
    "The frame is pretty much the same; she looks pretty tired.",
    "Nice, France: the Promenade des Anglais at dawn.",
    "An epic poem lies open on the desk.",
    "A gorgeous emerald gown on a velvet chaise.",
    "The nice old lady from next door, in a floral apron.",
    "A professional chef in whites at a steel counter.",
    # W102
    "A leaf floats on the water.",
    "Water flowing downhill over mossy stones.",
    "He walks through the door into the kitchen.",
    "She walks through the doorway.",
    "Light passes through the window.",
    "The river flows up to the edge of the village.",
    "Water up to his ankles; the fountain shoots water upward.",
    "Smoke drifts upward from the chimney; mist drifts through the trees.",
    "She runs through the park.",
    "A dancer's leap that seems to defy gravity.",
    "Tears run down her cheek; she pours the wine.",
    "The train goes through the tunnel.",
    "He walks through a wall of fog.",
    # W103
    "A hand-painted sign above the door.",
    "A sign of hope in her eyes.",
    "She reads a book by the window.",
    "He reads the letter quietly; she signs it.",
    "A newspaper folded under his arm.",
    "The screen glows blue; the monitor shows a heartbeat line.",
    "He says nothing; she says goodbye.",
    "Fear written on her face.",
    "The headlights sweep across the wall.",
    "A caption-free frame.",
    "The board creaks under his weight.",
    # W104 (medium framing)
    "She folds her hands on the table.",
    "A close-up of her face, lit by the candle.",
    # W105
    "A dark-haired woman in a bright room.",
    "An old man and a young boy.",
    "Warm and cool light.",
    "A bright window in a dark room.",
    "Young at heart, old in years.",
    "The day fades into night.",
    "Hot coffee in a cold kitchen.",
    "At ten years old, young Theo already sails.",
    "An old young-looking house.",
    # W106
    "Soft, warm, golden light.",
    "A quiet, peaceful, lonely morning.",
    # W112
    "The cut on his cheek.",
    "She cuts the rope.",
    "Cut the rope.",
    "The scissors cut the ribbon; she cuts the bread into slices.",
    "A clean-cut young man.",
    "He cuts across the lawn toward the gate.",
    "A short cut through the alley.",
    "The cloth is cut to size.",
    "He cuts to the chase.",
    "The light fades to a pale blue.",
    "The song fades out slowly.",
    "Then we see her smile.",
    "We see her turn toward the window.",
    "She switches the lamp on; he jumps to the ground.",
    "A next-scene-stealing moment.",
    "Meanwhile the kettle boils.",
]


@pytest.mark.parametrize("words", NEAR_MISSES)
def test_near_miss_stays_quiet(tmp_path, words):
    assert prose(tmp_path, words) == []


# ---- W104: hands in a close framing -------------------------------------------------------

@pytest.mark.parametrize("words,word", [
    ("Her hands tremble around the cup.", "hands"),
    ("Fingers drum on the table.", "Fingers"),
    ("He clenches his fist.", "fist"),
    ("Her fingertips trace the rim of the glass.", "fingertips"),
    ("An old man's weathered hands.", "hands"),
])
def test_hands_fire_in_a_close_up(tmp_path, words, word):
    assert prose(tmp_path, words, framing="close-up") == [("W104", word)]
    assert prose(tmp_path, words, framing="extreme-close-up") == [("W104", word)]
    assert prose(tmp_path, words, framing="medium") == []


@pytest.mark.parametrize("words", [
    "A second hand ticks on the clock face.",
    "The hour hand points to nine; the clock's minute hand moves.",
    "On the other hand, the street is empty.",
    "The farmhands rest in the shade.",
    "A fist-sized stone; a hand-painted sign; a right-hand turn.",
    "A second-hand bookshop.",
    "A palm tree sways.",
    "His wristwatch glints.",
])
def test_no_hands_in_a_close_up(tmp_path, words):
    assert prose(tmp_path, words, framing="close-up") == []


def test_handheld_rig_is_not_a_hand(tmp_path):
    text = SHOT.format(prose="A woman at the window.", framing="close-up").replace(
        "lens 35mm f/2.8", 'lens 35mm f/2.8\n        rig handheld "handheld with slight drift"')
    assert lint(tmp_path, text) == []


def test_push_in_to_a_close_up_counts_as_close(tmp_path):
    text = SHOT.format(prose="He winds the watch with his thumb.", framing="medium").replace(
        "lens 35mm f/2.8", "lens 35mm f/2.8\n        push in from medium to close-up over 4s")
    found = lint(tmp_path, text)
    assert [(c, w) for c, w, _, _ in found] == [("W104", "thumb")]


def test_hands_in_sound_lines_are_not_seen(tmp_path):
    text = SHOT.format(prose="A close view of the stage.", framing="close-up").replace(
        'ambient "rain on the window"', 'ambient "hands clapping"')
    assert lint(tmp_path, text) == []


# ---- spans: line and column ---------------------------------------------------------------

def test_span_line_and_column(tmp_path):
    text = SHOT.format(prose="A rainy street. Then a beautiful view.", framing="medium")
    assert lint(tmp_path, text) == [("W101", "beautiful", 5, 29)]


def test_span_in_a_multi_line_string(tmp_path):
    text = SHOT.format(prose="x", framing="medium").replace(
        '    "x"', '    """\n    Wet asphalt at night.\n    The cup floats through the wall.\n    """')
    assert lint(tmp_path, text) == [("W102", "floats through the wall", 7, 13)]


def test_escaped_quotes_do_not_shift_spans(tmp_path):
    text = SHOT.format(prose='The sign reads "OPEN"; a cup teleports.', framing="medium").replace('"OPEN"', '\\"OPEN\\"')
    found = lint(tmp_path, text)
    assert [(c, w) for c, w, _, _ in found] == [("W103", "sign reads"), ("W102", "teleports")]


def test_dialogue_and_avoid_are_not_linted(tmp_path):
    text = SHOT.format(prose="A woman at the window.", framing="medium").replace("duration 4s", "duration 8s") + (
        '    avoid "captions, signs that say anything, beautiful nonsense"\n'
        "    dialogue:\n"
        '        narrator: "Cut to the chase: it was a beautiful day."\n')
    assert lint(tmp_path, text) == []


def test_character_and_location_prose_are_linted(tmp_path):
    text = ('character ada:\n    "a young elderly woman"\n\nlocation hall:\n    "a bright dark hall"\n\n'
            + SHOT.format(prose="Ada in the hall.", framing="medium"))
    assert [(c, w) for c, w, _, _ in lint(tmp_path, text)] == [("W105", "young elderly"), ("W105", "bright dark")]


def test_imported_files_are_not_linted(tmp_path):
    (tmp_path / "cast.shot").write_text('character ada:\n    "a beautiful young elderly woman"\n', encoding="utf-8")
    text = 'import "cast.shot"\n\n' + SHOT.format(prose="Ada at the window.", framing="medium").replace(
        "    camera:", "    cast ada\n    camera:")
    assert lint(tmp_path, text) == []


# ---- shot lints ---------------------------------------------------------------------------

def test_bare_shot_misses_sound_camera_lighting_and_style(tmp_path):
    found = lint(tmp_path, 'shot bare:\n    model sora-2\n    "A man waits at a bus stop."\n')
    assert [c for c, _, _, _ in found] == ["W109", "W110", "W111", "W116"]
    assert {(w, line, col) for _, w, line, col in found} == {("bare", 1, 6)}


def test_twelve_seconds_drifts_but_eight_does_not(tmp_path):
    long = SHOT.format(prose="A meadow.", framing="wide").replace("duration 4s", "duration 12s")
    assert lint(tmp_path, long) == [("W108", "12s", 4, 14)]
    assert lint(tmp_path, long.replace("duration 12s", "duration 8s")) == []


def test_five_beats_point_at_the_fifth(tmp_path):
    beats = "".join(f'        {i}s..{i + 1}s "step {i + 1}"\n' for i in range(5))
    text = SHOT.format(prose="A room.", framing="medium").replace("duration 4s", "duration 8s") + "    beats:\n" + beats
    assert lint(tmp_path, text) == [("W107", '4s..5s "step 5"', 20, 9)]
    four = text.replace('        4s..5s "step 5"\n', "")
    assert lint(tmp_path, four) == []


def test_moves_and_cast_over_the_limit(tmp_path):
    cast = "".join(f'character c{i}:\n    "person {i}, grey coat"\n' for i in range(4))
    moves = "\n        0s..1s pan left 10deg\n        1s..2s tilt up 10deg\n        2s..3s push in\n        3s..4s truck left"
    text = cast + SHOT.format(prose="They wait.", framing="wide").replace("lens 35mm f/2.8", "lens 35mm f/2.8" + moves) \
        .replace("    camera:", "    cast c0, c1, c2, c3\n    camera:")
    found = [(c, w) for c, w, _, _ in lint(tmp_path, text)]
    assert found == [("W106", "c3"), ("W106", "3s..4s truck left")]


def test_hold_is_not_a_move(tmp_path):
    moves = "\n        0s..1s pan left 10deg\n        1s..2s tilt up 10deg\n        2s..3s push in\n        3s..4s hold"
    text = SHOT.format(prose="A room.", framing="wide").replace("lens 35mm f/2.8", "lens 35mm f/2.8" + moves)
    assert lint(tmp_path, text) == []


def test_cut_faster_than_two_seconds(tmp_path):
    text = SHOT.format(prose="A runner.", framing="medium") + (
        '    cut 0s..1.5s "a":\n        "Feet."\n    cut 1.5s..4s "b":\n        "Face."\n')
    assert lint(tmp_path, text) == [("W113", "0s..1.5s", 15, 9)]
    even = text.replace("1.5s", "2s")
    assert lint(tmp_path, even) == []


def test_overlay_in_frame(tmp_path):
    text = SHOT.format(prose="A harbour.", framing="wide") + '    overlay "THE END" center in-frame\n'
    assert lint(tmp_path, text) == [("W114", "in-frame", 15, 30)]
    assert lint(tmp_path, text.replace(" in-frame", "")) == []


@pytest.mark.parametrize("change,count", [
    ("Change the car from red to blue.", 0),
    ("Add rain to the scene.", 0),
    ("Change the sky to a sunset that turns the sea orange.", 0),
    ("Add fog behind the car, and make sure nothing else moves.", 0),
    ("Change the car to blue and add rain.", 2),
    ("Make the car blue. Then add rain.", 2),
    ("Change the car to blue, add rain and remove the lamp post.", 3),
])
def test_remix_changes(tmp_path, change, count):
    text = SHOT.format(prose="A red car on a wet street.", framing="wide") + f'\nremix r of probe:\n    "{change}"\n'
    found = lint(tmp_path, text)
    if count == 0:
        assert found == []
    else:
        assert [c for c, _, _, _ in found] == ["W115"]


def test_prompt_length(tmp_path):
    limit = rules()["W117"]["max_words"]
    sentence = "Crates of mackerel stand on wet concrete under tungsten bulbs. "
    text = SHOT.format(prose=sentence * (limit // 9), framing="wide")
    assert [c for c, _, _, _ in lint(tmp_path, text)] == ["W117"]
    assert lint(tmp_path, SHOT.format(prose=sentence * 10, framing="wide")) == []


# ---- the examples -------------------------------------------------------------------------

EXAMPLES = sorted((REPO / "examples").glob("*.shot")) + [REPO / "examples" / "film" / "film.shot"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.relative_to(REPO).as_posix() for p in EXAMPLES])
def test_examples_check_without_warnings(path):
    result = driver.check(path)
    assert result.problem is None
    assert [d for d in result.diagnostics if d.severity != "note"] == []


# ---- counting words (W117, and the time a line takes to say) --------------------------


@settings(derandomize=True, database=None, max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab _'’-.,\n\t9é—°ßü\u0301١") + [chr(0x1F600), "\x00", "\x7f"]),
               max_size=60) | st.text(max_size=60))
def test_words_are_counted_as_the_pattern_counts_them(text):
    """The C-loop count gives what `[\\w'’]+` finds, in and outside ASCII."""
    assert words(text) == len(re.findall(r"[\w'’]+", text))
