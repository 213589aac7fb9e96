"""The animatics: real MP4s, decoded, whose pixels and sound show the shot's timing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from servetools import audio_levels, frames, near, probe, region_difference
from sorascript import driver
from sorascript.serve import media
from sorascript.serve.draw import MOVE, SPEAKER, Clip, Layout, Painter, move_direction, printable, timecode
from sorascript.serve.script import Cue, Script, ScriptError, from_field, from_prompt

REPO = Path(__file__).resolve().parent.parent
PALETTE = ((232, 145, 58), (47, 93, 98), (242, 194, 48))
W, H = 240, 320  # small, portrait: every region of the layout is apart


def render(script: Script, tmp_path: Path, *, width: int = W, height: int = H, seconds: float = 2.0, fps: int = 24,
           name: str = "clip") -> bytes:
    clip = Clip(width, height, fps, round(seconds * fps), script)
    out = tmp_path / f"{name}.mp4"
    media.encode(Painter(clip), out, media.Processes())
    return out.read_bytes()


def count_near(image, box, colour, tolerance: int = 40) -> int:
    """How many pixels in box are within tolerance of colour."""
    raw = image.crop(box).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(raw), 3) if near(raw[i:i + 3], colour, tolerance))


def test_the_background_is_the_palette(tmp_path):
    shots = frames(render(Script(palette=PALETTE), tmp_path, seconds=0.5), [6])
    y = Layout(W, H, 0).clear_y
    for i, colour in enumerate(PALETTE):
        x = (2 * i + 1) * W // 6  # the middle of band i
        assert near(shots[6].getpixel((x, y)), colour, 6), (i, shots[6].getpixel((x, y)))


def test_without_a_palette_the_background_is_neutral(tmp_path):
    shots = frames(render(Script(), tmp_path, seconds=0.5), [3])
    assert near(shots[3].getpixel((W // 2, Layout(W, H, 0).clear_y)), (48, 48, 48), 4)


def test_the_caption_changes_when_the_beat_changes(tmp_path):
    script = Script(palette=PALETTE, beats=(Cue(0, 1, "Ines takes the watch out"), Cue(1, 2, "She hands it over")))
    shots = frames(render(script, tmp_path), [6, 18, 30])
    top, bottom = Layout(W, H, 0).caption_box
    box = (0, top, W, bottom)
    assert region_difference(shots[6], shots[18], box) < 1  # one beat: the same caption
    assert region_difference(shots[18], shots[30], box) > 5  # the next beat


def test_a_move_mark_shows_only_while_the_move_runs(tmp_path):
    script = Script(palette=PALETTE, moves=(Cue(0.5, 1.5, "pan left 30 degrees over 1 second"),))
    shots = frames(render(script, tmp_path), [6, 24, 42])
    top, bottom = Layout(W, H, 1).move_row(0)
    box = (0, top, W, bottom)
    assert count_near(shots[24], box, MOVE) > 100  # the arrow, the words and the progress bar
    assert count_near(shots[6], box, MOVE) == 0 and count_near(shots[42], box, MOVE) == 0
    assert region_difference(shots[6], shots[42], box) < 1


def test_the_move_bar_fills_as_the_move_runs(tmp_path):
    script = Script(moves=(Cue(0.0, 2.0, "push in"),))
    shots = frames(render(script, tmp_path), [6, 42])
    top, bottom = Layout(W, H, 1).move_row(0)
    box = (W // 2, top, W, bottom)  # the right half holds the bar
    assert count_near(shots[42], box, MOVE) > count_near(shots[6], box, MOVE) + 30


def test_a_dialogue_line_is_a_subtitle_under_its_speaker(tmp_path):
    script = Script(lines=(Cue(0.5, 1.5, "Keep it wound.", "Ines"),))
    shots = frames(render(script, tmp_path, width=480, height=832), [6, 24, 42])
    layout = Layout(480, 832, 0)
    box = (0, layout.subtitle_top, 480, 832)
    assert count_near(shots[24], box, SPEAKER) > 20  # the speaker's name
    assert count_near(shots[24], box, (242, 242, 242), 30) > 50  # the line
    assert region_difference(shots[6], shots[42], box) < 1 and region_difference(shots[6], shots[24], box) > 5


def test_the_cut_title_follows_the_cuts(tmp_path):
    script = Script(cuts=(Cue(0, 1, "Winter"), Cue(1, 2, "Spring")))
    shots = frames(render(script, tmp_path), [6, 18, 30])
    layout = Layout(W, H, 0)
    box = (0, layout.cut_y, W, layout.band[0])
    assert region_difference(shots[6], shots[18], box) < 1 and region_difference(shots[18], shots[30], box) > 3


def test_the_timecode_runs_every_frame(tmp_path):
    shots = frames(render(Script(), tmp_path, seconds=1), [10, 11])
    layout = Layout(W, H, 0)
    band = (0, layout.band[0], W, layout.band[1])
    below = (0, layout.band[1] + 2, W, H)
    assert region_difference(shots[10], shots[11], band) > 0.5 and region_difference(shots[10], shots[11], below) < 0.5
    assert timecode(2.4) == "00:02.40" and timecode(61.005) == "01:01.00"


def test_the_audio_is_a_tone_under_dialogue_and_silence_elsewhere(tmp_path):
    script = Script(lines=(Cue(0.5, 1.5, "Keep it wound.", "Ines"),), sounds=(Cue(1.8, 2.0, "a chime", "sfx"),))
    data = render(script, tmp_path)
    clip = probe(data)
    assert clip.has_audio and clip.audio_rate == 48000
    quiet_before, tone, quiet_after, blip = audio_levels(data, [(0.05, 0.4), (0.6, 1.4), (1.55, 1.75), (1.82, 1.92)])
    assert tone > 0.02 and blip > 0.02
    assert quiet_before < 0.002 and quiet_after < 0.002


def test_exact_frames_and_sizes(tmp_path):
    clip = probe(render(Script(), tmp_path, width=1920, height=1080, seconds=0.5))
    assert (clip.width, clip.height, clip.frames, clip.fps) == (1920, 1080, 12, 24.0)
    clip = probe(render(Script(), tmp_path, width=480, height=832, seconds=81 / 16, fps=16))
    assert (clip.width, clip.height, clip.frames, clip.fps) == (480, 832, 81, 16.0)


def test_the_same_clip_is_the_same_bytes(tmp_path):
    script = from_prompt(_prompt("neon_diner.shot"))
    clip = Clip(320, 180, 24, 48, script)
    digests = set()
    for n in range(2):
        painter = Painter(clip)
        media.encode(painter, tmp_path / f"{n}.mp4", media.Processes())
        media.stills(painter, tmp_path / f"{n}.jpg", tmp_path / f"{n}.sprites.jpg")
        digests.add(tuple(hashlib.sha256((tmp_path / f"{n}{ext}").read_bytes()).hexdigest()
                          for ext in (".mp4", ".jpg", ".sprites.jpg")))
    assert len(digests) == 1
    assert Clip(320, 180, 24, 48, script).key() == clip.key() != Clip(320, 180, 24, 49, script).key()


@pytest.mark.parametrize("width, height, unit", [(480, 832, 24), (832, 480, 24), (1280, 720, 36), (1920, 1080, 54)])
def test_the_layout_scales_with_the_frame(width, height, unit):
    layout = Layout(width, height, 2)
    assert layout.unit == unit  # body text in pixels: legible at these sizes
    band_top, band_bottom = layout.band
    caption_top, caption_bottom = layout.caption_box
    assert 0 < layout.cut_y < band_top < band_bottom <= layout.panel_bottom < layout.clear_y < caption_top
    assert caption_bottom < layout.sound_box[0] < layout.sound_box[1] < layout.subtitle_top < height
    assert band_top % 2 == band_bottom % 2 == 0


@pytest.mark.parametrize("width, height", [(16, 16), (4096, 16), (16, 4096), (64, 36)])
def test_frames_too_small_for_the_layout_still_render(width, height):
    busy = from_field({"name": "n" * 50, "palette": ["red", "blue"],
                       "beats": [{"start_s": 0, "end_s": 1, "text": "a beat " * 20}],
                       "lines": [{"start_s": 0, "end_s": 1, "speaker": "S", "text": "words " * 30}],
                       "moves": [{"start_s": 0, "end_s": 1, "text": m} for m in ("pan left", "orbit", "hold", "push in")],
                       "sounds": [{"start_s": 0, "text": "x"}], "cuts": [{"start_s": 0, "end_s": 1, "title": "t"}]})
    painter = Painter(Clip(width, height, 24, 3, busy))
    for i in range(3):
        assert sum(len(piece) for piece in painter.planes(i)) == width * height * 3 // 2
        assert painter.frame(i).size == (width, height)


def test_long_text_is_cut_to_the_frame(tmp_path):
    title = "a very long shot title that would never fit across a portrait frame at this size " * 3
    painter = Painter(Clip(W, H, 24, 24, Script(name=title)))
    image = painter.frame(0)
    layout = painter.layout
    margin = (W - layout.margin + 1, layout.title_y, W, layout.cut_y)
    assert count_near(image, margin, (242, 242, 242), 60) == 0  # nothing white in the right margin


# --------------------------------------------------------------------------
# what the server reads from a request


def _prompt(example: str, job: int = 0) -> str:
    result = driver.compile(REPO / "examples" / example)
    assert result.plan is not None, result.diagnostics
    return result.plan["jobs"][job]["request"]["prompt"]


def test_the_prompt_of_the_diner_scene():
    script = from_prompt(_prompt("neon_diner.shot"))
    assert [(b.start_s, b.end_s) for b in script.beats] == [(0, 2), (2, 4), (4, 8)]
    assert script.beats[0].text.startswith("Mara stares at her coffee cup")
    assert [(line.who, line.text) for line in script.lines] == [("Mara", "I knew you'd come back."), ("Mara", "You always do.")]
    first, second = script.lines
    assert first.start_s == 0 and second.start_s == pytest.approx(first.end_s + 1)  # after the 1 s pause
    assert [(m.start_s, m.end_s) for m in script.moves] == [(0, 6)] and script.moves[0].text.startswith("push in")
    assert [(s.start_s, s.who, s.text) for s in script.sounds] == [(1.0, "sfx", "coffee cup set on a saucer")]
    assert script.palette[0] == (220, 20, 60)  # crimson
    assert script.title.startswith("A dimly lit diner booth")


def test_the_prompt_of_four_seasons_has_its_cuts():
    script = from_prompt(_prompt("four_seasons.shot"))
    assert [(c.start_s, c.end_s, c.text) for c in script.cuts] == [
        (0, 3, "Winter"), (3, 6, "Spring"), (6, 9, "Summer"), (9, 12, "Autumn")]
    assert [(b.start_s, b.end_s) for b in script.beats] == [(0, 3), (3, 6), (6, 9), (9, 12)]
    assert "The tree is bare" in script.beats[0].text


def test_a_prompt_without_structure_is_still_an_animatic():
    script = from_prompt("Just some words, nothing timed. And another sentence.")
    assert script.title == "Just some words, nothing timed."
    assert (script.beats, script.lines, script.moves, script.palette) == ((), (), (), ())


def test_the_renderers_structure_field():
    script = from_field({
        "name": "handover", "title": "The watch", "palette": ["#e8913a", "teal"],
        "beats": [{"start_s": 0.0, "end_s": 2.0, "text": "Ines takes the watch out"}],
        "lines": [{"start_s": 2.0, "speaker": "Ines", "text": "Keep it wound."}],
        "moves": [{"start_s": 0.0, "end_s": 6.0, "text": "push in over 6 seconds"}],
        "sounds": [{"start_s": 1.0, "kind": "sfx", "text": "the watch chain rattling"}],
        "cuts": [{"start_s": 0.0, "end_s": 3.0, "title": "Winter"}], "future_key": True})
    assert script.heading == "handover - The watch" and script.palette == ((232, 145, 58), (0, 128, 128))
    assert script.lines[0].end_s == pytest.approx(3.2)  # three words at 400 ms, for a line with no end
    assert script.sounds[0].end_s == 3.0 and script.cuts[0].text == "Winter"
    assert from_field("{}") == Script()


@pytest.mark.parametrize("value, words", [
    ('{"beats": {}}', "beats must be a list of objects, not an object"),
    ('{"beats": [3]}', "beats[0] must be an object, not a number"),
    ('{"moves": [{"start_s": -1, "text": "x"}]}', "moves[0].start_s must be a number of seconds >= 0"),
    ('{"moves": [{"start_s": true, "text": "x"}]}', "moves[0].start_s must be a number of seconds >= 0, not true"),
    ('{"name": 3}', "name must be a string, not a number"),
    ('{"palette": "red"}', "palette must be a list of colours"),
])
def test_malformed_structure_says_where(value, words):
    with pytest.raises(ScriptError) as caught:
        from_field(value)
    assert words in str(caught.value)


@pytest.mark.parametrize("text, direction", [
    ("pan left 30°", "left"), ("tilt up 15° over 2 seconds", "up"), ("push in from medium close-up to close-up", "in"),
    ("pull back to a wide shot", "out"), ("dolly out", "out"), ("zoom in", "in"), ("orbit right 90°", "orbit"),
    ("hold", "hold"), ("crane down 2m", "down"), ("truck right", "right"), ("handheld drift", "right"),
])
def test_move_directions(text, direction):
    assert move_direction(text) == direction


def test_text_is_spelt_in_the_fonts_characters():
    assert printable("Café — naïve → “ok”…") == "Cafe - naive -> “ok”…"
    assert printable("東京") == "??"
