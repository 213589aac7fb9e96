"""The one lowering of a shot's gathered content into a prompt, driven by the
profile tables of `layouts.toml` (`guide`, `paragraph`, `timeline`).

A profile says which buckets each section takes, in what form and order,
how each kind of piece is phrased, how cuts are said and whether the cast is
described on lines of its own or where the prompt first names them. Nothing
here knows a profile by name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Callable, NamedTuple

from sorascript.lower import phrasing as say
from sorascript.quantities import seconds
from sorascript.lower.content import Content, Piece

# ---- phrases: `{field}`, `{field|cap}`, `{field|low}`, `<optional>` ----------------------------------
_TOKEN = re.compile(r"<|>|\{(\w+)(?:\|(\w+))?\}|[^<>{]+|\{")
_ARTICLES = frozenset("a an the her his their its our my one two this that some".split())


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    """A leading article in lower case: `A woman…` -> "a woman…"; a name keeps its capital."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in _ARTICLES else text


_FILTERS = {None: lambda text: text, "cap": _cap, "low": _low}


class _Field(NamedTuple):
    name: str
    filter: Callable[[str], str]


@cache
def _compiled(template: str) -> tuple:
    """A phrase as parts: literal strings, fields, and optional groups (tuples of those)."""
    top: list = []
    group: list | None = None
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token == "<":
            group = []
        elif token == ">" and group is not None:
            top.append(tuple(group))
            group = None
        else:
            part = _Field(match.group(1), _FILTERS[match.group(2)]) if match.group(1) else token
            (top if group is None else group).append(part)
    return tuple(top)


def fill(template: str, fields: dict) -> str:
    out = []
    for part in _compiled(template):
        kind = type(part)
        if kind is str:
            out.append(part)
        elif kind is _Field:
            value = fields.get(part.name)
            out.append(part.filter(str(value)) if value else "")
        elif all(fields.get(p.name) for p in part if type(p) is _Field):
            # an optional group: said only when every field in it has a value
            out.extend(p if type(p) is str else p.filter(str(fields[p.name])) for p in part)
    return "".join(out)


# ---- the tables ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    take: tuple[tuple[str, str | None, bool], ...]  # (bucket, kind family or None, keep that family?)
    form: str
    title: str = ""
    glue: str | None = None
    by_time: bool = False
    describes: bool = False  # the cast is described where one of its pieces first names them
    closing: bool = False  # said after the cuts, to close the prompt


@dataclass(frozen=True)
class Profile:
    name: str
    glue: str
    cuts: str
    sections: tuple[Section, ...]
    cut_sections: tuple[Section, ...]
    cut_heading: str
    cut_untitled: str
    cut_glue: str
    segment: str
    phrases: dict
    verbatim: frozenset  # kinds said exactly as written: a description goes before them, not into them
    cut_phrases: dict  # a cut's own phrases, over `phrases`

    def phrase(self, piece: Piece, in_cut: bool = False) -> str:
        kind = piece.kind
        phrases = {**self.phrases, **self.cut_phrases} if in_cut and self.cut_phrases else self.phrases
        template = phrases.get(kind)
        if template is None and "." in kind:
            template = phrases.get(kind.split(".", 1)[0])
        if template is None:
            return piece.text
        return fill(template, {**piece.fields, "text": piece.text} if piece.fields else {"text": piece.text})


def _section(row: dict) -> Section:
    take = []
    for entry in row["take"]:
        bucket, _, kind = entry.partition(":")
        keep = not kind.startswith("!")
        take.append((bucket, kind.lstrip("!") or None, keep))
    return Section(tuple(take), row["form"], row.get("title", ""), row.get("glue"), row.get("order") == "time",
                   row.get("describes", False), row.get("closing", False))


@cache
def profiles() -> dict[str, Profile]:
    table = tomllib.loads(resources.files("sorascript.lower").joinpath("layouts.toml").read_text(encoding="utf-8"))
    out = {}
    for name, row in table.items():
        cut = row.get("cut", {})
        out[name] = Profile(
            name, row["glue"], row["cuts"], tuple(_section(s) for s in row["sections"]),
            tuple(_section(s) for s in cut.get("sections", ())), cut.get("heading", ""), cut.get("untitled", ""),
            cut.get("glue", row["glue"]), row.get("segment", ""), row.get("phrases", {}),
            frozenset(row.get("verbatim", ())), cut.get("phrases", {}),
        )
    return out


