"""The lowering against docs/language.md ("The plan") and the prompting guide: the
prompt's layout section by section, how moves, beats, dialogue and cuts are
said, overlays, remixes and extensions, references, sequences, defaults,
`from` and variants, takes and cost."""

from __future__ import annotations

import json
from pathlib import Path


from sorascript import driver
from conftest import png_bytes

SECTIONS = ["Cinematography:", "Actions:", "Dialogue:", "Sound:", "Style:", "Continuity:", "Avoid:"]


def compile_plan(folder: Path, text: str, name: str = "main.shot", allow_errors: bool = False) -> dict:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = driver.compile(path)
    errors = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == "error"]
    assert result.problem is None, result.problem
    assert not errors, errors
    # what `sorac compile` writes, read back
    return json.loads(driver.plan_json(result.plan))


def jobs(plan: dict) -> dict[str, dict]:
    return {j["name"]: j for j in plan["jobs"]}


def prompt(plan: dict, name: str) -> str:
    return jobs(plan)[name]["request"]["prompt"]


def section_heads(text: str) -> list[str]:
    """The top-level sections of a prompt in order (each starts a paragraph)."""
    heads = []
    for paragraph in text.split("\n\n"):
        first = paragraph.split("\n", 1)[0]
        heads.append(next((s for s in SECTIONS if first.startswith(s)), "prose" if not first.startswith("Shot ") else "cut"))
    return heads


# ---- the layout of one prompt ---------------------------------------------------------------------

DINER = '''\
character mara:
    "woman in her 30s, dark bob haircut"
    wardrobe "green raincoat"
    voice "low, calm"

prop cup:
    "a chipped white coffee cup"

palette neon:
    crimson #b3122e "red neon"
    cobalt  #1f4fd1 "blue neon"
    amber   #f2a33a "warm overhead light"

shot confession:
    model sora-2-pro
    size 1280x720
    duration 8s
    avoid "text on signs"
    style "neo-noir, fine film grain"
    sound:
        ambient "diner murmur, rain on the window"
        at 1s sfx "coffee cup set on a saucer"
    dialogue:
        mara (quietly): "I knew you'd come back."
        pause 1s
        mara (whispered): "You always do."
    beats:
        0s..2s "Mara stares at her coffee cup"
        2s..4s "She looks up toward the camera"
    mood "quiet tension"
    palette neon
    lighting:
        key "red neon" from camera-right crimson
        fill "blue neon" from camera-left cobalt
        practical "overhead diner lamp" 3200K
    camera:
        framing medium-close-up
        angle eye-level
        0s..6s push in from medium-close-up to close-up
        lens 50mm f/2.0
        rig handheld "subtle drift"
    props cup
    cast mara
    layers:
        foreground "the cup on the table"
        background "rain on the window"
    atmosphere "steam rising from the cup"
    setting "a dimly lit diner booth at night"
    "Close-up of Mara in a booth."
    avoid "extra people"

shot after:
    duration 4s
    "The empty booth."

sequence night:
    confession crossfade 0.5s
    after
    continuity "the cup stays half full"
    conform 1280x720 24fps
'''

# The statements above are written in reverse of the guide's order on purpose:
# the prompt puts them in the guide's order whatever the source's.
DINER_PROMPT = '''\
A dimly lit diner booth at night. Close-up of Mara, woman in her 30s, dark bob haircut, wearing green raincoat (voice: low, calm), in a booth. Steam rising from a chipped white coffee cup.
Foreground: the cup on the table
Background: rain on the window

Cinematography:
Camera shot: medium close-up, eye-level angle
Lens: 50mm, f/2.0
Camera rig: handheld, subtle drift
Camera movement: push in from medium close-up to close-up (0-6s)
Lighting: key light from camera-right (crimson) — red neon; fill light from camera-left (cobalt) — blue neon; practical light (3200K) — overhead diner lamp
Palette: crimson (red neon), cobalt (blue neon), amber (warm overhead light)
Mood: quiet tension

Actions:
- 0-2s: Mara stares at her coffee cup
- 2-4s: She looks up toward the camera

Dialogue:
[Mara, quietly]: "I knew you'd come back."
[Pause - 1 second]
[Mara, whispered]: "You always do."

Sound:
- Ambient: diner murmur, rain on the window
- Sound effect at 1s: coffee cup set on a saucer

Style: neo-noir, fine film grain

Continuity: the cup stays half full

Avoid:
- text on signs
- extra people
'''


def test_the_guide_layout_whatever_the_source_order(tmp_path):
    plan = compile_plan(tmp_path, DINER)
    assert prompt(plan, "confession") == DINER_PROMPT
    assert section_heads(DINER_PROMPT) == ["prose"] + SECTIONS


