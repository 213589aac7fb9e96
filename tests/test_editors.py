"""Editor files: generated ones are up to date, and each editor's own tools
highlight every `.shot` file of the project as the compiler reads it."""

from __future__ import annotations

import subprocess
import sys

from highlighting import REPO

GENERATE = REPO / "editors" / "generate.py"


def test_generated_files_are_up_to_date():
    result = subprocess.run([sys.executable, str(GENERATE), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_generation_is_deterministic():
    import generate

    assert generate.outputs() == generate.outputs()
