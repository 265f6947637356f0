"""`make run`'s prevention demo: the demo catalogue (published by the two demo editors, four
eyes), one draft waiting for review, and the demo practitioner's directory entry."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.auth import repository as accounts
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import utcnow
from eucentre.platform import cases
from eucentre.prevention import network, repository, service
from eucentre.prevention import network_repository as directory
from eucentre.prevention.demo_catalogue import DEMO_RECORDS
from eucentre.prevention.models import NetworkEntry
from eucentre.prevention.network_fields import clean
from eucentre.prevention.schemas import RecordData

WRITER, REVIEWER = "editor@demo.eucentre.eu", "editor2@demo.eucentre.eu"
PRACTITIONER = "practitioner@demo.eucentre.eu"


def _actor(session: Session, email: str) -> str:
    user = accounts.user_by_email(session, email)
    return f"user:{user.id}" if user else "demo"


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    created: list[str] = []
    writer, reviewer = _actor(session, WRITER), _actor(session, REVIEWER)
    by_url: dict[str, int] = {}
    pending: list[tuple[int, list[str]]] = []
    for position, entry in enumerate(DEMO_RECORDS):
        content = {k: v for k, v in entry.items() if k != "evaluates"}
        data = RecordData.model_validate(content)
        identity = data.identity()
        assert identity is not None
        record = repository.by_identity(session, identity)
        if record is None:
            record = service.create(session, actor=writer, data=data, is_demo=True)
            last = position == len(DEMO_RECORDS) - 1
            if not last:  # the last one stays a draft, waiting for review
                pending.append((record.id, list(entry.get("evaluates", []))))
            created.append(f"prevention record {data.texts[0].title}")
        if data.url:
            by_url[data.url] = record.id
    for record_id, evaluates in pending:
        targets = [by_url[url] for url in evaluates if url in by_url]
        if targets:
            current = repository.get(session, record_id)
            assert current is not None
            revision = service.working(session, current)
            revision.data = {**revision.data, "evaluates": sorted(targets)}
        service.submit(session, actor=writer, record_id=record_id, note="demo")
        service.approve(session, actor=reviewer, record_id=record_id, note="demo")
    created += _practitioner(session, secret=secret)
    return created


def _practitioner(session: Session, *, secret: bytes) -> list[str]:
    user = accounts.user_by_email(session, PRACTITIONER)
    if user is None or directory.by_user(session, user.id) is not None:
        return []
    fields, visibility = clean(
        {
            "name": "Dr. Demo Practitioner",
            "organisation": "Demo Prevention Service",
            "position": "Psychotherapist",
            "country": "AT",
            "languages": ["de", "en"],
            "expertise": ["therapy", "helpline"],
            "target_groups": ["fear_offending"],
            "bio": "A fictitious practitioner for the demonstration of the directory.",
            "website": "https://example.org/demo-practitioner",
            "email": PRACTITIONER,
            "phone": "+43 1 000 0000",
            "visibility_phone": "network",
            "visibility_bio": "network",
        }
    )
    number = network.NUMBERS.new(lambda n: directory.by_number(session, n) is not None)
    facets = {n: fields.pop(n) for n in ("country", "languages", "expertise", "target_groups")}
    session.add(
        NetworkEntry(
            number=number,
            secret_digest=cases.hash_secret(secret, number, cases.new_secret()),
            profile_sealed=network.seal_json(secret, f"network-profile:{number}", fields),
            facets=facets,
            visibility=visibility,
            email_digest=network.digest(secret, "email", PRACTITIONER),
            status="active",
            decided_by="demo",
            decided_at=utcnow(),
            user_id=user.id,
            confirmed_at=utcnow(),
        )
    )
    session.flush()
    return [f"network entry of {PRACTITIONER}"]
