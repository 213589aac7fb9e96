"""Craft lints a cinematographer would ask for (W118-W127): a shot that
contradicts itself, or asks for what its camera, its clip or its model cannot
give. Words and thresholds come from `lints.toml`; `lints.Linter` runs these
on every sound create job of the compiled file and reports through itself.
"""

from __future__ import annotations

import colorsys
import re
from functools import lru_cache

from sorascript.diagnostics import Label
from sorascript.sema import conditions
from sorascript.sema.checks import BUILTIN_SPEAKERS
from sorascript.sema.names import character_name, words
from sorascript.sema.timing import Window, cut_windows, resolve_moves, seconds
from sorascript.quantities import time_range
from sorascript.syntax import ast


def _words(items) -> re.Pattern:
    ordered = sorted(items, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + r")(?![\w-])",
                      re.I)


@lru_cache(maxsize=None)
def _table_pattern(code: str, key: str, raw: bool = False) -> re.Pattern:
    """A `lints.toml` list (or a table's keys) as one pattern on word boundaries:
    its words as written, or (`raw`) as the regular expressions they are."""
    from sorascript.sema.lints import rules

    value = rules()[code][key]
    if isinstance(value, dict):
        value = list(value)
    if raw:
        return re.compile(r"(?<![\w-])(?:" + "|".join(value) + r")(?![\w-])", re.I)
    return _words(value)


# A shot's name as words, up to four, after "shot" or "the", or before "shot".
_WORD = re.compile(r"[\w-]+")
_AFTER = re.compile(r"(?<![\w-])(?P<lead>shot|the)\s+(?P<words>[\w-]+(?:[ \t]+[\w-]+){0,3})", re.I)
_BEFORE = re.compile(r"(?<![\w-])(?P<words>(?:[\w-]+[ \t]+){0,3}[\w-]+)[ \t]+shot(?![\w-])", re.I)


@lru_cache(maxsize=None)
def _focal_pattern(gauge_after: str) -> re.Pattern:
    """A focal length written in a style ("85mm"), not a film gauge ("35mm film")."""
    return re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*mm\b(?!\s*" + gauge_after + r")", re.I)


@lru_cache(maxsize=1)
def _phrases() -> re.Pattern:
    from sorascript.sema.lints import rules

    return re.compile(r"(?<![\w-])(?:" + "|".join(rules()["W123"]["patterns"]) + r")(?![\w-])", re.I)


class Context:
    """The statements said over one window: the shot's own, or one cut's."""

    def __init__(self, stmts, window: Window, camera) -> None:
        self.stmts = stmts
        self.window = window
        self.camera = camera  # the camera block that frames it (a cut's own, else the shot's)

    @property
    def framings(self) -> set[str]:
        """The framings the camera is at: its `framing`, and where its moves go from and to."""
        out = set()
        for item in self.camera.items if self.camera is not None else ():
            if isinstance(item, ast.Framing):
                out.add(item.name.text)
            elif isinstance(item, ast.Move):
                out.update(f.text for f in (item.from_framing, item.to_framing) if f is not None)
        return out

    def framing(self):
        return next((i for i in self.camera.items if isinstance(i, ast.Framing)), None) if self.camera else None


def contexts(view, duration: int) -> list[Context]:
    shared_camera = view.first(ast.Camera)
    out = [Context([s for s in view.stmts if not isinstance(s, ast.Cut)], Window(0, duration), shared_camera)]
    for cut, window in cut_windows(view.stmts, duration):
        own = next((s for s in cut.stmts if isinstance(s, ast.Camera)), None)
        out.append(Context(cut.stmts, window, own or shared_camera))
    return out


