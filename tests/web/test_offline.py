"""The app works on a machine with no internet: the API docs load Swagger UI from the app
itself, and no template or stylesheet names another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests import programme_fixtures as pf
from tests.support import ROOT

#: A reference to another host: http(s)://, or protocol-relative //host. The SVG namespace
#: (an identifier, never fetched) is the one exception.
EXTERNAL = re.compile(r"(?:https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}", re.I)


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value or "" for name, value in attrs if name in ("src", "href"))


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


def test_the_api_docs_load_swagger_ui_from_the_app(browser):
    b = browser("manager")
    page = b.get("/api/v1/docs")
    assert page.status_code == 200
    assert EXTERNAL.findall(page.text) == []
    urls = references(page.text)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in urls
    assert "/static/swagger-ui/swagger-ui.css" in urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = b.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
    script = b.get("/static/swagger-ui/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in script
    assert "/static/swagger-ui/init.js" in urls
    assert "validatorUrl: null" in b.get("/static/swagger-ui/init.js").text
    schema = b.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"]
    # FastAPI writes OpenAPI 3.1, which Swagger UI renders from version 5 on.
    assert schema["openapi"].startswith("3.1")
    assert re.search(r'"5\.\d+\.\d+"', script), "Swagger UI 5"
    licence = ROOT / "web" / "static" / "swagger-ui" / "LICENSE"
    assert "Apache License" in licence.read_text()


def test_no_template_or_stylesheet_references_another_host():
    sources = [
        *(ROOT / "web" / "templates").rglob("*.html"),
        *(ROOT / "web" / "static").glob("*.css"),
    ]
    found = {
        str(path.relative_to(ROOT)): EXTERNAL.findall(path.read_text(encoding="utf-8"))
        for path in sources
    }
    assert {path: hosts for path, hosts in found.items() if hosts} == {}


def test_the_pages_load_only_the_apps_own_files(browser, rt):
    case_id = pf.case_in(rt, "enrolled")
    b = browser("manager")
    paths = ["/", "/cases", f"/cases/{case_id}", "/inbox", "/referrals", "/procurement"]
    paths += ["/reports", "/login"]
    for path in paths:
        page = b.get(path)
        assert page.status_code == 200, path
        assert EXTERNAL.findall(page.text) == [], path
        for url in references(page.text):
            if url.startswith("/static/"):
                assert b.get(url).status_code == 200, url
