"""The web app shows any workflow: a workflow without a web plug-in of its own (a small
"pilot" written into a temporary workflows folder) gets a working case page drawn from
the case's own definition version, with its labels in both languages; the caseload lists
every workflow's cases with a workflow filter; managers see which versions are in use."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from config.settings import WORKFLOWS_DIR, Settings
from tests import programme_fixtures as pf
from tests.support import RecordingPublisher
from tests.web.conftest import SECRET, Browser
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.commands import OpenCase
from workflow.persistence.models import CaseRow
from workflow.runtime import Runtime
from workflow.services import handle

PILOT = """
name = "pilot"
title = "Pilot"
initial = "intake"
label = { en = "Pilot programme", hy = "Փորձնական ծրագիր" }

[[states]]
name = "intake"
label = { en = "Intake", hy = "Ընդունում" }

[[states]]
name = "review"
label = { en = "Under review", hy = "Քննարկման փուլում" }
%(extra_state)s
[[states]]
name = "done"
label = { en = "Done", hy = "Ավարտված" }
final = true

[[transitions]]
trigger = "send_to_review"
label = { en = "Send to review", hy = "Ուղարկել քննարկման" }
source = ["intake"]
dest = "review"
guards = ["assessment_recorded"]

[[transitions]]
trigger = "finish"
label = { en = "Finish with a reason", hy = "Ավարտել պատճառով" }
source = ["intake", "review"]
dest = "done"
guards = ["reason_given"]

