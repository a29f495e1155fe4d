"""The JSON API of referrals: partners, referrals, a partner's answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReferralBody(BaseModel):
    partner: str = Field(examples=["hrazdan_medical_centre"], description="A partner code.")
    purpose: str = Field(examples=["Ատամնաբուժական բուժում"])


class ReferralResponseBody(BaseModel):
    response: str = Field(
        examples=["accepted"], description="acknowledged, accepted, declined or completed"
    )
    reason: str | None = Field(default=None, description="Required to decline: the partner's.")
    feedback: str | None = Field(default=None, description="Required to complete.")
