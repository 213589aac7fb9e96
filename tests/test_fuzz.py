"""Property tests: no input makes the parser, the checker or the command line
raise, and every valid program parses cleanly and the same way twice.

Deterministic (`derandomize=True`, no example database) so a failure is the
same failure on every machine; the whole file runs in well under 30 seconds.
"""

from __future__ import annotations

import os
import random
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, run_sorac
from sorascript import driver, resources
from sorascript.diagnostics.codes import CODES
from sorascript.source import SourceFile
from sorascript.syntax import ast, parse

settings.register_profile(
    "sorascript-fuzz",
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=False,
)
FUZZ = settings.get_profile("sorascript-fuzz")


# SORASCRIPT_FUZZ_SCALE=20 pytest tests/test_fuzz.py runs twenty times as many examples.
SCALE = max(1, int(os.environ.get("SORASCRIPT_FUZZ_SCALE", "1") or 1))


def fuzz(max_examples: int):
    """The file's profile with its own example count (the profile is never loaded
    globally, so other test files keep Hypothesis's defaults)."""
    return settings(FUZZ, max_examples=max_examples * SCALE)


# ---- the corpus: valid programs to mangle ------------------------------------------------

EXAMPLE = (REPO / "examples" / "neon_diner.shot").read_text(encoding="utf-8")

# Snippets of the language (docs/language.md), put together as one valid program.
SNIPPETS = textwrap.dedent('''\
    import "std/palettes"        // standard library module
    import "cast.shot"           // relative to this file
    budget $20

    model house:
        api-model "sora-2"
        sizes 1280x720, 720x1280
        durations 4s, 8s
        price $0.30/s for 1280x720, 720x1280
        audio yes
        reference no
        max-characters 2
        retired "2030-01-01"
        notes "a self-hosted server"

    defaults:
        model house
        size 1280x720

    character theo:
        "man in his 40s, grey stubble"
        voice "gravelly"
        wardrobe "black peacoat"
        cameo "theo.mp4"

    prop mug:
        "a chipped white diner mug"

    location diner:
        "a 1950s diner"
        time "night"
        weather "rain"

    style noir:
        blend 70% "photorealistic", 30% "anime"
        grade:
            highlights "warm"
            midtones "neutral"
            blacks "crushed"
        film "Kodak 5219"

    lens portrait:
        85mm f/1.8 "flattering compression"

    shot earth:
        duration 8s
        """
        The Earth from orbit.
          Dawn crosses the Pacific.
        """
        camera:
            0s..4s tilt up 60deg over 4s "revealing Earth"
            at 4s orbit left 30° over 2s
            zoom in 2x
            rack-focus "to the station" over 500ms
            focus on "the solar panel"
        lighting:
            key "sunlight" from camera-left 5600K
            quality hard
        cut 0..2s "Wide":
            "stars"
            beats:
                0s..1s "a satellite passes"
        overlay "EARTH" bottom 0s..2s
        speed 0.5x
        loop long
        takes 2
        variant dusk:
            "at dusk"

    shot arrival from earth:
        setting diner
        cast theo
        props mug
        reference last frame of earth
        beats:
            "Theo sits down"
            theo (tired, "barely audible"): "Coffee."
            sfx "cup on saucer"
        sound:
            music "slow piano"
            at 2s cue "thunder"

    sequence film:
        earth crossfade 0.5s, arrival fade 1s
        continuity "same peacoat"

    remix daylight of arrival:
        "make it a sunny morning"
        keep "the framing"

    extend after of arrival by 4s:
        "he walks out into the rain"
''')

# The snippets, then every example and standard module of the repository.
CORPUS = [SNIPPETS] + [path.read_text(encoding="utf-8")
                       for folder in ("examples", "stdlib") for path in sorted((REPO / folder).glob("*.shot"))]
assert EXAMPLE in CORPUS


def test_the_corpus_is_valid():
    for text in CORPUS:
        module, diagnostics = parse(SourceFile("corpus.shot", text))
        assert diagnostics == []
        assert module.decls


# ---- what every result must look like -------------------------------------------------------


