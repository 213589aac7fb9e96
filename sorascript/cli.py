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


_hard_exit = False  # set by a short-lived command: skip the interpreter's teardown


def _end_now(code: int) -> None:
    """Exit at once, output flushed: every file a command writes is closed by
    then, and no thread of ours is running (mypy ends the same way)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _short_lived() -> None:
    """A command that reads, checks and exits: the cyclic garbage collector
    is off for its life, and the process ends without freeing its objects one
    by one (`main`). What it makes lives until the end anyway; the collector's
    passes over a large film's tree, and freeing it, cost more than its memory."""
    import gc

    global _hard_exit
    gc.disable()
    _hard_exit = True


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
    _short_lived()
    from sorascript import driver
    from sorascript.diagnostics.render import render_human, render_json, render_short

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
    _short_lived()
    from sorascript import driver
    from sorascript.diagnostics.render import render_human

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


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="The project folder to create or fill (default: here).",
                                  show_default=False),
    model: Optional[str] = typer.Option(None, "--model", "-m", metavar="NAME",
                                        help="The model to write for (default: wan-2.2-t2v-a14b); any model of the prelude."),
) -> None:
    """Start a project: a sorac.toml whose defaults name the model, and a
    film.shot (a character, a palette, two shots in a sequence) that checks
    clean on it."""
    from sorascript.starter import DEFAULT_MODEL, prelude_models, starter
    from sorascript.suggest import closest

    models = prelude_models()
    name = model or DEFAULT_MODEL
    if name not in models:
        near = closest(name, list(models))
        hint = f"; did you mean `{near}`?" if near else ""
        _fail(f"no model `{name}` in the standard library{hint} (it has: {', '.join(models)})")
    made = starter(name, models[name])
    if folder.exists() and not folder.is_dir():
        _fail(f"{folder} is a file, not a folder")
    taken = [path for path in made.files if (folder / path).exists()]
    if taken:
        _fail(f"{folder / taken[0]} already exists; sorac init writes only new files (nothing was written)")
    try:
        for relative, data in made.files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(data)
            partial.replace(target)  # a file appears whole or not at all
    except OSError as error:
        _fail(f"cannot write in {folder}: {error.strerror or error}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    for relative in made.files:
        _say(f"wrote {folder / relative}", err=True)
    _say(f"next: {where}sorac check film.shot, then sorac render film.shot (offline animatics until "
         f"sorac.toml names your server)", err=True)


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



# ---- render, assemble, export ------------------------------------------------------------------

EMBEDDED_LATENCY_S = 0.5  # the in-process animatic server: a short wait, so that a film renders in seconds
EMBEDDED_SERVER = "sorac-serve (embedded)"  # its name in the journal: its port changes from run to run
RETIRED_HOSTS = ("api.openai.com",)


def _compiled(file: Path):
    """(plan, project root) of a file that compiles; errors printed and exit 1 otherwise."""
    from sorascript import driver
    from sorascript.diagnostics.render import render_human
    from sorascript.files import project_root
    from sorascript.lower.plan_model import Plan, PlanError

    result = driver.compile(file)
    if result.problem:
        _fail(str(result.problem))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.plan is None:
        shown = _Shown()
        _write(sys.stderr, render_human(shown.take(errors), result.sources, color=_color(sys.stderr)))
        shown.report()
        _say(f"sorac: {_summary(result.diagnostics)}; nothing rendered", err=True)
        raise typer.Exit(1)
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    if warnings:
        _say(f"sorac: {warnings} warning{'s' if warnings != 1 else ''} (`sorac check {file}` shows them)", err=True)
    try:
        plan = Plan.from_dict(result.plan)
    except PlanError as error:
        _fail(f"the plan cannot be rendered: {error}", 1)
    return plan, project_root(Path(file))


def _settings(root: Path):
    from sorascript.project import ConfigError, load_settings

    try:
        return load_settings(root)
    except ConfigError as error:
        _fail(str(error))


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.2f}"


def _budget(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip().lstrip("$"))
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        _fail(f"--budget takes an amount of dollars such as $20, not {text!r}")
    return value


