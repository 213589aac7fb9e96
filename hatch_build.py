"""Build the parser's tables into the wheel (see sorascript/syntax/tables.py).

The tables are plain data made from grammar/shot.lark with the Lark of the
build environment; at run time they are used only when the grammar's checksum
and the versions of Lark and Python match, so a wheel built with another Lark still works (it then
builds the tables from the grammar in memory).
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _module(path: Path):
    spec = importlib.util.spec_from_file_location("_sorascript_tables", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TablesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        tables = _module(root / "sorascript" / "syntax" / "tables.py")
        from lark.lark import PostLex

        class Indentation(PostLex):  # what the contextual lexer needs of the real post-lexer
            always_accept = ("_NL",)

            def process(self, stream):
                return stream

        grammar = (root / "grammar" / "shot.lark").read_text(encoding="utf-8")
        out = Path(tempfile.mkdtemp()) / "parse_tables.marshal"
        out.write_bytes(tables.serialize(grammar, Indentation()))
        build_data["force_include"][str(out)] = "sorascript/syntax/parse_tables.marshal"
        print(f"sorascript: parse tables built with Lark {tables.lark.__version__}", file=sys.stderr)
