"""The admin history page (admins): every change to staff, partners and communities, from
the web or the CLI, newest first, filtered by what was changed and by who changed it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.admin import forms as admin_forms
from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.lookups import staff_names
from web.shared.permissions import Permission
from web.shared.templating import render
from workflow.programme.administration import (
    AREAS,
    PAGE_SIZE,
    HistoryFilter,
    history_actors,
    recorded_changes,
)

router = APIRouter(include_in_schema=False)
ADMINISTER = Depends(require(Permission.ADMINISTER))


@router.get("/admin/history")
def history_page(request: Request, staff: Staff = ADMINISTER) -> Response:
    rt = runtime(request)
    query = request.query_params
    area = query.get("area") or None
    page_text = query.get("page") or "1"
    wanted = HistoryFilter(
        # An area not offered shows nothing rather than everything.
        area=area,
        subject=(query.get("subject") or "").strip() or None,
        actor=(query.get("actor") or "").strip() or None,
        page=int(page_text) if page_text.isdigit() and 0 < int(page_text) < 10**6 else 1,
    )
    changes, total = recorded_changes(rt, wanted)
    names_of = admin_forms.community_names(rt)
    context = {
        "changes": changes,
        "total": total,
        "wanted": wanted,
        "areas": [(code, admin_forms.history_label(admin_forms.AREAS, code)) for code in AREAS],
        "actors": history_actors(rt),
        "names": staff_names(rt),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "action_label": lambda code: admin_forms.history_label(admin_forms.ACTIONS, code),
        "area_label": lambda code: admin_forms.history_label(admin_forms.AREAS, code),
        "field_label": lambda code: admin_forms.history_label(admin_forms.FIELDS, code),
        "shown": lambda field, value: admin_forms.history_value(field, value, names_of),
    }
    return render(request, "admin/history.html", context)
