"""Switched-off units on the canvas: a grey tag on the layer's top edge ("2 off"), whose
tooltip names them; ``show_switched_off(scene, off)`` follows the window's AblationState."""

from __future__ import annotations

import html

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.node_tags import NodeTag, put_tag, remove_tag, tag_of

KIND = "off"


def show_switched_off(scene: NetworkScene, off: dict[str, set[int]]) -> None:
    for node_id in scene.nodes:
        units = sorted(off.get(node_id, ()))
        if not units:
            remove_tag(scene, node_id, KIND)
            continue
        names = ", ".join(f"#{u}" for u in units)
        tip = (f"<b>{html.escape(node_id)}</b>: {len(units)} unit{'s' * (len(units) != 1)} "
               f"switched off ({names}). The Switch off page (Inside tab) shows what that does "
               "to the accuracy; the weights are unchanged until you apply it.")
        put_tag(scene, node_id, KIND, "left").set_tag(f"{len(units)} off", "#eceff3",
                                                      "#374151", tip)


def switched_off_tag(scene: NetworkScene, node_id: str) -> NodeTag | None:
    return tag_of(scene, node_id, KIND)
