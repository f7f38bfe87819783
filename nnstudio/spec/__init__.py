"""The document a person edits: networks and training settings as plain data (no arrays, no Qt)."""
