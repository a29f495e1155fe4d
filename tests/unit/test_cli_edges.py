"""Out-of-range input at the command line, as an attacker found it: ids above 2**63 and
NUL characters were a "database error" (exit 1); they are bad input, said in one line
with exit 2, before anything is written."""

from __future__ import annotations

import pytest

from tests.unit.test_cli import hogatar, make_env, register


@pytest.fixture(scope="module")
def one_case(tmp_path_factory):
    env = make_env(tmp_path_factory.mktemp("cli-edges"))
    assert hogatar(env, "db", "upgrade").returncode == 0
    assert register(env).returncode == 0
    return env


@pytest.mark.parametrize(
    "args",
    [
        ("case", "show", "99999999999999999999999"),
        ("case", "advance", "99999999999999999999999", "assess"),
        ("case", "advance", "1", "assess", "--expected-version=99999999999999999999999"),
        ("incidents", "retry", "-99999999999999999999999"),
    ],
)
def test_an_impossible_number_is_bad_input_in_one_line(one_case, args):
    done = hogatar(one_case, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("hogatar: ") and done.stderr.count("\n") == 1
    assert "larger than any id or count can be (at most 9223372036854775807)" in done.stderr


def test_the_largest_id_is_simply_not_found(one_case):
    done = hogatar(one_case, "case", "show", "9223372036854775807")
    assert (done.returncode, done.stderr) == (
        2,
        "hogatar: case 9223372036854775807 does not exist\n",
    )


def test_a_nul_character_in_data_is_refused_and_nothing_changes(one_case):
    before = hogatar(one_case, "case", "show", "1", "--json").stdout
    done = hogatar(
        one_case,
        "case",
        "advance",
        "1",
        "close",
        "--closure-reason",
        "other",
        "--reason",
        "x",
        "--data",
        '{"note": ["a\\u0000b"]}',
    )
    assert (done.returncode, done.stderr) == (
        2,
        "hogatar: --data holds a NUL character (\\u0000): remove it\n",
    )
    assert hogatar(one_case, "case", "show", "1", "--json").stdout == before
