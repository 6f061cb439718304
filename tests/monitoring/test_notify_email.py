"""The e-mail digest against a real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS and implicit
TLS with a throwaway self-signed certificate, login, retries on 4xx, and failures recorded, never raised."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aktsam.monitoring.notify import deliveries, digest, notify_run, notify_test
from aktsam.settings import Settings
from aktsam.store import Store, trail
from tests.monitoring.receivers import FAST, LOOPBACK, free_port, make_cert, sample_run, smtp_server


def mail_settings(store: Store, port: int, **more: object) -> Settings:
    values: dict[str, object] = {
        "smtp_host": LOOPBACK,
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_sender": "aktsam <aktsam@example.org>",
        "notify_email_to": ("compliance@example.org", "kari@example.org"),
        "base_url": "https://aktsam.example.org",
        **more,
    }
    return dataclasses.replace(store.settings, **values)  # type: ignore[arg-type]


def test_one_digest_per_run_with_text_and_html(store: Store) -> None:
    run = sample_run(store)
    with smtp_server() as (port, mailbox):
        sent = notify_run(store, mail_settings(store, port), run, policy=FAST)
    [delivery] = sent
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "delivered", 1)
    assert delivery.target == "compliance@example.org, kari@example.org"
    [(mail_from, rcpt_tos, _)] = mailbox.envelopes
    assert mail_from == "aktsam@example.org"
    assert rcpt_tos == ["compliance@example.org", "kari@example.org"]
    [message] = mailbox.messages()
    assert message["Subject"] == f"aktsam monitoring run {run.id}: 1 new hit, 1 delisting"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    link = f"https://aktsam.example.org/alerts?run={run.id}&status=all"
    for expected in ("1 new hit, 1 delisting (2 in all)", link, "list us-ofac-sdn",
                     "[E-0]", "score 0.93", "[P-0]",
                     "Hangzhou Hikvision matched listed name Hangzhou Hikvision Digital Technology",
                     "list un-sc", "no longer listed"):  # fmt: skip
        assert expected in text, expected
    assert "Hangzhou Hikvision &lt;Digital&gt; &amp; Co" in html  # escaped, not markup
    assert (
        "<Digital>" not in html and link.replace("&", "&amp;") in html and "<td>0.93</td>" in html
    )
    with store.session() as session:
        assert [e.action for e in trail.entries(session, object_type="notification_delivery")] == [
            "notification.queue", "notification.deliver",
        ]  # fmt: skip


def test_starttls_with_login(store: Store, tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    run = sample_run(store)
    with smtp_server(starttls=cert, login=("aktsam", "mail-password")) as (port, mailbox):
        untrusted = mail_settings(store, port, smtp_tls="starttls", smtp_username="aktsam",
                                  smtp_password="mail-password")  # fmt: skip
        [refused] = notify_run(store, untrusted, run, policy=FAST)
        trusted = dataclasses.replace(untrusted, smtp_ca_file=cert.cert)
        [delivery] = notify_run(store, trusted, run, policy=FAST)
    assert refused.status == "failed" and refused.attempts == 1  # a bad certificate is not retried
    assert "CERTIFICATE_VERIFY_FAILED" in (refused.last_error or "")
    assert delivery.status == "delivered"
    assert mailbox.logins == ["aktsam"] and len(mailbox.envelopes) == 1


def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(store: Store) -> None:
    run = sample_run(store)
    with smtp_server() as (port, mailbox):
        settings = mail_settings(store, port, smtp_tls="starttls")
        [delivery] = notify_run(store, settings, run, policy=FAST)
    assert delivery.status == "failed" and "STARTTLS" in (delivery.last_error or "")
    assert mailbox.envelopes == []  # nothing went out in clear text


def test_implicit_tls(store: Store, tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    run = sample_run(store)
    with smtp_server(implicit_tls=cert) as (port, mailbox):
        settings = mail_settings(store, port, smtp_tls="tls", smtp_ca_file=cert.cert)
        [delivery] = notify_run(store, settings, run, policy=FAST)
    assert delivery.status == "delivered" and len(mailbox.envelopes) == 1


def test_wrong_password_fails_without_retrying(store: Store, tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    run = sample_run(store)
    with smtp_server(starttls=cert, login=("aktsam", "right")) as (port, mailbox):
        settings = mail_settings(store, port, smtp_tls="starttls", smtp_ca_file=cert.cert,
                                 smtp_username="aktsam", smtp_password="wrong")  # fmt: skip
        [delivery] = notify_run(store, settings, run, policy=FAST)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert (delivery.last_error or "").startswith("SMTP 535")
    assert mailbox.envelopes == []


def test_a_temporary_refusal_is_retried(store: Store) -> None:
    run = sample_run(store)
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        mailbox.refuse_with = None  # the server recovers

    with smtp_server() as (port, mailbox):
        mailbox.refuse_with = "451 4.3.0 try again later"
        [delivery] = notify_run(store, mail_settings(store, port), run, policy=FAST, sleep=sleep)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert delivery.last_error == "SMTP 451: 4.3.0 try again later" and len(pauses) == 1
    assert len(mailbox.envelopes) == 1


def test_a_permanent_refusal_fails_at_once(store: Store) -> None:
    run = sample_run(store)
    with smtp_server() as (port, mailbox):
        mailbox.refuse_with = "554 5.7.1 rejected"
        [delivery] = notify_run(store, mail_settings(store, port), run, policy=FAST)
    assert (delivery.status, delivery.attempts) == ("failed", 1)


def test_no_mail_server_is_recorded_not_raised(store: Store) -> None:
    run = sample_run(store)
    settings = mail_settings(store, free_port())
    [delivery] = notify_run(store, settings, run, policy=FAST, sleep=lambda s: None)
    assert (delivery.status, delivery.attempts) == ("failed", FAST.attempts)
    assert "ConnectionRefusedError" in (delivery.last_error or "")
    assert deliveries(store, run_id=run.id, status="failed") == [delivery]


def test_test_message(store: Store) -> None:
    with smtp_server() as (port, mailbox):
        [delivery] = notify_test(store, mail_settings(store, port), actor="admin", policy=FAST)
    assert delivery.status == "delivered" and delivery.run_id is None
    [message] = mailbox.messages()
    assert message["Subject"] == "aktsam: test notification"


def test_the_digest_shows_one_designation_once(store: Store) -> None:
    # the OFAC SDN entry and its CSL copy are one designation: the run alerts on each entry, the
    # e-mail shows one line led by the better score, with the other under "also on"
    run = sample_run(store, alerts=1)
    [sdn] = run.alerts
    sdn = dataclasses.replace(
        sdn, list="ofac-sdn", entity_id="ofac-sdn:1", explanation={"designation": "ofac-sdn:1"}
    )
    csl = dataclasses.replace(
        sdn, id=2, list="us-csl", entity_id="us-csl:abc", score=0.91, explanation=sdn.explanation
    )
    other = dataclasses.replace(
        sdn, id=3, entity_id="ofac-sdn:2", score=0.8, explanation={"designation": "ofac-sdn:2"}
    )
    run = dataclasses.replace(run, alerts=[csl, sdn, other])
    text = digest.email_text(store.settings, run)
    assert "Alerts: 2 new hits (3 in all)" in text
    assert text.count("* new-hit") == 2
    assert (
        "list ofac-sdn: HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD. [ofac-sdn:1], score 0.93"
        in text
    )
    assert (
        "also on: us-csl HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD. [us-csl:abc], score 0.91"
        in text
    )
    assert digest.subject(run) == f"aktsam monitoring run {run.id}: 2 new hits"
    html = digest.email_html(store.settings, run)
    assert html.count("<td>new-hit</td>") == 2 and "[us-csl:abc], score 0.91" in html
