"""The JSON API of home visits, the plan's goals and its reviews: the same readers and
service calls as the case page's forms. Refusals are problem details naming each field
(422); a goal of another case is not found (404)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from web.visits import forms
from workflow import services
from workflow.programme.shared.cases import CaseFileChanged
from workflow.programme.visits import visits_and_plan

router = APIRouter()
READS = Depends(require(Permission.VIEW_CASES))
EDITS = Depends(require(Permission.EDIT_CASES))
TAGS: list[str | Enum] = ["visits and plan reviews"]


class VisitBody(BaseModel):
    visited_on: str | None = Field(default=None, examples=["2026-12-01"])
    visitors: list[str] = Field(default_factory=list, description="Usernames of who went.")
    met_members: list[int] = Field(default_factory=list, description="Household member ids.")
    met_others: str | None = Field(default=None, description="Anyone else met, in words.")
    observations: str | None = Field(default=None, examples=["Տունը տաք է"])
    next_visit_due: str | None = Field(default=None, description="Schedules its reminder.")


class GoalBody(BaseModel):
    what: str | None = None
    by_when: str | None = Field(default=None, examples=["2027-03-01"])


class GoalChangeBody(BaseModel):
    what: str | None = None
    by_when: str | None = None
    status: str | None = Field(default=None, description="open, achieved or dropped")
    reason: str | None = Field(default=None, description="Why it is dropped.")


class DecisionBody(BaseModel):
    goal_id: int
    status: str = "open"
    decision: str = ""


class ReviewBody(BaseModel):
    reviewed_on: str | None = None
    reviewers: list[str] = Field(default_factory=list)
    decisions: list[DecisionBody] = Field(default_factory=list, description="One per open goal.")
    next_review_on: str | None = Field(
        default=None, description="Empty: the configured months after this review."
    )


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _saved(event: Any, status: int = 201) -> JSONResponse:
    assert isinstance(event, CaseFileChanged)
    body = {"case_id": event.case_id, "id": event.record_id, "version": event.version}
    return JSONResponse(body, status_code=status)


@router.get(
    "/cases/{case_id}/visits", tags=TAGS, summary="A case's home visits, plan goals and reviews"
)
def list_visits(request: Request, case_id: int, staff: Staff = READS) -> JSONResponse:
    return JSONResponse(_json(visits_and_plan(runtime(request), case_id=case_id)))


@router.post("/cases/{case_id}/visits", status_code=201, tags=TAGS, summary="Record a home visit")
def record_visit(
    request: Request, case_id: int, body: VisitBody, staff: Staff = EDITS
) -> JSONResponse:
    command = forms.read_visit(body.model_dump(), case_id=case_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command))


@router.post("/cases/{case_id}/goals", status_code=201, tags=TAGS, summary="Add a plan goal")
def add_goal(request: Request, case_id: int, body: GoalBody, staff: Staff = EDITS) -> JSONResponse:
    command = forms.read_goal(body.model_dump(), case_id=case_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command))


@router.patch("/cases/{case_id}/goals/{goal_id}", tags=TAGS, summary="Change a plan goal")
def update_goal(
    request: Request, case_id: int, goal_id: int, body: GoalChangeBody, staff: Staff = EDITS
) -> JSONResponse:
    values = {**body.model_dump(exclude_none=True), "goal": goal_id}
    command = forms.read_goal_update(values, case_id=case_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command), 200)


@router.post("/cases/{case_id}/reviews", status_code=201, tags=TAGS, summary="Record a plan review")
def record_review(
    request: Request, case_id: int, body: ReviewBody, staff: Staff = EDITS
) -> JSONResponse:
    command = forms.read_review(body.model_dump(), case_id=case_id, actor=staff.username)
    return _saved(services.handle(runtime(request), command))
