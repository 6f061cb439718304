"""The Alerts page and the dashboard's monitoring card, on alerts raised by a real monitoring run over
the bundled lists; review goes through the screening page's hit decisions (four eyes included)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktsam.monitoring import run as run_module
from aktsam.monitoring.service import (
    alert_counts,
    list_alert_groups,
    list_alerts,
    run_monitoring,
)
from aktsam.screening.decisions import pending_decisions
from aktsam.store import Store
from aktsam.web.pages import alerts as alerts_page
from tests.monitoring.conftest import publish_un
from tests.web.alertdata import Monitored, monitored_register, un_alert
from tests.web.conftest import ClientFactory, Login


@pytest.fixture
def monitored(app: FastAPI, store: Store) -> Monitored:
    """(``app`` first: it puts the cached matching index in place.)"""
    return monitored_register(store)


def _ids(html: str) -> list[int]:
    """Every alert on the page: the rows' and those under "also on" (the same designation)."""
    return [int(n) for n in re.findall(r'<(?:tr|li) id="alert-(\d+)">', html)]


def _rows(html: str) -> list[int]:
    """The alert leading each row: one row per designation."""
    return [int(n) for n in re.findall(r'<tr id="alert-(\d+)">', html)]


def _decide(
    client: TestClient, csrf: str, party: str, entity: str, decision: str, back: str
) -> str:
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": party, "entity_id": entity, "decision": decision,
              "reason": "date of birth differs from the register", "next": back},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert location.startswith(back + "&msg="), location
    page = client.get(location)
    assert page.status_code == 200
    return str(page.text)


def test_dashboard_counts_and_last_run(
    client: TestClient, login: Login, monitored: Monitored, store: Store
) -> None:
    login("viewer")
    html = client.get("/").text
    counts = alert_counts(store)
    assert counts["new-hit"] >= 3 and counts["total"] == sum(
        counts[k] for k in ("new-hit", "changed-listing", "delisted", "list-stale")
    )
    assert "Monitoring alerts" in html
    assert f'<strong id="open-alerts">{counts["total"]}</strong>' in html
    for kind in ("new-hit", "changed-listing", "delisted", "list-stale"):
        assert f'<a href="/alerts?status=open&amp;kind={kind}">{kind}</a>' in html
        assert f'data-kind="{kind}">{counts[kind]}</span>' in html
    run = monitored.run
    last = re.search(r'<p id="last-monitor-run">(.*?)</p>', html, re.S)
    assert last is not None
    text = last.group(1)
    assert f"run {run.id}" in text and "full" in text and "completed" in text
    assert ", ".join(str(i) for i in run.snapshot_ids) in text
    assert f"{len(run.alerts)} alerts raised" in text
    # the dashboard's link opens the filtered page with exactly that many alerts
    page = client.get("/alerts?status=open&kind=new-hit").text
    assert f"of {counts['new-hit']} alert" in page
    assert set(re.findall(r'<span class="badge bad kind">([a-z-]+)</span>', page)) == {"new-hit"}


def test_failed_run_is_visible(
    client: TestClient,
    login: Login,
    monitored: Monitored,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("matcher crashed")

    monkeypatch.setattr(run_module, "screen_chunk", broken)
    with pytest.raises(RuntimeError):
        run_monitoring(store, store.settings, actor="t", notify=False, full=True)
    login("viewer")
    html = client.get("/").text
    last = re.search(r'<p id="last-monitor-run">(.*?)</p>', html, re.S)
    assert last is not None and "failed" in last.group(1) and "matcher crashed" in last.group(1)
    runs = client.get("/alerts").text
    assert 'run-status">failed</span>' in runs and 'run-status">completed</span>' in runs


def test_filters_and_paging(
    client: TestClient,
    login: Login,
    monitored: Monitored,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login("viewer")
    everything = list_alerts(store, limit=1000).items
    page = client.get("/alerts")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Alerts</h1>" in html and 'aria-current="page">Alerts</a>' in html
    assert "<summary>Explain</summary>" in html and "Aligned tokens" in html
    # one row per designation, newest first; every open alert is on the page once
    groups = list_alert_groups(store, open_only=True, limit=alerts_page.PAGE_SIZE).items
    assert _rows(html) == [g.lead.id for g in groups]
    firsts = [max(a.id for a in g.alerts) for g in groups]
    assert firsts == sorted(firsts, reverse=True)
    assert sorted(_ids(html)) == sorted(a.id for a in everything if a.open)
    # the explanation, list, snapshot, score and entity of an alert are on the page
    party, entity = un_alert(monitored, "c-1")
    alert = next(a for a in everything if a.party_id == party and a.entity_id == entity)
    row = html[html.index(f'<tr id="alert-{alert.id}">') :]
    row = row[: row.index("</tr>")]
    assert entity in row and "un-sc" in row and f"snapshot {alert.snapshot_id}" in row
    assert f"{alert.score:.3f}" in row and "new-hit" in row and ">open</span>" in row
    # filters: kind, list, party, run, status
    stale = client.get("/alerts?kind=list-stale").text
    assert {a.id for a in everything if a.kind == "list-stale"} == set(_ids(stale)) != set()
    un = client.get("/alerts?status=all&list=un-sc").text
    assert set(_ids(un)) == {a.id for a in everything if a.list == "un-sc"}
    mine = client.get("/alerts?status=all&party=c-2").text
    assert set(_ids(mine)) == {a.id for a in everything if a.party_id == "c-2"} != set()
    by_run = client.get(f"/alerts?status=all&run={monitored.run.id}").text
    assert set(_ids(by_run)) == {a.id for a in monitored.run.alerts}
    assert "No open alerts match these filters" in client.get("/alerts?party=s-1").text
    # paging keeps the filters
    monkeypatch.setattr(alerts_page, "PAGE_SIZE", 4)
    seen: list[int] = []
    url: str | None = "/alerts?status=all"
    while url:
        html = client.get(url).text
        seen.extend(_ids(html))
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert url is None or "status=all" in url
    assert sorted(seen) == sorted(a.id for a in everything) and len(set(seen)) == len(seen)
    # bad filter values are errors naming the field
    for query, field in (("kind=bogus", "kind"), ("list=nope", "list"), ("run=x", "run"),
                         ("status=closed", "status"), ("page=0", "page")):  # fmt: skip
        bad = client.get(f"/alerts?{query}")
        assert bad.status_code == 422, query
        assert f"field &#39;{field}&#39;" in bad.text or f"field '{field}'" in bad.text, bad.text
    assert client.get("/alerts/999999").status_code == 404
    one = client.get(f"/alerts/{alert.id}")
    assert one.status_code == 200 and _ids(one.text) == [alert.id]


def test_viewer_cannot_decide(
    client: TestClient, login: Login, monitored: Monitored, store: Store
) -> None:
    csrf = login("viewer")
    html = client.get("/alerts").text
    assert "Clear as false positive" not in html and "An analyst reviews this hit." in html
    party, entity = un_alert(monitored, "c-1")
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": party, "entity_id": entity, "decision": "clear",
              "reason": "x", "next": "/alerts"},
    )  # fmt: skip
    assert response.status_code == 403
    assert all(a.status == "open" for a in list_alerts(store, party_id=party, limit=100).items)


