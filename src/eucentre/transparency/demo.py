"""Demo data (placeholder)."""


def load(session, *, secret, blobs, media_dir):  # type: ignore[no-untyped-def]
    return []
