"""The fast lexer lexes exactly as Lark's contextual lexer: the same trees and
the same diagnostics over every file of the repository and over fuzzed text."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from sorascript import resources
from sorascript.source import SourceFile
from sorascript.syntax import parser, tables
from sorascript.syntax.build import Builder
from sorascript.syntax.lexer import FastLexer

FILES = sorted(p for folder in ("examples", "stdlib", "tests/ui") for p in (REPO / folder).rglob("*.shot"))


@lru_cache(maxsize=1)
def lark_lexing():
    """The same parser with Lark's own contextual lexer."""
    return tables.build(resources.grammar_text(), postlex=parser.Indenter(parser._context), transformer=Builder(parser._context))


def both(text: str):
    with parser._lock:
        ours = parser._parse_locked(SourceFile("a.shot", text))
        theirs = parser._parse_locked(SourceFile("a.shot", text), lark_lexing())
    return ours, theirs


def same(text: str) -> None:
    (ours, ours_found), (theirs, theirs_found) = both(text)
    assert ours == theirs
    assert [(d.code, d.message, d.span.start, d.span.end) for d in ours_found] == \
        [(d.code, d.message, d.span.start, d.span.end) for d in theirs_found]


def test_the_parser_uses_the_fast_lexer():
    assert isinstance(parser._parser().parser.lexer.lexer, FastLexer)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_file_lexes_the_same(path):
    same(path.read_text(encoding="utf-8"))


PIECES = ["shot s:", "\n    ", "camera:", "pan left 30deg", "f/2.8", "f", "/", '"x"', '"""a\nb"""', '""', "at 2s",
          "0..2s", "..", ":", ",", "(", ")", "// c", "\r\n", "\t", "#ff", "$1", "-2s", "atlas", "at", "of", "cut",
          "key", "mara", "1280x720", "é", "\x85", "\u2028", "'", "@", "\n", "    "]


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_fuzzed_text_lexes_the_same(text):
    same(text)
