"""SoraScript: a checked shot-list language for AI video, and its compiler `sorac`."""

__version__ = "0.2.0"
