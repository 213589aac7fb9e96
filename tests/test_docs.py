"""The user's reference describes the language as it is."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO
from sorascript.source import SourceFile
from sorascript.syntax import parse

LANGUAGE = REPO / "docs" / "language.md"


def _code_words(markdown: str) -> set[str]:
    """Every word written as code in a page: inline `…` spans and fenced blocks."""
    spans = re.findall(r"```.*?```", markdown, re.S) + re.findall(r"`([^`\n]+)`", markdown)
    return {w for span in spans for w in re.findall(r"[a-z][a-z-]*", span)}


def test_the_vocabulary_tables_are_up_to_date():
    done = subprocess.run([sys.executable, str(REPO / "docs" / "vocabularies.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_keyword_of_the_grammar_is_in_the_reference():
    keywords = set(re.findall(r'"([a-z][a-z-]*)"', (REPO / "grammar" / "shot.lark").read_text(encoding="utf-8")))
    assert len(keywords) > 40
    missing = sorted(keywords - _code_words(LANGUAGE.read_text(encoding="utf-8")))
    assert not missing, f"docs/language.md does not mention: {missing}"


def test_every_whole_example_in_the_reference_parses():
    page = LANGUAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```shot\n(.*?)```", page, re.S)
    whole = [b for b in blocks if b[:1] not in (" ", "")]
    assert len(whole) > 10
    for block in whole:
        _, diagnostics = parse(SourceFile("example.shot", block))
        assert not diagnostics, (block, [(d.code, d.message) for d in diagnostics])


def test_the_readme_links_the_reference_and_the_tutorial():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/language.md" in readme and "docs/tutorial.md" in readme


@pytest.mark.parametrize("outside", ["LANGUAGE.md", "API-NOTES", "ARCHITECTURE.md", "../shared", "prompting-guide.md"])
def test_nothing_points_to_documents_outside_the_repository(outside):
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    found = []
    for name in tracked:
        path = REPO / name
        if path.suffix not in (".py", ".md", ".toml", ".shot", ".txt", ".json", ".lark", ".el", ".vim") or not path.is_file():
            continue
        if outside in path.read_text(encoding="utf-8", errors="replace") and path.name != "test_docs.py":
            found.append(name)
    assert not found, f"{outside} is named in {found}"


def test_the_open_model_request_in_the_reference_is_what_sorac_writes(tmp_path):
    import json

    from sorascript import driver

    page = LANGUAGE.read_text(encoding="utf-8")
    shot, request = re.search(r"```shot\n(shot heron:\n    model wan[^`]*)```\n\nlowers to the request\n\n```json\n([^`]*)```",
                              page, re.S).groups()
    (tmp_path / "heron.shot").write_text(shot, encoding="utf-8")
    result = driver.compile(tmp_path / "heron.shot")
    assert json.loads(driver.plan_json(result.plan))["jobs"][0]["request"] == json.loads(request)


def test_the_guide_examples_page_is_up_to_date_and_every_element_is_in_its_prompt():
    done = subprocess.run([sys.executable, str(REPO / "docs" / "prompts.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
