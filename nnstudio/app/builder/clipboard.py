"""Copy and paste of a selection: a fragment of nodes and the edges between them, as JSON
under FRAGMENT_MIME (and as plain text, so it can be pasted into an editor)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData

from nnstudio.app.builder.mime import FRAGMENT_MIME
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec, SpecError
from nnstudio.storage.file_input import parse_json

FRAGMENT_FORMAT = "nnstudio.fragment"


def make_fragment(spec: NetworkSpec, node_ids: list[str]) -> dict[str, Any]:
    """The chosen nodes and the edges that run between two of them."""
    chosen = set(node_ids)
    return {
        "format": FRAGMENT_FORMAT,
        "version": 1,
        "nodes": [n.to_json() for n in spec.nodes if n.id in chosen],
        "edges": [e.to_json() for e in spec.edges if e.source in chosen and e.target in chosen],
    }


def fragment_to_mime(fragment: dict[str, Any]) -> QMimeData:
    text = json.dumps(fragment, indent=2)
    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, text.encode("utf-8"))
    mime.setText(text)
    return mime


def fragment_from_mime(mime: QMimeData | None) -> tuple[list[NodeSpec], list[EdgeSpec]] | None:
    """The nodes and edges on the clipboard, or None when it holds no fragment."""
    if mime is None:
        return None
    if mime.hasFormat(FRAGMENT_MIME):
        raw = bytes(mime.data(FRAGMENT_MIME).data()).decode("utf-8", errors="replace")
    elif mime.hasText() and FRAGMENT_FORMAT in mime.text():
        raw = mime.text()
    else:
        return None
    try:
        data = parse_json(raw)  # bad or too deeply nested JSON: ValueError
        if not isinstance(data, dict) or data.get("format") != FRAGMENT_FORMAT:
            return None
        part = NetworkSpec.from_json({"nodes": data.get("nodes", []),
                                      "edges": data.get("edges", [])})
    except (ValueError, SpecError):
        return None
    return part.nodes, part.edges
