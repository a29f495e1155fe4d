"""The dashboard's overdue-reminders figure and the reminders page behind its link come
from one query: a manager sees the team's overdue reminders (a psychologist's among
them) on both, a social worker and a psychologist their own."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import programme_fixtures as pf
from tests.web import work_fixtures as wf
from workflow.programme import reminders as programme_reminders
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase
from workflow.programme.reminders import SweepReminders
from workflow.services import handle

FIGURE = re.compile(r'id="overdue-reminders-link">(\d+)<')


def figure(page: str) -> int:
    found = FIGURE.search(page)
    assert found, page
    return int(found.group(1))


def listed(page: str, section: str) -> set[int]:
    """Reminder ids in one section of the reminders page."""
    start = page.index(f'id="{section}"')
    end = page.find("</section>", start)
    return {int(i) for i in re.findall(r'id="reminder-(\d+)"', page[start:end])}


def psychologists_overdue_follow_up(rt, publisher, clock) -> int:
    """A counselling follow-up of the family's psychologist, sent and not acknowledged."""
    case_id = pf.case_in(rt, "enrolled", family_name="Ավագյան", phone="+374 91 000002")
    handle(rt, AssignCase(case_id=case_id, actor="test", psychologist=pf.PSYCHOLOGIST))
    handle(
        rt,
        RecordCounselling(
            kind="individual",
            case_ids=(case_id,),
            psychologist=pf.PSYCHOLOGIST,
            held_on=pf.today(rt),
            actor=pf.PSYCHOLOGIST,
            follow_up_needed=True,
        ),
    )
    wf.work_off(rt, publisher)
    clock.advance(timedelta(days=15))
    handle(rt, SweepReminders())
    wf.work_off(rt, publisher)
    [reminder] = [
        r
        for r in programme_reminders.list_reminders(rt, case_id=case_id)
        if r["kind"] == "counselling_follow_up"
    ]
    assert (reminder["status"], reminder["recipient"]) == ("sent", pf.PSYCHOLOGIST)
    return int(reminder["id"])


def test_dashboard_counts_what_the_reminders_page_lists_for_every_role(
    browser, rt, publisher, clock
):
    _, workers = wf.reminded_case(rt, publisher, clock)
    psychologists = psychologists_overdue_follow_up(rt, publisher, clock)
    # Neither is escalated yet: the manager's old list showed only escalated reminders.
    expected = {
        "manager": ("h-team", {workers, psychologists}),
        pf.SOCIAL_WORKER: ("h-open", {workers}),
        pf.PSYCHOLOGIST: ("h-open", {psychologists}),
    }
    for username, (section, reminder_ids) in expected.items():
        staff = browser(username)
        dashboard = staff.get("/").text
        assert figure(dashboard) == len(reminder_ids), username
        assert f'href="/inbox#{section}"' in dashboard, username
        page = staff.get("/inbox").text
        assert listed(page, section) == reminder_ids, username
        for reminder_id in reminder_ids:
            assert re.search(rf'<tr class="reminder-\w+ overdue" id="reminder-{reminder_id}"', page)
        api = staff.get("/api/v1/dashboard").json()
        assert api["overdue_reminders"] == len(reminder_ids), username


def test_acknowledged_reminders_leave_the_figure_and_the_list_together(
    browser, rt, publisher, clock
):
    _, workers = wf.reminded_case(rt, publisher, clock)
    psychologists = psychologists_overdue_follow_up(rt, publisher, clock)
    psychologist = browser(pf.PSYCHOLOGIST)
    psychologist.post(f"/reminders/{psychologists}/acknowledge", {"next": "/inbox"})
    manager = browser("manager")
    assert figure(manager.get("/").text) == 1
    assert listed(manager.get("/inbox").text, "h-team") == {workers}
    assert figure(psychologist.get("/").text) == 0
