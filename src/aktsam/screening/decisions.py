"""Analyst decisions on hits: "this party is not that listed entity" (or "it is").

A decision is an audit record: who decided what, when, why, and against which exact list content.
Clearing a hit as a false positive must not outlive the evidence it was based on, so every decision
stores the listed entity's :meth:`~aktsam.lists.model.ListedEntity.content_hash`: when the publisher
amends the entry (a new alias, a new date of birth), the hash changes and the clearance lapses,
putting the hit back in front of a human. Decisions are never edited or deleted; a new decision
supersedes older ones.

Four eyes: clearing a hit whose newest decision is ``confirmed`` is recorded as ``pending-approval``
(trail ``hit.pending``) and counts for nothing until a person other than its author approves it
(:func:`approve_hit_decision`, trail ``hit.approve``). :func:`latest_decision` and
:func:`active_clearance` ignore pending decisions.

A hit's review status (``open``, ``cleared``, ``confirmed`` or ``pending``) is worked out in one place,
:func:`review_hit`; the screening service, the pages and the API all take it from there, so none of them
can call "cleared" what another calls "pending".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.errors import InputError, NotFoundError, required_text
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import DECISIONS, EntityRow, HitDecisionRow

DecisionKind = Literal["false_positive", "confirmed"]
HitStatus = Literal["open", "cleared", "confirmed", "pending"]
#: What each review status means (API schemas and the README quote this).
HIT_STATUSES: dict[str, str] = {
    "open": "no decision in force: a human has to look at the hit",
    "cleared": "cleared as a false positive for this party, against the listing as it stands now",
    "confirmed": "confirmed as a true match for this party",
    "pending": "a clearance awaits a second person's approval (four eyes); until approved the "
    "hit is not cleared and the decision in force (a confirmation) stands",
}
IN_FORCE, PENDING = "in-force", "pending-approval"
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Decision:
    """One recorded decision (a read-only copy of its ``hit_decisions`` row)."""

    id: int
    party_id: str
    entity_id: str
    decision: DecisionKind
    reason: str
    actor: str
    decided_at: dt.datetime
    snapshot_id: int
    content_hash: str
    status: str = IN_FORCE
    approved_by: str | None = None
    approved_at: dt.datetime | None = None

    @property
    def pending(self) -> bool:
        """Awaiting a second person's approval (four eyes); does not count until approved."""
        return self.status == PENDING


def record_decision(
    store: Store,
    *,
    party_id: str,
    entity_id: str,
    decision: str,
    reason: str,
    actor: str,
    snapshot_id: int,
    content_hash: str,
) -> Decision:
    """Record a decision on (party, listed entity) as seen in ``snapshot_id``.

    ``reason`` is mandatory: an auditor asking why a hit was cleared must find the analyst's own
    words. The entity must exist in that snapshot with exactly ``content_hash``, so that no decision
    can refer to list content nobody actually reviewed.

    Clearing a hit whose newest decision (in force) is ``confirmed`` needs four eyes: it is stored
    as ``pending-approval`` and only counts once someone else approves it
    (:func:`approve_hit_decision`).
    """
    [recorded] = record_decisions(
        store,
        party_id=party_id,
        entries=[(entity_id, snapshot_id, content_hash)],
        decision=decision,
        reason=reason,
        actor=actor,
    )
    return recorded


