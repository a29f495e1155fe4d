"""What each role may do. Routes ask for a permission, never for a role, so a change of
policy is one line here.

Closing and reopening a case are the programme manager's decisions; procurement
officers see the procurement side and the reports, not the families' files.
"""

from __future__ import annotations

from enum import StrEnum

ROLES = ("admin", "manager", "social_worker", "psychologist", "procurement_officer")


class Permission(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    RECORD_COUNSELLING = "record_counselling"
    CLOSE_CASES = "close_cases"
    VIEW_REPORTS = "view_reports"


GRANTS: dict[Permission, frozenset[str]] = {
    Permission.VIEW_CASES: frozenset({"admin", "manager", "social_worker", "psychologist"}),
    Permission.EDIT_CASES: frozenset({"admin", "manager", "social_worker"}),
    Permission.RECORD_COUNSELLING: frozenset({"admin", "manager", "social_worker", "psychologist"}),
    Permission.CLOSE_CASES: frozenset({"admin", "manager"}),
    Permission.VIEW_REPORTS: frozenset({"admin", "manager", "procurement_officer"}),
}

#: Transitions that need more than EDIT_CASES.
TRIGGER_PERMISSIONS = {"close": Permission.CLOSE_CASES, "reopen": Permission.CLOSE_CASES}


def allowed(role: str, permission: Permission) -> bool:
    return role in GRANTS[permission]


def trigger_permission(trigger: str) -> Permission:
    return TRIGGER_PERMISSIONS.get(trigger, Permission.EDIT_CASES)
