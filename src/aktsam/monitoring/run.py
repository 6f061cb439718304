"""A monitoring run: screen what changed since the last completed run, raise alerts, keep the state.

* The **first** run, a run after the matcher's version or the threshold changed, and ``full=True``
  screen every monitored party against every list in force (*full* mode).
* Otherwise (*delta* mode) a run screens parties added or changed since the last completed run (their
  fingerprint, :mod:`.population`) against every list, and matches the list entities added or changed
  since the snapshots that run used against the monitored parties the reverse index names as candidates
  (:mod:`.delta`); entities removed from their list close their matches with a ``delisted`` alert.
* Scores, thresholds and explanations are the matcher's (:func:`aktsam.screening.matcher.match_many`
  over :meth:`aktsam.screening.service.Screener.index`, best form per entity as the screener keeps it).

Crash safety: the run does its work in memory, then writes its alerts, the closing of older alerts, the
new state (parties, reverse index, matches), the audit-trail entries and its own completion in **one**
transaction. A run killed half-way leaves only its ``running`` row (marked ``abandoned`` by the next run)
and the state of the last completed run, which the rerun starts from: no duplicate, no lost alert.
Alerts also carry a unique ``dedupe_key`` (kind, party, entity, listing and the run the change was
measured from) as a second guard.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from aktsam.lists.snapshots import Snapshot, entity_hashes
from aktsam.lists.staleness import StaleList, staleness_warnings
from aktsam.lists.update import Fetch, update_lists
from aktsam.monitoring import delta as D
from aktsam.monitoring import retrieval as R
from aktsam.monitoring.alerts import to_alerts
from aktsam.monitoring.lock import MonitorBusyError, run_lock
from aktsam.monitoring.model import MonitorRun
from aktsam.monitoring.population import (
    DERIVED_KEY_PREFIXES,
    REGISTER,
    MonitoredParty,
    decode_forms,
    encode_forms,
    register_count,
    register_ids,
    register_parties,
)
from aktsam.monitoring.watch import file_digest, read_watched
from aktsam.screening import weights as W
from aktsam.screening.designations import designation_key
from aktsam.screening.index import MatchIndex
from aktsam.screening.matcher import Hit, _finish, _prepared, match_many
from aktsam.screening.service import Screener, best_per_entity, matcher_signature
from aktsam.settings import Settings
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import (
    MonitorAlertRow,
    MonitorMatchRow,
    MonitorPartyRow,
    MonitorPostingRow,
    MonitorRunRow,
    MonitorWatchedFileRow,
)

log = logging.getLogger(__name__)

#: hits kept per party: more than a screen shows (10), so a new designation is not pushed out of view
MONITOR_LIMIT = 50
#: parties matched per call (bounded memory; the matcher batches inside)
CHUNK = 4096
_WRITE = 5000
_HIT_KINDS = ("new-hit", "changed-listing")
_ALERT_COLUMNS = tuple(
    c.key for c in sa.inspect(MonitorAlertRow).column_attrs if c.key != "id"
)  # every column an alert row has, for one bulk insert


@dataclass(slots=True)
class _Match:
    party_id: str
    entity_id: str
    source: str
    snapshot_id: int
    content_hash: str
    score: float
    hit: Hit | None = None


@dataclass(slots=True)
class _Plan:
    """Everything a run will write, computed before its one transaction."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    close: list[tuple[str, str, str]] = field(default_factory=list)  # party, entity, reason
    upsert_matches: list[_Match] = field(default_factory=list)
    delete_matches: list[tuple[str, str]] = field(default_factory=list)
    put_parties: list[MonitoredParty] = field(default_factory=list)
    drop_parties: set[str] = field(default_factory=set)
    close_stale: list[tuple[str, int | None]] = field(default_factory=list)  # source, keep snapshot
    counts: dict[str, Any] = field(default_factory=dict)
    full: bool = False  # the state is rewritten whole
    snapshot_updates: dict[str, int] = field(
        default_factory=dict
    )  # source -> snapshot now in force
    watch_updates: dict[str, dict[str, Any]] = field(default_factory=dict)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


# --- runs ------------------------------------------------------------------------------------------------


def last_completed(store: Store) -> MonitorRunRow | None:
    with store.session() as session:
        row = session.scalars(
            sa.select(MonitorRunRow)
            .where(MonitorRunRow.status == "completed")
            .order_by(MonitorRunRow.id.desc())
            .limit(1)
        ).one_or_none()
        if row is not None:
            session.expunge(row)
        return row


def _last_full_started(store: Store) -> dt.datetime | None:
    """When the last completed full run started."""
    with store.session() as session:
        started: dt.datetime | None = session.scalar(
            sa.select(MonitorRunRow.started_at)
            .where(MonitorRunRow.status == "completed", MonitorRunRow.mode == "full")
            .order_by(MonitorRunRow.id.desc())
            .limit(1)
        )
        return started


