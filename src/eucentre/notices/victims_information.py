"""The victims' extension point `victims.information` (a victim's right to know, Art. 20): the
notices sent about URLs serving media with the same hashes as the case's, and their verified
removals. Registered in the notices manifest; the victims domain calls it without importing
notices."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre.kit.time import as_utc
from eucentre.notices import hosts, repository
from eucentre.notices.models import Host, Notice
from eucentre.victims.information import Entry
from eucentre.victims.models import VictimCase
from eucentre.victims.repository import hashes


def entries(session: Session, case: VictimCase, report_ids: list[int]) -> list[Entry]:
    wanted = {(h.signal, h.value) for h in hashes(session, case.id)}
    md5s = {value for signal, value in wanted if signal == "md5"}
    pdqs = {value for signal, value in wanted if signal == "pdq"}
    found: list[Entry] = []
    for item in repository.items_with_hashes(session, md5s=md5s, pdqs=pdqs):
        notice = session.get(Notice, item.notice_id) if item.notice_id else None
        if notice is None or notice.first_sent_at is None:
            continue
        host = session.get(Host, notice.host_id)
        organisation = repository.organisation(session, host.organisation_id if host else None)
        name = organisation.name if organisation is not None else hosts.label(host)
        found.append(Entry("notice", as_utc(notice.first_sent_at), recipient=name))
        if item.removed_at is not None:
            found.append(Entry("removed", as_utc(item.removed_at), provider=name))
    return found
