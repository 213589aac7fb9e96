"""`sorac init`: a new project's files, written for the model it renders on.

A `sorac.toml` whose `[defaults]` name the model, a size it renders and a
length it renders, and a `film.shot` with a character, a palette, a place and
two shots joined in a sequence that checks clean on that model: dialogue and
sound only where the model makes sound, a first-frame image where it renders
only from one. Nothing here writes or prints; the CLI does.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from sorascript.files import read_source
from sorascript.quantities import seconds
from sorascript.resources import stdlib_dir
from sorascript.sema.models import ModelProfile, profile
from sorascript.syntax import ast
from sorascript.syntax.parser import parse

DEFAULT_MODEL = "wan-2.2-t2v-a14b"  # the open model most servers run (SGLang Diffusion, vLLM-Omni)
OPENING_FRAME = "frames/opening.png"


def prelude_models() -> dict[str, ModelProfile]:
    """The standard library's model profiles, by name, in the prelude's order."""
    path = stdlib_dir() / "models.shot"
    module, _ = parse(read_source(path, "std/models"))
    return {d.name.text: profile(d) for d in module.decls if isinstance(d, ast.ModelDecl)}


def _size(model: ModelProfile) -> tuple[int, int]:
    """A landscape 720p-ish size the model renders: 1280 wide if it can, else its first."""
    if not model.sizes:
        return (1280, 720)
    return next((s for s in model.sizes if s[0] == 1280), model.sizes[0])


def _duration_ms(model: ModelProfile) -> int:
    """The clip length of the starter shots: about 5 seconds, as the model renders it."""
    if model.fps and model.frames is not None:
        for wanted in (5000, 4000, 3000, 2000):
            count = model.frames.nearest(wanted * model.fps / 1000)
            if abs(count - wanted * model.fps / 1000) <= 1 and model.frame_ms(count) >= 2000:
                return wanted
        return model.frame_ms(model.frames.high)
    if model.durations:
        return min((d for d in model.durations if d >= 4000), default=max(model.durations))
    return 4000


@dataclass(frozen=True)
class Starter:
    model: str
    files: dict[str, bytes]  # relative path -> contents


def starter(name: str, model: ModelProfile) -> Starter:
    width, height = _size(model)
    length = _duration_ms(model)
    half = seconds(length // 2)
    end = seconds(length)
    toml = f"""# The root of this film's project: imports and render outputs resolve from here.
[defaults]
model = "{name}"
size = "{width}x{height}"
duration = "{end}s"

[render]
# server = "http://127.0.0.1:30010/v1"  # your SGLang Diffusion or vLLM-Omni server
out = "renders"
"""
    voice = '    voice "low, warm"\n' if model.audio else ""
    reference = f'    reference "{OPENING_FRAME}"\n' if model.requires_reference else ""
    # the second shot starts from the first one's last frame, where the model takes a first frame
    continues = "    reference last frame of arrival\n" if model.reference else ""
    sound = ('    sound:\n        ambient "light rain on the awning, distant traffic"\n'
             if model.audio else "")
    dialogue = (f'    dialogue:\n        at {half}s mara (quietly): "Right on time."\n' if model.audio else "")
    shot = f"""// A starter film for {name}. `sorac check film.shot` checks it; `sorac render
// film.shot` renders it (animatics on the built-in server until sorac.toml
// names yours). Model, size and length come from sorac.toml's [defaults].

character mara:
    "A woman in her thirties with a dark bob"
    wardrobe "green raincoat, grey scarf"
{voice}
palette dusk:
    lamp_amber #e8913a "street lamps"
    rain_teal  #2f5d62 "wet asphalt"
    sky_rose   #c97b84 "dusk sky"

location corner:
    "A quiet street corner at dusk, the asphalt wet with rain"

style starter_look:
    "Cinematic drama, 35mm film look, soft grain"

shot arrival:
{reference}    setting corner
    "Mara walks to the corner and stops under a street lamp."
    cast mara
    palette dusk
    style starter_look
    camera:
        framing wide
        lens 35mm f/2.8
        rig steadicam
        0s..{end}s push in
    lighting:
        key "street lamp" from above 3200K lamp_amber
    beats:
        0s..{half}s "Mara walks into the light"
        {half}s..{end}s "She stops and looks up at the lamp"
{sound}
shot look_up:
{continues}    setting corner
    "Mara under the street lamp, rain catching the light around her."
    cast mara
    palette dusk
    style starter_look
    camera:
        framing medium-close-up
        lens 85mm f/2.0
        rig tripod
    lighting:
        key "street lamp" from above 3200K lamp_amber
    beats:
        0s..{half}s "She closes her eyes as the rain eases"
        {half}s..{end}s "She smiles and turns away"
{dialogue}{sound}
sequence film:
    arrival crossfade 0.5s
    look_up
"""
    files = {"sorac.toml": toml.encode(), "film.shot": shot.replace("\n\n\n", "\n\n").encode()}
    if model.requires_reference:
        files[OPENING_FRAME] = placeholder_png(width, height)
    return Starter(name, files)


def placeholder_png(width: int, height: int) -> bytes:
    """A plain dusk-blue frame of the given size, to be replaced by the film's first frame."""
    row = b"\x00" + bytes((29, 42, 58)) * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
