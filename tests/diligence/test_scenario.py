"""The whole due-diligence path once, on the demo register: load → add evidence → assess Hikvision →
decide a wind-down with actions → complete an action → receive and answer an information request →
build the annual account, and check every figure in it against the register."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from aktsam.diligence import transparency as tr
from aktsam.diligence.assessment import assess
from aktsam.diligence.decisions import ActionSpec, all_decisions, complete_action, decide
from aktsam.diligence.demo import example_dir, load_demo
from aktsam.diligence.followup import due_items
from aktsam.diligence.register import add_evidence
from aktsam.diligence.requests import answer_request, on_time_stats, receive_request
from aktsam.screening.service import Screener
from aktsam.settings import Settings
from aktsam.store import Store, open_store, trail
from aktsam.store.schema import ActionRow, DecisionRow, EvidenceRow, InfoRequestRow, PartyRow
from tests.diligence.test_transparency import recount

# Decisions and evidence are stamped with the time they are recorded, so the account is for this year;
# every other date in the scenario is a parameter inside it.
YEAR = dt.datetime.now(dt.UTC).year
ACTOR = "compliance"


@pytest.fixture(scope="module")
def screener(
    pristine_bundled_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Screener]:
    """Screening against a private copy of the bundled home (lists and index); the register itself is
    the test's own empty ``store`` (the shared home may hold other tests' parties)."""
    home = tmp_path_factory.mktemp("scenario") / "home"
    shutil.copytree(pristine_bundled_home, home)
    settings = Settings.for_home(Path(home))
    store = open_store(settings)
    opened = Screener(store, settings)
    opened.index()
    yield opened
    store.close()


def example_rows(name: str) -> list[dict[str, str]]:
    with (example_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def with_role(role: str) -> int:
    return sum(1 for row in example_rows("parties.csv") if role in row["roles"].split(";"))


def test_full_path_to_the_annual_account(store: Store, screener: Screener) -> None:
    settings = store.settings

    # 1. the demo register
    loaded = load_demo(store, actor="demo", year=YEAR)
    assert loaded.imported.parties.added == 48

    # 2. new evidence
    finding = add_evidence(
        store, party="hikvision", kind="internal", topic="surveillance", actor=ACTOR,
        title="Customer audit: Hikvision cameras at a hospital emergency ward",
        publisher="Nordvakt Sikkerhet AS", published=dt.date(YEAR, 1, 8),
        quote="summary: invented scenario finding",
    )  # fmt: skip
    assert finding.id == "EV-0020"

    # 3. the assessment
    assessment = assess(store, settings, "hikvision", as_of=dt.date(YEAR, 1, 10), actor="analyst",
                        screener=screener)  # fmt: skip
    assert assessment.level in ("high", "critical")
    assert finding.id in assessment.evidence_ids

    # 4. wind-down: no new sales, warranty service to a date, with evidence and actions
    service_until = dt.date(YEAR + 2, 12, 31)
    decision = decide(
        store, "hikvision", kind="wind-down", actor=ACTOR, effective_on=dt.date(YEAR, 1, 12),
        rationale="Entity List, FCC Covered List and our own audit: stop new sales of Hikvision; keep "
        "warranty service for installed devices until the end of the service period.",
        evidence_ids=["EV-0001", "EV-0004", "EV-0006", finding.id], service_until=service_until,
        review_on=dt.date(YEAR, 12, 1),
        actions=[
            ActionSpec("Tell affected customers", "sales", dt.date(YEAR, 3, 1)),
            ActionSpec("Replace Hikvision recorders at hospitals", "service", dt.date(YEAR + 1, 6, 30)),
        ],
    )  # fmt: skip
    assert decision.status == "in-force" and decision.service_until == service_until
    assert len(decision.actions) == 2
    assert decision.warnings  # some warranties run past the service period (equipment.csv)

    # 5. follow-up: the first action is due, and gets done
    due = due_items(store, dt.date(YEAR, 2, 20), within_days=30)
    assert any("Tell affected customers" in str(item) for item in due)
    first = next(a for a in decision.actions if a.title == "Tell affected customers")
    complete_action(store, first.id, done_on=dt.date(YEAR, 2, 1), actor=ACTOR,
                    result="18 customers told; 3 asked for replacement quotes")  # fmt: skip

    # 6. an information request, answered within three weeks
    request = receive_request(store, received_on=dt.date(YEAR, 1, 5), requester="A journalist",
                              question="Do you still sell Hikvision cameras?", actor=ACTOR,
                              party_id="hikvision")  # fmt: skip
    answer_request(store, request.id, answered_on=dt.date(YEAR, 1, 19), actor=ACTOR,
                   answer="No new sales since January; see our wind-down decision.")  # fmt: skip

    # 7. the annual account
    profile = tr.load_profile(settings.home / "profile.yml")
    account = tr.build_account(
        store, year=YEAR, profile=profile, signed_on=dt.date(YEAR + 1, 5, 20)
    )
    f = account.figures

    # every figure against the register
    assert f.flat() == {**f.flat(), **recount(store, YEAR)}
    assert (f.parties, f.suppliers, f.customers) == (
        47,
        with_role("supplier"),
        with_role("customer"),
    )
    assert (f.assessed_parties, f.high_risk_parties) == (1, 1)
    assert f.critical_risk_parties == (1 if assessment.level == "critical" else 0)
    adverse_in_example = [r for r in example_rows("evidence.csv") if r["stance"] == "adverse"]
    assert f.adverse_evidence == len(adverse_in_example) + 1
    assert f.decisions == 1 and f.decisions_by_kind == (("wind-down", 1),)
    assert (f.actions_done, f.actions_open, f.actions_overdue) == (1, 1, 0)
    assert f.requests == tr.RequestStats(received=1, answered=1, answered_on_time=1, answered_late=0,
                                         answered_within_three_weeks=1, refused=0, open=0)  # fmt: skip
    theirs = on_time_stats(store, YEAR)  # the requests module's own count agrees
    assert (theirs.received, theirs.answered_on_time, theirs.answered_late, theirs.open) == (
        1,
        1,
        0,
        0,
    )
    assert [d.id for d in all_decisions(store)] == [x.id for x in account.decisions]

    with store.session() as session:
        adverse_ids = {e.id for e in session.scalars(
            sa.select(EvidenceRow).where(EvidenceRow.stance == "adverse"))}  # fmt: skip
        adverse_parties = {e.party_id for e in session.scalars(
            sa.select(EvidenceRow).where(EvidenceRow.stance == "adverse"))}  # fmt: skip
        assert session.scalar(sa.select(sa.func.count()).select_from(DecisionRow)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(ActionRow)) == 2
        assert session.scalar(sa.select(sa.func.count()).select_from(InfoRequestRow)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(PartyRow)) == 48
        verified = trail.verify(session)
        assert verified.ok, verified

    # § 5 b: impacts on people from the evidence's topics; compliance facts (FCC, NS-CMIC, UK) are not
    # impacts, and the organisation's own evidence is counted, not cited (the profile names EV-0019 only)
    with store.session() as session:
        rows = {e.id: e for e in session.scalars(sa.select(EvidenceRow))}
    cited = {
        e for e in adverse_ids | set(assessment.evidence_ids) | set(decision.evidence_ids)
        if rows[e].kind not in ("internal", "audit-result", "supplier-answer") or e == "EV-0019"
        if e in decision.evidence_ids or (rows[e].topic or "").removeprefix("actual:")
        in ("surveillance", "end-use", "working-conditions")
    }  # fmt: skip
    assert {s.id for s in account.sources} == cited and f.evidence_cited == len(cited)
    assert "EV-0004" in cited and "EV-0007" not in cited  # FCC in the decision; NS-CMIC nowhere
    assert finding.id in account.internal.withheld and "EV-0016" in account.internal.withheld
    assert {i.party_id for i in account.impacts} == adverse_parties - {"nordvakt"}
    hik = [i for i in account.impacts if i.party_id == "hikvision"]
    assert {i.impact for i in hik} >= {"surveillance"}
    assert all(i.level == assessment.level and i.significant for i in hik)
    assert [i.party_id for i in account.actual_impacts] == ["kabelvest"]
    assert {i.party_id for i in account.significant_risks} == {"hikvision"}
    assert (
        account.decisions[0].kind == "wind-down"
        and account.decisions[0].service_until == service_until
    )
    assert [a.result for a in account.actions_done] == [
        "18 customers told; 3 asked for replacement quotes"
    ]  # the demo profile publishes action results, not owners
    assert [(a.owner, a.due_on) for a in account.actions_open] == [(None, dt.date(YEAR + 1, 6, 30))]

    # changes since last year: the register was empty then
    assert [c.party_id for c in account.changes.newly_high_risk] == ["hikvision"]
    assert account.changes.figure("requests_received").delta == 1
    assert account.changes.figure("parties").previous == 0

    html = tr.render_html(account)
    for text in ("§ 5 a)", "§ 5 b)", "§ 5 c)", "avvikling", "Ingrid Solberg", "LOV-2021-06-18-99",
                 service_until.isoformat(), f"{YEAR + 1}-06-30"):  # fmt: skip
        assert text in html, text
