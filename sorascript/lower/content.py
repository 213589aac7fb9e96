"""What a shot's prompt says, gathered before it is laid out.

Each statement class and each item class of a block has its lowering in a
table keyed by the class (`STMT_LOWERING`, `CAMERA_LOWERING`, …). A handler
adds pieces to the shot's `Content`, bucket by bucket ("setting", "camera",
"action"…), in the order the statements are written. A piece has a kind
("beat", "line", "lens"…), the fields a prompt profile phrases it from, a
ready text for kinds every profile says alike, and, when it happens at a
time, its start and end: the times the checker proved (moves as
`resolve_moves` places them, dialogue at about 2.5 words a second after its
pauses, untimed beats sharing their window in order). A profile
(`layouts.toml`, read by `layout.py`) then decides in which order, under
which labels and in which words the pieces are said; the plan's `timeline`
reads the same timed pieces. A class that says nothing in the prompt (it
sets a request field, or is resolved once for the whole shot) has an
explicit row saying so. `tests/test_tables.py` fails when a class has no row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sorascript import vocab
from sorascript.lower import phrasing as say
from sorascript.quantities import seconds
from sorascript.sema import conditions
from sorascript.sema.checks import BUILTIN_SPEAKERS
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import Window, cut_windows, ms, range_ms, resolve_moves
from sorascript.syntax import ast


class Piece(NamedTuple):
    kind: str  # how a profile phrases it: "text" (said as `text`), "beat", "line", "sound.sfx"…
    text: str
    start: int | None = None  # ms from the clip's start, for what happens at a time
    end: int | None = None
    fields: dict | None = None  # what the profile's phrase for `kind` fills in


@dataclass
class Content:
    """The pieces of one shot or one cut, by bucket, in written order."""

    window: Window
    buckets: dict[str, list[Piece]] = field(default_factory=dict)
    cut: ast.Cut | None = None

    def add(self, bucket: str, text: str, start: int | None = None, end: int | None = None) -> None:
        """A piece every profile says as `text`."""
        if text:
            self.buckets.setdefault(bucket, []).append(Piece("text", text, start, end))

    def phrase(self, bucket: str, kind: str, text: str, start: int | None = None, end: int | None = None,
               **fields) -> None:
        """A piece each profile phrases in its own words from `fields` (and `text`)."""
        self.buckets.setdefault(bucket, []).append(Piece(kind, text, start, end, fields))

    def pieces(self, *buckets: str) -> list[Piece]:
        return [p for b in buckets for p in self.buckets.get(b, ())]

    def texts(self, *buckets: str) -> list[str]:
        return [p.text for b in buckets for p in self.buckets.get(b, ())]


def gathered(shot: ResolvedShot, scopes) -> tuple[Content, list[tuple[int, Content]]]:
    """The shot's own content and each of its cuts', numbered from 1."""
    gatherer = Gatherer(shot, scopes)
    stmts = shot.view.stmts
    shared = gatherer.gather(stmts, Window(0, shot.duration))
    cuts = [(number, gatherer.gather(cut.stmts, window, cut))
            for number, (cut, window) in enumerate(cut_windows(stmts, shot.duration), start=1)]
    return shared, cuts


class Gatherer:
    """Gathers a shot's content: its own statements, then each of its cuts."""

    def __init__(self, shot: ResolvedShot, scopes) -> None:
        self.shot = shot
        self.scopes = scopes
        self.module = shot.view.module
        # A model that makes no sound hears none of it: dialogue and sound are dropped (W203 says so).
        self.audible = shot.model is None or shot.model.audio

    def lookup(self, name: ast.Name | str, kind: str):
        """A name as the file that wrote it sees it: a statement inherited with
        `from` from another file names things in that file's scope."""
        module = self.scopes.module_of(name, self.module) if isinstance(name, ast.Name) else self.module
        return self.scopes.find(module, name, (kind,))

    def gather(self, stmts, window: Window, cut: ast.Cut | None = None) -> Content:
        content = Content(window, cut=cut)
        for stmt in stmts:
            STMT_LOWERING[type(stmt)](self, stmt, content)
        return content

    def speaker_name(self, name: ast.Name | str) -> str:
        symbol = self.lookup(name, "character")
        if symbol is not None:
            return say.character_name(symbol)
        text = name.text if isinstance(name, ast.Name) else name
        return BUILTIN_SPEAKERS.get(text, say.words(text))

    @property
    def names(self) -> list[str]:
        """How the prompt names the shot's cast and props: words that keep their capitals in a list."""
        return [say.character_name(s) for s in self.shot.cast] + [say.prop_name(s) for s in self.shot.props]

    # ---- statements --------------------------------------------------------------------
    def nothing(self, stmt, content: Content) -> None:
        """Says nothing here: it sets a request field, or the shot as a whole says it."""

    def setting(self, stmt: ast.Setting, content: Content) -> None:
        """The place as sentences, then its time and weather in one: the shot's own
        words (its `setting "…"`, its atmosphere) replace a location's time or
        weather they contradict, and leave the rest."""
        symbol = self.lookup(stmt.location, "location") if stmt.location is not None else None
        items = symbol.decl.items if symbol is not None else ()
        places = [stmt.text.value] if stmt.text is not None else [i.text.value for i in items if isinstance(i, ast.Prose)]
        own = ([stmt.text.value] if stmt.text is not None else []) + [a.text.value for a in self.shot.view.all(ast.Atmosphere)]
        own_times = [w for text in own for w in conditions.times_in(text)]
        own_weather = [w for text in own for w in conditions.weather_in(text)]
        facts = []
        for item in items:
            if isinstance(item, ast.LocationTime) and not conditions.times_disagree(
                    own_times, conditions.times_in(item.text.value)):
                facts.append(item.text.value)
            elif isinstance(item, ast.LocationWeather) and not conditions.weather_disagrees(
                    own_weather, conditions.weather_in(item.text.value)):
                facts.append(item.text.value)
        for place in places:  # the shot's own words, or its location's (said alike in every shot)
            content.phrase("setting", "setting" if stmt.text is not None else "location", say.sentence(place))
        if facts:
            # one sentence: a fact after the first goes on in small letters ("Late afternoon; steady drizzle")
            joined = "; ".join(say.clause(f) if i == 0 else say.lower_start(say.clause(f)) for i, f in enumerate(facts))
            content.phrase("setting", "location", say.sentence(joined))

    def prose(self, stmt: ast.Prose, content: Content) -> None:
        content.add("description", stmt.text.value)

    def atmosphere(self, stmt: ast.Atmosphere, content: Content) -> None:
        content.add("atmosphere", say.sentence(stmt.text.value))

    def physics(self, stmt: ast.Physics, content: Content) -> None:
        content.add("notes", f"Physics: {stmt.text.value}")

    def overlay(self, stmt: ast.Overlay, content: Content) -> None:
        if not stmt.in_frame:
            return  # composited after generation: the plan lists it under `overlays`
        where = f" at the {say.position(stmt.position.text)}" if stmt.position is not None else ""
        bounds = range_ms(stmt.timing) if stmt.timing is not None else None
        when = f" ({say.time_range(*bounds)})" if bounds else ""
        content.add("notes", f'On-screen text, rendered in frame exactly as written: "{stmt.text.value}"{where}{when}')

    def layers(self, stmt: ast.Layers, content: Content) -> None:
        for item in stmt.items:
            LAYER_LOWERING[type(item)](self, item, content)

    def layer(self, item: ast.Layer, content: Content) -> None:
        content.add("layers", f"{vocab.LAYER_DEPTHS.get(item.depth.text, item.depth.text)}: {item.text.value}")

    def layers_prose(self, item: ast.Prose, content: Content) -> None:
        content.add("layers", item.text.value)

    def speed(self, stmt: ast.Speed, content: Content) -> None:
        content.add("timing", f"Speed: {say.speed(stmt.factor)}")

    def loop(self, stmt: ast.Loop, content: Content) -> None:
        content.add("timing", f"Loop: {vocab.LOOP_MODES.get(stmt.mode.text, stmt.mode.text)}")

    def mood(self, stmt: ast.Mood, content: Content) -> None:
        content.add("mood", f"Mood: {stmt.text.value}")

    def avoid(self, stmt: ast.Avoid, content: Content) -> None:
        content.add("avoid", stmt.text.value)

    # ---- camera ------------------------------------------------------------------------
    def camera(self, stmt: ast.Camera, content: Content) -> None:
        items = stmt.items
        framing = next((i for i in items if isinstance(i, ast.Framing)), None)
        angle = next((i for i in items if isinstance(i, ast.Angle)), None)
        shot_words = []
        if framing is not None:
            shot_words.append(vocab.FRAMINGS.get(framing.name.text, framing.name.text))
        if angle is not None:
            shot_words.append(say.angle(angle))
        if shot_words:
            content.phrase("camera", "framing", ", ".join(shot_words))
        # the set-up first (lens, rig…), then the moves and the block's prose in their order
        self.block = stmt
        setup = Content(content.window)
        for item in items:
            CAMERA_LOWERING[type(item)](self, item, setup)
        content.buckets.setdefault("camera", []).extend(setup.pieces("camera"))
        moves_written = False
        for item in items:
            if isinstance(item, ast.Move) and not moves_written:
                moves_written = True
                timed = sorted(resolve_moves(items, content.window), key=lambda t: t.start)  # in the order they happen
                content.phrase("camera", "moves", say.moves(timed, content.window if content.cut is not None else None))
                previous = None
                for t in timed:
                    # a move that starts before the one before it ends runs with it
                    kind = "move.with" if previous is not None and t.start < previous.end else "move"
                    content.phrase("move", kind, say.move(t, times=False), t.start, t.end, does=say.move_does(t))
                    previous = t
            elif isinstance(item, ast.Prose):
                content.add("camera", say.sentence(item.text.value).rstrip("."))

    def framing_or_angle(self, item, content: Content) -> None:
        """Said with the framing on one `Camera shot:` line (see `camera`)."""

    def lens(self, item: ast.Lens | ast.LensPreset, content: Content) -> None:
        aperture = next((i for i in self.block.items if isinstance(i, ast.Aperture)), None)
        if isinstance(item, ast.LensPreset):
            symbol = self.lookup(item.name, "lens")
            spec = next((i for i in symbol.decl.items if isinstance(i, ast.LensSpec)), None) if symbol else None
            if spec is None:
                return
            focal, stop, description = spec.focal, spec.aperture, spec.description
        else:
            focal, stop, description = item.focal, item.aperture, item.description
        if stop is None and aperture is not None:
            stop = aperture.value
        content.phrase("camera", "lens", say.focal(focal), aperture=say.aperture(stop) if stop is not None else None,
                       description=description.value if description is not None else None)

    def aperture(self, item: ast.Aperture, content: Content) -> None:
        """An aperture joins the lens line when there is one."""
        if not any(isinstance(i, (ast.Lens, ast.LensPreset)) for i in self.block.items):
            content.phrase("camera", "aperture", say.aperture(item.value))

    def rig(self, item: ast.Rig, content: Content) -> None:
        content.add("camera", say.rig(item))

    def shutter(self, item: ast.Shutter, content: Content) -> None:
        content.add("camera", f"Shutter: {say.angle_amount(item.value)}")

    def fps(self, item: ast.Fps, content: Content) -> None:
        content.add("camera", f"Frame rate: {item.value.text}")

    def filter(self, item: ast.Filter, content: Content) -> None:
        content.add("camera", f"Filtration: {item.text.value}")

    def body(self, item: ast.Body, content: Content) -> None:
        content.add("camera", f"Camera body: {item.text.value}")

    def focus(self, item: ast.Focus, content: Content) -> None:
        content.add("camera", say.focus(item, self.speaker_name))

    def in_order(self, item, content: Content) -> None:
        """Moves and the block's prose are said in their written order (see `camera`)."""

    # ---- lighting ----------------------------------------------------------------------
    def lighting(self, stmt: ast.Lighting, content: Content) -> None:
        parts = Content(content.window)
        for item in stmt.items:
            LIGHTING_LOWERING[type(item)](self, item, parts)
        quality = parts.texts("quality")
        lines = parts.texts("light") + ([", ".join(quality) + " light quality"] if quality else [])
        # the block's prose after the list of lights, as the sentences it was written as
        prose = " ".join(say.sentence(t) for t in parts.texts("prose"))
        if lines:
            content.add("lighting", "Lighting: " + "; ".join(lines) + ("." if prose else "") + (f" {prose}" if prose else ""))
        elif prose:
            content.add("lighting", f"Lighting: {prose}")

    def light(self, item: ast.Light, content: Content) -> None:
        content.add("light", say.light(item, say.words(item.anchor.text) if item.anchor is not None else None))

    def quality(self, item: ast.Quality, content: Content) -> None:
        content.add("quality", vocab.LIGHT_QUALITIES.get(item.name.text, item.name.text))

    def lighting_prose(self, item: ast.Prose, content: Content) -> None:
        content.add("prose", item.text.value)

    # ---- beats, dialogue, sound --------------------------------------------------------
    def beats(self, stmt: ast.Beats, content: Content) -> None:
        self.times = self.shot.times(stmt.items, content.window)
        for item in stmt.items:
            BEAT_LOWERING[type(item)](self, item, content)

    def beat(self, item: ast.Beat, content: Content) -> None:
        start, end = self.times[id(item)] if id(item) in self.times else (None, None)
        bounds = range_ms(item.timing) if item.timing is not None else None
        # a beat with no time of its own, or one that fills its cut (which says when), is said without one
        written = bounds is not None and not (content.cut is not None and bounds == (content.window.start, content.window.end))
        content.phrase("action", "beat", item.text.value, start, end, range=say.time_range(*bounds) if written else None)

    def beat_prose(self, item: ast.Prose, content: Content) -> None:
        content.add("action", item.text.value)

    def beat_line(self, item: ast.Line, content: Content) -> None:
        if self.audible:
            self.spoken_line("action", item, content)

    def beat_pause(self, item: ast.Pause, content: Content) -> None:
        if self.audible:
            self.spoken_pause("action", item, content)

    def beat_sound(self, item: ast.SoundLine, content: Content) -> None:
        if self.audible:
            self.sound_cue("action", item, content)

    def dialogue(self, stmt: ast.Dialogue, content: Content) -> None:
        if self.audible:
            self.times = self.shot.times(stmt.items, content.window)
            for item in stmt.items:
                DIALOGUE_LOWERING[type(item)](self, item, content)

    def line(self, item: ast.Line, content: Content) -> None:
        self.spoken_line("dialogue", item, content)

    def pause(self, item: ast.Pause, content: Content) -> None:
        self.spoken_pause("dialogue", item, content)

    def dialogue_prose(self, item: ast.Prose, content: Content) -> None:
        content.add("dialogue", item.text.value)

    def spoken_line(self, bucket: str, item: ast.Line, content: Content) -> None:
        start, end = self.times[id(item)]
        at = ms(item.timing.at) if isinstance(item.timing, ast.TimePoint) else None
        content.phrase(bucket, "line", item.text.value, start, end,
                       speaker=self.speaker_name(item.speaker), speaker_symbol=self.lookup(item.speaker, "character"),
                       delivery=item.delivery.value if item.delivery is not None else None,
                       at=seconds(at) if at is not None else None)

    def spoken_pause(self, bucket: str, item: ast.Pause, content: Content) -> None:
        start, end = self.times[id(item)]
        length = ms(item.duration) if item.duration is not None else None
        content.phrase(bucket, "pause", "", start, end, length=say.duration_words(length) if length else None)

    def sound(self, stmt: ast.Sound, content: Content) -> None:
        if self.audible:
            self.times = self.shot.times(stmt.items, content.window)
            for item in stmt.items:
                SOUND_LOWERING[type(item)](self, item, content)

    def sound_line(self, item: ast.SoundLine, content: Content) -> None:
        self.sound_cue("sound", item, content)

    def sound_cue(self, bucket: str, item: ast.SoundLine, content: Content) -> None:
        start, end = self.times[id(item)]
        at = ms(item.timing.at) if isinstance(item.timing, ast.TimePoint) else None
        bounds = range_ms(item.timing) if isinstance(item.timing, ast.TimeRange) else None
        content.phrase(bucket, f"sound.{item.kind}", item.text.value, start, end, label=say.SOUND_KINDS[item.kind],
                       at=seconds(at) if at is not None else None,
                       range=say.time_range(*bounds) if bounds else None, timed=at is not None or bool(bounds))

    def sound_prose(self, item: ast.Prose, content: Content) -> None:
        content.add("sound", item.text.value)

    def cut(self, stmt: ast.Cut, content: Content) -> None:
        """A cut is gathered on its own, after the shot's shared content (see `prompt.py`)."""


