"""Referrals to law enforcement: packages, the outbox relay, the authorities\x27 inbox."""

from eucentre.platform.manifest import N_, Manifest, NavEntry

MANIFEST = Manifest(
    name="referrals",
    routers=("eucentre.referrals.api:router", "eucentre.referrals.pages:router"),
    outbox=("eucentre.referrals.outbox:PUBLISH_HANDLER",),
    navigation=(NavEntry(N_("Referrals"), "/authority/referrals", audience="authority"),),
    scopes={"authority": ("referrals:read", "referrals:write")},
    blob_references=("eucentre.models:Referral.package_blob_id",),
)
