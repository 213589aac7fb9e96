"""From rendered clips to a film: overlays, loops, sequences and seams sheets.

Pure functions over files (docs/language.md, "Assembly"). Each writes its output
through `media.atomic_output` and checks it with `media.probe` (or by opening
the image) before the output takes its name, and raises MediaError on
failure. The encodes are reproducible: the same inputs give the same bytes
(bit-exact flags, no metadata, a fixed encoder thread count).

Timing, as an editor expects it:
- `cut` joins; `crossfade D` overlaps the two shots by D (the sequence is D
  shorter), picture and sound; `fade D` dips to black and back over D
  without overlapping: the last D/2 of the outgoing shot fades out and the
  first D/2 of the incoming one fades in, so the sequence keeps its length.
  An `end` fade darkens the last D of the last shot.
- Lengths are whole frames at the sequence's rate: a transition of D seconds
  lasts round(D * fps) frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from sorascript.render.media import (MediaError, Probe, atomic_output, exact_rate, ffmpeg_path, frame_pixels, probe,
                                     run_ffmpeg)
from sorascript.sema.names import sequence_job
from sorascript.vocab import LOOP_SECONDS

if TYPE_CHECKING:
    from PIL import Image, ImageFont

POSITIONS = ("top-left", "top", "top-right", "center", "bottom-left", "bottom", "bottom-right")
TRANSITIONS = ("cut", "crossfade", "fade")
AUDIO_RATE = 48000
FONT = Path(__file__).with_name("fonts") / "DejaVuSans-Bold.ttf"

# H.264 yuv420p + AAC in MP4, reproducible: no encoder strings or dates, and a
# fixed thread count (x264's output depends on it, not on the machine).
VIDEO_CODEC = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
               "-threads", "2", "-flags:v", "+bitexact"]
AUDIO_CODEC = ["-c:a", "aac", "-b:a", "192k", "-ar", str(AUDIO_RATE), "-flags:a", "+bitexact"]
CONTAINER = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-movflags", "+faststart"]


@dataclass(frozen=True)
class Overlay:
    text: str
    position: str  # one of POSITIONS
    start_s: float
    end_s: float  # the overlay shows on frames whose time t has start_s <= t < end_s


@dataclass(frozen=True)
class Transition:
    kind: str  # "cut" (length 0), "crossfade", "fade"
    length_s: float = 0.0

    @classmethod
    def from_plan(cls, text: str) -> Transition:
        """Read a plan's transition string: "cut", "crossfade 0.5s", "fade 1s", "fade 500ms"."""
        match = re.fullmatch(r"\s*(cut|crossfade|fade)(?:\s+(\d+(?:\.\d+)?)\s*(ms|s))?\s*", text)
        if not match:
            raise MediaError(f"unknown transition {text!r}")
        kind, number, unit = match.groups()
        length = float(number) / (1000 if unit == "ms" else 1) if number else (1.0 if kind == "fade" else 0.0)
        if kind == "crossfade" and length <= 0:
            raise MediaError(f"a crossfade needs a length: {text!r}")
        return cls(kind, 0.0 if kind == "cut" else length)

    def label(self) -> str:
        """As the plan writes it: "cut", "crossfade 0.5s"."""
        return self.kind if self.kind == "cut" else f"{self.kind} {self.length_s:g}s"


@dataclass(frozen=True)
class Conform:
    width: int
    height: int
    fps: float

    @classmethod
    def from_plan(cls, conform: dict | None) -> Conform | None:
        """Read a plan sequence's `conform`: {"size": "1280x720", "fps": 24}."""
        if not conform:
            return None
        width, height = (int(n) for n in str(conform["size"]).lower().split("x"))
        return cls(width, height, float(conform["fps"]))


@dataclass(frozen=True)
class Clip:
    name: str  # the job name, for messages and seams labels
    path: Path


# --- overlays ----------------------------------------------------------------

