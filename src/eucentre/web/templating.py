"""Jinja environments for every domain's templates, one per language, with gettext."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from eucentre.auth import csrf
from eucentre.auth.principals import ANONYMOUS, Principal
from eucentre.web import i18n
from eucentre.web.navigation import navigation_for

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ONE_YEAR = 365 * 24 * 3600


def build_environment(language: str = i18n.DEFAULT_LANGUAGE) -> Environment:
    # Each domain keeps its templates beside its code; the shell's come first.
    folders = [PACKAGE_ROOT / "web" / "templates"] + sorted(
        path for path in PACKAGE_ROOT.glob("*/templates") if path.parent.name != "web"
    )
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders]),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def same_site_path(path: str) -> str:
    """The path as a link that stays on this site: `//host/x` (or `/\\host/x`, which browsers
    read alike) in an href is another site's address."""
    return "/" + path.lstrip("/\\")


class Templates:
    """One environment per language, built at start. Jinja's gettext is installed per
    environment, so a page is rendered wholly in one language whatever other requests do."""

    def __init__(self) -> None:
        self._environments = {language: build_environment(language) for language in i18n.LANGUAGES}

    def get(self, language: str) -> Environment:
        return self._environments.get(language) or self._environments[i18n.DEFAULT_LANGUAGE]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    language = i18n.negotiate(request)
    env = request.app.state.templates.get(language)
    principal: Principal = getattr(request.state, "principal", None) or ANONYMOUS
    nonce = getattr(request.state, "csrf_nonce", None)
    html = env.get_template(template).render(
        request=request,
        principal=principal,
        navigation=navigation_for(principal, request.app.state.domains),
        csrf_field=csrf.FORM_FIELD,
        csrf_token=csrf.expected(
            request.app.state.settings.secret,
            nonce=nonce,
            session_token_hash=principal.session_token_hash,
        ),
        current_path=same_site_path(request.url.path),
        language=language,
        languages=i18n.LANGUAGES,
        **(context or {}),
    )
    response = HTMLResponse(html, status_code=status_code)
    if i18n.requested_language(request):
        # Remember an explicit choice; it holds no personal data.
        response.set_cookie(
            i18n.COOKIE,
            language,
            max_age=ONE_YEAR,
            samesite="lax",
            path="/",
            httponly=True,
            secure=request.app.state.settings.is_production,
        )
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
