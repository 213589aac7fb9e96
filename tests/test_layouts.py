"""The prompt profiles (`layout guide|paragraph|timeline`): one scene in each,
against reviewed goldens and the profile's promises; every example under
every profile; the tables themselves; the phrase filler."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, check_golden
from sorascript import driver
from sorascript.lower import layout
from sorascript.lower.layout import clock, closed, fill, mention, profiles, with_appositive

HERE = Path(__file__).resolve().parent / "layouts"
LAYOUTS = ["guide", "paragraph", "timeline"]
SEGMENT = re.compile(r"^\[(\d\d):(\d\d(?:\.\d+)?)-(\d\d):(\d\d(?:\.\d+)?)\] (.+)$")


def compile_in(folder: Path, text: str, name: str = "scene.shot") -> dict:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = driver.compile(path)
    errors = [f"{d.code} {d.message} at {d.span.line}" for d in result.diagnostics if d.severity == "error"]
    assert result.problem is None and not errors, errors or result.problem
    return json.loads(driver.plan_json(result.plan))


def prompts(plan: dict) -> dict[str, str]:
    return {j["name"]: j["request"]["prompt"] for j in plan["jobs"] if j["kind"] == "create"}


def scene(tmp_path: Path, name: str) -> dict[str, str]:
    text = (HERE / "harbour.shot").read_text(encoding="utf-8").replace("layout guide", f"layout {name}")
    return prompts(compile_in(tmp_path, text))


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_scene_in_each_profile_matches_its_reviewed_golden(tmp_path, name, update_goldens):
    said = scene(tmp_path, name)
    check_golden(HERE / f"harbour.{name}.txt", "".join(f"== {job}\n{text}\n" for job, text in said.items()),
                 update_goldens)


def test_paragraph_is_one_flowing_paragraph_style_first_dialogue_inline_sound_last(tmp_path):
    said = scene(tmp_path, "paragraph")
    text = said["handover"]
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.startswith("35mm film, soft grain, muted teal and amber. ")
    # dialogue inline, as said
    assert 'Ines says quietly, "Keep it wound."' in text and 'Theo says, "I will."' in text
    # in the order things happen: the beat at 3s, then the line at 3.5s, then the beat at 6s, the line at 6.5s
    order = [text.index(s) for s in ("Theo, a boy", "She holds out", "Keep it wound", "They look out", "I will")]
    assert order == sorted(order)
    # the cast described once, where first named, not on label lines; a voice for those who speak
    assert text.count("a boy of about ten with dark curls") == 1
    # a beat is said as written: the description of one it names first comes just before it
    assert "Theo, a boy of about ten with dark curls, wearing yellow rain jacket (voice: bright, quick), is in frame. "\
           "Theo runs along the boards toward her." in text
    assert "Ines, a woman in her sixties" in text and "Ines:" not in text and "Theo:" not in text
    # the sound as one closing sentence, then the inline avoid
    assert text.rstrip().endswith("Sound: gulls, water slapping the pilings; the watch lid clicks open at 4s; "
                                  "music: a low cello note. Avoid: text, logos.")
    # cuts as compact titled sentences
    assert "Morning (0-4s): Pale mist over the water. A gull lands on a post. Cut 2 (4-8s):" in said["seasons"]


def test_timeline_is_the_description_then_one_line_a_segment(tmp_path):
    said = scene(tmp_path, "timeline")
    for job, text in said.items():
        head, rest = text.split("\n\n", 1)
        assert "[" not in head and head.startswith("35mm film, soft grain")
        lines = [line for line in rest.splitlines() if SEGMENT.match(line)]
        assert lines, text
        bounds = [SEGMENT.match(line).groups()[:4] for line in lines]
        times = [(int(a) * 60 + float(b), int(c) * 60 + float(d)) for a, b, c, d in bounds]
        # segments follow each other from the clip's start to its end
        assert times[0][0] == 0 and times[-1][1] == 8
        assert all(end == nxt[0] for (_, end), nxt in zip(times, times[1:]))
    segments = {SEGMENT.match(l).group(1, 2): l for l in said["handover"].splitlines() if SEGMENT.match(l)}
    # each beat, line and cue in the segment it starts in, with its camera moves
    assert "Theo runs along the boards toward her" in segments[("00", "00")]
    assert "The camera tracks Ines over 8 seconds" in segments[("00", "00")]
    assert 'Ines says quietly, "Keep it wound."' in segments[("00", "03.5")]
    assert "Sound effect: the watch lid clicks open." in segments[("00", "04")]
    assert "[00:00-00:04] Morning: Pale mist over the water. A gull lands on a post." in said["seasons"]
    assert "[00:04-00:05] Cut 2: The lamps come on one by one." in said["seasons"]


def test_guide_keeps_the_sections_of_the_sora_guide(tmp_path):
    text = scene(tmp_path, "guide")["handover"]
    heads = [line for line in text.splitlines()
             if re.fullmatch(r"(Cinematography|Actions|Dialogue|Sound|Style|Continuity|Avoid):( .*)?", line)]
    assert [h.split(":")[0] for h in heads] == ["Cinematography", "Actions", "Dialogue", "Sound", "Style", "Avoid"]
    assert '[Ines, quietly] (at 3.5s): "Keep it wound."' in text
    # moves at the same time are joined by "and", not "then"
    assert "Camera movement: track Ines (0-8s) and dolly in (0-8s)" in text


def test_a_negative_field_model_takes_avoid_out_of_every_profile(tmp_path):
    for name in LAYOUTS:
        text = (HERE / "harbour.shot").read_text(encoding="utf-8").replace("layout guide", f"layout {name}")
        plan = compile_in(tmp_path, text.replace("negative inline", "negative field"))
        handover = next(j for j in plan["jobs"] if j["name"] == "handover")
        assert handover["request"]["negative_prompt"] == "text, logos"
        assert "Avoid" not in handover["request"]["prompt"] and "logos" not in handover["request"]["prompt"]


# ---- every example under every profile -----------------------------------------------------------------
PROBE = """
model probe-{layout}:
    sizes 720x1280, 1280x720, 1024x1792, 1792x1024, 1920x1080, 1080x1920
    durations 4s, 8s, 12s, 16s, 20s
    price $0.10/s
    audio yes
    reference yes
    max-characters 2
    layout {layout}
    negative inline
