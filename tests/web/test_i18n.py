"""The pages in the visitor's language: negotiation, the remembered choice, translated errors,
and catalogues that are complete for the public pages and in step with the code."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from eucentre.db import transaction
from eucentre.models import OrganisationKind, Role
from eucentre.web import i18n
from tests.complaints.test_public import fields, with_token
from tests.factories import make_organisation
from tests.indicators.test_pages import staff_client

SOURCE = Path(i18n.__file__).resolve().parent.parent
# What someone without an account sees, and what officers of national authorities work with:
# these must be translated in every language. (Centre staff work in English.)
TRANSLATED_SOURCES = {
    "jinja2": [
        "web/templates/base.html",
        "web/templates/landing.html",
        "web/templates/error.html",
        "web/templates/sign_in.html",
        "complaints/templates/complaint_form.html",
        "complaints/templates/complaint_received.html",
        "complaints/templates/complaint_status.html",
        "complaints/templates/complaint_status_form.html",
        "referrals/templates/referral_inbox.html",
        "referrals/templates/referral_detail.html",
    ],
    "python": [
        "web/pages.py",
        "web/navigation.py",
        "complaints/public.py",
        "complaints/schemas.py",
        "referrals/pages.py",
    ],
}
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]


def extracted(method: str, path: Path) -> set[str]:
    options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
    return {
        message if isinstance(message, str) else message[0]
        for _, message, _, _ in extract_from_file(method, str(path), options=options)
    }


def catalogue(language: str):
    with i18n.catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT,de;q=0.9,en;q=0.8", "de"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("fr;q=0.5, de;q=0.9", "de"),
        ("nl-BE, fr-BE;q=0.7", "fr"),
        ("xx, yy;q=0.5", "en"),
        ("de;q=0", "en"),
        ("de;q=abc, fr;q=0.1", "fr"),
        ("", "en"),
        (";;;,,,q=", "en"),
    ],
)
def test_the_browsers_preference_picks_a_supported_language(header, expected) -> None:
    assert i18n.best_match(header) == expected


@pytest.fixture
def provider(session_factory):
    with transaction(session_factory) as session:
        return make_organisation(session, kind=OrganisationKind.provider, name="Picture Share")


def test_the_complaint_form_speaks_the_browsers_language(live, provider) -> None:
    with live.client() as client:
        page = client.get("/complaints", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert page.status_code == 200
    assert '<html lang="de">' in page.text and page.headers["content-language"] == "de"
    assert "Der Online-Dienst" in page.text and "Beschwerde absenden" in page.text
    assert "The online service" not in page.text
    assert "innerhalb von 14 Tagen" in page.text  # the placeholder survives translation
    assert "eucentre_lang" not in page.headers.get("set-cookie", "")


def test_a_chosen_language_is_remembered_over_the_browsers(live, provider) -> None:
    with live.client() as client:
        chosen = client.get("/complaints?lang=fr", headers={"Accept-Language": "de"})
        assert "Envoyer la réclamation" in chosen.text
        assert "eucentre_lang=fr" in chosen.headers["set-cookie"]
        later = client.get("/", headers={"Accept-Language": "de"})
        assert '<html lang="fr">' in later.text and "Contester un retrait" in later.text
        ignored = client.get("/?lang=xx", headers={"Accept-Language": "de"})
        assert '<html lang="fr">' in ignored.text  # an unknown choice changes nothing


def test_form_problems_and_refusals_are_translated(live, provider) -> None:
    french = {"Accept-Language": "fr"}
    with live.client(headers=french) as client:
        too_short = client.post(
            "/complaints", data=with_token(client, fields(provider.id, reason="court"))
        )
        assert too_short.status_code == 422
        assert "Pourquoi vous pensez que c'est une erreur : veuillez écrire au moins 10" in (
            too_short.text.replace("&#39;", "'")
        )
        late = client.post(
            "/complaints", data=with_token(client, fields(provider.id, decision_date="2020-01-01"))
        ).text
        assert "dans les six mois suivant la décision" in late
        unknown = client.post(
            "/complaints/status",
            data=with_token(client, {"number": "C-AAAAA-BBBBB", "secret": "x"}),
        )
        assert unknown.status_code == 404 and "Nous n&#39;avons trouvé aucune" in unknown.text


def test_every_public_and_officer_string_is_translated_with_its_placeholders() -> None:
    public = set()
    for method, paths in TRANSLATED_SOURCES.items():
        for path in paths:
            public |= extracted(method, SOURCE / path)
    assert len(public) > 90
    for language in TRANSLATED:
        messages = {m.id: m.string for m in catalogue(language) if m.id}
        untranslated = sorted(m for m in public if not messages.get(m))
        assert untranslated == [], f"{language}: translate these (make messages first)"
        for message in public:
            placeholders = sorted(re.findall(r"%\(\w+\)s", message))
            assert sorted(re.findall(r"%\(\w+\)s", messages[message])) == placeholders, message


def strings_of(package: Path) -> set[str]:
    """Every string marked for translation in a package's code and templates."""
    found = set()
    for path in package.rglob("*.py"):
        found |= extracted("python", path)
    for path in package.glob("**/templates/**/*.html"):
        found |= extracted("jinja2", path)
    return found


