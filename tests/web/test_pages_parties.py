"""Parties and due diligence pages on the demo register: graph, assessment, four-eyes decisions,
requests, the Transparency Act account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from aktsam.diligence import decisions, register
from aktsam.diligence.demo import load_demo
from aktsam.store import Store
from tests.web.conftest import ClientFactory, Login


@pytest.fixture
def demo(store: Store) -> Store:
    load_demo(store)
    return store


def test_register_and_party_page(client: TestClient, login: Login, demo: Store) -> None:
    login("viewer")
    listing = client.get("/parties")
    assert listing.status_code == 200 and "Hikvision" in listing.text
    brands = client.get("/parties?role=brand").text
    assert "/parties/ezviz" in brands and '/parties/dahua"' not in brands
    page = client.get("/parties/hikvision")
    assert page.status_code == 200
    svg = re.search(r"<svg class=\"graph\".*?</svg>", page.text, re.S)
    assert svg, "no relations graph"
    assert 'role="img"' in svg.group(0)
    for other in ("cethik", "ezviz", "hilook"):
        assert f'href="/parties/{other}"' in svg.group(0)
    assert "Assess now" not in page.text  # a viewer cannot assess
    assert client.get("/parties/nobody").status_code == 404


def test_assess_now(
    client: TestClient, login: Login, make_client: ClientFactory, demo: Store
) -> None:
    viewer = make_client()
    viewer_csrf = login("viewer", viewer)
    assert (
        viewer.post("/parties/cethik/assess", data={"csrf_token": viewer_csrf}).status_code == 403
    )
    csrf = login("analyst")
    response = client.post("/parties/cethik/assess", data={"csrf_token": csrf})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Assessed:" in page and "Latest:" in page
    assert '<th scope="col">Factor</th>' in page


def test_continue_with_a_critical_party_waits_for_approval(
    client: TestClient, login: Login, make_client: ClientFactory, demo: Store
) -> None:
    csrf = login("analyst")
    # a supplier on the UFLPA Entity List: critical by its floor rule
    register.add_party(demo, "daqo-xj", "Xinjiang Daqo New Energy Co. Ltd.", actor="test",
                       country="CN", roles=["supplier"])  # fmt: skip
    register.add_evidence(demo, party="daqo-xj", kind="public-body", actor="test",
                          title="UFLPA Entity List addition", publisher="US DHS")  # fmt: skip
    assert (
        "critical"
        in client.get(
            client.post("/parties/daqo-xj/assess", data={"csrf_token": csrf}).headers["location"]
        ).text
    )
    evidence = register.evidence_for(demo, "daqo-xj")[0].id
    form = {"csrf_token": csrf, "kind": "continue", "rationale": "no alternative supplier yet",
            "evidence_ids": evidence, "effective_on": dt.date.today().isoformat()}  # fmt: skip
    response = client.post("/parties/daqo-xj/decisions", data=form)
    assert response.status_code == 303, response.text
    assert "pending approval" in client.get(response.headers["location"]).text
    pending = decisions.all_decisions(demo, status=decisions.PENDING)
    assert [d.party_id for d in pending] == ["daqo-xj"]
    assert "daqo-xj" in client.get("/approvals").text

    approver = make_client()
    approver_csrf = login("approver", approver)
    done = approver.post(f"/approvals/decision/{pending[0].id}", data={"csrf_token": approver_csrf})
    assert done.status_code == 303
    assert decisions.current_decision(demo, "daqo-xj") is not None


def test_actions_and_requests(client: TestClient, login: Login, demo: Store) -> None:
    csrf = login("analyst")
    due = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    added = client.post(
        "/parties/hikvision/actions",
        data={"csrf_token": csrf, "title": "Ask for the audit", "owner": "analyst", "due_on": due},
    )
    assert added.status_code == 303
    page = client.get("/parties/hikvision").text
    assert "Ask for the audit" in page and "overdue" in page
    received = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    made = client.post(
        "/requests",
        data={"csrf_token": csrf, "requester": "A journalist", "question": "Do you use Hikvision?",
              "received_on": received},
    )  # fmt: skip
    assert made.status_code == 303
    page = client.get("/requests").text
    assert "A journalist" in page and "overdue" in page
    request_id = re.search(r'action="/requests/(\d+)/answer"', page)
    assert request_id
    answered = client.post(
        f"/requests/{request_id.group(1)}/answer", data={"csrf_token": csrf, "answer": "Yes."}
    )
    assert answered.status_code == 303
    dashboard = client.get("/").text
    assert "Ask for the audit" in dashboard


def test_transparency_downloads(client: TestClient, login: Login, demo: Store) -> None:
    login("viewer")
    page = client.get("/reports/transparency")
    assert page.status_code == 200 and "Download PDF" in page.text
    year = dt.date.today().year
    choice = client.get(f"/reports/transparency/download?year={year}&fmt=html")
    assert choice.headers["location"] == f"/reports/transparency/{year}.html"
    html = client.get(f"/reports/transparency/{year}.html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    pdf = client.get(f"/reports/transparency/{year}.pdf")
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
    else:  # no Pango on this machine: a clear error, not a crash
        assert pdf.status_code in (422, 500), pdf.text