def check_diagnostics(diagnostics, text: str) -> None:
    lines = text.count("\n") + 2
    for d in diagnostics:
        assert d.code in CODES, d
        assert d.severity in ("error", "warning", "note")
        assert d.message and not d.message.endswith(".")
        s = d.span
        assert 1 <= s.line <= s.end_line <= lines, d
        assert s.column >= 1 and s.end_column >= 1, d
        assert 0 <= s.start <= s.end <= len(text.encode("utf-8")) + 1, d


def parse_safely(text: str):
    module, diagnostics = parse(SourceFile("fuzz.shot", text))
    assert isinstance(module, ast.Module)
    check_diagnostics(diagnostics, text)
    return module, diagnostics


# ---- arbitrary text ------------------------------------------------------------------------

FRAGMENTS = [
    "shot s:", "character mara:", "palette p:", "style noir:", "sequence q:", "remix r of s:", "extend e of s by 4s:",
    "model m:", "defaults:", "camera:", "lighting:", "beats:", "dialogue:", "sound:", "layers:", "grade:",
    'cut 0s..2s "t":', "variant v:", "pan left 30°", "push in from wide to close-up over 2s", "at 1s",
    'key "x" from camera-left 3200K', 'mara (quietly, "x"): "hi"', "pause 1s", "sfx", "overlay", "in-frame",
    "\n", "\r\n", "\r", "    ", "  ", "\t", " ", '"', '"""', "\\", "\\q", ":", "//", "// c", "(", ")", ",", "..",
    "0..2s", "4sec", "30degrees", "#ff00", "#f2a33a", "$0.10", "f/2.8", "1280x720", "12.5x7", "70%", "24fps",
    "2x", "500ms", "mara", "cut", "key", "at", "from", "of", "by", "é", "°", "“", "'", "@", "\x00", "\ufeff",
    "\u2028", "\x85", "\x0c", "\U0001f3ac",
    # numbers at the limits
    "9" * 4301, "1" * 300 + "s", "999999999s", "999999999.999999s", "0.0000001s", "9999999999x9999999999",
    "4294967297deg", "-5s", "takes " + "9" * 28, "takes 999999999.5", "$99999999999999", "f/0.0000001", "1e9",
    "durations 4, 8, 12", "sizes 4s",
    # control characters and digits of other scripts
    "\x1b[2J", "\x07", "\x9b", "\x7f", "\x1b", "\x08", "٣", "８", "۷۲۰x١٢٨٠",
]

# Arbitrary unicode, and text built from pieces of the language.
ARBITRARY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list(' \t\r\n"\\:/.#$%()°,-_xsmé0123456789abc')), max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60).map("".join),
)


@fuzz(400)
@given(ARBITRARY)
def test_parse_never_raises_on_arbitrary_text(text):
    parse_safely(text)


def is_a_usage_problem(text: str) -> bool:
    """A file that is not .shot text at all: empty, binary, or with CR-only line endings."""
    return not text.removeprefix("\ufeff").strip() or "\x00" in text or ("\r" in text and "\n" not in text)


@fuzz(120)
@given(ARBITRARY)
def test_check_never_raises_on_arbitrary_text(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.shot"
        path.write_text(text, encoding="utf-8", newline="")
        result = driver.check(path)
        if result.problem is None:
            check_diagnostics([d for d in result.diagnostics if d.span.file == result.path], text)
        else:  # an empty or binary file is a usage problem, not a crash
            assert is_a_usage_problem(text), result.problem


# ---- mangled valid programs -----------------------------------------------------------------


def mangle(text: str, operations: list[tuple[int, int, int, str]]) -> str:
    """Apply edit operations to a program: delete, duplicate or swap lines, change
    a line's indentation, insert or delete characters, truncate."""
    lines = text.splitlines(keepends=True)
    for kind, a, b, chars in operations:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        line = lines[i]
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(j, line)
        elif kind == 2:
            lines[i], lines[j] = lines[j], line
        elif kind == 3:
            lines[i] = " " * (b % 13) + line.lstrip(" \t")
        elif kind == 4:
            lines[i] = "\t" + line
        elif kind == 5:
            at = b % (len(line) + 1)
            lines[i] = line[:at] + chars + line[at:]
        elif kind == 6:
            at = b % max(len(line), 1)
            lines[i] = line[:at] + line[at + 1 + len(chars):]
        elif kind == 7:
            lines = lines[: i + 1]
            lines[-1] = line[: b % (len(line) + 1)]
        elif kind == 8:
            lines[i] = line.replace("\n", "\r\n")
    return "".join(lines)


OPERATIONS = st.lists(
    st.tuples(st.integers(0, 8), st.integers(0, 10_000), st.integers(0, 10_000),
              st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3))),
    min_size=1, max_size=6,
)


