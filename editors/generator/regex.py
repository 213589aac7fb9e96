"""Translate the grammar's terminal patterns into each editor's regex dialect.

The grammar's NAME and QUANTITY terminals are Python regexes. Editors read
three dialects: Python/Oniguruma (Pygments, TextMate), Vim's "magic" patterns
and Emacs Lisp regexps. This module parses the small subset of regex syntax
the terminals use into a tree and writes that tree in each dialect. Anything
outside the subset raises, so a grammar change that needs more fails the
generator loudly instead of producing a wrong editor file.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---- the tree ----------------------------------------------------------------


@dataclass(frozen=True)
class Char:
    char: str


@dataclass(frozen=True)
class Class:
    """A character class: items are single characters, (lo, hi) ranges, or
    the names 'digit', 'word', 'letter' (a word character that is not a digit)."""
    items: tuple
    negated: bool = False


@dataclass(frozen=True)
class Seq:
    items: tuple


@dataclass(frozen=True)
class Alt:
    options: tuple


@dataclass(frozen=True)
class Repeat:
    node: object
    op: str  # '?', '*' or '+'


# ---- parsing -----------------------------------------------------------------

_SPECIAL_ESCAPES = {"d": Class(("digit",)), "w": Class(("word",))}


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def fail(self, why: str):
        raise ValueError(f"unsupported regex {self.text!r} at {self.pos}: {why}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def alternation(self):
        options = [self.sequence()]
        while self.peek() == "|":
            self.take()
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def sequence(self):
        items = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            if self.peek() in ("?", "*", "+"):
                atom = Repeat(atom, self.take())
                if self.peek() in ("?", "+"):
                    self.fail("lazy or possessive quantifier")
            items.append(atom)
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def atom(self):
        char = self.take()
        if char == "(":
            if self.text.startswith("?:", self.pos):
                self.pos += 2
            elif self.peek() == "?":
                self.fail("lookaround or named group")
            node = self.alternation()
            if self.take() != ")":
                self.fail("unclosed group")
            return node
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape(in_class=False)
        if char in ".^${}":
            self.fail(f"metacharacter {char!r}")
        return Char(char)

    def escape(self, in_class: bool):
        char = self.take()
        if char in _SPECIAL_ESCAPES:
            return _SPECIAL_ESCAPES[char]
        if char == "u":
            code = self.text[self.pos:self.pos + 4]
            self.pos += 4
            return Char(chr(int(code, 16)))
        if char.isalnum():
            self.fail(f"escape \\{char}")
        return Char(char)

    def char_class(self):
        negated = self.peek() == "^"
        if negated:
            self.take()
        items: list = []
        while self.peek() != "]":
            if not self.peek():
                self.fail("unclosed class")
            char = self.take()
            if char == "\\":
                nxt = self.peek()
                if nxt == "W" and negated:
                    # [^\W\d] and the like: the complement of non-word characters.
                    self.take()
                    items.append("nonword")
                    continue
                item = self.escape(in_class=True)
                items.append(item.items[0] if isinstance(item, Class) else item.char)
                continue
            if self.peek() == "-" and self.text[self.pos + 1:self.pos + 2] not in ("]", ""):
                self.take()
                items.append((char, self.take()))
                continue
            items.append(char)
        self.take()
        if negated and items[:1] == ["nonword"]:
            rest = items[1:]
            if rest == ["digit"]:
                return Class(("letter",))
            if not rest:
                return Class(("word",))
            self.fail("negated class mixing \\W with other items")
        if "nonword" in items:
            self.fail("\\W in a class")
        if items == [("0", "9")] and not negated:  # the grammar's ASCII digits
            return Class(("digit",))
        return Class(tuple(items), negated)


def parse(pattern: str):
    parser = _Parser(pattern)
    node = parser.alternation()
    if parser.pos != len(pattern):
        parser.fail("trailing text")
    return node


def alternatives(node) -> tuple:
    return node.options if isinstance(node, Alt) else (node,)


# ---- writing -----------------------------------------------------------------


class Dialect:
    """How one regex dialect writes each construct."""

    group_open = "(?:"
    group_close = ")"
    bar = "|"
    ops = {"?": "?", "*": "*", "+": "+"}
    named = {"digit": r"\d", "word": r"\w", "letter": r"[^\W\d]"}
    in_class = {"digit": "0-9", "word": r"\w"}
    special = set(".^$*+?()[]{}|\\")
    class_special = set("]\\^-")

    def char(self, char: str) -> str:
        return "\\" + char if char in self.special else char

    def write_literal(self, text: str) -> str:
        """A literal string, escaped for this dialect."""
        return "".join(self.char(char) for char in text)

    def class_literal(self, chars: str) -> str:
        """Characters to put between brackets."""
        return "".join(self.class_char(char) for char in chars)

    def class_char(self, char: str) -> str:
        return "\\" + char if char in self.class_special else char

    def write(self, node) -> str:
        if isinstance(node, Char):
            return self.char(node.char)
        if isinstance(node, Seq):
            return "".join(self.atomic(item) for item in node.items)
        if isinstance(node, Alt):
            return self.bar.join(self.write(option) for option in node.options)
        if isinstance(node, Repeat):
            return self.atomic(node.node, for_repeat=True) + self.ops[node.op]
        if isinstance(node, Class):
            return self.write_class(node)
        raise TypeError(node)

    def atomic(self, node, for_repeat: bool = False) -> str:
        text = self.write(node)
        if isinstance(node, Alt) or (for_repeat and isinstance(node, (Seq, Repeat))):
            return self.group_open + text + self.group_close
        return text

    def write_class(self, node: Class) -> str:
        if len(node.items) == 1 and isinstance(node.items[0], str) and node.items[0] in self.named and not node.negated:
            return self.named[node.items[0]]
        parts = []
        for item in node.items:
            if isinstance(item, tuple):
                parts.append(f"{self.class_char(item[0])}-{self.class_char(item[1])}")
            elif item in self.in_class:
                parts.append(self.in_class[item])
            elif len(item) == 1:
                parts.append(self.class_char(item))
            else:
                raise ValueError(f"{type(self).__name__} cannot put {item!r} in a class")
        return "[" + ("^" if node.negated else "") + "".join(parts) + "]"


class Python(Dialect):
    """Python's re and Oniguruma (TextMate) read the same syntax for this subset."""