def record_decisions(
    store: Store,
    *,
    party_id: str,
    entries: Sequence[tuple[str, int, str]],
    decision: str,
    reason: str,
    actor: str,
) -> list[Decision]:
    """One decision on several entries at once: (entity id, snapshot id, content hash) each, as
    :func:`record_decision` records one, in one transaction and with one time. The entries of one
    designation are decided together (:mod:`aktsam.screening.designations`): each keeps its own
    content hash, so each lapses on its own when its listing changes; :func:`approve_hit_decision`
    approves the pending ones together."""
    if decision not in DECISIONS:
        raise InputError(
            f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}", field="decision"
        )
    if not entries:
        raise InputError("a decision needs the entry it is about", field="entity_id")
    values = [("party_id", party_id), ("reason", reason), ("actor", actor)]
    values += [("entity_id", entity_id) for entity_id, _, _ in entries]
    for field, value in values:
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{field} is required and must not be empty", field=field)
    decided_at = dt.datetime.now(dt.UTC)
    out: list[Decision] = []
    with store.session() as session:
        for entity_id, snapshot_id, content_hash in entries:
            out.append(
                _record_one(
                    session,
                    party_id=party_id,
                    entity_id=entity_id,
                    decision=decision,
                    reason=reason,
                    actor=actor,
                    snapshot_id=snapshot_id,
                    content_hash=content_hash,
                    decided_at=decided_at,
                )
            )
    return out


def _record_one(
    session: Session,
    *,
    party_id: str,
    entity_id: str,
    decision: str,
    reason: str,
    actor: str,
    snapshot_id: int,
    content_hash: str,
    decided_at: dt.datetime,
) -> Decision:
    stored_hash = session.scalar(
        sa.select(EntityRow.content_hash).where(
            EntityRow.snapshot_id == snapshot_id, EntityRow.entity_id == entity_id
        )
    )
    if stored_hash is None:
        raise NotFoundError(f"snapshot {snapshot_id} holds no entity {entity_id!r}")
    if stored_hash != content_hash:
        raise InputError(
            f"content hash {content_hash[:12]}… is not that of {entity_id} in snapshot "
            f"{snapshot_id} ({stored_hash[:12]}…); a decision must name the content reviewed",
            field="content_hash",
        )
    newest = session.scalars(
        sa.select(HitDecisionRow)
        .where(
            HitDecisionRow.party_id == party_id,
            HitDecisionRow.entity_id == entity_id,
            HitDecisionRow.status == IN_FORCE,
        )
        .order_by(HitDecisionRow.decided_at.desc(), HitDecisionRow.id.desc())
        .limit(1)
    ).one_or_none()
    status = (
        PENDING
        if decision == "false_positive" and newest is not None and newest.decision == "confirmed"
        else IN_FORCE
    )
    row = HitDecisionRow(
        status=status,
        party_id=party_id,
        entity_id=entity_id,
        decision=decision,
        reason=reason,
        actor=actor,
        decided_at=decided_at,
        snapshot_id=snapshot_id,
        content_hash=content_hash,
    )
    session.add(row)
    session.flush()
    action = "hit.pending" if status == PENDING else f"hit.{decision}"
    trail.record(session, actor=actor, action=action, object_type="hit",
                 object_id=f"{party_id} ~ {entity_id}",
                 after={"decision": decision, "reason": reason, "snapshot_id": snapshot_id,
                        "content_hash": content_hash, "decision_id": row.id,
                        "status": status})  # fmt: skip
    return _decision(row)


#: what the decisions recorded together by :func:`record_decisions` share: one request
_REQUEST_FIELDS: tuple[str, ...] = ("party_id", "actor", "reason", "decision", "decided_at")