def full_period(period: dt.timedelta) -> str:
    """``AKTSAM_MONITOR_FULL_EVERY`` in words: "7 days", "36 hours"."""
    if period % dt.timedelta(days=1) == dt.timedelta(0):
        return f"{period.days} days" if period.days != 1 else "1 day"
    hours = int(period.total_seconds() // 3600)
    return f"{hours} hours" if hours != 1 else "1 hour"


def _start(store: Store, actor: str, threshold: float) -> int:
    with store.session() as session:
        for stale in session.scalars(
            sa.select(MonitorRunRow).where(MonitorRunRow.status == "running")
        ):
            stale.status = "abandoned"
            stale.error = "did not finish (killed or crashed); nothing of it was kept"
            trail.record(
                session,
                actor=actor,
                action="monitor.run-abandoned",
                object_type="monitor_run",
                object_id=str(stale.id),
                after={"status": "abandoned"},
            )
        row = MonitorRunRow(
            started_at=_now(),
            actor=actor,
            status="running",
            mode="pending",
            matcher=matcher_signature()[:64],
            threshold=threshold,
            snapshot_ids=[],
            counts={},
        )
        session.add(row)
        session.flush()
        return row.id


def _fail(store: Store, run_id: int, actor: str, error: str) -> None:
    with store.session() as session:
        row = session.get(MonitorRunRow, run_id)
        if row is None:
            return
        row.status = "failed"
        row.finished_at = _now()
        row.error = error[:2000]
        trail.record(
            session,
            actor=actor,
            action="monitor.run-failed",
            object_type="monitor_run",
            object_id=str(run_id),
            after={"status": "failed", "error": row.error},
        )


# --- population --------------------------------------------------------------------------------------------


def _stored_fingerprints(
    store: Store, *, origin: str | None = None, ids: Iterable[str] | None = None
) -> dict[str, str]:
    query = sa.select(MonitorPartyRow.party_id, MonitorPartyRow.fingerprint)
    if origin is not None:
        query = query.where(MonitorPartyRow.origin == origin)
    with store.session() as session:
        if ids is None:
            return {p: f for p, f in session.execute(query)}
        wanted = sorted(set(ids))
        out: dict[str, str] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            out.update(
                {p: f for p, f in session.execute(query.where(MonitorPartyRow.party_id.in_(chunk)))}
            )
        return out


def _stored_parties(store: Store, ids: Iterable[str]) -> list[MonitoredParty]:
    wanted = sorted(set(ids))
    out: list[MonitoredParty] = []
    with store.session() as session:
        for start in range(0, len(wanted), 900):
            rows = session.execute(
                sa.select(
                    MonitorPartyRow.party_id, MonitorPartyRow.origin, MonitorPartyRow.data
                ).where(MonitorPartyRow.party_id.in_(wanted[start : start + 900]))
            )
            out.extend(MonitoredParty.from_data(p, o, d) for p, o, d in rows)
    return out


def _stored_forms(store: Store, numbers: Iterable[int]) -> dict[int, R.PartyForms]:
    """By party number: the party id, its stored query forms and its qualifier bonus (computed again
    for a party stored before they were kept, migration 0007)."""
    wanted = sorted(set(numbers))
    out: dict[int, R.PartyForms] = {}
    old: list[int] = []
    with store.session() as session:
        for start in range(0, len(wanted), 900):
            rows = session.execute(
                sa.select(
                    MonitorPartyRow.number,
                    MonitorPartyRow.party_id,
                    MonitorPartyRow.forms,
                    MonitorPartyRow.bonus,
                ).where(MonitorPartyRow.number.in_(wanted[start : start + 900]))
            )
            for number, party_id, forms, bonus in rows:
                if forms is None or bonus is None:
                    old.append(number)
                else:
                    out[number] = R.PartyForms(party_id, decode_forms(forms), bonus)
        for start in range(0, len(old), 900):
            for number, party_id, origin, data in session.execute(
                sa.select(
                    MonitorPartyRow.number,
                    MonitorPartyRow.party_id,
                    MonitorPartyRow.origin,
                    MonitorPartyRow.data,
                ).where(MonitorPartyRow.number.in_(old[start : start + 900]))
            ):
                party = MonitoredParty.from_data(party_id, origin, data)
                out[number] = R.PartyForms(
                    party_id, tuple(tuple(f) for f in party.forms()), party.max_bonus()
                )
    return out


def _watched(store: Store, plan: _Plan) -> tuple[dict[str, list[MonitoredParty]], set[str]]:
    """Rows of every readable watched file (by origin), and origins to keep as they are (unreadable)."""
    out: dict[str, list[MonitoredParty]] = {}
    keep: set[str] = set()
    with store.session() as session:
        files = list(session.scalars(sa.select(MonitorWatchedFileRow)))
        session.expunge_all()
    from pathlib import Path

    for watched in files:
        origin = f"watch:{watched.name}"
        path = Path(watched.path)
        try:
            parties = read_watched(
                path, watched.name, dict((watched.options or {}).get("columns", {}))
            )
            digest = file_digest(path)
        except Exception as exc:  # a broken export keeps its last state, and says so
            keep.add(origin)
            plan.watch_updates[watched.name] = {"last_error": str(exc)[:2000]}
            log.warning("watched file %s (%s) unreadable: %s", watched.name, path, exc)
            continue
        out[origin] = parties
        plan.watch_updates[watched.name] = {
            "last_error": None,
            "last_sha256": digest,
            "last_rows": len(parties),
        }
    return out, keep


def _stored_origins(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(sa.select(MonitorPartyRow.origin).distinct()))


def _population_changes(
    store: Store, base: MonitorRunRow | None, full: bool, plan: _Plan
) -> tuple[list[MonitoredParty], set[str]]:
    """(parties to screen fully, party ids no longer monitored)."""
    watched, keep = _watched(store, plan)
    removed: set[str] = set()
    if full:
        stored = _stored_fingerprints(store)
        parties = list(register_parties(store))
        for rows in watched.values():
            parties.extend(rows)
        current = {p.party_id for p in parties}
        kept = {p for p in stored if p not in current}
        if keep:
            kept_rows = _stored_fingerprints(store)  # parties of unreadable files stay as they were
            keep_ids = {p for p in kept_rows if any(p.startswith(o + ":") for o in keep)}
            parties.extend(_stored_parties(store, keep_ids))
            kept -= keep_ids
        removed = kept
        plan.counts["parties_monitored"] = len(parties)
        return parties, removed
    assert base is not None
    changed: list[MonitoredParty] = []
    # register: rows updated since the base run started (an edit during that run is seen again)
    candidates = list(register_parties(store, changed_since=base.started_at))
    stored = _stored_fingerprints(store, ids=[p.party_id for p in candidates])
    new_ids = 0
    for party in candidates:
        before = stored.get(party.party_id)
        if before is None:
            new_ids += 1
        if before != party.fingerprint():
            changed.append(party)
    stored_register = _stored_count(store, REGISTER)
    if register_count(store) != stored_register + new_ids:
        present = register_ids(store)
        removed |= {p for p in _stored_fingerprints(store, origin=REGISTER) if p not in present}
    # watched files: re-read whole
    for origin, rows in watched.items():
        before_rows = _stored_fingerprints(store, origin=origin)
        seen = set()
        for party in rows:
            seen.add(party.party_id)
            if before_rows.get(party.party_id) != party.fingerprint():
                changed.append(party)
        removed |= set(before_rows) - seen
    for origin in _stored_origins(store) - {REGISTER} - set(watched) - keep:
        removed |= set(_stored_fingerprints(store, origin=origin))  # unwatched
    plan.counts["parties_monitored"] = (
        stored_register + new_ids + sum(len(r) for r in watched.values())
    )
    return changed, removed


def _stored_count(store: Store, origin: str) -> int:
    with store.session() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(MonitorPartyRow)
                .where(MonitorPartyRow.origin == origin)
            )
            or 0
        )


