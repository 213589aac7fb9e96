"""Shots as they will be rendered, and the jobs a program compiles to.

A shot's statements are its file's `defaults:`, then its `from` base's, then
its own; a statement or block of a kind replaces every inherited one of that
kind (a `param` only the inherited `param` of its name). A `variant` applies the same rule on top of its shot. Variants are not
inherited through `from` or `defaults:`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sorascript.diagnostics import Label, make
from sorascript.sema.graph import walk
from sorascript.sema.scope import JOB_KINDS, Scopes, Symbol
from sorascript.source import Span
from sorascript.syntax import ast


def _kind(stmt) -> str:
    """What a statement replaces: every inherited one of its kind; a `param`
    only the inherited `param` of its name."""
    return f"param {stmt.name.text}" if isinstance(stmt, ast.Param) else stmt.KIND


def override(base: tuple, own: tuple) -> tuple:
    kinds = {_kind(s) for s in own}
    return tuple(s for s in base if _kind(s) not in kinds) + tuple(_keeping_the_location(s, base) for s in own)


def _keeping_the_location(stmt, base: tuple):
    """A `setting "…"` over an inherited `setting LOCATION` says where, in its own
    words; the location's time and weather still hold (the lowering drops one the
    shot's words contradict)."""
    if not isinstance(stmt, ast.Setting) or stmt.text is None or stmt.location is not None:
        return stmt
    inherited = next((s for s in base if isinstance(s, ast.Setting) and s.location is not None), None)
    return stmt if inherited is None else ast.Setting(stmt.text, inherited.location, stmt.span)


@dataclass(slots=True)  # one a shot: slots, not a dict each
class ShotView:
    """One create job's statements, after defaults, `from` and variant."""

    job: str
    symbol: Symbol
    stmts: tuple
    span: Span  # the shot's (or variant's) header
    variant: ast.Variant | None = None

    @property
    def module(self):
        return self.symbol.module

    def first(self, *classes):
        return next((s for s in self.stmts if isinstance(s, classes)), None)

    def all(self, *classes) -> list:
        return [s for s in self.stmts if isinstance(s, classes)]


@dataclass(slots=True)
class Job:
    name: str
    kind: str  # create remix extend
    symbol: Symbol
    view: ShotView | None = None  # create jobs
    source: str | None = None  # remix/extend: the job they start from
    after: list[str] = field(default_factory=list)
    reference_frame_of: str | None = None  # `reference last frame of X`

    @property
    def span(self) -> Span:
        return self.view.span if self.view is not None else self.symbol.decl.span


class Views:
    """Each shot's effective statements, worked out once per shot. A `from`
    chain is walked iteratively, so a chain of any length is fine."""

    def __init__(self, scopes: Scopes, project: tuple = ()) -> None:
        self.scopes = scopes
        self.project = project  # sorac.toml's [defaults], below every file's own `defaults:`
        self.diagnostics: list = []  # `from` cycles
        self._effective: dict[int, tuple] = {}
        self._defaults: dict[str, tuple] = {}

    def defaults(self, module) -> tuple:
        found = self._defaults.get(module.key)
        if found is None:
            found = ()
            for decl in module.ast.decls:
                if isinstance(decl, ast.DefaultsDecl):
                    found = tuple(s for s in decl.stmts if not isinstance(s, ast.Variant))
                    break
            if not module.is_std:
                found = override(self.project, found)
            self._defaults[module.key] = found
        return found

    def base_of(self, symbol: Symbol) -> Symbol | None:
        decl: ast.ShotDecl = symbol.decl
        if decl.base is None:
            return None
        return self.scopes.find(symbol.module, decl.base, ("shot",))

    def effective(self, symbol: Symbol) -> tuple:
        """The statements of a shot (variants excluded), after defaults and `from`."""
        chain: list[Symbol] = []
        current: Symbol | None = symbol
        on_chain: set[int] = set()
        while current is not None and id(current.decl) not in self._effective:
            if id(current.decl) in on_chain:  # a cycle: its last `from` is cut
                self._report_from_cycle(chain, current)
                self._effective[id(chain[-1].decl)] = self._own(chain[-1], self.defaults(chain[-1].module))
                break
            on_chain.add(id(current.decl))
            chain.append(current)
            current = self.base_of(current)
        for member in reversed(chain):
            if id(member.decl) in self._effective:
                continue
            base = self.base_of(member)
            inherited = self.defaults(member.module)
            if base is not None and id(base.decl) in self._effective:
                inherited = override(inherited, self._effective[id(base.decl)])
            self._effective[id(member.decl)] = self._own(member, inherited)
        return self._effective[id(symbol.decl)]

    @staticmethod
    def _own(symbol: Symbol, inherited: tuple) -> tuple:
        own = tuple(s for s in symbol.decl.stmts if not isinstance(s, ast.Variant))
        return override(inherited, own)

    def _report_from_cycle(self, chain: list[Symbol], closing: Symbol) -> None:
        start = next(i for i, s in enumerate(chain) if s.decl is closing.decl)
        members = chain[start:]
        last = members[-1]
        names = [s.name for s in members] + [closing.name]
        self.diagnostics.append(make(
            "E208", "`from` cycle: " + " from ".join(names), last.decl.base.span, "this `from` closes the cycle",
            secondary=[Label(s.decl.base.span, f"`{s.name}` starts from `{s.decl.base.text}`") for s in members[:-1]],
            help="a shot cannot start from itself, even through other shots; cut the chain at one `from`",
        ))

    def view(self, symbol: Symbol) -> ShotView:
        return ShotView(symbol.name, symbol, self.effective(symbol), symbol.decl.span)

    def variant_views(self, symbol: Symbol) -> list[ShotView]:
        base = self.effective(symbol)
        return [
            ShotView(f"{symbol.name}.{v.name.text}", symbol, override(base, v.stmts), v.span, v)
            for v in symbol.decl.stmts if isinstance(v, ast.Variant)
        ]


