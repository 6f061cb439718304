"""Notifications of monitoring runs: one e-mail digest per run and one signed webhook POST per endpoint.

:func:`notify_run` is what :func:`aktsam.monitoring.service.run_monitoring` calls at the end of a run that
raised alerts (or failed). It sends to every channel the settings configure (``AKTSAM_SMTP_*`` with
``AKTSAM_NOTIFY_EMAIL_TO``; ``AKTSAM_WEBHOOKS_FILE``), one after the other, and returns what happened to
each. It never raises: a failure to notify never fails or rolls back the run; it is recorded as a
``failed`` delivery with its last error (:func:`deliveries`, ``aktsam monitor deliveries``) and logged.

* :mod:`.digest` - what is sent (JSON body, e-mail text and HTML);
* :mod:`.email` - SMTP;
* :mod:`.webhook` - HTTPS POST, HMAC-SHA256 signature, retries;
* :mod:`.deliveries` - the ``notification_deliveries`` table and the audit trail.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from aktsam.monitoring.model import MonitorRun
from aktsam.monitoring.notify import digest, email, webhook
from aktsam.monitoring.notify.deliveries import Delivery, deliveries
from aktsam.monitoring.notify.webhook import DEFAULT_POLICY, RetryPolicy
from aktsam.settings import Settings
from aktsam.store import Store

log = logging.getLogger(__name__)

DEFAULT_ACTOR = "monitor"


def channels(settings: Settings) -> list[str]:
    """The configured targets, as shown to people: ``email: a@x, b@y`` and ``webhook: URL``."""
    found = []
    if email.email_configured(settings):
        found.append(f"email: {', '.join(settings.notify_email_to)}")
    found.extend(f"webhook: {endpoint.label}" for endpoint in settings.webhooks)
    return found


def _send_all(
    store: Store,
    settings: Settings,
    *,
    run_id: int | None,
    mail: tuple[str, str, str] | None,
    body: bytes,
    event: str,
    actor: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> list[Delivery]:
    sent: list[Delivery] = []
    if mail is not None and email.email_configured(settings):
        try:
            message = email.build_message(settings, *mail)
            sent.append(
                email.send(
                    store, settings, message, run_id=run_id, actor=actor, policy=policy, sleep=sleep
                )
            )
        except Exception:  # the store itself failed: log, never break the run
            log.exception("e-mail notification of run %s could not be sent or recorded", run_id)
    for endpoint in settings.webhooks:
        try:
            sent.append(
                webhook.send(
                    store,
                    endpoint,
                    body,
                    run_id=run_id,
                    event=event,
                    actor=actor,
                    policy=policy,
                    sleep=sleep,
                )
            )
        except Exception:
            log.exception(
                "webhook %s of run %s could not be sent or recorded", endpoint.label, run_id
            )
    for delivery in sent:
        if delivery.status == "failed":
            log.warning(
                "notification %s (%s %s) failed after %d attempt(s): %s",
                delivery.id, delivery.channel, delivery.target, delivery.attempts,
                delivery.last_error,
            )  # fmt: skip
    return sent


def notify_run(
    store: Store,
    settings: Settings,
    run: MonitorRun,
    *,
    actor: str | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send the digest of ``run`` to every configured channel; the deliveries (empty when nothing is
    configured, or the run completed without alerts: no message says "nothing happened"). The audit
    trail records them as done by ``actor`` (default: whoever ran the run)."""
    actor = actor or run.actor or DEFAULT_ACTOR
    if not run.alerts and run.status != "failed":
        return []
    try:
        mail = (
            digest.subject(run),
            digest.email_text(settings, run),
            digest.email_html(settings, run),
        )
        body = digest.webhook_body(settings, run)
    except Exception:
        log.exception("notification of run %s could not be composed", run.id)
        return []
    return _send_all(
        store, settings, run_id=run.id, mail=mail, body=body, event="monitor.run", actor=actor,
        policy=policy, sleep=sleep,
    )  # fmt: skip


def notify_test(
    store: Store,
    settings: Settings,
    *,
    actor: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send a test message to every configured channel (``aktsam monitor notify-test``), recorded like
    any delivery (without a run)."""
    return _send_all(
        store, settings, run_id=None, mail=digest.probe_email(settings),
        body=digest.probe_body(settings, datetime.now(UTC)), event="test", actor=actor,
        policy=policy, sleep=sleep,
    )  # fmt: skip


__all__ = [
    "DEFAULT_POLICY",
    "Delivery",
    "RetryPolicy",
    "channels",
    "deliveries",
    "notify_run",
    "notify_test",
]
