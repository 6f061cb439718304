"""Decisions: mandatory reasons, tied to list content, newest wins, clearances lapse on change."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from aktsam.errors import InputError, NotFoundError
from aktsam.lists.model import ListedEntity, Name, ParsedList, Schema
from aktsam.lists.snapshots import Snapshot, entity_hashes, import_parsed
from aktsam.screening.decisions import (
    Decision,
    active_clearance,
    decisions_for,
    list_decisions,
    record_decision,
)
from aktsam.store import Store
from aktsam.store.schema import SnapshotRow


def _import(store: Store, name: str, day: str) -> Snapshot:
    entities = [
        ListedEntity("csv", "1", Schema.ORGANIZATION, [Name(name)]),
        ListedEntity("csv", "2", Schema.PERSON, [Name("Someone Else")]),
    ]
    return import_parsed(
        store, ParsedList("csv", entities, day), sha256=name.ljust(64, "0"), file_name="w.csv"
    ).snapshot


@pytest.fixture
def snaps(store: Store) -> tuple[Snapshot, Snapshot]:
    """Two snapshots; entity csv:1 is renamed in the second, csv:2 stays the same."""
    return _import(store, "Dahua Technology", "2026-01-01"), _import(
        store, "Zhejiang Dahua Technology", "2026-02-01"
    )


def _decide(
    store: Store, snap: Snapshot, decision: str, party: str = "P-1", entity: str = "csv:1"
) -> Decision:
    return record_decision(
        store,
        party_id=party,
        entity_id=entity,
        decision=decision,
        reason="checked the registration number",
        actor="analyst@example.com",
        snapshot_id=snap.id,
        content_hash=entity_hashes(store, snap.id)[entity],
    )


def test_record_and_list(store: Store, snaps: tuple[Snapshot, Snapshot]) -> None:
    old, _ = snaps
    before = dt.datetime.now(dt.UTC)
    decision = _decide(store, old, "false_positive")
    assert decision.id > 0 and decision.decided_at >= before
    assert decision.decided_at.tzinfo is dt.UTC
    assert (decision.party_id, decision.entity_id, decision.decision) == (
        "P-1",
        "csv:1",
        "false_positive",
    )
    assert decision.content_hash == entity_hashes(store, old.id)["csv:1"]
    other = _decide(store, old, "confirmed", party="P-2", entity="csv:2")
    assert list_decisions(store) == [decision, other]
    assert list_decisions(store, "P-2") == [other]
    assert list_decisions(store, "P-3") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   \n"}, "reason"),
        ({"actor": ""}, "actor"),
        ({"party_id": ""}, "party_id"),
        ({"decision": "cleared"}, "decision"),
    ],
)
def test_invalid_decisions(
    store: Store, snaps: tuple[Snapshot, Snapshot], changes: dict[str, str], field: str
) -> None:
    old, _ = snaps
    args = {
        "party_id": "P-1",
        "entity_id": "csv:1",
        "decision": "false_positive",
        "reason": "different company",
        "actor": "a",
        "snapshot_id": old.id,
        "content_hash": entity_hashes(store, old.id)["csv:1"],
        **changes,
    }
    with pytest.raises(InputError) as info:
        record_decision(store, **args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert list_decisions(store) == []


def test_decision_must_refer_to_reviewed_content(
    store: Store, snaps: tuple[Snapshot, Snapshot]
) -> None:
    old, new = snaps
    args = dict(party_id="P", decision="confirmed", reason="r", actor="a")
    with pytest.raises(NotFoundError):
        record_decision(store, entity_id="csv:9", snapshot_id=old.id, content_hash="x", **args)
    with pytest.raises(InputError, match="content hash"):
        record_decision(
            store,
            entity_id="csv:1",
            snapshot_id=new.id,
            content_hash=entity_hashes(store, old.id)["csv:1"],  # the old content
            **args,
        )


def test_clearance_lapses_when_the_listing_changes(
    store: Store, snaps: tuple[Snapshot, Snapshot]
) -> None:
    old, new = snaps
    cleared = _decide(store, old, "false_positive")
    cleared_other = _decide(store, old, "false_positive", entity="csv:2")
    decisions = decisions_for(store, ["P-1"])
    old_hash = entity_hashes(store, old.id)
    new_hash = entity_hashes(store, new.id)
    assert active_clearance(decisions, "csv:1", old_hash["csv:1"]) == cleared
    assert active_clearance(decisions, "csv:1", new_hash["csv:1"]) is None  # renamed entry
    assert new_hash["csv:2"] == old_hash["csv:2"]
    assert active_clearance(decisions, "csv:2", new_hash["csv:2"]) == cleared_other  # unchanged
    assert active_clearance(decisions, "csv:3", "whatever") is None


def test_newest_decision_wins(store: Store, snaps: tuple[Snapshot, Snapshot]) -> None:
    _, new = snaps
    current = entity_hashes(store, new.id)["csv:1"]
    first = _decide(store, new, "false_positive")
    assert active_clearance(decisions_for(store, ["P-1"]), "csv:1", current) == first
    _decide(store, new, "confirmed")
    decisions = decisions_for(store, ["P-1"])
    assert active_clearance(decisions, "csv:1", current) is None
    assert active_clearance(list(reversed(decisions)), "csv:1", current) is None  # order-proof
    again = _decide(store, new, "false_positive")  # clearing a confirmed hit: four eyes
    assert active_clearance(decisions_for(store, ["P-1"]), "csv:1", current) is None
    from aktsam.screening.decisions import approve_hit_decision

    approved = approve_hit_decision(store, again.id, approver="approver@example.com")
    assert approved.id == again.id
    assert active_clearance(decisions_for(store, ["P-1"]), "csv:1", current) == approved


def test_decided_at_orders_before_id() -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    later = Decision(1, "P", "e", "confirmed", "r", "a", base + dt.timedelta(1), 1, "h")
    earlier = Decision(2, "P", "e", "false_positive", "r", "a", base, 1, "h")
    assert active_clearance([later, earlier], "e", "h") is None
    assert (
        active_clearance(
            [dataclasses.replace(later, decided_at=base - dt.timedelta(1)), earlier], "e", "h"
        )
        == earlier
    )


def test_one_partys_clearance_never_applies_to_another(
    store: Store, snaps: tuple[Snapshot, Snapshot]
) -> None:
    old, _ = snaps
    current = entity_hashes(store, old.id)["csv:1"]
    mine = _decide(store, old, "false_positive", party="P-1")
    _decide(store, old, "confirmed", party="P-2")
    mixed = decisions_for(store, ["P-1", "P-2"])
    with pytest.raises(ValueError, match="several parties"):
        active_clearance(mixed, "csv:1", current)
    assert active_clearance(mixed, "csv:1", current, party_id="P-1") == mine
    assert active_clearance(mixed, "csv:1", current, party_id="P-2") is None


def test_decisions_for_many_parties(store: Store, snaps: tuple[Snapshot, Snapshot]) -> None:
    old, _ = snaps
    made = [_decide(store, old, "confirmed", party=f"P-{i}") for i in (5, 700, 1100)]
    found = decisions_for(store, [f"P-{i}" for i in range(1200)])  # several IN (...) chunks
    assert found == made
    assert decisions_for(store, []) == []


def test_decisions_keep_their_snapshot(store: Store, snaps: tuple[Snapshot, Snapshot]) -> None:
    old, _ = snaps
    _decide(store, old, "false_positive")
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute(sa.delete(SnapshotRow).where(SnapshotRow.id == old.id))


# -- four eyes ------------------------------------------------------------------------------------


def test_clearing_a_confirmed_hit_waits_for_another_approver(
    store: Store, snaps: tuple[Snapshot, Snapshot]
) -> None:
    from aktsam.screening.decisions import (
        approve_hit_decision,
        latest_decision,
        pending_decisions,
    )
    from aktsam.store import trail as audit

    _, new = snaps
    current = entity_hashes(store, new.id)["csv:1"]
    confirmed = _decide(store, new, "confirmed")
    assert confirmed.status == "in-force" and not confirmed.pending
    clearing = _decide(store, new, "false_positive")
    assert clearing.pending and clearing.status == "pending-approval"
    assert pending_decisions(store) == [clearing]
    # the pending clearance counts for nothing: the hit stays confirmed
    decisions = list_decisions(store, "P-1")
    assert latest_decision(decisions, "csv:1") == confirmed
    assert active_clearance(decisions, "csv:1", current) is None
    # the author may not approve it (whatever the case of the name)
    with pytest.raises(InputError, match="other than its author") as err:
        approve_hit_decision(store, clearing.id, approver="ANALYST@example.com ")
    assert err.value.field == "approver"
    approved = approve_hit_decision(store, clearing.id, approver="approver@example.com")
    assert approved.status == "in-force" and approved.approved_by == "approver@example.com"
    assert approved.approved_at is not None
    decisions = list_decisions(store, "P-1")
    assert active_clearance(decisions, "csv:1", current) == approved
    assert pending_decisions(store) == []
    with pytest.raises(InputError, match="not awaiting approval"):
        approve_hit_decision(store, clearing.id, approver="someone-else")
    with store.session() as session:
        actions = [e.action for e in audit.entries(session, object_type="hit")]
        assert actions == ["hit.confirmed", "hit.pending", "hit.approve"]
        assert audit.verify(session).ok


def test_first_clearance_needs_no_approval(store: Store, snaps: tuple[Snapshot, Snapshot]) -> None:
    _, new = snaps
    assert _decide(store, new, "false_positive").status == "in-force"
    # a confirmation never waits; clearing again after it does
    assert _decide(store, new, "confirmed").status == "in-force"
    assert _decide(store, new, "false_positive").pending


def test_outdated_pending_clearance_cannot_be_approved(
    store: Store, snaps: tuple[Snapshot, Snapshot]
) -> None:
    from aktsam.screening.decisions import approve_hit_decision

    _, new = snaps
    _decide(store, new, "confirmed")
    clearing = _decide(store, new, "false_positive")
    _decide(store, new, "confirmed")  # confirmed again meanwhile
    with pytest.raises(InputError, match="outdated"):
        approve_hit_decision(store, clearing.id, approver="approver@example.com")
    with pytest.raises(NotFoundError):
        approve_hit_decision(store, 999_999, approver="approver@example.com")
    with pytest.raises(InputError, match="approver"):
        approve_hit_decision(store, clearing.id, approver=" ")
