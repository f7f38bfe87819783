"""The document a person edits: networks and training settings as plain Python data (no arrays, no Qt)."""
