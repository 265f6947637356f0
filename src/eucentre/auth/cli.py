"""`eucentre orgs`, `eucentre keys`, `eucentre users`."""

from __future__ import annotations

import sys
from enum import StrEnum

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, fail
from eucentre.kinds import AUTHORITY_OFFICER, COORDINATOR, OrganisationKind, Role

# The services (SQLAlchemy, argon2) are imported by the commands, so that starting `eucentre`
# does not wait for them.

console = Console()
orgs_app = typer.Typer(
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)
keys_app = typer.Typer(
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)
users_app = typer.Typer(no_args_is_help=True, context_settings=GROUP_SETTINGS)


@orgs_app.command("create")
def create_org(
    name: str = typer.Option(..., "--name", help="Unique name."),
    kind: OrganisationKind = typer.Option(
        ..., "--kind", help="provider, authority, coordinator or centre."
    ),
    country: str = typer.Option(..., "--country", help="ISO 3166 two-letter code, e.g. DE."),
    europol: bool = typer.Option(False, "--europol", help="This authority is Europol."),
) -> None:
    """Create an organisation."""
    from eucentre.auth import service

    with cli_transaction() as session:
        org = service.create_organisation(
            session, actor=CLI_ACTOR, name=name, kind=kind, country=country, is_europol=europol
        )
        console.print(f"organisation {org.id} created: {org.name} ({org.kind}, {org.country})")


@keys_app.command("create")
def create_key(
    org: str = typer.Option(..., "--org", help="The organisation's name."),
    scope: list[str] = typer.Option(
        None, "--scope", help="Repeat for several; default: all the kind allows."
    ),
    label: str = typer.Option("", "--label", help="What the key is for."),
) -> None:
    """Create an API key. It is printed once, on the last line, and never again."""
    from eucentre.auth import service

    with cli_transaction() as session:
        new = service.create_key(
            session, actor=CLI_ACTOR, organisation_name=org, scopes=scope or None, label=label
        )
        console.print(f"key {new.key.prefix} for {org}, scopes: {', '.join(new.key.scopes)}")
        console.print("Store it now: it cannot be shown again.")
    # Plain print, so the key is exactly the last line whatever the terminal.
    print(new.plaintext)


@keys_app.command("revoke")
def revoke_key(
    key_id: str = typer.Argument(..., help="The key's id (the part after euc_)."),
) -> None:
    """Revoke a key at once."""
    from eucentre.auth import service

    with cli_transaction() as session:
        key = service.revoke_key(session, actor=CLI_ACTOR, prefix=key_id)
        console.print(f"key {key.prefix} revoked")


class AccountRole(StrEnum):
    analyst = Role.analyst.value
    senior_analyst = Role.senior_analyst.value
    administrator = Role.administrator.value
    auditor = Role.auditor.value
    editor = Role.editor.value
    network_member = Role.network_member.value
    authority_officer = AUTHORITY_OFFICER
    coordinator = COORDINATOR


@users_app.command("create")
def create_user(
    email: str = typer.Option(..., "--email"),
    role: AccountRole = typer.Option(
        ...,
        "--role",
        help="analyst, senior_analyst, administrator, auditor, editor, network_member, "
        "authority_officer or coordinator.",
    ),
    org: str | None = typer.Option(
        None,
        "--org",
        help="For an authority officer: the authority; for a coordinator: the coordinator.",
    ),
) -> None:
    """Create a staff account (or, with --org, an authority officer's or a coordinator's). The
    password is read from standard input; the TOTP secret is printed for the person's
    authenticator app."""
    from eucentre.auth import service, totp
    from eucentre.config import get_settings

    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise fail("give the password on standard input")
    with cli_transaction() as session:
        new = service.create_user(
            session,
            actor=CLI_ACTOR,
            secret=get_settings().secret,
            email=email,
            role=role.value,
            password=password,
            organisation_name=org,
        )
        console.print(f"user {new.user.id} created with role {role.value}")
        console.print(
            f"TOTP provisioning URI: {totp.provisioning_uri(new.totp_secret, new.user.email)}"
        )
    print(f"TOTP secret: {new.totp_secret}")
