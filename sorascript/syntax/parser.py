"""Parse `.shot` text into the AST.

One Lark LALR parser with the contextual lexer, built once per process (its
tables shipped in the package, see `tables.py`), with the AST builder applied
during parsing. Text that parses goes through a tight loop over the same
tables (`lalr.py`); text that does not is parsed again by Lark's own loop,
whose error is the one reported. After a
syntax error the parser resumes at the next top-level declaration, so one run
reports errors in several declarations.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from lark.lark import PostLex
from lark.lexer import ContextualLexer
from lark.parser_frontends import PostLexConnector

from sorascript import resources
from sorascript.syntax import tables
from sorascript.diagnostics import Diagnostic, make
from sorascript.source import SourceFile
from sorascript.syntax import ast
from sorascript.syntax.build import Builder, ParseContext, check_token
from sorascript.syntax.lalr import FastParser
from sorascript.syntax.lexer import FastLexer, borrowed
from sorascript.syntax.errors import parser_expected, syntax_diagnostic

MAX_SYNTAX_ERRORS = 50
_COMMENT = re.compile(r"//[^\n]*")
_CHECKED = frozenset({"QUANTITY", "STRING", "LONG_STRING"})


class Indenter(PostLex):
    """Turns indentation into _INDENT/_DEDENT tokens and collects comments.

    Unlike Lark's own Indenter it never raises: tabs (E103) and a dedent to a
    column no enclosing block uses (E108) are reported and parsing goes on.
    """

    always_accept = ("_NL",)
    TAB_WIDTH = 4

    def __init__(self, context: ParseContext) -> None:
        self.ctx = context

    def process(self, stream):
        levels = [0]
        token = None
        first = True
        for token in stream:
            if first:
                first = False
                if token.type != "_NL" and token.start_pos > 0:
                    # The first line of the file is indented: no newline token carries that indentation.
                    # (A first token that is no newline is on line 1: its column is its offset + 1.)
                    width = token.start_pos
                    levels.append(width)
                    yield Token("_INDENT", " " * width, 0, 1, 1, 1, width + 1, token.start_pos)
            if token.type != "_NL":
                if token.type in _CHECKED:
                    check_token(token, self.ctx)
                yield token
                continue
            self._collect_comments(token)
            yield token
            last = token.value.rsplit("\n", 1)[-1]
            if "\n" not in token.value:
                continue  # a trailing comment at the end of the file
            indentation = last.split("//", 1)[0] if "//" in last else last
            if "//" in last:
                continue  # the file ends in a comment line
            if "\t" in indentation:
                self._report_tab(token, indentation)
            indent = len(indentation) + (self.TAB_WIDTH - 1) * indentation.count("\t")
            if indent > levels[-1]:
                levels.append(indent)
                yield borrowed("_INDENT", indentation, token)
                continue
            closed = None
            while indent < levels[-1]:
                closed = levels.pop()
                yield borrowed("_DEDENT", indentation, token)
            if indent != levels[-1]:
                self._report_dedent(token, indentation, levels[-1], closed)
        while len(levels) > 1:
            levels.pop()
            yield borrowed("_DEDENT", "", token) if token else Token("_DEDENT", "", 0, 1, 1, 1, 1, 0)

    def _line_start(self, token: Token, segment: str) -> int:
        """The character offset of the final line that a newline token reaches."""
        return token.end_pos - len(segment)

    def _report_tab(self, token: Token, indentation: str) -> None:
        start = self._line_start(token, indentation)
        self.ctx.report(make("E103", "tab in indentation", self.ctx.span(start, start + len(indentation)), "a tab here",
                             help="indent with spaces (4 per level); tabs mean different widths in different editors"))

    def _report_dedent(self, token: Token, indentation: str, outer: int, inner: int | None) -> None:
        start = self._line_start(token, indentation)
        hint = (f"indent it {inner} columns to continue the block above, or {outer} columns to end that block"
                if inner is not None else f"indent it {outer} columns")
        self.ctx.report(make(
            "E108", "this line's indentation matches no enclosing block", self.ctx.span(start, start + len(indentation)),
            f"indented {len(indentation)} columns", help=hint,
        ))

    def _collect_comments(self, token: Token) -> None:
        value = token.value
        if "//" not in value:
            return
        for match in _COMMENT.finditer(value):
            text = match.group(0).rstrip("\r")
            start = token.start_pos + match.start()
            self.ctx.comments.append(ast.Comment(text[2:], self.ctx.span(start, start + len(text))))


_lock = threading.Lock()
_context = ParseContext()


@lru_cache(maxsize=1)
def _parser() -> Lark:
    indenter = Indenter(_context)
    parser = tables.build(resources.grammar_text(), postlex=indenter, transformer=Builder(_context))
    frontend = parser.parser
    if isinstance(frontend.lexer, PostLexConnector) and isinstance(frontend.lexer.lexer, ContextualLexer):
        frontend.lexer = PostLexConnector(FastLexer(parser, frontend.lexer.lexer), indenter)
    return parser


@lru_cache(maxsize=1)
def _fast_parser() -> FastParser:
    return FastParser(_parser())


@lru_cache(maxsize=1)
def _terminal_words() -> dict[str, str]:
    return {t.name: t.pattern.value for t in _parser().terminals}


def parse(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    """The module and its syntax diagnostics. Never raises on bad input."""
    with _lock:
        return _parse_locked(source)


def _parse_locked(source: SourceFile, parser: Lark | None = None) -> tuple[ast.Module, list[Diagnostic]]:
    """With `parser` given, that Lark parser alone parses (the tests compare)."""
    fast = _fast_parser() if parser is None else None
    parser = parser or _parser()

    def parsed(text: str):
        if fast is not None:
            result = fast.parse(text)
            if result is not None:
                return result
            _context.reset(source)  # Lark's parser, from the start: its error is the one reported
        return parser.parse(text)

    text = source.text if source.text.endswith("\n") else source.text + "\n"
    decls: list = []
    diagnostics: list[Diagnostic] = []
    comments: list[ast.Comment] = []
    resume = 0  # everything before this offset is already parsed
    errors = 0
    tops: list[int] | None = None
    while True:
        _context.reset(source)
        try:
            decls += parsed(_blank(text, resume))
            diagnostics += _context.diagnostics
            comments += _context.comments
            break
        except UnexpectedInput as error:
            if tops is None:
                tops = top_level_starts(text)
            position = _error_offset(error, text)
            start = max((t for t in tops if t <= position), default=0)
            start = max(start, resume)
            following = next((t for t in tops if t > position), None)
            end = following if following is not None else len(text)
            kept = [d for d in _context.diagnostics if start <= d.span.start < end]
            if start > resume:  # the declarations before the broken one parsed fine: keep them
                _context.reset(source)
                try:
                    decls += parsed(_blank(text[:start], resume))
                    diagnostics += _context.diagnostics
                    comments += _context.comments
                except UnexpectedInput:  # pragma: no cover - a prefix of a valid parse is valid
                    pass
            diagnostics += kept
            layout_trouble = any(d.code == "E108" and d.span.start <= position for d in kept)
            if not layout_trouble:
                diagnostics.append(syntax_diagnostic(error, source, _terminal_words()))
            errors += 1
            if following is not None and errors >= MAX_SYNTAX_ERRORS:
                line = source.line_of(following)
                diagnostics.append(make("E113", f"stopped after {MAX_SYNTAX_ERRORS} syntax errors: "
                                        f"lines {line}-{source.line_count} were not read", source.line_span(line),
                                        "not read from here", help="fix the errors above and check again"))
            if following is None or errors >= MAX_SYNTAX_ERRORS:
                break
            resume = following
    diagnostics.sort(key=Diagnostic.sort_key)
    comments.sort(key=lambda c: c.span.start)
    decls.sort(key=lambda d: d.span.start)
    return ast.Module(source.path, tuple(decls), tuple(comments)), diagnostics


def _blank(text: str, upto: int) -> str:
    """The text with everything before `upto` turned to spaces, offsets and lines kept."""
    if upto == 0:
        return text
    return re.sub(r"[^\n]", " ", text[:upto]) + text[upto:]


def _error_offset(error: UnexpectedInput, text: str) -> int:
    """Where the error is. A dedent takes the position of the line end before it,
    so an empty block is blamed on its own declaration, not the next one."""
    token = getattr(error, "token", None)
    position = token.start_pos if token is not None else getattr(error, "pos_in_stream", None)
    if position is None:
        return len(text) - 1
    if token is not None and token.type not in ("_INDENT", "_DEDENT", "$END") and "_INDENT" in parser_expected(error):
        # A block header with nothing under it: the line after it is not to blame.
        line_start = text.rfind("\n", 0, position) + 1
        if not text[line_start:position].strip(" \t"):
            position = max(line_start - 1, 0)
    return min(position, len(text) - 1)


def top_level_starts(text: str) -> list[int]:
    """Offsets of lines that start a top-level declaration: no indentation, not a
    comment, not inside a triple-quoted string."""
    starts = []
    in_long = False
    offset = 0
    for line in text.split("\n"):
        line += "\n"
        if not in_long and line[:1] not in ("", " ", "\t", "\r", "\n") and not line.startswith("//"):
            starts.append(offset)
        in_long = _ends_inside_long_string(line, in_long)
        offset += len(line)
    return starts


def _ends_inside_long_string(line: str, in_long: bool) -> bool:
    i = 0
    while i < len(line):
        if in_long:
            end = line.find('"""', i)
            if end == -1:
                return True
            in_long, i = False, end + 3
        elif line.startswith('"""', i):
            in_long, i = True, i + 3
        elif line[i] == '"':
            i += 1
            while i < len(line) and line[i] not in '"\n':
                i += 2 if line[i] == "\\" else 1
            i += 1
        elif line.startswith("//", i):
            return False
        else:
            i += 1
    return in_long