def _cost_table(rows) -> tuple[float | None, int]:
    """Print what the run would submit; return (the known total of what it spends, jobs of unknown cost)."""
    words = {"cached": "cached", "resume": "known video", "reconcile": "to check", "submit": "to submit"}
    lines = [("job", "kind", "request", "state", "cost")]
    total, unknown = 0.0, 0
    for row in rows:
        request = row.task.fields
        what = " ".join(str(request[k]) for k in ("model", "size") if k in request)
        if "seconds" in request:
            what += f" {request['seconds']}s"
        cost = row.cost_usd if row.spends else 0.0
        if row.spends:
            if row.cost_usd is None:
                unknown += 1
            else:
                total += row.cost_usd
        lines.append((row.task.name, row.task.job.kind, what.strip(), words[row.state],
                      _money(row.cost_usd) if row.spends else "-"))
        del cost
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    for line in lines:
        _say("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip(), err=True)
    spending = sum(r.spends for r in rows)
    shown = _money(total) + (f" + {unknown} job{'s' if unknown != 1 else ''} of unknown cost" if unknown else "")
    _say(f"{spending} of {len(rows)} job{'s' if len(rows) != 1 else ''} to submit; known cost {shown}", err=True)
    return total, unknown


def _is_base_url(url: str) -> bool:
    """An http(s) URL with a host, and a port that is a port (`:abc` and
    `:99999` are not)."""
    from urllib.parse import urlparse

    try:
        parts = urlparse(url)
        port = parts.port  # raises ValueError for a port that is not one
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and (port is None or 0 < port < 65536)


def _refuse_retired(base_url: str, rows) -> None:
    """OpenAI's own endpoint no longer renders its retired models: say so before sending anything."""
    from urllib.parse import urlparse

    if (urlparse(base_url).hostname or "").lower() not in RETIRED_HOSTS:
        return
    retired = [(r.task.job.request.get("model"), r.task.job.retired) for r in rows if r.task.job.retired]
    if not retired:
        return
    models = ", ".join(sorted({str(m) for m, _ in retired}))
    date = sorted({d for _, d in retired})[0]
    _fail(f"{models} {'was' if ', ' not in models else 'were'} retired on {date}: OpenAI's hosted Videos API no "
          "longer renders them; render on a self-hosted server that speaks the same API (SGLang Diffusion, "
          "vLLM-Omni) with --server URL, or leave --server out to render animatics on the built-in server")


class _Display:
    """The renderer's events, drawn: a live table on a terminal (rich), plain lines otherwise."""

    QUIET = ("progress", "downloading", "submitting", "sequence-stitching")

    def __init__(self, live: bool) -> None:
        import threading
        import time

        self.live = None
        self.running: dict[str, list] = {}  # name -> [status, progress, started]
        self._time = time.monotonic
        self._lock = threading.Lock()
        if live:
            from rich.console import Console
            from rich.live import Live

            self.console = Console(stderr=True)
            self.live = Live(self, console=self.console, refresh_per_second=8, transient=True)

    def __enter__(self) -> "_Display":
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.stop()

    def __rich__(self):
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        with self._lock:
            items = list(self.running.items())
        now = self._time()
        for name, (status, progress, started) in items:
            table.add_row(name, status, f"{progress}%" if progress is not None else "", f"{now - started:.0f}s")
        return table

    def line(self, text: str) -> None:
        if self.live is not None:
            self.live.console.print(text, markup=False, highlight=False)
        else:
            _say(text, err=True)

    def __call__(self, event) -> None:
        with self._lock:
            if event.kind in ("done", "failed", "skipped") or event.kind.startswith("sequence-"):
                self.running.pop(event.name, None)
            elif event.kind not in ("note",):
                entry = self.running.setdefault(event.name, [event.status or event.kind, None, self._time()])
                entry[0] = event.status or event.kind
                if event.progress is not None:
                    entry[1] = event.progress
        if event.kind in self.QUIET:
            return
        text = {
            "cached": "from the cache",
            "resumed": f"resuming video {event.video_id}",
            "reconciled": f"{event.message} ({event.video_id})",
            "submitted": f"submitted as {event.video_id}",
            "retry": event.message,
            "done": f"done in {event.elapsed_s:.1f}s",
            "failed": f"FAILED: {event.message}",
            "skipped": event.message,
            "note": event.message,
            "sequence-done": f"sequence stitched: {event.message}",
            "sequence-failed": f"sequence FAILED: {event.message}",
            "sequence-skipped": f"sequence {event.message}",
        }.get(event.kind, event.kind)
        self.line(f"{event.name}: {text}")


def _report(summary, session) -> None:
    """The summary table: job, status, seconds, cost, file; then the sequences."""
    lines = [("job", "status", "seconds", "cost", "file / reason")]
    for task in session.tasks:
        outcome = summary.outcomes[task.name]
        where = session.layout.relative(session.layout.clip(task.name)) if outcome.status == "done" else (outcome.reason or "")
        status = outcome.status + (" (cached)" if outcome.from_cache and outcome.status == "done" else "")
        lines.append((task.name, status, f"{outcome.seconds:.1f}", _money(task.cost_usd), where))
    for name, (status, detail) in summary.sequences.items():
        lines.append((name, f"sequence {status}", "", "", detail or ""))
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for line in lines:
        _say("  ".join([*(c.ljust(w) for c, w in zip(line[:4], widths)), line[4]]).rstrip(), err=True)
    done = sum(o.status == "done" for o in summary.outcomes.values())
    _say(f"{done} of {len(summary.outcomes)} job{'s' if len(summary.outcomes) != 1 else ''} done, "
         f"{summary.submitted} submitted in this run; record {session.layout.relative(summary.record)}", err=True)


@app.command()
def render(
    file: Path = typer.Argument(..., help="The .shot file to render.", show_default=False),
    server: List[str] = typer.Option([], "--server", metavar="URL",
                                     help="The Videos API base URL, e.g. http://127.0.0.1:30010/v1. Default: "
                                          "OPENAI_BASE_URL, else [render] server, else the built-in animatic server.",
                                     show_default=False),
    out: Optional[str] = typer.Option(None, "--out", metavar="DIR",
                                      help="The renders folder, inside the project (default: out in sorac.toml's render table, else renders)."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", metavar="N", min=1, max=64,
                                              help="Jobs at once (default: concurrency in sorac.toml's render table, else 4)."),
    budget: Optional[str] = typer.Option(None, "--budget", metavar="$N",
                                         help="Render without asking when the known total is within $N."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Render without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the jobs, their cost and the exact requests; send nothing."),
    only: List[str] = typer.Option([], "--only", metavar="NAME",
                                   help="Render only this job or sequence and what it needs (repeatable).",
                                   show_default=False),
    timeout: float = typer.Option(1800.0, "--timeout", metavar="S", min=1,
                                  help="Give up on a job after S seconds (a rerun picks it up again)."),
) -> None:
    """Compile FILE, submit its jobs to a Videos API server, poll, download, and stitch its sequences.
    Outputs go to renders/STEM/ (JOB.mp4, SEQUENCE.mp4, render.json). Exit 0 when every job is done,
    1 when one failed, 2 on a usage or I/O error."""
    import json

    from sorascript.render.session import SelectionError, Session
    from sorascript.render.tasks import TaskError, describe

    plan, root = _compiled(file)
    settings = _settings(root)
    if len(server) > 1:
        _fail("--server takes one URL (spreading jobs over several servers is not supported yet)")
    base_url = (server[0] if server else None) or os.environ.get("OPENAI_BASE_URL") or settings.server
    if base_url is not None and not _is_base_url(base_url):
        _fail(f"--server takes a base URL such as http://127.0.0.1:30010/v1, not {base_url!r}")
    max_spend = _budget(budget)
    try:
        session = Session(plan, root, server_key=base_url.rstrip("/") if base_url else EMBEDDED_SERVER,
                          out=out or settings.out, only=only, animatic=base_url is None)
    except (SelectionError, TaskError, ValueError) as error:
        _fail(str(error))
    from sorascript.render.assembly import format_problems

    problems = format_problems(plan, session.sequences)
    if problems:
        for problem in problems:
            _say(f"sorac: error: {problem}", err=True)
        raise typer.Exit(1)
    rows = session.preview()
    if base_url is not None:
        _refuse_retired(base_url, rows)
    total, unknown = _cost_table(rows)
    if dry_run:
        for row in rows:
            if row.state != "cached":
                _write(sys.stdout, json.dumps(describe(row.task), indent=2, ensure_ascii=False) + "\n")
        _say("dry run: nothing sent", err=True)
        return
    spends = any(r.spends for r in rows)
    covered = max_spend is not None and not unknown and total <= max_spend + 1e-9
    if spends and not yes and not covered:
        if max_spend is not None and not unknown:
            over = f"the known total {_money(total)} is over --budget {_money(max_spend)}"
        elif max_spend is not None:
            over = "--budget covers known costs only, and some jobs' cost is unknown"
        else:
            over = None
        if sys.stdin.isatty() and sys.stderr.isatty():
            if over:
                _say(f"sorac: {over}", err=True)
            if not typer.confirm("Render these jobs?", default=False, err=True):
                _say("sorac: nothing rendered", err=True)
                raise typer.Exit(0)
        else:
            _fail((over + "; " if over else "") + "no terminal to ask: pass --yes to render, or --budget $N to "
                  "render when the known total is within $N")
    embedded = None
    if base_url is not None and any(row.state != "cached" for row in rows):  # all cached: no server needed
        from sorascript.render.client import unreachable

        why = unreachable(base_url)
        if why is not None:
            _fail(f"no server answers at {base_url} ({why}): start it, or point --server, OPENAI_BASE_URL or "
                  "sorac.toml's [render] server at one; nothing was sent")
    if base_url is None:
        from sorascript.serve import AnimaticServer, ServerError, ServerOptions

        embedded = AnimaticServer(ServerOptions(port=0, latency=EMBEDDED_LATENCY_S, state=session.layout.serve_state))
        try:
            embedded.start()
        except ServerError as error:
            _fail(str(error))
        base_url = embedded.base_url
        _say(f"sorac render: no server configured; rendering animatics on the built-in server at {base_url}", err=True)
    try:
        with _Display(sys.stderr.isatty()) as display:
            summary = session.run(base_url, display, concurrency=concurrency or settings.concurrency or 4,
                                  timeout_s=timeout)
    finally:
        if embedded is not None:
            embedded.stop()
    _report(summary, session)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def assemble(
    file: Path = typer.Argument(..., help="The .shot file whose sequences to stitch.", show_default=False),
    out: Optional[str] = typer.Option(None, "--out", metavar="DIR", help="The renders folder (as for render)."),
    only: List[str] = typer.Option([], "--only", metavar="SEQUENCE", help="Stitch only this sequence (repeatable).",
                                   show_default=False),
) -> None:
    """Stitch FILE's sequences again from the clips in renders/STEM/, with their seams sheets;
    nothing is submitted and no server is contacted. Exit 1 when a sequence cannot be stitched."""
    from sorascript.render.session import SelectionError, Session

    plan, root = _compiled(file)
    settings = _settings(root)
    try:
        session = Session.for_assembly(plan, root, out=out or settings.out, only=only)
    except (SelectionError, ValueError) as error:
        _fail(str(error))
    if not session.sequences:
        _fail(f"{file} has no sequence to assemble", 1)
    summary = session.reassemble(_Display(False))
    failed = [name for name, (status, _) in summary.sequences.items() if status != "done"]
    raise typer.Exit(1 if failed else 0)


@app.command()
def export(
    file: Path = typer.Argument(..., help="The .shot file whose sequences to export.", show_default=False),
    otio: Optional[Path] = typer.Option(None, "--otio", metavar="OUT.otio", help="Write an OpenTimelineIO timeline."),
    fcpxml: Optional[Path] = typer.Option(None, "--fcpxml", metavar="OUT.xml",
                                          help="Write Final Cut Pro 7 XML (needs the otio-fcp-adapter package)."),
    out: Optional[str] = typer.Option(None, "--out", metavar="DIR", help="The renders folder (as for render)."),
) -> None:
    """Write FILE's sequences as an editor's timeline: rendered clips where they exist, gaps where
    not, transitions, and markers for beats and dialogue lines."""
    from sorascript.render.export import ExportError, export_otio
    from sorascript.render.outputs import Layout

    if otio is None and fcpxml is None:
        _fail("say where to write: --otio OUT.otio and/or --fcpxml OUT.xml")
    plan, root = _compiled(file)
    settings = _settings(root)
    try:
        layout = Layout.of(root, plan.source, out or settings.out)
    except ValueError as error:
        _fail(str(error))
    rendered = {}
    for job in plan.jobs:
        for take in range(1, job.takes + 1):
            path = layout.clip(job.output_name(take))
            if path.is_file():
                rendered[job.output_name(take)] = path
    for target, adapter in ((otio, None), (fcpxml, "fcp_xml")):
        if target is None:
            continue
        try:
            export_otio(plan.as_dict(), rendered, target, adapter=adapter, root=root)
        except ExportError as error:
            _fail(str(error))
        except OSError as error:
            _fail(f"cannot write {target}: {error.strerror or error}")
        _say(f"wrote {target} ({len(plan.sequences)} sequence{'s' if len(plan.sequences) != 1 else ''}, "
             f"{len(rendered)} rendered clip{'s' if len(rendered) != 1 else ''})", err=True)


def main() -> None:
    import gc

    gc.enable()  # off while the modules loaded (`__main__`); short commands turn it off again
    try:
        app(prog_name="sorac")
    except SystemExit as done:
        if _hard_exit and (done.code is None or isinstance(done.code, int)):
            _end_now(done.code or 0)
        raise
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
