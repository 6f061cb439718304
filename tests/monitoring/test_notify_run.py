"""Notifications from real monitoring runs on the bundled lists, and the CLI (``aktsam monitor
notify-test``, ``deliveries``, ``status``), against a real SMTP server and webhook receiver on loopback."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aktsam.cli import app, context
from aktsam.diligence.register import add_party
from aktsam.lists.model import Schema
from aktsam.monitoring.notify import deliveries
from aktsam.monitoring.service import run_monitoring
from aktsam.settings import Settings, WebhookEndpoint
from aktsam.store import Store, trail
from aktsam.store.schema import MonitorRunRow
from tests.monitoring.conftest import un_entities
from tests.monitoring.receivers import LOOPBACK, smtp_server, webhook_receiver

SECRET = "run-webhook-secret-0123456789"


def channels(settings: Settings, port: int, url: str) -> Settings:
    return dataclasses.replace(
        settings, smtp_host=LOOPBACK, smtp_port=port, smtp_tls="none",
        smtp_sender="aktsam@example.org", notify_email_to=("compliance@example.org",),
        webhooks=(WebhookEndpoint(url=url, secret=SECRET),),
    )  # fmt: skip


def test_a_run_with_alerts_sends_one_digest_and_one_post(mstore: Store, home: Settings) -> None:
    person = next(e for e in un_entities(mstore) if e.schema is Schema.PERSON)
    add_party(mstore, "cust-1", person.caption, actor="t", kind="person", roles=["customer"])
    with smtp_server() as (port, mailbox), webhook_receiver(SECRET, [200]) as hook:
        settings = channels(home, port, hook.url)
        run = run_monitoring(mstore, settings, actor="analyst")
        assert any(a.kind == "new-hit" and a.party_id == "cust-1" for a in run.alerts)
        again = run_monitoring(mstore, settings, actor="analyst")  # nothing changed
    assert again.alerts == []
    assert len(mailbox.envelopes) == 1 and len(hook.requests) == 1  # one per run with alerts
    [message] = mailbox.messages()
    assert message["Subject"].startswith(f"aktsam monitoring run {run.id}: ")
    body = hook.requests[0]["json"]
    assert hook.requests[0]["valid"] and body["run_id"] == run.id
    assert body["snapshot_ids"] == run.snapshot_ids
    hit = next(a for a in body["alerts"] if a["entity_id"] == person.id)
    assert hit["party_id"] == "cust-1" and hit["kind"] == "new-hit" and hit["score"] >= 0.7
    assert hit["list"] == "un-sc" and hit["explanation"]
    sent = deliveries(mstore, run_id=run.id)
    assert sorted((d.channel, d.status) for d in sent) == [
        ("email", "delivered"), ("webhook", "delivered"),
    ]  # fmt: skip
    with mstore.session() as session:
        entries = trail.entries(session, object_type="notification_delivery")
        assert {e.actor for e in entries} == {"analyst"}
        assert trail.verify(session).ok


def test_a_failed_notification_leaves_the_run_completed(mstore: Store, home: Settings) -> None:
    person = next(e for e in un_entities(mstore) if e.schema is Schema.PERSON)
    add_party(mstore, "cust-2", person.caption, actor="t", kind="person", roles=["customer"])
    with webhook_receiver(SECRET, [410]) as hook:
        settings = dataclasses.replace(home, webhooks=(WebhookEndpoint(hook.url, SECRET),))
        run = run_monitoring(mstore, settings, actor="t")
    assert run.status == "completed" and run.alerts
    with mstore.session() as session:
        assert session.get(MonitorRunRow, run.id).status == "completed"  # type: ignore[union-attr]
    [delivery] = deliveries(mstore, run_id=run.id)
    assert (delivery.status, delivery.http_status) == ("failed", 410)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("AKTSAM_HOME", str(home))
    monkeypatch.delenv("AKTSAM_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "240")
    for cached in (context.settings, context.store, context.console, context.err_console):
        cached.cache_clear()
    yield home
    context.store().close()
    context.settings.cache_clear()
    context.store.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    context.settings.cache_clear()
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_notify_test_deliveries_and_status(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, output = invoke("monitor", "notify-test")
    assert code == 2 and "no notification channel is configured" in output
    with smtp_server() as (port, mailbox), webhook_receiver(SECRET, [200]) as hook:
        hooks = tmp_path / "webhooks.yml"
        hooks.write_text(f"- {{name: soc, url: '{hook.url}', secret_env: SOC_SECRET}}\n")
        for name, value in {
            "AKTSAM_SMTP_HOST": LOOPBACK, "AKTSAM_SMTP_PORT": str(port), "AKTSAM_SMTP_TLS": "none",
            "AKTSAM_SMTP_SENDER": "aktsam@example.org", "AKTSAM_NOTIFY_EMAIL_TO": "a@example.org",
            "AKTSAM_WEBHOOKS_FILE": str(hooks), "SOC_SECRET": SECRET,
            "AKTSAM_MONITOR_SCHEDULE": "daily@02:30",
        }.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        code, output = invoke("monitor", "notify-test", "--by", "admin")
    assert code == 0, output
    assert "email a@example.org: delivered" in output and f"webhook {hook.url}: delivered" in output
    assert len(mailbox.envelopes) == 1 and hook.requests[0]["json"]["event"] == "test"

    code, output = invoke("monitor", "deliveries", "--json")
    assert code == 0
    assert sorted((d["channel"], d["status"], d["run_id"]) for d in json.loads(output)) == [
        ("email", "delivered", None), ("webhook", "delivered", None),
    ]  # fmt: skip
    # the receiver is gone now: the next test fails, exit 1, and status shows it
    code, output = invoke("monitor", "notify-test")
    assert code == 1 and "FAILED" in output
    code, output = invoke("monitor", "deliveries", "--failed")
    assert code == 0 and "failed" in output
    code, output = invoke("monitor", "status")
    assert code == 0, output
    assert "notifications: email: a@example.org; webhook: soc" in output
    assert "schedule: daily@02:30" in output and "FAILED" in output
    assert "full re-screen: when the last full run is older than 7 days" in output
    code, output = invoke("monitor", "status", "--json")
    assert json.loads(output)["failed_notifications"]
