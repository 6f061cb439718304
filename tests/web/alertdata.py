"""A small monitored register for the alert tests: three customers named as UN designees and one
supplier with no match, monitored by a REAL monitoring run over the bundled lists."""

from __future__ import annotations

from dataclasses import dataclass

from aktsam.diligence.register import add_party
from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.model import ListedEntity, Schema
from aktsam.monitoring.model import MonitorRun
from aktsam.monitoring.service import run_monitoring
from aktsam.store import Store
from tests.monitoring.conftest import un_entities


@dataclass
class Monitored:
    persons: list[ListedEntity]  # the UN entries of customers c-1, c-2, c-3
    run: MonitorRun  # the first (full) run


def monitored_register(store: Store) -> Monitored:
    """Import the bundled lists, add the register, run monitoring once (no notifications)."""
    ensure_bundled(store)
    persons = [e for e in un_entities(store) if e.schema is Schema.PERSON][5:8]
    for number, entity in enumerate(persons, start=1):
        add_party(
            store, f"c-{number}", entity.caption, actor="t", kind="person", roles=["customer"]
        )
    add_party(store, "s-1", "Acme Widgets Norge AS", actor="t", roles=["supplier"])
    run = run_monitoring(store, store.settings, actor="t", notify=False)
    assert run.status == "completed" and run.alerts
    return Monitored(persons=persons, run=run)


def un_alert(monitored: Monitored, party: str) -> tuple[str, str]:
    """(party id, UN entity id) of the new-hit alert on ``party``'s UN listing."""
    number = int(party.split("-")[1])
    entity = monitored.persons[number - 1].id
    assert any(
        a.party_id == party and a.entity_id == entity and a.kind == "new-hit"
        for a in monitored.run.alerts
    )
    return party, entity