def test_a_section_only_when_it_has_content(tmp_path):
    plan = compile_plan(tmp_path, DINER)
    # the cup is not in this shot: the sequence's line about it is written only where it is
    assert prompt(plan, "after") == "The empty booth.\n"
    plan = compile_plan(tmp_path, 'shot bare:\n    "A red kite over a beach."\n', "bare.shot")
    assert prompt(plan, "bare") == "A red kite over a beach.\n"
    for head in SECTIONS:
        assert head not in prompt(plan, "bare")


def test_only_some_sections(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot s:\n'
        '    "A lighthouse on a cliff."\n'
        '    sound:\n'
        '        ambient "waves below"\n'
        '    avoid "boats"\n'
    ))
    text = prompt(plan, "s")
    assert text == "A lighthouse on a cliff.\n\nSound:\n- Ambient: waves below\n\nAvoid: boats\n"
    assert section_heads(text) == ["prose", "Sound:", "Avoid:"]


def test_prose_holds_setting_location_layers_cast_and_props(tmp_path):
    plan = compile_plan(tmp_path, (
        'location harbour:\n'
        '    "a stone harbour with a wooden pier"\n'
        '    time "dusk"\n'
        '    weather "steady drizzle"\n'
        'character theo:\n'
        '    "boy of about ten"\n'
        'shot s:\n'
        '    setting harbour\n'
        '    "Theo waits under a lamp."\n'
        '    atmosphere "mist over the water"\n'
        '    cast theo\n'
        '    layers:\n'
        '        foreground "wet planks"\n'
        '        midground "Theo under the lamp"\n'
        '        background "the ferry"\n'
        '    physics "rain falls straight down"\n'
    ))
    assert prompt(plan, "s") == (
        # the atmosphere's mist replaces the location's drizzle; the cast is described where first named
        "A stone harbour with a wooden pier. Dusk. Theo, boy of about ten, waits under a lamp. "
        "Mist over the water.\n"
        "Foreground: wet planks\nMidground: Theo under the lamp\nBackground: the ferry\n"
        "Physics: rain falls straight down\n"
    )


def test_cast_descriptions_are_written_once(tmp_path):
    """A character in `cast` who also speaks (in the shot and in its beats) is
    described once; a speaker not listed in `cast` is in the cast anyway."""
    plan = compile_plan(tmp_path, (
        'character mara:\n'
        '    "woman in her 30s, dark bob haircut"\n'
        'character theo:\n'
        '    "boy of about ten, dark curls"\n'
        'shot s:\n'
        '    duration 8s\n'
        '    "Mara and Theo at a table."\n'
        '    cast mara, mara\n'
        '    beats:\n'
        '        "Mara sits"\n'
        '        mara: "Hello."\n'
        '    dialogue:\n'
        '        mara: "Sit down."\n'
        '        theo: "Fine."\n'
    ))
    text = prompt(plan, "s")
    assert text.count("dark bob haircut") == 1
    assert text.count("dark curls") == 1
    # each where the prose first names them, before the sections
    assert "Mara, woman in her 30s, dark bob haircut, and Theo, boy of about ten, dark curls, at a table." in text
    assert text.index("dark curls") < text.index("\n\nActions:")


# ---- cinematography -----------------------------------------------------------------------------

def camera_prompt(folder: Path, moves: str, duration: str = "8s") -> str:
    plan = compile_plan(folder, f'shot s:\n    duration {duration}\n    "A field."\n    camera:\n' + moves)
    return prompt(plan, "s")


