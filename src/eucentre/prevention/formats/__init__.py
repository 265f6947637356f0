"""Readers of the import formats: each turns a decoded file into (line, fields) pairs, or
raises FormatError naming the line. They share the bounds in `common`."""
