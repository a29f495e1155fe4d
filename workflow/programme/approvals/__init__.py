"""The face of approvals/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.approvals.services import (
    after_approval_awaiting,
    after_approval_closed,
    approval_roles,
    approver_refusal,
    on_transition,
)

__all__ = [
    "after_approval_awaiting",
    "after_approval_closed",
    "approval_roles",
    "approver_refusal",
    "on_transition",
]
