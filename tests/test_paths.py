"""Paths in imports and `reference` lines stay inside the project (E205).

Symbolic links cannot be committed as UI cases, so these tests build their
project trees in a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sorascript import driver
from conftest import png_bytes

CAST = 'character mara:\n    "woman in her 30s, dark bob haircut, green raincoat"\n'



def shot(*lines: str) -> str:
    body = "".join(f"    {line}\n" for line in lines)
    return f'shot booth:\n    size 1280x720\n    "Mara waits alone in a diner booth."\n{body}'


def check(path: Path, cwd: Path, monkeypatch):
    monkeypatch.chdir(cwd)
    result = driver.check(os.path.relpath(path, cwd))
    assert result.problem is None, result.problem
    return [d for d in result.diagnostics if d.severity == "error"]


def symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError):  # pragma: no cover - Windows without the privilege
        pytest.skip("symbolic links are not available here")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/outside/{cast.shot,frame.png} and tmp/project/ (with a sorac.toml)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "cast.shot").write_text(CAST, encoding="utf-8")
    (tmp_path / "outside" / "frame.png").write_bytes(png_bytes(1280, 720))
    project = tmp_path / "project"
    project.mkdir()
    (project / "sorac.toml").write_text("", encoding="utf-8")
    return tmp_path


def test_import_through_a_symlink_out_of_the_project(tree, monkeypatch):
    project = tree / "project"
    symlink(project / "cast.shot", tree / "outside" / "cast.shot")
    (project / "film.shot").write_text('import "cast.shot"\n\n' + shot("cast mara"), encoding="utf-8")
    errors = check(project / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205", "E201"]
    assert "symbolic link" in errors[0].message
    assert (errors[0].span.line, errors[0].span.column) == (1, 8)
    assert any("copy the module file into the project" in h for h in errors[0].help)


def test_import_through_a_symlinked_folder_out_of_the_project(tree, monkeypatch):
    project = tree / "project"
    symlink(project / "shared", tree / "outside")
    (project / "film.shot").write_text('import "shared/cast.shot"\n\n' + shot("cast mara"), encoding="utf-8")
    errors = check(project / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205", "E201"]
    assert "symbolic link" in errors[0].message


def test_reference_through_a_symlink_out_of_the_project(tree, monkeypatch):
    project = tree / "project"
    symlink(project / "frame.png", tree / "outside" / "frame.png")
    (project / "film.shot").write_text(shot('reference "frame.png"'), encoding="utf-8")
    errors = check(project / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205"]
    assert errors[0].message.startswith("cannot use reference `frame.png`: it is a symbolic link")
    assert any("copy the image file into the project" in h for h in errors[0].help)


def test_symlink_that_stays_inside_the_project_is_fine(tree, monkeypatch):
    project = tree / "project"
    (project / "people").mkdir()
    (project / "people" / "cast.shot").write_text(CAST, encoding="utf-8")
    (project / "frames").mkdir()
    (project / "frames" / "frame.png").write_bytes(png_bytes(1280, 720))
    symlink(project / "cast.shot", project / "people" / "cast.shot")
    symlink(project / "frame.png", project / "frames" / "frame.png")
    (project / "film.shot").write_text('import "cast.shot"\n\n' + shot("cast mara", 'reference "frame.png"'),
                                       encoding="utf-8")
    assert check(project / "film.shot", project, monkeypatch) == []


def test_project_reached_through_a_symlinked_folder_is_fine(tree, monkeypatch):
    """The project folder itself may be a link (as /tmp is on macOS)."""
    project = tree / "project"
    (project / "cast.shot").write_text(CAST, encoding="utf-8")
    (project / "frame.png").write_bytes(png_bytes(1280, 720))
    (project / "film.shot").write_text('import "cast.shot"\n\n' + shot("cast mara", 'reference "frame.png"'),
                                       encoding="utf-8")
    symlink(tree / "alias", project)
    assert check(tree / "alias" / "film.shot", tree, monkeypatch) == []


def test_dotdot_inside_a_project_marked_by_sorac_toml(tree, monkeypatch):
    project = tree / "project"
    (project / "cast.shot").write_text(CAST, encoding="utf-8")
    (project / "scenes").mkdir()
    (project / "scenes" / "film.shot").write_text('import "../cast.shot"\n\n' + shot("cast mara"), encoding="utf-8")
    assert check(project / "scenes" / "film.shot", project, monkeypatch) == []


def test_dotdot_above_the_project_root(tree, monkeypatch):
    project = tree / "project"
    (project / "scenes").mkdir()
    (project / "scenes" / "film.shot").write_text('import "../../outside/cast.shot"\n\n' + shot("cast mara"),
                                                  encoding="utf-8")
    errors = check(project / "scenes" / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205", "E201"]
    assert "leaves the project folder" in errors[0].message
    assert any("the folder holding `sorac.toml`" in h for h in errors[0].help)


def test_without_sorac_toml_the_compiled_files_folder_is_the_root(tree, monkeypatch):
    (tree / "project" / "sorac.toml").unlink()
    project = tree / "project"
    (project / "cast.shot").write_text(CAST, encoding="utf-8")
    (project / "scenes").mkdir()
    (project / "scenes" / "film.shot").write_text('import "../cast.shot"\n\n' + shot("cast mara"), encoding="utf-8")
    errors = check(project / "scenes" / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205", "E201"]
    assert any("no `sorac.toml` above it" in h for h in errors[0].help)


@pytest.mark.parametrize("path", ["/etc/passwd", "~/frame.png", "C:\\frames\\frame.png"])
def test_absolute_reference_paths(tree, monkeypatch, path):
    project = tree / "project"
    (project / "film.shot").write_text(shot(f'reference "{path.replace(chr(92), chr(92) * 2)}"'), encoding="utf-8")
    errors = check(project / "film.shot", project, monkeypatch)
    assert [d.code for d in errors] == ["E205"]
    assert "absolute path" in errors[0].message
