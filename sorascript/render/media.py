"""Video files: what they hold (probe), single frames, and safe writing.

Everything here runs the ffmpeg that the `imageio-ffmpeg` wheel ships, with
argument lists (never a shell). That wheel has no ffprobe, so `probe` reads
what `ffmpeg -i` says about a file and counts its frames by copying the video
stream to nowhere. Pillow is imported only by the functions that return or
check images, so importing this module stays cheap.
"""

from __future__ import annotations

import functools
import math
import os
import re
import secrets
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from PIL import Image


class MediaError(Exception):
    """A media step failed; the message is one line, fit to show a user."""


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float  # frames / fps: the length of the picture, which sets a clip's place in a sequence
    has_audio: bool


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg of the imageio-ffmpeg wheel (IMAGEIO_FFMPEG_EXE overrides it)."""
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a main dependency
        raise MediaError("sorac needs the imageio-ffmpeg package: pip install imageio-ffmpeg") from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise MediaError(f"no ffmpeg: {_one_line(str(error))}") from None


def run_ffmpeg(args: list[str], *, what: str) -> bytes:
    """Run ffmpeg quietly; return its stdout; raise MediaError naming `what` on failure.

    `-xerror` makes a decoding error fatal: a damaged clip fails loudly instead
    of being concealed into a film that looks almost right.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-xerror", "-y", *args]
    try:
        done = subprocess.run(command, capture_output=True)
    except OSError as error:
        raise MediaError(f"{what}: cannot run ffmpeg ({error.strerror})") from None
    if done.returncode != 0:
        raise MediaError(f"{what}: {_reason(done.stderr)}")
    return done.stdout


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` (same suffix, so ffmpeg picks the format).

    It takes `out`'s name only when the block ends without an exception, so
    the block checks the file before it ends; otherwise it is removed.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # not mkstemp: its file is private (0600); the writer creates this one as usual
    tmp = out.parent / f".{out.stem}.{os.getpid()}-{secrets.token_hex(4)}.part{out.suffix}"
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def ffmpeg_path(path: Path) -> str:
    """A file name as an ffmpeg argument: `file:` keeps a colon in it from reading as a protocol."""
    return f"file:{path}"


# --- probe -------------------------------------------------------------------

_PREFIX = re.compile(r"^\[[^\]]* @ 0x[0-9a-f]+\]\s*")
_NOISE = ("Terminating thread", "Task finished", "Conversion failed", "Error opening input file ", "Exiting")
_ERROR_WORDS = re.compile(r"error|invalid|corrupt|no such|not found|unable|cannot|failed|does not|matches no", re.I)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:240]


def _reason(stderr: bytes) -> str:
    """The line of ffmpeg's stderr that says why it failed."""
    lines = [_PREFIX.sub("", line).strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    useful = [line for line in lines if line and not line.startswith(_NOISE)]
    errors = [line for line in useful if _ERROR_WORDS.search(line)]
    line = (errors or useful or ["ffmpeg failed"])[0]
    return _one_line(re.sub(r"^Error opening input( files?)?: ", "", line).rstrip("."))


def probe(path: Path) -> Probe:
    """Size, frame rate, frame count and audio of a video file.

    Raises MediaError with a one-line reason when the file is missing, is not
    a video, or cannot be read to its end.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-xerror", "-i", ffmpeg_path(path),
        "-map", "0:v:0", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-",
    ]
    try:
        done = subprocess.run(command, capture_output=True)
    except OSError as error:
        raise MediaError(f"cannot run ffmpeg ({error.strerror})") from None
    header = _input_header(done.stderr.decode("utf-8", "replace"))
    video = _video_stream(header)
    if video is None and header:  # ffmpeg read the file, and it holds no moving picture
        raise MediaError(f"{path} is not a readable video (no video stream)")
    if done.returncode != 0 or video is None:
        raise MediaError(f"{path} is not a readable video ({_reason(done.stderr)})")
    width, height, fps = video
    counts = re.findall(r"^frame=(\d+)", done.stdout.decode("ascii", "replace"), re.M)
    frames = int(counts[-1]) if counts else 0
    if frames == 0:
        raise MediaError(f"{path} is not a readable video (no frames)")
    return Probe(width, height, fps, frames, frames / fps, _has_audio(header))


def _input_header(stderr: str) -> str:
    """What ffmpeg says about the input file (not about the null output)."""
    start = stderr.find("Input #0")
    if start < 0:
        return ""
    end = min((i for i in (stderr.find("Output #0", start), stderr.find("Stream mapping:", start)) if i >= 0),
              default=len(stderr))
    return stderr[start:end]


_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio): (.*)$", re.M)


def _video_stream(header: str) -> tuple[int, int, float] | None:
    if re.match(r"Input #0, (image2|\w+_pipe),", header):  # a still image is not a clip
        return None
    for kind, details in _STREAM.findall(header):
        if kind != "Video" or "(attached pic)" in details:
            continue
        size = re.search(r", (\d+)x(\d+)", details)
        rate = re.search(r"([\d.]+)(k?) fps", details) or re.search(r"([\d.]+)(k?) tbr", details)
        if size and rate:
            fps = float(rate.group(1)) * (1000 if rate.group(2) else 1)
            return int(size.group(1)), int(size.group(2)), float(exact_rate(fps))
    return None


def _has_audio(header: str) -> bool:
    return any(kind == "Audio" for kind, _ in _STREAM.findall(header))


def exact_rate(fps: float) -> Fraction:
    """A frame rate as a fraction; ffmpeg prints 23.98 for 24000/1001."""
    for base in (24, 30, 48, 60, 120):
        ntsc = Fraction(base * 1000, 1001)
        if abs(fps - float(ntsc)) < 0.006:
            return ntsc
    return Fraction(fps).limit_denominator(1001)


# --- frames ------------------------------------------------------------------

def _frame_args(path: Path, info: Probe, at_s: float | None, size: tuple[int, int] | None) -> list[str]:
    """Input and filter arguments that yield exactly one frame.

    A time picks the frame on screen at that time (index floor(t * fps));
    seeking to half a frame before it makes ffmpeg's accurate seek land on it
    whatever the rounding. The last frame is found by reading the last half
    second backwards (`reverse`), which needs no frame count to be exact.
    """
    filters = []
    if at_s is None or at_s >= info.duration_s:
        start = max(0.0, info.duration_s - 0.5)
        filters.append("reverse")
    else:
        index = max(0, math.floor(at_s * info.fps + 1e-6))
        start = max(0.0, (index - 0.5) / info.fps)
    if size is not None:
        width, height = size
        # fill the frame, then centre-crop: the image matches `size` pixel for pixel
        filters.append(f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=lanczos")
        filters.append(f"crop={width}:{height}")
    filters.append("setsar=1")
    return ["-ss", f"{start:.6f}", "-i", ffmpeg_path(path), "-map", "0:v:0", "-vf", ",".join(filters),
            "-frames:v", "1", "-fps_mode", "passthrough"]


def extract_frame(path: Path, at_s: float | None, out_png: Path, size: tuple[int, int] | None = None) -> None:
    """Write one frame of `path` as a PNG: at `at_s`, or the last frame when None.

    With `size` the frame is scaled to cover it and centre-cropped, so a
    reference image for a shot of that size matches it exactly.
    """
    from PIL import Image

    path, out_png = Path(path), Path(out_png)
    info = probe(path)
    expected = size or (info.width, info.height)
    with atomic_output(out_png) as tmp:
        run_ffmpeg([*_frame_args(path, info, at_s, size), "-update", "1", "-c:v", "png", ffmpeg_path(tmp)],
                   what=f"cannot extract a frame of {path.name}")
        try:
            with Image.open(tmp) as image:
                got = image.size
        except OSError:
            raise MediaError(f"cannot extract a frame of {path.name}: no image written") from None
        if got != tuple(expected):
            raise MediaError(f"cannot extract a frame of {path.name}: got {got[0]}x{got[1]}, not {expected[0]}x{expected[1]}")


def frame_pixels(path: Path, at_s: float | None) -> "Image.Image":
    """One decoded frame as an RGB image: at `at_s`, or the last frame when None."""
    import io

    from PIL import Image

    path = Path(path)
    info = probe(path)
    data = run_ffmpeg([*_frame_args(path, info, at_s, None), "-c:v", "png", "-f", "image2pipe", "pipe:1"],
                      what=f"cannot read a frame of {path.name}")
    try:
        image = Image.open(io.BytesIO(data))
        return image.convert("RGB")
    except OSError:
        raise MediaError(f"cannot read a frame of {path.name}: no image decoded") from None
