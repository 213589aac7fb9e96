"""The examples compile with no errors and no warnings, and their plans and
prompts match reviewed golden files (tests/golden/examples/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, check_golden
from sorascript import driver

EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden" / "examples"
# Files that compile to jobs; library modules such as film/cast.shot are imported by them.
MAIN_FILES = sorted(p for p in EXAMPLES.rglob("*.shot") if "\nshot " in "\n" + p.read_text(encoding="utf-8"))


def golden_name(path: Path) -> str:
    return path.relative_to(EXAMPLES).with_suffix("").as_posix().replace("/", "__")


@pytest.mark.parametrize("path", MAIN_FILES, ids=[golden_name(p) for p in MAIN_FILES])
def test_example_compiles_clean_and_matches_its_golden_plan(path, monkeypatch, update_goldens):
    monkeypatch.chdir(REPO)
    result = driver.compile(path.relative_to(REPO))
    assert result.problem is None
    problems = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity != "note"]
    assert problems == [], problems
    check_golden(GOLDEN / f"{golden_name(path)}.plan.json", driver.plan_json(result.plan), update_goldens)
    check_golden(GOLDEN / f"{golden_name(path)}.prompt.txt", driver.prompts_text(result.plan), update_goldens)


def test_every_guide_example_is_here():
    names = {p.stem for p in MAIN_FILES}
    assert {"parlour", "unboxing", "lunar_base", "four_seasons", "neon_diner", "kickflip", "film"} <= names
