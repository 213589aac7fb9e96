"""A shot's prompt, in the profile its model reads best (`layout`).

What each statement says is gathered by `content.py` (one handler per AST
class, in tables); this module adds what the shot says as a whole (its cast,
props, palette, style, continuity and inline `avoid`) and hands it all to
the one lowering of `layout.py`, which lays it out as the profile's table in
`layouts.toml` says: `guide` (the Sora 2 guide's sections), `paragraph` or
`timeline`. How words are said lives in `vocab` and `phrasing`.
"""

from __future__ import annotations

from sorascript import vocab
from sorascript.lower import phrasing as say
from sorascript.lower.content import Content, gathered
from sorascript.lower.timeline import timeline
from sorascript.lower.layout import Described, Writer, introduction, mention, named, profiles
from sorascript.sema.shot import ResolvedShot
from sorascript.syntax import ast


class PromptWriter:
    """Writes one shot's prompt. `said` keeps what is said the same way in every
    shot (a palette, a style, a character's description), worked out once for
    the shots of a program (`shot_lowering` shares one)."""

    def __init__(self, shot: ResolvedShot, scopes, continuity: list[str], world: frozenset[str] = frozenset(),
                 said: dict | None = None) -> None:
        self.shot = shot
        self.scopes = scopes
        self.said = {} if said is None else said
        self.profile = profiles()[shot.model.layout if shot.model is not None else "guide"]
        self.names = [say.character_name(s) for s in shot.cast] + [say.prop_name(s) for s in shot.props]
        self.continuity = [line for line in continuity if self.concerns(line, world)]

    def concerns(self, line: str, world: frozenset[str]) -> bool:
        """A sequence's continuity line goes into a shot when it speaks of someone or
        something in it, or of no one and nothing the film names at all."""
        ours = self.names + ([say.words(self.shot.location.name)] if self.shot.location is not None else [])
        if any(mention(line, name, possessive=True) is not None for name in ours):
            return True
        return not any(mention(line, name, possessive=True) is not None for name in world)

    def prompt(self, content: tuple[Content, list] | None = None) -> str:
        """The prompt, from the shot's gathered content (gathered here when not
        given); the content's shared part is added to as the prompt is written."""
        shared, cuts = content if content is not None else gathered(self.shot, self.scopes)
        drop_repeated_setting(shared)
        for piece in self.style():
            shared.phrase("style", *piece)
        shared.add("palette", self.palette())
        for line in self.continuity:
            shared.add("continuity", line)
        # a model that takes a negative prompt gets `avoid` as that field, not as words to read
        if self.shot.model is not None and self.shot.model.negative != "inline":
            shared.buckets.pop("avoid", None)
        # described where first named; one never named is introduced with the cast
        described = self.described(shared, cuts)
        mentioned = named(self.profile, shared, cuts, described)
        for d in described:
            if d not in mentioned:
                shared.add("cast", introduction(self.profile, d))
        return Writer(self.profile, shared, cuts, [d for d in described if d in mentioned]).write() + "\n"

    # ---- the cast and props ---------------------------------------------------------------------------
    def described(self, shared: Content, cuts) -> list[Described]:
        """The cast and props as the prompt describes them where it first names
        them; a voice only for a character who speaks in the shot."""
        speakers = {p.fields.get("speaker_symbol") for c in [shared] + [c for _, c in cuts]
                    for p in c.pieces("action", "dialogue") if p.kind == "line"}

        def said(items, kind) -> str:
            return ", ".join(say.clause(say.lower_start(i.text.value, self.names)) for i in items if isinstance(i, kind))

        names = tuple(self.names)
        out = []
        for symbol in self.shot.cast:
            key = ("character", id(symbol.decl), names, symbol in speakers)
            if key not in self.said:
                items = symbol.decl.items
                self.said[key] = Described(say.character_name(symbol), {
                    "description": said(items, ast.Prose), "wardrobe": said(items, ast.Wardrobe),
                    "voice": said(items, ast.Voice) if symbol in speakers else "",
                })
            out.append(self.said[key])
        for symbol in self.shot.props:
            key = ("prop", id(symbol.decl), names)
            if key not in self.said:
                self.said[key] = Described(say.prop_name(symbol), {"description": said(symbol.decl.items, ast.Prose)})
            out.append(self.said[key])
        return out

    # ---- palette and style -----------------------------------------------------------------------------
    def palette(self) -> str:
        items = self.shot.palette_items
        if not items:
            return ""
        key = ("palette", id(items))
        if key not in self.said:
            self.said[key] = "Palette: " + ", ".join(say.anchor(i) if isinstance(i, ast.Anchor) else i.text.value
                                                     for i in items)
        return self.said[key]

    def style(self) -> list[tuple[str, str]]:
        """(kind, text) pieces: the style's prose first, then its blend, grade and film."""
        key = ("style", id(self.shot.style_items), tuple(self.names))
        if key not in self.said:
            self.said[key] = self._style()
        return self.said[key]

    def _style(self) -> list[tuple[str, str]]:
        items = self.shot.style_items
        prose = " ".join(i.text.value for i in items if isinstance(i, ast.Prose))
        out = [("style", prose)] if prose else []
        for item in items:
            if isinstance(item, ast.Blend):
                out.append(("blend", ", ".join(f"{say.percent(p.percent)} {p.text.value}" for p in item.parts)))
            elif isinstance(item, ast.Grade):
                out.append(("grade", "; ".join(say.lower_start(grade(g), self.names) for g in item.items)))
            elif isinstance(item, ast.Film):
                out.append(("film", item.text.value))
        return out


