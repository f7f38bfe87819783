"""Turning node ids (any text a person typed) into names that code and graphs can use."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable


def identifier(text: str, fallback: str = "layer") -> str:
    """A Python identifier made from ``text``: other characters become '_'."""
    name = re.sub(r"\W", "_", text, flags=re.ASCII).strip("_") or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    return name


def class_name(text: str) -> str:
    """A CamelCase class name from a network's name: 'LeNet-5 (MNIST)' -> 'LeNet5Mnist'."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words)[:40] or "Network"
    return f"Net{name}" if name[0].isdigit() else name


def unique_names(ids: Iterable[str], reserved: Iterable[str]) -> dict[str, str]:
    """{id: identifier}, every identifier distinct, not a keyword and not in ``reserved``."""
    taken = set(reserved)
    result = {}
    for node_id in ids:
        base = identifier(node_id)
        name, n = base, 2
        while name in taken or keyword.iskeyword(name):
            name = f"{base}_{n}"
            n += 1
        taken.add(name)
        result[node_id] = name
    return result