# No label: the step is named as the programme names the trigger.
[[transitions]]
trigger = "close"
source = ["%(close_from)s"]
dest = "done"
"""
REVIEW_STATE = (
    '[[states]]\nname = "review"\nlabel = { en = "Under review", hy = "Քննարկման փուլում" }\n'
)
EXTRA = """
[[states]]
name = "second_review"
label = { en = "Second review", hy = "Երկրորդ քննարկում" }
"""


def write_pilot(folder: Path, *, extra: bool = False, close_from: str = "review") -> None:
    text = PILOT % {"extra_state": EXTRA if extra else "", "close_from": close_from}
    if extra:
        text += '\n[[transitions]]\ntrigger = "review_again"\nsource = ["review"]\n'
        text += 'dest = "second_review"\n\n[[transitions]]\ntrigger = "finish_second"\n'
        text += 'source = ["second_review"]\ndest = "done"\n'
    (folder / "pilot.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def workflows_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    shutil.copy(WORKFLOWS_DIR / "family_case.toml", folder / "family_case.toml")
    write_pilot(folder)
    return folder


def pilot_runtime(tmp_path: Path, workflows_dir: Path, clock: FixedClock) -> Runtime:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hogatar.sqlite3'}",
        var_dir=tmp_path / "var",
        workflows_dir=workflows_dir,
    )
    return bootstrap(settings, clock=clock, publisher=RecordingPublisher())


@pytest.fixture
def pilot_rt(
    tmp_path: Path, template_db: Path, workflows_dir: Path, clock: FixedClock
) -> Iterator[Runtime]:
    for file in template_db.glob("hogatar.sqlite3*"):
        shutil.copy(file, tmp_path / file.name)
    runtime = pilot_runtime(tmp_path, workflows_dir, clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def pilot_app(pilot_rt: Runtime) -> FastAPI:
    from web.app import create_app

    return create_app(pilot_rt, secret_key=SECRET)


def reader(app: FastAPI, username: str, language: str = "hy") -> Browser:
    browser = Browser(TestClient(app, raise_server_exceptions=False))
    assert browser.login(username).status_code == 303
    browser.post("/language", {"language": language, "next": "/"})
    return browser


def open_pilot(rt: Runtime, name: str = "Սարգսյան") -> int:
    return handle(rt, OpenCase(actor="cli:test", workflow="pilot", family_name=name)).case_id


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_workflow_without_a_plug_in_gets_a_working_case_page(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    page = reader(pilot_app, "manager", "hy").get(f"/cases/{case_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    # Header: the state and the workflow as the definition names them, and its version.
    assert "Սարգսյան" in text and "Ընդունում" in text and "Փորձնական ծրագիր" in text
    assert re.search(r"Փորձնական ծրագիր\D+1", text)
    # Its own diagram: the pilot's three states, the current one marked.
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert svg.count("<rect") == 3
    assert re.search(r'aria-current="step"><rect[^>]*/><text[^>]*>Ընդունում', svg)
    assert "Ուղարկել քննարկման" in svg
    # The steps: one refused with what it still needs, one that asks for a reason.
    assert "Ուղարկել քննարկման" in text
    assert re.search(r"disabled aria-describedby=\"why-send_to_review\"", page.text)
    assert "Գրանցեք ընտանիքի գնահատումը" in text
    assert f'href="/cases/{case_id}/forms/finish"' in page.text
    assert "Ավարտել պատճառով" in text
    # None of the family's sections: they are the family workflow's plug-in.
    for section in ('id="family"', 'id="assessment"', 'id="plan"', 'id="counselling"'):
        assert section not in page.text
    assert 'id="timeline"' in page.text and 'id="reminders"' in page.text


def test_the_case_page_speaks_english_from_the_definition_too(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    text = text_of(reader(pilot_app, "manager", "en").get(f"/cases/{case_id}").text)
    assert "Intake" in text and "Pilot programme" in text and "Send to review" in text
    assert "Record an assessment of the family" in text  # what the refused step needs
    assert "Ընդունում" not in text and "Ուղարկել" not in text


def test_a_step_the_definition_does_not_name_keeps_the_programmes_name(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    with pilot_rt.session_factory() as session:
        session.get(CaseRow, case_id).state = "review"
        session.commit()
    english = text_of(reader(pilot_app, "manager", "en").get(f"/cases/{case_id}").text)
    armenian = text_of(reader(pilot_app, "manager", "hy").get(f"/cases/{case_id}").text)
    assert "Under review" in english and "Close the case" in english
    assert "Քննարկման փուլում" in armenian and "Փակել դեպքը" in armenian


def test_the_generic_reason_form_takes_the_step(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    browser = reader(pilot_app, "manager", "en")
    form = browser.get(f"/cases/{case_id}/forms/finish")
    assert form.status_code == 200
    assert 'name="reason"' in form.text and "Finish with a reason" in form.text
    token = re.search(r'name="form_token" value="([^"]+)"', form.text).group(1)
    refused = browser.post(f"/cases/{case_id}/forms/finish", {"form_token": token, "reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in refused.text
    saved = browser.post(
        f"/cases/{case_id}/forms/finish",
        {"form_token": token, "reason": "The family moved away", "expected_version": "1"},
    )
    assert saved.status_code == 303, saved.text[:500]
    page = text_of(browser.get(f"/cases/{case_id}").text)
    assert "Done" in page and "No step is possible from this state." in page
    # The timeline names the step and the states as the definition does.
    assert "Finish with a reason" in page and "Intake → Done" in page
    assert "The family moved away" in page


def test_a_refused_step_of_the_generic_page_says_what_is_missing(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    browser = reader(pilot_app, "manager", "en")
    page = browser.get(f"/cases/{case_id}")
    token = re.search(
        r'action="/cases/\d+/transitions/send_to_review">.*?name="form_token" value="([^"]+)"',
        page.text,
        re.S,
    ).group(1)
    refused = browser.post(
        f"/cases/{case_id}/transitions/send_to_review",
        {"form_token": token, "expected_version": "1"},
    )
    assert refused.status_code == 422
    assert "Record an assessment of the family" in text_of(refused.text)
    with pilot_rt.session_factory() as session:
        assert session.get(CaseRow, case_id).state == "intake"


def test_family_forms_are_not_offered_on_another_workflows_case(pilot_app, pilot_rt):
    case_id = open_pilot(pilot_rt)
    browser = reader(pilot_app, "manager", "en")
    assert browser.get(f"/cases/{case_id}/forms/assessment").status_code == 404
    assert browser.get(f"/cases/{case_id}/forms/send_to_review").status_code == 404
    assert browser.get(f"/cases/{case_id}/forms/no-such-form").status_code == 404


def test_a_case_keeps_drawing_the_version_it_runs_on(tmp_path, pilot_rt, workflows_dir, clock):
    from web.app import create_app

    old_case = open_pilot(pilot_rt, "Հին")
    pilot_rt.engine.dispose()
    write_pilot(workflows_dir, extra=True)
    newer = pilot_runtime(tmp_path, workflows_dir, clock)
    try:
        new_case = open_pilot(newer, "Նոր")
        browser = reader(create_app(newer, secret_key=SECRET), "manager", "en")
        old_page = browser.get(f"/cases/{old_case}").text
        new_page = browser.get(f"/cases/{new_case}").text
        assert "Second review" not in old_page and old_page.count("<rect") == 3
        assert "Second review" in new_page and new_page.count("<rect") == 4
        assert re.search(r"Pilot programme\D+1\b", text_of(old_page))
        assert re.search(r"Pilot programme\D+2\b", text_of(new_page))
    finally:
        newer.engine.dispose()


def test_the_caseload_lists_every_workflow_with_a_filter(pilot_app, pilot_rt):
    family_case = pf.register(pilot_rt)
    pilot_case = open_pilot(pilot_rt, "Փորձնականյան")
    browser = reader(pilot_app, "manager", "hy")

    def listed(query: str) -> set[int]:
        page = browser.get(f"/cases{query}")
        assert page.status_code == 200
        return {int(n) for n in re.findall(r'href="/cases/(\d+)"', page.text)}

    assert {family_case, pilot_case} <= listed("?worker=")
    assert listed("?worker=&workflow=pilot") == {pilot_case}
    assert pilot_case not in listed("?worker=&workflow=family_case")
    assert family_case in listed("?worker=&workflow=family_case")
    # Each case's state as its own definition names it, and the workflow's name.
    text = text_of(browser.get("/cases?worker=").text)
    assert "Ընդունում" in text and "Ուղեգրված" in text and "Փորձնական ծրագիր" in text
    # A state of one workflow only, and searching by the name on a bare case.
    assert listed("?worker=&state=intake") == {pilot_case}
    assert listed("?worker=&q=Փորձնական") == {pilot_case}
    # An unknown workflow is no filter.
    assert {family_case, pilot_case} <= listed("?worker=&workflow=nonsense")
    # Paging keeps the chosen workflow (HTMX asks for the results alone).
    more = {open_pilot(pilot_rt, f"Անուն {n}") for n in range(25)}
    results = browser.get(
        "/cases?worker=&workflow=pilot", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert "<html" not in results.text
    next_page = re.search(r'rel="next" href="([^"]+)"', results.text).group(1)
    assert next_page.startswith("/cases?workflow=pilot&amp;")
    second = {
        int(n)
        for n in re.findall(
            r'href="/cases/(\d+)"', browser.get(next_page.replace("&amp;", "&")).text
        )
    }
    assert second == {pilot_case, *more} - listed("?worker=&workflow=pilot")
    assert family_case not in second


def test_the_caseload_api_keeps_its_shape_for_every_workflow(pilot_app, pilot_rt):
    pilot_case = open_pilot(pilot_rt)
    browser = reader(pilot_app, "manager", "en")
    items = browser.get("/api/v1/cases?worker=&workflow=pilot").json()["items"]
    assert [(item["id"], item["workflow"], item["workflow_version"]) for item in items] == [
        (pilot_case, "pilot", 1)
    ]
    case = browser.get(f"/api/v1/cases/{pilot_case}").json()
    assert case["workflow"] == "pilot" and case["workflow_version"] == 1
    assert case["family"] is None and case["members"] == []
    assert {t["trigger"] for t in case["transitions"]} == {"send_to_review", "finish"}


def test_managers_see_the_versions_in_use(tmp_path, pilot_rt, workflows_dir, clock):
    from web.app import create_app

    stranded = open_pilot(pilot_rt, "Մնացած")
    handle(pilot_rt, OpenCase(actor="cli:test", workflow="pilot"))
    pilot_rt.engine.dispose()
    # The newest version has no "review" state: a case there is stranded.
    (workflows_dir / "pilot.toml").write_text(
        (workflows_dir / "pilot.toml")
        .read_text(encoding="utf-8")
        .replace('dest = "review"', 'dest = "done"')
        .replace('source = ["intake", "review"]', 'source = ["intake"]')
        .replace('source = ["review"]', 'source = ["intake"]')
        .replace(REVIEW_STATE, ""),
        encoding="utf-8",
    )
    with pilot_rt.session_factory() as session:
        session.get(CaseRow, stranded).state = "review"
        session.commit()
    newer = pilot_runtime(tmp_path, workflows_dir, clock)
    try:
        app = create_app(newer, secret_key=SECRET)
        page = reader(app, "manager", "en").get("/workflows")
        assert page.status_code == 200
        text = text_of(page.text)
        assert "Pilot programme" in text and "Family case" in text
        pilot = text[text.index("Pilot programme") :]
        assert re.search(r"2 · newest", pilot)
        assert "pilot.toml" in pilot
        assert "Stranded in: Under review" in pilot
        assert "hogatar workflow migrate pilot --to 2 --map review=NEW_STATE --dry-run" in pilot
        # Version 1: two running cases (one stranded); version 2: none yet.
        row = re.search(r"<tr>\s*<td>1</td>(.*?)</tr>", page.text, re.S)
        assert row is not None
        assert re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["2", "0", "1"]
        hy = text_of(reader(app, "admin", "hy").get("/workflows").text)
        assert "Փորձնական ծրագիր" in hy and "Քննարկման փուլում" in hy
        # The navigation offers the page to managers and admins only.
        assert 'href="/workflows"' in reader(app, "manager", "en").get("/").text
        assert 'href="/workflows"' not in reader(app, pf.SOCIAL_WORKER, "en").get("/").text
    finally:
        newer.engine.dispose()


@pytest.mark.parametrize("username", [pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, "procurement"])
def test_other_roles_are_refused_the_versions_page(pilot_app, username):
    assert reader(pilot_app, username, "en").get("/workflows").status_code == 403