def build_jobs(views: Views, main) -> tuple[list[Job], list]:
    """Every job of the compiled file, sources before the jobs that wait on them.

    The main file's shots, variants, remixes and extensions are jobs; a shot
    of an imported file becomes a job only when the main file needs it (in a
    sequence, as a remix or extension source, or for its last frame).
    """
    scopes = views.scopes
    queue: list[Symbol] = [s for s in scopes.own[main.key].values() if s.kind in JOB_KINDS]
    for decl in main.ast.decls:
        if isinstance(decl, ast.SequenceDecl):
            for item in decl.items:
                if isinstance(item, ast.SequenceEntry):
                    found = scopes.lookup(main, item.shot.text.split(".", 1)[0])  # a variant's or take's shot
                    if len(found) == 1 and found[0].kind in JOB_KINDS:
                        queue.append(found[0])
    jobs: dict[str, Job] = {}
    seen: set[int] = set()
    for symbol in queue:  # grows while it is walked: dependencies join the end
        if id(symbol.decl) in seen:
            continue
        seen.add(id(symbol.decl))
        for job in _jobs_of(views, symbol):
            jobs.setdefault(job.name, job)
            queue.extend(_dependencies(views, job))
    return _sources_first(list(jobs.values()), jobs), views.diagnostics


def _jobs_of(views: Views, symbol: Symbol) -> list[Job]:
    decl = symbol.decl
    if symbol.kind == "shot":
        out = []
        for view in [views.view(symbol), *views.variant_views(symbol)]:
            job = Job(view.job, "create", symbol, view)
            reference = view.first(ast.ReferenceLastFrame)
            if reference is not None:
                module = views.scopes.module_of(reference.shot, symbol.module)
                target = views.scopes.find(module, reference.shot, JOB_KINDS)
                if target is not None:
                    job.reference_frame_of = target.name
                    job.after.append(target.name)
            out.append(job)
        return out
    source = views.scopes.find(symbol.module, decl.source, JOB_KINDS)
    job = Job(symbol.name, symbol.kind, symbol, source=source.name if source else None)
    if source is not None:
        job.after.append(source.name)
    return [job]


def _dependencies(views: Views, job: Job) -> list[Symbol]:
    out = []
    for name in job.after:
        found = views.scopes.lookup(job.symbol.module, name)
        if len(found) == 1 and found[0].kind in JOB_KINDS:
            out.append(found[0])
    return out


def _waits_on(by_name: dict[str, Job]):
    return lambda name: [(n, None) for n in by_name[name].after if n in by_name]


def _sources_first(jobs: list[Job], by_name: dict[str, Job]) -> list[Job]:
    """A stable topological order; jobs in a dependency cycle keep their place."""
    return [by_name[name] for name in walk([j.name for j in jobs], _waits_on(by_name))]


def dependency_cycles(jobs: list[Job]) -> list:
    """E209 for each set of jobs that wait on each other."""
    by_name = {j.name: j for j in jobs}
    diagnostics = []

    def cycle(path: list[str], _labels, _label) -> None:
        diagnostics.append(_cycle_diagnostic([by_name[n] for n in path], by_name[path[-1]], path[0]))

    walk([j.name for j in jobs], _waits_on(by_name), cycle)
    return diagnostics


def _edge_span(job: Job, target: str) -> Span:
    if job.reference_frame_of == target and job.view is not None:
        reference = job.view.first(ast.ReferenceLastFrame)
        return reference.shot.span
    return job.symbol.decl.source.span


def _cycle_diagnostic(cycle: list[Job], closing: Job, target: str):
    names = " -> ".join([j.name for j in cycle] + [target])
    others = []
    for i, job in enumerate(cycle):
        following = cycle[i + 1].name if i + 1 < len(cycle) else target
        if job is not closing:
            others.append(Label(_edge_span(job, following), f"`{job.name}` waits for `{following}`"))
    return make(
        "E209", f"jobs wait on each other: {names}", _edge_span(closing, target), f"`{closing.name}` waits for `{target}`",
        secondary=others,
        help="a shot cannot start from the last frame of a shot that depends on it; render one of them from a still image instead",
    )
