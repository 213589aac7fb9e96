"""Encoding animatics with the ffmpeg binary of the `imageio-ffmpeg` wheel.

Every clip is H.264 (libx264, yuv420p, BT.601 limited range, tagged) with a
mono 48 kHz AAC track in an MP4 whose index is at the front (`+faststart`).
The same clip gives the same bytes: one encoder thread, no encoder or
creation-time metadata (`bitexact`), and stills written by Pillow.

ffmpeg always gets an argument list, never a shell.
"""

from __future__ import annotations

import functools
import io
import math
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from sorascript.serve.draw import Painter

SAMPLE_RATE = 48000
TONE_HZ = 440  # while a dialogue line runs, and briefly at each sound cue
BLIP_S = 0.15
SPRITE_TILE_WIDTH = 160
SPRITE_COLUMNS = 10
SPRITE_MAX_TILES = 60


class MediaError(RuntimeError):
    """ffmpeg failed, or a file is not a video it can read."""


@functools.cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


class Processes:
    """The ffmpeg processes running, so that a server stopping can end them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self.closed = False

    def start(self, args: list[str], **kwargs) -> subprocess.Popen:
        with self._lock:
            if self.closed:
                raise MediaError("the server is stopping")
            proc = subprocess.Popen(args, **kwargs)
            self._running.add(proc)
            return proc

    def done(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._running.discard(proc)

    def kill_all(self) -> None:
        with self._lock:
            self.closed = True
            running = list(self._running)
        for proc in running:
            proc.kill()


def _encoder_args(fps: int) -> list[str]:
    return [
        # constant QP: rate control's analysis of each frame costs a quarter of the encoding here
        "-c:v", "libx264", "-preset", "ultrafast", "-qp", "20",
        "-g", str(2 * fps), "-threads", "1", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k", "-ar", str(SAMPLE_RATE), "-ac", "1",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
        "-movflags", "+faststart",
    ]


# Pillow's YCbCr is BT.601; say so in the stream, so that players do not guess BT.709 for HD sizes.
_TAGS = "setparams=range=tv:colorspace=smpte170m:color_primaries=smpte170m:color_trc=smpte170m"


def _run(processes: Processes, args: list[str], *, stdin_frames=None, timeout: float = 600) -> str:
    """Run ffmpeg; feed it `stdin_frames` (an iterable of buffer lists) if given; return its log."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = processes.start(cmd, stdin=subprocess.PIPE if stdin_frames is not None else subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if stdin_frames is not None:
            _widen_pipe(proc.stdin)
            # stderr is read once stdin is closed: at loglevel error ffmpeg writes little to it
            try:
                for pieces in stdin_frames:
                    for piece in pieces:
                        proc.stdin.write(piece)
            except BrokenPipeError:
                pass  # ffmpeg stopped reading: its log says why
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
        log = proc.stderr.read()
        proc.wait(timeout=timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stderr.close()
        processes.done(proc)
    text = log.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise MediaError(f"ffmpeg exited with {proc.returncode}: {text.strip()[-500:] or 'no message'}")
    return text


def _widen_pipe(stream) -> None:
    """Frames are megabytes: a 1 MiB pipe (Linux) saves most of the switches between us and ffmpeg."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _audio_source(painter: Painter) -> str:
    """A lavfi source: a soft tone while each dialogue line runs and a short one at each sound cue,
    silence elsewhere. The tone is switched per audio frame (21 ms) by `volume`'s enable, which costs
    far less than an expression evaluated per sample, and silence costs the AAC encoder nothing."""
    d = painter.duration
    spans = [(c.start_s, min(c.end(d), d)) for c in painter.script.lines]
    spans += [(c.start_s, min(c.start_s + BLIP_S, d)) for c in painter.script.sounds]
    spans = [(a, b) for a, b in spans if a < b]
    if not spans:
        return f"anullsrc=r={SAMPLE_RATE}:cl=mono,atrim=end={d:.6f}"
    on = "+".join(f"between(t,{a:.4f},{b:.4f})" for a, b in spans)
    return f"sine=f={TONE_HZ}:r={SAMPLE_RATE}:d={d:.6f},volume=0.8,volume=0:enable='not({on})'"


def encode(painter: Painter, out: Path, processes: Processes) -> None:
    """Write the clip's MP4 to `out`."""
    clip = painter.clip
    args = [
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{clip.width}x{clip.height}", "-framerate", str(clip.fps),
        "-i", "pipe:0", "-f", "lavfi", "-i", _audio_source(painter), "-map", "0:v", "-map", "1:a", "-filter:v", _TAGS,
        "-frames:v", str(clip.frames), *_encoder_args(clip.fps), "-f", "mp4", str(out),
    ]
    _run(processes, args, stdin_frames=(painter.planes(i) for i in range(clip.frames)))


def stills(painter: Painter, thumbnail: Path, spritesheet: Path) -> None:
    """A JPEG of the middle frame, and one of a frame a second in a grid."""
    clip = painter.clip
    painter.frame(clip.frames // 2).save(thumbnail, "JPEG", quality=85)
    seconds = max(1, min(SPRITE_MAX_TILES, math.ceil(clip.duration)))
    frames = [min(clip.frames - 1, round(s * clip.fps)) for s in range(seconds)]
    _tile([painter.frame(i) for i in frames], clip.width, clip.height).save(spritesheet, "JPEG", quality=80)


def _tile(images, width: int, height: int):
    from PIL import Image

    tile_w = SPRITE_TILE_WIDTH
    tile_h = max(2, round(height * tile_w / width))
    columns = min(SPRITE_COLUMNS, len(images))
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (tile_w * columns, tile_h * rows))
    for i, image in enumerate(images):
        sheet.paste(image.resize((tile_w, tile_h), Image.Resampling.BILINEAR), (i % columns * tile_w, i // columns * tile_h))
    return sheet


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frames: int
    has_audio: bool

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps else 0.0


def probe(path: Path, processes: Processes) -> VideoInfo:
    """Size, frame rate, frame count and audio of a video file (the frames are counted, not estimated)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
    proc = processes.start(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, log = proc.communicate(timeout=120)
    finally:
        processes.done(proc)
    text = log.decode("utf-8", "replace")
    stream = re.search(r"Stream #0:\d+[^\n]*: Video: [^\n]*?, (\d+)x(\d+)[^\n]*?, (\d+(?:\.\d+)?) (?:fps|tbr)", text)
    frames = re.findall(r"frame=\s*(\d+)", text)
    if proc.returncode != 0 or not stream or not frames:
        raise MediaError("not a video ffmpeg can read")
    return VideoInfo(int(stream.group(1)), int(stream.group(2)), float(stream.group(3)), int(frames[-1]),
                     re.search(r"Stream #0:\d+[^\n]*: Audio: ", text) is not None)


def stitch(source: Path, info: VideoInfo, segment: Path, clip, out: Path, processes: Processes) -> None:
    """`source` followed by `segment` (the encoded `clip`, at the size and rate wanted), re-encoded as
    one clip. The source is scaled and resampled to match, and its audio cut or padded to its
    picture's length (silence if it has none)."""
    width, height, fps = clip.width, clip.height, clip.fps
    inputs = ["-i", str(source), "-i", str(segment)]
    if info.has_audio:
        source_audio = f"[0:a]aresample={SAMPLE_RATE},aformat=channel_layouts=mono,apad,atrim=0:{info.duration:.6f}[a0];"
    else:
        inputs += ["-f", "lavfi", "-t", f"{info.duration:.6f}", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=mono"]
        source_audio = "[2:a]anull[a0];"
    graph = (
        f"[0:v]scale={width}:{height},setsar=1,fps={fps},format=yuv420p[v0];"
        f"[1:v]setsar=1[v1];{source_audio}[1:a]aformat=channel_layouts=mono[a1];"
        f"[v0][a0][v1][a1]concat=n=2:v=1:a=1[joined][a];[joined]{_TAGS}[v]"
    )
    _run(processes, [*inputs, "-filter_complex", graph, "-map", "[v]", "-map", "[a]", *_encoder_args(fps), "-f", "mp4", str(out)])


def sprites_of(video: Path, info: VideoInfo, spritesheet: Path, thumbnail: Path, processes: Processes) -> None:
    """Stills of a video that was not drawn here (an extension's stitched result), decoded by ffmpeg."""
    from PIL import Image

    seconds = max(1, min(SPRITE_MAX_TILES, math.ceil(info.duration)))
    tile_h = max(2, round(info.height * SPRITE_TILE_WIDTH / info.width) // 2 * 2)
    columns = min(SPRITE_COLUMNS, seconds)
    rows = -(-seconds // columns)
    _run(processes, ["-i", str(video), "-vf", f"fps=1,scale={SPRITE_TILE_WIDTH}:{tile_h},tile={columns}x{rows}",
                     "-frames:v", "1", "-q:v", "4", "-f", "image2", "-update", "1", str(spritesheet)])
    middle = info.duration / 2
    raw = thumbnail.with_suffix(".raw.jpg")
    _run(processes, ["-ss", f"{middle:.3f}", "-i", str(video), "-frames:v", "1", "-q:v", "3",
                     "-f", "image2", "-update", "1", str(raw)])
    # re-save with Pillow so that both kinds of thumbnail are baseline JPEGs from one encoder
    with Image.open(raw) as image:
        image.convert("RGB").save(thumbnail, "JPEG", quality=85)
    raw.unlink()


def is_mp4(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp"


def image_format(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG, JPEG or WebP image, read by Pillow; None for anything else."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG", "WEBP"):
                return None
            image.verify()
            return image.format.lower(), image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
