"""Risk assessment on the bundled lists: Hikvision high, Axis low, floors, clearances, questionnaires,
re-derivation and the audit trail."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from aktsam.diligence import questionnaires as qn
from aktsam.diligence.assessment import (
    Assessment,
    assess,
    assessments_for,
    latest_assessment,
    load_weights,
    rederive,
)
from aktsam.diligence.register import add_evidence, add_party, add_relation
from aktsam.errors import InputError
from aktsam.screening.service import Screener
from aktsam.settings import Settings
from aktsam.store import Store, open_store, trail

AS_OF = date(2025, 12, 1)
ACTOR = "tester"


@pytest.fixture(scope="module")
def screener(
    pristine_bundled_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Screener]:
    """A private copy of the bundled home (lists and index), so this module's parties and assessments
    do not leak into other tests."""
    home = tmp_path_factory.mktemp("assess") / "home"
    shutil.copytree(pristine_bundled_home, home)
    settings = Settings.for_home(Path(home))
    store = open_store(settings)
    opened = Screener(store, settings)
    opened.index()
    yield opened
    store.close()


@pytest.fixture(scope="module")
def store(screener: Screener) -> Store:
    return screener.store


def _assess(screener: Screener, party_id: str, as_of: date = AS_OF) -> Assessment:
    return assess(
        screener.store, screener.settings, party_id, as_of=as_of, actor=ACTOR, screener=screener
    )


@pytest.fixture(scope="module")
def hikvision(screener: Screener) -> Assessment:
    store = screener.store
    add_party(store, "t-hik", "Hangzhou Hikvision Digital Technology Co., Ltd.", actor=ACTOR,
              roles=["manufacturer"], country="CN", region="Hangzhou, Zhejiang",
              sector="video-surveillance", aliases=["Hikvision"],
              identifiers={"maker": "hikvision"})  # fmt: skip
    add_evidence(store, party="t-hik", kind="public-body", topic="surveillance", actor=ACTOR,
                 evidence_id="EV-HIK-1", publisher="US Department of Commerce (BIS)",
                 title="Entity List additions for the repression of Uyghurs in Xinjiang",
                 published=date(2024, 6, 1),
                 quote="implicated in human rights violations ... in Xinjiang")  # fmt: skip
    add_evidence(store, party="t-hik", kind="list-hit", actor=ACTOR, evidence_id="EV-HIK-LH",
                 title="BIS Entity List entry", published=date(2019, 10, 9))  # fmt: skip
    add_evidence(store, party="t-hik", kind="regime", actor=ACTOR, evidence_id="EV-HIK-RG",
                 title="FCC Covered List", published=date(2021, 3, 12))  # fmt: skip
    return _assess(screener, "t-hik")


def test_hikvision_is_high_not_critical_with_every_factor_cited(hikvision: Assessment) -> None:
    a = hikvision
    assert a.level == "high" and a.level_by_score == "high" and a.floors == ()
    assert a.score >= load_weights().thresholds[-1][1]
    el = a.factor("lists.trade-restriction")
    assert el is not None and el.points == 25
    assert "us-csl:f095626c9f8becc70b5948507fb6de6e443b257a" in el.entity_ids
    assert ("EV-HIK-LH" in el.evidence_ids and "Entity List" in el.explanation) or "EL" in el.value
    assert a.factor("lists.blocking") is None  # not under an asset freeze
    regimes = a.factor("regimes.covered")
    assert regimes is not None and "us-fcc-covered" in regimes.value
    assert "us-ndaa-889" in regimes.value and "EV-HIK-RG" in regimes.evidence_ids
    assert regimes.points == 20 and regimes.sources
    country = a.factor("country.critical")
    assert country is not None and country.points > 0 and "China" in country.explanation
    assert country.sources and "V-Dem" in country.sources[0]
    sector = a.factor("sector.high")
    assert sector is not None and sector.points > 0 and sector.sources
    evidence = a.factor("evidence.public-body")
    assert evidence is not None and evidence.evidence_ids == ("EV-HIK-1",)
    assert evidence.points == 15 and "Xinjiang" in evidence.explanation
    goods = a.factor("forced-labour.goods")
    assert goods is not None and "Electronics" in goods.value
    assert {"EV-HIK-1", "EV-HIK-LH", "EV-HIK-RG"} <= set(a.evidence_ids)
    assert a.review_on == date(2026, 6, 1)  # high: six months
    assert rederive(a) == (a.score, a.level)


def test_axis_is_low(screener: Screener) -> None:
    add_party(screener.store, "t-axis", "Axis Communications AB", actor=ACTOR, country="SE",
              sector="video-surveillance", identifiers={"maker": "axis"})  # fmt: skip
    a = _assess(screener, "t-axis")
    assert a.level == "low" and a.score < 20, [(f.rule, f.points) for f in a.factors]
    assert a.factor("lists.clear") is not None and a.factor("regimes.covered") is None
    assert a.review_on == date(2027, 12, 1)  # low: 24 months
    assert rederive(a) == (a.score, a.level)


def test_fifty_percent_owned_by_sdn_party_is_critical_with_the_path(screener: Screener) -> None:
    store = screener.store
    add_party(store, "t-melli", "Bank Melli Iran", actor=ACTOR, country="IR", roles=["owner"])
    add_party(store, "t-sub50", "Nordlys Handel AS", actor=ACTOR, country="NO")
    add_party(store, "t-sub30", "Fjordlys Handel AS", actor=ACTOR, country="NO")
    add_relation(store, "t-melli", "t-sub50", "owns", share=50, actor=ACTOR)
    add_relation(store, "t-melli", "t-sub30", "owns", share=30, actor=ACTOR)
    a = _assess(screener, "t-sub50")
    assert a.level == "critical" and a.floors == ("owned-by-blocked",)
    owned = a.factor("ownership.owned-by-blocked")
    assert owned is not None and owned.path == ("t-melli", "t-sub50")
    assert "OFAC 50 Percent Rule" in owned.explanation and owned.entity_ids
    assert a.review_on == date(2026, 3, 1)  # critical: three months
    minority = _assess(screener, "t-sub30")
    assert minority.level != "critical" and minority.factor("ownership.owned-by-blocked") is None
    assert minority.factor("ownership.blocked-minority") is not None
    for made in (a, minority):
        assert rederive(made) == (made.score, made.level)


def test_uflpa_entity_list_match_is_critical(screener: Screener) -> None:
    add_party(screener.store, "t-uflpa", "Sichuan Jingweida Technology Group Co., Ltd.",
              actor=ACTOR, country="CN")  # fmt: skip
    a = _assess(screener, "t-uflpa")
    assert a.level == "critical" and "uflpa-entity-list" in a.floors
    factor = a.factor("forced-labour.uflpa")
    assert factor is not None and "Sichuan Jingweida" in factor.value and factor.sources


def test_cleared_hits_do_not_count_but_are_listed(screener: Screener) -> None:
    add_party(screener.store, "t-dahua", "Dahua Technology", actor=ACTOR)
    before = _assess(screener, "t-dahua")
    el = before.factor("lists.trade-restriction")
    assert el is not None
    for entity_id in el.entity_ids:
        screener.decide(party_id="t-dahua", entity_id=entity_id, decision="false_positive",
                        reason="test: another company", actor=ACTOR)  # fmt: skip
    after = _assess(screener, "t-dahua")
    assert after.factor("lists.trade-restriction") is None
    cleared = after.factor("lists.cleared")
    assert cleared is not None and cleared.points == 0
    assert set(el.entity_ids) <= set(cleared.entity_ids)
    assert after.score == before.score - el.points


def test_questionnaire_missing_evasive_and_overdue_answers_raise_the_score(
    screener: Screener,
) -> None:
    store = screener.store
    add_party(store, "t-quest", "Questionnaire Testers AS", actor=ACTOR, country="NO")
    base = _assess(screener, "t-quest", date(2025, 1, 1))
    assert base.factor("questionnaire.none") is not None
    sent = qn.send_questionnaire(store, "t-quest", template="oecd-supplier-v1",
                                 sent_on=date(2025, 1, 5), due_on=date(2025, 2, 5),
                                 actor=ACTOR)  # fmt: skip
    overdue = _assess(screener, "t-quest", date(2025, 3, 1))
    assert overdue.factor("questionnaire.overdue") is not None
    assert overdue.score == base.score + 15
    qn.record_answers(store, sent.id, {"policy-commitment": "yes", "policy-document": "n/a",
                                       "risk-identification": "Confidential."},
                      answered_on=date(2025, 3, 10), actor=ACTOR)  # fmt: skip
    answered = _assess(screener, "t-quest", date(2025, 3, 15))
    evasive = answered.factor("questionnaire.evasive")
    missing = answered.factor("questionnaire.missing")
    assert evasive is not None and evasive.quantity == 2 and evasive.points == 6
    assert "policy-document" in evasive.value and "risk-identification" in evasive.value
    assert missing is not None and missing.points > 0
    assert answered.score > base.score
    assert rederive(answered) == (answered.score, answered.level)


def test_mitigating_evidence_lowers_the_score_at_most_twenty(screener: Screener) -> None:
    store = screener.store
    add_party(store, "t-mitig", "Mitigation Test Ltd", actor=ACTOR, country="CN",
              sector="video-surveillance")  # fmt: skip
    before = _assess(screener, "t-mitig")
    for n in range(4):
        add_evidence(store, party="t-mitig", kind="audit-result", stance="mitigating",
                     title=f"clean audit {n}", published=date(2025, 6, 1), actor=ACTOR)  # fmt: skip
    after = _assess(screener, "t-mitig")
    factor = after.factor("evidence.mitigating")
    assert factor is not None and factor.points == -20 and len(factor.evidence_ids) == 4
    assert after.score == max(0.0, before.score - 20)


def test_brand_of_a_covered_maker_and_state_owner_inherit_risk_with_paths(
    screener: Screener, hikvision: Assessment
) -> None:
    store = screener.store
    add_party(store, "t-brand", "Nordic Vision Cameras AS", actor=ACTOR, country="NO",
              roles=["brand"], sector="video-surveillance")  # fmt: skip
    add_relation(store, "t-hik", "t-brand", "maker-of", actor=ACTOR)
    add_party(store, "t-cetc", "China Electronics Technology Group Corporation", actor=ACTOR,
              country="CN", roles=["owner", "state-owner"], sector="defence")  # fmt: skip
    add_relation(store, "t-cetc", "t-hik", "owns", share=36, actor=ACTOR)
    brand = _assess(screener, "t-brand")
    regime = brand.factor("ownership.regime-maker")
    assert regime is not None and regime.path == ("t-hik", "t-brand")
    assert "us-fcc-covered" in regime.value
    restricted = brand.factor("ownership.restricted-owner")
    assert restricted is not None and "us-csl:f095626c9f8becc70b5948507fb6de6e443b257a" in (
        restricted.entity_ids
    )
    hik = _assess(screener, "t-hik")
    state = hik.factor("ownership.state-owner-high-risk")
    assert state is not None and state.path == ("t-cetc", "t-hik") and "36 %" in state.explanation
    assert hik.level == "high"  # still not critical: no blocking sanctions
    for made in (brand, hik):
        assert rederive(made) == (made.score, made.level)


def test_rederive_detects_edits_and_other_weight_versions(hikvision: Assessment) -> None:
    factors = list(hikvision.factors)
    factors[0] = dataclasses.replace(factors[0], quantity=0)
    edited = dataclasses.replace(hikvision, factors=tuple(factors))
    assert rederive(edited) != (hikvision.score, hikvision.level)
    other = dataclasses.replace(hikvision, method="aktsam-dd/1999.1")
    with pytest.raises(InputError, match=r"made with weights aktsam-dd/1999\.1"):
        rederive(other)


def test_stored_assessments_trail_and_latest(screener: Screener, hikvision: Assessment) -> None:
    store = screener.store
    stored = assessments_for(store, "t-hik")
    assert hikvision.id in [a.id for a in stored]
    latest = latest_assessment(store, "t-hik")
    assert latest is not None and latest.method == load_weights().method
    for made in stored:
        assert rederive(made) == (made.score, made.level)
    with store.session() as session:
        entries = trail.entries(session, object_type="assessment", object_id=str(hikvision.id))
        assert [e.action for e in entries] == ["assessment.add"]
        assert entries[0].after is not None and entries[0].after["level"] == "high"
        assert trail.verify(session).ok


def test_every_weight_has_a_reason_and_review_intervals_are_policy_defaults() -> None:
    weights = load_weights()
    assert all(rule.reason for rule in weights.rules.values())
    assert dict(weights.review_months) == {"critical": 3, "high": 6, "medium": 12, "low": 24}
    assert set(weights.floors.values()) == {"critical"}
    assert [level for level, _ in weights.thresholds] == ["medium", "high"]  # no score -> critical


def test_a_weak_asset_freeze_match_asks_for_review_and_sets_no_floor(screener: Screener) -> None:
    """The name "Al Noor Trading LLC" scores about 0.8 against OFAC's "NOOR HOLDING SAL" (an alias of NOUR
    HOLDING SAL): a possible match to review, not a designation, so no critical floor. (Until issue #11
    the example was 大华 against the one-word alias "HUA"; that false match is gone.)"""
    add_party(screener.store, "t-noor-weak", "Al Noor Trading LLC", actor=ACTOR, country="AE")
    a = _assess(screener, "t-noor-weak")
    possible = a.factor("lists.blocking-possible")
    assert possible is not None and possible.points == 20 and possible.entity_ids
    assert "review the hit" in possible.explanation
    assert a.factor("lists.blocking") is None
    assert "blocking-sanctions" not in a.floors and a.level != "critical"


def test_a_strong_asset_freeze_match_is_critical(screener: Screener) -> None:
    add_party(screener.store, "t-melli-strong", "Bank Melli Iran", actor=ACTOR, country="IR")
    a = _assess(screener, "t-melli-strong")
    assert a.factor("lists.blocking") is not None and a.level == "critical"
    assert "blocking-sanctions" in a.floors


# --- dated ownership tests and the BIS Affiliates Rule (lists/data/ownership_rules.yml) ----------

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def cetc52(screener: Screener) -> str:
    """An Entity List party (presumption of denial) owning three subsidiaries: 60 %, 49 %, share unknown."""
    store = screener.store
    add_party(store, "t-cetc52", "China Electronics Technology Group Corporation 52nd Research Institute",
              actor=ACTOR, country="CN", roles=["owner"])  # fmt: skip
    for pid, name, share in (("t-aff60", "Hangzhou Example Optics Co., Ltd.", 60.0),
                             ("t-aff49", "Ningbo Example Sensors Co., Ltd.", 49.0),
                             ("t-affunk", "Suzhou Example Vision Co., Ltd.", None)):  # fmt: skip
        add_party(store, pid, name, actor=ACTOR, country="CN")
        add_relation(store, "t-cetc52", pid, "owns", share=share, actor=ACTOR)
    return "t-cetc52"


def test_affiliates_rule_in_force_on_today_makes_a_60_percent_subsidiary_licence_required(
    screener: Screener, cetc52: str
) -> None:
    a = _assess(screener, "t-aff60", as_of=TODAY)
    factor = a.factor("ownership.affiliates-rule")
    assert factor is not None and factor.points == 25, [(f.rule, f.points) for f in a.factors]
    assert "t-cetc52 60 % = 60 % ≥ 50 % (BIS Affiliates Rule, aggregated)" in factor.explanation
    assert "Presumption of denial" in factor.explanation
    assert "could not be checked at the source on 2026-12-07" in factor.explanation
    assert factor.path == ("t-cetc52", "t-aff60") and factor.entity_ids
    assert a.level in ("medium", "high") and rederive(a) == (a.score, a.level)


def test_affiliates_rule_suspended_on_the_date_is_shown_with_the_date_it_would_apply(
    screener: Screener, cetc52: str
) -> None:
    a = _assess(screener, "t-aff60", as_of=date(2026, 3, 1))
    assert a.factor("ownership.affiliates-rule") is None
    factor = a.factor("ownership.affiliates-suspended")
    assert factor is not None and factor.points == 0
    assert "would apply from 2026-11-10" in factor.explanation
    during = _assess(screener, "t-aff60", as_of=date(2025, 10, 15))
    assert during.factor("ownership.affiliates-rule") is not None


def test_affiliates_rule_49_percent_is_not_captured_and_unknown_share_is_red_flag_29(
    screener: Screener, cetc52: str
) -> None:
    below = _assess(screener, "t-aff49", as_of=TODAY)
    assert not [f for f in below.factors if f.rule.startswith("ownership.affiliates")]
    unknown = _assess(screener, "t-affunk", as_of=TODAY)
    factor = unknown.factor("ownership.affiliates-red-flag")
    assert factor is not None and factor.points == 20
    assert "share unknown: t-cetc52" in factor.explanation and "Red Flag 29" in factor.explanation
    assert "not a clear" in factor.explanation


def test_ofac_finding_shows_which_test_and_the_arithmetic(screener: Screener) -> None:
    store = screener.store
    add_party(store, "t-melli2", "Bank Melli Iran", actor=ACTOR, country="IR", roles=["owner"])
    add_party(store, "t-sub-arith", "Sorlys Handel AS", actor=ACTOR, country="NO")
    add_relation(store, "t-melli2", "t-sub-arith", "owns", share=50, actor=ACTOR)
    a = _assess(screener, "t-sub-arith", as_of=TODAY)
    owned = a.factor("ownership.owned-by-blocked")
    assert owned is not None and a.level == "critical"
    assert "US: t-melli2 50 % = 50 % ≥ 50 % (OFAC 50 Percent Rule" in owned.explanation
    assert (
        "test applied: OFAC 50 Percent Rule (Revised Guidance of 13 Aug 2014): 50 % or more"
        in owned.explanation
    )


def test_blocked_owner_with_a_blank_share_is_never_read_as_zero(screener: Screener) -> None:
    store = screener.store
    add_party(store, "t-melli3", "Bank Melli Iran", actor=ACTOR, country="IR", roles=["owner"])
    add_party(store, "t-sub-blank", "Vestlys Handel AS", actor=ACTOR, country="NO")
    add_relation(store, "t-melli3", "t-sub-blank", "owns", share=None, actor=ACTOR)
    a = _assess(screener, "t-sub-blank", as_of=TODAY)
    factor = a.factor("ownership.blocked-unknown-share")
    assert factor is not None and factor.points == 20 and "never read as 0 %" in factor.explanation
    assert a.factor("ownership.blocked-minority") is None
