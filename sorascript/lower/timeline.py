"""A create job's timeline: when each beat, line, move, sound and cut happens.

The plan carries it beside the request for what comes after generation: the
built-in server draws its animatic from it, assembly and the timeline export
mark beats and dialogue lines with it. Times are those the checker proved:
moves as `resolve_moves` places them, dialogue at about 2.5 words a second
after its pauses, untimed beats sharing their window in order.
"""

from __future__ import annotations

from sorascript.lower import phrasing as say
from sorascript.lower.content import Gatherer
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import DEFAULT_PAUSE_MS, Window, cut_windows, ms, range_ms, resolve_moves, speaking_ms
from sorascript.syntax import ast


def _s(value: int) -> float:
    return value / 1000


class _Timeline:
    def __init__(self, shot: ResolvedShot, scopes) -> None:
        self.shot = shot
        self.names = Gatherer(shot, scopes)
        self.beats: list[dict] = []
        self.lines: list[dict] = []
        self.moves: list[dict] = []
        self.sounds: list[dict] = []

    def block(self, stmts, window: Window) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.Camera):
                for timed in resolve_moves(stmt.items, window):
                    self.moves.append({"start_s": _s(timed.start), "end_s": _s(timed.end), "text": say.move(timed, times=False)})
            elif isinstance(stmt, ast.Beats):
                self.beat_block(stmt.items, window)
                self.spoken(stmt.items, window)
            elif isinstance(stmt, ast.Dialogue):
                self.spoken(stmt.items, window)
            elif isinstance(stmt, ast.Sound):
                for item in stmt.items:
                    if isinstance(item, ast.SoundLine):
                        self.sound(item, window)

    def beat_block(self, items, window: Window) -> None:
        beats = [b for b in items if isinstance(b, ast.Beat)]
        untimed = [b for b in beats if b.timing is None]
        share = (window.end - window.start) // len(untimed) if untimed else 0
        for index, beat in enumerate(untimed):
            start = window.start + index * share
            end = window.end if index == len(untimed) - 1 else start + share
            self.beats.append({"start_s": _s(start), "end_s": _s(end), "text": beat.text.value})
        for beat in beats:
            bounds = range_ms(beat.timing) if beat.timing is not None else None
            if bounds:
                self.beats.append({"start_s": _s(bounds[0]), "end_s": _s(bounds[1]), "text": beat.text.value})

    def spoken(self, items, window: Window) -> None:
        """Dialogue lines where they are said (as the checker times them), and
        the sound lines of a `beats:` block."""
        cursor = window.start
        for item in items:
            if isinstance(item, ast.Pause):
                cursor += (ms(item.duration) if item.duration is not None else DEFAULT_PAUSE_MS) or 0
            elif isinstance(item, ast.Line):
                start = cursor
                if isinstance(item.timing, ast.TimePoint) and ms(item.timing.at) is not None:
                    start = ms(item.timing.at)
                end = min(start + speaking_ms(item.text.value), window.end)
                line = {"start_s": _s(start), "end_s": _s(max(end, start)), "speaker": self.names.speaker_name(item.speaker),
                        "text": item.text.value}
                if item.delivery is not None:
                    line["delivery"] = item.delivery.value
                self.lines.append(line)
                cursor = max(cursor, start + speaking_ms(item.text.value))
            elif isinstance(item, ast.SoundLine):
                self.sound(item, window)

    def sound(self, item: ast.SoundLine, window: Window) -> None:
        if isinstance(item.timing, ast.TimePoint) and ms(item.timing.at) is not None:
            start, end = ms(item.timing.at), None
        elif isinstance(item.timing, ast.TimeRange) and range_ms(item.timing):
            start, end = range_ms(item.timing)
        else:
            start, end = window.start, window.end
        entry = {"start_s": _s(start), "kind": item.kind, "text": item.text.value}
        if end is not None:
            entry["end_s"] = _s(end)
        self.sounds.append(entry)


def timeline(shot: ResolvedShot, scopes) -> dict:
    """The job's `timeline`, every list in time order."""
    made = _Timeline(shot, scopes)
    clip = Window(0, shot.duration)
    made.block(shot.view.stmts, clip)
    cuts = []
    for cut, window in cut_windows(shot.view.stmts, shot.duration):
        made.block(cut.stmts, window)
        entry = {"start_s": _s(window.start), "end_s": _s(window.end)}
        if cut.title is not None:
            entry["title"] = cut.title.value
        cuts.append(entry)
    order = lambda item: (item["start_s"], item.get("end_s", item["start_s"]))  # noqa: E731
    out = {"duration_s": _s(shot.duration)}
    palette = [a.color.value for a in shot.anchors if a.color is not None and a.color.kind == "color"]
    if palette:
        out["palette"] = palette
    for key, items in (("beats", made.beats), ("lines", made.lines), ("moves", made.moves), ("sounds", made.sounds),
                       ("cuts", cuts)):
        if items:
            out[key] = sorted(items, key=order)
    if not made.names.audible:
        out.pop("lines", None)
        out.pop("sounds", None)
    return out
