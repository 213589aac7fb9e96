"""editors/vscode/syntaxes/shot.tmLanguage.json: the TextMate grammar (VS Code,
GitHub, Shiki).

A block is a begin/end rule: it begins at its header's keyword and ends before
the first line that is not blank, not a comment and not indented deeper than
the header, so a line's first word is read with its block's statements.
"""

from __future__ import annotations

import json

from generator.language import Language
from generator.patterns import BLANK, Patterns

# Ends a block opened at the indentation captured as \1.
BLOCK_END = rf"^(?!{BLANK}*$|{BLANK}*//|\1{BLANK}+\S)"


def _captures(categories: dict, scopes: list) -> dict:
    """Group number -> scope, or -> the inline patterns for 'inline'."""
    found = {}
    for number, scope in enumerate(scopes, start=1):
        if scope == "inline":
            found[str(number)] = {"patterns": [{"include": "#inline"}]}
        elif scope == "quantity":
            found[str(number)] = {"patterns": [{"include": "#quantity"}]}
        elif scope:
            found[str(number)] = {"name": categories[scope].textmate}
    return found


def _kind_patterns(lang: Language, p: Patterns, categories: dict, name: str) -> list:
    kind = lang.kinds[name]
    patterns: list = [{"include": "#comment"}]
    for word, inner in sorted(kind.opens.items()):
        declares = word in kind.declares
        patterns.append({
            "begin": p.opener([word], declares),
            "beginCaptures": _captures(categories, [None, "statement", None, "declared"]),
            "end": BLOCK_END,
            "patterns": [{"include": f"#kind-{inner}"}],
        })
    if kind.leaders:
        patterns.append({"match": p.lead(kind.leaders),
                         "captures": _captures(categories, [None, "inline", None, "statement"])})
    if "speaker" in kind.roles:
        patterns.append({"match": p.speaker(),
                         "captures": _captures(categories, [None, "inline", None, "speaker", None, "delivery", None,
                                                            "punctuation"])})
    if "declared" in kind.roles:
        patterns.append({"match": p.anchor(), "captures": _captures(categories, [None, "declared"])})
    patterns.append({"include": "#inline"})
    return patterns


def emit(lang: Language, categories: dict) -> str:
    p = Patterns(lang)
    scope = {name: category.textmate for name, category in categories.items()}
    top: list = [{"include": "#comment"}]
    for word, kind in sorted(lang.declarations.items()):
        declares = word in lang.declares
        if kind is None:
            top.append({"match": p.opener([word], False), "captures": _captures(categories, [None, "declaration"])})
            continue
        top.append({
            "begin": p.opener([word], declares),
            "beginCaptures": _captures(categories, [None, "declaration", None, "declared"]),
            "end": BLOCK_END,
            "patterns": [{"include": f"#kind-{kind}"}],
        })
    top.append({"include": "#inline"})

    repository = {f"kind-{name}": {"patterns": _kind_patterns(lang, p, categories, name)}
                  for name in sorted(lang.kinds)}
    repository.update({
        "comment": {"patterns": [
            {"match": p.pragma_comment() + ".*", "name": scope["pragma"],
             "captures": {"1": {"name": "punctuation.definition.comment.shot"}, "3": {"name": scope["pragma-keyword"]}}},
            {"match": "(//).*", "name": scope["comment"],
             "captures": {"1": {"name": "punctuation.definition.comment.shot"}}},
        ]},
        "inline": {"patterns": [
            {"include": "#comment"},
            {"include": "#string"},
            {"match": p.range(), "name": scope["range"],
             "captures": _captures(categories, ["quantity", None, "range-operator", None, "quantity"])},
            {"include": "#quantity"},
            {"match": p.keywords(lang.inline_keywords), "name": scope["statement"]},
            {"match": p.keywords(lang.vocabulary_words), "name": scope["vocabulary"]},
            {"match": p.name, "name": scope["name"]},
            {"match": "[:,()/]", "name": scope["punctuation"]},
        ]},
        "quantity": {"patterns": [
            {"match": p.prefix_quantity(), "name": scope["quantity"],
             "captures": _captures(categories, ["unit", None, "unit", "unit"])},
            {"match": p.suffix_quantity(), "name": scope["quantity"],
             "captures": _captures(categories, [None, "unit", "unit", "unit"])},
            {"match": p.any_quantity(), "name": scope["quantity"]},
        ]},
        "string": {"patterns": [
            {"begin": '"""', "end": '"""', "name": scope["triple-string"],
             "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.shot"}},
             "endCaptures": {"0": {"name": "punctuation.definition.string.end.shot"}},
             "patterns": [{"include": "#escape"}]},
            # An unterminated string ends with its line, as the compiler reads it.
            {"begin": '"', "end": '"|$', "name": scope["string"],
             "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.shot"}},
             "endCaptures": {"0": {"name": "punctuation.definition.string.end.shot"}},
             "patterns": [{"include": "#escape"}]},
        ]},
        "escape": {"match": p.escape, "name": scope["escape"]},
    })
    grammar = {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "SoraScript",
        "scopeName": "source.shot",
        "fileTypes": ["shot"],
        "comment": "Generated by editors/generate.py from grammar/shot.lark and sorascript/vocab.py; do not edit.",
        "patterns": top,
        "repository": repository,
    }
    return json.dumps(grammar, indent=2, ensure_ascii=False) + "\n"
