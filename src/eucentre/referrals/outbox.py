"""The referral kind of outbox message: build the referral's package (a ZIP with the reports,
their files and a SHA-256 manifest), store it sealed, and make the referral available."""

from __future__ import annotations

from eucentre.kit.time import utcnow
from eucentre.models import Referral
from eucentre.platform.outbox import Delivery, OutboxHandler
from eucentre.referrals import package
from eucentre.reports.referring import PUBLISH


def publish(delivery: Delivery) -> None:
    """Idempotent: publishing again replaces the package and keeps the first availability."""
    session, blobs = delivery.session, delivery.context.blobs
    referral = session.get(Referral, delivery.payload["referral_id"])
    if referral is None:
        return
    built = package.build(
        session, referral=referral, blobs=blobs, secret=delivery.context.settings.secret
    )
    old = referral.package_blob_id
    referral.package_blob_id = blobs.put(built.data)
    referral.package_sha256 = built.sha256
    if referral.status == "pending":
        referral.status = "available"
        referral.available_at = utcnow()
    if old:
        blobs.delete(old)


PUBLISH_HANDLER = OutboxHandler(PUBLISH, publish)
