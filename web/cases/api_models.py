"""Request bodies of the JSON API, for validation and the OpenAPI docs. Values are then
read by the same readers as the HTML forms (``web.cases.forms``): dates as 2024-03-15 or
15.03.2024, money as whole dram."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Member(BaseModel):
    role: str = Field(examples=["mother"])
    full_name: str = Field(examples=["Անի Սարգսյան"])
    date_of_birth: str | None = Field(default=None, examples=["1990-04-02"])
    disability: bool = False
    health_notes: str | None = None


class Consent(BaseModel):
    """The consent given at registration: participation unless ``purposes`` say more."""

    purposes: list[str] | None = Field(default=None, examples=[["participation", "referral"]])
    note: str | None = None
    #: The free text of older clients: kept as the note.
    purpose: str | None = None
    given_on: str
    expires_on: str | None = None
    given_by: str | None = Field(default=None, description="Who gave it, by name.")


class FamilyBody(BaseModel):
    family_name: str = Field(examples=["Սարգսյան"])
    community: str = Field(examples=["hrazdan"])
    members: list[Member]
    address: str | None = None
    phone: str | None = None
    referral_partner_type: str | None = None
    referral_partner_name: str | None = None
    state_benefit: bool = False
    consent: Consent | None = None
    confirm_duplicate: bool = False


class Versioned(BaseModel):
    expected_version: int | None = Field(
        default=None, description="Refuse (409) if the case changed since this version."
    )


class AssessmentBody(Versioned):
    assessor: str
    assessed_on: str
    risk_of_abandonment: bool
    risk_description: str | None = None
    criteria: list[str] = []
    notes: str | None = None


class ConsentBody(Versioned):
    purposes: list[str] = Field(
        examples=[["participation", "referral"]],
        description="Codes of consent_purposes (config/programme/lists.toml).",
    )
    given_on: str = Field(examples=["2026-11-30"])
    expires_on: str | None = Field(default=None, description="The last day it covers.")
    given_by: str | None = Field(
        default=None,
        examples=["12"],
        description='A household member\'s id, or "other" with given_by_name.',
    )
    given_by_name: str | None = Field(
        default=None, description="The guardian or legal representative who gave it."
    )
    note: str | None = None


class WithdrawalBody(Versioned):
    withdrawn_on: str = Field(examples=["2026-11-30"])
    purposes: list[str] = Field(
        default_factory=list,
        examples=[["referral"]],
        description="Only these purposes; none: all consent (the case closes).",
    )
    reason: str | None = Field(default=None, description="What the family said.")


class FamilyChangesBody(Versioned):
    """Only the fields to change; the timeline keeps each before and after."""

    family_name: str | None = None
    community: str | None = Field(default=None, examples=["garni"])
    address: str | None = None
    phone: str | None = Field(default=None, examples=["+374 93 456789"])
    referral_partner_type: str | None = None
    referral_partner_name: str | None = None
    state_benefit: bool | None = None
    confirm_duplicate: bool = Field(
        default=False, description="Save a new phone that a possible duplicate shares."
    )


class MemberBody(Versioned, Member):
    confirm_duplicate: bool = False


class MemberChangesBody(Versioned):
    """Only the fields to change; the health notes only by the roles that read them."""

    role: str | None = None
    full_name: str | None = None
    date_of_birth: str | None = Field(default=None, description="Empty text clears it.")
    disability: bool | None = None
    health_notes: str | None = None
    confirm_duplicate: bool = False


class RemovalBody(Versioned):
    reason: str = Field(examples=["Moved to Yerevan to live with her grandmother"])


class AssignmentBody(Versioned):
    social_worker: str | None = None
    psychologist: str | None = None


class PlanBody(Versioned):
    service: str
    target_date: str
    provider_staff: str | None = None
    provider_partner: str | None = None
    funder: str | None = None
    funded_amount_amd: int | None = None
    notes: str | None = None


class DeliveryBody(Versioned):
    delivered_on: str
    quantity: int = 1
    cost_amd: int = 0
    notes: str | None = None
    final: bool = True


class CancelBody(Versioned):
    reason: str


class CounsellingBody(BaseModel):
    kind: str = Field(examples=["individual"])
    psychologist: str
    held_on: str
    follow_up_needed: bool = False
    notes: str | None = None
    other_cases: list[int] = Field(default=[], description="Other families of a group session.")


class IncomeBody(Versioned):
    kind: str
    started_on: str
    description: str | None = None
    monthly_amount_amd: int | None = None


class TransitionBody(Versioned):
    trigger: str = Field(examples=["assess"])
    reason: str | None = None
    closure_reason: str | None = Field(default=None, description="Required to close.")


def values(body: BaseModel) -> dict[str, Any]:
    """The body as the form readers take it (booleans as booleans, lists as lists)."""
    data = body.model_dump()
    if isinstance(body, CounsellingBody):
        data["other_cases"] = ",".join(str(n) for n in body.other_cases)
    return data
