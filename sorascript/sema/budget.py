"""What every job costs, extension limits, sequence transitions, and the budget.

Cost is seconds x the model's price per second for the shot's size, for every
job: each variant, each take, remixes at their source's length, extensions at
their own length. A size the model has no price for makes the cost unknown,
and a budget that cannot then be proven is an error.

An extension's video is its source's with the new seconds stitched on (the
API's `seconds` of the result is the total), so it runs as long as both but
is billed only for what it adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.quantities import dollars, money, seconds, size_text
from sorascript.sema.models import ModelProfile, Size
from sorascript.sema.shot import ResolvedShot
from sorascript.sema.timing import ms
from sorascript.sema.names import sequence_job
from sorascript.sema.views import Job
from sorascript.syntax import ast

# The Videos API's extension limits: each 4-20 s, at most 6 on one
# video, 120 s in all.
EXTENSION_MIN_MS = 4000
EXTENSION_MAX_MS = 20000
MAX_EXTENSIONS = 6
MAX_EXTENDED_MS = 120000


@dataclass(slots=True)
class Media:
    """What a job produces and what it is billed at."""

    duration: int  # ms of video the job makes
    model: ModelProfile | None
    size: Size | None
    takes: int = 1
    billed: int | None = None  # ms billed, when not the whole video (extensions)

    @property
    def per_second(self) -> Decimal | None:
        if self.model is None or self.size is None:
            return None
        return self.model.price_for(self.size)

    @property
    def cost(self) -> Decimal | None:
        price = self.per_second
        if price is None:
            return None
        return Decimal(self.billed_ms) / 1000 * price * self.takes

    @property
    def billed_ms(self) -> int:
        return self.duration if self.billed is None else self.billed


def job_media(jobs: list[Job], shots: dict[str, ResolvedShot]) -> dict[str, Media]:
    """What each job makes. Jobs come sources first, so a remix or extension
    finds its source already worked out (in a cycle, it finds nothing)."""
    media: dict[str, Media] = {}
    nothing = Media(0, None, None)
    for job in jobs:
        if job.kind == "create":
            shot = shots[job.name]
            media[job.name] = Media(shot.duration, shot.model, shot.size, shot.takes)
            continue
        source = media.get(job.source, nothing) if job.source else nothing
        if job.kind == "remix":
            media[job.name] = Media(source.duration, source.model, source.size)
        else:
            added = ms(job.symbol.decl.by) or 0
            media[job.name] = Media(source.duration + added, source.model, source.size, billed=added)
    return media


def check_extensions(jobs: list[Job], media: dict[str, Media]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    by_name = {j.name: j for j in jobs}
    # For each extension, the video it finally extends and its number in the chain (sources come first).
    chain: dict[str, tuple[Job | None, int]] = {}
    for job in jobs:
        if job.kind != "extend":
            continue
        source = by_name.get(job.source) if job.source else None
        if source is not None and source.kind == "extend":
            root, count = chain.get(source.name, (None, 0))
            chain[job.name] = (root, count + 1) if root is not None else (None, 0)
        else:
            chain[job.name] = (source, 1)
        decl: ast.ExtendDecl = job.symbol.decl
        length = ms(decl.by)
        if length is not None and not EXTENSION_MIN_MS <= length <= EXTENSION_MAX_MS:
            if length > EXTENSION_MAX_MS:
                steps = -(-length // EXTENSION_MAX_MS)
                hint = (f"extend in {steps} steps instead, each an `extend` of the one before (e.g. {steps} x "
                        f"{seconds(length // steps)}s), or shorten it")
            else:
                hint = "extend by at least 4s, or add the time to the source shot's `duration` instead"
            diagnostics.append(make(
                "E413", f"an extension of {seconds(length)}s is not allowed; each extension is 4s to 20s", decl.by.span,
                "outside 4s..20s", help=hint,
            ))
        root, count = chain[job.name]
        if root is None:
            continue
        total = media[job.name].duration
        if count > MAX_EXTENSIONS:
            diagnostics.append(make(
                "E414", f"`{job.name}` is extension number {count} of `{root.name}`; a video takes at most {MAX_EXTENSIONS}",
                decl.name.span, "one extension too many", secondary=[Label(root.symbol.decl.name.span, "the video extended")],
                help="stitch separate shots in a `sequence` instead of extending one video further",
            ))
        elif total > MAX_EXTENDED_MS:
            diagnostics.append(make(
                "E414", f"extending `{root.name}` this far makes a {seconds(total)}s video; at most {seconds(MAX_EXTENDED_MS)}s",
                decl.by.span, "past 120s in all", secondary=[Label(root.symbol.decl.name.span, "the video extended")],
                help="stitch separate shots in a `sequence` instead",
            ))
    return diagnostics


def _format(info: Media) -> tuple:
    """A clip's size and frame rate (None where the model does not say)."""
    fps = info.model.fps if info.model is not None else None
    return info.size, fps


