"""A create job's timeline: when each beat, line, move, sound and cut happens.

The plan carries it beside the request for what comes after generation: the
built-in server draws its animatic from it, assembly and the timeline export
mark beats and dialogue lines with it. Times are those the checker proved:
moves as `resolve_moves` places them, dialogue at about 2.5 words a second
after its pauses, untimed beats sharing their window in order.
"""

from __future__ import annotations

from functools import lru_cache

from sorascript.lower.content import Content, gathered
from sorascript.sema.shot import ResolvedShot


@lru_cache(maxsize=8192)  # times recur from shot to shot: one float for each, not one per entry
def _s(value: int) -> float:
    return value / 1000


def timeline(shot: ResolvedShot, content: tuple[Content, list] | None = None, scopes=None) -> dict:
    """The job's `timeline`, every list in time order, from the same timed
    pieces the prompt is written from (`content`, else gathered here)."""
    shared, cuts = content if content is not None else gathered(shot, scopes)
    beats, lines, moves, sounds = [], [], [], []
    for content in [shared] + [c for _, c in cuts]:
        for piece in content.pieces("action", "dialogue", "move", "sound"):
            kind = piece.kind.split(".", 1)[0]
            if piece.start is None or kind not in ("beat", "line", "move", "sound"):
                continue
            entry = {"start_s": _s(piece.start)}
            if piece.end is not None:
                entry["end_s"] = _s(piece.end)
            if kind == "beat":
                beats.append({**entry, "text": piece.text})
            elif kind == "move":
                moves.append({**entry, "text": piece.text})
            elif kind == "line":
                line = {**entry, "speaker": piece.fields["speaker"], "text": piece.text}
                if piece.fields["delivery"] is not None:
                    line["delivery"] = piece.fields["delivery"]
                lines.append(line)
            else:
                sounds.append({"start_s": entry["start_s"], "kind": piece.kind.split(".", 1)[1], "text": piece.text,
                               **({"end_s": entry["end_s"]} if "end_s" in entry else {})})
    cut_list = []
    for _, content in cuts:
        entry = {"start_s": _s(content.window.start), "end_s": _s(content.window.end)}
        if content.cut.title is not None:
            entry["title"] = content.cut.title.value
        cut_list.append(entry)
    order = lambda item: (item["start_s"], item.get("end_s", item["start_s"]))  # noqa: E731
    out = {"duration_s": _s(shot.duration)}
    palette = [a.color.value for a in shot.anchors if a.color is not None and a.color.kind == "color"]
    if palette:
        out["palette"] = palette
    for key, items in (("beats", beats), ("lines", lines), ("moves", moves), ("sounds", sounds), ("cuts", cut_list)):
        if items:
            out[key] = sorted(items, key=order)
    return out
