"""Every route needs a login except login and health: proved by enumerating the app."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests import programme_fixtures as pf

PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/health"),
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/login"),
    # A partner's page: the link in its referral mail is the key (tests/web/test_partner_links.py).
    ("GET", "/partners/referrals/{referral_id}/{token}"),
    ("POST", "/partners/referrals/{referral_id}/{token}"),
    # A one-time password link an admin handed over (tests/web/test_admin_pages.py).
    ("GET", "/password/{token}"),
    ("POST", "/password/{token}"),
}


def flatten(routes, prefix=""):
    """Every route of the app, also those of included routers (which recent FastAPI
    versions keep as one entry per router until a request comes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from flatten(included.routes, prefix + route.include_context.prefix)
        else:
            yield prefix, route


def routes(app):
    for prefix, route in flatten(app.routes):
        if isinstance(route, Mount):
            continue  # /static: the stylesheet and htmx, nothing else
        assert isinstance(route, APIRoute | Route), route
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield method, prefix + route.path


def concrete(path: str) -> str:
    path = path.replace("{name}.csv", "states.csv")
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_but_login_and_health_needs_a_login(app, browser):
    anonymous = browser()
    checked = 0
    for method, path in routes(app):
        if (method, path) in PUBLIC:
            continue
        response = anonymous.client.request(method, concrete(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json")
        else:
            # Pages send the browser to the login form; an unsafe request without a
            # session is refused before anything else (403 CSRF or the login redirect).
            assert response.status_code in (303, 401, 403), (method, path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login?next=")
        checked += 1
    assert checked >= 55  # the enumeration really found the app's routes


def test_the_public_routes_are_exactly_login_and_health(app):
    found = set(routes(app))
    assert found >= PUBLIC
    for method, path in found - PUBLIC:
        assert "login" not in path and "health" not in path, (method, path)


def test_static_files_are_only_the_assets(app):
    mounts = [route for _, route in flatten(app.routes) if isinstance(route, Mount)]
    assert [mount.path for mount in mounts] == ["/static"]


def test_procurement_actions_refuse_the_roles_that_only_read(app, browser):
    """Every route that changes a procurement request, page or API, refuses a social worker
    (who may follow the queue) and a psychologist (who may not see it)."""
    actions = [
        (method, path)
        for method, path in routes(app)
        if method == "POST" and path.startswith(("/procurement/", "/api/v1/procurement/"))
    ]
    assert len(actions) == 5  # the page's {action} route and the API's four
    for username in (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST):
        staff = browser(username)
        for method, path in actions:
            response = staff.client.request(
                method,
                concrete(path).replace("/1/1", "/1/approve"),
                headers={"X-CSRF-Token": staff.csrf},
                follow_redirects=False,
            )
            assert response.status_code == 403, (username, path, response.status_code)
