"""Write docs/prompts.md: each of the prompting guide's six examples next to
what `sorac` compiles from its `.shot` version, with the word counts before
(v0.1) and now, and every element of the original found in the compiled
prompt. `python docs/prompts.py --check` fails when the page is out of date,
an element is missing, or a prompt runs past 1.3 times its original's words.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from sorascript import driver  # noqa: E402

LIMIT = 1.3
PAGE = HERE / "prompts.md"


def words(text: str) -> int:
    """Words as W117 counts them."""
    return len(re.findall(r"[\w'’]+", text))


def compiled(name: str) -> str:
    result = driver.compile(REPO / "examples" / f"{name}.shot")
    assert result.plan is not None, [d.message for d in result.diagnostics]
    return "\n".join(j["request"]["prompt"] for j in result.plan["jobs"] if j["kind"] == "create")


def page() -> tuple[str, list[str]]:
    table = tomllib.loads((HERE / "guide-examples" / "elements.toml").read_text(encoding="utf-8"))
    problems, rows, sections = [], [], []
    for name, entry in table.items():
        original = (HERE / "guide-examples" / f"{name}.txt").read_text(encoding="utf-8")
        prompt = compiled(name)
        missing = [e for e in entry["elements"] if e.lower() not in " ".join(prompt.lower().split())]
        ratio = words(prompt) / words(original)
        problems += [f"{name}: `{e}` is not in the compiled prompt" for e in missing]
        if ratio > LIMIT:
            problems.append(f"{name}: {words(prompt)} words, {ratio:.2f} times the original's {words(original)}")
        rows.append(f"| [{entry['title']}](#{name.replace('_', '-')}) | {words(original)} | {entry['before']} "
                    f"({entry['before'] / words(original):.2f}x) | {words(prompt)} ({ratio:.2f}x) | "
                    f"{len(entry['elements']) - len(missing)} of {len(entry['elements'])} |")
        note = f"\n{entry['note']}\n" if "note" in entry else ""
        sections.append(f"## {name.replace('_', '-')}\n\n{entry['title']}, from "
                        f"[examples/{name}.shot](../examples/{name}.shot).{note}\n\nThe guide's prompt:\n\n"
                        f"```text\n{original.rstrip()}\n```\n\nCompiled:\n\n```text\n{prompt.rstrip()}\n```\n")
    text = ("# The guide's examples, compiled\n\n"
            "The prompting guide's six examples, each written as a `.shot` file and compiled, next to the\n"
            "guide's own prompt. Words are counted as W117 counts them; \"before\" is what v0.1 compiled.\n"
            "Every element of the guide's prompt (listed in `docs/guide-examples/elements.toml`) is in\n"
            f"the compiled one, in no more than {LIMIT} times its words. This page is written by\n"
            "`python docs/prompts.py`; the tests check that it is up to date.\n\n"
            "| example | guide | before | now | elements |\n|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n\n" + "\n".join(sections))
    return text, problems


def main() -> int:
    text, problems = page()
    for problem in problems:
        print(f"docs/prompts.py: {problem}", file=sys.stderr)
    if "--check" in sys.argv:
        if PAGE.read_text(encoding="utf-8") != text if PAGE.exists() else True:
            print("docs/prompts.py: docs/prompts.md is out of date: run `python docs/prompts.py`", file=sys.stderr)
            return 1
        return 1 if problems else 0
    PAGE.write_text(text, encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