def test_review_through_the_hit_decisions(
    client: TestClient,
    login: Login,
    make_client: ClientFactory,
    monitored: Monitored,
    store: Store,
) -> None:
    csrf = login("analyst")
    page = client.get("/alerts?party=c-1").text
    assert "Clear as false positive" in page and 'name="next" value="/alerts?status=open' in page
    party, entity = un_alert(monitored, "c-1")
    alert = next(a for a in list_alerts(store, party_id=party).items if a.entity_id == entity)
    back = "/alerts?status=open&party=c-1&page=1"
    after = _decide(client, csrf, party, entity, "clear", back)
    assert f"{entity}: cleared." in after
    assert alert.id not in _ids(after)  # no longer open
    everything = client.get(f"/alerts/{alert.id}").text
    assert ">reviewed</span>" in everything and "cleared as false positive" in everything
    # an off-site "next" is ignored: back to the party's history
    other = un_alert(monitored, "c-3")
    response = client.post(
        "/screening/decide",
        data={"csrf_token": csrf, "party_id": other[0], "entity_id": other[1],
              "decision": "confirm", "reason": "same person", "next": "//evil.example/"},
    )  # fmt: skip
    assert response.headers["location"].startswith("/screening/party/c-3")
    # four eyes: clearing a confirmed hit stays pending (and open) until an approver approves it
    party2, entity2 = un_alert(monitored, "c-2")
    alert2 = next(a for a in list_alerts(store, party_id=party2).items if a.entity_id == entity2)
    back2 = "/alerts?status=all&party=c-2&page=1"
    _decide(client, csrf, party2, entity2, "confirm", back2)
    assert "confirmed match" in client.get(f"/alerts/{alert2.id}").text
    pending_page = _decide(client, csrf, party2, entity2, "clear", back2)
    assert "pending approval by another person" in pending_page
    assert "a clearance awaits approval" in client.get(f"/alerts/{alert2.id}").text
    assert alert2.id in _ids(client.get("/alerts?party=c-2").text)  # still needs review
    approver = make_client()
    approver_csrf = login("approver", approver)
    waiting = next(d for d in pending_decisions(store) if d.party_id == party2)
    done = approver.post(f"/approvals/hit/{waiting.id}", data={"csrf_token": approver_csrf})
    assert done.status_code == 303, done.text
    assert alert2.id not in _ids(client.get("/alerts?party=c-2").text)
    assert ">reviewed</span>" in client.get(f"/alerts/{alert2.id}").text


def test_changed_listing_and_delisting_on_the_page(
    client: TestClient, login: Login, monitored: Monitored, store: Store
) -> None:
    csrf = login("analyst")
    party, entity = un_alert(monitored, "c-1")
    _decide(client, csrf, party, entity, "clear", "/alerts?status=open&page=1")
    gone = monitored.persons[1]
    publish_un(store, change={entity: ["Another Known Alias"]}, remove={gone.id})
    run_monitoring(store, store.settings, actor="t", notify=False)
    html = client.get("/alerts?status=all").text
    changed = client.get("/alerts?kind=changed-listing").text
    assert len(_ids(changed)) == 1 and entity in changed and ">open</span>" in changed
    assert "Clear as false positive" in changed  # the lapsed clearance is reviewed again
    delisted = client.get("/alerts?status=all&kind=delisted").text
    assert gone.id in delisted and ">information</span>" in delisted
    assert "Nothing to decide" in delisted
    assert "superseded" in html and "delisted" in html
