"""The `eucentre` command line: one Typer app, each domain contributing its own commands."""

from __future__ import annotations

import typer

from eucentre.audit.cli import audit_app
from eucentre.auth.cli import keys_app, orgs_app, users_app
from eucentre.clikit import TOP_SETTINGS
from eucentre.demo.cli import demo_app
from eucentre.indicators.cli import guard_app, indicators_app
from eucentre.matching.cli import index_app
from eucentre.media.cli import hash_command
from eucentre.operations.cli import db_app, serve, worker
from eucentre.retention.cli import retention_app

app = typer.Typer(
    name="eucentre",
    help="The EU Centre's operational platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings=TOP_SETTINGS,
)

app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(orgs_app, name="orgs")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(indicators_app, name="indicators")
app.add_typer(guard_app, name="guard")
app.add_typer(retention_app, name="retention")
app.command("hash")(hash_command)
app.add_typer(index_app, name="index")