@fuzz(300)
@given(st.sampled_from(CORPUS), OPERATIONS)
def test_mangled_programs_never_raise(text, operations):
    parse_safely(mangle(text, operations))


@fuzz(100)
@given(st.sampled_from(CORPUS), OPERATIONS)
def test_check_never_raises_on_mangled_programs(text, operations):
    mangled = mangle(text, operations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mangled.shot"
        path.write_text(mangled, encoding="utf-8", newline="")
        result = driver.check(path)
        assert result.problem is None or is_a_usage_problem(mangled), result.problem


def test_check_budget_with_an_extension_of_an_unknown_shot(tmp_path):
    # Found by test_check_never_raises_on_mangled_programs: the budget summed a
    # cost of None for an extension whose source shot does not exist.
    path = tmp_path / "budget.shot"
    path.write_text('budget $20\nshot earth:\n    "x"\nextend after of nowhere by 4s:\n    "y"\n', encoding="utf-8")
    result = driver.check(path)
    assert "E201" in {d.code for d in result.diagnostics}


def test_the_command_line_never_prints_a_traceback(tmp_path):
    rnd = random.Random(20261124)
    names = []
    for index in range(8):
        operations = [(rnd.randrange(9), rnd.randrange(10_000), rnd.randrange(10_000), rnd.choice(FRAGMENTS))
                      for _ in range(rnd.randint(1, 6))]
        text = mangle(CORPUS[index % len(CORPUS)], operations) or "// emptied\n"
        name = f"mangled_{index}.shot"
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
        names.append(name)
    for format in ("human", "short", "json"):
        done = run_sorac("check", "--format", format, *names, cwd=tmp_path)
        assert "Traceback" not in done.stderr + done.stdout
        assert done.returncode in (0, 1), done.stderr


# ---- multi-file projects, symbolic links included -----------------------------------------------

FILE_NAMES = ["film.shot", "cast.shot", "cast", "sub/cast.shot", "looks.shot", "frame.png", "clip.mp4"]
LINE_KINDS = st.sampled_from([
    'import "{name}"', 'import "{name}"', 'reference "{name}"', 'cameo "{name}"',
])
PROJECT = st.tuples(
    # each file: its name, then a few import/reference lines and a snippet of the corpus
    st.lists(st.tuples(st.sampled_from(FILE_NAMES[1:5]), st.lists(st.tuples(LINE_KINDS, st.sampled_from(FILE_NAMES)),
                                                                   max_size=3),
                       st.sampled_from(CORPUS)), max_size=4),
    # symbolic links: (link name, target: another file, itself, outside, a folder above)
    st.lists(st.tuples(st.sampled_from(FILE_NAMES[1:]), st.sampled_from(["inside", "self", "outside", "up"])), max_size=3),
    st.lists(st.tuples(LINE_KINDS, st.sampled_from(FILE_NAMES)), max_size=4),
)


def _lines(pairs) -> str:
    out = []
    for form, name in pairs:
        line = form.format(name=name)
        out.append(line if line.startswith("import") else f"shot r{len(out)}:\n    \"x\"\n    {line}"
                   if line.startswith("reference") else f"character c{len(out)}:\n    \"x\"\n    {line}")
    return "\n\n".join(out) + "\n\n"


@fuzz(60)
@given(PROJECT)
def test_projects_of_several_files_and_links_never_raise_or_read_outside(project):
    files, links, main_lines = project
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        root = base / "project"
        (root / "sub").mkdir(parents=True)
        (root / "sorac.toml").write_text("", encoding="utf-8")
        outside = base / "outside.shot"
        outside.write_text('prop secret:\n    "OUTSIDE-BYTES-77"\n', encoding="utf-8")
        for name, pairs, body in files:
            (root / name).write_text(_lines(pairs) + body, encoding="utf-8")
        for name, target in links:
            link = root / name
            if link.exists() or link.is_symlink():
                continue
            try:
                link.symlink_to({"inside": root / "cast.shot", "self": link, "outside": outside, "up": base}[target])
            except OSError:
                pass
        main = root / "film.shot"
        if not main.exists() and not main.is_symlink():
            main.write_text(_lines(main_lines) + EXAMPLE, encoding="utf-8")
        result = driver.check(main)
        if result.problem is None:
            from sorascript.diagnostics.render import render_human, render_json

            shown = render_human(result.diagnostics, result.sources) + render_json(result.diagnostics)
            assert "OUTSIDE-BYTES-77" not in shown


# ---- generated valid programs ------------------------------------------------------------------

# Names that are never keywords where they stand.
NAMES = st.sampled_from(["mara", "theo", "diner", "neon_diner", "sora-2", "medium-close-up", "zoé", "x_1", "b2"])
LIST_NAMES = st.one_of(NAMES, st.sampled_from(["key", "cut", "camera", "model", "shot", "at", "from"]))
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters='"\\'), max_size=20)
STRING = st.one_of(
    TEXT.map(lambda t: f'"{t}"'),
    st.lists(st.one_of(TEXT, st.sampled_from(['\\"', "\\\\", "\\n", "\\t"])), max_size=4).map(lambda p: '"' + "".join(p) + '"'),
)
STRINGS = st.lists(STRING, min_size=1, max_size=2).map(" ".join)
SECONDS = st.integers(0, 20).map(lambda n: f"{n}s") | st.sampled_from(["1.5s", "500ms", "0.25s"])
RANGE = st.tuples(st.integers(0, 9), st.integers(1, 9), st.sampled_from(["s", "ms"]), st.booleans()).map(
    lambda t: f"{t[0]}{'' if t[3] else t[2]}..{t[0] + t[1]}{t[2]}")
