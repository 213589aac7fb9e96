"""Loading a program: the compiled file, everything it imports, and the prelude.

`import "std/NAME"` resolves inside the installed standard library; any other
import resolves from the importing file and may not leave the project root
(no absolute paths, no `..` out of it, no symlink out of it). `std/models` is
imported implicitly by every module but itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sorascript import resources
from sorascript.diagnostics import Diagnostic, Label, make
from sorascript.files import PROJECT_FILE, FileProblem, display_path, file_kind, read_source
from sorascript.sema.graph import walk
from sorascript.source import SourceFile, Span
from sorascript.syntax import ast, parse
from sorascript.suggest import closest

PRELUDE = "std/models"


@dataclass
class LoadedModule:
    key: str  # "std/NAME" or the resolved path of the file
    path: Path
    source: SourceFile
    ast: ast.Module
    is_std: bool
    imports: list[tuple[ast.Import | None, str]] = field(default_factory=list)  # None: the prelude

    @property
    def folder(self) -> Path:
        return self.path.parent


@dataclass
class Program:
    root: Path
    main: LoadedModule
    modules: dict[str, LoadedModule]


def inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


EMPTY_PATH = "the path is empty"
ABSOLUTE_PATH = "it is an absolute path; paths are written relative to the file that names them, inside the project"
CLIMBS_OUT = "it leaves the project folder (`..` above the project root)"
LINKS_OUT = "it is a symbolic link that leads out of the project folder"


def resolve_project_path(text: str, folder: Path, root: Path) -> Path | str:
    """A path named in a .shot file, resolved from `folder`; or why it may not be used."""
    if not text:
        return EMPTY_PATH
    if os.path.isabs(text) or text.startswith("~") or (len(text) > 1 and text[1] == ":"):
        return ABSOLUTE_PATH
    lexical = Path(os.path.normpath(folder / text))
    if not inside(lexical, root):
        return CLIMBS_OUT
    try:
        real = lexical.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: it cannot be opened, and says so where it is
        real = lexical
    if not inside(real, root.resolve()):
        return LINKS_OUT
    return lexical


def describe_root(root: Path) -> str:
    """Where the project root is and why, for help text."""
    shown = display_path(root)
    shown = "the current folder" if shown == "." else f"`{shown}`"
    if (root / PROJECT_FILE).is_file():
        return f"the project root is {shown}, the folder holding `{PROJECT_FILE}`"
    return f"the project root is {shown}, the compiled file's folder (no `{PROJECT_FILE}` above it)"


def outside_help(reason: str, root: Path, what: str) -> list[str]:
    """What to do about a path that `resolve_project_path` refused; `what` is "module" or "image"."""
    if reason == EMPTY_PATH:
        return [f"name the {what} file between the quotes"]
    if reason == LINKS_OUT:
        return [f"copy the {what} file into the project instead of linking to it", describe_root(root)]
    hint = [describe_root(root), f"move the {what} file inside it and name it relative to this file"]
    if reason == CLIMBS_OUT:
        hint.append(f"or put an empty `{PROJECT_FILE}` in a folder above both files: that folder becomes the project root")
    return hint


class Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.std_dir = resources.stdlib_dir()
        self.modules: dict[str, LoadedModule] = {}
        self.diagnostics: list[Diagnostic] = []
        self._followed: set[str] = set()

    def load_main(self, source: SourceFile, path: Path) -> LoadedModule:
        path = Path(os.path.normpath(path.absolute()))
        module = self._add(str(path.resolve()), path, source, is_std=False)
        self._followed.add(module.key)
        self._follow(module)
        return module

    def _add(self, key: str, path: Path, source: SourceFile, is_std: bool) -> LoadedModule:
        tree, diagnostics = parse(source)
        self.diagnostics.extend(diagnostics)
        module = LoadedModule(key, path, source, tree, is_std)
        self.modules[key] = module
        return module

    def _follow(self, module: LoadedModule) -> None:
        pending = [module]
        while pending:
            current = pending.pop()
            wanted: list[tuple[ast.Import | None, str | None]] = []
            if current.key != PRELUDE:
                wanted.append((None, PRELUDE))
            for decl in current.ast.decls:
                if isinstance(decl, ast.Import):
                    wanted.append((decl, None))
            for node, key in wanted:
                target = self._resolve(current, node, key)
                if target is None:
                    continue
                current.imports.append((node, target.key))
                if target.key not in self._followed:
                    self._followed.add(target.key)
                    pending.append(target)

    def _resolve(self, importer: LoadedModule, node: ast.Import | None, key: str | None) -> LoadedModule | None:
        text = key if node is None else node.path.value
        if text.startswith("std/"):
            return self._std(text, node)
        span = node.path.span
        root = self.root if not importer.is_std else self.std_dir
        lexical = Path(os.path.normpath(importer.folder / text)) if text and not os.path.isabs(text) else None
        if lexical is not None and not lexical.suffix and file_kind(lexical) is not None \
                and file_kind(lexical.with_suffix(".shot")) is None:
            text = text + ".shot"  # `import "cast"` finds cast.shot; the path confined is the one opened
        resolved = resolve_project_path(text, importer.folder, root)
        if isinstance(resolved, str):
            self.diagnostics.append(make("E205", f"cannot import `{node.path.value}`: {resolved}", span, "outside the project",
                                         help=outside_help(resolved, self.root, "module")))
            return None
        kind = file_kind(resolved)
        if kind is not None and kind.startswith("not there"):
            return self._missing(node.path.value, resolved, span)
        if kind is not None:
            self.diagnostics.append(make("E204", f"cannot import `{node.path.value}`: it is {kind}", span, "this import"))
            return None
        key = str(resolved.resolve())
        if key in self.modules:
            return self.modules[key]
        source = read_source(resolved, display_path(resolved), allow_empty=True)
        if isinstance(source, FileProblem):
            self.diagnostics.append(make("E204", f"cannot import `{node.path.value}`: it {source.message}", span, "this import"))
            return None
        return self._add(key, resolved, source, is_std=False)

    def _std(self, text: str, node: ast.Import | None) -> LoadedModule | None:
        name = text[len("std/"):]
        if name.endswith(".shot"):
            name = name[: -len(".shot")]
        key = f"std/{name}"
        if key in self.modules:
            return self.modules[key]
        available = sorted(p.stem for p in self.std_dir.glob("*.shot"))
        path = self.std_dir / f"{name}.shot"
        if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
            if node is None:  # the prelude itself is missing: the installation is broken
                raise FileNotFoundError(f"the standard library has no {key}")
            close = closest(name, available)
            hint = [f"did you mean `std/{close}`?"] if close else []
            hint.append("the standard library has " + ", ".join(f"`std/{n}`" for n in available))
            self.diagnostics.append(make("E204", f"no standard module `{key}`", node.path.span, "not in the standard library",
                                         help=hint))
            return None
        source = read_source(path, f"<std>/{name}.shot", allow_empty=True)
        if isinstance(source, FileProblem):  # pragma: no cover - the package ships valid files
            raise OSError(str(source))
        return self._add(key, path, source, is_std=True)

    def _missing(self, text: str, resolved: Path, span: Span) -> None:
        folder = resolved.parent
        hint: list[str] = []
        if folder.is_dir():
            names = sorted(p.name for p in folder.glob("*.shot"))
            close = closest(resolved.name, names)
            if close:
                hint.append(f"did you mean `{close}`?")
        else:
            hint.append(f"there is no folder {display_path(folder)}")
        hint.append("imports are relative to the importing file; standard modules are written `std/NAME`")
        self.diagnostics.append(make("E204", f"cannot find module `{text}`", span, f"no file {display_path(resolved)}",
                                     help=hint))
        return None


def load_program(source: SourceFile, path: Path, root: Path) -> tuple[Program, list[Diagnostic]]:
    loader = Loader(root)
    main = loader.load_main(source, path)
    loader.diagnostics.extend(import_cycles(loader.modules))
    return Program(root, main, loader.modules), loader.diagnostics


def import_cycles(modules: dict[str, LoadedModule]) -> list[Diagnostic]:
    """One diagnostic per import that closes a cycle, naming the other imports in it."""
    diagnostics: list[Diagnostic] = []

    def edges(key: str):
        return [(target, node) for node, target in modules[key].imports if node is not None]

    def cycle(path: list[str], via: list[ast.Import], closing: ast.Import) -> None:
        chain = " -> ".join(modules[k].source.path for k in path + [path[0]])
        diagnostics.append(make(
            "E206", f"import cycle: {chain}", closing.path.span, "this import closes the cycle",
            secondary=[Label(n.path.span, "imported here") for n in via],
            help="move what both files need into a third module that each of them imports",
        ))

    walk(list(modules), edges, cycle)
    return diagnostics
