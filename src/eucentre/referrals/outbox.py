"""The referral kind of outbox message: build the referral's package (a ZIP with the reports
forwarded to its authority, their files and a SHA-256 manifest), store it sealed, and make the
referral available. Reports forwarded since the last package make the next version."""

from __future__ import annotations

from eucentre.kit.time import utcnow
from eucentre.models import ReferralPackage
from eucentre.platform.outbox import Delivery, OutboxHandler
from eucentre.referrals import package, repository
from eucentre.reports.referring import PUBLISH


def publish(delivery: Delivery) -> None:
    """Idempotent: a version is built once, and building it again gives the same bytes; the
    first availability is kept."""
    session, blobs = delivery.session, delivery.context.blobs
    referral = repository.for_update(session, delivery.payload["referral_id"])
    if referral is None or referral.package_deleted_at is not None:
        return
    added = repository.unpackaged(session, referral.id)
    version = referral.package_version
    if added:
        # Never grow a version the authority may already hold: additions are the next one.
        if version is None or repository.version(session, referral_id=referral.id, number=version):
            version = (version or 0) + 1
        for row in added:
            row.package_version = version
        session.flush()
    if version is None:
        return
    built_before = repository.version(session, referral_id=referral.id, number=version)
    if built_before is not None and referral.package_blob_id:
        return
    previous = repository.version(session, referral_id=referral.id, number=version - 1)
    built = package.build(
        session,
        referral=referral,
        version=version,
        blobs=blobs,
        secret=delivery.context.settings.secret,
        previous_sha256=previous.sha256 if previous else None,
    )
    old = referral.package_blob_id
    referral.package_blob_id = blobs.put(built.data)
    referral.package_sha256 = built.sha256
    referral.package_version = version
    count = len(
        repository.forwarded(session, authority_id=referral.authority_id, referral_id=referral.id)
    )
    if built_before is None:
        session.add(
            ReferralPackage(
                referral_id=referral.id, version=version, sha256=built.sha256, report_count=count
            )
        )
    if referral.status == "pending":
        referral.status = "available"
        referral.available_at = utcnow()
    if old:
        blobs.delete(old)


PUBLISH_HANDLER = OutboxHandler(PUBLISH, publish)
