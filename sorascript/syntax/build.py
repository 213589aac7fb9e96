"""Lark callbacks that build the AST while the LALR parser runs.

Lark applies these rule by rule during parsing (no parse tree is built), with
every token kept, so spans cover keywords too. Nothing here decides what a
program means beyond the shape of a line: which argument of a move is its
direction, which of a lighting line its anchor.
"""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from lark import Token, Transformer

from sorascript import vocab
from sorascript.diagnostics import Diagnostic, make
from sorascript.source import SourceFile, Span
from sorascript.syntax import ast
from sorascript.suggest import closest

_STRUCTURAL = frozenset({"_NL", "_INDENT", "_DEDENT", "COLON", "COMMA", "LPAR", "RPAR", "SLASH", "DOTDOT"})

# unit suffix -> (quantity kind, factor to the stored value)
UNITS: dict[str, tuple[str, int]] = {
    "s": ("duration", 1000),
    "ms": ("duration", 1),
    "deg": ("angle", 1),
    "\u00b0": ("angle", 1),
    "mm": ("focal", 1),
    "K": ("temperature", 1),
    "%": ("percent", 1),
    "fps": ("framerate", 1),
    "x": ("factor", 1),
}
# Misspelt units people write, and what they meant.
UNIT_SLIPS = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s", "S": "s",
    "msec": "ms", "msecs": "ms", "millis": "ms",
    "degree": "deg", "degrees": "deg", "degs": "deg",
    "k": "K", "kelvin": "K",
    "FPS": "fps", "f": "fps",
    "MM": "mm", "mms": "mm",
    "X": "x", "times": "x",
    "percent": "%", "pct": "%",
}
_NUMBER_UNIT = re.compile(r"(-?\d+(?:\.\d+)?)(.*)", re.S)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.S)