TIMING = RANGE | SECONDS.map(lambda s: f"at {s}")
ANGLE = st.integers(0, 360).map(lambda n: f"{n}deg") | st.integers(0, 360).map(lambda n: f"{n}°")


def _opt(strategy, prefix=" "):
    return st.one_of(st.just(""), strategy.map(lambda s: prefix + s))


CAMERA_LINE = st.one_of(
    NAMES.map(lambda n: f"framing {n}"),
    st.tuples(NAMES, _opt(ANGLE)).map(lambda t: f"angle {t[0]}{t[1]}"),
    st.tuples(st.integers(8, 300), _opt(st.sampled_from(["f/1.4", "f/2.8", "f/8"])), _opt(STRINGS)).map(
        lambda t: f"lens {t[0]}mm{t[1]}{t[2]}"),
    NAMES.map(lambda n: f"lens {n}"),
    st.tuples(NAMES, _opt(STRINGS)).map(lambda t: f"rig {t[0]}{t[1]}"),
    st.just("shutter 180deg"), st.just("fps 24fps"), st.just("aperture f/4"),
    STRINGS.map(lambda s: f"filter {s}"), STRINGS.map(lambda s: f"body {s}"),
    st.sampled_from(["focus shallow", "focus deep"]), NAMES.map(lambda n: f"focus on {n}"),
    st.tuples(_opt(TIMING, ""), st.sampled_from(["pan left", "tilt up", "roll right", "orbit", "orbit left"]),
              _opt(ANGLE), _opt(SECONDS, " over "), _opt(STRING)).map(
        lambda t: (t[0] + " " if t[0] else "") + t[1] + t[2] + t[3] + t[4]),
    st.tuples(_opt(TIMING, ""), st.sampled_from(["push in", "pull out"]), _opt(NAMES, " from "), _opt(NAMES, " to "),
              _opt(SECONDS, " over ")).map(lambda t: (t[0] + " " if t[0] else "") + "".join(t[1:])),
    st.tuples(st.sampled_from(["zoom in", "zoom out"]), _opt(st.sampled_from(["2x", "1.5x"]))).map("".join),
    st.tuples(st.sampled_from(["track", "rack-focus"]), STRING, _opt(SECONDS, " over ")).map(
        lambda t: f"{t[0]} {t[1]}{t[2]}"),
    st.tuples(_opt(TIMING, ""), _opt(SECONDS, " over ")).map(lambda t: (t[0] + " " if t[0] else "") + "hold" + t[1]),
    STRINGS,
)
LIGHT_LINE = st.one_of(
    st.tuples(st.sampled_from(["key", "fill", "rim", "back", "practical", "ambient", "bounce", "negative"]),
              _opt(STRINGS), _opt(NAMES, " from "), _opt(st.sampled_from(["3200K", "5600K"])), _opt(NAMES)).map("".join),
    st.sampled_from(["quality soft", "quality hard", "quality diffuse"]),
    STRINGS,
)
LAYER_LINE = st.one_of(st.tuples(st.sampled_from(["foreground", "midground", "background"]), STRINGS).map(" ".join), STRINGS)
SPOKEN = st.tuples(_opt(SECONDS.map(lambda s: f"at {s}"), ""), NAMES,
                   _opt(st.lists(st.one_of(NAMES, STRING), min_size=1, max_size=3).map(lambda w: "(" + ", ".join(w) + ")")),
                   STRINGS).map(lambda t: (t[0] + " " if t[0] else "") + t[1] + (" " + t[2] if t[2] else "") + ": " + t[3])