"""
EXAMPLES = sorted(p for p in (REPO / "examples").rglob("*.shot") if "open-models" not in p.parts)


def beats_and_lines(plan: dict) -> dict[str, list[str]]:
    """Each create job's beat and line texts, from its timeline."""
    out = {}
    for job in plan["jobs"]:
        if job["kind"] == "create":
            timeline = job.get("timeline", {})
            out[job["name"]] = [b["text"] for b in timeline.get("beats", [])] + \
                               [line["text"] for line in timeline.get("lines", [])]
    return out


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_example_compiles_under_each_profile_with_every_beat_and_line(tmp_path, name):
    """The examples' Sora models swapped for a model that reads the profile
    (the same sizes and durations), each example compiles, and each of its
    beats and lines is in its prompt."""
    copy = tmp_path / "examples"
    shutil.copytree(REPO / "examples", copy, ignore=shutil.ignore_patterns("renders", ".sorac"))
    for path in copy.rglob("*.shot"):
        text = path.read_text(encoding="utf-8")
        swapped = re.sub(r"\bmodel sora-2(-pro)?\b", f"model probe-{name}", text)
        if swapped != text:
            path.write_text(swapped + PROBE.format(layout=name), encoding="utf-8")
    checked = 0
    for example in EXAMPLES:
        path = copy / example.relative_to(REPO / "examples")
        if example.name == "cast.shot":
            continue  # imported by film.shot
        result = driver.compile(path)
        errors = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == "error"]
        assert result.problem is None and not errors, (example.name, errors)
        plan = json.loads(driver.plan_json(result.plan))
        said = prompts(plan)
        for job, texts in beats_and_lines(plan).items():
            for text in texts:
                assert text in said[job], (example.name, job, text)
                checked += 1
        if name == "paragraph":
            assert all(p.count("\n") == 1 for p in said.values()), example.name
        if name == "timeline":
            assert all(any(SEGMENT.match(line) for line in p.splitlines()) for p in said.values()
                       if "[00:" in p or plan), example.name
    assert checked >= 30


# ---- the tables --------------------------------------------------------------------------------------------
# Every bucket `content.py` and `prompt.py` fill. A profile that took none of
# one would drop what the writer wrote without a word.
BUCKETS = {"setting", "description", "atmosphere", "notes", "layers", "timing", "mood", "avoid", "camera", "move",
           "lighting", "action", "dialogue", "sound", "cast", "props", "palette", "style", "continuity"}


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_profile_says_every_bucket_once(name):
    profile = profiles()[name]
    taken = [bucket for s in profile.sections for bucket, family, keep in s.take if family is None or not keep]
    named = {bucket for s in profile.sections for bucket, _, _ in s.take}
    assert named <= BUCKETS
    # the guide says moves in the camera's `Camera movement:` line, the others move by move
    expected = BUCKETS - {"move"} if name == "guide" else BUCKETS
    assert named == expected
    assert len([b for b in taken if b not in ("camera", "action")]) == len({b for b in taken} - {"camera", "action"})
    for s in profile.sections + profile.cut_sections:
        assert s.form in {"prose", "lines", "list", "titled", "sentences", "clauses", "segments"}


