"""Rendering: from a plan to videos, and from videos to a film.

Submodules are imported on demand; importing this package imports nothing
heavy (no Pillow, no OpenTimelineIO), so `sorac check` stays fast.
"""
