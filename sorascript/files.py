"""Reading `.shot` files and finding the project they belong to.

Every problem reading a file becomes a `FileProblem` with a one-line message;
no exception escapes to the user.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sorascript.source import SourceFile

PROJECT_FILE = "sorac.toml"


@dataclass(frozen=True, slots=True)
class FileProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def display_path(path: Path) -> str:
    """The path as a user would type it from the current folder."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith(".." + os.sep + ".." + os.sep) else str(path)


def read_source(path: Path, shown: str | None = None, *, allow_empty: bool = False) -> SourceFile | FileProblem:
    shown = shown if shown is not None else str(path)
    try:
        if path.is_dir():
            return FileProblem(shown, "is a directory, not a .shot file")
        data = path.read_bytes()
    except FileNotFoundError:
        return FileProblem(shown, "no such file")
    except PermissionError:
        return FileProblem(shown, "permission denied")
    except OSError as error:
        return FileProblem(shown, f"cannot be read ({error.strerror or error})")
    if b"\x00" in data:
        return FileProblem(shown, "is a binary file, not .shot text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return FileProblem(shown, f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not allow_empty and not text.strip():
        return FileProblem(shown, "is empty: there is nothing to check")
    return SourceFile(shown, text)


def project_root(file: Path) -> Path:
    """The nearest folder at or above the file holding a sorac.toml, else the file's folder."""
    folder = Path(os.path.normpath(file.absolute())).parent
    for candidate in (folder, *folder.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    return folder
