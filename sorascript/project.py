"""`sorac.toml`: the project's settings, read and checked in one place.

    [lint]
    allow = ["W108"]
    deny = ["W101"]
    [defaults]
    model = "wan-2.2-t2v-a14b"
    size = "1280x720"
    duration = "5s"
    [render]
    server = "http://127.0.0.1:30010/v1"
    concurrency = 4
    out = "renders"

A key or value that cannot be used is a `ConfigError` naming the file and the
line. What a setting means for a program (is the model declared, may it render
that size) is for the checker, which reports it at the setting's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sorascript.files import PROJECT_FILE, display_path
from sorascript.quantities import classify
from sorascript.source import SourceFile

_TABLES = {
    "lint": ("allow", "deny"),
    "defaults": ("model", "size", "duration"),
    "render": ("server", "concurrency", "out"),
}
MAX_CONCURRENCY = 64


class ConfigError(Exception):
    """sorac.toml cannot be used; the message says why, in one line."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Setting:
    """One value of sorac.toml, and where it is written."""

    value: object
    line: int
    column: int
    length: int


@dataclass(frozen=True)
class Settings:
    path: Path | None = None
    source: SourceFile | None = None  # the file's text, for diagnostics that point into it
    lint_allow: tuple[str, ...] = ()
    lint_deny: tuple[str, ...] = ()
    defaults: dict[str, Setting] = field(default_factory=dict)  # model, size, duration
    server: str | None = None
    concurrency: int | None = None
    out: str | None = None

    def where(self, table: str, key: str) -> str:
        return f"{self.path}, [{table}] {key}"


def _locate(text: str, table: str, key: str) -> tuple[int, int, int]:
    """(line, column, length) of `key = value` inside `[table]`, 1-based; the
    table header's line when the key cannot be found (a dotted or inline form)."""
    lines = text.split("\n")
    current, header = None, 1
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        heading = re.fullmatch(r"\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?", stripped)
        if heading:
            current = heading.group(1)
            if current == table:
                header = number
            continue
        if current == table:
            found = re.match(rf"\s*{re.escape(key)}\s*=\s*", line)
            if found:
                value = line[found.end():].split("#", 1)[0].rstrip()
                return number, found.end() + 1, max(len(value), 1)
    return header, 1, len(lines[header - 1]) if lines and header <= len(lines) else 1


def load_settings(root: Path) -> Settings:
    """The settings of the project at `root` (none when it has no sorac.toml)."""
    path = root / PROJECT_FILE
    if not path.is_file():
        return Settings()
    import tomllib

    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(shown, f"cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(shown, f"not valid TOML ({error})") from None

    def fail(table: str, key: str, message: str):
        line = _locate(text, table, key)[0] if key else _locate(text, table, "")[0]
        raise ConfigError(f"{shown}:{line}", message)

    for table, value in data.items():
        if table not in _TABLES:
            raise ConfigError(f"{shown}:{_table_line(text, table)}",
                              f"unknown table `[{table}]` (known: {', '.join(f'[{t}]' for t in _TABLES)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{shown}:{_table_line(text, table)}", f"`{table}` must be a table: [{table}]")
        for key in value:
            if key not in _TABLES[table]:
                fail(table, key, f"unknown setting `{table}.{key}` (known: {', '.join(_TABLES[table])})")

    lint = data.get("lint", {})
    allow, deny = lint.get("allow", []), lint.get("deny", [])
    for key, codes in (("allow", allow), ("deny", deny)):
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            fail("lint", key, f"`lint.{key}` is a list of codes, e.g. {key} = [\"W108\"]")

    defaults: dict[str, Setting] = {}
    for key, value in data.get("defaults", {}).items():
        line, column, length = _locate(text, "defaults", key)
        if not isinstance(value, str):
            fail("defaults", key, f"`defaults.{key}` is a string, e.g. {_EXAMPLES[key]}")
        if key == "size" and classify(value)[0] != "size":
            fail("defaults", key, f"`defaults.size` is a size written WxH, e.g. {_EXAMPLES['size']}, found \"{value}\"")
        if key == "duration" and classify(value)[0] not in ("duration", "frames"):
            fail("defaults", key, f"`defaults.duration` is a duration, e.g. {_EXAMPLES['duration']}, found \"{value}\"")
        if key == "model" and not re.fullmatch(r"[^\W\d]\w*(?:-\w+|\.[0-9]\w*)*", value):
            fail("defaults", key, f"`defaults.model` is the name of a model, e.g. {_EXAMPLES['model']}, found \"{value}\"")
        defaults[key] = Setting(value, line, column, length)

    render = data.get("render", {})
    server = render.get("server")
    if server is not None and (not isinstance(server, str) or not re.match(r"https?://[^\s/]+", server)):
        fail("render", "server", "`render.server` is the base URL of a Videos API server, "
                                 "e.g. \"http://127.0.0.1:30010/v1\"")
    concurrency = render.get("concurrency")
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int)
                                    or not 1 <= concurrency <= MAX_CONCURRENCY):
        fail("render", "concurrency", f"`render.concurrency` is a whole number from 1 to {MAX_CONCURRENCY}")
    out = render.get("out")
    if out is not None:
        if not isinstance(out, str) or not out.strip():
            fail("render", "out", "`render.out` is a folder inside the project, e.g. \"renders\"")
        folder = Path(out)
        if folder.is_absolute() or ".." in folder.parts:
            fail("render", "out", "`render.out` is a folder inside the project: no absolute path, no `..`")
    return Settings(path, SourceFile(shown, text), tuple(allow), tuple(deny), defaults, server, concurrency, out)


_EXAMPLES = {"model": '"wan-2.2-t2v-a14b"', "size": '"1280x720"', "duration": '"5s"'}


def _table_line(text: str, table: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if re.fullmatch(rf"\s*\[\s*{re.escape(table)}\s*\]\s*(#.*)?", line):
            return number
    return 1
