"""A shot's prompt, laid out as the Sora 2 prompting guide recommends.

Prose first (setting, description, atmosphere, layers, who and what is in
frame), then `Cinematography:`, `Actions:`, `Dialogue:`, `Sound:`, `Style:`,
`Continuity:`, `Avoid:`, each only when it has something to say. A shot with
`cut` blocks lowers its shared sections, then each cut as `Shot N (…) — "…":`.
One small method per construct; how words are said lives in `vocab` and
`phrasing`.
"""

from __future__ import annotations

from sorascript import vocab
from sorascript.lower import phrasing as say
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import Window, cut_windows, range_ms, resolve_moves
from sorascript.sema.checks import BUILTIN_SPEAKERS
from sorascript.syntax import ast


class PromptWriter:
    def __init__(self, shot: ResolvedShot, scopes, continuity: list[str]) -> None:
        self.shot = shot
        self.scopes = scopes
        self.continuity = continuity
        self.module = shot.view.module
        # A model that makes no sound hears none of it: dialogue and sound are dropped (W203 says so).
        self.audible = shot.model is None or shot.model.audio

    def lookup(self, name: ast.Name | str, kind: str):
        """A name as the file that wrote it sees it: a statement inherited with
        `from` from another file names things in that file's scope."""
        module = self.module
        if isinstance(name, ast.Name):
            module = self.scopes.module_of(name, self.module)
            name = name.text
        found = self.scopes.lookup(module, name)
        return found[0] if len(found) == 1 and found[0].kind == kind else None

    # ---- the whole prompt ---------------------------------------------------------------
    def prompt(self) -> str:
        stmts = self.shot.view.stmts
        clip = Window(0, self.shot.duration)
        blocks = [
            self.prose(stmts, shared=True),
            self.cinematography(stmts, clip, shared=True),
            self.actions(stmts),
            self.dialogue(stmts),
            self.sound(stmts),
            self.style(),
            self.titled("Continuity", self.continuity),
            self.titled("Avoid", [s.text.value for s in self.shot.view.all(ast.Avoid)]),
        ]
        for number, (cut, window) in enumerate(cut_windows(stmts, self.shot.duration), start=1):
            blocks.append(self.cut(number, cut, window))
        return "\n\n".join(b for b in blocks if b) + "\n"

    def cut(self, number: int, cut: ast.Cut, window: Window) -> str:
        title = f' — "{cut.title.value}"' if cut.title is not None else ""
        parts = [
            self.prose(cut.stmts, shared=False),
            self.cinematography(cut.stmts, window, shared=False),
            self.actions(cut.stmts),
            self.dialogue(cut.stmts),
            self.sound(cut.stmts),
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

    # ---- prose ------------------------------------------------------------------------------
    def prose(self, stmts, shared: bool) -> str:
        paragraph: list[str] = []
        lines: list[str] = []
        # where, then what happens, then what hangs in the air, whatever the source's order
        for stmt in stmts:
            if isinstance(stmt, ast.Setting):
                paragraph.extend(self.setting(stmt))
        paragraph.extend(stmt.text.value for stmt in stmts if isinstance(stmt, ast.Prose))
        paragraph.extend(say.sentence(stmt.text.value) for stmt in stmts if isinstance(stmt, ast.Atmosphere))
        for stmt in stmts:
            if isinstance(stmt, ast.Layers):
                lines.extend(self.layers(stmt))
        if shared:
            lines.extend(self.cast_lines())
            lines.extend(self.prop_lines())
        for stmt in stmts:
            if isinstance(stmt, ast.Physics):
                lines.append(f"Physics: {stmt.text.value}")
            elif isinstance(stmt, ast.Overlay) and stmt.in_frame:
                lines.append(self.in_frame_text(stmt))
        text = " ".join(paragraph)
        return "\n".join(([text] if text else []) + lines)

    def setting(self, stmt: ast.Setting) -> list[str]:
        if stmt.text is not None:
            return [say.sentence(stmt.text.value)]
        symbol = self.lookup(stmt.location, "location")
        if symbol is None:
            return []
        out = []
        for item in symbol.decl.items:
            if isinstance(item, ast.Prose):
                out.append(say.sentence(item.text.value))
            elif isinstance(item, ast.LocationTime):
                out.append(f"Time: {say.sentence(item.text.value)}")
            elif isinstance(item, ast.LocationWeather):
                out.append(f"Weather: {say.sentence(item.text.value)}")
        return out

    def layers(self, stmt: ast.Layers) -> list[str]:
        out = []
        for item in stmt.items:
            if isinstance(item, ast.Layer):
                out.append(f"{vocab.LAYER_DEPTHS.get(item.depth.text, item.depth.text)}: {item.text.value}")
            else:
                out.append(item.text.value)
        return out

    def cast_lines(self) -> list[str]:
        out = []
        for symbol in self.shot.cast:
            parts = []
            for item in symbol.decl.items:
                if isinstance(item, ast.Prose):
                    parts.append(item.text.value)
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

    def in_frame_text(self, overlay: ast.Overlay) -> str:
        where = f" at the {say.position(overlay.position.text)}" if overlay.position is not None else ""
        bounds = range_ms(overlay.timing) if overlay.timing is not None else None
        when = f" ({say.time_range(*bounds)})" if bounds else ""
        return f'On-screen text, rendered in frame exactly as written: "{overlay.text.value}"{where}{when}'

    # ---- cinematography ----------------------------------------------------------------
    def cinematography(self, stmts, window: Window, shared: bool) -> str:
        lines: list[str] = []
        for stmt in stmts:
            if isinstance(stmt, ast.Camera):
                lines.extend(self.camera(stmt, window))
        for stmt in stmts:
            if isinstance(stmt, ast.Speed):
                lines.append(f"Speed: {say.speed(stmt.factor)}")
            elif isinstance(stmt, ast.Loop):
                lines.append(f"Loop: {vocab.LOOP_MODES.get(stmt.mode.text, stmt.mode.text)}")
        for stmt in stmts:
            if isinstance(stmt, ast.Lighting):
                lines.append(self.lighting(stmt))
        if shared:
            palette = self.palette()
            if palette:
                lines.append(palette)
        for stmt in stmts:
            if isinstance(stmt, ast.Mood):
                lines.append(f"Mood: {stmt.text.value}")
        if not lines:
            return ""
        return "Cinematography:\n" + "\n".join(lines)

    def camera(self, camera: ast.Camera, window: Window) -> list[str]:
        items = camera.items
        framing = next((i for i in items if isinstance(i, ast.Framing)), None)
        angle = next((i for i in items if isinstance(i, ast.Angle)), None)
        lines: list[str] = []
        shot_words = []
        if framing is not None:
            shot_words.append(vocab.FRAMINGS.get(framing.name.text, framing.name.text))
        if angle is not None:
            shot_words.append(say.angle(angle))
        if shot_words:
            lines.append("Camera shot: " + ", ".join(shot_words))
        # the set-up first (shot, lens, rig...), then the moves and the block's prose in their order
        for item in items:
            handler = _CAMERA.get(type(item))
            if handler is not None:
                line = handler(self, item, items)
                if line:
                    lines.append(line)
        moves_written = False
        for item in items:
            if isinstance(item, ast.Move) and not moves_written:
                moves_written = True
                phrases = [say.move(t) for t in resolve_moves(items, window)]
                lines.append("Camera movement: " + "; then ".join(phrases))
            elif isinstance(item, ast.Prose):
                lines.append(item.text.value)
        return lines

    def lens_line(self, item, items) -> str:
        aperture = next((i for i in items if isinstance(i, ast.Aperture)), None)
        if isinstance(item, ast.LensPreset):
            symbol = self.lookup(item.name, "lens")
            spec = next((i for i in symbol.decl.items if isinstance(i, ast.LensSpec)), None) if symbol else None
            if spec is None:
                return ""
            focal, stop, description = spec.focal, spec.aperture, spec.description
        else:
            focal, stop, description = item.focal, item.aperture, item.description
        if stop is None and aperture is not None:
            stop = aperture.value
        parts = [say.focal(focal)] + ([say.aperture(stop)] if stop is not None else [])
        text = "Lens: " + ", ".join(parts)
        return text + (f" ({description.value})" if description is not None else "")

    def lighting(self, lighting: ast.Lighting) -> str:
        parts = []
        quality = []
        for item in lighting.items:
            if isinstance(item, ast.Light):
                parts.append(say.light(item, self.anchor_words(item.anchor)))
            elif isinstance(item, ast.Quality):
                quality.append(vocab.LIGHT_QUALITIES.get(item.name.text, item.name.text))
            else:
                parts.append(say.clause(item.text.value))
        if quality:
            parts.append(", ".join(quality) + " light quality")
        return "Lighting: " + "; ".join(parts)

    def anchor_words(self, name: ast.Name | None) -> str | None:
        if name is None:
            return None
        return say.words(name.text)

    def palette(self) -> str:
        items = self.shot.palette_items
        if not items:
            return ""
        parts = [say.anchor(i) if isinstance(i, ast.Anchor) else i.text.value for i in items]
        return "Palette: " + ", ".join(parts)

    # ---- actions, dialogue, sound ------------------------------------------------------------
    def actions(self, stmts) -> str:
        lines = []
        for stmt in stmts:
            if not isinstance(stmt, ast.Beats):
                continue
            for item in stmt.items:
                if isinstance(item, ast.Beat):
                    bounds = range_ms(item.timing) if item.timing is not None else None
                    lines.append(f"- {say.time_range(*bounds)}: {item.text.value}" if bounds else f"- {item.text.value}")
                elif not self.audible:
                    continue
                elif isinstance(item, ast.Line):
                    lines.append("- " + self.line(item))
                elif isinstance(item, ast.Pause):
                    lines.append("- " + say.pause(item))
                elif isinstance(item, ast.SoundLine):
                    lines.append("- " + say.sound_line(item))
        return "Actions:\n" + "\n".join(lines) if lines else ""

    def line(self, line: ast.Line) -> str:
        return say.dialogue_line(line, self.speaker_name(line.speaker))

    def speaker_name(self, name: ast.Name | str) -> str:
        symbol = self.lookup(name, "character")
        if symbol is not None:
            return say.character_name(symbol)
        text = name.text if isinstance(name, ast.Name) else name
        return BUILTIN_SPEAKERS.get(text, say.words(text).title())

    def dialogue(self, stmts) -> str:
        lines = []
        for stmt in stmts if self.audible else ():
            if not isinstance(stmt, ast.Dialogue):
                continue
            for item in stmt.items:
                if isinstance(item, ast.Line):
                    lines.append(self.line(item))
                elif isinstance(item, ast.Pause):
                    lines.append(say.pause(item))
                else:
                    lines.append(item.text.value)
        return "Dialogue:\n" + "\n".join(lines) if lines else ""

    def sound(self, stmts) -> str:
        lines = []
        for stmt in stmts if self.audible else ():
            if not isinstance(stmt, ast.Sound):
                continue
            for item in stmt.items:
                lines.append("- " + (say.sound_line(item) if isinstance(item, ast.SoundLine) else item.text.value))
        return "Sound:\n" + "\n".join(lines) if lines else ""

    # ---- style -----------------------------------------------------------------------------
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


def _aperture_line(writer: PromptWriter, item: ast.Aperture, items) -> str:
    """An aperture joins the lens line when there is one."""
    if any(isinstance(i, (ast.Lens, ast.LensPreset)) for i in items):
        return ""
    return f"Aperture: {say.aperture(item.value)}"


# camera statement -> its line in `Cinematography:` (framing, angle and moves are gathered separately)
_CAMERA = {
    ast.Lens: PromptWriter.lens_line,
    ast.LensPreset: PromptWriter.lens_line,
    ast.Aperture: _aperture_line,
    ast.Rig: lambda writer, item, items: say.rig(item),
    ast.Shutter: lambda writer, item, items: f"Shutter: {say.angle_amount(item.value)}",
    ast.Fps: lambda writer, item, items: f"Frame rate: {item.value.text}",
    ast.Filter: lambda writer, item, items: f"Filtration: {item.text.value}",
    ast.Body: lambda writer, item, items: f"Camera body: {item.text.value}",
    ast.Focus: lambda writer, item, items: say.focus(item, writer.speaker_name),
}


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
