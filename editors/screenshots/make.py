#!/usr/bin/env python3
"""Take the screenshots in editors/README.md: one file highlighted by each editor.

    python editors/screenshots/make.py [FILE]

Each editor renders the file to HTML headlessly, with its own default colours:
VS Code's TextMate grammar through Shiki (installed into a temporary folder,
with VS Code's Light+ theme), Vim's :TOhtml, Emacs's htmlfontify and
`pygmentize -f html`. Debian's Chromium (`apt-get install chromium`) turns
each page into a PNG. Not run by CI: the PNGs are committed.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EDITORS = HERE.parent
ROOT = EDITORS.parent
SIZE = "760,880"

SHIKI = """
import fs from "node:fs";
import { createHighlighter } from "shiki";
const [grammarPath, sourcePath, outPath] = process.argv.slice(2);
const grammar = JSON.parse(fs.readFileSync(grammarPath, "utf8"));
const highlighter = await createHighlighter({ themes: ["light-plus"], langs: [{ ...grammar, name: "shot" }] });
const code = highlighter.codeToHtml(fs.readFileSync(sourcePath, "utf8"), { lang: "shot", theme: "light-plus" });
fs.writeFileSync(outPath, `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #fff; } pre { margin: 0; padding: 12px 16px; font: 14px/1.45 "DejaVu Sans Mono", monospace; }
</style>${code}`);
"""

EMACS = """
(require 'shot-mode)
(require 'htmlfontify)
;; Colours as on a graphical light display, not the batch terminal's none.
(setq hfy-display-class '((type . x-toolkit) (class . color) (background . light)))
(setq hfy-default-face-def '((t :family "DejaVu Sans Mono" :height 105)))
;; htmlfontify looks colour names up case-sensitively and misses the keyword
;; face's "Purple"; rgb.txt spells it "purple".
(advice-add 'hfy-triplet :around (lambda (triplet colour) (or (funcall triplet colour) (funcall triplet (downcase colour)))))
(find-file (car command-line-args-left))
(font-lock-ensure)
(with-current-buffer (htmlfontify-buffer)
  (write-region (point-min) (point-max) (cadr command-line-args-left)))
(setq command-line-args-left nil)
"""


def run(*args: str, **kwargs) -> None:
    subprocess.run(list(args), check=True, **kwargs)


def vscode(source: Path, out: Path, work: Path) -> None:
    modules = work / "shiki"
    run("npm", "install", "--prefix", str(modules), "--no-audit", "--no-fund", "--silent", "shiki@3")
    script = modules / "render.mjs"
    script.write_text(SHIKI, encoding="utf-8")
    run("node", str(script), str(EDITORS / "vscode" / "syntaxes" / "shot.tmLanguage.json"), str(source), str(out))


def vim(source: Path, out: Path, work: Path) -> None:
    run("vim", "--clean", "-Es", "--cmd", f"set rtp^={EDITORS / 'vim'}", "-c", "filetype plugin indent on",
        "-c", "syntax on", "-c", "set termguicolors background=light", "-c", "let g:html_no_progress = 1",
        # Ex mode loads no plugins: :TOhtml's is loaded by hand.
        "-c", "runtime plugin/tohtml.vim", "-c", "TOhtml", "-c", f"write! {out}", "-c", "qall!", str(source),
        stdin=subprocess.DEVNULL)


def emacs(source: Path, out: Path, work: Path) -> None:
    script = work / "htmlfontify.el"
    script.write_text(EMACS, encoding="utf-8")
    run("emacs", "--batch", "-Q", "-L", str(EDITORS / "emacs"), "-l", str(script), str(source), str(out),
        stdin=subprocess.DEVNULL)


def pygments(source: Path, out: Path, work: Path) -> None:
    text = subprocess.run([sys.executable, "-m", "pygments", "-l", "shot", "-f", "html", "-O",
                           "full,style=default,nobackground", str(source)],
                          check=True, capture_output=True, text=True).stdout
    out.write_text(text.replace("<pre>", '<pre style="font: 14px/1.45 \'DejaVu Sans Mono\', monospace">'),
                   encoding="utf-8")


def screenshot(page: Path, png: Path, work: Path) -> None:
    chromium = shutil.which("chromium") or sys.exit("Chromium is missing: apt-get install chromium")
    run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={work / 'chromium'}", f"--window-size={SIZE}",
        f"--screenshot={png}", page.as_uri(), stderr=subprocess.DEVNULL)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "neon_diner.shot"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, render in (("vscode", vscode), ("vim", vim), ("emacs", emacs), ("pygments", pygments)):
            page = work / f"{name}.html"
            render(source, page, work)
            screenshot(page, HERE / f"{name}.png", work)
            print(f"wrote {(HERE / f'{name}.png').relative_to(ROOT)}  ({html.escape(source.name)})")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
