"""Dashboard, lists, audit trail and approvals pages; navigation; speed on the demo data."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from aktsam.diligence.demo import load_demo
from aktsam.lists import update as list_update
from aktsam.lists.bundled import ensure_bundled
from aktsam.store import Store
from aktsam.web.pages import lists as lists_page
from tests.web.conftest import ClientFactory, Login

NAV = (
    "Dashboard",
    "Screening",
    "Alerts",
    "Devices",
    "Parties",
    "Lists",
    "Approvals",
    "Audit trail",
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/screening",
        "/alerts",
        "/devices",
        "/parties",
        "/lists",
        "/approvals",
        "/audit",
        "/requests",
        "/reports/transparency",
    ],
)
def test_every_page_renders_for_a_viewer(client: TestClient, login: Login, path: str) -> None:
    login("viewer")
    page = client.get(path)
    assert page.status_code == 200, page.text
    html = page.text
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    for label in NAV:
        assert f">{label}</a>" in html
    assert ">Log out</button>" in html
    assert html.count("<h1") == 1


def test_dashboard_cards(client: TestClient, login: Login) -> None:
    login("viewer")
    html = client.get("/").text
    for card in ("Open hits", "Overdue items", "Restricted devices", "List freshness"):
        assert card in html
    assert "Not yet available" not in html


def test_audit_trail_page(client: TestClient, login: Login, store: Store) -> None:
    login("viewer")
    html = client.get("/audit").text
    assert "intact" in html
    assert "user.add" in html or "user" in html
    filtered = client.get("/audit?object_type=user&object_id=viewer")
    assert filtered.status_code == 200


def test_lists_status_diff_and_update(
    client: TestClient, login: Login, make_client: ClientFactory, store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ensure_bundled(store)
    viewer_csrf = login("viewer")
    page = client.get("/lists").text
    assert "Show diff" in page
    assert "current" in page or "stale" in page
    assert ">Update</button>" not in page
    assert client.post("/lists/update", data={"csrf_token": viewer_csrf}).status_code == 403
    snap = page.split('<option value="', 1)[1].split('"', 1)[0]
    same = client.get(f"/lists?old={snap}&new={snap}")
    assert same.status_code == 200 and "0 added, 0 removed, 0 changed" in same.text

    def offline(*args: object, **kwargs: object) -> list[object]:
        raise list_update.DownloadError("network unreachable")

    monkeypatch.setattr(lists_page, "update_lists", offline)
    admin = make_client()
    csrf = login("admin", admin)
    assert ">Update</button>" in admin.get("/lists").text
    response = admin.post("/lists/update", data={"csrf_token": csrf})
    assert response.status_code == 303
    shown = admin.get(response.headers["location"]).text
    assert "The update failed" in shown and "network unreachable" in shown
    assert 'role="alert"' in shown


def test_pages_are_fast_on_the_demo(
    client: TestClient, login: Login, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each main page renders well under a second on the demo register (target: 200 ms)."""
    load_demo(store)
    ensure_bundled(store)
    login("viewer")
    paths = ["/", "/screening", "/devices", "/parties", "/parties/hikvision", "/lists",
             "/approvals", "/audit", "/requests", "/reports/transparency"]  # fmt: skip
    timings: dict[str, float] = {}
    for path in paths:
        assert client.get(path).status_code == 200  # warm-up
        start = time.perf_counter()
        for _ in range(3):
            assert client.get(path).status_code == 200
        timings[path] = (time.perf_counter() - start) / 3 * 1000
    with capsys.disabled():
        print(f"\npage timings ({store.engine.dialect.name}, ms): "
              + ", ".join(f"{p} {t:.0f}" for p, t in timings.items()))  # fmt: skip
    assert max(timings.values()) < 1000, timings
