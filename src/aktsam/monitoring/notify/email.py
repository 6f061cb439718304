"""The e-mail digest: one message per monitoring run, sent through the SMTP server of the settings.

Standard library only (:mod:`smtplib`, :mod:`email.message`): SMTP needs nothing more, and no extra
dependency has to be trusted with the mail password. TLS modes (``AKTSAM_SMTP_TLS``): ``starttls`` (the
server must offer STARTTLS; aktsam never falls back to plain text), ``tls`` (implicit TLS, port 465) and
``none``. Certificates and host names are verified (system CAs, or ``AKTSAM_SMTP_CA_FILE``).

Transient failures (the server cannot be reached, a timeout, an SMTP 4xx answer) are retried like
webhooks; a 5xx answer (e.g. recipient refused) fails at once. Every attempt is recorded.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from aktsam.monitoring.notify.deliveries import Delivery, open_delivery, record_attempt
from aktsam.monitoring.notify.webhook import DEFAULT_POLICY, RetryPolicy
from aktsam.settings import Settings
from aktsam.store import Store

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def email_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.smtp_sender and settings.notify_email_to)


def build_message(settings: Settings, subject: str, text: str, html: str | None) -> EmailMessage:
    """A ``multipart/alternative`` message (plain text first, HTML second) from the sender to every
    recipient of the settings."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_sender or ""
    message["To"] = ", ".join(settings.notify_email_to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(settings.smtp_sender or "")[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("aktsam", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _context(settings: Settings) -> ssl.SSLContext:
    cafile = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
    return ssl.create_default_context(cafile=cafile)


def transmit(settings: Settings, message: EmailMessage, *, timeout: float) -> dict[str, str]:
    """Hand ``message`` to the SMTP server once; raises what :mod:`smtplib` or the socket raise when no
    recipient took it, else returns the recipients the server refused (address -> its answer)."""
    host = settings.smtp_host
    if not host:
        raise smtplib.SMTPException("AKTSAM_SMTP_HOST is not set")
    mode = settings.smtp_tls
    port = settings.smtp_port or DEFAULT_PORTS[mode]
    smtp: smtplib.SMTP
    if mode == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_context(settings))
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if mode == "starttls":
            smtp.starttls(context=_context(settings))  # raises when the server offers no STARTTLS
            smtp.ehlo()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        sender = parseaddr(settings.smtp_sender or "")[1]
        refused = smtp.send_message(
            message, from_addr=sender, to_addrs=list(settings.notify_email_to)
        )
    return {
        address: f"SMTP {code}: {text.decode('utf-8', 'replace')}"
        for address, (code, text) in refused.items()
    }


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPNotSupportedError | smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, ssl.SSLCertVerificationError):
        return False
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"SMTP {exc.smtp_code}: {detail}"
    return f"{type(exc).__name__}: {exc}"


def send(
    store: Store,
    settings: Settings,
    message: EmailMessage,
    *,
    run_id: int | None,
    actor: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send ``message`` with retries; the recorded delivery as it ended. Never raises for a mail failure."""
    payload = message.as_bytes()
    delivery = open_delivery(
        store,
        run_id=run_id,
        channel="email",
        target=", ".join(settings.notify_email_to),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        actor=actor,
    )
    started, slept = time.monotonic(), 0.0
    for attempt in range(1, policy.attempts + 1):
        try:
            refused = transmit(settings, message, timeout=policy.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            delay = min(policy.max_delay, policy.first_delay * policy.factor ** (attempt - 1))
            final = (
                not _transient(exc)
                or attempt == policy.attempts
                or max(time.monotonic() - started, slept) + delay > policy.total
            )
            delivery = record_attempt(
                store, delivery.id, actor=actor, error=_describe(exc), final=final
            )
            if final:
                return delivery
            sleep(delay)
            slept += delay
        else:  # delivered; recipients the server refused are named, not retried (no duplicates)
            warning = "; ".join(f"refused {a}: {why}" for a, why in refused.items()) or None
            return record_attempt(store, delivery.id, actor=actor, warning=warning)
    return delivery  # pragma: no cover - the loop always returns


__all__ = ["DEFAULT_PORTS", "build_message", "email_configured", "send", "transmit"]
