"""Analyst decisions on hits: "this party is not that listed entity" (or "it is").

A decision is an audit record: who decided what, when, why, and against which exact list content.
Clearing a hit as a false positive must not outlive the evidence it was based on, so every decision
stores the listed entity's :meth:`~aktsam.lists.model.ListedEntity.content_hash`: when the publisher
amends the entry (a new alias, a new date of birth), the hash changes and the clearance lapses,
putting the hit back in front of a human. Decisions are never edited or deleted; a new decision
supersedes older ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import DECISIONS, EntityRow, HitDecisionRow

DecisionKind = Literal["false_positive", "confirmed"]
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
    """
    if decision not in DECISIONS:
        raise InputError(
            f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}", field="decision"
        )
    values = {"party_id": party_id, "entity_id": entity_id, "reason": reason, "actor": actor}
    for field, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{field} is required and must not be empty", field=field)
    with store.session() as session:
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
        row = HitDecisionRow(
            party_id=party_id,
            entity_id=entity_id,
            decision=decision,
            reason=reason,
            actor=actor,
            decided_at=dt.datetime.now(dt.UTC),
            snapshot_id=snapshot_id,
            content_hash=content_hash,
        )
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action=f"hit.{decision}", object_type="hit",
                     object_id=f"{party_id} ~ {entity_id}",
                     after={"decision": decision, "reason": reason, "snapshot_id": snapshot_id,
                            "content_hash": content_hash, "decision_id": row.id})  # fmt: skip
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
    raise :class:`ValueError`.
    """
    relevant = [
        d
        for d in decisions
        if d.entity_id == entity_id and (party_id is None or d.party_id == party_id)
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
    )
