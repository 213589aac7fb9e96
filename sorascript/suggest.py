"""Did-you-mean: the nearest of some words to a misspelt one (as Elm and CPython do).

For a few hundred words, difflib compares the word with each. A scope of
thousands is indexed by the words' three-letter pieces: a misspelling shares
some with the word meant, so only the words sharing the most pieces are
compared, and a file with thousands of unknown names stays linear.
"""

from __future__ import annotations

EXACT_UP_TO = 300  # candidates compared one by one; beyond, through the index
COMPARED = 40  # candidates compared after the index chose them
BUDGET = 1000  # index entries read per word looked up: a bound on the work, whatever the scope


def closest(word: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate most like `word` with a similarity of at least `cutoff`, or None."""
    if isinstance(candidates, Candidates):
        return candidates.closest(word, cutoff)
    return _difflib(word, list(candidates), cutoff)


def _difflib(word: str, candidates: list[str], cutoff: float) -> str | None:
    import difflib  # only when something is misspelt

    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return found[0] if found else None


def _pieces(word: str) -> set[str]:
    padded = f" {word.lower()} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Candidates:
    """A fixed set of words to suggest from, indexed when it is large."""

    def __init__(self, words) -> None:
        self.words = sorted(set(words))
        self._index: dict[str, list[int]] | None = None
        self._found: dict[tuple[str, float], str | None] = {}

    def __len__(self) -> int:
        return len(self.words)

    def closest(self, word: str, cutoff: float = 0.6) -> str | None:
        key = (word, cutoff)
        if key not in self._found:
            self._found[key] = self._search(word, cutoff)
        return self._found[key]

    def _search(self, word: str, cutoff: float) -> str | None:
        if len(self.words) <= EXACT_UP_TO:
            return _difflib(word, self.words, cutoff)
        if self._index is None:
            self._index = {}
            for number, candidate in enumerate(self.words):
                for piece in _pieces(candidate):
                    self._index.setdefault(piece, []).append(number)
        # The rarest pieces first: they tell candidates apart; stop when the budget is spent.
        pieces = sorted(_pieces(word), key=lambda p: (len(self._index.get(p, ())), p))
        shared: dict[int, int] = {}
        budget = BUDGET
        for piece in pieces:
            postings = self._index.get(piece, ())
            for number in postings[:budget]:
                shared[number] = shared.get(number, 0) + 1
            budget -= min(len(postings), budget)
            if budget <= 0:
                break
        best = sorted(shared, key=lambda n: (-shared[n], n))[:COMPARED]
        return _difflib(word, [self.words[n] for n in best], cutoff)
