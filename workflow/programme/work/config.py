""" "My work"'s settings (``config/programme/my_work.toml``): how far ahead it looks, and
how long a case may stay in one state before it is listed. Read and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workflow.programme.shared.reference import PROGRAMME_DIR, ReferenceDataError, _read

NAME = "my_work.toml"


@dataclass(frozen=True)
class WorkRules:
    within_days: int
    default_stale_days: int
    #: state -> days; 0 leaves the state out.
    stale_days: Mapping[str, int]

    def stale_after(self, state: str) -> int:
        return self.stale_days.get(state, self.default_stale_days)


def _days(value: object, key: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReferenceDataError(f"{NAME}: {key} must be a whole number of days (got {value!r})")
    return value


def load_work_rules(directory: Path = PROGRAMME_DIR) -> WorkRules:
    raw = _read(directory, NAME)
    stale = raw.get("stale_after_days", {})
    if not isinstance(stale, dict):
        raise ReferenceDataError(f"{NAME}: [stale_after_days] must map states to days")
    return WorkRules(
        within_days=_days(raw.get("within_days"), "within_days", 7),
        default_stale_days=_days(raw.get("default_days"), "default_days", 60),
        stale_days={
            str(state): _days(days, f"stale_after_days.{state}", 0) for state, days in stale.items()
        },
    )


@lru_cache(maxsize=1)
def work_rules() -> WorkRules:
    return load_work_rules()
