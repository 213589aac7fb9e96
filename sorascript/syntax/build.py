"""Lark callbacks that build the AST while the LALR parser runs.

Lark applies these rule by rule during parsing (no parse tree is built), with
every token kept, so spans cover keywords too. Most rules have one of a few
shapes (a keyword and a text, a keyword and a quantity, a header and its
items…): those are rows of `ROWS`, built by one function per shape. The rest
are methods. Nothing here decides what a program means beyond the shape of a
line: which argument of a move is its direction, which of a light its anchor.
"""

from __future__ import annotations

import re
import sys

from lark import Token, Transformer

from sorascript import quantities, vocab
from sorascript.diagnostics import Diagnostic, make
from sorascript.source import SourceFile, Span
from sorascript.syntax import ast

_LAYOUT = frozenset({"_NL", "_INDENT", "_DEDENT"})
_STRUCTURAL = frozenset({"_NL", "_INDENT", "_DEDENT", "COLON", "COMMA", "LPAR", "RPAR", "SLASH", "DOTDOT"})
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.S)
# C0 and C1 control characters (and DEL) other than tab: never allowed raw in a string.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ParseContext:
    """Per-parse state shared by the post-lexer and the builder."""

    def __init__(self) -> None:
        self.source: SourceFile | None = None
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[ast.Comment] = []
        self.unit_problems: dict[int, int] = {}  # token offset -> index of its E105 in diagnostics

    def reset(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics = []
        self.comments = []
        self.unit_problems = {}
        self._repeats: dict[tuple, list] = {}  # (line, code, message) -> [index of the first, times seen]

    def span(self, start: int, end: int) -> Span:
        return Span(self.source, start, end)

    def token_span(self, token: Token) -> Span:
        return Span(self.source, token.start_pos, token.end_pos)

    def report(self, diagnostic: Diagnostic) -> None:
        """One diagnostic per distinct problem per line: a line of ten thousand
        bad escapes says so once, with the count."""
        key = (self.source.line_of(diagnostic.span.start), diagnostic.code, diagnostic.message)
        seen = self._repeats.get(key)
        if seen is None:
            self._repeats[key] = [len(self.diagnostics), 1]
            self.diagnostics.append(diagnostic)
            return
        seen[1] += 1
        first = self.diagnostics[seen[0]]
        label = first.label.split(" (and ")[0]
        self.diagnostics[seen[0]] = first._replace(
            label=f"{label} (and {seen[1] - 1} more like it on this line)")


def _parts(children: list) -> list:
    return [c for c in children if not (isinstance(c, Token) and c.type in _STRUCTURAL)]


class Builder(Transformer):
    """Rule callbacks: each receives the rule's children and returns an AST node."""

    def __init__(self, context: ParseContext) -> None:
        super().__init__()
        self.ctx = context

    # ---- helpers -------------------------------------------------------------
    def _span_of(self, children: list) -> Span:
        """From the first child to the last, line breaks and indentation aside
        (a node's packed span is read without making a Span)."""
        first = last = None
        for child in children:
            if not isinstance(child, Token):
                first = child._packed >> 32
                break
            if child.type not in _LAYOUT:
                first = child.start_pos
                break
        for child in reversed(children):
            if not isinstance(child, Token):
                last = child._packed & 0xFFFFFFFF
                break
            if child.type not in _LAYOUT:
                last = child.end_pos
                break
        return Span(self.ctx.source, first, last)

    def _name(self, token: Token) -> ast.Name:
        # Names repeat (characters, anchors, framings): one string for each spelling.
        return ast.Name(sys.intern(token.value), Span(self.ctx.source, token.start_pos, token.end_pos))

    def _quantity(self, token: Token, slot: str | None = None, why: str | None = None) -> ast.Quantity:
        """A quantity node. `slot` is the kind the place takes, when the grammar
        knows it: an unknown unit's hint then suggests that kind's unit."""
        text = sys.intern(token.value)  # quantities repeat too (`4s`, `35mm`): one string for each spelling
        kind, value, problem = quantities.classify(text)
        if problem is not None and problem[0] == "E105" and (slot is not None or why is not None):
            index = self.ctx.unit_problems.get(token.start_pos)
            if index is not None:
                unit = quantities.unit_of(text)
                code, message, hint = quantities.unknown_unit(text[: len(text) - len(unit)], unit, slot)
                old = self.ctx.diagnostics[index]
                self.ctx.diagnostics[index] = make(code, message, old.span, old.label,
                                                   help=[why, hint] if why else hint)
        return ast.Quantity(kind, value, text, Span(self.ctx.source, token.start_pos, token.end_pos))

    def _node(self, item):
        """A child as an AST value: names and quantities from tokens, nodes as they are."""
        if isinstance(item, Token):
            if item.type == "QUANTITY":
                return self._quantity(item)
            return self._name(item)  # a NAME, or a keyword used where a word stands
        return item

    def _text(self, strings: list) -> ast.Str:
        """Consecutive strings on one line read as one text, separated by spaces."""
        if len(strings) == 1:
            return strings[0]
        return ast.Str(" ".join(s.value for s in strings), strings[0].span.to(strings[-1].span))

    @staticmethod
    def _strings(parts: list) -> list[ast.Str]:
        return [p for p in parts if isinstance(p, ast.Str)]

    @staticmethod
    def _items(parts: list, skip: int) -> tuple:
        return tuple(p for p in parts[skip:] if not isinstance(p, Token))

    # ---- tokens and shared pieces -----------------------------------------------
    def string(self, children):
        token = children[0]
        raw = str(token)
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
            value = _ESCAPE.sub(lambda m: ESCAPES.get(m.group(1), m.group(0)), value)
        return ast.Str(value, self.ctx.token_span(token))

    def prose(self, children):
        parts = _parts(children)
        return ast.Prose(self._text(parts), self._span_of(parts))

    def time_range(self, children):
        start_token, end_token = _parts(children)
        start, end = self._quantity(start_token, "duration"), self._quantity(end_token, "duration")
        # `0..2s`: the end's unit applies to a bare start number.
        if start.kind in ("integer", "number") and end.kind not in ("integer", "number", "unknown"):
            kind, value, _ = quantities.classify(start.text + quantities.unit_of(end.text))
            start = ast.Quantity(kind, value, start.text, start.span)
        return ast.TimeRange(start, end, start.span.to(end.span))

    def time_point(self, children):
        keyword, at = children
        quantity = self._quantity(at, "duration")
        return ast.TimePoint(quantity, self.ctx.token_span(keyword).to(quantity.span))

    def start(self, children):
        return [c for c in children if not isinstance(c, Token)]

    # ---- rules of a few shapes are rows (see ROWS below); the rest are methods -------
    def model_price(self, children):
        parts = _parts(children)
        amount = self._quantity(parts[1], "money")
        per = None
        sizes = []
        for part in parts[2:]:
            if part.type == "NAME":
                per = self._name(part)
            elif part.type == "QUANTITY":
                sizes.append(self._quantity(part, "size"))
        return ast.ModelPrice(amount, per, tuple(sizes), self._span_of(parts))

    def anchor(self, children):
        parts = _parts(children)
        color = None
        rest = parts[1:]
        if rest and isinstance(rest[0], Token):
            color = self._quantity(rest[0], "color")
            rest = rest[1:]
        return ast.Anchor(self._name(parts[0]), color, self._text(rest) if rest else None, self._span_of(parts))

    def blend_part(self, children):
        parts = _parts(children)
        return ast.BlendPart(self._quantity(parts[0], "percent"), parts[1], self._span_of(parts))

    def blend(self, children):
        parts = _parts(children)
        return ast.Blend(tuple(parts[1:]), self._span_of(parts))

    def grade_line(self, children):
        parts = _parts(children)
        return ast.GradeLine(self._name(parts[0]), self._text(parts[1:]), self._span_of(parts))

    def _lens_args(self, parts: list):
        quantities_ = [p for p in parts if isinstance(p, Token) and p.type == "QUANTITY"]
        focal = self._quantity(quantities_[0], "focal")
        aperture = self._quantity(quantities_[1], "aperture") if len(quantities_) > 1 else None
        strings = self._strings(parts)
        return focal, aperture, self._text(strings) if strings else None

    def lens_spec(self, children):
        parts = _parts(children)
        return ast.LensSpec(*self._lens_args(parts), self._span_of(parts))

    def lens(self, children):
        parts = _parts(children)
        return ast.Lens(*self._lens_args(parts[1:]), self._span_of(parts))

    def shot_decl(self, children):
        parts = _parts(children)
        base = None
        rest = parts[2:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "FROM":
            base = self._name(rest[1])
            rest = rest[2:]
        stmts = tuple(p for p in rest if not isinstance(p, Token))
        return ast.ShotDecl(self._name(parts[1]), base, stmts, self._span_of(parts))

    def setting(self, children):
        parts = _parts(children)
        rest = parts[1:]
        if isinstance(rest[0], Token):
            return ast.Setting(None, self._name(rest[0]), self._span_of(parts))
        return ast.Setting(self._text(rest), None, self._span_of(parts))

    def reference_last_frame(self, children):
        parts = _parts(children)
        return ast.ReferenceLastFrame(self._name(parts[-1]), self._span_of(parts))

    def in_frame(self, children):
        return children[0]

    def overlay(self, children):
        parts = _parts(children)
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
        return ast.Overlay(parts[1], position, timing, in_frame, tuple(extra), self._span_of(parts))

    def variant(self, children):
        parts = _parts(children)
        return ast.Variant(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))

    def cut(self, children):
        parts = _parts(children)
        title = parts[2] if len(parts) > 2 and isinstance(parts[2], ast.Str) else None
        stmts = tuple(p for p in parts[2 if title is None else 3:] if not isinstance(p, Token))
        return ast.Cut(parts[1], title, stmts, self._span_of(parts))

    def angle(self, children):
        parts = _parts(children)
        name = amount = None
        for part in parts[1:]:
            if part.type == "QUANTITY":
                amount = self._quantity(part, "angle")
            else:
                name = self._name(part)
        return ast.Angle(name, amount, self._span_of(parts))

    def rig(self, children):
        parts = _parts(children)
        strings = self._strings(parts)
        return ast.Rig(self._name(parts[1]), self._text(strings) if strings else None, self._span_of(parts))

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
        return ("over", self._quantity(children[1], "duration"))

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
                slot = spec.amount if spec is not None else None
                why = None
                if spec is not None and spec.amount is None:
                    why = f"`{verb.text}` takes no amount: it runs for its time (`{verb.text} … over 2s`)"
                quantity = self._quantity(part, slot, why)
                if amount is None:
                    amount = quantity
                else:
                    extra.append(quantity)
            elif direction is None:
                direction = self._name(part)
            else:
                extra.append(self._name(part))
        return ast.Move(timing, verb, direction, amount, over, from_framing, to_framing, subject, qualifier,
                        tuple(extra), self._span_of(span_parts))

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
                quantity = self._quantity(part, "temperature")
                if temperature is None:
                    temperature = quantity
                else:
                    extra.append(quantity)
            elif anchor is None:
                anchor = self._name(part)
            else:
                extra.append(self._name(part))
        span = self._span_of([p[1] if isinstance(p, tuple) else p for p in parts])
        return ast.Light(role, self._text(strings) if strings else None, direction, temperature, anchor, tuple(extra), span)

    def layer(self, children):
        parts = _parts(children)
        return ast.Layer(self._name(parts[0]), self._text(parts[1:]), self._span_of(parts))

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
        return ast.Str(" ".join(words), self._span_of(children))

    def line(self, children):
        colon = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "COLON")
        head, text = _parts(children[:colon]), self._strings(children[colon:])
        timing = None
        if not isinstance(head[0], Token):
            timing, head = head[0], head[1:]
        delivery = head[1] if len(head) > 1 else None
        return ast.Line(timing, self._name(head[0]), delivery, self._text(text),
                        self._span_of(([timing] if timing else []) + head + text))

    def pause(self, children):
        parts = _parts(children)
        duration = self._quantity(parts[1], "duration") if len(parts) > 1 else None
        return ast.Pause(duration, self._span_of(parts))

    def sound_line(self, children):
        parts = _parts(children)
        timing = None
        if not isinstance(parts[0], Token):
            timing, parts = parts[0], parts[1:]
        return ast.SoundLine(timing, str(parts[0]), self._text(parts[1:]), self._span_of(([timing] if timing else []) + parts))

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
        transition = self._name(parts[1]) if len(parts) > 1 else None
        length = self._quantity(parts[2], "duration") if len(parts) > 2 else None
        return ast.SequenceEntry(parts[0], transition, length, self._span_of(parts))

    def job_ref(self, children):
        """A job's name as one `Name`: `handover`, `handover.rain`, `handover.rain.take2`."""
        names = [c for c in children if isinstance(c, Token) and c.type == "NAME"]
        if len(names) == 1:
            return self._name(names[0])
        return ast.Name(sys.intern(".".join(n.value for n in names)),
                        Span(self.ctx.source, names[0].start_pos, names[-1].end_pos))

    def remix_decl(self, children):
        parts = _parts(children)
        return ast.RemixDecl(self._name(parts[1]), self._name(parts[3]), self._items(parts, 4), self._span_of(parts))

    def _displayed(self, cls, children):
        """`character NAME ["display"]:` and `prop NAME ["display"]:`, then the block."""
        parts = _parts(children)
        display = parts[2] if len(parts) > 2 and isinstance(parts[2], ast.Str) else None
        return cls(self._name(parts[1]), display, self._items(parts, 3 if display is not None else 2), self._span_of(parts))

    def character_decl(self, children):
        return self._displayed(ast.CharacterDecl, children)

    def prop_decl(self, children):
        return self._displayed(ast.PropDecl, children)

    def model_frames(self, children):
        parts = _parts(children)
        low, high, step = (self._quantity(p, "frames") for p in (parts[1], parts[2], parts[4]))
        return ast.ModelFrames(low, high, step, self._span_of(parts))

    def param(self, children):
        parts = _parts(children)
        value = parts[2]
        if isinstance(value, Token):
            value = self._quantity(value) if value.type == "QUANTITY" else self._name(value)
        return ast.Param(self._name(parts[1]), value, self._span_of(parts))

    def conform(self, children):
        parts = _parts(children)
        return ast.Conform(self._quantity(parts[1], "size"), self._quantity(parts[2], "framerate"), self._span_of(parts))

    def extend_decl(self, children):
        parts = _parts(children)
        return ast.ExtendDecl(self._name(parts[1]), self._name(parts[3]), self._quantity(parts[5], "duration"),
                              self._items(parts, 6), self._span_of(parts))


