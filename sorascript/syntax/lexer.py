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
"""

from __future__ import annotations

import re

from lark.lexer import LexerState, PatternStr, Token

_NAME = "NAME"
_NEWLINE_TERMINALS = ("_NL", "LONG_STRING")


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
        alternatives = [f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals if t.pattern.value not in self.keywords]
        self.master = re.compile("|".join(alternatives))
        self.ignore = frozenset(lark_parser.lexer_conf.ignore)
        table = lark_parser.parser.parser.parser.parse_table
        always = {"_NL"}
        self.accepts = {state: frozenset(actions) | always for state, actions in table.states.items()}
        self.fallback = fallback

    def lex(self, lexer_state: LexerState, parser_state):
        text = lexer_state.text.text
        end_of_text = lexer_state.text.end
        pos = lexer_state.line_ctr.char_pos
        line, line_start = 1, 0
        match = self.master.match
        keywords, accepts, ignore = self.keywords, self.accepts, self.ignore
        make = str.__new__  # a Token made here, not through Token's Python constructor (the same fields)
        token = None
        while pos < end_of_text:
            found = match(text, pos)
            if found is None:
                break  # Lark's lexer says what the unexpected character is
            kind = found.lastgroup
            end = found.end()
            if kind in ignore:
                pos = end
                continue
            value = found.group()
            accepted = accepts[parser_state.position]
            if kind == _NAME:
                keyword = keywords.get(value)
                if keyword is not None and (keyword in accepted or _NAME not in accepted):
                    kind = keyword
            if kind not in accepted:
                break  # a token the state does not take: Lark's lexer decides, from here on
            token = make(Token, value)
            token.type, token.value, token.start_pos, token.end_pos = kind, value, pos, end
            token.line, token.column = line, pos - line_start + 1
            if kind in _NEWLINE_TERMINALS and "\n" in value:
                line += value.count("\n")
                line_start = pos + value.rindex("\n") + 1
            token.end_line, token.end_column = line, end - line_start + 1
            pos = end
            yield token
        if token is not None:
            lexer_state.last_token = token
        if pos >= end_of_text:
            return
        counter = lexer_state.line_ctr
        counter.char_pos, counter.line, counter.column, counter.line_start_pos = pos, line, pos - line_start + 1, line_start
        yield from self.fallback.lex(lexer_state, parser_state)
