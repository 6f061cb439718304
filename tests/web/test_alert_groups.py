"""One alert per designation on the alerts page, ``aktsam alerts list``, ``GET
/api/alerts/by-designation`` and the dashboard counts, from a REAL monitoring run over the bundled lists:
a customer named as an OFAC SDN entry is alerted on the SDN entry and on its copy in the Consolidated
Screening List; the lists link them, so they are one designation, shown once with "also on"."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aktsam.diligence.register import add_party
from aktsam.lists.bundled import ensure_bundled
from aktsam.monitoring.model import Alert
from aktsam.monitoring.service import (
    alert_counts,
    group_alerts,
    list_alert_groups,
    list_alerts,
    run_monitoring,
)
from aktsam.store import Store
from tests.web.conftest import ApiTokenFor, Login

PARTY = "d-1"
SDN, CSL = "ofac-sdn:2686", "us-csl:2686"  # Hasan NASRALLAH: the SDN entry and its CSL copy


@pytest.fixture
def alerted(app: FastAPI, store: Store) -> list[Alert]:
    """The alerts of a first monitoring run on a register of one customer named as SDN 2686 and
    one supplier no list names (``app`` first: it puts the cached matching index in place)."""
    ensure_bundled(store)
    add_party(store, PARTY, "Hasan NASRALLAH", actor="t", kind="person", roles=["customer"])
    add_party(store, "s-1", "Acme Widgets Norge AS", actor="t", roles=["supplier"])
    run = run_monitoring(store, store.settings, actor="t", notify=False)
    assert run.status == "completed"
    return [a for a in run.alerts if a.party_id == PARTY]


def _pair(alerts: list[Alert]) -> tuple[Alert, Alert]:
    by_entity = {a.entity_id: a for a in alerts if a.kind == "new-hit" and a.entity_id}
    assert SDN in by_entity and CSL in by_entity, sorted(by_entity)
    return by_entity[SDN], by_entity[CSL]


def test_the_sdn_entry_and_its_csl_copy_are_one_alert(alerted: list[Alert], store: Store) -> None:
    sdn, csl = _pair(alerted)
    # monitoring names the designation on each entry's alert, and the two name the same one
    assert sdn.explanation["designation"] == csl.explanation["designation"] == SDN
    entries = list_alerts(store, party_id=PARTY, limit=100)
    page = list_alert_groups(store, party_id=PARTY, limit=100)
    assert page.alerts == entries.total and page.total < entries.total
    [group] = [g for g in page.items if g.designation == SDN]
    assert {a.entity_id for a in group.alerts} >= {SDN, CSL}
    # best score first, then alert id; the group's status is its members' (all open here)
    scores = [a.score or 0.0 for a in group.alerts]
    assert scores == sorted(scores, reverse=True) and all(a.score for a in group.alerts)
    assert group.lead is group.alerts[0] and group.status == "open" and group.open
    # no alert is lost or shown twice
    ids = [a.id for g in page.items for a in g.alerts]
    assert sorted(ids) == sorted(a.id for a in entries.items) and len(set(ids)) == len(ids)
    # a grouped page counts designations: one per page takes every listing of it along
    first = list_alert_groups(store, party_id=PARTY, limit=1)
    assert len(first.items) == 1 and first.total == page.total


def test_alerts_without_a_designation_stay_apart(alerted: list[Alert]) -> None:
    sdn, csl = _pair(alerted)
    # as recorded before designations were named
    bare = [dataclasses.replace(a, explanation={}) for a in (sdn, csl)]
    assert [len(g.alerts) for g in group_alerts(bare)] == [1, 1]
    assert [g.designation for g in group_alerts(bare)] == [None, None]


def test_page_shows_the_designation_once_and_one_decision_reviews_it(
    client: TestClient, login: Login, alerted: list[Alert], store: Store
) -> None:
    _pair(alerted)
    csrf = login("analyst")
    html = client.get(f"/alerts?party={PARTY}").text
    rows = re.findall(r'<tr id="alert-(\d+)">', html)
    groups = list_alert_groups(store, party_id=PARTY, open_only=True, limit=100)
    assert len(rows) == groups.total  # one row per designation
    [group] = [g for g in groups.items if g.designation == SDN]
    assert str(group.lead.id) in rows and str(group.also[0].id) not in rows
    also = html.split(f'<tr id="alert-{group.lead.id}">', 1)[1].split("</tr>", 1)[0]
    assert "The same designation, also on:" in also
    for member in group.also:
        assert f'<li id="alert-{member.id}">' in also and member.entity_id in also
    assert groups.alerts > groups.total
    plural = "" if groups.total == 1 else "s"
    count = f"of {groups.total} alert{plural}, newest first, one per designation ({groups.alerts} listed"
    assert count in html
    # the dashboard counts what the page lists
    assert alert_counts(store)["new-hit"] == sum(
        g.lead.kind == "new-hit" for g in list_alert_groups(store, open_only=True, limit=1000).items
    )
    # clearing the row's entity records the decision on every entry of the designation: all reviewed
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": PARTY, "entity_id": group.lead.entity_id,
              "decision": "clear", "reason": "born 1980, the listed person 1960", "next": "/alerts"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    after = list_alert_groups(store, party_id=PARTY, limit=100)
    [done] = [g for g in after.items if g.designation == SDN]
    assert done.status == "reviewed" and not done.open
    assert {a.status for a in done.alerts} == {"reviewed"}
    assert str(group.lead.id) not in re.findall(
        r'<tr id="alert-(\d+)">', client.get(f"/alerts?party={PARTY}").text
    )


def test_api_and_cli_give_the_same_groups(
    client: TestClient,
    api_token: ApiTokenFor,
    alerted: list[Alert],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pair(alerted)
    headers = {"Authorization": f"Bearer {api_token('viewer')}"}
    response = client.get(f"/api/alerts/by-designation?party_id={PARTY}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    page = list_alert_groups(store, party_id=PARTY, limit=50)
    assert body["total"] == page.total and body["alerts"] == page.alerts
    assert [[a["id"] for a in g["alerts"]] for g in body["items"]] == [
        [a.id for a in g.alerts] for g in page.items
    ]
    assert any(g["designation"] == SDN and len(g["alerts"]) >= 2 for g in body["items"])
    # paging counts designations
    one = client.get(f"/api/alerts/by-designation?party_id={PARTY}&limit=1", headers=headers).json()
    assert len(one["items"]) == 1
    assert one["next"] == (
        f"/api/alerts/by-designation?party_id={PARTY}&limit=1&offset=1" if page.total > 1 else None
    )
    # the per-entry listing is unchanged
    entries = client.get(f"/api/alerts?party_id={PARTY}&limit=500", headers=headers).json()
    assert entries["total"] == page.alerts

    from aktsam.cli import app, context

    monkeypatch.setenv("AKTSAM_HOME", str(store.settings.home))
    monkeypatch.setenv("AKTSAM_DATABASE_URL", store.settings.database_url)
    context.settings.cache_clear()
    context.store.cache_clear()
    try:
        runner = CliRunner()
        grouped = runner.invoke(app, ["alerts", "list", "--party", PARTY, "--json"])
        assert grouped.exit_code == 0, grouped.output
        assert json.loads(grouped.stdout)["items"] == [g.to_dict() for g in page.items]
        by_entry = runner.invoke(app, ["alerts", "list", "--party", PARTY, "--by-entry", "--json"])
        assert json.loads(by_entry.stdout)["total"] == page.alerts
        table = runner.invoke(app, ["alerts", "list", "--party", PARTY])
        assert table.exit_code == 0, table.output
        assert f"of {page.total} (one per designation; {page.alerts} listed entries" in " ".join(
            table.stdout.split()
        )
    finally:
        context.settings.cache_clear()
        context.store.cache_clear()