# ---- rules of one shape, as rows -------------------------------------------------------
# The first part of each rule is its keyword; the shapes say what follows it.

def _text_rule(cls):  # `mood "…"`: a keyword, then strings read as one text
    def build(self, children):
        parts = _parts(children)
        return cls(self._text(parts[1:]), self._span_of(parts))
    return build


def _string_rule(cls):  # `import "…"`: a keyword and one string
    def build(self, children):
        parts = _parts(children)
        return cls(parts[1], self._span_of(parts))
    return build


def _quantity_rule(cls, slot):  # `duration 4s`: a keyword and one quantity
    def build(self, children):
        parts = _parts(children)
        return cls(self._quantity(parts[1], slot), self._span_of(parts))
    return build


def _quantities_rule(cls, slot):  # `sizes 720x1280, 1280x720`
    def build(self, children):
        parts = _parts(children)
        return cls(tuple(self._quantity(t, slot) for t in parts[1:]), self._span_of(parts))
    return build


def _name_rule(cls):  # `framing wide`: a keyword and one name
    def build(self, children):
        parts = _parts(children)
        return cls(self._name(parts[1]), self._span_of(parts))
    return build


def _names_rule(cls):  # `cast mara, theo`
    def build(self, children):
        parts = _parts(children)
        return cls(tuple(self._name(t) for t in parts[1:]), self._span_of(parts))
    return build


