"""Receiving an account's vouchers: refuse what is malformed, changed or replayed (the whole
batch, with the line and reason), store the rest as received, open what opens, and reveal
once the account has `threshold` real vouchers. Nothing is learnt below that."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eucentre import errors
from eucentre.detection.matching.keyring import KeyRing, UnknownBundle
from eucentre.detection.matching.store import Store
from eucentre.psi import keys, reveal
from eucentre.psi.payload import Body, Inner
from eucentre.psi.voucher import Voucher, VoucherError, from_json

MAX_LINES = 1000
MAX_LINE_CHARS = 8192


@dataclass(frozen=True)
class Receipt:
    accepted: int
    revealed: bool


def _refuse(line: int, exc: VoucherError) -> errors.AppError:
    detail = {"line": line, "message": str(exc)}
    if exc.code == "voucher_tampered":
        return errors.Forbidden(detail, code=exc.code)
    return errors.UnprocessableEntity(detail, code=exc.code)


def parse_lines(text: str) -> list[Any]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise errors.UnprocessableEntity("no vouchers: send JSON Lines", code="voucher_malformed")
    if len(lines) > MAX_LINES:
        raise errors.PayloadTooLarge(f"at most {MAX_LINES} vouchers per request")
    items = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise _refuse(number, VoucherError(f"line longer than {MAX_LINE_CHARS} characters"))
        try:
            items.append(json.loads(line))
        except ValueError:
            raise _refuse(number, VoucherError("not a JSON object")) from None
    return items


class Matcher:
    def __init__(self, store: Store, keyring: KeyRing, *, threshold: int) -> None:
        self.store = store
        self.keyring = keyring
        self.threshold = threshold

    def enrol(self, account: str, mac_key: bytes, threshold: int) -> None:
        if len(mac_key) != 32:
            raise errors.UnprocessableEntity("mac_key: 32 bytes, base64", code="invalid_mac_key")
        if threshold != self.threshold:
            raise errors.Conflict(
                f"this service counts to {self.threshold}, the account to {threshold}",
                code="threshold_mismatch",
            )
        with self.store.transaction() as db:
            if self.store.account(db, account) is not None:
                raise errors.Conflict("the account is enrolled already", code="account_enrolled")
            db.execute(
                "INSERT INTO accounts (account, mac_key, threshold) VALUES (?, ?, ?)",
                (account, mac_key, threshold),
            )

    def _checked(self, account: str, mac_key: bytes, items: Sequence[Any]) -> list[Voucher]:
        vouchers: list[Voucher] = []
        seen: set[bytes] = set()
        for number, item in enumerate(items, start=1):
            try:
                owner, voucher = from_json(item)
                if owner != account:
                    raise VoucherError(
                        f"voucher is for account {owner!r}, sent to {account!r}",
                        code="voucher_tampered",
                    )
                voucher.verify(account, mac_key)
            except VoucherError as exc:
                raise _refuse(number, exc) from None
            if voucher.threshold != self.threshold:
                raise errors.Conflict(
                    {"line": number, "message": f"made for threshold {voucher.threshold}"},
                    code="threshold_mismatch",
                )
            if voucher.id in seen:
                raise errors.Conflict(
                    {"line": number, "message": "the same voucher twice in one request"},
                    code="voucher_replayed",
                )
            seen.add(voucher.id)
            vouchers.append(voucher)
        return vouchers

    def receive(self, account: str, items: Sequence[Any]) -> Receipt:
        row = self.store.read_account(account)
        if row is None:
            raise errors.NotFound("no such account: enrol it first", code="unknown_account")
        vouchers = self._checked(account, row.mac_key, items)
        opened: list[tuple[Voucher, reveal.Opened | None]] = []
        for number, voucher in enumerate(vouchers, start=1):
            try:
                keyed = self.keyring.get(voucher.bundle_version)
            except UnknownBundle as exc:
                raise errors.Conflict(
                    {"line": number, "message": str(exc)}, code="unknown_bundle"
                ) from None
            opened.append((voucher, reveal.open_voucher(voucher, keyed.alpha, keyed.bundle)))
        with self.store.transaction() as db:
            ids = [v.id for v in vouchers]
            marks = ",".join("?" * len(ids))
            old = {r[0] for r in db.execute(f"SELECT id FROM vouchers WHERE id IN ({marks})", ids)}  # noqa: S608 - placeholders only
            if old:
                number = next(i for i, v in enumerate(vouchers, start=1) if v.id in old)
                raise errors.Conflict(
                    {"line": number, "message": "this voucher was received before"},
                    code="voucher_replayed",
                )
            for voucher, result in opened:
                db.execute(
                    "INSERT INTO vouchers (id, account, bundle_version, raw, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        voucher.id,
                        account,
                        voucher.bundle_version,
                        voucher.to_bytes(),
                        result.body.to_bytes() if result else None,
                    ),
                )
            revealed = self._advance(db, account, row.inner_key)
        return Receipt(accepted=len(vouchers), revealed=revealed)

    def _advance(self, db: Any, account: str, inner_key: bytes | None) -> bool:
        rows = db.execute(
            "SELECT id, body, inner FROM vouchers WHERE account = ? AND body IS NOT NULL",
            (account,),
        ).fetchall()
        items = [
            reveal.Opened(
                voucher_id=r[0], body=Body.from_bytes(r[1]), exact_openings=0, band_openings=0
            )  # fmt: skip
            for r in rows
        ]
        if inner_key is None:
            found = reveal.reveal(items, self.threshold)
            if found is None:
                return False
            inner_key = found.key
            db.execute(
                "UPDATE accounts SET inner_key = ?, revealed_at = CURRENT_TIMESTAMP "
                "WHERE account = ?",
                (inner_key, account),
            )
        for item, r in zip(items, rows, strict=True):
            if r[2] is None:
                payload = reveal.open_with(inner_key, item)
                if payload is not None:
                    db.execute(
                        "UPDATE vouchers SET inner = ? WHERE id = ?",
                        (json.dumps(_inner_json(payload)), item.voucher_id),
                    )
        return True

    def unreported(self, account: str) -> list[tuple[bytes, int, Inner]]:
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, bundle_version, inner FROM vouchers "
                "WHERE account = ? AND inner IS NOT NULL AND reported = 0 ORDER BY received_at",
                (account,),
            ).fetchall()
        return [(r[0], r[1], _inner_from(json.loads(r[2]))) for r in rows]

    def matched_keys(self, version: int, inner: Inner) -> list[tuple[str, str]]:
        """The (signal, value) of a revealed image that are on the bundle's list."""
        keyed = self.keyring.get(version)
        values = [("md5", inner.md5), ("sha256", inner.sha256)] + [("pdq", v) for v in inner.pdq]
        found = []
        for signal, value in dict.fromkeys(values):
            if reveal.member(keyed.bundle, keyed.alpha, keys.exact_key(signal, value)):
                found.append((signal, value))
        bands = keyed.bundle.bands
        if bands is not None and not found:
            hits = sum(
                reveal.member(keyed.bundle, keyed.alpha, k) for k in bands.keys(inner.pdq[0])
            )
            if hits >= bands.need:
                found.append(("pdq", inner.pdq[0]))
        return found

    def mark_reported(self, account: str, ids: Sequence[bytes], report_id: str) -> None:
        with self.store.transaction() as db:
            db.executemany("UPDATE vouchers SET reported = 1 WHERE id = ?", [(i,) for i in ids])
            db.execute(
                "UPDATE accounts SET reported_at = CURRENT_TIMESTAMP, report_id = ? "
                "WHERE account = ?",
                (report_id, account),
            )


def _inner_json(inner: Inner) -> dict[str, Any]:
    return {
        "md5": inner.md5,
        "sha256": inner.sha256,
        "pdq": list(inner.pdq),
        "quality": inner.quality,
    }


def _inner_from(data: dict[str, Any]) -> Inner:
    return Inner(
        md5=data["md5"], sha256=data["sha256"], pdq=tuple(data["pdq"]), quality=data["quality"]
    )


def new_reference() -> str:
    return "psi-" + base64.b32encode(secrets.token_bytes(10)).decode().rstrip("=").lower()
