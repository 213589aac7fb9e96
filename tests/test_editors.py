"""Editor files: generated ones are up to date, and each editor's own tools
highlight every `.shot` file of the project as the compiler reads it.

Each editor runs once for all files (the positions to ask about come from
tests/highlighting.py); a missing editor fails with how to install it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from highlighting import REPO, expectations, mismatches, reverse, shot_files, tokens

GENERATE = REPO / "editors" / "generate.py"


def test_generated_files_are_up_to_date():
    result = subprocess.run([sys.executable, str(GENERATE), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_generation_is_deterministic():
    # Sets and dicts iterate in another order under another hash seed; the files must not change.
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, str(GENERATE), "--check"], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr


# ---- VS Code ------------------------------------------------------------------


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


# ---- Vim and Neovim -------------------------------------------------------------


VIM = REPO / "editors" / "vim"
VIM_PACKAGES = {"vim": "vim", "nvim": "neovim"}


def editor_command(program: str) -> list[str]:
    """Vim or Neovim, headless, with no user configuration and our runtime files."""
    if shutil.which(program) is None:
        pytest.fail(f"{program} is not installed; {CI_HINT} (Debian's {VIM_PACKAGES[program]})")
    if program == "vim":
        return ["vim", "--clean", "-Es", "--cmd", f"set rtp^={VIM}", "-c", "filetype plugin indent on",
                "-c", "syntax on"]
    return ["nvim", "--clean", "--headless", "--cmd", f"set rtp^={VIM}"]


def run_vim_script(program: str, script: str, files, tmp_path, env=None) -> list[str]:
    result_file = tmp_path / f"{program}-{script}.out"
    command = [*editor_command(program), "-c", f"source {VIM / 'test' / script}", *map(str, files)]
    environment = {**os.environ, "SHOT_RESULT": str(result_file), **(env or {})}
    done = subprocess.run(command, cwd=tmp_path, env=environment, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert result_file.exists(), f"{program} wrote nothing: {done.stdout}{done.stderr}"
    return result_file.read_text(encoding="utf-8").splitlines()


def vim_categories(program: str, paths, tmp_path) -> dict:
    names = reverse("vim")
    query, wanted = [], {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").split("\n")
        wanted[path] = expectations(path)
        for e in wanted[path]:
            byte = len(lines[e.line - 1][: e.column - 1].encode("utf-8")) + 1
            query.append(f"{path}\t{e.line}\t{byte}")
    query_file = tmp_path / "query.txt"
    query_file.write_text("\n".join(query) + "\n", encoding="utf-8")
    out = run_vim_script(program, "groups.vim", [], tmp_path, {"SHOT_QUERY": str(query_file)})
    assert [line for line in out if line.startswith("#")] == ["# shot"] * sum(1 for p in paths if wanted[p])
    groups = iter(line for line in out if not line.startswith("#"))
    return {path: [names.get(next(groups).split("_")[0]) for _ in wanted[path]] for path in paths}


@pytest.mark.parametrize("program", ["vim", "nvim"])
def test_vim_syntax_groups_every_token_of_every_file(program, tmp_path):
    paths = shot_files()
    actual = vim_categories(program, paths, tmp_path)
    problems = [m for path in paths for m in mismatches(path, expectations(path), actual[path])]
    assert problems == []


# Chosen positions of a real file: (line, column, text there, group).
VIM_POSITIONS = [
    (3, 1, "character", "shotDeclaration"), (3, 11, "mara", "shotDeclared_top"),
    (8, 5, "crimson", "shotDeclared_palette"), (13, 5, "model", "shotStatement_shot"),
    (13, 11, "sora-2-pro", "shotName"), (15, 14, "8", "shotQuantity"), (15, 15, "s", "shotUnit"),
    (19, 5, "camera", "shotStatement"), (20, 9, "framing", "shotStatement_camera"),
    (20, 17, "medium-close-up", "shotVocabulary"), (21, 19, "f/", "shotUnit"), (23, 11, "..", "shotRangeOperator"),
    (23, 16, "push", "shotVocabulary"), (23, 24, "from", "shotStatement_inline"),
    (25, 9, "key", "shotVocabulary"), (34, 9, "mara", "shotSpeaker_dialogue"),
    (34, 14, "(quietly)", "shotDelivery_dialogue"), (34, 25, '"', "shotString"),
    (35, 9, "pause", "shotStatement_dialogue"), (38, 9, "ambient", "shotStatement_sound"),
    (39, 9, "at", "shotStatement_inline"), (39, 15, "sfx", "shotStatement_sound"),
]


@pytest.mark.parametrize("program", ["vim", "nvim"])
def test_vim_syntax_group_at_chosen_positions(program, tmp_path):
    path = REPO / "examples" / "neon_diner.shot"
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, column, text, _ in VIM_POSITIONS:
        assert lines[line - 1][column - 1:].startswith(text), (line, text)
    query = tmp_path / "query.txt"
    query.write_text("".join(f"{path}\t{line}\t{column}\n" for line, column, _, _ in VIM_POSITIONS), encoding="utf-8")
    out = run_vim_script(program, "groups.vim", [], tmp_path, {"SHOT_QUERY": str(query)})
    assert out[1:] == [group for *_, group in VIM_POSITIONS]


@pytest.mark.parametrize("program", ["vim", "nvim"])
def test_vim_make_fills_the_quickfix_list(program, tmp_path):
    for name in ("errors_in_three_declarations.shot", "camera_move_too_fast.shot"):
        (tmp_path / name).write_bytes(next(REPO.glob(f"tests/ui/*/{name}")).read_bytes())
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = run_vim_script(program, "make.vim", ["errors_in_three_declarations.shot", "camera_move_too_fast.shot"],
                         tmp_path, env)
    first = out.index("# shot sorac check --format short %:S")
    second = out.index("# shot sorac check --format short %:S", first + 1)
    errors = [line.split("\t") for line in out[first + 1:second]]
    assert [(f, ln, col, kind, nr) for f, ln, col, kind, nr, _ in errors] == [
        ("errors_in_three_declarations.shot", "3", "15", "e", "102"),
        ("errors_in_three_declarations.shot", "13", "5", "e", "107"),
        ("errors_in_three_declarations.shot", "21", "14", "e", "102"),
    ]
    assert errors[0][5] == "missing `:` after `character mara`"
    kinds = {line.split("\t")[3] for line in out[second + 1:]}
    assert kinds == {"n", "w"}  # the retired model's note and the fast move's warning


@pytest.mark.parametrize("program", ["vim", "nvim"])
def test_vim_indents_and_folds_by_blocks(program, tmp_path):
    film = REPO / "examples" / "film" / "film.shot"
    out = run_vim_script(program, "indent.vim", [film], tmp_path)
    original = film.read_text(encoding="utf-8").splitlines()
    assert out[: len(original)] == original  # re-indenting a well-indented file changes nothing
    assert out[len(original):] == ["shot typed:", "    camera:", "        framing wide", "", "    lighting:",
                                   '        key "lamp"']
    folds = (tmp_path / f"{program}-indent.vim.out.folds").read_text().split()
    assert folds[-6:] == ["0", "1", "2", "1", "1", "2"]


# ---- Emacs ----------------------------------------------------------------------

EMACS = REPO / "editors" / "emacs"


def emacs_command() -> list[str]:
    if shutil.which("emacs") is None:
        pytest.fail(f"emacs is not installed; {CI_HINT} (Debian's emacs-nox)")
    return ["emacs", "--batch", "-Q", "-L", str(EMACS)]


def test_emacs_faces_over_every_token_of_every_file(tmp_path):
    names = reverse("emacs")
    names.setdefault("font-lock-comment-delimiter-face", "comment")
    paths = shot_files()
    wanted = {path: expectations(path) for path in paths}
    query = tmp_path / "query.txt"
    query.write_text("".join(f"{path}\t{e.line}\t{e.column}\n" for path in paths for e in wanted[path]),
                     encoding="utf-8")
    result = tmp_path / "faces.out"
    done = subprocess.run([*emacs_command(), "-l", str(EMACS / "test" / "faces.el")], capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "SHOT_QUERY": str(query), "SHOT_RESULT": str(result)})
    assert done.returncode == 0, done.stderr
    out = result.read_text(encoding="utf-8").splitlines()
    assert [line for line in out if line.startswith("#")] == ["# shot-mode"] * sum(1 for p in paths if wanted[p])
    faces = iter(line for line in out if not line.startswith("#"))
    problems = []
    for path in paths:
        actual = [next((names[f] for f in next(faces).split() if f in names), None) for _ in wanted[path]]
        problems += mismatches(path, wanted[path], actual)
    assert problems == []


def test_emacs_ert_suite_passes():
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([*emacs_command(), "-l", "ert", "-l", str(EMACS / "test" / "shot-mode-tests.el"),
                           "-f", "ert-run-tests-batch-and-exit"], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, env=env)
    summary = re.search(r"Ran (\d+) tests, (\d+) results as expected, (\d+) unexpected", done.stderr)
    assert done.returncode == 0 and summary, done.stderr[-3000:]
    assert summary.group(1) == summary.group(2) and int(summary.group(1)) >= 8


def test_emacs_files_byte_compile_cleanly(tmp_path):
    for name in ("shot-mode-tables.el", "shot-mode.el"):
        shutil.copy(EMACS / name, tmp_path / name)
    done = subprocess.run(["emacs", "--batch", "-Q", "-L", str(tmp_path), "--eval",
                           "(setq byte-compile-error-on-warn t)", "-f", "batch-byte-compile",
                           str(tmp_path / "shot-mode-tables.el"), str(tmp_path / "shot-mode.el")],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
