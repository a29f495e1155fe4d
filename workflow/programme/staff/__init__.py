"""The face of staff/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.staff.commands import (
    AddCommunity,
    AddStaff,
    DeactivateCommunity,
    DeactivateStaff,
    RenameCommunity,
    SetStaffCommunities,
    SetStaffContact,
    SetStaffRole,
)
from workflow.programme.staff.errors import (
    CommunityNotFound,
    LastAdmin,
    StaffInactive,
    StaffNotFound,
    UnknownCommunity,
    WrongStaffRole,
)
from workflow.programme.staff.models import CommunityRow, StaffRow
from workflow.programme.staff.queries import (
    all_communities,
    existing_staff,
    list_communities,
    list_staff,
)
from workflow.programme.staff.scope import CaseAssignments, ScopeRule, scope_modes
from workflow.programme.staff.services import (
    communities_of,
    community,
    community_lookup,
    find_community,
    staff_member,
)

__all__ = [
    "all_communities",
    "AddCommunity",
    "AddStaff",
    "CaseAssignments",
    "CommunityNotFound",
    "CommunityRow",
    "DeactivateCommunity",
    "DeactivateStaff",
    "LastAdmin",
    "RenameCommunity",
    "SetStaffCommunities",
    "SetStaffContact",
    "SetStaffRole",
    "StaffInactive",
    "StaffNotFound",
    "StaffRow",
    "ScopeRule",
    "UnknownCommunity",
    "WrongStaffRole",
    "community",
    "communities_of",
    "community_lookup",
    "existing_staff",
    "find_community",
    "list_communities",
    "list_staff",
    "scope_modes",
    "staff_member",
]
