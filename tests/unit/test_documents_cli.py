"""`hogatar document add | list | get`: a scanned consent attached, listed and written
back byte for byte (the download in the access log); bad input (an unknown kind, a
missing or past expiry, an .exe renamed .pdf, a file over the limit, a missing file, a
member of another family) is one line and exit 2 with nothing stored; a staff member's
`--actor` reads only their cases, a sensitive kind only if their role may."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.documents_fixtures import EXE, stored_files, tiny_pdf, tiny_png
from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, first_member, register, today
from tests.unit.test_programme_cli import hogatar, ok, one_line_error  # noqa: F401 - fixture
from workflow.programme.documents import DocumentRow
from workflow.programme.families import AssignCase
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle


@pytest.fixture
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    case = register(rt, actor=SOCIAL_WORKER)
    handle(rt, AssignCase(case_id=case, actor="t", psychologist=PSYCHOLOGIST))
    handle(rt, AddStaff(username="sw-lilit", full_name="Լիլիթ", role="social_worker", actor="t"))
    return case


def count(rt, model):
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def add(hogatar, case_id, path, *extra, kind="consent_form"):  # noqa: F811
    return hogatar(
        "document",
        "add",
        "--case",
        str(case_id),
        "--kind",
        kind,
        "--file",
        str(path),
        "--actor",
        SOCIAL_WORKER,
        *extra,
    )


def test_attach_list_and_get_from_the_command_line(hogatar, sqlite_runtime, case_id, tmp_path):  # noqa: F811
    scan = tmp_path / "Համաձայնություն.pdf"
    scan.write_bytes(tiny_pdf())
    added = json.loads(ok(add(hogatar, case_id, scan, "--json")))
    assert added["case_id"] == case_id and added["reminder_id"] is None
    listed = ok(hogatar("document", "list", "--case", str(case_id), "--actor", SOCIAL_WORKER))
    assert f"#{added['document_id']} consent_form: Համաձայնություն.pdf application/pdf" in listed
    out = tmp_path / "back.pdf"
    ok(hogatar("document", "get", str(added["document_id"]), "--out", str(out)))
    assert out.read_bytes() == tiny_pdf()
    with sqlite_runtime.session_factory() as session:
        [entry] = session.scalars(select(AccessLogRow)).all()
    assert (entry.kind, entry.source, entry.case_id) == ("download_document", "cli", case_id)
    # Another social worker's scope does not hold the case: not found, nothing written.
    one_line_error(
        hogatar(
            "document", "get", str(added["document_id"]), "--out", str(out), "--actor", "sw-lilit"
        ),
        "does not exist",
    )
    photo = tmp_path / "id.png"
    photo.write_bytes(tiny_png())
    soon = (today(sqlite_runtime) + timedelta(days=20)).isoformat()
    expiring = json.loads(
        ok(add(hogatar, case_id, photo, "--json", "--expires", soon, kind="id_document"))
    )
    assert expiring["reminder_id"]


@pytest.mark.parametrize(
    ("content", "extra", "kind", "text"),
    [
        (tiny_pdf(), (), "nosuch", "kind: 'nosuch' is not one of"),
        (tiny_pdf(), (), "id_document", "expires_on: is required"),
        (tiny_pdf(), ("--expires", "past"), "id_document", "is in the past"),
        (tiny_pdf(), ("--expires", "31.02.2026"), "id_document", "--expires"),
        (EXE, (), "consent_form", "file: the file is a Windows program (.exe)"),
        (b"%PDF-" + b"0" * (21 * 1024 * 1024), (), "consent_form", "is larger than 20 MB"),
        (None, (), "consent_form", "--file: cannot read"),
        (tiny_pdf(), ("--member", "other"), "consent_form", "member_id: is not a member"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_nothing_stored(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
    tmp_path,
    content,
    extra,
    kind,
    text,
):
    rt = sqlite_runtime
    path = tmp_path / "consent.pdf"
    if content is not None:
        path.write_bytes(content)
    if extra and extra[1] == "past":
        extra = ("--expires", (today(rt) - timedelta(days=1)).isoformat())
    if extra and extra[1] == "other":
        other = register(rt, family_name="Հովհաննիսյան", phone="+374 91 222333")
        extra = ("--member", str(first_member(rt, other)))
    one_line_error(add(hogatar, case_id, path, *extra, kind=kind), text)
    assert stored_files(rt) == [] and count(rt, DocumentRow) == 0


def test_a_sensitive_kind_opens_for_the_roles_privacy_names(
    hogatar,  # noqa: F811
    sqlite_runtime,
    case_id,
    tmp_path,
):
    cert = tmp_path / "cert.png"
    cert.write_bytes(tiny_png())
    later = (today(sqlite_runtime) + timedelta(days=60)).isoformat()
    added = json.loads(
        ok(
            hogatar(
                "document",
                "add",
                "--case",
                str(case_id),
                "--kind",
                "medical_certificate",
                "--file",
                str(cert),
                "--expires",
                later,
                "--actor",
                PSYCHOLOGIST,
                "--json",
            )
        )
    )
    listed = ok(hogatar("document", "list", "--case", str(case_id), "--actor", SOCIAL_WORKER))
    assert "[not for your role]" in listed
    out = tmp_path / "out.png"
    one_line_error(
        hogatar(
            "document",
            "get",
            str(added["document_id"]),
            "--out",
            str(out),
            "--actor",
            SOCIAL_WORKER,
        ),
        "sensitive kind",
    )
    assert not out.exists()
    ok(
        hogatar(
            "document", "get", str(added["document_id"]), "--out", str(out), "--actor", PSYCHOLOGIST
        )
    )
    assert out.read_bytes() == tiny_png()
