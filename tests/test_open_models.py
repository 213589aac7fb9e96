"""Section 8 of the reference: compiling for the open models people run on
their own servers. Frame counts, the request's extra fields, seeds and
params, the negative prompt, project defaults from sorac.toml; the messages
themselves are UI cases under tests/ui/models/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sorascript import driver


def compile_in(folder: Path, text: str, toml: str | None = None, name: str = "main.shot"):
    if toml is not None:
        (folder / "sorac.toml").write_text(toml, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return driver.compile(path)


def plan_of(folder: Path, text: str, toml: str | None = None) -> dict:
    result = compile_in(folder, text, toml)
    errors = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == "error"]
    assert result.problem is None and not errors, errors or result.problem
    return json.loads(driver.plan_json(result.plan))


def codes(folder: Path, text: str, toml: str | None = None) -> list[str]:
    result = compile_in(folder, text, toml)
    assert result.problem is None, result.problem
    return [d.code for d in result.diagnostics if d.severity == "error"]


def jobs(plan: dict) -> dict[str, dict]:
    return {j["name"]: j for j in plan["jobs"]}


WAN = """shot heron:
    model wan-2.2-t2v-a14b
    size 1280x720
    duration 5s
    "A grey heron stands in the shallows at dawn, mist on the water."
    camera:
        framing wide
        lens 35mm
        0s..5s push in
    lighting:
        key "low dawn sun" from behind 4000K
    beats:
        0s..4s "The heron crouches"
        4s..5.06s "It lifts off"
    style "nature documentary, soft morning light"
    avoid "blurry, text, watermark"
