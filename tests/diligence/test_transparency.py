"""The annual account (åpenhetsloven § 5): every figure recounted from the register, § 5 b as impacts on
people (actual apart from risks, compliance facts left out), changes since last year, the HTML's headings
and signature block, the PDF, the second template, and the publication rule (no paths, no internal notes)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.diligence import transparency as tr
from aktsam.diligence.demo import example_dir, load_demo
from aktsam.diligence.publication import PublicationPolicy, leak, policy_from_dict
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
        in_2026 = row.id in ("EV-0016", "EV-0018", "EV-0019")
        row.added_at = at(d("2026-02-01") if in_2026 else d("2025-03-01"))
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


def _impact_topics() -> set[str]:
    path = Path(tr.__file__).parent / "data" / "impacts.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            r["key"].removeprefix("topic:")
            for r in csv.DictReader(handle)
            if r["key"].startswith("topic:") and r["impact"] != "none"
        }


IMPACT_TOPICS = _impact_topics()
PUBLIC_KINDS = {"list-hit", "regime", "ngo-report", "public-body", "council-on-ethics", "media"}


def publishable(row: EvidenceRow) -> bool:
    """The publication rule, restated: public-source kinds, or named in the demo profile (EV-0019)."""
    return row.kind in PUBLIC_KINDS or row.id == "EV-0019"


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
                    if f.get("points", 1):
                        risk_evidence |= set(f["evidence_ids"])
        risk_evidence |= {e.id for e in adverse if e.party_id}
        rows = {e.id: e for e in s.scalars(sa.select(EvidenceRow))}
        impact_evidence = {
            e for e in risk_evidence
            if rows[e].stance == "adverse" and (rows[e].topic or "").removeprefix("actual:")
            in IMPACT_TOPICS
        }  # fmt: skip
        decision_evidence = {e for r in decisions for e in r.evidence_ids}
        cited = {e for e in impact_evidence | decision_evidence if publishable(rows[e])}
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
    assert f.adverse_evidence == 3  # EV-0016, EV-0018 and EV-0019 were registered in 2026
    assert (f.impacts_actual, f.impacts_significant_risk, f.impacts_other_risk) == (1, 2, 1)
    assert f.evidence_cited == 6
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


def test_5b_describes_impacts_on_people_actual_apart_from_risks(
    account: tr.TransparencyAccount,
) -> None:
    items = [(i.kind, i.party_id, i.impact, i.significant) for i in account.impacts]
    assert items == [
        ("actual", "kabelvest", "working-conditions", True),  # EV-0019: actual:working-conditions
        ("risk", "urumqi-psb", "surveillance", True),  # critical at year end
        ("risk", "hikvision", "surveillance", True),  # high at year end
        ("risk", "silkroute", "end-use", False),  # adverse evidence in 2026, never assessed
    ]
    actual, urumqi, hikvision, silkroute = account.impacts
    assert actual.description.startswith("Brudd på anstendige arbeidsforhold")
    assert "Kabelservice Vest AS" in actual.description and "art. 7" in actual.rights
    assert "masseovervåking" in hikvision.description
    assert "gjennom innkjøp fra leverandøren Hangzhou Hikvision" in hikvision.description
    assert "sluttbrukeren Urumqi Municipal Public Security Bureau" in urumqi.description
    # the Entity List row (its stated ground: human rights) is cited; EV-0004 (FCC, security) is not an
    # impact on people, and EV-0016 (own audit) is internal: counted, not cited
    assert hikvision.evidence_ids == ("EV-0001",) and hikvision.internal_sources == 1
    assert urumqi.evidence_ids == ("EV-0003", "EV-0010")
    assert silkroute.evidence_ids == () and silkroute.internal_sources == 1  # EV-0018 internal
    text = " ".join(i.description + i.rights for i in account.impacts)
    for compliance in ("List hit", "Restriction regimes", "export-control", "FCC", "security"):
        assert compliance not in text
    assert account.actual_impacts == (actual,)
    assert account.significant_risks == (urumqi, hikvision)
    assert account.other_risks == (silkroute,)
    cited = {e for i in account.impacts for e in i.evidence_ids} | {
        e for x in account.decisions for e in x.evidence_ids
    }
    assert {s.id for s in account.sources} == cited == {
        "EV-0001", "EV-0002", "EV-0003", "EV-0006", "EV-0010", "EV-0019"
    }  # fmt: skip
    assert set(account.internal.withheld) == {"EV-0016", "EV-0018"}
    assert account.figures.evidence_cited == len(cited)


def test_compliance_findings_alone_are_not_an_impact(store: Store, profile: tr.Profile) -> None:
    """A party rated high for an export-control listing only is not dressed up as an impact on people:
    it stays out of § 5 b, is noted for review, and is published (outside § 5 b) only if chosen."""
    with store.session() as s:
        s.add(PartyRow(id="acme", name="Acme Export Ltd", kind="company", roles=["supplier"],
                       country="CN", region=None, sector=None, end_user_type=None, aliases=[],
                       identifiers={}, website=None, notes="internal: ask Bob",
                       created_at=at(d("2026-01-02")), updated_at=at(d("2026-01-02"))))  # fmt: skip
        s.flush()
        s.add(EvidenceRow(id="EV-9001", party_id="acme", kind="list-hit", topic="export-control",
                          stance="adverse", title="Entity List addition (trade)", publisher="BIS",
                          url="https://example.org/el", published=d("2026-01-01"), author=None,
                          quote=None, added_by="t", added_at=at(d("2026-01-05"))))  # fmt: skip
        s.add(AssessmentRow(party_id="acme", assessed_at=at(d("2026-02-01")), assessed_by="t",
                            as_of=d("2026-02-01"), level="high", score=60, method="test",
                            factors=[{"name": "List hit: export-control / trade restriction",
                                      "rule": "lists.trade-restriction", "points": 60,
                                      "evidence_ids": ["EV-9001"]}], review_on=None))  # fmt: skip
    account = tr.build_account(store, year=YEAR, profile=profile)
    assert account.impacts == () and account.compliance == ()
    assert [(c.party_id, c.grounds) for c in account.internal.compliance] == [
        ("acme", ("export-control", "List hit: export-control / trade restriction"))
    ]
    html = tr.render_html(account)
    assert "Acme Export Ltd" not in html and "EV-9001" not in html
    assert "Ingen negative konsekvenser eller risikoer for mennesker" in html
    assert any("Acme Export Ltd: compliance findings only" in n for n in tr.internal_notes(account))
    chosen = dataclasses.replace(
        profile, publication=PublicationPolicy(fields=frozenset({"compliance-risks"}))
    )
    published = tr.build_account(store, year=YEAR, profile=chosen)
    html = tr.render_html(published)
    section = html[html.index('id="compliance"') :]
    assert "Acme Export Ltd" in section and "ikke § 5 b" in section
    assert "Acme Export Ltd" not in html[html.index('id="s5b"') : html.index('id="compliance"')]


def test_unknown_topic_is_set_apart_not_dropped(store: Store, profile: tr.Profile) -> None:
    load_demo(store, actor="test")
    with store.session() as s:
        s.add(EvidenceRow(id="EV-9002", party_id="dahua", kind="media", topic="land-grab",
                          stance="adverse", title="t", publisher="p", url=None, published=None,
                          author=None, quote=None, added_by="t", added_at=at(d("2026-03-01"))))  # fmt: skip
    account = tr.build_account(store, year=YEAR, profile=profile)
    assert any(n.startswith("EV-9002") and "land-grab" in n for n in account.internal.unclassified)


def test_decisions_and_actions(account: tr.TransparencyAccount) -> None:
    wind_down = next(x for x in account.decisions if x.kind == "wind-down")
    assert wind_down.previous_kind == "engage"
    assert wind_down.service_until == d("2028-12-31")
    assert [a.title for a in account.actions_done] == ["Tell customers"]
    assert account.actions_done[0].result == "18 customers told"
    # the demo profile publishes action results, not owners (publication.fields)
    assert {(a.title, a.owner, a.overdue) for a in account.actions_open} == {
        ("Replace recorders", None, True),
        ("Check stock", None, False),
    }
    assert all(x.decided_by is None and x.approved_by is None for x in account.decisions)


def test_changes_since_last_year(account: tr.TransparencyAccount) -> None:
    c = account.changes
    assert c.previous_year == YEAR - 1
    assert {x.party_id for x in c.newly_high_risk} == {"hikvision", "urumqi-psb"}
    assert [(x.party_id, x.previous, x.current) for x in c.no_longer_high_risk] == [
        ("dahua", "high", "medium")
    ]
    # axis (not assessed -> low) is named in no § 5 b item this year or last: counted, not named
    assert {x.party_id for x in c.level_changes} == {"hikvision", "dahua", "urumqi-psb"}
    assert c.figure("assessed_parties").delta == 2  # axis and urumqi-psb assessed in 2026
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
    assert "Actual impact: Breach of decent working conditions" in html
    with pytest.raises(tr.TransparencyError, match="unknown template"):
        tr.render_html(account, template="nope")


def test_json_is_plain_data(account: tr.TransparencyAccount) -> None:
    data = tr.to_dict(account)
    text = json.dumps(data)
    assert data["year"] == YEAR and data["publish_by"] == "2027-06-30"
    assert data["figures"]["flat"]["requests_received"] == 4
    assert "LOV-2021-06-18-99" in text


def test_empty_register_gives_zero_figures(store: Store, profile: tr.Profile) -> None:
    account = tr.build_account(store, year=YEAR, profile=profile)
    assert set(account.figures.flat().values()) == {0}
    assert account.impacts == () and account.sources == ()
    html = tr.render_html(account)
    assert "Ingen negative konsekvenser eller risikoer for mennesker ble registrert i 2026" in html
    assert "Registeret har ingen dokumentasjon av faktiske negative konsekvenser" in html


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


# --- the publication rule: what the published account must not contain -----------------------------------------

URL = re.compile(r"(?:https?://|mailto:)[^\s\"'<>]+")
PATHS = re.compile(
    r"(?<![\w.:/<-])/(?:[\w.@~+-]+/)+|\b[\w./-]+\.(?:csv|ya?ml|json|db|sqlite)\b|AKTSAM_HOME"
)


def _pdf_text(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def internal_texts(store: Store) -> list[str]:
    """Texts of the demo register and profile that are the organisation's own notes."""
    with store.session() as s:
        notes = [p.notes for p in s.scalars(sa.select(PartyRow)) if p.notes]
        summaries = [e.quote for e in s.scalars(sa.select(EvidenceRow))
                     if e.quote and e.quote.startswith("summary:")]  # fmt: skip
        titles = [e.title for e in s.scalars(sa.select(EvidenceRow))
                  if e.id in ("EV-0016", "EV-0018")]  # fmt: skip
    return [*notes, *summaries, *titles, "purchasing", "INVENTED", "summary:"]


