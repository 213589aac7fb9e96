"""The renderer against the built-in server through the real `openai` SDK: clips, assembly, reruns, edits."""

from __future__ import annotations

import json

import pytest

from media_helpers import difference, load
from rendertools import REEL, REEL_TASKS, project, render
from sorascript.render.assemble import Overlay, overlay_layer
from sorascript.render.media import frame_pixels, probe
from sorascript.serve import AnimaticServer, ServerOptions


@pytest.fixture
def server(tmp_path):
    with AnimaticServer(ServerOptions(port=0, latency=0.2, state=tmp_path / "server" / "state.sqlite")) as running:
        yield running


def test_a_reel_renders_every_job_and_stitches_its_sequence(tmp_path, server):
    path = project(tmp_path)
    session, summary = render(path, server.base_url)
    assert {n: o.status for n, o in summary.outcomes.items()} == {n: "done" for n in REEL_TASKS}
    assert summary.submitted == 5 and server.stats().made == {"create": 3, "remix": 1, "extend": 1}
    out = tmp_path / "renders" / "reel"
    lengths = {name: probe(out / f"{name}.mp4").duration_s for name in REEL_TASKS}
    # a remix is as long as its source, an extension its source plus its own seconds, a loop 0.25 s shorter
    assert lengths == {"red": 2.0, "blue": 2.0, "green": 1.75, "red_night": 2.0, "blue_more": 6.0}
    assert all(probe(out / f"{n}.mp4").width == 160 for n in REEL_TASKS)
    reel = probe(out / "reel.mp4")
    assert abs(reel.duration_s - 5.5) <= 1 / reel.fps and reel.has_audio  # the plan's runtime_s
    assert (out / "reel.seams.png").is_file()
    record = json.loads((out / "render.json").read_text())
    clips = {c["name"]: c for c in record["clips"]}
    assert set(clips) == set(REEL_TASKS) and record["failed"] == []
    assert clips["red"]["video_id"].startswith("video_") and clips["red"]["cost_usd"] == 0.02
    assert clips["red"]["request"]["size"] == "160x90" and "sorac_animatic" not in clips["red"]["request"]
    assert record["sequences"][0]["name"] == "reel" and record["sequences"][0]["runtime_s"] == 5.5


def test_crossfades_mix_and_fades_dip_to_black(tmp_path, server):
    path = project(tmp_path)
    render(path, server.base_url)
    out = tmp_path / "renders" / "reel"
    # red 0-2s and blue overlap over 1.5-2.0s; blue fades out to 3.5s and red_night fades in from there
    middle = frame_pixels(out / "reel.mp4", 1.75)
    red, blue = frame_pixels(out / "red.mp4", 1.75), frame_pixels(out / "blue.mp4", 0.25)
    assert difference(red, blue) > 20  # two different pictures...
    from PIL import Image

    mix = Image.blend(red, blue, 0.5)
    assert difference(middle, mix) < difference(middle, red) / 2  # ...and the crossfade's middle is their mix
    assert difference(middle, mix) < difference(middle, blue) / 2
    dark = frame_pixels(out / "reel.mp4", 3.5)
    assert max(dark.convert("L").getextrema()) < 40  # the middle of a fade is near black


def test_overlays_change_only_their_box_and_only_in_their_range(tmp_path, server):
    path = project(tmp_path)
    session, summary = render(path, server.base_url)
    finished, raw = tmp_path / "renders" / "reel" / "red.mp4", summary.outcomes["red"].entry.path
    box = overlay_layer(Overlay("Chapter one", "bottom", 0.5, 1.5), 160, 90).getbbox()
    for t, inside in ((0.25, False), (0.75, True), (1.25, True), (1.75, False)):
        a, b = frame_pixels(finished, t), frame_pixels(raw, t)
        changed = difference(a, b, box)
        assert (changed > 15) if inside else (changed < 3), (t, changed)
    outside = (0, 0, 160, box[1])  # above the caption's box: untouched
    assert difference(frame_pixels(finished, 1.0), frame_pixels(raw, 1.0), outside) < 3


def test_a_loop_ends_where_it_begins(tmp_path, server):
    path = project(tmp_path)
    render(path, server.base_url)
    clip = tmp_path / "renders" / "reel" / "green.mp4"
    first, last = frame_pixels(clip, 0.0), frame_pixels(clip, None)
    assert difference(first, last) < 4


def test_a_last_frame_reference_is_extracted_uploaded_and_recorded(tmp_path, server):
    path = project(tmp_path)
    session, summary = render(path, server.base_url)
    record = {c["name"]: c for c in json.loads((tmp_path / "renders" / "reel" / "render.json").read_text())["clips"]}
    reference = record["blue"]["input_reference"]
    assert reference["last_frame_of"] == "red" and reference["file"].startswith(".sorac/refs/")
    png = load(tmp_path / reference["file"])
    assert png.size == (160, 90)
    assert difference(png, frame_pixels(summary.outcomes["red"].entry.path, None)) < 3  # red's download, not its overlay
    job = server.job(summary.outcomes["blue"].video_id)
    assert "input_reference" in job["request"]["files"]


def test_a_rerun_submits_nothing_and_an_edited_shot_resubmits_it_and_its_dependants(tmp_path, server):
    path = project(tmp_path)
    render(path, server.base_url)
    before = server.stats().made
    _, again = render(path, server.base_url)
    assert again.submitted == 0 and server.stats().made == before
    assert all(o.from_cache for o in again.outcomes.values())
    edited_text = REEL.replace('"A blue door in a white wall."\n    palette blues', '"A blue door in a red wall."\n    palette reds')
    assert edited_text != REEL
    path.write_text(edited_text, encoding="utf-8")
    _, edited = render(path, server.base_url)
    submitted = {n for n, o in edited.outcomes.items() if o.submitted}
    assert submitted == {"blue", "blue_more"}  # blue_more extends blue; red, green and red_night are unchanged
    assert edited.submitted == 2 and server.stats().duplicates == 0
    assert all(o.status == "done" for o in edited.outcomes.values())