class ParseContext:
    """Per-parse state shared by the post-lexer and the builder."""

    def __init__(self) -> None:
        self.source: SourceFile | None = None
        self.diagnostics: list[tuple[int, Diagnostic]] = []  # (character offset, diagnostic)
        self.comments: list[ast.Comment] = []

    def reset(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics = []
        self.comments = []

    def span(self, start: int, end: int, line: int, column: int, end_line: int, end_column: int) -> Span:
        source = self.source
        return Span(source.path, source.byte_offset(start), source.byte_offset(end), line, column, end_line, end_column)

    def token_span(self, token: Token) -> Span:
        source = self.source
        if source._ascii:  # byte offsets are character offsets (the common case, and the hot path)
            return Span(source.path, token.start_pos, token.end_pos, token.line, token.column, token.end_line, token.end_column)
        return self.span(token.start_pos, token.end_pos, token.line, token.column, token.end_line, token.end_column)

    def report(self, diagnostic: Diagnostic) -> None:
        span = diagnostic.span
        char_offset = self.source._line_starts[span.line - 1] + span.column - 1
        self.diagnostics.append((char_offset, diagnostic))


def _parts(children: list) -> list:
    return [c for c in children if not (isinstance(c, Token) and c.type in _STRUCTURAL)]


class Builder(Transformer):
    """Rule callbacks: each receives the rule's children and returns an AST node."""

    def __init__(self, context: ParseContext) -> None:
        super().__init__()
        self.ctx = context

    # ---- helpers -------------------------------------------------------------
    def _span_of(self, children: list) -> Span:
        first = last = None
        for child in children:
            if isinstance(child, Token):
                if child.type in ("_NL", "_INDENT", "_DEDENT"):
                    continue
                span = self.ctx.token_span(child)
            else:
                span = child.span
            if first is None:
                first = span
            last = span
        return first.to(last)

    def _name(self, token: Token) -> ast.Name:
        return ast.Name(str(token), self.ctx.token_span(token))

    def _quantity(self, token: Token) -> ast.Quantity:
        text = str(token)
        span = self.ctx.token_span(token)
        kind, value, _ = classify_quantity(text)  # a bad unit was reported by the lexer
        return ast.Quantity(kind, value, text, span)

    def _node(self, item):
        """A child as an AST value: names and quantities from tokens, nodes as they are."""
        if isinstance(item, Token):
            if item.type == "NAME":
                return self._name(item)
            if item.type == "QUANTITY":
                return self._quantity(item)
            return self._name(item)  # a keyword used where a word stands
        return item

    def _text(self, strings: list) -> ast.Str:
        """Consecutive strings on one line read as one text, separated by spaces."""
        if len(strings) == 1:
            return strings[0]
        return ast.Str(" ".join(s.value for s in strings), strings[0].span.to(strings[-1].span))

    def _source_text(self, span: Span) -> str:
        source = self.ctx.source
        start = source._line_starts[span.line - 1] + span.column - 1
        end = source._line_starts[span.end_line - 1] + span.end_column - 1
        return source.text[start:end]

    def _strings(self, parts: list) -> list[ast.Str]:
        return [p for p in parts if isinstance(p, ast.Str)]

    def _unexpected(self, item, where: str) -> None:
        node = self._node(item)
        shown = self._source_text(node.span)
        self.ctx.report(make("E101", f"unexpected `{shown}` in {where}", node.span, "not understood here"))

    # ---- tokens and shared pieces -----------------------------------------------
    def string(self, children):
        token = children[0]
        raw = str(token)
        span = self.ctx.token_span(token)
        if token.type == "LONG_STRING":
            body = raw[3:-3]
            if body.startswith("\r\n"):
                body = body[2:]
            elif body.startswith("\n"):
                body = body[1:]
            value = _dedent(body.replace("\r\n", "\n")).rstrip()
        else:
            value = raw[1:-1]
        if "\\" in value:
            value = _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), value)
        return ast.Str(value, span)

    def prose(self, children):
        parts = _parts(children)
        return ast.Prose(self._text(parts), self._span_of(parts))

    def time_range(self, children):
        start, end = (self._quantity(t) for t in _parts(children))
        # `0..2s`: the end's unit applies to a bare start number.
        if start.kind in ("integer", "number") and end.kind not in ("integer", "number", "unknown"):
            kind, value, _ = classify_quantity(start.text + _unit_of(end.text))
            start = ast.Quantity(kind, value, start.text, start.span)
        return ast.TimeRange(start, end, start.span.to(end.span))

    def time_point(self, children):
        keyword, at = children
        quantity = self._quantity(at)
        return ast.TimePoint(quantity, self.ctx.token_span(keyword).to(quantity.span))

    # ---- top level ---------------------------------------------------------------
    def start(self, children):
        return [c for c in children if not isinstance(c, Token)]

    def import_decl(self, children):
        parts = _parts(children)
        return ast.Import(parts[1], self._span_of(parts))

    def budget_decl(self, children):
        parts = _parts(children)
        return ast.Budget(self._quantity(parts[1]), self._span_of(parts))

    def _items(self, parts: list, skip: int) -> tuple:
        return tuple(p for p in parts[skip:] if not isinstance(p, Token))

    def model_decl(self, children):
        parts = _parts(children)
        return ast.ModelDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def model_api(self, children):
        parts = _parts(children)
        return ast.ModelApi(parts[1], self._span_of(parts))

    def model_sizes(self, children):
        parts = _parts(children)
        return ast.ModelSizes(tuple(self._quantity(t) for t in parts[1:]), self._span_of(parts))

    def model_durations(self, children):
        parts = _parts(children)
        return ast.ModelDurations(tuple(self._quantity(t) for t in parts[1:]), self._span_of(parts))

    def model_price(self, children):
        parts = _parts(children)
        amount = self._quantity(parts[1])
        per = None
        sizes = []
        for part in parts[2:]:
            if part.type == "NAME":
                per = self._name(part)
            elif part.type == "QUANTITY":
                sizes.append(self._quantity(part))
        return ast.ModelPrice(amount, per, tuple(sizes), self._span_of(parts))

    def model_audio(self, children):
        parts = _parts(children)
        return ast.ModelFlag("audio", self._name(parts[1]), self._span_of(parts))

    def model_reference(self, children):
        parts = _parts(children)
        return ast.ModelFlag("reference", self._name(parts[1]), self._span_of(parts))

    def model_max_characters(self, children):
        parts = _parts(children)
        return ast.ModelMaxCharacters(self._quantity(parts[1]), self._span_of(parts))

    def model_retired(self, children):
        parts = _parts(children)
        return ast.ModelRetired(parts[1], self._span_of(parts))

    def model_notes(self, children):
        parts = _parts(children)
        return ast.ModelNotes(self._text(parts[1:]), self._span_of(parts))

    def defaults_decl(self, children):
        parts = _parts(children)
        return ast.DefaultsDecl(self._items(parts, 1), self._span_of(parts))

    def palette_decl(self, children):
        parts = _parts(children)
        return ast.PaletteDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def anchor(self, children):
        parts = _parts(children)
        name = self._name(parts[0])
        color = None
        rest = parts[1:]
        if rest and isinstance(rest[0], Token):
            color = self._quantity(rest[0])
            rest = rest[1:]
        description = self._text(rest) if rest else None
        return ast.Anchor(name, color, description, self._span_of(parts))

    def character_decl(self, children):
        parts = _parts(children)
        return ast.CharacterDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def voice(self, children):
        parts = _parts(children)
        return ast.Voice(self._text(parts[1:]), self._span_of(parts))

    def wardrobe(self, children):
        parts = _parts(children)
        return ast.Wardrobe(self._text(parts[1:]), self._span_of(parts))

    def cameo(self, children):
        parts = _parts(children)
        return ast.Cameo(parts[1], self._span_of(parts))

    def prop_decl(self, children):
        parts = _parts(children)
        return ast.PropDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def location_decl(self, children):
        parts = _parts(children)
        return ast.LocationDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def location_time(self, children):
        parts = _parts(children)
        return ast.LocationTime(self._text(parts[1:]), self._span_of(parts))

    def location_weather(self, children):
        parts = _parts(children)
        return ast.LocationWeather(self._text(parts[1:]), self._span_of(parts))

    def style_decl(self, children):
        parts = _parts(children)
        return ast.StyleDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def blend(self, children):
        parts = _parts(children)
        return ast.Blend(tuple(parts[1:]), self._span_of(parts))

    def blend_part(self, children):
        parts = _parts(children)
        percent = self._quantity(parts[0])
        return ast.BlendPart(percent, parts[1], self._span_of(parts))

    def grade(self, children):
        parts = _parts(children)
        return ast.Grade(self._items(parts, 1), self._span_of(parts))

    def grade_line(self, children):
        parts = _parts(children)
        return ast.GradeLine(self._name(parts[0]), self._text(parts[1:]), self._span_of(parts))

    def film(self, children):
        parts = _parts(children)
        return ast.Film(self._text(parts[1:]), self._span_of(parts))

    def lens_decl(self, children):
        parts = _parts(children)
        return ast.LensDecl(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def lens_spec(self, children):
        parts = _parts(children)
        focal, aperture, description = self._lens_args(parts)
        return ast.LensSpec(focal, aperture, description, self._span_of(parts))

    def _lens_args(self, parts: list):
        quantities = [self._quantity(p) for p in parts if isinstance(p, Token) and p.type == "QUANTITY"]
        strings = self._strings(parts)
        return quantities[0], quantities[1] if len(quantities) > 1 else None, self._text(strings) if strings else None

    # ---- shots ---------------------------------------------------------------------
    def shot_decl(self, children):
        parts = _parts(children)
        name = self._name(parts[1])
        base = None
        rest = parts[2:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "FROM":
            base = self._name(rest[1])
            rest = rest[2:]
        stmts = tuple(p for p in rest if not isinstance(p, Token))
        return ast.ShotDecl(name, base, stmts, self._span_of(parts))

    def model_stmt(self, children):
        parts = _parts(children)
        return ast.ModelStmt(self._name(parts[1]), self._span_of(parts))

    def size_stmt(self, children):
        parts = _parts(children)
        return ast.SizeStmt(self._quantity(parts[1]), self._span_of(parts))

    def duration_stmt(self, children):
        parts = _parts(children)
        return ast.DurationStmt(self._quantity(parts[1]), self._span_of(parts))

    def setting(self, children):
        parts = _parts(children)
        rest = parts[1:]
        if isinstance(rest[0], Token):
            return ast.Setting(None, self._name(rest[0]), self._span_of(parts))
        return ast.Setting(self._text(rest), None, self._span_of(parts))

    def cast(self, children):
        parts = _parts(children)
        return ast.Cast(tuple(self._name(t) for t in parts[1:]), self._span_of(parts))

    def props(self, children):
        parts = _parts(children)
        return ast.Props(tuple(self._name(t) for t in parts[1:]), self._span_of(parts))

    def _text_stmt(cls):
        def build(self, children):
            parts = _parts(children)
            return cls(self._text(parts[1:]), self._span_of(parts))

        return build

    mood = _text_stmt(ast.Mood)
    physics = _text_stmt(ast.Physics)
    avoid = _text_stmt(ast.Avoid)
    atmosphere = _text_stmt(ast.Atmosphere)
    style_text = _text_stmt(ast.StyleText)
    filter = _text_stmt(ast.Filter)
    body = _text_stmt(ast.Body)
    continuity = _text_stmt(ast.Continuity)
    keep = _text_stmt(ast.Keep)

    def palette_ref(self, children):
        parts = _parts(children)
        return ast.PaletteRef(self._name(parts[1]), self._span_of(parts))

    def palette_block(self, children):
        parts = _parts(children)
        return ast.PaletteBlock(self._items(parts, 1), self._span_of(parts))

    def style_ref(self, children):
        parts = _parts(children)
        return ast.StyleRef(self._name(parts[1]), self._span_of(parts))

    def style_block(self, children):
        parts = _parts(children)
        return ast.StyleBlock(self._items(parts, 1), self._span_of(parts))

    def reference_file(self, children):
        parts = _parts(children)
        return ast.ReferenceFile(parts[1], self._span_of(parts))

    def reference_last_frame(self, children):
        parts = _parts(children)
        return ast.ReferenceLastFrame(self._name(parts[-1]), self._span_of(parts))

    def speed(self, children):
        parts = _parts(children)
        return ast.Speed(self._quantity(parts[1]), self._span_of(parts))

    def in_frame(self, children):
        return children[0]

    def overlay(self, children):
        parts = _parts(children)
        text = parts[1]
        position = timing = None
        in_frame = False
        extra = []
        for part in parts[2:]:
            if isinstance(part, Token) and part.type == "NAME":
                if position is None:
                    position = self._name(part)
                else:
                    extra.append(self._name(part))
            elif isinstance(part, Token):  # in-frame
                if in_frame:
                    extra.append(self._name(part))
                in_frame = True
            elif timing is None:
                timing = part
            else:
                extra.append(part)
        for item in extra:
            self._unexpected(item, "an overlay")
        return ast.Overlay(text, position, timing, in_frame, tuple(extra), self._span_of(parts))

    def loop(self, children):
        parts = _parts(children)
        return ast.Loop(self._name(parts[1]), self._span_of(parts))

    def takes(self, children):
        parts = _parts(children)
        return ast.Takes(self._quantity(parts[1]), self._span_of(parts))

    def variant(self, children):
        parts = _parts(children)
        return ast.Variant(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def cut(self, children):
        parts = _parts(children)
        timing = parts[1]
        title = parts[2] if len(parts) > 2 and isinstance(parts[2], ast.Str) else None
        stmts = tuple(p for p in parts[2 if title is None else 3:] if not isinstance(p, Token))
        return ast.Cut(timing, title, stmts, self._span_of(parts))

    # ---- camera ----------------------------------------------------------------------
    def camera(self, children):
        parts = _parts(children)
        return ast.Camera(self._items(parts, 1), self._span_of(parts))

    def framing(self, children):
        parts = _parts(children)
        return ast.Framing(self._name(parts[1]), self._span_of(parts))

    def angle(self, children):
        parts = _parts(children)
        name = amount = None
        for part in parts[1:]:
            if part.type == "QUANTITY":
                amount = self._quantity(part)
            else:
                name = self._name(part)
        return ast.Angle(name, amount, self._span_of(parts))

    def lens(self, children):
        parts = _parts(children)
        focal, aperture, description = self._lens_args(parts[1:])
        return ast.Lens(focal, aperture, description, self._span_of(parts))

    def lens_preset(self, children):
        parts = _parts(children)
        return ast.LensPreset(self._name(parts[1]), self._span_of(parts))

    def aperture(self, children):
        parts = _parts(children)
        return ast.Aperture(self._quantity(parts[1]), self._span_of(parts))

    def rig(self, children):
        parts = _parts(children)
        strings = self._strings(parts)
        return ast.Rig(self._name(parts[1]), self._text(strings) if strings else None, self._span_of(parts))

    def shutter(self, children):
        parts = _parts(children)
        return ast.Shutter(self._quantity(parts[1]), self._span_of(parts))

    def fps(self, children):
        parts = _parts(children)
        return ast.Fps(self._quantity(parts[1]), self._span_of(parts))

    def focus(self, children):
        parts = _parts(children)
        rest = parts[1:]
        mode = None
        if isinstance(rest[0], Token):
            mode = self._name(rest[0])
            rest = rest[1:]
        return ast.Focus(mode, None, self._text(rest) if rest else None, self._span_of(parts))

    def focus_on(self, children):
        parts = _parts(children)
        target = parts[2]
        if isinstance(target, Token):
            target = self._name(target)
        return ast.Focus(None, target, None, self._span_of(parts))

    def move_from(self, children):
        return ("from", self._name(children[1]))

    def move_to(self, children):
        return ("to", self._name(children[1]))

    def move_over(self, children):
        return ("over", self._quantity(children[1]))

    def move(self, children):
        parts = _parts(children)
        timing = None
        if not isinstance(parts[0], Token):
            timing, parts = parts[0], parts[1:]
        verb = self._name(parts[0])
        spec = vocab.MOVES.get(verb.text)
        direction = amount = over = from_framing = to_framing = subject = qualifier = None
        extra: list = []
        span_parts: list = [timing] if timing else []
        span_parts.append(parts[0])
        for part in parts[1:]:
            if isinstance(part, tuple):
                key, value = part
                span_parts.append(value)
                if key == "from" and from_framing is None:
                    from_framing = value
                elif key == "to" and to_framing is None:
                    to_framing = value
                elif key == "over" and over is None:
                    over = value
                else:
                    extra.append(value)
                continue
            span_parts.append(part)
            if isinstance(part, ast.Str):
                if spec is not None and spec.subject and subject is None and qualifier is None:
                    subject = part
                elif qualifier is None:
                    qualifier = part
                else:
                    extra.append(part)
            elif part.type == "QUANTITY":
                if amount is None:
                    amount = self._quantity(part)
                else:
                    extra.append(self._quantity(part))
            elif direction is None:
                direction = self._name(part)
            else:
                extra.append(self._name(part))
        for item in extra:
            self._unexpected(item, f"a `{verb.text}` move")
        return ast.Move(timing, verb, direction, amount, over, from_framing, to_framing, subject, qualifier,
                        tuple(extra), self._span_of(span_parts))

    # ---- lighting, layers ---------------------------------------------------------------
    def lighting(self, children):
        parts = _parts(children)
        return ast.Lighting(self._items(parts, 1), self._span_of(parts))

    def light_from(self, children):
        return ("from", self._name(children[1]))

    def light(self, children):
        parts = _parts(children)
        role = self._name(parts[0])
        strings = self._strings(parts)
        direction = temperature = anchor = None
        extra: list = []
        for part in parts[1:]:
            if isinstance(part, ast.Str):
                continue
            if isinstance(part, tuple):
                if direction is None:
                    direction = part[1]
                else:
                    extra.append(part[1])
            elif part.type == "QUANTITY":
                if temperature is None:
                    temperature = self._quantity(part)
                else:
                    extra.append(self._quantity(part))
            elif anchor is None:
                anchor = self._name(part)
            else:
                extra.append(self._name(part))
        for item in extra:
            self._unexpected(item, "a lighting line")
        span = self._span_of([p[1] if isinstance(p, tuple) else p for p in parts])
        return ast.Light(role, self._text(strings) if strings else None, direction, temperature, anchor, tuple(extra), span)

    def quality(self, children):
        parts = _parts(children)
        return ast.Quality(self._name(parts[1]), self._span_of(parts))

    def layers(self, children):
        parts = _parts(children)
        return ast.Layers(self._items(parts, 1), self._span_of(parts))

    def layer(self, children):
        parts = _parts(children)
        return ast.Layer(self._name(parts[0]), self._text(parts[1:]), self._span_of(parts))

    # ---- beats, dialogue, sound ------------------------------------------------------------
    def beats(self, children):
        parts = _parts(children)
        items = []
        for item in self._items(parts, 1):
            if isinstance(item, ast.Prose):  # an untimed beat
                item = ast.Beat(None, item.text, item.span)
            items.append(item)
        return ast.Beats(tuple(items), self._span_of(parts))

    def timed_beat(self, children):
        parts = _parts(children)
        return ast.Beat(parts[0], self._text(parts[1:]), self._span_of(parts))

    def dialogue(self, children):
        parts = _parts(children)
        return ast.Dialogue(self._items(parts, 1), self._span_of(parts))

    def delivery(self, children):
        words = []
        for child in children:
            if isinstance(child, ast.Str):
                words.append(child.value)
            elif child.type == "COMMA":
                if words:
                    words[-1] += ","
            elif child.type not in ("LPAR", "RPAR"):
                words.append(str(child))
        return ast.Str(" ".join(words), self._span_of([c for c in children]))

    def line(self, children):
        colon = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "COLON")
        head, text = _parts(children[:colon]), self._strings(children[colon:])
        timing = None
        if not isinstance(head[0], Token):
            timing, head = head[0], head[1:]
        speaker = self._name(head[0])
        delivery = head[1] if len(head) > 1 else None
        return ast.Line(timing, speaker, delivery, self._text(text), self._span_of(([timing] if timing else []) + head + text))

    def pause(self, children):
        parts = _parts(children)
        duration = self._quantity(parts[1]) if len(parts) > 1 else None
        return ast.Pause(duration, self._span_of(parts))

    def sound(self, children):
        parts = _parts(children)
        return ast.Sound(self._items(parts, 1), self._span_of(parts))

    def sound_line(self, children):
        parts = _parts(children)
        timing = None
        if not isinstance(parts[0], Token):
            timing, parts = parts[0], parts[1:]
        kind = str(parts[0])
        return ast.SoundLine(timing, kind, self._text(parts[1:]), self._span_of(([timing] if timing else []) + parts))

    # ---- sequences, remixes, extensions --------------------------------------------------------
    def sequence_decl(self, children):
        parts = _parts(children)
        items: list = []
        for part in parts[2:]:
            if isinstance(part, list):
                items.extend(part)
            elif not isinstance(part, Token):
                items.append(part)
        return ast.SequenceDecl(self._name(parts[1]), tuple(items), self._span_of(parts[:2] + items))

    def sequence_line(self, children):
        return [c for c in children if isinstance(c, ast.SequenceEntry)]

    def sequence_entry(self, children):
        parts = _parts(children)
        shot = self._name(parts[0])
        transition = self._name(parts[1]) if len(parts) > 1 else None
        length = self._quantity(parts[2]) if len(parts) > 2 else None
        return ast.SequenceEntry(shot, transition, length, self._span_of(parts))

    def remix_decl(self, children):
        parts = _parts(children)
        return ast.RemixDecl(self._name(parts[1]), self._name(parts[3]), self._items(parts, 4), self._span_of(parts))

    def extend_decl(self, children):
        parts = _parts(children)
        return ast.ExtendDecl(self._name(parts[1]), self._name(parts[3]), self._quantity(parts[5]),
                              self._items(parts, 6), self._span_of(parts))


def check_token(token: Token, ctx: ParseContext) -> None:
    """Lexical checks, run as each token is read so that none is lost to a
    later syntax error: unknown units, malformed colours, unknown escapes."""
    if token.type == "QUANTITY":
        problem = classify_quantity(str(token))[2]
        if problem:
            code, message, hint = problem
            ctx.report(make(code, message, ctx.token_span(token), "here", help=hint))
    elif "\\" in token.value:
        for match in _ESCAPE.finditer(token.value):
            if match.group(1) not in _ESCAPES:
                start = token.start_pos + match.start()
                line = token.line + token.value.count("\n", 0, match.start())
                column = token.column + match.start() if line == token.line else match.start() - token.value.rfind("\n", 0, match.start())
                span = ctx.span(start, start + 2, line, column, line, column + 2)
                ctx.report(make("E110", f"unknown escape `\\{match.group(1)}` in a string", span, "unknown escape",
                                help='strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash'))


def _unit_of(text: str) -> str:
    match = _NUMBER_UNIT.fullmatch(text)
    return match.group(2) if match else ""


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


@lru_cache(maxsize=4096)
def classify_quantity(text: str) -> tuple[str, object, tuple[str, str, str] | None]:
    """(kind, value, problem) for a quantity literal; problem is (code, message, help)."""
    if text.startswith("$"):
        return "money", float(text[1:]), None
    if text.startswith("f/"):
        return "aperture", float(text[2:]), None
    if text.startswith("#"):
        digits = text[1:]
        if re.fullmatch(r"[0-9A-Fa-f]{6}", digits):
            return "color", "#" + digits.lower(), None
        return "unknown", text, ("E110", f"`{text}` is not a colour", "a colour is `#` and six hex digits, such as `#f2a33a`")
    match = _NUMBER_UNIT.fullmatch(text)
    number, unit = match.group(1), match.group(2)
    if re.fullmatch(r"x\d+", unit):
        if "." in number:
            return "unknown", text, ("E110", f"`{text}` is not a size",
                                     "a size is a width and a height in whole pixels, such as `1280x720`")
        return "size", (int(number), int(unit[1:])), None
    if not unit:
        if "." in number:
            return "number", float(number), None
        return "integer", int(number), None
    if unit in UNITS:
        kind, factor = UNITS[unit]
        if kind == "duration":
            try:
                return kind, int((Decimal(number) * factor).to_integral_value()), None
            except InvalidOperation:  # pragma: no cover - the regex admits only numbers
                pass
        value = float(number)
        return kind, int(value) if value.is_integer() and kind in ("focal", "temperature") else value, None
    meant = UNIT_SLIPS.get(unit) or closest(unit, UNITS, 0.5)
    hint = (
        f"write `{number}{meant}`" if meant else
        "units are `s` `ms` (time), `deg` `°` (angle), `mm` (focal length), `K` (colour temperature), "
        "`%`, `fps`, `x` (factor); write the number and unit with no space"
    )
    return "unknown", text, ("E105", f"unknown unit `{unit}` in `{text}`", hint)
