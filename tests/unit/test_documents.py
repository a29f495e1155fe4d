"""Documents on SQLite: the content check by magic bytes, the size limit (the upload is
cut off at the limit and nothing is left), the content-addressed store, attaching a
document (its row, its file, its timeline entry and an expiry reminder), every refusal
and every failure after the file was written leaving no file and no row, downloads in
the access log, scoped and sensitive reads, the subject-access zip and anonymisation."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.documents_fixtures import EXE, JPEG_HEAD, stage, stored_files, tiny_pdf, tiny_png
from tests.privacy_fixtures import close
from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, first_member, register, today
from workflow.persistence.models import CaseEventRow
from workflow.programme.documents import (
    AddDocument,
    DocumentFileMissing,
    DocumentNotFound,
    DocumentReader,
    DocumentRestricted,
    DocumentRow,
    case_documents,
    document_store,
    open_document,
)
from workflow.programme.documents import content as magic
from workflow.programme.families import AssignCase
from workflow.programme.privacy import (
    AccessLogRow,
    RunRetention,
    export_subject_file,
    run_retention,
)
from workflow.programme.reminders import ReminderRow
from workflow.programme.shared.values import Problems
from workflow.programme.staff import AddStaff
from workflow.services import handle

YEAR = timedelta(days=366)


@pytest.fixture
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    case = register(rt, actor=SOCIAL_WORKER)
    handle(
        rt,
        AssignCase(
            case_id=case, actor="admin", social_worker=SOCIAL_WORKER, psychologist=PSYCHOLOGIST
        ),
    )
    return case


def count(rt, model):
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def attach(rt, case_id, content=None, name="consent.pdf", **kwargs):
    kwargs.setdefault("kind", "consent_form")
    kwargs.setdefault("actor", SOCIAL_WORKER)
    return handle(
        rt, AddDocument(case_id=case_id, staged=stage(rt, content or tiny_pdf(), name), **kwargs)
    )


def refused(problems: pytest.ExceptionInfo[Problems]) -> dict[str, str]:
    return {p.field: p.problem for p in problems.value.problems}


# The content check.


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (tiny_pdf(), "pdf"),
        (tiny_png(), "png"),
        (JPEG_HEAD, "jpeg"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "heic"),
    ],
)
def test_accepted_types_are_told_by_their_first_bytes(head, code):
    found = magic.detect(head[: magic.HEAD_BYTES])
    assert found is not None and found.code == code


def test_an_exe_renamed_pdf_is_named_for_what_it_is():
    kind, why = magic.refusal(EXE, "consent.pdf")
    assert kind is None
    assert why == (
        "the file is a Windows program (.exe), not one of the accepted types "
        "(PDF, JPEG, PNG, HEIC, WebP)"
    )
    assert magic.refusal(b"just some words", "notes.pdf")[1] == (
        "the file is not one of the accepted types (PDF, JPEG, PNG, HEIC, WebP)"
    )
    # A real image whose name says PDF is not the scanned PDF it claims to be.
    assert magic.refusal(tiny_png(), "consent.pdf")[1] == (
        "the file is a PNG image but its name says PDF"
    )
    # A name without an accepted extension: the content decides.
    assert magic.refusal(tiny_png(), "scan")[0] == magic.PNG


# The store.


def test_staging_stops_at_the_limit_and_leaves_nothing(sqlite_runtime):
    rt = sqlite_runtime
    limit = rt.settings.document_max_bytes
    read: list[int] = []

    def chunks():
        for n in range(100):  # 100 MB offered, 1 MB at a time
            read.append(n)
            yield b"%PDF-" + b"0" * (1024 * 1024 - 5)

    with pytest.raises(Problems) as problems:
        document_store(rt.settings).stage(chunks(), original_name="big.pdf", max_bytes=limit)
    assert refused(problems)["file"].startswith("is larger than 20 MB")
    assert len(read) == limit // (1024 * 1024) + 1  # stopped just past the limit
    assert stored_files(rt) == []


def test_a_file_of_exactly_the_limit_is_accepted(sqlite_runtime):
    rt = sqlite_runtime
    content = tiny_pdf() + b"0" * 10
    staged = document_store(rt.settings).stage(
        [content], original_name="a.pdf", max_bytes=len(content)
    )
    assert staged.size == len(content)
    staged.discard()
    with pytest.raises(Problems):
        document_store(rt.settings).stage(
            [content], original_name="a.pdf", max_bytes=len(content) - 1
        )
    assert stored_files(rt) == []


def test_files_are_kept_by_content_in_nested_folders(sqlite_runtime, case_id):
    rt = sqlite_runtime
    attach(rt, case_id)
    attach(rt, case_id, kind="other")  # the same scan again: one file for both
    files = stored_files(rt)
    assert len(files) == 1 and count(rt, DocumentRow) == 2
    sha = files[0].name
    assert files[0].relative_to(document_store(rt.settings).root).parts == (sha[:2], sha[2:4], sha)
    with rt.session_factory() as session:
        assert set(session.scalars(select(DocumentRow.sha256))) == {sha}


# Attaching.


def test_a_document_is_attached_with_its_timeline_entry(sqlite_runtime, case_id):
    rt = sqlite_runtime
    member = first_member(rt, case_id)
    added = attach(rt, case_id, name="Համաձայնություն.pdf", member_id=member)
    assert added.reminder_id is None
    reader = DocumentReader(username=SOCIAL_WORKER, role="social_worker")
    [document] = case_documents(rt, case_id=case_id, reader=reader)
    assert document["name"] == "Համաձայնություն.pdf"
    assert document["content_type"] == "application/pdf"
    assert document["member_id"] == member and document["downloadable"]
    with rt.session_factory() as session:
        event = session.scalars(
            select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
        ).all()[-1]
    assert event.trigger == "add_document" and event.actor == SOCIAL_WORKER
    assert event.data == {
        "document_id": added.document_id,
        "kind": "consent_form",
        "member_id": member,
        "expires_on": None,
    }


def test_an_expiring_id_card_reminds_the_social_worker(sqlite_runtime, case_id):
    rt = sqlite_runtime
    soon = today(rt) + timedelta(days=20)
    added = attach(rt, case_id, tiny_png(), "id.png", kind="id_document", expires_on=soon)
    later = today(rt) + timedelta(days=200)
    attach(
        rt, case_id, JPEG_HEAD + b"x" * 100, "passport.jpg", kind="id_document", expires_on=later
    )
    with rt.session_factory() as session:
        reminders = session.scalars(select(ReminderRow).order_by(ReminderRow.id)).all()
    assert [r.id for r in reminders][0] == added.reminder_id
    assert [(r.kind, r.status) for r in reminders] == [("document_expiry", "scheduled")] * 2
    # 20 days away, reminded 30 days before: at once; 200 days away: 30 days before.
    assert reminders[0].due_at.date() == today(rt)
    assert reminders[1].due_at.date() == later - timedelta(days=30)


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"kind": "nosuch"}, "kind", "'nosuch' is not one of"),
        ({"kind": "id_document"}, "expires_on", "is required: this kind of document expires"),
        ({"kind": "receipt", "expires_on": "later"}, "expires_on", "does not expire"),
        ({"kind": "id_document", "expires_on": "past"}, "expires_on", "is in the past"),
    ],
)
def test_bad_fields_are_refused_leaving_no_file_and_no_row(
    sqlite_runtime, case_id, kwargs, field, problem
):
    rt = sqlite_runtime
    days = {"later": 100, "past": -1}
    if "expires_on" in kwargs:
        kwargs["expires_on"] = today(rt) + timedelta(days=days[kwargs["expires_on"]])
    events = count(rt, CaseEventRow)
    with pytest.raises(Problems) as problems:
        attach(rt, case_id, **kwargs)
    assert problem in refused(problems)[field]
    assert stored_files(rt) == [] and count(rt, DocumentRow) == 0
    assert count(rt, CaseEventRow) == events


def test_a_member_of_another_family_is_refused(sqlite_runtime, case_id):
    rt = sqlite_runtime
    other = register(rt, family_name="Հովհաննիսյան", phone="+374 91 222333")
    with pytest.raises(Problems) as problems:
        attach(rt, case_id, member_id=first_member(rt, other))
    assert refused(problems) == {"member_id": "is not a member of this family's household"}
    assert stored_files(rt) == [] and count(rt, DocumentRow) == 0


def test_a_procurement_officer_does_not_attach_documents(sqlite_runtime, case_id):
    rt = sqlite_runtime
    handle(rt, AddStaff(username="buyer", full_name="Buyer", role="procurement_officer", actor="t"))
    with pytest.raises(Problems) as problems:
        attach(rt, case_id, actor="buyer")
    assert "does not attach documents" in refused(problems)["actor"]
    assert stored_files(rt) == []


def test_a_failure_after_the_file_was_written_leaves_nothing(sqlite_runtime, case_id, monkeypatch):
    rt = sqlite_runtime
    from workflow.programme.documents import services

    def broken(*args, **kwargs):
        # The file is in the store by now; the transaction is about to fail.
        assert len(stored_files(rt)) == 1
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "schedule_reminder", broken)
    events = count(rt, CaseEventRow)
    with pytest.raises(RuntimeError):
        attach(rt, case_id, kind="id_document", expires_on=today(rt) + timedelta(days=20))
    assert stored_files(rt) == []
    assert count(rt, DocumentRow) == 0 and count(rt, ReminderRow) == 0
    assert count(rt, CaseEventRow) == events


def test_a_failed_upload_keeps_the_file_another_document_holds(
    sqlite_runtime, case_id, monkeypatch
):
    rt = sqlite_runtime
    attach(rt, case_id)
    from workflow.programme.documents import services

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "record_change", broken)
    with pytest.raises(RuntimeError):
        attach(rt, case_id, kind="other")
    assert len(stored_files(rt)) == 1 and count(rt, DocumentRow) == 1
    with rt.session_factory() as session:
        sha = session.scalar(select(DocumentRow.sha256))
    assert stored_files(rt)[0].name == sha


# Reading and downloading.


def test_a_download_is_in_the_access_log(sqlite_runtime, case_id):
    rt = sqlite_runtime
    added = attach(rt, case_id)
    reader = DocumentReader(username=SOCIAL_WORKER, role="social_worker")
    download = open_document(rt, document_id=added.document_id, reader=reader, source="10.0.0.7")
    assert b"".join(download.chunks) == tiny_pdf()
    with rt.session_factory() as session:
        [entry] = session.scalars(select(AccessLogRow)).all()
    assert (entry.actor, entry.kind, entry.case_id, entry.source) == (
        SOCIAL_WORKER,
        "download_document",
        case_id,
        "10.0.0.7",
    )
    assert entry.detail == f"document {added.document_id} (consent_form)"


def test_a_document_outside_the_readers_scope_is_not_found(sqlite_runtime, case_id):
    rt = sqlite_runtime
    added = attach(rt, case_id)
    handle(rt, AddStaff(username="sw-other", full_name="Other", role="social_worker", actor="t"))
    stranger = DocumentReader(username="sw-other", role="social_worker")
    scoped = rt.acting_for("sw-other")
    with pytest.raises(DocumentNotFound):
        open_document(scoped, document_id=added.document_id, reader=stranger, source="x")
    assert count(rt, AccessLogRow) == 0


def test_a_medical_certificate_opens_for_the_roles_privacy_names(sqlite_runtime, case_id):
    rt = sqlite_runtime
    added = attach(
        rt,
        case_id,
        kind="medical_certificate",
        expires_on=today(rt) + timedelta(days=90),
        actor=PSYCHOLOGIST,
    )
    worker = DocumentReader(username=SOCIAL_WORKER, role="social_worker")
    [listed] = case_documents(rt, case_id=case_id, reader=worker)
    assert listed["sensitive"] and not listed["downloadable"]
    with pytest.raises(DocumentRestricted):
        open_document(rt, document_id=added.document_id, reader=worker, source="x")
    psychologist = DocumentReader(username=PSYCHOLOGIST, role="psychologist")
    assert open_document(rt, document_id=added.document_id, reader=psychologist, source="x")
    assert count(rt, AccessLogRow) == 1


# The family's own data: the subject-access zip, anonymisation.


def test_the_subject_access_zip_holds_the_documents(sqlite_runtime, case_id, tmp_path):
    rt = sqlite_runtime
    first = attach(rt, case_id, name="consent.pdf")
    second = attach(rt, case_id, tiny_png(), "photo.png", kind="photo")
    target = tmp_path / "request.zip"
    held = export_subject_file(rt, case_id=case_id, path=target, actor="cli:dpo")
    assert held["documents"] == 2
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == sorted(
            [
                "case.json",
                f"documents/{first.document_id}-consent.pdf",
                f"documents/{second.document_id}-photo.png",
            ]
        )
        assert archive.read(f"documents/{first.document_id}-consent.pdf") == tiny_pdf()
        data = json.loads(archive.read("case.json"))
    assert len(data["documents"]) == 2


def test_anonymisation_removes_the_files_and_the_names(sqlite_runtime, case_id):
    rt = sqlite_runtime
    attach(rt, case_id, name="Պետրոսյան_անձնագիր.pdf", kind="other")
    other = register(rt, family_name="Հովհաննիսյան", phone="+374 91 222333")
    attach(rt, other, name="same-content.pdf")  # another family, the same bytes
    attach(rt, case_id, tiny_png(), "photo.png", kind="photo")
    assert len(stored_files(rt)) == 2
    close(rt, case_id)
    rt.clock.advance(6 * YEAR)
    listed = run_retention(rt, RunRetention(actor="cli:test", dry_run=True))
    assert [c.removes.get("documents") for c in listed.due] == [2]
    run_retention(rt, RunRetention(actor="cli:test", dry_run=False))
    with rt.session_factory() as session:
        rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
    assert [(r.original_name, r.sha256 is None) for r in rows] == [
        ("—", True),
        ("same-content.pdf", False),
        ("—", True),
    ]
    # The photo's file is gone; the PDF stays for the other family's document.
    assert [p.name for p in stored_files(rt)] == [rows[1].sha256]
    assert [r.kind for r in rows] == ["other", "consent_form", "photo"]  # counted still


def test_a_file_lost_from_the_store_is_the_operators_problem_not_a_traceback(
    sqlite_runtime, case_id
):
    rt = sqlite_runtime
    added = attach(rt, case_id)
    stored_files(rt)[0].unlink()  # a var directory not restored with the database
    reader = DocumentReader(username=SOCIAL_WORKER, role="social_worker")
    with pytest.raises(DocumentFileMissing) as missing:
        open_document(rt, document_id=added.document_id, reader=reader, source="x")
    assert not missing.value.bad_input and "HOGATAR_DOCUMENT_DIR" in str(missing.value)
    assert count(rt, AccessLogRow) == 0  # nothing was given out
