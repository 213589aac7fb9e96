"""Source files and spans.

A `Span` names a stretch of one file by byte offsets (UTF-8) and by 1-based
line and column (columns count characters). `SourceFile` converts between
offsets, line/column and the UTF-16 columns the language server speaks.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    """A tuple rather than a dataclass: the parser makes one per token, and a
    tuple is several times faster to build."""

    file: str
    start: int  # byte offset of the first byte
    end: int  # byte offset just past the last byte
    line: int
    column: int
    end_line: int
    end_column: int  # column just past the last character

    def to(self, other: "Span") -> "Span":
        """The span from the start of self to the end of other."""
        return Span(self.file, self.start, other.end, self.line, self.column, other.end_line, other.end_column)


@dataclass(slots=True)
class SourceFile:
    path: str  # as shown to users (relative to where sorac was run, when possible)
    text: str
    _line_starts: list[int] = field(default_factory=list, repr=False)  # character offsets
    _ascii: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._line_starts = starts
        self._ascii = self.text.isascii()


    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def position(self, char_offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self._line_starts, char_offset) - 1
        return index + 1, char_offset - self._line_starts[index] + 1

    def byte_offset(self, char_offset: int) -> int:
        if self._ascii:
            return char_offset
        return len(self.text[:char_offset].encode("utf-8"))

    def span(self, char_start: int, char_end: int) -> Span:
        line, column = self.position(char_start)
        end_line, end_column = self.position(char_end)
        return Span(self.path, self.byte_offset(char_start), self.byte_offset(char_end), line, column, end_line, end_column)

    def utf16_column(self, line: int, column: int) -> int:
        """0-based UTF-16 column (LSP) of a 1-based character column."""
        prefix = self.line_text(line)[: column - 1]
        return len(prefix.encode("utf-16-le")) // 2
