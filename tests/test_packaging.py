"""The wheel carries the grammar and the standard library, and the installed
package finds them (tests run against `pip install .`, not only the tree)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import sorascript
from conftest import REPO
from sorascript import resources


def test_wheel_carries_grammar_stdlib_and_data(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("sorascript-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sorascript/grammar/shot.lark" in names
    for module in ("models", "lenses", "palettes", "styles"):
        assert f"sorascript/stdlib/{module}.shot" in names
    assert "sorascript/sema/lints.toml" in names
    assert {"sorascript/render/fonts/DejaVuSans-Bold.ttf", "sorascript/render/fonts/LICENSE.DejaVu.txt"} <= names
    assert any(n.startswith("sorascript/diagnostics/explain/E1") and n.endswith(".md") for n in names)
    # the parser's tables are built into the wheel, and they are the grammar's
    assert "sorascript/syntax/parse_tables.marshal" in names
    shipped = tmp_path / "parse_tables.marshal"
    shipped.write_bytes(zipfile.ZipFile(wheel).read("sorascript/syntax/parse_tables.marshal"))
    assert_tables_parse_as_the_grammar(shipped)
    # one copy of each in the repository: the wheel's come from the top-level folders
    assert not (REPO / "sorascript" / "grammar").exists()
    assert not (REPO / "sorascript" / "stdlib").exists()


def assert_tables_parse_as_the_grammar(path: Path) -> None:
    from lark import Lark

    from sorascript.source import SourceFile
    from sorascript.syntax import parser, tables
    from sorascript.syntax.build import Builder

    grammar = resources.grammar_text()
    live = dict(postlex=parser.Indenter(parser._context), transformer=Builder(parser._context))
    loaded = tables.load(grammar, path, **live)
    assert loaded is not None, "the shipped tables do not load"
    built = Lark(grammar, **tables.OPTIONS, **live)
    text = (REPO / "examples" / "film" / "film.shot").read_text(encoding="utf-8")
    results = []
    for lark_parser in (loaded, built):
        parser._context.reset(SourceFile("film.shot", text))
        results.append(lark_parser.parse(text))
    assert results[0] == results[1] and len(results[0]) > 5


def test_damaged_or_foreign_tables_are_not_used(tmp_path):
    """A damaged table file, or one of another grammar, is ignored: the parser is built from the grammar."""
    from sorascript.syntax import tables

    grammar = resources.grammar_text()
    import marshal

    code = compile("open('PWNED', 'w')", "x", "exec")
    damaged = [b"", b"{not marshal", marshal.dumps({"grammar": "0", "lark": "0"}), marshal.dumps([1, 2, 3]),
               marshal.dumps({**tables.fingerprint(grammar), "data": code, "memo": {}})]
    for content in damaged:
        path = tmp_path / "parse_tables.marshal"
        path.write_bytes(content)
        assert tables.load(grammar, path) is None
    assert tables.load(grammar, tmp_path / "missing.marshal") is None
    assert not (tmp_path / "PWNED").exists()


def test_installed_package_finds_its_grammar_and_stdlib():
    grammar = resources.grammar_path()
    stdlib = resources.stdlib_dir()
    assert grammar.is_file() and grammar.read_text(encoding="utf-8").startswith("//")
    assert (stdlib / "models.shot").is_file()
    package = Path(sorascript.__file__).resolve().parent
    if "site-packages" in str(package):  # installed with `pip install .`: everything inside the package
        assert grammar.is_relative_to(package) and stdlib.is_relative_to(package)