# ---- laying out ------------------------------------------------------------------------------------------
def _family(kind: str, family: str) -> bool:
    return kind == family or kind.startswith(family + ".")


def taken(section: Section, content: Content) -> list[Piece]:
    pieces = []
    for bucket, family, keep in section.take:
        for piece in content.buckets.get(bucket, ()):
            if family is None or _family(piece.kind, family) == keep:
                pieces.append(piece)
    if section.by_time:
        pieces = in_time_order(pieces)
    return pieces


def in_time_order(pieces: list[Piece]) -> list[Piece]:
    """Timed pieces by when they start; an untimed one stays after the piece before it."""
    keyed, last = [], -1
    for index, piece in enumerate(pieces):
        last = piece.start if piece.start is not None else last
        keyed.append((last, index, piece))
    return [piece for _, _, piece in sorted(keyed, key=lambda k: (k[0], k[1]))]


def closed(text: str) -> str:
    """A sentence's closing full stop, unless it already ends as a sentence does:
    a stop inside a closing bracket or quote counts, and quoted speech closes itself."""
    text = text.strip()
    if not text or text.rstrip('"\'”’)').endswith((".", "!", "?", "…")) or text[-1] in '"”':
        return text
    return text + "."


def _form(section: Section, said: list[str]) -> str:
    if not said:
        return ""
    form, title = section.form, section.title
    if form == "prose":
        return " ".join(said)
    if form == "lines":
        return (f"{title}:\n" if title else "") + "\n".join(said)
    if form == "list" or (form == "titled" and len(said) > 1):
        return f"{title}:\n" + "\n".join(f"- {s}" for s in said)
    if form == "titled":
        return f"{title}: {said[0]}"
    if form == "sentences":
        return " ".join(closed(s) for s in said)
    if form == "clauses":
        return closed(f"{title}: " + "; ".join(say.clause(s) for s in said))
    raise ValueError(f"layouts.toml: unknown form {form!r}")


def _join(parts: list[tuple[str, str]], glue: str) -> str:
    """Sections with their glue, the empty ones left out."""
    out = ""
    for text, own in parts:
        if text:
            out += (own if own is not None else glue) + text if out else text
    return out


def clock(value_ms: int) -> str:
    """`00:02`, `01:05.5`: minutes and seconds, as timestamps are written."""
    minutes, rest = divmod(value_ms, 60_000)
    return f"{minutes:02d}:{'0' if rest < 10_000 else ''}{seconds(rest)}"


class Writer:
    """Lays out one shot under one profile. `described` are the cast and props
    a first-mention profile describes where a describing section first names
    them (any others are introduced with the cast by the caller)."""

    def __init__(self, profile: Profile, shared: Content, cuts: list[tuple[int, Content]],
                 described: list[Described] = ()) -> None:
        self.profile = profile
        self.shared = shared
        self.cuts = cuts
        self.pending = list(described)

    def phrase(self, section: Section, piece: Piece, in_cut: bool = False) -> str:
        text = self.profile.phrase(piece, in_cut)
        if section.describes and self.pending and text:
            for d in list(self.pending):
                at = mention(text, d.name)
                if at is None:
                    continue
                self.pending.remove(d)
                if piece.kind in self.profile.verbatim:
                    text = closed(introduction(self.profile, d)) + " " + text
                else:
                    text = described_at(text, at, d.name, fill(self.profile.phrases["appositive"], d.fields).strip(", "))
        return text

    def said(self, section: Section, content: Content) -> str:
        if section.form == "segments":
            return self.segments(section)
        in_cut = content.cut is not None
        return _form(section, [t for t in (self.phrase(section, p, in_cut) for p in taken(section, content)) if t])

    def write(self) -> str:
        p = self.profile
        parts = [(self.said(s, self.shared), s.glue) for s in p.sections if not s.closing]
        if p.cuts == "blocks":
            parts += [(self.cut_block(number, cut), None) for number, cut in self.cuts]
        parts += [(self.said(s, self.shared), s.glue) for s in p.sections if s.closing]
        return _join(parts, p.glue)

    # ---- cuts ----------------------------------------------------------------------------------------------
    def cut_name(self, number: int, cut: Content) -> dict:
        title = cut.cut.title.value if cut.cut.title is not None else None
        return {"number": number, "title": title, "range": say.time_range(cut.window.start, cut.window.end),
                "name": title or fill(self.profile.cut_untitled, {"number": number})}

    def cut_block(self, number: int, cut: Content) -> str:
        p = self.profile
        heading = fill(p.cut_heading, self.cut_name(number, cut))
        body = _join([(self.said(s, cut), s.glue) for s in p.cut_sections], p.cut_glue)
        return heading + (p.cut_glue + body if body else "")

    # ---- time segments -------------------------------------------------------------------------------------
    def segments(self, section: Section) -> str:
        """One line a segment: a segment starts where something starts (or a cut
        does) and runs to the next start; each piece is said in the segment it
        starts in."""
        p = self.profile
        pieces = in_time_order(taken(section, self.shared))
        starts: dict[int, list[str]] = {}
        for number, cut in self.cuts:
            own = _join([(self.said(s, cut), " ") for s in p.cut_sections], " ")
            heading = fill(p.cut_heading, self.cut_name(number, cut))
            starts.setdefault(cut.window.start, []).append(heading + (" " + own if own else ""))
            pieces = in_time_order(pieces + taken(section, cut))
        last = self.shared.window.start
        for piece in pieces:
            last = piece.start if piece.start is not None else last
            text = self.phrase(section, piece)
            if text:
                starts.setdefault(last, []).append(closed(text))
        times = sorted(starts)
        end = self.shared.window.end
        lines = []
        for index, start in enumerate(times):
            stop = times[index + 1] if index + 1 < len(times) else max(end, start)
            lines.append(fill(p.segment, {"start": clock(start), "end": clock(stop), "body": " ".join(starts[start])}))
        return "\n".join(lines)