def movement(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Camera movement: "))


def test_a_timed_move_is_said_with_its_times(tmp_path):
    text = camera_prompt(tmp_path, "        2s..4s pan left 30deg\n")
    assert movement(text) == "Camera movement: pan left 30° (2-4s)"


def test_untimed_moves_chain_from_the_previous_one(tmp_path):
    text = camera_prompt(tmp_path, (
        "        pan left 30deg over 2s\n"
        "        tilt up 10deg over 1.5s\n"
        "        at 5s pan right 20deg over 1s\n"
        "        hold\n"
    ))
    assert movement(text) == (
        "Camera movement: pan left 30° (0-2s); then tilt up 10° (2-3.5s); then pan right 20° (5-6s); then hold (6-8s)"
    )


def test_a_move_with_no_over_runs_to_the_end(tmp_path):
    text = camera_prompt(tmp_path, '        1s..3s hold\n        tilt up 60deg "revealing Earth"\n')
    assert movement(text) == (
        "Camera movement: hold (1-3s); then tilt up 60°, revealing Earth (3-8s)"
    )


def test_move_phrases(tmp_path):
    text = camera_prompt(tmp_path, (
        "        0s..2s push in from wide to close-up\n"
        "        2s..3s zoom in 2x\n"
        '        3s..5s track "the runner"\n'
        '        5s..8s rack-focus "to the door"\n'
    ))
    assert movement(text) == (
        "Camera movement: push in from wide to close-up (0-2s); then zoom in 2x (2-3s); "
        "then track the runner (3-5s); then rack focus to the door (5-8s)"
    )


def test_the_camera_set_up_comes_before_the_moves(tmp_path):
    """Camera shot, lens, rig, then the moves (docs/language.md, "The plan"), even when
    the block names the lens after a move."""
    text = camera_prompt(tmp_path, (
        "        pan left 10deg over 2s\n"
        "        lens 35mm f/4\n"
        "        framing wide\n"
        '        rig tripod "on the head only"\n'
        '        "centered composition"\n'
    ))
    lines = text.split("\n\n")[1].splitlines()
    assert lines == [
        "Cinematography:",
        "Camera shot: wide shot",
        "Lens: 35mm, f/4",
        "Camera rig: tripod, on the head only",
        "Camera movement: pan left 10° (0-2s)",
        "Centered composition",
    ]


def test_lighting_palette_speed_and_mood(tmp_path):
    plan = compile_plan(tmp_path, (
        'import "std/palettes"\n'
        'shot s:\n'
        '    "A skater in a plaza."\n'
        '    palette golden-hour\n'
        '    speed 0.4x\n'
        '    mood "elated"\n'
        '    lighting:\n'
        '        key "low sun" from camera-left 3400K honey_gold\n'
        '        quality hard\n'
    ))
    section = prompt(plan, "s").split("\n\n")[1].splitlines()
    assert section[0] == "Cinematography:"
    assert section[1] == "Speed: slow motion at 0.4x speed"
    assert section[2] == "Lighting: key light from camera-left (3400K, honey gold) — low sun; hard light quality"
    assert section[3].startswith("Palette: honey gold (")
    assert section[4] == "Mood: elated"


# ---- actions, dialogue, sound -------------------------------------------------------------------

def test_actions_dialogue_and_sound_lines(tmp_path):
    plan = compile_plan(tmp_path, (
        'character mara:\n'
        '    "woman in her 30s"\n'
        'shot s:\n'
        '    duration 8s\n'
        '    "A diner."\n'
        '    beats:\n'
        '        0s..1.5s "Mara sits"\n'
        '        1.5s..4s "She waits"\n'
        '    dialogue:\n'
        '        mara (quietly): "I knew you\'d come back."\n'
        '        pause 0.5s\n'
        '        at 5s narrator: "She always knew."\n'
        '    sound:\n'
        '        ambient "rain"\n'
        '        at 2s sfx "a door"\n'
        '        music "a slow piano"\n'
        '        at 6s cue "the piano stops"\n'
    ))
    text = prompt(plan, "s")
    assert "\n\nActions:\n- 0-1.5s: Mara sits\n- 1.5-4s: She waits\n\n" in text
    assert ('\n\nDialogue:\n[Mara, quietly]: "I knew you\'d come back."\n[Pause - 0.5 seconds]\n'
            '[Narrator] (at 5s): "She always knew."\n\n') in text
    assert text.endswith(
        "\n\nSound:\n- Ambient: rain\n- Sound effect at 2s: a door\n- Music: a slow piano\n- Cue at 6s: the piano stops\n"
    )


def test_untimed_beats_keep_dialogue_and_cues_in_order(tmp_path):
    plan = compile_plan(tmp_path, (
        'character mara:\n'
        '    "woman in her 30s"\n'
        'shot s:\n'
        '    duration 8s\n'
        '    "A diner."\n'
        '    beats:\n'
        '        "Mara sits"\n'
        '        mara (tired): "Coffee."\n'
        '        at 3s sfx "a cup set down"\n'
        '        pause 1s\n'
        '        "She drinks"\n'
    ))
    assert ('\n\nActions:\n- Mara sits\n- [Mara, tired]: "Coffee."\n- Sound effect at 3s: a cup set down\n'
            '- [Pause - 1 second]\n- She drinks\n') in prompt(plan, "s")


# ---- cuts ----------------------------------------------------------------------------------------

CUTS = '''\
character mara:
    "woman in her 30s"

shot two:
    size 1280x720
    duration 8s
    setting "a diner at night"
    "Two setups in one clip."
    cast mara
    camera:
        lens 50mm f/2.0
    lighting:
        key "red neon" from camera-right
    sound:
        ambient "diner murmur"
    style "neo-noir"
    cut 0s..2.4s "Arrival":
        camera:
            framing wide
            pan left 10deg
        beats:
            0s..2.4s "Mara enters"
        sound:
            at 1s sfx "door bell"
    cut 2.4s..8s:
        "She sits."
        camera:
            framing close-up
            push in over 2s
        dialogue:
            mara (softly): "Coffee, please."
'''


def test_cuts_lower_after_the_shared_sections(tmp_path):
    plan = compile_plan(tmp_path, CUTS)
    assert prompt(plan, "two") == (
        # Mara is first named in a beat of a cut, which is said as written: she is introduced in the prose
        "A diner at night. Two setups in one clip. Mara, woman in her 30s, is in frame.\n"
        "\n"
        "Cinematography:\n"
        "Lens: 50mm, f/2.0\n"
        "Lighting: key light from camera-right — red neon\n"
        "\n"
        "Sound:\n"
        "- Ambient: diner murmur\n"
        "\n"
        "Style: neo-noir\n"
        "\n"
        # each cut one compact paragraph; a move or beat that fills its cut needs no times of its own
        "Arrival (0-2.4s): Wide shot. Camera movement: pan left 10°. Mara enters. Sound: door bell at 1s.\n"
        "\n"
        'Cut 2 (2.4-8s): She sits. Close-up. Camera movement: push in (2.4-4.4s). Mara (softly): "Coffee, please."\n'
    )


def test_a_speaker_in_a_cut_is_described_once_in_the_shared_prose(tmp_path):
    plan = compile_plan(tmp_path, CUTS.replace("    cast mara\n", ""))
    text = prompt(plan, "two")
    assert text.count("woman in her 30s") == 1
    assert text.index("woman in her 30s") < text.index("Arrival (0-2.4s)")


# ---- overlays ------------------------------------------------------------------------------------

def test_composited_overlays_are_listed_for_the_renderer_not_prompted(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot s:\n'
        '    duration 8s\n'
        '    "A title card over a city."\n'
        '    overlay "Chapter One" top-left 0s..2s\n'
        '    overlay "The End"\n'
        '    overlay "OPEN" in-frame\n'
        '    cut 0s..4s:\n'
        '        "The city by day."\n'
        '        overlay "Day" top-right\n'
        '    cut 4s..8s:\n'
        '        "The city by night."\n'
        '        overlay "CLOSED" center 5s..6s in-frame\n'
    ))
    job = jobs(plan)["s"]
    text = job["request"]["prompt"]
    for composited in ("Chapter One", "The End", "Day"):
        assert composited not in text
    assert job["overlays"] == [
        {"text": "Chapter One", "position": "top-left", "start_s": 0.0, "end_s": 2.0},
        {"text": "The End", "position": "bottom", "start_s": 0.0, "end_s": 8.0},
        {"text": "Day", "position": "top-right", "start_s": 0.0, "end_s": 4.0},
    ]
    assert 'On-screen text, rendered in frame exactly as written: "OPEN"\n' in text
    assert 'On-screen text, rendered in frame exactly as written: "CLOSED" at the center (5-6s).' in text
    assert text.index('"CLOSED"') > text.index("Cut 2 (4-8s):")


