"""A shot's prompt, laid out as the Sora 2 prompting guide recommends.

Prose first (setting, description, atmosphere, layers, who and what is in
frame), then `Cinematography:`, `Actions:`, `Dialogue:`, `Sound:`, `Style:`,
`Continuity:`, `Avoid:`, each only when it has something to say. A shot with
`cut` blocks lowers its shared sections, then each cut as `Shot N (…) — "…":`.
What each statement says is gathered by `content.py` (one handler per AST
class, in tables); this module lays it out. How words are said lives in
`vocab` and `phrasing`.
"""

from __future__ import annotations

from sorascript import vocab
from sorascript.lower import phrasing as say
from sorascript.lower.content import Content, Gatherer
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import Window, cut_windows
from sorascript.syntax import ast


class PromptWriter:
    def __init__(self, shot: ResolvedShot, scopes, continuity: list[str]) -> None:
        self.shot = shot
        self.continuity = continuity
        self.gatherer = Gatherer(shot, scopes)

    # ---- the whole prompt ---------------------------------------------------------------
    def prompt(self) -> str:
        stmts = self.shot.view.stmts
        shared = self.gatherer.gather(stmts, Window(0, self.shot.duration))
        blocks = [
            self.prose(shared, self.cast_lines() + self.prop_lines()),
            self.cinematography(shared, self.palette()),
            self.listed("Actions", shared.texts("action")),
            self.block("Dialogue", shared.texts("dialogue")),
            self.listed("Sound", shared.texts("sound")),
            self.style(),
            self.titled("Continuity", self.continuity),
            # a model that takes a negative prompt gets `avoid` as that field, not as words to read
            self.titled("Avoid", shared.texts("avoid") if self.shot.model is None or self.shot.model.negative == "inline" else []),
        ]
        for number, (cut, window) in enumerate(cut_windows(stmts, self.shot.duration), start=1):
            blocks.append(self.cut(number, self.gatherer.gather(cut.stmts, window, cut)))
        return "\n\n".join(b for b in blocks if b) + "\n"

    def cut(self, number: int, content: Content) -> str:
        cut, window = content.cut, content.window
        title = f' — "{cut.title.value}"' if cut.title is not None else ""
        parts = [
            self.prose(content, []),
            self.cinematography(content, ""),
            self.listed("Actions", content.texts("action")),
            self.block("Dialogue", content.texts("dialogue")),
            self.listed("Sound", content.texts("sound")),
        ]
        body = "\n".join(p for p in parts if p)
        return f"Shot {number} ({say.time_range(window.start, window.end)}){title}:" + (f"\n{body}" if body else "")

    @staticmethod
    def titled(title: str, lines: list[str]) -> str:
        if not lines:
            return ""
        if len(lines) == 1:
            return f"{title}: {lines[0]}"
        return f"{title}:\n" + "\n".join(f"- {line}" for line in lines)

    @staticmethod
    def listed(title: str, lines: list[str]) -> str:
        return f"{title}:\n" + "\n".join(f"- {line}" for line in lines) if lines else ""

    @staticmethod
    def block(title: str, lines: list[str]) -> str:
        return f"{title}:\n" + "\n".join(lines) if lines else ""

    # ---- sections ----------------------------------------------------------------------------
    def prose(self, content: Content, people: list[str]) -> str:
        """Where, then what happens, then what hangs in the air, whatever the source's
        order; then the layers, who and what is in frame, and notes."""
        text = " ".join(content.texts("setting", "description", "atmosphere"))
        lines = content.texts("layers") + people + content.texts("notes")
        return "\n".join(([text] if text else []) + lines)

    def cinematography(self, content: Content, palette: str) -> str:
        lines = content.texts("camera", "timing", "lighting") + ([palette] if palette else []) + content.texts("mood")
        return "Cinematography:\n" + "\n".join(lines) if lines else ""

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

    def palette(self) -> str:
        items = self.shot.palette_items
        if not items:
            return ""
        parts = [say.anchor(i) if isinstance(i, ast.Anchor) else i.text.value for i in items]
        return "Palette: " + ", ".join(parts)

    def style(self) -> str:
        items = self.shot.style_items
        if not items:
            return ""
        prose = " ".join(i.text.value for i in items if isinstance(i, ast.Prose))
        extra = []
        for item in items:
            if isinstance(item, ast.Blend):
                extra.append("Blend: " + ", ".join(f"{say.percent(p.percent)} {p.text.value}" for p in item.parts))
            elif isinstance(item, ast.Grade):
                grades = [f"{vocab.GRADE_TONES.get(g.tone.text, g.tone.text)} {g.text.value}" if isinstance(g, ast.GradeLine)
                          else g.text.value for g in item.items]
                extra.append("Grade: " + "; ".join(grades))
            elif isinstance(item, ast.Film):
                extra.append(f"Film: {item.text.value}")
        head = f"Style: {prose}" if prose else "Style:"
        return "\n".join([head] + extra)


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
