"""Mail settings: defaults that reach the local sink, and errors that name the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, load_settings


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean HOGATAR_ environment; returns a setter."""
    for name in list(os.environ):
        if name.startswith("HOGATAR_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOGATAR_VAR_DIR", str(tmp_path / "var"))

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"HOGATAR_{name.upper()}", value)

    return set_env


def error_of() -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


def test_defaults_point_at_the_local_sink(env, tmp_path):
    settings = load_settings()
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_tls) == (
        "127.0.0.1",
        8025,
        "none",
    )
    assert settings.smtp_user is None and settings.smtp_password is None
    assert settings.mail_sender == "Hogatar <hogatar@localhost>"
    assert settings.resolved_mail_dir == tmp_path / "var" / "mail"
    assert settings.web_base_url == "http://127.0.0.1:8000"
    assert settings.smtp_timeout_seconds > 0


def test_mail_dir_may_be_absolute(env, tmp_path):
    env(mail_dir=str(tmp_path / "elsewhere"))
    assert load_settings().resolved_mail_dir == tmp_path / "elsewhere"


def test_a_user_without_a_password_names_the_password_variable(env):
    env(smtp_user="hogatar")
    message = error_of()
    assert message.startswith("HOGATAR_SMTP_PASSWORD:") and "HOGATAR_SMTP_USER" in message


def test_an_empty_user_means_no_login(env):
    env(smtp_user="  ", smtp_password="")
    settings = load_settings()
    assert settings.smtp_user is None and settings.smtp_password is None


def test_the_password_is_kept_out_of_reprs(env):
    env(smtp_user="hogatar", smtp_password="s3cret!")
    settings = load_settings()
    assert "s3cret" not in repr(settings)
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "s3cret!"


def test_the_login_must_be_ascii_because_the_smtp_client_sends_it_so(env):
    env(smtp_user="hogatar", smtp_password="գաղտնի")
    assert error_of().startswith("HOGATAR_SMTP_PASSWORD: must be printable ASCII")
    env(smtp_user="հոգատար", smtp_password="secret")
    assert error_of().startswith("HOGATAR_SMTP_USER: must be printable ASCII")


def test_a_login_to_another_machine_needs_tls(env):
    env(smtp_user="u", smtp_password="p", smtp_host="mail.example.am")
    message = error_of()
    assert message.startswith("HOGATAR_SMTP_TLS:") and "in clear" in message
    env(smtp_tls="STARTTLS")
    assert load_settings().smtp_tls == "starttls"


def test_a_login_to_a_relay_on_this_machine_may_go_without_tls(env):
    env(smtp_user="u", smtp_password="p", smtp_host="localhost", smtp_port="25")
    assert load_settings().smtp_user == "u"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("smtp_tls", "tls", "HOGATAR_SMTP_TLS: Input should be 'none', 'starttls' or 'ssl'"),
        ("smtp_port", "0", "HOGATAR_SMTP_PORT:"),
        ("smtp_port", "smtp", "HOGATAR_SMTP_PORT:"),
        ("smtp_host", "smtp://mail.example.am", "HOGATAR_SMTP_HOST: must be a host name"),
        ("smtp_host", "mail.example.am:587", "HOGATAR_SMTP_HOST: must be a host name"),
        ("smtp_host", "", "HOGATAR_SMTP_HOST:"),
        ("smtp_timeout_seconds", "0", "HOGATAR_SMTP_TIMEOUT_SECONDS:"),
        ("mail_sender", "hogatar", "HOGATAR_MAIL_SENDER: is not an e-mail address"),
        ("mail_sender", "a@example.am, b@example.am", "HOGATAR_MAIL_SENDER: must be exactly one"),
        ("mail_sender", "Հոգատար <հոգատար@example.am>", "HOGATAR_MAIL_SENDER: must be an ASCII"),
        ("web_base_url", "127.0.0.1:8000", "HOGATAR_WEB_BASE_URL: must be an http"),
        ("web_base_url", "ftp://example.am", "HOGATAR_WEB_BASE_URL: must be an http"),
    ],
)
def test_malformed_values_name_their_variable(env, name, value, expected):
    env(**{name: value})
    assert error_of().startswith(expected)


def test_accepted_forms(env):
    env(
        smtp_host="::1",
        smtp_tls=" SSL ",
        mail_sender="Հոգատար ծրագիր <hogatar@example.am>",
        web_base_url="https://hogatar.example.am/app/",
    )
    settings = load_settings()
    assert settings.smtp_host == "::1" and settings.smtp_tls == "ssl"
    assert settings.mail_sender == "Հոգատար ծրագիր <hogatar@example.am>"
    assert settings.web_base_url == "https://hogatar.example.am/app"


def test_settings_built_in_code_are_checked_too(tmp_path):
    with pytest.raises(ValueError, match="required when HOGATAR_SMTP_USER"):
        Settings(var_dir=tmp_path, smtp_user="u")
    assert Settings(var_dir=Path("/srv/hogatar")).resolved_mail_dir == Path("/srv/hogatar/mail")