def test_the_profiles_are_the_vocabulary_s_layouts():
    from sorascript import vocab

    assert sorted(profiles()) == sorted(vocab.LAYOUTS)
    for profile in profiles().values():
        assert {"appositive", "intro", "intro.bare"} <= set(profile.phrases)
        assert profile.cuts in {"blocks", "segments"}
        assert any(s.describes for s in profile.sections)


# ---- the phrase filler -------------------------------------------------------------------------------------
def test_fill_leaves_out_an_optional_part_whose_field_is_empty():
    template = '{speaker} says< {delivery}>, "{text}"'
    assert fill(template, {"speaker": "Mara", "delivery": "quietly", "text": "Hi."}) == 'Mara says quietly, "Hi."'
    assert fill(template, {"speaker": "Mara", "delivery": None, "text": "Hi."}) == 'Mara says, "Hi."'
    assert fill("{a|cap}< and {b|low}>", {"a": "wide shot", "b": "The pier"}) == "Wide shot and the pier"
    assert fill("{a|low}", {"a": "NASA footage"}) == "NASA footage"  # only a leading article is lowered


def test_sentences_close_once():
    assert closed("A pier at dusk") == "A pier at dusk."
    assert closed("Is it?") == "Is it?"
    assert closed('Mara says, "Hi"') == 'Mara says, "Hi"'
    assert closed("violet (long shadows)") == "violet (long shadows)."
    assert closed("f/8 (deep focus.)") == "f/8 (deep focus.)"


def test_clock():
    assert [clock(v) for v in (0, 2000, 2500, 65_000, 600_500)] == ["00:00", "00:02", "00:02.5", "01:05", "10:00.5"]


def test_a_first_mention_is_outside_quotes_and_not_a_possessive():
    text = 'He says, "Theo!" Theo\'s cap falls. Theo runs.'
    at = mention(text, "Theo")
    assert text[:at].endswith("Theo runs"[:4]) and text[at:].startswith(" runs")
    assert with_appositive("Theo runs.", 4, "a boy") == "Theo, a boy, runs."
    assert with_appositive("He sees Theo.", 12, "a boy") == "He sees Theo, a boy."
    assert mention("theodore waits", "Theo") is None
    assert layout.mention("THEO waits", "Theo") == 4


INTERLEAVED = '''model tl:
    api-model "tl"
    sizes 1280x720
    audio yes
    layout LAYOUT

character mara:
    "woman in her 30s"

shot kitchen:
    model tl
    size 1280x720
    duration 12s
    "A kitchen."
    cast mara
    beats:
        "Mara pours tea ALPHA"
        mara: "Tea? BRAVO"
        "She sits DELTA"
        narrator: "She always sat there. ECHO"
        cue "music swells FOXTROT"
'''


@pytest.mark.parametrize("name", LAYOUTS)
def test_untimed_beats_lines_and_cues_keep_their_written_order(tmp_path, name):
    """docs/language.md: untimed beats interleave lines and cues, lowered in that
    order; in every profile, and in the job's timeline, a line written after a
    beat comes no earlier than that beat."""
    plan = compile_in(tmp_path, INTERLEAVED.replace("LAYOUT", name))
    text = prompts(plan)["kitchen"]
    words = ["ALPHA", "BRAVO", "DELTA", "ECHO"] + (["FOXTROT"] if name != "paragraph" else [])
    order = [text.index(w) for w in words]
    assert order == sorted(order), text
    timeline = next(j for j in plan["jobs"] if j["name"] == "kitchen")["timeline"]
    beats = {b["text"].split()[-1]: b["start_s"] for b in timeline["beats"]}
    lines = {line["text"].split()[-1]: line["start_s"] for line in timeline["lines"]}
    assert beats == {"ALPHA": 0.0, "DELTA": 6.0}
    assert lines["BRAVO"] == 0.0 and lines["ECHO"] == 6.0
    assert [s["start_s"] for s in timeline["sounds"]] == [6.0]


def test_a_paragraph_closes_on_its_sound_after_its_cuts(tmp_path):
    text = ('model pm:\n    api-model "pm"\n    sizes 1280x720\n    audio yes\n    layout paragraph\n\n'
            'shot garden:\n    model pm\n    size 1280x720\n    duration 8s\n    "A garden."\n'
            '    sound:\n        ambient "birds"\n    avoid "text on screen"\n'
            '    cut 0s..4s "One":\n        "A gate opens."\n    cut 4s..8s:\n        "A cat leaps."\n')
    said = prompts(compile_in(tmp_path, text))["garden"]
    assert said.index("A cat leaps.") < said.index("Sound: birds") < said.index("Avoid: text on screen")
    assert said.rstrip().endswith("Avoid: text on screen.")
