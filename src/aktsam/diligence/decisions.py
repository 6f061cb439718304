"""Decisions on a party, with rationale and evidence, and the follow-up actions they set in motion.

A decision says what the organisation does about a party: ``continue``, ``engage`` (work with the
party on the problem), ``conditional`` (continue on stated conditions), ``stop-new-purchases``,
``stop-new-sales``, ``wind-down`` (no new business; keep the warranty and service duties already owed
until ``service_until``) or ``exit``. Every decision names the evidence it rests on and the latest
risk assessment, so an auditor can see why it was taken.

Rules (each one an :class:`~aktsam.errors.InputError` that changes nothing):

* ``rationale`` is required; every evidence id must exist (the missing ones are named).
* Evidence is required for every decision except ``continue`` with a party whose latest assessment is
  ``low`` (nothing adverse to answer for). A party never assessed needs evidence for any decision.
* ``review_on`` and ``service_until`` are not before ``effective_on``; ``service_until`` belongs to a
  wind-down only, and a wind-down needs one.
* A wind-down is linked to the party's installed equipment (``equipment.party_id`` is the maker):
  devices whose warranty runs past ``service_until`` are duties the wind-down would break, and come
  back as :attr:`Decision.warnings` (the decision is still recorded: the warranty may be honoured
  another way, and the rationale should say how).

Four eyes: a decision to keep working with a party whose latest assessment is ``critical``
(``continue``, ``engage`` or ``conditional``) is recorded as ``pending-approval`` and only takes effect
when someone other than its author approves it (:func:`approve`). A decision that takes effect
supersedes the party's previous decision in force (status ``superseded``); at most one decision per
party is in force.

Every change writes its audit-trail entry in the same transaction: ``decision.add``,
``decision.approve``, ``decision.supersede``, ``action.add``, ``action.done``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.diligence.register import require_party
from aktsam.errors import InputError, NotFoundError, required_text
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import (
    DD_DECISIONS,
    ActionRow,
    AssessmentRow,
    DecisionRow,
    EquipmentRow,
    EvidenceRow,
    PartyRow,
)
from aktsam.store.trail import row_state

PENDING, IN_FORCE, SUPERSEDED = "pending-approval", "in-force", "superseded"
DECISION_STATUSES: tuple[str, ...] = (PENDING, IN_FORCE, SUPERSEDED)
FOUR_EYES_KINDS: frozenset[str] = frozenset({"continue", "engage", "conditional"})
"""Kinds that keep the relationship going: with a critical-risk party they need a second approver."""
FOUR_EYES_LEVEL = "critical"
DEFAULT_SCOPE: dict[str, tuple[str, ...]] = {
    "stop-new-purchases": ("purchases",),
    "stop-new-sales": ("sales",),
    "wind-down": ("purchases", "sales"),
    "exit": ("purchases", "sales", "service"),
}
ACTION_STATUSES: tuple[str, ...] = ("open", "done", "cancelled")


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action to create together with a decision (``title``, ``owner``, ``due_on``)."""

    title: str
    owner: str
    due_on: dt.date


