"""One settings object for the server, the workers and the CLI (env prefix EUCENTRE_)."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from eucentre.kit.s3url import parse_s3_url
from eucentre.rules.retention import DEFAULT_RETENTION_DAYS

# Known only so that production can refuse it: a development secret everyone can read.
DEVELOPMENT_SECRET = "development-secret-do-not-use-in-production"  # noqa: S105


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class LogFormat(StrEnum):
    json = "json"
    text = "text"


class InsecureConfiguration(RuntimeError):
    """Production was asked to start with a setting that would make it unsafe."""


# A random secret of 32 characters from even the smallest usual alphabet (hex) carries 128 bits;
# in 200 000 draws its letter frequencies never estimated under 92 bits, nor had it fewer than 9
# different characters. Runs and repeated words fall far below either bound.
MIN_SECRET_BITS = 80
MIN_SECRET_DISTINCT = 8


def secret_weakness(secret: str) -> str | None:
    """Why a secret is guessable, or None. Length alone says nothing: "a" * 48 is long."""
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        return f"fewer than {MIN_SECRET_DISTINCT} different characters"
    if secret in (secret + secret)[1:-1]:
        return "a repetition of a shorter text"
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if per_character * len(secret) < MIN_SECRET_BITS:
        return f"less than {MIN_SECRET_BITS} bits of estimated entropy"
    # A few words glued together compress well; random text does not.
    if len(zlib.compress(secret.encode(), 9)) < len(secret.encode()) * 0.75:
        return "it compresses well, as repeated words do"
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EUCENTRE_", extra="ignore")

    environment: Environment = Environment.development
    data_dir: Path = Field(default=Path("var"), description="Database, blobs and task queue.")
    database_url: str | None = Field(default=None, description="Defaults to SQLite in data_dir.")
    redis_url: str | None = Field(default=None, description="Use RedisHuey when set.")
    secret_key: SecretStr | None = Field(
        default=None, description="Signs sessions and CSRF tokens, derives the blob key."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    embedded_worker: bool = Field(default=True, description="Run the task consumer in `serve`.")
    worker_threads: int = 2
    session_hours: float = 8.0
    sign_in_max_failures_per_account: int = 5
    sign_in_max_failures_per_address: int = 20
    sign_in_window_minutes: int = 15
    sign_in_delay_seconds: float = Field(
        default=2.0,
        gt=0,
        description="An account under attack: a failing client's first wait, doubled per failure.",
    )
    sign_in_max_delay_seconds: float = Field(
        default=300.0, gt=0, description="The longest such wait."
    )
    sign_in_refusal_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="How long a refused (429) sign-in waits for its answer.",
    )
    log_level: str = "INFO"
    log_format: LogFormat = Field(
        default=LogFormat.json,
        description="json (one object a line, for collectors) or text (for people); default: "
        "text in development, json otherwise.",
    )
    ip_ranges_path: Path | None = Field(
        default=None, description="CSV network,country; default: the synthetic demo table."
    )
    blob_url: str | None = Field(
        default=None,
        description="s3://BUCKET[/PREFIX] to keep blobs in an S3-compatible bucket; default: "
        "files under the data dir.",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="The S3-compatible service (MinIO, Ceph...); default: AWS."
    )
    retention_days: int = Field(
        default=DEFAULT_RETENTION_DAYS,
        ge=1,
        description="How long received files are kept, unless a hold or an indicator keeps them.",
    )
    orphan_blob_grace_hours: int = Field(
        default=24, ge=1, description="Unreferenced blobs younger than this are left alone."
    )
    complaint_decision_target_days: int = Field(
        default=14, ge=1, le=183, description="The Centre's target for deciding a complaint."
    )
    complaint_submissions_per_hour: int = Field(
        default=5, ge=1, description="Public complaints accepted per address and hour."
    )
    complaint_failed_lookups_per_hour: int = Field(
        default=10, ge=1, description="Wrong number or secret on the status page, per address."
    )
    complaint_failed_lookups_per_number_per_hour: int = Field(
        default=5, ge=1, description="Wrong secrets tried for one complaint number, from anywhere."
    )
    # --- victims (victims/, docs/victims.md) -----------------------------------------------
    victims_retention_days: int = Field(
        default=365,
        ge=1,
        description="A victim's case is deleted this long after its withdrawal or last activity.",
    )
    victims_cases_per_hour: int = Field(
        default=10, ge=1, description="Victims' cases created per client address and hour."
    )
    victims_failed_lookups_per_hour: int = Field(
        default=20, ge=1, description="Wrong case numbers or PINs per client address and hour."
    )
    victims_failed_lookups_per_case_per_hour: int = Field(
        default=5,
        ge=1,
        description="Wrong PINs for one case, from anywhere, before the clients that tried "
        "are slowed (never the case locked).",
    )
    # --- end of victims ----------------------------------------------------------------------
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For/-Proto are believed; empty: none, the socket's address is the client's.",
    )
    operations_networks: str = Field(
        default="127.0.0.0/8,::1",
        description="Comma-separated networks whose callers may read /metrics and the checks "
        "of /readyz.",
    )
    keep_alive_seconds: float = Field(
        default=5, gt=0, description="An idle connection between requests is closed after this."
    )
    header_timeout_seconds: float = Field(
        default=10, gt=0, description="A request's headers must arrive within this."
    )
    body_timeout_seconds: float = Field(
        default=30, gt=0, description="A body must arrive within this (plus its size / min rate)."
    )
    body_min_bytes_per_second: int = Field(
        default=256 * 1024,
        gt=0,
        description="Large bodies get one more second per this many bytes.",
    )
    report_cpu_seconds: float = Field(
        default=120,
        gt=0,
        description="CPU time an assessment may spend hashing one report's files; the files "
        "left are marked unassessed and the report goes to an analyst.",
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Connections and requests at once; beyond, 503."
    )
    max_header_bytes: int = Field(
        default=16 * 1024, ge=1024, description="The largest request line and headers accepted."
    )
    # --- monitoring (docs/monitoring.md) ---
    monitoring_max_rows: int = Field(
        default=20_000,
        ge=1,
        le=200_000,
        description="The most observations one submission (CSV, JSON or XLSX) may hold.",
    )
    # --- prevention: the prevention hub's catalogue and practitioner network (docs/prevention.md)
    prevention_import_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1024,
        le=1024 * 1024 * 1024,
        description="The largest catalogue file `prevention import` and the import page read.",
    )
    prevention_review_after_days: int = Field(
        default=365, ge=1, description="Published records unreviewed this long are flagged."
    )
    prevention_reconfirm_after_days: int = Field(
        default=365, ge=1, description="Directory entries not re-confirmed this long are hidden."
    )
    prevention_applications_per_hour: int = Field(
        default=5, ge=1, description="Directory applications accepted per address and hour."
    )
    prevention_contacts_per_hour: int = Field(
        default=5, ge=1, description="Messages relayed to members per sender address and hour."
    )
    prevention_contacts_per_member_per_day: int = Field(
        default=20, ge=1, description="Messages relayed to one member per day, from anyone."
    )
    tasks_immediate: bool = Field(
        default=False, description="Run tasks synchronously when enqueued (tests, one-off runs)."
    )
    # --- transparency (published statistics) ---
    statistics_min_cell: int = Field(
        default=10,
        ge=1,
        description="Breakdown cells below this count are suppressed on every output (1: none).",
    )
    statistics_cache_seconds: float = Field(
        default=300,
        ge=0,
        description="How long live figures are reused before they are computed again (0: never).",
    )

    # --- search (the crawler) and notices -------------------------------------------------
    crawl_allow_private: bool = Field(
        default=False,
        description="Let the crawler fetch private, loopback and link-local addresses (tests, a "
        "lab); never in production.",
    )
    crawl_contact_url: str = Field(
        default="https://eucentre.example/crawler",
        description="Where site operators learn about the crawler; part of its User-Agent.",
    )
    crawl_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="The largest body fetched (decoded)."
    )
    crawl_timeout_seconds: float = Field(
        default=20, gt=0, description="The longest one fetch may take, slow bodies included."
    )
    crawl_max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed.")
    crawl_max_pages: int = Field(default=1000, ge=1, description="Default pages per crawl.")
    crawl_max_depth: int = Field(default=5, ge=0, description="Default link depth per crawl.")
    smtp_url: str | None = Field(
        default=None,
        description="smtp://[user:password@]host[:port][?starttls=true] or smtps://...; "
        "notices to external hosts go out through it.",
    )
    notice_from: str = Field(
        default="notices@eucentre.example", description="The From address of e-mailed notices."
    )
    notice_contact: str = Field(
        default="notices@eucentre.example",
        description="The Centre's contact point named in every notice (Art. 49).",
    )
    notice_resend_seconds: int = Field(
        default=86400, ge=1, description="A notice is sent again this often until removal."
    )
    notice_escalate_after: timedelta = Field(
        default=timedelta(days=7),
        description="A notice not acted on this long after its first send goes to the "
        "authority of the host's country (seconds, or ISO 8601 such as P7D).",
    )

    @model_validator(mode="after")
    def _default_log_format(self) -> Settings:
        # Developers read the lines; everywhere else a collector parses them.
        chosen = "log_format" in self.model_fields_set
        if not chosen and self.environment is Environment.development:
            self.log_format = LogFormat.text
        return self

    @model_validator(mode="after")
    def _check_networks(self) -> Settings:
        # A typo in a network must stop the start, not silently trust or refuse everyone.
        for name in ("trusted_proxies", "operations_networks"):
            try:
                _networks(getattr(self, name))
            except ValueError as bad:
                raise ValueError(f"{name}: {bad}") from bad
        return self

    @model_validator(mode="after")
    def _check_blob_url(self) -> Settings:
        if self.blob_url is not None:
            parse_s3_url(self.blob_url)  # raises a clear error at start, not at first upload
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment is Environment.production:
            secret = self.secret_key.get_secret_value() if self.secret_key else ""
            if not secret or secret == DEVELOPMENT_SECRET or len(secret) < 32:
                raise InsecureConfiguration(
                    "EUCENTRE_SECRET_KEY must be set to a random value of at least 32 "
                    "characters in production"
                )
            weakness = secret_weakness(secret)
            if weakness:
                raise InsecureConfiguration(
                    f"EUCENTRE_SECRET_KEY is not random enough for production ({weakness}); "
                    "generate one with: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'"
                )
        return self

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [str(network) for network in _networks(self.trusted_proxies)]

    @property
    def operations_network_list(self) -> list[IPv4Network | IPv6Network]:
        return _networks(self.operations_networks)

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.retention_days)

    @property
    def orphan_grace(self) -> timedelta:
        return timedelta(hours=self.orphan_blob_grace_hours)

    @property
    def secret(self) -> bytes:
        value = self.secret_key.get_secret_value() if self.secret_key else DEVELOPMENT_SECRET
        return value.encode()

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'eucentre.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def task_queue_path(self) -> Path:
        return self.data_dir / "tasks.db"


def _networks(value: str) -> list[IPv4Network | IPv6Network]:
    return [ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