# --- screening -------------------------------------------------------------------------------------------


def screen_chunk(
    index: MatchIndex, parties: Sequence[MonitoredParty], threshold: float
) -> list[tuple[MonitoredParty, list[Hit]]]:
    """Screen ``parties`` with the matcher: every name form, best hit per entity (as the screener)."""
    groups = [(p, p.queries()) for p in parties]
    flat = [q for _, queries in groups for q in queries]
    matched = match_many(index, flat, threshold=threshold, limit=MONITOR_LIMIT)
    out: list[tuple[MonitoredParty, list[Hit]]] = []
    position = 0
    for party, queries in groups:
        found = matched[position : position + len(queries)]
        position += len(queries)
        hits = found[0] if len(found) == 1 else best_per_entity(found)
        out.append((party, list(hits[:MONITOR_LIMIT])))
    return out


def screen_against(
    index: MatchIndex,
    parties: Sequence[MonitoredParty],
    names: Mapping[str, set[int]],
    threshold: float,
) -> list[tuple[MonitoredParty, list[Hit]]]:
    """Screen each party against the indexed names given for it (``names[party_id]``), with the matcher's
    own scoring (:func:`aktsam.screening.matcher._finish`: exact name scores, qualifiers, threshold,
    explanations), skipping the retrieval a full screen needs: the hits a full screen finds on those
    names' entities."""
    out: list[tuple[MonitoredParty, list[Hit]]] = []
    for party in parties:
        # every name of each entity concerned, so the best name of the entity is the one kept
        entities = {index.name_entity[n] for n in names.get(party.party_id, ())}
        found_names = [(1e9, n) for e in sorted(entities) for n in index.entity_names[e]]
        hits: list[list[Hit]] = []
        for query in party.queries():
            forms = _prepared(index, query.name, query.schema)
            found = [list(found_names) for _ in forms]
            hits.append(_finish(index, query, forms, found, threshold, MONITOR_LIMIT, None))
        best = hits[0] if len(hits) == 1 else best_per_entity(hits)
        out.append((party, list(best[:MONITOR_LIMIT])))
    return out


def _screen(
    index: MatchIndex,
    parties: Sequence[MonitoredParty],
    threshold: float,
    keep: Callable[[Hit], bool],
    hashes: Mapping[str, Mapping[str, str]],
    snapshot_of: Mapping[str, int],
    only: Mapping[str, set[int]] | None = None,
) -> dict[str, dict[str, _Match]]:
    out: dict[str, dict[str, _Match]] = {}
    for start in range(0, len(parties), CHUNK):
        chunk = parties[start : start + CHUNK]
        screened = (
            screen_chunk(index, chunk, threshold)
            if only is None
            else screen_against(index, chunk, only, threshold)
        )
        for party, hits in screened:
            found: dict[str, _Match] = {}
            for hit in hits:
                if not keep(hit):
                    continue
                found[hit.entity_id] = _Match(
                    party_id=party.party_id,
                    entity_id=hit.entity_id,
                    source=hit.source,
                    snapshot_id=snapshot_of[hit.source],
                    content_hash=hashes.get(hit.source, {}).get(hit.entity_id, ""),
                    score=hit.score,
                    hit=hit,
                )
            out[party.party_id] = found
    return out