# ---- the cast at first mention ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Described:
    """A character or prop to describe: how the prompt names it, and what it says of it."""

    name: str
    fields: dict  # description, wardrobe, voice (each may be empty)


def mention(text: str, name: str, possessive: bool = False) -> int | None:
    """Where `name` is first written outside quotes, as a word (and, unless
    `possessive`, not as "Theo's"): the index after it."""
    if name.lower() not in text.lower():
        return None
    for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE):
        if text.count('"', 0, match.start()) % 2:
            continue
        if not possessive and text[match.end():match.end() + 1] in ("'", "’"):
            continue
        return match.end()
    return None


_ARTICLE_BEFORE = re.compile(r"(?i)\b(the|a|an|her|his|their|its)\s+$")


def described_at(text: str, at: int, name: str, appositive: str) -> str:
    """The description said where `name` ends at `at`: in place of "the cup" when it
    names the thing itself ("a chipped white coffee cup"), else after the name."""
    start = at - len(name)
    article = _ARTICLE_BEFORE.search(text, 0, start)
    if article is not None and mention(appositive, name) is not None \
            and appositive.split(" ", 1)[0].lower() in _ARTICLES:
        return text[:article.start()] + _low(appositive) + text[at:]
    return with_appositive(text, at, appositive)


def with_appositive(text: str, at: int, appositive: str) -> str:
    """`Mara waits` -> "Mara, a woman in her 30s, waits"; before punctuation, no second comma."""
    if not appositive:
        return text
    follows = text[at:at + 1]
    insert = f", {appositive}" if follows in ("", ".", ",", ";", ":", "!", "?", ")") else f", {appositive},"
    return text[:at] + insert + text[at:]


def named(profile: Profile, shared: Content, cuts: list[tuple[int, Content]], described: list[Described]) -> set:
    """Which of `described` a describing section of the shot names (in a piece's text or as a speaker)."""
    sections = [s for s in profile.sections + profile.cut_sections if s.describes]
    texts = []
    for content in [shared] + [c for _, c in cuts]:
        for section in sections:
            for piece in taken(section, content):
                texts.append(piece.text)
                if piece.fields and piece.fields.get("speaker"):
                    texts.append(piece.fields["speaker"])
    return {d for d in described if any(mention(t, d.name) is not None for t in texts)}


def introduction(profile: Profile, d: Described) -> str:
    """`Theo, a boy of about ten…, is in frame`, for one the prompt never names."""
    appositive = fill(profile.phrases["appositive"], d.fields).strip(", ")
    if appositive:
        return closed(fill(profile.phrases["intro"], {"name": d.name, "appositive": appositive}))
    return closed(fill(profile.phrases["intro.bare"], {"name": d.name}))
