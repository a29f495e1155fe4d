"""Bad input at the command line is one line and exit 2, everywhere: an option with a
fixed set of values refuses any other, naming what it takes (``referral list --status
nosuch`` listed nothing with exit 0; ``worker --queues nosuch`` started Celery, which
died with a traceback); JSON that is not a form (binary, nested without end, NaN), a
value longer than any field, and an empty workflows folder are bad input too, not an
"unexpected error" (exit 1)."""

from __future__ import annotations

import json

import pytest

from tests.unit.test_cli import hogatar, make_env, register


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-choices")
    env = make_env(folder)
    env["HOGATAR_TEST_FOLDER"] = str(folder)
    assert hogatar(env, "db", "upgrade").returncode == 0
    assert hogatar(env, "demo", "seed", "--families", "2").returncode == 0
    assert register(env).returncode == 0
    return env


def assert_bad_input(done, *named: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr holding every one of ``named``."""
    assert (done.returncode, done.stdout) == (2, ""), (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hogatar: "), done.stderr
    for word in named:
        assert word in lines[0], done.stderr


#: (command line, what the one line must name): the option and the values it takes.
UNKNOWN_VALUES = [
    (("worker", "--queues", "nosuch"), ("--queues", "relay, referrals, reminders, procurement")),
    (("worker", "--queues", "referrals,nosuch"), ("'nosuch'", "relay")),
    (("worker", "--queues", ","), ("--queues", "relay")),
    (("workflow", "diagram", "--highlight", "nosuch"), ("--highlight", "referred, assessed")),
    (("workflow", "diagram", "foster_care", "--highlight", "enrolled"), ("inquiry",)),
    (("workflow", "diagram", "--language", "xx"), ("--language", "hy, en")),
    (("workflow", "diagram", "nosuch"), ("family_case, foster_care",)),
    (("referral", "list", "--status", "nosuch"), ("--status", "queued, sent", "withheld")),
    (("reminder", "list", "--status", "nosuch"), ("--status", "scheduled", "escalated")),
    (("procurement", "list", "--status", "nosuch"), ("--status", "requested, approved")),
    (("export", "cases", "/dev/null", "--state", "nosuch"), ("'nosuch'", "referred, assessed")),
    (("case", "open", "--workflow", "nosuch"), ("'nosuch'", "family_case")),
    (
        ("income", "record", "3", "--kind", "nosuch", "--started", "2026-11-01"),
        ("'nosuch'", "employment, self_employment"),
    ),
    (
        ("family", "add-member", "3", "--role", "nosuch", "--name", "Աննա Բաղդասարյան"),
        ("'nosuch'", "mother, father, guardian, child, other"),
    ),
    (
        ("staff", "add", "new.person", "--name", "Նոր Անձ", "--role", "nosuch"),
        ("'nosuch'", "social_worker, psychologist"),
    ),
    (
        (
            "staff",
            "add",
            "new.person",
            "--name",
            "Նոր Անձ",
            "--role",
            "manager",
            "--language",
            "xx",
        ),
        ("language", "hy, en"),
    ),
    (
        (
            "partner",
            "add",
            "p1",
            "--type",
            "nosuch",
            "--name-hy",
            "Ա",
            "--name-en",
            "A",
            "--email",
            "p1@example.org",
        ),
        ("type", "ngo"),
    ),
    (
        (
            "partner",
            "add",
            "p2",
            "--type",
            "ngo",
            "--name-hy",
            "Ա",
            "--name-en",
            "A",
            "--email",
            "p2@example.org",
            "--language",
            "xx",
        ),
        ("language", "hy or en"),
    ),
    (
        ("consent", "withdraw", "3", "--purpose", "nosuch", "--date", "2026-11-01"),
        ("'nosuch'", "participation, referral"),
    ),
    (
        ("note", "add", "--case", "3", "--kind", "nosuch", "--text", "x", "--date", "2026-11-01"),
        ("'nosuch'", "phone_call"),
    ),
    (
        ("plan", "add-service", "3", "--service", "nosuch", "--target-date", "2026-12-01"),
        ("'nosuch'", "clubs"),
    ),
    (("mail", "test", "--to", "a@example.org", "--language", "xx"), ("--language", "hy, en")),
    (("inbox", "nosuch"), ("no staff member with the username 'nosuch'",)),
    (("reminder", "list", "--to", "nosuch"), ("no staff member with the username 'nosuch'",)),
    (("access", "list", "--staff", "nosuch"), ("no staff member with the username 'nosuch'",)),
]


@pytest.mark.parametrize(
    ("args", "named"), UNKNOWN_VALUES, ids=[" ".join(a)[:60] for a, _ in UNKNOWN_VALUES]
)
def test_an_unknown_value_is_refused_naming_the_values_it_takes(env, args, named):
    assert_bad_input(hogatar(env, *args), *named)


@pytest.mark.parametrize(
    "args",
    [
        ("referral", "list", "--status", "sent"),
        ("reminder", "list", "--status", "escalated"),
        ("procurement", "list", "--status", "requested"),
        ("workflow", "diagram", "--highlight", "enrolled", "--language", "hy"),
        ("inbox", "Lusine.H"),
        ("reminder", "list", "--to", "lusine.h"),
        ("access", "list", "--staff", "cli:someone"),
    ],
)
def test_a_known_value_is_taken(env, args):
    done = hogatar(env, *args)
    assert done.returncode == 0, done.stderr


def test_an_unknown_queue_never_starts_a_worker(env):
    done = hogatar(env, "worker", "--queues", "nosuch", "--concurrency", "1")
    assert_bad_input(done, "--queues")
    assert "celery" not in done.stderr.lower()


def json_file(env, name: str, content: bytes) -> str:
    path = f"{env['HOGATAR_TEST_FOLDER']}/{name}"
    with open(path, "wb") as file:
        file.write(content)
    return path


def test_a_binary_json_file_is_refused(env):
    path = json_file(env, "photo.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert_bad_input(hogatar(env, "family", "register", "--json-file", path), "not UTF-8 text")


def test_a_json_file_with_nul_characters_is_refused(env):
    path = json_file(env, "nul.json", b'{"family_name": "a\x00b"}')
    assert_bad_input(hogatar(env, "family", "register", "--json-file", path), "not UTF-8 text")


def test_a_json_file_larger_than_any_form_is_refused(env):
    path = json_file(env, "large.json", b'{"family_name": "' + b"a" * 1_100_000 + b'"}')
    assert_bad_input(hogatar(env, "family", "register", "--json-file", path), "larger than")


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_deeply_nested_json_is_refused(env, depth):
    deep = ("[" * depth + "]" * depth).encode()
    path = json_file(env, f"deep-{depth}.json", deep)
    done = hogatar(env, "family", "register", "--json-file", path)
    assert_bad_input(done, "nests deeper than 32 levels")
    nested = '{"a":' * min(depth, 5_000) + "1" + "}" * min(depth, 5_000)
    assert_bad_input(
        hogatar(env, "case", "advance", "3", "assess", "--data", nested), "--data nests deeper"
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(env, constant):
    member = '{"role": "mother", "disability": ' + constant + "}"
    form = '{"family_name": "Ա", "members": [' + member + "]}"
    assert_bad_input(hogatar(env, "family", "register", "--data", form), f"holds {constant}")
    data = '{"amount": ' + constant + "}"
    assert_bad_input(hogatar(env, "case", "advance", "3", "assess", "--data", data), constant)


def test_a_value_longer_than_any_field_is_refused(env):
    name = "Ա" * 30_000
    assert_bad_input(hogatar(env, "family", "search", name), "30000 characters", "at most 20000")
    assert_bad_input(
        hogatar(env, "family", "add-member", "3", "--role", "child", "--name", name),
        "30000 characters",
    )


def test_a_long_name_inside_a_form_is_refused_by_its_field(env):
    form = {"family_name": "Ա" * 30_000, "community": "Աբովյան", "members": []}
    done = hogatar(env, "family", "register", "--data", json.dumps(form, ensure_ascii=False))
    assert_bad_input(done, "family_name: is too long (30000 characters, at most 200)")


def test_an_empty_workflows_folder_is_bad_input(env, tmp_path):
    empty = env | {"HOGATAR_WORKFLOWS_DIR": str(tmp_path)}
    assert_bad_input(hogatar(empty, "case", "show", "1"), "no workflow definitions", str(tmp_path))
    assert_bad_input(hogatar(empty, "workflow", "check"), "no workflow definitions")