SOUND_LINE = st.one_of(
    st.tuples(_opt(TIMING, ""), st.sampled_from(["ambient", "sfx", "music", "cue"]), STRINGS).map(
        lambda t: (t[0] + " " if t[0] else "") + t[1] + " " + t[2]),
    STRINGS,
)
BEAT_LINE = st.one_of(st.tuples(RANGE, STRINGS).map(" ".join), STRINGS, SPOKEN, SOUND_LINE,
                      _opt(SECONDS).map(lambda s: "pause" + s))


def block(header: str, lines) -> st.SearchStrategy:
    return st.lists(lines, min_size=1, max_size=4).map(lambda ls: [(0, header)] + [(1, line) for line in ls])


def lines_of(strategy) -> st.SearchStrategy:
    return strategy.map(lambda line: [(0, line)])


SIMPLE_STATEMENT = st.one_of(
    NAMES.map(lambda n: f"model {n}"),
    st.sampled_from(["size 1280x720", "size 720x1280"]),
    SECONDS.map(lambda s: f"duration {s}"),
    STRINGS,
    STRINGS.map(lambda s: f"setting {s}"), NAMES.map(lambda n: f"setting {n}"),
    st.lists(LIST_NAMES, min_size=1, max_size=3).map(lambda ns: "cast " + ", ".join(ns)),
    st.lists(LIST_NAMES, min_size=1, max_size=3).map(lambda ns: "props " + ", ".join(ns)),
    st.tuples(st.sampled_from(["mood", "physics", "avoid", "atmosphere", "style"]), STRINGS).map(" ".join),
    NAMES.map(lambda n: f"palette {n}"), NAMES.map(lambda n: f"style {n}"),
    STRING.map(lambda s: f"reference {s}"), NAMES.map(lambda n: f"reference last frame of {n}"),
    st.sampled_from(["speed 0.25x", "speed 2x", "loop short", "loop long", "takes 3"]),
    st.tuples(STRING, _opt(st.sampled_from(["top", "bottom-left", "center"])), _opt(TIMING),
              st.sampled_from(["", " in-frame"])).map(lambda t: "overlay " + "".join(t)),
)
CUT_STATEMENT = st.one_of(
    lines_of(STRINGS), lines_of(STRINGS.map(lambda s: f"setting {s}")),
    block("camera:", CAMERA_LINE), block("lighting:", LIGHT_LINE), block("beats:", BEAT_LINE),
    block("dialogue:", st.one_of(SPOKEN, SECONDS.map(lambda s: f"pause {s}"))), block("sound:", SOUND_LINE),
    block("layers:", LAYER_LINE),
)
STATEMENT = st.one_of(
    lines_of(SIMPLE_STATEMENT),
    CUT_STATEMENT,
    st.tuples(RANGE, _opt(STRING), st.lists(CUT_STATEMENT, min_size=1, max_size=3)).map(
        lambda t: [(0, f"cut {t[0]}{t[1]}:")] + [(depth + 1, line) for group in t[2] for depth, line in group]),
    st.tuples(NAMES, st.lists(lines_of(SIMPLE_STATEMENT), min_size=1, max_size=3)).map(
        lambda t: [(0, f"variant {t[0]}:")] + [(depth + 1, line) for group in t[1] for depth, line in group]),
)
SHOT = st.tuples(NAMES, _opt(NAMES, " from "), st.lists(STATEMENT, min_size=1, max_size=6)).map(
    lambda t: [(0, f"shot {t[0]}{t[1]}:")] + [(depth + 1, line) for group in t[2] for depth, line in group])
