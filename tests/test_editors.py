"""Editor files: generated ones are up to date, and each editor's own tools
highlight every `.shot` file of the project as the compiler reads it."""

from __future__ import annotations

import subprocess
import sys

from highlighting import REPO

GENERATE = REPO / "editors" / "generate.py"


def test_generated_files_are_up_to_date():
    result = subprocess.run([sys.executable, str(GENERATE), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_generation_is_deterministic():
    import generate

    assert generate.outputs() == generate.outputs()


# ---- VS Code ------------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402

from highlighting import expectations, mismatches, reverse, shot_files, tokens  # noqa: E402

VSCODE = REPO / "editors" / "vscode"
CI_HINT = "`.ci/run` installs it"


def npm_installed() -> None:
    """The extension's npm packages, installed from package-lock.json when missing."""
    if shutil.which("npm") is None:
        pytest.fail(f"npm (Node.js) is not installed; {CI_HINT} (Debian's nodejs and npm)")
    if not (VSCODE / "node_modules" / ".package-lock.json").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VSCODE, check=True, capture_output=True)


def run_in_vscode_folder(*args: str) -> subprocess.CompletedProcess:
    npm_installed()
    return subprocess.run(list(args), cwd=VSCODE, capture_output=True, text=True)


def test_vscode_tmgrammar_test_assertions_pass():
    result = run_in_vscode_folder("npx", "--no-install", "vscode-tmgrammar-test",
                                  "--grammar", "syntaxes/shot.tmLanguage.json", "test/*.test.shot")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("run successfuly") == len(list((VSCODE / "test").glob("*.test.shot")))


def test_grammar_test_files_are_real_files_with_assertions():
    for test_file in (VSCODE / "test").glob("*.test.shot"):
        lines = test_file.read_text(encoding="utf-8").splitlines()
        header = re.match(r'// SYNTAX TEST "source\.shot" "(\S+), as in examples/', lines[0])
        assert header, test_file
        original = next(REPO.glob(f"examples/**/{header.group(1)}"))
        kept = [line for line in lines[1:] if not re.match(r"//\s*(\^|<-)", line)]
        assert kept == original.read_text(encoding="utf-8").splitlines(), test_file


def textmate_categories(paths) -> dict:
    """path -> category at each expected position, through vscode-textmate."""
    result = run_in_vscode_folder("node", "test/scopes.mjs", *map(str, paths))
    assert result.returncode == 0, result.stderr
    scopes = json.loads(result.stdout)
    names = reverse("textmate")
    found = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").split("\n")
        per_line = scopes[str(path)]
        categories = []
        for e in expectations(path):
            utf16 = len(lines[e.line - 1][: e.column - 1].encode("utf-16-le")) // 2
            token = next(t for t in per_line[e.line - 1] if t[0] <= utf16 < t[1])
            categories.append(next((names[s] for s in reversed(token[2]) if s in names), None))
        found[path] = categories
    return found


def test_textmate_grammar_scopes_every_token_of_every_file():
    paths = shot_files()
    actual = textmate_categories(paths)
    problems = [m for path in paths for m in mismatches(path, expectations(path), actual[path])]
    assert problems == []


def test_vsce_packages_the_extension(tmp_path):
    out = tmp_path / "sorascript.vsix"
    result = run_in_vscode_folder("npx", "--no-install", "vsce", "package", "--allow-missing-repository",
                                  "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    import zipfile

    names = set(zipfile.ZipFile(out).namelist())
    assert {"extension/package.json", "extension/syntaxes/shot.tmLanguage.json",
            "extension/language-configuration.json", "extension/snippets/shot.json"} <= names
    assert not any("node_modules" in name or "/test/" in name for name in names)


def _expand(body: list[str]) -> str:
    """A snippet as VS Code inserts it when every placeholder keeps its default."""
    text = "\n".join(body).replace("\t", "    ")
    text = re.sub(r"\$\{\d+\|([^,|]+)[^}]*\}", r"\1", text)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    return re.sub(r"\$\d+", "", text)


def test_snippets_expand_to_a_file_that_checks_clean(tmp_path):
    snippets = json.loads((VSCODE / "snippets" / "shot.json").read_text(encoding="utf-8"))
    assert {s["prefix"] for s in snippets.values()} == {"shot", "character", "sequence"}
    source = tmp_path / "snippets.shot"
    source.write_text("\n".join(_expand(s["body"]) for s in snippets.values()), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sorascript", "check", "--format", "short", str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_language_configuration_reads_names_and_block_headers_as_the_compiler_does():
    config = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    word = re.compile(config["wordPattern"])
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    names = {str(t) for path in shot_files() for t in tokens(path) if t.type == "NAME"}
    assert all(word.fullmatch(name) for name in names)
    text = (REPO / "examples" / "film" / "film.shot").read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if increase.match(line)]
    assert "    camera:" in headers and "shot departure from arrival:" in headers
    assert not any(line.strip().startswith(('"', "//")) or line.rstrip().endswith('"') for line in headers)
    assert config["folding"] == {"offSide": True} and config["comments"] == {"lineComment": "//"}
