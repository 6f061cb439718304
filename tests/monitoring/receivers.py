"""Real receivers on loopback for the notification tests: an SMTP server (aiosmtpd), an HTTP(S) webhook
receiver that checks the signature, and a throwaway self-signed certificate for 127.0.0.1 / localhost.

Only loopback addresses are ever used."""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from aktsam.monitoring.model import Alert, MonitorRun
from aktsam.monitoring.notify import RetryPolicy
from aktsam.store import Store
from aktsam.store.schema import MonitorRunRow

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cert:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_cert(folder: Path) -> Cert:
    """A self-signed certificate for localhost and 127.0.0.1, valid for two days (openssl)."""
    if shutil.which("openssl") is None:
        raise RuntimeError(  # a skipped TLS test is not a passing one: scripts/install --dev installs it
            "openssl is not installed: the TLS tests need it to make a throwaway certificate; "
            "run scripts/install --dev"
        )
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return Cert(cert, key)


# --- SMTP -------------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server received."""

    envelopes: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 try again" for the next messages

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        content = envelope.original_content or b""
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        parsed = [message_from_bytes(c, policy=policy.default) for _, _, c in self.envelopes]
        return [m for m in parsed if isinstance(m, EmailMessage)]


class Authenticator:
    def __init__(self, mailbox: Mailbox, username: str, password: str) -> None:
        self.mailbox, self.username, self.password = mailbox, username, password

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            ok = data.login.decode() == self.username and data.password.decode() == self.password
            if ok:
                self.mailbox.logins.append(self.username)
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)


@contextmanager
def smtp_server(
    *,
    starttls: Cert | None = None,
    implicit_tls: Cert | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[tuple[int, Mailbox]]:
    """An SMTP server on 127.0.0.1 (plain, STARTTLS required, or implicit TLS; login optional)."""
    mailbox = Mailbox()
    kwargs: dict[str, Any] = {}
    if starttls is not None:
        kwargs.update(tls_context=starttls.server_context(), require_starttls=True)
    if login is not None:
        kwargs.update(
            authenticator=Authenticator(mailbox, *login),
            auth_required=True,
            auth_require_tls=starttls is not None or implicit_tls is not None,
        )
    port = free_port()
    controller = Controller(
        mailbox,
        hostname=LOOPBACK,
        port=port,
        ssl_context=implicit_tls.server_context() if implicit_tls is not None else None,
        **kwargs,
    )
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


# --- webhooks ---------------------------------------------------------------------------------------


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verifier() -> Callable[[str, bytes, Any], bool]:
    """``verify_aktsam_webhook`` exactly as the README shows it to receivers (so the recipe is tested)."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- webhook-verify -->", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)
    function: Callable[[str, bytes, Any], bool] = namespace["verify_aktsam_webhook"]
    return function


@dataclass
class Hook:
    """A webhook receiver: answers each POST with the next scripted status (the last one repeats) and
    records every request with whether its signature was valid."""

    secret: str
    script: list[int] = field(default_factory=lambda: [200])
    headers: dict[str, str] = field(default_factory=dict)  # extra headers of every answer
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def delivered(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["status"] < 300]


@contextmanager
def webhook_receiver(
    secret: str, script: list[int] | None = None, *, cert: Cert | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[Hook]:  # fmt: skip
    hook = Hook(secret=secret, script=list(script or [200]), headers=dict(headers or {}))
    lock = threading.Lock()
    verify = readme_verifier()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            valid = verify(hook.secret, body, self.headers)
            with lock:
                status = hook.script.pop(0) if len(hook.script) > 1 else hook.script[0]
                if not valid:
                    status = 401
                hook.requests.append({
                    "path": self.path, "headers": dict(self.headers), "body": body,
                    "json": json.loads(body), "valid": valid, "status": status,
                })  # fmt: skip
            self.send_response(status)
            for name, value in hook.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    scheme = "http"
    if cert is not None:
        server.socket = cert.server_context().wrap_socket(server.socket, server_side=True)
        scheme = "https"
    hook.url = f"{scheme}://{LOOPBACK}:{server.server_address[1]}/hooks/aktsam"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


# --- a recorded run with alerts ---------------------------------------------------------------------

FAST = RetryPolicy(attempts=4, first_delay=0.01, factor=2.0, max_delay=0.1, total=10.0, timeout=5.0)
"""Retries without waiting in tests."""


def sample_run(store: Store, *, actor: str = "tester", alerts: int = 2) -> MonitorRun:
    """A completed run recorded in ``store`` with ``alerts`` in-memory alerts (a new hit on a real
    listed name, then delistings), as the notifier receives it."""
    now = datetime.now(UTC)
    with store.session() as session:
        row = MonitorRunRow(
            started_at=now, finished_at=now, actor=actor, status="completed", mode="delta",
            matcher="test", threshold=0.7, snapshot_ids=[1, 2], counts={"alerts": alerts},
        )  # fmt: skip
        session.add(row)
        session.flush()
        run = MonitorRun.from_row(row)
    items = []
    for number in range(alerts):
        hit = number == 0
        items.append(
            Alert(
                id=number + 1,
                run_id=run.id,
                kind="new-hit" if hit else "delisted",
                status="open",
                party_id=f"P-{number}",
                party_name="Hangzhou Hikvision <Digital> & Co",
                origin="register",
                list="us-ofac-sdn" if hit else "un-sc",
                entity_id=f"E-{number}",
                entity_caption="HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
                entity_hash="0" * 64,
                snapshot_id=2,
                score=0.93 if hit else None,
                explanation={
                    "query": {"name": "Hangzhou Hikvision"},
                    "listed": {"name": "Hangzhou Hikvision Digital Technology", "kind": "name"},
                }
                if hit
                else {},
                message="new match" if hit else "no longer listed",
                created_at=now,
            )
        )
    return dataclasses.replace(run, alerts=items)
