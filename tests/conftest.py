"""Shared test setup.

`pytest --update-goldens` rewrites golden files from the current output; review
the diff before committing (goldens are reviewed, never blindly regenerated).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare output with a golden file, or write it when updating."""
    if update or not path.exists():
        if not update:
            pytest.fail(f"no golden file {path.relative_to(REPO)}; run pytest --update-goldens and review it")
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path.relative_to(REPO)} (pytest --update-goldens rewrites it)"


def run_sorac(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed command line as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "sorascript", *args],
        cwd=cwd, input=input, capture_output=True, text=True, env=full_env, timeout=120,
    )


def png_bytes(width: int, height: int) -> bytes:
    """A real, minimal PNG of the given size (grey pixels), for reference images."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
