"""The register's service functions: every validation path leaves the store and the trail as they were."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aktsam.devices.audit import audit
from aktsam.devices.importers import import_file
from aktsam.devices.regimes import bundled_regimes
from aktsam.devices.regimes import select as select_regimes
from aktsam.diligence import register as reg
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail
from aktsam.store.schema import AuditLogRow, EquipmentRow, EvidenceRow, PartyRow, RelationRow

INVENTORY = Path(__file__).resolve().parents[2] / "examples" / "devices" / "inventory.csv"


def counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {
            row.__tablename__: session.scalar(select(func.count()).select_from(row)) or 0
            for row in (PartyRow, RelationRow, EvidenceRow, EquipmentRow, AuditLogRow)
        }


def assert_refused(store: Store, call: Callable[[], object], field: str, *words: str) -> InputError:
    before = counts(store)
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.field == field, caught.value
    for word in words:
        assert word in str(caught.value), caught.value
    assert counts(store) == before
    return caught.value


@pytest.fixture
def parties(store: Store) -> Store:
    for pid in ("a", "b", "c", "t"):
        reg.add_party(store, pid, pid.upper(), actor="tester", kind="company")
    return store


def test_add_get_list_and_trail(store: Store) -> None:
    party = reg.add_party(store, "hikvision", " Hikvision ", actor="ana", kind="company",
                          roles=["manufacturer", "manufacturer"], country="cn",
                          aliases=["Haikang"], identifiers={"maker": "hikvision"})  # fmt: skip
    assert party.name == "Hikvision" and party.country == "CN"
    assert party.roles == ("manufacturer",) and party.maker() == "hikvision"
    assert reg.get_party(store, "hikvision") == party
    reg.add_party(store, "kommune", "Kommune", actor="ana", roles=["customer"])
    assert [p.id for p in reg.list_parties(store)] == ["hikvision", "kommune"]
    assert [p.id for p in reg.list_parties(store, role="customer")] == ["kommune"]
    with store.session() as session:
        entries = trail.entries(session, object_type="party")
        assert [e.action for e in entries] == ["party.add", "party.add"]
        assert entries[0].after is not None and entries[0].after["country"] == "CN"
        assert entries[0].actor == "ana"


@pytest.mark.parametrize(
    ("kwargs", "field", "word"),
    [
        ({"party_id": "Hikvision"}, "id", "slug"),
        ({"party_id": "-x"}, "id", "slug"),
        ({"party_id": ""}, "id", "required"),
        ({"name": " "}, "name", "name"),
        ({"kind": "firm"}, "kind", "firm"),
        ({"roles": ["vendor"]}, "roles", "vendor"),
        ({"country": "XX"}, "country", "alpha-2"),
        ({"country": "NOR"}, "country", "alpha-2"),
        ({"country": "EU"}, "country", "alpha-2"),
        ({"identifiers": {"maker": ""}}, "identifiers", "key=value"),
    ],
)
def test_bad_party_is_refused(
    store: Store, kwargs: dict[str, object], field: str, word: str
) -> None:
    args: dict[str, object] = {"party_id": "x", "name": "X", **kwargs}
    assert_refused(store, lambda: reg.add_party(store, actor="t", **args), field, word)  # type: ignore[arg-type]


def test_duplicate_party_and_unknown_party(parties: Store) -> None:
    assert_refused(parties, lambda: reg.add_party(parties, "a", "A", actor="t"), "id", "already")
    with pytest.raises(NotFoundError, match=r"'nobody'.*parties add nobody"):
        reg.get_party(parties, "nobody")
    with pytest.raises(NotFoundError):
        reg.update_party(parties, "nobody", actor="t", name="N")


def test_update_records_before_and_after(parties: Store) -> None:
    updated = reg.update_party(parties, "a", actor="bo", country="no", roles=["supplier"])
    assert updated.country == "NO" and updated.roles == ("supplier",)
    assert updated.updated_at is not None and updated.created_at is not None
    assert updated.updated_at >= updated.created_at
    with parties.session() as session:
        last = trail.entries(session, object_id="a")[-1]
    assert last.action == "party.update" and last.actor == "bo"
    assert last.before is not None and last.after is not None
    assert last.before["country"] is None and last.after["country"] == "NO"
    assert last.after["roles"] == ["supplier"]
    before = counts(parties)
    reg.update_party(parties, "a", actor="bo", country="NO")  # no change: no entry
    assert counts(parties) == before
    assert_refused(parties, lambda: reg.update_party(parties, "a", actor="t", colour="red"),
                   "colour", "cannot change")  # fmt: skip
    assert_refused(parties, lambda: reg.update_party(parties, "a", actor="t", country="QQ"),
                   "country")  # fmt: skip


def test_relations_ok_and_listed(parties: Store) -> None:
    reg.add_relation(parties, "a", "t", "owns", share=60, since=date(2020, 1, 1), actor="t",
                     source_url="https://example.org/filing", source_date=date(2024, 5, 1))  # fmt: skip
    reg.add_relation(parties, "b", "t", "owns", share=40, actor="t")
    reg.add_relation(parties, "c", "a", "maker-of", actor="t")
    assert [r.key() for r in reg.relations_of(parties, "a")] == [
        ("a", "t", "owns"),
        ("c", "a", "maker-of"),
    ]
    assert reg.relations_of(parties, "t")[0].source_url == "https://example.org/filing"
    with parties.session() as session:
        assert [e.action for e in trail.entries(session, object_type="relation")] == [
            "relation.add"
        ] * 3


def test_shares_over_100_with_two_owners(parties: Store) -> None:
    reg.add_relation(parties, "a", "t", "owns", share=60.5, actor="t")
    error = assert_refused(
        parties, lambda: reg.add_relation(parties, "b", "t", "owns", share=40, actor="t"), "share"
    )
    assert "100.5 %" in str(error) and "a 60.5 %" in str(error) and "b 40 %" in str(error)


def test_shares_held_at_different_times_may_add_up(parties: Store) -> None:
    reg.add_relation(parties, "a", "t", "owns", share=70, until=date(2019, 12, 31), actor="t")
    reg.add_relation(parties, "b", "t", "owns", share=70, since=date(2020, 1, 1), actor="t")
    assert_refused(
        parties,
        lambda: reg.add_relation(
            parties, "c", "t", "owns", share=31, since=date(2021, 1, 1), actor="t"
        ),
        "share",
        "101 %",
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "field", "word"),
    [
        (("a", "t", "owns"), {"share": 0.0}, "share", "(0, 100]"),
        (("a", "t", "owns"), {"share": 100.5}, "share", "(0, 100]"),
        (("a", "t", "controls"), {"share": 10.0}, "share", "only"),
        (("a", "a", "owns"), {}, "target", "itself"),
        (("a", "t", "likes"), {}, "kind", "likes"),
        (("a", "nobody", "owns"), {}, "target", "unknown party 'nobody'"),
        (("nobody", "t", "owns"), {}, "source", "unknown party 'nobody'"),
        (
            ("a", "t", "owns"),
            {"since": date(2022, 1, 2), "until": date(2022, 1, 1)},
            "since",
            "after",
        ),
    ],
)
def test_bad_relation_is_refused(
    parties: Store, args: tuple[str, str, str], kwargs: dict[str, object], field: str, word: str
) -> None:
    assert_refused(parties, lambda: reg.add_relation(parties, *args, actor="t", **kwargs),  # type: ignore[arg-type]
                   field, word)  # fmt: skip


def test_two_and_three_party_cycles(parties: Store) -> None:
    reg.add_relation(parties, "a", "b", "owns", share=51, actor="t")
    assert_refused(parties, lambda: reg.add_relation(parties, "b", "a", "controls", actor="t"),
                   "target", "b → a → b")  # fmt: skip
    reg.add_relation(parties, "b", "c", "controls", actor="t")
    assert_refused(parties, lambda: reg.add_relation(parties, "c", "a", "owns", share=5, actor="t"),
                   "target", "c → a → b → c")  # fmt: skip
    # maker-of and supplies-to are not ownership: no cycle check
    reg.add_relation(parties, "c", "a", "supplies-to", actor="t")


def test_duplicate_relation_replace_and_remove(parties: Store) -> None:
    reg.add_relation(parties, "a", "t", "owns", share=10, actor="t")
    assert_refused(parties, lambda: reg.add_relation(parties, "a", "t", "owns", share=20,
                                                     actor="t"), "kind", "already")  # fmt: skip
    replaced = reg.add_relation(parties, "a", "t", "owns", share=20, actor="t", replace=True)
    assert replaced.share == 20
    removed = reg.remove_relation(parties, "a", "t", "owns", actor="t")
    assert removed.share == 20 and reg.relations_of(parties, "a") == []
    with parties.session() as session:
        assert [e.action for e in trail.entries(session, object_type="relation")] == [
            "relation.add", "relation.update", "relation.remove",
        ]  # fmt: skip
    with pytest.raises(NotFoundError):
        reg.remove_relation(parties, "a", "t", "owns", actor="t")


def test_evidence_ids_and_validation(parties: Store) -> None:
    first = reg.add_evidence(parties, party="a", kind="ngo-report", title="Report", actor="t",
                             published=date(2023, 3, 1), quote="“…”", topic="surveillance")  # fmt: skip
    second = reg.add_evidence(parties, party="a", kind="media", title="Article", actor="t",
                              stance="mitigating")  # fmt: skip
    custom = reg.add_evidence(parties, party=None, kind="internal", title="Note", actor="t",
                              evidence_id="EV-0100")  # fmt: skip
    third = reg.add_evidence(parties, party="b", kind="media", title="More", actor="t")
    assert (first.id, second.id, custom.id, third.id) == (
        "EV-0001",
        "EV-0002",
        "EV-0100",
        "EV-0101",
    )
    assert first.added_by == "t" and reg.get_evidence(parties, "EV-0001") == first
    assert [e.id for e in reg.evidence_for(parties, "a")] == ["EV-0001", "EV-0002"]
    for kwargs, field in (
        ({"kind": "rumour"}, "kind"),
        ({"stance": "hostile"}, "stance"),
        ({"title": ""}, "title"),
        ({"party": "nobody"}, "party"),
        ({"evidence_id": "EV-0001"}, "id"),
        ({"evidence_id": "bad id"}, "id"),
    ):
        args: dict[str, object] = {"party": "a", "kind": "media", "title": "T", **kwargs}
        assert_refused(parties, lambda a=args: reg.add_evidence(parties, actor="t", **a), field)  # type: ignore[misc]
    with pytest.raises(NotFoundError):
        reg.get_evidence(parties, "EV-9999")


def test_equipment_and_dates_in_order(parties: Store) -> None:
    reg.add_equipment(parties, party="a", device_id="D1", customer="t", actor="t",
                      installed_on=date(2021, 1, 1), warranty_until=date(2026, 1, 1))  # fmt: skip
    assert [e.device_id for e in reg.equipment_for(parties, "a")] == ["D1"]
    assert [e.device_id for e in reg.equipment_for(parties, "t", as_customer=True)] == ["D1"]
    assert_refused(parties, lambda: reg.add_equipment(parties, party="a", device_id="D1", actor="t"),
                   "device_id", "already")  # fmt: skip
    assert_refused(parties, lambda: reg.add_equipment(parties, party="a", device_id="D2", actor="t",
                   installed_on=date(2026, 1, 2), warranty_until=date(2026, 1, 1)),
                   "installed_on", "after")  # fmt: skip
    assert_refused(parties, lambda: reg.add_equipment(parties, party="a", device_id="D3",
                   customer="nobody", actor="t"), "customer", "unknown party")  # fmt: skip


def _audit() -> object:
    imported = import_file(INVENTORY)
    regimes = select_regimes(bundled_regimes(), ["us-fcc-covered"])
    return audit(imported.records, None, regimes, today=date(2026, 1, 1), issues=imported.issues)


def test_link_audit_counts_every_device(store: Store) -> None:
    for maker in ("hikvision", "axis", "bosch"):
        reg.add_party(store, maker, maker.title(), actor="t", identifiers={"maker": maker})
    reg.add_party(store, "kommune", "Kommune", actor="t", roles=["self", "customer"])
    result = _audit()
    summary = reg.link_audit(store, result, customer_id="kommune", actor="t")  # type: ignore[arg-type]
    assert summary.devices == 46
    assert summary.devices == summary.linked + summary.unidentified + sum(
        summary.without_party.values()
    )
    assert summary.by_party["hikvision"] == 17 and summary.by_party["axis"] == 8
    assert summary.without_party["dahua"] == 6 and summary.unidentified == 2
    hik = reg.equipment_for(store, "hikvision")
    # the FCC Covered List covers Hikvision only for some purposes of use (47 CFR 1.50002): to confirm
    assert len(hik) == 17 and {e.finding for e in hik} == {"to confirm"}
    assert all(e.customer == "kommune" and e.source for e in hik)
    assert len(reg.equipment_for(store, "kommune", as_customer=True)) == summary.linked
    with store.session() as session:
        last = trail.entries(session)[-1]
    assert last.action == "equipment.link-audit" and last.after is not None
    assert last.after["without_party"]["dahua"] == 6
    again = reg.link_audit(store, result, customer_id="kommune", actor="t")  # type: ignore[arg-type]
    assert again.unchanged == summary.linked and again.added == 0
    with pytest.raises(NotFoundError):
        reg.link_audit(store, result, customer_id="nobody", actor="t")  # type: ignore[arg-type]


def test_two_parties_for_one_maker_is_refused(store: Store) -> None:
    reg.add_party(store, "hik-1", "Hikvision", actor="t", identifiers={"maker": "hikvision"})
    reg.add_party(
        store, "hik-2", "Hikvision Digital", actor="t", identifiers={"maker": "hikvision"}
    )
    assert_refused(store, lambda: reg.link_audit(store, _audit(), actor="t"),  # type: ignore[arg-type]
                   "identifiers", "hik-1")  # fmt: skip


def test_trail_verifies_after_everything(parties: Store) -> None:
    reg.add_relation(parties, "a", "t", "owns", share=50, actor="t")
    reg.update_party(parties, "b", actor="t", name="Bee")
    reg.add_evidence(parties, party="a", kind="media", title="T", actor="t")
    with parties.session() as session:
        verification = trail.verify(session)
    assert verification.ok, verification
