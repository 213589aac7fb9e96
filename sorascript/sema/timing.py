"""Time inside a clip, in integer milliseconds.

Cuts lie inside the clip, in order, apart, each at least 1 s. Everything timed
(beats, moves, dialogue, cues, overlays) lies inside the clip and inside its
cut; ranges are half-open, end after they start; beats do not overlap; moves
on one axis do not overlap (a `hold` overlaps nothing); dialogue, at about 2.5
words a second plus its pauses, fits the time left. The lowering uses the
same resolved times, so the prompt says what was checked.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass

from sorascript import vocab
from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.quantities import plural, seconds
from sorascript.quantities import time_range as span_text
from sorascript.syntax import ast

DEFAULT_DURATION_MS = 4000  # the Videos API's default `seconds`
MS_PER_WORD = 400  # 2.5 words a second
CROWDED = 0.8  # dialogue filling more than this share of its time crowds the clip
DEFAULT_PAUSE_MS = 1000
MIN_CUT_MS = 1000
WARP_DEGREES_PER_SECOND = 60
_AXIS_WORDS = {"push": "push/pull"}


def ms(q: ast.Quantity | None) -> int | None:
    if q is None:
        return None
    if q.kind == "duration":
        return q.value
    if q.kind == "integer" and q.value == 0:
        return 0
    return None


def words(text: str) -> int:
    """How many words: runs of letters, digits, `_` and apostrophes (`[\\w'’]+`).
    Counted by C loops (whole prompts are counted for W117): each character
    outside ASCII is first put as a letter or a space, then every byte is mapped
    to 1 (in a word) or 0, and a word starts wherever a 0 is followed by a 1."""
    if not text.isascii():
        text = _NON_ASCII.sub(_ascii_stand_in, text)
    flags = text.encode("ascii").translate(_IN_WORD)
    return flags.count(b"\x00\x01") + (flags[:1] == b"\x01")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IN_WORD = bytes(1 if chr(b).isalnum() or chr(b) in "_'" else 0 for b in range(128)) + bytes(128)


def _ascii_stand_in(match: re.Match) -> str:
    char = match.group()
    return "a" if char.isalnum() or char in "_’" else " "  # what `\\w` and `’` take, as the regex reads them


@lru_cache(maxsize=4096)  # lines recur ("Yes.", a refrain); each is timed by the checks, the lints and the prompt
def speaking_ms(text: str) -> int:
    return words(text) * MS_PER_WORD


def clip_duration(stmts) -> int:
    """The clip's length in ms as written (frame counts are worked out with the model, in `shot.py`)."""
    for stmt in stmts:
        if isinstance(stmt, ast.DurationStmt):
            value = ms(stmt.duration)
            return value if value and 0 < value <= 3_600_000 else DEFAULT_DURATION_MS
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


