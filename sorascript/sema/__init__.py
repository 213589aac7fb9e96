"""What `sorac check` proves about a program, phase by phase: names and
imports, units and vocabularies, time, model capability, budget, prompt craft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sorascript.diagnostics import Diagnostic, make
from sorascript.sema.budget import Media, check_budget, check_extensions, check_sequences, job_media
from sorascript.sema.capability import CapabilityChecker
from sorascript.project import Settings
from sorascript.sema.checks import check_declarations, check_project_defaults, project_defaults
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
    settings_source: SourceFile | None = None
    jobs: list[Job] = field(default_factory=list)
    shots: dict[str, ResolvedShot] = field(default_factory=dict)  # create jobs by name
    media: dict[str, Media] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, SourceFile]:
        found = {m.source.path: m.source for m in self.program.modules.values()}
        if self.settings_source is not None:
            found[self.settings_source.path] = self.settings_source
        return found


def analyze(source: SourceFile, path: Path, root: Path, settings: Settings | None = None) -> Analysis:
    """Every pass in order; each returns its diagnostics, and they are put together here."""
    program, found = load_program(source, path, root)
    scopes = Scopes(program)
    found += scopes.declarations
    for module in program.modules.values():
        found += check_declarations(scopes, module)
    project = project_defaults(settings) if settings is not None else ()
    if project:
        found += check_project_defaults(scopes, program.main, project)
    jobs, job_problems = build_jobs(Views(scopes, project), program.main)
    found += job_problems + dependency_cycles(jobs)
    analysis = Analysis(program, scopes, settings.source if project else None, jobs)
    resolver = ShotResolver(scopes)
    time = TimeChecker()
    capability = CapabilityChecker(root, scopes)
    anchors_checked: set[int] = set()
    for job in jobs:
        if job.kind != "create":
            continue
        shot, problem = resolver.resolve(job.view)
        if problem is not None:
            found.append(problem)
        analysis.shots[job.name] = shot
        time.check(job.view.stmts, shot.duration, shot.times)
        found += check_anchors(shot, anchors_checked)
        capability.check(shot)
    found += time.diagnostics + capability.diagnostics
    analysis.media = job_media(jobs, analysis.shots)
    found += check_extensions(jobs, analysis.media)
    found += check_sequences(program.main, analysis.media)
    found += check_budget(program.main, jobs, analysis.media)
    from sorascript.sema.lints import lint  # prompt craft, for the declarations that are sound

    found += lint(analysis, [d for d in found if d.severity == "error"])
    analysis.diagnostics = in_order(found, program)
    return analysis


def check_anchors(shot: ResolvedShot, checked: set[int]) -> list[Diagnostic]:
    """A lighting line's anchor names an anchor of the shot's palette (each
    line checked once per palette it is lit with)."""
    diagnostics: list[Diagnostic] = []
    names = {a.name.text: a for a in shot.anchors}
    for stmt in shot.all_stmts():
        if not isinstance(stmt, ast.Lighting):
            continue
        for light in stmt.items:
            if not isinstance(light, ast.Light) or light.anchor is None:
                continue
            key = (id(light), id(shot.palette_items))
            if key in checked:
                continue
            checked.add(key)
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
    return diagnostics


def add_diagnostics(analysis: Analysis, more: list[Diagnostic]) -> None:
    """Diagnostics found after the analysis (those that read the lowered prompts)."""
    analysis.diagnostics = in_order(analysis.diagnostics + more, analysis.program)


def in_order(diagnostics: list[Diagnostic], program: Program) -> list[Diagnostic]:
    """The compiled file first, then by position."""
    main = program.main.source.path
    return sorted(diagnostics, key=lambda d: (d.span.file != main, d.span.file, d.span.start, d.span.end, d.code, d.message))
