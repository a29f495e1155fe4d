"""``GET /api/v1/my-work``: what the "My work" page shows the caller, as JSON."""

from __future__ import annotations

from enum import Enum

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from web.shared.accounts import Staff
from web.shared.auth import require_login
from web.work.reading import as_json, work_of

router = APIRouter()
TAGS: list[str | Enum] = ["my work"]


@router.get(
    "/my-work",
    tags=TAGS,
    summary="Everything due for me by date, overdue first; a manager's team by worker",
)
def my_work(request: Request, staff: Staff = Depends(require_login)) -> JSONResponse:  # noqa: B008
    work = work_of(request, staff)
    work["families"] = {str(k): v for k, v in work["families"].items()}
    return JSONResponse(as_json(work))
