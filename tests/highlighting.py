"""What each editor must show, from the compiler's own lexer.

The real parser (Lark, with the compiler's indentation post-lexer) reads every
`.shot` file of the project; each token it accepts says what the text there
is: a keyword (a declaration keyword when it starts a top-level line), a
name, a quantity with its unit, a string, the range operator, a comment.
Each editor's test asks the editor for its scope, group or face at those
positions and maps them back to categories through the one table in
editors/generate.py. A file with syntax errors is checked up to each error.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput
from lark.lexer import PatternStr

from sorascript import resources
from sorascript.sema.levels import _PRAGMA
from sorascript.source import SourceFile
from sorascript.quantities import UNITS
from sorascript.syntax.build import ParseContext
from sorascript.syntax.parser import Indenter, top_level_starts

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "editors"))
import generate  # noqa: E402  (editors/generate.py: the category table)

CATEGORIES = generate.CATEGORIES
_WORD = re.compile(r"[^\W\d][\w-]*")
_ESCAPE = re.compile(r'\\["\\nt]')
_COMMENT = re.compile(r"//[^\n]*")
_NUMBER_UNIT = re.compile(r"-?\d+(?:\.\d+)?(" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + ")")
NAMEISH = frozenset({"name", "vocabulary", "declared", "speaker"})


def shot_files() -> list[Path]:
    """Every example, stdlib file and test case."""
    return sorted(
        path for folder in ("examples", "stdlib", "tests") for path in (REPO / folder).rglob("*.shot")
    )


@dataclass(frozen=True)
class Expect:
    line: int  # 1-based
    column: int  # 1-based, in characters
    allowed: frozenset[str]  # categories any of which is right
    what: str  # the token, for messages


class _Recorder(Indenter):
    """The compiler's indentation post-lexer, noting every token the lexer gives it."""

    def __init__(self, context: ParseContext, seen: list) -> None:
        super().__init__(context)
        self.seen = seen

    def process(self, stream):
        return super().process(self._record(stream))

    def _record(self, stream):
        for token in stream:
            self.seen.append(token)
            yield token


@functools.cache
def _lark() -> tuple[Lark, list, ParseContext, set[str]]:
    seen: list = []
    context = ParseContext()
    parser = Lark(resources.grammar_text(), parser="lalr", lexer="contextual", maybe_placeholders=False,
                  postlex=_Recorder(context, seen))
    keywords = {t.name for t in parser.terminals
                if isinstance(t.pattern, PatternStr) and _WORD.fullmatch(t.pattern.value)}
    return parser, seen, context, keywords


def tokens(path: Path) -> list:
    """The tokens the compiler's lexer accepts, each top-level declaration parsed on its own."""
    parser, seen, context, _ = _lark()
    text = path.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    starts = top_level_starts(text) or [0]
    starts = [0, *starts[1:]]
    found = []
    for start, end in zip(starts, [*starts[1:], len(text)]):
        chunk = re.sub(r"[^\n]", " ", text[:start]) + text[start:end]
        seen.clear()
        context.reset(SourceFile(str(path), chunk))
        limit = len(chunk)
        try:
            parser.parse(chunk)
        except UnexpectedInput as error:
            token = getattr(error, "token", None)
            limit = token.start_pos if token is not None and token.start_pos is not None else error.pos_in_stream
        found += [t for t in seen if t.type != "WS" and t.start_pos is not None and start <= t.start_pos < limit]
    return found


def expectations(path: Path) -> list[Expect]:
    _, _, _, keyword_types = _lark()
    lang_declarations = set(generate_language().declarations)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found: list[Expect] = []
    previous = None
    in_delivery = False  # a dialogue line's parenthetical: `(quietly)`
    for token in tokens(path):
        kind, value, line, column = token.type, str(token), token.line, token.column
        if value in "()":
            in_delivery = value == "("
        if in_delivery and kind in ("NAME", "STRING"):
            found.append(Expect(line, column, frozenset({"delivery"}), value))
        elif kind in keyword_types:
            top = column == 1 and value in lang_declarations
            found.append(Expect(line, column, frozenset({"declaration" if top else "statement"}), value))
        elif kind == "NAME" and previous is not None and str(previous) == "/":  # `$0.10/s`: a unit
            found.append(Expect(line, column, frozenset({"unit"} if value in UNITS else NAMEISH), value))
        elif kind == "NAME":
            declared = previous is not None and previous.type in keyword_types and previous.line == line and (
                (previous.column == 1 and str(previous) in generate_language().declares) or str(previous) == "variant")
            found.append(Expect(line, column, frozenset({"declared"} if declared else NAMEISH), value))
        elif kind == "QUANTITY":
            found.append(Expect(line, column, frozenset({"quantity", "unit"}), value))
            match = _NUMBER_UNIT.fullmatch(value)
            if match:
                found.append(Expect(line, column + match.start(1), frozenset({"unit"}), value))
                found.append(Expect(line, column, frozenset({"quantity"}), value))
        elif kind in ("STRING", "LONG_STRING"):
            category = "string" if kind == "STRING" else "triple-string"
            found.append(Expect(line, column, frozenset({category}), value[:20]))
            for escape in _ESCAPE.finditer(value):
                before = value[: escape.start()]
                at_line = line + before.count("\n")
                at_column = (column + len(before)) if "\n" not in before else len(before) - before.rindex("\n")
                found.append(Expect(at_line, at_column, frozenset({"escape"}), escape.group()))
        elif kind == "DOTDOT":
            found.append(Expect(line, column, frozenset({"range-operator"}), value))
        elif kind == "_NL":
            for comment in _COMMENT.finditer(value):
                before = value[: comment.start()]
                at_line = line + before.count("\n")
                at_column = (column + len(before)) if "\n" not in before else len(before) - before.rindex("\n")
                pragma = _PRAGMA.match(comment.group()[2:])
                found.append(Expect(at_line, at_column, frozenset({"pragma" if pragma else "comment"}), comment.group()[:20]))
        if kind not in ("_NL", "_INDENT", "_DEDENT"):
            previous = token
    assert all(e.line <= len(lines) for e in found)
    return found


@functools.cache
def generate_language():
    from generator import language

    return language.load()


def reverse(editor: str) -> dict[str, str]:
    """An editor's name for a category -> the category."""
    names: dict[str, str] = {}
    for category, row in CATEGORIES.items():
        name = getattr(row, editor)
        if name:
            names.setdefault(name, category)
    return names


def mismatches(path: Path, expected: list[Expect], actual: list[str | None]) -> list[str]:
    """Messages for positions whose category is not one of those allowed."""
    rel = path.relative_to(REPO)
    return [
        f"{rel}:{e.line}:{e.column}: {e.what!r} is {got or 'unscoped'}, expected {' or '.join(sorted(e.allowed))}"
        for e, got in zip(expected, actual)
        if got not in e.allowed
    ]
