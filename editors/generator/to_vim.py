"""editors/vim/syntax/shot.vim: Vim and Neovim syntax highlighting.

A block is a region that starts at its header's keyword and ends before the
first line that is not blank, not a comment and not indented deeper than the
header (\\z1, the header's indentation). Each kind of block has a cluster of
what its lines may hold. Items defined later win where two start at the same
place, so the file goes from the most general (names) to the most specific
(a block's first words). Group names are a category's group with a suffix
(`shotStatement_camera`), so each links to the category's group.
"""

from __future__ import annotations

from generator.language import Language
from generator.regex import VIM

START = r"\%(\k\)\@<!"  # 'iskeyword' holds letters, digits, `_` and `-`: a whole name
END = r"\%(\k\)\@!"
BLOCK_END = r"^\%(\s*$\|\s*\/\/\|\z1\s\+\S\)\@!"
HEADER_START = r"^\z(\s*\)\zs"  # the header's indentation, for BLOCK_END's \z1
LINE_START = r"\%(^\s*\)\@<="
AFTER_DIGIT = r"\%(\d\)\@<="
BEFORE_DIGIT = r"\ze\d"


def _words(items) -> str:
    ordered = sorted(set(items), key=lambda word: (-len(word), word))
    return r"\%(" + r"\|".join(VIM.write_literal(word) for word in ordered) + r"\)"


def _ident(word: str) -> str:
    return word.replace("-", "_")


def _pattern(text: str) -> str:
    """A pattern between `/` delimiters (the dialect already escapes `/`)."""
    return "/" + text + "/"


