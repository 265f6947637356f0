"""One Jinja environment for every domain's templates, with gettext for translations."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from eucentre.auth import csrf
from eucentre.auth.principals import ANONYMOUS, Principal
from eucentre.web.navigation import navigation_for

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_ROOT / "locale"


def build_environment() -> Environment:
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
    translations = gettext.translation(
        "eucentre", localedir=LOCALE_DIR, languages=["en"], fallback=True
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    principal: Principal = getattr(request.state, "principal", None) or ANONYMOUS
    nonce = getattr(request.state, "csrf_nonce", None)
    html = env.get_template(template).render(
        request=request,
        principal=principal,
        navigation=navigation_for(principal),
        csrf_field=csrf.FORM_FIELD,
        csrf_token=csrf.token_for(request.app.state.settings.secret, nonce) if nonce else "",
        current_path=request.url.path,
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status_code)
