"""Renderers: human (rustc's layout), short (one line each), and JSON."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from sorascript.diagnostics.model import Diagnostic, Label
from sorascript.source import SourceFile, Span

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;32m", "help": "\x1b[1;36m"}
_BLUE = "\x1b[1;34m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


# Control characters (C0, DEL, C1) never reach a terminal raw: a `.shot` file
# could otherwise rewrite the screen. JSON escapes them by itself.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LONG_LINE = 160  # characters of a source line shown around a span


def visible(text: str) -> str:
    """Text with its control characters written as escapes (`\x1b`)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text) if _CONTROL.search(text) else text


def render_short(diagnostics: Iterable[Diagnostic]) -> str:
    out = []
    for d in diagnostics:
        s = d.span
        out.append(f"{visible(s.file)}:{s.line}:{s.column}: {d.severity}[{d.code}]: {visible(d.message)}\n")
    return "".join(out)


class _LineView:
    """A source line as shown under a diagnostic: control characters escaped,
    tabs as one space, and a long line cut to a window around its labels. Maps
    a character column of the line to the column it is shown at."""

    def __init__(self, text: str, first: int, last: int) -> None:
        pieces = [" " if ch == "\t" else visible(ch) for ch in text]
        begin, end = 0, len(pieces)
        if sum(len(p) for p in pieces) > LONG_LINE:
            margin = max((LONG_LINE - (last - first)) // 2, 20)
            begin, end = max(0, first - margin), min(len(pieces), max(last, first + 1) + margin)
        self.prefix = "…" if begin > 0 else ""
        self.text = self.prefix + "".join(pieces[begin:end]) + ("…" if end < len(pieces) else "")
        self.begin, self.end = begin, end
        self._columns = [0]
        for piece in pieces[begin:end]:
            self._columns.append(self._columns[-1] + len(piece))

    def column(self, index: int) -> int:
        """Where character `index` of the line is shown (0-based)."""
        index = min(max(index, self.begin), self.end) - self.begin
        return len(self.prefix) + self._columns[index]


def _span_json(span: Span) -> dict:
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def diagnostic_json(d: Diagnostic) -> dict:
    labels = [dict(_span_json(d.span), message=d.label)]
    labels += [dict(_span_json(label.span), message=label.message) for label in d.secondary]
    return {
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        **_span_json(d.span),
        "labels": labels,
        "help": list(d.help),
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    import json

    return json.dumps([diagnostic_json(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def render_human(diagnostics: Iterable[Diagnostic], sources: Mapping[str, SourceFile], color: bool = False) -> str:
    return "".join(_Human(sources, color).diagnostic(d) for d in diagnostics)


class _Human:
    def __init__(self, sources: Mapping[str, SourceFile], color: bool) -> None:
        self.sources = sources
        self.color = color

    def paint(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.color and text else text

    def diagnostic(self, d: Diagnostic) -> str:
        lines = [self.paint(f"{d.severity}[{d.code}]", _COLORS[d.severity]) + self.paint(f": {visible(d.message)}", _BOLD)]
        labels = [(Label(d.span, d.label), True)] + [(label, False) for label in d.secondary]
        files: list[str] = []
        for label, _ in labels:
            if label.span.file not in files:
                files.append(label.span.file)
        shown = [[(lab, primary) for lab, primary in labels if lab.span.file == f] for f in files]
        gutter = max(len(str(lab.span.line)) for lab, _ in labels)
        pad = " " * gutter
        for index, group in enumerate(shown):
            head = group[0][0].span
            arrow = "-->" if index == 0 else ":::"
            lines.append(f"{pad}{self.paint(arrow, _BLUE)} {visible(head.file)}:{head.line}:{head.column}")
            source = self.sources.get(head.file)
            if source is None:
                for lab, _ in group[1:]:
                    s = lab.span
                    lines.append(f"{pad}{self.paint(arrow, _BLUE)} {visible(s.file)}:{s.line}:{s.column}")
                continue
            lines.append(f"{pad} {self.paint('|', _BLUE)}")
            lines.extend(self._snippet(source, group, gutter, d.severity))
        for text in d.help:
            first, *rest = (visible(part) for part in text.split("\n"))
            lines.append(f"{pad} {self.paint('=', _BLUE)} {self.paint('help', _BOLD)}: {first}")
            lines.extend(f"{pad}         {more}" for more in rest)
        return "\n".join(lines) + "\n\n"

    def _snippet(self, source: SourceFile, group: list, gutter: int, severity: str) -> list[str]:
        by_line: dict[int, list] = {}
        for label, primary in group:
            by_line.setdefault(label.span.line, []).append((label, primary))
        out: list[str] = []
        previous = None
        bar = self.paint("|", _BLUE)
        for line_no in sorted(by_line):
            if previous is not None and line_no > previous + 1:
                out.append(self.paint("...", _BLUE))
            previous = line_no
            text = source.line_text(line_no)
            here = [(label.span.column - 1, label.span.end_column - 1 if label.span.end_line == line_no else len(text))
                    for label, _ in by_line[line_no]]
            view = _LineView(text, min(a for a, _ in here), max(b for _, b in here))
            out.append(f"{self.paint(str(line_no).rjust(gutter), _BLUE)} {bar} {view.text}".rstrip())
            for label, primary in sorted(by_line[line_no], key=lambda lp: (not lp[1], lp[0].span.column)):
                span = label.span
                start = view.column(span.column - 1)
                end = view.column(span.end_column - 1 if span.end_line == span.line else len(text))
                width = max(1, end - start)
                mark = ("^" if primary else "-") * width
                style = _COLORS[severity] if primary else _BLUE
                underline = " " * start + self.paint(mark, style)
                if label.message:
                    underline += " " + self.paint(visible(label.message), style)
                out.append(f"{' ' * gutter} {bar} {underline}")
        out.append(f"{' ' * gutter} {bar}")
        return out
