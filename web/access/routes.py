"""The access log page (managers and administrators): entries newest first, for one case
and/or one person, a page at a time. Reading it is not itself logged: it shows who looked
at files, not the files."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.responses import Response

from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.i18n import gettext
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow.errors import CaseNotFound
from workflow.programme.privacy import list_access
from workflow.programme.shared.values import Collector, date_value, whole_number
from workflow.programme.staff import StaffRow
from workflow.text import clean

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


# The programme's own readers of numbers and dates (day first, impossible days refused);
# the filters say in one sentence what they expect.
def _case_id(value: str | None) -> tuple[int | None, str | None]:
    problems = Collector()
    case_id = whole_number((value or "").strip().lstrip("#"), "case", problems, minimum=1)
    if problems.problems:
        return None, gettext("A case number is a whole number, such as 12.")
    return case_id, None


def _since(value: str | None) -> tuple[date | None, str | None]:
    problems = Collector()
    day = date_value(value, "since", problems)
    if problems.problems:
        return None, gettext("Write the date as day.month.year, e.g. 05.03.2026.")
    return day, None


@router.get("/access")
def access_log(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_ACCESS_LOG)),  # noqa: B008
) -> Response:
    params = request.query_params
    case_id, case_error = _case_id(params.get("case"))
    since, since_error = _since(params.get("since"))
    person = clean(params.get("staff"))
    raw_page = params.get("page") or "1"
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    errors = {"case": case_error, "since": since_error}
    entries: list[dict[str, object]] = []
    total = 0
    if not case_error and not since_error:
        try:
            found = list_access(
                runtime(request),
                case_id=case_id,
                actor=person,
                since=since,
                offset=(page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
            entries, total = found.entries, found.total
        except CaseNotFound:
            errors["case"] = gettext("There is no case %(id)s.") % {"id": case_id}
    usernames = {str(entry["actor"]) for entry in entries}
    with runtime(request).session_factory() as session:
        rows = session.execute(
            select(StaffRow.username, StaffRow.full_name).where(StaffRow.username.in_(usernames))
        )
        names = {username: full_name for username, full_name in rows}
    context = {
        "names": names,
        "entries": entries,
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
        "wanted": {
            "case": params.get("case", ""),
            "staff": person or "",
            "since": params.get("since", ""),
        },
        "errors": errors,
    }
    return render(request, "access/log.html", context)
