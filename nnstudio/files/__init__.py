"""The documents a person opens and saves, for the CLI and the app alike: documents.py opens
presets, .nnstudio projects, network JSON and .onnx models and saves projects and JSON, with
one format-version check and one DocumentError naming the file; project.py is the .nnstudio
zip (project.json, weights.npz, history.json)."""
