"""Transparency Act requests: three weeks exactly, the two-month cap, late answers, refusals, stats."""

from __future__ import annotations

import datetime as dt

import pytest

from aktsam.diligence import requests as rq
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail

D = dt.date


def trail_len(store: Store) -> int:
    with store.session() as s:
        return len(trail.entries(s))


def test_deadline_is_three_weeks_and_extension_cap_is_two_months(store: Store) -> None:
    made = rq.receive_request(store, received_on=D(2026, 3, 2), requester="journalist",
                              question="Which suppliers in Xinjiang?", actor="ann")  # fmt: skip
    assert made.deadline == D(2026, 3, 23)
    assert rq.latest_deadline(D(2026, 3, 2)) == D(2026, 5, 2)
    assert rq.add_months(D(2025, 12, 31), 2) == D(2026, 2, 28)
    before = trail_len(store)
    for kwargs in (
        {"new_deadline": D(2026, 5, 3), "notified_on": D(2026, 3, 10)},  # past two months
        {"new_deadline": D(2026, 4, 20), "notified_on": D(2026, 3, 24)},  # told too late
        {"new_deadline": D(2026, 3, 20), "notified_on": D(2026, 3, 10)},  # not later
    ):
        with pytest.raises(InputError):
            rq.extend_request(store, made.id, reason="many suppliers", actor="ann", **kwargs)
    assert trail_len(store) == before and rq.get_request(store, made.id).deadline == D(2026, 3, 23)
    extended = rq.extend_request(store, made.id, new_deadline=D(2026, 5, 2), reason="many suppliers",
                                 notified_on=D(2026, 3, 23), actor="ann")  # fmt: skip
    assert extended.extended and rq.extension_reasons(store, made.id) == ["many suppliers"]


def test_late_answer_overdue_and_stats(store: Store) -> None:
    a = rq.receive_request(store, received_on=D(2026, 3, 2), requester="a", question="q", actor="x")
    b = rq.receive_request(store, received_on=D(2026, 3, 2), requester="b", question="q", actor="x")
    c = rq.receive_request(store, received_on=D(2026, 3, 2), requester="c", question="q", actor="x")
    rq.receive_request(store, received_on=D(2026, 3, 20), requester="d", question="q", actor="x")
    assert [r.id for r in rq.overdue(store, D(2026, 3, 24))] == [a.id, b.id, c.id]
    with pytest.raises(InputError):
        rq.answer_request(store, a.id, answered_on=D(2026, 3, 1), answer="x", actor="x")
    assert not rq.answer_request(
        store, a.id, answered_on=D(2026, 3, 23), answer="x", actor="x"
    ).late
    assert rq.answer_request(store, b.id, answered_on=D(2026, 3, 30), answer="x", actor="x").late
    with pytest.raises(InputError):
        rq.refuse_request(store, c.id, ground="too-busy", refused_on=D(2026, 3, 5), actor="x")
    refused = rq.refuse_request(store, c.id, ground="personal-data", refused_on=D(2026, 3, 5),
                                note="asks for a worker's health data", actor="x")  # fmt: skip
    assert refused.status == "refused" and "personal-data" in (refused.refusal_ground or "")
    with pytest.raises(InputError):
        rq.answer_request(store, c.id, answered_on=D(2026, 3, 6), answer="x", actor="x")
    stats = rq.on_time_stats(store, 2026)
    assert (stats.received, stats.answered_on_time, stats.answered_late, stats.refused,
            stats.open) == (4, 1, 1, 1, 1)  # fmt: skip
    with pytest.raises(NotFoundError):
        rq.get_request(store, 999)
    with pytest.raises(NotFoundError):
        rq.receive_request(store, received_on=D(2026, 3, 2), requester="a", question="q",
                           party_id="nobody", actor="x")  # fmt: skip
