"""What `sorac check` proves about a program, phase by phase: names and
imports, units and vocabularies, time, model capability, budget, prompt craft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sorascript.diagnostics import Diagnostic, make
from sorascript.sema.budget import Media, check_budget, check_extensions, check_sequences, job_media
from sorascript.sema.capability import CapabilityChecker
from sorascript.sema.checks import check_declarations
from sorascript.sema.modules import Program, load_program
from sorascript.sema.scope import Scopes
from sorascript.sema.shot import ResolvedShot, ShotResolver
from sorascript.sema.timing import TimeChecker
from sorascript.sema.views import Job, Views, build_jobs, dependency_cycles
from sorascript.source import SourceFile
from sorascript.syntax import ast
from sorascript.suggest import closest


@dataclass
class Analysis:
    program: Program
    scopes: Scopes
    jobs: list[Job] = field(default_factory=list)
    shots: dict[str, ResolvedShot] = field(default_factory=dict)  # create jobs by name
    media: dict[str, Media] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, SourceFile]:
        return {m.source.path: m.source for m in self.program.modules.values()}


def analyze(source: SourceFile, path: Path, root: Path) -> Analysis:
    program, diagnostics = load_program(source, path, root)
    scopes = Scopes(program)
    for module in program.modules.values():
        check_declarations(scopes, module)
    views = Views(scopes)
    jobs = build_jobs(views, program.main)
    analysis = Analysis(program, scopes, jobs)
    found = diagnostics + dependency_cycles(jobs)
    resolver = ShotResolver(scopes)
    capability = CapabilityChecker(root, scopes, found, set())
    for job in jobs:
        if job.kind != "create":
            continue
        shot = resolver.resolve(job.view)
        analysis.shots[job.name] = shot
        TimeChecker(job.view.stmts, shot.duration, found).run()
        check_anchors(shot, found)
        capability.check(shot)
    analysis.media = job_media(jobs, analysis.shots)
    check_extensions(jobs, analysis.media, found)
    check_sequences(program.main, scopes, analysis.media, found)
    check_budget(program.main, jobs, analysis.media, analysis.shots, found)
    if not any(d.severity == "error" for d in found + scopes.diagnostics):
        from sorascript.sema.lints import lint  # prompt craft matters once the program is sound

        found += lint(analysis)
    analysis.diagnostics = finish(found + scopes.diagnostics, program)
    return analysis


def check_anchors(shot: ResolvedShot, diagnostics: list[Diagnostic]) -> None:
    """A lighting line's anchor names an anchor of the shot's palette."""
    names = {a.name.text: a for a in shot.anchors}
    for stmt in shot.all_stmts():
        if not isinstance(stmt, ast.Lighting):
            continue
        for light in stmt.items:
            if not isinstance(light, ast.Light) or light.anchor is None:
                continue
            anchor = light.anchor
            if anchor.text in names:
                continue
            hint = []
            from sorascript import vocab

            if anchor.text in vocab.DIRECTIONS:
                code = "E201" if shot.anchors else "E212"
                diagnostics.append(make(code, f"`{anchor.text}` stands where a palette anchor goes; a direction needs `from`",
                                        anchor.span, "read as an anchor", help=f"write `from {anchor.text}`"))
                continue
            if not shot.anchors:
                diagnostics.append(make("E212", f"this light names the anchor `{anchor.text}`, but the shot has no palette",
                                        anchor.span, "no palette to look in",
                                        help=hint or ["give the shot a `palette NAME` (or `palette:` block) holding that anchor"]))
                continue
            close = closest(anchor.text, list(names), 0.5)
            if close:
                hint.insert(0, f"did you mean `{close}`?")
            hint.append("anchors here: " + ", ".join(f"`{n}`" for n in names))
            palette = f"palette `{shot.palette_name}`" if shot.palette_name else "the shot's palette"
            diagnostics.append(make("E201", f"unknown anchor `{anchor.text}`: {palette} has no such colour", anchor.span,
                                    "not an anchor of the palette", help=hint))


def add_diagnostics(analysis: Analysis, more: list[Diagnostic]) -> None:
    """Diagnostics found after the analysis (those that read the lowered prompts)."""
    analysis.diagnostics = finish(analysis.diagnostics + more, analysis.program)


def finish(diagnostics: list[Diagnostic], program: Program) -> list[Diagnostic]:
    """Drop repeats (a statement inherited by several shots is checked in each)
    and sort: the compiled file first, then by position."""
    unique: dict[tuple, Diagnostic] = {}
    for d in diagnostics:
        key = (d.code, d.span.file, d.span.start, d.span.end, d.message)
        unique.setdefault(key, d)
    main = program.main.source.path
    return sorted(unique.values(), key=lambda d: (d.span.file != main, d.span.file, d.span.start, d.span.end, d.code, d.message))
