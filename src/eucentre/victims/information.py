"""The Art. 20 answer: what happened to material matching the person's request, one entry per
event, oldest first, written in the case's language.

* a provider reported matching material: which provider, when;
* the report was forwarded: to which Member State's authority (and country) or Europol, when;
* the material was removed: by which provider, when (the provider said so in its report, or in
  its verdict on the review-first list);
* a notice was sent: to whom, when (the notices domain adds these through the manifest hook
  INFORMATION, as callables `(session, case, report_ids) -> list[Entry]`).

Nothing about other people: no report content, no user data, no other case, no analyst; only
organisations and dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from babel import Locale
from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.victims import repository
from eucentre.victims.models import VictimCase
from eucentre.web.i18n import N_, translations

INFORMATION = "victims.information"

TEXTS = {
    "reported": N_("%(provider)s reported material matching your request to the Centre."),
    "forwarded": N_(
        "The report was forwarded to %(authority)s, the police authority of %(country)s."
    ),
    "forwarded_europol": N_("The report was forwarded to Europol."),
    "removed": N_("%(provider)s removed the material."),
    "notice": N_("A notice to remove the material was sent to %(recipient)s."),
}


@dataclass(frozen=True)
class Entry:
    kind: str  # reported, forwarded, removed, notice
    at: datetime
    provider: str | None = None
    authority: str | None = None
    country: str | None = None
    europol: bool = False
    recipient: str | None = None

    def text(self, language: str) -> str:
        _ = translations(language).gettext
        key = "forwarded_europol" if self.kind == "forwarded" and self.europol else self.kind
        return _(TEXTS[key]) % {
            "provider": self.provider or "",
            "authority": self.authority or "",
            "country": country_name(self.country or "", language),
            "recipient": self.recipient or "",
        }


def country_name(code: str, language: str) -> str:
    try:
        return str(Locale.parse(language).territories.get(code.upper(), code))
    except (ValueError, TypeError):
        return code


Source = Callable[[Session, VictimCase, list[int]], list[Entry]]


def entries(
    session: Session, case: VictimCase, *, extra: tuple[Source, ...] | None = None
) -> list[Entry]:
    """The case's information, oldest first."""
    found: list[Entry] = []
    reports = repository.matched_reports(session, case.id)
    for report, provider in reports:
        found.append(Entry("reported", as_utc(report.received_at), provider=provider.name))
        if report.content_removed:
            found.append(Entry("removed", as_utc(report.received_at), provider=provider.name))
    report_ids = [report.id for report, _ in reports]
    for forwarded, authority in repository.forwardings(session, report_ids):
        found.append(
            Entry(
                "forwarded",
                as_utc(forwarded.forwarded_at),
                authority=authority.name,
                country=authority.country,
                europol=authority.is_europol,
            )
        )
    values = [(h.signal, h.value) for h in repository.hashes(session, case.id)]
    for verdict, provider in repository.removals(session, values):
        assert verdict.removed_at is not None
        found.append(Entry("removed", as_utc(verdict.removed_at), provider=provider.name))
    for source in extra if extra is not None else _registered():
        found.extend(source(session, case, report_ids))
    order = {"reported": 0, "forwarded": 1, "removed": 2, "notice": 3}
    return sorted(found, key=lambda e: (e.at, order.get(e.kind, 9)))


def _registered() -> tuple[Source, ...]:
    from eucentre.domains import installed

    return installed().hooks(INFORMATION)