PROGRAM = st.lists(SHOT, min_size=1, max_size=3)


def render(program, indent: str = "    ", newline: str = "\n", blank_every: int = 0, comments: bool = False) -> str:
    out = []
    count = 0
    for shot in program:
        for depth, line in shot:
            count += 1
            if blank_every and count % blank_every == 0:
                out.append("")
            out.append(indent * depth + line + (" // note" if comments else ""))
    return newline.join(out) + newline


@fuzz(200)
@given(PROGRAM)
def test_generated_programs_parse_cleanly_and_the_same_way_twice(program):
    text = render(program)
    first, diagnostics = parse(SourceFile("gen.shot", text))
    assert [(d.code, d.message, d.span.line) for d in diagnostics] == [], text
    assert len(first.decls) == len(program)
    second, _ = parse(SourceFile("gen.shot", text))
    assert first == second


@fuzz(60)
@given(PROGRAM, st.sampled_from(["  ", "    ", "\t"]), st.sampled_from(["\n", "\r\n"]), st.integers(0, 4), st.booleans())
def test_layout_does_not_change_the_ast(program, indent, newline, blank_every, comments):
    canonical, _ = parse(SourceFile("gen.shot", render(program)))
    module, diagnostics = parse(SourceFile("gen.shot", render(program, indent, newline, blank_every, comments)))
    assert module == canonical
    assert all(d.code == "E103" for d in diagnostics)  # only tab indentation is reported
    assert bool(diagnostics) == (indent == "\t")


# ---- programs drawn from the grammar itself -------------------------------------------------------


def _grammar_programs():
    """Programs from `hypothesis.extra.lark.from_lark`. The post-lexer's
    `_INDENT`/`_DEDENT` are drawn as marker characters and turned into real
    indentation afterwards; every terminal gets an explicit strategy padded with
    spaces so neighbouring tokens never run together."""
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = Lark(resources.grammar_text(), parser="lalr", lexer="contextual")
    explicit = {t.name: st.just(f" {t.pattern.value} ") for t in grammar.terminals if t.pattern.type == "str"}
    explicit.update({
        "_INDENT": st.just("\x01"), "_DEDENT": st.just("\x02"), "_NL": st.just("\n"), "WS": st.just(" "),
        "NAME": NAMES.map(lambda n: f" {n} "),
        "STRING": STRING.map(lambda s: f" {s} "),
        "LONG_STRING": st.sampled_from(['"""one line"""', '"""with "quotes" inside"""']).map(lambda s: f" {s} "),
        "QUANTITY": st.sampled_from(["4s", "30deg", "30°", "#ff00aa", "$0.10", "1280x720", "3", "500ms", "50mm",
                                     "f/2.8", "5600K", "70%", "24fps", "2x", "1.5"]).map(lambda s: f" {s} "),
    })

    def layout(raw: str) -> str:
        out, depth = [], 0
        for line in raw.split("\n"):
            while line and line[0] in "\x01\x02 ":
                depth += {"\x01": 1, "\x02": -1, " ": 0}[line[0]]
                line = line[1:]
            out.append("    " * depth + line if line.strip() else "")
        return "\n".join(out)

    return from_lark(grammar, explicit=explicit).map(layout)


GRAMMAR_PROGRAMS = _grammar_programs()


@fuzz(150)
@given(GRAMMAR_PROGRAMS)
def test_programs_from_the_grammar_parse(text):
    module, diagnostics = parse_safely(text)
    # The grammar takes free-order arguments on moves, lighting lines and
    # overlays; the builder reports arguments that fit no slot. Nothing else.
    leftovers = [d for d in diagnostics if not (d.code == "E101" and d.message.startswith("unexpected `"))]
    assert leftovers == [], text
    if not diagnostics:
        assert parse(SourceFile("fuzz.shot", text))[0] == module


@pytest.mark.parametrize("text", [SNIPPETS, EXAMPLE], ids=["snippets", "example"])
def test_every_prefix_of_a_valid_program_parses_without_raising(text):
    step = max(1, len(text) // 150)
    for end in range(0, len(text) + 1, step):
        parse_safely(text[:end])
