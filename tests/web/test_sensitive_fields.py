"""Sensitive fields (config/programme/privacy.toml): a child's health notes are shown to
the psychologist and the manager, not to the social worker, who sees only that they are
filled; the same on the case page, in the JSON API and at the command line."""

from __future__ import annotations

from datetime import date

from tests import programme_fixtures as pf
from tests.web.test_messages import in_english
from workflow.programme.families import MemberInput, may_see

NOTE = "Ասթմա, ինհալյատոր ամեն առավոտ"


def _family(rt) -> int:
    members = (
        MemberInput(role="mother", full_name="Անի Սարգսյան", date_of_birth=date(1990, 4, 2)),
        MemberInput(
            role="child",
            full_name="Նարե Սարգսյան",
            date_of_birth=date(2016, 9, 1),
            disability=True,
            health_notes=NOTE,
        ),
    )
    return pf.register(rt, members=members)


def test_the_default_policy():
    assert may_see("health_notes", "psychologist") and may_see("health_notes", "manager")
    assert not may_see("health_notes", "social_worker")
    assert may_see("disability", "social_worker")
    assert may_see("health_notes", None)  # an operator at the command line


def test_the_case_page_shows_health_notes_only_to_the_roles_that_need_them(browser, rt):
    case_id = _family(rt)
    pf.assign_psychologist(rt, case_id)
    worker = browser(pf.SOCIAL_WORKER).get(f"/cases/{case_id}").text
    assert NOTE not in worker
    assert "լրացված է, բայց չի ցուցադրվում Ձեր դերի համար" in worker
    for username in (pf.PSYCHOLOGIST, "manager"):
        assert NOTE in browser(username).get(f"/cases/{case_id}").text
    english = browser(pf.SOCIAL_WORKER)
    in_english(english)
    assert "filled; not shown to your role" in english.get(f"/cases/{case_id}").text


def test_the_api_gives_null_and_says_the_field_is_filled(browser, rt):
    case_id = _family(rt)
    worker = browser(pf.SOCIAL_WORKER).client.get(f"/api/v1/cases/{case_id}").json()
    child = worker["members"][1]
    assert child["health_notes"] is None and child["hidden"] == {"health_notes": True}
    assert child["disability"] is True
    manager = browser("manager").client.get(f"/api/v1/cases/{case_id}").json()
    assert manager["members"][1]["health_notes"] == NOTE
    assert "hidden" not in manager["members"][1]
