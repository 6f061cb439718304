"""Webhooks against a real HTTP(S) receiver on 127.0.0.1 that checks the signature with the README's
recipe: signed body, retries on 5xx / 429 / connection errors only, every attempt recorded in
``notification_deliveries`` and the audit trail, and a failure that never breaks the run."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path

import pytest

from aktsam.monitoring.notify import deliveries, notify_run, notify_test, webhook
from aktsam.settings import Settings, WebhookEndpoint
from aktsam.store import Store, trail
from tests.monitoring.receivers import FAST, free_port, make_cert, sample_run, webhook_receiver

SECRET = "a-long-webhook-secret-0123456789"


def with_hooks(store: Store, *endpoints: WebhookEndpoint, **more: object) -> Settings:
    return dataclasses.replace(store.settings, webhooks=endpoints, **more)  # type: ignore[arg-type]


def test_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    body = b'{"run_id":1}'
    assert webhook.sign("k" * 16, 1700000000, body) == (
        "sha256="
        + __import__("hmac").new(b"k" * 16, b"1700000000." + body, hashlib.sha256).hexdigest()
    )
    now = time.time()
    stamp = str(int(now))
    good = webhook.sign(SECRET, int(stamp), body)
    assert webhook.verify(SECRET, body, stamp, good, now=now)
    assert not webhook.verify(SECRET, body + b" ", stamp, good, now=now)  # body changed
    assert not webhook.verify("another-secret-0123456", body, stamp, good, now=now)
    assert not webhook.verify(SECRET, body, stamp, good, now=now + 301)  # replayed later
    assert not webhook.verify(SECRET, body, None, good)


def test_run_is_posted_signed_retried_after_500_and_recorded(store: Store) -> None:
    run = sample_run(store)
    with webhook_receiver(SECRET, [500, 200]) as hook:
        settings = with_hooks(
            store, WebhookEndpoint(url=hook.url, secret=SECRET, name="soc"),
            base_url="https://aktsam.example.org",
        )  # fmt: skip
        sent = notify_run(store, settings, run, policy=FAST)
    assert [r["status"] for r in hook.requests] == [500, 200]
    assert all(r["valid"] for r in hook.requests)  # the README recipe accepts aktsam's signature
    first, second = hook.requests
    assert first["body"] == second["body"]  # the same bytes on every attempt…
    assert first["headers"]["X-Aktsam-Delivery"] == second["headers"]["X-Aktsam-Delivery"]
    payload = second["json"]
    assert payload["event"] == "monitor.run" and payload["run_id"] == run.id
    assert payload["snapshot_ids"] == [1, 2]
    assert payload["by_kind"] == {"new-hit": 1, "delisted": 1}
    assert payload["url"] == f"https://aktsam.example.org/alerts?run={run.id}&status=all"
    hit = payload["alerts"][0]
    assert {k: hit[k] for k in ("party_id", "entity_id", "list", "kind", "score")} == {
        "party_id": "P-0", "entity_id": "E-0", "list": "us-ofac-sdn", "kind": "new-hit",
        "score": 0.93,
    }  # fmt: skip
    assert hit["explanation"]["listed"]["name"] == "Hangzhou Hikvision Digital Technology"

    [delivery] = sent
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.http_status) == (
        "webhook", "delivered", 2, 200,
    )  # fmt: skip
    assert delivery.last_error == "HTTP 500: ok"  # the failed attempt stays visible
    assert delivery.payload_sha256 == hashlib.sha256(second["body"]).hexdigest()
    assert deliveries(store, run_id=run.id) == [delivery]
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="notification_delivery")]
        assert actions == ["notification.queue", "notification.attempt", "notification.deliver"]
        assert all(
            e.actor == "tester" for e in trail.entries(session, object_type="notification_delivery")
        )
        assert trail.verify(session).ok


def test_429_is_retried_but_other_4xx_fail_at_once(store: Store) -> None:
    run = sample_run(store)
    with (
        webhook_receiver(SECRET, [429, 200], headers={"Retry-After": "0"}) as limited,
        webhook_receiver(SECRET, [404]) as missing,
    ):
        settings = with_hooks(
            store, WebhookEndpoint(url=limited.url, secret=SECRET),
            WebhookEndpoint(url=missing.url, secret=SECRET),
        )  # fmt: skip
        first, second = notify_run(store, settings, run, policy=FAST)
    assert (first.status, first.attempts) == ("delivered", 2)
    assert (second.status, second.attempts, second.http_status) == ("failed", 1, 404)
    assert second.last_error is not None and second.last_error.startswith("HTTP 404")
    assert len(missing.requests) == 1


def test_a_wrong_secret_is_rejected_by_the_receiver_and_not_retried(store: Store) -> None:
    run = sample_run(store)
    with webhook_receiver("the-receivers-own-secret-000", [200]) as hook:
        settings = with_hooks(store, WebhookEndpoint(url=hook.url, secret=SECRET))
        [delivery] = notify_run(store, settings, run, policy=FAST)
    assert [r["valid"] for r in hook.requests] == [False]
    assert (delivery.status, delivery.http_status) == ("failed", 401)


def test_unreachable_endpoint_fails_after_bounded_retries_without_breaking_anything(
    store: Store,
) -> None:
    run = sample_run(store)
    url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    pauses: list[float] = []
    settings = with_hooks(store, WebhookEndpoint(url=url, secret=SECRET))
    [delivery] = notify_run(store, settings, run, policy=FAST, sleep=pauses.append)
    assert (delivery.status, delivery.attempts, delivery.http_status) == ("failed", 4, None)
    assert delivery.last_error is not None and "ConnectError" in delivery.last_error
    assert len(pauses) == 3 and pauses[0] < pauses[1] < pauses[2]  # exponential back-off
    assert deliveries(store, status="failed") == [delivery]


def test_total_time_bounds_the_retries(store: Store) -> None:
    run = sample_run(store)
    url = f"http://127.0.0.1:{free_port()}/"
    policy = dataclasses.replace(FAST, attempts=10, first_delay=1.0, max_delay=1.0, total=2.5)
    pauses: list[float] = []
    settings = with_hooks(store, WebhookEndpoint(url=url, secret=SECRET))
    [delivery] = notify_run(store, settings, run, policy=policy, sleep=pauses.append)
    assert delivery.status == "failed" and delivery.attempts <= 3  # not 10: the budget ran out


def test_plain_http_to_another_machine_is_refused_even_when_configured_by_hand(
    store: Store,
) -> None:
    run = sample_run(store)
    settings = with_hooks(store, WebhookEndpoint(url="http://192.0.2.1/hook", secret=SECRET))
    [delivery] = notify_run(store, settings, run, policy=FAST)
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.last_error is not None and "plain http://" in delivery.last_error


def test_https_receiver_with_a_private_ca(store: Store, tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    run = sample_run(store)
    with webhook_receiver(SECRET, [200], cert=cert) as hook:
        assert hook.url.startswith("https://127.0.0.1:")
        untrusted = with_hooks(store, WebhookEndpoint(url=hook.url, secret=SECRET))
        [refused] = notify_run(store, untrusted, run, policy=FAST)
        trusted = with_hooks(store, WebhookEndpoint(url=hook.url, secret=SECRET, ca_file=cert.cert))
        [delivery] = notify_run(store, trusted, run, policy=FAST)
    assert refused.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in (refused.last_error or "")
    assert delivery.status == "delivered" and [r["valid"] for r in hook.requests] == [True]


def test_nothing_is_sent_for_a_run_without_alerts(store: Store) -> None:
    run = sample_run(store, alerts=0)
    with webhook_receiver(SECRET, [200]) as hook:
        assert notify_run(store, with_hooks(store, WebhookEndpoint(hook.url, SECRET)), run) == []
    assert hook.requests == [] and deliveries(store) == []


def test_notify_test_sends_a_test_event(store: Store) -> None:
    with webhook_receiver(SECRET, [200]) as hook:
        settings = with_hooks(store, WebhookEndpoint(url=hook.url, secret=SECRET))
        [delivery] = notify_test(store, settings, actor="admin", policy=FAST)
    assert delivery.status == "delivered" and delivery.run_id is None
    body = json.loads(hook.requests[0]["body"])
    assert body["event"] == "test" and body["alerts"] == [] and body["run_id"] is None
    assert hook.requests[0]["headers"]["X-Aktsam-Event"] == "test"


@pytest.mark.parametrize("status", [502, 503])
def test_server_errors_are_retried(store: Store, status: int) -> None:
    run = sample_run(store)
    with webhook_receiver(SECRET, [status, status, 200]) as hook:
        [delivery] = notify_run(
            store, with_hooks(store, WebhookEndpoint(hook.url, SECRET)), run, policy=FAST
        )
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
