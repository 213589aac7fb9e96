"""The craft checks W118-W127: each fires where a cinematographer would object,
on the words or statement at fault, and stays quiet on the near miss. The UI
cases in tests/ui/craft/ show the whole diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorascript import driver

CRAFT = {f"W{n}" for n in range(118, 128)}


def craft(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    """(code, the source words under the span) of each craft warning of the file."""
    path = tmp_path / "probe.shot"
    path.write_text(text, encoding="utf-8")
    result = driver.check(path)
    assert result.problem is None and not result.has_errors, [d.message for d in result.diagnostics]
    lines = text.splitlines()
    return [(d.code, lines[d.span.line - 1][d.span.column - 1:d.span.end_column - 1])
            for d in result.diagnostics if d.code in CRAFT]


def shot(body: str, duration: str = "4s", head: str = "") -> str:
    return f"{head}shot s:\n    duration {duration}\n    \"A room.\"\n{body}"


# ---- W118 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("style, lens, fires", [
    ("shot through a 50mm lens", "85mm", "50mm"),
    ("a 24mm wide look", "50mm", "24mm"),
    ("fisheye distortion", "35mm", "fisheye"),
    ("telephoto compression", "24mm", "telephoto"),
    ("wide-angle drama", "85mm", "wide-angle"),
    ("35mm film look, 16mm grain", "85mm", None),
    ("shot on Kodak 35mm motion-picture film", "50mm", None),
    ("an 85mm portrait lens look", "85mm", None),
    ("telephoto compression", "135mm", None),
    ("wide-angle drama", "24mm", None),
])
def test_style_optics(tmp_path, style, lens, fires):
    text = shot(f"    camera:\n        lens {lens}\n    style \"{style}\"\n")
    assert craft(tmp_path, text) == ([("W118", fires)] if fires else [])


def test_style_optics_need_a_lens_to_disagree_with(tmp_path):
    assert craft(tmp_path, shot('    style "shot through a 50mm lens"\n')) == []


def test_a_lens_preset_is_the_shot_s_lens(tmp_path):
    text = 'import "std/lenses"\n\n' + shot('    camera:\n        lens portrait\n    style "through a 50mm lens"\n')
    assert craft(tmp_path, text) == [("W118", "50mm")]  # std/lenses' portrait is 85mm


# ---- W119 -------------------------------------------------------------------------------------
CHARACTERS = 'character ines:\n    "woman in her 60s"\n\ncharacter theo:\n    "boy of about ten"\n\n'


def test_a_named_character_not_in_the_cast(tmp_path):
    text = CHARACTERS + shot('    cast ines\n    beats:\n        0s..4s "Ines waves to Theo"\n')
    assert craft(tmp_path, text) == [("W119", "Theo")]


def test_a_character_named_inside_a_cut_and_not_cast(tmp_path):
    text = CHARACTERS + shot('    cast ines\n    cut 0s..2s:\n        "Theo runs along the pier."\n'
                             '    cut 2s..4s:\n        beats:\n            "Ines calls after Theo"\n')
    assert [f for f in craft(tmp_path, text) if f[0] == "W119"] == [("W119", "Theo"), ("W119", "Theo")]


@pytest.mark.parametrize("body", [
    '    cast ines, theo\n    beats:\n        0s..4s "Ines waves to Theo"\n',
    '    cast ines\n    beats:\n        0s..4s "Ines waves"\n    dialogue:\n        theo: "Hi!"\n',  # a speaker is cast
    '    cast ines\n    beats:\n        0s..4s "Ines waves to theodore"\n',  # another word
])
def test_cast_characters_are_quiet(tmp_path, body):
    assert craft(tmp_path, CHARACTERS + shot(body)) == []


# ---- W120 -------------------------------------------------------------------------------------
LOCATION = 'location pier:\n    "a wooden pier"\n    time "dusk"\n    weather "steady drizzle"\n\n'


@pytest.mark.parametrize("stmt, fires", [
    ('    atmosphere "heavy rain"\n', '"heavy rain"'),
    ('    atmosphere "snow falling"\n', '"snow falling"'),
    ('    atmosphere "noon heat"\n', '"noon heat"'),
    ('    atmosphere "drizzle in the lamplight"\n', None),
    ('    atmosphere "sunset glow on the water"\n', None),
    ('    atmosphere "salt in the air"\n', None),
])
def test_the_shot_against_its_location(tmp_path, stmt, fires):
    text = LOCATION + shot("    setting pier\n" + stmt)
    assert craft(tmp_path, text) == ([("W120", fires)] if fires else [])


def test_a_cut_against_the_location_but_not_against_another_cut(tmp_path):
    text = LOCATION + shot('    setting pier\n    cut 0s..2s:\n        setting "the pier at noon"\n'
                           '    cut 2s..4s:\n        atmosphere "bright sun on the boards"\n')
    assert [f for f in craft(tmp_path, text) if f[0] == "W120"] == [("W120", '"the pier at noon"'),
                                                                    ("W120", '"bright sun on the boards"')]
    seasons = shot('    cut 0s..2s "Winter":\n        atmosphere "heavy snow"\n'
                   '    cut 2s..4s "Spring":\n        atmosphere "bright sun"\n')  # a time-lapse: cuts may differ
    assert [f for f in craft(tmp_path, seasons) if f[0] == "W120"] == []


def test_the_shot_against_itself(tmp_path):
    text = shot('    setting "a pier at midnight"\n    atmosphere "the noon sun on the boards"\n')
    assert craft(tmp_path, text) == [("W120", '"a pier at midnight"')]


def test_the_prompt_keeps_the_shot_s_words_and_the_rest_of_the_location(tmp_path):
    path = tmp_path / "p.shot"
    path.write_text(LOCATION + shot('    setting pier\n    atmosphere "heavy rain"\n'), encoding="utf-8")
    prompt = driver.compile(path).plan["jobs"][0]["request"]["prompt"]
    assert "drizzle" not in prompt and "Dusk." in prompt and "Heavy rain." in prompt


def test_a_shot_setting_over_a_location_keeps_its_time_and_weather(tmp_path):
    path = tmp_path / "p.shot"
    path.write_text(LOCATION + "defaults:\n    setting pier\n\n" + shot('    setting "the end of the pier"\n'),
                    encoding="utf-8")
    prompt = driver.compile(path).plan["jobs"][0]["request"]["prompt"]
    assert prompt.startswith("The end of the pier. Dusk; steady drizzle.")


# ---- W121 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("prose, framing, fires", [
    ("Wide shot of the harbour.", "close-up", "Wide shot"),
    ("Close-up of her face.", "wide", "Close-up"),
    ("A medium shot of the bar.", "close-up", "medium shot"),
    ("Extreme close-up of an eye.", "close-up", "Extreme close-up"),
    ("Close-up of her face.", "close-up", None),
    ("Medium close-up of her face.", "medium-close-up", None),
    ("A close-up lens test chart on the wall.", None, None),  # no framing: nothing to disagree with
])
def test_framing_words(tmp_path, prose, framing, fires):
    camera = f"    camera:\n        framing {framing}\n" if framing else ""
    text = f'shot s:\n    duration 4s\n    "{prose}"\n{camera}'
    assert craft(tmp_path, text) == ([("W121", fires)] if fires else [])


def test_framing_words_agree_with_where_a_move_ends(tmp_path):
    text = ('shot s:\n    duration 8s\n    "Close-up of a woman in a booth."\n    camera:\n'
            '        framing medium-close-up\n        0s..6s push in from medium-close-up to close-up\n        hold\n')
    assert craft(tmp_path, text) == []


# ---- W122 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("rig, move, fires", [
    ("slider", "orbit right 30deg", "orbit"),
    ("slider", "crane up", "crane"),
    ("tripod", "truck left", "truck"),
    ("tripod", "push in", "push"),
    ("locked-off", "pan left 20deg", "pan"),
    ("locked-off", "tilt up 10deg", "tilt"),
    ("slider", "truck left", None),
    ("tripod", "pan left 20deg", None),
    ("locked-off", 'rack-focus "to the door"', None),
    ("locked-off", "zoom in 2x", None),
    ("dolly", "push in", None),
    ("crane", "crane up", None),
])
def test_rigs_and_moves(tmp_path, rig, move, fires):
    text = shot(f"    camera:\n        rig {rig}\n        {move}\n")
    assert craft(tmp_path, text) == ([("W122", fires)] if fires else [])


# ---- W123 -------------------------------------------------------------------------------------
TWO = 'shot arrival:\n    duration 4s\n    "{a}"\n\nshot handover:\n    duration 4s\n    "{b}"\n'


@pytest.mark.parametrize("a, fires", [
    ("The same light as in every shot.", "every shot"),
    ("Lit as in the next shot.", "the next shot"),
    ("Framed like the handover shot.", "handover shot"),
    ("As in shot 2, the ferry waits.", "in shot 2"),
    ("The ferry arrives at the handover point.", None),  # the word, not the shot
    ("The arrival of the ferry at dusk.", None),  # its own name
    ("A shot rings out across the harbour.", None),
])
def test_text_naming_another_shot(tmp_path, a, fires):
    assert craft(tmp_path, TWO.format(a=a, b="Ines waits.")) == ([("W123", fires)] if fires else [])


def test_a_continuity_line_naming_a_shot(tmp_path):
    text = TWO.format(a="The ferry.", b="The watch.") + \
        '\nsequence film:\n    arrival\n    handover\n    continuity "the watch is Ines\'s until the handover"\n' \
        '    continuity "the pier lamps lit"\n'
    assert craft(tmp_path, text) == [("W123", "the handover")]


def test_avoid_text_naming_another_shot_is_w123_too(tmp_path):
    text = shot('    avoid "anything from the previous shot"\n')
    assert [f for f in craft(tmp_path, text) if f[0] == "W123"] == [("W123", "the previous shot")]


def test_a_speaker_off_screen_or_behind_the_camera_is_w126(tmp_path):
    for where in ("Mara speaks from off screen.", "Mara waits behind the camera."):
        text = ('character mara:\n    "a woman"\n\n'
                + shot(f'    "{where}"\n    dialogue:\n        mara: "Hello."\n'))
        assert [f[0] for f in craft(tmp_path, text)].count("W126") == 1, where


# ---- W124 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, fires", [
    ('    beats:\n        0s..3s "She walks"\n', "s"),
    ('    camera:\n        0s..2s pan left 20deg\n', "s"),
    ('    beats:\n        0s..3s "She walks"\n        5s..8s "She stops"\n', "s"),
    ('    beats:\n        0s..3s "She walks"\n        4s..8s "She stops"\n', None),  # a 1s gap
    ('    beats:\n        "She walks"\n        "She stops"\n', None),  # untimed beats fill the clip
    ('    camera:\n        0s..3s pan left 20deg\n        hold\n', None),
    ('    dialogue:\n        narrator: "Once."\n', None),  # nothing timed but a line
    ('    beats:\n        0s..3s "She walks"\n        at 4.5s sfx "a door"\n        at 6.5s sfx "a bell"\n', None),
])
def test_dead_air(tmp_path, body, fires):
    assert craft(tmp_path, shot(body, "8s")) == ([("W124", fires)] if fires else [])


# ---- W125 -------------------------------------------------------------------------------------
PALETTE = 'palette p:\n    amber #e8913a "lamps"\n    navy #1f3a93 "sky"\n    grey #808080 "fog"\n\n'


@pytest.mark.parametrize("light, fires", [
    ('key "warm sodium lamp" 7500K', "7500K"),
    ('key "candlelight" 5600K', "5600K"),
    ('fill "cool moonlight" 2700K', "2700K"),
    ('fill "blue dusk sky" 3200K', "3200K"),
    ('key "rim" 9000K amber', "9000K"),
    ('key "rim" 2500K navy', "2500K"),
    ('key "warm sodium lamp" 2000K', None),
    ('fill "cool moonlight" 7500K', None),
    ('key "daylight" 5600K grey', None),
    ('key "warm and cool mix" 4000K', None),
    ('key "window light" 3200K amber', None),
])
def test_colour_temperatures(tmp_path, light, fires):
    text = PALETTE + shot(f"    palette p\n    lighting:\n        {light}\n")
    assert craft(tmp_path, text) == ([("W125", fires)] if fires else [])


# ---- W126 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("prose, framing, speaker, fires", [
    ("The harbour.", "establishing", "ines", "ines"),
    ("The harbour.", "extreme-wide", "ines", "ines"),
    ("Ines stands in silhouette at the window.", "medium", "ines", "ines"),
    ("Ines, her back to the camera, looks out.", "medium", "ines", "ines"),
    ("The harbour.", "establishing", "voiceover", None),
    ("Ines at the window; a ship in silhouette far out.", "medium", "ines", None),
    ("Ines at the window.", "medium", "ines", None),
])
def test_speakers_who_cannot_be_seen(tmp_path, prose, framing, speaker, fires):
    text = (CHARACTERS + f'shot s:\n    duration 4s\n    "{prose}"\n    camera:\n        framing {framing}\n'
            f'    dialogue:\n        {speaker}: "Look."\n')
    assert craft(tmp_path, text) == ([("W126", fires)] if fires else [])


# ---- W127 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialogue, fires", [
    ('        at 1.5s theo: "I know, I know."\n', "theo"),
    ('        theo: "I know, I know."\n', "ines"),  # untimed, from the clip's start: the beat's line is the later
    ('        at 3s theo: "I know, I know."\n', None),
])
def test_lines_of_two_blocks_at_once(tmp_path, dialogue, fires):
    text = CHARACTERS + shot('    beats:\n        0s..8s "Ines pours the coffee"\n'
                             '        at 1s ines: "Careful, it\'s hot."\n    dialogue:\n' + dialogue, "8s")
    assert craft(tmp_path, text) == ([("W127", fires)] if fires else [])


def test_overlaps_within_one_block_stay_e417(tmp_path):
    path = tmp_path / "p.shot"
    path.write_text(CHARACTERS + shot('    dialogue:\n        at 1s ines: "Careful, it is very hot."\n'
                                      '        at 1.5s theo: "I know."\n', "8s"), encoding="utf-8")
    codes = [d.code for d in driver.check(path).diagnostics]
    assert "E417" in codes and "W127" not in codes
