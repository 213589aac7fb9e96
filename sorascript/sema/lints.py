"""Prompt-craft lints (W1xx): the prompting guide's common mistakes, found
before anything is spent. Wording and thresholds come from `lints.toml`.

Text lints read the source text of each string, so a diagnostic's span is
exactly the offending words. Shot lints read each create job's statements as
rendered. Only the compiled file is linted, not what it imports.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.sema.craft import Craft
from sorascript.sema.literals import required
from sorascript.sema.names import character_name, words as name_words
from sorascript.sema.timing import cut_windows, seconds, words as count_words
from sorascript.source import SourceFile, Span
from sorascript.syntax import ast

# An opening quotation mark inside a string: an escaped `\"`, or a quote with words right after it (never the
# string's own closing quote).
_QUOTE = r"(?:\\\"|[\"“'‘](?=[^\s\"'”’]))"
_PUNCT = " \t\n,.;:!?\"“”'‘’\\"
_CLAUSE_START = "\"“.;:!?,—–("
_QUOTED = re.compile(r"\s*:?\s*(?:\\\"|[\"“'‘])(.*?)(?:\\\"|[\"”'’])")  # the words after `reads`, in the source


@lru_cache(maxsize=1)
def rules() -> dict:
    with (Path(__file__).resolve().parent / "lints.toml").open("rb") as handle:
        return tomllib.load(handle)


def _compile(pattern: str, **subs: str) -> re.Pattern:
    """A pattern from the table, on word boundaries, case-insensitive."""
    for name, value in subs.items():
        pattern = pattern.replace("{" + name + "}", value)
    return re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", re.I)


def _all(patterns: list[str], **subs: str) -> list[re.Pattern]:
    """One regex for a list of patterns (one search per string, not one per
    pattern); each pattern's `hit` group keeps its own name, `hit0`, `hit1`…"""
    if not patterns:
        return []
    named = [p.replace("(?P<hit>", f"(?P<hit{i}>") for i, p in enumerate(patterns)]
    return [_compile("|".join(f"(?:{p})" for p in named), quote=_QUOTE, **subs)]


