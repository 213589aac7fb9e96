"""How prompts and messages name what a file declares: one rule for the
lowering and the lints, so that a lint looks for a character as the prompt
writes them."""

from __future__ import annotations

import re

from sorascript.syntax import ast


def words(name: str) -> str:
    """A declared name as words: `old_man` -> "old man"."""
    return name.replace("_", " ").replace("-", " ")


def character_name(symbol) -> str:
    """A character's display name; else its name as words, a name written all in
    small letters with a capital (`mara` -> "Mara", `old_man` -> "Old man"), any
    other as written (`mc20`, `DJ_Kool` -> "DJ Kool"). A cameo's name stays
    verbatim (the API matches it)."""
    decl = symbol.decl
    if any(isinstance(i, ast.Cameo) for i in decl.items):
        return symbol.name
    if getattr(decl, "display", None) is not None:
        return decl.display.value
    text = words(symbol.name)
    return text[:1].upper() + text[1:] if text.replace(" ", "").isalpha() and text.islower() else text


def prop_name(symbol) -> str:
    """A prop's display name, else its name as words, as written (`ikea_box` -> "ikea box")."""
    display = getattr(symbol.decl, "display", None)
    return display.value if display is not None else words(symbol.name)


# `SHOT.take2` in a sequence: take 2 of a job. The first take is the job's own name.
_TAKE_PART = re.compile(r"take(?P<n>[2-9]|[1-9][0-9]+)")
_TAKE = re.compile(r"(?P<job>.+)\." + _TAKE_PART.pattern)


def is_take(part: str) -> bool:
    """`take2`, `take10`: a take after the first, as a sequence names it."""
    return _TAKE_PART.fullmatch(part) is not None


def sequence_job(name: str, jobs) -> tuple[str, int]:
    """The job and take a sequence entry names: `a.v.take2` -> ("a.v", 2), `a` ->
    ("a", 1). `jobs` holds the job names (a variant called `take2` is a job)."""
    if name not in jobs:
        match = _TAKE.fullmatch(name)
        if match and match.group("job") in jobs:
            return match.group("job"), int(match.group("n"))
    return name, 1
