"""Long lists that fit on a screen: filters and paging read from the query string.

The referrals board, the procurement queue and their JSON API read their filters here,
so a page, a bookmark and a script ask in the same words (``status``, ``worker``,
``from``, ``to``, ``page``). What was typed is kept, to be shown again beside the
message that says what is wrong with it; a wrong value filters nothing (the list shows
as if the field were empty) rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from web.shared.i18n import N_, format_number, gettext
from web.shared.messages import field_errors
from workflow.clock import ARMENIA_TIME
from workflow.programme.shared.values import Collector, FieldProblem, Problems, date_value

PAGE_SIZE = 25
#: The most rows one API request may ask for.
MAX_LIMIT = 200
#: No list is this long (25 x 10,000 rows): a page number beyond it is read as past the
#: end, so no absurd offset reaches the database.
MAX_PAGE = 10_000
DATE_FIELDS = ("from", "to")

CHOOSE_OFFERED = N_("Choose one of the options offered.")
PERIOD_REVERSED = N_("The end of the period is before its start.")
PAGE_NOT_NUMBER = N_("The page is a whole number, 1 or more.")
PAGE_TOO_FAR = N_("There is no page %(page)s: the last page is %(last)s.")


@dataclass
class ListQuery:
    """The filters of one list as read: codes that are valid, dates, the page, and what
    was typed into each field (kept for the form and the page links)."""

    path: str
    typed: dict[str, str]
    chosen: dict[str, str | None]
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    page_size: int = PAGE_SIZE
    #: field -> messages in the reader's language (the pages).
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: field -> the problem in English (the API's 422).
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def filtered(self) -> bool:
        return any(self.chosen.values()) or self.date_from is not None or self.date_to is not None

    def refuse(self, field_name: str, problem: str, message: str) -> None:
        self.problems.append(FieldProblem(field_name, problem))
        self.errors.setdefault(field_name, []).append(message)

    def check(self) -> None:
        """For the API: every wrong field at once, as a 422 naming them."""
        if self.problems:
            raise Problems(self.problems)

    def link(self, **changes: Any) -> str:
        """This list's address with the valid filters kept and ``changes`` applied
        (``page=2``; ``status=None`` drops a filter). Page 1 is left out of the URL."""
        params: dict[str, Any] = {
            name: value for name, value in self.chosen.items() if value is not None
        }
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value is not None:
                params[name] = value.strftime("%d.%m.%Y")
        params["page"] = self.page
        params.update(changes)
        kept = {k: v for k, v in params.items() if v not in (None, "") and (k, v) != ("page", 1)}
        return self.path + (f"?{urlencode(kept)}" if kept else "")

    def from_moment(self) -> datetime | None:
        """The start of the first day, Yerevan time (the programme's days are Armenia's)."""
        if self.date_from is None:
            return None
        return datetime.combine(self.date_from, time(), ARMENIA_TIME)

    def until_moment(self) -> datetime | None:
        """The start of the day after the last one: the period ends before it."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time(), ARMENIA_TIME)


def read_list_query(
    params: Mapping[str, str],
    *,
    path: str,
    choices: Mapping[str, Sequence[str]],
    with_dates: bool = True,
    api: bool = False,
) -> ListQuery:
    """The filters in ``params``: each of ``choices`` must be one of its options (worker
    and community ids as text), the dates day first, the page a sensible whole number.

    ``api``: ``limit`` and ``offset`` may be given instead of the page."""
    typed = {name: (params.get(name) or "").strip() for name in (*choices, "page")}
    if with_dates:
        typed.update({name: (params.get(name) or "").strip() for name in DATE_FIELDS})
    query = ListQuery(path=path, typed=typed, chosen=dict.fromkeys(choices))
    for name, options in choices.items():
        value = typed[name]
        if not value:
            continue
        if value in options:
            query.chosen[name] = value
        else:
            query.refuse(name, f"{value!r} is not one of: {', '.join(options)}", _(CHOOSE_OFFERED))
    if with_dates:
        _read_dates(query)
    _read_page(query, typed["page"])
    if api:
        _read_limit_offset(query, params)
    return query


