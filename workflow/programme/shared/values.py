"""Reading what people type (CLI, JSON forms, spreadsheet cells) into clean values.

Every problem is a ``FieldProblem`` naming the field, so a form can show it next to the
field and an import can report row, column and problem. ``Problems`` carries several at
once: a form with three mistakes is told about all three.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from workflow.clock import as_utc
from workflow.errors import InvalidInput
from workflow.text import clean

#: The interface's date is day.month.year (15.03.2024, also 15/03/2024, 15-03-2024, 5.3.2024);
#: ISO 8601 (2024-03-15) is what JSON and spreadsheets send. Never month first.
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: Amounts are stored as 32-bit integers; two billion dram is far above any one service.
MAX_AMOUNT = 2_000_000_000
#: "on" is what a ticked HTML checkbox sends (an unticked one sends nothing), so the
#: pages, the JSON API, the CLI and the spreadsheet import all read a yes/no here alone.
TRUE_WORDS = {"yes", "y", "true", "1", "on", "այո", "да"}
FALSE_WORDS = {"no", "n", "false", "0", "off", "ոչ", "нет", ""}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


class Problems(InvalidInput):
    """One or more fields are wrong; the message lists them all."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


class Collector:
    """Gathers field problems while a form is read; ``check()`` raises them together."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[FieldProblem] = []

    def add(self, field: str, problem: str) -> None:
        self.problems.append(FieldProblem(self.prefix + field, problem))

    def extend(self, problems: Iterable[FieldProblem]) -> None:
        self.problems.extend(problems)

    def check(self) -> None:
        if self.problems:
            raise Problems(self.problems)


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def text_value(
    value: Any, field: str, problems: Collector, *, required: bool = False, max_length: int = 200
) -> str | None:
    if value is None:
        result = None
    elif isinstance(value, str):
        result = clean(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # A spreadsheet turns "091123456" into a number; keep its digits.
        result = str(int(value)) if float(value).is_integer() else str(value)
    else:
        problems.add(field, f"must be text, not {_show(value)}")
        return None
    if result is None and required:
        problems.add(field, "is required")
    elif result is not None and len(result) > max_length:
        problems.add(field, f"is too long ({len(result)} characters, at most {max_length})")
        return None
    return result


def date_value(
    value: Any,
    field: str,
    problems: Collector,
    *,
    required: bool = False,
    not_after: date | None = None,
) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, "is required (a date, e.g. 2024-03-15 or 15.03.2024)")
        return None
    parsed = _as_date(value)
    if parsed is None:
        # Day first, always: "03/15/2024" is refused, never read as 15 March.
        problems.add(field, f"{_show(value)} is not a date (use 2024-03-15 or 15.03.2024)")
        return None
    if not_after is not None and parsed > not_after:
        problems.add(field, f"{parsed.isoformat()} is in the future")
        return None
    return parsed


def _as_date(value: Any) -> date | None:
    """The date typed, or None if it is none (no such format, or no such day)."""
    if isinstance(value, datetime):  # a spreadsheet date cell
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if found := DAY_MONTH_YEAR.match(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := ISO_DATE.match(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def bool_value(value: Any, field: str, problems: Collector, *, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = unicodedata.normalize("NFC", str(value)).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return default if word == "" else False
    problems.add(field, f"{_show(value)} is not yes or no")
    return default


def ticked(value: Any) -> bool:
    """Whether a yes/no value (a checkbox's "on", JSON's true, "yes") says yes: for
    showing a checkbox ticked again; a value that is no answer at all shows unticked."""
    return bool_value(value, "", Collector())


def whole_number(
    value: Any,
    field: str,
    problems: Collector,
    *,
    required: bool = False,
    minimum: int = 0,
    unit: str = "",
) -> int | None:
    """A whole number, e.g. money in dram: 15000 or "15 000"; never 12.5 or -3."""
    what = f"a whole number{unit}"
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, f"is required ({what})")
        return None
    if isinstance(value, bool):
        problems.add(field, f"must be {what}")
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,3}( \d{3})+|[+-]?\d+", value.strip()):
        number = int(value.strip().replace(" ", ""))
    else:
        problems.add(field, f"{_show(value)} is not {what}")
        return None
    if number < minimum:
        problems.add(field, f"must be at least {minimum} (got {number})")
        return None
    if number > MAX_AMOUNT:
        problems.add(field, f"{number} is too large")
        return None
    return number


def check_amd(value: object, field: str, problems: Collector, *, required: bool = False) -> None:
    """Money in a command is whole dram (AMD): an int, never negative, never 12.5."""
    if value is None:
        if required:
            problems.add(field, "is required (a whole number of dram, AMD)")
    elif isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, f"{_show(value)} is not a whole number of dram (AMD)")
    elif value < 0:
        problems.add(field, f"cannot be negative (got {value} AMD)")
    elif value > MAX_AMOUNT:
        problems.add(field, f"{value} AMD is more than the case file can hold ({MAX_AMOUNT})")


def choice(
    value: Any, field: str, problems: Collector, options: Sequence[str], *, required: bool = True
) -> str | None:
    text = clean(str(value)) if value is not None else None
    if text is None:
        if required:
            problems.add(field, f"is required (one of: {', '.join(options)})")
        return None
    code = text.casefold().replace(" ", "_").replace("-", "_")
    if code not in options:
        problems.add(field, f"{_show(text)} is not one of: {', '.join(options)}")
        return None
    return code


def phone_key(phone: str | None) -> str | None:
    """Digits only, Armenian numbers in their national form: +374 91 123456 -> 091123456."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("00374"):
        digits = digits[2:]
    if digits.startswith("374") and len(digits) == 11:
        digits = "0" + digits[3:]
    return digits or None


def phone_value(value: Any, field: str, problems: Collector) -> str | None:
    phone = text_value(value, field, problems, max_length=40)
    if phone is None:
        return None
    key = phone_key(phone)
    if key is None or not 6 <= len(key) <= 15 or re.search(r"[^\d+()\s.-]", phone):
        problems.add(field, f"{_show(phone)} is not a phone number")
        return None
    return phone


def iso_at(value: Any) -> str | None:
    return as_utc(value).isoformat() if value is not None else None
