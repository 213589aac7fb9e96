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


_RANGES = [
    ("E1", "syntax"), ("E2", "names and imports"), ("E3", "units and types"), ("E4", "time"),
    ("E5", "model capability and budget"), ("E6", "other values"), ("W1", "prompt craft"), ("W2", "other warnings"),
    ("N", "notes"),
]


def code_list() -> str:
    """Every code with its severity and one-line summary, by range."""
    lines = []
    for prefix, title in _RANGES:
        codes = [info for code, info in sorted(CODES.items()) if code.startswith(prefix)]
        if not codes:
            continue
        lines.append(f"{prefix}{'xx' if len(prefix) == 2 else 'xxx'}  {title}")
        lines.extend(f"  {info.code}  {info.severity:<7}  {info.title}" for info in codes)
        lines.append("")
    lines.append("`sorac explain CODE` prints a code's explanation, with an example.")
    return "\n".join(lines) + "\n"
