"""The `sorac` command line: the only module that prints or exits."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from sorascript import __version__

app = typer.Typer(
    name="sorac",
    help="SoraScript compiler: check .shot shot lists and lower them to Videos API plans.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


class CheckFormat(str, Enum):
    human = "human"
    short = "short"
    json = "json"


# ---- output -----------------------------------------------------------------------
MAX_SHOWN = 200  # diagnostics printed in human or short form per run; JSON has them all
_ASCII = {"…": "...", "—": "--", "–": "-", "°": " deg", "“": '"', "”": '"', "‘": "'", "’": "'", "→": "->", "×": "x"}


def _write(stream, text: str) -> None:
    """Write text; where the stream's encoding cannot say a character (a
    PYTHONIOENCODING of ascii or latin-1), its ASCII form or an escape."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "ascii"
        plain = "".join(_ASCII.get(ch, ch) for ch in text)
        stream.write(plain.encode(encoding, "backslashreplace").decode(encoding))


def _say(text: str, err: bool = False) -> None:
    _write(sys.stderr if err else sys.stdout, text + "\n")


def _version(value: bool) -> None:
    if value:
        _say(f"sorac {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True),
) -> None:
    """SoraScript compiler: check .shot shot lists and lower them to Videos API plans."""


def _fail(message: str, code: int = 2) -> None:
    _say(f"sorac: error: {message}", err=True)
    raise typer.Exit(code)


