"""A partner's answer link: mailed with the referral, good for that referral only, until
it expires or is revoked; every use and every refusal on the case timeline; answers go
through the staff's own service and its rules. On SQLite, effects delivered by hand."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import programme_fixtures as pf
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.persistence.models import CaseActivityRow
from workflow.programme.referrals import (
    AnswerReferralLink,
    CreateReferral,
    OpenReferralLink,
    ReferralAnsweredMeanwhile,
    ReferralLinkRefused,
    ReferralLinkResendRefused,
    ReferralLinkRow,
    ReferralResponseRefused,
    ReferralRow,
    ResendReferralLink,
    RespondToReferral,
    RevokeReferralLinks,
)
from workflow.programme.referrals.links import token_hash
from workflow.programme.shared.values import Problems
from workflow.services import handle

LINK = re.compile(r"http://127\.0\.0\.1:8000/partners/referrals/(\d+)/([A-Za-z0-9_-]{43})\b")


def _deliver(rt, publisher) -> None:
    while publisher.sent:
        message = publisher.sent.pop(0)
        deliver_effect(rt, outbox_id=message.outbox_id, task_id="t")


def _links_in(mail) -> list[tuple[int, str]]:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    return [(int(referral), token) for referral, token in LINK.findall(body)]


@pytest.fixture
def sent(sqlite_runtime, publisher, mailer):
    """A referral mailed to its partner: (runtime, case id, referral id, the mail's token)."""
    rt = sqlite_runtime
    case_id = pf.register(rt)
    pf.bring_to(rt, case_id, "assessed")
    pf.consent(rt, case_id, purposes=("participation",))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    _deliver(rt, publisher)
    pf.consent(rt, case_id, purposes=("referral",))
    created = handle(
        rt,
        CreateReferral(
            case_id=case_id, partner="kotayk_rights", purpose="Իրավաբանական", actor="worker-1"
        ),
    )
    mailer.sent.clear()
    _deliver(rt, publisher)
    [mail] = mailer.sent
    [(referral_id, token)] = _links_in(mail)
    assert referral_id == created.referral_id
    return rt, case_id, referral_id, token


def _timeline(rt, case_id: int) -> list[str]:
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(CaseActivityRow.kind)
                .where(CaseActivityRow.case_id == case_id)
                .order_by(CaseActivityRow.id)
            )
        )


def _referral(rt, referral_id: int) -> ReferralRow:
    with rt.session_factory() as session:
        row = session.get(ReferralRow, referral_id)
        assert row is not None
        session.expunge(row)
        return row


def _answer(rt, referral_id, token, response, seen="sent", **kw):
    return handle(
        rt,
        AnswerReferralLink(
            referral_id=referral_id, token=token, response=response, seen_status=seen, **kw
        ),
    )


def test_the_mail_carries_a_link_whose_token_is_stored_only_hashed(sent):
    rt, case_id, referral_id, token = sent
    with rt.session_factory() as session:
        [link] = session.scalars(
            select(ReferralLinkRow).where(ReferralLinkRow.referral_id == referral_id)
        ).all()
        assert link.token_hash == token_hash(token) and token not in link.token_hash
        assert link.case_id == case_id
        assert link.expires_at - link.issued_at == timedelta(days=30)
    view = handle(rt, OpenReferralLink(referral_id=referral_id, token=token))
    assert (view.referral_id, view.case_id, view.status) == (referral_id, case_id, "sent")
    assert view.allowed_responses == ["acknowledged", "accepted", "declined"]
    assert view.purpose == "Իրավաբանական" and view.language == "hy"
    # Opened twice: the timeline has the first opening only.
    handle(rt, OpenReferralLink(referral_id=referral_id, token=token))
    assert _timeline(rt, case_id).count("referral_link_opened") == 1