def test_a_clip_cut_short_since_is_made_again_from_the_cache_not_trusted(tmp_path, server):
    path = project(tmp_path)
    render(path, server.base_url, only=["reel"])
    clip = tmp_path / "renders" / "reel" / "blue.mp4"
    whole = clip.read_bytes()
    clip.write_bytes(whole[:1000])
    _, again = render(path, server.base_url, only=["reel"])
    assert again.submitted == 0 and again.sequences["reel"][0] == "done"
    assert clip.read_bytes() == whole  # the same bytes, finished again from the download


def test_only_a_sequence_renders_what_it_needs_and_stitches_it(tmp_path, server):
    path = project(tmp_path)
    session, summary = render(path, server.base_url, only=["reel"])
    assert set(summary.outcomes) == {"red", "blue", "red_night"}
    assert summary.sequences["reel"][0] == "done"
    assert not (tmp_path / "renders" / "reel" / "green.mp4").exists()
    _, job_only = render(path, server.base_url, only=["blue_more"])
    assert set(job_only.outcomes) == {"red", "blue", "blue_more"} and job_only.submitted == 1
    assert job_only.sequences == {}


def test_takes_are_separate_submissions_with_their_own_files(tmp_path, server):
    text = REEL.replace('    "A green door in a white wall."\n', '    "A green door in a white wall."\n    takes 2\n')
    path = project(tmp_path, text)
    session, summary = render(path, server.base_url, only=["green"])
    assert set(summary.outcomes) == {"green", "green.take2"} and summary.submitted == 2
    assert server.stats().made == {"create": 2} and server.stats().duplicates == 0
    out = tmp_path / "renders" / "reel"
    assert (out / "green.mp4").is_file() and (out / "green.take2.mp4").is_file()
    assert difference(frame_pixels(out / "green.mp4", 0.0), frame_pixels(out / "green.take2.mp4", 0.0)) > 0


def test_a_sequence_of_a_take_and_a_variant_is_stitched_from_their_own_clips(tmp_path, server):
    text = REEL.replace('    "A green door in a white wall."\n', '    "A green door in a white wall."\n    takes 2\n'
                        '    variant dusk:\n        "At dusk."\n        duration 4s\n') \
        + "\nsequence greens:\n    green.take2 crossfade 0.5s\n    green.dusk\n"
    path = project(tmp_path, text)
    _, summary = render(path, server.base_url, only=["greens"])
    assert set(summary.outcomes) == {"green", "green.take2", "green.dusk", "green.dusk.take2"}
    assert summary.sequences["greens"][0] == "done"
    out = tmp_path / "renders" / "reel"
    # green's loop makes its clips 0.25 s shorter: take 2 (1.75 s) and the dusk variant (3.75 s), less the crossfade;
    # the plan's runtime counts the loops too, so the film is as long as the plan says
    assert abs(probe(out / "greens.mp4").duration_s - (1.75 + 3.75 - 0.5)) < 0.05
    record = json.loads((out / "render.json").read_text(encoding="utf-8"))
    (greens,) = [q for q in record["sequences"] if q["name"] == "greens"]
    assert greens["runtime_s"] == 5.0 and abs(greens["duration_s"] - 5.0) < 0.05
    clips = {c["name"]: c for c in record["clips"]}
    assert clips["green.take2"]["duration_s"] == 1.75 and abs(probe(out / "green.take2.mp4").duration_s - 1.75) < 0.05
    opening = frame_pixels(out / "greens.mp4", 0.0)
    assert difference(opening, frame_pixels(out / "green.take2.mp4", 0.0)) < difference(
        opening, frame_pixels(out / "green.mp4", 0.0))  # it opens on take 2, not take 1


CAMEOS = """
character mara:
    "a woman in a green coat"
    cameo "mara.mp4"

shot one:
    "Mara opens the red door."
    cast mara

shot two:
    "Mara closes the red door."
    cast mara
"""


def test_a_cameo_recording_is_uploaded_once_per_server_and_named_in_the_prompt(tmp_path, server):
    from media_helpers import make_clip
    from rendertools import MODEL

    make_clip(tmp_path / "mara.mp4", seconds=1.0)
    path = project(tmp_path, MODEL + CAMEOS)
    _, summary = render(path, server.base_url)
    assert all(o.status == "done" for o in summary.outcomes.values()), {n: o.reason for n, o in summary.outcomes.items()}
    assert server.stats().received.get("create_character") == 1  # two shots, one recording
    assert "mara" in server.job(summary.outcomes["one"].video_id)["prompt"]
    path.write_text(MODEL + CAMEOS.replace("opens", "slams"), encoding="utf-8")
    render(path, server.base_url)
    assert server.stats().received.get("create_character") == 1  # known from the journal


def test_a_cameo_on_a_server_without_characters_fails_saying_so(tmp_path):
    from media_helpers import make_clip
    from omniserver import OmniServer
    from rendertools import MODEL

    make_clip(tmp_path / "mara.mp4", seconds=1.0)
    with OmniServer() as omni:
        _, summary = render(project(tmp_path, MODEL + CAMEOS), omni.base_url, animatic=False)
    assert summary.outcomes["one"].status == "failed"
    assert summary.outcomes["one"].reason.startswith("this server has no characters (cameos)")
