"""Names: what each module can see, and resolving a name to a declaration.

A module sees its own declarations and the top-level declarations of the
modules it imports (not what those import in turn). Its own shadow imported
ones; two imports bringing the same name are an error only where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sorascript import resources
from sorascript.diagnostics import Diagnostic, Fix, Label, make
from sorascript.sema.modules import PRELUDE, LoadedModule, Program
from sorascript.syntax import ast
from sorascript.suggest import Candidates, closest

KIND_WORDS = {
    "model": "a model",
    "palette": "a palette",
    "character": "a character",
    "prop": "a prop",
    "location": "a location",
    "style": "a style",
    "lens": "a lens preset",
    "shot": "a shot",
    "sequence": "a sequence",
    "remix": "a remix",
    "extend": "an extension",
}
JOB_KINDS = ("shot", "remix", "extend")


def describe_kinds(kinds: tuple[str, ...]) -> str:
    words = [KIND_WORDS[k] for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True, eq=False, slots=True)
class Symbol:
    name: str
    kind: str
    decl: object
    module: LoadedModule

    @property
    def span(self):
        return self.decl.name.span


class Scopes:
    """What each module sees. `declarations` are the diagnostics of declaring
    (duplicates); resolving a name returns its diagnostic, for the pass that
    asked to report."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.declarations: list[Diagnostic] = []
        self.own: dict[str, dict[str, Symbol]] = {}
        self._by_file = {m.source.path: m for m in program.modules.values()}
        self._visible: dict[str, dict[str, Symbol]] = {}
        self._candidates: dict[tuple, Candidates] = {}
        for module in program.modules.values():
            self.own[module.key] = self._declare(module)

    def _declare(self, module: LoadedModule) -> dict[str, Symbol]:
        table: dict[str, Symbol] = {}
        singles: dict[type, object] = {}
        for decl in module.ast.decls:
            if isinstance(decl, (ast.DefaultsDecl, ast.Budget)):
                first = singles.setdefault(type(decl), decl)
                if first is not decl:
                    what = "`defaults:`" if isinstance(decl, ast.DefaultsDecl) else "`budget`"
                    self.declarations.append(make(
                        "E203", f"a second {what} in this file", decl.span, "declared again here",
                        secondary=[Label(first.span, "first declared here")],
                        help=f"a file has one {what}; merge them",
                    ))
                continue
            if not isinstance(decl, ast.NAMED_DECLS):
                continue
            name = decl.name.text
            symbol = Symbol(name, decl.KEYWORD, decl, module)
            if name in table:
                first = table[name]
                self.declarations.append(make(
                    "E203", f"`{name}` is declared twice in this file", decl.name.span, f"{KIND_WORDS[symbol.kind]} named `{name}` again",
                    secondary=[Label(first.span, f"first declared here as {KIND_WORDS[first.kind]}")],
                    help="rename one of them; every top-level name in a file is unique, whatever its kind",
                ))
                continue
            table[name] = symbol
        return table

    def module_of(self, node, default: LoadedModule) -> LoadedModule:
        """The module a node was written in: a statement a shot inherits with
        `from` names things as its own file sees them."""
        source = node.place[0]
        return self._by_file.get(source.path, default) if source is not None else default

    def lookup(self, module: LoadedModule, name: str) -> list[Symbol]:
        own = self.own[module.key].get(name)
        if own is not None:
            return [own]
        found: list[Symbol] = []
        for _, key in module.imports:
            symbol = self.own[key].get(name)
            if symbol is not None and all(symbol.decl is not f.decl for f in found):
                found.append(symbol)
        if len(found) > 1:  # an explicit import overrides the implicit prelude (a project's own `sora-2` profile)
            explicit = [s for s in found if s.module.key != PRELUDE]
            found = explicit or found
        return found

    def visible(self, module: LoadedModule) -> dict[str, Symbol]:
        """Every name a module sees (built once per module: hints ask often)."""
        names = self._visible.get(module.key)
        if names is None:
            names = {}
            for _, key in module.imports:
                names.update(self.own[key])
            names.update(self.own[module.key])
            self._visible[module.key] = names
        return names

    def find(self, module: LoadedModule, name: ast.Name | str, kinds: tuple[str, ...]) -> Symbol | None:
        """The one declaration of one of `kinds` a name refers to, or None; reports
        nothing (the checks report what is wrong with a name, once)."""
        found = self.lookup(module, name.text if isinstance(name, ast.Name) else name)
        return found[0] if len(found) == 1 and found[0].kind in kinds else None

    def resolve(self, module: LoadedModule, name: ast.Name, kinds: tuple[str, ...], role: str
                ) -> tuple[Symbol | None, Diagnostic | None]:
        """The declaration `name` refers to, of one of `kinds`, or why not.

        `role` says what asked, for messages: "`palette`", "the cast".
        """
        found = self.lookup(module, name.text)
        if not found:
            return None, self._unknown(module, name, kinds, role)
        if len(found) > 1:
            return None, (make(
                "E207", f"`{name.text}` is ambiguous: {len(found)} imports declare it", name.span, "which one?",
                secondary=[Label(s.span, f"{KIND_WORDS[s.kind]} in {s.module.source.path}") for s in found],
                help="declare it in this file to choose (your own declarations shadow imported ones), or import only one module",
            ))
        symbol = found[0]
        if symbol.kind not in kinds:
            hint = self._hints(module, name.text, kinds, listing=False)
            if not hint:
                candidates = self.candidates(module, kinds).words
                if candidates and len(candidates) <= 8:
                    hint.append(f"{describe_kinds(kinds)} here is one of: " + ", ".join(f"`{c}`" for c in candidates))
                if kinds in _WRITE_IT_OUT:
                    hint.append(_WRITE_IT_OUT[kinds])
            return None, make(
                "E202", f"`{name.text}` is {KIND_WORDS[symbol.kind]}, but {role} needs {describe_kinds(kinds)}",
                name.span, f"{KIND_WORDS[symbol.kind]}, not {describe_kinds(kinds)}",
                secondary=[Label(symbol.span, f"declared here as {KIND_WORDS[symbol.kind]}")],
                help=hint,
            )
        return symbol, None

    def candidates(self, module: LoadedModule, kinds: tuple[str, ...] | None = None) -> Candidates:
        """The names a module sees (of some kinds), to suggest from: built once each."""
        key = (module.key, kinds)
        found = self._candidates.get(key)
        if found is None:
            found = Candidates(n for n, s in self.visible(module).items() if kinds is None or s.kind in kinds)
            self._candidates[key] = found
        return found

    def _suggest(self, module: LoadedModule, text: str, kinds: tuple[str, ...]) -> str | None:
        visible = self.visible(module)
        close = closest(text, self.candidates(module, kinds), 0.6)
        if close:
            return f"did you mean {KIND_WORDS[visible[close].kind]} `{close}`?"
        return None

    def _standard(self, module: LoadedModule, text: str, kinds: tuple[str, ...]) -> str | None:
        """A standard-library name of a wanted kind, equal or close to `text`, that this module does not import."""
        imported = {key for _, key in module.imports}
        names = {n: where for n, where in standard_names().items() if where[1] in kinds and f"std/{where[0]}" not in imported}
        if text in names:
            found = text
        else:
            close = closest(text, list(names), 0.75)
            if not close:
                return None
            found = close
        std_module, kind = names[found]
        return f"`{found}` is {KIND_WORDS[kind]} in the standard library: add `import \"std/{std_module}\"`"

    def _hints(self, module: LoadedModule, text: str, kinds: tuple[str, ...], *, listing: bool = True) -> list[str]:
        hint: list[str] = []
        suggestion = self._suggest(module, text, kinds)
        if suggestion:
            hint.append(suggestion)
        standard = self._standard(module, text, kinds)
        if standard:
            hint.append(standard)
        if hint or not listing:
            return hint
        visible = self.visible(module)
        close = closest(text, self.candidates(module), 0.7)
        if close:
            hint.append(f"`{close}` is close, but it is {KIND_WORDS[visible[close].kind]}")
        candidates = self.candidates(module, kinds).words
        if candidates and len(candidates) <= 8:
            hint.append(f"{describe_kinds(kinds)} here is one of: " + ", ".join(f"`{c}`" for c in candidates))
        elif not close:
            hint.append(f"declare it (`{kinds[0]} {text}:`) or import the module that does")
        return hint

    def _unknown(self, module: LoadedModule, name: ast.Name, kinds: tuple[str, ...], role: str) -> Diagnostic:
        what = kinds[0] if len(kinds) == 1 else "name"
        close = closest(name.text, self.candidates(module, kinds), 0.6)
        fix = Fix(name.span, close, f"replace with `{close}`") if close else None
        return make("E201", f"unknown {what} `{name.text}`", name.span, "not declared or imported",
                    help=self._hints(module, name.text, kinds), fix=fix)


# How to say it without a declared name, for a name of the wrong kind (E202).
_WRITE_IT_OUT = {
    ("palette",): "a shot can also list its colours itself, in a `palette:` block",
    ("style",): 'a shot can also describe its look in quotes: `style "…"`',
    ("location",): 'a shot can also describe its place in quotes: `setting "…"`',
    ("lens",): "a camera can also name the lens itself: `lens 50mm f/2.0`",
}


@lru_cache(maxsize=1)
def standard_names() -> dict[str, tuple[str, str]]:
    """Every name the standard library declares: name -> (module, kind). For hints only."""
    from sorascript.files import read_source
    from sorascript.syntax import parse

    names: dict[str, tuple[str, str]] = {}
    for path in sorted(resources.stdlib_dir().glob("*.shot")):
        source = read_source(path, f"<std>/{path.name}", allow_empty=True)
        if not hasattr(source, "text"):
            continue
        module, _ = parse(source)
        for decl in module.decls:
            if isinstance(decl, ast.NAMED_DECLS):
                names.setdefault(decl.name.text, (path.stem, decl.KEYWORD))
    return names
