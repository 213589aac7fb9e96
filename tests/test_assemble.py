"""Assembly on real clips (docs/language.md, "Assembly"): probe, frames, sequences,
overlays, loops, seams sheets. Every clip is made here with the bundled
ffmpeg, small (160x90 or 320x180, 24 fps, 1-3 s) so the whole file is fast."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from media_helpers import (all_frames, audio_samples, difference, load, make_clip, make_two_colours, mean_colour,
                           near, rms)
from sorascript.render.assemble import (Clip, Conform, Overlay, Transition, check_format, check_plan_format,
                                        draw_overlays, make_loop, overlay_layer, seams_sheet, stitch)
from sorascript.render.media import MediaError, extract_frame, ffmpeg_exe, frame_pixels, probe

FRAME = 1 / 24
RED, BLUE, GREEN, BLACK = (255, 0, 0), (0, 0, 255), (0, 128, 0), (0, 0, 0)


@pytest.fixture(scope="module")
def src(tmp_path_factory) -> Path:
    """The module's source clips, made once."""
    d = tmp_path_factory.mktemp("clips")
    make_clip(d / "red.mp4", "red", seconds=2)                       # with a tone
    make_clip(d / "blue.mp4", "blue", seconds=2, audio=False)        # silent
    make_clip(d / "green.mp4", "green", seconds=1.5, tone=880)
    make_clip(d / "pattern.mp4", "testsrc2", size="320x180", seconds=3)
    make_clip(d / "grey.mp4", "gray", seconds=2)
    make_clip(d / "white.mp4", "white", seconds=1, audio=False)
    make_clip(d / "black.mp4", "black", seconds=1, audio=False)
    make_clip(d / "tall.mp4", "white", size="90x160", fps="30", seconds=1)
    make_clip(d / "fast.mp4", "blue", fps="30", seconds=1, audio=False)
    make_two_colours(d / "redblue.mp4", "red", "blue")
    return d


def clip(src: Path, name: str) -> Clip:
    return Clip(name, src / f"{name}.mp4")


def damaged_copy(good: Path, bad: Path) -> Path:
    """A clip whose header is intact and whose picture data is garbage halfway through."""
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 3000] = bytes((i * 97 + 13) % 256 for i in range(3000))
    bad.write_bytes(bytes(data))
    return bad


# --- probe and frames ----------------------------------------------------------

def test_probe_reads_size_rate_frames_and_sound(src):
    assert probe(src / "red.mp4").__dict__ == {"width": 160, "height": 90, "fps": 24.0, "frames": 48,
                                                "duration_s": 2.0, "has_audio": True}
    tall = probe(src / "tall.mp4")
    assert (tall.width, tall.height, tall.fps, tall.frames, tall.has_audio) == (90, 160, 30.0, 30, True)
    assert probe(src / "blue.mp4").has_audio is False


def test_names_with_colons_and_dashes_are_files(src, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative names, as a project's renders/ folder gives them
    (tmp_path / "take:1.mp4").write_bytes((src / "red.mp4").read_bytes())
    source, out = Path("take:1.mp4"), Path("-seq:1.mp4")
    stitch([Clip("red", source), Clip("red2", source)], [Transition("cut")], out)
    assert probe(out).frames == 96
    extract_frame(out, None, Path("last:1.png"))
    assert near(mean_colour(load(tmp_path / "last:1.png")), RED)


def test_probe_knows_ntsc_rates(tmp_path):
    info = probe(make_clip(tmp_path / "ntsc.mp4", fps="24000/1001", seconds=1, audio=False))
    assert abs(info.fps - 24000 / 1001) < 1e-9
    assert abs(info.duration_s - info.frames * 1001 / 24000) < 1e-9


def test_probe_refuses_what_is_not_a_readable_video(tmp_path, src):
    (tmp_path / "notes.mp4").write_text("not a video\n")
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes((src / "pattern.mp4").read_bytes()[:20000])
    sound = tmp_path / "sound.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=1", str(sound)], check=True)
    Image.new("RGB", (16, 16)).save(tmp_path / "still.png")
    cases = {"missing.mp4": "no such file", "notes.mp4": "not a readable video", "truncated.mp4": "not a readable video",
             "sound.m4a": "no video stream", "still.png": "no video stream"}
    for name, words in cases.items():
        with pytest.raises(MediaError) as error:
            probe(tmp_path / name)
        message = str(error.value)
        assert words in message and name in message and "\n" not in message, message


