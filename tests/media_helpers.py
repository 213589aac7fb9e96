"""Real test clips made with the bundled ffmpeg, and ways to measure outputs."""

from __future__ import annotations

import array
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from sorascript.render.media import ffmpeg_exe


def make_clip(path: Path, source: str = "testsrc2", *, size: str = "160x90", fps: str = "24",
              seconds: float = 2.0, audio: bool = True, tone: int = 440) -> Path:
    """An H.264 clip from a lavfi source (`testsrc2` or a colour name), with a sine tone or silent."""
    video = f"testsrc2=s={size}:r={fps}:d={seconds}" if source == "testsrc2" else \
        f"color=c={source}:s={size}:r={fps}:d={seconds}"
    args = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", video]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=f={tone}:r=48000:d={seconds}", "-c:a", "aac", "-shortest"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(args, check=True, capture_output=True)
    return path


def make_two_colours(path: Path, first: str, second: str, *, seconds: float = 1.0) -> Path:
    """A clip that is `first` for `seconds`, then `second` for as long (no sound)."""
    graph = (f"color=c={first}:s=160x90:r=24:d={seconds}[a];color=c={second}:s=160x90:r=24:d={seconds}[b];"
             "[a][b]concat=n=2:v=1:a=0[v]")
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph,
                    "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
                   check=True, capture_output=True)
    return path


def load(path: Path) -> Image.Image:
    """An image file as RGB, closed after reading."""
    with Image.open(path) as image:
        return image.convert("RGB")


def all_frames(path: Path, width: int, height: int) -> list[bytes]:
    """Every frame of a clip as RGB bytes, decoded straight through (no seeking)."""
    raw = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:v:0",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], check=True, capture_output=True).stdout
    step = width * height * 3
    return [raw[i:i + step] for i in range(0, len(raw), step)]


def audio_samples(path: Path, rate: int = 8000) -> array.array:
    """The clip's sound as mono 16-bit samples at `rate`."""
    raw = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-map", "0:a:0",
                          "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"], check=True, capture_output=True).stdout
    return array.array("h", raw)


def rms(samples: array.array, start_s: float, end_s: float, rate: int = 8000) -> float:
    window = samples[int(start_s * rate):int(end_s * rate)]
    return (sum(s * s for s in window) / max(1, len(window))) ** 0.5


def mean_colour(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> tuple[float, float, float]:
    return tuple(ImageStat.Stat(image.crop(box) if box else image).mean)


def difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """Mean absolute difference per channel, 0-255."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff.crop(box) if box else diff).mean) / 3


def near(colour, expected, tolerance: float = 12) -> bool:
    return all(abs(c - e) <= tolerance for c, e in zip(colour, expected))
