"""Commands about staff and communities, and what they return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AddStaff:
    username: str
    full_name: str
    role: str
    actor: str
    language: str = "hy"
    email: str | None = None
    phone: str | None = None
    #: The communities they work in (codes or names), which scoped access reads.
    communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetStaffCommunities:
    """The communities a staff member works in, replacing the ones recorded (scoped
    access: a social worker reads the open cases of their communities)."""

    username: str
    communities: tuple[str, ...]
    actor: str


@dataclass(frozen=True)
class SetStaffContact:
    """The phone and e-mail by which partners and suppliers reach a staff member (mails
    name them); None leaves one as it is."""

    username: str
    actor: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SetStaffRole:
    """A staff member's role; the last active admin keeps theirs (someone must administer)."""

    username: str
    role: str
    actor: str


@dataclass(frozen=True)
class DeactivateStaff:
    username: str
    actor: str


@dataclass(frozen=True)
class AddCommunity:
    code: str
    name_hy: str
    name_en: str
    actor: str


@dataclass(frozen=True)
class RenameCommunity:
    """A community's names; its code (which files and settings name) stays."""

    code: str
    name_hy: str
    name_en: str
    actor: str


@dataclass(frozen=True)
class DeactivateCommunity:
    """A community the programme no longer works in: its families keep it, no new ones."""

    code: str
    actor: str


@dataclass(frozen=True)
class StaffChanged:
    username: str
    staff_id: int


@dataclass(frozen=True)
class CommunityAdded:
    code: str
    community_id: int
