"""The audit trail: appended in the caller's transaction, chained, and any tampering detected."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from aktsam.errors import InputError
from aktsam.store.db import Store
from aktsam.store.schema import AuditLogRow
from aktsam.store.trail import GENESIS, entries, export, record, verify, verify_export


def _fill(store: Store, n: int = 5) -> None:
    with store.session() as session:
        for i in range(n):
            record(session, actor="ana", action="party.update", object_type="party",
                   object_id=f"p{i % 2}", before={"name": f"old {i}"},
                   after={"name": f"new {i}", "on": date(2026, 1, i + 1)})  # fmt: skip


def test_entries_chain_from_genesis(store: Store) -> None:
    _fill(store)
    with store.session() as session:
        rows = entries(session)
        assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
        assert rows[0].after == {"name": "new 0", "on": "2026-01-01"}
        assert [r.seq for r in entries(session, object_type="party", object_id="p1")] == [2, 4]
        result = verify(session)
    assert result.ok and result.entries == 5 and result.head == rows[-1].hash
    assert "intact" in str(result)


def test_rolled_back_change_leaves_no_entry(store: Store) -> None:
    _fill(store, 1)
    with pytest.raises(RuntimeError), store.session() as session:
        record(session, actor="ana", action="x", object_type="party", object_id="p")
        raise RuntimeError("the change failed")
    with store.session() as session:
        assert len(entries(session)) == 1 and verify(session).ok


def test_edited_entry_is_detected(store: Store) -> None:
    _fill(store)
    with store.session() as session:
        session.execute(update(AuditLogRow).where(AuditLogRow.seq == 3).values(actor="mallory"))
    with store.session() as session:
        result = verify(session)
    assert not result.ok and result.broken_at == 3 and "edited" in (result.problem or "")
    assert "BROKEN at entry 3" in str(result)


def test_deleted_entry_is_detected(store: Store) -> None:
    _fill(store)
    with store.session() as session:
        session.execute(delete(AuditLogRow).where(AuditLogRow.seq == 2))
    with store.session() as session:
        result = verify(session)
    assert not result.ok and result.broken_at == 2 and "missing" in (result.problem or "")


def test_deleted_last_entries_then_rewritten_seq_is_detected(store: Store) -> None:
    """Deleting entry 4 and renumbering 5 → 4 keeps the sequence dense but breaks the chain."""
    _fill(store)
    with store.session() as session:
        session.execute(delete(AuditLogRow).where(AuditLogRow.seq == 4))
        session.execute(update(AuditLogRow).where(AuditLogRow.seq == 5).values(seq=4))
    with store.session() as session:
        result = verify(session)
    assert not result.ok and result.broken_at == 4


def test_an_actor_is_required(store: Store) -> None:
    with pytest.raises(InputError, match="actor"), store.session() as session:
        record(session, actor=" ", action="x", object_type="party", object_id="p")


def test_export_jsonl_verifies_on_its_own_and_detects_edits(store: Store, tmp_path: Path) -> None:
    _fill(store)
    out = tmp_path / "trail.jsonl"
    with store.session() as session:
        assert export(session, out) == 5
        head = verify(session).head
    checked = verify_export(out)
    assert checked.ok and checked.entries == 5 and checked.head == head
    lines = out.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[2])
    item["after"]["name"] = "forged"
    lines[2] = json.dumps(item)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    forged = verify_export(out)
    assert not forged.ok and forged.broken_at == 3


def test_export_csv_and_bad_suffix(store: Store, tmp_path: Path) -> None:
    _fill(store, 2)
    with store.session() as session:
        assert export(session, tmp_path / "trail.csv") == 2
        with pytest.raises(InputError, match="unsupported"):
            export(session, tmp_path / "trail.txt")
    text = (tmp_path / "trail.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("seq,at,actor,action")
    assert '"{""name"":""new 1""' in text


def test_timestamps_survive_the_round_trip(store: Store) -> None:
    moment = datetime(2026, 11, 25, 12, 30, 15, 123456, tzinfo=UTC)
    with store.session() as session:
        record(session, actor="ana", action="x", object_type="t", object_id="1", at=moment)
    with store.session() as session:
        assert entries(session)[0].at == moment
        assert verify(session).ok


def test_concurrent_writers_keep_one_chain_with_retrying(store: Store) -> None:
    """Eight threads appending at once (what a web server does): every entry lands once, in one chain."""
    import threading

    from aktsam.store.db import retrying

    errors: list[BaseException] = []

    def write(worker: int) -> None:
        for i in range(5):

            def one(i: int = i) -> None:
                with store.session() as session:
                    entries(session, object_type="party")  # read first, as services do
                    record(session, actor=f"w{worker}", action="x", object_type="party",
                           object_id=f"{worker}-{i}")  # fmt: skip

            try:
                retrying(one, attempts=50, pause=0.005)
            except BaseException as exc:  # collected, then reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:1]
    with store.session() as session:
        result = verify(session)
        ids = sorted(r.object_id for r in entries(session))
    assert result.ok and result.entries == 40
    assert ids == sorted(f"{w}-{i}" for w in range(8) for i in range(5))


def test_is_transient_only_for_races() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from aktsam.store.db import is_transient

    assert is_transient(OperationalError("INSERT", {}, Exception("database is locked")))
    assert is_transient(IntegrityError("INSERT", {}, Exception('violates "pk_audit_log"')))
    assert not is_transient(IntegrityError("INSERT", {}, Exception("uq_snapshots_current_source")))
    assert not is_transient(ValueError("database is locked"))
