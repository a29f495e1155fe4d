"""Every page, HTMX partial, refused form and error page, in Armenian and in English, on
the demo data (families in every state, with referrals, reminders, procurement and
counselling done by the background work): no word of the other language that is not
data. Each role walks the links and HTMX requests it is offered, as a reader would."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from config.settings import Settings
from tests.foster_fixtures import foster_case_in
from tests.support import RecordingPublisher
from tests.web.conftest import SECRET, Browser
from tests.web.page_language import DataText, foreign_words
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.delivery import deliver_effect
from workflow.notifications import MemoryMailer
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import OutboxRow
from workflow.programme.demo import seed_demo
from workflow.programme.referrals import SweepReferralDeadlines
from workflow.programme.reminders import SweepReminders
from workflow.programme.shared.policies import policies
from workflow.runtime import Runtime
from workflow.services import handle

PASSWORD = "demo password for the language walk"
#: One member of staff of each role (the demo's staff).
READERS = ("admin", "lusine.h", "anahit.m", "gohar.s", "narek.v")
#: Pages that are the same for every id: a few of each are enough.
SAME_SHAPE = 3
NOT_WALKED = ("/static/", "/api/", "/logout", "/language")
LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)')


def _deliver_everything(rt: Runtime) -> None:
    """What the workers would have done: every pending effect, and what those queue."""
    waiting = OutboxRow.status.in_(("pending", "published"))
    for _ in range(20):
        with rt.session_factory() as session:
            pending = list(session.scalars(select(OutboxRow.id).where(waiting)))
        if not pending:
            return
        for outbox_id in pending:
            deliver_effect(rt, outbox_id=outbox_id, task_id=f"outbox-{outbox_id}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    folder = tmp_path_factory.mktemp("demo-languages")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'hogatar.sqlite3'}",
        var_dir=folder / "var",
        outbox_grace_seconds=0,
        effect_max_retries=1,
    )
    migrate = bootstrap(settings, clock=FixedClock(), publisher=RecordingPublisher())
    upgrade(migrate.engine)
    migrate.engine.dispose()
    seed_demo(settings, families=24)
    clock = FixedClock(datetime.now(UTC))
    rt = bootstrap(settings, clock=clock, publisher=RecordingPublisher(), mailer=MemoryMailer())
    # Foster families of the pilot at steps of its own workflow: its pages are walked too.
    for state in ("inquiry", "training", "approval", "monitoring"):
        foster_case_in(rt, state)
    _deliver_everything(rt)
    # Time passes: reminders fall due and are escalated, partners stay silent.
    for days in (8, 4, 10):
        clock.advance(timedelta(days=days))
        handle(rt, SweepReminders())
        handle(rt, SweepReferralDeadlines())
        _deliver_everything(rt)
    for username in READERS:
        accounts.set_password(rt, username=username, password=PASSWORD)
    yield rt
    rt.engine.dispose()


def reader(rt: Runtime, username: str, language: str) -> Browser:
    from web.app import create_app

    # From an address as a real browser's (the access log shows it).
    app = create_app(rt, secret_key=SECRET)
    client = TestClient(app, raise_server_exceptions=False, client=("192.0.2.10", 50000))
    browser = Browser(client)
    assert browser.login(username, PASSWORD).status_code == 303
    browser.post("/language", {"language": language, "next": "/"})
    return browser


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def walk(browser: Browser, starts: list[str]) -> Iterator[tuple[str, Any]]:
    """Every page reachable by links and HTMX requests from ``starts``; of pages that
    differ only by an id, a few (case pages: all, they differ by state)."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = list(starts)
    while queue:
        path = queue.pop(0)
        if path in seen or path.startswith(NOT_WALKED) or path.endswith(".csv"):
            continue
        seen.add(path)
        kind = shape(path)
        if kind != "/cases/N" and "?" not in path:
            shapes[kind] += 1
            if shapes[kind] > SAME_SHAPE:
                continue
        if "?" in path:
            shapes[kind + "?"] += 1
            if shapes[kind + "?"] > 2 * SAME_SHAPE:
                continue
        response = browser.get(path)
        yield path, response
        if "text/html" in response.headers.get("content-type", ""):
            queue.extend(LINK.findall(response.text.replace("&amp;", "&")))


