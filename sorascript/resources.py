"""Where the grammar and the standard library are: inside the installed package
(the wheel carries them), or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"sorascript is installed without its {name}/ folder")


def grammar_path() -> Path:
    return _find("grammar") / "shot.lark"


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def stdlib_dir() -> Path:
    return _find("stdlib")