"""


def test_a_wan_shot_lowers_to_the_request_a_wan_server_renders(tmp_path):
    """The issue's done-when: native size, fps 16, num_frames 4n+1, the negative
    prompt as its field, a paragraph prompt under the model's word figure."""
    request = jobs(plan_of(tmp_path, WAN))["heron"]["request"]
    assert request["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
    assert request["size"] == "1280x720"
    assert request["fps"] == 16 and request["num_frames"] == 81 and (request["num_frames"] - 1) % 4 == 0
    assert request["seconds"] == "6"  # 81 frames at 16 fps is 5.0625 s: whole seconds, rounded up, as a string
    assert request["negative_prompt"] == "blurry, text, watermark"
    prompt = request["prompt"]
    assert "Avoid" not in prompt and "watermark" not in prompt
    assert prompt.count("\n") == 1 and prompt.startswith("Nature documentary, soft morning light.")
    assert len(re.findall(r"[\w'’]+", prompt)) <= 200


def test_the_real_clip_length_is_what_every_time_check_uses(tmp_path):
    timeline = jobs(plan_of(tmp_path, WAN))["heron"]["timeline"]
    assert timeline["duration_s"] == 5.062  # 81 frames at 16 fps, to the millisecond
    assert timeline["beats"][-1] == {"start_s": 4.0, "end_s": 5.06, "text": "It lifts off"}
    assert codes(tmp_path, WAN.replace("4s..5.06s", "4s..5.1s")) == ["E404"]


@pytest.mark.parametrize("model, size, duration, frames, fps, seconds", [
    ("wan-2.2-t2v-a14b", "1280x720", "5s", 81, 16, "6"),
    ("wan-2.2-t2v-a14b", "832x480", "81f", 81, 16, "6"),
    ("wan-2.2-t2v-a14b", "1280x720", "2s", 33, 16, "3"),
    ("wan-2.1-t2v-1.3b", "832x480", "5s", 81, 16, "6"),
    ("wan-2.2-ti2v-5b", "1280x704", "5s", 121, 24, "6"),
    ("ltx-2", "1280x704", "5s", 121, 24, "6"),
    ("ltx-2", "768x512", "10s", 241, 24, "11"),
    ("ltx-2", "768x512", "241f", 241, 24, "11"),
    ("hunyuanvideo", "1280x720", "5s", 121, 24, "6"),
    ("hunyuanvideo", "960x544", "129f", 129, 24, "6"),
])
def test_durations_become_the_nearest_frame_count_the_model_renders(tmp_path, model, size, duration, frames, fps, seconds):
    text = f'shot s:\n    model {model}\n    size {size}\n    duration {duration}\n    "A heron in the shallows."\n'
    request = jobs(plan_of(tmp_path, text))["s"]["request"]
    assert (request["num_frames"], request["fps"], request["seconds"]) == (frames, fps, seconds)


def test_a_duration_no_frame_count_fits_is_an_error(tmp_path):
    base = 'shot s:\n    model {m}\n    size {z}\n    duration {d}\n    "A heron."\n'
    assert codes(tmp_path, base.format(m="wan-2.2-t2v-a14b", z="1280x720", d="6s")) == ["E502"]
    assert codes(tmp_path, base.format(m="wan-2.2-t2v-a14b", z="1280x720", d="80f")) == ["E502"]
    assert codes(tmp_path, base.format(m="ltx-2", z="1280x704", d="21s")) == ["E502"]
    assert codes(tmp_path, base.format(m="sora-2", z="1280x720", d="96f")) == ["E502"]
    assert codes(tmp_path, base.format(m="ltx-2", z="1280x720", d="5s")) == ["E501"]  # LTX sides are multiples of 32


def test_seed_and_params_reach_the_request_from_defaults_shots_and_variants(tmp_path):
    text = """defaults:
    model ltx-2
    size 1280x704
    duration 5s
    param num_inference_steps 40

shot s:
    "A heron in the shallows."
    seed 7
    param guidance_scale 3.5
    param generate_sound yes
    variant other:
        seed 8
"""
    found = jobs(plan_of(tmp_path, text))
    base, other = found["s"]["request"], found["s.other"]["request"]
    assert (base["seed"], base["num_inference_steps"], base["guidance_scale"], base["generate_sound"]) == (7, 40, 3.5, True)
    # a variant that changes only the seed: the same request with another seed
    assert other["seed"] == 8 and {k: v for k, v in other.items() if k != "seed"} == \
        {k: v for k, v in base.items() if k != "seed"}


def test_params_are_checked_against_the_model(tmp_path):
    shot = 'shot s:\n    model {m}\n    size {z}\n    duration 4s\n    "A heron."\n    {stmt}\n'
    assert codes(tmp_path, shot.format(m="ltx-2", z="1280x704", stmt="param steps 40")) == ["E510"]
    assert codes(tmp_path, shot.format(m="sora-2", z="1280x720", stmt="seed 1")) == ["E510"]
    assert codes(tmp_path, shot.format(m="sora-2", z="1280x720", stmt="param seed 1")) == ["E510"]
    assert codes(tmp_path, shot.format(m="ltx-2", z="1280x704", stmt="param seed 1")) == []


def test_avoid_routes_by_the_model(tmp_path):
    field = jobs(plan_of(tmp_path, WAN))["heron"]["request"]
    assert field["negative_prompt"] == "blurry, text, watermark"
    inline = jobs(plan_of(tmp_path, WAN.replace("model wan-2.2-t2v-a14b", "model sora-2").replace(
        "duration 5s", "duration 8s").replace("4s..5.06s", "4s..8s")))["heron"]["request"]
    assert "negative_prompt" not in inline and "Avoid: blurry, text, watermark" in inline["prompt"]


def test_an_image_to_video_model_needs_a_reference(tmp_path):
    text = 'shot s:\n    model wan-2.2-i2v-a14b\n    size 1280x720\n    duration 5s\n    "The heron lifts off."\n'
    assert codes(tmp_path, text) == ["E512"]


def test_a_sequence_is_one_format_or_says_how_to_conform(tmp_path):
    text = """shot a:
    model wan-2.2-t2v-a14b
    size 1280x720
    duration 5s
    "A heron lifts off."

shot b:
    model hunyuanvideo
    size 1280x720
    duration 5s
    "A heron lands."

sequence flight:
    a
    b
"""
    assert codes(tmp_path, text) == ["E511"]  # 16 and 24 fps
    (sequence,) = plan_of(tmp_path, text + "    conform 1280x720 24fps\n")["sequences"]
    assert sequence["conform"] == {"size": "1280x720", "fps": 24}


def test_the_plan_schema_lists_the_fields_a_request_may_carry():
    from sorascript.lower.plan import plan_schema

    schema = json.dumps(plan_schema())
    for name in ("fps", "num_frames", "negative_prompt", "seed"):
        assert f'"{name}"' in schema


# ---- project defaults ---------------------------------------------------------------------------------
TOML = '[defaults]\nmodel = "wan-2.2-t2v-a14b"\nsize = "832x480"\nduration = "5s"\n'


def test_project_defaults_are_below_the_file_s_own(tmp_path):
    plain = 'shot a:\n    "A heron."\n'
    request = jobs(plan_of(tmp_path, plain, TOML))["a"]["request"]
    assert (request["model"], request["size"], request["num_frames"]) == ("Wan-AI/Wan2.2-T2V-A14B-Diffusers", "832x480", 81)
    own = 'defaults:\n    size 1280x720\n\nshot a:\n    "A heron."\n\nshot b:\n    duration 2s\n    "A heron."\n'
    found = jobs(plan_of(tmp_path, own, TOML))
    assert found["a"]["request"]["size"] == "1280x720" and found["a"]["request"]["num_frames"] == 81
    assert found["b"]["request"]["num_frames"] == 33


def test_a_project_default_the_model_cannot_render_is_reported_in_sorac_toml(tmp_path):
    result = compile_in(tmp_path, 'shot a:\n    "A heron."\n', TOML.replace("832x480", "1024x1024"))
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.code == "E501" and Path(error.span.file).name == "sorac.toml"


@pytest.mark.parametrize("toml, words", [
    ('[defaults]\nmodel = "wan-2.2-t2v-a14b"\ncolour = "red"\n', "colour"),
    ('[defaults]\nduration = "five seconds"\n', "duration"),
    ('[render]\nconcurrency = 0\n', "concurrency"),
    ('[render]\nserver = "not a url"\n', "server"),
    ('[render]\nout = "../outside"\n', "out"),
])
def test_bad_settings_name_the_file_and_line(tmp_path, toml, words):
    result = compile_in(tmp_path, 'shot a:\n    model sora-2\n    "A heron."\n', toml)
    message = str(result.problem) if result.problem else "\n".join(d.message for d in result.diagnostics)
    assert "sorac.toml" in message and words in message, message
