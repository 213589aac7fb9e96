"""What the editors need to know about `.shot`, read from the compiler itself.

Keywords and block structure come from `grammar/shot.lark` (parsed with
Lark's own grammar loader), closed vocabularies from `sorascript/vocab.py`,
units and the number pattern from `sorascript/quantities.py`, string escapes
from `sorascript/syntax/build.py`, and the pragma words from
`sorascript/sema/levels.py`. Nothing here lists a
keyword by hand: after a grammar change, regenerating is all that is needed.
The one hand-kept table is LEAD_ROLES below, which says what a name at the
start of a line means in the few statements that start with a name; a new
such statement stops the generator until it is given a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from lark import Token
from lark.grammar import NonTerminal, Terminal
from lark.load_grammar import load_grammar

from generator import regex
from sorascript import quantities, resources, vocab
from sorascript.sema import levels
from sorascript.syntax import build

# Statements whose line starts with a name: what that name is. 'declared' names
# a new thing (a palette anchor), 'speaker' begins a spoken line, 'vocabulary'
# and 'name' are highlighted by the words themselves (a move verb, a light
# role, a shot in a sequence).
LEAD_ROLES = {
    "anchor": "declared",
    "line": "speaker",
    "move": "vocabulary",
    "light": "vocabulary",
    "layer": "vocabulary",
    "grade_line": "vocabulary",
    "sequence_line": "name",
}
# Tables of vocab.py that are not closed vocabularies: they list statement words.
NOT_VOCABULARY = {"STATEMENT_HOME", "SHOT_STATEMENTS", "STATEMENT_FORMS"}
_WORD = re.compile(r"[^\W\d][\w-]*")


# ---- the grammar as plain nodes -----------------------------------------------


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Term:
    name: str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Seq:
    items: tuple


@dataclass(frozen=True)
class Alt:
    options: tuple


@dataclass(frozen=True)
class Rep:
    node: object
    op: str


def _convert(node):
    if isinstance(node, Terminal):
        return Term(node.name)
    if isinstance(node, NonTerminal):
        return Ref(node.name)
    if isinstance(node, Token):
        raise ValueError(f"unexpected token {node!r} in the grammar")
    kind = node.data
    if kind == "expansions":
        options = tuple(_convert(child) for child in node.children)
        return options[0] if len(options) == 1 else Alt(options)
    if kind == "alias":
        return _convert(node.children[0])
    if kind == "expansion":
        return Seq(tuple(_convert(child) for child in node.children))
    if kind == "expr":
        inner, op = node.children
        return Rep(_convert(inner), str(op))
    if kind == "value":
        return _convert(node.children[0])
    if kind == "literal":
        token = node.children[0]
        if token.type != "STRING":
            raise ValueError(f"a regex inside a rule: {token}")
        return Lit(token.value[1:-1])
    raise ValueError(f"unsupported grammar construct {kind!r}")


def _sequences(node) -> tuple:
    """The alternatives of a rule body, each as a tuple of items."""
    options = node.options if isinstance(node, Alt) else (node,)
    return tuple(option.items if isinstance(option, Seq) else (option,) for option in options)


class Grammar:
    def __init__(self, text: str) -> None:
        loaded, _ = load_grammar(text, "shot.lark", [], False)
        self.rules = {str(name): _convert(body) for name, _params, body, _options in loaded.rule_defs}
        self.terminals = {}
        for name, (body, _priority) in loaded.term_defs:
            if body is None:
                continue
            token = body.children[0].children[0].children[0].children[0]
            self.terminals[name] = token.value

    def regex_of(self, terminal: str) -> str:
        value = self.terminals[terminal]
        if not value.startswith("/"):
            raise ValueError(f"{terminal} is not a regex terminal")
        return value[1:value.rindex("/")]

    @cache
    def nullable(self, node) -> bool:
        if isinstance(node, (Lit, Term)):
            return False
        if isinstance(node, Ref):
            return self.nullable(self.rules[node.name])
        if isinstance(node, Seq):
            return all(self.nullable(item) for item in node.items)
        if isinstance(node, Alt):
            return any(self.nullable(option) for option in node.options)
        return node.op in "?*" or self.nullable(node.node)

    def first(self, node, seen: frozenset = frozenset()) -> set:
        """The literals and terminals a node can start with."""
        if isinstance(node, (Lit, Term)):
            return {node}
        if isinstance(node, Ref):
            if node.name in seen:
                return set()
            return self.first(self.rules[node.name], seen | {node.name})
        if isinstance(node, Rep):
            return self.first(node.node, seen)
        if isinstance(node, Alt):
            return set().union(*(self.first(option, seen) for option in node.options))
        found: set = set()
        for item in node.items:
            found |= self.first(item, seen)
            if not self.nullable(item):
                break
        return found

    def literals(self, node, seen: frozenset = frozenset()) -> set[str]:
        """Every literal a node can contain."""
        if isinstance(node, Lit):
            return {node.text}
        if isinstance(node, Term):
            return set()
        if isinstance(node, Ref):
            if node.name in seen:
                return set()
            return self.literals(self.rules[node.name], seen | {node.name})
        if isinstance(node, Rep):
            return self.literals(node.node, seen)
        children = node.options if isinstance(node, Alt) else node.items
        return set().union(*(self.literals(child, seen) for child in children))


# ---- the model the editors are written from -------------------------------------


@dataclass
class Kind:
    """A kind of block, named after the grammar rule of its lines."""

    name: str
    leaders: set[str] = field(default_factory=set)  # keywords a line may start with (after a timing)
    opens: dict[str, str] = field(default_factory=dict)  # leader -> kind of the block it opens
    declares: set[str] = field(default_factory=set)  # leaders whose block header names a new thing
    roles: set[str] = field(default_factory=set)  # what a name starting a line may be (LEAD_ROLES)


@dataclass
class Language:
    declarations: dict[str, str | None]  # keyword -> kind of its block, None for a one-line declaration
    declares: set[str]  # declaration keywords followed by the name they declare
    kinds: dict[str, Kind]
    inline_keywords: set[str]  # keywords that stand inside a line
    vocabulary: dict[str, list[str]]  # table name -> its words
    units: list[str]  # unit suffixes, longest first
    prefix_units: list[str]  # units written before the number (`$`, `f/`)
    per_unit: str | None  # the separator of `$0.10/s`, when the grammar has one
    name: object  # regex trees
    quantity: object
    number: object
    range_op: str
    point_keyword: str
    escapes: str
    comment: str
    pragma_words: list[str]

    @property
    def vocabulary_words(self) -> set[str]:
        return set().union(*map(set, self.vocabulary.values()))


def _kind_name(rule: str) -> str:
    return re.sub(r"_(item|stmt)$", "", rule.lstrip("_"))


def _block_of(items: tuple) -> str | None:
    """The rule of a block's lines when a rule's items end in `":" _NL _INDENT X+ _DEDENT`."""
    for i, item in enumerate(items):
        if item == Lit(":") and items[i + 1:i + 3] == (Term("_NL"), Term("_INDENT")):
            body = items[i + 3]
            if isinstance(body, Rep) and body.op == "+" and isinstance(body.node, Ref):
                return body.node.name
            raise ValueError(f"unexpected block body {body}")
    return None


def _strip_timing(items: tuple) -> tuple:
    head = items[0] if items else None
    if head == Ref("timing") or (isinstance(head, Rep) and head.node == Ref("timing")):
        return items[1:]
    return items


def _statements(grammar: Grammar, rule: str) -> list[str]:
    """The statement rules a block's lines are, with `_` rules (inlined by Lark) expanded."""
    if not rule.startswith("_"):
        return [rule]
    found = []
    for items in _sequences(grammar.rules[rule]):
        if len(items) != 1 or not isinstance(items[0], Ref):
            raise ValueError(f"{rule}: expected alternatives of single rules, found {items}")
        found += _statements(grammar, items[0].name)
    return found


