"""Time inside a clip, in integer milliseconds.

Cuts lie inside the clip, in order, apart, each at least 1 s. Everything timed
(beats, moves, dialogue, cues, overlays) lies inside the clip and inside its
cut; ranges are half-open, end after they start; beats do not overlap; moves
on one axis do not overlap (a `hold` overlaps nothing); dialogue, at about 2.5
words a second plus its pauses, fits the time left. The lowering uses the
same resolved times, so the prompt says what was checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sorascript import vocab
from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.syntax import ast

DEFAULT_DURATION_MS = 4000  # the Videos API's default `seconds`
MS_PER_WORD = 400  # 2.5 words a second
CROWDED = 0.8  # dialogue filling more than this share of its time crowds the clip
DEFAULT_PAUSE_MS = 1000
MIN_CUT_MS = 1000
WARP_DEGREES_PER_SECOND = 60
_AXIS_WORDS = {"push": "push/pull"}
_WORD = re.compile(r"[\w'’]+")


def ms(q: ast.Quantity | None) -> int | None:
    if q is None:
        return None
    if q.kind == "duration":
        return q.value
    if q.kind == "integer" and q.value == 0:
        return 0
    return None


def seconds(value: int) -> str:
    """Milliseconds as seconds for people: 2400 -> "2.4", 2000 -> "2"."""
    whole, rest = divmod(value, 1000)
    if rest == 0:
        return str(whole)
    return f"{value / 1000:.3f}".rstrip("0").rstrip(".")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def span_text(start: int, end: int) -> str:
    return f"{seconds(start)}-{seconds(end)}s"


def words(text: str) -> int:
    return len(_WORD.findall(text))


def speaking_ms(text: str) -> int:
    return words(text) * MS_PER_WORD


def clip_duration(stmts) -> int:
    for stmt in stmts:
        if isinstance(stmt, ast.DurationStmt):
            value = ms(stmt.duration)
            return value if value and value > 0 else DEFAULT_DURATION_MS
    return DEFAULT_DURATION_MS


@dataclass(frozen=True)
class Window:
    start: int
    end: int
    cut: ast.Cut | None = None


@dataclass(frozen=True)
class TimedMove:
    move: ast.Move
    start: int
    end: int


def range_ms(timing) -> tuple[int, int] | None:
    if isinstance(timing, ast.TimeRange):
        start, end = ms(timing.start), ms(timing.end)
        if start is not None and end is not None:
            return start, end
    return None


def resolve_moves(items, window: Window) -> list[TimedMove]:
    """Each move's time: its range; or from `at T`, or from where the previous
    move ended, for `over D` or to the end of its cut or clip."""
    cursor = window.start
    out = []
    for move in items:
        if not isinstance(move, ast.Move):
            continue
        over = ms(move.over)
        if isinstance(move.timing, ast.TimeRange):
            start, end = range_ms(move.timing) or (cursor, cursor)
        else:
            start = ms(move.timing.at) if isinstance(move.timing, ast.TimePoint) else cursor
            if start is None:
                start = cursor
            end = start + over if over else window.end
        out.append(TimedMove(move, start, end))
        cursor = end
    return out


def cut_windows(stmts, duration: int) -> list[tuple[ast.Cut, Window]]:
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Cut):
            bounds = range_ms(stmt.timing)
            if bounds is not None:
                out.append((stmt, Window(bounds[0], bounds[1], stmt)))
    return out


class TimeChecker:
    def __init__(self, stmts, duration: int, diagnostics: list[Diagnostic]) -> None:
        self.stmts = stmts
        self.duration = duration
        self.diagnostics = diagnostics

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def run(self) -> None:
        clip = Window(0, self.duration)
        self.context(self.stmts, clip)
        previous: tuple[ast.Cut, int, int] | None = None
        for stmt in self.stmts:
            if not isinstance(stmt, ast.Cut):
                continue
            if isinstance(stmt.timing, ast.TimePoint):
                at = ms(stmt.timing.at)
                example = f"`cut {seconds(at)}s..{seconds(min(at + 2000, self.duration) if at < self.duration else at + 2000)}s:`" \
                    if at is not None else "`cut 0s..2s:`"
                self.report(make("E415", "a cut takes a range, such as `cut 0s..2s:`", stmt.timing.span, "a point, not a range",
                                 help=f"a cut is one camera setup from one time to another: write e.g. {example}"))
                continue
            bounds = range_ms(stmt.timing)
            if bounds is None:
                continue
            start, end = bounds
            if not self.ordered(stmt.timing, start, end, "this cut"):
                continue
            if start < 0 or end > self.duration:
                self.report(make("E401", f"this cut ({span_text(start, end)}) runs past the {seconds(self.duration)}s clip",
                                 stmt.timing.span, "outside the clip",
                                 help=f"cuts divide one clip: keep every cut inside `0s..{seconds(self.duration)}s`, or lengthen the shot"))
            elif end - start < MIN_CUT_MS:
                self.report(make("E403", f"this cut lasts {seconds(end - start)}s; a cut needs at least 1s", stmt.timing.span,
                                 "too short to read", help="merge it with a neighbour, or give it a second or more"))
            if previous is not None and start < previous[2]:
                what = "starts before the previous cut ends" if start >= previous[1] else "comes before the previous cut"
                self.report(make("E402", f"this cut ({span_text(start, end)}) {what} ({span_text(previous[1], previous[2])})",
                                 stmt.timing.span, "overlaps or goes back in time",
                                 secondary=[Label(previous[0].timing.span, "previous cut")],
                                 help="write cuts in time order, each starting where (or after) the previous one ends"))
            previous = (stmt, start, end)
            self.context(stmt.stmts, Window(start, end, stmt))

    # ---- one shot or one cut ----------------------------------------------------------
    def context(self, stmts, window: Window) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.Camera):
                self.moves(stmt.items, window)
            elif isinstance(stmt, ast.Beats):
                self.beats(stmt, window)
            elif isinstance(stmt, ast.Dialogue):
                self.points(stmt.items, window, "dialogue line")
                self.dialogue_fit(stmt.items, window, stmt)
            elif isinstance(stmt, ast.Sound):
                self.points(stmt.items, window, "sound line")
            elif isinstance(stmt, ast.Overlay):
                self.overlay(stmt, window)

    def ordered(self, timing: ast.TimeRange, start: int, end: int, what: str) -> bool:
        if end <= start:
            if end < start:
                hint = f"write the range as START..END with END later: did you mean `{seconds(end)}s..{seconds(start)}s`?"
            else:
                hint = f"give it an end after its start, e.g. `{seconds(start)}s..{seconds(start + 1000)}s`"
            self.report(make("E406", f"{what} ends at {seconds(end)}s, not after it starts at {seconds(start)}s",
                             timing.span, "ends before it starts" if end < start else "lasts no time", help=hint))
            return False
        return True

    def inside(self, span, start: int, end: int, window: Window, what: str) -> bool:
        """Report a time outside the clip (E404) or outside its cut (E405)."""
        if start < 0 or end > self.duration:
            where = f"ends at {seconds(end)}s, after the {seconds(self.duration)}s clip ends" if end > self.duration \
                else f"starts at {seconds(start)}s, before the clip starts"
            self.report(make("E404", f"this {what} {where}", span, "outside the clip",
                             help=f"keep it inside `0s..{seconds(self.duration)}s`, or lengthen the shot"))
            return False
        if window.cut is not None and (start < window.start or end > window.end):
            self.report(make("E405", f"this {what} ({span_text(start, end)}) is outside its cut ({span_text(window.start, window.end)})",
                             span, "outside its cut", secondary=[Label(window.cut.timing.span, "the cut")],
                             help=f"times in a cut count from the start of the clip: keep them inside the cut's "
                             f"`{seconds(window.start)}s..{seconds(window.end)}s`"))
            return False
        return True

    def point_inside(self, span, at: int, window: Window, what: str) -> bool:
        if at < 0 or at >= self.duration:
            self.report(make("E404", f"this {what} at {seconds(at)}s is outside the {seconds(self.duration)}s clip", span,
                             "outside the clip", help=f"a time point lies in `0s..{seconds(self.duration)}s` (the end excluded)"))
            return False
        if window.cut is not None and not window.start <= at < window.end:
            self.report(make("E405", f"this {what} at {seconds(at)}s is outside its cut ({span_text(window.start, window.end)})",
                             span, "outside its cut", secondary=[Label(window.cut.timing.span, "the cut")],
                             help=f"times in a cut count from the start of the clip: keep it inside the cut's "
                             f"`{seconds(window.start)}s..{seconds(window.end)}s` (the end excluded)"))
            return False
        return True

    # ---- blocks ----------------------------------------------------------------------------
    def moves(self, items, window: Window) -> None:
        timed = resolve_moves(items, window)
        valid: list[TimedMove] = []
        for entry in timed:
            move = entry.move
            over = ms(move.over)
            span = move.timing.span if move.timing is not None else move.span
            verb = move.verb.text
            if isinstance(move.timing, ast.TimeRange):
                bounds = range_ms(move.timing)
                if bounds is None or not self.ordered(move.timing, *bounds, f"this `{verb}`"):
                    continue
                if over is not None and over != bounds[1] - bounds[0]:
                    self.report(make("E409", f"this `{verb}` runs {span_text(*bounds)} ({seconds(bounds[1] - bounds[0])}s) "
                                     f"but says `over {move.over.text}`", move.over.span, "disagrees with the range",
                                     secondary=[Label(move.timing.span, "the range")],
                                     help=f"give one of the two: drop `over {move.over.text}`, or write the range "
                                     f"`{seconds(bounds[0])}s..{seconds(bounds[0] + over)}s`"))
                    continue
            elif entry.end <= entry.start:
                self.report(make("E406", f"this `{verb}` starts at {seconds(entry.start)}s, where its "
                                 f"{'cut' if window.cut else 'clip'} ends, and has no time left", move.span, "no time left",
                                 help="the move before it runs to the end; give that one `over DURATION`, or time this one"))
                continue
            if not self.inside(span, entry.start, entry.end, window, f"`{verb}`"):
                continue
            valid.append(entry)
        for index, entry in enumerate(valid):
            for earlier in valid[:index]:
                if self.conflict(earlier, entry):
                    break
            self.speed(entry)

    def conflict(self, earlier: TimedMove, later: TimedMove) -> bool:
        a = vocab.MOVES.get(earlier.move.verb.text)
        b = vocab.MOVES.get(later.move.verb.text)
        if a is None or b is None:
            return False
        if not (earlier.start < later.end and later.start < earlier.end):
            return False
        if a.axis is not None and b.axis is not None and a.axis != b.axis:
            return False
        first, second = earlier.move.verb.text, later.move.verb.text
        if a.axis is None or b.axis is None:
            hint = "a hold keeps the camera still, so nothing moves during it: end the hold before the move starts, or drop it"
        else:
            hint = (f"both move the camera on the {_AXIS_WORDS.get(a.axis, a.axis)} axis: give them times that follow each other, "
                    "or combine them into one move")
        self.report(make(
            "E408", f"`{second}` ({span_text(later.start, later.end)}) overlaps `{first}` ({span_text(earlier.start, earlier.end)})",
            later.move.span, "overlapping move", secondary=[Label(earlier.move.span, "this move")], help=hint,
        ))
        return True

    def speed(self, entry: TimedMove) -> None:
        amount = entry.move.amount
        if amount is None or amount.kind != "angle" or entry.end <= entry.start:
            return
        rate = abs(amount.value) * 1000 / (entry.end - entry.start)
        if rate > WARP_DEGREES_PER_SECOND:
            verb = entry.move.verb.text
            need = abs(amount.value) * 1000 / WARP_DEGREES_PER_SECOND
            self.report(make(
                "W202", f"`{verb}` turns {amount.text} in {seconds(entry.end - entry.start)}s ({rate:.0f}°/s): fast moves warp",
                entry.move.span, f"{rate:.0f}°/s", help=f"at most 60°/s renders cleanly: give it about {seconds(int(-(-need // 100) * 100))}s, "
                "or cut between two framings instead",
            ))

    def beats(self, block: ast.Beats, window: Window) -> None:
        beats = [b for b in block.items if isinstance(b, ast.Beat)]
        timed = [b for b in beats if b.timing is not None]
        untimed = [b for b in beats if b.timing is None]
        if timed and untimed:
            self.report(make("E416", "this `beats:` block mixes timed and untimed beats", untimed[0].span, "untimed beat",
                             secondary=[Label(timed[0].timing.span, "timed beat")],
                             help="time every beat (`0s..2s \"…\"`) or none of them; untimed beats are lowered in order"))
        placed: list[tuple[ast.Beat, int, int]] = []
        for beat in timed:
            if isinstance(beat.timing, ast.TimePoint):
                self.point_for_range(beat.timing, "a beat", "a beat is an action with a start and an end", 1000)
                continue
            bounds = range_ms(beat.timing)
            if bounds is None or not self.ordered(beat.timing, *bounds, "this beat"):
                continue
            if self.inside(beat.timing.span, *bounds, window, "beat"):
                placed.append((beat, *bounds))
        placed.sort(key=lambda b: (b[1], b[2]))
        for (before, _, before_end), (beat, start, end) in zip(placed, placed[1:]):
            if start < before_end:
                self.report(make("E407", f"this beat ({span_text(start, end)}) overlaps the beat before it "
                                 f"(until {seconds(before_end)}s)", beat.timing.span, "overlaps",
                                 secondary=[Label(before.timing.span, "this beat")],
                                 help="beats are steps that follow each other; ranges may touch (`0s..2s`, `2s..4s`)"))
        self.points([i for i in block.items if not isinstance(i, ast.Beat)], window, "line")
        self.dialogue_fit(block.items, window, block)

    def points(self, items, window: Window, what: str) -> None:
        """`at T` lines (dialogue, sfx, cues): inside the window and in order."""
        last: tuple[int, object] | None = None
        for item in items:
            timing = getattr(item, "timing", None)
            if timing is None:
                continue
            noun = "dialogue line" if isinstance(item, ast.Line) else f"`{item.kind}`" if isinstance(item, ast.SoundLine) else what
            if isinstance(timing, ast.TimeRange):
                if isinstance(item, ast.Line):
                    start = ms(timing.start)
                    when = f"{seconds(start)}s" if start is not None else "2s"
                    self.report(make("E415", "a dialogue line takes `at T`, not a range", timing.span, "a range",
                                     help=f"write `at {when} {item.speaker.text}: \"…\"`; the line lasts as long as it takes to say"))
                    continue
                bounds = range_ms(timing)
                if bounds and self.ordered(timing, *bounds, f"this {noun}"):
                    self.inside(timing.span, *bounds, window, noun)
                at = bounds[0] if bounds else None
            else:
                at = ms(timing.at)
                if at is None or not self.point_inside(timing.span, at, window, noun):
                    continue
            if at is None:
                continue
            if last is not None and at < last[0]:
                self.report(make("E411", f"this {noun} at {seconds(at)}s comes after one at {seconds(last[0])}s",
                                 timing.span, "out of order", secondary=[Label(last[1].span, "later time written first")],
                                 help="write timed lines in time order"))
            last = (at, timing)

    def dialogue_fit(self, items, window: Window, block) -> None:
        cursor = window.start
        first_start = None
        spoken = 0
        for item in items:
            if isinstance(item, ast.Pause):
                length = ms(item.duration) if item.duration is not None else DEFAULT_PAUSE_MS
                cursor += length or 0
                spoken += length or 0
            elif isinstance(item, ast.Line):
                start = cursor
                if isinstance(item.timing, ast.TimePoint) and ms(item.timing.at) is not None:
                    start = ms(item.timing.at)
                    if not window.start <= start < window.end:
                        return  # already reported outside the clip or cut (E404/E405)
                    if first_start is not None and start < cursor:
                        spoken -= min(cursor - start, spoken)  # it starts before the pause (or line) above ends
                need = speaking_ms(item.text.value)
                if first_start is None:
                    first_start = start
                if start + need > window.end:
                    left = max(window.end - start, 0)
                    where = "cut" if window.cut else "clip"
                    self.report(make(
                        "E410", f"this line needs about {seconds(need)}s to say, but only {seconds(left)}s of the {where} are left",
                        item.text.span, f"{plural(words(item.text.value), 'word')}, about {seconds(need)}s at 2.5 words a second",
                        help=f"shorten it, start it earlier, or lengthen the {'cut' if window.cut else 'shot'}: "
                        f"it would end at {seconds(start + need)}s, after the {where} ends at {seconds(window.end)}s",
                    ))
                    return
                spoken += need
                cursor = start + need
        if first_start is None:
            return
        available = window.end - first_start
        if available > 0 and spoken > CROWDED * available:
            self.report(make(
                "W204", f"the dialogue takes about {seconds(spoken)}s of the {seconds(available)}s it has",
                _header(block), "crowded",
                help=f"speech fills more than {CROWDED:.0%} of its time, and lip-sync suffers when it does: "
                "cut words, or give the shot more time",
            ))

    def point_for_range(self, timing: ast.TimePoint, what: str, why: str, length: int) -> None:
        """E415: `at T` where a range belongs; the help suggests a range starting at T."""
        at = ms(timing.at)
        example = f"`{seconds(at)}s..{seconds(at + length)}s`" if at is not None else "`0s..2s`"
        self.report(make("E415", f"{what} takes a range such as `0s..2s`, not a point", timing.span, "a point",
                         help=f"{why}: write e.g. {example}"))

    def overlay(self, overlay: ast.Overlay, window: Window) -> None:
        if overlay.timing is None:
            return
        if isinstance(overlay.timing, ast.TimePoint):
            self.point_for_range(overlay.timing, "an overlay", "an overlay is on screen from one time to another", 2000)
            return
        bounds = range_ms(overlay.timing)
        if bounds and self.ordered(overlay.timing, *bounds, "this overlay"):
            self.inside(overlay.timing.span, *bounds, window, "overlay")


def _header(block):
    """The span of a block's header word (`dialogue`), not its whole body."""
    span = block.span
    return type(span)(span.file, span.start, span.start + len(type(block).__name__), span.line, span.column,
                      span.line, span.column + len(type(block).__name__))
