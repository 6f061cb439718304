"""``aktsam decide / decisions / actions / followup / requests / sales`` end to end."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from aktsam.settings import Settings
from aktsam.store import open_store
from aktsam.store.schema import EvidenceRow, PartyRow
from tests.cli.conftest import Invoke

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def _seed(settings: Settings) -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    ids = {"hik": f"hik-{tag}", "nordic": f"nordic-{tag}", "ev": f"EV-{tag}"}
    with open_store(settings) as store, store.session() as s:
        for key, name, country in (("hik", "Hikvision", "CN"), ("nordic", "Fjordvakt AS", "NO")):
            s.add(PartyRow(id=ids[key], name=name, kind="company", roles=[], country=country,
                           region=None, sector=None, end_user_type=None, aliases=[], identifiers={},
                           website=None, notes=None, created_at=NOW, updated_at=NOW))  # fmt: skip
        s.flush()
        s.add(EvidenceRow(id=ids["ev"], party_id=ids["hik"], kind="ngo-report", topic=None,
                          stance="adverse", title="t", publisher=None, url=None, published=None,
                          author=None, quote=None, added_by="t", added_at=NOW))  # fmt: skip
    return ids


def test_decide_actions_and_followup(cli: Invoke, bundled_settings: Settings) -> None:
    ids = _seed(bundled_settings)
    bad = cli("decide", ids["hik"], "--kind", "wind-down", "--rationale", "r", "--effective",
              "2026-01-10", "--evidence", "EV-missing", "--service-until", "2027-01-01")  # fmt: skip
    assert bad.exit_code == 2 and "EV-missing" in bad.stderr
    made = cli("decide", ids["hik"], "--kind", "wind-down", "--rationale", "replace cameras",
               "--evidence", ids["ev"], "--effective", "2026-01-10", "--service-until", "2027-01-01",
               "--action", "replace lobby cameras|bob|2026-02-01", "--by", "ann", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    decision = json.loads(made.stdout)
    assert decision["status"] == "in-force" and decision["actions"][0]["owner"] == "bob"
    listed = cli("decisions", "list", ids["hik"], "--json")
    assert [d["id"] for d in json.loads(listed.stdout)] == [decision["id"]]
    approve = cli("decisions", "approve", str(decision["id"]), "--by", "bob")
    assert approve.exit_code == 2 and "not awaiting approval" in approve.stderr
    due = cli("followup", "--as-of", "2026-02-05", "--json")
    mine = [i for i in json.loads(due.stdout) if i["party_id"] == ids["hik"]]
    assert [(i["kind"], i["overdue"]) for i in mine] == [("action", True)]
    action_id = decision["actions"][0]["id"]
    done = cli(
        "actions", "done", str(action_id), "--on", "2026-02-04", "--result", "done", "--by", "bob"
    )
    assert done.exit_code == 0, done.stderr
    assert json.loads(cli("actions", "list", ids["hik"], "--open", "--json").stdout) == []


def test_requests_cli(cli: Invoke) -> None:
    added = cli("requests", "add", "--received", "2026-03-02", "--requester", "Journalist",
                "--question", "Suppliers?", "--json")  # fmt: skip
    request = json.loads(added.stdout)
    assert request["deadline"] == "2026-03-23"
    too_far = cli("requests", "extend", str(request["id"]), "--until", "2026-05-03", "--reason",
                  "volume", "--notified", "2026-03-10")  # fmt: skip
    assert too_far.exit_code == 2 and "two months" in too_far.stderr
    late = cli("requests", "answer", str(request["id"]), "--on", "2026-03-30", "--answer", "see report",
               "--json")  # fmt: skip
    assert late.exit_code == 0 and json.loads(late.stdout)["status"] == "answered"
    again = cli("requests", "answer", str(request["id"]), "--answer", "x")
    assert again.exit_code == 2 and "already answered" in again.stderr
    assert cli("requests", "list", "--overdue", "--as-of", "2026-03-24").exit_code == 0


def test_sales_cli_exit_codes_and_approval(cli: Invoke, bundled_settings: Settings) -> None:
    ids = _seed(bundled_settings)
    clear = cli("sales", "check", "--reference", "PO-1", "--customer", ids["nordic"], "--destination",
                "NO", "--end-use", "office", "--product", "Cam:video-recording")  # fmt: skip
    assert clear.exit_code == 0, clear.stdout + clear.stderr
    licence = cli("sales", "check", "--reference", "PO-2", "--customer", ids["hik"], "--destination",
                  "NO", "--end-use", "resale", "--product", "Cam", "--by", "ann", "--json")  # fmt: skip
    assert licence.exit_code == 3
    check = json.loads(licence.stdout)
    assert "us-entity-list" in {f["rule"] for f in check["flags"]}
    same = cli("sales", "approve", str(check["id"]), "--note", "licence", "--by", "ann")
    assert same.exit_code == 2 and "four eyes" in same.stderr
    ok = cli("sales", "approve", str(check["id"]), "--note", "BIS licence D123456", "--by", "bob")
    assert ok.exit_code == 0 and "approved by bob" in ok.stdout
    refused = cli("sales", "check", "--reference", "PO-3", "--customer", ids["nordic"],
                  "--destination", "CN", "--end-use", "Xinjiang police", "--end-user-type", "police",
                  "--product", "Cam:facial-recognition")  # fmt: skip
    assert refused.exit_code == 1 and "xinjiang-region" in refused.stdout
