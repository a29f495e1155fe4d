"""The case page's transition cards: every step from the case's state is shown, and one the
reader cannot take says why (what to do first) and who can (which role). No empty card."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests import programme_fixtures as pf


class Cards(HTMLParser):
    """The text and buttons of each ``div.transition`` on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, list[str]]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "transition" in classes and not self.depth:
            self.cards.append({"text": [], "buttons": [], "disabled": [], "links": []})
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "div":
            self.depth += 1
        card = self.cards[-1]
        if tag == "button":
            card["buttons"].append("")
            if "disabled" in dict(attrs):
                card["disabled"].append("")
        if tag == "a":
            card["links"].append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.cards[-1]["text"].append(data.strip())


def cards(html: str) -> list[dict[str, list[str]]]:
    parser = Cards()
    parser.feed(html)
    return parser.cards


def text_of(card: dict[str, list[str]]) -> str:
    return " ".join(card["text"])


def in_english(b) -> None:
    b.post("/language", {"language": "en", "next": "/"})


def test_a_psychologist_sees_why_and_who_for_every_step(browser, rt):
    case_id = pf.case_in(rt, "referred")
    pf.assign_psychologist(rt, case_id)
    b = browser(pf.PSYCHOLOGIST)
    in_english(b)
    found = cards(b.get(f"/cases/{case_id}").text)
    by_step = {card["text"][0]: card for card in found}
    assert set(by_step) == {"Mark as assessed", "Close the case"}
    assess = text_of(by_step["Mark as assessed"])
    assert by_step["Mark as assessed"]["disabled"], "the psychologist cannot assess"
    assert "To do first: Record an assessment of the family" in assess
    assert "Who can take this step: Programme manager, Social worker" in assess
    close = text_of(by_step["Close the case"])
    assert by_step["Close the case"]["disabled"] and by_step["Close the case"]["links"] == []
    assert "Who can take this step: Programme manager" in close


def test_a_social_worker_at_stabilised_may_request_closure(browser, rt):
    """Closing needs a manager's approval, so the social worker requests it: the card
    leads to the closing form (which says so), and reopening stays the manager's."""
    case_id = pf.case_in(rt, "economically_stabilised")
    b = browser(pf.SOCIAL_WORKER)
    (only,) = cards(b.get(f"/cases/{case_id}").text)
    assert only["links"] == [f"/cases/{case_id}/forms/close"] and not only["disabled"]
    closed = pf.case_in(rt, "closed", confirm=True)
    (reopen,) = cards(b.get(f"/cases/{closed}").text)
    assert reopen["disabled"]
    assert "Ով կարող է կատարել այս քայլը՝ Ծրագրի ղեկավար" in text_of(reopen)


def test_the_manager_gets_the_closing_form_and_no_card_is_empty(browser, rt):
    case_id = pf.case_in(rt, "economically_stabilised")
    b = browser("manager")
    (only,) = cards(b.get(f"/cases/{case_id}").text)
    assert only["links"] == [f"/cases/{case_id}/forms/close"] and not only["disabled"]
    for state in ("referred", "assessed", "enrolled", "receiving_services", "closed"):
        other = pf.case_in(rt, state, confirm=True)
        for username in (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, "manager"):
            for card in cards(browser(username).get(f"/cases/{other}").text):
                assert card["buttons"] or card["links"], (state, username, card)
                if card["disabled"]:
                    assert len(card["text"]) > 1, (state, username, card)


def test_a_refused_step_lists_what_to_do_in_the_readers_language(browser, rt):
    case_id = pf.case_in(rt, "referred")
    b = browser(pf.SOCIAL_WORKER)
    version = re.search(r'name="expected_version" value="(\d+)"', b.get(f"/cases/{case_id}").text)
    assert version
    refused = b.post(f"/cases/{case_id}/transitions/assess", {"expected_version": version[1]})
    assert refused.status_code == 422
    alert = refused.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "Գրանցեք ընտանիքի գնահատումը" in alert
    assert "an assessment is recorded" not in refused.text.lower()
