"""The phases run in order for one compiled file: read, parse, check, lower.

The CLI, the language server and the tests all come through here; nothing
here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sorascript.diagnostics import Diagnostic
from sorascript.files import FileProblem, display_path, read_source
from sorascript.source import SourceFile


@dataclass
class Options:
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()  # codes, or "warnings"


@dataclass
class Result:
    path: str
    sources: dict[str, SourceFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problem: FileProblem | None = None
    plan: dict | None = None

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def check(path: str | Path, options: Options | None = None) -> Result:
    options = options or Options()
    file = Path(path)
    shown = display_path(file) if file.is_absolute() else str(path)
    result = Result(shown)
    source = read_source(file, shown)
    if isinstance(source, FileProblem):
        result.problem = source
        return result
    from sorascript.syntax import parse

    result.sources[source.path] = source
    module, diagnostics = parse(source)
    result.diagnostics = diagnostics
    return result
