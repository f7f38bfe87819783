"""Training in the app: the worker thread, its controller and the settings panel."""
