"""The demo organisations, accounts and keys. Loading is idempotent: what exists is kept."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.audit import service as audit
from eucentre.auth import repository
from eucentre.auth import service as auth_service
from eucentre.auth.demo_marks import DEMO_EMAIL_DOMAIN, DEMO_KEY_PREFIX
from eucentre.demo import media
from eucentre.demo.accounts import (
    DEMO_OFFICERS,
    DEMO_ORGANISATIONS,
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_totp_secret,
)
from eucentre.domains import installed
from eucentre.indicators import repository as indicator_repository
from eucentre.indicators import service as indicator_service
from eucentre.indicators.media import candidates_from_file
from eucentre.kinds import AUTHORITY_OFFICER
from eucentre.kit.blobstore import BlobStore
from eucentre.media.hashing import hash_file
from eucentre.models import ApiKey, StaffUser
from eucentre.platform.manifest import Domains
from eucentre.rules.indicator_status import Action
from eucentre.signals import MediaFile, registry

DEMO_ACTOR = "demo"
DEMO_USERS_WHO_CONFIRM = ("analyst@demo.eucentre.eu", "analyst2@demo.eucentre.eu")
# Of the demo images, this many become verified indicators; the rest wait as candidates.
VERIFIED_DEMO_IMAGES = 4


def load(
    session: Session,
    *,
    secret: bytes,
    blobs: BlobStore,
    media_dir: Path,
    domains: Domains | None = None,
) -> list[str]:
    """Create whatever demo data is missing, the platform's then every installed domain's;
    return what was created."""
    created: list[str] = []
    for demo in DEMO_ORGANISATIONS:
        if repository.organisation_by_name(session, demo.name) is None:
            auth_service.create_organisation(
                session,
                actor=DEMO_ACTOR,
                name=demo.name,
                kind=demo.kind,
                country=demo.country,
                is_europol=demo.is_europol,
            )
            created.append(f"organisation {demo.name}")
        if demo.key and repository.key_by_prefix(session, demo.key.split("_")[1]) is None:
            auth_service.create_key(
                session,
                actor=DEMO_ACTOR,
                organisation_name=demo.name,
                plaintext=demo.key,
                label="demo",
            )
            created.append(f"key for {demo.name}")
    for email, role in DEMO_USERS:
        if repository.user_by_email(session, email) is None:
            auth_service.create_user(
                session,
                actor=DEMO_ACTOR,
                secret=secret,
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret(email),
            )
            created.append(f"user {email}")
    for email, organisation in DEMO_OFFICERS:
        if repository.user_by_email(session, email) is None:
            auth_service.create_user(
                session,
                actor=DEMO_ACTOR,
                secret=secret,
                email=email,
                role=AUTHORITY_OFFICER,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret(email),
                organisation_name=organisation,
            )
            created.append(f"authority officer {email}")
    created += load_indicators(session, blobs=blobs, media_dir=media_dir)
    # Then each domain's own, on top of these organisations and accounts.
    for load_domain in (domains or installed()).demo_loaders:
        created += load_domain(session, secret=secret, blobs=blobs, media_dir=media_dir)
    return created


def _user(session: Session, email: str) -> StaffUser:
    user = repository.user_by_email(session, email)
    if user is None:
        # load() creates the accounts before the indicators they confirm.
        raise LookupError(f"demo account {email} is missing: run load(), not load_indicators()")
    return user


def retire(session: Session, *, actor: str) -> list[str]:
    """Revoke the demo keys and deactivate the demo accounts (their credentials are published),
    wherever they came from; what a production database that once held demo data needs."""
    retired: list[str] = []
    for key in session.scalars(
        select(ApiKey).where(ApiKey.prefix.startswith(DEMO_KEY_PREFIX), ApiKey.revoked_at.is_(None))
    ):
        auth_service.revoke_key(session, actor=actor, prefix=key.prefix)
        retired.append(f"key {key.prefix}")
    for user in session.scalars(
        select(StaffUser).where(
            StaffUser.email.endswith(DEMO_EMAIL_DOMAIN), StaffUser.is_active.is_(True)
        )
    ):
        user.is_active = False
        audit.record(
            session, actor=actor, action="user.deactivated", object_type="user", object_id=user.id
        )
        retired.append(f"account {user.email}")
    session.flush()
    return retired


def load_indicators(session: Session, *, blobs: BlobStore, media_dir: Path) -> list[str]:
    """Verified indicators from benign demo images (confirmed by the two demo analysts), a few
    candidates waiting in the queue, and one benign image in the guard."""
    created: list[str] = []
    analysts = [_user(session, email) for email in DEMO_USERS_WHO_CONFIRM]
    images = media.write_demo_images(media_dir)
    for position, path in enumerate(images):
        found = registry.hash_media(MediaFile(path.read_bytes(), hash_file(path)))
        if any(
            indicator_repository.by_value(session, signal, value) is not None
            for signal, value, _ in indicator_service.media_candidates(found)
        ):
            continue
        made = candidates_from_file(
            session,
            actor=DEMO_ACTOR,
            path=path,
            blobs=blobs,
            source_kind="demo",
            source_name="demo patterns",
            labels=("demo",),
        )
        created.append(f"indicators from {path.name}")
        if position < VERIFIED_DEMO_IMAGES:
            for indicator in made:
                for analyst in analysts:
                    indicator_service.decide(
                        session,
                        actor=f"user:{analyst.id}",
                        indicator_id=indicator.id,
                        action=Action.confirm,
                    )
    benign = media.write_demo_images(media_dir / "benign", first_seed=100, count=1)[0]
    found = registry.hash_media(MediaFile(benign.read_bytes(), hash_file(benign)))
    for signal, value, _ in indicator_service.media_candidates(found):
        indicator_service.add_benign(
            session, actor=DEMO_ACTOR, signal=signal, value=value, label="demo benign pattern"
        )
    return created
