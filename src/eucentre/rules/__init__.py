"""The pure core: triage, jurisdiction routing, report status machine and bundling.

Plain functions on frozen dataclasses; no SQLAlchemy, no FastAPI, no I/O. Services call these and
persist what they decide. Each rule is explained in plain language in docs/rules.md.
"""