def test_last_frame_is_exactly_the_last_decoded_frame(src, tmp_path):
    path = src / "pattern.mp4"
    frames = all_frames(path, 320, 180)
    out = tmp_path / "last.png"
    extract_frame(path, None, out)
    got = load(out)
    last = Image.frombytes("RGB", (320, 180), frames[-1])
    before = Image.frombytes("RGB", (320, 180), frames[-2])
    assert got.size == (320, 180)
    assert difference(got, last) < 0.5
    assert difference(got, before) > 2 * difference(got, last) + 1  # the frame counter tells them apart
    assert difference(frame_pixels(path, None), last) < 0.5


def test_frame_at_a_time_is_the_frame_on_screen_then(src):
    path = src / "redblue.mp4"  # red for 1 s, then blue
    assert near(mean_colour(frame_pixels(path, 0.0)), RED)
    assert near(mean_colour(frame_pixels(path, 1.0 - FRAME)), RED)
    assert near(mean_colour(frame_pixels(path, 1.0)), BLUE)
    assert near(mean_colour(frame_pixels(path, 5.0)), BLUE)  # past the end: the last frame
    frames = all_frames(src / "pattern.mp4", 320, 180)
    assert difference(frame_pixels(src / "pattern.mp4", 10 * FRAME), Image.frombytes("RGB", (320, 180), frames[10])) < 0.5


def test_reference_frame_is_scaled_to_fill_and_centre_cropped(src, tmp_path):
    out = tmp_path / "ref.png"
    extract_frame(src / "tall.mp4", None, out, size=(160, 90))  # portrait clip, landscape shot
    image = load(out)
    assert image.size == (160, 90)
    assert near(mean_colour(image, (0, 0, 8, 90)), (255, 255, 255))  # filled to the edges: no bars
    extract_frame(src / "pattern.mp4", 1.0, out, size=(64, 64))
    assert load(out).size == (64, 64)


# --- sequences -----------------------------------------------------------------

def test_crossfade_fade_and_end_fade_have_the_plans_length_and_look(src, tmp_path):
    out = tmp_path / "seq.mp4"
    stitch([clip(src, "red"), clip(src, "blue"), clip(src, "green")],
           [Transition("crossfade", 0.5), Transition("fade", 1.0)], out, end=Transition("fade", 1.0))
    info = probe(out)
    runtime = 2 + 2 + 1.5 - 0.5  # the plan's runtime_s: crossfades overlap, fades do not
    assert abs(info.duration_s - runtime) <= FRAME
    assert (info.width, info.height, info.has_audio) == (160, 90, True)
    assert near(mean_colour(frame_pixels(out, 1.0)), RED)
    assert near(mean_colour(frame_pixels(out, 1.75)), (128, 0, 128), 16)  # mid-crossfade: red and blue mixed
    assert near(mean_colour(frame_pixels(out, 3.0)), BLUE)
    assert max(mean_colour(frame_pixels(out, 3.5))) < 10  # the dip to black, where blue meets green
    assert near(mean_colour(frame_pixels(out, 3.5 - 0.5)), BLUE, 16)  # the dip is 0.5 s out and 0.5 s in
    assert near(mean_colour(frame_pixels(out, 4.0)), GREEN)
    assert 40 < mean_colour(frame_pixels(out, 4.5))[1] < 90  # the end fade, half way
    assert max(mean_colour(frame_pixels(out, None))) < 10


def test_every_join_has_sound_and_silent_shots_get_silence(src, tmp_path):
    out = tmp_path / "seq.mp4"
    stitch([clip(src, "red"), clip(src, "blue"), clip(src, "green")], [Transition("cut"), Transition("cut")], out)
    assert abs(probe(out).duration_s - 5.5) <= FRAME
    samples = audio_samples(out)
    assert abs(len(samples) / 8000 - 5.5) < 0.05  # sound for the whole length
    assert rms(samples, 0.2, 1.8) > 1000       # red's tone
    assert rms(samples, 2.2, 3.8) < 30         # blue has no sound: silence
    assert rms(samples, 4.2, 5.3) > 1000       # green's tone


def test_a_cut_switches_on_the_frame(src, tmp_path):
    out = tmp_path / "cut.mp4"
    stitch([clip(src, "red"), clip(src, "blue")], [Transition("cut")], out)
    assert probe(out).frames == 96
    assert near(mean_colour(frame_pixels(out, 2.0 - FRAME)), RED)
    assert near(mean_colour(frame_pixels(out, 2.0)), BLUE)


