"""``load_demo``: the bundled example loads completely, is in the trail, and matches examples/diligence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from aktsam.diligence.demo import EXAMPLE_FILES, REGISTER_FILES, example_dir, load_demo
from aktsam.errors import InputError
from aktsam.store import Store, trail
from aktsam.store.schema import EquipmentRow, EvidenceRow, PartyRow, RelationRow

CHECKOUT_COPY = Path(__file__).resolve().parents[2] / "examples" / "diligence"


def rows(name: str) -> list[dict[str, str]]:
    with (example_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_two_copies_are_identical() -> None:
    for name in EXAMPLE_FILES:
        assert (example_dir() / name).read_bytes() == (CHECKOUT_COPY / name).read_bytes(), name
    assert sorted(p.name for p in example_dir().iterdir()) == sorted(EXAMPLE_FILES)
    assert sorted(p.name for p in CHECKOUT_COPY.iterdir()) == sorted(EXAMPLE_FILES)


def test_demo_loads_every_row_and_the_trail_verifies(store: Store) -> None:
    summary = load_demo(store, actor="demo-test")
    tables = {"parties.csv": PartyRow, "relations.csv": RelationRow, "evidence.csv": EvidenceRow,
              "equipment.csv": EquipmentRow}  # fmt: skip
    assert set(tables) == set(REGISTER_FILES)
    with store.session() as session:
        for name, table in tables.items():
            count = session.scalar(sa.select(sa.func.count()).select_from(table))
            assert count == len(rows(name)), name
        assert trail.verify(session).ok
        logged = trail.entries(session)
        assert len(logged) == sum(len(rows(name)) for name in REGISTER_FILES)
        assert {e.actor for e in logged} == {"demo-test"}
    assert summary.imported.parties.added == len(rows("parties.csv"))
    assert summary.imported.evidence.added == len(rows("evidence.csv"))
    profile = Path(summary.profile)
    assert summary.profile_written and profile == store.settings.home / "profile.yml"
    assert profile.read_bytes() == (example_dir() / "profile.yml").read_bytes()
    assert any("report transparency" in c for c in summary.commands)


def test_demo_refuses_a_home_with_parties_unless_forced(store: Store) -> None:
    load_demo(store)
    with pytest.raises(InputError, match="already has 48 parties"):
        load_demo(store)
    (store.settings.home / "profile.yml").write_text("mine", encoding="utf-8")
    again = load_demo(store, force=True)
    assert again.imported.parties.unchanged == len(rows("parties.csv"))
    assert again.profile_written  # --force replaces the profile too
    with store.session() as session:
        assert trail.verify(session).ok


def test_an_existing_profile_is_kept(store: Store) -> None:
    home = store.settings.home
    (home / "profile.yml").write_text("organisation: {name: Mine}\n", encoding="utf-8")
    summary = load_demo(store)
    assert not summary.profile_written
    assert "Mine" in (home / "profile.yml").read_text(encoding="utf-8")


def test_example_facts_are_sourced_or_marked_invented() -> None:
    for party in rows("parties.csv"):
        assert party["notes"].startswith(("REAL", "INVENTED")), party["id"]
    for relation in rows("relations.csv"):
        assert relation["source_url"] or relation["note"].startswith("INVENTED"), relation
        if relation["kind"] == "owns" and not relation["share"]:
            assert "EMPTY" in relation["note"] or "not stated" in relation["note"]
    for evidence in rows("evidence.csv"):
        invented = "INVENTED" in evidence["quote"]
        assert invented or (evidence["url"].startswith("http") and evidence["published"]), evidence
    self_rows = [p for p in rows("parties.csv") if "self" in p["roles"].split(";")]
    assert [p["id"] for p in self_rows] == ["nordvakt"]
    profile = yaml.safe_load((example_dir() / "profile.yml").read_text(encoding="utf-8"))
    assert profile["organisation"]["name"] == self_rows[0]["name"]


def test_incomplete_source_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="incomplete"):
        load_demo(store, source=tmp_path)