def approve_hit_decision(store: Store, decision_id: int, *, approver: str) -> Decision:
    """Approve a ``pending-approval`` hit decision (four eyes: ``approver`` is not its author), with
    the pending decisions recorded with it on the same designation's other entries
    (:func:`record_decisions`).

    Refused (:class:`InputError`) when the decision is not pending, when the approver made it, or
    when a newer decision on the same hit has taken effect meanwhile (approving would then revive a
    request made against an outdated state). Trail entry ``hit.approve``.
    """
    approver = required_text(approver, "approver")
    with store.session() as session:
        row = session.get(HitDecisionRow, decision_id)
        if row is None:
            raise NotFoundError(f"no hit decision {decision_id}")
        if row.status != PENDING:
            raise InputError(
                f"hit decision {decision_id} is {row.status}, not awaiting approval",
                field="decision",
            )
        if approver.casefold() == row.actor.strip().casefold():
            raise InputError(
                f"four eyes: hit decision {decision_id} was requested by {row.actor}; it needs an "
                "approver other than its author",
                field="approver",
            )
        # the same decision's other entries (one designation on several lists) go with it
        siblings = session.scalars(
            sa.select(HitDecisionRow)
            .where(
                HitDecisionRow.status == PENDING,
                *(getattr(HitDecisionRow, f) == getattr(row, f) for f in _REQUEST_FIELDS),
            )
            .order_by(HitDecisionRow.id)
        ).all()
        for pending in siblings:
            newer = session.scalars(
                sa.select(HitDecisionRow.id).where(
                    HitDecisionRow.party_id == pending.party_id,
                    HitDecisionRow.entity_id == pending.entity_id,
                    HitDecisionRow.status == IN_FORCE,
                    HitDecisionRow.decided_at > pending.decided_at,
                )
            ).first()
            if newer is not None:
                raise InputError(
                    f"hit decision {pending.id} is outdated: decision {newer} on the same hit was "
                    "made after it; ask for a new clearance",
                    field="decision",
                )
        now = dt.datetime.now(dt.UTC)
        for pending in siblings:
            pending.status = IN_FORCE
            pending.approved_by = approver
            pending.approved_at = now
        session.flush()
        for pending in siblings:
            trail.record(session, actor=approver, action="hit.approve", object_type="hit",
                         object_id=f"{pending.party_id} ~ {pending.entity_id}",
                         before={"decision_id": pending.id, "status": PENDING},
                         after={"decision_id": pending.id, "status": IN_FORCE,
                                "decision": pending.decision, "requested_by": pending.actor,
                                "approved_by": approver})  # fmt: skip
        return _decision(row)


def pending_decisions(store: Store) -> list[Decision]:
    """Hit decisions awaiting approval, oldest first."""
    query = (
        sa.select(HitDecisionRow)
        .where(HitDecisionRow.status == PENDING)
        .order_by(HitDecisionRow.decided_at, HitDecisionRow.id)
    )
    with store.session() as session:
        return [_decision(row) for row in session.scalars(query)]


def pending_requests(store: Store) -> list[list[Decision]]:
    """:func:`pending_decisions` grouped into requests: the decisions recorded together on the entries
    of one designation (:func:`record_decisions`) are one request, approved as one."""
    groups: dict[tuple[Any, ...], list[Decision]] = {}
    for decision in pending_decisions(store):
        key = tuple(getattr(decision, f) for f in _REQUEST_FIELDS)
        groups.setdefault(key, []).append(decision)
    return list(groups.values())


def get_decision(store: Store, decision_id: int) -> Decision:
    """One hit decision by id (:class:`NotFoundError`)."""
    with store.session() as session:
        row = session.get(HitDecisionRow, decision_id)
        if row is None:
            raise NotFoundError(f"no hit decision {decision_id}")
        return _decision(row)


def decisions_for(store: Store, party_ids: Iterable[str]) -> list[Decision]:
    """All decisions on the given parties, oldest first (what a screening run applies)."""
    wanted = sorted(set(party_ids))
    out: list[Decision] = []
    with store.session() as session:
        for start in range(0, len(wanted), _CHUNK):
            query = sa.select(HitDecisionRow).where(
                HitDecisionRow.party_id.in_(wanted[start : start + _CHUNK])
            )
            out.extend(_decision(row) for row in session.scalars(query))
    return sorted(out, key=_chronological)


def list_decisions(store: Store, party_id: str | None = None) -> list[Decision]:
    """The decision log (of one party), oldest first."""
    query = sa.select(HitDecisionRow).order_by(HitDecisionRow.decided_at, HitDecisionRow.id)
    if party_id is not None:
        query = query.where(HitDecisionRow.party_id == party_id)
    with store.session() as session:
        return [_decision(row) for row in session.scalars(query)]


