"""UI tests in the manner of rustc's: every `tests/ui/**/NAME.shot` is checked and
its human diagnostics compared with `NAME.stderr` beside it. Files whose name
starts with `_` are helpers that cases import, not cases themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import check_golden
from sorascript import driver
from sorascript.diagnostics.render import render_human

UI = Path(__file__).resolve().parent / "ui"
CASES = sorted(p for p in UI.rglob("*.shot") if not p.name.startswith("_"))


def render_case(case: Path) -> str:
    # Each case shows what it is about. The retired-model note (N001) is shown
    # only under capability/, the shot-level craft lints that say a block is
    # missing (no sound, camera, lighting or style) only under lints/: elsewhere
    # they would repeat in every case, and a change of their wording would touch
    # a hundred goldens.
    relative = case.relative_to(UI)
    allowed = set()
    if relative.parts[0] != "capability":
        allowed.add("N001")
    if relative.parts[0] != "lints":
        allowed |= {"W109", "W110", "W111", "W116"}
    options = driver.Options(allow=frozenset(allowed))
    result = driver.check(relative.as_posix(), options)
    if result.problem:
        return f"sorac: error: {result.problem}\n"
    return render_human(result.diagnostics, result.sources, color=False)


@pytest.mark.parametrize("case", CASES, ids=[c.relative_to(UI).as_posix() for c in CASES])
def test_ui_case(case: Path, monkeypatch, update_goldens):
    monkeypatch.chdir(UI)
    check_golden(case.with_suffix(".stderr"), render_case(case), update_goldens)


def test_every_case_has_a_diagnostic_or_says_clean():
    """A case named `ok_*` must be clean; every other case must report something."""
    for case in CASES:
        golden = case.with_suffix(".stderr")
        if not golden.exists():
            continue
        text = golden.read_text(encoding="utf-8")
        if case.name.startswith("ok_"):
            assert "error[" not in text and "warning[" not in text, case
        else:
            assert text.strip(), f"{case} reports nothing"
