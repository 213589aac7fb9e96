"""The parser's LALR tables, built into the package.

Building the tables from the grammar takes about 80 ms, too long for every
`sorac check`. They are built once, when the wheel is built (`hatch_build.py`
calls `serialize`), and shipped beside this module in `marshal`'s format:
plain data (dicts, lists, strings, numbers), not a pickle, so reading them
runs no code, and nothing is read from a cache folder that another user
could write. The file records the grammar's
checksum and the versions of Lark and Python; when one differs (a source
checkout, an editable install, another Lark), or the file is missing or
damaged, the tables are built from the grammar in memory instead. (Marshal
can hold code objects, but reading one runs nothing: Lark would find a value
of the wrong type, and the grammar is used instead.)
"""

from __future__ import annotations

import marshal
import sys
import zlib
from pathlib import Path

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES_FILE = Path(__file__).resolve().parent / "parse_tables.marshal"
OPTIONS = dict(parser="lalr", lexer="contextual", keep_all_tokens=True, maybe_placeholders=False,
               # Every token carries its position; the builder makes spans from them.
               # Lark's propagate_positions only fills in Tree.meta, and no Tree is built.
               propagate_positions=False)
# Options that hold live objects, passed again when the tables are loaded.
_LIVE = ("postlex", "transformer", "lexer_callbacks", "edit_terminals", "tree_class", "_plugins")


def fingerprint(grammar: str) -> dict:
    """What the tables were made from: the grammar (its length and CRC, a check
    of consistency, not of trust), Lark and Python."""
    data = grammar.encode("utf-8")
    return {"grammar": f"{len(data)}:{zlib.crc32(data):08x}", "lark": lark.__version__,
            "python": "%d.%d" % sys.version_info[:2]}


def serialize(grammar: str, postlex) -> bytes:
    """The tables of `grammar` as bytes (deterministic)."""
    parser = Lark(grammar, postlex=postlex, **OPTIONS)
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LIVE}
    return marshal.dumps({**fingerprint(grammar), "data": data, "memo": memo})


def load(grammar: str, path: Path = TABLES_FILE, **live) -> Lark | None:
    """The parser from the shipped tables, or None when they do not fit."""
    try:
        document = marshal.loads(path.read_bytes())
        if not isinstance(document, dict) or any(document.get(k) != v for k, v in fingerprint(grammar).items()):
            return None
        return Lark._load_from_dict(document["data"], document["memo"], **live)
    except Exception:  # missing, unreadable or damaged: build from the grammar instead
        return None


def build(grammar: str, **live) -> Lark:
    return load(grammar, **live) or Lark(grammar, **OPTIONS, **live)
