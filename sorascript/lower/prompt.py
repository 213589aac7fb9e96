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
from sorascript.lower.content import Content, Gatherer
from sorascript.lower.layout import Described, Writer, introduction, named, profiles
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import Window, cut_windows
from sorascript.syntax import ast


def gathered(shot: ResolvedShot, scopes) -> tuple[Content, list[tuple[int, Content]]]:
    """The shot's own content and each of its cuts', numbered from 1."""
    gatherer = Gatherer(shot, scopes)
    stmts = shot.view.stmts
    shared = gatherer.gather(stmts, Window(0, shot.duration))
    cuts = [(number, gatherer.gather(cut.stmts, window, cut))
            for number, (cut, window) in enumerate(cut_windows(stmts, shot.duration), start=1)]
    return shared, cuts


class PromptWriter:
    def __init__(self, shot: ResolvedShot, scopes, continuity: list[str]) -> None:
        self.shot = shot
        self.continuity = continuity
        self.scopes = scopes
        self.profile = profiles()[shot.model.layout if shot.model is not None else "guide"]

    def prompt(self) -> str:
        shared, cuts = gathered(self.shot, self.scopes)
        for piece in self.style():
            shared.phrase("style", *piece)
        palette = self.palette()
        shared.add("palette", palette)
        for line in self.continuity:
            shared.add("continuity", line)
        # a model that takes a negative prompt gets `avoid` as that field, not as words to read
        if self.shot.model is not None and self.shot.model.negative != "inline":
            shared.buckets.pop("avoid", None)
        if self.profile.cast == "lines":
            for line in self.cast_lines():
                shared.add("cast", line)
            for line in self.prop_lines():
                shared.add("props", line)
            return Writer(self.profile, shared, cuts).write() + "\n"
        # described where first named; one never named is introduced with the cast
        described = self.described(shared, cuts)
        mentioned = named(self.profile, shared, cuts, described)
        for d in described:
            if d not in mentioned:
                shared.add("cast", introduction(self.profile, d))
        return Writer(self.profile, shared, cuts, [d for d in described if d in mentioned]).write() + "\n"

    # ---- the cast and props ---------------------------------------------------------------------------
    def described(self, shared: Content, cuts) -> list[Described]:
        """The cast and props as the first-mention profiles describe them; a
        voice only for a character who speaks in the shot."""
        speakers = {p.fields.get("speaker_symbol") for c in [shared] + [c for _, c in cuts]
                    for p in c.pieces("action", "dialogue") if p.kind == "line"}
        out = []
        for symbol in self.shot.cast:
            items = symbol.decl.items
            out.append(Described(say.character_name(symbol), {
                "description": say.clause(" ".join(i.text.value for i in items if isinstance(i, ast.Prose))),
                "wardrobe": say.clause("; ".join(i.text.value for i in items if isinstance(i, ast.Wardrobe))),
                "voice": say.clause("; ".join(i.text.value for i in items if isinstance(i, ast.Voice)))
                if symbol in speakers else "",
            }))
        for symbol in self.shot.props:
            text = " ".join(i.text.value for i in symbol.decl.items if isinstance(i, ast.Prose))
            out.append(Described(say.words(symbol.name), {"description": say.clause(text)}))
        return out

    def cast_lines(self) -> list[str]:
        out = []
        for symbol in self.shot.cast:
            parts = [item.text.value for item in symbol.decl.items if isinstance(item, ast.Prose)]
            details = [f"wardrobe: {i.text.value}" for i in symbol.decl.items if isinstance(i, ast.Wardrobe)]
            details += [f"voice: {i.text.value}" for i in symbol.decl.items if isinstance(i, ast.Voice)]
            text = "; ".join([" ".join(parts)] + details if parts else details)
            out.append(f"{say.character_name(symbol)}: {say.sentence(text)}" if text else say.character_name(symbol))
        return out

    def prop_lines(self) -> list[str]:
        out = []
        for symbol in self.shot.props:
            text = " ".join(i.text.value for i in symbol.decl.items if isinstance(i, ast.Prose))
            out.append(f"{say.words(symbol.name).capitalize()}: {say.sentence(text)}" if text else say.words(symbol.name))
        return out

    # ---- palette and style -----------------------------------------------------------------------------
    def palette(self) -> str:
        items = self.shot.palette_items
        if not items:
            return ""
        parts = [say.anchor(i) if isinstance(i, ast.Anchor) else i.text.value for i in items]
        return "Palette: " + ", ".join(parts)

    def style(self) -> list[tuple[str, str]]:
        """(kind, text) pieces: the style's prose first, then its blend, grade and film."""
        items = self.shot.style_items
        prose = " ".join(i.text.value for i in items if isinstance(i, ast.Prose))
        out = [("style", prose)] if prose else []
        for item in items:
            if isinstance(item, ast.Blend):
                out.append(("blend", ", ".join(f"{say.percent(p.percent)} {p.text.value}" for p in item.parts)))
            elif isinstance(item, ast.Grade):
                grades = [f"{vocab.GRADE_TONES.get(g.tone.text, g.tone.text)} {g.text.value}" if isinstance(g, ast.GradeLine)
                          else g.text.value for g in item.items]
                out.append(("grade", "; ".join(grades)))
            elif isinstance(item, ast.Film):
                out.append(("film", item.text.value))
        return out


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


def shot_prompts(analysis) -> dict[str, str]:
    """The prompt of every create job, written once for the plan and the W117 lint."""
    continuity = continuity_lines(analysis.program)
    return {
        job.name: PromptWriter(analysis.shots[job.name], analysis.scopes, continuity.get(job.symbol.name, [])).prompt()
        for job in analysis.jobs if job.kind == "create"
    }
