"""Lark's parse errors as diagnostics: what was expected, in words, and the
common mistakes by name (a missing `:`, an empty block, a camera move outside
`camera:`, an unterminated string...)."""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from sorascript import vocab
from sorascript.diagnostics import Diagnostic, make
from sorascript.source import SourceFile, Span
from sorascript.suggest import closest

_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "LONG_STRING": "a string",
    "QUANTITY": "a quantity such as `4s`",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the file",
    "DOTDOT": "`..`",
}


# A keyword that tells which block the parser is in, and how to say what that block takes.
_BLOCK_CONTENTS = [
    ("SHOT", "a declaration such as `shot NAME:`, `palette NAME:`, `character NAME:` or `import \"…\"`"),
    ("DURATION", "a shot statement such as `duration 4s`, `camera:`, `beats:` or a quoted description"),
    ("FRAMING", "a camera statement (`framing`, `lens`, `rig` …), a move such as `pan left 30deg`, or a quoted line"),
    ("QUALITY", "a lighting line such as `key \"window light\" from camera-left`, `quality soft`, or a quoted line"),
    ("PAUSE", "a dialogue line such as `mara (quietly): \"…\"`, `pause 1s`, or a quoted line"),
    ("SIZES", "a model setting such as `sizes`, `durations`, `price`, `audio` or `notes`"),
    ("VOICE", "a quoted description, `voice \"…\"`, `wardrobe \"…\"` or `cameo \"clip.mp4\"`"),
    ("WEATHER", "a quoted description, `time \"…\"` or `weather \"…\"`"),
    ("BLEND", "a quoted description, `blend …`, `grade:` or `film \"…\"`"),
    ("KEEP", "the change as a quoted line, or `keep \"…\"`"),
    ("CONTINUITY", "a shot name (optionally followed by a transition), `continuity \"…\"`, or a quoted line"),
]


def _describe_expected(expected: set[str], terminals: dict[str, str]) -> str:
    for marker, description in _BLOCK_CONTENTS:
        if marker in expected:
            return description
    words: list[str] = []
    keywords = sorted(f"`{terminals[n]}`" for n in expected if n not in _WORDS and n in terminals)
    for name in ("NAME", "STRING", "QUANTITY", "DOTDOT", "_NL", "_INDENT", "_DEDENT", "$END"):
        if name in expected and _WORDS[name] not in words:
            words.append(_WORDS[name])
    if "LONG_STRING" in expected and "a string" not in words:
        words.append("a string")
    if len(keywords) > 6:
        keywords = keywords[:6] + ["another statement"]
    items = keywords + words
    if not items:
        return "something else"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _describe_found(error: UnexpectedToken) -> str:
    token = error.token
    if token.type in _WORDS and token.type not in ("NAME", "QUANTITY"):
        return _WORDS[token.type] if token.type not in ("STRING", "LONG_STRING") else f"the string {token.value.splitlines()[0]}"
    return f"`{token.value}`"


def _point(source: SourceFile, offset: int) -> Span:
    return source.point(offset)


def _line_span(source: SourceFile, line: int) -> Span:
    return source.line_span(line)


def syntax_diagnostic(error: UnexpectedInput, source: SourceFile, terminals: dict[str, str]) -> Diagnostic:
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, source)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = parser_expected(error)
    start = token.start_pos if token.start_pos is not None else len(source.text)

    if token.type == "_INDENT":
        end = token.end_pos if token.end_pos is not None else start
        line = token.end_line or 1
        span = source.span(end - len(token.value), end) if token.value else _point(source, end)
        return make("E108", "unexpected indentation", span if token.value else _line_span(source, line),
                    "this line is indented deeper than the block it is in",
                    help="indent a line only under a header that ends in `:`; otherwise line it up with the line above")

    if expected == {"_INDENT"}:
        header = _header_line(source, start, below=_starts_line(source, token))
        span = _line_span(source, header)
        shown = span_text(source, span)
        return make("E106", f"`{shown}` opens a block with nothing in it", span, "empty block",
                    help=f"indent the block's lines under `{shown}` by 4 spaces, or remove the header")

    if "COLON" in expected and token.type in ("_NL", "$END", "STRING", "LONG_STRING"):
        line = source.position(min(start, max(len(source.text) - 1, 0)))[0]
        header = source.line_text(line).split("//", 1)[0].strip()
        if token.type in ("_NL", "$END"):
            return make("E102", f"missing `:` after `{header}`", _point(source, start), "expected `:` here",
                        help=f"a line that opens a block ends in a colon: `{header}:`")
        return make("E102", "missing `:` before the spoken line", source.span(start, token.end_pos or start + 1),
                    "expected `:` before this", help='write `SPEAKER: "line"` or `SPEAKER (delivery): "line"`')

    if _starts_line(source, token):
        diagnostic = _wrong_block(error, source)
        if diagnostic is not None:
            return diagnostic

    span = source.span(start, token.end_pos) if token.end_pos and token.end_pos > start else _point(source, start)
    hint: tuple[str, ...] = ()
    if token.type == "NAME":
        keywords = [terminals[n] for n in expected if n in terminals and n not in _WORDS and terminals[n].isidentifier()]
        close = closest(str(token.value), keywords, 0.7)
        if close:
            hint = (f"did you mean `{close}`?",)
    if not hint and "STRING" in expected and re.fullmatch(r"[^\W\d][\w-]*", str(token.value)) and token.line is not None:
        before = source.line_text(token.line)[: (token.column or 1) - 1].rstrip()
        if before.endswith('"'):
            hint = ("descriptive words go inside the quotes; outside them every word is read as a keyword or a name",)
    message = f"expected {_describe_expected(expected, terminals)}, found {_describe_found(error)}"
    form = _statement_form(source, token)
    if form is not None:
        message, hint = form[0] or message, form[1] + hint
    return make("E101", message, span, "unexpected here", help=hint)


