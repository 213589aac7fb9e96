"""The parser's LALR tables, built into the package.

Building the tables from the grammar takes about 80 ms, too long for every
`sorac check`. They are built once, when the wheel is built (`hatch_build.py`
calls `serialize`), and shipped as JSON beside this module: data, not a
pickle, so reading them can run no code, and nothing is read from a cache
folder that another user could write. The file records the grammar's hash
and Lark's version; when either differs (a source checkout, an editable
install, another Lark), or the file is missing or damaged, the tables are
built from the grammar in memory instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES_FILE = Path(__file__).resolve().parent / "parse_tables.json"
OPTIONS = dict(parser="lalr", lexer="contextual", keep_all_tokens=True, maybe_placeholders=False,
               # Every token carries its position; the builder makes spans from them.
               # Lark's propagate_positions only fills in Tree.meta, and no Tree is built.
               propagate_positions=False)
# Options that hold live objects, passed again when the tables are loaded.
_LIVE = ("postlex", "transformer", "lexer_callbacks", "edit_terminals", "tree_class", "_plugins")


def grammar_hash(grammar: str) -> str:
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def serialize(grammar: str, postlex) -> str:
    """The tables of `grammar` as JSON text (deterministic)."""
    parser = Lark(grammar, postlex=postlex, **OPTIONS)
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LIVE}
    document = {"grammar_sha256": grammar_hash(grammar), "lark": lark.__version__, "data": data, "memo": memo}
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _int_keys(pairs):
    # JSON keys are strings; the tables key states, tokens and memo entries by number.
    return {int(k) if k.isdigit() else k: v for k, v in pairs}


def load(grammar: str, path: Path = TABLES_FILE, **live) -> Lark | None:
    """The parser from the shipped tables, or None when they do not fit."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_int_keys)
        if document.get("grammar_sha256") != grammar_hash(grammar) or document.get("lark") != lark.__version__:
            return None
        return Lark._load_from_dict(document["data"], document["memo"], **live)
    except Exception:  # missing, unreadable or damaged: build from the grammar instead
        return None


def build(grammar: str, **live) -> Lark:
    return load(grammar, **live) or Lark(grammar, **OPTIONS, **live)
