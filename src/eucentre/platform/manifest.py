"""What a domain adds to the platform, declared once in its package as `MANIFEST`.

A manifest names the heavy parts (routers, task modules, CLI apps, outbox handlers) by import
reference, "package.module:attribute", and resolves them only when the platform needs them: the
command line then imports no web framework to print its help, and the entry points (`app.py`,
`worker.py`, `cli.py`) import no domain by name, so no import cycle runs through them.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any


def resolve(reference: str) -> Any:
    """The object a "package.module:attribute.path" reference names."""
    module_name, _, attribute_path = reference.partition(":")
    if not module_name or not attribute_path:
        raise ValueError(f"not an import reference (module:attribute): {reference!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute_path.split("."):
        target = getattr(target, part)
    return target


@dataclass(frozen=True)
class Command:
    """A command of the `eucentre` CLI: a Typer app (a group of commands) or a single function.
    `help` is its line in `eucentre --help`, shown without importing the module (a group without
    a help of its own shows it too); a command without one is imported to be listed."""

    name: str
    reference: str
    group: bool = True
    help: str = ""


@dataclass(frozen=True)
class NavEntry:
    """A link in the navigation of one audience ("staff", "authority", "coordinator" or
    "public"). Staff links name the roles that see them; a link to a page one may not open is
    not shown."""

    label: str
    href: str
    audience: str = "staff"
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PublicService:
    """A service the public can use, shown as a card on the home page (title and summary are
    marked with N_ and translated where shown)."""

    title: str
    summary: str
    href: str


@dataclass(frozen=True)
class Manifest:
    """Everything one domain adds. All references are resolved lazily (see `resolve`).

    - routers: FastAPI routers, in the order they are included;
    - tasks: modules with a `TASKS` tuple of platform.tasks.Task / Periodic declarations;
    - outbox: platform.outbox.OutboxHandler objects, one per message kind;
    - commands: the domain's CLI;
    - navigation: links per audience and role;
    - public_services: the cards of the home page that lead to the domain's public pages;
    - scopes: API key scopes by organisation kind ("provider", "authority");
    - implied_scopes: a scope that includes others (older keys keep working);
    - blob_references: "module:Model.column" of every column that holds a blob id, so the orphan
      sweep never deletes a blob a record still names;
    - models: modules of SQLAlchemy models kept in the domain's own folder (for Alembic);
    - demo: functions `load(session, *, secret, blobs, media_dir) -> list[str]` that add the
      domain's demo data after the platform's own (idempotent; they return what they created);
    - static: a folder of the domain's package served at `/static/<name>/` (its scripts);
    - hooks: named extension points another domain offers ("reports.assessed"), each with the
      references of this domain's callables for it, so the offering domain calls them without
      importing this one (what a point's callables take and return is documented where the
      point is offered).

    Templates (`<package>/templates/`) and translations (`<package>/locale/`) are found by
    their folders, as web/templating.py and web/i18n.py describe.
    """

    name: str
    routers: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    outbox: tuple[str, ...] = ()
    commands: tuple[Command, ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    public_services: tuple[PublicService, ...] = ()
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    implied_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blob_references: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    demo: tuple[str, ...] = ()
    static: str | None = None
    package: str = ""
    hooks: dict[str, tuple[str, ...]] = field(default_factory=dict)


def load(packages: Iterable[str]) -> Domains:
    """The manifests of these domain packages, in this order."""
    manifests = []
    for package in packages:
        manifest = getattr(importlib.import_module(package), "MANIFEST", None)
        if not isinstance(manifest, Manifest):
            raise TypeError(f"{package} declares no MANIFEST = Manifest(...)")
        # Where the domain lives, for its static folder and catalogue (a manifest need not say).
        manifests.append(manifest if manifest.package else replace(manifest, package=package))
    return Domains(tuple(manifests))


@dataclass(frozen=True)
class Domains:
    """The installed domains, and what they add up to. Resolving is cached per instance."""

    manifests: tuple[Manifest, ...]

    def __post_init__(self) -> None:
        names = [manifest.name for manifest in self.manifests]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(f"domains declared twice: {', '.join(duplicated)}")

    def plus(self, *manifests: Manifest) -> Domains:
        return Domains(self.manifests + manifests)

    @cached_property
    def routers(self) -> tuple[Any, ...]:
        return tuple(resolve(ref) for manifest in self.manifests for ref in manifest.routers)

    @cached_property
    def tasks(self) -> tuple[Any, ...]:
        declared = []
        for manifest in self.manifests:
            for module_name in manifest.tasks:
                declared.extend(importlib.import_module(module_name).TASKS)
        return tuple(declared)

    @cached_property
    def outbox_handlers(self) -> dict[str, Any]:
        handlers: dict[str, Any] = {}
        for manifest in self.manifests:
            for ref in manifest.outbox:
                handler = resolve(ref)
                if handler.kind in handlers:
                    raise ValueError(f"outbox kind {handler.kind!r} has two handlers")
                handlers[handler.kind] = handler
        return handlers

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(command for manifest in self.manifests for command in manifest.commands)

    def navigation(self, audience: str) -> tuple[NavEntry, ...]:
        return tuple(
            entry
            for manifest in self.manifests
            for entry in manifest.navigation
            if entry.audience == audience
        )

    @property
    def public_services(self) -> tuple[PublicService, ...]:
        return tuple(service for manifest in self.manifests for service in manifest.public_services)

    def scopes(self, organisation_kind: str) -> frozenset[str]:
        return frozenset(
            scope
            for manifest in self.manifests
            for scope in manifest.scopes.get(organisation_kind, ())
        )

    @cached_property
    def implied_scopes(self) -> dict[str, frozenset[str]]:
        implied: dict[str, set[str]] = {}
        for manifest in self.manifests:
            for scope, included in manifest.implied_scopes.items():
                implied.setdefault(scope, set()).update(included)
        return {scope: frozenset(included) for scope, included in implied.items()}

    @cached_property
    def blob_references(self) -> tuple[Any, ...]:
        return tuple(
            resolve(ref) for manifest in self.manifests for ref in manifest.blob_references
        )

    @cached_property
    def demo_loaders(self) -> tuple[Any, ...]:
        return tuple(resolve(ref) for manifest in self.manifests for ref in manifest.demo)

    def static_folders(self) -> tuple[tuple[str, Path], ...]:
        """(URL prefix, folder) of every domain that serves static files."""
        folders = []
        for manifest in self.manifests:
            if manifest.static:
                spec = importlib.util.find_spec(manifest.package)
                if spec is None or spec.origin is None:
                    raise ValueError(f"domain package {manifest.package!r} cannot be found")
                folder = Path(spec.origin).parent / manifest.static
                folders.append((f"/static/{manifest.name}", folder))
        return tuple(folders)

    def hooks(self, point: str) -> tuple[Any, ...]:
        """The callables the domains registered for an extension point, in domain order."""
        return tuple(
            resolve(ref) for manifest in self.manifests for ref in manifest.hooks.get(point, ())
        )

    def import_models(self) -> None:
        for manifest in self.manifests:
            for module_name in manifest.models:
                importlib.import_module(module_name)

    def references(self) -> Sequence[str]:
        """Every import reference the manifests make (for the test that resolves them all)."""
        refs: list[str] = []
        for manifest in self.manifests:
            refs += [*manifest.routers, *manifest.outbox, *manifest.blob_references]
            refs += list(manifest.demo)
            refs += [command.reference for command in manifest.commands]
            refs += [ref for point in manifest.hooks.values() for ref in point]
        return refs


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a label for extraction (`make messages`); it is translated where it is shown."""
    return message