def test_a_shot_without_composited_overlays_has_no_overlays_key(tmp_path):
    plan = compile_plan(tmp_path, 'shot s:\n    "A sign."\n    overlay "OPEN" in-frame\n')
    assert "overlays" not in jobs(plan)["s"]
    assert '"OPEN"' in prompt(plan, "s")


# ---- remixes, extensions, references ----------------------------------------------------------------

def test_remix_and_extend_jobs(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot departure:\n'
        '    size 1280x720\n'
        '    duration 8s\n'
        '    "The ferry pulls away."\n'
        '    takes 2\n'
        'remix fog of departure:\n'
        '    "Add a low bank of sea fog."\n'
        '    keep "the crane move and the framing"\n'
        '    keep "the ferry\'s path"\n'
        'extend more of departure by 4s:\n'
        '    "The ferry shrinks toward the harbour mouth."\n'
        'remix plain of departure:\n'
        '    "Make it daytime."\n'
    ))
    found = jobs(plan)
    assert list(found) == ["departure", "fog", "more", "plain"]
    fog, more = found["fog"], found["more"]
    assert fog["kind"] == "remix"
    assert fog["request"] == {"prompt": "Add a low bank of sea fog.\n\nKeep unchanged:\n"
                                        "- the crane move and the framing\n- the ferry's path\n"}
    assert found["plain"]["request"] == {"prompt": "Make it daytime.\n"}
    assert fog["after"] == ["departure"] and fog["input_reference"] is None
    assert more["kind"] == "extend"
    assert more["request"] == {"prompt": "The ferry shrinks toward the harbour mouth.\n", "seconds": "4"}
    assert more["after"] == ["departure"] and more["input_reference"] is None
    # a remix renders the source's length once; an extension its own length
    assert fog["cost_usd"] == 0.8 and more["cost_usd"] == 0.4
    assert "takes" not in fog and "takes" not in more
    assert found["departure"]["cost_usd"] == 1.6
    assert plan["total_cost_usd"] == 3.6