def test_the_partner_accepts_through_the_staff_service_and_the_timeline_says_who(sent):
    rt, case_id, referral_id, token = sent
    changed = _answer(rt, referral_id, token, "accepted")
    assert changed.status == "accepted"
    assert _referral(rt, referral_id).status == "accepted"
    with rt.session_factory() as session:
        entry = session.scalars(
            select(CaseActivityRow).where(CaseActivityRow.kind == "referral_accepted")
        ).one()
        assert entry.actor == "partner:kotayk_rights"
        assert entry.data["referral_id"] == referral_id and "link_id" in entry.data
    # The state rules are the staff's: completing needs feedback, then it is final.
    with pytest.raises(Problems) as missing:
        _answer(rt, referral_id, token, "completed", seen="accepted")
    assert [p.field for p in missing.value.problems] == ["feedback"]
    _answer(rt, referral_id, token, "completed", seen="accepted", feedback="Խորհրդատվություն տրվեց")
    with pytest.raises(ReferralResponseRefused):
        _answer(rt, referral_id, token, "declined", seen="completed", reason="ուշ է")


def test_a_decline_without_reason_is_refused_and_changes_nothing(sent):
    rt, case_id, referral_id, token = sent
    before = _timeline(rt, case_id)
    with pytest.raises(Problems) as refused:
        _answer(rt, referral_id, token, "declined", reason="  ")
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert _referral(rt, referral_id).status == "sent"
    assert _timeline(rt, case_id) == before


def test_the_same_answer_sent_twice_is_recorded_once(sent):
    rt, case_id, referral_id, token = sent
    _answer(rt, referral_id, token, "acknowledged")
    with pytest.raises(ReferralAnsweredMeanwhile) as again:
        _answer(rt, referral_id, token, "acknowledged")
    assert (again.value.seen, again.value.now) == ("sent", "acknowledged")
    # A second tab made on "sent" that declines is refused too: the referral moved on.
    with pytest.raises(ReferralAnsweredMeanwhile):
        _answer(rt, referral_id, token, "declined", reason="Տեղ չկա")
    assert _referral(rt, referral_id).status == "acknowledged"
    kinds = _timeline(rt, case_id)
    assert kinds.count("referral_acknowledged") == 1
    assert kinds.count("referral_link_refused_answered") == 2


def test_an_expired_link_is_refused_audited_and_changes_nothing(sent, clock):
    rt, case_id, referral_id, token = sent
    clock.advance(timedelta(days=29, hours=23))
    handle(rt, OpenReferralLink(referral_id=referral_id, token=token))  # still good
    clock.advance(timedelta(hours=1))
    for command in (
        OpenReferralLink(referral_id=referral_id, token=token),
        AnswerReferralLink(
            referral_id=referral_id, token=token, response="accepted", seen_status="sent"
        ),
    ):
        with pytest.raises(ReferralLinkRefused) as refused:
            handle(rt, command)
        assert refused.value.why == "expired" and refused.value.language == "hy"
    assert _referral(rt, referral_id).status == "sent"
    assert _timeline(rt, case_id).count("referral_link_refused_expired") == 2


def test_the_expiry_is_the_setting(sqlite_runtime, publisher, mailer):
    rt = sqlite_runtime
    rt.settings.referral_link_days = 3
    case_id = pf.register(rt)
    pf.bring_to(rt, case_id, "assessed")
    pf.consent(rt, case_id, purposes=("participation", "referral"))
    handle(rt, AdvanceCase(case_id=case_id, trigger="enrol", actor="worker-1"))
    _deliver(rt, publisher)
    with rt.session_factory() as session:
        links = session.scalars(select(ReferralLinkRow)).all()
        assert links and all(
            link.expires_at - link.issued_at == timedelta(days=3) for link in links
        )
    assert "3 օր" in mailer.sent[-1].get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:-1],  # cut short
        lambda t: t + "x",  # too long
        lambda t: "../" + t[3:],  # not a token at all
    ],
)
def test_a_tampered_token_is_refused_and_audited_on_the_referral_it_named(sent, tamper):
    rt, case_id, referral_id, token = sent
    with pytest.raises(ReferralLinkRefused) as refused:
        _answer(rt, referral_id, tamper(token), "accepted")
    assert refused.value.why == "unknown"
    assert _referral(rt, referral_id).status == "sent"
    assert _timeline(rt, case_id)[-1] == "referral_link_refused_unknown"


