"""A tight loop over Lark's own LALR tables, for text that parses.

Lark's parser pays on every token for generality we do not use: a property
for the state, a dictionary keyed by `Rule` objects (whose hash and equality
are Python methods) for each reduction, asserts. Here the same tables are
turned once into plain rows: a shift is the next state (an int), a reduction
the rule's length, callback and left-hand side. Tokens come from the same
lexer and indenter, and every callback is Lark's own, so the result is the
one Lark would build.

A token the table does not take returns `None`: the caller parses the text
again with Lark's parser, which raises its own `UnexpectedInput`, so syntax
errors, their expected sets and the recovery stay exactly Lark's.
"""

from __future__ import annotations

from functools import partial
from itertools import chain

from lark import Lark
from lark.exceptions import UnexpectedInput
from lark.lexer import LexerThread
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders
from lark.parsers.lalr_analysis import Shift

_END = "$END"


class _Position:
    """What the contextual lexer asks of the parser: the state on top of the
    stack, kept up to date by the loop (an attribute, read for every token)."""

    __slots__ = ("position",)

    def __init__(self, state) -> None:
        self.position = state


class _Children:
    """What an inlined rule (`_name`, and Lark's `__name_plus_N` helpers) gives
    its parent, whose child filter reads only `.children`: Lark builds a whole
    `Tree` through four calls for it."""

    __slots__ = ("children",)

    def __init__(self, children: list) -> None:
        self.children = children


def _lighter(rule, callback):
    """The callback, with an inlined rule's default `Tree` replaced by `_Children`;
    a list rule that extends its own first child (`__x_plus_N: __x_plus_N item`)
    appends to that child's list in place instead of filtering into a new one."""
    if not rule.origin.name.startswith("_"):
        return callback
    if isinstance(callback, partial) and callback.args == (rule.origin.name,):
        return _Children
    builder = getattr(callback, "node_builder", None)
    if not (isinstance(builder, partial) and builder.args == (rule.origin.name,)
            and isinstance(callback, ChildFilterLALR_NoPlaceholders)):
        return callback
    include = list(callback.to_include)
    if include and include[0] == (0, True):
        return _extending(include[1:])
    lighter = ChildFilterLALR_NoPlaceholders(include, _Children)
    return lighter


def _extending(rest: list[tuple[int, bool]]):
    """`head.children` grown by the other children (each one's own children where
    it is inlined too), `head` given back: no new list, no new holder."""
    def extend(children):
        head = children[0]
        kids = head.children
        for index, inlined in rest:
            if inlined:
                kids += children[index].children
            else:
                kids.append(children[index])
        return head
    return extend


class FastParser:
    def __init__(self, lark: Lark) -> None:
        frontend = lark.parser
        inner = frontend.parser.parser  # lark.parsers.lalr_parser._Parser
        table = inner.parse_table
        callbacks = inner.callbacks
        start = lark.options.start[0]
        self.lexer = frontend.lexer
        self.start = table.start_states[start]
        self.end = table.end_states[start]
        self.token_callbacks = {k: v for k, v in callbacks.items() if isinstance(k, str)}
        reductions: dict[int, tuple] = {}
        self.rows: dict = {}
        for state, actions in table.states.items():
            row = {}
            for symbol, (action, arg) in actions.items():
                if action is Shift:
                    row[symbol] = arg
                else:
                    key = id(arg)
                    if key not in reductions:
                        reductions[key] = (len(arg.expansion), _lighter(arg, callbacks[arg]), arg.origin.name)
                    row[symbol] = reductions[key]
            self.rows[state] = row

    def parse(self, text: str):
        """The transformed result, or None where Lark's parser must take over."""
        rows, end, token_callbacks = self.rows, self.end, self.token_callbacks
        states = [self.start]
        values: list = []
        thread = LexerThread.from_text(self.lexer, text)
        position = _Position(self.start)  # the lexer reads it before each token, after the last one's shift
        try:
            for token in chain(thread.lex(position), (None,)):  # None: the end of the text
                kind = token.type if token is not None else _END
                while True:
                    action = rows[states[-1]].get(kind)
                    if action is None:
                        return None
                    if type(action) is int:
                        if token is None:
                            return None  # the end is only ever reduced into the start rule
                        states.append(action)
                        position.position = action
                        callback = token_callbacks.get(kind)
                        values.append(token if callback is None else callback(token))
                        break
                    size, callback, origin = action
                    if size:
                        children = values[-size:]
                        del states[-size:]
                        del values[-size:]
                    else:
                        children = []
                    states.append(rows[states[-1]][origin])
                    values.append(callback(children))
                    if token is None and states[-1] == end:
                        return values[-1]
        except UnexpectedInput:
            return None
        return None
