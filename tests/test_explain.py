"""Every diagnostic code has an explanation whose example emits exactly that code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import png_bytes, run_sorac
from sorascript import driver
from sorascript.diagnostics.codes import CODES
from sorascript.diagnostics.explain import explanation

_FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.S | re.M)




def write_example(page: str, folder: Path) -> Path:
    """Write the page's example files; return the main one.

    ```shot                      -> example.shot (the file compiled)
    ```shot file=cast.shot       -> another file of the example
    ```text file=frame.png       -> a file with this text as its bytes
    ```png file=frame.png size=640x360  -> a real PNG of that size
    """
    main = None
    page = re.sub(r"<U\+([0-9A-F]{4})>", lambda m: chr(int(m.group(1), 16)), page)  # an invisible character, named
    for kind, info, body in _FENCE.findall(page):
        attrs = dict(re.findall(r"(\w+)=(\S+)", info))
        if kind == "shot":
            target = folder / attrs.get("file", "example.shot")
            if main is None and "file" not in attrs:
                main = target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        elif kind == "text" and "file" in attrs:
            (folder / attrs["file"]).write_text(body, encoding="utf-8")
        elif kind == "png" and "file" in attrs:
            width, height = map(int, attrs["size"].split("x"))
            (folder / attrs["file"]).write_bytes(png_bytes(width, height))
    return main


# Codes that cannot come alone: E113 is the 51st of many syntax errors.
COMPANIONS = {"E113": {"E101", "E107"}}


@pytest.mark.parametrize("code", sorted(CODES))
def test_example_emits_exactly_its_code(code, tmp_path, monkeypatch):
    page = explanation(code)
    assert page and "```shot" in page, f"{code} has no explanation page with a ```shot example"
    main = write_example(page, tmp_path)
    assert main is not None, f"{code}: the first ```shot block must be the compiled example"
    monkeypatch.chdir(tmp_path)
    result = driver.check(main.name)
    assert result.problem is None, result.problem
    severity = CODES[code].severity
    if severity == "error":  # an error's example may also be linted where it is sound
        codes = {d.code for d in result.diagnostics if d.severity == "error"}
    else:
        codes = {d.code for d in result.diagnostics if d.severity != "note" or severity == "note"}
        if severity != "note":
            codes = {c for c in codes if not c.startswith("N")}
    assert codes - COMPANIONS.get(code, set()) == {code}, f"{code}'s example emits {sorted(codes)}"


def test_explain_command_prints_the_page():
    done = run_sorac("explain", "e106")
    assert done.returncode == 0
    assert done.stdout.startswith("# E106")


def test_explain_unknown_code_is_a_usage_error():
    done = run_sorac("explain", "E999")
    assert done.returncode == 2
    assert "no such diagnostic code" in done.stderr
    assert "Traceback" not in done.stderr
