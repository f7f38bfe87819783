"""Weights a student can edit, as TensorFlow Playground allows: click an edge or a neuron
of the network diagram, type a new weight or bias; the outputs, the truth table and the
loss follow at once, and Edit > Undo takes the edit back."""
