"""Device audit pages: upload the example inventory and sites, findings, plan, downloads."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from aktsam.devices.regimes import bundled_regimes
from aktsam.store import Store, trail
from tests.web.conftest import ClientFactory, Login

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"


def _upload(client: TestClient, csrf: str) -> str:
    files = [
        ("inventories", ("inventory.csv", (EXAMPLES / "inventory.csv").read_bytes(), "text/csv")),
        ("sites", ("sites.csv", (EXAMPLES / "sites.csv").read_bytes(), "text/csv")),
    ]
    regimes = sorted(bundled_regimes())
    response = client.post("/devices", data={"csrf_token": csrf, "regimes": regimes}, files=files)
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert re.fullmatch(r"/devices/audit/[0-9a-f]{16}", location)
    return location


def test_form_for_viewer_and_analyst(
    client: TestClient, login: Login, make_client: ClientFactory
) -> None:
    csrf = login("viewer")
    assert "Run audit" not in client.get("/devices").text
    files = [("inventories", ("inventory.csv", b"x", "text/csv"))]
    assert client.post("/devices", data={"csrf_token": csrf}, files=files).status_code == 403
    analyst = make_client()
    login("analyst", analyst)
    page = analyst.get("/devices").text
    assert '<label for="inventories">Inventory files</label>' in page
    assert '<label for="sites">Sites file</label>' in page
    for regime in bundled_regimes():
        assert f'<label for="regime-{regime}">{regime}</label>' in page


def test_audit_findings_and_downloads(client: TestClient, login: Login, store: Store) -> None:
    csrf = login("analyst")
    location = _upload(client, csrf)
    page = client.get(location)
    assert page.status_code == 200
    text = page.text
    assert "restricted" in text and "Evidence" in text and "Total cost" in text
    for link in ("Download XLSX report", "Download PDF report", "Download HTML report",
                 "Download CSV"):  # fmt: skip
        assert link in text
    xlsx = client.get(f"{location}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    html = client.get(f"{location}/report.html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    csv = client.get(f"{location}/report.csv")
    assert csv.status_code == 200 and "device_id" in csv.text.splitlines()[0]
    pdf = client.get(f"{location}/report.pdf")
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
    assert client.get(f"{location}/report.exe").status_code == 404
    assert client.get("/devices/audit/not-an-id").status_code == 404
    with store.session() as session:
        assert [e.action for e in trail.entries(session, object_type="device_audit")] == [
            "devices.audit"
        ]
    dashboard = client.get("/").text
    assert 'From <a href="/devices/audit/' in dashboard
    assert location.rsplit("/", 1)[1] in client.get("/devices").text


def test_audit_needs_a_regime(client: TestClient, login: Login) -> None:
    csrf = login("analyst")
    files = [
        ("inventories", ("inventory.csv", (EXAMPLES / "inventory.csv").read_bytes(), "text/csv"))
    ]
    response = client.post("/devices", data={"csrf_token": csrf}, files=files)
    assert response.status_code == 422
    assert 'role="alert"' in response.text


def test_profile_declaration_chooses_regimes_and_is_shown(
    client: TestClient, login: Login, store: Store
) -> None:
    """With no regime ticked, the audit applies the regimes the organisation profile declares, and the
    findings page says whom each binds and whether it binds this organisation."""
    (store.settings.home / "profile.yml").write_text(
        "restriction_regimes:\n  capacities: [uk-central-government-department]\n  apply: []\n",
        encoding="utf-8",
    )
    csrf = login("analyst")
    form = client.get("/devices").text
    assert 'value="uk-sensitive-sites-2022" checked' in form
    assert 'value="us-ndaa-889" checked' not in form
    assert "declares uk-central-government-department" in form
    files = [
        ("inventories", ("inventory.csv", (EXAMPLES / "inventory.csv").read_bytes(), "text/csv")),
        ("sites", ("sites.csv", (EXAMPLES / "sites.csv").read_bytes(), "text/csv")),
    ]
    response = client.post("/devices", data={"csrf_token": csrf}, files=files)
    assert response.status_code == 303, response.text
    page = client.get(str(response.headers["location"])).text
    assert "regimes uk-sensitive-sites-2022." in page
    assert "binds this organisation (as UK central government department)" in page
    assert "to confirm" in page