class _Writer:
    def __init__(self, lang: Language, categories: dict) -> None:
        self.lang = lang
        self.group = {name: category.vim for name, category in categories.items()}
        self.lines: list[str] = []
        self.name = VIM.write(lang.name)
        self.quantity = r"\%(" + VIM.write(lang.quantity) + r"\)"
        self.number = r"\%(" + VIM.write(lang.number) + r"\)"
        self.units = _words(lang.units)
        extra = "".join(sorted({ch for unit in lang.units for ch in unit if not ch.isalnum()}))
        self.unit_end = r"\%(\k\|[" + extra + r"]\)\@!"
        self.timing = (rf"\%({self.quantity}\s*{VIM.write_literal(lang.range_op)}\s*{self.quantity}"
                       rf"\|{lang.point_keyword}\s\+{self.quantity}\)")

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def inline(self) -> list[str]:
        lang, g = self.lang, self.group
        pragma = r"\s*".join(VIM.write_literal(word) for word in lang.pragma_words)
        prefixes = _words(lang.prefix_units)
        per = VIM.write_literal(lang.per_unit or "/")
        op = r"\s*" + VIM.write_literal(lang.range_op) + r"\s*"
        escape = r"\\[" + VIM.class_literal(lang.escapes) + "]"
        items = [
            (f"{g['punctuation']}", rf"syn match {g['punctuation']} /[:,()\/]/"),
            (g["name"], f"syn match {g['name']} {_pattern(START + self.name)}"),
            (g["vocabulary"], f"syn match {g['vocabulary']} {_pattern(START + _words(lang.vocabulary_words) + END)}"),
            (f"{g['statement']}_inline",
             f"syn match {g['statement']}_inline {_pattern(START + _words(lang.inline_keywords) + END)}"),
            (g["quantity"], f"syn match {g['quantity']} {_pattern(START + self.quantity)} contains={g['unit']}"),
            (f"{g['unit']}_per", f"syn match {g['unit']}_per {_pattern(AFTER_DIGIT + per + self.units + self.unit_end)}"),
            (g["range"], f"syn match {g['range']} {_pattern(START + self.quantity + op + self.quantity)}"
                         f" contains={g['quantity']},{g['range-operator']}"),
            (g["string"], f"syn region {g['string']} start=/\"/ end=/\"\\|$/ contains={g['escape']}"),
            (g["triple-string"], f"syn region {g['triple-string']} start=/\"\"\"/ end=/\"\"\"/ contains={g['escape']}"),
            (g["comment"], f"syn match {g['comment']} +//.*$+"),
            (g["pragma"], f"syn match {g['pragma']} +//\\s*{pragma}{END}.*$+ contains={g['pragma-keyword']}"),
        ]
        self.add('" ---- inside any line ' + "-" * 54)
        for _, definition in items:
            self.add(definition)
        self.add(f"syn match {g['unit']} {_pattern(AFTER_DIGIT + self.units + self.unit_end)} contained")
        self.add(f"syn match {g['unit']} {_pattern(prefixes + BEFORE_DIGIT)} contained")
        self.add(f"syn match {g['range-operator']} {_pattern(VIM.write_literal(lang.range_op))} contained")
        self.add(f"syn match {g['escape']} {_pattern(escape)} contained")
        self.add(f"syn match {g['pragma-keyword']} +{pragma}+ contained")
        return [group for group, _ in items]

    def kinds(self) -> None:
        lang, g = self.lang, self.group
        self.add()
        self.add('" ---- blocks: what the lines of each kind of block may start with ' + "-" * 11)
        # After the indentation and an optional timing: where a line's first word stands.
        at_line_start = r"\%(^\s*\%(" + self.timing + r"\s\+\)\=\)\@<="
        spoken = r"\s*\%(([^)]*)\)\=\s*:\=\s*" + '"'
        delivery_before = r"\%(^\s*\%(" + self.timing + r"\s\+\)\=" + self.name + r"\s*\)\@<="
        for name, kind in sorted(lang.kinds.items()):
            members = ["@shotInline"]
            if "declared" in kind.roles:
                anchor = LINE_START + self.name
                self.add(f"syn match {g['declared']}_{name} {_pattern(anchor)} contained")
                members.append(f"{g['declared']}_{name}")
            if "speaker" in kind.roles:
                speaker = at_line_start + self.name + r"\ze" + spoken
                delivery = delivery_before + r"([^)]*)\ze\s*:\=\s*" + '"'
                self.add(f"syn match {g['speaker']}_{name} {_pattern(speaker)} contained")
                self.add(f"syn match {g['delivery']}_{name} {_pattern(delivery)} contained")
                members += [f"{g['speaker']}_{name}", f"{g['delivery']}_{name}"]
            if kind.leaders:
                leader = at_line_start + _words(kind.leaders) + END
                self.add(f"syn match {g['statement']}_{name} {_pattern(leader)} contained")
                members.append(f"{g['statement']}_{name}")
            if kind.declares:
                header = r"\%(^\s*" + _words(kind.declares) + r"\s\+\)\@<=" + self.name
                self.add(f"syn match {g['declared']}_{name}_header {_pattern(header)} contained")
                members.append(f"{g['declared']}_{name}_header")
            for word, inner in sorted(kind.opens.items()):
                members.append(f"shotBlock_{_ident(word)}_{inner}")
            self.add(f"syn cluster shotKind_{name} contains={','.join(members)}")
        self.add()
        regions = set()
        for kind in lang.kinds.values():
            regions |= set(kind.opens.items())
        for word, inner in sorted(regions):
            start = HEADER_START + VIM.write_literal(word) + END
            self.add(f"syn region shotBlock_{_ident(word)}_{inner} matchgroup={g['statement']} "
                     f"start={_pattern(start)} "
                     f"end={_pattern(BLOCK_END)} contained contains=@shotKind_{inner}")

    def declarations(self) -> None:
        lang, g = self.lang, self.group
        self.add()
        self.add('" ---- top-level declarations ' + "-" * 48)
        declared = r"\%(^" + _words(lang.declares) + r"\s\+\)\@<=" + self.name
        self.add(f"syn match {g['declared']}_top {_pattern(declared)} contained")
        for word, kind in sorted(lang.declarations.items()):
            keyword = VIM.write_literal(word) + END
            if kind is None:
                self.add(f"syn match {g['declaration']} {_pattern(LINE_START + keyword)}")
                continue
            self.add(f"syn region shotDecl_{_ident(word)} matchgroup={g['declaration']} "
                     f"start={_pattern(HEADER_START + keyword)} "
                     f"end={_pattern(BLOCK_END)} contains=@shotKind_{kind},{g['declared']}_top")

    def links(self, categories: dict) -> None:
        self.add()
        self.add('" ---- colours: each category links to a standard group ' + "-" * 22)
        for category in categories.values():
            if category.vim:
                self.add(f"hi def link {category.vim} {category.vim_link}")
        defined = {line.split()[2] for line in self.lines if line.startswith(("syn match ", "syn region "))}
        derived = sorted(defined - {c.vim for c in categories.values()})
        for group in derived:
            if group.startswith("shot") and "_" in group and not group.startswith(("shotBlock_", "shotDecl_")):
                self.add(f"hi def link {group} {group.split('_')[0]}")


def emit(lang: Language, categories: dict) -> str:
    w = _Writer(lang, categories)
    w.add('" Vim syntax file for SoraScript shot lists (.shot).')
    w.add('" Generated by editors/generate.py from grammar/shot.lark and sorascript/vocab.py; do not edit.')
    w.add('if exists("b:current_syntax")')
    w.add("  finish")
    w.add("endif")
    w.add("let s:cpo_save = &cpo")
    w.add("set cpo&vim")
    w.add()
    w.add("syn case match")
    w.add('" Names are letters, digits, `_` and inner hyphens: `medium-close-up` is one word.')
    w.add("syn iskeyword @,48-57,_,192-255,45")
    w.add('" Which block a line is in depends on every header above it.')
    w.add("syn sync fromstart")
    w.add()
    inline = w.inline()
    w.add(f"syn cluster shotInline contains={','.join(inline)}")
    w.kinds()
    w.declarations()
    w.links(categories)
    w.add()
    w.add('let b:current_syntax = "shot"')
    w.add("let &cpo = s:cpo_save")
    w.add("unlet s:cpo_save")
    return "\n".join(w.lines) + "\n"
