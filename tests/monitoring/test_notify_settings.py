"""Notification and schedule settings: read from the environment, every bad value a ConfigError naming
the variable (never a silently unnotified monitoring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.errors import ConfigError
from aktsam.settings import Settings

SECRET = "s3cret-s3cret-s3cret"


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"AKTSAM_HOME": str(tmp_path / "home"), **values}


SMTP = {
    "AKTSAM_SMTP_HOST": "mail.example.org",
    "AKTSAM_SMTP_SENDER": "aktsam <aktsam@example.org>",
    "AKTSAM_NOTIFY_EMAIL_TO": "compliance@example.org, Kari Nordmann <kari@example.org>",
}


def test_nothing_configured_means_no_channels_and_no_schedule(tmp_path: Path) -> None:
    settings = Settings.from_env(env(tmp_path))
    assert settings.smtp_host is None and settings.webhooks == ()
    assert settings.monitor_schedule is None and settings.base_url is None
    assert Settings.from_env(env(tmp_path, AKTSAM_MONITOR_SCHEDULE="off")).monitor_schedule is None


def test_smtp_settings_are_read_with_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env(
            tmp_path,
            **SMTP,
            AKTSAM_SMTP_USERNAME="aktsam",
            AKTSAM_SMTP_PASSWORD="pw",
            AKTSAM_BASE_URL="https://aktsam.example.org/",
        )
    )
    assert settings.smtp_tls == "starttls" and settings.smtp_port is None
    assert settings.notify_email_to == ("compliance@example.org", "kari@example.org")
    assert settings.smtp_username == "aktsam" and settings.smtp_password == "pw"
    assert "pw" not in repr(settings)  # the password never lands in a log line
    assert settings.base_url == "https://aktsam.example.org"


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"AKTSAM_SMTP_TLS": "ssl"}, "AKTSAM_SMTP_TLS"),
        ({"AKTSAM_SMTP_PORT": "smtp"}, "AKTSAM_SMTP_PORT"),
        ({"AKTSAM_SMTP_PORT": "70000"}, "AKTSAM_SMTP_PORT"),
        ({"AKTSAM_SMTP_SENDER": ""}, "AKTSAM_SMTP_SENDER"),
        ({"AKTSAM_SMTP_SENDER": "nobody"}, "AKTSAM_SMTP_SENDER"),
        ({"AKTSAM_NOTIFY_EMAIL_TO": ""}, "AKTSAM_NOTIFY_EMAIL_TO"),
        ({"AKTSAM_NOTIFY_EMAIL_TO": "a@example.org, not-an-address"}, "AKTSAM_NOTIFY_EMAIL_TO"),
        ({"AKTSAM_SMTP_USERNAME": "aktsam"}, "AKTSAM_SMTP_PASSWORD"),
        ({"AKTSAM_SMTP_TLS": "none", "AKTSAM_SMTP_USERNAME": "u", "AKTSAM_SMTP_PASSWORD": "p"},
         "AKTSAM_SMTP_TLS"),
        ({"AKTSAM_SMTP_CA_FILE": "/nonexistent/ca.pem"}, "AKTSAM_SMTP_CA_FILE"),
        ({"AKTSAM_BASE_URL": "aktsam.example.org"}, "AKTSAM_BASE_URL"),
    ],
)  # fmt: skip
def test_bad_smtp_settings_name_the_variable(
    tmp_path: Path, values: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env(tmp_path, **{**SMTP, **values}))


def test_recipients_without_a_mail_server_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AKTSAM_NOTIFY_EMAIL_TO is set but AKTSAM_SMTP_HOST"):
        Settings.from_env(env(tmp_path, AKTSAM_NOTIFY_EMAIL_TO="a@example.org"))


def test_a_password_in_clear_text_is_allowed_only_to_loopback(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env(
            tmp_path,
            **{**SMTP, "AKTSAM_SMTP_HOST": "127.0.0.1"},
            AKTSAM_SMTP_TLS="none",
            AKTSAM_SMTP_USERNAME="u",
            AKTSAM_SMTP_PASSWORD="p",
        )
    )
    assert settings.smtp_tls == "none" and settings.smtp_host == "127.0.0.1"


def hooks_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "webhooks.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_webhooks_come_from_a_file_with_secrets_from_the_environment(tmp_path: Path) -> None:
    path = hooks_file(
        tmp_path,
        "- {name: soc, url: 'https://hooks.example.org/aktsam', secret_env: HOOK_SECRET}\n"
        "- {url: 'http://127.0.0.1:9000/x', secret_env: HOOK_SECRET}\n"
        "- {url: 'http://localhost:9000/x', secret_env: HOOK_SECRET}\n"
        "- {url: 'http://[::1]:9000/x', secret_env: HOOK_SECRET}\n",
    )
    settings = Settings.from_env(env(tmp_path, AKTSAM_WEBHOOKS_FILE=path, HOOK_SECRET=SECRET))
    assert [w.url for w in settings.webhooks] == [
        "https://hooks.example.org/aktsam", "http://127.0.0.1:9000/x", "http://localhost:9000/x",
        "http://[::1]:9000/x",
    ]  # fmt: skip
    assert settings.webhooks[0].label == "soc" and settings.webhooks[0].secret == SECRET
    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- {url: 'http://hooks.example.org/x', secret_env: HOOK_SECRET}\n", "plain http://"),
        ("- {url: 'http://10.0.0.5/x', secret_env: HOOK_SECRET}\n", "plain http://"),
        ("- {url: 'ftp://hooks.example.org/x', secret_env: HOOK_SECRET}\n", "not an https"),
        ("- {url: 'https://u:p@hooks.example.org/x', secret_env: HOOK_SECRET}\n", "login in the URL"),
        ("- {url: 'https://hooks.example.org/x'}\n", "secret_env"),
        ("- {url: 'https://hooks.example.org/x', secret_env: MISSING}\n", "MISSING"),
        ("- {url: 'https://hooks.example.org/x', secret_env: SHORT}\n", "shorter than 16"),
        ("- {url: 'https://hooks.example.org/x', secret_env: HOOK_SECRET, colour: red}\n",
         "unknown field 'colour'"),
        ("url: https://hooks.example.org/x\n", "must hold a list"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_bad_webhook_entries_name_the_file_and_entry(
    tmp_path: Path, content: str, message: str
) -> None:
    path = hooks_file(tmp_path, content)
    with pytest.raises(ConfigError, match="AKTSAM_WEBHOOKS_FILE") as caught:
        Settings.from_env(
            env(tmp_path, AKTSAM_WEBHOOKS_FILE=path, HOOK_SECRET=SECRET, SHORT="short")
        )
    assert message in str(caught.value)


def test_a_missing_webhooks_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"AKTSAM_WEBHOOKS_FILE .* cannot be read"):
        Settings.from_env(env(tmp_path, AKTSAM_WEBHOOKS_FILE=str(tmp_path / "nope.yml")))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("every:6h", "every:6h"), ("EVERY:30m", "every:30m"), ("every:1d", "every:1d"),
     ("daily@02:30", "daily@02:30"), (" daily@23:59 ", "daily@23:59")],
)  # fmt: skip
def test_schedule_setting(tmp_path: Path, text: str, canonical: str) -> None:
    settings = Settings.from_env(env(tmp_path, AKTSAM_MONITOR_SCHEDULE=text))
    assert settings.monitor_schedule == canonical


@pytest.mark.parametrize(
    "text", ["hourly", "every:5m", "every:8d", "every:6", "every:h", "daily@24:00", "daily@2:30",
             "daily@02:60", "cron:0 2 * * *"],
)  # fmt: skip
def test_bad_schedules_name_the_variable(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="AKTSAM_MONITOR_SCHEDULE"):
        Settings.from_env(env(tmp_path, AKTSAM_MONITOR_SCHEDULE=text))