class Craft:
    def __init__(self, linter) -> None:
        self.linter = linter
        self.table = linter.table
        self._prose: dict = {}

    def shot(self, job, shot, name_span, label: str) -> None:
        self.times = shot.times  # block times, worked out once for the shot's lints and its lowering
        places = contexts(shot.view, shot.duration)
        texts = [t for place in places for t in self.texts(place.stmts)]  # the shot's and every cut's
        self.style_optics(shot)
        self.uncast(job, shot, texts)
        self.place_and_time(shot)
        for place in places:
            self.framing_words(place)
            self.rig_moves(place)
            self.temperatures(place, shot)
            self.unseen_speakers(place, shot)
            self.voices_at_once(place)
        self.other_shots(job, shot, texts)
        self.dead_air(shot, places, name_span, label)

    # ---- helpers ----------------------------------------------------------------------------------
    def found(self, text: ast.Str, compiled: re.Pattern, table: bool = False):
        """(span, words) of each match in a string of the compiled file; a `table`
        pattern (one used for every string) is first looked for in the whole file."""
        if table and not self.linter.may_hold(text, compiled):
            return
        raw = self.linter.raw(text)
        if raw is None:
            return
        body, begin = raw
        for match in compiled.finditer(body):
            yield self.linter.span(begin, match.start(), match.end()), match.group(0)

    def prose_texts(self, place: Context) -> list:
        """The strings of the place's prose and beats: what the frame shows."""
        found = self._prose.get(id(place))
        if found is None:
            found = self._prose[id(place)] = self.texts([s for s in place.stmts if isinstance(s, (ast.Prose, ast.Beats))])
        return found

    def texts(self, stmts):
        from sorascript.sema.lints import stmt_texts

        return list(stmt_texts([s for s in stmts if not isinstance(s, (ast.Cut, ast.Variant))], sound=False))

    # ---- W118: a style's optics ---------------------------------------------------------------------
    def style_optics(self, shot) -> None:
        focals = set()
        for stmt in shot.view.all(ast.Camera):
            for item in stmt.items:
                if isinstance(item, ast.Lens) and item.focal.kind == "focal":
                    focals.add(item.focal.value)
                elif isinstance(item, ast.LensPreset):
                    symbol = self.linter.analysis.scopes.find(shot.view.module, item.name, ("lens",))
                    spec = next((i for i in symbol.decl.items if isinstance(i, ast.LensSpec)), None) if symbol else None
                    if spec is not None and spec.focal.kind == "focal":
                        focals.add(spec.focal.value)
        if not focals:
            return
        table = self.table["W118"]
        focal = _focal_pattern(table["gauge_after"])
        types = _table_pattern("W118", "lens_types")
        shown = ", ".join(f"{f:g}mm" for f in sorted(focals))
        style = shot.view.first(ast.StyleRef, ast.StyleText, ast.StyleBlock)
        for item in shot.style_items:
            text = getattr(item, "text", None)
            if not isinstance(text, ast.Str):
                continue
            for match in focal.finditer(text.value):
                if float(match.group(1)) not in focals:
                    self.optics(text, style, match.group(0), f"the shot's lens is {shown}")
            for match in types.finditer(text.value):
                low, high = table["lens_types"][" ".join(match.group(0).lower().split())]
                if not any(low <= f <= high for f in focals):
                    self.optics(text, style, match.group(0), f"a {match.group(0)} lens is not {shown}")

    def optics(self, text: ast.Str, style, words_: str, why: str) -> None:
        if not self.linter.first_time("W118", id(text), words_, why):
            return
        spans = [span for span, w in self.found(text, re.compile(re.escape(words_), re.I))]
        span = spans[0] if spans else (style.name.span if isinstance(style, ast.StyleRef) else style.span)
        self.linter.report("W118", f"the style names `{words_}`, but {why}", span, "optics in the style")

    # ---- W119: named but not cast -------------------------------------------------------------------
    def uncast(self, job, shot, texts) -> None:
        names, named = self.linter.characters()
        if named is None:
            return
        cast = {id(s.decl) for s in shot.cast}
        for text in texts:
            for span, name in self.found(text, named, table=True):
                symbol = names[name]
                if id(symbol.decl) not in cast and self.linter.first_time("W119", id(text), name):
                    self.linter.report("W119", f"`{name}` is named here but is not in `{job.name}`'s cast", span,
                                       "never described", help=self.table["W119"]["help"].replace("NAME", symbol.name))

    # ---- W120: time of day and weather --------------------------------------------------------------
    def place_and_time(self, shot) -> None:
        """The shot's own words (its `setting "…"`, its atmospheres) against its
        location's time and weather, and against each other."""
        setting = shot.view.first(ast.Setting)
        own = ([setting.text] if setting is not None and setting.text is not None else []) + \
              [a.text for a in shot.view.all(ast.Atmosphere)]
        fields = [(f"`{shot.location.name}`'s {item.KIND} \"{item.text.value}\"", item.text)
                  for item in (shot.location.decl.items if shot.location is not None else ())
                  if isinstance(item, (ast.LocationTime, ast.LocationWeather))]
        pairs = [(text, fields + [(f"\"{o.value}\"", o) for o in own[index + 1:]]) for index, text in enumerate(own)]
        # A cut's words against the location the whole clip's prompt describes (cuts may differ from each other:
        # a time-lapse goes from winter to spring).
        for cut in (s for s in shot.view.stmts if isinstance(s, ast.Cut)):
            pairs += [(s.text, fields) for s in cut.stmts
                      if isinstance(s, (ast.Setting, ast.Atmosphere)) and s.text is not None]
        for text, others in pairs:
            for what, other in others:
                kind = self.disagreement(text.value, other.value)
                if kind and self.linter.first_time("W120", id(text), id(other)):
                    self.linter.report("W120", f"\"{text.value}\" contradicts {what}: another {kind}", text.span,
                                       f"another {kind}")

    @staticmethod
    def disagreement(first: str, second: str) -> str | None:
        if conditions.times_disagree(conditions.times_in(first), conditions.times_in(second)):
            return "time of day"
        if conditions.weather_disagrees(conditions.weather_in(first), conditions.weather_in(second)):
            return "weather"
        return None

    # ---- W121: framing in the prose -----------------------------------------------------------------
    def framing_words(self, place: Context) -> None:
        framing = place.framing()
        if framing is None:
            return
        allowed = place.framings
        table = self.table["W121"]["words"]
        compiled = _table_pattern("W121", "words")
        for text in self.prose_texts(place):
            for span, written in self.found(text, compiled, table=True):
                means = table[" ".join(written.lower().split())]
                if means not in allowed and self.linter.first_time("W121", id(text), written, id(framing)):
                    self.linter.report("W121", f"the prose says `{written}`, but the camera's framing is `{framing.name.text}`",
                                       span, "another framing", secondary=[Label(framing.name.span, "the framing")])

    # ---- W122: what a rig can do --------------------------------------------------------------------
    def rig_moves(self, place: Context) -> None:
        camera = place.camera
        rig = next((i for i in camera.items if isinstance(i, ast.Rig)), None) if camera is not None else None
        cannot = set(self.table["W122"]["cannot"].get(rig.name.text, ())) if rig is not None else set()
        for item in camera.items if cannot else ():
            if isinstance(item, ast.Move) and item.verb.text in cannot and self.linter.first_time("W122", id(item)):
                article = "an" if item.verb.text[0] in "aeiou" else "a"
                self.linter.report("W122", f"`rig {rig.name.text}` cannot make {article} `{item.verb.text}` move", item.verb.span,
                                   f"not on a {rig.name.text}", secondary=[Label(rig.name.span, "the rig")])

    # ---- W123: other shots --------------------------------------------------------------------------
    def other_shots(self, job, shot, texts) -> None:
        own = words(shot.view.symbol.name).lower()
        avoided = [s.text for s in shot.view.stmts if isinstance(s, ast.Avoid)]  # said to the model too
        for text in texts + avoided:
            for span, written in self.shot_references(text, continuity=False, own=own):
                if self.linter.first_time("W123", id(text), span.start):
                    self.linter.report("W123", f"`{written}` points at another shot; `{job.name}` is rendered alone",
                                       span, "another shot")

    def continuity(self, decl: ast.SequenceDecl) -> None:
        """A sequence's continuity lines are written into its shots: one naming a shot means nothing there."""
        for item in decl.items:
            if isinstance(item, ast.Continuity):
                for span, written in self.shot_references(item.text, continuity=True, own=None):
                    self.linter.report("W123", f"`{written}` names a shot, in a line written into each shot "
                                       f"it concerns", span, "another shot")

    def shot_references(self, text: ast.Str, continuity: bool, own: str | None):
        """What in a string points at another shot: the table's phrases ("every
        shot"), and a shot's name as words after or before "shot" ("the handover
        shot"). In a sequence's continuity line, which speaks of its shots, "the
        handover" too: in a shot's own prose that is more often the thing itself."""
        raw = self.linter.raw(text)
        if raw is None:
            return
        body, begin = raw
        if "shot" not in body.lower() and not (continuity and "the" in body.lower()):
            return  # what W123 looks for always holds "shot" (or, in a continuity line, "the")
        names = self.linter.shot_names()
        for match in _phrases().finditer(body):
            yield self.linter.span(begin, match.start(), match.end()), match.group(0)
        for match in _AFTER.finditer(body):
            if match.group("lead").lower() == "the" and not continuity:
                continue
            ends = [m.end() for m in _WORD.finditer(match.group("words"))]
            for count in range(len(ends), 0, -1):  # the longest name the words start with
                name = " ".join(match.group("words")[:ends[count - 1]].lower().split())
                if name in names and name != own:
                    end = match.start("words") + ends[count - 1]
                    yield self.linter.span(begin, match.start(), end), " ".join(body[match.start():end].split())
                    break
        for match in _BEFORE.finditer(body):
            starts = [m.start() for m in _WORD.finditer(match.group("words"))]
            for count in range(len(starts), 0, -1):  # the longest name the words end with
                start = match.start("words") + starts[-count]
                name = " ".join(body[start:match.end("words")].lower().split())
                if name in names and name != own:
                    yield self.linter.span(begin, start, match.end()), " ".join(body[start:match.end()].split())
                    break

    # ---- W124: dead air -----------------------------------------------------------------------------
    def dead_air(self, shot, places: list[Context], name_span, label: str) -> None:
        covered: list[tuple[int, int]] = []
        timed = False
        for place in places:
            for stmt in place.stmts:
                if isinstance(stmt, ast.Camera):
                    for move in resolve_moves(stmt.items, place.window):
                        covered.append((move.start, move.end))
                        timed = True  # the writer is timing the shot: a gap is a choice, or a slip
                elif isinstance(stmt, (ast.Beats, ast.Dialogue, ast.Sound)):
                    times = self.times(stmt.items, place.window)
                    for item in stmt.items:
                        if id(item) not in times or isinstance(item, ast.Pause):
                            continue
                        start, end = times[id(item)]
                        if isinstance(item, ast.SoundLine):
                            if item.timing is None:
                                continue  # an ambient bed runs under everything; it is no event
                            end = end if end is not None else start + 1000
                        timed = timed or isinstance(item, ast.Beat)
                        covered.append((start, end))
        if not timed:
            return
        gaps, cursor = [], 0
        for start, end in sorted(covered):
            if start > cursor:
                gaps.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < shot.duration:
            gaps.append((cursor, shot.duration))
        gap = max(gaps, key=lambda g: g[1] - g[0], default=None)
        if gap is not None and gap[1] - gap[0] >= self.table["W124"]["min_ms"] and self.linter.first_time("W124", id(shot.view.symbol.decl), gap):
            self.linter.report("W124", f"nothing is planned for {seconds(gap[1] - gap[0])}s of {label} "
                               f"({time_range(*gap)})", name_span, f"dead air {time_range(*gap)}")

    # ---- W125: colour temperature -------------------------------------------------------------------
    def temperatures(self, place: Context, shot) -> None:
        table = self.table["W125"]
        warm, cool = _table_pattern("W125", "warm_words"), _table_pattern("W125", "cool_words")
        anchors = {a.name.text: a for a in shot.anchors}
        for stmt in place.stmts:
            if not isinstance(stmt, ast.Lighting):
                continue
            for light in stmt.items:
                if not isinstance(light, ast.Light) or light.temperature is None or light.temperature.kind != "temperature":
                    continue
                kelvin = light.temperature.value
                text = light.description.value if light.description is not None else ""
                is_warm, is_cool = bool(warm.search(text)), bool(cool.search(text))
                anchor = anchors.get(light.anchor.text) if light.anchor is not None else None
                hue = _hue_family(anchor.color.value) if anchor is not None and anchor.color is not None \
                    and anchor.color.kind == "color" else None
                why = None
                if is_warm and not is_cool and kelvin > table["warm_max_k"]:
                    why = f"\"{text}\" is warm light"
                elif is_cool and not is_warm and kelvin < table["cool_min_k"]:
                    why = f"\"{text}\" is cool light"
                elif hue == "warm" and kelvin >= 6000 and not is_cool:
                    why = f"its anchor `{light.anchor.text}` is a warm colour"
                elif hue == "cool" and kelvin <= 3500 and not is_warm:
                    why = f"its anchor `{light.anchor.text}` is a cool colour"
                if why and self.linter.first_time("W125", id(light)):
                    self.linter.report("W125", f"{light.temperature.text} is {'cool' if kelvin > 5000 else 'warm'}, but {why}",
                                       light.temperature.span, "the number and the words disagree")

    # ---- W126: a speaker no one can see speak --------------------------------------------------------
    def unseen_speakers(self, place: Context, shot) -> None:
        lines = [line for line in self.lines(place) if line.speaker.text not in BUILTIN_SPEAKERS]
        if not lines:
            return
        table = self.table["W126"]
        framing = place.framing()
        far = framing if framing is not None and framing.name.text in table["framings"] else None
        hidden = _table_pattern("W126", "hidden", raw=True)
        texts = self.prose_texts(place)
        sentences = [s for text in texts if hidden.search(text.value)
                     for s in re.split(r"(?<=[.;!?])\s+", text.value)]
        for line in lines:
            symbol = self.linter.analysis.scopes.find(shot.view.module, line.speaker, ("character",))
            name = character_name(symbol) if symbol is not None else line.speaker.text
            unseen = [s for s in sentences if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", s) and hidden.search(s)]
            if (far is not None or unseen) and self.linter.first_time("W126", id(line)):
                why = f"the framing is `{far.name.text}`" if far is not None else f"the prose hides them: \"{unseen[0]}\""
                self.linter.report("W126", f"`{line.speaker.text}` speaks, but cannot be seen to: {why}",
                                   line.speaker.span, "no face to lip-sync")

    @staticmethod
    def lines(place: Context):
        for stmt in place.stmts:
            if isinstance(stmt, (ast.Dialogue, ast.Beats)):
                yield from (i for i in stmt.items if isinstance(i, ast.Line))

    # ---- W127: two blocks' lines at once ------------------------------------------------------------
    def voices_at_once(self, place: Context) -> None:
        said = []
        for stmt in place.stmts:
            if isinstance(stmt, (ast.Dialogue, ast.Beats)):
                times = self.times(stmt.items, place.window)
                said += [(times[id(i)], i, stmt) for i in stmt.items if isinstance(i, ast.Line)]
        said.sort(key=lambda s: s[0])
        for index, ((start, end), line, block) in enumerate(said):
            for (other_start, other_end), other, other_block in said[index + 1:]:
                if other_block is block or other_start >= end:
                    continue
                if self.linter.first_time("W127", id(other)):
                    self.linter.report("W127", f"this line ({time_range(other_start, other_end)}) is said while "
                                       f"`{line.speaker.text}`'s line ({time_range(start, end)}) still is",
                                       other.speaker.span, "two voices at once",
                                       secondary=[Label(line.text.span, "said at the same time")])


@lru_cache(maxsize=None)
def _hue_family(hex_colour: str) -> str | None:
    """"warm" (reds, oranges, yellows), "cool" (cyans, blues), or None (greys, greens, purples)."""
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.25 or lightness < 0.08 or lightness > 0.95:
        return None
    degrees = hue * 360
    if degrees < 65 or degrees >= 330:
        return "warm"
    if 170 <= degrees < 260:
        return "cool"
    return None
