"""One diagnostics flow: every pass returns its diagnostics, once each.

No pass writes into a shared list and nothing removes repeats afterwards, so
a statement that several shots inherit must be reported once per context,
never twice for the same thing.
"""

from __future__ import annotations

import collections

import pytest

from conftest import REPO
from sorascript import driver

CASES = sorted(p for p in (REPO / "tests" / "ui").rglob("*.shot") if not p.name.startswith("_"))
EXAMPLES = sorted((REPO / "examples").rglob("*.shot"))


def repeats(diagnostics):
    counts = collections.Counter((d.code, d.span.file, d.span.start, d.span.end, d.message) for d in diagnostics)
    return [key for key, count in counts.items() if count > 1]


@pytest.mark.parametrize("path", CASES + EXAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_diagnostic_is_reported_twice(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    assert not repeats(driver.check(path.name).diagnostics)


def test_inherited_statements_are_reported_once_per_context(tmp_path):
    (tmp_path / "a.shot").write_text(
        "defaults:\n    size 640x480\n    model sora-2\n    camera:\n        0s..6s pan left 90deg\n\n"
        'shot a:\n    duration 4s\n    "One."\n\nshot b:\n    duration 4s\n    "Two."\n'
        '    variant c:\n        "Three."\n\nshot d:\n    duration 8s\n    "Four."\n',
        encoding="utf-8")
    found = driver.check(tmp_path / "a.shot").diagnostics
    assert not repeats(found)
    by_code = collections.Counter(d.code for d in found)
    assert by_code["E501"] == 1  # one `size` statement, one model
    assert by_code["E404"] == 1  # the 6s pan is past the 4s clips (a, b, b.c): once for that length; d is 8s


def test_lints_run_on_sound_declarations_when_another_has_errors(tmp_path):
    (tmp_path / "a.shot").write_text(
        'shot broken:\n    duration 4s\n    "A harbour."\n    camera:\n        0s..9s pan left 10deg\n\n'
        'shot fine:\n    duration 4s\n    "A stunning harbour."\n', encoding="utf-8")
    found = driver.check(tmp_path / "a.shot").diagnostics
    codes = {(d.code, d.span.line) for d in found}
    assert ("E404", 5) in codes
    w101 = [d for d in found if d.code == "W101"]
    assert w101 and w101[0].span.text == "stunning"
    # the broken shot is not linted: no W1xx points into it
    assert not [d for d in found if d.code.startswith("W1") and d.span.line <= 5]
