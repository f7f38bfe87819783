"""Bytes on disk, below every format: atomic_write.py is the one atomic write of every file
saved, file_input.py reads regular files only, bounded (and JSON with bounded nesting), and
weights_archive.py reads and writes the npz of a network's weights."""
