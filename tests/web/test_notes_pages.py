"""Case notes in the web app and the JSON API: a confidential note is read by its author,
the case's psychologist and a manager, while another social worker sees only that it
exists (case page, timeline, API, search); bad notes are refused beside their field with
what was typed kept (422 naming the field in the API) and nothing written; a form sent
twice writes one note; a correction after 24 hours or by another person is refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD
from tests.web.test_messages import in_english
from web.shared import accounts
from workflow.persistence.models import CaseEventRow
from workflow.programme import staff as programme_staff
from workflow.programme.families import AssignCase
from workflow.programme.notes import NoteRow
from workflow.programme.privacy import AccessLogRow
from workflow.programme.staff import AddStaff
from workflow.services import handle

SECRET = "Մայրը պատմեց, որ հայրը խմում է"
OTHER = "sw-karen"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def case_id(rt):
    handle(
        rt,
        AddStaff(
            username=OTHER, full_name="Կարեն Հարությունյան", role="social_worker", actor="test"
        ),
    )
    accounts.set_password(rt, username=OTHER, password=PASSWORD)
    share_community(rt, OTHER, "hrazdan")
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


def share_community(rt, username, community):
    """A social worker reads the open cases of their communities (scoped access): the
    second worker works in the case's community."""
    handle(
        rt,
        programme_staff.SetStaffCommunities(
            username=username, communities=(community,), actor="test"
        ),
    )


def form(b, case_id, **values):
    page = b.get(f"/cases/{case_id}/notes/new").text
    token = TOKEN.search(page).group(1)
    return {"form_token": token, "kind": "phone_call", "noted_on": "", "text": SECRET, **values}


def notes(rt):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(NoteRow))


def write(b, rt, case_id, **values):
    today = pf.today(rt).strftime("%d.%m.%Y")
    response = b.post(f"/cases/{case_id}/notes", form(b, case_id, noted_on=today, **values))
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("#note-", 1)[1])


def test_a_confidential_note_is_shown_only_to_those_who_may_read_it(browser, rt, case_id):
    author = browser(pf.SOCIAL_WORKER)
    note_id = write(author, rt, case_id, confidential="on")
    for username in (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, "manager"):
        page = browser(username).get(f"/cases/{case_id}").text
        assert SECRET in page, username
    other = browser(OTHER)
    in_english(other)
    page = other.get(f"/cases/{case_id}").text
    assert SECRET not in page
    assert f'id="note-{note_id}"' in page
    assert "A confidential note: only its author" in page
    assert "Note written" in page and "Phone call" in page  # on the timeline, without text
    # The JSON API: the note without its text; the case's own timeline has no text either.
    listed = other.client.get(f"/api/v1/cases/{case_id}/notes").json()
    assert [(n["id"], n["text"], n["readable"], n["confidential"]) for n in listed] == [
        (note_id, None, False, True)
    ]
    assert SECRET not in other.client.get(f"/api/v1/cases/{case_id}").text
    psychologist = browser(pf.PSYCHOLOGIST).client.get(f"/api/v1/cases/{case_id}/notes").json()
    assert psychologist[0]["text"] == SECRET
    with rt.session_factory() as session:
        logged = session.scalars(
            select(AccessLogRow.actor).where(AccessLogRow.detail == "notes")
        ).all()
    assert sorted(logged) == sorted([OTHER, pf.PSYCHOLOGIST])
    # Search: found for the psychologist, never for the other worker.
    assert SECRET in browser(pf.PSYCHOLOGIST).get("/notes", params={"q": "ԽՄՈՒՄ"}).text
    assert SECRET not in other.get("/notes", params={"q": "խմում"}).text
    assert other.client.get("/api/v1/notes", params={"q": "խմում"}).json() == []
    with rt.session_factory() as session:
        searched = session.scalars(
            select(AccessLogRow.actor).where(AccessLogRow.detail == "notes search")
        ).all()
    assert searched == [pf.PSYCHOLOGIST]  # the other worker's searches showed no case
    assert other.get(f"/cases/{case_id}/notes/{note_id}/correct").status_code == 404


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "ա" * 100_000}, "text"),
        ({"kind": "gossip"}, "kind"),
        ({"noted_on": "future"}, "noted_on"),
    ],
)
def test_bad_notes_are_refused_beside_the_field_keeping_what_was_typed(
    browser, rt, case_id, values, field
):
    b = browser(pf.SOCIAL_WORKER)
    in_english(b)
    if values.get("noted_on") == "future":
        values = {
            "noted_on": (pf.today(rt) + timedelta(days=1)).strftime("%d.%m.%Y"),
            "text": "Կպահվի",
        }
    data = form(b, case_id, noted_on=pf.today(rt).strftime("%d.%m.%Y"))
    data.update(values)
    refused = b.post(f"/cases/{case_id}/notes", data)
    assert refused.status_code == 422
    assert f'id="f-{field}-error"' in refused.text
    if field != "text" or values["text"].strip():
        shown = data["text"] if len(data["text"]) < 1000 else data["text"][:500]
        assert shown in refused.text
    assert notes(rt) == 0
    api = b.client.post(
        f"/api/v1/cases/{case_id}/notes",
        json={"kind": data["kind"], "noted_on": data["noted_on"], "text": data["text"]},
        headers={"X-CSRF-Token": b.csrf},
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == [field]
    assert notes(rt) == 0


def test_sent_twice_the_note_is_written_once(browser, rt, case_id):
    b = browser(pf.SOCIAL_WORKER)
    data = form(b, case_id, noted_on=pf.today(rt).strftime("%d.%m.%Y"))
    first = b.post(f"/cases/{case_id}/notes", data)
    again = b.post(f"/cases/{case_id}/notes", data)
    assert first.status_code == again.status_code == 303
    assert "already_saved" in again.headers["location"]
    assert notes(rt) == 1


def test_correction_by_the_author_within_24_hours_keeps_the_earlier_text(
    browser, rt, case_id, clock
):
    author = browser(pf.SOCIAL_WORKER)
    note_id = write(author, rt, case_id, text="Առաջին տեքստ")
    path = f"/cases/{case_id}/notes/{note_id}/correct"
    # Another worker may open a note that is not confidential, never correct it.
    other = browser(OTHER)
    refused = other.post(path, {"text": "Ուրիշի տեքստ"})
    assert refused.status_code == 422 and 'id="f-text-error"' in refused.text
    clock.advance(timedelta(hours=23))
    author = browser(pf.SOCIAL_WORKER)  # a new day, a new login
    assert author.post(path, {"text": "Ուղղված տեքստ"}).status_code == 303
    page = browser(pf.PSYCHOLOGIST).get(f"/cases/{case_id}").text
    assert "Ուղղված տեքստ" in page and "Առաջին տեքստ" in page  # the earlier one in its history
    with rt.session_factory() as session:
        triggers = list(
            session.scalars(select(CaseEventRow.trigger).where(CaseEventRow.case_id == case_id))
        )
    assert triggers[-2:] == ["add_note", "correct_note"]
    clock.advance(timedelta(hours=1, seconds=1))
    author = browser(pf.SOCIAL_WORKER)
    in_english(author)
    late = author.post(path, {"text": "Ուշացած տեքստ"})
    assert late.status_code == 422
    assert "can no longer be corrected" in late.text and "Ուշացած տեքստ" in late.text
    api = author.client.post(
        f"/api/v1/cases/{case_id}/notes/{note_id}/corrections",
        json={"text": "Ուշացած տեքստ"},
        headers={"X-CSRF-Token": author.csrf},
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "text"
