"""Prompt-craft lints (W1xx): the prompting guide's common mistakes, found
before anything is spent. Wording and thresholds come from `lints.toml`.

Text lints read the source text of each string, so a diagnostic's span is
exactly the offending words. Shot lints read each create job's statements as
rendered. Only the compiled file is linted, not what it imports.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from sorascript import vocab
from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.sema.timing import cut_windows, seconds
from sorascript.source import SourceFile, Span
from sorascript.syntax import ast

_QUOTE = "\\\\?[\"“'‘]"


@lru_cache(maxsize=1)
def rules() -> dict:
    with (Path(__file__).resolve().parent / "lints.toml").open("rb") as handle:
        return tomllib.load(handle)


def _words(words: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(words) + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def patterns() -> dict[str, object]:
    table = rules()
    return {
        "vague": _words([re.escape(w) for w in table["W101"]["words"]]),
        "alone": _words([re.escape(w) for w in table["W101"]["alone"]]),
        "specific": re.compile(r"(?<!\w)(" + "|".join(table["W101"]["specific"]) + r")(?!\w)", re.I),
        "physics": [re.compile(r"(?<![\w-])(" + p + r")(?![\w-])", re.I) for p in table["W102"]["patterns"]],
        "text": [re.compile(r"(?<![\w-])(" + p.replace('["“\']', _QUOTE) + r")", re.I) for p in table["W103"]["patterns"]],
        "hands": _words([table["W104"]["hands"]]),
        "pairs": [(_pair(a, b), a, b) for a, b in table["W105"]["pairs"]],
        "adjectives": _words([re.escape(w) for w in table["W106"]["adjectives"]]),
        "cut": [re.compile(r"(?<![\w-])(" + p + r")(?![\w-])", re.I) for p in table["W112"]["patterns"]],
        "verbs": _words([re.escape(w) for w in table["W115"]["verbs"]]),
    }


def _pair(a: str, b: str) -> re.Pattern:
    one = rf"(?<![\w-]){a}(?![\w-])[ \t]*,?[ \t]+(?<![\w-]){b}(?![\w-])"
    two = rf"(?<![\w-]){b}(?![\w-])[ \t]*,?[ \t]+(?<![\w-]){a}(?![\w-])"
    return re.compile(f"{one}|{two}", re.I)


# ---- where the texts are -------------------------------------------------------------


def stmt_texts(stmts):
    """The descriptive strings of shot statements (never dialogue, `avoid`, paths or titles)."""
    for stmt in stmts:
        if isinstance(stmt, (ast.Prose, ast.Mood, ast.Physics, ast.Atmosphere, ast.StyleText)):
            yield stmt.text
        elif isinstance(stmt, ast.Setting) and stmt.text is not None:
            yield stmt.text
        elif isinstance(stmt, ast.StyleBlock):
            yield from style_texts(stmt.items)
        elif isinstance(stmt, ast.Camera):
            for item in stmt.items:
                if isinstance(item, ast.Prose):
                    yield item.text
                elif isinstance(item, ast.Move):
                    yield from (t for t in (item.subject, item.qualifier) if t is not None)
                elif isinstance(item, (ast.Rig, ast.Focus)) and item.description is not None:
                    yield item.description
        elif isinstance(stmt, ast.Lighting):
            for item in stmt.items:
                if isinstance(item, ast.Prose):
                    yield item.text
                elif isinstance(item, ast.Light) and item.description is not None:
                    yield item.description
        elif isinstance(stmt, (ast.Layers, ast.Sound)):
            yield from (item.text for item in stmt.items)
        elif isinstance(stmt, ast.Beats):
            yield from (item.text for item in stmt.items if isinstance(item, (ast.Beat, ast.SoundLine, ast.Prose)))
        elif isinstance(stmt, ast.Dialogue):
            yield from (item.text for item in stmt.items if isinstance(item, ast.Prose))
        elif isinstance(stmt, (ast.Cut, ast.Variant)):
            yield from stmt_texts(stmt.stmts)


def style_texts(items):
    for item in items:
        if isinstance(item, (ast.Prose, ast.Film)):
            yield item.text
        elif isinstance(item, ast.Grade):
            yield from (line.text for line in item.items)


def module_texts(module: ast.Module):
    for decl in module.decls:
        if isinstance(decl, (ast.ShotDecl, ast.DefaultsDecl)):
            yield from stmt_texts(decl.stmts)
        elif isinstance(decl, (ast.CharacterDecl, ast.LocationDecl)):
            yield from (i.text for i in decl.items if not isinstance(i, ast.Cameo))
        elif isinstance(decl, (ast.PropDecl, ast.ExtendDecl)):
            yield from (i.text for i in decl.items)
        elif isinstance(decl, ast.StyleDecl):
            yield from style_texts(decl.items)
        elif isinstance(decl, ast.SequenceDecl):
            yield from (i.text for i in decl.items if isinstance(i, (ast.Continuity, ast.Prose)))
        elif isinstance(decl, ast.RemixDecl):
            yield from (i.text for i in decl.items if isinstance(i, ast.Prose))


# ---- the linter ----------------------------------------------------------------------------


class Linter:
    def __init__(self, analysis) -> None:
        self.analysis = analysis
        self.main = analysis.program.main
        self.source: SourceFile = self.main.source
        self.table = rules()
        self.found: list[Diagnostic] = []

    def report(self, code: str, message: str, span: Span, label: str, **extra) -> None:
        extra.setdefault("help", self.table.get(code, {}).get("help", ()))
        self.found.append(make(code, message, span, label, **extra))

    def raw(self, text: ast.Str) -> tuple[str, int] | None:
        """The source characters of a string in the compiled file, and where they start."""
        span = text.span
        if span.file != self.source.path:
            return None
        starts = self.source._line_starts
        begin = starts[span.line - 1] + span.column - 1
        end = starts[span.end_line - 1] + span.end_column - 1
        return self.source.text[begin:end], begin

    def matches(self, text: ast.Str, pattern: re.Pattern):
        raw = self.raw(text)
        if raw is None:
            return
        body, begin = raw
        for match in pattern.finditer(body):
            yield match, self.source.span(begin + match.start(), begin + match.end()), body

    def run(self) -> list[Diagnostic]:
        seen: set[int] = set()
        for text in module_texts(self.main.ast):
            if id(text) in seen:
                continue
            seen.add(id(text))
            self.vague(text)
            self.physics(text)
            self.readable_text(text)
            self.contradictions(text)
            self.cut_in_prose(text)
        for job in self.analysis.jobs:
            if job.symbol.module is not self.main:
                continue
            if job.kind == "create":
                self.shot(job, self.analysis.shots[job.name])
            elif job.kind == "remix":
                self.remix(job.symbol.decl)
        return self.found

    # ---- text lints -------------------------------------------------------------------
    def vague(self, text: ast.Str) -> None:
        p = patterns()
        for match, span, body in self.matches(text, p["vague"]):
            if not self.specific(_clause(body, match.start(), match.end())):
                word = match.group(0)
                self.report("W101", f"`{word}` is vague: say what makes it so", span, "vague",
                            help=self.table["W101"]["help"]["default"])
        filler = set(self.table["W101"]["filler"])
        for match, span, body in self.matches(text, p["alone"]):
            clause = _clause(body, match.start(), match.end())
            rest = [w for w in re.findall(r"[\w/.-]+", clause.lower()) if w not in filler and w != match.group(0).lower()]
            if not rest:
                self.report("W101", f"`{match.group(0)}` on its own says nothing specific", span, "vague on its own",
                            help=self.table["W101"]["help"]["cinematic"])

    def specific(self, clause: str) -> bool:
        if re.search(r"\d", clause) or patterns()["specific"].search(clause):
            return True
        words = re.findall(r"[A-Za-z][\w'-]*", clause)
        return any(w[0].isupper() for w in words[1:])  # a proper name past the clause's first word

    def phrases(self, code: str, text: ast.Str, found: list[re.Pattern], message: str, label: str) -> None:
        """Report each match of any pattern once, the longest where matches overlap."""
        hits = []
        for pattern in found:
            for match, span, _ in self.matches(text, pattern):
                hits.append((span, match.group(0)))
        hits.sort(key=lambda h: (h[0].start, -h[0].end))
        end = -1
        for span, words in hits:
            if span.start < end:
                continue
            end = span.end
            shown = words.rstrip("\\\"“'‘ ").strip()
            self.report(code, message.format(shown), span, label)

    def physics(self, text: ast.Str) -> None:
        self.phrases("W102", text, patterns()["physics"], "impossible physics: `{}`", "the model cannot film this")

    def readable_text(self, text: ast.Str) -> None:
        self.phrases("W103", text, patterns()["text"], "readable text in frame: `{}`", "text the model will garble")

    def contradictions(self, text: ast.Str) -> None:
        for pattern, a, b in patterns()["pairs"]:
            for match, span, _ in self.matches(text, pattern):
                self.report("W105", f"contradictory traits: `{match.group(0)}`", span, f"`{a}` and `{b}` at once")

    def cut_in_prose(self, text: ast.Str) -> None:
        self.phrases("W112", text, patterns()["cut"], "a scene change written in prose: `{}`", "a cut inside one shot")

    # ---- shot lints ----------------------------------------------------------------------
    def shot(self, job, shot) -> None:
        view = shot.view
        name_span = view.variant.name.span if view.variant is not None else view.symbol.decl.name.span
        label = f"`{job.name}`"
        contexts = [(view.stmts, None)] + [(cut.stmts, cut) for cut, _ in cut_windows(view.stmts, shot.duration)]
        self.hands(contexts)
        self.overloaded(shot, contexts, label)
        for stmts, _ in contexts:
            for block in (s for s in stmts if isinstance(s, ast.Beats)):
                beats = [b for b in block.items if isinstance(b, ast.Beat)]
                limit = self.table["W107"]["max_beats"]
                if len(beats) > limit:
                    self.report("W107", f"{len(beats)} beats in one shot; more than {limit} steps make the model struggle",
                                beats[limit].span, f"beat {limit + 1}")
        duration = view.first(ast.DurationStmt)
        if shot.duration >= self.table["W108"]["min_ms"] and duration is not None:
            self.report("W108", f"a {seconds(shot.duration)}s clip drifts: long clips follow the prompt less well",
                        duration.duration.span, f"{seconds(shot.duration)}s")
        statements = list(shot.all_stmts())
        if shot.model is not None and shot.model.audio and not any(_has_sound(s) for s in statements):
            self.report("W109", f"{label} has no sound cue, but `{shot.model.name}` makes sound", name_span, "no sound",
                        help="add at least an ambient bed (`sound:` / `ambient \"rain on the window\"`); without one the "
                        "model improvises random Foley, as if the shot were visuals-only")
        if not any(isinstance(s, ast.Camera) for s in statements):
            self.report("W110", f"{label} has no `camera:` block", name_span, "no camera",
                        help="say the framing, lens and movement (`camera:` / `framing medium` / `lens 35mm`): "
                        "the model otherwise makes them up")
        if not any(isinstance(s, ast.Lighting) for s in statements):
            self.report("W111", f"{label} has no `lighting:` block", name_span, "no lighting",
                        help="name the key light and its direction (`lighting:` / `key \"window light\" from camera-left`) "
                        "and its quality: light is what keeps shots consistent")
        for cut, window in cut_windows(view.stmts, shot.duration):
            length = window.end - window.start
            if 1000 <= length < self.table["W113"]["min_cut_ms"]:
                self.report("W113", f"a {seconds(length)}s cut: faster than one cut per 2s", cut.timing.span, "rapid cut")
        for stmt in statements:
            if isinstance(stmt, ast.Overlay) and stmt.in_frame:
                self.in_frame(stmt)
        if not shot.style_items:
            self.report("W116", f"{label} has no style", name_span, "no style",
                        help="style is one of the strongest levers: `style \"cinematic Kodak 50mm, soft film grain, "
                        "warm teal-orange grade\"`, or `style NAME` from `std/styles`")
        self.prompt_length(job, shot, name_span)

    def hands(self, contexts) -> None:
        close = vocab.CLOSE_FRAMINGS
        for stmts, _ in contexts:
            framing = None
            for stmt in stmts:
                if isinstance(stmt, ast.Camera):
                    for item in stmt.items:
                        if isinstance(item, ast.Framing) and item.name.text in close:
                            framing = item.name
                        elif isinstance(item, ast.Move) and item.to_framing is not None and item.to_framing.text in close:
                            framing = framing or item.to_framing
            if framing is None:
                continue
            for text in stmt_texts([s for s in stmts if not isinstance(s, (ast.Cut, ast.Variant, ast.Camera))]):
                for match, span, _ in self.matches(text, patterns()["hands"]):
                    self.report("W104", f"`{match.group(0)}` in a {framing.text} framing: hands garble up close", span,
                                "hands in a close framing", secondary=[Label(framing.span, "close framing")])

    def overloaded(self, shot, contexts, label: str) -> None:
        table = self.table["W106"]
        for stmts, _ in contexts:
            moves = [i for s in stmts if isinstance(s, ast.Camera) for i in s.items if isinstance(i, ast.Move)]
            if len(moves) > table["max_moves"]:
                extra = moves[table["max_moves"]:]
                names = ", ".join(f"`{m.verb.text}`" for m in extra)
                self.report("W106", f"{len(moves)} camera moves in one shot", extra[0].span, "one move too many",
                            help=f"keep {table['max_moves']} moves here and split off {names} into a shot of its own")
        if len(shot.cast) > table["max_cast"]:
            extra = shot.cast[table["max_cast"]:]
            spans = [n.span for s in shot.view.all(ast.Cast) for n in s.names if n.text == extra[0].name]
            self.report("W106", f"{len(shot.cast)} characters in {label}", spans[0] if spans else shot.view.span,
                        "one character too many", help=f"keep {table['max_cast']} characters here; give "
                        + ", ".join(f"`{c.name}`" for c in extra) + " a shot of their own")
        if len(shot.anchors) > table["max_anchors"]:
            palette = shot.view.first(ast.PaletteRef, ast.PaletteBlock)
            self.report("W106", f"{len(shot.anchors)} palette anchors in {label}", palette.span, "too many colours",
                        help=f"keep the {table['max_anchors']} colours that carry the look; drop "
                        + ", ".join(f"`{a.name.text}`" for a in shot.anchors[table["max_anchors"]:]))
        run = table["max_stacked_adjectives"] + 1
        stacked = re.compile(r"(?:" + patterns()["adjectives"].pattern + r"(?:\s*,\s*|\s+and\s+|\s+)){" + str(run - 1) + r",}"
                             + patterns()["adjectives"].pattern, re.I)
        for text in stmt_texts(shot.view.stmts):
            for match, span, _ in self.matches(text, stacked):
                self.report("W106", f"stacked adjectives: `{match.group(0)}`", span, "too many adjectives at once",
                            help="the guide: 8-10 adjectives fragment a shot; keep the one or two that matter and make them concrete")

    def in_frame(self, overlay: ast.Overlay) -> None:
        raw = self.raw(ast.Str("", overlay.span))
        if raw is None:
            return
        body, begin = raw
        where = body.rfind("in-frame")
        span = self.source.span(begin + where, begin + where + len("in-frame")) if where >= 0 else overlay.span
        self.report("W114", f"`in-frame` asks the model to render \"{overlay.text.value}\"", span, "garbled text likely")

    def prompt_length(self, job, shot, name_span) -> None:
        from sorascript.lower.plan import PlanBuilder
        from sorascript.lower.prompt import PromptWriter

        builder = PlanBuilder(self.analysis)
        prompt = PromptWriter(shot, self.analysis.scopes, builder.continuity(job.symbol.name)).prompt()
        count = len(re.findall(r"[\w'’]+", prompt))
        limit = self.table["W117"]["max_words"]
        if count > limit:
            self.report("W117", f"the prompt of `{job.name}` is {count} words; past {limit} more detail stops helping",
                        name_span, f"{count} words")

    def remix(self, decl: ast.RemixDecl) -> None:
        lines = [i for i in decl.items if isinstance(i, ast.Prose)]
        verbs = [(m, span) for line in lines for m, span, _ in self.matches(line.text, patterns()["verbs"])]
        if len(lines) > 1:
            self.report("W115", f"remix `{decl.name.text}` asks for {len(lines)} changes", lines[1].span, "a second change")
        elif len(verbs) > 1:
            shown = ", ".join(f"`{m.group(0)}`" for m, _ in verbs)
            self.report("W115", f"remix `{decl.name.text}` asks for {len(verbs)} changes ({shown})", verbs[1][1],
                        "a second change", secondary=[Label(verbs[0][1], "first change")])


def _clause(body: str, start: int, end: int) -> str:
    left = max(body.rfind(c, 0, start) for c in ",.;:!?\n\"") + 1
    rights = [i for i in (body.find(c, end) for c in ",.;:!?\n\"") if i != -1]
    return body[left:min(rights) if rights else len(body)]


def _has_sound(stmt) -> bool:
    if isinstance(stmt, ast.Sound):
        return bool(stmt.items)
    if isinstance(stmt, ast.Beats):
        return any(isinstance(i, ast.SoundLine) for i in stmt.items)
    return False


def lint(analysis) -> list[Diagnostic]:
    return Linter(analysis).run()