@dataclass(frozen=True, slots=True)
class Action:
    """A follow-up action (read-only copy of its ``dd_actions`` row)."""

    id: int
    party_id: str
    decision_id: int | None
    title: str
    owner: str
    due_on: dt.date
    done_on: dt.date | None
    result: str | None
    status: str

    def overdue(self, as_of: dt.date) -> bool:
        """Open and due before ``as_of``."""
        return self.status == "open" and self.due_on < as_of


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision on a party (read-only copy of its ``dd_decisions`` row).

    ``devices`` and ``warnings`` are filled by :func:`decide` for a wind-down: the installed devices the
    decision is linked to, and the warranties that outlast ``service_until``.
    """

    id: int
    party_id: str
    kind: str
    scope: tuple[str, ...]
    rationale: str
    evidence_ids: tuple[str, ...]
    assessment_id: int | None
    decided_by: str
    decided_at: dt.datetime
    effective_on: dt.date
    review_on: dt.date | None
    service_until: dt.date | None
    approved_by: str | None
    approved_at: dt.datetime | None
    status: str
    actions: tuple[Action, ...] = ()
    devices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def needs_approval(self) -> bool:
        return self.status == PENDING


# -- helpers ------------------------------------------------------------------------------------------


def _party(session: Session, party_id: str) -> PartyRow:
    return require_party(session, party_id)


def _latest_assessment(session: Session, party_id: str) -> AssessmentRow | None:
    return session.scalars(
        sa.select(AssessmentRow)
        .where(AssessmentRow.party_id == party_id)
        .order_by(
            AssessmentRow.as_of.desc(), AssessmentRow.assessed_at.desc(), AssessmentRow.id.desc()
        )
        .limit(1)
    ).one_or_none()


def _action(row: ActionRow) -> Action:
    return Action(
        id=row.id,
        party_id=row.party_id,
        decision_id=row.decision_id,
        title=row.title,
        owner=row.owner,
        due_on=row.due_on,
        done_on=row.done_on,
        result=row.result,
        status=row.status,
    )


def _decision(
    row: DecisionRow,
    actions: Iterable[Action] = (),
    devices: Iterable[str] = (),
    warnings: Iterable[str] = (),
) -> Decision:
    return Decision(
        id=row.id,
        party_id=row.party_id,
        kind=row.kind,
        scope=tuple(row.scope or ()),
        rationale=row.rationale,
        evidence_ids=tuple(row.evidence_ids or ()),
        assessment_id=row.assessment_id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        effective_on=row.effective_on,
        review_on=row.review_on,
        service_until=row.service_until,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        status=row.status,
        actions=tuple(actions),
        devices=tuple(devices),
        warnings=tuple(warnings),
    )


def _check_evidence(session: Session, evidence_ids: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(e.strip() for e in evidence_ids if e and e.strip()))
    if not wanted:
        return ()
    found = set(session.scalars(sa.select(EvidenceRow.id).where(EvidenceRow.id.in_(wanted))))
    missing = [e for e in wanted if e not in found]
    if missing:
        raise InputError(f"unknown evidence id(s): {', '.join(missing)}", field="evidence")
    return wanted


def _wind_down_links(
    session: Session, party_id: str, service_until: dt.date
) -> tuple[list[str], list[str]]:
    """The maker's installed devices, and a warning for each warranty that outlasts the service."""
    rows = session.scalars(
        sa.select(EquipmentRow)
        .where(EquipmentRow.party_id == party_id)
        .order_by(EquipmentRow.device_id, EquipmentRow.id)
    ).all()
    devices = [row.device_id for row in rows]
    warnings = [
        f"device {row.device_id}"
        + (f" at {row.site}" if row.site else "")
        + f": warranty until {row.warranty_until.isoformat()} runs past the end of service "
        f"{service_until.isoformat()}"
        for row in rows
        if row.warranty_until is not None and row.warranty_until > service_until
    ]
    return devices, warnings


def _supersede(session: Session, party_id: str, keep: DecisionRow, actor: str) -> None:
    previous = session.scalars(
        sa.select(DecisionRow).where(
            DecisionRow.party_id == party_id,
            DecisionRow.status == IN_FORCE,
            DecisionRow.id != keep.id,
        )
    ).all()
    for row in previous:
        before = row_state(row)
        row.status = SUPERSEDED
        session.flush()
        trail.record(session, actor=actor, action="decision.supersede", object_type="decision",
                     object_id=str(row.id), before=before,
                     after={**row_state(row), "superseded_by": keep.id})  # fmt: skip


def _add_action_row(
    session: Session,
    *,
    party_id: str,
    decision_id: int | None,
    title: str,
    owner: str,
    due_on: dt.date,
    actor: str,
) -> ActionRow:
    row = ActionRow(
        party_id=party_id,
        decision_id=decision_id,
        title=title,
        owner=owner,
        due_on=due_on,
        done_on=None,
        result=None,
        status="open",
    )
    session.add(row)
    session.flush()
    trail.record(session, actor=actor, action="action.add", object_type="action",
                 object_id=str(row.id), after=row_state(row))  # fmt: skip
    return row


def _check_action(spec: ActionSpec | tuple[str, str, dt.date], index: int) -> ActionSpec:
    if not isinstance(spec, ActionSpec):
        try:
            title, owner, due_on = spec
        except (TypeError, ValueError):
            raise InputError(
                f"action {index}: expected (title, owner, due date)", field="action"
            ) from None
        spec = ActionSpec(title=title, owner=owner, due_on=due_on)
    if not isinstance(spec.due_on, dt.date):
        raise InputError(f"action {index}: due date must be a date", field="action")
    for name in ("title", "owner"):
        if not str(getattr(spec, name) or "").strip():
            raise InputError(f"action {index}: {name} is required", field="action")
    return ActionSpec(spec.title.strip(), spec.owner.strip(), spec.due_on)


# -- decisions -------------------------------------------------------------------------------------------