def _words(nodes) -> set[str]:
    return {node.text for node in nodes if isinstance(node, Lit) and _WORD.fullmatch(node.text)}


def _kinds(grammar: Grammar, roots: list[str]) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    pending = list(roots)
    while pending:
        rule = pending.pop()
        name = _kind_name(rule)
        if name in kinds:
            continue
        kind = kinds[name] = Kind(name)
        for statement in _statements(grammar, rule):
            for items in _sequences(grammar.rules[statement]):
                items = _strip_timing(items)
                heads = grammar.first(items[0])
                leaders = _words(heads)
                kind.leaders |= leaders
                if Term("NAME") in heads:
                    if statement not in LEAD_ROLES:
                        raise ValueError(f"`{statement}` starts with a name: give it a role in LEAD_ROLES")
                    kind.roles.add(LEAD_ROLES[statement])
                block = _block_of(items)
                if block is not None:
                    for word in leaders:
                        kind.opens[word] = _kind_name(block)
                        if items[1:2] == (Term("NAME"),):
                            kind.declares.add(word)
                    pending.append(block)
    return kinds


def _inline_keywords(grammar: Grammar) -> set[str]:
    """Keywords that can stand after the first word of a line."""
    found: set[str] = set()
    for rule, body in grammar.rules.items():
        if rule == "start":
            continue
        for items in _sequences(body):
            rest = _strip_timing(items)[1:]
            if Term("_NL") in rest:  # a block's lines are not part of its header line
                rest = rest[:rest.index(Term("_NL"))]
            for item in rest:
                found |= {word for word in grammar.literals(item) if _WORD.fullmatch(word)}
    # A timing at the start of a line is read inline as well.
    found |= {word for word in grammar.literals(Ref("timing")) if _WORD.fullmatch(word)}
    return found


