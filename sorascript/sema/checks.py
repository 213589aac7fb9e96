"""Checks that need no context beyond the declaration: names (reported here,
once per written name), units, closed vocabularies, statements set twice,
arguments a statement does not take, value ranges, blend sums, palette sizes.

Each node class has its check in a table keyed by the class (`DECL_CHECKS`,
`STMT_CHECKS`, and one table per block's items); a class that needs no check
has an explicit row saying so. `tests/test_tables.py` fails when a statement
or item class has no row.
"""

from __future__ import annotations

import re
from decimal import Decimal

from sorascript import quantities, vocab
from sorascript.diagnostics import Diagnostic, Fix, Label, make
from sorascript.quantities import KIND_EXAMPLES, UNIT_OF, article
from sorascript.sema.modules import LoadedModule, resolve_project_path
from sorascript.sema.names import is_take
from sorascript.project import Settings
from sorascript.sema.scope import JOB_KINDS, Scopes
from sorascript.syntax import ast
from sorascript.suggest import closest

BUILTIN_SPEAKERS = {"voiceover": "Voiceover", "narrator": "Narrator"}
_FLAG_MEANS = {"audio": "make sound (dialogue, effects, ambience)", "reference": "start from a reference image"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Smallest and largest sensible values by quantity kind, for E602.
_RANGES = {
    "temperature": (1000, 20000, "between 1000K and 20000K"),
    "percent": (0, 100, "between 0% and 100%"),
    "aperture": (0.7, 64, "between f/0.7 and f/64"),
    "focal": (1, 2000, "between 1mm and 2000mm"),
    "framerate": (1, 1000, "between 1fps and 1000fps"),
    "duration": (0, 3_600_000, "at most 3600s (an hour)"),
    "angle": (-3600, 3600, "between -3600° and 3600° (ten turns)"),
    "factor": (0, 1000, "at most 1000x"),
    "money": (0, 1_000_000, "at most $1000000"),
    "integer": (0, 10_000, "at most 10000"),
}
MAX_SIDE = 8192  # pixels, for a size

_TYPICAL = {
    "temperature": "candle flame ~1900K, tungsten 3200K, daylight 5600K, overcast 6500K, blue sky 10000K and up",
    "aperture": "lenses open from about f/1.2 to f/22",
    "focal": "ultra-wide 14-24mm, normal 50mm, portrait 85mm, telephoto 100mm and up",
    "framerate": "24fps is cinema, 30fps video, 60fps and up slow motion",
}


def _with_value(q: ast.Quantity, value) -> str:
    """`q` written again with another value: 3200K for 32000K."""
    number = f"{value:g}" if isinstance(value, float) else str(value)
    if q.kind == "aperture":
        return f"f/{number}"
    return number + {"temperature": "K", "focal": "mm", "framerate": "fps"}.get(q.kind, "")


def _nothing(checker, node) -> None:
    """A statement with nothing to check beyond its syntax (its text is linted)."""


class DeclChecker:
    def __init__(self, scopes: Scopes, module: LoadedModule) -> None:
        self.scopes = scopes
        self.module = module
        self.diagnostics: list[Diagnostic] = []

    def report(self, diagnostic: Diagnostic | None) -> None:
        if diagnostic is not None:
            self.diagnostics.append(diagnostic)

    # ---- building blocks -----------------------------------------------------------
    def quantity(self, q: ast.Quantity | None, expected: str, slot: str, *, positive: bool = False, point: bool = False) -> bool:
        """Is `q` of the kind the slot takes, within its bounds? `point`: a time that may be 0."""
        if q is None or q.kind == "unknown":
            return False
        if q.kind != expected:
            if expected in ("duration", "angle") and q.kind == "integer" and q.value == 0:
                return True  # zero is zero in any unit
            if expected == "number" and q.kind == "integer":
                return True
            hint = f"{slot} takes {article(expected)}, such as {KIND_EXAMPLES.get(expected, '')}"
            if q.kind in ("integer", "number") and expected in UNIT_OF:
                hint = f"write `{q.text}{UNIT_OF[expected]}`: a number needs its unit"
            elif q.kind in ("integer", "number") and expected == "aperture":
                hint = f"write `f/{q.text}`"
            elif q.kind in ("integer", "number") and expected == "money":
                hint = f"write `${q.text}`: amounts of money start with `$`"
            self.report(make("E301", f"expected {article(expected)}, found {article(q.kind)} `{q.text}`", q.span,
                             f"{article(q.kind)}, not {article(expected)}", help=hint))
            return False
        value = q.value
        if expected == "duration" and (value < 0 or (value == 0 and positive and not point)):
            self.report(make("E602", f"{slot} must be longer than zero, found `{q.text}`", q.span, "too short",
                             help="write a length such as `1s` or `500ms`, or remove it"))
            return False
        if expected == "integer" and positive and value < 1:
            self.report(make("E602", f"{slot} must be at least 1, found `{q.text}`", q.span, "too small",
                             help="one is the least there can be" + (": `takes 1` (the default) renders one take"
                                                                       if slot == "`takes`" else "")))
            return False
        if expected in ("factor", "money", "angle") and positive and value <= 0:
            hint = {"factor": "`1x` is normal speed, `0.5x` half speed (slow motion), `2x` double speed"}.get(expected, ())
            self.report(make("E602", f"{slot} must be more than zero, found `{q.text}`", q.span, "not positive", help=hint))
            return False
        if expected == "size":
            if value[0] <= 0 or value[1] <= 0:
                self.report(make("E602", f"a size has a positive width and height, found `{q.text}`", q.span, "empty frame"))
                return False
            if value[0] > MAX_SIDE or value[1] > MAX_SIDE:
                self.report(make("E602", f"a size is at most {MAX_SIDE} pixels a side, found `{q.text}`", q.span,
                                 "too large", help="video models render up to 1920x1080 or so"))
                return False
            return True
        if expected in _RANGES:
            low, high, words = _RANGES[expected]
            if not low <= value <= high:
                hint = []
                for guess in (value / 10, value * 10):
                    if low <= guess <= high and expected in _TYPICAL and expected != "aperture":
                        hint.append(f"a digit too many or too few? did you mean `{_with_value(q, guess)}`?")
                        break
                if expected in _TYPICAL:
                    hint.append(_TYPICAL[expected])
                message = f"{slot} must be {words}, found `{q.text}`"
                self.report(make("E602", message, q.span, "out of range", help=hint))
                return False
        return True

    def integer(self, q: ast.Quantity | None, slot: str, *, positive: bool = True) -> bool:
        if q is None or q.kind == "unknown":
            return False
        if q.kind == "number":
            self.report(make("E302", f"{slot} must be a whole number, found `{q.text}`", q.span, "not a whole number",
                             help=f"write `{int(q.value)}` or `{int(q.value) + 1}`"))
            return False
        return self.quantity(q, "integer", slot, positive=positive)

    def word(self, name: ast.Name | None, table, what: str, block: str | None = None) -> bool:
        """Is `name` a word of the closed vocabulary `table`? `what` names the table."""
        if name is None or name.text in table:
            return True
        home = vocab.STATEMENT_HOME.get(name.text)
        if block is not None and name.text in vocab.SHOT_STATEMENTS:
            self.report(make("E107", f"`{name.text}` is a shot statement and cannot go inside `{block}`", name.span,
                             "not allowed here", help=f"move this line out of `{block}`, to the shot's own level"))
            return False
        if block is not None and home is not None and home != block:
            self.report(make("E107", f"`{name.text}` belongs inside `{home}`, not `{block}`", name.span, "not allowed here",
                             help=f"move this line into a `{home}` block"))
            return False
        words = sorted(table)
        close = closest(name.text, words, 0.5)
        hint = [f"did you mean `{close}`?"] if close else []
        if len(words) <= 16:
            hint.append(f"{what} is one of: " + ", ".join(f"`{w}`" for w in words))
        fix = Fix(name.span, close, f"replace with `{close}`") if close else None
        self.report(make("E210", f"unknown {what} `{name.text}`", name.span, f"not a known {what}", help=hint, fix=fix))
        return False

    def set_once(self, items, block: str) -> None:
        seen: dict[str, object] = {}
        for item in items:
            kind = getattr(item, "KIND", None)
            if isinstance(item, ast.Param):  # one value per field: `param seed` is the seed, as `seed` is
                kind = "seed" if item.name.text == "seed" else f"param {item.name.text}"
            elif kind not in ast.SET_ONCE_KINDS:
                continue
            if kind in seen:
                self.report(make(
                    "E211", f"`{kind}` is set twice in {block}", item.span, "set again here",
                    secondary=[Label(seen[kind].span, "first set here")],
                    help=f"`{kind}` takes one value per block; keep one of the two lines",
                ))
            else:
                seen[kind] = item

    def resolve(self, name: ast.Name, kinds: tuple[str, ...], role: str):
        symbol, problem = self.scopes.resolve(self.module, name, kinds, role)
        self.report(problem)
        return symbol

    def not_taken(self, node, what: str, hint: str | list[str] = ()) -> None:
        """E304: an argument the statement or move does not take."""
        shown = node.span.text if "\n" not in node.span.text else type(node).__name__
        self.report(make("E304", f"{what} takes no `{shown}`", node.span, "not taken here", help=hint))

    def timing(self, timing, what: str) -> None:
        if isinstance(timing, ast.TimeRange):
            self.quantity(timing.start, "duration", f"the start of {what}", point=True)
            self.quantity(timing.end, "duration", f"the end of {what}", point=True)
        elif isinstance(timing, ast.TimePoint):
            self.quantity(timing.at, "duration", f"the time of {what}", point=True)

    def items(self, items, table: dict, block: str) -> None:
        for item in items:
            table[type(item)](self, item)

    # ---- declarations --------------------------------------------------------------------
    def declaration(self, decl) -> None:
        DECL_CHECKS[type(decl)](self, decl)

    def budget(self, decl: ast.Budget) -> None:
        self.quantity(decl.amount, "money", "`budget`")

    def model_decl(self, decl: ast.ModelDecl) -> None:
        self.set_once([i for i in decl.items if not isinstance(i, ast.ModelPrice)], f"model `{decl.name.text}`")
        sizes: set = set()
        for item in decl.items:
            if isinstance(item, ast.ModelSizes):
                for q in item.values:
                    if self.quantity(q, "size", "`sizes`"):
                        sizes.add(q.value)
            elif isinstance(item, ast.ModelDurations):
                for q in item.values:
                    self.quantity(q, "duration", "`durations`", positive=True)
            elif isinstance(item, ast.ModelMaxCharacters):
                self.integer(item.value, "`max-characters`", positive=False)
            elif isinstance(item, ast.ModelFlag) and item.value.text not in (
                    vocab.REFERENCE_FLAGS if item.flag == "reference" else vocab.YES_NO):
                extra = "; `reference required` when it renders only from one" if item.flag == "reference" else ""
                self.report(make("E303", f"`{item.flag}` takes `yes` or `no`, found `{item.value.text}`", item.value.span,
                                 "not yes or no", help=f"write `{item.flag} yes` if the model can {_FLAG_MEANS[item.flag]}, "
                                 f"else `{item.flag} no`{extra}"))
            elif isinstance(item, ast.ModelFps):
                self.quantity(item.value, "framerate", "`fps`")
            elif isinstance(item, ast.ModelFrames):
                self.model_frames(decl, item)
            elif isinstance(item, ast.ModelLayout):
                self.word(item.name, vocab.LAYOUTS, "layout")
            elif isinstance(item, ast.ModelNegative):
                self.word(item.mode, vocab.NEGATIVE_MODES, "negative")
            elif isinstance(item, ast.ModelMaxWords):
                self.integer(item.value, "`max-words`")
            elif isinstance(item, ast.ModelParams):
                for name in item.names:
                    if name.text in vocab.COMPUTED_FIELDS and name.text != "seed":
                        self.report(make("E603", f"`{name.text}` is a request field sorac writes itself", name.span,
                                         "not a param", help="list only the extra fields a shot may set with `param NAME VALUE`"))
            elif isinstance(item, ast.ModelRetired) and not _DATE.fullmatch(item.date.value):
                self.report(make("E603", f"`retired` takes a date written YYYY-MM-DD, found \"{item.date.value}\"",
                                 item.date.span, "not a date", help='write e.g. `retired "2026-09-24"`'))
        for item in decl.items:
            if not isinstance(item, ast.ModelPrice):
                continue
            self.quantity(item.amount, "money", "`price`")
            if item.per is not None and item.per.text != "s":
                self.report(make("E301", f"prices are per second, found `/{item.per.text}`", item.per.span, "not per second",
                                 help="write the price of one second of video, e.g. `price $0.10/s`"))
            for q in item.sizes:
                if self.quantity(q, "size", "`price … for`") and sizes and q.value not in sizes:
                    self.report(make("E603", f"`{decl.name.text}` has a price for {q.text}, a size it does not list in `sizes`",
                                     q.span, "not in `sizes`", help=f"add {q.text} to `sizes`, or remove it here"))

    def model_frames(self, decl: ast.ModelDecl, item: ast.ModelFrames) -> None:
        ok = True
        for q, slot in ((item.low, "the first frame count"), (item.high, "the last frame count"), (item.step, "`every`")):
            ok = self.quantity(q, "frames", slot) and ok
            if ok and not isinstance(q.value, int):
                self.report(make("E302", f"{slot} must be a whole number of frames, found `{q.text}`", q.span,
                                 "not a whole number"))
                ok = False
        if not ok:
            return
        low, high, step = item.low.value, item.high.value, item.step.value
        if not 1 <= low <= high or step < 1:
            self.report(make("E603", f"`frames {item.low.text}..{item.high.text} every {item.step.text}` is empty", item.span,
                             "no frame count", help="write the smallest and largest counts and the step between them, "
                             "e.g. `frames 5f..81f every 4f` (4n+1)"))
        elif (high - low) % step:
            top = low + (high - low) // step * step
            self.report(make("E603", f"`{item.high.text}` is not `{item.low.text}` plus a whole number of `{item.step.text}` steps",
                             item.high.span, "off the step", help=f"the last count of the steps is {top}f: `frames "
                             f"{item.low.text}..{top}f every {item.step.text}`"))
        if not any(isinstance(i, ast.ModelFps) for i in decl.items):
            self.report(make("E603", f"model `{decl.name.text}` lists `frames` but no `fps`", item.span, "frames of what rate?",
                             help="give the model's native frame rate, e.g. `fps 16fps`: a frame count means time only with it"))

    def defaults_decl(self, decl: ast.DefaultsDecl) -> None:
        self.shot_body(decl.stmts, "`defaults:`")

    def palette_decl(self, decl: ast.PaletteDecl) -> None:
        self.palette(decl.items, decl.name, decl.span)

    def palette(self, items, name: ast.Name | None, span) -> None:
        anchors = [a for a in items if isinstance(a, ast.Anchor)]
        seen: dict[str, ast.Anchor] = {}
        for anchor in anchors:
            if anchor.color is not None:
                self.quantity(anchor.color, "color", "a palette anchor")
            if anchor.name.text in seen:
                self.report(make("E203", f"anchor `{anchor.name.text}` is declared twice in this palette", anchor.name.span,
                                 "again here", secondary=[Label(seen[anchor.name.text].name.span, "first here")],
                                 help="each anchor of a palette has its own name: rename one, or keep one of the two"))
            seen.setdefault(anchor.name.text, anchor)
        if not 3 <= len(anchors) <= 5:
            label = name.span if name is not None else span.head(len("palette"))
            who = f"palette `{name.text}`" if name is not None else "this palette"
            count = f"{len(anchors)} anchor{'s' if len(anchors) != 1 else ''}"
            self.report(make("W201", f"{who} has {len(anchors)} colour anchor{'s' if len(anchors) != 1 else ''}; "
                             "3 to 5 hold a look steady", label, count,
                             help="the prompting guide: name three to five colour anchors and reuse them in every shot"
                             if len(anchors) < 3 else "keep the 3-5 colours that carry the look; the model cannot hold more"))

    def character_decl(self, decl: ast.CharacterDecl) -> None:
        self.set_once(decl.items, f"character `{decl.name.text}`")
        for item in decl.items:
            if isinstance(item, ast.Cameo) and not self.module.is_std:
                target = resolve_project_path(item.path.value, self.module.folder, self.scopes.program.root)
                if isinstance(target, str):
                    self.report(make("E205", f"cannot use cameo `{item.path.value}`: {target}", item.path.span,
                                     "outside the project",
                                     help="put the recording inside the project folder and name it relative to this file"))

    def location_decl(self, decl: ast.LocationDecl) -> None:
        self.set_once(decl.items, f"location `{decl.name.text}`")

    def style_decl(self, decl: ast.StyleDecl) -> None:
        self.style(decl.items, f"style `{decl.name.text}`")

    def style(self, items, block: str) -> None:
        self.set_once(items, block)
        for item in items:
            if isinstance(item, ast.Blend):
                self.blend(item)
            elif isinstance(item, ast.Grade):
                self.set_once([i for i in item.items if isinstance(i, ast.GradeLine)], "`grade:`")
                for line in item.items:
                    if isinstance(line, ast.GradeLine):
                        self.word(line.tone, vocab.GRADE_TONES, "grade tone", "grade:")

    def blend(self, blend: ast.Blend) -> None:
        total = Decimal(0)
        ok = True
        for part in blend.parts:
            if self.quantity(part.percent, "percent", "a blend part", positive=True):
                total += Decimal(str(part.percent.value))
            else:
                ok = False
        if ok and total != 100:
            shown = f"{total.normalize():f}%"
            hint = ["the parts are shares of one look: give them percentages that sum to 100%"]
            values = [Decimal(str(part.percent.value)) for part in blend.parts]
            largest = values.index(max(values))
            values[largest] += 100 - total
            if len(values) > 1 and values[largest] > 0:
                parts = ", ".join(f"{v.normalize():f}% \"{part.text.value}\"" for v, part in zip(values, blend.parts))
                hint.append(f"e.g. `blend {parts}`")
            self.report(make("E601", f"blend adds up to {shown}, not 100%", blend.span, f"{shown} in all", help=hint))

    def lens_decl(self, decl: ast.LensDecl) -> None:
        specs = [i for i in decl.items if isinstance(i, ast.LensSpec)]
        for spec in specs:
            self.quantity(spec.focal, "focal", "a lens")
            if spec.aperture is not None:
                self.quantity(spec.aperture, "aperture", "a lens")
        if len(specs) > 1:
            self.report(make("E211", f"lens `{decl.name.text}` has {len(specs)} lens lines", specs[1].span, "a second lens",
                             secondary=[Label(specs[0].span, "first lens")], help="a preset is one lens; declare another preset"))

    def shot_decl(self, decl: ast.ShotDecl) -> None:
        if decl.base is not None:
            self.resolve(decl.base, ("shot",), "`from`")
        self.shot_body(decl.stmts, f"shot `{decl.name.text}`")
        seen: dict[str, ast.Variant] = {}
        for variant in (s for s in decl.stmts if isinstance(s, ast.Variant)):
            first = seen.setdefault(variant.name.text, variant)
            if first is not variant:  # its job would be the first one's: one of the two would be lost
                self.report(make("E203", f"variant `{variant.name.text}` is declared twice in shot `{decl.name.text}`",
                                 variant.name.span, "again here", secondary=[Label(first.name.span, "first here")],
                                 help="each variant is a job of its own, `SHOT.NAME`: rename one, or merge the two"))

    def sequence_decl(self, decl: ast.SequenceDecl) -> None:
        self.set_once([i for i in decl.items if isinstance(i, ast.Conform)], f"sequence `{decl.name.text}`")
        for conform in (i for i in decl.items if isinstance(i, ast.Conform)):
            self.quantity(conform.size, "size", "`conform`")
            self.quantity(conform.fps, "framerate", "`conform`")
        entries = [i for i in decl.items if isinstance(i, ast.SequenceEntry)]
        for entry in entries:
            self.job_ref(entry.shot, "a sequence")
            if entry.transition is None or not self.word(entry.transition, vocab.TRANSITIONS, "transition"):
                continue
            kind = entry.transition.text
            if entry.length is not None:
                if kind == "cut":
                    self.not_taken(entry.length, "a cut", "a cut is instant: write `cut`, or `fade 1s` / `crossfade 0.5s`")
                else:
                    self.quantity(entry.length, "duration", f"`{kind}`", positive=True)
            elif kind == "crossfade":
                self.report(make("E305", "a crossfade needs a length", entry.transition.span, "how long?",
                                 help=f"write e.g. `{entry.shot.text} crossfade 0.5s`: the two shots overlap for that long"))
        if not entries:
            self.report(make("E602", f"sequence `{decl.name.text}` names no shots", decl.name.span, "empty sequence",
                             help="list its shots in order, one a line"))

    def job_ref(self, name: ast.Name, role: str) -> None:
        """A job named in a sequence: a shot, remix or extension, `SHOT.VARIANT`,
        and either with `.takeN` (the bound of N is checked with the jobs' takes)."""
        head, _, rest = name.text.partition(".")
        if not rest:
            self.resolve(name, JOB_KINDS, role)
            return
        symbol = self.resolve(ast.Name(head, name.span.head(len(head))), ("shot",), role)
        if symbol is None:
            return
        parts = rest.split(".")
        variants = [v.name.text for v in symbol.decl.stmts if isinstance(v, ast.Variant)]
        if parts[0] in variants:
            parts = parts[1:]
        if not parts or (len(parts) == 1 and is_take(parts[0])):
            return
        if parts == ["take1"]:
            self.report(make("E201", f"`{name.text}` names no take: the first take is `{head}` itself", name.span,
                             "the first take", help=f"write `{name.text[:-len('.take1')]}`; later takes are `.take2`, `.take3`…"))
            return
        close = closest(parts[0], variants + ["take2"], 0.5) if variants else None
        what = f"its variants are {', '.join(f'`{v}`' for v in variants)}" if variants else "it has no variants"
        self.report(make("E201", f"shot `{head}` has no variant `{parts[0]}`"
                         + ("" if len(parts) == 1 else f" and `.{'.'.join(parts)}` names no take"), name.span,
                         "no such variant or take",
                         help=[f"{what}; a take is `{head}.take2` (or `{head}.VARIANT.take2`)"]
                         + ([f"did you mean `{head}.{close}`?"] if close else [])))

    def remix_decl(self, decl: ast.RemixDecl) -> None:
        self.resolve(decl.source, JOB_KINDS, "`remix`")

    def extend_decl(self, decl: ast.ExtendDecl) -> None:
        self.resolve(decl.source, JOB_KINDS, "`extend`")
        self.quantity(decl.by, "duration", "`by`", positive=True)

    # ---- shot statements ---------------------------------------------------------------------
    def shot_body(self, stmts, block: str) -> None:
        self.set_once(stmts, block)
        for stmt in stmts:
            STMT_CHECKS[type(stmt)](self, stmt)

    def model_stmt(self, stmt: ast.ModelStmt) -> None:
        self.resolve(stmt.model, ("model",), "`model`")

    def size_stmt(self, stmt: ast.SizeStmt) -> None:
        self.quantity(stmt.size, "size", "`size`")

    def duration_stmt(self, stmt: ast.DurationStmt) -> None:
        if stmt.duration.kind == "frames":  # `duration 81f`: a frame count, checked against the model's frames
            return
        self.quantity(stmt.duration, "duration", "`duration`", positive=True)

    def setting(self, stmt: ast.Setting) -> None:
        if stmt.location is not None:
            self.resolve(stmt.location, ("location",), "`setting`")

    def cast(self, stmt: ast.Cast) -> None:
        for name in stmt.names:
            self.resolve(name, ("character",), "`cast`")

    def props(self, stmt: ast.Props) -> None:
        for name in stmt.names:
            self.resolve(name, ("prop",), "`props`")

    def palette_ref(self, stmt: ast.PaletteRef) -> None:
        self.resolve(stmt.name, ("palette",), "`palette`")

    def palette_block(self, stmt: ast.PaletteBlock) -> None:
        self.palette(stmt.items, None, stmt.span)

    def style_ref(self, stmt: ast.StyleRef) -> None:
        self.resolve(stmt.name, ("style",), "`style`")

    def style_block(self, stmt: ast.StyleBlock) -> None:
        self.style(stmt.items, "`style:`")

    def reference_last_frame(self, stmt: ast.ReferenceLastFrame) -> None:
        self.resolve(stmt.shot, JOB_KINDS, "`reference last frame of`")

    def camera(self, stmt: ast.Camera) -> None:
        self.set_once(stmt.items, "`camera:`")
        self.items(stmt.items, CAMERA_CHECKS, "camera:")

    def framing(self, item: ast.Framing) -> None:
        self.word(item.name, vocab.FRAMINGS, "framing")

    def angle(self, item: ast.Angle) -> None:
        self.word(item.name, vocab.ANGLES, "angle")
        if item.amount is not None:
            self.quantity(item.amount, "angle", "`angle`")

    def lens(self, item: ast.Lens) -> None:
        self.quantity(item.focal, "focal", "`lens`", positive=True)
        if item.aperture is not None:
            self.quantity(item.aperture, "aperture", "`lens`")

    def lens_preset(self, item: ast.LensPreset) -> None:
        self.resolve(item.name, ("lens",), "`lens`")

    def aperture(self, item: ast.Aperture) -> None:
        self.quantity(item.value, "aperture", "`aperture`")

    def rig(self, item: ast.Rig) -> None:
        self.word(item.name, vocab.RIGS, "rig")

    def shutter(self, item: ast.Shutter) -> None:
        if self.quantity(item.value, "angle", "`shutter`", positive=True) and item.value.value > 360:
            self.report(make("E602", f"a shutter angle is at most 360°, found `{item.value.text}`", item.value.span,
                             "more than a full turn", help="180° is the film standard"))

    def fps(self, item: ast.Fps) -> None:
        self.quantity(item.value, "framerate", "`fps`")

    def focus(self, item: ast.Focus) -> None:
        if item.mode is not None:
            self.word(item.mode, vocab.FOCUS_MODES, "focus", "camera:")
        if isinstance(item.target, ast.Name):
            self.resolve(item.target, ("character", "prop"), "`focus on`")

    def move(self, move: ast.Move) -> None:
        if not self.word(move.verb, vocab.MOVES, "camera move", "camera:"):
            return
        spec = vocab.MOVES[move.verb.text]
        verb = move.verb.text
        form = vocab.move_form(verb)
        self.timing(move.timing, f"a `{verb}` move")
        if move.direction is not None:
            if not spec.directions:
                self.not_taken(move.direction, f"`{verb}`", f"write `{form}`")
            elif move.direction.text not in spec.directions:
                self.word(move.direction, spec.directions, f"direction for `{verb}`")
        elif spec.direction_required:
            choices = " or ".join(f"`{verb} {d}`" for d in spec.directions)
            self.report(make("E305", f"`{verb}` needs a direction", move.verb.span, "which way?", help=f"write {choices}"))
        if move.amount is not None and move.amount.kind != "unknown":
            if spec.amount is not None and move.amount.kind == "duration":
                shown = {"angle": "30deg", "factor": "2x"}.get(spec.amount, "…")
                self.report(make("E301", f"expected {article(spec.amount)}, found {article('duration')} `{move.amount.text}`",
                                 move.amount.span, f"a duration, not {article(spec.amount)}",
                                 help=[f"`{verb}` takes {article(spec.amount)}, such as {KIND_EXAMPLES[spec.amount]}",
                                       "its range in front already says how long it lasts"
                                       if isinstance(move.timing, ast.TimeRange) else
                                       f"to say how long it lasts, write `over {move.amount.text}`: "
                                       f"`{verb}{' ' + move.direction.text if move.direction else ''} {shown} over {move.amount.text}`"]))
            elif spec.amount is None:
                hint = ["give the move a time with `over DURATION` or a range in front", f"`{verb}` is written `{form}`"]
                self.not_taken(move.amount, f"`{verb}`", hint)
            else:
                self.quantity(move.amount, spec.amount, f"`{verb}`", positive=True)
        if move.over is not None:
            self.quantity(move.over, "duration", "`over`", positive=True)
        framings = [f for f in (move.from_framing, move.to_framing) if f is not None]
        if framings and not spec.framings:
            self.report(make("E304", f"`{verb}` takes no `from`/`to` framings", framings[0].span.to(framings[-1].span),
                             "not taken here", help=["only `push`, `pull` and `dolly` go from one framing to another",
                                                     f"`{verb}` is written `{form}`"]))
        elif framings:
            for framing in framings:
                self.word(framing, vocab.FRAMINGS, "framing")
        for item in move.extra:
            self.not_taken(item, f"a `{verb}` move", f"`{verb}` is written `{form}`")
        if spec.subject and move.subject is None:
            self.report(make("E305", f"`{verb}` needs a subject in quotes", move.verb.span, "what to follow?",
                             help=f'write e.g. `{verb} "the skater"`'))

    def lighting(self, stmt: ast.Lighting) -> None:
        self.set_once(stmt.items, "`lighting:`")
        self.items(stmt.items, LIGHTING_CHECKS, "lighting:")

    def light(self, item: ast.Light) -> None:
        self.word(item.role, vocab.LIGHT_ROLES, "lighting role", "lighting:")
        self.word(item.direction, vocab.DIRECTIONS, "direction")
        if item.temperature is not None:
            self.quantity(item.temperature, "temperature", "a light")
        for extra in item.extra:
            self.not_taken(extra, "a lighting line", 'a light is written `ROLE "what" [from DIRECTION] [TEMPERATURE] [ANCHOR]`')

    def quality(self, item: ast.Quality) -> None:
        self.word(item.name, vocab.LIGHT_QUALITIES, "light quality")

    def layers(self, stmt: ast.Layers) -> None:
        self.items(stmt.items, LAYER_CHECKS, "layers:")

    def layer(self, item: ast.Layer) -> None:
        self.word(item.depth, vocab.LAYER_DEPTHS, "layer", "layers:")

    def beats(self, stmt: ast.Beats) -> None:
        self.items(stmt.items, BEAT_CHECKS, "beats:")

    def beat(self, item: ast.Beat) -> None:
        self.timing(item.timing, "a beat")

    def dialogue(self, stmt: ast.Dialogue) -> None:
        self.items(stmt.items, DIALOGUE_CHECKS, "dialogue:")

    def line(self, line: ast.Line) -> None:
        self.timing(line.timing, "a dialogue line")
        if line.speaker.text in BUILTIN_SPEAKERS and not self.scopes.lookup(self.module, line.speaker.text):
            return
        self.resolve(line.speaker, ("character",), "a dialogue line")

    def pause(self, pause: ast.Pause) -> None:
        if pause.duration is not None:
            self.quantity(pause.duration, "duration", "`pause`", positive=True)

    def sound(self, stmt: ast.Sound) -> None:
        self.items(stmt.items, SOUND_CHECKS, "sound:")

    def sound_line(self, item: ast.SoundLine) -> None:
        self.timing(item.timing, f"a `{item.kind}` line")

    def speed(self, stmt: ast.Speed) -> None:
        self.quantity(stmt.factor, "factor", "`speed`", positive=True)

    def overlay(self, stmt: ast.Overlay) -> None:
        if stmt.position is not None and stmt.position.text not in vocab.OVERLAY_POSITIONS:
            self.word(stmt.position, vocab.OVERLAY_POSITIONS, "overlay position")
        self.timing(stmt.timing, "an overlay")
        for extra in stmt.extra:
            self.not_taken(extra, "an overlay", 'an overlay is written `overlay "text" [POSITION] [RANGE] [in-frame]`')

    def loop(self, stmt: ast.Loop) -> None:
        self.word(stmt.mode, vocab.LOOP_MODES, "loop length")

    def takes(self, stmt: ast.Takes) -> None:
        if self.integer(stmt.count, "`takes`") and stmt.count.value > 100:
            self.report(make("E602", f"`takes` must be at most 100, found `{stmt.count.text}`", stmt.count.span,
                             "too many", help="render a few takes, pick one, and render again if needed"))

    def seed(self, stmt: ast.Seed) -> None:
        value = stmt.value
        # Not the bound of counts (`takes`, at most 10000): a seed is any whole number a literal can write.
        if value is not None and value.kind == "integer":
            if value.value < 0:
                self.report(make("E602", f"`seed` must be 0 or more, found `{value.text}`", value.span, "negative",
                                 help="a seed is a whole number from 0 up; leave `seed` out for a random one"))
        else:
            self.integer(value, "`seed`", positive=False)

    def param(self, stmt: ast.Param) -> None:
        value = stmt.value
        if isinstance(value, ast.Quantity) and value.kind not in ("integer", "number", "unknown"):
            self.report(make("E301", f"a `param` value is a number, a string or yes/no, found {article(value.kind)} "
                             f"`{value.text}`", value.span, "not a plain value",
                             help=f"write the number the server takes, without a unit: `param {stmt.name.text} "
                             f"{value.text.rstrip('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ°%')}`"))
        elif isinstance(value, ast.Name) and value.text not in vocab.YES_NO:
            self.report(make("E303", f"a `param` value is a number, a \"string\" or yes/no, found `{value.text}`", value.span,
                             "not a value", help=f'put words in quotes: `param {stmt.name.text} "{value.text}"`'))

    def cut(self, stmt: ast.Cut) -> None:
        self.timing(stmt.timing, "a cut")
        self.shot_body(stmt.stmts, "`cut`")

    def variant(self, stmt: ast.Variant) -> None:
        nested = [s for s in stmt.stmts if isinstance(s, ast.Variant)]
        for inner in nested:  # its body is not checked: a variant holds no variants, however deep they go
            self.report(make("E107", f"variant `{inner.name.text}` is inside variant `{stmt.name.text}`; "
                             "a variant cannot hold another", inner.span.head(len("variant")), "not allowed here",
                             help=f"move `variant {inner.name.text}:` out, to the shot's own level: "
                             "each variant is one more job of its shot"))
        self.shot_body([s for s in stmt.stmts if not isinstance(s, ast.Variant)], f"variant `{stmt.name.text}`")


C = DeclChecker
DECL_CHECKS = {
    ast.Import: _nothing,  # resolved by the module loader
    ast.Budget: C.budget, ast.ModelDecl: C.model_decl, ast.DefaultsDecl: C.defaults_decl,
    ast.PaletteDecl: C.palette_decl, ast.CharacterDecl: C.character_decl, ast.PropDecl: _nothing,
    ast.LocationDecl: C.location_decl, ast.StyleDecl: C.style_decl, ast.LensDecl: C.lens_decl,
    ast.ShotDecl: C.shot_decl, ast.SequenceDecl: C.sequence_decl, ast.RemixDecl: C.remix_decl,
    ast.ExtendDecl: C.extend_decl,
}
STMT_CHECKS = {
    ast.ModelStmt: C.model_stmt, ast.SizeStmt: C.size_stmt, ast.DurationStmt: C.duration_stmt, ast.Prose: _nothing,
    ast.Setting: C.setting, ast.Cast: C.cast, ast.Props: C.props, ast.Mood: _nothing, ast.Physics: _nothing,
    ast.Avoid: _nothing, ast.PaletteRef: C.palette_ref, ast.PaletteBlock: C.palette_block, ast.StyleRef: C.style_ref,
    ast.StyleText: _nothing, ast.StyleBlock: C.style_block, ast.ReferenceFile: _nothing,  # checked with the model (E50x)
    ast.ReferenceLastFrame: C.reference_last_frame, ast.Camera: C.camera, ast.Lighting: C.lighting,
    ast.Layers: C.layers, ast.Beats: C.beats, ast.Dialogue: C.dialogue, ast.Sound: C.sound, ast.Atmosphere: _nothing,
    ast.Speed: C.speed, ast.Overlay: C.overlay, ast.Cut: C.cut, ast.Loop: C.loop, ast.Takes: C.takes,
    ast.Variant: C.variant, ast.Seed: C.seed, ast.Param: C.param,
}
CAMERA_CHECKS = {
    ast.Framing: C.framing, ast.Angle: C.angle, ast.Lens: C.lens, ast.LensPreset: C.lens_preset,
    ast.Aperture: C.aperture, ast.Rig: C.rig, ast.Shutter: C.shutter, ast.Fps: C.fps, ast.Filter: _nothing,
    ast.Body: _nothing, ast.Focus: C.focus, ast.Move: C.move, ast.Prose: _nothing,
}
LIGHTING_CHECKS = {ast.Light: C.light, ast.Quality: C.quality, ast.Prose: _nothing}
LAYER_CHECKS = {ast.Layer: C.layer, ast.Prose: _nothing}
BEAT_CHECKS = {ast.Beat: C.beat, ast.Line: C.line, ast.Pause: C.pause, ast.SoundLine: C.sound_line, ast.Prose: _nothing}
DIALOGUE_CHECKS = {ast.Line: C.line, ast.Pause: C.pause, ast.Prose: _nothing}
SOUND_CHECKS = {ast.SoundLine: C.sound_line, ast.Prose: _nothing}
del C


def check_declarations(scopes: Scopes, module: LoadedModule) -> list[Diagnostic]:
    checker = DeclChecker(scopes, module)
    for decl in module.ast.decls:
        checker.declaration(decl)
    return checker.diagnostics


def project_defaults(settings: Settings) -> tuple:
    """sorac.toml's `[defaults]` as the shot statements they stand for, placed
    in the file: every file's shots start from them, below its own `defaults:`."""
    source = settings.source
    stmts = []
    for key, setting in settings.defaults.items():
        start = source.line_offset(setting.line) + setting.column - 1
        inner = start + 1 if source.text[start:start + 1] in "\"'" else start  # the value, inside its quotes
        span = source.span(inner, inner + len(setting.value))
        if key == "model":
            stmts.append(ast.ModelStmt(ast.Name(setting.value, span), span))
        else:
            kind, value, _ = quantities.classify(setting.value)
            quantity = ast.Quantity(kind, value, setting.value, span)
            stmts.append(ast.SizeStmt(quantity, span) if key == "size" else ast.DurationStmt(quantity, span))
    return tuple(stmts)


def check_project_defaults(scopes: Scopes, module: LoadedModule, stmts: tuple) -> list[Diagnostic]:
    """The names and values of `[defaults]`, as the compiled file sees them."""
    checker = DeclChecker(scopes, module)
    checker.shot_body(stmts, "`[defaults]`")
    return checker.diagnostics
