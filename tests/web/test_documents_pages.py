"""Documents in the web app and the JSON API: a social worker attaches a scanned consent
from the case page and downloads it (attachment, its stored type, nosniff, no-store, in
the access log); the form sent twice attaches it once; a file over the limit, an .exe
renamed .pdf, an unknown kind, a missing or past expiry and a member of another family
are each refused beside their field with what was typed kept (422 naming the field in
the API) and nothing stored; a document of a case outside the reader's scope answers
404, a read-only case offers no upload and refuses one (403), and a sensitive kind opens
only for the roles privacy.toml names."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.documents_fixtures import EXE, stored_files, tiny_pdf, tiny_png
from tests.web.conftest import PASSWORD
from tests.web.test_messages import in_english
from tests.web.test_notes_pages import share_community
from web.shared import accounts
from workflow.persistence.models import CaseEventRow
from workflow.programme.documents import DocumentRow
from workflow.programme.families import AssignCase
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

COLLEAGUE, STRANGER = "sw-karen", "sw-lilit"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def case_id(rt):
    for username, name in ((COLLEAGUE, "Կարեն Հարությունյան"), (STRANGER, "Լիլիթ Գրիգորյան")):
        handle(rt, AddStaff(username=username, full_name=name, role="social_worker", actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)
    share_community(rt, COLLEAGUE, "hrazdan")
    share_community(rt, STRANGER, "abovyan")
    case = pf.register(rt, actor=pf.SOCIAL_WORKER)
    handle(
        rt,
        AssignCase(
            case_id=case,
            actor="manager",
            social_worker=pf.SOCIAL_WORKER,
            psychologist=pf.PSYCHOLOGIST,
        ),
    )
    return case


def rows(rt, model=DocumentRow):
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def upload(b, case_id, content=None, name="consent.pdf", token=True, **values):
    data = {"kind": "consent_form", "member_id": "", "expires_on": "", **values}
    if token:
        page = b.get(f"/cases/{case_id}").text
        data["form_token"] = TOKEN.findall(page)[-1]
    files = {"file": (name, content if content is not None else tiny_pdf(), "application/pdf")}
    return b.post(f"/cases/{case_id}/documents", data, files=files)


def api_upload(b, case_id, content=None, name="consent.pdf", **values):
    data = {"kind": "consent_form", **values}
    return b.client.post(
        f"/api/v1/cases/{case_id}/documents",
        data=data,
        files={"file": (name, content if content is not None else tiny_pdf(), "application/pdf")},
        headers={"X-CSRF-Token": b.csrf},
    )


def test_a_scanned_consent_is_attached_listed_and_downloaded(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    page = b.get(f"/cases/{case_id}").text
    assert 'enctype="multipart/form-data"' in page and 'id="f-file"' in page
    done = upload(b, case_id, name="Ստորագրված համաձայնություն.pdf")
    assert done.status_code == 303
    [document_id] = re.findall(r"#document-(\d+)$", done.headers["location"])
    page = b.get(done.headers["location"]).text
    assert f'id="document-{document_id}"' in page
    assert "Ստորագրված համաձայնություն.pdf" in page and "Signed consent form" in page
    assert "Document attached" in page  # on the timeline
    assert f'href="/documents/{document_id}"' in page

    got = b.get(f"/documents/{document_id}")
    assert got.status_code == 200 and got.content == tiny_pdf()
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''"
        "%D5%8D%D5%BF%D5%B8%D6%80%D5%A1%D5%A3%D6%80%D5%BE%D5%A1%D5%AE%20"
        "%D5%B0%D5%A1%D5%B4%D5%A1%D5%B1%D5%A1%D5%B5%D5%B6%D5%B8%D6%82%D5%A9%D5%B5%D5%B8%D6%82%D5%B6.pdf"
    )
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "no-store"
    with rt.session_factory() as session:
        logged = session.scalars(
            select(AccessLogRow).where(AccessLogRow.kind == "download_document")
        ).all()
    assert [(e.actor, e.case_id) for e in logged] == [(pf.SOCIAL_WORKER, case_id)]
    # Nothing of the store is ever a path a reader could guess.
    assert str(stored_files(rt)[0].name) not in page


def test_sent_twice_the_document_is_attached_once(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    page = b.get(f"/cases/{case_id}").text
    token = TOKEN.findall(page)[-1]
    data = {"kind": "consent_form", "form_token": token}
    files = {"file": ("consent.pdf", tiny_pdf(), "application/pdf")}
    first = b.post(f"/cases/{case_id}/documents", data, files=files)
    again = b.post(f"/cases/{case_id}/documents", data, files=files)
    assert first.status_code == again.status_code == 303
    assert "already_saved" in again.headers["location"]
    assert rows(rt) == 1


def test_too_large_and_an_exe_renamed_pdf_are_refused_and_nothing_is_stored(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    events = rows(rt, CaseEventRow)
    big = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)
    refused = upload(b, case_id, big, "scan.pdf", kind="receipt")
    assert refused.status_code == 422
    assert (
        "This file is larger than 20 MB, the largest file accepted. Nothing was saved."
        in refused.text
    )
    assert 'id="f-file-error"' in refused.text
    assert re.search(r'<option value="receipt" selected>', refused.text)  # what was chosen
    refused = upload(b, case_id, EXE, "consent.pdf")
    assert refused.status_code == 422
    assert (
        "This file is a Windows program (.exe), not a PDF, JPEG, PNG, HEIC or WebP file. "
        "Nothing was saved." in refused.text
    )
    api = api_upload(b, case_id, EXE, "consent.pdf")
    assert api.status_code == 422 and [e["field"] for e in api.json()["errors"]] == ["file"]
    assert stored_files(rt) == [] and rows(rt) == 0 and rows(rt, CaseEventRow) == events


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "nosuch"}, "kind", None),
        (
            {"kind": "id_document"},
            "expires_on",
            "This kind of document expires: give its expiry date.",
        ),
        (
            {"kind": "id_document", "expires_on": "past"},
            "expires_on",
            "This date is in the past: the document has expired already.",
        ),
        ({"member_id": "other"}, "member_id", "Choose a member of this household."),
    ],
)
def test_bad_fields_are_refused_beside_them_keeping_what_was_typed(
    browser, rt, case_id, values, field, message
):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    if values.get("expires_on") == "past":
        values["expires_on"] = (pf.today(rt) - timedelta(days=1)).strftime("%d.%m.%Y")
    if values.get("member_id") == "other":
        other = pf.register(rt, family_name="Հովհաննիսյան", phone="+374 91 222333")
        values["member_id"] = str(pf.first_member(rt, other))
    refused = upload(b, case_id, **values)
    assert refused.status_code == 422
    assert f'id="f-{field}-error"' in refused.text
    if message:
        assert message in refused.text
    if "expires_on" in values:
        assert f'value="{values["expires_on"]}"' in refused.text
    api = api_upload(b, case_id, **values)
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == [field]
    assert stored_files(rt) == [] and rows(rt) == 0


def test_the_api_lists_attaches_and_gives_the_content(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    soon = (pf.today(rt) + timedelta(days=20)).isoformat()
    made = api_upload(b, case_id, tiny_png(), "id.png", kind="id_document", expires_on=soon)
    assert made.status_code == 201
    body = made.json()
    assert body["case_id"] == case_id and body["reminder_id"]
    [listed] = b.client.get(f"/api/v1/cases/{case_id}/documents").json()
    with rt.session_factory() as session:
        logged = session.scalars(select(AccessLogRow).where(AccessLogRow.detail == "documents"))
        assert [(e.kind, e.case_id) for e in logged] == [("view_case", case_id)]
    assert listed["id"] == body["document_id"] and listed["content_type"] == "image/png"
    assert listed["expires_on"] == soon and listed["kind"] == "id_document"
    content = b.client.get(f"/api/v1/documents/{body['document_id']}/content")
    assert content.status_code == 200 and content.content == tiny_png()
    assert content.headers["content-disposition"].startswith('attachment; filename="id.png"')
    assert b.client.get("/api/v1/documents/999/content").status_code == 404
    # Its reminder falls due today: on the social worker's "My work", linked to the case.
    in_english(b)
    work = b.get("/my-work")
    assert work.status_code == 200 and "A document expires soon" in work.text
    assert f"/cases/{case_id}#" in work.text


def test_scope_read_only_and_sensitive_kinds(browser, rt, case_id):
    owner = browser(pf.SOCIAL_WORKER)
    consent = api_upload(owner, case_id).json()["document_id"]
    later = (pf.today(rt) + timedelta(days=60)).isoformat()
    medical = api_upload(
        owner, case_id, tiny_png(), "cert.png", kind="medical_certificate", expires_on=later
    ).json()["document_id"]
    assert owner.get(f"/documents/{medical}").status_code == 200  # she attached it

    # A social worker of another community: the case and its documents do not exist.
    stranger = browser(STRANGER)
    assert stranger.get(f"/documents/{consent}").status_code == 404
    assert stranger.client.get(f"/api/v1/documents/{consent}/content").status_code == 404
    assert stranger.client.get(f"/api/v1/cases/{case_id}/documents").status_code == 404

    # A colleague of the community reads the case: no upload form, an upload is refused;
    # the consent opens, the medical certificate (sensitive) does not.
    colleague = browser(COLLEAGUE)
    page = colleague.get(f"/cases/{case_id}").text
    assert 'id="f-file"' not in page and f'id="document-{medical}"' in page
    assert colleague.get(f"/documents/{consent}").status_code == 200
    assert colleague.get(f"/documents/{medical}").status_code == 403
    assert upload(colleague, case_id, token=False).status_code == 403
    assert rows(rt) == 2 and len(stored_files(rt)) == 2

    # The case's psychologist opens it (privacy.toml [documents] sensitive_readers).
    assert browser(pf.PSYCHOLOGIST).get(f"/documents/{medical}").status_code == 200
