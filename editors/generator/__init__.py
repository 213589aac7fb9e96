"""The generator behind editors/generate.py: read the language (language.py),
translate its patterns (regex.py, patterns.py) and write each editor's file (to_*.py)."""
