"""Settings from the environment (prefix ``HOGATAR_``), validated once at start-up.

A bad value stops start-up with a message that names the variable, never a traceback.
"""

from __future__ import annotations

import ipaddress
import re
from email.policy import default as email_policy
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = Path(__file__).resolve().parent / "workflows"

DATABASE_SCHEMES = ("sqlite", "postgresql")
BROKER_SCHEMES = ("redis", "rediss", "redis+socket", "amqp", "pyamqp", "memory")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOGATAR_", extra="ignore")

    # Where state lives. SQLite is the embedded default; PostgreSQL is production.
    database_url: str = "sqlite:///var/hogatar.sqlite3"
    broker_url: str = "redis://127.0.0.1:6379/0"
    var_dir: Path = Path("var")
    workflows_dir: Path = WORKFLOWS_DIR

    # Spreadsheet imports (`hogatar import families`): larger files are refused at once,
    # before a row is read. A zipped .xlsx is also refused when its parts would unpack to
    # more than import_max_unpacked_bytes (a small file can inflate to gigabytes).
    import_max_bytes: int = Field(default=10_000_000, ge=1_000)
    import_max_unpacked_bytes: int = Field(default=100_000_000, ge=1_000)
    import_max_rows: int = Field(default=5_000, ge=1)

    # Delivery of effects.
    effect_max_retries: int = Field(default=6, ge=0, le=50)
    retry_backoff_seconds: float = Field(default=2.0, gt=0)
    # Retries wait in the broker as countdowns: keep the cap far below the visibility timeout.
    retry_backoff_max_seconds: float = Field(default=120.0, gt=0, le=900)
    # Redis: a message a worker took and never acknowledged (the worker died) goes back to
    # its queue after this long. Short, so a dead worker's effects run again within about a
    # minute; a live worker's effect that outlasts it is not run twice, because the copy
    # waits for the outbox row lock the live one holds and then finds its ledger row.
    broker_visibility_timeout: int = Field(default=45, ge=5)
    # How often a worker looks for messages whose worker died (unacked past the timeout).
    broker_restore_interval_seconds: int = Field(default=10, ge=1)
    outbox_sweep_seconds: float = Field(default=5.0, gt=0)
    # The relay publishes right after commit; the sweep leaves rows younger than this alone
    # so it does not race the committing process for the same row.
    outbox_grace_seconds: float = Field(default=10.0, ge=0)
    # A row published this long ago and still not done is published again (the broker may
    # have lost it, e.g. a Redis restart without persistence). The ledger absorbs duplicates.
    outbox_republish_after_seconds: float = Field(default=900.0, gt=0)
    # Beat looks for due reminders this often (they are due by the day; a minute is plenty).
    reminder_sweep_seconds: float = Field(default=60.0, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    # Who hands committed outbox rows to the broker. "inline": the committing process, right
    # after its commit (nothing else to run; the default). "process": a `hogatar relay`
    # process (`hogatar run` starts one), woken by PostgreSQL NOTIFY from the committing
    # transaction, publishing in batches: a transition costs its process only the commit.
    relay: Literal["inline", "process"] = "inline"
    # The relay process looks for due retries and lost messages this often, and without
    # NOTIFY (SQLite) for new rows too.
    relay_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # Effects of one kind the relay puts in one broker message (one task applies each in
    # its own transaction): a backlog costs the broker and the worker one message per
    # batch, not one per effect. 1 sends one message per effect.
    effects_per_message: int = Field(default=20, ge=1, le=500)
    publish_timeout_seconds: float = Field(default=2.0, gt=0)
    worker_concurrency: int = Field(default=2, ge=1)

    # Flower, for operators. The password has no default: Flower never runs open.
    flower_address: str = "127.0.0.1"
    flower_port: int = Field(default=5555, ge=1, le=65535)
    flower_user: str = "operator"
    flower_password: str | None = None

    # Outgoing e-mail (partner referrals, reminders, procurement). The defaults point at the
    # local sink (`hogatar mail sink`), which keeps every mail under var/mail/ to be read.
    smtp_host: str = Field(default="127.0.0.1", min_length=1)
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    # Validated even when unset, so that a user without a password is caught at start-up.
    smtp_password: SecretStr | None = Field(default=None, validate_default=True)
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    mail_sender: str = "Hogatar <hogatar@localhost>"
    # Where the local sink keeps mails; relative paths are inside the var directory.
    mail_dir: Path = Path("mail")
    # Links in mails point here (the back-office web app).
    web_base_url: str = "http://127.0.0.1:8000"
    # How partners and suppliers reach the programme: the delivery address of purchase
    # orders and the contact under every mail that leaves the programme. Set them to the
    # office's own; a worker without a phone or e-mail on file is reached through these.
    programme_address_hy: str = Field(
        default="Ծրագրի գրասենյակ, Կենտրոն թաղամաս, ք. Հրազդան, Կոտայքի մարզ", min_length=1
    )
    programme_address_en: str = Field(
        default="Programme office, Kentron district, Hrazdan, Kotayk region, Armenia",
        min_length=1,
    )
    programme_phone: str = Field(default="+374 223 2 00 00", min_length=1)
    # Unset: the address of HOGATAR_MAIL_SENDER.
    programme_email: str | None = None

    # Procurement above this amount (whole dram) needs a second approver after the first,
    # another person; at or below it one approval is enough.
    procurement_second_approval_amd: int = Field(default=200_000, ge=0)

    # The link in a referral's mail, by which the partner answers without an account,
    # works this many days after it was mailed (a staff member can send a new one).
    referral_link_days: int = Field(default=30, ge=1, le=365)

    # Data protection (workflow/programme/privacy). Closed family cases are anonymised this
    # many years after closure; access-log entries older than this many days are purged;
    # beat runs both daily unless the schedule is switched off.
    retention_years: int = Field(default=5, ge=1, le=100)
    access_log_retention_days: int = Field(default=1825, ge=30)
    retention_schedule_enabled: bool = True

    # Documents attached to cases (workflow/programme/documents): the largest file accepted
    # (20 MB), and where the files are kept (relative paths are inside the var directory).
    document_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1_024)
    document_dir: Path = Path("documents")

    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in DATABASE_SCHEMES:
            raise ValueError(
                f"must start with one of {', '.join(DATABASE_SCHEMES)} (got {value!r})"
            )
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0]
        if "://" not in value or scheme not in BROKER_SCHEMES:
            raise ValueError(
                f"must be a URL with scheme {', '.join(BROKER_SCHEMES)} (got {value!r})"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("smtp_host")
    @classmethod
    def _smtp_host(cls, value: str) -> str:
        value = value.strip()
        malformed = any(c.isspace() or c in "/@" for c in value)
        # A colon belongs to an IPv6 address only: the port is HOGATAR_SMTP_PORT.
        if not value or malformed or (":" in value and not _is_ip_literal(value)):
            raise ValueError(
                f"must be a host name or IP address, without scheme or port (got {value!r})"
            )
        return value

    @field_validator("smtp_tls", mode="before")
    @classmethod
    def _smtp_tls(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("smtp_user")
    @classmethod
    def _smtp_user(cls, value: str | None) -> str | None:
        # An empty variable means "no login", as when it is not set at all.
        if value is None or not value.strip():
            return None
        if not _smtp_login_text(value.strip()):
            raise ValueError(ASCII_LOGIN)
        return value.strip()

    @field_validator("smtp_password")
    @classmethod
    def _smtp_password(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            value = None
        if info.data.get("smtp_user") and value is None:
            raise ValueError("is required when HOGATAR_SMTP_USER is set")
        if value is not None and not _smtp_login_text(value.get_secret_value()):
            raise ValueError(ASCII_LOGIN)
        return value

    @field_validator("mail_sender")
    @classmethod
    def _mail_sender(cls, value: str) -> str:
        problem = mailbox_problem(value)
        if problem:
            raise ValueError(f"{problem} (got {value!r}); e.g. 'Hogatar <hogatar@example.am>'")
        return value.strip()

    @field_validator("programme_email")
    @classmethod
    def _programme_email(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", value.strip()):
            raise ValueError(f"is not an e-mail address (got {value!r})")
        return value.strip()

    def programme_address(self, language: str) -> str:
        return self.programme_address_en if language == "en" else self.programme_address_hy

    @property
    def programme_contact_email(self) -> str:
        """HOGATAR_PROGRAMME_EMAIL, else the sender's address."""
        if self.programme_email:
            return self.programme_email
        return parseaddr(self.mail_sender)[1] or self.mail_sender

    @field_validator("web_base_url")
    @classmethod
    def _web_base_url(cls, value: str) -> str:
        value = value.strip()
        scheme, _, rest = value.partition("://")
        # Without a scheme ("127.0.0.1:8000") the links in mails would not open.
        if scheme not in ("http", "https") or not rest.strip("/") or any(c.isspace() for c in rest):
            raise ValueError(f"must be an http:// or https:// URL (got {value!r})")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _login_needs_tls(self) -> Self:
        # A login over a plain connection sends the password in clear across the network.
        # Only a relay on this machine may take one without TLS.
        if self.smtp_user and self.smtp_tls == "none" and not is_loopback(self.smtp_host):
            raise ValueError(
                "HOGATAR_SMTP_TLS: must be starttls or ssl when HOGATAR_SMTP_USER is set and "
                f"HOGATAR_SMTP_HOST ({self.smtp_host}) is another machine; the password would "
                "cross the network in clear"
            )
        return self

    @property
    def resolved_var_dir(self) -> Path:
        return self.var_dir if self.var_dir.is_absolute() else PROJECT_ROOT / self.var_dir

    @property
    def resolved_mail_dir(self) -> Path:
        if self.mail_dir.is_absolute():
            return self.mail_dir
        return self.resolved_var_dir / self.mail_dir

    def require_flower_password(self) -> str:
        if not self.flower_password:
            raise SettingsError("HOGATAR_FLOWER_PASSWORD is not set: Flower needs a login")
        return self.flower_password

    # The back-office web app (`hogatar web`). The secret key signs session and CSRF
    # tokens: required for `hogatar web`; `hogatar run` generates one and keeps it in var/.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    web_secret_key: SecretStr | None = None
    # Session cookies are Secure when this is true, or when the request came over HTTPS.
    web_secure_cookies: bool = False
    web_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Login throttling, per username and address (web/shared/throttle.py): after this many
    # failures in a row the pair waits web_lockout_first_seconds, doubled at each further
    # failure, at most web_lockout_seconds.
    web_login_max_failures: int = Field(default=5, ge=1, le=100)
    web_lockout_first_seconds: int = Field(default=60, ge=1)
    web_lockout_seconds: int = Field(default=900, ge=1)
    # Where the case page links an effect's task; default: this machine's Flower.
    web_flower_url: str | None = None

    def require_web_secret_key(self) -> str:
        secret = self.web_secret_key.get_secret_value() if self.web_secret_key else ""
        if len(secret) < 16:
            raise SettingsError(
                "HOGATAR_WEB_SECRET_KEY is not set (or shorter than 16 characters): the web "
                "app signs its sessions with it; `hogatar run` generates one for you"
            )
        return secret

    @property
    def flower_url(self) -> str:
        if self.web_flower_url:
            return self.web_flower_url.rstrip("/")
        return f"http://{self.flower_address}:{self.flower_port}"


def load_settings() -> Settings:
    """Read the environment; turn pydantic's report into one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = error["msg"].removeprefix("Value error, ")
            # Checks across fields carry no location; their messages name the variables.
            problems.append(f"HOGATAR_{field.upper()}: {message}" if error["loc"] else message)
        raise SettingsError("; ".join(problems)) from None


# Python's SMTP client encodes the login as ASCII (AUTH PLAIN, LOGIN, CRAM-MD5 alike).
ASCII_LOGIN = "must be printable ASCII characters: the SMTP login cannot carry others"


def _smtp_login_text(value: str) -> bool:
    return value.isascii() and value.isprintable()


def is_loopback(host: str) -> bool:
    """True for this machine's own addresses (a local relay or the development sink)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def mailbox_problem(value: str) -> str | None:
    """Why VALUE is not one e-mail address such as ``Name <user@domain>``; None if it is."""
    if any(c in value for c in "\r\n"):
        return "must be on one line"
    try:
        header = email_policy.header_factory("From", value.strip())
        addresses = header.addresses
    except Exception:  # noqa: BLE001 - the stdlib parser raises on some malformed input
        return "is not an e-mail address"
    if len(addresses) != 1:
        return "must be exactly one e-mail address"
    address = addresses[0]
    if not address.addr_spec.isascii():
        return "must be an ASCII e-mail address"
    if header.defects or not address.username or not address.domain:
        return "is not an e-mail address"
    return None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
