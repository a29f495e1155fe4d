"""What every form reader of the web app shares: the posted values, flags, versions
and amounts as typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from workflow.programme.shared.values import Collector, bool_value, text_value, whole_number

#: Fields that may repeat (checkboxes); every other field keeps its last value.
LIST_FIELDS = frozenset(
    {"criteria", "documents", "modules", "purposes", "visitors", "met_members", "reviewers"}
)
#: The one format of dates in the forms, the interface's (the pages print dd.mm.yyyy).
FORM_DATE = "%d.%m.%Y"


def form_date(value: Any) -> str:
    """A date as a form field shows it; text (what was typed) is shown as typed."""
    if isinstance(value, date):
        return value.strftime(FORM_DATE)
    return "" if value is None else str(value)


def form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if key in LIST_FIELDS else (items[-1] if items else None)
    return values


def read_flag(values: Mapping[str, Any], name: str, problems: Collector) -> bool:
    # An unticked HTML checkbox is simply absent; bool_value reads a ticked one's "on".
    return bool_value(values.get(name), name, problems)


def read_version(values: Mapping[str, Any], problems: Collector) -> int | None:
    return whole_number(values.get("expected_version"), "expected_version", problems, minimum=1)


def read_amount(values: Mapping[str, Any], name: str, problems: Collector, **kw: Any) -> int | None:
    return whole_number(values.get(name), name, problems, unit=" of dram (AMD)", **kw)


def read_long_text(values: Mapping[str, Any], name: str, problems: Collector) -> str | None:
    return text_value(values.get(name), name, problems, max_length=4000)


LONG_TEXT = 2000
