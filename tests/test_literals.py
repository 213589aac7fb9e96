"""The prefilter of the lint corpus (sema/literals.py): the strings it says every
match holds are in every match, and a corpus that skips a search finds
exactly what the search finds."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from sorascript.sema import lints
from sorascript.sema.literals import required
from test_lints import FIRES, NEAR_MISSES


@pytest.mark.parametrize("source,expected", [
    (r"(?:floats?|floating)\s+through", {"through"}),  # the longest certain run
    (r"(?:smash|jump)[\s-]cuts?", {"smash", "jump"}),  # every branch holds one
    (r"abc|\d+", None),  # a branch that needs no letters at all
    (r"a(?:bcdef)?", None),  # optional: nothing certain, and "a" is too short to test for
    (r"(?=xyz)abc", {"abc"}),  # a lookahead gives nothing
    (r"(?!never)word", {"word"}),
    (r"(?:xyz)+", {"xyz"}),  # at least once: certain
    (r"(?:xyz)*abcd", {"abcd"}),
    (r"(?P<hit>Neon)\s+sign", {"neon"}),  # lower-cased, as the corpus is searched
    (r"[ab]cd", None),
])
def test_required_strings(source, expected):
    found = required(re.compile(source, re.I))
    assert (set(found) if found is not None else None) == expected


def _table_patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for name in lints._BUILD:
        built = lints.pattern(name)
        for compiled in built if isinstance(built, list) else [built]:
            out.append((name, compiled))
    for code in lints.rules():
        for compiled in lints.exceptions(code):
            out.append((f"{code} except", compiled))
    return out


def _sample_texts() -> list[str]:
    """Strings that set off the lints, that nearly do, and every string of the repository's files."""
    texts = [words for words, _ in FIRES] + list(NEAR_MISSES)
    string = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
    for path in sorted(REPO.glob("**/*.shot")):
        texts += string.findall(path.read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("name,compiled", _table_patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_match_holds_a_required_string(name, compiled):
    strings = required(compiled)
    if strings is None:
        return
    matched = 0
    for text in _sample_texts():
        for match in compiled.finditer(text):
            matched += 1
            assert any(s in match.group(0).lower() for s in strings), (name, match.group(0), sorted(strings))
    assert matched or name.endswith("except") or name in ("verbs", "joins", "stacked", "pairs", "specific")


def _whole_counts(strings: list[str], compiled) -> dict[int, int]:
    """What `counts` finds searching the whole text, with no prefilter."""
    corpus = lints._Corpus(strings)
    corpus.may_match = lambda _: True
    return corpus.counts(compiled)


PIECES = ["The cup floats through the wall.", "A neon sign that says OPEN.", "Cut to the beach.", "rain",
          "Close-up of her hands.", "a dark, moody, atmospheric and mysterious alley", "through", "cut", "Ş", "é",
          "beautiful", "BEAUTIFULLY", "she walks", "into thin air", "levitates", "hands", "—", " ", ", "]


@settings(derandomize=True, database=None, max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join), min_size=1, max_size=60),
       st.integers(min_value=1, max_value=400))
def test_a_skipped_search_finds_what_a_search_finds(strings, copies):
    """Small and large corpora (past `_Corpus.LARGE` the lower-cased text is
    searched), with required strings rare and common."""
    strings = strings * copies if copies > 200 else strings
    corpus = lints._Corpus(strings)
    for _, compiled in _table_patterns():
        assert corpus.counts(compiled) == _whole_counts(strings, compiled)


def test_letters_that_ignorecase_folds_apart_are_known():
    """A letter IGNORECASE matches to an ASCII letter it does not lower to makes
    the lower-cased corpus (and its prefilter) unsafe: every one is listed."""
    every = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    apart = {c for c in re.findall(r"[a-z]", every, re.I) if c.lower() not in "abcdefghijklmnopqrstuvwxyz"}
    assert apart == set(lints._FOLDS_APART)
    assert lints._Corpus(["a cup floats through the wall", "ſigns"]).lowered is None
