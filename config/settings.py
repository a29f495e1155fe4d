"""Settings from the environment (prefix ``HOGATAR_``), validated once at start-up.

A bad value stops start-up with a message that names the variable, never a traceback.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
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

    # Delivery of effects.
    effect_max_retries: int = Field(default=6, ge=0, le=50)
    retry_backoff_seconds: float = Field(default=2.0, gt=0)
    # Retries wait in the broker as countdowns: keep the cap far below the visibility timeout.
    retry_backoff_max_seconds: float = Field(default=120.0, gt=0, le=900)
    broker_visibility_timeout: int = Field(default=3600, ge=5)
    # How often a worker looks for messages whose worker died (unacked past the timeout).
    broker_restore_interval_seconds: int = Field(default=10, ge=1)
    outbox_sweep_seconds: float = Field(default=5.0, gt=0)
    # The relay publishes right after commit; the sweep leaves rows younger than this alone
    # so it does not race the committing process for the same row.
    outbox_grace_seconds: float = Field(default=10.0, ge=0)
    # A row published this long ago and still not done is published again (the broker may
    # have lost it, e.g. a Redis restart without persistence). The ledger absorbs duplicates.
    outbox_republish_after_seconds: float = Field(default=900.0, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    publish_timeout_seconds: float = Field(default=2.0, gt=0)
    worker_concurrency: int = Field(default=2, ge=1)

    # Flower, for operators. The password has no default: Flower never runs open.
    flower_address: str = "127.0.0.1"
    flower_port: int = Field(default=5555, ge=1, le=65535)
    flower_user: str = "operator"
    flower_password: str | None = None

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

    @property
    def resolved_var_dir(self) -> Path:
        return self.var_dir if self.var_dir.is_absolute() else PROJECT_ROOT / self.var_dir

    def require_flower_password(self) -> str:
        if not self.flower_password:
            raise SettingsError("HOGATAR_FLOWER_PASSWORD is not set: Flower needs a login")
        return self.flower_password


def load_settings() -> Settings:
    """Read the environment; turn pydantic's report into one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"HOGATAR_{field.upper()}: {message}")
        raise SettingsError("; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
