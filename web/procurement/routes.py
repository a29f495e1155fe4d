"""The procurement queue: requests (filtered and paged) with their actions (approve, order, receive,
cancel), purchase orders and the budget lines.

Procurement officers and managers act (``MANAGE_PROCUREMENT``); social workers follow
the queue read-only. A refused action comes back as the request's own page with the
problem beside its field and what was typed kept (422); a refusal over budget says by
how much.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.procurement import forms as procurement_forms
from web.procurement.queries import procurement_request, queue_options, queue_page, queue_query
from web.shared import forms, once
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.labels import budget_line
from web.shared.lookups import today
from web.shared.messages import budget_refusal, error_message, field_errors, message
from web.shared.permissions import Permission
from web.shared.redirects import back_to
from web.shared.templating import render
from workflow import services
from workflow.errors import InvalidInput, NotFound
from workflow.programme import procurement as programme_procurement
from workflow.programme.procurement import OverBudget, OverFamilyCeiling
from workflow.programme.shared.values import Problems

router = APIRouter(include_in_schema=False)

#: action -> the notice after it is done.
NOTICES = {"approve": "approved", "order": "ordered", "deliver": "received", "cancel": "cancelled"}
#: The purchase orders the queue shows, newest first (the API lists them all).
RECENT_ORDERS = 10


@router.get("/procurement")
def queue(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_PROCUREMENT)),  # noqa: B008
) -> Response:
    """The requests as the filters ask, a page at a time (newest first), then the latest
    purchase orders and the budget lines. A wrong filter is said beside its field, what
    was typed is kept, and the list shows without it."""
    rt = runtime(request)
    options = queue_options(rt)
    query, wanted = queue_query(
        rt, dict(request.query_params), options, path="/procurement", api=False
    )
    orders = programme_procurement.list_purchase_orders(rt)
    context = {
        "found": queue_page(rt, query, wanted),
        "query": query,
        "options": options,
        "counts": programme_procurement.procurement_counts(rt, wanted),
        "orders": orders[::-1][:RECENT_ORDERS],
        "all_orders": len(orders),
        "budget": programme_procurement.budget(rt),
        "today": today(rt),
        "notice": message(request.query_params.get("msg")),
    }
    status = 422 if query.errors else 200
    return render(request, "procurement/queue.html", context, status_code=status)


def render_request(
    request: Request,
    request_id: int,
    *,
    action: str | None = None,
    values: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
) -> Response:
    rt = runtime(request)
    found = procurement_request(rt, request_id)
    errors: dict[str, list[str]] = field_errors(error) if isinstance(error, Problems) else {}
    sentence = error_message(error) if error is not None else None
    if isinstance(error, OverBudget | OverFamilyCeiling):
        typed = procurement_forms.typed_amount(values or {})
        amount = typed if typed is not None else found["amount_amd"]
        # The sentence at the top says by how much; beside the amount, the whole story.
        full = budget_refusal(error, amount=amount, line=budget_line(found["budget_line"]))
        errors = {"amount_amd": [full]}
    context = {
        "r": found,
        "action": action,
        "values": values or {},
        "errors": errors,
        "error": sentence,
        "today": today(rt),
        "notice": message(request.query_params.get("msg")),
    }
    return render(request, "procurement/request.html", context, status_code=422 if error else 200)


@router.get("/procurement/{request_id}")
def request_page(
    request: Request,
    request_id: int,
    staff: Staff = Depends(require(Permission.VIEW_PROCUREMENT)),  # noqa: B008
) -> Response:
    return render_request(request, request_id)


@router.post("/procurement/{request_id}/{action}")
async def act(
    request: Request,
    request_id: int,
    action: str,
    staff: Staff = Depends(require(Permission.MANAGE_PROCUREMENT)),  # noqa: B008
) -> Response:
    read = procurement_forms.PROCUREMENT_ACTIONS.get(action)
    if read is None:
        raise ActionNotFound(action)
    values = forms.form_values(await request.form())

    def save() -> Response:
        try:
            command = read(values, request_id=request_id, actor=staff.username)
            changed = services.handle(runtime(request), command)
        except InvalidInput as exc:
            return render_request(request, request_id, action=action, values=values, error=exc)
        # Above HOGATAR_PROCUREMENT_SECOND_APPROVAL_AMD the first approval is not the last.
        notice = "approved_once" if getattr(changed, "awaiting_second_approval", False) else None
        return back_to(values.get("next"), f"/procurement/{request_id}", notice or NOTICES[action])

    fallback = f"/procurement/{request_id}"
    return once.submit_once(runtime(request), staff, values, save, fallback=fallback)


class ActionNotFound(NotFound):
    """An unknown action in the URL: 404."""

    def __init__(self, action: str) -> None:
        super().__init__(f"there is no procurement action {action!r}")