def test_crossfade_dissolves_the_sound_too(src, tmp_path):
    out = tmp_path / "xf.mp4"
    stitch([clip(src, "red"), clip(src, "blue")], [Transition("crossfade", 1.0)], out)
    samples = audio_samples(out)
    assert abs(probe(out).duration_s - 3.0) <= FRAME
    assert rms(samples, 0.2, 0.8) > 1000 and rms(samples, 2.2, 2.9) < 30
    assert 30 < rms(samples, 1.4, 1.6) < rms(samples, 0.2, 0.8)  # fading out across the overlap


def test_one_clip_is_a_sequence_too(src, tmp_path):
    out = tmp_path / "one.mp4"
    stitch([clip(src, "blue")], [], out, end=Transition("fade", 1.0))
    assert probe(out).frames == 48 and probe(out).has_audio


def test_different_formats_are_an_error_naming_both_shots(src, tmp_path):
    message = check_format([clip(src, "red"), clip(src, "blue"), clip(src, "tall")], None)
    assert message is not None and "\n" not in message
    assert "red" in message and "tall" in message and "blue" not in message.split("differ")[0]
    assert "160x90" in message and "90x160" in message and "conform" in message
    rate = check_format([clip(src, "blue"), clip(src, "fast")], None)
    assert "blue" in rate and "fast" in rate and "24fps" in rate and "30fps" in rate
    assert check_format([clip(src, "red"), clip(src, "blue")], None) is None
    assert check_format([clip(src, "red"), clip(src, "tall")], Conform(160, 90, 24)) is None
    out = tmp_path / "bad.mp4"
    with pytest.raises(MediaError, match="red and tall differ in size"):
        stitch([clip(src, "red"), clip(src, "tall")], [Transition("cut")], out)
    assert not out.exists()


def test_different_formats_in_the_plan_are_an_error_before_rendering():
    def job(name, size, fps=None, kind="create", after=()):
        request = {"size": size, "seconds": "4", "prompt": "…", **({"fps": fps} if fps else {})}
        return {"name": name, "kind": kind, "request": request if kind == "create" else {"prompt": "…"},
                "after": list(after)}
    plan = {"jobs": [job("wide", "1280x720", 24), job("tall", "720x1280"), job("wide_fog", None, kind="remix",
                                                                                 after=["wide"]),
                     job("fast", "1280x720", 30)]}
    sequence = {"name": "s", "jobs": ["wide", "wide_fog", "wide.take2", "tall"]}
    assert check_plan_format(plan, sequence) == (
        "shots wide and tall differ in size (1280x720 and 720x1280): a sequence is one format; "
        "add `conform 1280x720 24fps` to the sequence to scale and pad them")
    assert check_plan_format(plan, {**sequence, "conform": {"size": "1280x720", "fps": 24}}) is None
    assert check_plan_format(plan, {"name": "s", "jobs": ["wide", "wide_fog", "wide.take2"]}) is None
    assert "frame rate (24fps and 30fps)" in check_plan_format(plan, {"name": "s", "jobs": ["wide", "fast"]})
    assert check_plan_format(plan, {"name": "s", "jobs": ["tall", "fast"]}).startswith("shots tall and fast differ in size")


def test_conform_scales_and_letterboxes_to_one_format(src, tmp_path):
    out = tmp_path / "conformed.mp4"
    stitch([clip(src, "tall"), clip(src, "fast"), clip(src, "red")], [Transition("cut"), Transition("cut")], out,
           conform=Conform(320, 180, 24))
    info = probe(out)
    assert (info.width, info.height, info.fps) == (320, 180, 24.0)
    assert info.frames == 24 + 24 + 48  # 1 s at 30 fps is 24 frames at 24 fps
    portrait = frame_pixels(out, 0.5)
    assert max(mean_colour(portrait, (0, 0, 100, 180))) < 10              # pillarbox bars
    assert near(mean_colour(portrait, (140, 10, 180, 170)), (255, 255, 255))  # the picture, fitted, centred
    assert near(mean_colour(frame_pixels(out, 1.5)), BLUE)                 # same aspect: fills the frame


