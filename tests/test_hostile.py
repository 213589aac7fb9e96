"""Hostile and large input: no crash, no hang, no read outside the project,
no code from a cache, no terminal tricks. Every input is built by the test.

Each case ends in a diagnostic with exit 1 (a program error) or a one-line
message with exit 2 (usage or I/O), within a time proportional to the input.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import run_sorac
from sorascript import driver

SHOT = 'shot a:\n    duration 4s\n    "A harbour at dusk."\n'


def sorac(*args, cwd, env=None, timeout=60):
    done = run_sorac(*args, cwd=cwd, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "sorac.toml").write_text("", encoding="utf-8")
    return root


# ---- reads outside the project ---------------------------------------------------------------


def test_an_import_without_its_suffix_is_confined_after_the_suffix_is_added(tmp_path):
    root = project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "credentials").write_text('shot s:\n    "TOPSECRET-TOKEN-42"\n', encoding="utf-8")
    (root / "creds.shot").symlink_to(outside / "credentials")
    (root / "film.shot").write_text('import "creds"\n\n' + SHOT, encoding="utf-8")
    for form in ("human", "short", "json"):
        done = sorac("check", "film.shot", "--format", form, cwd=root)
        assert done.returncode == 1
        assert "TOPSECRET" not in done.stdout + done.stderr
        assert "E205" in done.stdout
    assert "symbolic link that leads out" in sorac("check", "film.shot", cwd=root).stdout


@pytest.mark.parametrize("statement", ['import "loop.shot"', None, None])
def test_symbolic_link_loops_inside_the_project(tmp_path, statement):
    root = project(tmp_path)
    (root / "loop.shot").symlink_to(root / "loop.shot")
    (root / "loop.png").symlink_to(root / "loop.png")
    (root / "loop.mp4").symlink_to(root / "loop.mp4")
    text = (
        'import "loop.shot"\n\n'
        'character mara:\n    "a woman"\n    cameo "loop.mp4"\n\n'
        'shot a:\n    size 720x1280\n    duration 4s\n    "A harbour."\n    reference "loop.png"\n'
    )
    (root / "film.shot").write_text(text, encoding="utf-8")
    done = sorac("check", "film.shot", "--format", "short", cwd=root)
    assert done.returncode == 1
    assert "cannot import `loop.shot`: it is a symbolic link loop" in done.stdout
    assert "reference image `loop.png` is a symbolic link loop" in done.stdout


def test_a_path_component_over_255_bytes(tmp_path):
    root = project(tmp_path)
    long = "n" * 300
    (root / "film.shot").write_text(f'import "{long}.shot"\n\nshot a:\n    "x"\n    reference "{long}.png"\n',
                                    encoding="utf-8")
    done = sorac("check", "film.shot", "--format", "short", cwd=root)
    assert done.returncode == 1
    assert done.stdout.count("name too long") == 2, done.stdout


# ---- the parser's tables: no code from a cache --------------------------------------------------


class _Planted:
    """A pickle that, if ever loaded, leaves a file behind."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_no_cache_is_read_and_odd_homes_work(tmp_path):
    marker = tmp_path / "PWNED"
    for home in (tmp_path / "home", tmp_path / "xdg"):
        folder = home / ".cache" / "sorascript" if home.name == "home" else home / "sorascript"
        folder.mkdir(parents=True)
        for name in ("grammar.lark-cache", "parse_tables.json", "tables.pickle"):
            (folder / name).write_bytes(pickle.dumps(_Planted(str(marker))))
    (tmp_path / "a.shot").write_text(SHOT, encoding="utf-8")
    envs = [
        {"HOME": str(tmp_path / "home")},
        {"XDG_CACHE_HOME": str(tmp_path / "xdg")},
        {"HOME": "", "XDG_CACHE_HOME": ""},
    ]
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    envs.append({"HOME": str(readonly), "XDG_CACHE_HOME": str(readonly)})
    for env in envs:
        done = sorac("check", "a.shot", cwd=tmp_path, env=env)
        assert done.returncode == 0, (env, done.stderr)
    assert not marker.exists()
    assert not (Path("/") / ".cache" / "sorascript").exists()