def test_reference_last_frame_of(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot second:\n'
        '    reference last frame of first\n'
        '    "The pier, later."\n'
        'shot first:\n'
        '    "The pier."\n'
    ))
    found = jobs(plan)
    assert list(found) == ["first", "second"]  # the source renders first
    assert found["second"]["after"] == ["first"]
    assert found["second"]["input_reference"] == {"last_frame_of": "first"}
    assert "input_reference" not in found["second"]["request"]
    assert found["first"]["after"] == [] and found["first"]["input_reference"] is None


def test_reference_image_is_relative_to_the_project_root(tmp_path):
    (tmp_path / "sorac.toml").write_text("", encoding="utf-8")
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "pier.png").write_bytes(png_bytes(720, 1280))
    plan = compile_plan(tmp_path, 'shot s:\n    reference "../frames/pier.png"\n    "The pier."\n', "scenes/pier.shot")
    job = jobs(plan)["s"]
    assert job["input_reference"] == "frames/pier.png"
    assert "input_reference" not in job["request"]
    assert plan["source"] == "scenes/pier.shot"
    assert job["span"] == {"file": "scenes/pier.shot", "line": 1, "column": 1}


def test_without_sorac_toml_the_root_is_the_files_folder(tmp_path):
    (tmp_path / "pier.png").write_bytes(png_bytes(720, 1280))
    plan = compile_plan(tmp_path, 'shot s:\n    reference "pier.png"\n    "The pier."\n')
    assert jobs(plan)["s"]["input_reference"] == "pier.png"
    assert plan["source"] == "main.shot"


def _base_in_another_file(root: Path, statement: str) -> None:
    (root / "sorac.toml").write_text("", encoding="utf-8")
    (root / "lib").mkdir()
    (root / "lib" / "base.shot").write_text(
        'import "std/lenses"\n'
        'import "std/palettes"\n'
        'shot base:\n'
        '    size 720x1280\n'
        '    "The base shot."\n'
        f'    {statement}\n',
        encoding="utf-8",
    )


def test_a_from_base_in_another_file_names_lens_presets_from_its_own_file(tmp_path):
    """`lens standard` is visible in the base's file (std/lenses), not in the
    derived shot's: the prompt still describes the lens."""
    _base_in_another_file(tmp_path, "camera:\n        lens standard")
    plan = compile_plan(tmp_path, 'import "../lib/base.shot"\nshot derived from base:\n    "Derived."\n', "scenes/d.shot")
    assert "Lens: 35mm, f/2.8" in prompt(plan, "derived")


def test_a_from_base_in_another_file_keeps_its_reference_path(tmp_path):
    """A reference path resolves from the file that wrote it: the base's folder.
    (An image of the same name sits beside the derived file too, so that the
    checker's own lookup, see the xfail below, finds a file.)"""
    _base_in_another_file(tmp_path, 'reference "pier.png"')
    (tmp_path / "lib" / "pier.png").write_bytes(png_bytes(720, 1280))
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "pier.png").write_bytes(png_bytes(720, 1280))
    plan = compile_plan(tmp_path, 'import "../lib/base.shot"\nshot derived from base:\n    "Derived."\n', "scenes/d.shot")
    assert jobs(plan)["derived"]["input_reference"] == "lib/pier.png"


def test_a_from_base_in_another_file_checks_its_reference_beside_the_base(tmp_path):
    _base_in_another_file(tmp_path, 'reference "pier.png"')
    (tmp_path / "lib" / "pier.png").write_bytes(png_bytes(720, 1280))
    plan = compile_plan(tmp_path, 'import "../lib/base.shot"\nshot derived from base:\n    "Derived."\n', "scenes/d.shot")
    assert jobs(plan)["derived"]["input_reference"] == "lib/pier.png"


def test_a_from_base_in_another_file_keeps_its_palette(tmp_path):
    _base_in_another_file(tmp_path, "palette golden-hour")
    plan = compile_plan(tmp_path, 'import "../lib/base.shot"\nshot derived from base:\n    "Derived."\n', "scenes/d.shot")
    assert "Palette: honey gold" in prompt(plan, "derived")


# ---- sequences ---------------------------------------------------------------------------------

