"""``hogatar export cases FILE``: one CSV row per family case, for the programme's reports.

UTF-8 with a byte-order mark, so Excel shows Armenian correctly; the import reads it back.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workflow.clock import as_utc
from workflow.errors import InvalidInput
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme.assessment import AssessmentRow
from workflow.programme.families import ConsentRow, FamilyRow, MemberRow
from workflow.programme.plans import DeliveryRow, PlannedServiceRow
from workflow.programme.shared.access import FileAccessed, announce_access
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.programme.shared.reference import reference
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.text import spreadsheet_cell

COLUMNS = (
    "case_id",
    "state",
    "version",
    "family_name",
    "community_code",
    "community",
    "address",
    "phone",
    "referral_partner_type",
    "referral_partner_name",
    "state_benefit",
    "members",
    "children",
    "social_worker",
    "psychologist",
    "consent_on_file",
    "last_assessed_on",
    "risk_of_abandonment",
    "additional_criteria",
    "services_planned",
    "services_delivered",
    "delivered_cost_amd",
    "closure_reason",
    "opened_at",
    "updated_at",
)


def export_cases(
    rt: Runtime,
    *,
    path: Path,
    state: str | None = None,
    actor: str = "system:export",
    source: str = "cli",
) -> int:
    """Write the family cases (of ``state``) to ``path``; the export is access-logged."""
    states = rt.machine(FAMILY_WORKFLOW).definition.state_names
    if state is not None and state not in states:
        raise InvalidInput(f"unknown state {state!r}; states: {', '.join(states)}")
    rows = case_rows(rt, state=state)
    # Written beside the target and renamed at the end: a full disk or a broken pipe
    # leaves the previous file (or none), never half a list.
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(
                {column: spreadsheet_cell(value) for column, value in row.items()} for row in rows
            )
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
    detail = f"{path.name}: {len(rows)} case(s)" + (f", state {state}" if state else "")
    try:
        announce_access(
            rt, FileAccessed(actor=actor, kind="export_cases", source=source, detail=detail)
        )
    except BaseException:
        # An export nobody can see in the access log is not left behind.
        path.unlink(missing_ok=True)
        raise
    return len(rows)


def case_rows(rt: Runtime, *, state: str | None = None) -> list[dict[str, Any]]:
    children = [item.code for item in reference().member_roles if item.extra.get("kind") == "child"]
    with rt.session_factory() as session:
        staff = {r.id: r.username for r in session.execute(select(StaffRow.id, StaffRow.username))}
        query = (
            select(CaseRow, FamilyRow, CommunityRow)
            .join(FamilyRow, FamilyRow.case_id == CaseRow.id)
            .join(CommunityRow, FamilyRow.community_id == CommunityRow.id)
            .where(CaseRow.workflow == FAMILY_WORKFLOW)
            .order_by(CaseRow.id)
        )
        if state is not None:
            query = query.where(CaseRow.state == state)
        result = []
        for case, family, place in session.execute(query).all():
            members = session.scalars(
                select(MemberRow.role).where(
                    MemberRow.family_id == family.id, MemberRow.removed_at.is_(None)
                )
            ).all()
            latest = session.scalar(
                select(AssessmentRow)
                .where(AssessmentRow.case_id == case.id)
                .order_by(AssessmentRow.assessed_on.desc(), AssessmentRow.id.desc())
                .limit(1)
            )
            services = session.execute(
                select(PlannedServiceRow.id, PlannedServiceRow.status).where(
                    PlannedServiceRow.case_id == case.id
                )
            ).all()
            result.append(
                {
                    "case_id": case.id,
                    "state": case.state,
                    "version": case.version,
                    "family_name": family.family_name,
                    "community_code": place.code,
                    "community": place.name_hy,
                    "address": family.address or "",
                    "phone": family.phone or "",
                    "referral_partner_type": family.referral_partner_type or "",
                    "referral_partner_name": family.referral_partner_name or "",
                    "state_benefit": "yes" if family.state_benefit else "no",
                    "members": len(members),
                    "children": sum(1 for role in members if role in children),
                    "social_worker": staff.get(family.social_worker_id or 0, ""),
                    "psychologist": staff.get(family.psychologist_id or 0, ""),
                    "consent_on_file": "yes" if _consent(session, case.id) else "no",
                    "last_assessed_on": latest.assessed_on.isoformat() if latest else "",
                    "risk_of_abandonment": ""
                    if latest is None
                    else ("yes" if latest.risk_of_abandonment else "no"),
                    "additional_criteria": " ".join(latest.criteria) if latest else "",
                    "services_planned": sum(1 for _, s in services if s != "cancelled"),
                    "services_delivered": sum(1 for _, s in services if s == "delivered"),
                    "delivered_cost_amd": _cost(session, [i for i, _ in services]),
                    "closure_reason": _closure_reason(session, case),
                    "opened_at": as_utc(case.opened_at).isoformat(),
                    "updated_at": as_utc(case.updated_at).isoformat(),
                }
            )
        return result


def _consent(session: Any, case_id: int) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(ConsentRow)
            .where(ConsentRow.case_id == case_id, ConsentRow.withdrawn_on.is_(None))
        )
    )


def _cost(session: Any, planned_ids: list[int]) -> int:
    if not planned_ids:
        return 0
    total = session.scalar(
        select(func.coalesce(func.sum(DeliveryRow.cost_amd), 0)).where(
            DeliveryRow.planned_service_id.in_(planned_ids)
        )
    )
    return int(total or 0)


def _closure_reason(session: Any, case: CaseRow) -> str:
    """Why the case is closed: the reason of its last event if that was the close (a
    closed case takes no other change; a reopened one has moved on)."""
    event = session.scalar(
        select(CaseEventRow)
        .where(CaseEventRow.case_id == case.id)
        .order_by(CaseEventRow.version.desc())
        .limit(1)
    )
    if event is None or event.trigger != "close":
        return ""
    return str(event.data.get("closure_reason", ""))
