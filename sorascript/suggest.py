"""Did-you-mean: the nearest of some words to a misspelt one (as Elm and CPython do)."""

from __future__ import annotations


def closest(word: str, candidates, cutoff: float = 0.6) -> str | None:
    import difflib  # only when something is misspelt

    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None
