"""Scaling: does the checker stay linear as inputs grow?

    python bench/scaling.py [--factor 8] [--rows NAME,NAME] [--repeat 3]

For each kind of large input, times `driver.check` at 1x and at FACTORx the
size, in this process (the parse tables warm), and prints the ratio. Linear
work gives about FACTOR; each row must stay at most 10 at 8x. Each time is the
best of `--repeat` runs, as `timeit` takes it: on a shared machine a single
run of the small input varied by half.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sorascript import driver  # noqa: E402


def shots(n: int, accent: str = "") -> str:
    head = 'defaults:\n    size 1280x720\n    duration 4s\n\n'
    body = "".join(f'shot s{i}:\n    "A harbour{accent} at dusk, take {i}."\n    camera:\n        framing wide\n' for i in range(n))
    return head + body


def moves(n: int) -> str:
    lines = "".join(f"        {i * 10}ms..{i * 10 + 10}ms pan left 0.1deg\n" for i in range(n))
    return f'shot s:\n    duration {max(n // 100, 1) + 1}s\n    "A harbour."\n    camera:\n{lines}'


def unknown_names(n: int) -> str:
    people = "".join(f'character person_{i}:\n    "someone number {i}"\n\n' for i in range(n))
    casts = "".join(f'shot s{i}:\n    "A harbour."\n    cast stranger_{i}x\n\n' for i in range(n))
    return people + casts


def pragmas(n: int) -> str:
    lines = "".join("    // sorac: allow W101\n    \"A stunning harbour.\"\n" for _ in range(n))
    return f"shot s:\n    duration 4s\n{lines}"


def comments(n: int) -> str:
    lines = "".join(f"    // a note about the harbour, number {i}\n" for i in range(n))
    return f'shot s:\n    duration 4s\n{lines}    "A harbour."\n'


def extend_chain(n: int) -> str:
    # declared in reverse order: each extension names the one declared after it
    out = ['shot s0:\n    duration 4s\n    "A harbour."\n\n']
    for i in range(n, 0, -1):
        source = f"e{i - 1}" if i > 1 else "s0"
        out.append(f'extend e{i} of {source} by 4s:\n    "The ferry sails on."\n\n')
    return "".join(out)


def from_chain(n: int) -> str:
    out = []
    for i in range(n, 0, -1):
        out.append(f'shot s{i} from s{i - 1}:\n    "Take {i}."\n\n')
    out.append('shot s0:\n    duration 4s\n    "A harbour."\n')
    return "".join(out)


ROWS = {
    "shots": (shots, 1000),
    "shots with one é": (lambda n: shots(n, "é"), 1000),
    "moves in one camera": (moves, 1000),
    "unknown names": (unknown_names, 250),
    "pragma lines": (pragmas, 2000),
    "comment lines": (comments, 2500),
    "extend chain": (extend_chain, 2000),
    "from chain": (from_chain, 1000),
}


def measure(text: str, folder: Path, repeat: int = 1) -> float:
    path = folder / "scale.shot"
    path.write_text(text, encoding="utf-8")
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        driver.check(path)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=8)
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each size; the best is kept")
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        measure(shots(10), Path(folder))  # warm: parse tables, stdlib
        print(f"{'input':<22} {'1x':>7} {'size':>8} {f'{args.factor}x':>8} {'ratio':>6}")
        for name in args.rows.split(","):
            make, size = ROWS[name]
            small = measure(make(size), Path(folder), args.repeat)
            large = measure(make(size * args.factor), Path(folder), args.repeat)
            ratio = large / small
            worst = max(worst, ratio)
            print(f"{name:<22} {small:7.2f}s {size:>6} -> {large:6.2f}s {ratio:6.1f}", flush=True)
    print(f"worst ratio {worst:.1f} (target <= 10 at 8x)")


if __name__ == "__main__":
    main()
