"""The annual account (åpenhetsloven § 5): every figure recounted from the register, changes since last
year, the HTML's headings and signature block, the PDF, and the second template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.diligence import transparency as tr
from aktsam.diligence.demo import example_dir, load_demo
from aktsam.errors import InputError
from aktsam.store import Store
from aktsam.store.schema import (
    ActionRow,
    AssessmentRow,
    DecisionRow,
    EvidenceRow,
    InfoRequestRow,
    PartyRow,
    QuestionnaireRow,
)

YEAR = 2026
UTC = dt.UTC


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _assessment(
    party: str, as_of: str, level: str, score: float, evidence: list[str]
) -> AssessmentRow:
    return AssessmentRow(
        party_id=party, assessed_at=at(d(as_of)), assessed_by="analyst", as_of=d(as_of),
        level=level, score=score, method="test",
        factors=[{"name": "List hit", "points": score, "evidence_ids": evidence},
                 {"name": "Nothing", "points": 0, "evidence_ids": []}],
        review_on=None,
    )  # fmt: skip


def _decision(
    party: str, kind: str, on: str, status: str, evidence: list[str], **extra: Any
) -> DecisionRow:
    return DecisionRow(
        party_id=party, kind=kind, scope=["sales"], rationale=f"{kind} because of <b>evidence</b>",
        evidence_ids=evidence, assessment_id=None, decided_by="compliance", decided_at=at(d(on)),
        effective_on=d(on), review_on=None, approved_by=None, approved_at=None, status=status,
        service_until=extra.get("service_until"),
    )  # fmt: skip


def _request(received: str, answered: str | None, status: str) -> InfoRequestRow:
    day = d(received)
    return InfoRequestRow(
        received_on=day, requester="Journalist", question="What do you do about Hikvision?",
        party_id="hikvision", deadline=day + dt.timedelta(weeks=3),
        answered_on=d(answered) if answered else None, answer="See our account" if answered else None,
        refusal_ground="clearly unreasonable" if status == "refused" else None, status=status,
    )  # fmt: skip


def populate(session: Session) -> None:
    """Two years of due diligence on top of the demo register, every date chosen."""
    for party in session.scalars(sa.select(PartyRow)):
        party.created_at = at(d("2025-01-15"))
    for row in session.scalars(sa.select(EvidenceRow)):
        row.added_at = at(d("2026-02-01") if row.id in ("EV-0016", "EV-0018") else d("2025-03-01"))
    session.add_all(
        [
            _assessment("hikvision", "2025-06-01", "medium", 40, ["EV-0001"]),
            _assessment("hikvision", "2026-03-01", "high", 150, ["EV-0001", "EV-0004"]),
            _assessment("dahua", "2025-05-01", "high", 120, ["EV-0002"]),
            _assessment("dahua", "2026-04-01", "medium", 60, ["EV-0002"]),
            _assessment("urumqi-psb", "2026-02-01", "critical", 300, ["EV-0003", "EV-0010"]),
            _assessment("axis", "2026-02-01", "low", 5, []),
            _assessment("lts", "2027-01-10", "high", 100, []),  # after the year: not counted
        ]
    )
    engage = _decision("hikvision", "engage", "2025-09-01", "superseded", ["EV-0001"])
    wind_down = _decision("hikvision", "wind-down", "2026-05-01", "in-force", ["EV-0001", "EV-0006"],
                          service_until=d("2028-12-31"))  # fmt: skip
    stop = _decision("dahua", "stop-new-purchases", "2026-06-01", "in-force", ["EV-0002"])
    session.add_all([engage, wind_down, stop])
    session.flush()
    session.add_all(
        [
            ActionRow(party_id="hikvision", decision_id=wind_down.id, title="Tell customers",
                      owner="sales", due_on=d("2026-06-30"), done_on=d("2026-06-15"),
                      result="18 customers told", status="done"),
            ActionRow(party_id="hikvision", decision_id=wind_down.id, title="Replace recorders",
                      owner="service", due_on=d("2026-09-01"), done_on=None, result=None,
                      status="open"),
            ActionRow(party_id="hikvision", decision_id=engage.id, title="Write to Hikvision",
                      owner="compliance", due_on=d("2025-10-01"), done_on=d("2025-12-01"),
                      result="no answer", status="done"),
            ActionRow(party_id="dahua", decision_id=None, title="Check stock", owner="purchasing",
                      due_on=d("2027-03-01"), done_on=None, result=None, status="open"),
            ActionRow(party_id="dahua", decision_id=stop.id, title="Cancelled one", owner="x",
                      due_on=d("2026-07-01"), done_on=None, result=None, status="cancelled"),
            QuestionnaireRow(party_id="hikvision", template="supplier", sent_on=d("2025-10-01"),
                             due_on=d("2025-11-01"), answered_on=d("2026-01-10"), answers={},
                             status="answered"),
            QuestionnaireRow(party_id="dahua", template="supplier", sent_on=d("2026-02-01"),
                             due_on=d("2026-03-01"), answered_on=d("2026-02-20"), answers={},
                             status="answered"),
            QuestionnaireRow(party_id="lts", template="supplier", sent_on=d("2026-10-01"),
                             due_on=d("2026-11-01"), answered_on=None, answers={}, status="sent"),
            _request("2025-11-20", "2025-12-05", "answered"),
            _request("2026-01-10", "2026-01-25", "answered"),
            _request("2026-03-01", "2026-04-15", "answered"),
            _request("2026-12-20", None, "open"),
            _request("2026-05-01", "2026-05-10", "refused"),
        ]
    )  # fmt: skip


@pytest.fixture
def profile() -> tr.Profile:
    return tr.load_profile(example_dir() / "profile.yml")


@pytest.fixture
def filled(store: Store) -> Iterator[Store]:
    load_demo(store, actor="test")
    with store.session() as session:
        populate(session)
    yield store


@pytest.fixture
def account(filled: Store, profile: tr.Profile) -> tr.TransparencyAccount:
    return tr.build_account(filled, year=YEAR, profile=profile, signed_on=d("2027-05-20"))


# --- independent recounts (plain SQL, not the module's functions) -----------------------------------------------


def recount(store: Store, year: int) -> dict[str, int]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with store.session() as s:
        level: dict[str, str] = {}
        for party, lvl in s.execute(
            sa.select(AssessmentRow.party_id, AssessmentRow.level)
            .where(AssessmentRow.as_of <= end)
            .order_by(AssessmentRow.as_of)
        ):
            level[party] = lvl
        parties = [p for p in s.scalars(sa.select(PartyRow)) if "self" not in p.roles]
        adverse = [
            e for e in s.scalars(sa.select(EvidenceRow).where(EvidenceRow.stance == "adverse"))
            if e.added_at.date().year == year
        ]  # fmt: skip
        decisions = [r for r in s.scalars(sa.select(DecisionRow)) if r.decided_at.year == year]
        actions = list(s.scalars(sa.select(ActionRow)))
        decided = {r.id: r.decided_at.date() for r in s.scalars(sa.select(DecisionRow))}
        existing = [a for a in actions if a.decision_id is None or decided[a.decision_id] <= end]
        requests = [
            r for r in s.scalars(sa.select(InfoRequestRow)) if start <= r.received_on <= end
        ]
        answered = [
            r for r in requests if r.status == "answered" and r.answered_on and r.answered_on <= end
        ]
        questionnaires = list(s.scalars(sa.select(QuestionnaireRow)))
        high = {p for p, v in level.items() if v in ("high", "critical")}
        adverse_parties = {e.party_id for e in adverse if e.party_id}
        risk_evidence: set[str] = set()
        latest = {}
        for a in s.scalars(
            sa.select(AssessmentRow).where(AssessmentRow.as_of <= end).order_by(AssessmentRow.as_of)
        ):
            latest[a.party_id] = a
        for p in high | adverse_parties:
            if p in latest:
                for f in latest[p].factors:
                    risk_evidence |= set(f["evidence_ids"])
        risk_evidence |= {e.id for e in adverse}
        cited = risk_evidence | {e for r in decisions for e in r.evidence_ids}
    return {
        "parties": len(parties),
        "suppliers": sum(1 for p in parties if "supplier" in p.roles),
        "customers": sum(1 for p in parties if "customer" in p.roles),
        "assessed_parties": len(level),
        "high_risk_parties": len(high),
        "critical_risk_parties": sum(1 for v in level.values() if v == "critical"),
        "adverse_evidence": len(adverse),
        "evidence_cited": len(cited),
        "decisions": len(decisions),
        "actions_done": sum(1 for a in actions if a.status == "done" and a.done_on and a.done_on.year == year),
        "actions_open": sum(
            1 for a in existing if a.status != "cancelled" and (a.done_on is None or a.done_on > end)
        ),
        "actions_overdue": sum(
            1 for a in existing
            if a.status != "cancelled" and (a.done_on is None or a.done_on > end) and a.due_on < end
        ),
        "questionnaires_sent": sum(1 for q in questionnaires if q.sent_on.year == year),
        "questionnaires_answered": sum(1 for q in questionnaires if q.answered_on and q.answered_on.year == year),
        "questionnaires_answered_on_time": sum(
            1 for q in questionnaires if q.answered_on and q.answered_on.year == year and q.answered_on <= q.due_on
        ),
        "questionnaires_open": sum(
            1 for q in questionnaires
            if q.sent_on <= end and q.status != "closed" and (q.answered_on is None or q.answered_on > end)
        ),
        "requests_received": len(requests),
        "requests_answered": len(answered),
        "requests_answered_on_time": sum(1 for r in answered if r.answered_on and r.answered_on <= r.deadline),
        "requests_answered_late": sum(1 for r in answered if r.answered_on and r.answered_on > r.deadline),
        "requests_refused": sum(1 for r in requests if r.status == "refused"),
        "requests_open": sum(1 for r in requests if r.status == "open"),
    }  # fmt: skip


def test_figures_equal_independent_counts(filled: Store, account: tr.TransparencyAccount) -> None:
    flat = account.figures.flat()
    for name, value in recount(filled, YEAR).items():
        assert flat[name] == value, name
    previous = tr.build_account(filled, year=YEAR - 1, profile=account.profile).figures.flat()
    for name, value in recount(filled, YEAR - 1).items():
        assert previous[name] == value, f"{YEAR - 1}: {name}"


def test_figures_have_the_expected_values(account: tr.TransparencyAccount) -> None:
    f = account.figures
    assert (f.parties, f.assessed_parties, f.high_risk_parties, f.critical_risk_parties) == (
        47,
        4,
        2,
        1,
    )
    assert f.adverse_evidence == 2  # EV-0016 and EV-0018 were registered in 2026
    assert f.decisions == 2 and dict(f.decisions_by_kind) == {
        "stop-new-purchases": 1,
        "wind-down": 1,
    }
    assert (f.actions_done, f.actions_open, f.actions_overdue) == (1, 2, 1)
    assert f.questionnaires == tr.QuestionnaireStats(sent=2, answered=2, answered_on_time=1,
                                                     answered_late=1, open=1, overdue=1)  # fmt: skip
    assert f.requests == tr.RequestStats(received=4, answered=2, answered_on_time=1, answered_late=1,
                                         answered_within_three_weeks=1, refused=1, open=1)  # fmt: skip
    assert account.publish_by == d("2027-06-30")
    assert (account.period_start, account.period_end) == (d("2026-01-01"), d("2026-12-31"))


def test_risks_name_parties_evidence_and_sources(account: tr.TransparencyAccount) -> None:
    by_party = {r.party_id: r for r in account.risks}
    # high/critical at year end, plus parties with adverse evidence registered in 2026
    assert set(by_party) == {"urumqi-psb", "hikvision", "silkroute"}
    assert [r.party_id for r in account.risks][:2] == [
        "urumqi-psb",
        "hikvision",
    ]  # most severe first
    assert by_party["hikvision"].level == "high"
    assert by_party["hikvision"].evidence_ids == ("EV-0001", "EV-0004", "EV-0016")
    assert by_party["hikvision"].factors == ("List hit",)  # factors with no points are left out
    assert by_party["silkroute"].level is None and not by_party["silkroute"].significant
    cited = {e for r in account.risks for e in r.evidence_ids} | {
        e for x in account.decisions for e in x.evidence_ids
    }
    assert {s.id for s in account.sources} == cited
    assert all(s.title for s in account.sources)
    assert account.figures.evidence_cited == len(cited)


def test_decisions_and_actions(account: tr.TransparencyAccount) -> None:
    wind_down = next(x for x in account.decisions if x.kind == "wind-down")
    assert wind_down.previous_kind == "engage"
    assert wind_down.service_until == d("2028-12-31")
    assert [a.title for a in account.actions_done] == ["Tell customers"]
    assert account.actions_done[0].result == "18 customers told"
    assert {(a.title, a.owner, a.overdue) for a in account.actions_open} == {
        ("Replace recorders", "service", True),
        ("Check stock", "purchasing", False),
    }


def test_changes_since_last_year(account: tr.TransparencyAccount) -> None:
    c = account.changes
    assert c.previous_year == YEAR - 1
    assert {x.party_id for x in c.newly_high_risk} == {"hikvision", "urumqi-psb"}
    assert [(x.party_id, x.previous, x.current) for x in c.no_longer_high_risk] == [
        ("dahua", "high", "medium")
    ]
    assert {x.party_id for x in c.level_changes} == {"hikvision", "dahua", "urumqi-psb", "axis"}
    assert [(x.party_id, x.previous_kind, x.current_kind) for x in c.decision_changes] == [
        ("hikvision", "engage", "wind-down")
    ]
    requests = c.figure("requests_received")
    assert (requests.previous, requests.current, requests.delta) == (1, 4, 3)
    assert c.figure("requests_answered_on_time").previous == 1
    assert c.figure("decisions").delta == 1  # 1 decision in 2025, 2 in 2026
    assert c.figure("high_risk_parties").previous == 1  # dahua was high at the end of 2025


def test_html_has_the_sections_statute_and_signature(account: tr.TransparencyAccount) -> None:
    html = tr.render_html(account)
    for heading in ("§ 5 a)", "§ 5 b)", "§ 5 c)", "Endringer siden 2025", "Underskrifter"):
        assert heading in html
    assert "LOV-2021-06-18-99" in html and "30. juni" in html and "2027-06-30" in html
    for member in account.profile.board:
        assert member.name in html and member.role in html
    assert 'Oslo, <span id="signed-on">2027-05-20</span>' in html
    assert "engage because of &lt;b&gt;evidence&lt;/b&gt;" not in html  # previous-year decision
    assert "wind-down because of &lt;b&gt;evidence&lt;/b&gt;" in html  # escaped, not markup
    assert '<td class="num" id="req-on-time">1</td>' in html
    assert 'id="src-EV-0001"' in html and "https://www.federalregister.gov/d/2019-22210" in html
    assert 'id="chart-risk-levels"' in html


def test_unsigned_account_leaves_the_date_blank(filled: Store, profile: tr.Profile) -> None:
    html = tr.render_html(tr.build_account(filled, year=YEAR, profile=profile))
    assert "dato: ____________" in html


def test_pdf_renders(account: tr.TransparencyAccount, tmp_path: Path) -> None:
    target = tmp_path / "account.pdf"
    tr.render_pdf(account, target)
    assert target.read_bytes().startswith(b"%PDF")


def test_second_template_and_unknown_template(account: tr.TransparencyAccount) -> None:
    assert set(tr.TEMPLATES) >= {"transparency-no", "lksg-style"}
    html = tr.render_html(account, template="lksg-style")
    assert "LkSG-style outline" in html and "Risk analysis" in html and "Urumqi" in html
    with pytest.raises(tr.TransparencyError, match="unknown template"):
        tr.render_html(account, template="nope")


def test_json_is_plain_data(account: tr.TransparencyAccount) -> None:
    import json

    data = tr.to_dict(account)
    text = json.dumps(data)
    assert data["year"] == YEAR and data["publish_by"] == "2027-06-30"
    assert data["figures"]["flat"]["requests_received"] == 4
    assert "LOV-2021-06-18-99" in text


def test_empty_register_gives_zero_figures(store: Store, profile: tr.Profile) -> None:
    account = tr.build_account(store, year=YEAR, profile=profile)
    assert set(account.figures.flat().values()) == {0}
    assert account.risks == () and account.sources == ()
    assert "Ingen vesentlige risikoer" in tr.render_html(account)


def test_profile_errors_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no organisation profile"):
        tr.load_profile(tmp_path / "missing.yml")
    bad = tmp_path / "profile.yml"
    bad.write_text(
        "organisation: {name: X}\ncontact: {}\nsignature: {}\nboard: []\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="board"):
        tr.load_profile(bad)
    bad.write_text(
        "organisation: {name: X}\ncontact: {}\nsignature: {}\nboard: [{name: A, role: B}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"organisation\.org_number"):
        tr.load_profile(bad)


def test_year_out_of_range() -> None:
    with pytest.raises(InputError, match="year"):
        tr.year_bounds(10)
