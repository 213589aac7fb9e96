"""Reading `.shot` files and finding the project they belong to.

Every problem reading a file becomes a `FileProblem` with a one-line message;
no exception escapes to the user.
"""

from __future__ import annotations

import errno
import os
import stat
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


MAX_SOURCE_BYTES = 32 * 1024 * 1024  # a 10,000-shot film is about 10 MB


def file_kind(path: Path) -> str | None:
    """None for a regular file (through symbolic links); else what the path is,
    in words that finish "it is …" / "is …"."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        try:
            os.lstat(path)
        except OSError:
            return "not there (no such file)"
        return "a broken symbolic link"
    except PermissionError:
        return "not readable (permission denied)"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop"
        if error.errno == errno.ENAMETOOLONG:
            return "a path with a name too long for the file system"
        if error.errno == errno.ENOTDIR:
            return "not there (a part of the path is a file, not a folder)"
        return f"not readable ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def read_source(path: Path, shown: str | None = None, *, allow_empty: bool = False) -> SourceFile | FileProblem:
    """A .shot file's text, or why it cannot be had. Only regular files are
    opened (a FIFO or a device would block or never end), and only up to
    MAX_SOURCE_BYTES."""
    shown = shown if shown is not None else str(path)
    kind = file_kind(path)
    if kind is not None:
        if kind.startswith("not there"):
            return FileProblem(shown, "no such file")
        if kind == "a directory":
            return FileProblem(shown, "is a directory, not a .shot file")
        if kind == "not readable (permission denied)":
            return FileProblem(shown, "permission denied")
        if kind.startswith("not readable"):
            return FileProblem(shown, kind.replace("not readable", "cannot be read", 1))
        return FileProblem(shown, f"is {kind}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except PermissionError:
        return FileProblem(shown, "permission denied")
    except OSError as error:
        return FileProblem(shown, f"cannot be read ({error.strerror or error})")
    if len(data) > MAX_SOURCE_BYTES:
        return FileProblem(shown, f"is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB, the most a .shot file may hold; "
                                  "split it into files that import one another")
    if b"\x00" in data:
        return FileProblem(shown, "is a binary file, not .shot text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return FileProblem(shown, f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text and "\n" not in text:
        return FileProblem(shown, "has old Mac line endings (CR only): save it with LF (or CRLF) line endings")
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