class Vim(Dialect):
    """Vim's default 'magic' patterns. Names use \\k, so the syntax file sets
    'iskeyword' to letters, digits, `_` and (for whole hyphenated words) `-`."""

    group_open = r"\%("
    group_close = r"\)"
    bar = r"\|"
    ops = {"?": r"\=", "*": "*", "+": r"\+"}
    named = {"digit": r"\d", "word": r"\%(\k\&[^-]\)", "letter": r"\%(\k\&[^-0-9]\)"}
    in_class = {"digit": "0-9"}
    special = set(".*[]~\\/$^")


class Emacs(Dialect):
    group_open = r"\(?:"
    group_close = r"\)"
    bar = r"\|"
    named = {"digit": "[0-9]", "word": "[[:alnum:]_]", "letter": "[[:alpha:]_]"}
    in_class = {"digit": "0-9", "word": "[:alnum:]_"}
    special = set(".*+?[]^$\\")
    class_special = set()

    def write_class(self, node: Class) -> str:
        # Emacs has no escapes inside brackets: `]` goes first, `-` last, `^` not first.
        if len(node.items) == 1 and node.items[0] in self.named and not node.negated:
            return self.named[node.items[0]]
        items = list(node.items)
        singles = [i for i in items if isinstance(i, str) and len(i) == 1]
        others = [i for i in items if i not in singles]
        text = "".join(f"{i[0]}-{i[1]}" if isinstance(i, tuple) else self._named_in_class(i) for i in others)
        head = "]" if "]" in singles else ""
        tail = "-" if "-" in singles else ""
        middle = "".join(c for c in singles if c not in "]-^") + ("^" if "^" in singles else "")
        return "[" + ("^" if node.negated else "") + head + text + middle + tail + "]"

    def _named_in_class(self, item):
        if isinstance(item, str) and item in self.in_class:
            return self.in_class[item]
        raise ValueError(f"Emacs cannot put {item!r} in a class")


PYTHON, VIM, EMACS = Python(), Vim(), Emacs()
