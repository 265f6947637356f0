"""Demo data for `make run`: benign, synthetic, and refused in production."""
