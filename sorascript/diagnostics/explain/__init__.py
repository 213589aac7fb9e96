"""Long explanations of diagnostic codes: one Markdown page per code.

Each page explains the problem and shows a failing example in a ```shot block
(more files for the example in blocks headed `// file: NAME`); the test suite
compiles every example and checks that it emits exactly that code.
"""

from __future__ import annotations

from pathlib import Path

from sorascript.diagnostics.codes import CODES

_FOLDER = Path(__file__).resolve().parent


def explanation(code: str) -> str | None:
    info = CODES.get(code)
    if info is None:
        return None
    page = _FOLDER / f"{code}.md"
    if page.is_file():
        return page.read_text(encoding="utf-8")
    return f"{code}: {info.title} ({info.severity})\n"