def decide(
    store: Store,
    party_id: str,
    *,
    kind: str,
    rationale: str,
    evidence_ids: Sequence[str],
    actor: str,
    effective_on: dt.date,
    review_on: dt.date | None = None,
    service_until: dt.date | None = None,
    scope: Sequence[str] | None = None,
    actions: Sequence[ActionSpec | tuple[str, str, dt.date]] = (),
) -> Decision:
    """Record a decision on ``party_id`` (see the module docstring for the rules).

    Returns the decision with its actions; for a wind-down also the linked devices and the warranty
    warnings. Status is ``pending-approval`` when four eyes are needed, else ``in-force`` (and the
    previous decision in force is superseded).
    """
    if kind not in DD_DECISIONS:
        raise InputError(f"kind must be one of {', '.join(DD_DECISIONS)}, got {kind!r}",
                         field="kind")  # fmt: skip
    rationale = required_text(rationale, "rationale")
    actor = required_text(actor, "actor")
    if review_on is not None and review_on < effective_on:
        raise InputError(
            f"review date {review_on} is before the effective date {effective_on}",
            field="review_on",
        )
    if kind == "wind-down":
        if service_until is None:
            raise InputError(
                "a wind-down needs the date its warranty and service duties end (service_until)",
                field="service_until",
            )
        if service_until < effective_on:
            raise InputError(
                f"service end {service_until} is before the effective date {effective_on}",
                field="service_until",
            )
    elif service_until is not None:
        raise InputError(
            "service_until belongs to a wind-down decision only", field="service_until"
        )
    scope_values = tuple(
        dict.fromkeys(
            s.strip() for s in (scope if scope is not None else DEFAULT_SCOPE.get(kind, ()))
        )
    )
    if any(not s for s in scope_values):
        raise InputError("scope entries must not be empty", field="scope")
    specs = [_check_action(spec, i) for i, spec in enumerate(actions, start=1)]

    with store.session() as session:
        _party(session, party_id)
        evidence = _check_evidence(session, evidence_ids)
        assessment = _latest_assessment(session, party_id)
        level = assessment.level if assessment is not None else None
        if not evidence and not (kind == "continue" and level == "low"):
            why = "never assessed" if level is None else f"latest assessment {level}"
            raise InputError(
                f"a {kind} decision needs at least one evidence id (party {party_id}: {why}); only "
                "'continue' with a low-risk party may rest on the assessment alone",
                field="evidence",
            )
        devices: list[str] = []
        warnings: list[str] = []
        if kind == "wind-down" and service_until is not None:
            devices, warnings = _wind_down_links(session, party_id, service_until)
        status = PENDING if (kind in FOUR_EYES_KINDS and level == FOUR_EYES_LEVEL) else IN_FORCE
        row = DecisionRow(
            party_id=party_id,
            kind=kind,
            scope=list(scope_values),
            rationale=rationale,
            evidence_ids=list(evidence),
            assessment_id=assessment.id if assessment is not None else None,
            decided_by=actor,
            decided_at=dt.datetime.now(dt.UTC),
            effective_on=effective_on,
            review_on=review_on,
            service_until=service_until,
            approved_by=None,
            approved_at=None,
            status=status,
        )
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="decision.add", object_type="decision",
                     object_id=str(row.id),
                     after={**row_state(row), "assessment_level": level, "devices": devices,
                            "warnings": warnings})  # fmt: skip
        if status == IN_FORCE:
            _supersede(session, party_id, row, actor)
        action_rows = [
            _add_action_row(session, party_id=party_id, decision_id=row.id, title=spec.title,
                            owner=spec.owner, due_on=spec.due_on, actor=actor)
            for spec in specs
        ]  # fmt: skip
        return _decision(row, (_action(a) for a in action_rows), devices, warnings)


def approve(store: Store, decision_id: int, *, approver: str) -> Decision:
    """Approve a ``pending-approval`` decision (four eyes: the approver is not its author).

    The decision comes into force and supersedes the party's previous decision in force.
    """
    approver = required_text(approver, "approver")
    with store.session() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFoundError(f"no decision {decision_id}")
        if row.status != PENDING:
            raise InputError(
                f"decision {decision_id} is {row.status}, not awaiting approval", field="decision"
            )
        if approver.casefold() == row.decided_by.strip().casefold():
            raise InputError(
                f"four eyes: decision {decision_id} was made by {row.decided_by}; another person "
                "must approve it",
                field="approver",
            )
        before = row_state(row)
        row.status = IN_FORCE
        row.approved_by = approver
        row.approved_at = dt.datetime.now(dt.UTC)
        session.flush()
        trail.record(session, actor=approver, action="decision.approve", object_type="decision",
                     object_id=str(row.id), before=before, after=row_state(row))  # fmt: skip
        _supersede(session, row.party_id, row, approver)
        actions = session.scalars(
            sa.select(ActionRow).where(ActionRow.decision_id == row.id).order_by(ActionRow.id)
        ).all()
        return _decision(row, (_action(a) for a in actions))