class PostForms(HTMLParser):
    """The POST forms of a page: action and fields (hidden ones with their values)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self.forms.append((values.get("action", ""), {}))
        elif tag in ("input", "select", "textarea") and self.forms and values.get("name"):
            keep = values.get("type") == "hidden"
            self.forms[-1][1][values["name"]] = values.get("value", "") if keep else ""


#: An overlong text typed in the page's own language (what is typed comes back as typed).
LONG_TEXT = {"hy": "Ա" * 5000, "en": "x" * 5000}


def refused_forms(
    browser: Browser, form_pages: list[str], language: str
) -> Iterator[tuple[str, Any]]:
    """Each form sent back empty (every field needs attention) and with an overlong text."""
    for path in form_pages:
        parser = PostForms()
        parser.feed(browser.get(path).text)
        for target, fields in parser.forms:
            action = target or path  # a form without an action posts to its own page
            if not action.startswith(("/cases/", "/services/", "/families")):
                continue
            yield f"POST {action} (empty)", browser.client.post(action, data=fields)
            long = {name: value or LONG_TEXT[language] for name, value in fields.items()}
            yield f"POST {action} (too long)", browser.client.post(action, data=long)


ERRORS = ("/cases/abc", "/cases/999999", "/no-such-page", "/cases/1/forms/no-such-form")
#: What HTMX asks for when a caseload filter changes: the results alone.
RESULTS = {"HX-Request": "true", "HX-Target": "results"}
CASELOAD_FILTERS = (
    "",
    "?state=closed",
    "?state=enrolled&sort=name",
    "?q=յան",
    "?q=nobody",
    "?workflow=family_case&state=all",
)


def partials(browser: Browser) -> Iterator[tuple[str, Any]]:
    for query in CASELOAD_FILTERS:
        response = browser.client.get(f"/cases{query}", headers=RESULTS)
        if response.status_code == 200:  # (a procurement officer sees no caseload: 403)
            assert "<html" not in response.text, "HTMX gets the results alone"
        yield f"/cases{query} (HTMX)", response


@pytest.mark.parametrize("language", ["hy", "en"])
def test_every_page_speaks_one_language(demo, language):
    # Suppliers' names are names, like a family's: configured once, in their own script.
    data = DataText(demo.engine, language, names=[s.name for s in policies().suppliers.values()])
    problems: dict[str, list[str]] = {}
    visited = 0
    for username in READERS:
        browser = reader(demo, username, language)
        starts = ["/", "/cases", "/inbox", "/referrals", "/procurement", "/reports", "/workflows"]
        starts += ["/access", "/access?case=abc&since=31.02.2026", "/families/new", *ERRORS]
        pages = list(walk(browser, starts))
        forms = [path for path, r in pages if "/forms/" in path and r.status_code == 200]
        forms = [*forms[:12], "/families/new"]
        checked = [*pages, *partials(browser), *refused_forms(browser, forms, language)]
        for path, response in checked:
            visited += 1
            assert response.status_code < 500, (username, path, response.text[:300])
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            words = foreign_words(response.text, language, data)
            if words:
                problems[f"{username} {path} ({response.status_code})"] = sorted(set(words))
    assert visited > 250
    assert problems == {}


def test_the_walk_sees_every_state_and_the_background_work(demo):
    browser = reader(demo, "lusine.h", "en")
    paths = {path for path, _ in walk(browser, ["/cases", "/inbox", "/referrals"])}
    case_pages = [p for p in paths if re.fullmatch(r"/cases/\d+", p)]
    assert len(case_pages) >= 20
    with demo.session_factory() as session:
        from workflow.persistence.models import CaseRow

        states = set(session.scalars(select(CaseRow.state)))
    assert states >= {"referred", "assessed", "enrolled", "receiving_services", "closed"}
    assert states >= {"economically_stabilised"}
    inbox = browser.get("/inbox").text
    assert "overdue" in inbox.lower() or "passed to the manager" in inbox


def test_the_checker_catches_the_other_language_and_lets_data_through():
    class NoData:
        def strip(self, text: str) -> str:
            return text

    def words(html: str, language: str) -> list[str]:
        return [w.split(" «")[0] for w in foreign_words(html, language, NoData())]  # type: ignore[arg-type]

    assert words('<html lang="en"><p>Մանկալքության վտանգ: yes</p>', "en") == [
        "Մանկալքության",
        "վտանգ",
    ]
    armenian = '<html lang="hy"><p>Պատճառ՝ case closed · anahit.m · 45 000 AMD</p></html>'
    assert words(armenian, "hy") == ["case", "closed"]
    assert words('<html lang="hy"><p>Hogatar · 15 000 ֏</p>', "hy") == []
    assert words('<html lang="en"><p>15,000 ֏</p>', "en") == []
    switcher = '<html lang="hy"><p><button lang="en">English</button> Մուտք</p>'
    assert words(switcher, "hy") == []
    assert words('<html lang="hy"><p>moved_away</p>', "hy") == ["moved", "away"]
