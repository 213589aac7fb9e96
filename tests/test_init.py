"""`sorac init [DIR] [--model NAME]`: a project that checks clean on each model of the prelude."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from conftest import run_sorac
from sorascript import driver
from sorascript.sema.images import sniff
from sorascript.starter import DEFAULT_MODEL, prelude_models

MODELS = list(prelude_models())


@pytest.mark.parametrize("model", MODELS)
def test_the_starter_checks_clean_on_each_model(tmp_path, model):
    done = run_sorac("init", "film", "--model", model, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "film"
    settings = tomllib.loads((root / "sorac.toml").read_text(encoding="utf-8"))
    assert settings["defaults"]["model"] == model
    result = driver.compile(root / "film.shot")
    problems = [f"{d.code} {d.message}" for d in result.diagnostics if d.code != "N001"]
    assert result.problem is None and problems == [], problems
    plan = json.loads(driver.plan_json(result.plan))
    profile = prelude_models()[model]
    jobs = {j["name"]: j for j in plan["jobs"]}
    assert set(jobs) == {"arrival", "look_up"} and [s["name"] for s in plan["sequences"]] == ["film"]
    assert all(j["request"]["size"] == settings["defaults"]["size"] for j in jobs.values())
    source = (root / "film.shot").read_text(encoding="utf-8")
    assert "character mara:" in source and "palette dusk:" in source
    # sound and speech only where the model makes them
    assert ("dialogue:" in source) == profile.audio and ("voice" in source) == profile.audio
    if profile.requires_reference:
        assert sniff((root / "frames" / "opening.png").read_bytes()) == ("png", tuple(
            int(n) for n in settings["defaults"]["size"].split("x")))
    else:
        assert not (root / "frames").exists()


def test_the_default_model_and_the_next_step(tmp_path):
    done = run_sorac("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert tomllib.loads((tmp_path / "sorac.toml").read_text())["defaults"]["model"] == DEFAULT_MODEL
    (hint,) = [line for line in done.stderr.splitlines() if line.startswith("next:")]
    assert hint == "next: sorac check film.shot, then sorac render film.shot (offline animatics until sorac.toml " \
                   "names your server)"
    # the commands it names run as it says
    assert run_sorac("check", "film.shot", cwd=tmp_path).returncode == 0


def test_it_never_overwrites(tmp_path):
    (tmp_path / "film.shot").write_text("// mine\n", encoding="utf-8")
    done = run_sorac("init", cwd=tmp_path)
    assert done.returncode == 2 and "film.shot already exists" in done.stderr and "nothing was written" in done.stderr
    assert (tmp_path / "film.shot").read_text() == "// mine\n" and not (tmp_path / "sorac.toml").exists()
    assert not list(tmp_path.glob("*.partial"))


def test_an_unknown_model_is_named_with_the_list(tmp_path):
    done = run_sorac("init", "x", "--model", "wan-2.2-t2v-a14", cwd=tmp_path)
    assert done.returncode == 2
    assert "no model `wan-2.2-t2v-a14`" in done.stderr and "did you mean `wan-2.2-t2v-a14b`?" in done.stderr
    assert all(name in done.stderr for name in MODELS) and not (tmp_path / "x").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    assert run_sorac("init", "a-file", cwd=tmp_path).returncode == 2


def test_the_starter_renders_offline(tmp_path):
    assert run_sorac("init", "--model", "ltx-2", cwd=tmp_path).returncode == 0
    done = run_sorac("render", "film.shot", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "renders" / "film" / "render.json").read_text())
    assert sorted(c["name"] for c in record["clips"]) == ["arrival", "look_up"]
    assert (tmp_path / "renders" / "film" / "film.mp4").is_file()
    assert re.search(r"2 of 2 jobs done", done.stderr)
