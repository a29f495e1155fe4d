"""The administration in the browser (TestClient): staff accounts and their passwords,
partners and communities, the read-only budget, and the history of every change; who may
open which page; bad input refused beside its field with what was typed kept."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import programme_fixtures as pf
from tests.web.conftest import PASSWORD, csrf_of
from web.shared import accounts
from web.shared.i18n import translations
from workflow.programme.administration import AdminChangeRow
from workflow.programme.referrals import list_partners
from workflow.programme.staff import StaffRow, list_communities
from workflow.services import handle

NEW_PASSWORD = "Մեր ծրագիրը 2026"
TEMPORARY = re.compile(r'id="temporary-password" lang="en">([^<]+)<')
LINK = re.compile(r'id="password-link" lang="en">[^<]*?(/password/[^<]+)<')


def hy(msgid: str) -> str:
    """As the (Armenian) pages say it: the English words until the catalog has them."""
    return translations("hy").gettext(msgid).replace("'", "&#39;")


def count(rt, model, *where) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def history(rt, **where):
    with rt.session_factory() as session:
        query = select(AdminChangeRow).order_by(AdminChangeRow.id)
        for name, value in where.items():
            query = query.where(getattr(AdminChangeRow, name) == value)
        return list(session.scalars(query))


def add_with_temporary_password(admin, username="lilit.g", **extra):
    data = {
        "username": username,
        "full_name": "Լիլիթ Գրիգորյան",
        "role": "social_worker",
        "language": "hy",
        "email": "lilit@hogatar.example",
        "phone": "+374 93 111222",
        "communities": ["hrazdan", "abovyan"],
        "password": "temporary",
        **extra,
    }
    page = admin.post("/admin/staff", data)
    assert page.status_code == 200, page.text
    return TEMPORARY.search(page.text).group(1)


def test_only_admins_open_the_staff_pages_and_the_history(browser):
    for username in ("manager", pf.SOCIAL_WORKER, pf.PSYCHOLOGIST, "procurement"):
        person = browser(username)
        for path in ("/admin", "/admin/staff/new", "/admin/history", "/admin/staff/admin"):
            assert person.get(path).status_code == 403, (username, path)
        assert person.post("/admin/staff", {"username": "x"}).status_code == 403
    # Managers keep the programme's partners and communities; the others may not.
    manager = browser("manager")
    for path in ("/admin/partners", "/admin/communities", "/admin/programme"):
        assert manager.get(path).status_code == 200, path
    assert 'href="/admin/partners"' in manager.get("/").text
    worker = browser(pf.SOCIAL_WORKER)
    assert worker.get("/admin/partners").status_code == 403
    assert "/admin" not in worker.get("/").text
    admin = browser("admin")
    assert admin.get("/admin").status_code == 200
    assert 'href="/admin"' in admin.get("/").text


def test_a_new_colleague_logs_in_with_a_temporary_password_and_must_change_it(rt, browser, clock):
    admin = browser("admin")
    password = add_with_temporary_password(admin)
    with rt.session_factory() as session:
        row = session.scalar(select(StaffRow).where(StaffRow.username == "lilit.g"))
        assert row.must_change_password and row.role == "social_worker"

    newcomer = browser()
    assert newcomer.login("lilit.g", password).status_code == 303
    # Every page but the password's sends them there; the API refuses.
    for path in ("/", "/cases", "/inbox", "/admin"):
        response = newcomer.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/account/password"
    api = newcomer.get("/api/v1/cases")
    assert api.status_code == 403
    assert api.json()["type"] == "urn:hogatar:problem:password-change-required"
    page = newcomer.get("/account/password")
    assert page.status_code == 200
    assert (
        hy("You logged in with a temporary password. Choose a password of your own to continue.")
        in page.text
    )
    newcomer.csrf = csrf_of(page.text)

    # A weak one is refused beside its field; nothing changes.
    weak = newcomer.post(
        "/account/password",
        {"current": password, "password": "short", "confirmation": "short"},
    )
    assert weak.status_code == 422
    assert 'id="f-password-error"' in weak.text
    too_short = hy("The password is too short: at least %(minimum)s characters.")
    assert too_short % {"minimum": "10"} in weak.text
    # The temporary one again is no password of their own.
    same = newcomer.post(
        "/account/password",
        {"current": password, "password": password, "confirmation": password},
    )
    assert same.status_code == 422
    assert hy("The new password is the same as the current one: choose a new one.") in same.text
    mismatch = newcomer.post(
        "/account/password",
        {"current": password, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD + "!"},
    )
    assert mismatch.status_code == 422 and 'id="f-confirmation-error"' in mismatch.text
    assert newcomer.get("/", follow_redirects=False).status_code == 303

    done = newcomer.post(
        "/account/password",
        {"current": password, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert newcomer.get("/").status_code == 200  # their dashboard, in the same session
    # The temporary password no longer works; the new one does.
    assert browser().login("lilit.g", password).status_code == 401
    assert browser().login("lilit.g", NEW_PASSWORD).status_code == 303

    # The history: added by the admin (with what), the temporary password, their change.
    actions = [(c.actor, c.action) for c in history(rt, subject="lilit.g")]
    assert actions == [
        ("admin", "added"),
        ("admin", "temporary_password"),
        ("lilit.g", "password_changed"),
    ]
    added = history(rt, subject="lilit.g", action="added")[0]
    assert added.after["communities"] == ["hrazdan", "abovyan"]
    assert added.after["role"] == "social_worker" and added.before == {}
    assert password not in str([c.after for c in history(rt)])
    page = admin.get("/admin/history?area=staff&subject=lilit.g")
    assert page.status_code == 200
    assert page.text.count('class="change"') == 3
    assert "Լիլիթ Գրիգորյան" in admin.get("/admin").text


def test_bad_staff_input_is_refused_beside_its_field_and_kept(rt, browser):
    admin = browser("admin")
    before = count(rt, StaffRow)
    changes = len(history(rt))  # the test staff's own, added before
    page = admin.post(
        "/admin/staff",
        {
            "username": "Լիլիթ",
            "full_name": "Լիլիթ Գրիգորյան",
            "role": "social_worker",
            "language": "hy",
            "email": "lilit-at-example",
            "phone": "+374 93 111222",
            "communities": ["hrazdan"],
            "password": "temporary",
        },
    )
    assert page.status_code == 422
    assert 'id="f-username-error"' in page.text and 'id="f-email-error"' in page.text
    assert 'value="lilit-at-example"' in page.text and 'value="Լիլիթ Գրիգորյան"' in page.text
    assert 'value="hrazdan" checked' in page.text
    assert count(rt, StaffRow) == before and len(history(rt)) == changes
    # An existing username is said beside the username.
    taken = admin.post(
        "/admin/staff",
        {
            "username": "manager",
            "full_name": "Լուսինե",
            "role": "manager",
            "language": "hy",
            "password": "later",
        },
    )
    assert taken.status_code == 422 and 'id="f-username-error"' in taken.text


def test_role_communities_contact_and_deactivation_are_audited(rt, browser):
    admin = browser("admin")
    add_with_temporary_password(admin)
    page = admin.get("/admin/staff/lilit.g")
    assert page.status_code == 200
    admin.csrf = csrf_of(page.text)
    assert admin.post("/admin/staff/lilit.g/role", {"role": "manager"}).status_code == 303
    assert (
        admin.post("/admin/staff/lilit.g/communities", {"communities": ["garni"]}).status_code
        == 303
    )
    refused = admin.post("/admin/staff/lilit.g/contact", {"email": "no", "phone": ""})
    assert refused.status_code == 422 and 'id="f-email-error"' in refused.text
    assert 'value="no"' in refused.text
    assert admin.post("/admin/staff/lilit.g/deactivate").status_code == 303
    changes = {c.action: c for c in history(rt, subject="lilit.g")}
    assert changes["role"].before == {"role": "social_worker"}
    assert changes["role"].after == {"role": "manager"}
    assert changes["communities"].before == {"communities": ["hrazdan", "abovyan"]}
    assert changes["communities"].after == {"communities": ["garni"]}
    assert changes["deactivated"].after == {"active": False}
    assert "contact" not in changes
    # A deactivated colleague cannot log in.
    assert browser().login("lilit.g", PASSWORD).status_code == 401
    shown = admin.get("/admin/history?actor=admin&area=staff&subject=lilit.g")
    assert shown.text.count('class="change"') == 5


def test_the_last_admin_cannot_demote_or_deactivate_themselves(rt, browser):
    admin = browser("admin")
    changes = len(history(rt))
    page = admin.get("/admin/staff/admin")
    admin.csrf = csrf_of(page.text)
    demoted = admin.post("/admin/staff/admin/role", {"role": "manager"})
    assert demoted.status_code == 422
    assert 'id="f-role-error"' in demoted.text
    assert (
        hy(
            "This is the last active admin: make another staff member an admin first, "
            "or nobody could administer the programme in the browser."
        )
        in demoted.text
    )
    gone = admin.post("/admin/staff/admin/deactivate")
    assert gone.status_code == 422 and 'id="f-deactivate-error"' in gone.text
    with rt.session_factory() as session:
        row = session.scalar(select(StaffRow).where(StaffRow.username == "admin"))
        assert row.role == "admin" and row.active
    assert len(history(rt)) == changes
    # With a second admin, the first may step down.
    assert admin.post("/admin/staff/manager/role", {"role": "admin"}).status_code == 303
    assert admin.post("/admin/staff/admin/role", {"role": "manager"}).status_code == 303
    assert admin.get("/admin").status_code == 403  # no longer an admin


def test_a_one_time_link_sets_a_password_once_within_its_day(rt, browser, clock):
    admin = browser("admin")
    page = admin.get(f"/admin/staff/{pf.SOCIAL_WORKER}")
    admin.csrf = csrf_of(page.text)
    given = admin.post(f"/admin/staff/{pf.SOCIAL_WORKER}/password", {"how": "link"})
    assert given.status_code == 200
    path = LINK.search(given.text).group(1)
    # The old password works until the link is used.
    assert browser().login(pf.SOCIAL_WORKER, PASSWORD).status_code == 303

    anonymous = browser()
    form = anonymous.get(path)
    assert form.status_code == 200 and "Անահիտ Մարտիրոսյան" in form.text
    anonymous.csrf = csrf_of(form.text)
    weak = anonymous.post(path, {"password": "12345", "confirmation": "12345"})
    assert weak.status_code == 422 and 'id="f-password-error"' in weak.text
    done = anonymous.post(path, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert done.status_code == 200 and 'href="/login"' in done.text
    assert browser().login(pf.SOCIAL_WORKER, PASSWORD).status_code == 401
    assert browser().login(pf.SOCIAL_WORKER, NEW_PASSWORD).status_code == 303
    # Used once: refused after, and tampered ones too.
    assert anonymous.get(path).status_code == 410
    assert anonymous.get(path + "x").status_code == 410

    # A new link expires after a day.
    again = admin.post(f"/admin/staff/{pf.SOCIAL_WORKER}/password", {"how": "link"})
    later = LINK.search(again.text).group(1)
    clock.advance(timedelta(hours=25))
    assert browser().get(later).status_code == 410
    actions = [c.action for c in history(rt, subject=pf.SOCIAL_WORKER)][-3:]
    assert actions == ["reset_link", "password_set_by_link", "reset_link"]


def test_a_partner_is_added_corrected_and_deactivated_with_its_history(rt, browser):
    manager = browser("manager")
    page = manager.get("/admin/partners/new")
    manager.csrf = csrf_of(page.text)
    partner = {
        "code": "ngo_garni",
        "type": "ngo",
        "name_hy": "Գառնիի ՀԿ",
        "name_en": "Garni NGO",
        "email": "info@garni-ngo.example",
        "language": "hy",
    }
    bad = manager.post("/admin/partners", {**partner, "email": "not an address"})
    assert bad.status_code == 422 and 'id="f-email-error"' in bad.text
    assert 'value="Գառնիի ՀԿ"' in bad.text
    assert manager.post("/admin/partners", partner).status_code == 303
    again = manager.post("/admin/partners", partner)
    assert again.status_code == 422 and 'id="f-code-error"' in again.text
    edited = manager.post("/admin/partners/ngo_garni", {**partner, "email": "new@garni.example"})
    assert edited.status_code == 303
    assert manager.post("/admin/partners/ngo_garni/deactivate").status_code == 303
    found = {p["code"]: p for p in list_partners(rt)}["ngo_garni"]
    assert found["email"] == "new@garni.example" and not found["active"]
    changes = history(rt, area="partner", subject="ngo_garni")
    assert [(c.actor, c.action) for c in changes] == [
        ("manager", "added"),
        ("manager", "edited"),
        ("manager", "deactivated"),
    ]
    assert changes[1].before == {"email": "info@garni-ngo.example"}
    assert changes[1].after == {"email": "new@garni.example"}
    # The automatic referrals of a configured partner are shown, read only.
    shown = manager.get("/admin/partners/kotayk_iss_hrazdan")
    assert "config/programme/partners.toml" in shown.text
    assert manager.get("/admin/partners/nobody").status_code == 404


def test_communities_are_added_renamed_and_deactivated(rt, browser):
    manager = browser("manager")
    page = manager.get("/admin/communities")
    manager.csrf = csrf_of(page.text)
    duplicate = manager.post(
        "/admin/communities", {"code": "hrazdan2", "name_hy": "Հրազդան", "name_en": "Other"}
    )
    assert duplicate.status_code == 422 and "already exists" in duplicate.text
    assert 'value="hrazdan2"' in duplicate.text
    new = {"code": "nor_geghi", "name_hy": "Նոր Գեղի", "name_en": "Nor Geghi"}
    assert manager.post("/admin/communities", new).status_code == 303
    renamed = manager.post(
        "/admin/communities/nor_geghi", {"name_hy": "Նոր Գեղի", "name_en": "Nor-Geghi"}
    )
    assert renamed.status_code == 303
    empty = manager.post("/admin/communities/nor_geghi", {"name_hy": "", "name_en": "X"})
    assert empty.status_code == 422 and 'id="f-name_hy-error"' in empty.text
    assert manager.post("/admin/communities/nor_geghi/deactivate").status_code == 303
    assert "nor_geghi" not in [c["code"] for c in list_communities(rt)]
    changes = history(rt, area="community")
    assert [c.action for c in changes] == ["added", "renamed", "deactivated"]
    assert changes[1].before == {"name_en": "Nor Geghi"}


def test_the_budget_ceiling_and_document_kinds_are_shown_read_only(browser):
    page = browser("admin").get("/admin/programme")
    assert page.status_code == 200
    assert "config/programme/effects.toml" in page.text
    assert 'id="family-ceiling"' in page.text
    # The document kinds, from config/programme/documents.toml, read only too.
    assert "config/programme/documents.toml" in page.text
    assert page.text.count("<tr>", page.text.index("document-kinds")) >= 6
    assert "<form" not in page.text.split("<main", 1)[1]  # nothing to change here


def test_the_cli_changes_are_in_the_same_history(rt):
    from workflow.programme.staff import SetStaffRole

    handle(rt, SetStaffRole(username="manager", role="admin", actor="cli:operator"))
    accounts.set_password(rt, username="manager", password=PASSWORD)
    change = history(rt, subject="manager")[-1]
    assert (change.actor, change.action) == ("cli:operator", "role")
    assert change.before == {"role": "manager"} and change.after == {"role": "admin"}
