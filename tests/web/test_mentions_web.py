"""Mentioned in a listing over HTTP: ``POST /api/screen`` returns each party's mentions beside its hits,
and the screening page shows them, from the run record, under their own heading."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aktsam.screening.service import Screener
from aktsam.store import Store
from tests.web.conftest import ApiTokenFor, Login

COMPANY = "Kalashnikov Concern"
OFFICER = "ofac-sdn:18314"  # Aleksander OMELCHENKO, "Chief Export Officer for Kalashnikov Concern"


def test_api_returns_mentions_beside_the_hits(
    client: TestClient, api_token: ApiTokenFor, store: Store
) -> None:
    headers = {"Authorization": f"Bearer {api_token('viewer')}"}
    body = {"name": COMPANY, "schema": "organization", "party_id": "api-m-1"}
    response = client.post("/api/screen", json=body, headers=headers)
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    mentions = result["mentions"]
    assert mentions["searched"] is True and mentions["total"] >= 1
    officer = next(m for m in mentions["items"] if m["entity_id"] == OFFICER)
    assert officer["list"] == "ofac-sdn" and COMPANY in officer["excerpt"]
    assert officer["field"] == "remarks" and officer["schema"] == "person"
    assert OFFICER not in {h["entity_id"] for h in result["hits"]}
    # the service gives the same
    screener = Screener.open(store.settings, store=store)
    direct = screener.screen(COMPANY, schema="organization", record=False, mentions=True)
    assert mentions["items"] == [m.to_dict() for m in direct.results[0].mentions.items]
    # asked not to, the API says they were not searched
    off = client.post("/api/screen", json={**body, "mentions": False}, headers=headers).json()
    assert off["results"][0]["mentions"] == {
        "searched": False,
        "note": "mentions were not searched",
        "items": [],
        "total": 0,
    }


def test_screening_page_shows_mentions(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    response = client.post(
        "/screening", data={"csrf_token": csrf, "name": COMPANY, "party_id": "web-m-1"}
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    assert '<section id="mentions"' in page and "Mentioned in listings" in page
    section = page.split('<section id="mentions"', 1)[1].split("</section>", 1)[0]
    assert OFFICER in section and "OMELCHENKO" in section and "not matches" in section
    generic = client.post(
        "/screening", data={"csrf_token": csrf, "name": "Trading", "party_id": "web-m-2"}
    )
    text = client.get(generic.headers["location"]).text
    assert 'id="mentions-note"' in text and "too few or too generic" in text
