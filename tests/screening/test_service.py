"""The screening service on the bundled snapshot: the cases issue #2 names, decisions and run records."""

from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from aktsam.errors import InputError
from aktsam.lists.model import Schema
from aktsam.screening.files import PartyRow
from aktsam.screening.runs import Run, get_run
from aktsam.screening.service import DesignationHit, Screener
from aktsam.settings import Settings
from aktsam.store.schema import ScreeningRunRow

HIKVISION_EL = "Hangzhou Hikvision Digital Technology Co., Ltd."


@pytest.fixture
def screener(bundled_settings: Settings) -> Iterator[Screener]:
    opened = Screener.open(bundled_settings)
    yield opened
    opened.store.close()


@pytest.mark.parametrize(
    "name",
    [
        "Hangzhou Hikvision Digital Technology Co Ltd",
        "杭州海康威视数字技术股份有限公司",
        "HIKVISION",
    ],
)
def test_hikvision_in_any_script_finds_the_entity_list_entry(screener: Screener, name: str) -> None:
    run = screener.screen(name, record=False)
    el = [h for h in run.results[0].hits if h.hit.sublist and "Entity List" in h.hit.sublist]
    assert len(el) == 1, [h.caption for h in run.results[0].hits]
    assert el[0].caption == HIKVISION_EL and el[0].score >= 0.7


def test_dahua_entity_list_ranks_above_unrelated_new_york_firm(screener: Screener) -> None:
    run = screener.screen("Zhejiang Dahua Technology", threshold=0.3, limit=50, record=False)
    captions = [h.caption for h in run.results[0].hits]
    assert captions[0] == "Dahua Technology"
    assert run.results[0].hits[0].hit.sublist is not None
    assert "Entity List" in run.results[0].hits[0].hit.sublist
    if "DAHUA ELECTRONICS CORPORATION" in captions:
        dpl = captions.index("DAHUA ELECTRONICS CORPORATION")
        assert run.results[0].hits[dpl].score < run.results[0].hits[0].score
        assert run.results[0].hits[dpl].score < 0.7


def test_axis_communications_gets_no_hit(screener: Screener) -> None:
    run = screener.screen("Axis Communications AB", schema=Schema.ORGANIZATION, record=False)
    assert run.results[0].hits == []


def test_result_names_the_snapshots_it_rests_on(screener: Screener) -> None:
    run = screener.screen("HIKVISION", lists=["us-csl", "un-sc"], record=False)
    assert {s.source for s in run.snapshots} == {"us-csl", "un-sc"}
    assert run.data_as_of().startswith("list data as of un-sc 2026-02-27, us-csl undated")
    assert all(h.hit.source == "us-csl" for h in run.results[0].hits)


def test_unknown_list_and_bad_threshold_are_refused(screener: Screener) -> None:
    with pytest.raises(InputError, match="no snapshot for list"):
        screener.screen("HIKVISION", lists=["eu-xyz"], record=False)
    with pytest.raises(InputError, match="threshold"):
        screener.screen("HIKVISION", threshold=1.5, record=False)
    with pytest.raises(InputError, match="empty"):
        screener.screen("   ", record=False)


def test_run_is_recorded_with_snapshots_and_hits(screener: Screener) -> None:
    parties = [
        PartyRow(2, "rec-1", "HIKVISION", Schema.ORGANIZATION, (), None),
        PartyRow(3, "rec-2", "Axis Communications AB", Schema.ORGANIZATION, (), None),
    ]
    run = screener.screen_parties(parties, actor="tester")
    assert run.run_id is not None
    stored = get_run(screener.store, run.run_id)
    assert stored.actor == "tester" and stored.query_count == 2
    assert sorted(stored.snapshot_ids) == sorted(s.id for s in screener.snapshots)
    assert stored.hit_count == len(run.results[0].hits) > 0
    assert {h.query_id for h in stored.hits} == {"rec-1"}


def test_cleared_hit_stays_cleared_for_that_party_only(screener: Screener) -> None:
    first = screener.screen("HIKVISION", party_id="fp-1", record=False).results[0].hits[0]
    decision = screener.decide(
        party_id="fp-1",
        entity_id=first.entity_id,
        decision="false_positive",
        reason="Our customer is a reseller, not the maker",
        actor="analyst",
    )
    assert decision.snapshot_id == first.snapshot_id and decision.content_hash
    again = screener.screen("HIKVISION", party_id="fp-1", record=False).results[0]
    cleared = [h for h in again.hits if h.entity_id == first.entity_id]
    assert cleared[0].status == "cleared" and cleared[0].decision is not None
    assert cleared[0].decision.reason == "Our customer is a reseller, not the maker"
    assert first.entity_id not in {h.entity_id for h in again.open_hits}
    other = screener.screen("HIKVISION", party_id="fp-2", record=False).results[0]
    assert all(h.status == "open" for h in other.hits)


