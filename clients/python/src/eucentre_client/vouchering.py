"""From files to vouchers: the media hashing, then the protocol. The only glue between them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .media.errors import MediaError, UnsupportedFormat
from .media.hashing import hash_file
from .psi import device
from .psi.account import Account
from .psi.bundle import Bundle
from .psi.voucher import Voucher


def hash_image(path: Path) -> dict[str, Any]:
    """The hash record of one image (MD5, SHA-256, PDQ and its dihedral variants)."""
    record = hash_file(path)
    if record.get("media_type") != "image" or not record.get("pdq"):
        raise UnsupportedFormat(f"{path.name}: only images make vouchers")
    return record


def vouchers(
    account: Account, bundle: Bundle, account_id: str, paths: Sequence[Path]
) -> Iterator[tuple[Path, Voucher | None, dict[str, str] | None]]:
    """(path, voucher, None) per image, or (path, None, error) for a file that cannot be
    hashed. `account` changes as vouchers are made: save it afterwards."""
    for path in paths:
        try:
            record = hash_image(path)
        except MediaError as exc:
            yield path, None, exc.to_dict()
            continue
        yield path, device.make(account, bundle, record, account_id), None