def _format_words(size, fps) -> str:
    return size_text(size) + (f" at {fps:g}fps" if fps else "")


def check_formats(decl: ast.SequenceDecl, media: dict[str, Media]) -> Diagnostic | None:
    """E511: a sequence is one format (size and frame rate) unless it says how to conform its clips."""
    if any(isinstance(i, ast.Conform) for i in decl.items):
        return None
    def job(entry) -> str:
        return sequence_job(entry.shot.text, media)[0]

    entries = [e for e in decl.items if isinstance(e, ast.SequenceEntry) and job(e) in media
               and media[job(e)].size is not None]
    if not entries:
        return None
    first = entries[0]
    size, fps = _format(media[job(first)])
    for entry in entries[1:]:
        other_size, other_fps = _format(media[job(entry)])
        if other_size != size or (fps and other_fps and fps != other_fps):
            suggestion = f"conform {size_text(size)} {int(fps or other_fps or 24)}fps"
            return make("E511", f"sequence `{decl.name.text}` mixes formats: `{first.shot.text}` is "
                        f"{_format_words(size, fps)}, `{entry.shot.text}` {_format_words(other_size, other_fps)}",
                        entry.shot.span, _format_words(other_size, other_fps),
                        secondary=[Label(first.shot.span, _format_words(size, fps))],
                        help=["a sequence is stitched in one format: render its shots at one size and frame rate",
                              f"or say how to fit them to one: `{suggestion}` scales each clip to fit and pads it "
                              "with black"])
    return None