def test_published_account_has_no_paths_or_internal_notes(
    filled: Store, account: tr.TransparencyAccount, tmp_path: Path
) -> None:
    home = str(filled.settings.home)
    html = tr.render_html(account)
    lksg = tr.render_html(account, template="lksg-style")
    data = json.dumps(tr.to_dict(account), ensure_ascii=False)
    pdf = tmp_path / "account.pdf"
    tr.render_pdf(account, pdf, uncompressed_pdf=True)
    outputs = {"html": html, "lksg": lksg, "json": data}
    text = _pdf_text(pdf)
    if text is not None:
        outputs["pdf"] = text
    assert home.encode() not in pdf.read_bytes() and b"summary:" not in pdf.read_bytes()
    forbidden = internal_texts(filled)
    for name, output in outputs.items():
        plain = URL.sub(" ", output)
        if name != "json":
            plain = re.sub(r"<[^>]*>", " ", plain)  # tags (</p>) are not paths
        assert not PATHS.search(plain), (name, PATHS.search(plain))
        assert home not in output and "/tmp" not in plain and "/work/" not in plain, name
        for note in forbidden:
            assert note not in output, (name, note)
    # the profile's publication choices and any other internal key are not published
    assert set(tr.to_dict(account)["profile"]) == set(tr.PUBLIC_PROFILE_FIELDS)
    assert "internal" not in tr.to_dict(account) and "withhold_evidence" not in data
    # what the account leaves out is reported for review, not printed
    assert any("EV-0016" in n for n in tr.internal_notes(account))
    assert "EV-0016" not in html and "EV-0018" not in html


