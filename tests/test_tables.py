"""One way to add a construct: grammar rule, AST node, one row in each table.

Every statement class and every item class of `camera:`, `lighting:`,
`layers:`, `beats:`, `dialogue:` and `sound:` must have a check, a lowering,
and a lint row (text to lint, or listed as text-free). Every grammar rule
that builds a node must have a builder. These tests fail when a row is
missing, so that a new construct cannot be silently ignored by a phase.
"""

from __future__ import annotations

import inspect
import re
import typing

import pytest

from sorascript import resources
from sorascript.lower import content
from sorascript.sema import checks, lints
from sorascript.syntax import ast
from sorascript.syntax.build import Builder

# (union of classes, check table, lowering table, lint table)
GROUPS = {
    "shot statements": (ast.Stmt, checks.STMT_CHECKS, content.STMT_LOWERING, lints.STMT_TEXTS),
    "camera items": (ast.CameraItem, checks.CAMERA_CHECKS, content.CAMERA_LOWERING, lints.CAMERA_TEXTS),
    "lighting items": (ast.LightingItem, checks.LIGHTING_CHECKS, content.LIGHTING_LOWERING, lints.LIGHTING_TEXTS),
    "layer items": (ast.LayerItem, checks.LAYER_CHECKS, content.LAYER_LOWERING, lints.LAYER_TEXTS),
    "beat items": (ast.BeatItem, checks.BEAT_CHECKS, content.BEAT_LOWERING, lints.BEAT_TEXTS),
    "dialogue items": (ast.DialogueItem, checks.DIALOGUE_CHECKS, content.DIALOGUE_LOWERING, lints.DIALOGUE_TEXTS),
    "sound items": (ast.SoundItem, checks.SOUND_CHECKS, content.SOUND_LOWERING, lints.SOUND_TEXTS),
}


@pytest.mark.parametrize("group", GROUPS)
def test_every_class_has_a_check_a_lowering_and_a_lint_row(group):
    union, check_table, lowering_table, lint_table = GROUPS[group]
    classes = typing.get_args(union)
    assert classes
    for name, table in (("check", check_table), ("lowering", lowering_table), ("lint", lint_table)):
        missing = [c.__name__ for c in classes if c not in table]
        assert not missing, f"{group}: no {name} row for {missing}"
        extra = [c.__name__ for c in table if c not in classes]
        assert not extra, f"{group}: the {name} table has rows for classes outside the group: {extra}"


def test_every_declaration_has_a_check():
    missing = [c.__name__ for c in typing.get_args(ast.Decl) if c not in checks.DECL_CHECKS]
    assert not missing


def _node_classes():
    return {c for _, c in inspect.getmembers(ast, inspect.isclass) if issubclass(c, ast.Node) and c is not ast.Node}


def test_every_statement_class_is_in_a_group():
    """A statement node (it has a KIND) that no group names would be skipped by every table."""
    grouped = {c for union, *_ in GROUPS.values() for c in typing.get_args(union)}
    grouped |= set(typing.get_args(ast.Decl)) | set(typing.get_args(ast.ModelItem)) | set(typing.get_args(ast.StyleItem))
    parts = {ast.Blend, ast.Grade, ast.Film, ast.Voice, ast.Wardrobe, ast.Cameo, ast.LocationTime, ast.LocationWeather,
             ast.LensSpec, ast.Continuity, ast.Keep, ast.Conform}  # items of declarations, checked with their declaration
    statements = {c for c in _node_classes() if "KIND" in vars(c)}
    loose = sorted(c.__name__ for c in statements - grouped - parts)
    assert not loose, f"statement classes in no table group: {loose}"


def test_every_grammar_rule_has_a_builder():
    grammar = resources.grammar_text()
    rules = set(re.findall(r"^([a-z][a-z0-9_]*)\s*(?:\.\d+)?\s*:", grammar, re.M))
    aliases = set(re.findall(r"->\s*([a-z][a-z0-9_]*)", grammar))
    aliased_rules = {r for r in rules if re.search(rf"^{r}\s*:[^\n]*->", grammar, re.M)}
    wanted = (rules - aliased_rules) | aliases
    missing = sorted(r for r in wanted if not callable(getattr(Builder, r, None)))
    assert not missing, f"grammar rules without a builder: {missing}"
