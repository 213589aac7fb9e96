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
    # one copy of each in the repository: the wheel's come from the top-level folders
    assert not (REPO / "sorascript" / "grammar").exists()
    assert not (REPO / "sorascript" / "stdlib").exists()


def test_installed_package_finds_its_grammar_and_stdlib():
    grammar = resources.grammar_path()
    stdlib = resources.stdlib_dir()
    assert grammar.is_file() and grammar.read_text(encoding="utf-8").startswith("//")
    assert (stdlib / "models.shot").is_file()
    package = Path(sorascript.__file__).resolve().parent
    if "site-packages" in str(package):  # installed with `pip install .`: everything inside the package
        assert grammar.is_relative_to(package) and stdlib.is_relative_to(package)