def test_demo_account_before_and_after(store: Store, profile: tr.Profile) -> None:
    """The bundled demo as loaded (no assessment yet): § 5 b describes impacts on people from the
    evidence, with no compliance factor names and no data-file path (EV-0006 used to print one)."""
    load_demo(store, actor="test")
    year = dt.datetime.now(dt.UTC).year
    account = tr.build_account(store, year=year, profile=profile)
    html = tr.render_html(account)
    section = html[html.index('id="s5b"') : html.index('id="s5c"')]
    assert "tema og faktorer" not in section and "export-control" not in section
    assert [(i.kind, i.party_id) for i in account.actual_impacts] == [("actual", "kabelvest")]
    assert {i.party_id for i in account.other_risks} == {
        "hikvision", "dahua", "urumqi-psb", "cetc", "silkroute"
    }  # fmt: skip
    assert "gpfg_decisions_transcribed" not in html and "consolidated.csv" not in html
    assert not PATHS.search(re.sub(r"<[^>]*>", " ", URL.sub(" ", html)))


def test_a_path_in_a_published_field_refuses_the_account(
    filled: Store, profile: tr.Profile
) -> None:
    with filled.session() as s:
        row = s.get(EvidenceRow, "EV-0010")
        assert row is not None
        row.title = "HRW report (copy in /srv/aktsam/files/hrw.pdf)"
    with pytest.raises(tr.TransparencyError, match=r"sources\[\d+\]\.title: an absolute file path"):
        tr.build_account(filled, year=YEAR, profile=profile)
    withheld = dataclasses.replace(
        profile, publication=dataclasses.replace(
            profile.publication, withhold_evidence=frozenset({"EV-0010"}))
    )  # fmt: skip
    assert "EV-0010" in tr.build_account(filled, year=YEAR, profile=withheld).internal.withheld