def test_confirmation_overrides_clearance(screener: Screener) -> None:
    hit = screener.screen("HIKVISION", party_id="cf-1", record=False).results[0].hits[0]
    for decision in ("false_positive", "confirmed"):
        screener.decide(
            party_id="cf-1", entity_id=hit.entity_id, decision=decision, reason="r", actor="a"
        )
    again = screener.screen("HIKVISION", party_id="cf-1", record=False).results[0]
    assert next(h for h in again.hits if h.entity_id == hit.entity_id).status == "confirmed"


def test_decision_on_entity_not_in_force_is_refused(screener: Screener) -> None:
    with pytest.raises(InputError, match="not in the current"):
        screener.decide(
            party_id="x",
            entity_id="un-sc:QDi.999999",
            decision="false_positive",
            reason="r",
            actor="a",
        )


def test_index_is_cached_on_disk(screener: Screener) -> None:
    path = screener.index_path()
    assert path.exists()
    assert len(screener.index()) > 30_000


def test_clearance_lapses_when_the_listing_changes(screener: Screener) -> None:
    import sqlalchemy as sa

    from aktsam.store.schema import HitDecisionRow

    hit = screener.screen("HIKVISION", party_id="lapse-1", record=False).results[0].hits[0]
    made = screener.decide(
        party_id="lapse-1",
        entity_id=hit.entity_id,
        decision="false_positive",
        reason="cleared against an older listing",
        actor="analyst",
    )
    with (
        screener.store.session() as session
    ):  # as if the entity read differently when it was cleared
        session.execute(
            sa.update(HitDecisionRow)
            .where(HitDecisionRow.id == made.id)
            .values(content_hash="0" * 64)
        )
    again = screener.screen("HIKVISION", party_id="lapse-1", record=False).results[0]
    lapsed = next(h for h in again.hits if h.entity_id == hit.entity_id)
    assert lapsed.status == "open"
    assert (
        lapsed.decision is not None and lapsed.decision.reason == "cleared against an older listing"
    )


# --- issue #11: one designation on several lists ------------------------------------------------------------

XPSB = "Xinjiang Public Security Bureau"  # OFAC SDN uid 29159 and its copy in the CSL


def _designation(screener: Screener, party: str) -> DesignationHit:
    run = screener.screen(XPSB, party_id=party, lists=["ofac-sdn", "us-csl"], record=False)
    [designation] = [d for d in run.results[0].designations if d.key == "ofac-sdn:29159"]
    return designation


def test_the_sdn_entry_and_its_csl_copy_are_one_designation(screener: Screener) -> None:
    designation = _designation(screener, "P-1")
    assert {h.entity_id for h in designation.hits} == {"ofac-sdn:29159", "us-csl:29159"}
    assert {(x.source, x.source_id) for x in designation.listings} == {
        ("ofac-sdn", "29159"),
        ("us-csl", "29159"),
    }
    assert designation.status == "open"
    # only the lists screened are named
    run = screener.screen(XPSB, lists=["ofac-sdn"], record=False)
    [alone] = [d for d in run.results[0].designations if d.key == "ofac-sdn:29159"]
    assert [x.source for x in alone.listings] == ["ofac-sdn"]


def test_the_limit_counts_designations(screener: Screener) -> None:
    run = screener.screen(XPSB, lists=["ofac-sdn", "us-csl"], limit=1, record=False)
    result = run.results[0]
    assert len(result.designations) == 1
    assert {h.entity_id for h in result.hits} == {"ofac-sdn:29159", "us-csl:29159"}


def test_a_decision_covers_every_entry_of_the_designation(screener: Screener) -> None:
    screener.decide(
        party_id="P-2", entity_id="us-csl:29159", decision="false_positive",
        reason="another bureau: registry checked", actor="analyst",
    )  # fmt: skip
    designation = _designation(screener, "P-2")
    assert {h.status for h in designation.hits} == {"cleared"}
    assert designation.status == "cleared"


def test_a_designation_is_cleared_only_when_every_entry_is(screener: Screener) -> None:
    # a decision recorded on one entry alone (as before designations were merged) leaves it open
    from aktsam.screening.decisions import record_decision

    snap = next(s for s in screener.snapshots if s.source == "ofac-sdn")
    content = screener._content_hash(snap.id, "ofac-sdn:29159")
    record_decision(
        screener.store, party_id="P-3", entity_id="ofac-sdn:29159", decision="false_positive",
        reason="checked", actor="analyst", snapshot_id=snap.id, content_hash=content,
    )  # fmt: skip
    designation = _designation(screener, "P-3")
    statuses = {h.entity_id: h.status for h in designation.hits}
    assert statuses == {"ofac-sdn:29159": "cleared", "us-csl:29159": "open"}
    assert designation.status == "open"


