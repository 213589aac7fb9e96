"""Helpers for the built-in server's tests: a client, and real probes of MP4 bytes with the wheel's ffmpeg."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from openai import OpenAI


def client(server, **kwargs) -> OpenAI:
    return OpenAI(base_url=server.base_url, api_key="unused", max_retries=kwargs.pop("max_retries", 0), **kwargs)


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    fps: float
    frames: int
    seconds: float  # the video stream's, from its frame count
    has_audio: bool
    audio_codec: str | None
    audio_rate: int | None
    report: str


def probe(data: bytes) -> Probe:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        path.write_bytes(data)
        frames, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
        report = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                                capture_output=True, text=True, timeout=60).stderr
    video = re.search(r"Video: h264 .*?, (\d+)x(\d+).*?, ([\d.]+) fps", report)
    assert video, report
    audio = re.search(r"Audio: (\w+).*?, (\d+) Hz", report)
    fps = float(video.group(3))
    return Probe(int(video.group(1)), int(video.group(2)), fps, frames, frames / fps, audio is not None,
                 audio.group(1) if audio else None, int(audio.group(2)) if audio else None, report)


def frames(data: bytes, indices: list[int]) -> dict[int, "object"]:
    """Decoded RGB frames (PIL images) at the given indices."""
    from PIL import Image

    wanted, found = set(indices), {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        path.write_bytes(data)
        reader = imageio_ffmpeg.read_frames(str(path), pix_fmt="rgb24")
        meta = next(reader)
        size = tuple(meta["size"])
        try:
            for i, raw in enumerate(reader):
                if i in wanted:
                    found[i] = Image.frombytes("RGB", size, raw)
                if len(found) == len(wanted):
                    break
        finally:
            reader.close()
    return found


def audio_levels(data: bytes, windows: list[tuple[float, float]]) -> list[float]:
    """The RMS level (0..1) of the audio in each (start, end) window, decoded by ffmpeg."""
    import array
    import math

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.mp4"
        path.write_bytes(data)
        pcm = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
                              "-i", str(path), "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "48000", "pipe:1"],
                             capture_output=True, timeout=60, check=True).stdout
    samples = array.array("h", pcm)
    levels = []
    for start, end in windows:
        part = samples[int(start * 48000):int(end * 48000)]
        levels.append(math.sqrt(sum(s * s for s in part) / max(1, len(part))) / 32768)
    return levels


def region_difference(a, b, box: tuple[int, int, int, int]) -> float:
    """Mean absolute difference (0..255) of two RGB pictures inside box (left, top, right, bottom)."""
    from PIL import ImageChops, ImageStat

    diff = ImageChops.difference(a.crop(box), b.crop(box))
    return sum(ImageStat.Stat(diff).mean) / 3


def near(colour, expected, tolerance: int = 8) -> bool:
    return all(abs(int(c) - int(e)) <= tolerance for c, e in zip(colour, expected))