def test_sequences(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot a:\n    duration 8s\n    "A."\n'
        'shot b:\n    duration 4s\n    "B."\n'
        'shot c:\n    duration 12s\n    "C."\n'
        'sequence reel:\n'
        '    a crossfade 0.5s\n'
        '    b fade 1s\n'
        '    c crossfade 1.5s\n'
        '    a\n'
        'sequence short:\n'
        '    b\n'
        '    continuity "same red kite"\n'
        'sequence plain:\n'
        '    a\n'
        '    b cut\n'
        '    c fade\n'
    ))
    reel, short, plain = plan["sequences"]
    assert reel == {"name": "reel", "jobs": ["a", "b", "c", "a"],
                    "transitions": ["crossfade 0.5s", "fade 1s", "crossfade 1.5s"], "runtime_s": 30.0}
    assert short == {"name": "short", "jobs": ["b"], "transitions": [], "runtime_s": 4.0}
    # `fade` after the last shot fades to black (1 s when no length is given)
    assert plain == {"name": "plain", "jobs": ["a", "b", "c"], "transitions": ["cut", "cut"], "runtime_s": 24.0,
                     "end": "fade 1s"}
    # continuity lines go to the shots of their sequence only
    assert prompt(plan, "b").endswith("\n\nContinuity: same red kite\n")
    assert "Continuity" not in prompt(plan, "a")


def test_a_sequence_names_a_take_or_a_variant_of_a_shot(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot a:\n    duration 4s\n    "A."\n    takes 2\n    variant night:\n        duration 8s\n        "At night."\n'
        'sequence reel:\n    a.take2 crossfade 0.5s\n    a.night\n    a.night.take2\n    a\n'
    ))
    (reel,) = plan["sequences"]
    assert reel["jobs"] == ["a.take2", "a.night", "a.night.take2", "a"]
    assert reel["runtime_s"] == 4 + 8 + 8 + 4 - 0.5  # each take and variant at its own length


def test_a_looped_shot_counts_in_a_sequence_s_runtime_at_its_finished_length(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot a:\n    duration 4s\n    "A."\n    loop normal\n'
        'shot b:\n    duration 8s\n    "B."\n'
        'sequence reel:\n    a crossfade 0.5s\n    b\n'
    ))
    assert plan["sequences"][0]["runtime_s"] == 4 - 0.5 + 8 - 0.5  # the loop's 0.5 s, then the crossfade's


def test_continuity_from_several_sequences_is_said_once(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot a:\n    "A."\n'
        'shot b:\n    "B."\n'
        'sequence one:\n    a\n    b\n    continuity "the same red kite"\n'
        'sequence two:\n    b\n    a\n    continuity "the same red kite"\n    continuity "dusk light"\n'
    ))
    for name in ("a", "b"):
        assert prompt(plan, name).endswith("\n\nContinuity:\n- the same red kite\n- dusk light\n")


# ---- defaults, `from`, variants -------------------------------------------------------------------

def test_api_defaults_are_written_explicitly(tmp_path):
    plan = compile_plan(tmp_path, 'shot s:\n    "A kite."\n')
    job = jobs(plan)["s"]
    assert job["request"] == {"model": "sora-2", "size": "720x1280", "seconds": "4", "prompt": "A kite.\n"}
    assert list(job["request"]) == ["model", "size", "seconds", "prompt"]
    assert job["cost_usd"] == 0.4 and "takes" not in job


def test_defaults_block_statements_are_replaced_by_kind(tmp_path):
    plan = compile_plan(tmp_path, (
        'defaults:\n'
        '    model sora-2-pro\n'
        '    size 1280x720\n'
        '    duration 8s\n'
        '    avoid "logos"\n'
        '    style "film noir"\n'
        '    camera:\n'
        '        framing wide\n'
        '        lens 24mm\n'
        'shot kept:\n'
        '    "Everything from the defaults."\n'
        'shot changed:\n'
        '    duration 4s\n'
        '    avoid "cars"\n'
        '    camera:\n'
        '        framing close-up\n'
        '    "Own duration, avoid and camera."\n'
    ))
    kept, changed = jobs(plan)["kept"], jobs(plan)["changed"]
    assert {k: kept["request"][k] for k in ("model", "size", "seconds")} == {"model": "sora-2-pro", "size": "1280x720", "seconds": "8"}
    assert {k: changed["request"][k] for k in ("model", "size", "seconds")} == {"model": "sora-2-pro", "size": "1280x720", "seconds": "4"}
    text = kept["request"]["prompt"]
    assert "Camera shot: wide shot\nLens: 24mm" in text and "Avoid: logos" in text and "Style: film noir" in text
    text = changed["request"]["prompt"]
    assert "Camera shot: close-up" in text
    assert "Lens" not in text and "wide" not in text  # the camera block replaced whole
    assert "Avoid: cars\n" in text and "logos" not in text  # every `avoid` replaced
    assert "Style: film noir" in text


