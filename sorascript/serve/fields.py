"""Reading request fields: multipart values are strings, JSON values are typed; both are accepted.

Standard fields are checked as the Videos API checks them; the extra fields of
SGLang and vLLM-Omni (`fps`, `num_frames`, `negative_prompt`, `seed`,
`num_inference_steps`, `guidance_scale`) are checked for their type; any other
field is kept and ignored, as self-hosted servers do, so a model profile's
`params` never make a request fail here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from sorascript.serve import script as scripts
from sorascript.serve.errors import invalid, missing

DEFAULT_MODEL, DEFAULT_SIZE, DEFAULT_SECONDS, DEFAULT_FPS = "sora-2", "720x1280", "4", 24
MIN_SIDE, MAX_SIDE = 16, 4096
MAX_SECONDS = 120.0  # a clip, an extension's source with its extension, or a stitched total
MAX_EXTENSION_SECONDS = 20.0
MAX_FPS = 120
MAX_PROMPT = 32000
_SIZE = re.compile(r"^(\d{1,5})x(\d{1,5})$")


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


Params = dict[str, Any]  # field -> str (multipart) or any JSON value; files are `Upload`s


def text(params: Params, name: str, default: str | None = None, *, limit: int = 1000) -> str:
    value = params.get(name)
    if value is None:
        if default is None:
            raise missing(name)
        return default
    if isinstance(value, Upload):
        raise invalid(name, f"Invalid value for '{name}': expected text, not a file.")
    if not isinstance(value, str):
        raise invalid(name, f"Invalid type for '{name}': expected a string, but got {scripts._json_type(value)}.", "invalid_type")
    if len(value) > limit:
        raise invalid(name, f"Invalid value for '{name}': longer than {limit} characters.")
    return value


def prompt(params: Params) -> str:
    value = text(params, "prompt", limit=MAX_PROMPT)
    if not value.strip():
        raise invalid("prompt", "Invalid value for 'prompt': it must not be empty.")
    return value


def number(params: Params, name: str, *, low: float, high: float, whole: bool = False) -> float | None:
    """A number from a JSON number or a decimal string; None when absent."""
    value = params.get(name)
    if value is None:
        return None
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or isinstance(value, Upload):
        raise invalid(name, f"Invalid value for '{name}': expected {kind}.", "invalid_type")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if not whole else int(value.strip())
        except ValueError:
            raise invalid(name, f"Invalid value for '{name}': {value!r} is not {kind}.") from None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid(name, f"Invalid value for '{name}': expected {kind}.", "invalid_type")
    if whole and value != int(value):
        raise invalid(name, f"Invalid value for '{name}': {value!r} is not {kind}.")
    if not low <= value <= high:
        raise invalid(name, f"Invalid value for '{name}': {value:g} is not between {low:g} and {high:g}.")
    return int(value) if whole else float(value)


def size(params: Params) -> tuple[str, int, int]:
    value = text(params, "size", DEFAULT_SIZE)
    m = _SIZE.match(value.strip())
    if not m:
        raise invalid("size", f"Invalid value for 'size': {value!r}. A size is WIDTHxHEIGHT, such as '1280x720'.")
    w, h = int(m.group(1)), int(m.group(2))
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE) or w % 2 or h % 2:
        raise invalid("size", f"Invalid value for 'size': {value!r}. Width and height must be even numbers "
                              f"from {MIN_SIDE} to {MAX_SIDE}.")
    return f"{w}x{h}", w, h


def format_seconds(value: float) -> str:
    """Seconds as the API writes them: "4", or "5.0625" for a clip of 81 frames at 16 fps."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Timing:
    seconds: str  # as the Video object reports it
    fps: int
    frames: int


def timing(params: Params) -> Timing:
    """Duration and frames: `num_frames` at `fps` when given (exactly), else `seconds` at `fps` (24 by default)."""
    given = params.get("seconds")
    seconds = number(params, "seconds", low=1e-3, high=MAX_SECONDS)
    fps = number(params, "fps", low=1, high=MAX_FPS, whole=True)
    frames = number(params, "num_frames", low=1, high=MAX_SECONDS * MAX_FPS, whole=True)
    rate = int(fps or DEFAULT_FPS)
    if frames is None:
        frames = max(1, round((seconds if seconds is not None else float(DEFAULT_SECONDS)) * rate))
    frames = int(frames)
    if frames / rate > MAX_SECONDS:
        raise invalid("num_frames", f"Invalid value for 'num_frames': {frames} frames at {rate} fps is longer than "
                                    f"{MAX_SECONDS:g} seconds.")
    if given is not None:
        shown = given.strip() if isinstance(given, str) else format_seconds(float(given))
    elif params.get("num_frames") is not None:
        shown = format_seconds(frames / rate)
    else:
        shown = DEFAULT_SECONDS
    return Timing(shown, rate, frames)


def check_extras(params: Params) -> None:
    """The self-hosted servers' extra fields, checked for their type (their values change nothing here)."""
    if params.get("negative_prompt") is not None:
        text(params, "negative_prompt", limit=MAX_PROMPT)
    number(params, "seed", low=-(2**63), high=2**64 - 1, whole=True)
    number(params, "num_inference_steps", low=1, high=10000, whole=True)
    number(params, "guidance_scale", low=-1000, high=1000)


def animatic(params: Params, prompt_text: str) -> scripts.Script:
    """The shot's structure: `sorac_animatic` if sent, else what the prompt spells out."""
    value = params.get("sorac_animatic")
    if value is None:
        return scripts.from_prompt(prompt_text)
    if isinstance(value, Upload):
        raise invalid("sorac_animatic", "Invalid value for 'sorac_animatic': expected JSON text, not a file.")
    try:
        script = scripts.from_field(value)
    except scripts.ScriptError as error:
        raise invalid("sorac_animatic", f"Invalid value for 'sorac_animatic': {error}.") from None
    if not script.name and not script.title:
        script = dataclasses.replace(script, title=scripts.from_prompt(prompt_text).title)
    return script


def upload(params: Params, name: str, *, required: bool) -> Upload | None:
    value = params.get(name)
    if value is None:
        if required:
            raise missing(name)
        return None
    if not isinstance(value, Upload):
        raise invalid(name, f"Invalid value for '{name}': upload the file as a multipart/form-data file part.")
    return value


def canonical(params: Params, file_hashes: dict[str, str]) -> str:
    """The request as one string (files by hash): equal requests, equal strings."""
    plain = {k: v for k, v in params.items() if not isinstance(v, Upload)}
    return json.dumps({"fields": plain, "files": file_hashes}, sort_keys=True, separators=(",", ":"), default=str)