def _old_matches(
    store: Store,
    *,
    parties: Iterable[str] = (),
    entities: Iterable[str] = (),
    everything: bool = False,
) -> list[_Match]:
    cols = (
        MonitorMatchRow.party_id,
        MonitorMatchRow.entity_id,
        MonitorMatchRow.source,
        MonitorMatchRow.snapshot_id,
        MonitorMatchRow.content_hash,
        MonitorMatchRow.score,
    )
    seen: dict[tuple[str, str], _Match] = {}
    with store.session() as session:
        if everything:
            rows: Iterable[Any] = session.execute(sa.select(*cols))
            for r in rows:
                seen[(r[0], r[1])] = _Match(*r)
        for column, values in (
            (MonitorMatchRow.party_id, parties),
            (MonitorMatchRow.entity_id, entities),
        ):
            wanted = sorted(set(values))
            for start in range(0, len(wanted), 900):
                for r in session.execute(
                    sa.select(*cols).where(column.in_(wanted[start : start + 900]))
                ):
                    seen[(r[0], r[1])] = _Match(*r)
    return list(seen.values())


# --- the run ---------------------------------------------------------------------------------------------


def _token_cache_path(settings: Settings) -> Any:
    return settings.cache_dir / "monitor-tokens.pickle"


def _register_tokens(store: Store, settings: Settings, base_id: int) -> set[str]:
    path = _token_cache_path(settings)
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if cached.get("run") == base_id and cached.get("matcher") == matcher_signature():
            tokens: set[str] = cached["tokens"]
            return tokens
    except Exception:  # missing or unusable: rebuilt from the store
        pass
    return D.register_tokens(store)


def _save_tokens(settings: Settings, run_id: int, tokens: set[str]) -> None:
    path = _token_cache_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump({"run": run_id, "matcher": matcher_signature(), "tokens": tokens}, handle)
        tmp.replace(path)
    except OSError as exc:  # a cache: the next run rebuilds it
        log.warning("could not save %s: %s", path, exc)


def _stale_alerts(
    plan: _Plan,
    stale: Sequence[StaleList],
    failed: Mapping[str, str],
    snapshots: Sequence[Snapshot],
    today: dt.date,
) -> None:
    by_source = {s.source: s for s in snapshots}
    warned = {w.source: w for w in stale}
    for source in sorted(set(warned) | set(failed)):
        snap = by_source.get(source)
        warning = warned.get(source)
        age = warning.age_days if warning is not None else None
        if age is None and snap is not None:
            from aktsam.lists.snapshots import reference_day

            age = (today - reference_day(snap)).days
        days = f"{age} days" if age is not None else "ever (no snapshot in force)"
        text = f"list {source} not updated for {days}"
        if source in failed:
            text += f": the download failed ({failed[source]}); the snapshot in force is kept"
        if warning is not None:
            text += f"; {warning.message}"
        plan.alerts.append(
            {
                "kind": "list-stale",
                "dedupe": ("list-stale", source, snap.id if snap else None),
                "party_id": None,
                "party_name": None,
                "origin": None,
                "source": source,
                "entity_id": None,
                "entity_caption": None,
                "entity_hash": None,
                "snapshot_id": snap.id if snap else None,
                "score": None,
                "explanation": {"age_days": age, "download_error": failed.get(source)},
                "message": text,
            }
        )
    for snap in snapshots:
        plan.close_stale.append(
            (snap.source, snap.id if snap.source in warned or snap.source in failed else None)
        )


def _hit_alert(
    kind: str,
    match: _Match,
    party: str | None,
    origin: str | None,
    base_id: int | None,
    designation: str,
) -> dict[str, Any]:
    """A new-hit or changed-listing alert; its explanation names the entry's designation
    (:func:`~aktsam.screening.designations.designation_key`), so that notifications show the entries
    the lists link as one designation once."""
    hit = match.hit
    assert hit is not None
    verb = "now matches" if kind == "new-hit" else "matches a changed listing:"
    return {
        "kind": kind,
        "dedupe": (kind, match.party_id, match.entity_id, match.content_hash, base_id),
        "party_id": match.party_id,
        "party_name": party,
        "origin": origin,
        "source": match.source,
        "entity_id": match.entity_id,
        "entity_caption": hit.caption,
        "entity_hash": match.content_hash,
        "snapshot_id": match.snapshot_id,
        "score": match.score,
        "explanation": {**hit.explanation.to_dict(), "designation": designation},
        "message": f"{party or match.party_id} {verb} {hit.caption} ({match.entity_id}) on {match.source}, "
        f"score {match.score:.2f}",
    }


def _delisted_alert(
    old: _Match, names: Mapping[str, tuple[str, str]], base_id: int | None
) -> dict[str, Any]:
    party, origin = names.get(old.party_id, (old.party_id, None))
    return {
        "kind": "delisted",
        "dedupe": ("delisted", old.party_id, old.entity_id, old.content_hash, base_id),
        "party_id": old.party_id,
        "party_name": party,
        "origin": origin,
        "source": old.source,
        "entity_id": old.entity_id,
        "entity_caption": None,
        "entity_hash": old.content_hash,
        "snapshot_id": old.snapshot_id,
        "score": old.score,
        "explanation": {"removed_from": old.source, "last_snapshot": old.snapshot_id},
        "message": f"{old.entity_id}, which {party} matched (score {old.score:.2f}), is no longer on "
        f"{old.source}: its alerts are closed",
    }