def test_from_starts_from_the_base_and_replaces_by_kind(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot a:\n'
        '    size 1280x720\n'
        '    duration 8s\n'
        '    "The ferry arrives."\n'
        '    camera:\n'
        '        framing establishing\n'
        '        rig crane\n'
        '        crane down over 4s\n'
        '    beats:\n'
        '        0s..4s "The ferry glides in"\n'
        '    sound:\n'
        '        ambient "gulls"\n'
        '    takes 2\n'
        '    variant rain:\n'
        '        atmosphere "heavy rain"\n'
        'shot b from a:\n'
        '    "The ferry leaves."\n'
        '    camera:\n'
        '        framing wide\n'
        '        crane up over 6s\n'
    ))
    found = jobs(plan)
    assert list(found) == ["a", "a.rain", "b"]  # variants are not inherited through `from`
    b = found["b"]
    assert b["request"]["seconds"] == "8" and b["request"]["size"] == "1280x720"
    text = b["request"]["prompt"]
    assert text.startswith("The ferry leaves.\n")
    assert "arrives" not in text  # prose replaced
    assert "Camera shot: wide shot\nCamera movement: crane up (0-6s)\n" in text
    assert "establishing" not in text and "Camera rig" not in text  # camera replaced whole
    assert "- 0-4s: The ferry glides in" in text and "- Ambient: gulls" in text  # beats and sound inherited
    assert b["takes"] == 2 and b["cost_usd"] == 1.6  # takes inherited


def test_variants_compile_to_shot_dot_variant(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot s:\n'
        '    duration 8s\n'
        '    "A street at night."\n'
        '    style "neo-noir"\n'
        '    sound:\n'
        '        ambient "traffic"\n'
        '    variant day:\n'
        '        "A street by day."\n'
        '    variant long:\n'
        '        duration 12s\n'
    ))
    found = jobs(plan)
    assert list(found) == ["s", "s.day", "s.long"]
    assert found["s.day"]["request"]["prompt"] == "A street by day.\n\nSound:\n- Ambient: traffic\n\nStyle: neo-noir\n"
    assert found["s.long"]["request"]["seconds"] == "12"
    assert found["s.long"]["request"]["prompt"] == found["s"]["request"]["prompt"]
    assert found["s.day"]["span"] == {"file": "main.shot", "line": 7, "column": 5}
    assert [found[n]["cost_usd"] for n in found] == [0.8, 0.8, 1.2]
    assert plan["total_cost_usd"] == 2.8


# ---- takes and cost ---------------------------------------------------------------------------------

def test_takes_set_takes_and_multiply_the_cost(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot s:\n'
        '    model sora-2-pro\n'
        '    size 1792x1024\n'
        '    duration 8s\n'
        '    "A wide harbour."\n'
        '    takes 3\n'
        'shot one:\n'
        '    "A single take."\n'
        '    takes 1\n'
    ))
    found = jobs(plan)
    assert found["s"]["takes"] == 3
    assert found["s"]["cost_usd"] == 12.0  # 8 s x $0.50 x 3
    assert found["one"]["takes"] == 1 and found["one"]["cost_usd"] == 0.4
    assert plan["total_cost_usd"] == 12.4


def test_a_size_with_no_price_has_no_cost(tmp_path):
    plan = compile_plan(tmp_path, (
        'shot big:\n'
        '    model sora-2-pro\n'
        '    size 1920x1080\n'
        '    "A wide harbour."\n'
        'shot small:\n'
        '    "A small harbour."\n'
    ))
    found = jobs(plan)
    assert found["big"]["cost_usd"] is None
    assert found["small"]["cost_usd"] == 0.4
    assert plan["total_cost_usd"] is None
    assert any(d["code"] == "N002" for d in plan["diagnostics"])


def test_costs_sum_to_the_cent(tmp_path):
    """Decimal arithmetic: 0.1 + 0.2 style float drift never reaches the plan."""
    plan = compile_plan(tmp_path, "".join(
        f'shot s{i}:\n    duration 4s\n    "Shot {i}."\n' for i in range(7)
    ) + 'shot p:\n    model sora-2-pro\n    duration 12s\n    "Pro."\n    takes 3\n')
    assert [j["cost_usd"] for j in plan["jobs"]] == [0.4] * 7 + [10.8]
    assert plan["total_cost_usd"] == 13.6


# ---- the plan as a whole ---------------------------------------------------------------------------

def test_plan_keys_and_job_key_order(tmp_path):
    plan = compile_plan(tmp_path, DINER)
    assert list(plan) == ["source", "jobs", "sequences", "total_cost_usd", "diagnostics"]
    assert list(jobs(plan)["confession"]) == ["name", "kind", "request", "input_reference", "after", "cost_usd",
                                              "retired", "timeline", "span"]
    assert jobs(plan)["confession"]["retired"] == "2026-09-24"  # sora-2-pro's profile says so
    assert plan["total_cost_usd"] == 2.8


def test_the_plan_validates_against_the_schema(tmp_path):
    from jsonschema import Draft202012Validator

    from sorascript.lower.plan import plan_schema

    validator = Draft202012Validator(plan_schema())
    for text in (DINER, CUTS):
        plan = compile_plan(tmp_path, text)
        assert list(validator.iter_errors(plan)) == []


