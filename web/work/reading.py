""" "My work" as the logged-in member of staff reads it: the collector's items, read
through the request's (scoped) runtime, with the names the page shows."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from web.shared.accounts import Staff
from web.shared.auth import runtime
from web.shared.labels import state_in
from web.shared.lookups import family_names
from workflow.programme.work import my_work


def work_of(request: Request, staff: Staff) -> dict[str, Any]:
    rt = runtime(request)
    work = my_work(rt, username=staff.username)
    case_ids = {i["case_id"] for i in work["items"] if i["case_id"]}
    case_ids |= {i["case_id"] for w in work["team"] for i in w["items"] if i["case_id"]}
    work["families"] = family_names(rt, case_ids)
    work["overdue"] = sum(1 for i in work["items"] if i["overdue"])
    # A state's name in the reader's language, from its workflow's definition.
    work["state_names"] = {
        f"{d['workflow']}:{d['state']}": state_in(d["state"], rt.definitions.get(d["workflow"]))
        for i in [*work["items"], *(i for w in work["team"] for i in w["items"])]
        if i["kind"] == "stale_case"
        for d in [i["detail"]]
    }
    return work


def as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value
