"""Every command's --help tells the truth about what it needs. For each command with
options, a minimal working invocation: it runs (so nothing beyond it is needed), and each
option in it that click does not already mark ``[required]`` says "required" in its help
and is refused when left out (so nothing in it is optional). A new command without an
example here fails the test."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import typer

from config.settings import Settings
from tests import programme_fixtures as pf
from tests.documents_fixtures import tiny_pdf
from tests.foster_fixtures import foster_case_in
from tests.support import RecordingPublisher
from workflow import cli, cli_context
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.commands import AdvanceCase
from workflow.delivery import deliver_effect
from workflow.notifications import MemoryMailer
from workflow.persistence.migrate import upgrade
from workflow.programme import procurement as programme_procurement
from workflow.programme import referrals
from workflow.programme.plans import PlanService
from workflow.programme.staff import AddStaff
from workflow.runtime import Runtime
from workflow.services import handle

#: Commands that start a long-running process or talk to a real server: their required
#: options are click's own (shown as [required]); they are run by the integration tests.
NOT_RUN = {
    "worker": "starts a Celery worker (tests/integration)",
    "mail sink": "starts an SMTP server (tests/integration/test_mail_sink.py)",
    "mail test": "sends through a real SMTP server (tests/integration/test_mail_smtp.py)",
    "demo seed": "seeds the configured database (tests/unit/test_programme_cli.py runs it)",
    "metrics": "serves Prometheus metrics until stopped (tests/integration/test_metrics.py)",
}
#: Who is acting is not a field of the form: a command may need a particular role.
CONTEXT = {"--actor"}
FAMILY = json.dumps(
    {
        "family_name": "Գասպարյան",
        "community": "Հրազդան",
        "members": [
            {"role": "mother", "full_name": "Անի Գասպարյան", "date_of_birth": "1990-01-01"}
        ],
    }
)
#: (command, minimal arguments); {name} is an id from the seeded database.
EXAMPLES = [
    ("assign", ["{enrolled}", "--social-worker", pf.SOCIAL_WORKER]),
    ("reassign", ["--from", pf.SOCIAL_WORKER, "--to", "sw-karen"]),
    ("case open", ["--workflow", "family_case"], 2),  # refused: the family is registered
    ("case advance", ["{referred}", "close", "--closure-reason", "moved_away"]),
    ("case advance", ["{closed}", "reopen", "--reason", "back in Hrazdan"]),
    ("workflow diagram", ["family_case"]),
    # Refused: there is no incident 999 (tests/unit/test_delivery.py skips a real one).
    ("incidents skip", ["999", "--reason", "sent by hand"], 2),
    ("access list", []),
    ("retention run", ["--dry-run"]),
    ("approval list", ["--mine", "--actor", pf.MANAGER]),
    ("approval approve", ["{approval_1}", "--actor", pf.MANAGER]),
    ("approval reject", ["{approval_2}", "--reason", "the family stays", "--actor", pf.MANAGER]),
    ("approval cancel", ["{approval_3}", "--actor", pf.SOCIAL_WORKER]),
    ("family register", ["--data", FAMILY]),
    ("family search", ["Սարգսյան"]),
    ("family update", ["{referred}", "--data", '{"phone": "+374 91 000009"}']),
    (
        "family add-member",
        ["{referred}", "--role", "child", "--name", "Նոր Երեխա"] + ["--born", "2020-05-01"],
    ),
    ("family add-member", ["{referred}", "--role", "father", "--name", "Արամ Ա"]),
    (
        "family correct-member",
        ["{referred}", "{member}", "--name", "Անի Ավագյան"],
    ),
    ("family remove-member", ["{referred}", "{member}", "--reason", "Տեղափոխվել է"]),
    (
        "assessment record",
        ["{referred}", "--assessor", pf.SOCIAL_WORKER, "--date", "{today}", "--risk"]
        + ["--risk-description", "Մայրը մտածում է երեխային հանձնել"],
    ),
    (
        "assessment record",
        ["{referred}", "--assessor", pf.SOCIAL_WORKER, "--date", "{today}"] + ["--no-risk"],
    ),
    (
        "consent record",
        ["{referred}", "--purpose", "referral", "--date", "{today}"]
        + ["--given-by-name", "Սոնա Ա"],
    ),
    ("consent withdraw", ["{enrolled}", "--date", "{today}"]),
    ("income record", ["{services}", "--kind", "employment", "--started", "{today}"]),
    (
        "plan add-service",
        ["{enrolled}", "--service", "clubs", "--target-date", "{today}"]
        + ["--provider-staff", pf.SOCIAL_WORKER],
    ),
    ("plan deliver", ["{clubs}", "--date", "{today}"]),
    ("plan cancel", ["{clubs}", "--reason", "no place"]),
    (
        "counselling record",
        ["--kind", "individual", "--case", "{enrolled}", "--psychologist", pf.PSYCHOLOGIST]
        + ["--date", "{today}"],
    ),
    ("staff add", ["new.worker", "--name", "Նոր Աշխատող", "--role", "social_worker"]),
    ("staff communities", [pf.SOCIAL_WORKER, "hrazdan", "abovyan"]),
    ("staff communities", [pf.SOCIAL_WORKER, "--clear"]),
    ("staff contact", [pf.SOCIAL_WORKER, "--phone", "+374 93 111111"]),
    ("staff contact", [pf.SOCIAL_WORKER, "--email", "anahit@hogatar.example"]),
    ("community add", ["--code", "lchashen", "--name-hy", "Լճաշեն", "--name-en", "Lchashen"]),
    ("community rename", ["garni", "--name-hy", "Գառնի", "--name-en", "Garni village"]),
    ("partner edit", ["kotayk_rights", "--email", "rights@example.org"]),
    ("admin history", []),
    ("export cases", ["{tmp}/cases.csv"]),
    (
        "partner add",
        ["new_partner", "--type", "ngo", "--name-hy", "Նոր", "--name-en", "New"]
        + ["--email", "partner@example.org"],
    ),
    (
        "note add",
        ["--case", "{referred}", "--kind", "phone_call", "--date", "{today}"]
        + ["--text", "Մայրը զանգահարեց"],
    ),
    ("note list", ["--case", "{referred}"]),
    (
        "visit record",
        ["--case", "{referred}", "--date", "{today}", "--staff", pf.SOCIAL_WORKER]
        + ["--observations", "Տունը տաք է", "--others", "Տատիկը"],
    ),
    ("visit list", ["--case", "{referred}"]),
    ("plan goal add", ["--case", "{referred}", "--what", "Աշխատանք", "--by", "{today}"]),
    ("plan goal update", ["--goal", "{goal}", "--status", "achieved"]),
    ("plan review", ["--case", "{services}", "--date", "{today}", "--staff", pf.SOCIAL_WORKER]),
    ("note correct", ["--note", "{note}", "--text", "Մայրը զանգահարեց դպրոցից"]),
    ("note search", ["զանգահարեց"]),
    ("document add", ["--case", "{referred}", "--kind", "consent_form", "--file", "{scan}"]),
    ("document list", ["--case", "{referred}"]),
    ("document get", ["{document}", "--out", "{tmp}/back.pdf"]),
    ("referral create", ["{enrolled}", "--partner", "kotayk_rights", "--purpose", "Խորհուրդ"]),
    ("referral respond", ["{referral}", "declined", "--reason", "no place"]),
    ("referral respond", ["{accepted}", "completed", "--feedback", "went well"]),
    ("referral list", []),
    ("reminder list", []),
    ("procurement request", ["{medicines}"]),
    ("procurement approve", ["{request}", "--actor", "officer"]),
    ("procurement deliver", ["{ordered}"]),
    ("procurement cancel", ["{request}", "--reason", "no longer needed"]),
    ("procurement list", []),
    ("workflow migrate", ["family_case", "--to", "1"]),
    ("foster inquire", ["--family-name", "Ղազարյան", "--community", "hrazdan", "--adults", "2"]),
    ("foster apply", ["{foster_inquiry}", "--date", "{today}"]),
    (
        "foster home-assessment",
        ["{foster_home}", "--assessor", pf.SOCIAL_WORKER, "--date", "{today}"]
        + ["--outcome", "recommended", "--recommendation", "Տունը հարմար է"],
    ),
    (
        "foster training",
        ["{foster_training}", "--date", "{today}", "--modules", "child_development"]
        + ["--trainer", "Լիլիթ Գրիգորյան"],
    ),
    ("foster decision", ["{foster_approval}", "--approved", "--number", "14", "--date", "{today}"]),
    (
        "foster match",
        ["{foster_matching}", "--child-reference", "KOT-1", "--initials", "Ա.Հ."]
        + ["--age", "6", "--date", "{today}"],
    ),
    ("foster place", ["{foster_placement}", "--date", "{today}"]),
    (
        "foster visit",
        ["{foster_monitoring}", "--visitor", pf.SOCIAL_WORKER, "--date", "{today}"]
        + ["--observations", "Երեխան հարմարվել է"],
    ),
]


def fill(part: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        part = part.replace("{" + key + "}", value)
    return part


def commands() -> dict[str, object]:
    found: dict[str, object] = {}

    def walk(command: object, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = command

    walk(typer.main.get_command(cli.app), [])
    return found


def options_of(command: object) -> dict[str, object]:
    return {
        opt: param
        for param in command.params  # type: ignore[attr-defined]
        if param.param_type_name == "option"
        for opt in param.opts
    }


def has_options(command: object) -> bool:
    return any(
        not p.is_flag or p.required
        for p in options_of(command).values()
        if set(p.opts).isdisjoint({"--actor", "--expected-version"})  # type: ignore[attr-defined]
    )


def work_off(rt: Runtime, publisher: RecordingPublisher) -> None:
    while publisher.sent:
        message = publisher.sent.pop(0)
        deliver_effect(rt, outbox_id=message.outbox_id, task_id=message.task_id)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One database with a case in each situation the examples need."""
    directory = tmp_path_factory.mktemp("seeded")
    publisher = RecordingPublisher()
    rt = bootstrap(
        Settings(database_url=f"sqlite:///{directory / 'db.sqlite3'}", var_dir=directory / "v"),
        clock=FixedClock(),
        publisher=publisher,
        mailer=MemoryMailer(),
    )
    upgrade(rt.engine)
    pf.ensure_staff(rt)
    for username, role in (("officer", "procurement_officer"), ("sw-karen", "social_worker")):
        handle(rt, AddStaff(username=username, full_name="Աշխատող", role=role, actor="t"))
    ids = {"today": pf.today(rt).isoformat()}
    ids["referred"] = str(pf.register(rt, family_name="Ա", phone="+374 91 000001"))
    ids["member"] = str(pf.first_member(rt, int(ids["referred"])))
    # A note by whoever runs the examples (cli:<login>), which they may still correct.
    day = ["--date", ids["today"], "--text", "Առաջին"]
    assert run_in(rt, ["note", "add", "--case", ids["referred"], "--kind", "other", *day])[0] == 0
    ids["note"] = "1"
    # A goal of the plan, to update.
    goal = ["plan", "goal", "add", "--case", ids["referred"], "--what", "Դպրոց"]
    assert run_in(rt, [*goal, "--by", ids["today"]])[0] == 0
    ids["goal"] = "1"
    # A scanned consent to attach, and one attached (its file in the seeded var dir).
    scan = directory / "consent.pdf"
    scan.write_bytes(tiny_pdf())
    ids["scan"] = str(scan)
    attach = ["document", "add", "--case", ids["referred"], "--kind", "other"]
    assert run_in(rt, [*attach, "--file", ids["scan"]])[0] == 0
    ids["document"] = "1"
    ids["closed"] = str(pf.case_in(rt, "closed", family_name="Բ", phone="+374 91 000002"))
    ids["enrolled"] = str(pf.case_in(rt, "enrolled", family_name="Գ", phone="+374 91 000003"))
    work_off(rt, publisher)
    [referral] = referrals.list_referrals(rt, case_id=int(ids["enrolled"]))
    ids["referral"] = str(referral["id"])
    answered = pf.case_in(rt, "enrolled", family_name="Զ", phone="+374 91 000006")
    work_off(rt, publisher)
    [accepted] = referrals.list_referrals(rt, case_id=answered)
    run_in(rt, ["referral", "respond", str(accepted["id"]), "accepted"])
    ids["accepted"] = str(accepted["id"])
    services = pf.case_in(rt, "receiving_services", family_name="Դ", phone="+374 91 000004")
    work_off(rt, publisher)
    ids["services"] = str(services)
    [request] = programme_procurement.list_procurement(rt, case_id=services)
    ids["request"] = str(request["id"])

    def plan(case_id: str, service: str) -> str:
        planned = handle(
            rt,
            PlanService(
                case_id=int(case_id),
                actor="t",
                service=service,
                target_date=pf.today(rt) + timedelta(days=10),
                provider_staff=pf.SOCIAL_WORKER,
            ),
        )
        return str(planned.record_id)

    ids["clubs"] = plan(ids["services"], "clubs")
    ids["medicines"] = plan(ids["enrolled"], "medicines")
    ordered = pf.case_in(rt, "receiving_services", family_name="Ե", phone="+374 91 000005")
    work_off(rt, publisher)
    [goods] = programme_procurement.list_procurement(rt, case_id=ordered)
    for step in (["approve", "--actor", "officer"], ["order", "--actor", "officer"]):
        run_in(rt, ["procurement", step[0], str(goods["id"]), *step[1:]])
    ids["ordered"] = str(goods["id"])
    for state in ("inquiry", "home_assessment", "training", "approval", "matching"):
        ids[f"foster_{state.split('_')[0]}"] = str(foster_case_in(rt, state))
    for state in ("placement", "monitoring"):
        ids[f"foster_{state}"] = str(foster_case_in(rt, state))
    pf.ensure_manager(rt)
    for number in (1, 2, 3):  # closing requests to approve, reject and withdraw
        case_id = pf.register(
            rt, family_name=f"Հ{number}", phone=f"+374 91 00010{number}", actor=pf.SOCIAL_WORKER
        )
        requested = handle(
            rt,
            AdvanceCase(case_id=case_id, trigger="close", actor=pf.SOCIAL_WORKER, data=pf.CLOSE),
        )
        ids[f"approval_{number}"] = str(requested.approval_id)
    work_off(rt, publisher)
    rt.engine.dispose()
    return directory / "db.sqlite3", ids


