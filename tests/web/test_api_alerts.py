"""``GET /api/alerts``, ``/api/alerts/{id}`` and ``/api/monitor/runs`` on alerts raised by a real
monitoring run over the bundled lists: filters, paging, JSON errors naming the field, review state."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktsam.monitoring.service import list_alerts, run_monitoring
from aktsam.store import Store
from tests.monitoring.conftest import publish_un
from tests.web.alertdata import Monitored, monitored_register, un_alert
from tests.web.conftest import ApiTokenFor


@pytest.fixture
def monitored(app: FastAPI, store: Store) -> Monitored:
    return monitored_register(store)


def _get(client: TestClient, headers: dict[str, str], url: str, status: int = 200) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def test_alerts_filters_paging_and_errors(
    client: TestClient, api_token: ApiTokenFor, monitored: Monitored, store: Store
) -> None:
    assert client.get("/api/alerts").status_code == 401
    headers = {"Authorization": f"Bearer {api_token('viewer')}"}
    body = _get(client, headers, "/api/alerts")
    everything = list_alerts(store, limit=1000).items
    assert body["total"] == len(everything) and body["next"] is None
    assert [a["id"] for a in body["items"]] == [a.id for a in everything]
    party, entity = un_alert(monitored, "c-1")
    item = next(a for a in body["items"] if a["party_id"] == party and a["entity_id"] == entity)
    assert item["kind"] == "new-hit" and item["status"] == "open" and item["open"] is True
    assert item["list"] == "un-sc" and item["snapshot_id"] in monitored.run.snapshot_ids
    assert item["score"] >= 0.7 and item["explanation"]["pairs"] and item["party_name"]
    assert item["run_id"] == monitored.run.id and item["origin"] == "register"
    # paging: limit / offset, total and next keep the filters
    seen: list[int] = []
    url: str | None = "/api/alerts?open=true&limit=4"
    while url:
        page = _get(client, headers, url)
        assert page["limit"] == 4 and len(page["items"]) <= 4
        assert page["total"] == sum(1 for a in everything if a.open)
        seen.extend(a["id"] for a in page["items"])
        url = page["next"]
        assert url is None or "open=true" in url
    assert seen == [a.id for a in everything if a.open]
    # filters
    stale = _get(client, headers, "/api/alerts?kind=list-stale")["items"]
    assert stale and {a["kind"] for a in stale} == {"list-stale"}
    assert all(a["party_id"] is None and a["status"] == "open" for a in stale)
    un = _get(client, headers, "/api/alerts?list=un-sc")["items"]
    assert {a["id"] for a in un} == {a.id for a in everything if a.list == "un-sc"}
    mine = _get(client, headers, "/api/alerts?party_id=c-2")["items"]
    assert mine and {a["party_id"] for a in mine} == {"c-2"}
    by_run = _get(client, headers, f"/api/alerts?run_id={monitored.run.id}")
    assert by_run["total"] == len(monitored.run.alerts)
    assert _get(client, headers, "/api/alerts?party_id=s-1")["total"] == 0
    # bad values: 422 naming the field
    for query, field in (("kind=bogus", "kind"), ("list=nope", "list"), ("run_id=x", "run_id"),
                         ("limit=0", "limit"), ("offset=-1", "offset"), ("open=maybe", "open")):  # fmt: skip
        error = _get(client, headers, f"/api/alerts?{query}", 422)["error"]
        assert error["field"] == field, (query, error)
    # one alert; unknown ones are a JSON 404
    one = _get(client, headers, f"/api/alerts/{item['id']}")
    assert one == item
    assert _get(client, headers, "/api/alerts/999999", 404)["error"]["code"] == "not_found"
    # the runs
    runs = _get(client, headers, "/api/monitor/runs")
    assert [r["run_id"] for r in runs] == [monitored.run.id]
    assert runs[0]["status"] == "completed" and runs[0]["mode"] == "full"
    assert runs[0]["snapshot_ids"] == monitored.run.snapshot_ids
    assert runs[0]["counts"]["alerts"] == len(monitored.run.alerts)


def test_review_via_hit_decisions_changes_the_alert(
    client: TestClient, api_token: ApiTokenFor, monitored: Monitored, store: Store
) -> None:
    viewer = {"Authorization": f"Bearer {api_token('viewer')}"}
    analyst = {"Authorization": f"Bearer {api_token('analyst')}"}
    party, entity = un_alert(monitored, "c-1")
    alert = next(
        a for a in _get(client, viewer, "/api/alerts?party_id=c-1")["items"]
        if a["entity_id"] == entity
    )  # fmt: skip
    decision = {
        "party_id": party,
        "entity_id": entity,
        "decision": "clear",
        "reason": "dob differs",
    }
    assert client.post("/api/hits/decisions", json=decision, headers=viewer).status_code == 403
    made = client.post("/api/hits/decisions", json=decision, headers=analyst)
    assert made.status_code == 201, made.text
    after = _get(client, viewer, f"/api/alerts/{alert['id']}")
    assert after["status"] == "reviewed" and after["open"] is False
    assert after["decision"] == "false_positive"
    assert alert["id"] not in {
        a["id"] for a in _get(client, viewer, "/api/alerts?open=true")["items"]
    }
    # the listing changes: the clearance lapses, a changed-listing alert is open
    publish_un(store, change={entity: ["Another Known Alias"]})
    run = run_monitoring(store, store.settings, actor="t", notify=False)
    changed = _get(client, viewer, "/api/alerts?open=true&kind=changed-listing")["items"]
    assert [(a["party_id"], a["entity_id"], a["run_id"]) for a in changed] == [
        (party, entity, run.id)
    ]
    old = _get(client, viewer, f"/api/alerts/{alert['id']}")
    assert old["status"] == "closed" and old["closed_reason"] == "superseded"
