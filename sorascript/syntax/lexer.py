"""A faster contextual lexer, made from the grammar's own terminals.

Lark's contextual lexer compiles one regular expression per parser state it
meets (about seventy for a one-shot file, most of `sorac check`'s own time)
and pays for generality on every token. This grammar's terminals hardly
overlap: each starts with its own kind of character, and keywords are names
that the state accepts as keywords. So one expression, compiled once, holds
every terminal in the order Lark tries them; a name becomes a keyword where
the parser's state accepts that keyword, as in Lark.

The moment a token is one the state does not accept (a syntax error, or a
rare place where another terminal would have matched), the rest of the text
is lexed by Lark's own contextual lexer, so errors and every corner are
exactly Lark's.

Two savings on every token: the space before a token is skipped by the same
match that finds the token (one match, not two), and a token's line and column
are worked out from its offset only when something asks for them (an error
message), not written into every token.
"""

from __future__ import annotations

import re

from lark.lexer import LexerState, PatternStr, Token

from sorascript.source import SourceFile

_NAME = "NAME"
_SKIPPED = "_skipped"
_STARTS_WITH_SPACE = ("_NL",)


# The name of the `SourceFile` a lexed text's tokens share: it places them
# (lines worked out when first asked), and goes, with the text, when they do.
LEXED = "<lexed text>"


class _PlacedToken(Token):
    """A token whose line and column come from its offsets and its text
    (`_lines`, a `SourceFile`): the same values Lark writes into each token,
    computed when read."""

    __slots__ = ("_lines",)

    @property
    def line(self) -> int:
        return self._lines.position(self.start_pos)[0]

    @property
    def column(self) -> int:
        return self._lines.position(self.start_pos)[1]

    @property
    def end_line(self) -> int:
        return self._lines.position(self.end_pos)[0]

    @property
    def end_column(self) -> int:
        return self._lines.position(self.end_pos)[1]


def borrowed(kind: str, value: str, token: Token) -> Token:
    """A token made by the post-lexer at `token`'s place (Lark's `new_borrow_pos`)."""
    if isinstance(token, _PlacedToken):
        made = str.__new__(_PlacedToken, value)
        made.type, made.value, made.start_pos, made.end_pos = kind, value, token.start_pos, token.end_pos
        made._lines = token._lines
        return made
    return Token.new_borrow_pos(kind, value, token)


class FastLexer:
    """Lexes text for one Lark LALR parser; `fallback` is Lark's contextual lexer."""

    def __init__(self, lark_parser, fallback) -> None:
        terminals = sorted(lark_parser.terminals,
                           key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        name = next(t for t in terminals if t.name == _NAME)
        name_re = re.compile(name.pattern.to_regexp())
        # Keywords written like names are names the state may read as keywords.
        self.keywords = {t.pattern.value: t.name for t in terminals
                         if isinstance(t.pattern, PatternStr) and name_re.fullmatch(t.pattern.value)}
        alternatives = [f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals
                        if t.pattern.value not in self.keywords and t.name not in lark_parser.lexer_conf.ignore]
        self.ignore = frozenset(lark_parser.lexer_conf.ignore)
        # What is ignored (spaces) is matched before the token, in the same match;
        # at the end of the text it may stand alone.
        skipped = "|".join(t.pattern.to_regexp() for t in terminals if t.name in self.ignore)
        self.master = re.compile(f"(?P<{_SKIPPED}>(?:{skipped})++)?(?:{'|'.join(alternatives)}|\\Z)" if skipped
                                 else "|".join(alternatives))
        # Terminals that can begin with what is ignored: Lark, trying terminals in
        # order at the first space, would take one of these there rather than
        # skip the space. (In this grammar: a newline whose line ends in a comment.)
        self.before_skipping = {t.name: re.compile(t.pattern.to_regexp()).match for t in terminals
                                if t.name in _STARTS_WITH_SPACE}
        table = lark_parser.parser.parser.parser.parse_table
        always = {"_NL"}
        self.accepts = {state: frozenset(actions) | always for state, actions in table.states.items()}
        self.fallback = fallback

    def lex(self, lexer_state: LexerState, parser_state):
        text = lexer_state.text.text
        end_of_text = lexer_state.text.end
        pos = lexer_state.line_ctr.char_pos
        match = self.master.match
        keywords, accepts, before_skipping = self.keywords, self.accepts, self.before_skipping
        make = str.__new__  # a Token made here, not through Token's Python constructor (the same fields)
        lines = SourceFile(LEXED, text)
        token = None
        while pos < end_of_text:
            found = match(text, pos)
            if found is None:
                break  # Lark's lexer says what the unexpected character is
            kind = found.lastgroup
            if kind == _SKIPPED:  # spaces at the end of the text
                pos = found.end()
                continue
            start, end = found.span(kind)
            if start != pos and kind in before_skipping:
                first = before_skipping[kind](text, pos)
                if first is not None:
                    start, end = pos, first.end()
            value = text[start:end]
            accepted = accepts[parser_state.position]
            if kind == _NAME:
                keyword = keywords.get(value)
                if keyword is not None and (keyword in accepted or _NAME not in accepted):
                    kind = keyword
            if kind not in accepted:
                break  # a token the state does not take: Lark's lexer decides, from here on (spaces too)
            token = make(_PlacedToken, value)
            token.type, token.value, token.start_pos, token.end_pos, token._lines = kind, value, start, end, lines
            pos = end
            yield token
        if token is not None:
            lexer_state.last_token = token
        if pos >= end_of_text:
            return
        counter = lexer_state.line_ctr
        line, column = lines.position(pos)
        counter.char_pos, counter.line, counter.column, counter.line_start_pos = pos, line, column, pos - column + 1
        yield from self.fallback.lex(lexer_state, parser_state)