def test_leak_detection_ignores_web_addresses() -> None:
    assert leak("see https://www.hrw.org/a/b/c.json and mailto:x@y.no") is None
    assert leak("24/7 service and/or repair") is None
    assert leak("from /home/ola/data.csv") is not None
    assert leak("row in data/lists/us-csl/consolidated.csv") is not None
    assert leak("C:\\Users\\ola") is not None
    assert leak("set AKTSAM_HOME first") is not None


def test_publication_section_errors_name_the_field() -> None:
    assert policy_from_dict(None) == PublicationPolicy()
    with pytest.raises(InputError, match=r"publication\.fields.*unknown field\(s\) owners"):
        policy_from_dict({"fields": ["owners"]}, file="p.yml")
    with pytest.raises(InputError, match="unknown key"):
        policy_from_dict({"show": []})
    policy = policy_from_dict({"evidence": ["EV-1"], "withhold_evidence": "EV-2"})
    assert policy.cites("EV-1", "internal") and not policy.cites("EV-2", "media")
    assert policy.cites("EV-3", "ngo-report") and not policy.cites("EV-4", "audit-result")


# --- the impacts table (data/impacts.csv) -------------------------------------------------------------------


def test_impact_table_maps_topics_and_rules_to_people_or_to_compliance() -> None:
    from aktsam.diligence import impacts as im

    rules = im.impact_rules()
    assert all(r.source and r.date for r in rules)
    assert {r.impact for r in rules if r.is_impact} == {
        "surveillance", "end-use", "forced-labour", "child-labour", "working-conditions",
        "human-rights-abuse",
    }  # fmt: skip
    for compliance in ("export-control", "sanctions", "security"):
        rule = im.rule_for_topic(compliance)
        assert rule is not None and not rule.is_impact, compliance
    assert im.rule_for_topic("land-grab") is None and im.rule_for_topic(None) is None
    assert im.split_topic("actual:Forced-Labour") == ("Forced-Labour", True)
    assert im.rule_for_topic("actual:forced-labour") == im.rule_for_topic("forced-labour")
    goods = im.rule_for_factor("forced-labour.goods")
    assert goods is not None and goods.impact == "forced-labour" and "ILAB" in goods.source
    ethics = im.rule_for_factor("council-on-ethics.exclusion")
    assert ethics is not None and ethics.impact == "human-rights-abuse"
    listed = im.rule_for_factor("lists.trade-restriction")
    assert listed is not None and not listed.is_impact
    assert im.rule_for_factor("brand-new.rule") is None
    nb, en = im.describe(goods, party="Acme", roles=["supplier"], details=["Electronics (CN)"])
    assert "tvangsarbeid i produksjonen av Electronics (CN)" in nb and "leverandøren Acme" in nb
    assert "supplier Acme" in en
    assert im.link_for(["brand", "supplier"], "X") == "gjennom innkjøp fra leverandøren X"
    assert im.link_for(["unheard-of"], "X") == "gjennom forbindelsen til X"
    with pytest.raises(ValueError, match="no actual sentence"):
        im.describe(goods, party="Acme", roles=[], details=[], actual=True)
