"""Case notes on SQLite: writing one, who reads a confidential one, correcting it within
the window by its author only (the earlier text kept), and every refusal leaving nothing
written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import PSYCHOLOGIST, SOCIAL_WORKER, ensure_staff, register, today
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme.families import AssignCase
from workflow.programme.notes import (
    AddNote,
    CorrectNote,
    NoteNotFound,
    NoteReader,
    NoteRevisionRow,
    NoteRow,
    case_notes,
    search_notes,
)
from workflow.programme.shared.values import Problems
from workflow.programme.staff import AddStaff, StaffRow
from workflow.services import handle

OTHER_WORKER = "sw-karen"
OTHER_PSYCHOLOGIST = "psy-armen"
SECRET = "Մայրը պատմեց ընտանեկան բռնության մասին"


@pytest.fixture
def case_id(sqlite_runtime):
    rt = sqlite_runtime
    ensure_staff(rt)
    for username, role in (
        (OTHER_WORKER, "social_worker"),
        (OTHER_PSYCHOLOGIST, "psychologist"),
        ("mgr", "manager"),
        ("buyer", "procurement_officer"),
    ):
        handle(rt, AddStaff(username=username, full_name=username, role=role, actor="admin"))
    case = register(rt, actor=SOCIAL_WORKER)
    handle(
        rt,
        AssignCase(
            case_id=case, actor="admin", social_worker=SOCIAL_WORKER, psychologist=PSYCHOLOGIST
        ),
    )
    return case


def reader(rt, username):
    with rt.session_factory() as session:
        staff = session.scalar(select(StaffRow).where(StaffRow.username == username))
        return NoteReader(username=staff.username, role=staff.role, staff_id=staff.id)


def write(rt, case_id, *, actor=SOCIAL_WORKER, text=SECRET, confidential=True, **kw):
    values = {"kind": "phone_call", "noted_on": today(rt), **kw}
    return handle(
        rt, AddNote(case_id=case_id, text=text, actor=actor, confidential=confidential, **values)
    )


def counts(rt):
    with rt.session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(NoteRow)),
            session.scalar(select(func.count()).select_from(NoteRevisionRow)),
            session.scalar(select(func.count()).select_from(CaseEventRow)),
        )


def test_a_confidential_note_is_read_by_its_author_the_psychologist_and_managers(
    sqlite_runtime, case_id
):
    rt = sqlite_runtime
    saved = write(rt, case_id)
    for username in (SOCIAL_WORKER, PSYCHOLOGIST, "mgr"):
        [note] = case_notes(rt, case_id=case_id, reader=reader(rt, username))
        assert note["readable"] and note["text"] == SECRET, username
    # Another social worker, and a psychologist who is not the case's: that it exists only.
    for username in (OTHER_WORKER, OTHER_PSYCHOLOGIST):
        [note] = case_notes(rt, case_id=case_id, reader=reader(rt, username))
        assert note["id"] == saved.note_id
        assert (note["readable"], note["text"], note["history"]) == (False, None, [])
        assert (note["kind"], note["author"], note["noted_on"]) == (
            "phone_call",
            SOCIAL_WORKER,
            today(rt),
        )
    # An operator at the command line reads every note, as every sensitive field.
    [note] = case_notes(rt, case_id=case_id, reader=NoteReader(username="cli:ops", role=None))
    assert note["text"] == SECRET


def test_the_timeline_entry_names_the_note_never_its_text(sqlite_runtime, case_id):
    rt = sqlite_runtime
    before = _version(rt, case_id)
    saved = write(rt, case_id)
    assert saved.version == before + 1
    with rt.session_factory() as session:
        event = session.scalars(
            select(CaseEventRow)
            .where(CaseEventRow.case_id == case_id)
            .order_by(CaseEventRow.id.desc())
        ).first()
    assert event.trigger == "add_note"
    assert event.data == {
        "note_id": saved.note_id,
        "kind": "phone_call",
        "noted_on": today(rt).isoformat(),
        "confidential": True,
    }
    assert SECRET not in str(event.data) and not event.reason


def _version(rt, case_id):
    with rt.session_factory() as session:
        return session.get(CaseRow, case_id).version


def test_search_finds_text_in_any_case_but_confidential_only_for_its_readers(
    sqlite_runtime, case_id
):
    rt = sqlite_runtime
    write(rt, case_id, text="Զանգահարեց դպրոցից՝ ԲՌՆՈՒԹՅԱՆ դեպքի մասին")
    write(rt, case_id, text="Open note about the school", confidential=False)
    found = search_notes(rt, query="բռնության", reader=reader(rt, PSYCHOLOGIST))
    assert [n["text"] for n in found] == ["Զանգահարեց դպրոցից՝ ԲՌՆՈՒԹՅԱՆ դեպքի մասին"]
    assert found[0]["family_name"] == "Սարգսյան"
    assert search_notes(rt, query="բռնության", reader=reader(rt, OTHER_WORKER)) == []
    assert [
        n["text"] for n in search_notes(rt, query="SCHOOL", reader=reader(rt, OTHER_WORKER))
    ] == ["Open note about the school"]
    # LIKE's own signs are searched as typed.
    assert search_notes(rt, query="%", reader=reader(rt, "mgr")) == []


def test_the_author_corrects_within_the_window_and_the_earlier_text_is_kept(
    sqlite_runtime, case_id, clock
):
    rt = sqlite_runtime
    saved = write(rt, case_id, text="Առաջին տարբերակ")
    clock.advance(timedelta(hours=23, minutes=59))
    handle(rt, CorrectNote(note_id=saved.note_id, text="Ճիշտ տարբերակ", actor=SOCIAL_WORKER))
    [note] = case_notes(rt, case_id=case_id, reader=reader(rt, PSYCHOLOGIST))
    assert note["text"] == "Ճիշտ տարբերակ" and note["corrections"] == 1
    assert [h["text"] for h in note["history"]] == ["Առաջին տարբերակ"]
    assert note["history"][0]["replaced_by"] == SOCIAL_WORKER
    # Those who may not read the note see neither text.
    [hidden] = case_notes(rt, case_id=case_id, reader=reader(rt, OTHER_WORKER))
    assert (hidden["text"], hidden["history"], hidden["corrections"]) == (None, [], 1)


def test_correction_refused_after_the_window_or_by_another_person(sqlite_runtime, case_id, clock):
    rt = sqlite_runtime
    saved = write(rt, case_id, confidential=False)
    before = counts(rt)
    with pytest.raises(Problems) as by_other:
        handle(rt, CorrectNote(note_id=saved.note_id, text="Ուրիշի ձեռքով", actor=OTHER_WORKER))
    assert by_other.value.problems[0].field == "text"
    assert "only its author" in str(by_other.value)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(Problems) as late:
        handle(rt, CorrectNote(note_id=saved.note_id, text="Ուշ", actor=SOCIAL_WORKER))
    assert late.value.problems[0].field == "text"
    assert "more than 24 hours ago" in str(late.value)
    with pytest.raises(NoteNotFound):
        handle(rt, CorrectNote(note_id=999, text="x", actor=SOCIAL_WORKER))
    assert counts(rt) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "ա" * 100_000}, "text"),
        ({"kind": "gossip"}, "kind"),
        ({"noted_on": "tomorrow"}, "noted_on"),
    ],
)
def test_bad_notes_are_refused_naming_the_field_and_nothing_is_written(
    sqlite_runtime, case_id, change, field
):
    rt = sqlite_runtime
    if change.get("noted_on") == "tomorrow":
        change = {"noted_on": today(rt) + timedelta(days=1)}
    before = counts(rt)
    with pytest.raises(Problems) as refused:
        write(rt, case_id, **change)
    assert [p.field for p in refused.value.problems] == [field]
    assert counts(rt) == before


def test_a_procurement_officer_writes_no_notes(sqlite_runtime, case_id):
    with pytest.raises(Problems) as refused:
        write(sqlite_runtime, case_id, actor="buyer")
    assert refused.value.problems[0].field == "actor"


def test_anonymising_a_closed_case_removes_its_notes_texts_and_keeps_their_kinds(
    sqlite_runtime,
):
    from tests.privacy_fixtures import close, full_case
    from workflow.programme.privacy import MARK, RunRetention, run_retention

    rt = sqlite_runtime
    case = full_case(rt)
    saved = write(rt, case, actor="cli:ops", text="Առաջին")
    handle(rt, CorrectNote(note_id=saved.note_id, text="Երկրորդ", actor="cli:ops"))
    close(rt, case)
    rt.clock.advance(timedelta(days=6 * 366))
    run_retention(rt, RunRetention(actor="cli:test", dry_run=False))
    with rt.session_factory() as session:
        note = session.get(NoteRow, saved.note_id)
        assert (note.text, note.search_text, note.kind) == (MARK, "", "phone_call")
        assert list(session.scalars(select(NoteRevisionRow.text))) == [MARK]
