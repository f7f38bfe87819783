"""The math of NN Studio: a small neural-network library on NumPy or CuPy (no Qt, no spec)."""
