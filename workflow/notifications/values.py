"""Placeholder values that are built the same way by every feature that sends mail.

The links name pages of the back-office web app under ``HOGATAR_WEB_BASE_URL``; keeping
their shape here means one place to change when the app's routes settle.
"""

from __future__ import annotations

from urllib.parse import quote


def web_link(base_url: str, *path: str | int) -> str:
    """``base_url`` joined with PATH segments, each quoted (a reference may contain '/')."""
    segments = "/".join(quote(str(part), safe="") for part in path)
    return f"{base_url.rstrip('/')}/{segments}"


def case_url(base_url: str, case_id: int) -> str:
    return web_link(base_url, "cases", case_id)


def referral_url(base_url: str, referral_id: int | str) -> str:
    """Where a partner accepts or declines a referral (it shows no more than it needs)."""
    return web_link(base_url, "referrals", referral_id)


def dram(amount: int) -> str:
    """Whole dram grouped by thousands, e.g. 1250000 -> "1 250 000" (no-break spaces, so a
    mail reader never wraps an amount across lines)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amounts are whole dram")
    return f"{amount:,}".replace(",", "\u00a0")


def money(amount: int, language: str) -> str:
    """An amount as the pages write it: "45 000 ֏" in Armenian, "45,000 ֏" in English."""
    grouped = dram(amount)
    return f"{grouped.replace(chr(0xA0), ',') if language == 'en' else grouped} ֏"
