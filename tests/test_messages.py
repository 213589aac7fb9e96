"""Messages a newcomer meets: each says what was meant and how to write it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, run_sorac
from sorascript import driver
from sorascript.cli import app
from sorascript.diagnostics.codes import CODES


def check(tmp_path: Path, text: str, allow=("N001",)):
    path = tmp_path / "a.shot"
    path.write_text(text, encoding="utf-8")
    return driver.check(path, driver.Options(allow=frozenset(allow))).diagnostics


def shot(*lines: str, duration: str = "8s") -> str:
    body = "\n".join("    " + line for line in lines)
    return f'shot a:\n    duration {duration}\n    "Fishing boats rock in the harbour."\n{body}\n'


def only(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


# ---- sorac explain ---------------------------------------------------------------


def test_explain_without_a_code_lists_every_code_with_its_summary():
    done = run_sorac("explain")
    assert done.returncode == 0, done.stderr
    for code, info in CODES.items():
        assert re.search(rf"^  {code}  {info.severity}\s+{re.escape(info.title)}$", done.stdout, re.M), code
    assert "sorac explain CODE" in done.stdout


# ---- untimed moves --------------------------------------------------------------


def test_an_untimed_move_that_follows_another_says_so_and_suggests_a_range(tmp_path):
    found = check(tmp_path, shot("camera:", "    crane down over 4s", "    push in over 6s"))
    d = only(found, "E404")
    assert "where the `crane` before it ends" in d.message and "runs to 10s, past the 8s clip" in d.message
    assert any("`0s..6s push in`" in h for h in d.help), d.help
    assert any("`over 4s`" in h for h in d.help), d.help
    assert d.secondary and d.secondary[0].span.text.startswith("crane down")


def test_a_timed_move_past_the_clip_keeps_the_plain_message(tmp_path):
    d = only(check(tmp_path, shot("camera:", "    6s..10s pan left 20deg")), "E404")
    assert d.message == "this `pan` ends at 10s, after the 8s clip ends"


# ---- dialogue ----------------------------------------------------------------------


def test_dialogue_lines_whose_speaking_times_overlap_are_an_error_naming_both(tmp_path):
    text = ('character mara:\n    "woman in her 30s"\n\ncharacter theo:\n    "man in his 40s"\n\n'
            + shot("dialogue:", '    at 1s mara: "I waited here every night for a whole year, you know."',
                   '    at 2s theo: "I know."'))
    d = only(check(tmp_path, text), "E417")
    assert "at 2s" in d.message and "`mara`'s line" in d.message and "1-5.4s" in d.message
    assert d.span.text == "at 2s"
    assert "11 words" in d.secondary[0].message
    assert any("`at 5.4s theo: …`" in h for h in d.help)


def test_lines_that_follow_each_other_do_not_overlap(tmp_path):
    text = 'character mara:\n    "woman"\n\n' + shot("dialogue:", '    at 1s mara: "Ten minutes."', '    at 3s mara: "In they go."')
    assert not [d for d in check(tmp_path, text) if d.code == "E417"]


# ---- syntax errors name the form ----------------------------------------------------


@pytest.mark.parametrize("line, message, hint", [
    ("size 9:16", "`9:16` is an aspect ratio: a size is written `WxH` in pixels", "`size 720x1280`"),
    ("camera:\n        zoom in from 35mm to 85mm", "`zoom` takes a factor, not focal lengths", "`zoom in 2.4x`"),
    ("camera:\n        lens 35mm T2.8", "a lens's stop is written `f/N`, not as a T-stop", "`lens 35mm f/2.8`"),
    ('camera:\n        framing close-up "tight on her eyes"', "`framing` takes one value, not a description",
     '`"tight on her eyes"`'),
])
def test_syntax_errors_name_the_accepted_form(tmp_path, line, message, hint):
    d = only(check(tmp_path, shot(line)), "E101")
    assert d.message == message
    assert any(hint in h for h in d.help), d.help


def test_a_syntax_error_in_a_move_shows_how_the_move_is_written(tmp_path):
    d = only(check(tmp_path, shot("camera:", "    pan left 30deg over")), "E101")
    assert "a `pan` move is written `pan left|right [ANGLE] [over DURATION]`" in d.help


# ---- unit slips --------------------------------------------------------------------


def test_a_unit_slip_suggests_the_unit_of_the_slot_not_of_the_letter(tmp_path):
    d = only(check(tmp_path, shot("camera:", "    dolly in 2m")), "E105")
    assert not any("2ms" in h for h in d.help), d.help
    assert any("`dolly` takes no amount" in h for h in d.help), d.help


def test_a_unit_slip_in_a_duration_slot_suggests_seconds(tmp_path):
    d = only(check(tmp_path, shot("camera:", "    pan left 20deg over 2m")), "E105")
    assert any("write `2s`" in h for h in d.help), d.help


def test_a_known_slip_is_corrected_directly(tmp_path):
    d = only(check(tmp_path, shot("camera:", "    pan left 20deg over 2sec")), "E105")
    assert d.help == ("write `2s`",)


# ---- arguments a verb does not take -------------------------------------------------


@pytest.mark.parametrize("line, code, shown", [
    ("crane up 30deg", "E304", "`crane` takes no `30deg`"),
    ("track left \"the ferry\"", "E304", "`track` takes no `left`"),
    ("pan left right", "E304", "a `pan` move takes no `right`"),
    ("pan 30deg", "E305", "`pan` needs a direction"),
    ("rack-focus", "E305", "`rack-focus` needs a subject in quotes"),
])
def test_move_arguments_have_codes_of_their_own(tmp_path, line, code, shown):
    found = check(tmp_path, shot("camera:", f"    {line}"))
    d = only(found, code)
    assert d.message == shown
    assert not [x for x in found if x.code in ("E101", "E301")]


def test_a_crossfade_without_a_length_has_its_own_code(tmp_path):
    text = 'shot a:\n    "Dawn."\n\nshot b:\n    "Noon."\n\nsequence day:\n    a crossfade\n    b\n'
    d = only(check(tmp_path, text), "E305")
    assert d.message == "a crossfade needs a length"


# ---- help names only commands that exist ------------------------------------------------


def _commands() -> set[str]:
    return {c.name or c.callback.__name__.rstrip("_") for c in app.registered_commands}


def test_help_and_explanations_name_only_commands_that_exist():
    texts = list((REPO / "sorascript").rglob("*.py")) + list((REPO / "sorascript").rglob("*.md")) + \
        list((REPO / "sorascript").rglob("*.toml"))
    named = {}
    for path in texts:
        for word in re.findall(r"`sorac ([a-z]+)", path.read_text(encoding="utf-8")):
            named.setdefault(word, path)
    unknown = {w: str(p.relative_to(REPO)) for w, p in named.items() if w not in _commands()}
    assert not unknown, f"help names commands that do not exist: {unknown}"


def test_retired_model_note_is_shown_once_per_run(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.shot").write_text(f'shot {name}:\n    model sora-2\n    "A harbour."\n', encoding="utf-8")
    done = run_sorac("check", "a.shot", "b.shot", cwd=tmp_path)
    assert done.stdout.count("note[N001]") == 1, done.stdout
    short = run_sorac("check", "--format", "short", "a.shot", "b.shot", cwd=tmp_path)
    assert short.stdout.count("N001") == 2
