"""One truth for a hit's status: a clearance awaiting four-eyes approval is ``pending`` in the CLI
(``screen --json``), on the screening page, in ``POST /api/screen`` and in ``POST /match`` alike; once
approved, ``cleared`` in all of them. And every one of them warns about stale lists."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aktsam.cli import app as cli_app
from aktsam.cli import context
from aktsam.screening.decisions import approve_hit_decision, pending_decisions
from aktsam.store import Store
from aktsam.store.schema import PartyRow
from tests.web.conftest import ApiTokenFor, Login

NAME = "Hangzhou Hikvision Digital Technology"
PARTY = "P-FOUR-EYES"


def _cli_screen(monkeypatch: pytest.MonkeyPatch, store: Store) -> dict[str, Any]:
    """``aktsam screen NAME --party PARTY --json`` on the test's store (SQLite or PostgreSQL)."""
    monkeypatch.setenv("AKTSAM_HOME", str(store.settings.home))
    monkeypatch.setenv("AKTSAM_DATABASE_URL", store.settings.database_url)
    monkeypatch.setenv("COLUMNS", "240")
    caches = (context.settings, context.store, context.console, context.err_console)
    for cached in caches:
        cached.cache_clear()
    try:
        result = CliRunner().invoke(
            cli_app, ["screen", NAME, "--party", PARTY, "--json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        payload: dict[str, Any] = json.loads(result.stdout)
    finally:
        context.store().close()
        for cached in caches:
            cached.cache_clear()
    return payload


def _page_status(client: TestClient, run_url: str, entity: str) -> str:
    page = client.get(run_url).text
    row = page.split(f'<span class="muted">{entity}</span>', 1)[1].split("</tr>", 1)[0]
    match = re.search(r'<span class="badge [a-z]+ status">([a-z ]+)</span>', row)
    assert match, row
    return match.group(1)


def _statuses(
    client: TestClient,
    token: str,
    monkeypatch: pytest.MonkeyPatch,
    store: Store,
    run_url: str,
    entity: str,
) -> dict[str, str]:
    auth = {"Authorization": f"Bearer {token}"}
    matched = client.post(
        "/match/default",
        json={"queries": {"q": {"id": PARTY, "schema": "Company", "properties": {"name": NAME}}}},
        headers=auth,
    )
    assert matched.status_code == 200, matched.text
    [api_match] = [r for r in matched.json()["responses"]["q"]["results"] if r["id"] == entity]
    screened = client.post("/api/screen", json={"name": NAME, "party_id": PARTY}, headers=auth)
    assert screened.status_code == 200, screened.text
    [api_screen] = [h for h in screened.json()["results"][0]["hits"] if h["entity_id"] == entity]
    cli = _cli_screen(monkeypatch, store)
    [cli_hit] = [h for h in cli["results"][0]["hits"] if h["entity_id"] == entity]
    return {
        "cli": cli_hit["status"],
        "page": _page_status(client, run_url, entity),
        "api-screen": api_screen["status"],
        "match": api_match["status"],
    }


def test_clearance_awaiting_approval_is_pending_everywhere(
    client: TestClient,
    login: Login,
    api_token: ApiTokenFor,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csrf = login("analyst")
    screened = client.post("/screening", data={"csrf_token": csrf, "name": NAME, "party_id": PARTY})
    run_url = str(screened.headers["location"])
    entity = re.search(r'name="entity_id" value="([^"]+)"', client.get(run_url).text)
    assert entity is not None
    entity_id = entity.group(1)

    def decide(decision: str) -> None:
        response = client.post(
            "/screening/decide",
            data={"csrf_token": csrf, "party_id": PARTY, "entity_id": entity_id,
                  "decision": decision, "reason": "registry number checked"},
        )  # fmt: skip
        assert response.status_code == 303, response.text

    token = api_token("analyst")
    decide("confirm")
    assert set(_statuses(client, token, monkeypatch, store, run_url, entity_id).values()) == {
        "confirmed"
    }
    decide("clear")  # the hit was confirmed: this clearance waits for a second person
    statuses = _statuses(client, token, monkeypatch, store, run_url, entity_id)
    assert statuses == {"cli": "pending", "page": "pending approval", "api-screen": "pending",
                        "match": "pending"}  # fmt: skip
    cli = _cli_screen(monkeypatch, store)
    [hit] = [h for h in cli["results"][0]["hits"] if h["entity_id"] == entity_id]
    assert hit["decision"]["decision"] == "confirmed"  # still in force
    assert hit["pending"]["decision"] == "false_positive"
    assert hit["pending"]["status"] == "pending-approval"

    # the decision covers the designation: one pending decision per entry the lists link, approved
    # together
    waiting = pending_decisions(store)
    assert entity_id in {d.entity_id for d in waiting}
    assert len({(d.party_id, d.reason, d.decided_at) for d in waiting}) == 1
    approve_hit_decision(store, waiting[-1].id, approver="approver")
    assert pending_decisions(store) == []
    statuses = _statuses(client, token, monkeypatch, store, run_url, entity_id)
    assert set(statuses.values()) == {"cleared"}, statuses


def test_stale_lists_warn_on_the_page_and_in_match(
    client: TestClient, login: Login, api_token: ApiTokenFor
) -> None:
    """The bundled lists are past their limits: the answers say so, not just "data as of"."""
    csrf = login("analyst")
    screened = client.post("/screening", data={"csrf_token": csrf, "name": NAME, "party_id": "P-S"})
    page = client.get(str(screened.headers["location"])).text
    assert "<strong>WARNING:</strong> list un-sc (published 2026-02-27) is" in page
    assert "past its limit of 7 days" in page
    auth = {"Authorization": f"Bearer {api_token('analyst')}"}
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": NAME}}}}
    matched = client.post("/match/default", json=body, headers=auth).json()
    warnings = {w["source"]: w for w in matched["warnings"]}
    assert warnings["un-sc"]["limit_days"] == 7 and warnings["un-sc"]["age_days"] > 7
    assert set(warnings["un-sc"]) == {"source", "snapshot", "published", "as_of", "age_days",
                                      "limit_days", "message"}  # fmt: skip
    only_un = client.post("/match/un-sc", json=body, headers=auth).json()
    assert [w["source"] for w in only_un["warnings"]] == ["un-sc"]
    screen = client.post("/api/screen", json={"name": NAME}, headers=auth).json()
    assert {w["source"] for w in screen["warnings"]} == set(warnings)
    nothing = client.post(
        "/match/un-sc", params={"exclude_dataset": "un-sc"}, json=body, headers=auth
    )
    assert nothing.status_code == 422  # no list left: never an empty "no match"


def test_sale_check_answer_warns_about_stale_lists(
    client: TestClient, api_token: ApiTokenFor, store: Store
) -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with store.session() as session:
        session.add(PartyRow(id="fjord", name="Fjordvakt AS", kind="company", roles=[],
                             country="NO", region=None, sector=None, end_user_type=None,
                             aliases=[], identifiers={}, website=None, notes=None, created_at=now,
                             updated_at=now))  # fmt: skip
    checked = client.post(
        "/api/sales/check",
        json={"reference": "PO-STALE", "customer_id": "fjord", "destination": "NO",
              "end_use": "office", "products": [{"name": "Cam", "capabilities": []}]},
        headers={"Authorization": f"Bearer {api_token('analyst')}"},
    )  # fmt: skip
    assert checked.status_code == 201, checked.text
    body = checked.json()
    assert body["outcome"] == "clear"  # the interface keeps its outcome key
    un = next(w for w in body["warnings"] if w["source"] == "un-sc")
    assert un["limit_days"] == 7 and "past its limit of 7 days" in un["message"]