def grade(item) -> str:
    """`highlights warm, soft halation`; a grade line that names its tone says it once
    (`blacks "crushed blacks"` -> "crushed blacks")."""
    if not isinstance(item, ast.GradeLine):
        return item.text.value
    tone = vocab.GRADE_TONES.get(item.tone.text, item.tone.text)
    text = item.text.value
    return text if mention(text, tone) is not None or mention(text, tone.rstrip("s")) is not None else f"{tone} {text}"


def drop_repeated_setting(content: Content) -> None:
    """The parts of a shot's own `setting "…"` its prose already says, left out:
    "An urban plaza, late afternoon." before "… in an urban plaza" says only
    "Late afternoon.". A location is said whole, in the same words in every
    shot: that is what keeps a place the same from shot to shot."""
    prose = " ".join(content.texts("description")).lower()
    if not prose:
        return
    kept = []
    for piece in content.buckets.get("setting", ()):
        if piece.kind != "setting":
            kept.append(piece)
            continue
        parts = piece.text.rstrip(".").split(", ")
        left = [p for p in parts if not _says(prose, _bare(p))]
        if left == parts:
            kept.append(piece)
        elif left:
            kept.append(piece._replace(text=say.sentence(", ".join(left))))
    content.buckets["setting"] = kept


def _says(prose: str, part: str) -> bool:
    """The prose holds these words, as words (a part under four letters never counts).
    A plain search, not a regex: each setting is its own pattern, and compiling
    a thousand patterns costs more than the whole search."""
    if len(part) < 4:
        return False
    at = prose.find(part)
    while at >= 0:
        end = at + len(part)
        if not (at and _in_word(prose[at - 1])) and not (end < len(prose) and _in_word(prose[end])):
            return True
        at = prose.find(part, at + 1)
    return False


def _in_word(char: str) -> bool:
    """What a regex's `[\\w-]` matches: a letter, a digit, `_` or `-`."""
    return char.isalnum() or char in "_-"


def _bare(part: str) -> str:
    """A part of a sentence without its article, in small letters: "An urban plaza" -> "urban plaza"."""
    words = part.strip().lower().split(" ", 1)
    return words[1] if len(words) == 2 and words[0] in ("a", "an", "the") else part.strip().lower()


def remix_prompt(decl: ast.RemixDecl) -> str:
    change = " ".join(i.text.value for i in decl.items if isinstance(i, ast.Prose))
    keeps = [i.text.value for i in decl.items if isinstance(i, ast.Keep)]
    out = change
    if keeps:
        out += "\n\nKeep unchanged:\n" + "\n".join(f"- {k}" for k in keeps)
    return out + "\n"


def extend_prompt(decl: ast.ExtendDecl) -> str:
    return " ".join(i.text.value for i in decl.items if isinstance(i, ast.Prose)) + "\n"


def continuity_lines(program) -> dict[str, list[str]]:
    """Shot name -> the `continuity` lines of every sequence of the compiled file
    that holds it; a line two of its sequences share is said once."""
    lines: dict[str, list[str]] = {}
    for decl in program.main.ast.decls:
        if not isinstance(decl, ast.SequenceDecl):
            continue
        said = [i.text.value for i in decl.items if isinstance(i, ast.Continuity)]
        for name in dict.fromkeys(i.shot.text for i in decl.items if isinstance(i, ast.SequenceEntry)):
            lines.setdefault(name, []).extend(said)
    return {name: list(dict.fromkeys(found)) for name, found in lines.items()}


def world_names(analysis) -> frozenset[str]:
    """How the prompts name every character, prop and location of the film's shots."""
    names = set()
    for shot in analysis.shots.values():
        names.update(say.character_name(s) for s in shot.cast)
        names.update(say.prop_name(s) for s in shot.props)
        if shot.location is not None:
            names.add(say.words(shot.location.name))
    return frozenset(names)


def shot_lowering(analysis) -> tuple[dict[str, str], dict[str, dict]]:
    """The prompt and the timeline of every create job, both from one gathering
    of its content, written once for the plan and the W117 lint."""
    continuity = continuity_lines(analysis.program)
    world = world_names(analysis)
    said: dict = {}
    prompts, timelines = {}, {}
    for job in analysis.jobs:
        if job.kind != "create":
            continue
        shot = analysis.shots[job.name]
        content = gathered(shot, analysis.scopes)
        timelines[job.name] = timeline(shot, content)  # first: the prompt adds to the shared content
        prompts[job.name] = PromptWriter(shot, analysis.scopes, continuity.get(job.symbol.name, []), world,
                                        said).prompt(content)
        shot.forget_times()
    return prompts, timelines


def shot_prompts(analysis) -> dict[str, str]:
    """The prompt of every create job."""
    return shot_lowering(analysis)[0]
