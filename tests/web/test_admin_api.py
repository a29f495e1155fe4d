"""The administration's JSON API: the same services, roles and refusals as the pages."""

from __future__ import annotations

from tests import programme_fixtures as pf
from web.shared import accounts


def call(person, method, path, body=None):
    return person.client.request(
        method, "/api/v1" + path, json=body, headers={"X-CSRF-Token": person.csrf}
    )


def test_staff_through_the_api(rt, browser):
    admin = browser("admin")
    added = call(
        admin,
        "POST",
        "/admin/staff",
        {
            "username": "lilit.g",
            "full_name": "Լիլիթ",
            "role": "social_worker",
            "communities": ["hrazdan"],
        },
    )
    assert added.status_code == 201 and added.json()["communities"] == ["hrazdan"]
    bad = call(admin, "POST", "/admin/staff", {"username": "X Y", "full_name": "", "role": "no"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"username", "full_name", "role"}
    assert (
        call(admin, "POST", "/admin/staff/lilit.g/role", {"role": "manager"}).json()["role"]
        == "manager"
    )
    last = call(admin, "POST", "/admin/staff/admin/role", {"role": "manager"})
    assert last.status_code == 422 and "last active admin" in last.json()["detail"]
    given = call(admin, "POST", "/admin/staff/lilit.g/password", {"how": "temporary"})
    password = given.json()["temporary_password"]
    assert accounts.log_in(rt, username="lilit.g", password=password).staff.must_change_password
    link = call(admin, "POST", "/admin/staff/lilit.g/password", {"how": "link"}).json()
    assert "/password/" in link["link"] and link["expires_at"]
    wrong = call(admin, "POST", "/admin/staff/lilit.g/password", {"how": "email"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "how"
    history = call(admin, "GET", "/admin/history?subject=lilit.g").json()
    assert [c["action"] for c in history["changes"]] == [
        "reset_link",
        "temporary_password",
        "role",
        "added",
    ]
    assert call(admin, "GET", "/admin/staff/nobody/role").status_code == 405
    assert call(admin, "POST", "/admin/staff/nobody/role", {"role": "manager"}).status_code == 422


def test_partners_and_communities_through_the_api(rt, browser):
    manager = browser("manager")
    assert call(manager, "GET", "/admin/staff").status_code == 403
    assert call(manager, "GET", "/admin/history").status_code == 403
    edited = call(manager, "POST", "/admin/partners/kotayk_rights", {"language": "en"})
    assert edited.status_code == 200 and edited.json()["language"] == "en"
    assert edited.json()["email"] == "rights.kotayk@partners.hogatar.example"
    bad = call(manager, "POST", "/admin/partners/kotayk_rights", {"email": "nowhere"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    assert call(manager, "POST", "/admin/partners/nobody", {"language": "en"}).status_code == 404
    made = call(
        manager,
        "POST",
        "/admin/communities",
        {"code": "nor_geghi", "name_hy": "Նոր Գեղի", "name_en": "Nor Geghi"},
    )
    assert made.status_code == 201 and made.json()["active"]
    gone = call(manager, "POST", "/admin/communities/nor_geghi/deactivate")
    assert gone.json()["active"] is False
    worker = browser(pf.SOCIAL_WORKER)
    assert call(worker, "GET", "/admin/partners").status_code == 403
    admin = browser("admin")
    changes = call(admin, "GET", "/admin/history?area=partner").json()["changes"]
    assert changes[0]["actor"] == "manager" and changes[0]["after"] == {"language": "en"}
