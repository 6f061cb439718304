"""Accounts: local users with roles, their API tokens and their browser sessions.

A compliance team works with four roles, each allowed everything the ones before it are
(:data:`ROLES`): a *viewer* reads dashboards and reports, an *analyst* screens and reviews hits, an
*approver* signs off decisions (the second pair of eyes), an *admin* manages users and settings.

Secrets are never stored in the clear:

* passwords as argon2id hashes (argon2-cffi's :class:`~argon2.PasswordHasher`, RFC 9106 parameters;
  hashes made with older parameters are upgraded at the next login);
* API tokens (``aks_`` + 32 random bytes, URL-safe) and session cookies as their SHA-256: a token is
  shown once when it is created, and a database dump lets nobody log in.

Every change (user added, role or password changed, user deactivated, token created or revoked,
login, failed login, logout) is written to the audit trail in the same transaction; password hashes
never are.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail
from aktsam.store.schema import ROLES, ApiTokenRow, UserRow, WebSessionRow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but nobody needs a megabyte-long password
TOKEN_PREFIX = "aks_"
TOKEN_DISPLAY_LENGTH = 12  # "aks_" and 8 random characters: enough to tell a user's tokens apart
DEFAULT_SESSION_TTL = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at / last_seen_at are written at most this often
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown or inactive, so that a failed login takes as long
    whether or not the account exists. Made on first use, not at import: one argon2 hash costs about
    0.1 s and 64 MiB, which every ``aktsam`` command would otherwise pay at start-up."""
    return PasswordHasher().hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    """A user as the application sees it (never with the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    def can(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one (``user.can("approver")``)."""
        return self.active and ROLES.index(self.role) >= ROLES.index(check_role(role))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
        }

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            active=row.active,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token's record; the token itself is only ever returned by :func:`create_token`."""

    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    @classmethod
    def from_row(cls, row: ApiTokenRow, username: str) -> ApiToken:
        return cls(
            id=row.id,
            username=username,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


def _now() -> datetime:
    return datetime.now(UTC)


def sha256_hex(secret: str) -> str:
    """How tokens and session cookies are stored: the SHA-256 of their text, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}", field="role")
    return role


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InputError(
            "a username is 1-64 characters: lowercase letters, digits and . _ @ -, "
            "starting with a letter or digit",
            field="username",
        )
    return name


def check_password(password: str, username: str | None = None) -> None:
    """The password policy: at least 12 characters (NIST SP 800-63B: length, not composition
    rules), not more than 1024, and not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(
            f"the password must have at most {MAX_PASSWORD_LENGTH} characters", field="password"
        )
    if username is not None and password.strip().lower() == username.lower():
        raise InputError("the password must not be the username", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    """A random password (20 URL-safe characters, about 120 bits)."""
    return secrets.token_urlsafe(15)


def _user_row(session: Session, username: str) -> UserRow:
    row = session.scalars(
        sa.select(UserRow).where(UserRow.username == username.strip().lower())
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row


def _active_admins(session: Session) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(UserRow)
            .where(UserRow.role == "admin", UserRow.active.is_(True))
        )
        or 0
    )


def add_user(
    store: Store,
    username: str,
    *,
    role: str,
    password: str,
    display_name: str | None = None,
    actor: str,
) -> User:
    """Create an active user; :class:`InputError` for a bad or taken username, an unknown role or
    a password that breaks the policy."""
    name = normalise_username(username)
    check_role(role)
    check_password(password, name)
    shown = (display_name or "").strip() or name
    with store.session() as session:
        taken = session.scalar(sa.select(UserRow.id).where(UserRow.username == name))
        if taken is not None:
            raise InputError(f"the username {name!r} is taken", field="username")
        row = UserRow(
            username=name,
            display_name=shown[:200],
            password_hash=hash_password(password),
            role=role,
            active=True,
            created_at=_now(),
            last_login_at=None,
        )
        session.add(row)
        session.flush()
        user = User.from_row(row)
        after = {k: v for k, v in user.to_dict().items() if k != "last_login_at"}
        trail.record(
            session, actor=actor, action="user.add", object_type="user", object_id=name, after=after
        )
    return user


def get_user(store: Store, username: str) -> User:
    with store.session() as session:
        return User.from_row(_user_row(session, username))


def list_users(store: Store) -> list[User]:
    with store.session() as session:
        rows = session.scalars(sa.select(UserRow).order_by(UserRow.username))
        return [User.from_row(row) for row in rows]


def user_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(UserRow)) or 0


