"""What is due or overdue on a date: the follow-up list behind ``aktsam followup``.

One list across the due-diligence records, each item with its kind, the party, what is due, the due date,
whether it is overdue and the days left (negative: days overdue):

``action``
    open actions (owner and title) due by the horizon.
``decision-approval``
    decisions awaiting a second approver (due on their effective date).
``decision-review``
    review dates of decisions in force.
``assessment-review``
    the review date of each party's latest assessment.
``questionnaire``
    questionnaires sent and not answered, by their due date.
``info-request``
    open Transparency Act requests near or past their deadline.
``wind-down-end``
    the end of warranty and service duties of a wind-down in force.
``account-publication``
    the Transparency Act account for the last calendar year, due 30 June (åpenhetsloven § 5), from
    ``lead_days`` before until it is recorded as published (``aktsam report published``).
``account-update``
    a material change in the risk assessment since the last published account (§ 5: the account is also
    updated "ved vesentlige endringer i risikovurderingene"); what counts as one is in
    ``data/transparency_rules.yml`` (:mod:`aktsam.diligence.account_updates`).

"Today" is the ``as_of`` parameter; items due within ``within_days`` after it are listed as well as
everything overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from aktsam.diligence.account_updates import reminders
from aktsam.errors import InputError
from aktsam.store.db import Store
from aktsam.store.schema import (
    ActionRow,
    AssessmentRow,
    DecisionRow,
    InfoRequestRow,
    QuestionnaireRow,
)

KINDS: tuple[str, ...] = (
    "action", "decision-approval", "decision-review", "assessment-review", "questionnaire",
    "info-request", "wind-down-end", "account-publication", "account-update",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing due: ``days`` to the due date (negative when overdue)."""

    kind: str
    party_id: str | None
    object_id: str
    what: str
    due_on: dt.date
    overdue: bool
    days: int


def due_items(store: Store, as_of: dt.date, *, within_days: int = 30) -> list[DueItem]:
    """Everything overdue on ``as_of`` or due within ``within_days`` after it, earliest first."""
    if within_days < 0:
        raise InputError("within_days must not be negative", field="within_days")
    horizon = as_of + dt.timedelta(days=within_days)
    items: list[DueItem] = []

    def add(kind: str, party: str | None, object_id: object, what: str, due: dt.date) -> None:
        items.append(DueItem(kind=kind, party_id=party, object_id=str(object_id), what=what,
                             due_on=due, overdue=due < as_of, days=(due - as_of).days))  # fmt: skip

    with store.session() as session:
        for action in session.scalars(
            sa.select(ActionRow).where(ActionRow.status == "open", ActionRow.due_on <= horizon)
        ):
            add("action", action.party_id, action.id,
                f"{action.title} (owner {action.owner})", action.due_on)  # fmt: skip
        for decision in session.scalars(
            sa.select(DecisionRow).where(DecisionRow.status.in_(("in-force", "pending-approval")))
        ):
            label = f"decision {decision.id} ({decision.kind})"
            if decision.status == "pending-approval":
                if decision.effective_on <= horizon:
                    add("decision-approval", decision.party_id, decision.id,
                        f"{label} by {decision.decided_by} awaits a second approver",
                        decision.effective_on)  # fmt: skip
                continue
            if decision.review_on is not None and decision.review_on <= horizon:
                add("decision-review", decision.party_id, decision.id, f"review {label}",
                    decision.review_on)  # fmt: skip
            if (
                decision.kind == "wind-down"
                and decision.service_until is not None
                and decision.service_until <= horizon
            ):
                add("wind-down-end", decision.party_id, decision.id,
                    f"warranty and service duties of {label} end", decision.service_until)  # fmt: skip
        latest: dict[str, AssessmentRow] = {}
        for assessment in session.scalars(
            sa.select(AssessmentRow).order_by(
                AssessmentRow.as_of, AssessmentRow.assessed_at, AssessmentRow.id
            )
        ):
            latest[assessment.party_id] = assessment
        for assessment in latest.values():
            if assessment.review_on is not None and assessment.review_on <= horizon:
                add("assessment-review", assessment.party_id, assessment.id,
                    f"review assessment {assessment.id} (level {assessment.level})",
                    assessment.review_on)  # fmt: skip
        for questionnaire in session.scalars(
            sa.select(QuestionnaireRow).where(
                QuestionnaireRow.answered_on.is_(None),
                QuestionnaireRow.status.not_in(("answered", "closed")),
                QuestionnaireRow.due_on <= horizon,
            )
        ):
            add("questionnaire", questionnaire.party_id, questionnaire.id,
                f"answer to questionnaire {questionnaire.template} sent {questionnaire.sent_on}",
                questionnaire.due_on)  # fmt: skip
        for request in session.scalars(
            sa.select(InfoRequestRow).where(
                InfoRequestRow.status == "open", InfoRequestRow.deadline <= horizon
            )
        ):
            add("info-request", request.party_id, request.id,
                f"answer information request {request.id} from {request.requester} "
                f"(received {request.received_on})", request.deadline)  # fmt: skip
        for reminder in reminders(session, as_of, horizon):
            add(reminder.kind, reminder.party_id, reminder.object_id, reminder.what,
                reminder.due_on)  # fmt: skip
    return sorted(items, key=lambda i: (i.due_on, KINDS.index(i.kind), i.object_id))


def overdue_items(store: Store, as_of: dt.date) -> list[DueItem]:
    """Only what is overdue on ``as_of``."""
    return [item for item in due_items(store, as_of, within_days=0) if item.overdue]


__all__ = ["KINDS", "DueItem", "due_items", "overdue_items"]
