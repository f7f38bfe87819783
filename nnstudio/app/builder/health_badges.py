"""Health badges on the canvas: a small tag on each layer's top edge with the signal that
matters for its type (``engine.health``), green, amber or red; its tooltip says what the
signal means in the course's words. ``show_health(scene, health)`` puts them on, None takes
them off."""

from __future__ import annotations

import html

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.node_tags import NodeTag, put_tag, remove_tag, tag_of
from nnstudio.engine.health import AMBER, RED, NetworkHealth, Signal

# (fill, outline and text) per level.
BADGE_COLORS = {
    "ok": ("#e8f5ec", "#2f7d4f"),
    AMBER: ("#fff3d6", "#b86e00"),
    RED: ("#fde8e8", "#c62828"),
}
LEVEL_WORDS = {"ok": "healthy", AMBER: "warning", RED: "problem"}
KIND = "health"


def tooltip(node: str, signals: list[Signal], step: int) -> str:
    """Every signal of ``node``, worst first, as rich text."""
    order = sorted(signals, key=lambda s: (s.level != RED, s.level != AMBER))
    lines = [f"<b>{html.escape(node)}</b> · training health at step {step:,}"]
    for s in order:
        color = BADGE_COLORS[s.level][1]
        lines.append(f"<span style='color:{color}'>● {LEVEL_WORDS[s.level]}</span>: "
                     f"{html.escape(s.text)}")
    return "<br>".join(lines)


def show_health(scene: NetworkScene, health: NetworkHealth | None) -> None:
    """Badges for ``health`` on the scene's nodes (those it names); None removes them."""
    for node_id in scene.nodes:
        shown = health.badge(node_id) if health is not None else None
        if shown is None:
            remove_tag(scene, node_id, KIND)
            continue
        fill, line = BADGE_COLORS[shown.level]
        put_tag(scene, node_id, KIND, "right").set_tag(
            shown.short, fill, line, tooltip(node_id, health.of(node_id), health.step))


def badge_of(scene: NetworkScene, node_id: str) -> NodeTag | None:
    """The health badge on ``node_id`` (tests and screenshots)."""
    return tag_of(scene, node_id, KIND)
