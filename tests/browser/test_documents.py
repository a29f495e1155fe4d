"""Documents in a real browser, in Armenian: a social worker attaches a scanned consent
(a small real PDF) from the case page, sees it in the case's documents and on the
timeline, and downloads it (the download in the access log); Back and send again
attaches it once; a 25 MB file and an .exe renamed .pdf are refused with clear
messages beside the file field, the kind chosen kept, and nothing stored (no file under
the var directory, no row); an ID card expiring in 20 days puts a reminder on the case
and, once beat's sweep ran, on her reminders page. Screenshots go to
test-artifacts/documents-*.png.

The documents' own words are looked up in the Armenian catalog as the page shows them
(the English words until the catalog has them); everything else is matched in Armenian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.browser.test_background_work import work_off
from tests.browser.test_case_notes import hy, log_in
from tests.browser.test_casework import PASSWORD
from tests.documents_fixtures import EXE, stored_files, tiny_pdf, tiny_png
from web.app import create_app
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.programme.documents import DocumentRow
from workflow.programme.families import AssignCase
from workflow.programme.privacy import AccessLogRow
from workflow.programme.reminders import ReminderRow, SweepReminders
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

WORKER = pf.SOCIAL_WORKER
CONSENT = "Համաձայնություն Ղազարյան.pdf"


@pytest.fixture
def site(clean_db, clean_redis, settings_for, serve) -> Any:
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    rt = bootstrap(settings_for(clean_db, clean_redis), clock=clock, mailer=MemoryMailer())
    pf.ensure_staff(rt)
    accounts.set_password(rt, username=WORKER, password=PASSWORD)
    case_id = pf.register(rt, actor=WORKER, family_name="Ղազարյան")
    handle(rt, AssignCase(case_id=case_id, actor="test", social_worker=WORKER))
    url = serve(create_app(rt, secret_key="browser-test-secret-0123456789"))
    yield url, rt, clock, case_id
    rt.engine.dispose()


def shot(tab: Any, name: str) -> None:
    tab.page.screenshot(path=str(tab.artifacts / f"documents-{name}.png"), full_page=True)


def count(rt: Any, model: Any) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def open_upload_form(page: Any) -> None:
    details = page.locator("details.attach-document")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_a_social_worker_attaches_downloads_and_is_refused(chromium, site, artifacts, tmp_path):
    url, rt, clock, case_id = site
    scan = tmp_path / CONSENT
    scan.write_bytes(tiny_pdf())
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page

    # The scanned consent, attached from the case page.
    tab.goto(f"/cases/{case_id}")
    documents = page.locator("#documents")
    assert documents.get_by_text(hy("No document yet.")).is_visible()
    open_upload_form(page)
    page.get_by_label(hy("Kind of document")).select_option("consent_form")
    page.get_by_label(hy("File")).set_input_files(str(scan))
    shot(tab, "upload")
    tab.submit(hy("Attach the document"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    documents = page.locator("#documents")
    assert documents.get_by_role("cell", name="Ստորագրված համաձայնության ձև").is_visible()
    link = documents.get_by_role("link", name=CONSENT)
    assert link.is_visible()
    assert page.locator("#timeline").get_by_text(hy("Document attached")).count() == 1
    shot(tab, "listed")

    # Downloaded as it was scanned; the download is in the access log.
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == CONSENT
    with open(download.path(), "rb") as got:
        assert got.read() == tiny_pdf()
    with rt.session_factory() as session:
        logged = session.scalars(
            select(AccessLogRow).where(AccessLogRow.kind == "download_document")
        ).all()
    assert [(e.actor, e.case_id, e.source) for e in logged] == [(WORKER, case_id, "127.0.0.1")]

    # Back and send again: still one document.
    page.go_back()
    tab.check()
    open_upload_form(page)
    page.get_by_label(hy("File")).set_input_files(str(scan))
    tab.submit(hy("Attach the document"))
    assert page.get_by_text("Այս ձևն արդեն պահպանվել էր").is_visible()
    assert count(rt, DocumentRow) == 1 and len(stored_files(rt)) == 1

    # A 25 MB scan: refused beside the file, the kind kept, nothing stored.
    big = tmp_path / "մեծ սկան.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024))
    tab.goto(f"/cases/{case_id}")
    open_upload_form(page)
    page.get_by_label(hy("Kind of document")).select_option("receipt")
    page.get_by_label(hy("File")).set_input_files(str(big))
    tab.submit(hy("Attach the document"), status=422)
    error = page.locator("#f-file-error")
    assert error.inner_text() == hy(
        "This file is larger than %(mb)s MB, the largest file accepted. Nothing was saved."
    ) % {"mb": "20"}
    assert page.get_by_label(hy("Kind of document")).input_value() == "receipt"
    assert page.get_by_label(hy("File")).get_attribute("aria-invalid") == "true"
    shot(tab, "too-large")
    assert count(rt, DocumentRow) == 1 and len(stored_files(rt)) == 1

    # A program renamed .pdf: refused for what it is, on the same form.
    exe = tmp_path / "համաձայնություն.pdf"
    exe.write_bytes(EXE + b"\x00" * 4096)
    page.get_by_label(hy("File")).set_input_files(str(exe))
    tab.submit(hy("Attach the document"), status=422)
    assert page.locator("#f-file-error").inner_text() == hy(
        "This file is %(what)s, not a PDF, JPEG, PNG, HEIC or WebP file. Nothing was saved."
    ) % {"what": hy("a Windows program (.exe)")}
    shot(tab, "not-a-pdf")
    assert count(rt, DocumentRow) == 1 and len(stored_files(rt)) == 1

    # An ID card expiring in 20 days: its reminder is on the case at once...
    card = tmp_path / "id-card.png"
    card.write_bytes(tiny_png())
    expires = pf.today(rt) + timedelta(days=20)
    tab.goto(f"/cases/{case_id}")
    open_upload_form(page)
    page.get_by_label(hy("Kind of document")).select_option("id_document")
    page.get_by_label(hy("Valid until")).fill(f"{expires:%d.%m.%Y}")
    page.get_by_label(hy("File")).set_input_files(str(card))
    tab.submit(hy("Attach the document"))
    assert page.url.startswith(f"{url}/cases/{case_id}?msg=saved")
    assert page.locator("#documents").get_by_role("cell", name=f"{expires:%d.%m.%Y}").is_visible()
    with rt.session_factory() as session:
        [reminder] = session.scalars(select(ReminderRow)).all()
    assert (reminder.kind, reminder.status) == ("document_expiry", "scheduled")
    assert page.locator("#reminders").get_by_text(hy("A document expires soon")).is_visible()
    context.close()

    # ...and on her reminders page once beat's sweep sent it (the next morning).
    clock.advance(timedelta(days=1))
    handle(rt, SweepReminders())
    work_off(rt)
    context, tab = log_in(chromium, url, artifacts, WORKER)
    page = tab.page
    page.get_by_role("link", name="Հիշեցումներ", exact=True).click()
    tab.check()
    row = page.locator(f"#reminder-{reminder.id}")
    assert row.get_by_text(hy("A document expires soon")).is_visible()
    shot(tab, "reminder")
    with rt.session_factory() as session:
        assert session.get(ReminderRow, reminder.id).status == "sent"
    context.close()