def _items_rule(cls):  # `camera:` and its block
    def build(self, children):
        parts = _parts(children)
        return cls(self._items(parts, 1), self._span_of(parts))
    return build


def _named_rule(cls):  # `palette NAME:` and its block
    def build(self, children):
        parts = _parts(children)
        return cls(self._name(parts[1]), self._items(parts, 2), self._span_of(parts))
    return build


def _flag_rule(flag):  # `audio yes`
    def build(self, children):
        parts = _parts(children)
        return ast.ModelFlag(flag, self._name(parts[1]), self._span_of(parts))
    return build


ROWS = {
    # rule: builder
    "mood": _text_rule(ast.Mood), "physics": _text_rule(ast.Physics), "avoid": _text_rule(ast.Avoid),
    "atmosphere": _text_rule(ast.Atmosphere), "style_text": _text_rule(ast.StyleText), "filter": _text_rule(ast.Filter),
    "body": _text_rule(ast.Body), "continuity": _text_rule(ast.Continuity), "keep": _text_rule(ast.Keep),
    "voice": _text_rule(ast.Voice), "wardrobe": _text_rule(ast.Wardrobe), "film": _text_rule(ast.Film),
    "location_time": _text_rule(ast.LocationTime), "location_weather": _text_rule(ast.LocationWeather),
    "model_notes": _text_rule(ast.ModelNotes),
    "import_decl": _string_rule(ast.Import), "model_api": _string_rule(ast.ModelApi),
    "model_retired": _string_rule(ast.ModelRetired), "cameo": _string_rule(ast.Cameo),
    "reference_file": _string_rule(ast.ReferenceFile),
    "budget_decl": _quantity_rule(ast.Budget, "money"), "size_stmt": _quantity_rule(ast.SizeStmt, "size"),
    "duration_stmt": _quantity_rule(ast.DurationStmt, "duration"), "speed": _quantity_rule(ast.Speed, "factor"),
    "takes": _quantity_rule(ast.Takes, "integer"), "aperture": _quantity_rule(ast.Aperture, "aperture"),
    "shutter": _quantity_rule(ast.Shutter, "angle"), "fps": _quantity_rule(ast.Fps, "framerate"),
    "model_max_characters": _quantity_rule(ast.ModelMaxCharacters, "integer"),
    "model_sizes": _quantities_rule(ast.ModelSizes, "size"),
    "model_durations": _quantities_rule(ast.ModelDurations, "duration"),
    "model_stmt": _name_rule(ast.ModelStmt), "palette_ref": _name_rule(ast.PaletteRef),
    "style_ref": _name_rule(ast.StyleRef), "lens_preset": _name_rule(ast.LensPreset),
    "framing": _name_rule(ast.Framing), "loop": _name_rule(ast.Loop), "quality": _name_rule(ast.Quality),
    "cast": _names_rule(ast.Cast), "props": _names_rule(ast.Props),
    "defaults_decl": _items_rule(ast.DefaultsDecl), "palette_block": _items_rule(ast.PaletteBlock),
    "style_block": _items_rule(ast.StyleBlock), "grade": _items_rule(ast.Grade), "camera": _items_rule(ast.Camera),
    "lighting": _items_rule(ast.Lighting), "layers": _items_rule(ast.Layers), "dialogue": _items_rule(ast.Dialogue),
    "sound": _items_rule(ast.Sound),
    "model_decl": _named_rule(ast.ModelDecl), "palette_decl": _named_rule(ast.PaletteDecl),
    "location_decl": _named_rule(ast.LocationDecl), "style_decl": _named_rule(ast.StyleDecl),
    "lens_decl": _named_rule(ast.LensDecl),
    "model_audio": _flag_rule("audio"), "model_reference": _flag_rule("reference"),
    "model_fps": _quantity_rule(ast.ModelFps, "framerate"), "model_layout": _name_rule(ast.ModelLayout),
    "model_max_words": _quantity_rule(ast.ModelMaxWords, "integer"), "model_negative": _name_rule(ast.ModelNegative),
    "model_params": _names_rule(ast.ModelParams), "model_server": _text_rule(ast.ModelServer),
    "seed": _quantity_rule(ast.Seed, "integer"),
}
for _rule, _build in ROWS.items():
    setattr(Builder, _rule, _build)