def block_times(items, window: Window) -> dict[int, tuple[int, int | None]]:
    """When each beat, line, pause and sound of a `beats:`, `dialogue:` or
    `sound:` block happens, by the item's id: a beat over its range (untimed
    beats share the window in order, the last to its end); a line at its `at`,
    else after what was said before it in the block, for as long as it takes
    to say; a pause after what came before; a sound at its point (no end), over
    its range, or untimed, over the rest of the window. In a `beats:` block what
    is written after a beat starts no earlier than that beat: lines, pauses and
    sounds between beats keep their written order. The checks, the prompt and
    the plan's timeline all use these times."""
    out: dict[int, tuple[int, int | None]] = {}
    untimed = [b for b in items if isinstance(b, ast.Beat) and b.timing is None]
    share = (window.end - window.start) // len(untimed) if untimed else 0
    for index, beat in enumerate(untimed):
        start = window.start + index * share
        out[id(beat)] = (start, window.end if index == len(untimed) - 1 else start + share)
    cursor = window.start
    floor = window.start  # where the last beat above starts: what is written after a beat happens during it
    for item in items:
        if isinstance(item, ast.Beat):
            if item.timing is not None:
                bounds = range_ms(item.timing)
                if bounds:
                    out[id(item)] = bounds
            if id(item) in out:
                floor = out[id(item)][0]
        elif isinstance(item, ast.Pause):
            length = ms(item.duration) if item.duration is not None else DEFAULT_PAUSE_MS
            cursor = max(cursor, floor)
            out[id(item)] = (cursor, cursor + (length or 0))
            cursor += length or 0
        elif isinstance(item, ast.Line):
            at = ms(item.timing.at) if isinstance(item.timing, ast.TimePoint) else None
            start = max(cursor, floor) if at is None else at
            said = speaking_ms(item.text.value)
            out[id(item)] = (start, max(start, min(start + said, window.end)))
            cursor = max(cursor, start + said)
        elif isinstance(item, ast.SoundLine):
            at = ms(item.timing.at) if isinstance(item.timing, ast.TimePoint) else None
            bounds = range_ms(item.timing) if isinstance(item.timing, ast.TimeRange) else None
            out[id(item)] = (at, None) if at is not None else bounds or (floor, window.end)
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
    """The time checks of every create job, one pass. A block is checked once
    per clip length and window it is rendered in: a block that shots inherit
    (from `defaults:`, a `from` base, a variant's shot) is checked again only
    where its context differs."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self._checked: set[tuple] = set()
        self.duration = 0

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def first_time(self, *key) -> bool:
        """Whether this block has not been checked in this context yet."""
        if key in self._checked:
            return False
        self._checked.add(key)
        return True

    def check(self, stmts, duration: int, times=block_times) -> None:
        """`times` is `block_times`, or the shot's memo of it (`ResolvedShot.times`)."""
        self.duration = duration
        self.times = times
        clip = Window(0, duration)
        self.context(stmts, clip)
        previous: tuple[ast.Cut, int, int] | None = None
        for stmt in stmts:
            if not isinstance(stmt, ast.Cut):
                continue
            checked = not self.first_time(id(stmt), duration)
            if isinstance(stmt.timing, ast.TimePoint):
                if not checked:
                    at = ms(stmt.timing.at)
                    end = min(at + 2000, duration) if at is not None and at < duration else (at or 0) + 2000
                    example = f"`cut {seconds(at)}s..{seconds(end)}s:`" if at is not None else "`cut 0s..2s:`"
                    self.report(make("E415", "a cut takes a range, such as `cut 0s..2s:`", stmt.timing.span,
                                     "a point, not a range",
                                     help=f"a cut is one camera setup from one time to another: write e.g. {example}"))
                continue
            bounds = range_ms(stmt.timing)
            if bounds is None:
                continue
            start, end = bounds
            if end <= start:
                if not checked:
                    self.ordered(stmt.timing, start, end, "this cut")
                continue
            if checked:
                pass
            elif start < 0 or end > duration:
                self.report(make("E401", f"this cut ({span_text(start, end)}) runs past the {seconds(duration)}s clip",
                                 stmt.timing.span, "outside the clip",
                                 help=f"cuts divide one clip: keep every cut inside `0s..{seconds(duration)}s`, or lengthen the shot"))
            elif end - start < MIN_CUT_MS:
                self.report(make("E403", f"this cut lasts {seconds(end - start)}s; a cut needs at least 1s", stmt.timing.span,
                                 "too short to read", help="merge it with a neighbour, or give it a second or more"))
            if previous is not None and start < previous[2] and self.first_time(id(previous[0]), id(stmt)):
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
            if not self.first_time(id(stmt), window.start, window.end, self.duration):
                continue
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
        previous: TimedMove | None = None
        for entry in timed:
            move = entry.move
            over = ms(move.over)
            span = move.timing.span if move.timing is not None else move.span
            verb = move.verb.text
            follows, previous = previous, entry
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
            if move.timing is None and follows is not None and entry.end > min(window.end, self.duration):
                self.overrun(entry, follows, window)
                continue
            if not self.inside(span, entry.start, entry.end, window, f"`{verb}`"):
                continue
            valid.append(entry)
        # An unknown verb is already E210: which axis it would move on is anyone's guess.
        known = [entry for entry in valid if entry.move.verb.text in vocab.MOVES]
        for later, earlier in self.conflicts(known):
            self.report_conflict(earlier, later)
        for entry in valid:
            self.speed(entry)

    def overrun(self, entry: TimedMove, follows: TimedMove, window: Window) -> None:
        """An untimed move runs on from the move before it, and past its clip or cut."""
        verb = entry.move.verb.text
        end = min(window.end, self.duration)
        where = "cut" if window.cut else "clip"
        length = entry.end - entry.start
        words = " ".join(t for t in (verb, entry.move.direction.text if entry.move.direction else "") if t)
        hint = []
        if length <= end - window.start:
            hint.append(f"to run it alongside the move before it, give it a range: `{seconds(window.start)}s..{seconds(window.start + length)}s {words}`")
        if end > entry.start:
            hint.append(f"to follow the move before it, fit it in what is left: `over {seconds(end - entry.start)}s`")
        self.report(make(
            "E404", f"this `{verb}` starts at {seconds(entry.start)}s, where the `{follows.move.verb.text}` before it ends, "
            f"and runs to {seconds(entry.end)}s, past the {seconds(end)}s {where}",
            entry.move.span, f"starts at {seconds(entry.start)}s", secondary=[Label(follows.move.span, f"ends at {seconds(follows.end)}s")],
            help=hint or [f"an untimed move starts where the move before it ends; give it a range inside `{seconds(window.start)}s..{seconds(end)}s`"],
        ))

    @staticmethod
    def conflicts(moves: list[TimedMove]) -> list[tuple[TimedMove, TimedMove]]:
        """(later, earlier) pairs of moves that overlap on one axis, or with a
        hold, each later move once: sorted sweeps, not every pair."""
        order = {id(m): i for i, m in enumerate(moves)}
        found: dict[int, tuple[TimedMove, TimedMove]] = {}

        def note(a: TimedMove, b: TimedMove) -> None:
            later, earlier = (a, b) if order[id(a)] > order[id(b)] else (b, a)
            if id(later) not in found or order[id(earlier)] < order[id(found[id(later)][1])]:
                found[id(later)] = (later, earlier)

        axes: dict[str, list[TimedMove]] = {}
        for m in moves:
            spec = vocab.MOVES.get(m.move.verb.text)
            if spec is not None and spec.axis is not None:
                axes.setdefault(spec.axis, []).append(m)
        for group in axes.values():
            widest = None
            for m in sorted(group, key=lambda m: (m.start, order[id(m)])):
                if widest is not None and m.start < widest.end:
                    note(m, widest)
                if widest is None or m.end > widest.end:
                    widest = m
        widest_any = widest_hold = None
        for m in sorted(moves, key=lambda m: (m.start, order[id(m)])):
            is_hold = (vocab.MOVES.get(m.move.verb.text) or vocab.MOVES["hold"]).axis is None
            if is_hold and widest_any is not None and m.start < widest_any.end:
                note(m, widest_any)
            elif not is_hold and widest_hold is not None and m.start < widest_hold.end:
                note(m, widest_hold)
            if widest_any is None or m.end > widest_any.end:
                widest_any = m
            if is_hold and (widest_hold is None or m.end > widest_hold.end):
                widest_hold = m
        return sorted(found.values(), key=lambda pair: order[id(pair[0])])

    def report_conflict(self, earlier: TimedMove, later: TimedMove) -> None:
        a = vocab.MOVES[earlier.move.verb.text]
        first, second = earlier.move.verb.text, later.move.verb.text
        if a.axis is None or vocab.MOVES[second].axis is None:
            hint = "a hold keeps the camera still, so nothing moves during it: end the hold before the move starts, or drop it"
        else:
            hint = (f"both move the camera on the {_AXIS_WORDS.get(a.axis, a.axis)} axis: give them times that follow each other, "
                    "or combine them into one move")
        self.report(make(
            "E408", f"`{second}` ({span_text(later.start, later.end)}) overlaps `{first}` ({span_text(earlier.start, earlier.end)})",
            later.move.span, "overlapping move", secondary=[Label(earlier.move.span, "this move")], help=hint,
        ))

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
        starts: list[int] = []  # when each line that overlaps none before it is spoken, in time order
        spoken_at: list[tuple[ast.Line, int, int]] = []
        beats = self.times(items, window) if any(isinstance(i, ast.Beat) for i in items) else {}
        floor = window.start  # as in `block_times`: what follows a beat starts no earlier than it
        for item in items:
            if isinstance(item, ast.Beat):
                floor = beats[id(item)][0] if id(item) in beats else floor
            elif isinstance(item, ast.Pause):
                length = ms(item.duration) if item.duration is not None else DEFAULT_PAUSE_MS
                cursor = max(cursor, floor)
                cursor += length or 0
                spoken += length or 0
            elif isinstance(item, ast.Line):
                start = max(cursor, floor)
                if isinstance(item.timing, ast.TimePoint) and ms(item.timing.at) is not None:
                    start = ms(item.timing.at)
                    if not window.start <= start < window.end:
                        return  # already reported outside the clip or cut (E404/E405)
                    if first_start is not None and start < cursor:
                        spoken -= min(cursor - start, spoken)  # it starts before the pause (or line) above ends
                need = speaking_ms(item.text.value)
                index = bisect.bisect_right(starts, start) - 1  # the lines kept are disjoint: only this one can hold `start`
                if index >= 0 and spoken_at[index][1] <= start < spoken_at[index][2]:
                    self.overlapping_lines(item, start, spoken_at[index])
                else:
                    starts.insert(index + 1, start)
                    spoken_at.insert(index + 1, (item, start, start + need))
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

    def overlapping_lines(self, line: ast.Line, start: int, said: tuple[ast.Line, int, int]) -> None:
        before, before_start, before_end = said
        speaker = before.speaker.text
        self.report(make(
            "E417", f"this line at {seconds(start)}s starts while `{speaker}`'s line before it is still being spoken "
            f"({span_text(before_start, before_end)})", line.timing.span, "starts too early",
            secondary=[Label(before.text.span, f"{plural(words(before.text.value), 'word')}: spoken until about {seconds(before_end)}s")],
            help=[f"start it when the line before it ends: `at {seconds(before_end)}s {line.speaker.text}: …`",
                  "or shorten the line before it (about 2.5 words a second)"],
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
    return block.span.head(len(block.KIND))
