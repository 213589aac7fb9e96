"""The fast lexer lexes exactly as Lark's contextual lexer: the same trees and
the same diagnostics over every file of the repository and over fuzzed text."""

from __future__ import annotations

import re
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


def tokens(text: str, lexing) -> list[tuple]:
    """Every token the post-lexer hands the parser, with its place as Lark gives it."""
    seen = []
    indenter = lexing.parser.lexer.postlexer if hasattr(lexing.parser.lexer, "postlexer") else None
    original = type(indenter).process

    def recording(self, stream):
        for token in original(self, stream):
            seen.append((token.type, token.value, token.start_pos, token.end_pos, token.line, token.column,
                         token.end_line, token.end_column))
            yield token

    with parser._lock:
        parser._context.reset(SourceFile("a.shot", text))
        type(indenter).process = recording
        try:
            lexing.parse(text)
        except Exception:  # a syntax error: the tokens up to it are compared
            pass
        finally:
            type(indenter).process = original
    return seen


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["\f", " \r", "  // c\n", " \f // c\n", "\r\n  "]), max_size=40).map("".join))
def test_fuzzed_text_gives_the_same_tokens_in_the_same_places(text):
    """Token by token, with lines and columns: spaces skipped within a token's
    match, and places worked out when asked, are what Lark's lexer gives."""
    assert tokens(text, parser._parser()) == tokens(text, lark_lexing())


@pytest.mark.parametrize("path", FILES[::7], ids=lambda p: str(p.relative_to(REPO)))
def test_every_seventh_file_gives_the_same_tokens(path):
    text = path.read_text(encoding="utf-8")
    assert tokens(text, parser._parser()) == tokens(text, lark_lexing())


def test_only_a_newline_can_begin_with_a_space():
    """The fast lexer skips spaces within the next token's match; only the
    terminals it names may begin with a space, and it tries those first."""
    from sorascript.syntax import lexer

    grammar = parser._parser()
    skipped = [t for t in grammar.terminals if t.name in grammar.lexer_conf.ignore]
    assert [t.name for t in skipped] == ["WS"]
    tails = ["//x\n", "\n", "\r\n", '"x"', '"""x"""', "1s", "-1s", "$1", "#ff", "f/2", "a", "é", "..", ":", ",",
             "(", ")", "/", ".", " ", "\t"]
    for terminal in grammar.terminals:
        if terminal.name in lexer._STARTS_WITH_SPACE or terminal.name in grammar.lexer_conf.ignore:
            continue
        compiled = re.compile(terminal.pattern.to_regexp())
        assert not any(compiled.match(space + tail) for space in " \t\f\r" for tail in tails), terminal.name


@pytest.mark.parametrize("path", [p for p in FILES if "ui" not in p.parts], ids=lambda p: str(p.relative_to(REPO)))
def test_the_fast_loop_parses_every_sound_file_as_lark_does(path):
    """The tight loop over Lark's tables (syntax/lalr.py) takes every file that
    parses, and builds what Lark's own loop builds; it never falls back there."""
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    with parser._lock:
        parser._context.reset(SourceFile("a.shot", text))
        ours = parser._fast_parser().parse(text)
        parser._context.reset(SourceFile("a.shot", text))
        theirs = parser._parser().parse(text)
    assert ours is not None
    assert ours == theirs


def test_the_fast_loop_hands_a_syntax_error_to_lark():
    text = "shot a:\n    duration 4s\n    prose \"x\"\n"
    with parser._lock:
        parser._context.reset(SourceFile("a.shot", text))
        assert parser._fast_parser().parse(text) is None
    _, found = parser.parse(SourceFile("a.shot", text))
    assert [d.code for d in found] == ["E101"]


def test_no_text_outlives_its_parse():
    """A token's line table (and the text it is made from) goes with the tokens:
    a file with many syntax errors is parsed again from blanked copies of its
    text, and with the collector paused (as during a compile) none may stay."""
    import gc

    from sorascript.syntax import lexer

    text = 'shot a:\n    duration 4s\n    prose "x"\n\n' * 20
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _, found = parser.parse(SourceFile("a.shot", text))
        assert len([d for d in found if d.code == "E101"]) == 20
        assert [o for o in gc.get_objects() if isinstance(o, SourceFile) and o.path == lexer.LEXED] == []
    finally:
        if was_enabled:
            gc.enable()
