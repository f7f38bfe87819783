"""Mime types of what the builder drags and copies."""

LAYER_MIME = "application/x-nnstudio-layer-type"  # payload: the layer type name, UTF-8
FRAGMENT_MIME = "application/x-nnstudio-fragment"  # payload: fragment JSON (clipboard.py)