def _vocabulary() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for name, value in vars(vocab).items():
        if not name.isupper() or name.startswith("_") or name in NOT_VOCABULARY:
            continue
        if name == "MOVES":
            tables["MOVES"] = sorted(value)
            tables["MOVE_DIRECTIONS"] = sorted({d for spec in value.values() for d in spec.directions})
        elif isinstance(value, (dict, frozenset, set)) and all(isinstance(k, str) for k in value):
            tables[name] = sorted(value)
        else:
            raise ValueError(f"vocab.{name}: not a table of words; list it in NOT_VOCABULARY or read it here")
    return tables


def _number_pattern() -> str:
    return quantities.NUMBER


def _prefix_units(quantity) -> list[str]:
    """Alternatives of QUANTITY that are literal characters and then digits: `$20`, `f/2.8`."""
    prefixes = []
    for option in regex.alternatives(quantity):
        items = option.items if isinstance(option, regex.Seq) else (option,)
        chars = []
        for item in items:
            if not isinstance(item, regex.Char):
                break
            chars.append(item.char)
        rest = items[len(chars):]
        if chars and rest and isinstance(rest[0], (regex.Class, regex.Repeat)):
            first = rest[0].node if isinstance(rest[0], regex.Repeat) else rest[0]
            if isinstance(first, regex.Class) and first.items == ("digit",):
                prefixes.append("".join(chars))
    return prefixes


def _pragma_words() -> list[str]:
    """The words before the codes of `// sorac: allow W101`, from the checker's pattern."""
    pattern = levels._PRAGMA.pattern
    if not levels._PRAGMA.match(" sorac: allow W101"):
        raise ValueError("the pragma pattern no longer reads `// sorac: allow W101`")
    head = pattern.partition("(")[0]
    return re.sub(r"\\s[*+]|\^", " ", head).split()


def load() -> Language:
    grammar = Grammar(resources.grammar_text())
    declarations: dict[str, str | None] = {}
    declares: set[str] = set()
    block_rules = []
    for rule in _statements(grammar, "_decl"):
        for items in _sequences(grammar.rules[rule]):
            keyword = items[0]
            if not isinstance(keyword, Lit):
                raise ValueError(f"declaration {rule} does not start with a keyword")
            block = _block_of(items)
            declarations[keyword.text] = _kind_name(block) if block else None
            if block:
                block_rules.append(block)
                if items[1] == Term("NAME"):
                    declares.add(keyword.text)
    kinds = _kinds(grammar, block_rules)

    timing = _sequences(grammar.rules["timing"])
    range_seq = next(items for items in timing if Term("DOTDOT") in items)
    point_seq = next(items for items in timing if isinstance(items[0], Lit))
    if range_seq != (Term("QUANTITY"), Term("DOTDOT"), Term("QUANTITY")) or point_seq[1:] != (Term("QUANTITY"),):
        raise ValueError("the timing rule changed shape; teach the generator the new one")
    range_op = grammar.terminals["DOTDOT"].strip('"')

    for terminal, opening in (("STRING", '"'), ("LONG_STRING", '"""')):
        if not grammar.regex_of(terminal).startswith(opening):
            raise ValueError(f"{terminal} no longer starts with {opening}")
    if r"\/\/" not in grammar.regex_of("_NL"):
        raise ValueError("comments no longer start with //")

    quantity = regex.parse(grammar.regex_of("QUANTITY"))
    return Language(
        declarations=declarations,
        declares=declares,
        kinds=kinds,
        inline_keywords=_inline_keywords(grammar),
        vocabulary=_vocabulary(),
        units=sorted(quantities.UNITS, key=lambda unit: (-len(unit), unit)),
        prefix_units=_prefix_units(quantity),
        per_unit="/" if "/" in grammar.literals(Ref("model_price")) else None,
        name=regex.parse(grammar.regex_of("NAME")),
        quantity=quantity,
        number=regex.parse(_number_pattern()),
        range_op=range_op,
        point_keyword=point_seq[0].text,
        escapes="".join(sorted(build.ESCAPES)),
        comment="//",
        pragma_words=_pragma_words(),
    )