def _(message: str) -> str:
    return gettext(message)


def _read_dates(query: ListQuery) -> None:
    problems = Collector()
    query.date_from = date_value(query.typed["from"], "from", problems)
    query.date_to = date_value(query.typed["to"], "to", problems)
    for problem in problems.problems:
        messages = field_errors(Problems([problem]))[problem.field]
        query.refuse(problem.field, problem.problem, messages[0])
    if query.date_from and query.date_to and query.date_to < query.date_from:
        query.refuse("to", "is before the start of the period (from)", _(PERIOD_REVERSED))
        query.date_to = None


def _read_page(query: ListQuery, typed: str) -> None:
    if not typed:
        return
    if not typed.isdigit() or int(typed) < 1:
        query.refuse("page", f"{typed[:40]!r} is not a whole number, 1 or more", _(PAGE_NOT_NUMBER))
        return
    # A number far past any list is past this one's end: said with its real last page
    # once the list is counted (``past_the_end``), and never sent to the database.
    query.page = min(int(typed), MAX_PAGE + 1)


def _too_far(page: int, last: int) -> str:
    return _(PAGE_TOO_FAR) % {"page": format_number(page), "last": format_number(last)}


def _read_limit_offset(query: ListQuery, params: Mapping[str, str]) -> None:
    limit, offset = params.get("limit"), params.get("offset")
    if limit is not None:
        if limit.isdigit() and 1 <= int(limit) <= MAX_LIMIT:
            query.page_size = int(limit)
        else:
            query.refuse("limit", f"must be a whole number from 1 to {MAX_LIMIT}", "")
    if offset is not None:
        if not offset.isdigit() or int(offset) > MAX_PAGE * MAX_LIMIT:
            query.refuse("offset", "must be a whole number, 0 or more", "")
        elif "page" in params:
            query.refuse("offset", "give page or offset, not both", "")
        elif int(offset) % query.page_size:
            query.refuse("offset", f"must be a multiple of the limit ({query.page_size})", "")
        else:
            query.page = int(offset) // query.page_size + 1


@dataclass(frozen=True)
class Paged:
    """One page of a list and where it sits in the whole."""

    rows: list[dict[str, Any]]
    total: int
    query: ListQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def first(self) -> int:
        return self.query.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.query.offset + len(self.rows)

    @property
    def has_next(self) -> bool:
        return self.query.page < self.pages

    def page_links(self) -> list[int | None]:
        """The pages to link: the first, the last and those around this one; None for
        the gap between (shown as an ellipsis)."""
        here, last = self.query.page, self.pages
        wanted = sorted({1, last, *range(max(1, here - 2), min(last, here + 2) + 1)})
        links: list[int | None] = []
        for number in wanted:
            if links and number - (links[-1] or 0) > 1:
                links.append(None)
            links.append(number)
        return links

    def as_json(self) -> dict[str, Any]:
        """The caseload API's shape, with the total a short list can afford."""
        return {
            "page": self.query.page,
            "page_size": self.query.page_size,
            "offset": self.query.offset,
            "total": self.total,
            "has_next": self.has_next,
            "items": self.rows,
        }


def past_the_end(query: ListQuery, total: int) -> bool:
    """A page past the last one (the list got shorter, or the number was typed): said
    beside the page field, and the last page is shown instead."""
    last = max(1, -(-total // query.page_size))
    if query.page <= last:
        return False
    asked = int(query.typed["page"]) if query.typed.get("page", "").isdigit() else query.page
    query.refuse("page", f"{asked} is past the last page ({last})", _too_far(asked, last))
    query.page = last
    return True


def page_of(query: ListQuery, fetch: Callable[[int, int], tuple[list[Any], int]]) -> Paged:
    """The page asked for, from ``fetch(limit, offset)`` -> (rows, total); a page past
    the end is refused beside the page field and the last page is shown."""
    rows, total = fetch(query.page_size, query.offset)
    if past_the_end(query, total):
        rows, total = fetch(query.page_size, query.offset)
    return Paged(rows=rows, total=total, query=query)