def active_clearance(
    decisions: Sequence[Decision],
    entity_id: str,
    current_content_hash: str,
    *,
    party_id: str | None = None,
) -> Decision | None:
    """The false-positive decision that still clears ``entity_id``, or ``None`` if the hit stands.

    Only the newest decision on the entity counts: a later ``confirmed`` overrides an earlier
    clearance, a later clearance overrides an earlier confirmation. That newest decision clears the
    hit only if it is a ``false_positive`` made against the entity's ``current_content_hash``; once
    the listing changed, a human has to look again.

    ``decisions`` are one party's (pass ``party_id`` to filter a mixed list); decisions of several
    parties for the same entity without ``party_id`` raise :class:`ValueError`, because applying one
    party's clearance to another would hide a hit.
    """
    newest = latest_decision(decisions, entity_id, party_id=party_id)
    if (
        newest is not None
        and newest.decision == "false_positive"
        and newest.content_hash == current_content_hash
    ):
        return newest
    return None


def latest_decision(
    decisions: Sequence[Decision], entity_id: str, *, party_id: str | None = None
) -> Decision | None:
    """The newest decision on ``entity_id`` (the one that counts), whatever its kind, or ``None``.

    Same party rule as :func:`active_clearance`: decisions of several parties without ``party_id``
    raise :class:`ValueError`. Decisions awaiting approval (four eyes) are ignored.
    """
    relevant = [
        d
        for d in decisions
        if d.entity_id == entity_id
        and (party_id is None or d.party_id == party_id)
        and d.status != PENDING
    ]
    if not relevant:
        return None
    parties = {d.party_id for d in relevant}
    if len(parties) > 1:
        raise ValueError(
            f"decisions on {entity_id} from several parties ({', '.join(sorted(parties))}); "
            "pass party_id"
        )
    return max(relevant, key=_chronological)


@dataclass(frozen=True, slots=True)
class HitReview:
    """A hit's review state for one party: its ``status``, the decision in force and any clearance
    awaiting approval."""

    status: HitStatus
    decision: Decision | None  # the newest decision in force (may be a lapsed clearance)
    pending: Decision | None  # a clearance awaiting four-eyes approval, newer than ``decision``

    @property
    def confirmed(self) -> bool:
        """A confirmation is in force (also while a clearance of it awaits approval)."""
        return self.decision is not None and self.decision.decision == "confirmed"


def review_hit(
    decisions: Sequence[Decision],
    *,
    party_id: str,
    entity_id: str,
    current_content_hash: str | None,
) -> HitReview:
    """The review status of (``party_id``, ``entity_id``): the one rule every front end uses.

    * ``confirmed``: the newest decision in force confirms the match;
    * ``cleared``: it is a false-positive clearance made against ``current_content_hash`` (the
      listing as it stands in the snapshot screened); a clearance lapses when the listing changed;
    * ``pending``: otherwise, when a clearance newer than the decision in force awaits approval (four
      eyes): never "cleared" until someone other than its author approves it;
    * ``open``: anything else.

    ``decisions`` may hold other parties' and entities' decisions; only this pair's count.
    """
    mine = [d for d in decisions if d.party_id == party_id and d.entity_id == entity_id]
    newest = latest_decision(mine, entity_id)
    status: HitStatus = "open"
    if newest is not None:
        if newest.decision == "confirmed":
            status = "confirmed"
        elif current_content_hash and active_clearance([newest], entity_id, current_content_hash):
            status = "cleared"
    waiting = [
        d
        for d in mine
        if d.pending and (newest is None or _chronological(d) >= _chronological(newest))
    ]
    pending = max(waiting, key=_chronological) if waiting and status != "cleared" else None
    if pending is not None:
        status = "pending"
    return HitReview(status=status, decision=newest, pending=pending)


def _chronological(decision: Decision) -> tuple[dt.datetime, int]:
    return (decision.decided_at, decision.id)


def _decision(row: HitDecisionRow) -> Decision:
    return Decision(
        id=row.id,
        party_id=row.party_id,
        entity_id=row.entity_id,
        decision=cast(DecisionKind, row.decision),
        reason=row.reason,
        actor=row.actor,
        decided_at=row.decided_at,
        snapshot_id=row.snapshot_id,
        content_hash=row.content_hash,
        status=row.status or IN_FORCE,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )
