"""Follow-up: everything overdue or due soon, across actions, reviews, questionnaires and requests."""

from __future__ import annotations

import datetime as dt

from aktsam.diligence import decisions as dd
from aktsam.diligence import requests as rq
from aktsam.diligence.followup import due_items, overdue_items
from aktsam.store import Store
from aktsam.store.schema import AssessmentRow, EvidenceRow, PartyRow, QuestionnaireRow

D = dt.date
NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def test_followup_lists_overdue_and_due_items(store: Store) -> None:
    with store.session() as s:
        s.add(PartyRow(id="p", name="P", kind="company", roles=[], country="CN", region=None,
                       sector=None, end_user_type=None, aliases=[], identifiers={}, website=None,
                       notes=None, created_at=NOW, updated_at=NOW))  # fmt: skip
        s.flush()
        s.add(EvidenceRow(id="EV-1", party_id="p", kind="media", topic=None, stance="adverse",
                          title="t", publisher=None, url=None, published=None, author=None,
                          quote=None, added_by="t", added_at=NOW))  # fmt: skip
        s.add(AssessmentRow(party_id="p", assessed_at=NOW, assessed_by="t", as_of=D(2026, 1, 1),
                            level="high", score=1, method="m", factors=[], review_on=D(2026, 3, 1)))  # fmt: skip
        s.add(QuestionnaireRow(party_id="p", template="supplier-v1", sent_on=D(2026, 1, 1),
                               due_on=D(2026, 2, 1), answered_on=None, answers={}, status="sent"))  # fmt: skip
    dd.decide(store, "p", kind="wind-down", rationale="r", evidence_ids=["EV-1"], actor="a",
              effective_on=D(2026, 1, 10), review_on=D(2026, 4, 1), service_until=D(2026, 3, 20),
              actions=[("replace cameras", "bob", D(2026, 2, 10))])  # fmt: skip
    rq.receive_request(store, received_on=D(2026, 2, 1), requester="r", question="q", actor="a")
    items = due_items(store, D(2026, 2, 15), within_days=40)
    assert [(i.kind, i.due_on, i.overdue) for i in items] == [
        ("questionnaire", D(2026, 2, 1), True),
        ("action", D(2026, 2, 10), True),
        ("info-request", D(2026, 2, 22), False),
        ("assessment-review", D(2026, 3, 1), False),
        ("wind-down-end", D(2026, 3, 20), False),
    ]
    assert items[1].days == -5 and items[1].party_id == "p"
    assert [i.kind for i in overdue_items(store, D(2026, 2, 15))] == ["questionnaire", "action"]
