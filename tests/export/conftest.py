"""Shared helpers for the export tests."""

from __future__ import annotations

from nnstudio.spec.presets import preset_names

from .networks import EXTRA_NETWORKS

ALL_NETWORKS = [*preset_names(), *EXTRA_NETWORKS]