def _compare(
    plan: _Plan,
    new: Mapping[str, Mapping[str, _Match]],
    old: Sequence[_Match],
    *,
    scope: Callable[[str, str], bool],
    removed_entities: Mapping[str, str],
    removed_parties: set[str],
    parties: Mapping[str, MonitoredParty],
    names: Mapping[str, tuple[str, str]],
    base_id: int | None,
    designation_of: Callable[[str], str],
) -> None:
    """Alerts and state changes for the (party, entity) pairs in ``scope``."""
    old_by = {(m.party_id, m.entity_id): m for m in old}
    for party_id, found in new.items():
        party = parties[party_id]
        for entity_id, match in found.items():
            if not scope(party_id, entity_id):
                continue
            before = old_by.get((party_id, entity_id))
            plan.upsert_matches.append(match)
            if before is None:
                plan.alerts.append(
                    _hit_alert(
                        "new-hit",
                        match,
                        party.name,
                        party.origin,
                        base_id,
                        designation_of(entity_id),
                    )
                )
            elif before.content_hash != match.content_hash:
                plan.close.append((party_id, entity_id, "superseded"))
                plan.alerts.append(
                    _hit_alert(
                        "changed-listing",
                        match,
                        party.name,
                        party.origin,
                        base_id,
                        designation_of(entity_id),
                    )
                )
    for (party_id, entity_id), before in old_by.items():
        if not scope(party_id, entity_id) and party_id not in removed_parties:
            continue
        if entity_id in new.get(party_id, {}):
            continue
        plan.delete_matches.append((party_id, entity_id))
        if party_id in removed_parties:
            plan.close.append((party_id, entity_id, "party-removed"))
        elif entity_id in removed_entities:
            plan.close.append((party_id, entity_id, "delisted"))
            plan.alerts.append(_delisted_alert(before, names, base_id))
        else:
            plan.close.append((party_id, entity_id, "no-longer-matches"))


def run_monitoring(
    store: Store,
    settings: Settings,
    *,
    actor: str,
    update_lists: bool = False,
    full: bool = False,
    today: dt.date | None = None,
    notify: bool = True,
    threshold: float = W.DEFAULT_THRESHOLD,
    fetch: Fetch | None = None,
    lock: bool = True,
) -> MonitorRun:
    """One monitoring run (see the module docstring); returns it with the alerts it raised.

    Only one run at a time, across processes (:mod:`aktsam.monitoring.lock`): while another run holds
    the lock this one raises :class:`~aktsam.monitoring.lock.MonitorBusyError` and changes nothing.
    ``lock=False`` is for a caller that already holds it (the scheduler). A run that fails is recorded
    as failed, notified like a run with alerts, and re-raised.
    """
    options = _Options(actor, update_lists, full, today or _now().date(), notify, threshold, fetch)
    if not lock:
        return _monitor(store, settings, options)
    with run_lock(store) as held:
        if not held:
            raise MonitorBusyError(
                "another monitoring run is in progress (scheduled, cron or by hand); nothing was "
                "changed: try again when it has finished (aktsam monitor status)"
            )
        return _monitor(store, settings, options)


@dataclass(frozen=True, slots=True)
class _Options:
    actor: str
    update_lists: bool
    full: bool
    today: dt.date
    notify: bool
    threshold: float
    fetch: Fetch | None


def _monitor(store: Store, settings: Settings, options: _Options) -> MonitorRun:
    actor, update_lists, full, today = (
        options.actor,
        options.update_lists,
        options.full,
        options.today,
    )
    notify, threshold, fetch = options.notify, options.threshold, options.fetch
    failed: dict[str, str] = {}
    update_errors: list[str] = []
    if update_lists:
        try:
            for result in _update(store, settings, actor, fetch):
                if result.status in ("failed", "skipped"):
                    failed[result.source] = result.error or "failed"
        except Exception as exc:  # the update as a whole failed: every list counts as not updated
            update_errors.append(str(exc))
            log.warning("list update failed: %s", exc)
    run_id = _start(store, actor, threshold)
    try:
        run = _run(store, settings, run_id, actor, full, today, threshold, failed, update_errors)
    except BaseException as exc:
        _fail(store, run_id, actor, f"{type(exc).__name__}: {exc}")
        if notify and isinstance(exc, Exception):
            _notify_failure(store, settings, run_id)
        raise
    if notify and run.alerts:
        _notify(store, settings, run)
    return run


def _update(store: Store, settings: Settings, actor: str, fetch: Fetch | None) -> list[Any]:
    return update_lists(store, settings, fetch=fetch, actor=actor)


def _notify(store: Store, settings: Settings, run: MonitorRun) -> None:
    try:
        from aktsam.monitoring.notify import notify_run  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        log.info(
            "notifications not available (%s): run %s raised %d alert(s)",
            exc,
            run.id,
            len(run.alerts),
        )
        return
    try:
        notify_run(store, settings, run)
    except Exception as exc:  # deliveries record their own failures; the run stays completed
        log.warning("notifying run %s failed: %s", run.id, exc)