def _font(size: int) -> "ImageFont.FreeTypeFont":
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:  # the wheel ships the font; Pillow's own is ASCII-only
        return ImageFont.load_default(size=size)


def _wrap(text: str, font: "ImageFont.FreeTypeFont", width: float) -> str:
    """Break text into lines no wider than `width` (a long word keeps its own line)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def overlay_layer(overlay: Overlay, width: int, height: int) -> "Image.Image":
    """A transparent frame-sized image holding the overlay's caption.

    White text with a dark outline on a translucent dark box reads on light
    and dark frames alike. Sizes follow the frame height; margins keep the
    caption inside the title-safe area (5% from each edge).
    """
    from PIL import Image, ImageDraw

    if overlay.position not in POSITIONS:
        raise MediaError(f"unknown overlay position {overlay.position!r} (one of {', '.join(POSITIONS)})")
    size = max(12, round(height * 0.05))
    font = _font(size)
    pad, stroke = max(3, size // 3), max(1, size // 14)
    margin_x, margin_y = round(width * 0.05), round(height * 0.05)
    align = "left" if overlay.position.endswith("left") else "right" if overlay.position.endswith("right") else "center"
    text = _wrap(overlay.text, font, width - 2 * margin_x - 2 * pad)
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=font, stroke_width=stroke, align=align)
    box_w, box_h = right - left + 2 * pad, bottom - top + 2 * pad
    x = {"left": margin_x, "center": (width - box_w) // 2, "right": width - margin_x - box_w}[align]
    vertical = overlay.position.split("-")[0]
    y = {"top": margin_y, "center": (height - box_h) // 2, "bottom": height - margin_y - box_h}[vertical]
    draw.rectangle((x, y, x + box_w - 1, y + box_h - 1), fill=(0, 0, 0, 150))
    draw.multiline_text((x + pad - left, y + pad - top), text, font=font, fill=(255, 255, 255, 255),
                        stroke_width=stroke, stroke_fill=(0, 0, 0, 255), align=align)
    return layer


def draw_overlays(clip: Path, overlays: list[Overlay], out: Path) -> None:
    """Draw captions onto a clip at their positions and times; the sound is kept as it is."""
    import shutil
    import tempfile

    clip, out = Path(clip), Path(out)
    info = probe(clip)
    with atomic_output(out) as tmp:
        if not overlays:
            shutil.copyfile(clip, tmp)
        else:
            with tempfile.TemporaryDirectory(prefix="sorac-overlay-") as scratch:
                inputs, graph, last = [], [], "0:v"
                for n, overlay in enumerate(overlays, start=1):
                    png = Path(scratch) / f"overlay{n}.png"
                    overlay_layer(overlay, info.width, info.height).save(png)
                    inputs += ["-i", ffmpeg_path(png)]
                    when = f"gte(t,{overlay.start_s:.6f})*lt(t,{overlay.end_s:.6f})"
                    graph.append(f"[{last}][{n}:v]overlay=x=0:y=0:eof_action=repeat:enable='{when}'[v{n}]")
                    last = f"v{n}"
                graph.append(f"[{last}]format=yuv420p[v]")
                run_ffmpeg(["-i", ffmpeg_path(clip), *inputs, "-filter_complex", ";".join(graph),
                            "-map", "[v]", "-map", "0:a?", *VIDEO_CODEC, "-c:a", "copy", *CONTAINER, ffmpeg_path(tmp)],
                           what=f"cannot draw overlays on {clip.name}")
        _expect(tmp, frames=info.frames, audio=info.has_audio, what=f"overlays on {clip.name}")


# --- loops -------------------------------------------------------------------

def make_loop(clip: Path, mode: str, out: Path) -> None:
    """Make a clip loop seamlessly by dissolving its tail into its head.

    With L the loop length (short 0.25 s, normal 0.5 s, long 1 s, in whole
    frames), the result is L shorter than the clip: it opens on the clip's
    last L dissolving into its first L, then plays on to where that tail
    began. Its last frame is the one just before its first, so it wraps
    without a jump. Sound is dissolved the same way.
    """
    clip, out = Path(clip), Path(out)
    if mode not in LOOP_SECONDS:
        raise MediaError(f"unknown loop length {mode!r} (short, normal or long)")
    info = probe(clip)
    rate = exact_rate(info.fps)
    overlap = max(1, round(LOOP_SECONDS[mode] * rate))
    body = info.frames - overlap
    if body < overlap:
        raise MediaError(f"{clip.name} is {info.duration_s:g}s, too short for a {mode} loop ({LOOP_SECONDS[mode]:g}s)")
    cut_s, fade_s = _seconds(body, rate), _seconds(overlap, rate)
    graph = [
        "[0:v]setpts=PTS-STARTPTS,split[head][tail]",
        f"[tail]trim=start_frame={body},setpts=PTS-STARTPTS[tailv]",
        f"[head]trim=end_frame={body},setpts=PTS-STARTPTS[bodyv]",
        f"[tailv][bodyv]xfade=transition=fade:duration={fade_s}:offset=0,format=yuv420p[v]",
    ]
    maps = ["-map", "[v]"]
    if info.has_audio:
        samples = round(overlap / rate * AUDIO_RATE)
        graph += [
            f"[0:a]aresample={AUDIO_RATE},asetpts=PTS-STARTPTS,asplit[ahead][atail]",
            f"[atail]atrim=start={cut_s},asetpts=PTS-STARTPTS[atailx]",
            f"[ahead]atrim=end={cut_s},asetpts=PTS-STARTPTS[abody]",
            f"[atailx][abody]acrossfade=ns={samples}:c1=qsin:c2=qsin[a]",
        ]
        maps += ["-map", "[a]", *AUDIO_CODEC]
    with atomic_output(out) as tmp:
        run_ffmpeg(["-i", ffmpeg_path(clip), "-filter_complex", ";".join(graph), *maps, *VIDEO_CODEC, *CONTAINER, ffmpeg_path(tmp)],
                   what=f"cannot loop {clip.name}")
        _expect(tmp, frames=body, audio=info.has_audio, what=f"the loop of {clip.name}")


# --- sequences ---------------------------------------------------------------

def _fps_text(fps: float) -> str:
    return f"{round(fps, 3):g}fps"


def _format_error(shots: list[tuple[str, int, int, float | None]]) -> str | None:
    """Shots as (name, width, height, fps or None when unknown): the first that differs from the first shot."""
    first, width, height, fps = shots[0]
    for name, other_width, other_height, other_fps in shots[1:]:
        if (other_width, other_height) != (width, height):
            what = f"size ({width}x{height} and {other_width}x{other_height})"
        elif fps and other_fps and abs(other_fps - fps) > 0.01:
            what = f"frame rate ({_fps_text(fps)} and {_fps_text(other_fps)})"
        else:
            continue
        return (f"shots {first} and {name} differ in {what}: a sequence is one format; "
                f"add `conform {width}x{height} {_fps_text(fps or 24)}` to the sequence to scale and pad them")
    return None


def check_format(clips: list[Clip], conform: Conform | None) -> str | None:
    """None when the clips can be joined as they are (or `conform` says how);
    else a one-line error naming the first shot and the first that differs from it."""
    if conform is not None or len(clips) < 2:
        return None
    return _format_error(_shapes(clips, [probe(clip.path) for clip in clips]))


def _shapes(clips: list[Clip], probes: list[Probe]) -> list[tuple[str, int, int, float | None]]:
    return [(clip.name, info.width, info.height, info.fps) for clip, info in zip(clips, probes)]


def plan_job(jobs: dict[str, dict], name: str) -> dict | None:
    """The job a sequence entry names; `SHOT.takeN` is a take of job SHOT."""
    return jobs.get(sequence_job(name, jobs)[0])


def generating_job(jobs: dict[str, dict], job: dict) -> dict:
    """The create job whose request set a video's size and rate (a remix or extension keeps its source's)."""
    seen = set()
    while job.get("kind", "create") in ("remix", "extend") and job.get("after") and job["name"] not in seen:
        seen.add(job["name"])
        source = jobs.get(job["after"][0])
        if source is None:
            break
        job = source
    return job


def check_plan_format(plan: dict, sequence: dict) -> str | None:
    """`check_format` before anything is rendered, from the plan's requests:
    sizes, and frame rates where the requests give them (`request.fps`)."""
    if sequence.get("conform"):
        return None
    jobs = {job["name"]: job for job in plan.get("jobs", [])}
    shots = []
    for name in sequence.get("jobs", []):
        job = plan_job(jobs, name)
        request = generating_job(jobs, job).get("request", {}) if job else {}
        size = re.fullmatch(r"(\d+)x(\d+)", str(request.get("size", "")))
        if size:
            fps = request.get("fps")
            shots.append((name, int(size.group(1)), int(size.group(2)), float(fps) if fps else None))
    return _format_error(shots) if len(shots) > 1 else None


def _seconds(frames: int, rate: Fraction) -> str:
    return f"{float(frames / rate):.6f}"


@dataclass(frozen=True)
class _Part:
    """One clip as it enters the sequence: frames at the sequence rate, fades in and out."""
    frames: int
    fade_in: int = 0
    fade_out: int = 0


def _parts(clips: list[Clip], transitions: list[Transition], end: Transition | None,
           probes: list[Probe], rate: Fraction) -> tuple[list[_Part], list[int]]:
    """Each clip's frames and fades, and each join's overlap in frames (crossfades only)."""
    frames = [info.frames if abs(info.fps - float(rate)) < 0.01 else max(1, round(info.duration_s * rate))
              for info in probes]
    fade_in, fade_out, overlaps = [0] * len(clips), [0] * len(clips), []
    for i, transition in enumerate(transitions):
        length = round(transition.length_s * rate)
        if transition.kind == "crossfade":
            shortest = min(frames[i], frames[i + 1])
            if not 0 < length < shortest:
                raise MediaError(f"crossfade {transition.length_s:g}s between {clips[i].name} and {clips[i + 1].name} "
                                 f"must be shorter than both shots")
            if i > 0 and overlaps[-1] + length > frames[i]:
                raise MediaError(f"shot {clips[i].name} is too short for the crossfades on both its sides")
            overlaps.append(length)
            continue
        overlaps.append(0)
        if transition.kind == "fade":
            fade_out[i] = min(frames[i], length // 2)
            fade_in[i + 1] = min(frames[i + 1], length - length // 2)
    if end is not None and end.kind == "fade":
        fade_out[-1] = min(frames[-1], round(end.length_s * rate))
    return [_Part(*p) for p in zip(frames, fade_in, fade_out)], overlaps


def _clip_filters(i: int, info: Probe, part: _Part, size: tuple[int, int], rate: Fraction, conform: bool) -> list[str]:
    """Filters bringing input i to the sequence's format: its picture [vi] and sound [ai]."""
    width, height = size
    video = []
    if conform:  # letterbox or pillarbox, never crop: nothing the shot shows is lost
        video += [f"scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=lanczos",
                  f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black"]
    # a constant rate and an exact frame count (a clone at the end covers rounding in `fps`)
    video += ["setsar=1", f"fps={rate.numerator}/{rate.denominator}", "tpad=stop_mode=clone:stop=1",
              f"trim=end_frame={part.frames}", "setpts=PTS-STARTPTS", "format=yuv420p"]
    if part.fade_in:
        video.append(f"fade=t=in:s=0:n={part.fade_in}")
    if part.fade_out:
        video.append(f"fade=t=out:s={part.frames - part.fade_out}:n={part.fade_out}")
    samples = round(part.frames / rate * AUDIO_RATE)
    if info.has_audio:
        audio = [f"[{i}:a]aresample={AUDIO_RATE}", "aformat=sample_fmts=fltp:channel_layouts=stereo",
                 "asetpts=PTS-STARTPTS", "apad", f"atrim=end_sample={samples}"]
    else:  # silence, so that every join has sound to join
        audio = [f"anullsrc=r={AUDIO_RATE}:cl=stereo", f"atrim=end_sample={samples}"]
    fade_in, fade_out = (round(n / rate * AUDIO_RATE) for n in (part.fade_in, part.fade_out))
    if fade_in:
        audio.append(f"afade=t=in:ss=0:ns={fade_in}")
    if fade_out:
        audio.append(f"afade=t=out:ss={samples - fade_out}:ns={fade_out}")
    return [f"[{i}:v]" + ",".join(video) + f"[v{i}]", ",".join(audio) + f"[a{i}]"]


def _join_filters(parts: list[_Part], transitions: list[Transition], overlaps: list[int],
                  rate: Fraction) -> tuple[list[str], int]:
    """Filters joining [v0][a0] … into [v][a]; and the total frames."""
    graph, video, audio, total = [], "v0", "a0", parts[0].frames
    for j, (transition, overlap) in enumerate(zip(transitions, overlaps), start=1):
        joined_v, joined_a = f"j{j}v", f"j{j}a"
        if transition.kind == "crossfade":
            offset = total - overlap
            graph.append(f"[{video}][v{j}]xfade=transition=fade:duration={_seconds(overlap, rate)}"
                         f":offset={_seconds(offset, rate)}[{joined_v}]")
            samples = round(overlap / rate * AUDIO_RATE)
            graph.append(f"[{audio}][a{j}]acrossfade=ns={samples}:c1=qsin:c2=qsin[{joined_a}]")
            total += parts[j].frames - overlap
        else:  # cut, or fade: the fades are on the clips, so the join itself is a cut
            graph.append(f"[{video}][{audio}][v{j}][a{j}]concat=n=2:v=1:a=1[{joined_v}x][{joined_a}]")
            # concat leaves the time base of its own; xfade wants the clips' again
            graph.append(f"[{joined_v}x]settb={rate.denominator}/{rate.numerator}[{joined_v}]")
            total += parts[j].frames
        video, audio = joined_v, joined_a
    graph.append(f"[{video}]null[v]")
    graph.append(f"[{audio}]anull[a]")
    return graph, total


def stitch(clips: list[Clip], transitions: list[Transition], out: Path, *,
           end: Transition | None = None, conform: Conform | None = None) -> None:
    """Join clips into one H.264 + AAC file, as the module docstring times it.

    Without `conform` every clip must have the first's size and frame rate
    (MediaError naming the two shots otherwise); with it, each clip is scaled
    to fit and padded with black to its size, at its frame rate. A clip
    without sound gets silence.
    """
    out = Path(out)
    if not clips:
        raise MediaError("a sequence needs at least one shot")
    if len(transitions) != len(clips) - 1:
        raise MediaError(f"{len(clips)} shots need {len(clips) - 1} transitions, not {len(transitions)}")
    for transition in [*transitions, *([end] if end else [])]:
        if transition.kind not in TRANSITIONS:
            raise MediaError(f"unknown transition {transition.kind!r}")
    probes = [probe(clip.path) for clip in clips]
    if conform is None:
        error = _format_error(_shapes(clips, probes))
        if error:
            raise MediaError(error)
        size, rate = (probes[0].width, probes[0].height), exact_rate(probes[0].fps)
    else:
        size, rate = (conform.width, conform.height), exact_rate(conform.fps)
    parts, overlaps = _parts(clips, transitions, end, probes, rate)
    graph = []
    for i, (info, part) in enumerate(zip(probes, parts)):
        graph += _clip_filters(i, info, part, size, rate, conform is not None)
    joins, total = _join_filters(parts, transitions, overlaps, rate)
    inputs = [arg for clip in clips for arg in ("-i", ffmpeg_path(clip.path))]
    with atomic_output(out) as tmp:
        run_ffmpeg([*inputs, "-filter_complex", ";".join(graph + joins), "-map", "[v]", "-map", "[a]",
                    *VIDEO_CODEC, *AUDIO_CODEC, *CONTAINER, ffmpeg_path(tmp)],
                   what=f"cannot stitch {out.name}")
        _expect(tmp, frames=total, audio=True, what=out.name, size=size)


def _expect(path: Path, *, frames: int, audio: bool, what: str, size: tuple[int, int] | None = None) -> None:
    """Check a written video before it takes its name."""
    info = probe(path)
    problems = []
    if abs(info.frames - frames) > 1:
        problems.append(f"{info.frames} frames, not {frames}")
    if audio and not info.has_audio:
        problems.append("no sound")
    if size and (info.width, info.height) != tuple(size):
        problems.append(f"{info.width}x{info.height}, not {size[0]}x{size[1]}")
    if problems:
        raise MediaError(f"{what} came out wrong: {', '.join(problems)}")


# --- seams -------------------------------------------------------------------

SEAM_PAD = 8


def seams_sheet(clips: list[Clip], transitions: list[Transition], out_png: Path, *, thumb_width: int = 480) -> None:
    """A contact sheet of a sequence's joins, to review continuity.

    One row per join: a label (join number, shot names, transition) over the
    outgoing shot's last frame and the incoming shot's first frame, side by
    side. Frames come from the shots' own clips, not the dissolve. Every
    thumbnail is `thumb_width` wide and as high as the first clip's aspect
    makes it (other aspects are letterboxed). Needs two shots at least.
    """
    from PIL import Image, ImageDraw, ImageOps

    out_png = Path(out_png)
    if len(clips) < 2:
        raise MediaError("a sequence of one shot has no joins to show")
    if len(transitions) != len(clips) - 1:
        raise MediaError(f"{len(clips)} shots need {len(clips) - 1} transitions, not {len(transitions)}")
    first = probe(clips[0].path)
    thumb = (thumb_width, max(1, round(thumb_width * first.height / first.width)))
    font = _font(max(11, thumb_width // 28))
    label_h = round(font.size * 1.6)
    row_h = label_h + thumb[1] + SEAM_PAD
    sheet = Image.new("RGB", (2 * thumb_width + 3 * SEAM_PAD, SEAM_PAD + len(transitions) * row_h), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    for row, (before, after, transition) in enumerate(zip(clips, clips[1:], transitions)):
        top = SEAM_PAD + row * row_h
        frames = (frame_pixels(before.path, None), frame_pixels(after.path, 0.0))
        labels = (f"{row + 1}. {before.name}: last frame", f"{transition.label()} → {after.name}: first frame")
        for col, (frame, label) in enumerate(zip(frames, labels)):
            left = SEAM_PAD + col * (thumb_width + SEAM_PAD)
            draw.text((left, top + (label_h - font.size) // 2), _fit(label, font, thumb_width), font=font,
                      fill=(235, 235, 235))
            sheet.paste(ImageOps.pad(frame, thumb, method=Image.Resampling.LANCZOS, color=(0, 0, 0)),
                        (left, top + label_h))
    with atomic_output(out_png) as tmp:
        sheet.save(tmp, format="PNG")
        with Image.open(tmp) as written:
            if written.size != sheet.size:
                raise MediaError(f"{out_png.name} came out wrong")


def _fit(text: str, font: "ImageFont.FreeTypeFont", width: int) -> str:
    """Shorten a label with an ellipsis to fit `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"