def run_in(rt: Runtime, args: list[str]) -> tuple[int, str]:
    saved = cli_context._runtime
    cli_context._runtime = rt
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main(args)
    finally:
        cli_context._runtime = saved
    return int(exited.value.code or 0), ""


def run_fresh(seeded, tmp_path: Path, args: list[str], capsys) -> tuple[int, str]:
    """`hogatar ARGS` on a fresh copy of the seeded database."""
    source, _ = seeded
    copy = tmp_path / f"run-{len(list(tmp_path.iterdir()))}.sqlite3"
    shutil.copy(source, copy)
    # The seeded database's files outside it (documents' contents) come along.
    if not (tmp_path / "var").exists():
        shutil.copytree(source.parent / "v", tmp_path / "var")
    rt = bootstrap(
        Settings(database_url=f"sqlite:///{copy}", var_dir=tmp_path / "var"),
        clock=FixedClock(),
        publisher=RecordingPublisher(),
        mailer=MemoryMailer(),
    )
    capsys.readouterr()
    try:
        code, _ = run_in(rt, args)
    finally:
        rt.engine.dispose()
    return code, capsys.readouterr().err


def test_every_command_with_options_has_an_example():
    found = commands()
    covered = {example[0] for example in EXAMPLES} | set(NOT_RUN)
    missing = sorted(name for name, c in found.items() if has_options(c) and name not in covered)
    assert missing == [], f"add a minimal invocation of {missing} to EXAMPLES"
    assert covered <= set(found), sorted(covered - set(found))


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{e[0]} {' '.join(e[1][1:3])}" for e in EXAMPLES]
)
def test_what_help_marks_required_is_what_the_command_needs(example, seeded, tmp_path, capsys):
    name, template, *expected = example
    _, ids = seeded
    args = [fill(part, {**ids, "tmp": str(tmp_path)}) for part in template]
    command = commands()[name]
    options = options_of(command)
    code, err = run_fresh(seeded, tmp_path, [*name.split(), *args], capsys)
    assert code == (expected[0] if expected else 0), err
    if expected:  # refused as it should be: nothing to leave out
        return
    for n, part in enumerate(args):
        param = options.get(part)
        if param is None or part in CONTEXT or param.required:  # type: ignore[attr-defined]
            continue
        if param.is_flag:  # type: ignore[attr-defined]
            continue
        help_text = (param.help or "").lower()  # type: ignore[attr-defined]
        assert "required" in help_text, f"{name}: {part} is needed here; its help must say when"
        without = args[:n] + args[n + 2 :]
        code, err = run_fresh(seeded, tmp_path, [*name.split(), *without], capsys)
        assert code == 2, f"{name}: {part} is not needed here, so it is not required"
        assert err.startswith("hogatar: ") and "Traceback" not in err, err