def test_the_same_inputs_give_the_same_bytes(src, tmp_path):
    digests = set()
    for n in range(2):
        out = tmp_path / f"run{n}.mp4"
        stitch([clip(src, "red"), clip(src, "blue"), clip(src, "green")],
               [Transition("crossfade", 0.5), Transition("fade", 0.5)], out, end=Transition("fade", 0.5))
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_a_failed_encode_never_takes_the_outputs_name(src, tmp_path):
    bad = damaged_copy(src / "pattern.mp4", tmp_path / "damaged.mp4")
    probe(bad)  # the header reads; the damage shows only when decoding
    outdir = tmp_path / "renders"
    outdir.mkdir()
    out = outdir / "film.mp4"
    out.write_bytes(b"the previous film")
    jobs = [
        lambda: stitch([Clip("good", src / "pattern.mp4"), Clip("bad", bad)], [Transition("cut")], out),
        lambda: make_loop(bad, "short", out),
        lambda: draw_overlays(bad, [Overlay("Title", "top", 0, 1)], out),
    ]
    for job in jobs:
        with pytest.raises(MediaError) as error:
            job()
        assert "\n" not in str(error.value)
        assert out.read_bytes() == b"the previous film"
        assert sorted(p.name for p in outdir.iterdir()) == ["film.mp4"]  # no partial file left behind


def test_a_crossfade_longer_than_a_shot_is_refused(src, tmp_path):
    with pytest.raises(MediaError, match="shorter than both shots"):
        stitch([clip(src, "red"), clip(src, "green")], [Transition("crossfade", 1.5)], tmp_path / "x.mp4")
    with pytest.raises(MediaError, match="green is too short for the crossfades on both its sides"):
        stitch([clip(src, "red"), clip(src, "green"), clip(src, "blue")],
               [Transition("crossfade", 1.0), Transition("crossfade", 1.0)], tmp_path / "x.mp4")
    with pytest.raises(MediaError, match="2 shots need 1 transitions"):
        stitch([clip(src, "red"), clip(src, "green")], [], tmp_path / "x.mp4")


def test_transitions_and_conform_read_from_the_plan():
    assert Transition.from_plan("cut") == Transition("cut", 0.0)
    assert Transition.from_plan("crossfade 0.5s") == Transition("crossfade", 0.5)
    assert Transition.from_plan("fade 1s") == Transition("fade", 1.0)
    assert Transition.from_plan("fade 250ms") == Transition("fade", 0.25)
    assert Transition.from_plan("fade") == Transition("fade", 1.0)
    assert Transition.from_plan("crossfade 0.5s").label() == "crossfade 0.5s"
    with pytest.raises(MediaError):
        Transition.from_plan("wipe 1s")
    assert Conform.from_plan({"size": "1280x720", "fps": 24}) == Conform(1280, 720, 24.0)
    assert Conform.from_plan(None) is None


# --- overlays -------------------------------------------------------------------

def test_overlay_shows_in_its_box_only_during_its_range(src, tmp_path):
    source, out = src / "grey.mp4", tmp_path / "titled.mp4"
    draw_overlays(source, [Overlay("Harbour, 1962", "bottom", 0.5, 1.5)], out)
    info = probe(out)
    assert (info.frames, info.has_audio) == (48, True)
    # where the caption is: the pixels that changed half way through its range
    changed = ImageChops.difference(frame_pixels(out, 1.0), frame_pixels(source, 1.0)).convert("L")
    box = changed.point(lambda v: 255 if v > 40 else 0).getbbox()
    assert box is not None
    left, top, right, bottom = box
    assert top > 45 and abs((left + right) / 2 - 80) < 6  # bottom centre
    for t in (0.0, 0.5 - FRAME, 1.5, 2.0 - FRAME):
        assert difference(frame_pixels(out, t), frame_pixels(source, t), box) < 2, t
    for t in (0.5, 1.0, 1.5 - FRAME):
        assert difference(frame_pixels(out, t), frame_pixels(source, t), box) > 20, t
    outside = (0, 0, 160, top - 2)
    assert difference(frame_pixels(out, 1.0), frame_pixels(source, 1.0), outside) < 2


@pytest.mark.parametrize("background", ["white", "black"])
def test_overlay_text_stands_out_on_light_and_dark_frames(src, tmp_path, background):
    out = tmp_path / "titled.mp4"
    draw_overlays(src / f"{background}.mp4", [Overlay("LEGIBLE", "center", 0, 1)], out)
    frame = frame_pixels(out, 0.5).convert("L")
    box = overlay_layer(Overlay("LEGIBLE", "center", 0, 1), 160, 90).getbbox()
    darkest, lightest = frame.crop(box).getextrema()
    assert darkest < 60 and lightest > 200  # dark box or outline, and white letters


