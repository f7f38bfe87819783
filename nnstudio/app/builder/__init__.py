"""The network builder: document, undo commands, canvas, palette, inspector, summary."""
