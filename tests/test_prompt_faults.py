"""The faults v0.1's prompts had, each pinned by what the prompt says now.

Each test compiles the smallest file that showed the fault and compares the
part of the prompt where it was with what a cinematographer would write."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO
from sorascript import driver


def prompts(folder: Path, text: str) -> dict[str, str]:
    path = folder / "fault.shot"
    path.write_text(text, encoding="utf-8")
    result = driver.compile(path)
    assert result.plan is not None, [d.message for d in result.diagnostics if d.severity == "error"]
    return {j["name"]: j["request"]["prompt"] for j in json.loads(driver.plan_json(result.plan))["jobs"]
            if j["kind"] == "create"}


def test_location_time_and_weather_are_a_sentence_not_labels(tmp_path):
    text = ('location pier:\n    "a wooden pier"\n    time "dusk, the pier lamps lit"\n    weather "steady drizzle, calm water"\n'
            'shot s:\n    setting pier\n    "A ferry waits."\n')
    said = prompts(tmp_path, text)["s"]
    assert said.startswith("A wooden pier. Dusk, the pier lamps lit; steady drizzle, calm water. A ferry waits.")
    assert "Time:" not in said and "Weather:" not in said


def test_a_character_is_described_in_a_sentence_not_a_label_line(tmp_path):
    text = ('character lady:\n    "Woman in her late 20s"\n    "dark hair pinned up"\n    wardrobe "ivory silk gown"\n'
            '    voice "soft, clipped"\n'
            'shot s:\n    "A lady stands at the window."\n    cast lady\n')
    said = prompts(tmp_path, text)["s"]
    # described where first named, her two prose lines joined as one description; no voice, as she does not speak
    assert said == "A lady, woman in her late 20s, dark hair pinned up, wearing ivory silk gown, stands at the window.\n"


def test_a_voice_only_for_a_character_who_speaks(tmp_path):
    text = ('character theo:\n    "boy of about ten"\n    voice "bright, quick"\n'
            'shot quiet:\n    "Theo waits."\n    cast theo\n'
            'shot speaks:\n    "Theo waits."\n    dialogue:\n        theo: "Hi."\n')
    said = prompts(tmp_path, text)
    assert "voice" not in said["quiet"] and "Theo, boy of about ten (voice: bright, quick), waits." in said["speaks"]


def test_no_tone_or_rig_said_twice(tmp_path):
    text = ('style punchy:\n    "skate video"\n    grade:\n        blacks "crushed blacks"\n        highlights "warm sun"\n'
            'shot s:\n    "A plaza."\n    camera:\n        rig tripod "static tripod"\n    style punchy\n')
    said = prompts(tmp_path, text)["s"]
    assert "Grade: crushed blacks; highlights warm sun" in said and "blacks crushed blacks" not in said
    assert "Camera rig: static tripod\n" in said and "tripod, static tripod" not in said


def test_a_style_of_only_a_film_stock_has_no_empty_style_line(tmp_path):
    text = 'style grain:\n    film "Kodak Vision3 500T"\nshot s:\n    "A plaza."\n    style grain\n'
    said = prompts(tmp_path, text)["s"]
    assert said == "A plaza.\n\nFilm: Kodak Vision3 500T\n"


def test_a_location_s_weather_written_with_a_capital_goes_on_in_small_letters(tmp_path):
    text = ('location plaza:\n    "an urban plaza"\n    time "Late afternoon"\n    weather "Steady drizzle, calm water."\n'
            'shot s:\n    setting plaza\n    "A skateboarder waits."\n')
    said = prompts(tmp_path, text)["s"]
    assert "Late afternoon; steady drizzle, calm water." in said and "; Steady" not in said


def test_a_setting_the_prose_already_says_is_not_said_twice_but_a_location_is_said_whole(tmp_path):
    text = 'shot s:\n    setting "An urban plaza, late afternoon"\n    "A skateboarder rolls through an urban plaza."\n'
    said = prompts(tmp_path, text)["s"]
    assert said.lower().count("urban plaza") == 1 and said.startswith("Late afternoon. A skateboarder")
    # a word inside another word is not the same words: "dusk" is not said by "dusky"
    text = 'shot s:\n    setting "a wooden pier, dusk"\n    "A dusky sky over the water."\n'
    assert prompts(tmp_path, text)["s"].startswith("A wooden pier, dusk. A dusky sky")
    # a location is the same words in every shot it is in, whatever the prose says
    text = ('location plaza:\n    "An urban plaza"\n    time "Late afternoon"\n'
            'shot s:\n    setting plaza\n    "A skateboarder rolls through an urban plaza in the late afternoon."\n')
    assert prompts(tmp_path, text)["s"].startswith("An urban plaza. Late afternoon. A skateboarder")


def test_no_capitals_inside_a_list(tmp_path):
    text = ('shot s:\n    "A parlour."\n    lighting:\n        key "fireplace glow" from camera-left\n'
            '        "Firelight on her face; candlelight makes gentle shadows."\n')
    said = prompts(tmp_path, text)["s"]
    # the list of lights, then the block's own sentences as written
    assert "Lighting: key light from camera-left — fireplace glow. Firelight on her face; candlelight makes gentle shadows." in said
    assert "; Firelight" not in said


def test_the_setting_is_not_said_twice(tmp_path):
    text = 'shot s:\n    setting "an urban plaza, late afternoon"\n    "A skateboarder kickflips down a stair set in an urban plaza."\n'
    assert prompts(tmp_path, text)["s"] == "Late afternoon. A skateboarder kickflips down a stair set in an urban plaza.\n"


def test_moves_at_the_same_time_are_not_joined_by_then(tmp_path):
    text = 'shot s:\n    duration 8s\n    "A cyclist."\n    camera:\n        0s..8s track "the cyclist"\n        0s..8s dolly in\n'
    said = prompts(tmp_path, text)["s"]
    assert "Camera movement: track the cyclist (0-8s) and dolly in (0-8s)" in said and "then" not in said


def test_moves_are_said_in_the_order_they_happen_not_as_written(tmp_path):
    text = 'shot s:\n    "A pier."\n    camera:\n        at 2s pan left 30deg over 2s\n        0s..2s tilt up 10deg\n'
    assert "Camera movement: tilt up 10° (0-2s); then pan left 30° (2-4s)" in prompts(tmp_path, text)["s"]


def test_names_keep_their_case_or_their_display_name(tmp_path):
    text = ('prop ikea_box "IKEA box":\n    "a flat-pack box"\nprop mc20:\n    "a white sports car"\n'
            'character dj_Kool:\n    "a DJ in a gold jacket"\n'
            'shot s:\n    "The IKEA box sits by the mc20 while DJ Kool spins."\n    props ikea_box, mc20\n    cast dj_Kool\n')
    said = prompts(tmp_path, text)["s"]
    assert "Ikea" not in said and "Mc20" not in said
    assert "IKEA box, a flat-pack box," in said and "mc20, a white sports car," in said
    assert "DJ Kool, a DJ in a gold jacket, spins" in said


def test_names_introduced_where_no_prose_names_them_keep_their_case_too(tmp_path):
    text = ('prop ikea_box:\n    "a flat-pack box"\nprop mc20:\n    "a white sports car"\n'
            'character deShawn:\n    "a young man"\n'
            'shot s:\n    "A car park at night."\n    props ikea_box, mc20\n    cast deShawn\n')
    said = prompts(tmp_path, text)["s"]
    assert "Ikea" not in said and "Mc20" not in said and "DeShawn" not in said
    assert "ikea box, a flat-pack box, is in frame" in said and "mc20, a white sports car, is in frame" in said
    assert "deShawn, a young man, is in frame" in said


def test_stdlib_styles_name_no_lens_and_the_shot_s_lens_wins(tmp_path):
    text = 'import "std/styles"\nshot s:\n    "A pier."\n    camera:\n        lens 85mm\n    style kodak-warm\n'
    said = prompts(tmp_path, text)["s"]
    assert "Lens: 85mm" in said and "50mm" not in said


def test_continuity_only_in_the_shots_it_concerns(tmp_path):
    text = ('character theo:\n    "boy of about ten"\nprop watch:\n    "a brass pocket watch"\n'
            'shot a:\n    "Theo on the pier."\n    cast theo\n'
            'shot b:\n    "The watch on a table."\n    props watch\n'
            'sequence film:\n    a\n    b\n    continuity "Theo\'s jacket zipped to the chin"\n'
            '    continuity "the watch always open"\n    continuity "drizzle throughout"\n')
    said = prompts(tmp_path, text)
    assert "Continuity:\n- Theo's jacket zipped to the chin\n- drizzle throughout" in said["a"]
    assert "Continuity:\n- the watch always open\n- drizzle throughout" in said["b"]


def test_a_shot_setting_keeps_the_location_s_time_and_its_atmosphere_replaces_the_weather(tmp_path):
    text = ('location harbour:\n    "a stone harbour"\n    time "dusk"\n    weather "steady drizzle"\n'
            'defaults:\n    setting harbour\n'
            'shot s:\n    setting "the end of the pier"\n    "A ferry waits."\n    atmosphere "heavy rain"\n')
    said = prompts(tmp_path, text)["s"]
    assert said.startswith("The end of the pier. Dusk. A ferry waits. Heavy rain.")
    assert "drizzle" not in said


def test_a_cut_is_one_compact_paragraph(tmp_path):
    text = ('shot s:\n    duration 8s\n    "An oak in a meadow."\n    cut 0s..4s "Winter":\n'
            '        camera:\n            framing wide\n        beats:\n            0s..4s "Snow on bare branches"\n'
            '    cut 4s..8s:\n        "Buds open."\n')
    said = prompts(tmp_path, text)["s"]
    # one paragraph a cut; a beat that fills its cut says no time of its own
    assert said.endswith("Winter (0-4s): Wide shot. Snow on bare branches.\n\nCut 2 (4-8s): Buds open.\n")
    assert "Shot 1" not in said and "Cinematography:\nCamera shot: wide shot\n" not in said


def test_the_film_describes_its_cast_props_and_place_alike_in_every_shot():
    result = driver.compile(REPO / "examples" / "film" / "film.shot")
    said = {j["name"]: j["request"]["prompt"] for j in result.plan["jobs"] if j["kind"] == "create"}
    descriptions = {
        "Ines": "Ines, woman in her 60s, weathered face, short grey hair, wearing navy captain's jacket, peaked cap",
        "Theo": "Theo, boy of about ten, dark curls, freckles, wearing oversized yellow rain jacket, red wellington boots",
        "watch": "a dented brass pocket watch on a short chain",
        "harbour": "A stone harbour: a wooden pier lit by iron lamps, a blue-and-white ferry with a rust-streaked hull. "
                   "Dusk, the pier lamps lit",  # its time too (the rain variant's own weather replaces the drizzle)
    }
    for job, text in said.items():
        for thing, words in descriptions.items():
            named = ("pocket watch" if thing == "watch" else thing) in text
            if named:
                assert words in text, (job, thing)
        assert "50mm" not in text or "Lens: 50mm" in text  # no style names a lens
        assert "handover" not in text.lower() and "every shot" not in text.lower()
