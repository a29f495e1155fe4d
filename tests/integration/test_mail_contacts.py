"""What partners and suppliers read, through the real SMTP sink: the referral mail names
the family's social worker with a phone and an e-mail to answer to (not the staff-only
web page), the purchase order the programme office's address from configuration, its
contact's phone and e-mail, and amounts as the pages write them. SQLite, in-process sink."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from config.settings import Settings
from tests import programme_fixtures as pf
from tests.support import RecordingPublisher, free_port
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.delivery import deliver_effect
from workflow.notifications import SmtpMailer
from workflow.notifications.sink import serve
from workflow.persistence.migrate import upgrade
from workflow.programme import procurement
from workflow.programme.families import AssignCase
from workflow.programme.procurement import ApproveProcurement, ConsolidatePurchaseOrders
from workflow.programme.staff import AddStaff, SetStaffContact
from workflow.services import handle

ADDRESS_HY = "Ծրագրի գրասենյակ, Մաշտոցի 3, ք. Չարենցավան"
ADDRESS_EN = "Programme office, 3 Mashtots street, Charentsavan"


@pytest.fixture
def site(tmp_path):
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hogatar.sqlite3'}",
        var_dir=tmp_path / "var",
        programme_address_hy=ADDRESS_HY,
        programme_address_en=ADDRESS_EN,
        programme_phone="+374 226 4 12 34",
        programme_email="office@hogatar.example",
    )
    publisher = RecordingPublisher()
    rt = bootstrap(
        settings,
        clock=FixedClock(),
        publisher=publisher,
        mailer=SmtpMailer(host="127.0.0.1", port=port, timeout=5),
    )
    upgrade(rt.engine)
    pf.ensure_staff(rt)
    handle(
        rt,
        SetStaffContact(
            username=pf.SOCIAL_WORKER,
            phone="+374 93 555 101",
            email="anahit@hogatar.example",
            actor="admin",
        ),
    )
    handle(
        rt,
        AddStaff(
            username="proc-narek",
            full_name="Նարեկ Վարդանյան",
            role="procurement_officer",
            actor="admin",
            phone="+374 94 555 202",
        ),
    )
    mail_dir = tmp_path / "mail"
    with serve("127.0.0.1", port, mail_dir):
        yield rt, publisher, mail_dir
    rt.engine.dispose()


def work_off(rt, publisher) -> None:
    while publisher.sent:
        message = publisher.sent.pop(0)
        deliver_effect(rt, outbox_id=message.outbox_id, task_id=message.task_id)


def mails(mail_dir) -> list:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(mail_dir.glob("*.eml"))
    ]


def body(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_the_referral_mail_names_the_social_worker_to_answer_to(site):
    rt, publisher, mail_dir = site
    case_id = pf.register(rt)
    handle(rt, AssignCase(case_id=case_id, actor="t", social_worker=pf.SOCIAL_WORKER))
    pf.bring_to(rt, case_id, "enrolled")
    work_off(rt, publisher)
    [mail] = [m for m in mails(mail_dir) if "ուղեգրում" in m["Subject"]]
    text = body(mail)
    assert (
        "Սոցիալական աշխատողը՝ Անահիտ Մարտիրոսյան, հեռ.՝ +374 93 555 101, "
        "էլ. փոստ՝ anahit@hogatar.example" in text
    )
    assert "—" not in text
    # Partners cannot log in: no link to the staff's web app, a phone and a mail instead,
    # and the partner's own answer link (workflow/programme/referrals/links.py).
    links = [word for word in text.split() if "http" in word]
    assert len(links) == 1 and "/partners/referrals/" in links[0]
    assert "/cases/" not in text
    assert f"{ADDRESS_HY}\nՀեռ.՝ +374 226 4 12 34, էլ. փոստ՝ office@hogatar.example" in text


def test_the_purchase_order_has_the_office_address_a_contact_and_amounts_as_on_the_pages(site):
    rt, publisher, mail_dir = site
    case_id = pf.case_in(rt, "receiving_services")
    work_off(rt, publisher)
    [request] = procurement.list_procurement(rt, case_id=case_id)
    handle(rt, ApproveProcurement(request_id=request["id"], actor="proc-narek"))
    handle(rt, ConsolidatePurchaseOrders())
    work_off(rt, publisher)
    [order] = [m for m in mails(mail_dir) if "Գնման պատվեր" in m["Subject"]]
    text = body(order)
    assert f"Առաքման հասցեն՝ {ADDRESS_HY}\n" in text
    assert "Ընդհանուր գումարը՝ 45\u00a0000 ֏\n" in text
    assert ": 45\u00a0000 ֏ (#" in text and "AMD" not in text
    # The officer has no e-mail on file: the office's stands in.
    assert (
        "Կոնտակտային անձ՝ Նարեկ Վարդանյան, հեռ.՝ +374 94 555 202, "
        "էլ. փոստ՝ office@hogatar.example" in text
    )
    assert "Hogatar\n" not in text and "—" not in text
