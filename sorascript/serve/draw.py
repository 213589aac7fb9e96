"""The frames of an animatic, drawn with Pillow.

A frame is the palette's colours as vertical bands (dark grey without a
palette) under four layers of text in dark boxes:

- the top panel: the shot's name and title, then the current cut (or the
  clip's size, rate and frame count), then the *band*: the running timecode
  and frame number, a playhead over the clip with ticks at the cuts and beats,
  and one row per camera move while it runs (an arrow for its direction, its
  words, and how far through it is);
- the active beat's caption in the middle;
- the latest sound cue above the subtitles;
- the active dialogue line as a subtitle under its speaker's name.

Only the band changes from frame to frame. Everything else changes when a cue
starts or ends, so each distinct arrangement (`state`) is drawn once, and a
frame is that picture with the band drawn again: the encoder is fed YUV 4:2:0
planes, and the band's rows are contiguous in each plane, so a frame costs a
small drawing and a few buffer slices, not a full picture.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from PIL import Image, ImageDraw, ImageFont

from sorascript.serve.script import Cue, Script

RENDER_VERSION = "animatic-1"  # part of every render key: bump it when the pictures change

NEUTRAL = (48, 48, 48)
WHITE = (242, 242, 242)
DIM = (170, 170, 170)
SPEAKER = (255, 214, 90)
MOVE = (120, 220, 255)
SOUND = (160, 235, 160)
SHADE_ALPHA = 150  # the dark boxes behind text, out of 255
CAPTION_LINES = 3
KEPT_STATES = 4


@dataclass(frozen=True)
class Clip:
    """What to render: the picture's size and timing, and the cues to show."""

    width: int
    height: int
    fps: int
    frames: int
    script: Script
    reference: bytes | None = None  # a PNG/JPEG/WebP image: the first frame's background
    offset_s: float = 0.0  # the timecode of the first frame (an extension continues its source)

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    def key(self) -> str:
        """A content address: equal clips render to equal bytes."""
        spec = {
            "v": RENDER_VERSION, "size": [self.width, self.height], "fps": self.fps, "frames": self.frames,
            "offset": self.offset_s, "script": self.script.to_json(),
            "reference": hashlib.sha256(self.reference).hexdigest() if self.reference else None,
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:32]


def _even(value: float) -> int:
    return int(value) // 2 * 2


