"""Fixtures for monitoring: a store with the bundled lists, a register, and a realistic list update."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.model import ListedEntity, Name, NameKind, ParsedList
from aktsam.lists.snapshots import current_snapshots, import_parsed, load_entities
from aktsam.settings import Settings
from aktsam.store.db import Store, open_store


@pytest.fixture
def home(pristine_bundled_home: Path, tmp_path: Path) -> Settings:
    """A copy of the bundled home (lists imported, index cached, empty register) of this test's own."""
    target = tmp_path / "home"
    shutil.copytree(pristine_bundled_home, target)
    return Settings.for_home(target)


@pytest.fixture
def mstore(request: pytest.FixtureRequest, home: Settings) -> Iterator[Store]:
    """The copied home's store (SQLite); see ``pg_mstore`` for PostgreSQL."""
    opened = open_store(home)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, home: Settings) -> Iterator[Store]:
    """The bundled lists on SQLite, and on PostgreSQL (lists imported from the bundle again)."""
    settings = home
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        settings = dataclasses.replace(home, database_url=url)
    opened = open_store(settings)
    ensure_bundled(opened)
    try:
        yield opened
    finally:
        opened.close()


def un_entities(store: Store) -> list[ListedEntity]:
    snap = next(s for s in current_snapshots(store) if s.source == "un-sc")
    return load_entities(store, [snap.id])


def publish_un(
    store: Store,
    *,
    add: list[ListedEntity] = (),  # type: ignore[assignment]
    change: dict[str, list[str]] | None = None,  # entity id -> aliases to add
    remove: set[str] = frozenset(),  # type: ignore[assignment]
    day: str = "2099-01-02",
) -> None:
    """A new UN snapshot: the current one with real entities added, aliases added, entries removed."""
    entities = []
    for entity in un_entities(store):
        if entity.id in remove:
            continue
        extra = (change or {}).get(entity.id)
        if extra:
            entity = dataclasses.replace(
                entity,
                names=[*entity.names, *(Name(value=v, kind=NameKind.ALIAS) for v in extra)],
            )
        entities.append(entity)
    entities.extend(add)
    parsed = ParsedList(source="un-sc", entities=entities, published=day + "T00:00:00")
    import_parsed(
        store,
        parsed,
        sha256=f"{day}-{len(entities)}-{sorted(remove)}-{sorted(change or {})}".ljust(64, "0")[:64],
        file_name=f"un-{day}.xml",
        retrieved_at=dt.datetime.now(dt.UTC),
        force=True,
    )
