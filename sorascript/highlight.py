"""A Pygments lexer for `.shot` files: `pygmentize -l shot`, Sphinx, MkDocs.

Registered under the `pygments.lexers` entry point. Nothing else in the
package imports Pygments, and importing `sorascript` does not import this
module. The rules are generated data (highlight_tables.py, written by
editors/generate.py from the grammar and the vocabularies); this module turns
them into a RegexLexer and follows blocks by indentation as the compiler does,
so that a line's first word is read as what it is in its block: `ambient`
starts a sound line under `sound:` and is a light role under `lighting:`.
Anything unexpected is plain text, never an Error token.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default, this, using
from pygments.token import Text, Whitespace, string_to_tokentype

from sorascript import highlight_tables as _tables

__all__ = ["ShotLexer"]

# Pieces that tile a text; a newline outside a string ends a logical line,
# so a triple-quoted string stays within the line that opens it.
_PIECE = re.compile(r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\Z)|"(?:[^"\\\n]|\\.)*"?|//[^\n]*|[^"\n/]+|/|\n')
_LEAD_WORD = re.compile(_tables.LEAD_WORD)


def _action(spec):
    if isinstance(spec, tuple):
        return bygroups(*map(_action, spec))
    if spec == "inline":
        return using(this, state="inline")
    if spec == "blank":
        return Whitespace
    if spec == "text":
        return Text
    return string_to_tokentype(_tables.TOKENS[spec])


def _states() -> dict[str, list]:
    states: dict[str, list] = {"root": [default("line-top")]}
    for name, rules in _tables.STATES.items():
        states[name] = [(regex, _action(action), *([nxt] if nxt else [])) for regex, action, nxt in rules]
        if name.startswith("line-"):
            states[name].append(default("inline"))
    return states


def _logical_lines(text: str):
    start = 0
    for piece in _PIECE.finditer(text):
        if piece.group() == "\n":
            yield start, piece.end()
            start = piece.end()
    if start < len(text):
        yield start, len(text)


class ShotLexer(RegexLexer):
    """SoraScript shot lists."""

    name = "SoraScript"
    aliases = ["shot", "sorascript"]
    filenames = ["*.shot"]
    mimetypes = ["text/x-shot"]

    tokens = _states()

    def get_tokens_unprocessed(self, text, stack=None):
        if stack is not None:  # a group lexed with `using(this, state=...)`
            yield from super().get_tokens_unprocessed(text, stack)
            return
        blocks: list[tuple[int, str]] = []  # (indentation of the header, kind of block it opens)
        for start, end in _logical_lines(text):
            line = text[start:end]
            body = line.lstrip(" \t")
            indent = len(line) - len(body)
            code = body.strip() and not body.startswith("//")
            if code:
                while blocks and indent <= blocks[-1][0]:
                    blocks.pop()
            kind = blocks[-1][1] if blocks else "top"
            for offset, token, value in super().get_tokens_unprocessed(line, ("root", f"line-{kind}")):
                yield start + offset, token, value
            lead = _LEAD_WORD.match(line) if code else None
            if lead:
                opens = _tables.DECLARATIONS if kind == "top" else _tables.OPENS.get(kind, {})
                opened = opens.get(lead.group(1))
                if opened:
                    blocks.append((indent, opened))
