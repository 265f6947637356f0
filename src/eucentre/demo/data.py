"""The demo organisations, accounts and keys. Loading is idempotent: what exists is kept."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.audit import service as audit
from eucentre.auth import repository
from eucentre.auth import service as auth_service
from eucentre.auth.demo_marks import DEMO_EMAIL_DOMAIN, DEMO_KEY_PREFIX
from eucentre.demo import media
from eucentre.indicators import repository as indicator_repository
from eucentre.indicators import service as indicator_service
from eucentre.indicators.media import candidates_from_file
from eucentre.kit.blobstore import BlobStore
from eucentre.media.hashing import hash_file
from eucentre.models import ApiKey, OrganisationKind, Role, StaffUser
from eucentre.models.staff import AUTHORITY_OFFICER
from eucentre.rules.indicator_status import Action

DEMO_ACTOR = "demo"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose; demo refuses production


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: OrganisationKind
    country: str
    is_europol: bool = False
    key: str | None = None


DEMO_ORGANISATIONS = (
    DemoOrganisation("EU Centre", OrganisationKind.centre, "NL"),
    DemoOrganisation(
        "Demo Photo Service",
        OrganisationKind.provider,
        "IE",
        key="euc_demoprov01_provider-demo-key-not-secret",
    ),
    DemoOrganisation(
        "Bundeskriminalamt (demo)",
        OrganisationKind.authority,
        "DE",
        key="euc_demoauthde_authority-de-demo-key-not-secret",
    ),
    DemoOrganisation(
        "Police nationale (demo)",
        OrganisationKind.authority,
        "FR",
        key="euc_demoauthfr_authority-fr-demo-key-not-secret",
    ),
    DemoOrganisation(
        "Europol (demo)",
        OrganisationKind.authority,
        "NL",
        is_europol=True,
        key="euc_demoeuropol_europol-demo-key-not-secret",
    ),
)

DEMO_USERS = (
    ("analyst@demo.eucentre.eu", Role.analyst),
    ("analyst2@demo.eucentre.eu", Role.analyst),
    ("senior@demo.eucentre.eu", Role.senior_analyst),
    ("admin@demo.eucentre.eu", Role.administrator),
    ("auditor@demo.eucentre.eu", Role.auditor),
)


# People of the demo authorities, who sign in to read and answer their referrals.
DEMO_OFFICERS = (
    ("officer.de@demo.eucentre.eu", "Bundeskriminalamt (demo)"),
    ("officer.fr@demo.eucentre.eu", "Police nationale (demo)"),
    ("officer.europol@demo.eucentre.eu", "Europol (demo)"),
)
DEMO_USERS_WHO_CONFIRM = ("analyst@demo.eucentre.eu", "analyst2@demo.eucentre.eu")
# Of the demo images, this many become verified indicators; the rest wait as candidates.
VERIFIED_DEMO_IMAGES = 4


def demo_totp_secret(email: str) -> str:
    """Fixed per demo account, so an authenticator app set up once keeps working across runs."""
    return base64.b32encode(
        hashlib.sha256(f"eucentre-demo:{email}".encode()).digest()[:20]
    ).decode()


def load(session: Session, *, secret: bytes, blobs: BlobStore, media_dir: Path) -> list[str]:
    """Create whatever demo data is missing; return what was created."""
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
    return created


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
    analysts = [repository.user_by_email(session, email) for email in DEMO_USERS_WHO_CONFIRM]
    images = media.write_demo_images(media_dir)
    for position, path in enumerate(images):
        record = hash_file(path)
        if indicator_repository.by_value(session, "pdq", record["pdq"]) is not None:
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
    record = hash_file(benign)
    for signal in ("pdq", "md5"):
        indicator_service.add_benign(
            session,
            actor=DEMO_ACTOR,
            signal=signal,
            value=record[signal],
            label="demo benign pattern",
        )
    return created
