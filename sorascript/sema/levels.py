"""Lint levels: which warnings are silenced and which are errors.

In order of precedence: `// sorac: allow CODE[, CODE…]` pragmas in the source
(on the offending line, or on the line above a statement or a shot, covering
all of it); then `--allow`/`--deny` on the command line; then `[lint] allow`
and `deny` in sorac.toml. `deny` takes codes or `warnings` (every warning).
Only warnings and notes can be allowed or denied; errors always stand.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from sorascript.diagnostics import Diagnostic
from sorascript.diagnostics.codes import CODES
from sorascript.syntax import ast

# `sorac: allow W101`, `sorac: allow W101, W116`, `sorac: allow W108 -- the guide's 12 s example`: codes
# separated by commas or spaces, then anything (a reason) after a non-code word or punctuation.
_PRAGMA = re.compile(r"^\s*sorac:\s*allow\s+([A-Za-z]\d{3}(?:(?:\s*,\s*|\s+)[A-Za-z]\d{3})*)(?![\w-])")


@dataclass(frozen=True)
class Levels:
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()  # codes, or "warnings"

    def merged_under(self, command_line: "Levels") -> "Levels":
        """This (sorac.toml) overridden by the command line."""
        allow = (self.allow - command_line.deny) | command_line.allow
        deny = (self.deny - command_line.allow) | command_line.deny
        return Levels(frozenset(allow), frozenset(deny))


class ConfigError(Exception):
    """sorac.toml cannot be used; the message says why, in one line."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def parse_codes(values, where: str, setting: str) -> frozenset[str]:
    """Codes from a setting (`--allow`, `lint.deny`…); `warnings` is kept as a word."""
    out = set()
    for value in values:
        for item in str(value).split(","):
            item = item.strip()
            if not item:
                continue
            if item.lower() == "warnings":
                out.add("warnings")
                continue
            code = item.upper()
            if code not in CODES:
                raise ConfigError(where, f"{setting}: no such diagnostic code `{item}`")
            if CODES[code].severity == "error":
                raise ConfigError(where, f"{setting}: `{code}` is an error; only warnings and notes can be allowed or denied")
            out.add(code)
    return frozenset(out)


def project_levels(root: Path) -> Levels:
    path = root / "sorac.toml"
    if not path.is_file():
        return Levels()
    import tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), f"not valid TOML ({error})") from None
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise ConfigError(str(path), "`lint` must be a table: [lint]")
    for key in lint:
        if key not in ("allow", "deny"):
            raise ConfigError(str(path), f"unknown setting `lint.{key}` (known: allow, deny)")
    allow, deny = lint.get("allow", []), lint.get("deny", [])
    if not isinstance(allow, list) or not isinstance(deny, list):
        raise ConfigError(str(path), "`lint.allow` and `lint.deny` are lists of codes, e.g. allow = [\"W108\"]")
    allow_codes = parse_codes(allow, str(path), "lint.allow")
    if "warnings" in allow_codes:
        raise ConfigError(str(path), "lint.allow takes codes, not `warnings`")
    return Levels(allow_codes, parse_codes(deny, str(path), "lint.deny"))


def _node_lines(node, out: dict[int, int]) -> None:
    """Each line where a node starts -> the last line of the largest node starting there."""
    span = getattr(node, "span", None)
    if span is not None and hasattr(span, "line"):
        out[span.line] = max(out.get(span.line, 0), span.end_line)
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            if field.name != "span":
                _node_lines(getattr(node, field.name), out)
    elif isinstance(node, tuple):
        for item in node:
            _node_lines(item, out)


def pragma_lines(module: ast.Module, text: str) -> dict[int, set[str]]:
    """Line -> codes allowed there by `// sorac: allow` pragmas."""
    pragmas = [(c, _PRAGMA.match(c.text)) for c in module.comments]
    pragmas = [(c, m) for c, m in pragmas if m]
    if not pragmas:
        return {}
    lines = text.splitlines()
    starts: dict[int, int] = {}
    _node_lines(module.decls, starts)
    allowed: dict[int, set[str]] = {}
    for comment, match in pragmas:
        codes = {c.upper() for c in re.findall(r"[A-Za-z]\d{3}", match.group(1))}
        line = comment.span.line
        before = lines[line - 1][: comment.span.column - 1] if line <= len(lines) else ""
        if before.strip():  # a trailing comment covers its own line
            covered = range(line, line + 1)
        else:
            target = line + 1
            while target <= len(lines) and (not lines[target - 1].strip() or lines[target - 1].strip().startswith("//")):
                target += 1
            covered = range(target, starts.get(target, target) + 1)
        for covered_line in covered:
            allowed.setdefault(covered_line, set()).update(codes)
    return allowed


def apply_levels(diagnostics: list[Diagnostic], modules, levels: Levels) -> list[Diagnostic]:
    pragmas = {m.source.path: pragma_lines(m.ast, m.source.text) for m in modules}
    out = []
    for d in diagnostics:
        if d.severity != "error":
            if d.code in pragmas.get(d.span.file, {}).get(d.span.line, ()):
                continue
            if d.code in levels.allow:
                continue
            if d.code in levels.deny or (d.severity == "warning" and "warnings" in levels.deny):
                d = dataclasses.replace(d, severity="error", help=d.help + (f"`{d.code}` is denied: it counts as an error",))
        out.append(d)
    return out