def ids_of(path: Path, language: str) -> dict[str, str]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=language) if m.id}


def test_the_catalogues_are_in_step_with_the_code() -> None:
    """A string added to a page or to code must reach its catalogue (`make messages`): the
    platform's for the packages without their own, the domain's for the others."""
    own = {folder.parent for folder in i18n.domain_catalogue_folders()}
    in_code = set()
    for package in [SOURCE, *sorted(path for path in SOURCE.iterdir() if path.is_dir())]:
        if package in own:
            continue
        if package == SOURCE:
            in_code |= {s for path in SOURCE.glob("*.py") for s in extracted("python", path)}
        else:
            in_code |= strings_of(package)
    for language in TRANSLATED:
        in_catalogue = {m.id for m in catalogue(language) if m.id}
        assert sorted(in_code - in_catalogue) == [], f"run make messages ({language})"
        assert sorted(in_catalogue - in_code) == [], f"stale entries: make messages ({language})"


@pytest.mark.parametrize(
    "folder", i18n.domain_catalogue_folders(), ids=lambda folder: folder.parent.name
)
def test_a_domain_catalogue_is_complete_and_in_step(folder: Path) -> None:
    """A domain with its own catalogue translates every string of its package, placeholders
    intact, in every language the platform serves."""
    in_code = strings_of(folder.parent)
    for language in TRANSLATED:
        path = i18n.domain_catalogue_path(folder, language)
        assert path.exists(), f"{path}: run make messages"
        messages = ids_of(path, language)
        assert sorted(in_code - set(messages)) == [], f"run make messages ({language})"
        assert sorted(set(messages) - in_code) == [], f"stale entries ({language})"
        untranslated = sorted(m for m in in_code if not messages[m])
        assert untranslated == [], f"{folder.parent.name} {language}: translate these"
        for message in in_code:
            placeholders = sorted(re.findall(r"%\(\w+\)s", message))
            assert sorted(re.findall(r"%\(\w+\)s", messages[message])) == placeholders


def test_a_domain_catalogue_adds_to_the_platforms(tmp_path, monkeypatch) -> None:
    """Translations of a domain's own catalogue reach the pages; the platform's wording of a
    string both have is kept."""
    package = tmp_path / "eucentre"
    (package / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    (package / "locale" / "de" / "LC_MESSAGES" / "eucentre.po").write_text(
        'msgid "Sign in"\nmsgstr "Anmelden"\n', encoding="utf-8"
    )
    domain = package / "toys" / "locale" / "de" / "LC_MESSAGES"
    domain.mkdir(parents=True)
    (domain / "toys.po").write_text(
        'msgid "Sign in"\nmsgstr "Einloggen"\n\nmsgid "A toy"\nmsgstr "Ein Spielzeug"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", package / "locale")
    i18n.translations.cache_clear()
    try:
        german = i18n.translations("de")
        assert german.gettext("A toy") == "Ein Spielzeug"
        assert german.gettext("Sign in") == "Anmelden"
    finally:
        i18n.translations.cache_clear()


def test_a_missing_catalogue_falls_back_to_english() -> None:
    assert i18n.translations("xx").gettext("Sign in") == "Sign in"
    assert i18n.translations("de").gettext("Sign in") == "Anmelden"


def test_centre_staff_work_in_english_unless_they_choose(live, session_factory) -> None:
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    analyst, _account = staff_client(live, session_factory, Role.analyst)
    with analyst:
        staff_page = analyst.get("/staff", headers=german)
        assert '<html lang="en">' in staff_page.text  # the Centre's working language
        chosen = analyst.get("/staff?lang=de", headers=german)
        assert '<html lang="de">' in chosen.text  # unless a staff member chooses
