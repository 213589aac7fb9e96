"""Lint levels: which warnings are silenced and which are errors.

In order of precedence: `// sorac: allow CODE[, CODE…]` pragmas in the source
(on the offending line, or on the line above a statement or a shot, covering
all of it); then `--allow`/`--deny` on the command line; then `[lint] allow`
and `deny` in sorac.toml. `deny` takes codes or `warnings` (every warning).
Only warnings and notes can be allowed or denied; errors always stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sorascript.diagnostics import Diagnostic
from sorascript.diagnostics.codes import CODES
from sorascript.project import ConfigError, Settings
from sorascript.source import SourceFile
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


def project_levels(settings: Settings) -> Levels:
    """The lint levels sorac.toml sets (`[lint] allow` and `deny`)."""
    where = str(settings.path)
    allow_codes = parse_codes(settings.lint_allow, where, "lint.allow")
    if "warnings" in allow_codes:
        raise ConfigError(where, "lint.allow takes codes, not `warnings`")
    return Levels(allow_codes, parse_codes(settings.lint_deny, where, "lint.deny"))


def _node_lines(root) -> dict[int, int]:
    """Each line where a node starts -> the last line of the largest node
    starting there (an explicit stack: a file may nest blocks deeply)."""
    out: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (tuple, list)):
            stack.extend(node)
            continue
        span = getattr(node, "span", None)
        if span is not None and hasattr(span, "line"):
            out[span.line] = max(out.get(span.line, 0), span.end_line)
        if isinstance(node, ast.Node):
            stack.extend(getattr(node, name) for name in node._fields if name != "span")
    return out


def pragma_ranges(module: ast.Module, source: SourceFile) -> list[tuple[int, int, frozenset[str]]]:
    """(first line, last line, codes) allowed by each `// sorac: allow` pragma.

    A trailing pragma covers its own line; a pragma on a line of its own covers
    the statement or block that starts on the next line of code, whole. Lines
    are the lexer's: they end at `\n` only.
    """
    pragmas = [(c, _PRAGMA.match(c.text)) for c in module.comments]
    pragmas = [(c, m) for c, m in pragmas if m]
    if not pragmas:
        return []
    count = source.line_count
    # The next line of code at or after each line (blank and comment lines skipped), worked out once.
    next_code = [count + 1] * (count + 2)
    for line in range(count, 0, -1):
        text = source.line_text(line).strip()
        next_code[line] = line if text and not text.startswith("//") else next_code[line + 1]
    starts = _node_lines(module.decls)
    ranges = []
    for comment, match in pragmas:
        codes = frozenset(c.upper() for c in re.findall(r"[A-Za-z]\d{3}", match.group(1)))
        line = comment.span.line
        if source.text[source.line_offset(line):comment.span.start].strip():  # a trailing comment covers its own line
            ranges.append((line, line, codes))
        else:
            target = next_code[min(line + 1, count + 1)]
            ranges.append((target, starts.get(target, target), codes))
    return ranges


def _allowed_at(ranges: list[tuple[int, int, frozenset[str]]], lines: list[int]) -> dict[int, set[str]]:
    """Line -> codes allowed there, for the lines asked about: one sweep over both, sorted."""
    import heapq

    ordered = sorted(ranges)
    out: dict[int, set[str]] = {}
    active: list[tuple[int, int, frozenset[str]]] = []  # (last line, index, codes)
    index = 0
    for line in sorted(set(lines)):
        while index < len(ordered) and ordered[index][0] <= line:
            first, last, codes = ordered[index]
            heapq.heappush(active, (last, index, codes))
            index += 1
        while active and active[0][0] < line:
            heapq.heappop(active)
        if active:
            out[line] = set().union(*(codes for _, _, codes in active))
    return out


def apply_levels(diagnostics: list[Diagnostic], modules, levels: Levels) -> list[Diagnostic]:
    pragmas = {}
    for module in modules:
        ranges = pragma_ranges(module.ast, module.source)
        if ranges:
            lines = [d.span.line for d in diagnostics if d.span.file == module.source.path and d.severity != "error"]
            pragmas[module.source.path] = _allowed_at(ranges, lines)
    out = []
    for d in diagnostics:
        if d.severity != "error":
            if d.code in pragmas.get(d.span.file, {}).get(d.span.line, ()):
                continue
            if d.code in levels.allow:
                continue
            if d.code in levels.deny or (d.severity == "warning" and "warnings" in levels.deny):
                d = d._replace(severity="error", help=d.help + (f"`{d.code}` is denied: it counts as an error",))
        out.append(d)
    return out