def test_a_designation_s_pending_clearances_are_approved_together(screener: Screener) -> None:
    from aktsam.screening.decisions import approve_hit_decision, pending_decisions

    screener.decide(party_id="P-4", entity_id="ofac-sdn:29159", decision="confirmed",
                    reason="same registry number", actor="analyst")  # fmt: skip
    assert _designation(screener, "P-4").status == "confirmed"
    screener.decide(party_id="P-4", entity_id="ofac-sdn:29159", decision="false_positive",
                    reason="number misread", actor="analyst")  # fmt: skip
    waiting = [d for d in pending_decisions(screener.store) if d.party_id == "P-4"]
    assert {d.entity_id for d in waiting} == {"ofac-sdn:29159", "us-csl:29159"}
    assert _designation(screener, "P-4").status == "pending"
    approve_hit_decision(screener.store, waiting[0].id, approver="approver")
    assert [d for d in pending_decisions(screener.store) if d.party_id == "P-4"] == []
    assert _designation(screener, "P-4").status == "cleared"


# --- streamed screening (screen-file) -------------------------------------------------------------------------


def _parties(n: int) -> list[PartyRow]:
    names = ["Xinjiang Public Security Bureau", "HIKVISION", "Nobody In Particular", "大华"]
    return [
        PartyRow(
            row=i + 2,
            id=f"S-{i}",
            name=names[i % len(names)],
            schema=None,
            countries=(),
            birth_date=None,
        )
        for i in range(n)
    ]


def test_streamed_screening_gives_what_screen_parties_gives(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aktsam.screening.service as service

    monkeypatch.setattr(service, "BATCH", 7)  # several batches, the last one short
    parties = _parties(penultimate := 23)
    whole = screener.screen_parties(parties, record=False)
    run = screener.stream_parties(iter(parties))
    assert run.run_id is None
    streamed = []
    for result in run.results:
        streamed.append(result)
        if len(streamed) < penultimate:
            assert run.run_id is None
    assert run.run_id is not None  # recorded before the last result was handed over
    assert [(r.party_id, [(h.entity_id, h.score, h.status) for h in r.hits]) for r in streamed] == [
        (r.party_id, [(h.entity_id, h.score, h.status) for h in r.hits]) for r in whole.results
    ]
    recorded = get_run(screener.store, run.run_id)
    assert recorded.query_count == 23 and run.parties == 23
    assert recorded.hit_count == run.hits == sum(len(r.hits) for r in whole.results)
    assert recorded.params["streamed"] is True
    # every field of every hit is recorded as screen_parties records it (the spool keeps them whole)
    again = get_run(screener.store, screener.screen_parties(parties).run_id or 0)

    def fields(run: Run) -> list[str]:
        return sorted(json.dumps(dataclasses.asdict(h), sort_keys=True) for h in run.hits)

    assert fields(recorded) == fields(again) and recorded.hits


def test_a_streamed_run_that_fails_records_nothing(
    screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aktsam.screening.service as service

    monkeypatch.setattr(service, "BATCH", 5)

    def broken() -> Iterator[PartyRow]:
        yield from _parties(8)
        raise InputError("row 10: bad", field="name")

    with screener.store.session() as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(ScreeningRunRow))
    run = screener.stream_parties(broken())
    with pytest.raises(InputError):
        list(run.results)
    with screener.store.session() as session:
        after = session.scalar(sa.select(sa.func.count()).select_from(ScreeningRunRow))
    assert after == before and run.run_id is None


def test_the_first_index_of_a_process_freezes_the_live_objects_once(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the process's long-lived objects go to the permanent generation once the first index is in
    # place: full collections during a run no longer walk them (10 to 20% of screen-file's time);
    # a later index (a reload after a list update) does not freeze again
    import aktsam.screening.service as service

    monkeypatch.setattr(service, "_frozen", False)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    first, second = Screener.open(bundled_settings), Screener.open(bundled_settings)
    try:
        index = first.index()
        frozen = gc.get_freeze_count()
        assert frozen > 50_000 and first.index() is index  # settled once, not on every call
        second.index()
        assert gc.get_freeze_count() <= frozen  # nothing more frozen (some freed since)
    finally:
        first.store.close()
        second.store.close()
        gc.unfreeze()
