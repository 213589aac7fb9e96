"""The diagnostic model shared by every phase, the CLI and the language server."""

from __future__ import annotations

from typing import Literal, NamedTuple

from sorascript.diagnostics.codes import CODES
from sorascript.source import Span

Severity = Literal["error", "warning", "note"]


# Tuples, not dataclasses: made cheaply, and cheap to define at start-up.
class Label(NamedTuple):
    span: Span
    message: str = ""


class Fix(NamedTuple):
    """Replacement text for a span: a code action in the language server."""

    span: Span
    replacement: str
    title: str


class Diagnostic(NamedTuple):
    severity: Severity
    code: str
    message: str  # lowercase, no trailing period, makes sense alone
    span: Span
    label: str = ""  # what the primary span's underline says
    secondary: tuple[Label, ...] = ()
    help: tuple[str, ...] = ()
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.start, self.span.end, self.code, self.message)


def make(
    code: str,
    message: str,
    span: Span,
    label: str = "",
    *,
    secondary: tuple[Label, ...] | list[Label] = (),
    help: str | tuple[str, ...] | list[str] = (),
    fix: Fix | None = None,
) -> Diagnostic:
    """A diagnostic with the severity its code is registered with."""
    if isinstance(help, str):
        help = (help,)
    return Diagnostic(CODES[code].severity, code, message, span, label, tuple(secondary), tuple(help), fix)
