""" "My work" in the browser (``/my-work``): everything due for the logged-in member of
staff by date, overdue first, each linked to where it is done; a manager sees the team's
too, by worker. The dashboard's first block is its summary."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.shared.accounts import Staff
from web.shared.auth import require_login
from web.shared.templating import render
from web.work.reading import work_of

router = APIRouter(include_in_schema=False)


@router.get("/my-work")
def my_work_page(request: Request, staff: Staff = Depends(require_login)) -> Response:  # noqa: B008
    return render(request, "work/my_work.html", {"work": work_of(request, staff)})