def _run(
    store: Store,
    settings: Settings,
    run_id: int,
    actor: str,
    full: bool,
    today: dt.date,
    threshold: float,
    failed: Mapping[str, str],
    update_errors: Sequence[str],
) -> MonitorRun:
    base = last_completed(store)
    signature = matcher_signature()[:64]
    reasons = []
    if base is None:
        reasons.append("first run")
    elif base.matcher != signature:
        reasons.append("matcher changed")
    elif base.threshold != threshold:
        reasons.append("threshold changed")
    if full:
        reasons.append("requested")
    every = settings.monitor_full_every
    if not reasons and every is not None:
        last_full = _last_full_started(store)
        if last_full is None or last_full <= _now() - every:
            reasons.append(f"periodic full re-screen (the last is older than {full_period(every)})")
    mode = "full" if reasons else "delta"
    screener = Screener(store, settings)
    snapshots = screener.snapshots
    index = screener.index()
    snapshot_of = {s.source: s.id for s in snapshots}
    plan = _Plan()
    plan.counts.update(
        {"mode_reason": ", ".join(reasons) or "delta", "update_errors": list(update_errors)}
    )
    base_id = base.id if base is not None else None
    screen, removed = _population_changes(
        store, base if mode == "delta" else None, mode == "full", plan
    )
    parties = {p.party_id: p for p in screen}
    names = {p.party_id: (p.name, p.origin) for p in screen}
    if mode == "full":
        hashes = {s.source: entity_hashes(store, s.id) for s in snapshots}
        old = _old_matches(store, everything=True)
        current_ids = {e for h in hashes.values() for e in h}
        removed_entities = {
            m.entity_id: m.source
            for m in old
            if m.entity_id not in current_ids and m.source in snapshot_of
        }
        new = _screen(index, screen, threshold, lambda h: True, hashes, snapshot_of)
        for p in _stored_parties(store, {m.party_id for m in old if m.party_id not in parties}):
            names[p.party_id] = (p.name, p.origin)
        _compare(
            plan,
            new,
            old,
            scope=lambda p, e: True,
            removed_entities=removed_entities,
            removed_parties=removed,
            parties=parties,
            names=names,
            base_id=base_id,
            designation_of=lambda entity_id: designation_key(index, entity_id),
        )
        plan.put_parties = screen
        plan.drop_parties = removed
        plan.full = True
        plan.counts.update({"parties_screened": len(screen), "candidates": 0})
        tokens: set[str] | None = None
    else:
        assert base is not None
        previous = {}
        with store.session() as session:
            from aktsam.store.schema import SnapshotRow

            for sid, source in session.execute(
                sa.select(SnapshotRow.id, SnapshotRow.source).where(
                    SnapshotRow.id.in_(list(base.snapshot_ids))
                )
            ):
                previous[source] = sid
        changes = D.list_changes(store, previous, snapshots)
        hashes = {s.source: entity_hashes(store, s.id) for s in snapshots}
        touched = changes.touched
        changed_ids = set(parties)
        candidates: dict[str, set[int]] = {}
        tokens = None
        if touched:
            tokens = _register_tokens(store, settings, base.id)
            keys = D.key_names(index, touched, threshold)
            # two stages: the reverse index names parties sharing key tokens; their prepared query
            # forms then show which of the name's tokens they can reach at all (retrieval.refine)
            by_token = R.token_candidates(store, keys, tokens, index, threshold)
            stored = _stored_forms(store, by_token)
            candidates = {
                stored[number].party_id: names
                for number, names in R.refine(index, stored, by_token, threshold).items()
                if number in stored  # written together: a posting's party is always there
            }
            for pid, found in D.identifier_candidates(
                store, D.identifier_keys(index, touched)
            ).items():
                candidates.setdefault(pid, set()).update(found)
            plan.counts["candidates_first_stage"] = len(by_token)
        old = _old_matches(
            store, parties=changed_ids | removed, entities=touched | set(changes.removed)
        )
        for m in old:  # a party that matched a changed entity is screened against it again
            position = index.entity_position(m.entity_id)
            if m.entity_id in touched and position is not None:
                candidates.setdefault(m.party_id, set()).update(index.entity_names[position])
        for party_id in changed_ids | removed:
            candidates.pop(party_id, None)
        cand_parties = _stored_parties(store, candidates)
        for p in cand_parties:
            parties[p.party_id] = p
        for p in _stored_parties(store, {m.party_id for m in old if m.party_id not in parties}):
            names[p.party_id] = (p.name, p.origin)
        names.update({p.party_id: (p.name, p.origin) for p in cand_parties})
        new = _screen(index, screen, threshold, lambda h: True, hashes, snapshot_of)
        new.update(
            _screen(
                index,
                cand_parties,
                threshold,
                lambda h: h.entity_id in touched,
                hashes,
                snapshot_of,
                only=candidates,
            )
        )

        def scope(party_id: str, entity_id: str) -> bool:
            return party_id in changed_ids or entity_id in touched or entity_id in changes.removed

        _compare(
            plan,
            new,
            old,
            scope=scope,
            removed_entities=changes.removed,
            removed_parties=removed,
            parties=parties,
            names=names,
            base_id=base_id,
            designation_of=lambda entity_id: designation_key(index, entity_id),
        )
        plan.put_parties = screen
        plan.drop_parties = removed
        plan.counts.update(changes.counts())
        plan.snapshot_updates = {s: snapshot_of[s] for s in changes.changed_sources}
        plan.counts.update({"parties_screened": len(screen), "candidates": len(cand_parties)})
    plan.counts["parties_removed"] = len(removed)
    stale = staleness_warnings(store, today=today)
    if update_errors:
        failed = {**{s.source: update_errors[0] for s in snapshots}, **failed}
    _stale_alerts(plan, stale, failed, snapshots, today)
    run = _commit(store, run_id, actor, mode, [s.id for s in snapshots], plan)
    if mode == "full":
        _save_tokens(settings, run.id, D.register_tokens(store))
    elif tokens is not None or plan.put_parties:
        merged = tokens if tokens is not None else _register_tokens(store, settings, base_id or 0)
        for p in plan.put_parties:
            merged |= {k for k in p.index_keys() if not k.startswith(DERIVED_KEY_PREFIXES)}
        _save_tokens(settings, run.id, merged)
    return run


