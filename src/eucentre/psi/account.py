"""The device's secret state for one account: where its shares, detectable hashes and
synthetic budget come from, and which images it has already vouchered (so one image sent
again, or a near-copy, never counts twice). It never leaves the device; the matching service
gets only the enrolment (MAC) key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from . import dhf, shamir

DEFAULT_THRESHOLD = 30
DEFAULT_SYNTHETIC_BOUND = 40
DEFAULT_SYNTHETIC_PROBABILITY = 0.05
MAX_X = 1 << 63


@dataclass
class Account:
    secret: bytes
    mac_key: bytes
    threshold: int = DEFAULT_THRESHOLD
    synthetic_bound: int = DEFAULT_SYNTHETIC_BOUND
    synthetic_probability: float = DEFAULT_SYNTHETIC_PROBABILITY
    synthetic_sent: int = 0
    # Images already vouchered: digests, and their PDQs (hex) for near-copies.
    digests: set[str] = field(default_factory=set)
    pdqs: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        synthetic_bound: int = DEFAULT_SYNTHETIC_BOUND,
        synthetic_probability: float = DEFAULT_SYNTHETIC_PROBABILITY,
    ) -> Account:
        if not 2 <= threshold <= 255:
            raise ValueError("threshold: 2 to 255")
        if not 0 <= synthetic_bound <= 255 or not 0 <= synthetic_probability <= 1:
            raise ValueError("synthetic bound 0 to 255, probability 0 to 1")
        return cls(
            secret=secrets.token_bytes(32),
            mac_key=secrets.token_bytes(32),
            threshold=threshold,
            synthetic_bound=synthetic_bound,
            synthetic_probability=synthetic_probability,
        )

    def _prf(self, label: str, *parts: bytes) -> bytes:
        mac = hmac.new(self.secret, label.encode(), hashlib.sha256)
        for part in parts:
            mac.update(len(part).to_bytes(2, "big") + part)
        return mac.digest()

    @cached_property
    def coefficients(self) -> list[int]:
        """The Shamir polynomial (degree threshold - 1); its constant term is the account key."""
        return [
            shamir.element_from_bytes(self._prf("shamir", i.to_bytes(2, "big")))
            for i in range(self.threshold)
        ]

    @cached_property
    def polynomials(self) -> np.ndarray:
        """The detectable hash's s polynomials of degree threshold - 2."""
        rows = [
            [
                int.from_bytes(self._prf("dhf", bytes([j, k]))[:8], "big") % dhf.Q
                for k in range(self.threshold - 1)
            ]
            for j in range(self.synthetic_bound)
        ]
        return np.array(rows, dtype=np.int64).reshape(self.synthetic_bound, self.threshold - 1)

    @property
    def synthetic_budget(self) -> int:
        """How many synthetic vouchers this account will ever send: uniform in [0, bound],
        fixed at creation and secret, so the service cannot subtract it."""
        draw = int.from_bytes(self._prf("budget")[:8], "big")
        return draw % (self.synthetic_bound + 1)

    def x_for(self, image_key: bytes) -> int:
        """The share's x for a new image (pseudorandom, never 0)."""
        return int.from_bytes(self._prf("x", image_key)[:8], "big") % (MAX_X - 1) + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            "secret": base64.b64encode(self.secret).decode(),
            "mac_key": base64.b64encode(self.mac_key).decode(),
            "threshold": self.threshold,
            "synthetic_bound": self.synthetic_bound,
            "synthetic_probability": self.synthetic_probability,
            "synthetic_sent": self.synthetic_sent,
            "digests": sorted(self.digests),
            "pdqs": self.pdqs,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Account:
        return cls(
            secret=base64.b64decode(data["secret"]),
            mac_key=base64.b64decode(data["mac_key"]),
            threshold=int(data["threshold"]),
            synthetic_bound=int(data["synthetic_bound"]),
            synthetic_probability=float(data["synthetic_probability"]),
            synthetic_sent=int(data["synthetic_sent"]),
            digests=set(data.get("digests", [])),
            pdqs=list(data.get("pdqs", [])),
        )

    def save(self, path: Path) -> None:
        """Written to a temporary file and renamed; readable by the owner only."""
        temporary = path.with_name(path.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(self.to_json(), out)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Account:
        return cls.from_json(json.loads(path.read_text()))
