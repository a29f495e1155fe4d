"""Case notes in a real browser, in Armenian: a social worker writes a confidential note
on her family's case (Back and save again writes it once); a second social worker of the
same community opens the case and sees only that the note exists; the case's
psychologist reads it; the author corrects it within 24 hours and the earlier text is in
its history; a day later her correction is refused beside the text, which is kept.
Screenshots go to test-artifacts/notes-*.png.

The notes' own words are looked up in the Armenian catalog as the page shows them (the
English words until the catalog has them); everything else is matched in Armenian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.browser.test_casework import PASSWORD
from tests.browser.test_intake import Tab
from web.app import create_app
from web.shared import accounts
from web.shared.i18n import translations
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.families import AssignCase
from workflow.programme.notes import NoteRevisionRow, NoteRow
from workflow.programme.staff import AddStaff, SetStaffCommunities
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

#: Demo staff (workflow/programme/demo/people.py): two social workers of Hrazdan and the
#: psychologist of the case.
AUTHOR, COLLEAGUE, PSYCHOLOGIST = "anahit.m", "karen.h", "gohar.s"
SECRET = "Մայրը պատմեց, որ հայրը վերջին ամիսներին հաճախ է խմում և բարկանում երեխաների վրա"
CORRECTED = "Մայրը պատմեց, որ հայրը վերջին ամիսներին հաճախ է խմում"


def hy(msgid: str) -> str:
    return translations("hy").gettext(msgid)


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    for username, full_name, role in (
        (AUTHOR, "Անահիտ Մարտիրոսյան", "social_worker"),
        (COLLEAGUE, "Կարեն Հարությունյան", "social_worker"),
        (PSYCHOLOGIST, "Գոհար Սահակյան", "psychologist"),
    ):
        handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)
    # Both work in Hrazdan: the colleague reads its open cases (scoped access).
    for username in (AUTHOR, COLLEAGUE):
        handle(rt, SetStaffCommunities(username=username, communities=("hrazdan",), actor="test"))
    case_id = pf.register(rt, actor=AUTHOR, family_name="Ղազարյան")
    handle(
        rt,
        AssignCase(case_id=case_id, actor="test", social_worker=AUTHOR, psychologist=PSYCHOLOGIST),
    )
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt, clock, case_id
    rt.engine.dispose()


def log_in(browser: Any, url: str, artifacts: Any, username: str) -> tuple[Any, Tab]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = Tab(context, url, artifacts)
    tab.goto("/login")
    tab.page.get_by_label("Օգտանուն").fill(username)
    tab.page.get_by_label("Գաղտնաբառ").fill(PASSWORD)
    tab.page.get_by_role("button", name="Մուտք").click()
    tab.page.wait_for_url(url + "/")
    tab.check()
    return context, tab


def shot(tab: Tab, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"notes-{name}.png"), full_page=True)


def count(rt: Any, model: Any) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_confidential_note_its_readers_and_its_correction(chromium, site, artifacts):
    url, rt, clock, case_id = site

    # The author writes a confidential phone-call note from the case page.
    context, tab = log_in(chromium, url, artifacts, AUTHOR)
    page = tab.page
    tab.goto(f"/cases/{case_id}")
    page.get_by_role("link", name=hy("Write a note")).click()
    tab.check()
    page.get_by_label(hy("Kind of note")).select_option("phone_call")
    assert page.get_by_label(hy("Date")).input_value() == f"{pf.today(rt):%d.%m.%Y}"
    page.get_by_role("textbox", name=hy("Note")).fill(SECRET)
    page.get_by_label(
        hy("Confidential: only I, the case's psychologist and the programme's managers read it")
    ).check()
    shot(tab, "written")
    tab.submit(hy("Save the note"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    notes = page.locator("#notes")
    assert notes.get_by_text(SECRET).is_visible()
    assert notes.get_by_text("Հեռախոսազանգ").is_visible()
    # Back and save again: still one note, and the notice says it was saved already.
    page.go_back()
    tab.check()
    assert page.get_by_role("textbox", name=hy("Note")).input_value() == SECRET
    tab.submit(hy("Save the note"))
    assert page.get_by_text("Այս ձևն արդեն պահպանվել էր").is_visible()
    assert count(rt, NoteRow) == 1
    # On the timeline: that a note was written, of which kind; never its text.
    timeline = page.locator("#timeline")
    assert timeline.get_by_text(hy("Note written")).count() == 1
    assert timeline.get_by_text(SECRET).count() == 0
    context.close()

    # A second social worker of the community: the note exists, its text is not there.
    context, tab = log_in(chromium, url, artifacts, COLLEAGUE)
    page = tab.page
    tab.goto(f"/cases/{case_id}")
    notes = page.locator("#notes")
    assert notes.locator("article.note").count() == 1
    assert notes.get_by_text("Հեռախոսազանգ").is_visible()
    assert notes.get_by_text("Անահիտ Մարտիրոսյան").is_visible()
    assert notes.get_by_text(
        hy(
            "A confidential note: only its author, the case's psychologist and the programme's "
            "managers read it."
        )
    ).is_visible()
    assert SECRET not in page.content()
    shot(tab, "colleague")
    # Nor does the notes search find it for them.
    tab.goto("/cases")
    page.get_by_label(hy("Search the notes' text")).fill("խմում")
    page.get_by_role("button", name=hy("Search the notes")).click()
    tab.check()
    assert "խմում" not in page.locator("main").inner_text().replace(
        page.get_by_label(hy("Words in the note")).input_value(), ""
    )
    assert page.locator(".found-note").count() == 0
    context.close()

    # The case's psychologist reads it, and finds it by a word of it.
    context, tab = log_in(chromium, url, artifacts, PSYCHOLOGIST)
    page = tab.page
    tab.goto(f"/cases/{case_id}")
    assert page.locator("#notes").get_by_text(SECRET).is_visible()
    tab.goto("/notes?q=ԽՄՈՒՄ")
    assert page.locator(".found-note").get_by_text(SECRET).is_visible()
    page.locator(".found-note").get_by_role("link", name=f"Դեպք {case_id}").first.click()
    tab.check()
    assert page.url.startswith(f"{url}/cases/{case_id}")
    context.close()

    # Two hours later the author corrects it; the earlier text is in its history.
    clock.advance(timedelta(hours=2))
    context, tab = log_in(chromium, url, artifacts, AUTHOR)
    page = tab.page
    tab.goto(f"/cases/{case_id}")
    page.get_by_role("link", name=hy("Correct this note")).click()
    tab.check()
    assert page.get_by_role("textbox", name=hy("Note")).input_value() == SECRET
    page.get_by_role("textbox", name=hy("Note")).fill(CORRECTED)
    tab.submit(hy("Save the correction"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    note = page.locator("article.note")
    assert note.locator("p.note-text").first.inner_text() == CORRECTED
    note.locator("details.note-history summary").click()
    assert note.locator("details.note-history").get_by_text(SECRET).is_visible()
    assert page.locator("#timeline").get_by_text(hy("Note corrected")).count() == 1
    shot(tab, "corrected")
    correction_page = f"/cases/{case_id}/notes/{count(rt, NoteRow)}/correct"
    context.close()

    # A day later the note can no longer be corrected: refused beside the text, kept.
    clock.advance(timedelta(hours=23))
    context, tab = log_in(chromium, url, artifacts, AUTHOR)
    page = tab.page
    tab.goto(f"/cases/{case_id}")
    assert page.get_by_role("link", name=hy("Correct this note")).count() == 0
    tab.goto(correction_page)
    page.get_by_role("textbox", name=hy("Note")).fill(CORRECTED + ".")
    tab.submit(hy("Save the correction"), status=422)
    error = page.locator("#f-text-error")
    assert error.inner_text() == hy(
        "This note was written more than %(hours)s hours ago and can no longer be "
        "corrected. Write a new note instead."
    ) % {"hours": "24"}
    assert page.get_by_role("textbox", name=hy("Note")).input_value() == CORRECTED + "."
    shot(tab, "correction-refused")
    assert count(rt, NoteRevisionRow) == 1
    context.close()
