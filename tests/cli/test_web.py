"""``aktsam users …`` and ``aktsam serve`` (its first-run preparation; the server itself is not
started)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from aktsam import accounts
from aktsam.cli import app, context
from aktsam.cli import web as web_cli
from aktsam.settings import Settings
from aktsam.store import open_store, trail
from aktsam.web import firstrun
from tests.cli.conftest import Invoke


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _with_input(text: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=text, catch_exceptions=False)
    return result.exit_code, result.output


def test_users_commands(fresh_cli: Invoke) -> None:
    added = fresh_cli("users", "add", "ana", "--role", "analyst", "--name", "Ana", "--generate",
                      "--by", "root")  # fmt: skip
    assert added.exit_code == 0, added.output
    password = re.search(r"password: (\S+)", added.output)
    assert password is not None
    assert accounts.authenticate(context.store(), "ana", password.group(1)) is not None

    code, output = _with_input("a secret passphrase\na secret passphrase\n",
                               "users", "add", "boss", "--role", "admin")  # fmt: skip
    assert code == 0, output
    assert "a secret passphrase" not in output.split("Password")[-1].split("\n", 2)[-1]
    code, output = _with_input("short\n", "users", "add", "x", "--password-stdin")
    assert code == 2
    assert "field 'password'" in output

    listed = fresh_cli("users", "list", "--json")
    assert [(u["username"], u["role"]) for u in json.loads(listed.output)] == [
        ("ana", "analyst"),
        ("boss", "admin"),
    ]
    assert "never" in fresh_cli("users", "list").output

    assert fresh_cli("users", "role", "ana", "approver").exit_code == 0
    assert accounts.get_user(context.store(), "ana").role == "approver"
    bad_role = fresh_cli("users", "role", "ana", "emperor")
    assert bad_role.exit_code == 2
    assert "unknown role" in bad_role.output

    code, output = _with_input("another passphrase\n", "users", "password", "ana",
                               "--password-stdin")  # fmt: skip
    assert code == 0, output
    assert accounts.authenticate(context.store(), "ana", "another passphrase") is not None

    token_run = fresh_cli("users", "token", "ana", "--name", "erp")
    assert token_run.exit_code == 0
    token = token_run.output.strip().splitlines()[-1]
    assert token.startswith("aks_")
    user = accounts.user_for_token(context.store(), token)
    assert user is not None and user.username == "ana"
    tokens = json.loads(fresh_cli("users", "tokens", "--json").output)
    assert [(t["id"], t["name"], t["revoked_at"]) for t in tokens] == [(1, "erp", None)]
    assert token not in fresh_cli("users", "tokens").output
    assert fresh_cli("users", "revoke", "1").exit_code == 0
    assert accounts.user_for_token(context.store(), token) is None
    assert fresh_cli("users", "revoke", "9").exit_code == 2

    assert fresh_cli("users", "deactivate", "ana").exit_code == 0
    assert not accounts.get_user(context.store(), "ana").active
    last_admin = fresh_cli("users", "deactivate", "boss")
    assert last_admin.exit_code == 2
    assert "last active admin" in last_admin.output
    assert fresh_cli("users", "role", "nobody", "viewer").exit_code == 2

    with context.store().session() as session:
        actions = [e.action for e in trail.entries(session)]
        assert trail.verify(session).ok
    assert actions == ["user.add", "login", "user.add", "user.role", "user.password", "login",
                       "token.create", "token.revoke", "user.deactivate"]  # fmt: skip


def test_prepare_first_run(tmp_path: Path) -> None:
    with open_store(Settings.for_home(tmp_path / "home")) as store:
        first = firstrun.prepare(store, lists=False)
        assert first.admin_password is not None
        admin = accounts.authenticate(store, "admin", first.admin_password)
        assert admin is not None and admin.role == "admin"
        assert first.demo_loaded
        again = firstrun.prepare(store, lists=False)
        assert again.admin_password is None
        assert not again.demo_loaded
        assert [u.username for u in accounts.list_users(store)] == ["admin"]
    with open_store(Settings.for_home(tmp_path / "bare")) as store:
        bare = firstrun.prepare(store, demo=False, lists=False)
        assert not bare.demo_loaded and bare.admin_password is not None


def test_serve_first_run_and_hint(fresh_cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[str, int]] = []
    monkeypatch.setattr(web_cli, "_run_server", lambda host, port: started.append((host, port)))
    real_prepare = firstrun.prepare
    monkeypatch.setattr(
        web_cli, "prepare", lambda store, demo: real_prepare(store, demo=demo, lists=False)
    )
    first = fresh_cli("serve", "--port", "8123")
    assert first.exit_code == 0, first.output
    assert started == [("127.0.0.1", 8123)]
    hint = re.search(r"open http://127\.0\.0\.1:8123/ and log in as admin / (\S+)", first.output)
    assert hint is not None
    assert accounts.authenticate(context.store(), "admin", hint.group(1)) is not None
    assert "demo register" in first.output
    second = fresh_cli("serve", "--no-demo")
    assert second.exit_code == 0
    assert "log in as admin /" not in second.output
    assert "open http://127.0.0.1:8000/ and log in" in second.output


def test_serve_refuses_remote_hosts_without_allow_remote(
    fresh_cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, int]] = []
    monkeypatch.setattr(web_cli, "_run_server", lambda host, port: started.append((host, port)))
    monkeypatch.setattr(
        web_cli, "prepare", lambda store, demo: firstrun.FirstRun(admin_password=None)
    )
    refused = fresh_cli("serve", "--host", "0.0.0.0")
    assert refused.exit_code == 2
    assert "--allow-remote" in refused.output
    assert started == []
    allowed = fresh_cli("serve", "--host", "0.0.0.0", "--allow-remote")
    assert allowed.exit_code == 0
    assert "TLS" in allowed.output
    assert started == [("0.0.0.0", 8000)]
    assert fresh_cli("serve", "--host", "::1").exit_code == 0
    assert web_cli.is_loopback("localhost") and web_cli.is_loopback("127.0.0.2")
    assert not web_cli.is_loopback("example.org")
