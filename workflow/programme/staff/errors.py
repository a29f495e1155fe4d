"""Refusals about staff and communities."""

from __future__ import annotations

from workflow.errors import InvalidInput


class UnknownCommunity(InvalidInput):
    def __init__(self, given: str) -> None:
        super().__init__(
            f"unknown community {given!r}: give its code or its name in Armenian or English "
            "(see `hogatar community list`; a new one is added with `hogatar community add`)"
        )


class StaffNotFound(InvalidInput):
    def __init__(self, username: str) -> None:
        super().__init__(
            f"no staff member with the username {username!r} (see `hogatar staff list`)"
        )


class UnknownActor(InvalidInput):
    """``--actor`` names nobody: a typo would otherwise sign the timeline with a stranger."""

    def __init__(self, actor: str, *, inactive: bool = False) -> None:
        what = "is no longer active staff" if inactive else "is not a staff username"
        super().__init__(
            f"--actor {actor!r} {what}: give the username of an active staff member "
            "(`hogatar staff list` shows them), or an explicit cli:NAME or system:NAME"
        )


class WrongStaffRole(InvalidInput):
    def __init__(self, username: str, role: str, needed: str) -> None:
        super().__init__(
            f"{username} is a {role.replace('_', ' ')}, not a {needed.replace('_', ' ')}"
        )


class StaffInactive(InvalidInput):
    def __init__(self, username: str) -> None:
        super().__init__(f"{username} is no longer active and cannot take on cases")


class LastAdmin(InvalidInput):
    """The change would leave the programme with no active admin: nobody could add staff or
    reset a password in the web any more."""

    def __init__(self, username: str) -> None:
        super().__init__(
            f"{username} is the last active admin: make another staff member an admin first"
        )


class CommunityNotFound(InvalidInput):
    def __init__(self, code: str) -> None:
        super().__init__(f"no community with the code {code!r} (see `hogatar community list`)")
