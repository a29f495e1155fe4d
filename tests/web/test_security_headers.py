"""The hardening headers on every answer, and pages that need nothing the
Content-Security-Policy refuses (inline scripts and styles, eval)."""

from __future__ import annotations

import re

import pytest

from tests import programme_fixtures as pf
from tests.support import ROOT
from web.shared.middleware import CONTENT_SECURITY_POLICY

HARDENING = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
#: A page, a partial, the API, its docs, an error, a redirect: everything a login opens.
AUTHENTICATED = (
    "/",
    "/cases",
    "/cases?q=x",
    "/families/new",
    "/families/new/member-row?index=2",
    "/inbox",
    "/reports",
    "/api/v1/me",
    "/api/v1/dashboard",
    "/api/v1/cases",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/cases/424242",
    "/api/v1/cases/424242",
)


def assert_hardened(response, *, cached: bool = False) -> None:
    for name, value in HARDENING.items():
        assert response.headers.get(name) == value, (response.url, name)
    if cached:
        assert "no-store" not in response.headers.get("cache-control", ""), response.url
    else:
        assert response.headers.get("cache-control") == "no-store", response.url


@pytest.mark.parametrize("path", AUTHENTICATED)
def test_every_authenticated_answer_is_hardened_and_never_stored(browser, path):
    response = browser("manager").get(path, follow_redirects=False)
    assert response.status_code in (200, 303, 404), path
    assert_hardened(response)


def test_the_login_page_a_refused_login_and_a_redirect_to_it_are_hardened(browser):
    anonymous = browser()
    assert_hardened(anonymous.get("/login"))
    assert_hardened(anonymous.get("/cases", follow_redirects=False))
    assert_hardened(anonymous.login("manager", "wrong password!"))
    assert_hardened(anonymous.client.post("/api/v1/login", json={"username": "x", "password": "y"}))


def test_static_files_are_hardened_but_may_be_cached(browser):
    for path in ("/static/app.css", "/static/htmx.min.js", "/static/swagger-ui/init.js"):
        response = browser().get(path)
        assert response.status_code == 200, path
        assert_hardened(response, cached=True)


def test_a_header_a_route_set_itself_is_kept(app, browser):
    from starlette.responses import Response

    @app.get("/header-of-its-own")
    def own() -> Response:
        return Response("x", headers={"Referrer-Policy": "no-referrer"})

    response = browser().get("/header-of-its-own")
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert response.headers["x-frame-options"] == "DENY"


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:|hx-on|"
    r"""hx-vals=['"]\s*js:|hx-vars="""
)


def test_no_template_needs_an_inline_script_a_style_attribute_or_eval():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "web" / "templates").rglob("*.html")
        for match in INLINE.finditer(re.sub(r"{#.*?#}", "", path.read_text(), flags=re.S))
    ]
    assert found == []


def test_the_api_docs_page_has_no_inline_script(browser):
    page = browser("manager").get("/api/v1/docs").text
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert scripts and all(not body.strip() for body in scripts)


def test_a_case_page_with_its_diagram_has_no_style_attribute(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    page = browser("manager").get(f"/cases/{case_id}").text
    assert "<svg" in page and not re.search(r"\sstyle=|<style\b", page)
