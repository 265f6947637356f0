"""The service's own storage: one SQLite file (stdlib sqlite3), not the Centre's database.

Vouchers are kept as the device made them (encrypted); for an opened one, its body (a share,
a detectable hash and the inner payload, still sealed under the account key). Revealed inner
payloads (hashes, never images) are kept until reported.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    account TEXT PRIMARY KEY,
    mac_key BLOB NOT NULL,
    threshold INTEGER NOT NULL,
    enrolled_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    inner_key BLOB,
    revealed_at TEXT,
    reported_at TEXT,
    report_id TEXT
);
CREATE TABLE IF NOT EXISTS vouchers (
    id BLOB PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(account),
    bundle_version INTEGER NOT NULL,
    received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    raw BLOB NOT NULL,
    body BLOB,
    inner TEXT,
    reported INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS vouchers_account ON vouchers(account);
"""


@dataclass(frozen=True)
class AccountRow:
    account: str
    mac_key: bytes
    threshold: int
    inner_key: bytes | None
    revealed_at: str | None
    reported_at: str | None
    report_id: str | None


class Store:
    def __init__(self, path: Path | str) -> None:
        self._connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.executescript(SCHEMA)
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time, all or nothing."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def account(self, db: sqlite3.Connection, account: str) -> AccountRow | None:
        row = db.execute(
            "SELECT account, mac_key, threshold, inner_key, revealed_at, reported_at, report_id "
            "FROM accounts WHERE account = ?",
            (account,),
        ).fetchone()
        return AccountRow(*row) if row else None

    def read_account(self, account: str) -> AccountRow | None:
        with self.transaction() as db:
            return self.account(db, account)

    def close(self) -> None:
        self._connection.close()
