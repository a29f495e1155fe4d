"""The JSON API of approvals under /api/v1: what waits for a decision, and deciding it.

Who may decide is the engine's rule (the tier's role, not the requester, not an earlier
approver): a refusal is a problem detail (422) naming why; the last approval answers
with the transition it made."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from workflow.approval_requests import list_approvals
from workflow.commands import ApprovalDecided, CancelApproval, DecideApproval
from workflow.services import handle

router = APIRouter(tags=["approvals"])
VIEW = Depends(require(Permission.VIEW_CASES))


class DecisionBody(BaseModel):
    reason: str | None = Field(default=None, description="Required to reject.")


def _decided(decided: ApprovalDecided) -> JSONResponse:
    body: dict[str, object] = {
        "approval_id": decided.approval_id,
        "case_id": decided.case_id,
        "status": decided.status,
        "awaiting": decided.awaiting,
    }
    if decided.advanced is not None:
        body |= {
            "from_state": decided.advanced.from_state,
            "to_state": decided.advanced.to_state,
            "version": decided.advanced.version,
        }
    return JSONResponse(body)


@router.get("/approvals", summary="Requests waiting for a decision (mine: what I may decide)")
def approvals(
    request: Request,
    mine: bool = False,
    all: bool = False,  # noqa: A002 - the query parameter's name
    case_id: int | None = None,
    staff: Staff = VIEW,
) -> JSONResponse:
    views = list_approvals(
        runtime(request),
        status=None if all else "pending",
        case_id=case_id,
        for_staff=staff.username if mine else None,
    )
    return JSONResponse({"items": [view.as_json() for view in views]})


@router.post("/approvals/{approval_id}/approve", summary="Approve the tier a request awaits")
def approve(
    request: Request, approval_id: int, body: DecisionBody | None = None, staff: Staff = VIEW
) -> JSONResponse:
    command = DecideApproval(
        approval_id=approval_id,
        decision="approve",
        actor=staff.username,
        reason=body.reason if body else None,
    )
    return _decided(handle(runtime(request), command))


@router.post("/approvals/{approval_id}/reject", summary="Reject a request, with the reason")
def reject(
    request: Request, approval_id: int, body: DecisionBody, staff: Staff = VIEW
) -> JSONResponse:
    command = DecideApproval(
        approval_id=approval_id, decision="reject", actor=staff.username, reason=body.reason
    )
    return _decided(handle(runtime(request), command))


@router.post("/approvals/{approval_id}/cancel", summary="Withdraw your own pending request")
def cancel(
    request: Request, approval_id: int, body: DecisionBody | None = None, staff: Staff = VIEW
) -> JSONResponse:
    command = CancelApproval(
        approval_id=approval_id, actor=staff.username, reason=body.reason if body else None
    )
    return _decided(handle(runtime(request), command))
