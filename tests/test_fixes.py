"""Diagnostics that know the nearest right word carry a fix: replacement text for
the span, as an editor's quick fix would apply it."""

from __future__ import annotations

from sorascript import driver


def apply(text: str, diagnostic) -> str:
    fix = diagnostic.fix
    data = text.encode("utf-8")
    return (data[: fix.span.start] + fix.replacement.encode("utf-8") + data[fix.span.end :]).decode("utf-8")


def test_unknown_vocabulary_word_fix_replaces_it(tmp_path):
    path = tmp_path / "a.shot"
    text = 'shot a:\n    camera:\n        framing wid\n        rig hand-held\n'
    path.write_text(text, encoding="utf-8")
    found = {d.message: d for d in driver.check(path).diagnostics if d.code == "E210"}
    framing = found["unknown framing `wid`"]
    assert framing.fix.replacement == "wide"
    assert apply(text, framing) == text.replace("framing wid", "framing wide")
    assert found["unknown rig `hand-held`"].fix.replacement == "handheld"


def test_unknown_name_fix_uses_the_nearest_name_of_the_right_kind(tmp_path):
    path = tmp_path / "a.shot"
    text = 'character mara:\n    "a woman in a green raincoat"\n\nshot a:\n    cast marra\n'
    path.write_text(text, encoding="utf-8")
    unknown = next(d for d in driver.check(path).diagnostics if d.code == "E201")
    assert unknown.fix.replacement == "mara"
    assert "cast mara\n" in apply(text, unknown)


def test_no_fix_when_nothing_is_close(tmp_path):
    path = tmp_path / "a.shot"
    path.write_text('shot a:\n    camera:\n        framing zzzzzz\n', encoding="utf-8")
    unknown = next(d for d in driver.check(path).diagnostics if d.code == "E210")
    assert unknown.fix is None
