"""Languages of the pages: which one a request gets, and the translations for it.

Catalogues are `.po` files read with Babel once per process (no compiled `.mo` files to keep
in step): the platform's in `src/eucentre/locale/<language>/LC_MESSAGES/eucentre.po`, and a
domain that keeps its own in `src/eucentre/<domain>/locale/<language>/LC_MESSAGES/<domain>.po`,
so adding a domain touches no shared catalogue. They are merged into one translation per
language. `make messages` extracts the English strings of each package's templates and code
into its own catalogue and updates every language. A string not translated yet shows in English.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import Request

from eucentre.auth.principals import PrincipalKind
from eucentre.kinds import Role
from eucentre.platform.manifest import N_ as N_  # one marker for pages and manifests

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "eucentre"
DEFAULT_LANGUAGE = "en"
# Each language named in itself, for the switcher.
LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français"}
COOKIE = "eucentre_lang"
# People who sign in like staff but are not the Centre's (practitioners of the prevention
# network): their pages follow their browser like the public's.
OUTSIDE_ROLES = frozenset({Role.network_member})
QUERY = "lang"


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def domain_catalogue_folders() -> list[Path]:
    """The `locale/` folders of the domains that keep their own catalogue."""
    return sorted(path for path in LOCALE_DIR.parent.glob("*/locale") if path.is_dir())


def domain_catalogue_path(folder: Path, language: str) -> Path:
    return folder / language / "LC_MESSAGES" / f"{folder.parent.name}.po"


def catalogue_paths(language: str) -> list[Path]:
    """The platform's catalogue of this language, then each domain's."""
    paths = [catalogue_path(language)]
    paths += [domain_catalogue_path(folder, language) for folder in domain_catalogue_folders()]
    return [path for path in paths if path.exists()]


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    paths = catalogue_paths(language)
    if language == DEFAULT_LANGUAGE or not paths:
        return gettext.NullTranslations()
    merged = read_catalogue(paths[0], language)
    for path in paths[1:]:
        for message in read_catalogue(path, language):
            # The platform's wording wins: a domain's catalogue adds strings, never overrides.
            if message.id and message.id not in merged:
                merged[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def read_catalogue(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def gettext_for(request: Request) -> Callable[[str], str]:
    """Translate in code, for messages built there. Templates never get text a user wrote or
    that was formatted first, since Jinja's `_()` %-formats what it returns."""
    return translations(negotiate(request)).gettext


def requested_language(request: Request) -> str | None:
    """A language chosen explicitly with `?lang=`, to be remembered in a cookie."""
    chosen = request.query_params.get(QUERY, "").lower()
    return chosen if chosen in LANGUAGES else None


def negotiate(request: Request) -> str:
    """`?lang=`, then the remembered choice, then the browser's preferences, then English.
    The Centre's own staff work in English, its working language, and their pages are not
    translated: their browser's preference is not followed (an explicit choice still is)."""
    chosen = requested_language(request)
    if chosen:
        return chosen
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    principal = getattr(request.state, "principal", None)
    if (
        principal is not None
        and principal.kind is PrincipalKind.staff
        and principal.role not in OUTSIDE_ROLES
    ):
        return DEFAULT_LANGUAGE
    return best_match(request.headers.get("accept-language", ""))


def best_match(header: str) -> str:
    """The supported language the Accept-Language header prefers most (`de-AT` counts as
    `de`); malformed parts are ignored."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().split("-")[0].lower()
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if language in LANGUAGES and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
