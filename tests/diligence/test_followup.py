"""Follow-up: everything overdue or due soon, across actions, reviews, questionnaires and requests."""

from __future__ import annotations

import datetime as dt

import pytest

from aktsam.diligence import decisions as dd
from aktsam.diligence import requests as rq
from aktsam.diligence.account_updates import (
    account_rules,
    material_changes,
    publications,
    record_publication,
)
from aktsam.diligence.followup import due_items, overdue_items
from aktsam.errors import InputError
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


# --- the Transparency Act account: 30 June, and updates after a material change ----------------------------


def _party(store: Store, party_id: str, created: dt.datetime) -> None:
    with store.session() as s:
        s.add(PartyRow(id=party_id, name=party_id.title(), kind="company", roles=["supplier"],
                       country="CN", region=None, sector=None, end_user_type=None, aliases=[],
                       identifiers={}, website=None, notes=None, created_at=created,
                       updated_at=created))  # fmt: skip


def _assess(store: Store, party_id: str, level: str, at: dt.datetime) -> None:
    with store.session() as s:
        s.add(AssessmentRow(party_id=party_id, assessed_at=at, assessed_by="t", as_of=at.date(),
                            level=level, score=1, method="m", factors=[], review_on=None))  # fmt: skip


def account_items(store: Store, as_of: dt.date, within: int = 0) -> list[tuple[str, str, dt.date]]:
    return [
        (i.kind, i.object_id, i.due_on)
        for i in due_items(store, as_of, within_days=within)
        if i.kind.startswith("account-")
    ]


def test_rules_file_matches_the_act_as_cited() -> None:
    from aktsam.diligence import transparency as tr

    rules = account_rules()
    assert (
        (rules.publish_month, rules.publish_day)
        == (tr.PUBLISH_BY_MONTH, tr.PUBLISH_BY_DAY)
        == (6, 30)
    )
    assert "innen 30. juni hvert år" in rules.publication_source
    assert "ved vesentlige endringer i risikovurderingene" in rules.update_source
    assert rules.primary_text_read is False  # said in the file and the docstrings, not hidden
    assert set(rules.changes) == {"became-significant", "became-critical", "no-longer-significant",
                                  "restrictive-decision", "new-actual-impact"}  # fmt: skip
    assert all(c.source and c.date and c.reason for c in rules.changes.values())


def test_reminds_about_30_june_with_lead_time_until_published(store: Store) -> None:
    _party(store, "p", dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    due = D(2027, 6, 30)
    assert account_items(store, D(2027, 4, 1)) == []  # before the lead time (60 days)
    assert account_items(store, D(2027, 4, 1), within=90) == [
        ("account-publication", "account-2026", due)
    ]
    assert account_items(store, D(2027, 5, 1)) == [("account-publication", "account-2026", due)]
    late = [
        i for i in due_items(store, D(2027, 7, 2), within_days=0) if i.kind.startswith("account")
    ]
    assert [(i.overdue, i.days) for i in late] == [(True, -2)]
    assert "by 30 June" in late[0].what
    # the register did not cover 2025: no reminder for an account of that year
    assert account_items(store, D(2026, 6, 1)) == []
    record_publication(store, year=2026, published_on=D(2027, 6, 20), actor="board")
    assert account_items(store, D(2027, 7, 2)) == []
    with pytest.raises(InputError, match="after the year ends"):
        record_publication(store, year=2026, published_on=D(2026, 12, 31), actor="board")


def test_material_changes_after_publication_ask_for_an_update(store: Store) -> None:
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    for party in ("a", "b", "c", "d"):
        _party(store, party, t0)
    _assess(store, "a", "medium", t0)
    _assess(store, "b", "high", t0)
    _assess(store, "c", "low", t0)
    with store.session() as s:
        s.add(EvidenceRow(id="EV-1", party_id="d", kind="media", topic="surveillance",
                          stance="adverse", title="t", publisher=None, url=None, published=None,
                          author=None, quote=None, added_by="t", added_at=t0))  # fmt: skip
    published = record_publication(store, year=2026, published_on=D(2027, 3, 1), actor="board")
    assert published.year == 2026
    later = published.recorded_at + dt.timedelta(milliseconds=1)
    _assess(store, "a", "high", later)  # became significant
    _assess(store, "b", "medium", later)  # no longer significant
    _assess(store, "c", "critical", later)  # became critical
    with store.session() as s:
        s.add(EvidenceRow(id="EV-2", party_id="d", kind="audit-result",
                          topic="actual:forced-labour", stance="adverse", title="t",
                          publisher=None, url=None, published=None, author=None, quote=None,
                          added_by="t", added_at=later))  # fmt: skip
        s.add(
            EvidenceRow(
                id="EV-3",
                party_id="d",
                kind="media",
                topic="surveillance",
                stance="adverse",
                title="t",
                publisher=None,
                url=None,
                published=None,
                author=None,
                quote=None,
                added_by="t",
                added_at=later,
            )
        )  # not material
    dd.decide(store, "d", kind="exit", rationale="r", evidence_ids=["EV-1"], actor="a",
              effective_on=later.date())  # fmt: skip
    with store.session() as s:
        changes = material_changes(s, publications(s)[-1])
    assert sorted((c.rule, c.party_id) for c in changes) == [
        ("became-critical", "c"), ("became-significant", "a"), ("new-actual-impact", "d"),
        ("no-longer-significant", "b"), ("restrictive-decision", "d"),
    ]  # fmt: skip
    items = [
        i for i in due_items(store, later.date(), within_days=30) if i.kind == "account-update"
    ]
    assert len(items) == 5 and all(not i.overdue and i.days == 30 for i in items)
    assert all("if the board finds this material" in i.what for i in items)
    assert any("risk level low → critical" in i.what for i in items)
    # the account updated and published again: nothing left to remind
    record_publication(store, year=2026, published_on=D(2027, 3, 2), actor="board")
    assert [
        i for i in due_items(store, later.date(), within_days=30) if i.kind == "account-update"
    ] == []
