"""The web Lists page's Update button obeys the roll-back rule of the lists service."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import aktsam.web.pages.lists as lists_page
from aktsam.lists import update as list_update
from aktsam.lists.snapshots import current_snapshots, import_list
from aktsam.settings import Settings
from aktsam.store import Store, trail
from tests.web.conftest import Login


def test_update_serving_an_older_un_file_is_refused(
    client: TestClient,
    login: Login,
    store: Store,
    lists_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    current = import_list(store, lists_dir / "un-sc-consolidated" / "UN_consolidated.xml", "un-sc")

    def stale_mirror(url: str, dest: Path) -> None:  # serves the 2024 file
        shutil.copy(lists_dir / "un-sc-consolidated" / "un_consolidated.xml", dest)

    def update(store: Store, settings: Settings, **kwargs: Any) -> list[list_update.UpdateResult]:
        return list_update.update_lists(store, settings, ["un-sc"], fetch=stale_mirror, **kwargs)

    monkeypatch.setattr(lists_page, "update_lists", update)
    csrf = login("admin")
    response = client.post("/lists/update", data={"csrf_token": csrf})
    assert response.status_code == 303
    shown = client.get(response.headers["location"]).text
    assert "un-sc: failed" in shown and "older un-sc publication" in shown
    assert [s.id for s in current_snapshots(store, ["un-sc"])] == [current.snapshot.id]
    with store.session() as session:
        assert [e.action for e in trail.entries(session, object_type="snapshot")] == ["list.import"]