def test_a_link_is_good_only_for_the_referral_it_was_made_for(sent, publisher, mailer):
    rt, case_id, referral_id, token = sent
    other = handle(
        rt,
        CreateReferral(case_id=case_id, partner="kotayk_rights", purpose="Այլ", actor="worker-1"),
    ).referral_id
    _deliver(rt, publisher)
    with pytest.raises(ReferralLinkRefused) as refused:
        _answer(rt, other, token, "accepted")
    assert refused.value.why == "wrong_referral"
    assert _referral(rt, other).status == "sent" and _referral(rt, referral_id).status == "sent"
    assert _timeline(rt, case_id)[-1] == "referral_link_refused_wrong_referral"


def test_revoked_then_resent_the_old_link_stops_and_the_new_one_works(sent, publisher, mailer):
    rt, case_id, referral_id, token = sent
    assert handle(rt, RevokeReferralLinks(referral_id=referral_id, actor="worker-1")) == 1
    with pytest.raises(ReferralLinkRefused) as refused:
        handle(rt, OpenReferralLink(referral_id=referral_id, token=token))
    assert refused.value.why == "revoked"
    mailer.sent.clear()
    assert handle(rt, ResendReferralLink(referral_id=referral_id, actor="worker-1")) == 0
    _deliver(rt, publisher)
    [mail] = mailer.sent
    assert "Նոր հղում" in str(mail["Subject"])
    [(same, new_token)] = _links_in(mail)
    assert same == referral_id and new_token != token
    _answer(rt, referral_id, new_token, "accepted")
    # Resending revokes the link that worked; the old one stays refused.
    mailer.sent.clear()
    assert handle(rt, ResendReferralLink(referral_id=referral_id, actor="worker-1")) == 1
    _deliver(rt, publisher)
    with pytest.raises(ReferralLinkRefused):
        handle(rt, OpenReferralLink(referral_id=referral_id, token=new_token))
    kinds = _timeline(rt, case_id)
    for kind in (
        "referral_link_revoked",
        "referral_link_refused_revoked",
        "referral_link_resend_requested",
        "referral_link_sent",
        "referral_accepted",
    ):
        assert kind in kinds


def test_no_new_link_for_a_finished_referral(sent):
    rt, case_id, referral_id, token = sent
    handle(
        rt,
        RespondToReferral(
            referral_id=referral_id, response="declined", reason="Տեղ չկա", actor="worker-1"
        ),
    )
    with pytest.raises(ReferralLinkResendRefused):
        handle(rt, ResendReferralLink(referral_id=referral_id, actor="worker-1"))
    # The link still opens (the page says there is nothing left to answer).
    view = handle(rt, OpenReferralLink(referral_id=referral_id, token=token))
    assert view.status == "declined" and view.allowed_responses == []


# --- the command line ---


@pytest.fixture
def hogatar(sqlite_runtime, monkeypatch, capsys):
    """Run `hogatar ARGS` in this process; returns (exit code, stdout, stderr)."""
    from workflow import cli, cli_context

    monkeypatch.setattr(cli_context, "_runtime", sqlite_runtime)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            cli.main(list(args))
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    return run


def test_revoke_and_resend_on_the_command_line(sent, hogatar, publisher, mailer):
    rt, case_id, referral_id, token = sent
    code, out, err = hogatar("referral", "link", "revoke", str(referral_id), "--actor", "cli:ani")
    assert code == 0, err
    assert out.strip() == f"referral {referral_id}: 1 working link(s) revoked"
    code, out, err = hogatar("referral", "link", "resend", str(referral_id), "--actor", "cli:ani")
    assert code == 0 and "a new link is mailed" in out, err
    mailer.sent.clear()
    _deliver(rt, publisher)
    [mail] = mailer.sent
    [(_, new_token)] = _links_in(mail)
    assert handle(rt, OpenReferralLink(referral_id=referral_id, token=new_token)).status == "sent"
    for args, text in (
        (("resend", "999"), "referral 999 does not exist"),
        (("revoke", "999"), "referral 999 does not exist"),
    ):
        code, out, err = hogatar("referral", "link", *args, "--actor", "cli:ani")
        assert code == 2 and len(err.strip().splitlines()) == 1 and text in err, err
    handle(
        rt,
        RespondToReferral(referral_id=referral_id, response="declined", reason="x", actor="ani"),
    )
    code, out, err = hogatar("referral", "link", "resend", str(referral_id), "--actor", "cli:ani")
    assert code == 2 and "a new link is sent only while the partner" in err, err
