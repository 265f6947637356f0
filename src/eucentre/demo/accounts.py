"""The demo organisations, keys and staff accounts as data: what `eucentre demo load` creates
and prints, apart from the code that creates it (SQLAlchemy, the services), so that the CLI's
help can show the demo provider's key as a default."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from eucentre.kinds import OrganisationKind, Role

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
    DemoOrganisation(
        "Coordinator Germany (demo)",
        OrganisationKind.coordinator,
        "DE",
        key="euc_democoordde_coordinator-de-demo-key-not-secret",
    ),
)

DEMO_USERS = (
    ("analyst@demo.eucentre.eu", Role.analyst),
    ("analyst2@demo.eucentre.eu", Role.analyst),
    ("senior@demo.eucentre.eu", Role.senior_analyst),
    ("admin@demo.eucentre.eu", Role.administrator),
    ("auditor@demo.eucentre.eu", Role.auditor),
    # The prevention catalogue's two editors (four eyes) and a listed practitioner.
    ("editor@demo.eucentre.eu", Role.editor),
    ("editor2@demo.eucentre.eu", Role.editor),
    ("practitioner@demo.eucentre.eu", Role.network_member),
)


# People of the demo authorities, who sign in to read and answer their referrals.
DEMO_OFFICERS = (
    ("officer.de@demo.eucentre.eu", "Bundeskriminalamt (demo)"),
    ("officer.fr@demo.eucentre.eu", "Police nationale (demo)"),
    ("officer.europol@demo.eucentre.eu", "Europol (demo)"),
)


# People of the demo Member State coordinator, who report their country's figures (monitoring).
DEMO_COORDINATORS = (("coordinator.de@demo.eucentre.eu", "Coordinator Germany (demo)"),)


def demo_totp_secret(email: str) -> str:
    """Fixed per demo account, so an authenticator app set up once keeps working across runs."""
    import hashlib  # loads OpenSSL: not for every start of the CLI

    return base64.b32encode(
        hashlib.sha256(f"eucentre-demo:{email}".encode()).digest()[:20]
    ).decode()
