"""The plan's JSON Schema (sorascript/lower/plan.schema.json): every example's
plan validates against it, and hand-broken plans do not, so the schema is
known to bite."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO, png_bytes
from sorascript import driver
from sorascript.lower.plan import plan_schema

EXAMPLES = REPO / "examples"
JOB_DECL = re.compile(r"^(shot|remix|extend)\s", re.MULTILINE)


def _programs() -> list[Path]:
    """Every example that compiles to jobs; library modules (declarations only) are skipped."""
    return sorted(p for p in EXAMPLES.rglob("*.shot") if JOB_DECL.search(p.read_text(encoding="utf-8")))


def _name(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = plan_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _compiled(path: Path) -> dict:
    result = driver.compile(path)
    assert result.problem is None, result.problem
    assert not result.has_errors, [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == "error"]
    assert result.plan is not None
    # the plan as it is written: through the same serialisation as `sorac compile`
    return json.loads(driver.plan_json(result.plan))


def _errors(validator: Draft202012Validator, plan: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(plan)]


# ---- the schema itself --------------------------------------------------------------------------

def test_schema_ships_inside_the_package():
    from importlib.resources import files

    resource = files("sorascript.lower").joinpath("plan.schema.json")
    assert resource.is_file()
    schema = json.loads(resource.read_text(encoding="utf-8"))
    assert schema == plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"source", "jobs", "sequences", "total_cost_usd", "diagnostics"}
    assert schema["additionalProperties"] is False


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(plan_schema())


def test_there_are_examples_and_the_library_module_is_skipped():
    names = [_name(p) for p in _programs()]
    assert "film/film.shot" in names
    assert "film/cast.shot" not in names
    assert len(names) >= 5


# ---- every example validates --------------------------------------------------------------------

@pytest.mark.parametrize("path", _programs(), ids=_name)
def test_example_plan_validates(path: Path, validator):
    plan = _compiled(path)
    assert _errors(validator, plan) == []
    assert plan["jobs"], "an example with shots compiles to jobs"


def test_the_film_exercises_every_kind_of_job(validator):
    """The film example holds create jobs with takes and a variant, a remix, an
    extension and a sequence: the parts of the schema beyond a single shot."""
    plan = _compiled(EXAMPLES / "film" / "film.shot")
    kinds = {j["kind"] for j in plan["jobs"]}
    assert kinds == {"create", "remix", "extend"}
    assert any("takes" in j for j in plan["jobs"])
    assert any("." in j["name"] for j in plan["jobs"])
    assert plan["sequences"]
    assert _errors(validator, plan) == []


def test_a_plan_with_every_optional_part_validates(tmp_path, validator):
    """Overlays, a reference image, a last frame, an unknown cost: all valid."""
    (tmp_path / "sorac.toml").write_text("", encoding="utf-8")
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "first.png").write_bytes(png_bytes(1280, 720))
    (tmp_path / "scenes").mkdir()
    source = tmp_path / "scenes" / "all.shot"
    source.write_text(
        'shot a:\n'
        '    size 1280x720\n'
        '    "A pier at dusk."\n'
        '    reference "../frames/first.png"\n'
        '    overlay "Chapter One" top-left 0s..2s\n'
        '    overlay "The End"\n'
        '    takes 2\n'
        'shot b:\n'
        '    reference last frame of a\n'
        '    "The pier, later."\n'
        'shot big:\n'
        '    model sora-2-pro\n'
        '    size 1920x1080\n'
        '    "A wide harbour."\n'
        'sequence s:\n'
        '    a crossfade 0.5s\n'
        '    b fade 1s\n'
        '    big\n'
        '    conform 1280x720 24fps\n',
        encoding="utf-8",
    )
    plan = _compiled(source)
    assert _errors(validator, plan) == []
    jobs = {j["name"]: j for j in plan["jobs"]}
    assert jobs["a"]["input_reference"] == "frames/first.png"
    assert jobs["b"]["input_reference"] == {"last_frame_of": "a"}
    assert jobs["a"]["overlays"]
    assert plan["total_cost_usd"] is None


def test_an_empty_plan_validates(tmp_path, validator):
    source = tmp_path / "lib.shot"
    source.write_text('character mara:\n    "woman in her 30s"\n', encoding="utf-8")
    plan = _compiled(source)
    assert plan["jobs"] == [] and plan["sequences"] == []
    assert _errors(validator, plan) == []


# ---- broken plans fail --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def film() -> dict:
    return _compiled(EXAMPLES / "film" / "film.shot")


def _job(plan: dict, kind: str) -> dict:
    return next(j for j in plan["jobs"] if j["kind"] == kind)


def _create(plan):
    return _job(plan, "create")


def _walk(plan: dict, parts: list[str]):
    """Follow `jobs.create.request`-like paths: in the jobs list, `create`, `remix`
    and `extend` pick the first job of that kind; numbers index lists."""
    node = plan
    for part in parts:
        if isinstance(node, list):
            node = next(j for j in node if j["kind"] == part) if part in ("create", "remix", "extend") else node[int(part)]
        else:
            node = node[part]
    return node


def _set(path: str, value):
    def mutate(plan: dict) -> None:
        *parents, last = path.split(".")
        _walk(plan, parents)[last] = value
    return mutate


def _delete(path: str):
    def mutate(plan: dict) -> None:
        *parents, last = path.split(".")
        del _walk(plan, parents)[last]
    return mutate


BROKEN = {
    # top level
    "extra top-level key": _set("version", 1),
    "missing jobs": _delete("jobs"),
    "missing diagnostics": _delete("diagnostics"),
    "total cost as a string": _set("total_cost_usd", "12.80"),
    "absolute source": _set("source", "/home/me/film.shot"),
    # requests
    "extra request key": _set("jobs.create.request.input_reference", "frames/a.png"),
    "numeric seconds": _set("jobs.create.request.seconds", 8),
    "seconds with a unit": _set("jobs.create.request.seconds", "8s"),
    "seconds not a number": _set("jobs.create.request.seconds", "eight"),
    "create without model": _delete("jobs.create.request.model"),
    "create without prompt": _delete("jobs.create.request.prompt"),
    "size not WxH": _set("jobs.create.request.size", "720p"),
    "empty prompt": _set("jobs.create.request.prompt", ""),
    "blank prompt": _set("jobs.create.request.prompt", "\n"),
    "blank remix prompt": _set("jobs.remix.request.prompt", " \n"),
    "remix with a model": _set("jobs.remix.request.model", "sora-2"),
    "remix with seconds": _set("jobs.remix.request.seconds", "8"),
    "remix naming its source in the request": _set("jobs.remix.request.video_id", "departure"),
    "extend without seconds": _delete("jobs.extend.request.seconds"),
    "extend with a size": _set("jobs.extend.request.size", "1280x720"),
    "extend with numeric seconds": _set("jobs.extend.request.seconds", 4),
    # job fields
    "unknown kind": _set("jobs.create.kind", "edit"),
    "extra job key": _set("jobs.create.seed", 7),
    "job without span": _delete("jobs.create.span"),
    "job without after": _delete("jobs.create.after"),
    "job without input_reference": _delete("jobs.create.input_reference"),
    "absolute input_reference": _set("jobs.create.input_reference", "/home/me/frames/first.png"),
    "input_reference escaping the project": _set("jobs.create.input_reference", "../frames/first.png"),
    "input_reference with an inner ..": _set("jobs.create.input_reference", "frames/../../first.png"),
    "input_reference on a drive": _set("jobs.create.input_reference", "C:/frames/first.png"),
    "input_reference object with extra key": _set("jobs.create.input_reference", {"last_frame_of": "a", "at": 1}),
    "input_reference object without job": _set("jobs.create.input_reference", {"image_url": "x.png"}),
    "remix with a reference image": _set("jobs.remix.input_reference", "frames/first.png"),
    "remix with no source": _set("jobs.remix.after", []),
    "after not names": _set("jobs.create.after", [1]),
    "negative cost": _set("jobs.create.cost_usd", -0.4),
    "cost as a string": _set("jobs.create.cost_usd", "0.80"),
    "zero takes": _set("jobs.create.takes", 0),
    "fractional takes": _set("jobs.create.takes", 1.5),
    "takes on a remix": _set("jobs.remix.takes", 2),
    "span line zero": _set("jobs.create.span.line", 0),
    "span with extra key": _set("jobs.create.span.end_line", 3),
    "span with an absolute file": _set("jobs.create.span.file", "/tmp/film.shot"),
    "job name with a space": _set("jobs.create.name", "the arrival"),
    "overlay with unknown position": _set("jobs.create.overlays", [{"text": "A", "position": "middle", "start_s": 0, "end_s": 1}]),
    "overlay without times": _set("jobs.create.overlays", [{"text": "A", "position": "top"}]),
    "overlay with extra key": _set("jobs.create.overlays",
                                   [{"text": "A", "position": "top", "start_s": 0, "end_s": 1, "in_frame": True}]),
    "empty overlays": _set("jobs.create.overlays", []),
    # sequences
    "unknown transition": _set("sequences.0.transitions", ["wipe", "cut", "cut"]),
    "transition without a unit": _set("sequences.0.transitions", ["crossfade 0.5", "cut", "cut"]),
    "runtime as a string": _set("sequences.0.runtime_s", "27.5"),
    "sequence with extra key": _set("sequences.0.continuity", ["x"]),
    "sequence without runtime": _delete("sequences.0.runtime_s"),
    # diagnostics
    "diagnostic with unknown severity": _set("diagnostics.0.severity", "info"),
    "an error in a plan": _set("diagnostics.0.severity", "error"),
    "diagnostic with bad code": _set("diagnostics.0.code", "X1"),
    "diagnostic without labels": _delete("diagnostics.0.labels"),
    "diagnostic with extra key": _set("diagnostics.0.fix", None),
    "diagnostic label without message": _delete("diagnostics.0.labels.0.message"),
}


@pytest.mark.parametrize("mutate", list(BROKEN.values()), ids=list(BROKEN))
def test_broken_plan_is_rejected(mutate, film, validator):
    plan = copy.deepcopy(film)
    # give the first create job overlays and takes where a mutation needs them
    create = _create(plan)
    create.setdefault("takes", 1)
    create.setdefault("overlays", [{"text": "The Last Ferry", "position": "bottom", "start_s": 0.0, "end_s": 2.0}])
    assert _errors(validator, plan) == [], "the unbroken plan must validate"
    mutate(plan)
    assert _errors(validator, plan), "the schema accepted a broken plan"


def test_one_schema_error_names_the_broken_field(film, validator):
    plan = copy.deepcopy(film)
    _create(plan)["request"]["seconds"] = 8
    errors = list(validator.iter_errors(plan))
    assert errors
    paths = {"/".join(map(str, e.absolute_path)) for e in errors}
    assert any(p.endswith("request/seconds") for p in paths), paths
