"""Out-of-range input as an attacker sends it, over real HTTP: ids above 2**63, absurd
pages and NUL characters used to answer 500 ("DataError") and drop the keep-alive
connection. An impossible id is a page that does not exist (404); an impossible value
is a 422 that names the field; nothing is written and the connection stays usable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD

HUGE = "99999999999999999999999"


@contextmanager
def api_client(url: str) -> Iterator[httpx.Client]:
    client = httpx.Client(base_url=url, timeout=10)
    login = client.post("/api/v1/login", json={"username": "manager", "password": PASSWORD})
    assert login.status_code == 200
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    try:
        yield client
    finally:
        client.close()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/cases/{HUGE}",
        f"/api/v1/cases/-{HUGE}",
        "/api/v1/cases/18446744073709551616",
    ],
)
def test_an_impossible_id_is_not_found_and_the_connection_stays(live_server, path):
    with api_client(live_server) as client:
        answer = client.get(path)
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        # The same keep-alive connection still serves the next request.
        assert client.get("/api/v1/cases").status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=400000000000000000", "page"),
        (f"community={HUGE}", "community"),
        ("q=a%00b", "q"),
    ],
)
def test_an_impossible_query_value_is_422_naming_the_field(live_server, query, field):
    with api_client(live_server) as client:
        answer = client.get(f"/api/v1/cases?{query}")
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["type"] == "urn:hogatar:problem:validation"
        assert body["errors"][0]["field"] == field
        assert client.get("/api/v1/cases").status_code == 200


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_written(live_server, rt):
    case_id = pf.case_in(rt, "assessed")
    with api_client(live_server) as client:
        before = client.get(f"/api/v1/cases/{case_id}").json()["version"]
        answer = client.post(
            f"/api/v1/cases/{case_id}/transitions",
            json={"trigger": "close", "reason": "a\u0000b", "data": {"closure_reason": "other"}},
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "reason"
        assert client.get(f"/api/v1/cases/{case_id}").json()["version"] == before


def test_pages_answer_impossible_input_in_the_readers_language(browser, rt):
    b = browser(pf.SOCIAL_WORKER)
    page = b.get(f"/cases/{HUGE}")
    assert page.status_code == 404
    assert "Traceback" not in page.text and "DataError" not in page.text
    listing = b.get("/cases?page=400000000000000000")
    assert listing.status_code == 422
    assert "Էջը ստացել է արժեք, որը չի կարող կարդալ" in listing.text
    case_id = pf.case_in(rt, "referred")
    refused = b.post(f"/cases/{case_id}/transitions/close", {"reason": "a\x00b"})
    assert refused.status_code == 422
    assert "Traceback" not in refused.text


def test_report_csvs_write_a_formula_name_as_text(browser, rt):
    from workflow.programme.staff import AddCommunity
    from workflow.services import handle

    formula = '=HYPERLINK("http://example.invalid","x")'
    handle(rt, AddCommunity(code="evil", name_hy=formula, name_en=formula, actor="admin"))
    pf.case_in(rt, "referred", community="evil")
    csv = browser("manager").get("/reports/state-by-community.csv").text
    quoted = "'" + formula.replace('"', '""')
    assert f'evil,"{quoted}",referred,1' in csv
    assert ",=HYPERLINK" not in csv and ',"=HYPERLINK' not in csv


def _declare_a_huge_body(url: str, path: str, headers: str = "") -> tuple[int, str]:
    """Send only the headers of a 2 GB upload and read the answer: it must come before
    a byte of the body is sent."""
    import socket

    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {2 * 1024**3}\r\n{headers}\r\n"
            ).encode()
        )
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        head, _, body = received.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += connection.recv(65536)
    answer = (head + b"\r\n\r\n" + body).decode("utf-8", "replace")
    return int(answer.split(" ", 2)[1]), answer


def test_a_body_far_over_the_largest_file_is_refused_before_it_is_read(live_server, rt):
    case_id = pf.register(rt)
    for path in (f"/cases/{case_id}/documents", f"/api/v1/cases/{case_id}/documents"):
        status, answer = _declare_a_huge_body(live_server, path)
        assert status == 413, answer
        assert "80 MB" in answer or "80 ՄԲ" in answer  # 4 x HOGATAR_DOCUMENT_MAX_BYTES
    status, answer = _declare_a_huge_body(
        live_server, f"/api/v1/cases/{case_id}/documents", "Accept: application/json\r\n"
    )
    assert status == 413 and "urn:hogatar:problem:too-large" in answer
    assert not (rt.settings.var_dir / "documents").exists() or not any(
        p.is_file() for p in (rt.settings.var_dir / "documents").rglob("*")
    )