def _rect(draw, box, *, radius: int = 0, **style) -> None:
    """A rectangle, or nothing where a frame too small for the layout leaves it no room."""
    x0, y0, x1, y1 = box
    if x1 < x0 or y1 < y0:
        return
    if radius:
        draw.rounded_rectangle(box, radius=min(radius, (x1 - x0) // 2, (y1 - y0) // 2), **style)
    else:
        draw.rectangle(box, **style)


@dataclass(frozen=True)
class Layout:
    """Where things go in a WIDTHxHEIGHT frame; every y that bounds the band is even."""

    width: int
    height: int
    move_rows: int

    @cached_property
    def unit(self) -> int:  # the body text size
        return max(8, round(min(self.width, self.height) / 20))

    @cached_property
    def margin(self) -> int:
        return max(4, round(self.unit * 0.6))

    @property
    def title_y(self) -> int:
        return self.margin

    @property
    def cut_y(self) -> int:
        return self.margin + round(self.unit * 1.5)

    @cached_property
    def band(self) -> tuple[int, int]:
        """Rows [top, bottom) redrawn every frame."""
        last = _even(self.height)
        top = min(_even(self.cut_y + self.unit * 1.3), last - 2)  # a frame too small for the layout still has a band
        height = round(self.unit * 1.3) + round(self.unit * 0.8) + self.move_rows * round(self.unit * 1.4)
        return top, max(top + 2, min(_even(top + height + 1), last))

    @property
    def playhead_y(self) -> tuple[int, int]:
        top = self.band[0] + round(self.unit * 1.35)
        return top, top + max(2, round(self.unit * 0.25))

    def move_row(self, index: int) -> tuple[int, int]:
        top = self.band[0] + round(self.unit * 1.3) + round(self.unit * 0.8) + index * round(self.unit * 1.4)
        return top, top + round(self.unit * 1.2)

    @property
    def panel_bottom(self) -> int:
        return min(self.height, self.band[1] + self.margin // 2)

    @property
    def subtitle_top(self) -> int:
        return self.height - self.margin - round(self.unit * 1.25) * 3 - self.margin

    @property
    def sound_box(self) -> tuple[int, int]:
        bottom = self.subtitle_top - self.margin // 2
        return bottom - round(self.unit * 1.25), bottom

    @property
    def caption_box(self) -> tuple[int, int]:
        """The rows the beat caption's box may cover, centred between the panel and the sound row."""
        top, bottom = self.panel_bottom, self.sound_box[0]
        centre = (top + bottom) // 2
        half = (round(self.unit * 1.25) * CAPTION_LINES + self.margin) // 2
        return centre - half, centre + half

    @property
    def clear_y(self) -> int:
        """A row nothing but the background is ever drawn on (between the panel and the caption)."""
        return (self.panel_bottom + self.caption_box[0]) // 2


# --------------------------------------------------------------------------
# text


@dataclass
class Fonts:
    unit: int

    @cached_property
    def title(self):
        return ImageFont.load_default(size=round(self.unit * 1.2))

    @cached_property
    def body(self):
        return ImageFont.load_default(size=self.unit)

    @cached_property
    def small(self):
        return ImageFont.load_default(size=max(8, round(self.unit * 0.85)))


# The bundled font (Aileron, a subset) has ASCII and a few signs; anything else
# is spelled in ASCII so that no character draws as an empty box.
_FONT_HAS = set(chr(c) for c in range(32, 127)) | set("©«°±´·»‘’“”…‹›⁄™")
_ASCII = {"—": "-", "–": "-", "‐": "-", "−": "-", "×": "x", "→": "->", "←": "<-", "•": "*", "\u00a0": " "}


def printable(text: str) -> str:
    out = []
    for ch in text.replace("\n", " ").replace("\t", " "):
        if ch in _FONT_HAS:
            out.append(ch)
        elif ch in _ASCII:
            out.append(_ASCII[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c in _FONT_HAS)
            out.append(base or "?")
    return "".join(out)


def fit(text: str, font, width: float) -> str:
    """The text, cut with an ellipsis if it is wider than `width`."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, font, width: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word if font.getlength(word) <= width else fit(word, font, width)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit(lines[-1] + " …", font, width) if not lines[-1].endswith("…") else lines[-1]
    return lines


def timecode(seconds: float) -> str:
    centis = round(seconds * 100)
    minutes, rest = divmod(centis, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def move_direction(text: str) -> str:
    """in, out, left, right, up, down, orbit or hold, from a move's first words
    (only the first: "push in ... to close-up" is not a move up)."""
    words = text.lower().replace("-", " ").split()[:3]
    first, rest = (words[0], words[1:]) if words else ("", [])
    if first in ("hold", "static", "locked"):
        return "hold"
    if first in ("orbit", "arc", "roll", "rotate", "spin"):
        return "orbit"
    if first == "push" or (first in ("zoom", "dolly", "track") and ("in" in rest or "forward" in rest)):
        return "in"
    if first == "pull" or (first in ("zoom", "dolly", "track") and ("out" in rest or "back" in rest)):
        return "out"
    return next((w for w in words if w in ("left", "right", "up", "down")), "right")


# --------------------------------------------------------------------------
# frames


# RGB to BT.601 limited-range Y'CbCr (what H.264 players assume), as one affine pass.
_TO_TV_YCC = (
    0.299 * 219 / 255, 0.587 * 219 / 255, 0.114 * 219 / 255, 16.0,
    -0.168736 * 224 / 255, -0.331264 * 224 / 255, 0.5 * 224 / 255, 128.0,
    0.5 * 224 / 255, -0.418688 * 224 / 255, -0.081312 * 224 / 255, 128.0,
)


def to_tv_ycc(image: Image.Image) -> Image.Image:
    """An RGB picture as limited-range Y'CbCr, full resolution (the bands of an "RGB" image hold Y, Cb, Cr)."""
    return image.convert("RGB", _TO_TV_YCC)


def yuv420(ycc: Image.Image) -> tuple[bytes, bytes, bytes]:
    """The planes of a `to_tv_ycc` picture, chroma averaged over 2x2."""
    y, cb, cr = ycc.split()
    return y.tobytes(), cb.reduce(2).tobytes(), cr.reduce(2).tobytes()


@functools.cache
def tv_ycc(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    return to_tv_ycc(Image.new("RGB", (1, 1), colour)).getpixel((0, 0))


class Painter:
    """Draws the frames of one clip."""

    def __init__(self, clip: Clip):
        self.clip = clip
        self.script = clip.script
        self.duration = clip.duration
        self.layout = Layout(clip.width, clip.height, self._max_concurrent(clip.script.moves))
        self.fonts = Fonts(self.layout.unit)
        # state -> (the RGB picture, its yuv420p planes, the band's rows of it as limited-range YCbCr)
        # frames come in order, so a few recent states suffice (a long clip has many, megabytes each)
        self._bases: OrderedDict[tuple, tuple[Image.Image, tuple[bytes, bytes, bytes], Image.Image]] = OrderedDict()
        self._masks: dict[tuple[str, int], Image.Image] = {}
        self._lengths: dict[tuple[str, int], float] = {}  # measuring text is slow: the band measures the same text often
        self._fitted: dict[tuple[str, int, float], str] = {}
        self._wrapped: dict[tuple[str, int, float, int], list[str]] = {}
        self._reference: Image.Image | None = None
        if clip.reference:
            with Image.open(io.BytesIO(clip.reference)) as image:
                self._reference = image.convert("RGB").resize((clip.width, clip.height), Image.Resampling.LANCZOS)
        self._ticks = sorted({c.start_s for c in clip.script.cuts + clip.script.beats if 0 < c.start_s < self.duration})

    def _max_concurrent(self, moves: tuple[Cue, ...]) -> int:
        duration = self.clip.duration
        edges = sorted({m.start_s for m in moves if m.start_s < duration})
        return max((sum(m.active(t, duration) for m in moves) for t in edges), default=0)

    def time(self, index: int) -> float:
        return index / self.clip.fps

    # -- the picture without the band ----------------------------------------------------------

    def state(self, index: int) -> tuple:
        t, d, s = self.time(index), self.duration, self.script
        beat = next((i for i, c in enumerate(s.beats) if c.active(t, d)), -1)
        line = next((i for i, c in enumerate(s.lines) if c.active(t, d)), -1)
        cut = next((i for i, c in enumerate(s.cuts) if c.active(t, d)), -1)
        sounds = [i for i, c in enumerate(s.sounds) if c.active(t, d)]
        sound = max(sounds, key=lambda i: (s.sounds[i].start_s, i), default=-1)
        return beat, line, cut, sound, index == 0 and self._reference is not None

    def base(self, state: tuple) -> tuple[Image.Image, tuple[bytes, bytes, bytes], Image.Image]:
        cached = self._bases.get(state)
        if cached is not None:
            self._bases.move_to_end(state)
        else:
            if len(self._bases) >= KEPT_STATES:
                self._bases.popitem(last=False)
            image = self._draw_base(*state)
            ycc = to_tv_ycc(image)
            top, bottom = self.layout.band
            cached = self._bases[state] = (image, yuv420(ycc), ycc.crop((0, top, self.layout.width, bottom)))
        return cached

    def _background(self, with_reference: bool) -> Image.Image:
        w, h = self.clip.width, self.clip.height
        if with_reference and self._reference is not None:
            return self._reference.copy()
        image = Image.new("RGB", (w, h), NEUTRAL)
        palette = self.script.palette
        if palette:
            draw = ImageDraw.Draw(image)
            for i, colour in enumerate(palette):
                _rect(draw, (i * w // len(palette), 0, (i + 1) * w // len(palette) - 1, h - 1), fill=colour)
        return image

    def _draw_base(self, beat: int, line: int, cut: int, sound: int, with_reference: bool) -> Image.Image:
        lay, fonts, s = self.layout, self.fonts, self.script
        w, h, m = lay.width, lay.height, lay.margin
        image = self._background(with_reference)
        draw = ImageDraw.Draw(image, "RGBA")  # "RGBA": translucent fills blend onto the picture
        inner = w - 2 * m

        _rect(draw, (0, 0, w - 1, lay.panel_bottom - 1), fill=(0, 0, 0, SHADE_ALPHA))
        heading = printable(s.heading) or "animatic"
        draw.text((m, lay.title_y), self._fit(heading, fonts.title, inner), font=fonts.title, fill=WHITE)
        if cut >= 0:
            c = s.cuts[cut]
            words = f"cut {cut + 1}/{len(s.cuts)}  {c.start_s:g}-{c.end(self.duration):g}s"
            words += f"  {printable(c.text)}" if c.text else ""
            draw.text((m, lay.cut_y), fit(words, fonts.small, inner), font=fonts.small, fill=SPEAKER)
        else:
            facts = f"{w}x{h}  {self.clip.fps} fps  {self.clip.frames} frames"
            draw.text((m, lay.cut_y), fit(facts, fonts.small, inner), font=fonts.small, fill=DIM)

        text_width = inner - 2 * m
        if beat >= 0:
            rows = [(r, fonts.body, WHITE) for r in self._wrap(printable(s.beats[beat].text), fonts.body, text_width, CAPTION_LINES)]
            self._boxed_lines(draw, rows, lay.caption_box, "middle")
        if sound >= 0:
            c = s.sounds[sound]
            words = f"{printable(c.who).upper() or 'SOUND'}: {printable(c.text)}"
            self._boxed_lines(draw, [(fit(words, fonts.small, text_width), fonts.small, SOUND)], lay.sound_box, "middle")
        if line >= 0:
            c = s.lines[line]
            rows = [(r, fonts.body, WHITE) for r in self._wrap(printable(c.text), fonts.body, text_width, 2)]
            if c.who:
                rows.insert(0, (fit(printable(c.who).upper(), fonts.small, text_width), fonts.small, SPEAKER))
            self._boxed_lines(draw, rows, (lay.subtitle_top, h - m), "bottom")
        return image

    def _boxed_lines(self, draw, rows: list[tuple[str, object, tuple]], box: tuple[int, int], align: str):
        """Rows of (text, font, colour) centred across the frame in one dark box, in the
        middle of the rows `box` or at its bottom."""
        lay = self.layout
        step, pad = round(lay.unit * 1.25), lay.margin // 2
        height = step * len(rows)
        top, bottom = box
        y = (top + bottom - height) // 2 if align == "middle" else bottom - height - pad
        widest = max(font.getlength(text) for text, font, _ in rows)
        x0 = (lay.width - widest) / 2
        _rect(draw, (x0 - pad * 2, y - pad, x0 + widest + pad * 2, y + height + pad), radius=pad,
              fill=(0, 0, 0, SHADE_ALPHA))
        for text, font, colour in rows:
            draw.text(((lay.width - font.getlength(text)) / 2, y + (step - lay.unit) // 2), text, font=font, fill=colour)
            y += step

    # -- the band --------------------------------------------------------------------------------
    #
    # Drawn every frame, so text is pasted from cached glyph masks (the timecode a
    # character at a time: the font's digits all have one width), and it is drawn
    # straight onto YCbCr for the encoder: the colour conversion is affine, so
    # blending there is blending in RGB.

    def _mask(self, text: str, font) -> Image.Image:
        key = (text, font.size)
        mask = self._masks.get(key)
        if mask is None:
            left, top, right, bottom = font.getbbox(text)
            mask = Image.new("L", (max(1, int(right) + 1), max(1, int(bottom) + 1)))
            ImageDraw.Draw(mask).text((0, 0), text, font=font, fill=255)
            self._masks[key] = mask
        return mask

    def _length(self, text: str, font) -> float:
        key = (text, font.size)
        length = self._lengths.get(key)
        if length is None:
            length = self._lengths[key] = font.getlength(text)
        return length

    def _fit(self, text: str, font, width: float) -> str:
        key = (text, font.size, width)
        fitted = self._fitted.get(key)
        if fitted is None:
            fitted = self._fitted[key] = fit(text, font, width)
        return fitted

    def _wrap(self, text: str, font, width: float, lines: int) -> list[str]:
        key = (text, font.size, width, lines)
        rows = self._wrapped.get(key)
        if rows is None:
            rows = self._wrapped[key] = wrap(text, font, width, lines)
        return list(rows)

    def _text(self, draw, xy, text: str, font, fill, *, by_char: bool = False) -> None:
        x, y = xy
        for piece in (text if by_char else (text,)):
            draw.bitmap((round(x), y), self._mask(piece, font), fill=fill)
            x += self._length(piece, font)

    def _draw_band(self, image: Image.Image, index: int, ink) -> None:
        """The band's contents onto `image` (the band's rows), with colours mapped by `ink`."""
        lay, fonts, s = self.layout, self.fonts, self.script
        draw = ImageDraw.Draw(image)
        top = lay.band[0]
        m, t, d = lay.margin, self.time(index), self.duration
        offset = self.clip.offset_s
        now, total = timecode(offset + t), f" / {timecode(offset + d)}"
        self._text(draw, (m, 0), now, fonts.body, ink(WHITE), by_char=True)
        self._text(draw, (m + sum(self._length(ch, fonts.body) for ch in now), 0), total, fonts.body, ink(WHITE))
        counter = f"{index + 1}/{self.clip.frames}"
        self._text(draw, (lay.width - m - sum(self._length(ch, fonts.small) for ch in counter), round(lay.unit * 0.15)), counter,
                   fonts.small, ink(DIM), by_char=True)
        y0, y1 = (v - top for v in lay.playhead_y)
        span = lay.width - 2 * m
        _rect(draw, (m, y0, m + span, y1), fill=ink((90, 90, 90)))
        _rect(draw, (m, y0, m + round(span * min(1.0, (t + 1 / self.clip.fps) / d)), y1), fill=ink(WHITE))
        for tick in self._ticks:
            x = m + round(span * tick / d)
            _rect(draw, (x - 1, y0 - (y1 - y0), x, y1 + (y1 - y0)), fill=ink(SPEAKER))
        row = 0
        for move in s.moves:
            if move.active(t, d):
                r0, r1 = (v - top for v in lay.move_row(row))
                self._move_row(draw, move, t, r0, r1, ink)
                row += 1

    def _move_row(self, draw, move: Cue, t: float, r0: int, r1: int, ink) -> None:
        lay, fonts = self.layout, self.fonts
        m, size, colour = lay.margin, r1 - r0, ink(MOVE)
        self._arrow(draw, move_direction(move.text), m, r0, size, colour)
        bar_w = round(lay.unit * 3)
        bar_x = lay.width - m - bar_w
        label_x = m + size + m // 2
        label = self._fit(printable(move.text), fonts.small, bar_x - m // 2 - label_x)
        self._text(draw, (label_x, r0 + (size - fonts.small.size) // 2), label, fonts.small, colour)
        end = move.end(self.duration)
        done = 1.0 if end <= move.start_s else min(1.0, (t - move.start_s) / (end - move.start_s))
        by0, by1 = r0 + size // 3, r1 - size // 3
        _rect(draw, (bar_x, by0, bar_x + bar_w, by1), outline=colour, width=max(1, size // 12))
        _rect(draw, (bar_x, by0, bar_x + round(bar_w * done), by1), fill=colour)

    @staticmethod
    def _arrow(draw, direction: str, x: int, y: int, size: int, colour) -> None:
        """A filled arrow in a size-by-size square (two facing heads for in, opposed heads for out)."""
        c = size / 2
        cx, cy = x + c, y + c

        def head(dx: float, dy: float, tip_x: float, tip_y: float, length: float) -> None:
            # a triangle pointing along (dx, dy) with its tip at (tip_x, tip_y)
            bx, by = tip_x - dx * length, tip_y - dy * length
            px, py = -dy * length * 0.6, dx * length * 0.6
            draw.polygon([(tip_x, tip_y), (bx + px, by + py), (bx - px, by - py)], fill=colour)

        if direction in ("left", "right", "up", "down"):
            dx, dy = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}[direction]
            thick = max(1, size // 8)
            draw.line([(cx - dx * c * 0.9, cy - dy * c * 0.9), (cx + dx * c * 0.3, cy + dy * c * 0.3)], fill=colour, width=thick)
            head(dx, dy, cx + dx * c * 0.95, cy + dy * c * 0.95, c * 0.7)
        elif direction == "in":
            head(1, 0, cx - 1, cy, c * 0.85)
            head(-1, 0, cx + 1, cy, c * 0.85)
        elif direction == "out":
            head(-1, 0, x, cy, c * 0.85)
            head(1, 0, x + size, cy, c * 0.85)
        elif direction == "orbit":
            r = c * 0.8
            draw.arc((cx - r, cy - r, cx + r, cy + r), start=30, end=330, fill=colour, width=max(1, size // 8))
            head(0, 1, cx + r * 0.87, cy + r * 0.5 + c * 0.2, c * 0.5)
        else:  # hold: two bars, as a pause sign
            bw = max(1, round(size * 0.2))
            _rect(draw, (cx - bw * 1.5, y + size * 0.15, cx - bw * 0.5, y + size * 0.85), fill=colour)
            _rect(draw, (cx + bw * 0.5, y + size * 0.15, cx + bw * 1.5, y + size * 0.85), fill=colour)

    # -- whole frames ----------------------------------------------------------------------------

    def frame(self, index: int) -> Image.Image:
        """Frame `index` as an RGB picture (for stills; the encoder gets `planes`)."""
        base, _, _ = self.base(self.state(index))
        top, bottom = self.layout.band
        band = base.crop((0, top, self.layout.width, bottom))
        self._draw_band(band, index, lambda colour: colour)
        image = base.copy()
        image.paste(band, (0, top))
        return image

    def planes(self, index: int) -> list[memoryview]:
        """Frame `index` as the pieces of its yuv420p bytes, in order."""
        _, (y, u, v), band_ycc = self.base(self.state(index))
        band = band_ycc.copy()
        self._draw_band(band, index, tv_ycc)
        by, bu, bv = yuv420(band)
        w, cw = self.layout.width, self.layout.width // 2
        top, bottom = self.layout.band
        ys, ye, cs, ce = top * w, bottom * w, top // 2 * cw, bottom // 2 * cw
        y, u, v = memoryview(y), memoryview(u), memoryview(v)
        return [y[:ys], memoryview(by), y[ye:], u[:cs], memoryview(bu), u[ce:], v[:cs], memoryview(bv), v[ce:]]
