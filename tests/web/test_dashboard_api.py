"""``GET /api/v1/dashboard`` answers each role what the dashboard page shows it: a
procurement officer was refused (403) though the page serves them, and the API showed
social workers the failed background work their page does not."""

from __future__ import annotations

import re

import pytest

from tests import programme_fixtures as pf
from tests.web import work_fixtures as wf

#: Each figure card of the page, by where its number links, and its key in the API.
CARDS = {
    "/cases": "my_open_cases",
    "/inbox#h-team": "overdue_reminders",
    "/inbox#h-open": "overdue_reminders",
    "/referrals#status-sent": "awaiting_answer",
    "/inbox#h-approvals": "awaiting_my_approval",
    "/procurement#status-requested": "awaiting_approval",
    "/incidents": "open_incidents",
}
FIGURE = re.compile(r'<p class="figure"><a href="([^"]+)"[^>]*>([^<]+)</a>')


def page_figures(html: str) -> dict[str, int]:
    return {CARDS[href]: int(re.sub(r"\D", "", shown)) for href, shown in FIGURE.findall(html)}


@pytest.mark.parametrize(
    "username", ["admin", "manager", pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, "procurement"]
)
def test_the_api_dashboard_answers_what_the_page_shows(browser, rt, publisher, username):
    wf.goods_requested(rt, publisher)  # procurement awaiting approval, a referral sent
    reader = browser(username)
    page = reader.get("/")
    api = reader.get("/api/v1/dashboard")
    assert page.status_code == api.status_code == 200, username
    shown, answered = page_figures(page.text), api.json()
    assert set(shown) <= set(answered), username
    for key in set(CARDS.values()):
        if key in shown:
            assert answered[key] == shown[key], (username, key)
        elif key == "awaiting_my_approval":  # the card shows only when something waits
            assert answered[key] == 0, username
        else:
            assert answered[key] is None, (username, key)
    assert answered["states"], username


def test_a_procurement_officer_reads_the_procurement_awaiting_approval(browser, rt, publisher):
    wf.goods_requested(rt, publisher)
    answered = browser("procurement").get("/api/v1/dashboard").json()
    assert answered["awaiting_approval"] == 1
    # Not the families' side: neither their cases nor the referrals.
    assert answered["my_open_cases"] is None and answered["awaiting_answer"] is None