def _commit(
    store: Store, run_id: int, actor: str, mode: str, snapshot_ids: list[int], plan: _Plan
) -> MonitorRun:
    now = _now()
    with store.session() as session:
        row = session.get(MonitorRunRow, run_id)
        assert row is not None
        # alerts: closing older ones, then the new ones (deduplicated)
        closed_ids: list[int] = []
        closing: dict[tuple[str, str], str] = {}
        for party_id, entity_id, reason in plan.close:
            closing.setdefault((party_id, entity_id), reason)
        by_reason: dict[str, list[int]] = {}
        closing_parties = sorted({party for party, _ in closing})
        for start in range(0, len(closing_parties), 900):
            for alert_id, alert_party, alert_entity in session.execute(
                sa.select(
                    MonitorAlertRow.id, MonitorAlertRow.party_id, MonitorAlertRow.entity_id
                ).where(
                    MonitorAlertRow.party_id.in_(closing_parties[start : start + 900]),
                    MonitorAlertRow.kind.in_(_HIT_KINDS),
                    MonitorAlertRow.closed_at.is_(None),
                )
            ):
                why = closing.get((alert_party or "", alert_entity or ""))
                if alert_party and alert_entity and why is not None:
                    by_reason.setdefault(why, []).append(alert_id)
        for source, keep in plan.close_stale:
            for alert_id, snapshot_id in session.execute(
                sa.select(MonitorAlertRow.id, MonitorAlertRow.snapshot_id).where(
                    MonitorAlertRow.kind == "list-stale",
                    MonitorAlertRow.source == source,
                    MonitorAlertRow.closed_at.is_(None),
                )
            ):
                if keep is None or snapshot_id != keep:
                    by_reason.setdefault("list-updated", []).append(alert_id)
        for why, ids in by_reason.items():
            for start in range(0, len(ids), 900):
                session.execute(
                    sa.update(MonitorAlertRow)
                    .where(MonitorAlertRow.id.in_(ids[start : start + 900]))
                    .values(closed_at=now, closed_reason=why)
                    .execution_options(synchronize_session=False)
                )
            closed_ids.extend(ids)
        keys = {_key(*a["dedupe"]): a for a in plan.alerts}
        existing = set()
        wanted = sorted(keys)
        for start in range(0, len(wanted), 900):
            existing |= set(
                session.scalars(
                    sa.select(MonitorAlertRow.dedupe_key).where(
                        MonitorAlertRow.dedupe_key.in_(wanted[start : start + 900])
                    )
                )
            )
        # the new alerts in one statement (their ids back, in order), and their trail entries
        blank = {c: None for c in _ALERT_COLUMNS}
        values = [
            {
                **blank,
                **{k: v for k, v in data.items() if k != "dedupe"},
                "run_id": run_id,
                "dedupe_key": key,
                "created_at": now,
            }
            for key, data in keys.items()
            if key not in existing
        ]
        ids = (
            list(
                session.scalars(
                    sa.insert(MonitorAlertRow).returning(
                        MonitorAlertRow.id, sort_by_parameter_order=True
                    ),
                    values,
                )
            )
            if values
            else []
        )
        new_rows = [MonitorAlertRow(id=i, **v) for i, v in zip(ids, values, strict=True)]
        trail.record_many(
            session,
            actor=actor,
            entries=[
                trail.Entry(
                    action=f"monitor.alert.{v['kind']}",
                    object_type="monitor_alert",
                    object_id=str(i),
                    after={"id": i, **{k: x for k, x in v.items() if k != "explanation"}},
                )
                for i, v in zip(ids, values, strict=True)
            ],
            at=now,
        )
        _write_state(session, run_id, plan)
        for name, update in plan.watch_updates.items():
            watched = session.get(MonitorWatchedFileRow, name)
            if watched is not None:
                for column, value in update.items():
                    setattr(watched, column, value)
                watched.last_read_at = now
        plan.counts.update({"alerts": len(new_rows), "alerts_closed": len(closed_ids)})
        row.status = "completed"
        row.finished_at = now
        row.mode = mode
        row.snapshot_ids = snapshot_ids
        row.counts = plan.counts
        trail.record(
            session,
            actor=actor,
            action="monitor.run",
            object_type="monitor_run",
            object_id=str(run_id),
            after={
                "mode": mode,
                "snapshot_ids": snapshot_ids,
                "matcher": row.matcher,
                "threshold": row.threshold,
                "counts": plan.counts,
                "alerts": [a.id for a in new_rows],
                "closed_alerts": closed_ids,
            },
            at=now,
        )
        session.flush()
        run_row = row
        session.expunge_all()
    alerts = to_alerts(store, new_rows)
    return MonitorRun.from_row(run_row, alerts)


