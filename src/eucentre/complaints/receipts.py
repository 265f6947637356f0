"""The public form's receipts: a form is filed at most once (its one-time token), and the
complaint's number and secret are shown once on a receipt page reached by post/redirect/get,
never through a URL that carries the secret."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eucentre.complaints import repository
from eucentre.complaints.schemas import PublicComplaintIn
from eucentre.complaints.service import Limits, get_complaint, submit_public
from eucentre.kit.crypto import derive_key, keyed_digest, open_sealed, seal
from eucentre.kit.time import as_utc, utcnow
from eucentre.models import Complaint, ComplaintReceipt

RECEIPT_LIFETIME = timedelta(minutes=30)
RECEIPT_CONTEXT = b"complaint-receipt"
FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


def valid_form_token(value: str | None) -> str | None:
    return value if value and FORM_TOKEN.fullmatch(value) else None


def _receipt_digest(secret: bytes, kind: str, token: str) -> str:
    return keyed_digest(derive_key(secret, "complaint-receipts"), f"{kind}:{token}")


def _receipt_token(secret: bytes, form_token: str) -> str:
    # Derived from the form's token, so a replayed form is answered with the first receipt
    # without keeping either token in the database.
    return keyed_digest(derive_key(secret, "complaint-receipt-tokens"), form_token)


def replayed_receipt(session: Session, *, form_token: str, secret: bytes) -> str | None:
    """The receipt token of the complaint this form already filed, if it did."""
    receipt = repository.receipt_of_form(session, _receipt_digest(secret, "form", form_token))
    return _receipt_token(secret, form_token) if receipt is not None else None


def submit_public_once(
    session: Session,
    *,
    data: PublicComplaintIn,
    form_token: str,
    client_address: str,
    secret: bytes,
    limits: Limits = Limits(),
) -> tuple[str, bool]:
    """`submit_public`, at most once per form: the receipt token to show the complaint's number
    and secret once, and whether this call filed it (False: the form was sent before)."""
    replayed = replayed_receipt(session, form_token=form_token, secret=secret)
    if replayed is not None:
        return replayed, False
    receipt_token = _receipt_token(secret, form_token)
    receipt_digest = _receipt_digest(secret, "receipt", receipt_token)
    try:
        with session.begin_nested():
            complaint, complainant_secret = submit_public(
                session, data=data, client_address=client_address, secret=secret, limits=limits
            )
            session.add(
                ComplaintReceipt(
                    form_token_digest=_receipt_digest(secret, "form", form_token),
                    receipt_token_digest=receipt_digest,
                    complaint_id=complaint.id,
                    secret_sealed=seal(
                        _receipt_key(secret),
                        complainant_secret.encode(),
                        context=RECEIPT_CONTEXT + receipt_digest.encode(),
                    ),
                    expires_at=utcnow() + RECEIPT_LIFETIME,
                )
            )
            session.flush()
    except IntegrityError:
        # The same form arrived twice at once: the other request filed it.
        replayed = replayed_receipt(session, form_token=form_token, secret=secret)
        if replayed is None:
            raise
        return replayed, False
    return receipt_token, True


def _receipt_key(secret: bytes) -> bytes:
    return derive_key(secret, "complaint-receipt-secrets")


@dataclass(frozen=True)
class Receipt:
    complaint: Complaint
    secret: str | None  # None once shown (or expired): it is shown once


def take_receipt(session: Session, *, receipt_token: str, secret: bytes) -> Receipt | None:
    """The complaint of a receipt and, the first time only, its secret."""
    digest = _receipt_digest(secret, "receipt", receipt_token)
    receipt = repository.receipt(session, digest)
    if receipt is None:
        return None
    complaint = get_complaint(session, receipt.complaint_id)
    shown = None
    if receipt.secret_sealed is not None and as_utc(receipt.expires_at) > utcnow():
        shown = open_sealed(
            _receipt_key(secret),
            receipt.secret_sealed,
            context=RECEIPT_CONTEXT + digest.encode(),
        ).decode()
        receipt.shown_at = utcnow()
    receipt.secret_sealed = None
    session.flush()
    return Receipt(complaint, shown)
