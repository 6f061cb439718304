"""What a notification says: the JSON body of a webhook and the text and HTML of the e-mail digest.

Both are built from the :class:`~aktsam.monitoring.model.MonitorRun` alone (no database read), so what
was sent is exactly what the run recorded. The JSON body is the run as ``aktsam monitor run --json``
prints it (``run_id``, ``snapshot_ids``, ``counts``, ``alerts`` with ``party_id``, ``entity_id``,
``list``, ``kind``, ``score``, ``explanation`` …) plus ``event``, ``by_kind``, ``url`` and
``aktsam_version``. The e-mail lists at most :data:`MAX_EMAIL_ALERTS` alerts and says how many more
there are; the web page and the webhook carry all of them.

The e-mail shows one line per designation (:func:`aktsam.monitoring.alerts.group_alerts`): the
entries the lists link as one designation (an OFAC entry and its CSL copy, a UK entry and the UN
designation it implements), which the run alerts on entry by entry, are one line, led by the
best-scoring entry, with the others under "also on". Its counts are of those lines. The webhook keeps
every entry, each naming its designation in ``explanation.designation``.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from html import escape
from typing import Any

import aktsam
from aktsam.monitoring.alerts import group_alerts
from aktsam.monitoring.model import Alert, AlertGroup, MonitorRun
from aktsam.settings import Settings

MAX_EMAIL_ALERTS = 200
KIND_ORDER = ("new-hit", "changed-listing", "delisted", "list-stale")
KIND_LABELS = {
    "new-hit": ("new hit", "new hits"),
    "changed-listing": ("changed listing", "changed listings"),
    "delisted": ("delisting", "delistings"),
    "list-stale": ("stale list", "stale lists"),
}


def run_url(settings: Settings, run_id: int | None) -> str | None:
    """The alerts page of a run in the web application, when ``AKTSAM_BASE_URL`` is set."""
    if not settings.base_url:
        return None
    return f"{settings.base_url}/alerts" + (
        f"?run={run_id}&status=all" if run_id is not None else ""
    )


def by_kind(alerts: list[Alert]) -> dict[str, int]:
    """Alert counts per kind, in the usual order (kinds without alerts left out)."""
    counts = Counter(a.kind for a in alerts)
    ordered = [k for k in KIND_ORDER if k in counts] + sorted(set(counts) - set(KIND_ORDER))
    return {kind: counts[kind] for kind in ordered}


def _also_on(group: AlertGroup) -> str:
    return "; ".join(f"{a.list} {_what(a)}, score {_score(a)}" for a in group.also)


def _count_text(counts: dict[str, int]) -> str:
    parts = []
    for kind, n in counts.items():
        one, many = KIND_LABELS.get(kind, (kind, kind))
        parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "no alerts"


def short_explanation(alert: Alert, limit: int = 300) -> str:
    """One line on why the alert was raised: its message and, for a match, which name met which."""
    parts = [alert.message.strip()] if alert.message and alert.message.strip() else []
    query, listed = alert.explanation.get("query"), alert.explanation.get("listed")
    if isinstance(query, dict) and isinstance(listed, dict) and listed.get("name"):
        kind = f" ({listed['kind']})" if listed.get("kind") else ""
        parts.append(f"{query.get('name')!s} matched listed name {listed['name']!s}{kind}")
    text = "; ".join(parts) or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_body(settings: Settings, run: MonitorRun) -> bytes:
    """The exact bytes POSTed (and signed): compact UTF-8 JSON with sorted keys."""
    payload: dict[str, Any] = {
        **run.to_dict(),
        "event": "monitor.run",
        "by_kind": by_kind(run.alerts),
        "url": run_url(settings, run.id),
        "aktsam_version": aktsam.__version__,
    }
    return _encode(payload)


def probe_body(settings: Settings, at: datetime) -> bytes:
    """The body of ``aktsam monitor notify-test``: the same shape as a run's, no run and no alerts."""
    return _encode(
        {
            "event": "test",
            "run_id": None,
            "snapshot_ids": [],
            "counts": {},
            "by_kind": {},
            "alerts": [],
            "sent_at": at.astimezone(UTC).isoformat(),
            "url": run_url(settings, None),
            "aktsam_version": aktsam.__version__,
        }
    )


def probe_email(settings: Settings) -> tuple[str, str, str]:
    """Subject, text and HTML of the test e-mail."""
    url = run_url(settings, None)
    text = (
        "This is a test message from aktsam (`aktsam monitor notify-test`).\n"
        "Digests of monitoring runs will come from this address.\n"
        + (f"Alerts page: {url}\n" if url else "")
    )
    link = f'<p><a href="{escape(url)}">{escape(url)}</a></p>' if url else ""
    html = f"<html><body><p>This is a test message from aktsam.</p>{link}</body></html>"
    return "aktsam: test notification", text, html