def _words(words: list[str]) -> re.Pattern:
    return _compile("|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)))


# How each pattern is built from the table. They are compiled on first use:
# several are large, and most strings never need the ones used only on a match.
_BUILD = {
    "vague": lambda t: _words(t["W101"]["words"]),
    "alone": lambda t: _words(t["W101"]["alone"]),
    "specific": lambda t: _all(["|".join(t["W101"]["specific"])])[0],
    "physics": lambda t: _all(t["W102"]["patterns"]),
    "text": lambda t: _all(t["W103"]["patterns"]),
    "hands": lambda t: _compile(t["W104"]["hands"]),
    "hand_prose": lambda t: _all(t["W104"]["prose"], hands=t["W104"]["hands"]),
    "pair_words": lambda t: _words(sorted({w for pair in t["W105"]["pairs"] for w in pair})),
    "pairs": lambda t: [re.compile("|".join(f"(?:{_pair(a, b, t['W105']['articles']).pattern})"
                                            for a, b in t["W105"]["pairs"]), re.I)],
    "adjectives": lambda t: _words(t["W106"]["adjectives"]),
    # more than `max_stacked_adjectives` adjectives in a row, by commas, "and" or spaces
    "stacked": lambda t: re.compile(
        rf"(?:{pattern('adjectives').pattern}(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]+)){{{t['W106']['max_stacked_adjectives']},}}"
        + pattern("adjectives").pattern, re.I),
    "cut": lambda t: _all(t["W112"]["patterns"]),
    "cut_start": lambda t: _all(t["W112"]["clause_start"]),
    "verbs": lambda t: _words(t["W115"]["verbs"]),
    "joins": lambda t: _words(t["W115"]["joins"]),
}


@lru_cache(maxsize=None)
def pattern(name: str):
    return _BUILD[name](rules())


@lru_cache(maxsize=None)
def exceptions(code: str) -> list[re.Pattern]:
    """The table's `except` phrases of a code: matches inside them do not count."""
    return _all(rules().get(code, {}).get("except", []))


@lru_cache(maxsize=1)
def _filler_words() -> frozenset[str]:
    return frozenset(w.lower() for w in rules()["W101"]["filler"])


class _Corpus:
    """Every string of the file in one text, so that a pattern is searched once
    per file instead of once per string (Python's per-call cost dominated)."""

    SEPARATOR = "\x00"  # not a word character, not space: patterns neither match it nor across it

    def __init__(self, bodies: list[str]) -> None:
        self.joined = self.SEPARATOR.join(bodies)
        lowered = self.joined.lower()
        # Matching lowercase text case-sensitively is several times faster than
        # re.IGNORECASE; it needs the lowered text to keep every offset, and no
        # letter that IGNORECASE matches to another it does not lower to
        # (dotless ı matches "i", long ſ "s"; a test finds all such letters).
        self.lowered = lowered if len(lowered) == len(self.joined) and not _FOLDS_APART.intersection(lowered) \
            else None
        self.starts = []
        offset = 0
        for body in bodies:
            self.starts.append(offset)
            offset += len(body) + 1

    # Below this size, compiling a second, case-sensitive form of a pattern costs
    # more than searching with the first.
    LARGE = 64 * 1024

    def has_any(self, words) -> bool:
        """Whether any of the words (the first word of a phrase) occurs at all: a
        cheap test before a word-list pattern is compiled."""
        text = self.lowered if self.lowered is not None else self.joined.lower()
        return any(word.split()[0].lower() in text for word in words)

    def matching(self, *patterns: re.Pattern) -> list[int]:
        """Indices of the strings holding a match of any of the patterns."""
        found: set[int] = set()
        for compiled in patterns:
            found.update(self.counts(compiled))
        return sorted(found)

    def counts(self, compiled: re.Pattern) -> dict[int, int]:
        """How many matches of the pattern each string holds (strings with none left out)."""
        found: dict[int, int] = {}
        if not self.may_match(compiled):
            return found
        fast = (_case_sensitive(compiled) if self.lowered is not None and len(self.joined) > self.LARGE
                and compiled.flags & re.I else None)
        for match in (fast or compiled).finditer(self.lowered if fast is not None else self.joined):
            index = bisect.bisect_right(self.starts, match.start()) - 1
            found[index] = found.get(index, 0) + 1
        return found

    def may_match(self, compiled: re.Pattern) -> bool:
        """False when none of the strings every match holds (`literals.required`)
        is in the text: a plain search for each is several times faster than the
        pattern's. (Where one is, the pattern is searched for in the whole text:
        narrowing the search to the strings that hold one cost more than it saved.)
        A small file is searched outright: reading a pattern's strings costs more."""
        if len(self.joined) <= self.LARGE:
            return True
        strings = required(compiled) if self.lowered is not None else None
        return strings is None or any(s in self.lowered for s in strings)


# Letters IGNORECASE matches to an ASCII letter they do not lower to.
_FOLDS_APART = frozenset("\u0130\u0131\u017f")


@lru_cache(maxsize=None)
def _case_sensitive(compiled: re.Pattern) -> re.Pattern | None:
    """The pattern without IGNORECASE, for lowercased text; None when it spells
    an uppercase letter itself (it could then never match)."""
    if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P<\w+>", "", compiled.pattern)):
        return None
    return re.compile(compiled.pattern, compiled.flags & ~re.IGNORECASE)


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words that carry no concrete detail when deciding whether a vague word is backed up."""
    table = rules()["W101"]
    return frozenset(w.lower() for w in table["stopwords"] + table["filler"] + table["words"])


def _pair(a: str, b: str, articles: list[str]) -> re.Pattern:
    """`a b` or `b a` side by side, or `ARTICLE a, b` in a comma list."""
    after_article = "(?:" + "|".join(rf"(?<=\b{re.escape(w)}\s)" for w in articles) + ")"
    side = rf"{a}[ \t]+{b}|{b}[ \t]+{a}"
    listed = rf"{after_article}(?:{a},[ \t]*{b}|{b},[ \t]*{a})"
    return _compile(f"{side}|{listed}")


# ---- where the texts are -------------------------------------------------------------


def stmt_texts(stmts, sound: bool = True):
    """The descriptive strings of shot statements (never dialogue, `avoid`, paths or titles);
    without sound lines when `sound` is false."""
    for stmt in stmts:
        yield from STMT_TEXTS[type(stmt)](stmt, sound)


def _text(node, sound=True):
    yield node.text


def _none(node, sound=True):
    """No descriptive text: names, quantities, paths, request fields, or text
    the model must say as written (dialogue, `avoid`)."""
    return ()


def _items(table):
    def texts(block, sound=True):
        for item in block.items:
            yield from table[type(item)](item, sound)
    return texts


def _described(item, sound=True):
    if item.description is not None:
        yield item.description


def _move_texts(item: ast.Move, sound=True):
    yield from (t for t in (item.subject, item.qualifier) if t is not None)


def _sound_text(item, sound=True):
    if sound:
        yield item.text


def _nested(stmt, sound=True):
    yield from stmt_texts(stmt.stmts, sound)


def _setting(stmt: ast.Setting, sound=True):
    if stmt.text is not None:
        yield stmt.text


def _style_block(stmt: ast.StyleBlock, sound=True):
    yield from style_texts(stmt.items)


CAMERA_TEXTS = {
    ast.Prose: _text, ast.Move: _move_texts, ast.Rig: _described, ast.Focus: _described,
    ast.Framing: _none, ast.Angle: _none, ast.Lens: _none, ast.LensPreset: _none, ast.Aperture: _none,
    ast.Shutter: _none, ast.Fps: _none, ast.Filter: _none, ast.Body: _none,
}
LIGHTING_TEXTS = {ast.Prose: _text, ast.Light: _described, ast.Quality: _none}
LAYER_TEXTS = {ast.Layer: _text, ast.Prose: _text}
BEAT_TEXTS = {ast.Beat: _text, ast.Prose: _text, ast.SoundLine: _sound_text, ast.Line: _none, ast.Pause: _none}
DIALOGUE_TEXTS = {ast.Prose: _text, ast.Line: _none, ast.Pause: _none}
SOUND_TEXTS = {ast.SoundLine: _text, ast.Prose: _text}
STMT_TEXTS = {
    ast.Prose: _text, ast.Mood: _text, ast.Physics: _text, ast.Atmosphere: _text, ast.StyleText: _text,
    ast.Setting: _setting, ast.StyleBlock: _style_block,
    ast.Camera: _items(CAMERA_TEXTS), ast.Lighting: _items(LIGHTING_TEXTS), ast.Layers: _items(LAYER_TEXTS),
    ast.Sound: _items(SOUND_TEXTS), ast.Beats: _items(BEAT_TEXTS), ast.Dialogue: _items(DIALOGUE_TEXTS),
    ast.Cut: _nested, ast.Variant: _nested,
    # text-free: request fields, names, paths, and text said as written
    ast.ModelStmt: _none, ast.SizeStmt: _none, ast.DurationStmt: _none, ast.Cast: _none, ast.Props: _none,
    ast.Avoid: _none, ast.PaletteRef: _none, ast.PaletteBlock: _none, ast.StyleRef: _none,
    ast.ReferenceFile: _none, ast.ReferenceLastFrame: _none, ast.Speed: _none, ast.Overlay: _none,
    ast.Loop: _none, ast.Takes: _none, ast.Seed: _none, ast.Param: _none,
}


def style_texts(items):
    for item in items:
        if isinstance(item, (ast.Prose, ast.Film)):
            yield item.text
        elif isinstance(item, ast.Grade):
            yield from (line.text for line in item.items)


def module_texts(decls):
    for decl in decls:
        if isinstance(decl, (ast.ShotDecl, ast.DefaultsDecl)):
            yield from stmt_texts(decl.stmts)
        elif isinstance(decl, (ast.CharacterDecl, ast.LocationDecl)):
            yield from (i.text for i in decl.items if not isinstance(i, ast.Cameo))
        elif isinstance(decl, (ast.PropDecl, ast.ExtendDecl)):
            yield from (i.text for i in decl.items)
        elif isinstance(decl, ast.StyleDecl):
            yield from style_texts(decl.items)
        elif isinstance(decl, ast.SequenceDecl):
            yield from (i.text for i in decl.items if isinstance(i, (ast.Continuity, ast.Prose)))
        elif isinstance(decl, ast.RemixDecl):
            yield from (i.text for i in decl.items if isinstance(i, ast.Prose))


# ---- the linter ----------------------------------------------------------------------------


class Linter:
    """The lints of the compiled file's declarations that have no errors: prompt
    craft matters once a declaration is sound, whatever the others hold."""

    def __init__(self, analysis, errors: list[Diagnostic]) -> None:
        self.analysis = analysis
        self.main = analysis.program.main
        self.source: SourceFile = self.main.source
        self.table = rules()
        self.found: list[Diagnostic] = []
        self.hand_phrases: list[Span] = []  # "close-up of her hands", reported by the text lint
        self._checked: set[tuple] = set()
        self._shot_names: frozenset[str] | None = None
        self._characters = None
        self._adjectives: dict[int, int] = {}  # adjectives in each string of the file, by id
        self._corpus: _Corpus | None = None
        self._corpus_index: dict[int, int] = {}  # a string's place in the corpus, by id
        self._holding: dict[re.Pattern, set[int]] = {}
        # Where the errors are, file by file, to tell a sound declaration from a broken one.
        self._errors: dict[str, list[int]] = {}
        for d in errors:
            self._errors.setdefault(d.span.file, []).append(d.span.start)
        for offsets in self._errors.values():
            offsets.sort()

    def sound(self, span: Span) -> bool:
        """No error lies inside this span."""
        offsets = self._errors.get(span.file)
        if not offsets:
            return True
        index = bisect.bisect_left(offsets, span.start)
        return index == len(offsets) or offsets[index] >= span.end

    def first_time(self, *key) -> bool:
        """Whether this statement has not been linted in this context yet (a
        variant shares its shot's statements)."""
        if key in self._checked:
            return False
        self._checked.add(key)
        return True

    def report(self, code: str, message: str, span: Span, label: str, **extra) -> None:
        extra.setdefault("help", self.table.get(code, {}).get("help", ()))
        self.found.append(make(code, message, span, label, **extra))

    def may_hold(self, text: ast.Str, compiled: re.Pattern) -> bool:
        """False when the pattern matches nowhere in this string of the file: the
        file's strings are searched once per pattern, not once per string. (For a
        fixed pattern of a table: each new pattern costs a search of the file.)"""
        index = self._corpus_index.get(id(text))
        if index is None:
            return True
        holding = self._holding.get(compiled)
        if holding is None:
            holding = self._holding[compiled] = set(self._corpus.matching(compiled))
        return index in holding

    def raw(self, text: ast.Str) -> tuple[str, int] | None:
        """The source characters of a string in the compiled file, and where they start."""
        source, start, end = text.place
        if source is not self.source:
            return None
        return source.text[start:end], start

    def hits(self, code: str, text: ast.Str, found: list[re.Pattern], clause_start: bool = False):
        """(start, end, words, body, begin) of each match in a string: the `hit` group
        where the pattern has one, trimmed of spaces and punctuation, outside the
        code's `except` phrases."""
        raw = self.raw(text)
        if raw is None:
            return
        body, begin = raw
        excepted = None
        for pattern in found:
            for match in pattern.finditer(body):
                if clause_start and body[:match.start()].rstrip()[-1:] not in _CLAUSE_START:
                    continue
                hit = next((n for n, v in match.groupdict().items() if v and n.startswith("hit")), None)
                start, end = match.span(hit) if hit else match.span()
                while start < end and body[start] in _PUNCT:
                    start += 1
                while end > start and body[end - 1] in _PUNCT:
                    end -= 1
                if excepted is None:
                    excepted = [m.span() for p in exceptions(code) for m in p.finditer(body)]
                if start == end or any(s <= start and end <= e for s, e in excepted):
                    continue
                yield start, end, body[start:end], body, begin

    def span(self, begin: int, start: int, end: int) -> Span:
        return self.source.span(begin + start, begin + end)

    def run(self) -> list[Diagnostic]:
        decls = [d for d in self.main.ast.decls if self.sound(d.span)]
        texts = list({id(t): t for t in module_texts(decls)}.values())
        corpus = _Corpus([(self.raw(t) or ("", 0))[0] for t in texts])
        self._corpus, self._corpus_index = corpus, {id(text): index for index, text in enumerate(texts)}
        counted = corpus.counts(pattern("adjectives"))
        self._adjectives = {id(text): counted.get(index, 0) for index, text in enumerate(texts)}
        # Each lint looks closely only at the strings its patterns can match at all.
        table = self.table
        vague = corpus.has_any(table["W101"]["words"] + table["W101"]["alone"])
        for index in corpus.matching(pattern("vague"), pattern("alone")) if vague else ():
            self.vague(texts[index])
        for index in corpus.matching(*pattern("physics")):
            self.phrases("W102", texts[index], pattern("physics"), "impossible physics: `{}`", "the model cannot film this")
        for index in corpus.matching(*pattern("text")):
            self.phrases("W103", texts[index], pattern("text"), "readable text in frame: `{}`", "the model will garble this text")
        for index in corpus.matching(*pattern("hand_prose")):
            self.hand_prose(texts[index])
        pairs = any(corpus.has_any([a]) and corpus.has_any([b]) for a, b in table["W105"]["pairs"])
        for index in corpus.matching(pattern("pair_words")) if pairs else ():
            self.contradictions(texts[index])
        for index in corpus.matching(*pattern("cut"), *pattern("cut_start")):
            self.phrases("W112", texts[index], pattern("cut"), "a scene change written in prose: `{}`", "a cut inside one shot",
                         clause_start=pattern("cut_start"))
        for decl in decls:
            if isinstance(decl, ast.SequenceDecl):
                Craft(self).continuity(decl)
        for job in self.analysis.jobs:
            if job.symbol.module is not self.main or not self.job_sound(job):
                continue
            if job.kind == "create":
                self.shot(job, self.analysis.shots[job.name])
            elif job.kind == "remix":
                self.remix(job.symbol.decl)
        return self.found

    def job_sound(self, job) -> bool:
        """The job's declaration, and every statement it inherits, are free of errors."""
        if not self._errors:
            return True
        if not self.sound(job.symbol.decl.span):
            return False
        return job.view is None or all(self.sound(s.span) for s in job.view.stmts)

    # ---- text lints -------------------------------------------------------------------
    def vague(self, text: ast.Str) -> None:
        groups: list[list] = []
        for hit in sorted(self.hits("W101", text, [pattern("vague")])):
            start, end, _, body, _ = hit
            if groups and re.fullmatch(r"\s*,\s*|\s+and\s+|\s+", body[groups[-1][-1][1]:start]):
                groups[-1].append(hit)
            else:
                groups.append([hit])
        for group in groups:
            (start, _, _, body, begin), end = group[0], group[-1][1]
            if self.specific(body, start, end):
                continue
            words = body[start:end]
            shown = ", ".join(f"`{h[2]}`" for h in group)
            message = f"{shown} {'is' if len(group) == 1 else 'are'} vague: say what makes it so"
            help = self.table["W101"]["help"]["default"].replace("{word}", " ".join(words.split()).lower())
            self.report("W101", message, self.span(begin, start, end), "vague" if len(group) == 1 else f"vague: `{words}`",
                        help=help)
        filler = _filler_words()
        for start, end, word, body, begin in self.hits("W101", text, [pattern("alone")]):
            clause = body[_clause_start(body, start, ",.;:!?\n\"“(—"):_clause_end(body, end, ",.;:!?\n\"”)—")]
            rest = [w for w in re.findall(r"[\w/.'’-]+", clause.lower()) if w.strip(".") and w.strip(".") not in filler]
            if rest or self.specific(body, start, end):
                continue
            self.report("W101", f"`{word}` on its own says nothing specific", self.span(begin, start, end),
                        "vague on its own", help=self.table["W101"]["help"]["alone"])

    def specific(self, body: str, start: int, end: int) -> bool:
        """Whether the sentence around body[start:end] holds a concrete detail: a
        number, a cue from the table, or a proper name just after the words."""
        sentence = body[_clause_start(body, start, ".;:!?\n\"“"):_clause_end(body, end, ".;:!?\n\"”")]
        if re.search(r"\d", sentence) or pattern("specific").search(sentence):
            return True
        table = self.table["W101"]
        common = _common_words()
        content = [w for w in re.findall(r"[a-z][\w'’-]*", sentence.lower()) if w not in common]
        if len(content) >= table["detail_words"]:
            return True
        after = body[end:_clause_end(body, end, ",.;:!?\n\"”")]
        return any(w[0].isupper() for w in re.findall(r"[A-Za-z][\w'’-]*", after)[:4])

    def phrases(self, code: str, text: ast.Str, found: list[re.Pattern], message: str, label: str,
                clause_start: list[re.Pattern] = ()) -> list[tuple[int, int]]:
        """Report each match of any pattern once, the longest where matches overlap."""
        hits = list(self.hits(code, text, found)) + list(self.hits(code, text, clause_start, clause_start=True))
        hits.sort(key=lambda h: (h[0], -h[1]))
        last = -1
        reported = []
        for start, end, words, body, begin in hits:
            if start < last:
                continue
            last = end
            reported.append((start, end))
            span = self.span(begin, start, end)
            quoted = _QUOTED.match(body, end) if code == "W103" else None
            help = self.table[code]["help"]
            if quoted:
                words_shown = quoted.group(1).replace('\\"', '"')
                label_shown = f"{label}: \"{words_shown}\""
            else:
                words_shown, label_shown = "…", label
            self.report(code, message.format(" ".join(words.split())), span, label_shown,
                        help=help.replace("{text}", words_shown))
            if code == "W104":
                self.hand_phrases.append(span)
        return reported

    def hand_prose(self, text: ast.Str) -> None:
        self.phrases("W104", text, pattern("hand_prose"), "a close-up of hands: `{}`", "hands garble up close")

    def contradictions(self, text: ast.Str) -> None:
        raw = self.raw(text)
        if raw is None:
            return
        present = {w.lower() for w in pattern("pair_words").findall(raw[0])}
        if not any(a in present and b in present for a, b in self.table["W105"]["pairs"]):
            return  # the full pattern (with its look-behinds) is slow; most strings hold no pair at all
        for start, end, words, _, begin in self.hits("W105", text, pattern("pairs")):
            a, b = re.split(r"[\s,]+", words)
            self.report("W105", f"contradictory traits: `{words}`", self.span(begin, start, end),
                        f"`{a}` and `{b}` at once", help=f"pick `{a.lower()}` or `{b.lower()}`: "
                        + self.table["W105"]["help"].removeprefix("pick one: "))

    # ---- shot lints ----------------------------------------------------------------------
    def shot(self, job, shot) -> None:
        view = shot.view
        name_span = view.variant.name.span if view.variant is not None else view.symbol.decl.name.span
        label = f"`{job.name}`"
        contexts = [(view.stmts, None)] + [(cut.stmts, cut) for cut, _ in cut_windows(view.stmts, shot.duration)]
        self.hands(contexts)
        self.overloaded(shot, contexts, label)
        for stmts, cut in contexts:
            for block in (s for s in stmts if isinstance(s, ast.Beats)):
                beats = [b for b in block.items if isinstance(b, ast.Beat)]
                limit = self.table["W107"]["max_beats"]
                if len(beats) > limit and self.first_time("W107", id(block)):
                    self.report("W107", f"{len(beats)} beats in {_where(label, cut)}; more than {limit} steps make the model "
                                "struggle", beats[limit].span, f"beat {limit + 1}")
        duration = view.first(ast.DurationStmt)
        if shot.duration >= self.table["W108"]["min_ms"] and duration is not None and self.first_time("W108", id(duration)):
            self.report("W108", f"a {seconds(shot.duration)}s clip drifts: long clips follow the prompt less well",
                        duration.duration.span, f"{seconds(shot.duration)}s")
        statements = list(shot.all_stmts())
        if shot.model is not None and shot.model.audio and not any(_has_sound(s) for s in statements):
            self.report("W109", f"{label} has no sound cue, but `{shot.model.name}` makes sound", name_span, "no sound")
        if not any(isinstance(s, ast.Camera) for s in statements):
            self.report("W110", f"{label} has no `camera:` block", name_span, "no camera")
        if not any(isinstance(s, ast.Lighting) for s in statements):
            self.report("W111", f"{label} has no `lighting:` block", name_span, "no lighting")
        for cut, window in cut_windows(view.stmts, shot.duration):
            length = window.end - window.start
            if 1000 <= length < self.table["W113"]["min_cut_ms"] and self.first_time("W113", id(cut)):
                self.report("W113", f"a {seconds(length)}s cut: faster than one cut per 2s", cut.timing.span, "rapid cut")
        for stmt in statements:
            if isinstance(stmt, ast.Overlay) and stmt.in_frame and self.first_time("W114", id(stmt)):
                self.in_frame(stmt)
        if not shot.style_items:
            self.report("W116", f"{label} has no style", name_span, "no style")
        Craft(self).shot(job, shot, name_span, label)

    def characters(self):
        """The characters the compiled file sees, by how the prompt names them, and
        one pattern that finds any of those names (None when there are none)."""
        if self._characters is None:
            visible = self.analysis.scopes.visible(self.main)
            names = {character_name(s): s for s in visible.values() if s.kind == "character"}
            found = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                               + r")(?![\w-])") if names else None
            self._characters = (names, found)
        return self._characters

    def shot_names(self) -> frozenset[str]:
        """The compiled file's shots, remixes and extensions, as words in small letters
        (the names W123 looks for); names under four letters are too often plain words."""
        if self._shot_names is None:
            self._shot_names = frozenset(name_words(j.symbol.name).lower() for j in self.analysis.jobs
                                         if j.symbol.module is self.main and len(j.symbol.name) >= 4)
        return self._shot_names

    def hands(self, contexts) -> None:
        close = set(self.table["W104"]["framings"])

        def framing_of(stmts):
            framing = None
            for stmt in stmts:
                if isinstance(stmt, ast.Camera):
                    for item in stmt.items:
                        if isinstance(item, ast.Framing) and item.name.text in close:
                            framing = item.name
                        elif isinstance(item, ast.Move) and item.to_framing is not None and item.to_framing.text in close:
                            framing = framing or item.to_framing
            return framing

        shot_framing = framing_of(contexts[0][0])
        for stmts, cut in contexts:
            own_camera = any(isinstance(s, ast.Camera) for s in stmts)
            framing = framing_of(stmts) if cut is None or own_camera else shot_framing
            if framing is None:
                continue
            visual = [s for s in stmts if not isinstance(s, (ast.Cut, ast.Variant, ast.Camera, ast.Sound))]
            texts = [t for t in stmt_texts(visual, sound=False)]
            hands = pattern("hands")
            for text in texts:
                if not self.may_hold(text, hands) or not self.first_time("W104", id(text), id(framing)):
                    continue
                for start, end, word, _, begin in self.hits("W104", text, [pattern("hands")]):
                    span = self.span(begin, start, end)
                    if any(h.start <= span.start and span.end <= h.end for h in self.hand_phrases):
                        continue
                    article = "an" if framing.text[0] in "aeiou" else "a"
                    self.report("W104", f"`{word}` in {article} {framing.text} framing: hands garble up close", span,
                                "hands in a close framing", secondary=[Label(framing.span, "close framing")])

    def overloaded(self, shot, contexts, label: str) -> None:
        table = self.table["W106"]
        for stmts, cut in contexts:
            moves = [i for s in stmts if isinstance(s, ast.Camera) for i in s.items
                     if isinstance(i, ast.Move) and i.verb.text != "hold"]
            if len(moves) > table["max_moves"] and self.first_time("W106", id(moves[0])):
                extra = moves[table["max_moves"]:]
                names = ", ".join(f"`{m.verb.text}{' ' + m.direction.text if m.direction else ''}`" for m in extra)
                self.report("W106", f"{len(moves)} camera moves in {_where(label, cut)}", extra[0].span,
                            "one move too many" if len(extra) == 1 else f"{len(extra)} moves too many",
                            help=f"keep {table['max_moves']} moves here and split off {names} into a shot of its own")
        extra = shot.cast[table["max_cast"]:]
        spans = [n.span for s in shot.view.all(ast.Cast) for n in s.names if extra and n.text == extra[0].name]
        if extra and self.first_time("W106", spans[0] if spans else shot.view.span):
            self.report("W106", f"{len(shot.cast)} characters in {label}", spans[0] if spans else shot.view.span,
                        "one character too many", help=f"keep {table['max_cast']} characters here; give "
                        + ", ".join(f"`{c.name}`" for c in extra) + " a shot of their own")
        palette = shot.view.first(ast.PaletteRef, ast.PaletteBlock)
        if len(shot.anchors) > table["max_anchors"] and isinstance(palette, ast.PaletteRef) and self.first_time("W106", id(palette)):
            self.report("W106", f"{len(shot.anchors)} palette anchors in {label}", palette.name.span, "too many colours",
                        help=f"keep the {table['max_anchors']} colours that carry the look; drop "
                        + ", ".join(f"`{a.name.text}`" for a in shot.anchors[table["max_anchors"]:]))
        stacked = pattern("stacked")
        adjectives = pattern("adjectives")
        for text in stmt_texts(shot.view.stmts):
            count = self._adjectives.get(id(text))
            if count is None:  # a string of another file
                raw = self.raw(text)
                count = len(adjectives.findall(raw[0])) if raw is not None else 0
            if count <= table["max_stacked_adjectives"] or not self.first_time("W106", id(text)):
                continue
            for start, end, words, _, begin in self.hits("W106", text, [stacked]):
                count = len(pattern("adjectives").findall(words))
                self.report("W106", f"{count} adjectives stacked: `{words}`", self.span(begin, start, end),
                            "too many adjectives at once",
                            help="the guide: 8-10 adjectives fragment a shot; keep the one or two that matter and "
                            "make them concrete (a colour, a material, a light source)")

    def in_frame(self, overlay: ast.Overlay) -> None:
        raw = self.raw(ast.Str("", overlay.span))
        if raw is None:
            return
        body, begin = raw
        where = body.rfind("in-frame")
        span = self.source.span(begin + where, begin + where + len("in-frame")) if where >= 0 else overlay.span
        self.report("W114", f"`in-frame` asks the model to render \"{overlay.text.value}\"", span, "garbled text likely")

    def remix(self, decl: ast.RemixDecl) -> None:
        lines = [i for i in decl.items if isinstance(i, ast.Prose)]
        if len(lines) > 1:
            self.report("W115", f"remix `{decl.name.text}` asks for {len(lines)} changes, one a line", lines[1].span,
                        "a second change", secondary=[Label(lines[0].span, "first change")])
            return
        verbs = []
        for line in lines:
            for start, end, word, body, begin in self.hits("W115", line.text, [pattern("verbs")]):
                before = body[:start].rstrip()
                if before[-1:] in _CLAUSE_START or re.search(pattern("joins").pattern + r"$", before, re.I):
                    verbs.append((word, self.span(begin, start, end)))
        if len(verbs) > 1:
            shown = ", ".join(f"`{w}`" for w, _ in verbs)
            self.report("W115", f"remix `{decl.name.text}` asks for {len(verbs)} changes ({shown})", verbs[1][1],
                        "a second change", secondary=[Label(verbs[0][1], "first change")])


def _where(label: str, cut) -> str:
    if cut is None:
        return label
    return f"cut \"{cut.title.value}\" of {label}" if cut.title is not None else f"a cut of {label}"


def _clause_start(body: str, start: int, stops: str) -> int:
    return max(body.rfind(c, 0, start) for c in stops) + 1


def _clause_end(body: str, end: int, stops: str) -> int:
    found = [i for i in (body.find(c, end) for c in stops) if i != -1]
    return min(found) if found else len(body)


def _has_sound(stmt) -> bool:
    if isinstance(stmt, ast.Sound):
        return bool(stmt.items)
    if isinstance(stmt, ast.Beats):
        return any(isinstance(i, ast.SoundLine) for i in stmt.items)
    return False


def lint(analysis, errors: list[Diagnostic]) -> list[Diagnostic]:
    return Linter(analysis, errors).run()


def long_prompts(analysis, prompts: dict[str, str]) -> list[Diagnostic]:
    """W117: prompts so long that more detail stops helping: past the model's
    `max-words`, or past the table's figure for a model that gives none. It
    reads the lowered prompts, so the driver runs it after lowering."""
    default = rules()["W117"]["max_words"]
    found = []
    for job in analysis.jobs:
        if job.kind != "create" or job.symbol.module is not analysis.program.main:
            continue
        model = analysis.shots[job.name].model
        limit = model.max_words if model is not None and model.max_words else default
        count = count_words(prompts[job.name])
        if count > limit:
            view = job.view
            name = view.variant.name.span if view.variant is not None else view.symbol.decl.name.span
            whose = f"`{model.name}` reads {limit} words well" if model is not None and model.max_words else f"past {limit} more detail stops helping"
            found.append(make("W117", f"the prompt of `{job.name}` is {count} words; {whose}",
                              name, f"{count} words", help=rules()["W117"]["help"]))
    return found
