"""Demo data: one victim's case, with a known number and PIN so the status page can be tried,
holding the hashes of the first demo pattern (benign, generated). That pattern is a verified
demo indicator, so the case has a match at once, and `eucentre demo simulate` sends it again as
the viral report, which then matches through the real assessment."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.demo.media import write_demo_images
from eucentre.kit.blobstore import BlobStore
from eucentre.media.hashing import hash_file
from eucentre.victims import pins, repository, service
from eucentre.victims.hashes import SubmittedHash, checked
from eucentre.victims.matching import MediaMatch, record

DEMO_NUMBER = "V-DEMVC-ASEAA-AAAA3"
DEMO_PIN = "DEMVP-ASSWD"  # noqa: S105 - published on purpose, like the demo accounts


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    if repository.case_by_number(session, DEMO_NUMBER) is not None:
        return []
    [path] = write_demo_images(media_dir, count=1)
    found = hash_file(path)
    submitted = checked(
        [
            SubmittedHash("pdq", found["pdq"], found["pdq_quality"]),
            SubmittedHash("md5", found["md5"]),
            SubmittedHash("sha256", found["sha256"]),
        ]
    )
    case = service.open_case(
        session,
        new=service.NewCase(submitted, language="en", channel="api"),
        number=DEMO_NUMBER,
        pin_digest=pins.hash_pin(secret, DEMO_NUMBER, DEMO_PIN),
        secret=secret,
    )
    for victim_hash in repository.hashes(session, case.id):
        for indicator in repository.verified_indicators(
            session, victim_hash.signal, [victim_hash.value]
        ):
            match = MediaMatch(case.id, victim_hash.id, victim_hash.signal, 0, "original")
            record(session, match, indicator_id=indicator.id)
    return [f"victim's case {DEMO_NUMBER} (PIN {DEMO_PIN})"]