def _load(session: Session, rows: Sequence[DecisionRow]) -> list[Decision]:
    ids = [r.id for r in rows]
    by_decision: dict[int, list[Action]] = {}
    if ids:
        for a in session.scalars(
            sa.select(ActionRow).where(ActionRow.decision_id.in_(ids)).order_by(ActionRow.id)
        ):
            by_decision.setdefault(a.decision_id or 0, []).append(_action(a))
    return [_decision(r, by_decision.get(r.id, ())) for r in rows]


def decisions_for(store: Store, party_id: str) -> list[Decision]:
    """Every decision on ``party_id``, oldest first (NotFoundError for an unknown party)."""
    with store.session() as session:
        _party(session, party_id)
        rows = session.scalars(
            sa.select(DecisionRow)
            .where(DecisionRow.party_id == party_id)
            .order_by(DecisionRow.decided_at, DecisionRow.id)
        ).all()
        return _load(session, rows)


def get_decision(store: Store, decision_id: int) -> Decision:
    """One decision by id (NotFoundError)."""
    with store.session() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFoundError(f"no decision {decision_id}")
        return _load(session, [row])[0]


def current_decision(store: Store, party_id: str) -> Decision | None:
    """The party's decision in force, or None (a decision awaiting approval is not in force)."""
    with store.session() as session:
        _party(session, party_id)
        rows = session.scalars(
            sa.select(DecisionRow)
            .where(DecisionRow.party_id == party_id, DecisionRow.status == IN_FORCE)
            .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
            .limit(1)
        ).all()
        loaded = _load(session, rows)
        return loaded[0] if loaded else None


def all_decisions(store: Store, *, status: str | None = None) -> list[Decision]:
    """Every decision (optionally of one status), oldest first: what follow-up and reports read."""
    if status is not None and status not in DECISION_STATUSES:
        raise InputError(f"status must be one of {', '.join(DECISION_STATUSES)}", field="status")
    query = sa.select(DecisionRow).order_by(DecisionRow.decided_at, DecisionRow.id)
    if status is not None:
        query = query.where(DecisionRow.status == status)
    with store.session() as session:
        return _load(session, session.scalars(query).all())


# -- actions ---------------------------------------------------------------------------------------------


def add_action(
    store: Store,
    party_id: str,
    *,
    title: str,
    owner: str,
    due_on: dt.date,
    actor: str,
    decision_id: int | None = None,
) -> Action:
    """Add an open action for ``party_id`` (optionally under one of its decisions)."""
    spec = _check_action(ActionSpec(title, owner, due_on), 1)
    actor = required_text(actor, "actor")
    with store.session() as session:
        _party(session, party_id)
        if decision_id is not None:
            decision = session.get(DecisionRow, decision_id)
            if decision is None:
                raise NotFoundError(f"no decision {decision_id}")
            if decision.party_id != party_id:
                raise InputError(
                    f"decision {decision_id} is about {decision.party_id}, not {party_id}",
                    field="decision",
                )
        row = _add_action_row(session, party_id=party_id, decision_id=decision_id,
                              title=spec.title, owner=spec.owner, due_on=spec.due_on,
                              actor=actor)  # fmt: skip
        return _action(row)


def complete_action(
    store: Store, action_id: int, *, done_on: dt.date, result: str, actor: str
) -> Action:
    """Mark an open action done on ``done_on`` with what came of it."""
    result = required_text(result, "result")
    actor = required_text(actor, "actor")
    with store.session() as session:
        row = session.get(ActionRow, action_id)
        if row is None:
            raise NotFoundError(f"no action {action_id}")
        if row.status != "open":
            raise InputError(f"action {action_id} is already {row.status}", field="action")
        before = row_state(row)
        row.done_on, row.result, row.status = done_on, result, "done"
        session.flush()
        trail.record(session, actor=actor, action="action.done", object_type="action",
                     object_id=str(row.id), before=before, after=row_state(row))  # fmt: skip
        return _action(row)


def actions_for(
    store: Store, party_id: str | None = None, *, open_only: bool = False
) -> list[Action]:
    """Actions (of one party, or all), by due date."""
    query = sa.select(ActionRow).order_by(ActionRow.due_on, ActionRow.id)
    if open_only:
        query = query.where(ActionRow.status == "open")
    with store.session() as session:
        if party_id is not None:
            _party(session, party_id)
            query = query.where(ActionRow.party_id == party_id)
        return [_action(r) for r in session.scalars(query)]


__all__ = [
    "ACTION_STATUSES",
    "DECISION_STATUSES",
    "DEFAULT_SCOPE",
    "FOUR_EYES_KINDS",
    "IN_FORCE",
    "PENDING",
    "SUPERSEDED",
    "Action",
    "ActionSpec",
    "Decision",
    "actions_for",
    "add_action",
    "all_decisions",
    "approve",
    "complete_action",
    "current_decision",
    "decide",
    "decisions_for",
    "get_decision",
]
