"""The platform with its blobs in an S3-compatible bucket (the scale-out setting): a report's
file and the referral package go to the bucket as ciphertext, the authority downloads the
package, readiness covers the bucket, and retention deletes from it."""

import hashlib
from datetime import timedelta

import httpx

from eucentre.blobs import blob_store
from eucentre.retention import service as retention
from tests.conftest import serving
from tests.reports.helpers import png, submit
from tests.retention.test_retention import YEAR, age_everything, bearer, make_world


def bucket_objects(s3_service, s3_settings) -> dict[str, bytes]:
    client = s3_service.client()
    bucket = s3_settings.blob_url.removeprefix("s3://").split("/")[0]
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def test_reports_and_referrals_work_on_an_s3_bucket(
    s3_settings, s3_service, database, session_factory
) -> None:
    world = make_world(session_factory)
    with serving(s3_settings, database) as url:
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/readyz").json()["checks"]["blobs"] == "ok"
            created = submit(client, world["provider"], files=[png(1)])
            assert created.status_code == 201, created.text
            inbox = client.get("/api/v1/referrals", headers=bearer(world["de"])).json()
            referral = inbox["referrals"][0]
            package = client.get(
                f"/api/v1/referrals/{referral['id']}/package", headers=bearer(world["de"])
            )
            assert package.status_code == 200
            assert hashlib.sha256(package.content).hexdigest() == referral["package_sha256"]

        stored = bucket_objects(s3_service, s3_settings)
        assert len(stored) >= 2  # the file and at least one package
        assert all(key.startswith("blobs/") for key in stored)
        assert not any(png(1) in data or b"PK\x03\x04" in data for data in stored.values())

        age_everything(session_factory, YEAR + timedelta(days=1))
        run = retention.enforce(
            session_factory, blobs=blob_store(s3_settings), retention=s3_settings.retention
        )
        assert run.files_deleted == 1 and run.packages_deleted >= 1
        assert bucket_objects(s3_service, s3_settings) == {}
