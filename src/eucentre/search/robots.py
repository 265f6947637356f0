"""robots.txt, obeyed (`protego`): fetched once a day per origin and kept in the database.
A 4xx answer means no rules; a 5xx or an unreachable file means keep out (RFC 9309, 2.3.1).
A crawl with a recorded, authorised override fetches disallowed URLs anyway (and says so)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from protego import Protego
from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.kit.time import as_utc, utcnow
from eucentre.search import urls
from eucentre.search.fetch import Fetcher
from eucentre.search.models import RobotsRecord

AGENT = "EUCentreCrawler"
MAX_ROBOTS_BYTES = 512 * 1024
FRESH_FOR = timedelta(days=1)
KEEP_PARSED = 1024


@dataclass(frozen=True)
class Rules:
    parser: Protego | None  # None: everything allowed
    forbid_all: bool = False

    def allows(self, url: str) -> bool:
        if self.forbid_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, AGENT))

    def delay(self) -> float:
        if self.parser is None:
            return 0.0
        value = self.parser.crawl_delay(AGENT)
        return min(float(value), 60.0) if value else 0.0


# robots.txt could not be asked for because the address itself is refused: the fetch of the
# URL will be refused for the same reason, and say so.
UNREACHABLE_ADDRESS = 0
ADDRESS_REFUSALS = ("private_address", "address_not_allowed", "dns_failure")


def rules_from(status: int, body: str) -> Rules:
    if status == UNREACHABLE_ADDRESS:
        return Rules(None)
    if 200 <= status < 300:
        return Rules(Protego.parse(body[:MAX_ROBOTS_BYTES]))
    if 400 <= status < 500:
        return Rules(None)
    return Rules(None, forbid_all=True)


class RobotsCache:
    """Rules per origin for one crawler: parsed ones in memory (bounded), texts in the database."""

    def __init__(self, factory: sessionmaker[Session], fetcher: Fetcher) -> None:
        self._factory = factory
        self._fetcher = fetcher
        self._parsed: OrderedDict[str, Rules] = OrderedDict()

    def rules(self, url: str) -> Rules:
        origin = urls.origin_of(url)
        found = self._parsed.get(origin)
        if found is not None:
            self._parsed.move_to_end(origin)
            return found
        with transaction(self._factory) as session:
            record = session.get(RobotsRecord, origin[:300])
            fresh = record is not None and utcnow() - as_utc(record.fetched_at) < FRESH_FOR
            status, body = (record.status, record.body) if record and fresh else (0, "")
        if not fresh:
            status, body = self._fetch(origin)
            with transaction(self._factory) as session:
                record = session.get(RobotsRecord, origin[:300])
                if record is None:
                    record = RobotsRecord(origin=origin[:300], status=status)
                    session.add(record)
                record.status, record.body, record.fetched_at = status, body, utcnow()
        rules = rules_from(status, body)
        self._parsed[origin] = rules
        while len(self._parsed) > KEEP_PARSED:
            self._parsed.popitem(last=False)
        return rules

    def _fetch(self, origin: str) -> tuple[int, str]:
        fetched = self._fetcher.get(origin + "/robots.txt")
        if fetched.ok:
            return fetched.status or 200, fetched.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        if fetched.outcome == "http_status" and fetched.status is not None:
            return fetched.status, ""
        if fetched.outcome in ADDRESS_REFUSALS:
            return UNREACHABLE_ADDRESS, ""
        return 599, ""  # unreachable: keep out until the next try