def check_sequences(module, media: dict[str, Media]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for decl in module.ast.decls:
        if not isinstance(decl, ast.SequenceDecl):
            continue
        mixed = check_formats(decl, media)
        if mixed is not None:
            diagnostics.append(mixed)
        entries = [i for i in decl.items if isinstance(i, ast.SequenceEntry)]
        for entry in entries:
            job, take = sequence_job(entry.shot.text, media)
            if job != entry.shot.text and job in media and take > media[job].takes:
                count = media[job].takes
                diagnostics.append(make(
                    "E602", f"`{job}` renders {count} take{'s' if count != 1 else ''}: there is no take {take}",
                    entry.shot.span, "no such take",
                    help=f"name a take from 1 to {count}, or give `{job.split('.')[0]}` `takes {take}`"))
        for index, entry in enumerate(entries):
            if entry.transition is None or entry.transition.text != "crossfade" or entry.length is None:
                continue
            length = ms(entry.length)
            if length is None:
                continue
            if index + 1 >= len(entries):
                diagnostics.append(make("E412", "a crossfade after the last shot has nothing to cross into", entry.transition.span,
                                        "nothing follows", help="end a sequence with `fade 1s` (to black) or nothing"))
                continue
            pair = [entry, entries[index + 1]]
            lengths = [media[j].duration for j in (sequence_job(e.shot.text, media)[0] for e in pair) if j in media]
            if len(lengths) == 2 and length >= min(lengths):
                diagnostics.append(make(
                    "E412", f"a {seconds(length)}s crossfade is not shorter than both shots "
                    f"(`{pair[0].shot.text}` {seconds(lengths[0])}s, `{pair[1].shot.text}` {seconds(lengths[1])}s)",
                    entry.length.span, "too long",
                    help=f"a crossfade overlaps the end of one shot and the start of the next: keep it under {seconds(min(lengths))}s "
                    "(0.5-1s reads as a soft transition)",
                ))
    return diagnostics


def check_budget(module, jobs: list[Job], media: dict[str, Media]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    # A size the model does not render at all is already an error (E501): no cost note, no budget check.
    refused = [j for j in jobs if media[j.name].model is not None and media[j.name].size is not None
               and media[j.name].model.sizes is not None and media[j.name].size not in media[j.name].model.sizes]
    refused_names = {j.name for j in refused}
    unknown = [j for j in jobs if media[j.name].cost is None and media[j.name].model is not None and j.name not in refused_names]
    def where(job: Job):
        size = job.view.first(ast.SizeStmt) if job.view is not None else None
        return size.size.span if size is not None else job.span

    # A self-hosted model with no price at all costs what its GPUs cost: its jobs get no note each;
    # a budget still cannot be proven over them (E508 below).
    for job in (j for j in unknown if media[j.name].model.prices):
        info = media[job.name]
        diagnostics.append(make("N002", f"the cost of `{job.name}` is unknown: `{info.model.name}` has no price for "
                                f"{size_text(info.size)}", where(job), "no price band", help=_price_hint(info)))
    budget = next((d for d in module.ast.decls if isinstance(d, ast.Budget)), None)
    if budget is None or budget.amount.kind != "money":
        return diagnostics
    limit = money(budget.amount.text)
    if unknown:
        names = ", ".join(f"`{j.name}`" for j in unknown)
        hint = []
        for model in dict.fromkeys(media[j.name].model for j in unknown):
            priced = [size_text(s) for s in (model.sizes or ()) if model.price_for(s) is not None]
            if priced:
                hint.append(f"`{model.name}` has prices for {', '.join(priced)}")
        hint.append("render at a size the model prices, or " + _price_hint(media[unknown[0].name]).removeprefix("to budget it, "))
        diagnostics.append(make("E508", f"the budget cannot be proven: the cost of {names} is unknown", budget.span,
                                "unproven", secondary=[Label(where(unknown[0]), "cost unknown")], help=hint))
        return diagnostics
    if refused:
        return diagnostics
    # Jobs with no model at all (an unknown source) are errors reported elsewhere.
    total = sum((media[j.name].cost for j in jobs if media[j.name].cost is not None), Decimal(0))
    if total > limit:
        priced = [j for j in jobs if media[j.name].cost is not None]
        ranked = sorted(priced, key=lambda j: (-media[j.name].cost, j.name))[:3]
        lines = [_cost_line(j, media[j.name]) for j in ranked]
        lines.append(f"raise it to `budget {dollars(total)}`, or shorten, drop takes, or move shots to a cheaper model or size")
        diagnostics.append(make("E507", f"the plan costs {dollars(total)}, over the budget of {dollars(limit)}", budget.span,
                                f"{dollars(total - limit)} over", help=lines))
    return diagnostics


def _cost_line(job: Job, info: Media) -> str:
    takes = f" x {info.takes} takes" if info.takes > 1 else ""
    return f"`{job.name}` costs {dollars(info.cost)}: {seconds(info.billed_ms)}s x {dollars(info.per_second)}/s{takes}"


def _price_hint(info: Media) -> str:
    model = info.model
    line = f"`price $N/s for {size_text(info.size)}`"
    if model.decl is not None and _is_std(model):
        return (f"to budget it, declare your own `model {model.name}:` with a {line} line "
                "(a file's own declaration shadows the standard one)")
    return f"to budget it, add a {line} line (or `price $N/s` for every size) to `model {model.name}:`"


def _is_std(model: ModelProfile) -> bool:
    return model.decl.name.span.file.startswith("<std>")