def _write_state(session: Any, run_id: int, plan: _Plan) -> None:
    if plan.full:
        session.execute(sa.delete(MonitorPostingRow))
        session.execute(sa.delete(MonitorPartyRow))
        session.execute(sa.delete(MonitorMatchRow))
    for source, snapshot_id in plan.snapshot_updates.items():
        session.execute(
            sa.update(MonitorMatchRow)
            .where(MonitorMatchRow.source == source)
            .values(snapshot_id=snapshot_id)
        )
    dropped = (
        [] if plan.full else sorted(plan.drop_parties | {p.party_id for p in plan.put_parties})
    )
    numbers: dict[str, int] = {}  # a party written again keeps its number
    for start in range(0, len(dropped), 900):
        chunk = dropped[start : start + 900]
        held = dict(
            session.execute(
                sa.select(MonitorPartyRow.party_id, MonitorPartyRow.number).where(
                    MonitorPartyRow.party_id.in_(chunk)
                )
            ).all()
        )
        numbers.update(held)
        if held:
            session.execute(
                sa.delete(MonitorPostingRow).where(
                    MonitorPostingRow.party_number.in_(list(held.values()))
                )
            )
        session.execute(sa.delete(MonitorPartyRow).where(MonitorPartyRow.party_id.in_(chunk)))
    removed = sorted(plan.drop_parties)
    for start in range(0, len(removed), 900):
        session.execute(
            sa.delete(MonitorMatchRow).where(
                MonitorMatchRow.party_id.in_(removed[start : start + 900])
            )
        )
    deleted = [] if plan.full else sorted(set(plan.delete_matches))
    for start in range(0, len(deleted), 400):
        session.execute(
            sa.delete(MonitorMatchRow).where(
                sa.tuple_(MonitorMatchRow.party_id, MonitorMatchRow.entity_id).in_(
                    deleted[start : start + 400]
                )
            )
        )
    next_number = (
        1
        if plan.full
        else (session.scalar(sa.select(sa.func.max(MonitorPartyRow.number))) or 0) + 1
    )
    next_number = max([next_number, *(n + 1 for n in numbers.values())])
    party_rows: list[dict[str, Any]] = []
    posting_rows: list[dict[str, Any]] = []
    for party in plan.put_parties:
        forms = party.forms()
        number = numbers.get(party.party_id)
        if number is None:
            number, next_number = next_number, next_number + 1
        party_rows.append(
            {
                "party_id": party.party_id,
                "number": number,
                "origin": party.origin,
                "fingerprint": party.fingerprint(),
                "data": party.data(),
                "forms": encode_forms(forms),
                "bonus": party.max_bonus(),
            }
        )
        posting_rows.extend({"token": k, "party_number": number} for k in party.index_keys(forms))
        if len(posting_rows) >= _WRITE:
            session.execute(sa.insert(MonitorPostingRow), posting_rows)
            posting_rows = []
        if len(party_rows) >= _WRITE:
            session.execute(sa.insert(MonitorPartyRow), party_rows)
            party_rows = []
    if posting_rows:
        session.execute(sa.insert(MonitorPostingRow), posting_rows)
    if party_rows:
        session.execute(sa.insert(MonitorPartyRow), party_rows)
    upserts = {(m.party_id, m.entity_id): m for m in plan.upsert_matches}
    pairs: list[tuple[str, str]] = [] if plan.full else sorted(upserts)
    for start in range(0, len(pairs), 400):
        pair_chunk = pairs[start : start + 400]
        session.execute(
            sa.delete(MonitorMatchRow).where(
                sa.tuple_(MonitorMatchRow.party_id, MonitorMatchRow.entity_id).in_(pair_chunk)
            )
        )
    rows = [
        {
            "party_id": m.party_id,
            "entity_id": m.entity_id,
            "source": m.source,
            "snapshot_id": m.snapshot_id,
            "content_hash": m.content_hash,
            "score": m.score,
            "run_id": run_id,
        }
        for m in upserts.values()
    ]
    for start in range(0, len(rows), _WRITE):
        session.execute(sa.insert(MonitorMatchRow), rows[start : start + _WRITE])


__all__ = [
    "CHUNK",
    "MONITOR_LIMIT",
    "full_period",
    "last_completed",
    "run_monitoring",
    "screen_chunk",
]


def _notify_failure(store: Store, settings: Settings, run_id: int) -> None:
    """Tell the configured channels that run ``run_id`` failed; a failure to notify is only logged."""
    try:
        with store.session() as session:
            row = session.get(MonitorRunRow, run_id)
            if row is None:
                return
            run = MonitorRun.from_row(row)
        _notify(store, settings, run)
    except Exception as exc:  # never hide the run's own error behind a notification error
        log.warning("could not notify the failure of monitoring run %s: %s", run_id, exc)
