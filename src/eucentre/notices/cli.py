"""`eucentre hosts add --domain DOMAIN (--org NAME | --abuse-email EMAIL) [--country CC]` and
`eucentre hosts list`."""

from __future__ import annotations

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, cli_transaction, fail

console = Console()
hosts_app = typer.Typer(
    help="Hosting services that notices go to.",
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)


@hosts_app.command("add")
def add(
    domain: str = typer.Option(
        ..., "--domain", help="A host name (covers its subdomains) or an IP range in CIDR notation."
    ),
    org: str | None = typer.Option(None, "--org", help="The provider organisation (API)."),
    abuse_email: str | None = typer.Option(None, "--abuse-email", help="Where to e-mail notices."),
    country: str | None = typer.Option(None, "--country", help="Hosting country (ISO 3166-1)."),
) -> None:
    """Map a domain or an IP range to a provider organisation or an abuse address."""
    if (org is None) == (abuse_email is None):
        raise fail("give exactly one of --org and --abuse-email")
    from eucentre.notices import hosts

    with cli_transaction() as session:
        host = hosts.add(
            session,
            actor=CLI_ACTOR,
            domain=domain,
            organisation_name=org,
            abuse_email=abuse_email,
            country=country,
        )
        console.print(
            f"host {host.id}: {hosts.label(host)} -> "
            + (f"organisation {org}" if org else f"{host.abuse_email}")
            + (f" ({host.country})" if host.country else "")
        )


@hosts_app.command("list")
def list_hosts() -> None:
    """The mapped hosts."""
    from eucentre.notices import hosts, repository

    with cli_transaction() as session:
        for host in repository.hosts(session):
            target = (
                f"organisation:{host.organisation_id}" if host.organisation_id else host.abuse_email
            )
            console.print(f"{host.id}\t{hosts.label(host)}\t{target}\t{host.country or '-'}")