def test_a_model_without_audio_drops_dialogue_and_sound_from_the_prompt(tmp_path):
    path = tmp_path / "silent.shot"
    path.write_text(
        'model silent-model:\n    sizes 1280x720\n    durations 4s\n    price $0.05/s\n    audio no\n\n'
        'character mara:\n    "a woman in a green raincoat"\n\n'
        'shot a:\n    model silent-model\n    size 1280x720\n    duration 4s\n'
        '    "Mara waits at a bus stop in the rain."\n'
        '    beats:\n        "Mara checks her watch"\n        sfx "a bus brakes"\n        mara: "Late again."\n'
        '    dialogue:\n        mara (quietly): "Come on."\n'
        '    sound:\n        ambient "rain on the shelter roof"\n',
        encoding="utf-8",
    )
    result = driver.compile(path)
    assert [d.code for d in result.diagnostics if d.code == "W203"] == ["W203"]
    prompt = result.plan["jobs"][0]["request"]["prompt"]
    assert "Mara checks her watch" in prompt
    for gone in ("Dialogue:", "Sound:", "Come on.", "Late again.", "a bus brakes", "rain on the shelter roof"):
        assert gone not in prompt, gone


def test_a_fade_after_the_last_shot_ends_the_sequence(tmp_path):
    from sorascript.lower.plan import plan_schema
    import jsonschema

    path = tmp_path / "seq.shot"
    path.write_text('shot a:\n    "A door opens."\nshot b:\n    "A door closes."\n'
                    'sequence s:\n    a crossfade 0.5s\n    b fade 2s\n', encoding="utf-8")
    plan = driver.compile(path).plan
    assert plan["sequences"] == [
        {"name": "s", "jobs": ["a", "b"], "transitions": ["crossfade 0.5s"], "runtime_s": 7.5, "end": "fade 2s"}
    ]
    jsonschema.validate(plan, plan_schema())


# ---- the timeline: what the animatic, assembly and export read ---------------------------------


TIMED = '''
character mara:
    "a woman in a green raincoat"
    cameo "mara.mp4"

palette dusk:
    amber #f2a33a "lamps"
    teal #2f5d62 "water"
    rust #8c3b2a "hull"

shot a:
    duration 8s
    "The harbour at dusk."
    palette dusk
    loop short
    camera:
        crane down over 4s
        hold
    beats:
        "The ferry docks"
        "Mara steps off"
    dialogue:
        at 1s mara (quietly): "Home again."
        pause 1s
        mara: "At last."
    sound:
        ambient "gulls"
        at 2s sfx "a rope thrown"
    cut 0s..4s "Wide":
        "Wide on the pier."
    cut 4s..8s:
        "Close on Mara."
'''


def test_the_timeline_places_beats_lines_moves_sounds_and_cuts(tmp_path):
    (tmp_path / "mara.mp4").write_bytes(b"not checked here")
    job = jobs(compile_plan(tmp_path, TIMED))["a"]
    line = job["timeline"]
    assert line["duration_s"] == 8.0 and line["palette"] == ["#f2a33a", "#2f5d62", "#8c3b2a"]
    # untimed beats share the clip, in order
    assert [(b["start_s"], b["end_s"], b["text"]) for b in line["beats"]] == [(0.0, 4.0, "The ferry docks"),
                                                                             (4.0, 8.0, "Mara steps off")]
    # at 1s, 2 words (0.8s), a 1s pause, then the next line
    assert [(l["start_s"], l["end_s"], l["speaker"]) for l in line["lines"]] == [(1.0, 1.8, "mara"), (2.8, 3.6, "mara")]
    assert line["lines"][0]["delivery"] == "quietly"
    assert [(m["start_s"], m["end_s"], m["text"]) for m in line["moves"]] == [(0.0, 4.0, "crane down over 4 seconds"),
                                                                             (4.0, 8.0, "hold for 4 seconds")]
    assert [(s["kind"], s["start_s"], s.get("end_s")) for s in line["sounds"]] == [("ambient", 0.0, 8.0), ("sfx", 2.0, None)]
    assert line["cuts"] == [{"start_s": 0.0, "end_s": 4.0, "title": "Wide"}, {"start_s": 4.0, "end_s": 8.0}]
    assert job["loop"] == "short"
    assert job["cameos"] == [{"name": "mara", "video": "mara.mp4"}]


def test_a_silent_model_has_no_lines_or_sounds_in_its_timeline(tmp_path):
    text = 'model quiet:\n    audio no\n\n' + TIMED.replace("    duration 8s", "    model quiet\n    duration 8s")
    (tmp_path / "mara.mp4").write_bytes(b"x")
    line = jobs(compile_plan(tmp_path, text))["a"]["timeline"]
    assert "lines" not in line and "sounds" not in line and "beats" in line