def check_token(token: Token, ctx: ParseContext) -> None:
    """Lexical checks, run as each token is read so that none is lost to a
    later syntax error: unknown units, malformed colours, long numbers, unknown
    escapes, raw control characters."""
    if token.type == "QUANTITY":
        problem = quantities.classify(str(token))[2]
        if problem:
            code, message, hint = problem
            if code == "E105":
                ctx.unit_problems[token.start_pos] = len(ctx.diagnostics)
            ctx.report(make(code, message, ctx.token_span(token), "here", help=hint))
        return
    value = token.value
    if "\\" in value:
        for match in _ESCAPE.finditer(value):
            if match.group(1) not in ESCAPES:
                start = token.start_pos + match.start()
                shown = match.group(1) if match.group(1).isprintable() else f"U+{ord(match.group(1)):04X}"
                ctx.report(make("E110", f"unknown escape `\\{shown}` in a string", ctx.span(start, start + 2),
                                "unknown escape",
                                help='strings know `\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash'))
    for match in _CONTROL.finditer(value):
        start = token.start_pos + match.start()
        char = match.group(0)
        if char == "\r" and value[match.end():match.end() + 1] == "\n":
            continue  # a CRLF line ending inside a triple-quoted string
        ctx.report(make("E112", f"a raw control character U+{ord(char):04X} in a string", ctx.span(start, start + 1),
                        "control character", help="strings hold printable text; write `\\n` for a new line or `\\t` for a tab"))


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)
