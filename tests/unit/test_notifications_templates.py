"""Mail templates: both languages, Armenian kept exactly, fallback, and refusals."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime

import pytest

from workflow.errors import DefinitionError, PermanentEffectError
from workflow.notifications.errors import (
    MissingPlaceholder,
    TemplateDefinitionError,
    TemplateError,
    UnknownTemplate,
)
from workflow.notifications.templates import (
    TEMPLATES_DIR,
    format_value,
    language_of,
    load_templates,
    render,
)
from workflow.notifications.values import case_url, dram, money, referral_url

BASE = "http://127.0.0.1:8000"

# One sample value per placeholder any template uses: ids, numbers, dates, staff names.
SAMPLE = {
    "referral_number": "Ո-2026-014",
    "case_number": 345,
    "service": "հոգեբանական խորհրդատվություն",
    "respond_by": date(2026, 2, 1),
    "sent_on": date(2026, 1, 20),
    "social_worker": "Անի Մելքոնյան",
    "worker_phone": "+374 93 555101",
    "worker_email": "ani@hogatar.example",
    "contact_email": "gohar@hogatar.example",
    "programme_address": "Ծրագրի գրասենյակ, Կենտրոն թաղամաս, ք. Հրազդան",
    "programme_phone": "+374 223 2 00 00",
    "programme_email": "office@hogatar.example",
    "referral_url": referral_url(BASE, 14),
    # The partner's own answer link (workflow/programme/referrals/links.py).
    "partner_link": "https://hogatar.example/partners/referrals/14/" + "T" * 43,
    "link_days": 30,
    "manager_name": "Արմեն Սարգսյան",
    "partner_name": "«Հույս» հասարակական կազմակերպություն",
    "case_url": case_url(BASE, 345),
    "staff_name": "Լիլիթ Հակոբյան",
    "last_session_on": date(2026, 1, 10),
    "due_on": date(2026, 1, 24),
    "reminded_on": date(2026, 1, 22),
    "request_number": 77,
    "requested_by": "Անի Մելքոնյան",
    "requested_on": date(2026, 1, 15),
    "item_count": 3,
    "total": money(185000, "hy"),
    "order_number": "ԳՊ-2026-009",
    "ordered_on": date(2026, 1, 16),
    "deliver_by": date(2026, 1, 30),
    "delivery_address": "Հրազդան, Կենտրոն թաղամաս, 5",
    "items": "1. Դպրոցական պայուսակ — 2 հատ\n2. Գրենական պիտույքներ — 1 հավաքածու",
    "contact_name": "Գոհար Պետրոսյան",
    "contact_phone": "+374 10 000000",
    "sent_at": datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
    "server": "127.0.0.1:8025",
}

NEEDED = {
    "referral_to_partner",
    "referral_link",
    "referral_acknowledgement_reminder",
    "referral_escalation",
    "counselling_follow_up",
    "counselling_escalation",
    "procurement_approval_request",
    "purchase_order",
    "test_message",
}


def test_the_templates_later_features_need_are_there_in_both_languages():
    templates = load_templates()
    assert set(templates) >= NEEDED
    for template in templates.values():
        assert set(template.texts) == {"hy", "en"}
        assert template.description and template.recipient


@pytest.mark.parametrize("name", sorted(NEEDED))
@pytest.mark.parametrize("language", ["hy", "en"])
def test_every_template_renders_every_value(name, language):
    mail = render(name, SAMPLE, language=language)
    assert mail.language == language and mail.template == name
    assert "$" not in mail.subject + mail.body
    assert "\n" not in mail.subject and mail.subject == mail.subject.strip()
    assert mail.body.endswith("\n") and not mail.body.startswith("\n")
    template = load_templates()[name]
    for placeholder in template.placeholders:
        assert format_value(SAMPLE[placeholder], language) in mail.subject + mail.body


def test_armenian_text_comes_out_exactly():
    mail = render("referral_to_partner", SAMPLE, language="hy")
    assert mail.subject == "Նոր ուղեգրում №Ո-2026-014 (դեպք №345)"
    assert "Ծառայությունը՝ հոգեբանական խորհրդատվություն\n" in mail.body
    assert "Պատասխանի վերջնաժամկետը՝ 01.02.2026\n" in mail.body
    assert (
        "Սոցիալական աշխատողը՝ Անի Մելքոնյան, հեռ.՝ +374 93 555101, "
        "էլ. փոստ՝ ani@hogatar.example\n" in mail.body
    )
    assert mail.body.startswith("Հարգելի գործընկերներ,\n")
    for text in (mail.subject, mail.body):
        assert unicodedata.is_normalized("NFC", text)


def test_english_text():
    mail = render("referral_to_partner", SAMPLE, language="en")
    assert mail.subject == "New referral Ո-2026-014 (case 345)"
    assert "Please answer by: 1 February 2026\n" in mail.body
    assert "Social worker: Անի Մելքոնյան, tel. +374 93 555101, e-mail ani@hogatar.example\n" in (
        mail.body
    )


def test_values_are_normalised_to_nfc_and_the_armenian_ligature_survives():
    decomposed = unicodedata.normalize("NFD", "Zoé Եղիազարյան և Co")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    mail = render("counselling_follow_up", SAMPLE | {"staff_name": decomposed}, language="hy")
    # NFC, not NFKC: the Armenian "և" stays one character.
    assert mail.body.startswith("Հարգելի Zoé Եղիազարյան և Co,\n")
    assert "\u0587" in mail.body and unicodedata.is_normalized("NFC", mail.body)


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [
        (None, "hy"),
        ("", "hy"),
        ("hy", "hy"),
        ("hy-AM", "hy"),
        ("fr", "hy"),
        ("ru", "hy"),
        ("en", "en"),
        ("EN", "en"),
        ("en_GB", "en"),
        (" en-US ", "en"),
    ],
)
def test_unknown_languages_fall_back_to_armenian(asked, chosen):
    assert language_of(asked) == chosen
    assert render("test_message", SAMPLE, language=asked).language == chosen


def test_a_missing_value_is_named():
    values = {k: v for k, v in SAMPLE.items() if k not in ("respond_by", "social_worker")}
    with pytest.raises(MissingPlaceholder) as caught:
        render("referral_to_partner", values | {"service": "  "})
    assert caught.value.missing == ["respond_by", "service", "social_worker"]
    assert str(caught.value) == (
        "mail template 'referral_to_partner' needs a value for: respond_by, service, social_worker"
    )


def test_none_counts_as_missing_and_extra_values_are_ignored():
    with pytest.raises(MissingPlaceholder, match="case_number"):
        render("referral_to_partner", SAMPLE | {"case_number": None})
    assert render("test_message", SAMPLE | {"unused": "x"}).subject


def test_template_errors_are_permanent_for_the_engine():
    with pytest.raises(PermanentEffectError):
        render("referral_to_partner", {})
    with pytest.raises(UnknownTemplate, match="unknown mail template 'nope'; known: "):
        render("nope", SAMPLE)


@pytest.mark.parametrize("value", [1.5, True, object()])
def test_values_must_be_text_numbers_or_dates(value):
    with pytest.raises(TemplateError, match="case_number must be text, a whole number or a date"):
        render("referral_to_partner", SAMPLE | {"case_number": value})


def test_a_subject_value_must_be_one_line_but_a_body_value_may_have_several():
    with pytest.raises(TemplateError, match="order_number is used in the subject"):
        render("purchase_order", SAMPLE | {"order_number": "12\nBcc: x@example.am"})
    body = render("purchase_order", SAMPLE | {"items": "a\r\nb\rc"}).body
    assert "Ապրանքներ՝\na\nb\nc\n" in body


def test_dates_and_times_the_way_each_language_writes_them():
    assert format_value(date(2026, 3, 8), "hy") == "08.03.2026"
    assert format_value(date(2026, 3, 8), "en") == "8 March 2026"
    # Times are shown in Armenian time (UTC+4); a naive time is taken as UTC.
    moment = datetime(2026, 3, 8, 21, 30, tzinfo=UTC)
    assert format_value(moment, "hy") == "09.03.2026 01:30"
    assert format_value(moment.replace(tzinfo=None), "en") == "9 March 2026 01:30"


def test_link_and_amount_helpers():
    assert case_url("https://hogatar.example.am/app/", 12) == (
        "https://hogatar.example.am/app/cases/12"
    )
    assert referral_url(BASE, "Ո/14") == f"{BASE}/referrals/%D5%88%2F14"
    assert dram(1250000) == "1\u00a0250\u00a0000" and dram(0) == "0"
    with pytest.raises(TypeError):
        dram(12.5)  # type: ignore[arg-type]


def test_template_files_are_nfc():
    for path in TEMPLATES_DIR.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path.name


def template_file(
    placeholders=("case_number",),
    hy=("Դեպք №${case_number}", "Դեպք ${case_number}"),
    en=("Case ${case_number}", "Case ${case_number}"),
):
    lines = ['description = "d"', 'recipient = "r"']
    if placeholders is not None:
        lines.append(f"placeholders = {json.dumps(list(placeholders))}")
    for language, texts in (("hy", hy), ("en", en)):
        if texts is not None:
            subject, body = texts
            lines += [f"[{language}]", f"subject = {json.dumps(subject, ensure_ascii=False)}"]
            lines.append(f"body = {json.dumps(body, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (template_file(placeholders=("case_number", "child_name")), "personal data"),
        (template_file(placeholders=("case_number", "family_name")), "personal data"),
        (template_file(en=("Case ${case_number}", "${case_id}")), "undeclared case_id"),
        (
            template_file(en=("Case", "Case")),
            "[en] placeholders differ from the declared ones: unused",
        ),
        (template_file(en=None), "the [en] section is missing"),
        (template_file(en=("Case ${case_number}", "Costs 5 $")), "write $$ for a dollar"),
        (template_file(hy=("Դեպք\n${case_number}", "${case_number}")), "must be one line"),
        (template_file(placeholders=None), "'placeholders' must be a list"),
        (template_file() + "[[[", "cannot be read"),
    ],
)
def test_malformed_template_files_are_refused_at_load(tmp_path, bad, expected):
    (tmp_path / "good.toml").write_text(template_file(), encoding="utf-8")
    assert set(load_templates(tmp_path)) == {"good"}
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateDefinitionError, match="bad.toml") as caught:
        load_templates(tmp_path)
    assert expected in str(caught.value)
    assert isinstance(caught.value, DefinitionError)


def test_an_empty_template_directory_is_refused(tmp_path):
    with pytest.raises(TemplateDefinitionError, match="no mail templates"):
        load_templates(tmp_path)


@pytest.mark.parametrize(
    "name", ["referral_to_partner", "referral_link", "referral_acknowledgement_reminder"]
)
@pytest.mark.parametrize("language", ["hy", "en"])
def test_partners_are_told_whom_to_call_not_a_page_they_cannot_open(name, language):
    mail = render(name, SAMPLE, language=language)
    # No staff page (referral_url, case_url): only the partner's own answer link, if any.
    placeholders = load_templates()[name].placeholders
    assert not placeholders & {"referral_url", "case_url"}
    links = [word for word in mail.body.split() if "http" in word]
    assert links == ([SAMPLE["partner_link"]] if "partner_link" in placeholders else [])
    assert "+374 93 555101" in mail.body and "ani@hogatar.example" in mail.body
    assert mail.body.rstrip().endswith("office@hogatar.example")
    assert "Ծրագրի գրասենյակ" in mail.body


@pytest.mark.parametrize(
    ("language", "total"),
    [("hy", "Ընդհանուր գումարը՝ 45\u00a0000 ֏\n"), ("en", "Total: 45,000 ֏\n")],
)
def test_a_purchase_order_writes_amounts_as_the_pages_and_names_the_contact(language, total):
    values = SAMPLE | {"total": money(45_000, language)}
    mail = render("purchase_order", values, language=language)
    assert total in mail.body and "AMD" not in mail.body
    assert "gohar@hogatar.example" in mail.body and "+374 10 000000" in mail.body


def test_money_as_on_the_pages():
    assert money(45_000, "hy") == "45\u00a0000 ֏"
    assert money(1_250_000, "en") == "1,250,000 ֏"
    assert money(0, "hy") == "0 ֏"
