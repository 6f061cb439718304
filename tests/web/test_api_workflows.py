"""aktsam's own API endpoints end to end: screening decisions with the token's user as actor, the device
audit upload, the ERP sale check and four-eyes approval of decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aktsam.devices.service import choose_regimes, run_audit
from aktsam.diligence.demo import load_demo
from aktsam.settings import Settings
from aktsam.store import open_store, trail
from tests.web.apihome import api_client, copy_home

ROOT = Path(__file__).resolve().parents[2]
REGIMES = "uk-sensitive-sites-2022,example-org-policy"


@pytest.fixture(scope="module")
def shared(
    bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str], Settings]]:
    home = copy_home(bundled_settings, tmp_path_factory.mktemp("api-workflow-home"))
    with open_store(home) as store:
        load_demo(store, force=True)
    with api_client(home) as (client, auth):
        yield client, auth, home


def _h(shared: tuple[TestClient, dict[str, str], Settings], role: str) -> dict[str, str]:
    return {"Authorization": shared[1][role]}


def test_screen_and_decide_records_the_token_user(
    shared: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client, _, home = shared
    screened = client.post(
        "/api/screen",
        json={"name": "Hikvision", "party_id": "api-crm-1", "schema": "organization"},
        headers=_h(shared, "viewer"),
    )
    assert screened.status_code == 200, screened.text
    hit = screened.json()["results"][0]["hits"][0]
    run = client.get(f"/api/runs/{screened.json()['run_id']}", headers=_h(shared, "viewer"))
    assert run.json()["actor"] == "viewer" and run.json()["kind"] == "api"
    decided = client.post(
        "/api/hits/decisions",
        json={"party_id": "api-crm-1", "entity_id": hit["entity_id"], "decision": "confirm",
              "reason": "same company"},
        headers=_h(shared, "analyst"),
    )  # fmt: skip
    assert decided.status_code == 201, decided.text
    assert decided.json()["actor"] == "analyst"
    listed = client.get("/api/hits/decisions?party=api-crm-1", headers=_h(shared, "viewer"))
    # one decision per entry of the designation (the OFAC entry and its CSL copy): issue #11
    assert [d["actor"] for d in listed.json()] == ["analyst", "analyst"]
    assert hit["entity_id"] in {d["entity_id"] for d in listed.json()}
    with open_store(home) as store, store.session() as session:
        actors = {(e.actor, e.action) for e in trail.entries(session)}
    assert any(actor == "analyst" and action.startswith("hit.") for actor, action in actors)
    again = client.post("/api/screen", json={"name": "Hikvision", "party_id": "api-crm-1"},
                        headers=_h(shared, "viewer"))  # fmt: skip
    statuses = {h["entity_id"]: h["status"] for h in again.json()["results"][0]["hits"]}
    assert statuses[hit["entity_id"]] == "confirmed"
    missing = client.post("/api/screen", json={"schema": "person"}, headers=_h(shared, "viewer"))
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "name"


def test_device_audit_upload(shared: tuple[TestClient, dict[str, str], Settings]) -> None:
    client = shared[0]
    inventory = ROOT / "examples/devices/inventory.csv"
    sites = ROOT / "examples/devices/sites.csv"
    expected = run_audit(
        [inventory], choose_regimes(REGIMES.split(",")), today=__import__("datetime").date(2026, 11, 25),
        sites_file=sites,
    ).result  # fmt: skip

    def upload(fmt: str) -> object:
        return client.post(
            f"/api/devices/audit?format={fmt}",
            files=[("inventory", ("../../etc/passwd.csv", inventory.read_bytes(), "text/csv")),
                   ("sites", ("sites.csv", sites.read_bytes(), "text/csv"))],
            data={"regimes": REGIMES, "today": "2026-11-25"},
            headers=_h(shared, "viewer"),
        )  # fmt: skip

    summary = upload("json")
    assert summary.status_code == 200, summary.text  # type: ignore[attr-defined]
    body = summary.json()  # type: ignore[attr-defined]
    assert body["by_finding"] == dict(expected.by_finding())
    assert body["devices"] == len(expected.devices) and body["balanced"]
    # whom each regime binds; the demo profile (a Nordic integrator) holds none of those capacities
    assert [t["regime"] for t in body["regime_terms"]] == REGIMES.split(",")
    assert all(t["whom"].startswith("binds ") and t["limits"] for t in body["regime_terms"])
    assert body["organisation"] == "declares none of the capacities the regimes bind"
    xlsx = client.get(f"/api/devices/audit/{body['download_id']}/report?format=xlsx",
                      headers=_h(shared, "viewer"))  # fmt: skip
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    other = client.get(f"/api/devices/audit/{body['download_id']}/report",
                       headers=_h(shared, "analyst"))  # fmt: skip
    assert other.status_code == 404
    pdf = upload("pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"  # type: ignore[attr-defined]
    found = client.get("/api/devices/identify?value=DS-2CD2143G2-I", headers=_h(shared, "viewer"))
    assert found.json()["maker"] == "hikvision"


def test_sale_check_for_urumqi_psb_is_refused(
    shared: tuple[TestClient, dict[str, str], Settings],
) -> None:
    client = shared[0]
    checked = client.post(
        "/api/sales/check",
        json={"reference": "PO-API-1", "customer_id": "silkroute", "end_user_id": "urumqi-psb",
              "destination": "CN", "end_use": "city surveillance",
              "products": [{"name": "Cam X", "capabilities": ["facial-recognition"]}]},
        headers=_h(shared, "viewer"),
    )  # fmt: skip
    assert checked.status_code == 201, checked.text
    assert checked.json()["outcome"] == "refused" and not checked.json()["may_proceed"]
    assert all(f["rule"] and f["source"] for f in checked.json()["flags"])


def test_decision_approval_is_four_eyes(
    shared: tuple[TestClient, dict[str, str], Settings],
) -> None:
    """Continuing with a critical-risk party waits for a second person: a supplier on the UFLPA Entity
    List (assessed critical by its floor rule) is created, assessed and decided on through the API."""
    client = shared[0]
    created = client.post(
        "/api/parties",
        json={
            "id": "daqo-xj",
            "name": "Xinjiang Daqo New Energy Co. Ltd.",
            "country": "CN",
            "roles": ["supplier"],
        },
        headers=_h(shared, "analyst"),
    )
    assert created.status_code == 201, created.text
    evidence = client.post(
        "/api/evidence",
        json={
            "party": "daqo-xj",
            "kind": "public-body",
            "title": "UFLPA Entity List addition",
            "publisher": "US DHS",
            "published": "2024-11-22",
        },
        headers=_h(shared, "analyst"),
    )
    assert evidence.status_code == 201, evidence.text
    assessed = client.post("/api/parties/daqo-xj/assess", json={}, headers=_h(shared, "analyst"))
    assert assessed.status_code == 201, assessed.text
    assert assessed.json()["level"] == "critical"
    critical = "daqo-xj"
    decided = client.post(
        f"/api/parties/{critical}/decisions",
        json={
            "kind": "continue",
            "rationale": "sole polysilicon source while we qualify another",
            "evidence_ids": [evidence.json()["id"]],
        },
        headers=_h(shared, "approver"),
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["status"] == "pending-approval" and decision["decided_by"] == "approver"
    same = client.post(f"/api/decisions/{decision['id']}/approve", headers=_h(shared, "approver"))
    assert same.status_code == 422, same.text
    analyst = client.post(f"/api/decisions/{decision['id']}/approve", headers=_h(shared, "analyst"))
    assert analyst.status_code == 403
    other = client.post(f"/api/decisions/{decision['id']}/approve", headers=_h(shared, "admin"))
    assert other.status_code == 200, other.text
    assert other.json()["approved_by"] == "admin" and other.json()["status"] == "in-force"
