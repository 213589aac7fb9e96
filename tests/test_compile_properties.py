"""Property tests of `compile`: random but valid shot lists compile without
errors, keep every beat and line verbatim in the prompt, cost what the model
profiles say, lower to the same bytes every time, and match the plan schema.

Deterministic (`derandomize=True`, no example database): a failure is the
same failure on every machine. The file runs in well under 40 seconds.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sorascript import driver
from sorascript.lower.plan import plan_schema

settings.register_profile(
    "sorascript-compile-properties",
    derandomize=True,
    database=None,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=False,
)
PROFILE = settings.get_profile("sorascript-compile-properties")
VALIDATOR = Draft202012Validator(plan_schema())

# The standard library's profiles (std/models) and the hosted prices.
PRICES = {
    "sora-2": {"720x1280": Decimal("0.10"), "1280x720": Decimal("0.10")},
    "sora-2-pro": {
        "720x1280": Decimal("0.30"), "1280x720": Decimal("0.30"),
        "1024x1792": Decimal("0.50"), "1792x1024": Decimal("0.50"),
    },
}
DURATIONS_S = [4, 8, 12, 16, 20]
FRAMINGS = ["extreme-wide", "wide", "full", "medium-wide", "medium", "medium-close-up", "close-up",
            "two-shot", "establishing", "pov"]
DIRECTIONS = ["camera-left", "camera-right", "frame-left", "frame-right", "above", "behind", "front"]
WORDS = ("harbour lamp ferry rope gull pier water stone window rain coat boat deck chain bell "
         "street wall door table chair cup road field tree river bridge tower light shadow "
         "walks turns waits looks lifts drops opens closes runs stops smiles nods sits stands Mara Theo").split()
CHARACTERS = {
    "mara": ('"woman in her 30s, dark bob haircut"', "Mara"),
    "theo": ('"boy of about ten, dark curls"', "Theo"),
}
SPEAKERS = ["mara", "theo", "narrator"]
DELIVERIES = [None, "quietly", "warm"]
MS_PER_WORD = 400  # 2.5 words a second


def secs(value_ms: int) -> str:
    """Milliseconds as the source and the prompt write seconds: 2500 -> "2.5"."""
    return str(value_ms // 1000) if value_ms % 1000 == 0 else f"{value_ms / 1000:g}"


@dataclass
class Shot:
    name: str
    model: str
    size: str
    duration: int  # ms
    prose: str
    beats: list[tuple[int, int, str]]
    dialogue: list  # ("line", speaker, delivery, text) or ("pause", ms)
    framing: str
    pan: tuple[str, int, int]  # direction, degrees, over (ms)
    hold: bool
    light: tuple[str, str, int | None]  # text, direction, kelvin
    ambient: str
    style: str
    takes: int | None
    variants: list[tuple[str, str]] = field(default_factory=list)  # name, style

    @property
    def jobs(self) -> list[str]:
        return [self.name] + [f"{self.name}.{v}" for v, _ in self.variants]

    @property
    def cost(self) -> Decimal:
        return Decimal(self.duration) / 1000 * PRICES[self.model][self.size] * (self.takes or 1)

    @property
    def lines(self) -> list[str]:
        return [d[3] for d in self.dialogue if d[0] == "line"]

    def source(self) -> str:
        out = [f"shot {self.name}:",
               f"    model {self.model}",
               f"    size {self.size}",
               f"    duration {secs(self.duration)}s",
               f'    "{self.prose}"',
               "    camera:",
               f"        framing {self.framing}",
               f"        pan {self.pan[0]} {self.pan[1]}deg over {secs(self.pan[2])}s"]
        if self.hold:
            out.append("        hold")
        text, direction, kelvin = self.light
        out += ["    lighting:", f'        key "{text}" from {direction}' + (f" {kelvin}K" if kelvin else "")]
        out.append("    beats:")
        out += [f'        {secs(start)}s..{secs(end)}s "{text}"' for start, end, text in self.beats]
        out.append("    dialogue:")
        for entry in self.dialogue:
            if entry[0] == "pause":
                out.append(f"        pause {secs(entry[1])}s")
            else:
                _, speaker, delivery, line = entry
                out.append(f"        {speaker}" + (f" ({delivery})" if delivery else "") + f': "{line}"')
        out += ["    sound:", f'        ambient "{self.ambient}"', f'    style "{self.style}"']
        if self.takes is not None:
            out.append(f"    takes {self.takes}")
        for name, style in self.variants:
            out += [f"    variant {name}:", f'        style "{style}"']
        return "\n".join(out) + "\n"


@dataclass
class Program:
    shots: list[Shot]
    sequence: list[tuple[str, str]] | None  # (shot, transition to the next)
    budget: int | None

    @property
    def total(self) -> Decimal:
        return sum((s.cost * (1 + len(s.variants)) for s in self.shots), Decimal(0))

    def source(self) -> str:
        out = []
        speakers = {d[1] for s in self.shots for d in s.dialogue if d[0] == "line"}
        for name, (description, _) in CHARACTERS.items():
            if name in speakers:
                out.append(f"character {name}:\n    {description}\n")
        if self.budget is not None:
            out.append(f"budget ${self.budget}\n")
        out += [s.source() for s in self.shots]
        if self.sequence:
            last = len(self.sequence) - 1
            # `cut` is the default: written out after every other shot, never after the last
            body = [f"    {name}" + (f" {transition}" if i < last and (transition != "cut" or i % 2) else "")
                    for i, (name, transition) in enumerate(self.sequence)]
            # shots of several sizes: the sequence says how to bring them to one format
            out.append("sequence reel:\n" + "\n".join(body) + "\n    conform 1280x720 24fps\n")
        return "\n".join(out)


def phrase(draw, low: int = 1, high: int = 5) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high)))


@st.composite
def shots(draw, name: str) -> Shot:
    model = draw(st.sampled_from(sorted(PRICES)))
    size = draw(st.sampled_from(sorted(PRICES[model])))
    duration = draw(st.sampled_from(DURATIONS_S)) * 1000

    # timed beats: boundaries on a half-second grid; each gap between neighbours is a beat or left empty
    points = sorted(draw(st.sets(st.integers(0, duration // 500), min_size=2, max_size=6)))
    pairs = [(a * 500, b * 500) for a, b in zip(points, points[1:])]
    keep = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    chosen = [p for p, k in zip(pairs, keep) if k] or pairs[:1]
    beats = [(start, end, phrase(draw).capitalize()) for start, end in chosen]

    # dialogue that fits: words at 2.5 a second plus pauses within three quarters of the clip
    room = duration * 3 // 4
    dialogue = []
    used = 0
    for _ in range(draw(st.integers(1, 3))):
        if dialogue and draw(st.booleans()):
            pause = draw(st.sampled_from([500, 1000]))
            if used + pause + MS_PER_WORD > room:
                break
            dialogue.append(("pause", pause))
            used += pause
        words = phrase(draw, 1, 5).split()
        words = words[: max(1, (room - used) // MS_PER_WORD)]
        if used + len(words) * MS_PER_WORD > room:
            break
        used += len(words) * MS_PER_WORD
        text = " ".join(words).capitalize() + draw(st.sampled_from([".", "?", "!"]))
        dialogue.append(("line", draw(st.sampled_from(SPEAKERS)), draw(st.sampled_from(DELIVERIES)), text))

    over = draw(st.integers(1, duration // 1000)) * 1000
    degrees = draw(st.integers(5, 20 * over // 1000))  # at most 20 degrees a second: slow
    pan = (draw(st.sampled_from(["left", "right"])), degrees, over)
    hold = over < duration and draw(st.booleans())
    light = (phrase(draw, 1, 3), draw(st.sampled_from(DIRECTIONS)), draw(st.sampled_from([None, 3200, 5600])))
    variant_names = draw(st.lists(st.sampled_from(["alt", "night", "wide"]), max_size=2, unique=True))
    return Shot(
        name=name, model=model, size=size, duration=duration,
        prose=phrase(draw, 3, 8).capitalize() + ".",
        beats=beats, dialogue=dialogue, framing=draw(st.sampled_from(FRAMINGS)), pan=pan, hold=hold,
        light=light, ambient=phrase(draw, 2, 4), style=phrase(draw, 2, 4),
        takes=draw(st.one_of(st.none(), st.integers(1, 3))),
        variants=[(v, phrase(draw, 2, 4)) for v in variant_names],
    )


@st.composite
def programs(draw) -> Program:
    count = draw(st.integers(1, 3))
    found = [draw(shots(f"shot_{i}")) for i in range(count)]
    sequence = None
    if count >= 2 and draw(st.booleans()):
        order = draw(st.permutations([s.name for s in found]))
        transitions = [draw(st.sampled_from(["cut", "fade 1s", "crossfade 0.5s", "crossfade 1s"])) for _ in order[:-1]]
        sequence = list(zip(order, transitions + ["cut"]))
    program = Program(found, sequence, None)
    if draw(st.booleans()):
        program.budget = math.ceil(program.total) + draw(st.integers(0, 5))
    return program


def compile_program(program: Program, folder: Path) -> tuple[driver.Result, str]:
    path = folder / "generated.shot"
    path.write_text(program.source(), encoding="utf-8")
    result = driver.compile(path)
    errors = [f"{d.code} {d.message} at {d.span.line}:{d.span.column}" for d in result.diagnostics if d.severity == "error"]
    assert result.problem is None, result.problem
    assert not errors, "\n".join(errors) + "\n\n" + program.source()
    assert result.plan is not None
    return result, driver.plan_json(result.plan)


@settings(PROFILE)
@given(programs())
def test_valid_programs_compile_faithfully(program: Program):
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        result, text = compile_program(program, Path(first))
        # same source, same bytes: again, and from another folder
        assert compile_program(program, Path(first))[1] == text
        assert compile_program(program, Path(second))[1] == text
    plan = json.loads(text)
    assert [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(plan)] == []

    jobs = {j["name"]: j for j in plan["jobs"]}
    assert list(jobs) == [name for shot in program.shots for name in shot.jobs]
    for shot in program.shots:
        for name in shot.jobs:
            job = jobs[name]
            assert job["kind"] == "create"
            request = job["request"]
            assert {k: request[k] for k in ("model", "size", "seconds")} == {
                "model": shot.model, "size": shot.size, "seconds": secs(shot.duration)}
            prompt = request["prompt"]
            for start, end, text in shot.beats:
                assert text in prompt
                assert f"- {secs(start)}-{secs(end)}s: {text}\n" in prompt
            for line in shot.lines:
                assert f'"{line}"' in prompt
            direction, degrees, over = shot.pan
            assert f"pan {direction} {degrees}° (0-{secs(over)}s)" in prompt
            order = [prompt.index(h) for h in ("\n\nCinematography:\n", "\n\nActions:\n", "\n\nDialogue:\n",
                                               "\n\nSound:\n", "\n\nStyle: ")]
            assert order == sorted(order), prompt
            # cost: seconds x price x takes, to the cent
            expected = shot.cost
            assert job["cost_usd"] is not None
            assert round(job["cost_usd"], 2) == float(expected.quantize(Decimal("0.01")))
            assert abs(Decimal(str(job["cost_usd"])) - expected) < Decimal("0.000001")
            assert job.get("takes") == shot.takes
            assert job["after"] == [] and job["input_reference"] is None
    total = sum(Decimal(str(j["cost_usd"])) for j in plan["jobs"])
    assert round(plan["total_cost_usd"], 2) == float(total.quantize(Decimal("0.01")))
    assert round(plan["total_cost_usd"], 2) == float(program.total.quantize(Decimal("0.01")))

    if program.sequence:
        (sequence,) = plan["sequences"]
        assert sequence["jobs"] == [name for name, _ in program.sequence]
        assert sequence["transitions"] == [t for _, t in program.sequence[:-1]]
        durations = {s.name: s.duration for s in program.shots}
        crossfades = sum(int(float(t.split()[1][:-1]) * 1000) for _, t in program.sequence[:-1] if t.startswith("crossfade"))
        assert sequence["runtime_s"] == (sum(durations[n] for n, _ in program.sequence) - crossfades) / 1000
    else:
        assert plan["sequences"] == []


@settings(PROFILE, max_examples=40)
@given(shots("solo"))
def test_variants_keep_the_shot_and_change_only_what_they_name(shot: Shot):
    """A variant is its shot with the variant's statements in place of the shot's
    of that kind: here only the style differs."""
    with tempfile.TemporaryDirectory() as folder:
        _, text = compile_program(Program([shot], None, None), Path(folder))
    jobs = {j["name"]: j for j in json.loads(text)["jobs"]}
    base = jobs["solo"]["request"]["prompt"]
    assert f"Style: {shot.style}\n" in base
    for name, style in shot.variants:
        prompt = jobs[f"solo.{name}"]["request"]["prompt"]
        assert prompt == base.replace(f"Style: {shot.style}\n", f"Style: {style}\n")


LAYOUT_PROBE = """
model probe-{layout}:
    sizes 720x1280, 1280x720, 1024x1792, 1792x1024
    durations 4s, 8s, 12s, 16s, 20s
    price $0.10/s
    audio yes
    reference yes
    layout {layout}
"""


@settings(PROFILE, max_examples=60)
@given(programs())
def test_every_beat_and_line_is_in_the_prompt_under_every_layout(program: Program):
    """Each prompt profile says every beat and every dialogue line as written."""
    program.budget = None
    for layout in ("guide", "paragraph", "timeline"):
        for shot in program.shots:
            shot.model = f"probe-{layout}"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "generated.shot"
            path.write_text(program.source() + LAYOUT_PROBE.format(layout=layout), encoding="utf-8")
            result = driver.compile(path)
        errors = [f"{d.code} {d.message}" for d in result.diagnostics if d.severity == "error"]
        assert result.problem is None and not errors, errors
        jobs = {j["name"]: j for j in json.loads(driver.plan_json(result.plan))["jobs"]}
        for shot in program.shots:
            for name in shot.jobs:
                prompt = jobs[name]["request"]["prompt"]
                for _, _, text in shot.beats:
                    assert text in prompt, (layout, text, prompt)
                for line in shot.lines:
                    assert f'"{line}"' in prompt, (layout, line, prompt)
                if layout == "paragraph":
                    assert prompt.count("\n") == 1, prompt
