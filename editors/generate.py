#!/usr/bin/env python3
"""Write every editor's highlighting files from the compiler's own tables.

    python editors/generate.py          # (re)write the generated files
    python editors/generate.py --check  # exit 1 and name the stale files

Keywords and block structure come from grammar/shot.lark, vocabularies from
sorascript/vocab.py, units and escapes from sorascript/syntax/build.py (see
generator/language.py). Each category below is one kind of thing in a
`.shot` file, written as the same idea in every editor.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

EDITORS = Path(__file__).resolve().parent
ROOT = EDITORS.parent
if __name__ == "__main__":
    # The generator package beside this file, and the compiler of this checkout
    # (not an installed copy, whose grammar may be older).
    sys.path[:0] = [str(EDITORS), str(ROOT)]


@dataclass(frozen=True)
class Category:
    textmate: str  # TextMate scope (VS Code, GitHub, Shiki)
    pygments: str  # Pygments token type
    vim: str  # Vim highlight group, and the standard group it links to
    vim_link: str
    emacs: str  # Emacs face (ours inherit from a standard font-lock face)
    emacs_inherit: str


# The one table of what each thing is called in each editor.
CATEGORIES = {
    "declaration": Category("keyword.declaration.shot", "Keyword.Declaration", "shotDeclaration", "Structure",
                            "shot-declaration-face", "font-lock-keyword-face"),
    "statement": Category("keyword.other.statement.shot", "Keyword", "shotStatement", "Statement",
                          "shot-statement-face", "font-lock-keyword-face"),
    "vocabulary": Category("support.constant.vocabulary.shot", "Name.Constant", "shotVocabulary", "Constant",
                           "shot-vocabulary-face", "font-lock-builtin-face"),
    "declared": Category("entity.name.type.declaration.shot", "Name.Class", "shotDeclared", "Function",
                         "shot-declared-face", "font-lock-function-name-face"),
    "name": Category("variable.other.name.shot", "Name.Variable", "shotName", "Identifier",
                     "shot-name-face", "font-lock-variable-name-face"),
    "quantity": Category("constant.numeric.quantity.shot", "Literal.Number", "shotQuantity", "Number",
                         "shot-quantity-face", "font-lock-constant-face"),
    "unit": Category("keyword.other.unit.shot", "Keyword.Type", "shotUnit", "Type",
                     "shot-unit-face", "font-lock-type-face"),
    "range": Category("constant.numeric.range.shot", "", "shotRange", "Number", "", ""),
    "range-operator": Category("keyword.operator.range.shot", "Operator", "shotRangeOperator", "Operator",
                               "shot-range-operator-face", "font-lock-keyword-face"),
    "string": Category("string.quoted.double.shot", "Literal.String.Double", "shotString", "String",
                       "font-lock-string-face", ""),
    "triple-string": Category("string.quoted.triple.shot", "Literal.String.Heredoc", "shotTripleString", "String",
                              "shot-triple-string-face", "font-lock-string-face"),
    "escape": Category("constant.character.escape.shot", "Literal.String.Escape", "shotEscape", "SpecialChar",
                       "shot-escape-face", "font-lock-regexp-grouping-backslash"),
    "speaker": Category("entity.name.tag.speaker.shot", "Name.Tag", "shotSpeaker", "Tag",
                        "shot-speaker-face", "font-lock-function-name-face"),
    "delivery": Category("string.other.delivery.shot", "Literal.String.Other", "shotDelivery", "Special",
                         "shot-delivery-face", "font-lock-doc-face"),
    "comment": Category("comment.line.double-slash.shot", "Comment.Single", "shotComment", "Comment",
                        "font-lock-comment-face", ""),
    "pragma": Category("comment.line.pragma.shot", "Comment.Preproc", "shotPragma", "PreProc",
                       "shot-pragma-face", "font-lock-preprocessor-face"),
    "pragma-keyword": Category("keyword.other.pragma.shot", "Comment.Special", "shotPragmaKeyword", "PreCondit",
                               "shot-pragma-keyword-face", "font-lock-preprocessor-face"),
    "punctuation": Category("punctuation.separator.shot", "Punctuation", "shotPunctuation", "Delimiter", "", ""),
}


def outputs() -> dict[Path, str]:
    """Every generated file and its text."""
    from generator import language, to_emacs, to_pygments, to_textmate, to_vim

    lang = language.load()
    return {
        ROOT / "sorascript" / "highlight_tables.py": to_pygments.emit(lang, CATEGORIES),
        EDITORS / "vscode" / "syntaxes" / "shot.tmLanguage.json": to_textmate.emit(lang, CATEGORIES),
        EDITORS / "vim" / "syntax" / "shot.vim": to_vim.emit(lang, CATEGORIES),
        EDITORS / "emacs" / "shot-mode-tables.el": to_emacs.emit(lang, CATEGORIES),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python editors/generate.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
