"""The phases run in order for one compiled file: read, parse, check, lower.

The CLI, the language server and the tests all come through here; nothing
here prints or exits.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sorascript.diagnostics import Diagnostic
from sorascript.files import FileProblem, display_path, read_source
from sorascript.source import SourceFile


@dataclass
class Options:
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()  # codes, or "warnings"


@dataclass
class Result:
    path: str
    sources: dict[str, SourceFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problem: FileProblem | None = None
    plan: dict | None = None
    prompts: dict[str, str] | None = None  # each create job's prompt, once the program has no errors
    timelines: dict[str, dict] | None = None  # and its timeline

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def _analyze(path: str | Path, options: Options):
    from sorascript.files import project_root
    from sorascript.project import ConfigError, load_settings
    from sorascript.sema import analyze
    from sorascript.sema.levels import Levels, apply_levels, project_levels

    file = Path(path)
    shown = display_path(file) if file.is_absolute() else str(path)
    result = Result(shown)
    source = read_source(file, shown)
    if isinstance(source, FileProblem):
        result.problem = source
        return result, None
    root = project_root(file)
    try:
        settings = load_settings(root)
        levels = project_levels(settings).merged_under(Levels(options.allow, options.deny))
    except ConfigError as error:
        result.problem = FileProblem(error.path, error.message)
        return result, None
    analysis = analyze(source, file, root, settings)
    if not any(d.severity == "error" for d in analysis.diagnostics):
        from sorascript.lower.prompt import shot_lowering
        from sorascript.sema import add_diagnostics
        from sorascript.sema.lints import long_prompts

        result.prompts, result.timelines = shot_lowering(analysis)
        add_diagnostics(analysis, long_prompts(analysis, result.prompts))
    analysis.diagnostics = apply_levels(analysis.diagnostics, analysis.program.modules.values(), levels)
    result.sources = analysis.sources
    result.diagnostics = analysis.diagnostics
    return result, analysis


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused while a file is compiled: nearly
    everything made then lives until the end (the tree, its spans, the plan),
    and the collector's passes over a growing heap were the one part of a
    compile that grew faster than the input."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(path: str | Path, options: Options | None = None) -> Result:
    """Every diagnostic of one file and what it imports."""
    with _collector_paused():
        result, _ = _analyze(path, options or Options())
    return result


def compile(path: str | Path, options: Options | None = None) -> Result:
    """Check, then lower to the plan when there are no errors."""
    with _collector_paused():
        result, analysis = _analyze(path, options or Options())
        if analysis is not None and not result.has_errors:
            from sorascript.lower.plan import build_plan

            result.plan = build_plan(analysis, (result.prompts, result.timelines))
    return result


def plan_json(plan: dict) -> str:
    """The plan as bytes on disk and stdout: stable key order, two-space indent."""
    return "".join(_plan_pieces(plan))


def write_plan(plan: dict, stream) -> None:
    """`plan_json`, written list item by list item: a large film's plan is never
    held twice in memory, as an object and as one long string."""
    for piece in _plan_pieces(plan):
        stream.write(piece)


def _plan_pieces(plan: dict):
    """The plan's JSON text in pieces: each list item is one encoding, indented
    one level further (a JSON string holds no raw line break, so every line
    break in it is the layout's)."""
    yield "{"
    for number, (key, value) in enumerate(plan.items()):
        yield ("," if number else "") + "\n  " + json_text(key) + ": "
        if isinstance(value, list) and value:
            for index, item in enumerate(value):
                yield ("[" if index == 0 else ",") + "\n    " + json_text(_with_own_prompt(item)).replace("\n", "\n    ")
            yield "\n  ]"
        else:
            yield json_text(value).replace("\n", "\n  ")
    yield "\n}\n" if plan else "}\n"


def _with_own_prompt(job):
    """A job as it is written: its prompt a copy made for the writing. orjson
    keeps a UTF-8 copy inside every string outside ASCII it writes, for as long
    as the string lives; the plan's prompts (every one holds a `—`) live to the
    end, and at 10,000 shots those copies took 12 MB. This copy, and the UTF-8
    copy orjson makes of it, go once the job is written."""
    request = job.get("request") if isinstance(job, dict) else None
    prompt = request.get("prompt") if isinstance(request, dict) else None
    if not isinstance(prompt, str) or prompt.isascii():
        return job
    return {**job, "request": {**request, "prompt": prompt.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")}}


def json_text(value) -> str:
    """`value` as JSON with a two-space indent, keys in their order, text as it
    is (not \\u-escaped). orjson writes it (the standard library indents in
    Python, a tenth of its speed); what orjson does not take (a whole number
    past 64 bits) the standard library writes, in the same layout."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        import json

        return json.dumps(value, indent=2, ensure_ascii=False)


def prompts_text(plan: dict) -> str:
    """The plan's prompts for people to read (`sorac compile --format prompt`)."""
    blocks = []
    for job in plan["jobs"]:
        request = job["request"]
        facts = [job["kind"]]
        if "model" in request:
            facts += [request["model"], request["size"]]
        if "num_frames" in request and request.get("fps"):  # the clip's real length, not the whole seconds sent
            facts.append(f"{request['num_frames']} frames at {request['fps']} fps")
        elif "seconds" in request:
            facts.append(f"{request['seconds']}s")
        if job.get("takes"):
            facts.append(f"{job['takes']} takes")
        if job["cost_usd"] is not None:
            facts.append(f"${job['cost_usd']:.2f}")
        if job["after"]:
            facts.append("after " + ", ".join(job["after"]))
        header = f"=== {job['name']} ({', '.join(facts)}) ==="
        negative = f"Negative prompt: {request['negative_prompt']}\n" if request.get("negative_prompt") else ""
        blocks.append(f"{header}\n{request['prompt']}{negative}")
    return "\n".join(blocks)
