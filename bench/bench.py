"""Benchmark: how fast `sorac` is, measured as users run it (whole processes).

    python bench/bench.py [--shots 1000,10000] [--runs 5]

Reports, for generated films of each size:
- `sorac compile` wall seconds (median of runs), MB/s, peak memory (max RSS);
- a bare Lark LALR parse of the same bytes with the same grammar (tree built,
  no AST, no checks), whole process, and the ratio compile / bare parse;
and `sorac check` of a one-shot file against `python -c "import lark, typer"`.
Targets: compile <= 1.0x the bare parse at every size, one-shot check <= 2.0x
the import floor, peak memory <= 300 MB at 10,000 shots.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE.parent / "grammar" / "shot.lark"

HEADER = '''import "std/lenses"
import "std/styles"

character mara:
    "woman in her 30s, dark bob haircut, green raincoat"
    voice "low, calm"

character theo:
    "man in his 40s, grey stubble, navy peacoat"

palette diner:
    crimson #b3122e "red neon"
    cobalt  #1f4fd1 "blue neon"
    amber   #f2a33a "warm overhead light"

defaults:
    model sora-2
    size 1280x720
    style neo-noir

'''

SHOT = '''shot scene_{n}:
    duration {duration}s
    setting "{place}, take {n}"
    "{who} share a booth near window {n}; neon outside paints their faces {colours}."
    cast mara, theo
    camera:
        framing {framing}
        lens {focal}mm f/2.0
        rig handheld "subtle drift, take {n}"
        0s..3s push in from medium to medium-close-up
        3s..4s pan {side} {angle}deg
    lighting:
        key "red neon sign {n}" from camera-right crimson
        fill "blue neon spill {n}" from camera-left 5600K cobalt
        practical "overhead diner lamp {n}" 3200K amber
        quality soft
    palette diner
    beats:
        0s..2s "Mara stares at coffee cup {n}, not meeting his eyes"
        2s..{duration}s "She looks up toward Theo as {event}"
    dialogue:
        mara (quietly): "Back again, {n}?"
        pause 0.5s
        theo: "I always do."
    sound:
        ambient "diner murmur {n}, rain on the window"
        at 1s sfx "coffee cup {n} set on a saucer"

'''

PLACES = ["a dimly lit diner booth at night, rain on the window", "a chrome diner counter at 3 a.m.",
          "a corner booth by the jukebox, wet coats on the hooks", "the diner's back booth, steam from the kitchen"]
EVENTS = ["a truck passes outside", "the jukebox changes record", "the waitress refills his cup", "thunder rolls"]
COLOURS = ["red and blue", "amber and cobalt", "crimson and teal"]


def generate(shots: int) -> str:
    body = [HEADER]
    for n in range(shots):
        body.append(SHOT.format(
            n=n, duration=4 if n % 3 else 8, place=PLACES[n % 4], event=EVENTS[n % 4 - 1], colours=COLOURS[n % 3],
            who=("Mara and Theo", "The two of them", "Mara and her brother Theo")[n % 3],
            framing=("medium-close-up", "medium", "two-shot")[n % 3], focal=(35, 50, 85)[n % 3],
            side=("left", "right")[n % 2], angle=10 + n % 15,
        ))
    names = "\n".join(f"    scene_{n}" for n in range(shots))
    body.append(f"sequence film:\n{names}\n")
    return "".join(body)


def run(argv: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one whole process."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would block the child
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{errors.read().decode()[-4000:]}")
    return elapsed, usage.ru_maxrss * 1024


def measure(argv: list[str], runs: int, **kw) -> tuple[float, int]:
    # From a folder of its own: `python -m` puts the working folder first on
    # sys.path, and from a checkout that would run the source tree, not the install.
    kw.setdefault("cwd", Path(tempfile.gettempdir()))
    run(argv, **kw)  # warm: disk cache
    results = [run(argv, **kw) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


BARE_PARSE = r'''
import sys
from lark import Lark
from lark.indenter import Indenter

class Indent(Indenter):
    NL_type = "_NL"; OPEN_PAREN_types = []; CLOSE_PAREN_types = []
    INDENT_type = "_INDENT"; DEDENT_type = "_DEDENT"; tab_len = 4

grammar, path, cache = sys.argv[1:4]
parser = Lark(open(grammar).read(), parser="lalr", lexer="contextual", postlex=Indent(),
              propagate_positions=True, cache=cache)
tree = parser.parse(open(path, encoding="utf-8").read())
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", default="1000,10000", help="film sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    # `pip install` byte-compiles the package; an editable install (or
    # PYTHONDONTWRITEBYTECODE) may not have, and compiling every module on every
    # run is not what users see. Compile it once, as pip would.
    import sorascript

    subprocess.run([python, "-m", "compileall", "-q", str(Path(sorascript.__file__).parent)], check=True)
    sizes = [int(n) for n in args.shots.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = dict(os.environ)
        rows = []
        for shots in sizes:
            film = work / f"film_{shots}.shot"
            film.write_text(generate(shots), encoding="utf-8")
            runs = args.runs if shots <= 2000 else max(1, args.runs // 2)
            compile_s, compile_rss = measure([python, "-m", "sorascript", "compile", str(film), "-o", str(work / "plan.json")],
                                             runs, env=env)
            bare_s, bare_rss = measure([python, "-c", BARE_PARSE, str(GRAMMAR), str(film), str(work / "bare.cache")], runs, env=env)
            rows.append((shots, film.stat().st_size / 1e6, compile_s, compile_rss, bare_s, bare_rss))
        one = work / "one.shot"
        one.write_text(generate(1), encoding="utf-8")
        check_s, _ = measure([python, "-m", "sorascript", "check", str(one)], args.runs * 2, env=env)
        floor_s, _ = measure([python, "-c", "import lark, typer"], args.runs * 2, env=env)

    worst = 0.0
    for shots, size_mb, compile_s, compile_rss, bare_s, bare_rss in rows:
        print(f"film: {shots} shots, {size_mb:.2f} MB")
        print(f"  sorac compile       {compile_s:7.3f} s   {size_mb / compile_s:6.2f} MB/s   peak {compile_rss / 1e6:6.1f} MB")
        print(f"  bare Lark parse     {bare_s:7.3f} s   {size_mb / bare_s:6.2f} MB/s   peak {bare_rss / 1e6:6.1f} MB")
        print(f"  compile / parse     {compile_s / bare_s:7.2f} x   (target <= 1.0x)")
        worst = max(worst, compile_s / bare_s)
    print(f"sorac check 1 shot  {check_s:7.3f} s")
    print(f"import lark, typer  {floor_s:7.3f} s")
    print(f"check / floor       {check_s / floor_s:7.2f} x   (target <= 2.0x)")
    largest = rows[-1]
    print(f"peak memory         {largest[3] / 1e6:7.1f} MB at {largest[0]} shots  (target <= 300 MB at 10000)")


if __name__ == "__main__":
    main()
