"""Decisions: validation that changes nothing, four eyes, supersede, wind-down warranty warnings, actions."""

from __future__ import annotations

import datetime as dt

import pytest

from aktsam.diligence import decisions as dd
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail
from aktsam.store.schema import AssessmentRow, DecisionRow, EquipmentRow, EvidenceRow, PartyRow

D = dt.date
NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def seed(store: Store, *, level: str | None = "high") -> None:
    with store.session() as s:
        s.add(PartyRow(id="hik", name="Hikvision", kind="company", roles=["manufacturer"],
                       country="CN", region=None, sector=None, end_user_type=None, aliases=[],
                       identifiers={}, website=None, notes=None, created_at=NOW, updated_at=NOW))  # fmt: skip
        s.flush()
        for ev in ("EV-0001", "EV-0002"):
            s.add(EvidenceRow(id=ev, party_id="hik", kind="ngo-report", topic="surveillance",
                              stance="adverse", title=ev, publisher=None, url=None, published=None,
                              author=None, quote=None, added_by="t", added_at=NOW))  # fmt: skip
        if level is not None:
            s.add(AssessmentRow(party_id="hik", assessed_at=NOW, assessed_by="t", as_of=D(2026, 1, 5),
                                level=level, score=1.0, method="test", factors=[],
                                review_on=D(2026, 6, 1)))  # fmt: skip
        s.add(EquipmentRow(party_id="hik", device_id="CAM-1", brand="Hikvision", model="X",
                           site="HQ", customer_id=None, installed_on=D(2024, 1, 1),
                           warranty_until=D(2028, 1, 1), finding=None, source=None))  # fmt: skip
        s.add(EquipmentRow(party_id="hik", device_id="CAM-2", brand="Hikvision", model="X",
                           site="HQ", customer_id=None, installed_on=D(2024, 1, 1),
                           warranty_until=D(2026, 6, 1), finding=None, source=None))  # fmt: skip


def counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        return len(s.query(DecisionRow).all()), len(trail.entries(s))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "pause"}, "kind"),
        ({"rationale": "  "}, "rationale"),
        ({"evidence_ids": ["EV-0001", "EV-9999"]}, "evidence"),
        ({"evidence_ids": []}, "evidence"),
        ({"review_on": D(2025, 12, 31)}, "review_on"),
        ({"kind": "wind-down"}, "service_until"),
        ({"kind": "wind-down", "service_until": D(2025, 1, 1)}, "service_until"),
        ({"service_until": D(2027, 1, 1)}, "service_until"),
        ({"actions": [("", "ann", D(2026, 2, 1))]}, "action"),
    ],
)
def test_invalid_decisions_change_nothing(
    store: Store, kwargs: dict[str, object], field: str
) -> None:
    seed(store)
    before = counts(store)
    args: dict[str, object] = {"kind": "engage", "rationale": "talk to them",
                               "evidence_ids": ["EV-0001"], "actor": "ann",
                               "effective_on": D(2026, 1, 10), **kwargs}  # fmt: skip
    with pytest.raises(InputError) as info:
        dd.decide(store, "hik", **args)  # type: ignore[arg-type]
    assert info.value.field == field
    if field == "evidence" and kwargs["evidence_ids"]:
        assert "EV-9999" in str(info.value)
    assert counts(store) == before


def test_unknown_party(store: Store) -> None:
    with pytest.raises(NotFoundError):
        dd.decide(store, "nobody", kind="exit", rationale="x", evidence_ids=[], actor="a",
                  effective_on=D(2026, 1, 1))  # fmt: skip


def test_continue_with_low_risk_party_needs_no_evidence(store: Store) -> None:
    seed(store, level="low")
    made = dd.decide(store, "hik", kind="continue", rationale="low risk", evidence_ids=[],
                     actor="ann", effective_on=D(2026, 1, 10))  # fmt: skip
    assert made.status == "in-force"


def test_four_eyes_and_supersede(store: Store) -> None:
    seed(store, level="critical")
    first = dd.decide(store, "hik", kind="stop-new-purchases", rationale="stop", actor="ann",
                      evidence_ids=["EV-0001"], effective_on=D(2026, 1, 10))  # fmt: skip
    assert first.status == "in-force" and first.scope == ("purchases",)
    cont = dd.decide(store, "hik", kind="continue", rationale="sole supplier", actor="ann",
                     evidence_ids=["EV-0002"], effective_on=D(2026, 2, 1),
                     actions=[("audit", "bob", D(2026, 3, 1))])  # fmt: skip
    assert cont.status == "pending-approval" and len(cont.actions) == 1
    assert dd.current_decision(store, "hik") == dd.get_decision(store, first.id)
    before = counts(store)
    with pytest.raises(InputError, match="four eyes"):
        dd.approve(store, cont.id, approver="ANN")
    assert counts(store) == before
    approved = dd.approve(store, cont.id, approver="bob")
    assert approved.status == "in-force" and approved.approved_by == "bob"
    statuses = {d.id: d.status for d in dd.decisions_for(store, "hik")}
    assert statuses == {first.id: "superseded", cont.id: "in-force"}
    with pytest.raises(InputError):
        dd.approve(store, cont.id, approver="carl")
    with store.session() as s:
        actions = [e.action for e in trail.entries(s)]
    assert actions == ["decision.add", "decision.add", "action.add", "decision.approve",
                       "decision.supersede"]  # fmt: skip


def test_wind_down_links_devices_and_warns_about_longer_warranties(store: Store) -> None:
    seed(store)
    made = dd.decide(store, "hik", kind="wind-down", rationale="replace cameras", actor="ann",
                     evidence_ids=["EV-0001"], effective_on=D(2026, 1, 10),
                     service_until=D(2027, 1, 1))  # fmt: skip
    assert made.devices == ("CAM-1", "CAM-2")
    assert len(made.warnings) == 1 and "CAM-1" in made.warnings[0]
    assert made.service_until == D(2027, 1, 1)


def test_actions(store: Store) -> None:
    seed(store)
    decision = dd.decide(store, "hik", kind="engage", rationale="r", actor="ann",
                         evidence_ids=["EV-0001"], effective_on=D(2026, 1, 10))  # fmt: skip
    action = dd.add_action(store, "hik", title="ask for audit", owner="bob", due_on=D(2026, 2, 1),
                           decision_id=decision.id, actor="ann")  # fmt: skip
    assert action.overdue(D(2026, 2, 2))
    with pytest.raises(NotFoundError):
        dd.add_action(store, "hik", title="t", owner="o", due_on=D(2026, 2, 1), decision_id=999,
                      actor="ann")  # fmt: skip
    done = dd.complete_action(store, action.id, done_on=D(2026, 1, 30), result="audit booked",
                              actor="bob")  # fmt: skip
    assert done.status == "done"
    with pytest.raises(InputError):
        dd.complete_action(store, action.id, done_on=D(2026, 1, 30), result="again", actor="bob")
    assert dd.actions_for(store, "hik", open_only=True) == []
