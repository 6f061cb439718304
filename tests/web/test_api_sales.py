"""``POST /api/sales/check`` obeys the register's decisions exactly as the CLI does (one service function):
the demo's wind-down on Hikvision refuses a new Hikvision camera, warranty work stays allowed with the
decision noted, and the answer carries the decisions and list snapshots relied on (issue #9 point 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aktsam.diligence import decisions as dd
from aktsam.diligence.demo import load_demo
from aktsam.settings import Settings
from aktsam.store import open_store
from tests.web.apihome import api_client, copy_home

REASON = "Entity List, FCC Covered List and Council on Ethics findings"


@pytest.fixture(scope="module")
def wound_down(
    bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    home = copy_home(bundled_settings, tmp_path_factory.mktemp("api-sales-home"))
    today = dt.date.today()
    with open_store(home) as store:
        load_demo(store, force=True)
        decision = dd.decide(store, "hikvision", kind="wind-down", rationale=REASON,
                             evidence_ids=["EV-0001", "EV-0006"], actor="ann", effective_on=today,
                             service_until=today.replace(year=today.year + 3))  # fmt: skip
    with api_client(home) as (client, headers):
        yield client, headers, decision.id


def _post(wound_down: tuple[TestClient, dict[str, str], int], **product: Any) -> Any:
    client, headers, _ = wound_down
    response = client.post(
        "/api/sales/check",
        json={"reference": "PO-API-8", "customer_id": "vestfjord-hf", "destination": "NO",
              "end_use": "hospital CCTV", "products": [product]},
        headers={"Authorization": headers["viewer"]},
    )  # fmt: skip
    return response


def test_api_refuses_a_new_sale_under_the_wind_down(
    wound_down: tuple[TestClient, dict[str, str], int],
) -> None:
    response = _post(wound_down, name="Hikvision DS-2CD2143G2-I")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "refused" and not body["may_proceed"]
    decision_id = wound_down[2]
    flag = next(f for f in body["flags"] if f["rule"] == "decision")
    assert f"decision {decision_id} (wind-down, in-force) on hikvision" in flag["source"]
    assert REASON in flag["message"]
    (ref,) = body["decisions"]
    assert (ref["decision_id"], ref["role"], ref["outcome"]) == (decision_id, "maker", "refused")
    assert body["snapshot_ids"] and body["lines"][0]["maker"] == "hikvision"
    stored = wound_down[0].get(f"/api/sales/{body['id']}",
                               headers={"Authorization": wound_down[1]["viewer"]})  # fmt: skip
    assert stored.json()["decisions"] == body["decisions"]


def test_api_allows_warranty_work_with_the_decision_noted(
    wound_down: tuple[TestClient, dict[str, str], int],
) -> None:
    body = _post(wound_down, name="Hikvision DS-2CD2143G2-I", line_kind="warranty").json()
    assert body["outcome"] == "clear" and body["may_proceed"]
    (ref,) = body["decisions"]
    assert ref["outcome"] == "clear" and "allowed as warranty work" in ref["effect"]


def test_api_unknown_line_kind_is_a_clear_error(
    wound_down: tuple[TestClient, dict[str, str], int],
) -> None:
    response = _post(wound_down, name="Hikvision DS-2CD2143G2-I", line_kind="spare-part")
    assert response.status_code in (400, 422)
    assert "line kind must be one of new, service, warranty" in response.text