def authenticate(
    store: Store, username: str, password: str, *, source: str | None = None
) -> User | None:
    """The user if ``password`` is theirs and the account is active, else ``None``.

    Unknown and inactive users cost one hash verification too, so the answer takes as long either
    way. A hash made with older parameters is replaced. ``login`` or ``login.failed`` goes into the
    trail, with ``source`` (the client address) when given."""
    name = username.strip().lower()[:64]
    with store.session() as session:
        row = (
            session.scalars(sa.select(UserRow).where(UserRow.username == name)).one_or_none()
            if name
            else None
        )
        ok = False
        try:
            ok = _hasher.verify(row.password_hash if row is not None else _dummy_hash(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        detail = {"source": source} if source else None
        if row is None or not row.active or not ok:
            reason = (
                "unknown user"
                if row is None
                else ("inactive user" if not row.active else "wrong password")
            )
            trail.record(
                session,
                actor=name or "anonymous",
                action="login.failed",
                object_type="user",
                object_id=name or "-",
                after={"reason": reason, **(detail or {})},
            )
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.last_login_at = _now()
        trail.record(
            session, actor=name, action="login", object_type="user", object_id=name, after=detail
        )
        return User.from_row(row)


def set_password(store: Store, username: str, password: str, *, actor: str) -> User:
    """Replace the password and end all of the user's sessions (the hash stays out of the trail)."""
    with store.session() as session:
        row = _user_row(session, username)
        check_password(password, row.username)
        row.password_hash = hash_password(password)
        ended = session.execute(sa.delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        trail.record(
            session,
            actor=actor,
            action="user.password",
            object_type="user",
            object_id=row.username,
            after={"changed": True, "sessions_ended": ended.rowcount},  # type: ignore[attr-defined]
        )
        return User.from_row(row)


def set_role(store: Store, username: str, role: str, *, actor: str) -> User:
    """Change the role; the last active admin cannot be demoted."""
    check_role(role)
    with store.session() as session:
        row = _user_row(session, username)
        before = row.role
        if before == role:
            return User.from_row(row)
        if before == "admin" and row.active and _active_admins(session) <= 1:
            raise InputError(
                f"{row.username!r} is the last active admin; make someone else admin first",
                field="role",
            )
        row.role = role
        trail.record(
            session,
            actor=actor,
            action="user.role",
            object_type="user",
            object_id=row.username,
            before={"role": before},
            after={"role": role},
        )
        return User.from_row(row)


def deactivate(store: Store, username: str, *, actor: str) -> User:
    """Switch the account off: no login, its sessions end, its API tokens stop working. The row
    stays (decisions and the trail refer to the username)."""
    with store.session() as session:
        row = _user_row(session, username)
        if not row.active:
            return User.from_row(row)
        if row.role == "admin" and _active_admins(session) <= 1:
            raise InputError(
                f"{row.username!r} is the last active admin; make someone else admin first",
                field="username",
            )
        row.active = False
        session.execute(sa.delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        trail.record(
            session,
            actor=actor,
            action="user.deactivate",
            object_type="user",
            object_id=row.username,
            before={"active": True},
            after={"active": False},
        )
        return User.from_row(row)


# --- API tokens -------------------------------------------------------------------------------


def create_token(store: Store, username: str, *, name: str, actor: str) -> tuple[str, ApiToken]:
    """A new API token for ``username``: ``(token, record)``. Show ``token`` once; only its SHA-256
    is kept."""
    label = name.strip()
    if not label or len(label) > 100:
        raise InputError("a token needs a name of 1-100 characters", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        user = _user_row(session, username)
        if not user.active:
            raise InputError(f"user {user.username!r} is deactivated", field="username")
        row = ApiTokenRow(
            user_id=user.id,
            name=label,
            token_hash=sha256_hex(token),
            prefix=token[:TOKEN_DISPLAY_LENGTH],
            created_at=_now(),
            last_used_at=None,
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        record = ApiToken.from_row(row, user.username)
        trail.record(
            session,
            actor=actor,
            action="token.create",
            object_type="api_token",
            object_id=str(row.id),
            after={"username": user.username, "name": label, "prefix": row.prefix},
        )
    return token, record


def list_tokens(store: Store, username: str | None = None) -> list[ApiToken]:
    with store.session() as session:
        query = (
            sa.select(ApiTokenRow, UserRow.username)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .order_by(ApiTokenRow.id)
        )
        if username is not None:
            query = query.where(UserRow.username == username.strip().lower())
        return [ApiToken.from_row(row, name) for row, name in session.execute(query)]


def revoke_token(store: Store, token_id: int, *, actor: str) -> ApiToken:
    """Revoke a token for good (revoking twice is a no-op)."""
    with store.session() as session:
        found = session.execute(
            sa.select(ApiTokenRow, UserRow.username)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.id == token_id)
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"no API token {token_id}")
        row, username = found
        if row.revoked_at is None:
            row.revoked_at = _now()
            trail.record(
                session,
                actor=actor,
                action="token.revoke",
                object_type="api_token",
                object_id=str(row.id),
                after={"username": username, "name": row.name, "prefix": row.prefix},
            )
        return ApiToken.from_row(row, username)


def user_for_token(store: Store, token: str) -> User | None:
    """The active user an unrevoked API token belongs to, else ``None``."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = sha256_hex(token)
    with store.session() as session:
        found = session.execute(
            sa.select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_hash == digest)
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if row.revoked_at is not None or not user.active:
            return None
        if not hmac.compare_digest(row.token_hash, digest):  # pragma: no cover - belt and braces
            return None
        now = _now()
        if row.last_used_at is None or now - row.last_used_at > TOUCH_INTERVAL:
            row.last_used_at = now
        return User.from_row(user)


# --- browser sessions --------------------------------------------------------------------------


def start_session(
    store: Store, user_id: int, ttl: timedelta = DEFAULT_SESSION_TTL
) -> tuple[str, str]:
    """A new session for the user: ``(session_token, csrf_token)``. The session token goes into
    the cookie (only its SHA-256 is stored); the CSRF token into every form. Expired sessions are
    purged on the way."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    with store.session() as session:
        session.execute(sa.delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        session.add(
            WebSessionRow(
                id=sha256_hex(token),
                user_id=user_id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + ttl,
                last_seen_at=now,
            )
        )
    return token, csrf


def session_user(store: Store, token: str) -> tuple[User, str] | None:
    """``(user, csrf_token)`` of a live session, or ``None`` when it is unknown, expired or its
    user is deactivated."""
    if not token or len(token) > 200:
        return None
    now = _now()
    with store.session() as session:
        found = session.execute(
            sa.select(WebSessionRow, UserRow)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.id == sha256_hex(token))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if row.expires_at <= now or not user.active:
            session.delete(row)
            return None
        if now - row.last_seen_at > TOUCH_INTERVAL:
            row.last_seen_at = now
        return User.from_row(user), row.csrf_token


def end_session(store: Store, token: str) -> bool:
    """Log out: delete the session and record ``logout``. ``False`` if there was none."""
    with store.session() as session:
        found = session.execute(
            sa.select(WebSessionRow, UserRow.username)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.id == sha256_hex(token))
        ).one_or_none()
        if found is None:
            return False
        row, username = found
        session.delete(row)
        trail.record(
            session, actor=username, action="logout", object_type="user", object_id=username
        )
        return True


__all__ = [
    "DEFAULT_SESSION_TTL",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "TOKEN_PREFIX",
    "ApiToken",
    "User",
    "add_user",
    "authenticate",
    "check_password",
    "check_role",
    "create_token",
    "deactivate",
    "end_session",
    "generate_password",
    "get_user",
    "hash_password",
    "list_tokens",
    "list_users",
    "normalise_username",
    "revoke_token",
    "session_user",
    "set_password",
    "set_role",
    "sha256_hex",
    "start_session",
    "user_count",
    "user_for_token",
]