def _color(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def _options(allow: list[str], deny: list[str]):
    from sorascript.driver import Options
    from sorascript.project import ConfigError
    from sorascript.sema.levels import parse_codes

    try:
        allowed = parse_codes(allow, "sorac", "--allow")
        denied = parse_codes(deny, "sorac", "--deny")
    except ConfigError as error:
        _fail(f"{error.message} (see `sorac explain CODE`)")
    if "warnings" in allowed:
        _fail("--allow takes codes; `warnings` works only with --deny")
    return Options(allowed, denied)


def _short_lived() -> None:
    """A command that reads, checks and exits: the cyclic garbage collector
    is off for its life. What it makes lives until the end anyway, and the
    collector's passes over a large film's tree cost more than its memory."""
    import gc

    gc.disable()


class _Shown:
    """How many diagnostics were printed in this run, to stop at MAX_SHOWN."""

    def __init__(self) -> None:
        self.count = 0
        self.left_out = 0

    def take(self, diagnostics: list) -> list:
        room = max(MAX_SHOWN - self.count, 0)
        self.count += min(room, len(diagnostics))
        self.left_out += max(len(diagnostics) - room, 0)
        return diagnostics[:room]

    def report(self) -> None:
        if self.left_out:
            _say(f"sorac: {self.left_out} more diagnostic{'s' if self.left_out != 1 else ''} not shown "
                 f"(the first {MAX_SHOWN} are above; `--format json` lists every one)", err=True)


def _once_per_run(diagnostics, noted: set[str]) -> list:
    """People need to read that a model is retired once per run, not once per
    file that uses it (short and JSON output keep every one, for tools)."""
    out = []
    for d in diagnostics:
        if d.code == "N001":
            if d.message in noted:
                continue
            noted.add(d.message)
        out.append(d)
    return out


def _summary(diagnostics) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"


@app.command()
def check(
    files: List[Path] = typer.Argument(..., help="The .shot files to check.", show_default=False),
    format: CheckFormat = typer.Option(CheckFormat.human, "--format", "-f", help="How to print diagnostics."),
    allow: List[str] = typer.Option([], "--allow", help="Silence a warning code (repeatable, or CODE,CODE).", show_default=False),
    deny: List[str] = typer.Option([], "--deny", help="Make a warning code, or all `warnings`, an error.", show_default=False),
) -> None:
    """Check .shot files and print their diagnostics. Exit 0 when clean or
    warnings only, 1 on errors, 2 on usage or I/O errors."""
    from sorascript import driver
    from sorascript.diagnostics.render import render_human, render_json, render_short

    _short_lived()
    options = _options(allow, deny)
    results = [driver.check(path, options) for path in files]
    io_failed = False
    everything = []
    out = sys.stdout
    noted: set[str] = set()
    shown = _Shown()
    for result in results:
        if result.problem:
            _say(f"sorac: error: {result.problem}", err=True)
            io_failed = True
            continue
        everything.extend(result.diagnostics)
        if format is CheckFormat.human:
            _write(out, render_human(shown.take(_once_per_run(result.diagnostics, noted)), result.sources, color=_color(out)))
        elif format is CheckFormat.short:
            _write(out, render_short(shown.take(result.diagnostics)))
    if format is CheckFormat.json:
        _write(out, render_json(everything))
    shown.report()
    if format is CheckFormat.human and not io_failed:
        checked = sum(1 for r in results if not r.problem)
        _say(f"{_summary(everything)} in {checked} file{'s' if checked != 1 else ''}", err=True)
    if io_failed:
        raise typer.Exit(2)
    raise typer.Exit(1 if any(d.severity == "error" for d in everything) else 0)


class CompileFormat(str, Enum):
    json = "json"
    prompt = "prompt"


@app.command("compile")
def compile_(
    file: Path = typer.Argument(..., help="The .shot file to compile.", show_default=False),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the plan here instead of stdout."),
    format: CompileFormat = typer.Option(CompileFormat.json, "--format", "-f", help="json: the plan; prompt: the prompts, for people."),
    allow: List[str] = typer.Option([], "--allow", help="Silence a warning code (repeatable, or CODE,CODE).", show_default=False),
    deny: List[str] = typer.Option([], "--deny", help="Make a warning code, or all `warnings`, an error.", show_default=False),
) -> None:
    """Check a .shot file, then lower it to a plan of Videos API requests.
    The plan goes to stdout (or -o); diagnostics go to stderr."""
    from sorascript import driver
    from sorascript.diagnostics.render import render_human

    _short_lived()
    result = driver.compile(file, _options(allow, deny))
    if result.problem:
        _fail(str(result.problem))
    if result.diagnostics:
        shown = _Shown()
        _write(sys.stderr, render_human(shown.take(_once_per_run(result.diagnostics, set())), result.sources,
                                        color=_color(sys.stderr)))
        shown.report()
    if result.plan is None:
        _say(f"sorac: {_summary(result.diagnostics)}; no plan written", err=True)
        raise typer.Exit(1)
    if format is CompileFormat.json:
        def write(stream):
            driver.write_plan(result.plan, stream)
    else:
        def write(stream):
            stream.write(driver.prompts_text(result.plan))
    if output is None or str(output) == "-":
        write(_Stream(sys.stdout))
        return
    try:
        _write_output(output, write)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    _say(f"wrote {output} ({len(result.plan['jobs'])} jobs)", err=True)


class _Stream:
    """A text stream whose writes fall back to ASCII forms (see `_write`)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        _write(self.stream, text)


def _write_output(path: Path, write) -> None:
    """`write(stream)` into `path`. A new path or a regular file is written
    atomically (a temporary file beside it, renamed over it; removed if the
    writing fails), so a reader never sees half a plan; onto a device or a
    FIFO (`-o /dev/stdout`, a pipe), straight through: renaming over a device
    would replace it with a file."""
    import stat
    import tempfile

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a directory")
        with open(path, "w", encoding="utf-8") as handle:
            write(handle)
        return
    folder = path.parent if str(path.parent) else Path(".")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as handle:
        temporary = Path(handle.name)
        try:
            write(handle)
        except BaseException:
            handle.close()
            temporary.unlink(missing_ok=True)
            raise
    temporary.replace(path)


@app.command()
def explain(code: Optional[str] = typer.Argument(None, help="A diagnostic code such as E402 or W101; none lists them all.",
                                                 show_default=False)) -> None:
    """Print the long explanation of a diagnostic code, with an example;
    with no code, list every code with its one-line summary."""
    from sorascript.diagnostics.explain import code_list, explanation

    if code is None:
        _say(code_list().rstrip("\n"))
        return
    text = explanation(code.strip().upper())
    if text is None:
        _fail(f"no such diagnostic code: {code} (codes look like E101, W104, N001)")
    _say(text.rstrip("\n"))


SERVE_DEFAULT_PORT = 8421  # sorascript.serve.DEFAULT_PORT, spelt here so that `sorac check` never imports the server

_FAULT_HELP = (
    "Misbehave for tests (repeatable): KIND[:key=value,...]. KIND: 429 (answer 429 with retry-after), "
    "500, slow (wait before answering), drop (close the connection unanswered), lost (do the request, "
    "then close the connection unanswered). Keys: count=N|all (default 1), after=N (let N pass first), "
    "routes=create+retrieve+... or * (default create; routes are the SDK's method names: create, retrieve, "
    "list, delete, download_content, remix, extend, create_character, get_character), seconds=S (the delay, or "
    "the retry-after; default 1). Examples: --fault 429:count=2,seconds=0.5  --fault lost  "
    "--fault slow:seconds=3,routes=retrieve,count=all"
)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST", help="The address to listen on."),
    port: str = typer.Option(str(SERVE_DEFAULT_PORT), "--port", metavar="N", help="The port; 0 picks a free one."),
    latency: str = typer.Option("2", "--latency", metavar="S",
                                help="Seconds from a job's creation to its completion (queued, then in_progress)."),
    fail_rate: str = typer.Option("0", "--fail-rate", metavar="R",
                                  help="The share of jobs (0 to 1) that end failed, chosen by a hash of --seed and the request."),
    seed: str = typer.Option("0", "--seed", metavar="N", help="The seed of --fail-rate's choice."),
    state: Optional[Path] = typer.Option(None, "--state", metavar="FILE",
                                         help="A SQLite file that keeps the jobs across restarts, with their files in "
                                              "FILE.media beside it. Default: a temporary folder, removed on exit."),
    fault: List[str] = typer.Option([], "--fault", metavar="SPEC", help=_FAULT_HELP, show_default=False),
    fail_prompt: List[str] = typer.Option([], "--fail-prompt", metavar="TEXT",
                                          help="A job whose prompt contains TEXT ends failed (repeatable).",
                                          show_default=False),
    workers: Optional[str] = typer.Option(None, "--workers", metavar="N",
                                          help="How many animatics render at once. Default: one per CPU."),
) -> None:
    """Serve the Videos API on 127.0.0.1, rendering animatics: clips of the requested size and length
    showing the shot's palette, timecode, beats, dialogue and camera moves. Prints its URL, then serves
    until Ctrl-C."""
    import signal
    import time

    from sorascript.serve import AnimaticServer, OptionsError, ServerError, ServerOptions, parse_fault

    def number(text: str, option: str, kind=float):
        try:
            return kind(text)
        except ValueError:
            _fail(f"{option} takes {'a whole number' if kind is int else 'a number'}, not {text!r}")

    try:
        options = ServerOptions(
            host=host, port=number(port, "--port", int), latency=number(latency, "--latency"),
            fail_rate=number(fail_rate, "--fail-rate"), seed=number(seed, "--seed", int),
            fail_prompts=tuple(fail_prompt), state=state, faults=tuple(parse_fault(spec) for spec in fault),
            workers=None if workers is None else number(workers, "--workers", int),
        )
    except OptionsError as error:
        _fail(str(error))
    server = AnimaticServer(options)
    try:
        server.start()
    except ServerError as error:
        _fail(str(error))

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    where = f"state {state}" if state is not None else "temporary state"
    stopped = False
    try:
        typer.echo(f"sorac serve: animatics at {server.base_url} (latency {options.latency:g}s, {where}); Ctrl-C stops")
        while server.running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        stopped = True
    finally:
        server.stop()
    if stopped:
        raise typer.Exit(0)
    _fail("the server stopped unexpectedly", 1)


def main() -> None:
    try:
        app(prog_name="sorac")
    except KeyboardInterrupt:
        _say("sorac: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:  # a bug: exit 3, so that scripts tell a crash from a failed check
        if os.environ.get("SORAC_TRACEBACK"):
            raise
        _say(f"sorac: internal error ({type(error).__name__}: {str(error)[:200]}); this is a bug in sorac: "
             "please report it with the file that caused it (SORAC_TRACEBACK=1 shows where it happened)", err=True)
        sys.exit(3)
