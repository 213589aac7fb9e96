"""Diagnostics: one model for every phase, three renderers, and explanations."""

from sorascript.diagnostics.model import Diagnostic, Fix, Label, Severity, make

__all__ = ["Diagnostic", "Fix", "Label", "Severity", "make"]
