"""Webhooks: an HTTPS POST of a run's alerts as JSON, signed with HMAC-SHA256, retried with back-off.

Signature (what a receiver checks; the README has a tested recipe):

* ``X-Aktsam-Timestamp``: Unix time in seconds when this attempt was sent;
* ``X-Aktsam-Signature``: ``sha256=`` and the hex HMAC-SHA256, keyed with the endpoint's secret, of the
  timestamp, a full stop and the exact request body (``f"{timestamp}.".encode() + body``).

A receiver recomputes the HMAC over the raw body it received, compares it in constant time and rejects a
timestamp more than five minutes from its clock, so a captured request cannot be replayed later.
``X-Aktsam-Delivery`` (the delivery id, the same for every attempt) lets it drop a duplicate when a
response was lost and the POST was retried. ``X-Aktsam-Event`` is ``monitor.run`` or ``test``.

Retries: on a connection error, a timeout, 5xx and 429, up to :attr:`RetryPolicy.attempts` times with
exponentially growing pauses (a ``Retry-After`` in seconds is honoured within the time budget), never past
:attr:`RetryPolicy.total` seconds. Other 4xx answers (and 3xx: redirects are not followed, the signed body
is not re-sent elsewhere) fail at once. Every attempt is recorded (:mod:`.deliveries`).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

import aktsam
from aktsam.monitoring.notify.deliveries import Delivery, open_delivery, record_attempt
from aktsam.settings import WebhookEndpoint, check_webhook_url, is_loopback_host
from aktsam.store import Store

SIGNATURE_HEADER = "X-Aktsam-Signature"
TIMESTAMP_HEADER = "X-Aktsam-Timestamp"
DELIVERY_HEADER = "X-Aktsam-Delivery"
EVENT_HEADER = "X-Aktsam-Event"
REPLAY_TOLERANCE = 300
"""Seconds a receiver should accept between the timestamp and its own clock."""
USER_AGENT = f"aktsam/{aktsam.__version__} (+webhook)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long a webhook is retried."""

    attempts: int = 5
    first_delay: float = 2.0  # seconds before the 2nd attempt; doubles each time
    factor: float = 2.0
    max_delay: float = 60.0
    total: float = 180.0  # no attempt starts later than this after the first
    timeout: float = 30.0  # per attempt: connect, and between reads


DEFAULT_POLICY = RetryPolicy()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Aktsam-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
    tolerance: int = REPLAY_TOLERANCE,
) -> bool:
    """Whether ``signature`` is aktsam's for ``body`` at ``timestamp`` and the timestamp is fresh (what a
    receiver written in Python runs; the README shows the same steps without aktsam)."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    moment = time.time() if now is None else now
    if abs(moment - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def _verify_option(endpoint: WebhookEndpoint) -> ssl.SSLContext | bool:
    if endpoint.ca_file is None:
        return True
    return ssl.create_default_context(cafile=str(endpoint.ca_file))


def send(
    store: Store,
    endpoint: WebhookEndpoint,
    body: bytes,
    *,
    run_id: int | None,
    event: str,
    actor: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``body`` (JSON) to ``endpoint`` with retries; the recorded delivery as it ended.

    Never raises for a network or HTTP failure: the delivery is ``failed`` with the last error."""
    delivery = open_delivery(
        store,
        run_id=run_id,
        channel="webhook",
        target=endpoint.url,
        payload_sha256=hashlib.sha256(body).hexdigest(),
        actor=actor,
    )
    try:
        url = check_webhook_url(
            endpoint.url
        )  # settings checked it; a hand-made Settings may not have
    except ValueError as exc:
        return record_attempt(store, delivery.id, actor=actor, error=f"refused: {exc}")
    host = urlsplit(url).hostname or ""
    started, slept = time.monotonic(), 0.0
    with httpx.Client(
        timeout=policy.timeout,
        follow_redirects=False,
        verify=_verify_option(endpoint),
        trust_env=not is_loopback_host(host),  # proxies from the environment, never for loopback
    ) as client:
        for attempt in range(1, policy.attempts + 1):
            stamp = int(time.time())
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                TIMESTAMP_HEADER: str(stamp),
                SIGNATURE_HEADER: sign(endpoint.secret, stamp, body),
                DELIVERY_HEADER: str(delivery.id),
                EVENT_HEADER: event,
            }
            status: int | None = None
            wait_hint: float | None = None
            try:
                response = client.post(url, content=body, headers=headers)
            except httpx.HTTPError as exc:  # connection refused, DNS, TLS, timeout, broken response
                error, retryable = f"{type(exc).__name__}: {exc}", True
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return record_attempt(store, delivery.id, actor=actor, http_status=status)
                snippet = response.text[:200].strip()
                error = f"HTTP {status}" + (f": {snippet}" if snippet else "")
                retryable = status >= 500 or status == 429
                wait_hint = _retry_after(response)
            delay = min(policy.max_delay, policy.first_delay * policy.factor ** (attempt - 1))
            delay *= 1 + random.random() / 10  # jitter: receivers recovering do not get a stampede
            if wait_hint is not None:
                delay = max(delay, wait_hint)
            final = (
                not retryable
                or attempt == policy.attempts
                or max(time.monotonic() - started, slept) + delay > policy.total
            )
            delivery = record_attempt(
                store, delivery.id, actor=actor, error=error, http_status=status, final=final
            )
            if final:
                return delivery
            sleep(delay)
            slept += delay
    return delivery  # pragma: no cover - the loop always returns


__all__ = [
    "DEFAULT_POLICY",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "REPLAY_TOLERANCE",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "RetryPolicy",
    "send",
    "sign",
    "verify",
]
