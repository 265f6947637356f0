"""The example domain's demo data: one greeting in the outbox, once."""

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.kit.blobstore import BlobStore
from eucentre.models.outbox import OutboxMessage
from eucentre.platform import outbox
from tests.platform.greetings.outbox import KIND


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    present = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == KIND)
    )
    if present:
        return []
    outbox.put(session, KIND, {"to": "demo"})
    return ["a demo greeting"]
