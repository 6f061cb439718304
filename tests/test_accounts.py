"""Accounts: users, roles, password policy and hashing, API tokens, sessions, and their trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from aktsam import accounts
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail
from aktsam.store.schema import ApiTokenRow, UserRow, WebSessionRow

PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def _add(store: Store, username: str = "ana", role: str = "analyst") -> accounts.User:
    return accounts.add_user(store, username, role=role, password=PASSWORD, actor="admin")


def test_add_user(store: Store) -> None:
    user = accounts.add_user(
        store,
        " Ana.Lyst ",
        role="analyst",
        password=PASSWORD,
        display_name="Ana Lyst",
        actor="root",
    )
    assert (user.username, user.display_name, user.role, user.active) == (
        "ana.lyst",
        "Ana Lyst",
        "analyst",
        True,
    )
    assert accounts.get_user(store, "ANA.LYST") == user
    assert [u.username for u in accounts.list_users(store)] == ["ana.lyst"]
    with store.session() as session:
        (row,) = session.scalars(sa.select(UserRow))
        assert row.password_hash.startswith("$argon2id$")
        (entry,) = trail.entries(session)
    assert (entry.actor, entry.action, entry.object_id) == ("root", "user.add", "ana.lyst")
    assert "password" not in str(entry.after)


@pytest.mark.parametrize(
    ("username", "role", "password", "field"),
    [
        ("ana", "analyst", "short", "password"),
        ("ana", "analyst", "x" * 1025, "password"),
        ("averylongusername", "analyst", "AVERYLONGUSERNAME", "password"),
        ("", "analyst", PASSWORD, "username"),
        ("-ana", "analyst", PASSWORD, "username"),
        ("ana lyst", "analyst", PASSWORD, "username"),
        ("ana", "boss", PASSWORD, "role"),
    ],
)
def test_add_user_checks_its_input(
    store: Store, username: str, role: str, password: str, field: str
) -> None:
    with pytest.raises(InputError) as caught:
        accounts.add_user(store, username, role=role, password=password, actor="admin")
    assert caught.value.field == field
    assert accounts.list_users(store) == []


def test_usernames_are_unique(store: Store) -> None:
    _add(store)
    with pytest.raises(InputError, match="taken") as caught:
        _add(store, "ANA")
    assert caught.value.field == "username"


def test_roles_are_ordered() -> None:
    assert accounts.ROLES == ("viewer", "analyst", "approver", "admin")
    user = accounts.User(1, "a", "A", "approver", True, accounts._now(), None)
    assert [user.can(r) for r in accounts.ROLES] == [True, True, True, False]
    inactive = accounts.User(2, "b", "B", "admin", False, accounts._now(), None)
    assert not inactive.can("viewer")
    with pytest.raises(InputError):
        user.can("root")


def test_authenticate(store: Store) -> None:
    _add(store)
    assert accounts.authenticate(store, "ana", "wrong password!") is None
    assert accounts.authenticate(store, "nobody", PASSWORD) is None
    user = accounts.authenticate(store, " ANA ", PASSWORD, source="10.0.0.7")
    assert user is not None and user.last_login_at is not None
    accounts.add_user(store, "boss", role="admin", password=PASSWORD, actor="admin")
    accounts.deactivate(store, "ana", actor="boss")
    assert accounts.authenticate(store, "ana", PASSWORD) is None
    with store.session() as session:
        logins = [(e.action, e.object_id, e.after) for e in trail.entries(session)
                  if e.action.startswith("login")]  # fmt: skip
        assert trail.verify(session).ok
    assert logins == [
        ("login.failed", "ana", {"reason": "wrong password"}),
        ("login.failed", "nobody", {"reason": "unknown user"}),
        ("login", "ana", {"source": "10.0.0.7"}),
        ("login.failed", "ana", {"reason": "inactive user"}),
    ]


def test_outdated_hashes_are_upgraded_at_login(store: Store) -> None:
    _add(store)
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    with store.session() as session:
        session.execute(sa.update(UserRow).values(password_hash=weak))
    assert accounts.authenticate(store, "ana", PASSWORD) is not None
    with store.session() as session:
        upgraded = session.scalar(sa.select(UserRow.password_hash))
    assert upgraded != weak
    assert upgraded is not None and "m=1024" in upgraded


def test_set_password_ends_sessions_and_keeps_the_hash_out_of_the_trail(store: Store) -> None:
    user = _add(store)
    token, _ = accounts.start_session(store, user.id)
    accounts.set_password(store, "ana", "the new long passphrase", actor="admin")
    assert accounts.session_user(store, token) is None
    assert accounts.authenticate(store, "ana", PASSWORD) is None
    assert accounts.authenticate(store, "ana", "the new long passphrase") is not None
    with pytest.raises(InputError) as caught:
        accounts.set_password(store, "ana", "short", actor="admin")
    assert caught.value.field == "password"
    with pytest.raises(NotFoundError):
        accounts.set_password(store, "nobody", PASSWORD, actor="admin")
    with store.session() as session:
        (entry,) = [e for e in trail.entries(session) if e.action == "user.password"]
        stored = session.scalar(sa.select(UserRow.password_hash))
    assert entry.after == {"changed": True, "sessions_ended": 1}
    assert stored is not None and stored not in trail.canonical(entry.after)


def test_set_role_and_the_last_admin(store: Store) -> None:
    _add(store, "boss", role="admin")
    _add(store)
    assert accounts.set_role(store, "ana", "approver", actor="boss").role == "approver"
    with pytest.raises(InputError, match="last active admin"):
        accounts.set_role(store, "boss", "viewer", actor="boss")
    with pytest.raises(InputError, match="last active admin"):
        accounts.deactivate(store, "boss", actor="boss")
    with pytest.raises(InputError) as caught:
        accounts.set_role(store, "ana", "overlord", actor="boss")
    assert caught.value.field == "role"
    accounts.set_role(store, "ana", "admin", actor="boss")
    assert accounts.set_role(store, "boss", "viewer", actor="ana").role == "viewer"
    with store.session() as session:
        roles = [(e.object_id, e.before, e.after) for e in trail.entries(session)
                 if e.action == "user.role"]  # fmt: skip
    assert roles == [
        ("ana", {"role": "analyst"}, {"role": "approver"}),
        ("ana", {"role": "approver"}, {"role": "admin"}),
        ("boss", {"role": "admin"}, {"role": "viewer"}),
    ]


def test_tokens(store: Store) -> None:
    _add(store)
    token, record = accounts.create_token(store, "ana", name="erp", actor="admin")
    assert token.startswith("aks_") and len(token) == 4 + 43
    assert record.prefix == token[:12] and record.active
    user = accounts.user_for_token(store, token)
    assert user is not None and user.username == "ana"
    assert accounts.user_for_token(store, token + "x") is None
    assert accounts.user_for_token(store, "not a token") is None
    with store.session() as session:
        row = session.scalars(sa.select(ApiTokenRow)).one()
        assert row.token_hash == accounts.sha256_hex(token)
        assert token not in (row.token_hash, row.prefix)
        assert row.last_used_at is not None
    revoked = accounts.revoke_token(store, record.id, actor="admin")
    assert revoked.revoked_at is not None and not revoked.active
    assert accounts.user_for_token(store, token) is None
    accounts.revoke_token(store, record.id, actor="admin")  # again: no-op
    with pytest.raises(NotFoundError):
        accounts.revoke_token(store, 999, actor="admin")
    with pytest.raises(InputError) as caught:
        accounts.create_token(store, "ana", name=" ", actor="admin")
    assert caught.value.field == "name"
    assert [t.name for t in accounts.list_tokens(store, "ana")] == ["erp"]
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="api_token")]
        text = " ".join(trail.canonical({"a": e.after}) for e in trail.entries(session))
    assert actions == ["token.create", "token.revoke"]
    assert token not in text


def test_sessions(store: Store) -> None:
    user = _add(store)
    token, csrf = accounts.start_session(store, user.id)
    found = accounts.session_user(store, token)
    assert found == (user, csrf)
    assert accounts.session_user(store, "forged") is None
    with store.session() as session:
        assert session.scalar(sa.select(WebSessionRow.id)) == accounts.sha256_hex(token)
    assert accounts.end_session(store, token) is True
    assert accounts.session_user(store, token) is None
    assert accounts.end_session(store, token) is False
    expired, _ = accounts.start_session(store, user.id, ttl=timedelta(seconds=-1))
    assert accounts.session_user(store, expired) is None
    # starting a session purges expired ones
    accounts.start_session(store, user.id, ttl=timedelta(seconds=-1))
    accounts.start_session(store, user.id)
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(WebSessionRow)) == 1
        assert [e.action for e in trail.entries(session)][-1] == "logout"