def subject(run: MonitorRun) -> str:
    if run.status == "failed":
        return f"aktsam monitoring run {run.id} FAILED"
    groups = group_alerts(run.alerts)
    return f"aktsam monitoring run {run.id}: {_count_text(by_kind([g.lead for g in groups]))}"


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _who(alert: Alert) -> str:
    party = alert.party_name or "-"
    return f"{party} [{alert.party_id}]" if alert.party_id else party


def _what(alert: Alert) -> str:
    entity = alert.entity_caption or "-"
    return f"{entity} [{alert.entity_id}]" if alert.entity_id else entity


def _score(alert: Alert) -> str:
    return "-" if alert.score is None else f"{alert.score:.2f}"


def email_text(settings: Settings, run: MonitorRun) -> str:
    """The plain-text digest."""
    url = run_url(settings, run.id)
    groups = group_alerts(run.alerts)
    counts = by_kind([g.lead for g in groups])
    lines = [
        f"aktsam monitoring run {run.id} ({run.mode}), {run.status}, finished {_when(run.finished_at)}",
        f"List snapshots used: {', '.join(map(str, run.snapshot_ids)) or '-'}",
        f"Alerts: {_count_text(counts)} ({len(run.alerts)} in all)",
    ]
    if run.error:
        lines.append(f"Error: {run.error}")
    if url:
        lines += ["", f"Review them: {url}"]
    for group in groups[:MAX_EMAIL_ALERTS]:
        alert = group.lead
        lines += [
            "",
            f"* {alert.kind}: {_who(alert)}",
            f"  list {alert.list}: {_what(alert)}, score {_score(alert)}",
        ]
        if group.also:
            lines.append(f"  also on: {_also_on(group)}")
        lines.append(f"  {short_explanation(alert)}")
    if len(groups) > MAX_EMAIL_ALERTS:
        more = len(groups) - MAX_EMAIL_ALERTS
        lines += ["", f"… and {more} more alerts (see the alerts page or `aktsam alerts list`)."]
    lines += ["", "Alerts are reviewed through the hit decisions (clear / confirm) in aktsam."]
    return "\n".join(lines) + "\n"


def email_html(settings: Settings, run: MonitorRun) -> str:
    """The HTML alternative: the same content as :func:`email_text`, as a table."""
    url = run_url(settings, run.id)
    link = f'<p><a href="{escape(url)}">{escape(url)}</a></p>' if url else ""
    groups = group_alerts(run.alerts)
    counts = by_kind([g.lead for g in groups])
    rows = "".join(
        "<tr>"
        f"<td>{escape(g.lead.kind)}</td><td>{escape(_who(g.lead))}</td><td>{escape(g.lead.list)}</td>"
        f"<td>{escape(_what(g.lead))}</td><td>{escape(_score(g.lead))}</td>"
        f"<td>{escape(_also_on(g) or '-')}</td><td>{escape(short_explanation(g.lead))}</td>"
        "</tr>"
        for g in groups[:MAX_EMAIL_ALERTS]
    )
    more = len(groups) - MAX_EMAIL_ALERTS
    more_html = f"<p>… and {more} more alerts.</p>" if more > 0 else ""
    count_items = "".join(f"<li>{escape(kind)}: {n}</li>" for kind, n in counts.items())
    error = f"<p><strong>Error:</strong> {escape(run.error)}</p>" if run.error else ""
    return (
        "<html><body>"
        f"<h2>aktsam monitoring run {run.id}</h2>"
        f"<p>{escape(run.mode)}, {escape(run.status)}, finished {escape(_when(run.finished_at))}; "
        f"list snapshots {escape(', '.join(map(str, run.snapshot_ids)) or '-')}</p>"
        f"{error}<ul>{count_items}</ul>{link}"
        '<table border="1" cellpadding="4" cellspacing="0">'
        "<tr><th>kind</th><th>party</th><th>list</th><th>entity</th><th>score</th><th>also on</th>"
        "<th>why</th></tr>"
        f"{rows}</table>{more_html}"
        "<p>Alerts are reviewed through the hit decisions (clear / confirm) in aktsam.</p>"
        "</body></html>"
    )


__all__ = [
    "MAX_EMAIL_ALERTS",
    "by_kind",
    "email_html",
    "email_text",
    "probe_body",
    "probe_email",
    "run_url",
    "short_explanation",
    "subject",
    "webhook_body",
]