_LEADING_TIMING = re.compile(r"\s*(?:at\s+\S+|\S+\.\.\S+)\s+")


def _statement_form(source: SourceFile, token) -> tuple[str | None, tuple[str, ...]] | None:
    """What the statement the error is in looks like when written right: a
    message naming the form where a common mistake is recognised, and the form."""
    if token.line is None:
        return None
    line = source.line_text(token.line)
    code = line.split("//", 1)[0]
    timing = _LEADING_TIMING.match(code)
    words = code[timing.end() if timing else 0:].split()
    if not words:
        return None
    word = words[0]
    rest = " ".join(words[1:])
    if word in vocab.MOVES:
        form = vocab.move_form(word)
        spec = vocab.MOVES[word]
        focal = re.search(r"from\s+(\d+(?:\.\d+)?)mm\s+to\s+(\d+(?:\.\d+)?)mm", rest)
        if word == "zoom" and focal and float(focal.group(1)) > 0:
            ratio = float(focal.group(2)) / float(focal.group(1))
            direction = "in" if ratio >= 1 else "out"
            factor = ratio if ratio >= 1 else 1 / ratio
            return ("`zoom` takes a factor, not focal lengths",
                    (f"{focal.group(1)}mm to {focal.group(2)}mm is about `zoom {direction} {factor:.1f}x`",
                     f"a zoom is written `{form}`"))
        if spec.framings and re.search(r"(?:from|to)\s+\d", rest):
            return (f"`{word}` goes from one framing to another, not from a focal length",
                    (f"write e.g. `{word} {next(iter(spec.directions))} from medium to close-up`", f"`{word}` is written `{form}`"))
        return None, (f"a `{word}` move is written `{form}`",)
    form = vocab.STATEMENT_FORMS.get(word)
    if form is None:
        return None
    if word == "size" and re.fullmatch(r"\d+\s*:\s*\d+", rest):
        portrait = rest.replace(" ", "") in ("9:16", "2:3", "3:4")
        example = "720x1280" if portrait else "1280x720"
        return (f"`{rest.replace(' ', '')}` is an aspect ratio: a size is written `WxH` in pixels",
                (f"write e.g. `size {example}`", "the model's profile lists the sizes it renders"))
    if word == "lens" and re.search(r"\b[Tt]\d", rest):
        stop = re.search(r"\b[Tt](\d+(?:\.\d+)?)", rest).group(1)
        return ("a lens's stop is written `f/N`, not as a T-stop",
                (f"write `lens {words[1]} f/{stop}`", f"a lens is written `{form}`"))
    quoted = re.search(r'"[^"]*"', rest)
    if word in ("framing", "loop", "quality", "model", "takes", "speed", "aperture", "shutter", "fps") and quoted:
        return (f"`{word}` takes one value, not a description",
                (f"`{word}` is written `{form}`", f"say more in a quoted line of its own, below it: `{quoted.group(0)}`"))
    return None, (f"`{word}` is written `{form}`",)


def parser_expected(error: UnexpectedToken) -> set[str]:
    """What the parser could take where it stopped. When the contextual lexer
    rejects a token it reports only the terminals it can match, which leaves
    out the post-lexer's `_INDENT`/`_DEDENT`; the parser's own table has them."""
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None:
        try:
            # Only what the parser can shift: an LALR state that merely reduces
            # lists every lookahead of every context the rule is used in.
            accepted = interactive.accepts()
        except Exception:  # pragma: no cover - fall back to the table
            accepted = None
        if accepted:
            return set(accepted)
    state = getattr(error, "state", None)
    try:
        return set(state.parse_conf.states[state.position])
    except (AttributeError, KeyError, IndexError, TypeError):
        return set(error.expected)


