"""Text to AST. Nothing outside this package imports Lark."""

from sorascript.syntax.parser import parse

__all__ = ["parse"]
