"""The Pygments lexer (sorascript/highlight.py), through Pygments itself."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Whitespace

from highlighting import REPO, expectations, mismatches, reverse, shot_files
from sorascript.highlight import ShotLexer

SAMPLE = REPO / "examples" / "neon_diner.shot"


def categories_at(path, expected):
    """The category of the Pygments token at each expected position."""
    names = reverse("pygments")
    text = path.read_text(encoding="utf-8")
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    by_offset = {}
    for offset, token, value in ShotLexer(stripnl=False).get_tokens_unprocessed(text):
        for i in range(len(value)):
            by_offset[offset + i] = token
    return [names.get(str(by_offset.get(starts[e.line - 1] + e.column - 1))[6:]) for e in expected]


def test_registered_under_the_entry_point_and_the_file_name():
    assert isinstance(get_lexer_by_name("shot"), ShotLexer)
    assert isinstance(get_lexer_for_filename("film.shot"), ShotLexer)


def test_pygmentize_highlights_a_file():
    pygmentize = [sys.executable, "-m", "pygments"]
    out = subprocess.run([*pygmentize, "-l", "shot", "-f", "html", str(SAMPLE)],
                         capture_output=True, text=True, check=True).stdout
    assert '<span class="kd">shot</span>' in out and '<span class="nc">confession</span>' in out
    by_name = subprocess.run([*pygmentize, "-f", "raw", str(SAMPLE)], capture_output=True, text=True, check=True)
    assert "Token.Keyword.Declaration\t'shot'" in by_name.stdout


@pytest.mark.parametrize("path", shot_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_lexes_without_error_and_round_trips(path):
    text = path.read_text(encoding="utf-8")
    tokens = list(ShotLexer(stripnl=False).get_tokens_unprocessed(text))
    assert "".join(value for _, _, value in tokens) == text
    assert [value for _, token, value in tokens if token is Error] == []


def test_every_token_of_every_file_gets_its_category():
    problems = []
    for path in shot_files():
        expected = expectations(path)
        problems += mismatches(path, expected, categories_at(path, expected))
    assert problems == []


# A representative file, line by line: (line, [(text, token type)...]) for its
# non-blank tokens. Written by hand from what each word is in the language.
EXPECTED_LINES = {
    1: [("import", "Keyword.Declaration"), ('"', "Literal.String.Double"), ("std/lenses", "Literal.String.Double"),
        ('"', "Literal.String.Double")],
    3: [("character", "Keyword.Declaration"), ("mara", "Name.Class"), (":", "Punctuation")],
    5: [("voice", "Keyword"), ('"', "Literal.String.Double"), ("low, calm", "Literal.String.Double"),
        ('"', "Literal.String.Double")],
    8: [("crimson", "Name.Class"), ("#b3122e", "Literal.Number"), ('"', "Literal.String.Double"),
        ("red neon", "Literal.String.Double"), ('"', "Literal.String.Double")],
    13: [("model", "Keyword"), ("sora-2-pro", "Name.Variable")],
    14: [("size", "Keyword"), ("1280x720", "Literal.Number")],
    15: [("duration", "Keyword"), ("8", "Literal.Number"), ("s", "Keyword.Type")],
    18: [("cast", "Keyword"), ("mara", "Name.Variable")],
    19: [("camera", "Keyword"), (":", "Punctuation")],
    20: [("framing", "Keyword"), ("medium-close-up", "Name.Constant")],
    21: [("lens", "Keyword"), ("50", "Literal.Number"), ("mm", "Keyword.Type"), ("f/", "Keyword.Type"),
         ("2.0", "Literal.Number")],
    23: [("0", "Literal.Number"), ("s", "Keyword.Type"), ("..", "Operator"), ("6", "Literal.Number"),
         ("s", "Keyword.Type"), ("push", "Name.Constant"), ("in", "Name.Constant"), ("from", "Keyword"),
         ("medium-close-up", "Name.Constant"), ("to", "Keyword"), ("close-up", "Name.Constant")],
    25: [("key", "Name.Constant"), ('"', "Literal.String.Double"), ("red neon", "Literal.String.Double"),
         ('"', "Literal.String.Double"), ("from", "Keyword"), ("camera-right", "Name.Constant")],
    27: [("practical", "Name.Constant"), ('"', "Literal.String.Double"),
         ("overhead diner lamp", "Literal.String.Double"), ('"', "Literal.String.Double"),
         ("3200", "Literal.Number"), ("K", "Keyword.Type")],
    28: [("palette", "Keyword"), ("neon_diner", "Name.Variable")],
    33: [("dialogue", "Keyword"), (":", "Punctuation")],
    34: [("mara", "Name.Tag"), ("(quietly)", "Literal.String.Other"), (":", "Punctuation"),
         ('"', "Literal.String.Double"), ("I knew you'd come back.", "Literal.String.Double"),
         ('"', "Literal.String.Double")],
    35: [("pause", "Keyword"), ("1", "Literal.Number"), ("s", "Keyword.Type")],
    38: [("ambient", "Keyword"), ('"', "Literal.String.Double"),
         ("diner murmur, rain on the window", "Literal.String.Double"), ('"', "Literal.String.Double")],
    39: [("at", "Keyword"), ("1", "Literal.Number"), ("s", "Keyword.Type"), ("sfx", "Keyword"),
         ('"', "Literal.String.Double"), ("coffee cup set on a saucer", "Literal.String.Double"),
         ('"', "Literal.String.Double")],
}


def test_token_types_of_a_representative_file_line_by_line():
    text = SAMPLE.read_text(encoding="utf-8")
    lines: dict[int, list] = {}
    line = 1
    for _, token, value in ShotLexer(stripnl=False).get_tokens_unprocessed(text):
        if value.strip() and token is not Whitespace:
            lines.setdefault(line, []).append((value, str(token)[6:]))
        line += value.count("\n")
    for number, expected in EXPECTED_LINES.items():
        assert lines.get(number) == expected, f"line {number}"


def test_block_context_decides_what_a_first_word_is(tmp_path):
    source = tmp_path / "blocks.shot"
    source.write_text(
        'shot a:\n    lighting:\n        ambient "sky" from above\n    sound:\n        ambient "rain"\n'
        '    variant wet:\n        camera:\n            pan left 30deg over 2s\n'
        '"""\n    not a block: lens\n"""\n// sorac: allow W101\n',
        encoding="utf-8",
    )
    tokens = [(v, str(t)[6:]) for _, t, v in ShotLexer(stripnl=False).get_tokens_unprocessed(source.read_text())]
    words = [pair for pair in tokens if pair[0].strip()]
    ambients = [pair for pair in words if pair[0] == "ambient"]
    assert ambients == [("ambient", "Name.Constant"), ("ambient", "Keyword")]  # a light role, then a sound line
    assert ("wet", "Name.Class") in words and ("pan", "Name.Constant") in words and ("30", "Literal.Number") in words
    assert ("\n    not a block: lens\n", "Literal.String.Heredoc") in tokens
    assert ("sorac: allow", "Comment.Special") in tokens


def test_importing_sorascript_does_not_import_pygments():
    code = "import sys, sorascript, sorascript.cli, sorascript.driver; print('pygments' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
