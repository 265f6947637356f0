"""Defaults the CLI shows in its help, apart from the index code (numpy, numba)."""

DEFAULT_MAX_DISTANCE = 31