def span_text(source: SourceFile, span: Span) -> str:
    return span.text if "\n" not in span.text else ""


def _header_line(source: SourceFile, offset: int, below: bool = False) -> int:
    """The line of the block header an empty block hangs from: the last code line
    at or before `offset` that ends in `:` (before `offset`'s line when `below`:
    the offending token starts the line after the header)."""
    line = source.position(min(offset, max(len(source.text) - 1, 0)))[0]
    for candidate in range(line - 1 if below and line > 1 else line, 0, -1):
        code = source.line_text(candidate).split("//", 1)[0].rstrip()
        if code.endswith(":"):
            return candidate
    return line


def _starts_line(source: SourceFile, token) -> bool:
    if token.type not in ("NAME", "QUANTITY") and not token.type.isupper():
        return False
    if token.line is None or token.column is None:
        return False
    text = source.line_text(token.line)
    return text[: token.column - 1].strip() == ""


_DIALOGUE_REST = re.compile(r'[ \t]*(\([^)\n]*\))?[ \t]*:[ \t]*"')


def _wrong_block(error: UnexpectedToken, source: SourceFile) -> Diagnostic | None:
    token = error.token
    word = str(token.value)
    span = source.span(token.start_pos, token.end_pos)
    top_level = token.column == 1
    if token.type == "QUANTITY":
        return make("E107", "a timed line must be inside a block", span, "timed line here",
                    help="timed lines go inside `beats:`, `camera:` (moves), `dialogue:` (`at T`) or `sound:` (`at T`)")
    if token.type == "NAME" and _DIALOGUE_REST.match(source.line_text(token.line), token.column - 1 + len(word)):
        return make("E107", f"a dialogue line for `{word}` must be inside `dialogue:` or `beats:`", span,
                    "spoken line here", help="move this line into the shot's `dialogue:` block (or its `beats:`)")
    home = vocab.STATEMENT_HOME.get(word)
    if home is not None:
        what = ("camera move" if word in vocab.MOVES else "lighting line" if word in vocab.LIGHT_ROLES and home == "lighting:"
                else "statement")
        return make("E107", f"`{word}` is a {what} that belongs inside `{home}`", span, "not allowed here",
                    help=f"move this line into the shot's `{home}` block" if home.endswith(":") and " " not in home
                    else f"move this line into a `{home}` block")
    if word in vocab.SHOT_STATEMENTS:
        if top_level:
            return make("E107", f"`{word}` is a shot statement, written outside any shot", span, "outside a shot",
                        help="indent it under a `shot NAME:` (or `defaults:`) header")
        return make("E107", f"`{word}` is a shot statement and cannot go inside this block", span, "not allowed here",
                    help="move it out of the block, to the shot's own level")
    return None


def _unexpected_character(error: UnexpectedCharacters, source: SourceFile) -> Diagnostic:
    offset = error.pos_in_stream
    char = error.char
    if char == '"':
        if source.text.startswith('"""', offset):
            return make("E104", "unterminated triple-quoted string", source.span(offset, offset + 3),
                        "this string is never closed", help='close it with `"""`')
        line_end = source.line_end(source.line_of(offset))
        return make("E104", "unterminated string", source.span(offset, max(line_end, offset + 1)),
                    "this string has no closing quote on its line",
                    help='close it with `"` before the end of the line; a string over several lines is written `"""…"""`')
    if char in "\u201c\u201d\u201e\u00ab\u00bb":
        return make("E109", f"curly quote `{char}`: strings use straight double quotes", _point(source, offset),
                    "a typographic quote", help='write `"…"` with the plain `"` key (word processors curl quotes as you type)')
    if char == "'":
        return make("E109", "strings use double quotes", _point(source, offset), "a single quote",
                    help="write `\"…\"` instead of `'…'`")
    if char.isdigit() and not char.isascii():
        return _foreign_digits(source, offset)
    shown = "a tab" if char == "\t" else f"`{char}`" if char.isprintable() else f"U+{ord(char):04X}"
    return make("E109", f"unexpected character {shown}", _point(source, offset), "not part of the language",
                help="names are letters, digits, `_` and inner `-`; text goes in double quotes")


def _foreign_digits(source: SourceFile, offset: int) -> Diagnostic:
    """`duration ８s`, `size ۷۲۰x١٢٨٠`: numbers are written with the ASCII digits."""
    import unicodedata

    end = offset
    text = source.text
    while end < len(text) and (text[end].isdigit() or text[end] in ".x" or text[end].isalpha()) and not text[end].isspace():
        end += 1
    written = text[offset:end]
    ascii_form = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in written)
    name = unicodedata.name(text[offset], "a digit")
    return make("E109", f"`{text[offset]}` ({name}) is not an ASCII digit", source.span(offset, end),
                "a number in another script", help=[f"numbers are written with the digits 0-9: `{ascii_form}`"])
