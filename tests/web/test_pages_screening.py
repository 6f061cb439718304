"""Screening pages: screen a name, explanation, clear / confirm with a reason, four eyes, history."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from aktsam.store import Store, trail
from tests.web.conftest import ClientFactory, Login, csrf_from

NAME = "Hangzhou Hikvision Digital Technology"


def _screen(client: TestClient, csrf: str, name: str = NAME, party: str = "P-HIK") -> str:
    response = client.post("/screening", data={"csrf_token": csrf, "name": name, "party_id": party})
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert re.fullmatch(r"/screening\?run=\d+", location)
    return location


def _first_entity(html: str) -> str:
    match = re.search(r'name="entity_id" value="([^"]+)"', html)
    assert match, "no hit on the page"
    return str(match.group(1))


def _decide(client: TestClient, csrf: str, entity: str, decision: str, run_url: str) -> str:
    run = run_url.split("=")[1]
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": "P-HIK", "entity_id": entity,
              "decision": decision, "reason": "checked the registry number", "run": run},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    return str(page.text)


def test_viewer_reads_but_cannot_screen(client: TestClient, login: Login) -> None:
    csrf = login("viewer")
    page = client.get("/screening")
    assert page.status_code == 200
    assert "<h1>Screening</h1>" in page.text
    assert client.post("/screening", data={"csrf_token": csrf, "name": "x"}).status_code == 403
    assert client.get("/screening/party/P-1").status_code == 200


def test_forms_need_the_csrf_token(client: TestClient, login: Login) -> None:
    login("analyst")
    response = client.post("/screening", data={"name": NAME})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_screen_explain_clear_and_trail(client: TestClient, login: Login, store: Store) -> None:
    csrf = login("analyst")
    form = client.get("/screening").text
    for text in ('<label for="screen-name">Name</label>', ">Screen</button>",
                 '<label for="parties-file">Parties file</label>', ">Screen file</button>"):  # fmt: skip
        assert text in form
    run_url = _screen(client, csrf)
    page = client.get(run_url).text
    assert "<summary>Explain</summary>" in page
    assert "Matched alias" in page and "Aligned tokens" in page and "Qualifiers" in page
    assert "Clear as false positive" in page and "Confirm match" in page
    entity = _first_entity(page)
    after = _decide(client, csrf, entity, "clear", run_url)
    assert "cleared" in after
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="hit")]
    # the clearance covers the designation: its OFAC entry and the CSL's copy (issue #11)
    assert actions == ["hit.false_positive", "hit.false_positive"]
    history = client.get("/screening/party/P-HIK").text
    assert entity in history and "checked the registry number" in history


def test_reason_is_required(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    run_url = _screen(client, csrf)
    entity = _first_entity(client.get(run_url).text)
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": "P-HIK", "entity_id": entity, "decision": "clear",
              "reason": " "},
    )  # fmt: skip
    assert response.status_code == 422
    assert 'role="alert"' in response.text


def test_four_eyes_on_clearing_a_confirmed_hit(
    client: TestClient, login: Login, make_client: ClientFactory, store: Store
) -> None:
    csrf = login("analyst")
    run_url = _screen(client, csrf)
    entity = _first_entity(client.get(run_url).text)
    assert "confirmed" in _decide(client, csrf, entity, "confirm", run_url)
    page = _decide(client, csrf, entity, "clear", run_url)
    assert "pending approval" in page
    approvals = client.get("/approvals").text
    assert entity in approvals
    hit_id = re.search(r'action="/approvals/hit/(\d+)"', approvals)
    assert hit_id is None  # an analyst sees no Approve button
    # the analyst cannot approve at all (role), the approver can — but not their own request
    from aktsam.screening.decisions import pending_decisions

    pending = pending_decisions(store)[0]
    assert client.post(f"/approvals/hit/{pending.id}", data={"csrf_token": csrf}).status_code == 403

    approver = make_client()
    approver_csrf = login("approver", approver)
    own_run = _screen(approver, approver_csrf)
    _decide(approver, approver_csrf, entity, "clear", own_run)  # second pending, by the approver
    own = pending_decisions(store)[-1]
    assert own.actor == "approver"
    refused = approver.post(f"/approvals/hit/{own.id}", data={"csrf_token": approver_csrf})
    assert refused.status_code == 303
    shown = approver.get(refused.headers["location"]).text
    assert "needs an approver other than approver" in shown and 'role="alert"' in shown

    approver_page = approver.get("/approvals").text
    assert (
        f'action="/approvals/hit/{pending.id}"' in approver_page
        and ">Approve</button>" in approver_page
    )
    done = approver.post(f"/approvals/hit/{pending.id}", data={"csrf_token": approver_csrf})
    assert done.status_code == 303
    assert "Approved" in approver.get(done.headers["location"]).text
    page = client.get(run_url).text
    assert "cleared" in page
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="hit")]
    # each decision covers the designation's two entries (OFAC and the CSL's copy: issue #11)
    assert actions[:6] == ["hit.confirmed"] * 2 + ["hit.pending"] * 4
    assert actions[-2:] == ["hit.approve"] * 2


def test_screen_a_file(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    content = f"id,name\nP-1,{NAME}\nP-2,Nobody In Particular Ltd\n".encode()
    response = client.post(
        "/screening/file",
        data={"csrf_token": csrf},
        files={"parties": ("parties.csv", content, "text/csv")},
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    assert "2 parties screened" in page
    assert csrf_from(page)


def test_dashboard_counts_open_hits_until_decided(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    run_url = _screen(client, csrf)
    entity = _first_entity(client.get(run_url).text)
    assert f"~ {entity}" in client.get("/").text
    _decide(client, csrf, entity, "clear", run_url)
    assert f"~ {entity}" not in client.get("/").text


def test_results_say_which_list_data_they_rest_on(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    response = client.post("/screening", data={"csrf_token": csrf, "name": "Hikvision"})
    page = client.get(response.headers["location"]).text
    assert 'id="data-as-of">list data as of ' in page and "us-csl undated" in page