@pytest.mark.parametrize("position", ["top-left", "top", "top-right", "center", "bottom-left", "bottom", "bottom-right"])
def test_overlay_positions_keep_inside_the_title_safe_area(position):
    left, top, right, bottom = overlay_layer(Overlay("Lisboa, São Bento", position, 0, 1), 1280, 720).getbbox()
    assert left >= 64 and top >= 36 and right <= 1280 - 64 and bottom <= 720 - 36
    horizontal = "left" if "left" in position else "right" if "right" in position else "center"
    vertical = "top" if position.startswith("top") else "bottom" if position.startswith("bottom") else "center"
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    assert {"left": centre_x < 640, "right": centre_x > 640, "center": abs(centre_x - 640) < 4}[horizontal]
    assert {"top": centre_y < 360, "bottom": centre_y > 360, "center": abs(centre_y - 360) < 4}[vertical]


def test_long_overlay_text_wraps_inside_the_frame():
    layer = overlay_layer(Overlay("A very long caption that would never fit on one line of a small frame",
                                  "bottom", 0, 1), 320, 180)
    left, top, right, bottom = layer.getbbox()
    one_line = overlay_layer(Overlay("A very long", "bottom", 0, 1), 320, 180).getbbox()
    assert right - left <= 320 * 0.9
    assert bottom - top > 1.5 * (one_line[3] - one_line[1])  # two lines at least


# --- loops ----------------------------------------------------------------------

@pytest.mark.parametrize("mode, seconds", [("short", 0.25), ("normal", 0.5), ("long", 1.0)])
def test_loop_dissolves_the_tail_into_the_head(src, tmp_path, mode, seconds):
    source, out = src / "pattern.mp4", tmp_path / "loop.mp4"
    make_loop(source, mode, out)
    info = probe(out)
    assert info.frames == 72 - round(seconds * 24) and info.has_audio
    first, last = frame_pixels(out, 0.0), frame_pixels(out, None)
    plain = difference(frame_pixels(source, 0.0), frame_pixels(source, None))
    assert difference(first, last) < plain / 2
    frames = [Image.frombytes("RGB", (320, 180), f) for f in all_frames(source, 320, 180)]
    body = 72 - round(seconds * 24)

    def closest(image, around):  # the source frame nearest `around` that the image is most like
        return min(range(around - 2, around + 3), key=lambda j: difference(image, frames[j]))
    # it opens on the frame where the tail began and ends on the one just before it
    assert closest(first, body) == body
    assert closest(last, body - 1) == body - 1


def test_loop_of_a_too_short_clip_is_refused(tmp_path):
    short = make_clip(tmp_path / "short.mp4", seconds=0.5, audio=False)
    with pytest.raises(MediaError, match="too short for a long loop"):
        make_loop(short, "long", tmp_path / "loop.mp4")
    with pytest.raises(MediaError, match="unknown loop length"):
        make_loop(short, "forever", tmp_path / "loop.mp4")


# --- seams ----------------------------------------------------------------------

def test_seams_sheet_has_one_row_per_join_with_the_frames_either_side(src, tmp_path):
    out = tmp_path / "film.seams.png"
    seams_sheet([clip(src, "red"), clip(src, "blue"), clip(src, "redblue")],
                [Transition("crossfade", 0.5), Transition("fade", 1.0)], out, thumb_width=160)
    sheet = load(out)
    pad, label = 8, round(max(11, 160 // 28) * 1.6)
    row = label + 90 + pad
    assert sheet.size == (2 * 160 + 3 * pad, pad + 2 * row)
    def thumb(r, c):  # noqa: E306
        left, top = pad + c * (160 + pad), pad + r * row + label
        return mean_colour(sheet, (left + 4, top + 4, left + 156, top + 86))
    assert near(thumb(0, 0), RED) and near(thumb(0, 1), BLUE)
    assert near(thumb(1, 0), BLUE) and near(thumb(1, 1), RED)  # redblue starts red
    assert sheet.crop((pad, pad, 2 * 160, pad + label)).convert("L").getextrema()[1] > 200  # labels are drawn


def test_seams_sheet_needs_a_join(src, tmp_path):
    with pytest.raises(MediaError, match="no joins"):
        seams_sheet([clip(src, "red")], [], tmp_path / "x.png")


# --- imports --------------------------------------------------------------------

def test_media_modules_import_without_pillow_or_opentimelineio():
    code = ("import sys, sorascript.render.media, sorascript.render.assemble, sorascript.render.export; "
            "print(sorted(m for m in ('PIL', 'opentimelineio', 'imageio_ffmpeg') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