G = Gatherer
STMT_LOWERING = {
    # request fields, not prompt text
    ast.ModelStmt: G.nothing, ast.SizeStmt: G.nothing, ast.DurationStmt: G.nothing, ast.ReferenceFile: G.nothing,
    ast.ReferenceLastFrame: G.nothing, ast.Takes: G.nothing, ast.Variant: G.nothing, ast.Seed: G.nothing,
    ast.Param: G.nothing,
    # resolved once for the whole shot: its cast, props, palette and style
    ast.Cast: G.nothing, ast.Props: G.nothing, ast.PaletteRef: G.nothing, ast.PaletteBlock: G.nothing,
    ast.StyleRef: G.nothing, ast.StyleText: G.nothing, ast.StyleBlock: G.nothing,
    ast.Prose: G.prose, ast.Setting: G.setting, ast.Atmosphere: G.atmosphere, ast.Physics: G.physics,
    ast.Overlay: G.overlay, ast.Layers: G.layers, ast.Mood: G.mood, ast.Avoid: G.avoid, ast.Speed: G.speed,
    ast.Loop: G.loop, ast.Camera: G.camera, ast.Lighting: G.lighting, ast.Beats: G.beats, ast.Dialogue: G.dialogue,
    ast.Sound: G.sound, ast.Cut: G.cut,
}
CAMERA_LOWERING = {
    ast.Framing: G.framing_or_angle, ast.Angle: G.framing_or_angle, ast.Lens: G.lens, ast.LensPreset: G.lens,
    ast.Aperture: G.aperture, ast.Rig: G.rig, ast.Shutter: G.shutter, ast.Fps: G.fps, ast.Filter: G.filter,
    ast.Body: G.body, ast.Focus: G.focus, ast.Move: G.in_order, ast.Prose: G.in_order,
}
LIGHTING_LOWERING = {ast.Light: G.light, ast.Quality: G.quality, ast.Prose: G.lighting_prose}
LAYER_LOWERING = {ast.Layer: G.layer, ast.Prose: G.layers_prose}
BEAT_LOWERING = {ast.Beat: G.beat, ast.Line: G.beat_line, ast.Pause: G.beat_pause, ast.SoundLine: G.beat_sound,
                 ast.Prose: G.beat_prose}
DIALOGUE_LOWERING = {ast.Line: G.line, ast.Pause: G.pause, ast.Prose: G.dialogue_prose}
SOUND_LOWERING = {ast.SoundLine: G.sound_line, ast.Prose: G.sound_prose}
del G
