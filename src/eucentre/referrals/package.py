"""The referral package: a ZIP with the data of the reports forwarded to the referral's
authority (no other report of the bundle), the Centre's assessment and the files, and a SHA-256
manifest of everything in it. A package is one version: the same version builds to the same
bytes, and a report forwarded later makes the next version, which names what it adds."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import as_utc
from eucentre.models import Referral
from eucentre.referrals import repository
from eucentre.reports import repository as reports
from eucentre.reports.intake import payload_of
from eucentre.signals import registry

MANIFEST = "manifest.sha256"


@dataclass(frozen=True)
class Package:
    data: bytes
    sha256: str


def build(
    session: Session,
    *,
    referral: Referral,
    version: int,
    blobs: BlobStore,
    secret: bytes,
    previous_sha256: str | None = None,
) -> Package:
    members: dict[str, bytes] = {}
    described = []
    carried = [
        (report, row)
        for report, row in repository.forwarded(
            session, authority_id=referral.authority_id, referral_id=referral.id
        )
        if row.package_version is not None and row.package_version <= version
    ]
    for report, row in carried:
        files = []
        for item in reports.items(session, report.id):
            entry: dict = {
                signal_type.name: item.value_of(signal_type.name)
                for signal_type in registry.in_reports()
            }
            entry |= {"kind": item.kind, "media_type": item.media_type, "error": item.error_code}
            # The package names each file by its SHA-256 (the manifest's own digest), which
            # hashing the file recorded.
            digest = item.value_of("sha256")
            if item.kind == "file" and item.blob_id and digest:
                name = f"files/{digest}"
                members[name] = blobs.get(item.blob_id)
                entry["path"] = name
            files.append(entry)
        described.append(
            {
                "report_id": report.id,
                "provider_id": report.provider_id,
                "provider_reference": report.provider_reference,
                "received_at": as_utc(report.received_at).isoformat(),
                "forwarded_at": as_utc(row.forwarded_at).isoformat(),
                "added_in_version": row.package_version,
                "urgent": report.urgent,
                "report": payload_of(report, secret=secret),
                "assessment": {"reasons": report.triage_reasons, "routing": report.routing},
                "matches": [
                    {
                        "indicator_id": m.indicator_id,
                        "list": m.list_name,
                        "distance": m.distance,
                        "variant": m.variant,
                        "signal": m.signal,
                    }
                    for m in reports.matches(session, report.id)
                ],
                "files": files,
            }
        )
    members["referral.json"] = json.dumps(
        {
            "referral_id": referral.id,
            "bundle_id": referral.bundle_id,
            "urgent": referral.urgent,
            "created_at": as_utc(referral.created_at).isoformat(),
            "package_version": version,
            "new_report_ids": [r.id for r, row in carried if row.package_version == version],
            # Chains the versions: what this one adds to is the package the authority has.
            "previous_package_sha256": previous_sha256,
            "reports": described,
        },
        indent=2,
        sort_keys=True,
    ).encode()
    manifest = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(members.items())
    )
    # Entries dated by the version's content, not the clock, so that building a version again
    # (a retried outbox message) gives the checksum the authority was already told.
    latest = max((as_utc(row.forwarded_at) for _, row in carried), default=None)
    stamp = (latest or as_utc(referral.created_at)).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*sorted(members.items()), (MANIFEST, manifest.encode())]:
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    return Package(data=data, sha256=hashlib.sha256(data).hexdigest())
