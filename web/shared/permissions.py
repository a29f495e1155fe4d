"""What each role may do. Routes ask for a permission, never for a role, so a change of
policy is one line here.

Closing and reopening a case are the programme manager's decisions (where closing needs
approval, a social worker requests it and a manager approves it); procurement
officers see the procurement side and the reports, not the families' files. Referrals
are case work (social workers, managers); psychologists read them. Goods are approved,
ordered and received by procurement officers and managers; social workers follow them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

ROLES = ("admin", "manager", "social_worker", "psychologist", "procurement_officer")


class Permission(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    RECORD_COUNSELLING = "record_counselling"
    CLOSE_CASES = "close_cases"
    VIEW_REPORTS = "view_reports"
    REFER = "refer"
    OVERSEE_REMINDERS = "oversee_reminders"
    VIEW_PROCUREMENT = "view_procurement"
    MANAGE_PROCUREMENT = "manage_procurement"
    OPERATE_INCIDENTS = "operate_incidents"
    VIEW_WORKFLOWS = "view_workflows"
    VIEW_ACCESS_LOG = "view_access_log"
    ADMINISTER = "administer"
    MANAGE_REFERENCE = "manage_reference"


GRANTS: dict[Permission, frozenset[str]] = {
    Permission.VIEW_CASES: frozenset({"admin", "manager", "social_worker", "psychologist"}),
    Permission.EDIT_CASES: frozenset({"admin", "manager", "social_worker"}),
    Permission.RECORD_COUNSELLING: frozenset({"admin", "manager", "social_worker", "psychologist"}),
    Permission.CLOSE_CASES: frozenset({"admin", "manager"}),
    Permission.VIEW_REPORTS: frozenset({"admin", "manager", "procurement_officer"}),
    # Create referrals and record the partners' answers.
    Permission.REFER: frozenset({"admin", "manager", "social_worker"}),
    # See everyone's overdue reminders and acknowledge them; others acknowledge their own.
    Permission.OVERSEE_REMINDERS: frozenset({"admin", "manager"}),
    Permission.VIEW_PROCUREMENT: frozenset(
        {"admin", "manager", "procurement_officer", "social_worker"}
    ),
    # Approve, order, receive and cancel procurement requests.
    Permission.MANAGE_PROCUREMENT: frozenset({"admin", "manager", "procurement_officer"}),
    # Background work that failed every retry: run it again, or resolve it with a reason.
    Permission.OPERATE_INCIDENTS: frozenset({"admin", "manager"}),
    # Which versions of each workflow are in use, by how many cases.
    Permission.VIEW_WORKFLOWS: frozenset({"admin", "manager"}),
    # Who viewed or exported which family's file (the access log).
    Permission.VIEW_ACCESS_LOG: frozenset({"admin", "manager"}),
    # Staff accounts (add, role, communities, deactivate, passwords) and the admin history.
    Permission.ADMINISTER: frozenset({"admin"}),
    # Partners and communities, which managers deal with day to day (web/admin/).
    Permission.MANAGE_REFERENCE: frozenset({"admin", "manager"}),
}

#: What changes a case: never offered on a case the reader may only read.
CHANGE_CASES = frozenset(
    {
        Permission.EDIT_CASES,
        Permission.RECORD_COUNSELLING,
        Permission.CLOSE_CASES,
        Permission.REFER,
    }
)

#: Transitions that need more than EDIT_CASES.
TRIGGER_PERMISSIONS = {"close": Permission.CLOSE_CASES, "reopen": Permission.CLOSE_CASES}


def allowed(role: str, permission: Permission) -> bool:
    return role in GRANTS[permission]


def trigger_permission(trigger: str) -> Permission:
    return TRIGGER_PERMISSIONS.get(trigger, Permission.EDIT_CASES)


def step_permission(trigger: str, transition: Any | None) -> Permission:
    """Who may fire ``transition`` (of the case's own definition version). A step that
    needs approval is only requested when fired, so whoever edits cases may request it
    (a social worker requests closure); the engine checks its approvers' roles."""
    if transition is not None and getattr(transition, "approval", None) is not None:
        return Permission.EDIT_CASES
    return trigger_permission(trigger)


def may_acknowledge(role: str, username: str, recipient: str) -> bool:
    """A reminder is acknowledged by the person it reminds, or by a manager."""
    return username == recipient or allowed(role, Permission.OVERSEE_REMINDERS)
