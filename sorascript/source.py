"""Source files and spans.

A `Span` is a stretch of one file: its `SourceFile` and two character
offsets. Lines and columns (1-based, columns counting characters) are worked
out only when asked for, from the file's table of line starts, so the parser
makes a span per token at the cost of a small tuple. `SourceFile` is the one
home of offsets: the text of a span, the offset of a line, byte offsets and
the UTF-16 columns the language server speaks.

One notion of a line everywhere: a line ends at `\\n` (a `\\r` before it is
part of the line ending), as the lexer reads it. U+2028, U+0085 or a form
feed inside a string do not start a line.
"""

from __future__ import annotations

import bisect
import re
from array import array
from typing import NamedTuple


class Span(NamedTuple):
    """A tuple rather than a dataclass: the parser makes one per token."""

    source: "SourceFile"
    start: int  # character offset of the first character
    end: int  # character offset just past the last character

    @property
    def file(self) -> str:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.position(self.start)[0]

    @property
    def column(self) -> int:
        return self.source.position(self.start)[1]

    @property
    def end_line(self) -> int:
        return self.source.position(self.end)[0]

    @property
    def end_column(self) -> int:
        return self.source.position(self.end)[1]

    @property
    def text(self) -> str:
        return self.source.text[self.start:self.end]

    def to(self, other: "Span") -> "Span":
        """The span from the start of self to the end of other."""
        return Span(self.source, self.start, other.end)

    def head(self, length: int) -> "Span":
        """The first `length` characters of the span (a block's header word)."""
        return Span(self.source, self.start, min(self.start + length, self.end))

    def __repr__(self) -> str:
        return f"Span({self.file}:{self.line}:{self.column}-{self.end_line}:{self.end_column})"


def line_starts(text: str) -> array:
    """The offset where each line starts: 0, and after every `\\n` (the one
    notion of a line, the lexer's). An array of machine integers, not a list:
    a 10,000-shot film has 280,000 lines, and a list of ints took 10 MB."""
    starts = array("q", [0])
    starts.extend(match.end() for match in _NEWLINE.finditer(text))
    return starts


_NEWLINE = re.compile("\n")


class SourceFile:
    """A file's path as shown to users and its text. Compared by identity."""

    __slots__ = ("path", "text", "_starts", "_byte_starts")

    def __init__(self, path: str, text: str) -> None:
        self.path = path  # as shown to users (relative to where sorac was run, when possible)
        self.text = text
        self._starts: array | None = None  # character offset of each line
        self._byte_starts: list[int] | None = None

    def __repr__(self) -> str:
        return f"SourceFile({self.path!r})"

    @property
    def line_starts(self) -> array:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_offset(self, line: int) -> int:
        """The character offset where a 1-based line starts."""
        starts = self.line_starts
        return starts[min(max(line, 1), len(starts)) - 1]

    def line_end(self, line: int) -> int:
        """The character offset where a 1-based line's text ends (before `\\r\\n`)."""
        starts = self.line_starts
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > starts[line - 1] and self.text[end - 1:end] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        if not 1 <= line <= self.line_count:
            return ""
        return self.text[self.line_offset(line):self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def byte_offset(self, offset: int) -> int:
        """The UTF-8 byte offset of a character offset (one line is encoded, not the prefix)."""
        if self.text.isascii():
            return offset
        if self._byte_starts is None:
            total, table = 0, []
            previous = 0
            for start in self.line_starts:
                total += len(self.text[previous:start].encode("utf-8", "surrogatepass"))
                table.append(total)
                previous = start
            self._byte_starts = table
        line = self.line_of(offset)
        begin = self.line_starts[line - 1]
        return self._byte_starts[line - 1] + len(self.text[begin:offset].encode("utf-8", "surrogatepass"))

    def span(self, start: int, end: int) -> Span:
        return Span(self, start, end)

    def point(self, offset: int) -> Span:
        """A one-character span at an offset (empty at the end of the file)."""
        offset = max(0, min(offset, len(self.text)))
        return Span(self, offset, offset + (1 if offset < len(self.text) else 0))

    def line_span(self, line: int) -> Span:
        """The non-blank part of a line, a trailing `//` comment excluded."""
        text = self.line_text(line)
        code = text.split("//", 1)[0].rstrip()
        start = len(code) - len(code.lstrip())
        begin = self.line_offset(line)
        return Span(self, begin + start, begin + max(len(code), start + 1))

    def utf16_column(self, line: int, column: int) -> int:
        """0-based UTF-16 column (LSP) of a 1-based character column."""
        prefix = self.line_text(line)[: column - 1]
        return len(prefix.encode("utf-16-le", "surrogatepass")) // 2
