"""Demo hosts: the demo provider's service (notified through the API) and an external host
(notified by e-mail), so the staff pages have something to show. Idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.kit.blobstore import BlobStore
from eucentre.notices import hosts, repository

DEMO_ACTOR = "demo"
PROVIDER_HOST = "photos.demo.example"
EMAIL_HOST = "files.demo.example"
DEMO_PROVIDER = "Demo Photo Service"


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    created = []
    provider = repository.organisation_by_name(session, DEMO_PROVIDER)
    if repository.host_by_domain(session, PROVIDER_HOST) is None and provider is not None:
        hosts.add(session, actor=DEMO_ACTOR, domain=PROVIDER_HOST, organisation_name=DEMO_PROVIDER)
        created.append(f"host {PROVIDER_HOST}")
    if repository.host_by_domain(session, EMAIL_HOST) is None:
        hosts.add(
            session,
            actor=DEMO_ACTOR,
            domain=EMAIL_HOST,
            abuse_email=f"abuse@{EMAIL_HOST}",
            country="DE",
        )
        created.append(f"host {EMAIL_HOST}")
    return created