# ---- writing outputs ----------------------------------------------------------------------------------


def test_compile_onto_a_device_writes_through_and_keeps_the_device(tmp_path):
    (tmp_path / "a.shot").write_text(SHOT, encoding="utf-8")
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a node of our own, never the real /dev/null
    done = sorac("compile", "a.shot", "-o", str(device), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_compile_onto_a_fifo_writes_through(tmp_path):
    (tmp_path / "a.shot").write_text(SHOT, encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = {}
    reader = threading.Thread(target=lambda: received.setdefault("text", fifo.read_text(encoding="utf-8")))
    reader.start()
    done = sorac("compile", "a.shot", "-o", str(fifo), cwd=tmp_path)
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert '"jobs"' in received["text"]


def test_compile_to_dash_writes_stdout(tmp_path):
    (tmp_path / "a.shot").write_text(SHOT, encoding="utf-8")
    done = sorac("compile", "a.shot", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0 and '"jobs"' in done.stdout
    assert not (tmp_path / "-").exists()


# ---- numbers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("line, code", [
    ("takes " + "9" * 4301, "E111"),
    ("duration " + "1" * 300 + "s", "E111"),
    ("camera:\n        pan left " + "3" * 300 + "deg over 2s", "E111"),
    ("takes " + "9" * 28, "E111"),
    ("takes 999999999.5", "E302"),
    ("duration 999999999s", "E602"),
    ("takes 5000", "E602"),
    ("size 99999x99999", "E602"),
    ("speed 999999x", "E602"),
    ("camera:\n        pan left 0.0000001deg over 999999999s", "E111"),
])
def test_numbers_at_the_limits_are_diagnostics(tmp_path, line, code):
    (tmp_path / "a.shot").write_text(f'budget $999999999\n\nshot a:\n    "A harbour."\n    {line}\n', encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert f"error[{code}]" in done.stdout, done.stdout
    plan = sorac("compile", "a.shot", cwd=tmp_path)
    assert "E+" not in plan.stdout


def test_a_bound_is_named_in_its_error(tmp_path):
    (tmp_path / "a.shot").write_text('shot a:\n    "A harbour."\n    duration 5000s\n', encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert "`duration` must be at most 3600s (an hour)" in done.stdout


@pytest.mark.parametrize("line", ["durations 4, 8, 12", "sizes 4s", "durations 4deg", "sizes 1280, 720"])
def test_a_model_with_values_of_the_wrong_unit(tmp_path, line):
    (tmp_path / "a.shot").write_text(f'model m:\n    {line}\n\nshot a:\n    model m\n    "A harbour."\n', encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[E301]" in done.stdout


# ---- depth ------------------------------------------------------------------------------------------------------


def test_an_import_chain_of_a_thousand_modules(tmp_path):
    root = project(tmp_path)
    for i in range(1000):
        following = f'import "m{i + 1}.shot"\n\n' if i < 999 else ""
        (root / f"m{i}.shot").write_text(following + f'prop p{i}:\n    "thing {i}"\n', encoding="utf-8")
    (root / "film.shot").write_text('import "m0.shot"\n\n' + SHOT, encoding="utf-8")
    assert sorac("check", "film.shot", cwd=root).returncode == 0


@pytest.mark.parametrize("kind", ["from", "extend", "remix", "reference"])
def test_chains_of_a_thousand_links_declared_in_reverse(tmp_path, kind):
    parts = []
    for i in range(1000, 0, -1):
        source = f"s{i - 1}"
        if kind == "from":
            parts.append(f'shot s{i} from {source}:\n    "Take {i}."\n')
        elif kind == "extend":
            parts.append(f'extend s{i} of {source} by 4s:\n    "On."\n')
        elif kind == "remix":
            parts.append(f'remix s{i} of {source}:\n    "Make it rain."\n')
        else:
            parts.append(f'shot s{i}:\n    duration 4s\n    "Take {i}."\n    reference last frame of {source}\n')
    parts.append('shot s0:\n    duration 4s\n    "A harbour."\n')
    (tmp_path / "a.shot").write_text("\n".join(parts), encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr


def test_five_hundred_nested_variants(tmp_path):
    lines = ['shot a:', '    duration 4s', '    "A harbour."']
    for depth in range(1, 501):
        lines.append("    " * depth + f"variant v{depth}:")
        lines.append("    " * (depth + 1) + f'"variant {depth}"')
    (tmp_path / "a.shot").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert done.returncode == 1
    assert "a variant cannot hold another" in done.stdout


# ---- output encoding and terminal escapes ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_narrow_output_encodings_fall_back_to_ascii(tmp_path, encoding):
    (tmp_path / "a.shot").write_text('shot a:\n    "A stunning harbour — at dusk…"\n', encoding="utf-8")
    for command in (("check", "a.shot"), ("explain", "E401"), ("explain",), ("compile", "a.shot", "--format", "prompt")):
        done = sorac(*command, cwd=tmp_path, env={"PYTHONIOENCODING": encoding})
        assert done.returncode in (0, 1), (command, done.stderr)
        assert "internal error" not in done.stderr


def test_control_characters_never_reach_the_terminal_raw(tmp_path):
    text = 'shot a:\n    "A harbour\x1b[2J\x07 at \x9b dusk."\n    duration 4s\n'
    (tmp_path / "a.shot").write_text(text, encoding="utf-8")
    for form in ("human", "short"):
        done = sorac("check", "a.shot", "--format", form, cwd=tmp_path)
        assert done.returncode == 1
        for char in ("\x1b", "\x07", "\x9b"):
            assert char not in done.stdout + done.stderr, (form, repr(done.stdout))
    human = sorac("check", "a.shot", cwd=tmp_path).stdout
    assert "U+001B" in human and "U+0007" in human and "U+009B" in human
    assert "\\x1b[2J" in human  # the source line, escaped


def test_a_long_line_of_bad_escapes_prints_little(tmp_path):
    (tmp_path / "a.shot").write_text('shot a:\n    "' + "\\q" * 10000 + '"\n', encoding="utf-8")
    done = sorac("check", "a.shot", cwd=tmp_path)
    assert done.returncode == 1
    assert len(done.stdout) < 4000, len(done.stdout)
    assert "(and 9999 more like it on this line)" in done.stdout


def test_a_cap_on_printed_diagnostics_says_how_many_were_left_out(tmp_path):
    shots = "".join(f'shot s{i}:\n    "A harbour."\n    cast nobody_{i}\n\n' for i in range(300))
    (tmp_path / "a.shot").write_text(shots, encoding="utf-8")
    (tmp_path / "sorac.toml").write_text('[lint]\nallow = ["N001"]\n', encoding="utf-8")
    done = sorac("check", "a.shot", cwd=tmp_path)
    assert done.stdout.count("error[E201]") == 200
    assert "100 more diagnostics not shown" in done.stderr
    assert "300 errors" in done.stderr
    short = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert short.stdout.count("\n") == 200
    assert run_sorac("check", "a.shot", "--format", "json", cwd=tmp_path).stdout.count('"E201"') == 300


def test_syntax_errors_that_stop_the_reading_say_so(tmp_path):
    (tmp_path / "a.shot").write_text("".join(f"{i}: not a shot\n" for i in range(80)), encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert "E113" in done.stdout and "stopped after 50 syntax errors: lines 51-81 were not read" in done.stdout


# ---- wrong but silent -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u0085", "\u2028", "\x0c"])
def test_pragmas_find_their_line_after_odd_separators_in_strings(tmp_path, separator):
    # (U+0085 and a form feed are control characters: their shot is an error, and the next one is linted)
    text = (f'shot a:\n    duration 4s\n    "A harbour{separator}at dusk."\n\n'
            'shot b:\n    duration 4s\n    // sorac: allow W101\n    "A stunning sunset."\n    "A gorgeous sky."\n')
    (tmp_path / "a.shot").write_text(text, encoding="utf-8")
    found = driver.check(tmp_path / "a.shot").diagnostics
    w101 = [d for d in found if d.code == "W101"]
    assert [d.span.text for d in w101] == ["gorgeous"], [(d.span.text, d.span.line) for d in w101]


@pytest.mark.parametrize("line, digit", [("size ۷۲۰x١٢٨٠", "EXTENDED ARABIC-INDIC DIGIT SEVEN"),
                                         ("duration ８s", "FULLWIDTH DIGIT EIGHT")])
def test_digits_of_other_scripts_are_named(tmp_path, line, digit):
    (tmp_path / "a.shot").write_text(f'shot a:\n    "A harbour."\n    {line}\n', encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert done.returncode == 1 and digit in done.stdout


def test_a_fifo_as_a_reference_says_what_it_is(tmp_path):
    os.mkfifo(tmp_path / "frame.png")
    (tmp_path / "a.shot").write_text('shot a:\n    "A harbour."\n    reference "frame.png"\n', encoding="utf-8")
    done = sorac("check", "a.shot", "--format", "short", cwd=tmp_path)
    assert "reference image `frame.png` is a FIFO" in done.stdout


def test_cr_only_line_endings_say_what_the_file_is(tmp_path):
    (tmp_path / "a.shot").write_bytes(SHOT.replace("\n", "\r").encode())
    done = sorac("check", "a.shot", cwd=tmp_path)
    assert done.returncode == 2 and "CR only" in done.stderr


# ---- hangs and size ----------------------------------------------------------------------------------------------


def test_a_fifo_or_a_device_as_the_compiled_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.shot")
    for path, words in ((tmp_path / "pipe.shot", "FIFO"), (Path("/dev/zero"), "device")):
        for command in ("check", "compile"):
            done = subprocess.run([sys.executable, "-m", "sorascript", command, str(path)], capture_output=True,
                                  text=True, timeout=30)
            assert done.returncode == 2 and words in done.stderr, done.stderr
            assert len(done.stderr.strip().splitlines()) == 1


def test_a_file_over_the_size_limit(tmp_path):
    from sorascript.files import MAX_SOURCE_BYTES

    big = tmp_path / "big.shot"
    with big.open("wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)
    done = sorac("check", "big.shot", cwd=tmp_path)
    assert done.returncode == 2 and "larger than 32 MB" in done.stderr


# ---- internal errors ---------------------------------------------------------------------------------------------


def test_an_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch, capsys):
    from sorascript import cli

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(driver, "check", broken)
    monkeypatch.setattr(sys, "argv", ["sorac", "check", str(tmp_path / "a.shot")])
    monkeypatch.delenv("SORAC_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exit:
        cli.main()
    assert exit.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "bug" in err and "Traceback" not in err


# ---- found by a black-box review ----------------------------------------------------------------------------


@pytest.mark.parametrize("camera", [
    "        dolly-in\n        0s..2s pan left 10deg\n",
    "        pan left 10deg\n        0s..2s swish left\n",
])
def test_an_unknown_move_beside_another_is_e210_not_a_crash(tmp_path, camera):
    (tmp_path / "a.shot").write_text('shot a:\n    duration 4s\n    "x"\n    camera:\n' + camera, encoding="utf-8")
    done = run_sorac("check", "--format", "short", "a.shot", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "E210" in done.stdout + done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("url", ["http://localhost:abc/v1", "http://127.0.0.1:99999/v1", "http:///v1"])
def test_a_server_url_with_a_bad_port_or_no_host_is_a_usage_error(tmp_path, url):
    (tmp_path / "a.shot").write_text('shot a:\n    duration 4s\n    "x"\n', encoding="utf-8")
    done = run_sorac("render", "a.shot", "--server", url, "--yes", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "--server takes a base URL" in done.stderr and "internal error" not in done.stderr
