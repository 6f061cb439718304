"""Staleness warnings: the lists in force past their limit (sources.yml), as every answer shows them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.model import ListedEntity, Name, ParsedList, Schema
from aktsam.lists.snapshots import current_snapshots, import_list, import_parsed
from aktsam.lists.sources import load_sources
from aktsam.lists.staleness import stale_lists, staleness_warnings
from aktsam.store import Store

UN_NEW = "un-sc-consolidated/UN_consolidated.xml"  # published 2026-02-27, un-sc limit 7 days
TODAY = dt.date(2026, 12, 7)


def test_bundled_lists_are_all_stale_on_the_default_setup(store: Store) -> None:
    ensure_bundled(store)
    warnings = {w.source: w for w in staleness_warnings(store, today=TODAY)}
    assert set(warnings) == {"eu-fsf", "ofac-cons", "ofac-sdn", "uk-hmt", "un-sc", "us-csl"}
    un = warnings["un-sc"]
    assert (un.published, un.as_of, un.age_days, un.limit_days) == (
        "2026-02-27T00:00:09.554Z",
        "2026-02-27",
        283,
        7,
    )
    assert un.snapshot == "un-sc@2026-02-27"
    assert un.message.startswith(
        "list un-sc (published 2026-02-27) is 283 days old, past its limit of 7 days"
    )
    assert "aktsam lists update" in un.message
    csl = warnings["us-csl"]  # the CSL states no date: its age counts from its retrieval
    assert csl.published is None and "undated, retrieved 2022-05-16" in csl.message
    assert un.to_dict() == {
        "source": "un-sc",
        "snapshot": "un-sc@2026-02-27",
        "published": "2026-02-27T00:00:09.554Z",
        "as_of": "2026-02-27",
        "age_days": 283,
        "limit_days": 7,
        "message": un.message,
    }
    only = staleness_warnings(store, today=TODAY, sources=["un-sc"])
    assert [w.source for w in only] == ["un-sc"]


def test_within_the_limit_no_warning(store: Store, lists_dir: Path) -> None:
    import_list(store, lists_dir / UN_NEW, "un-sc")
    assert staleness_warnings(store, today=dt.date(2026, 3, 6), sources=["un-sc"]) == []  # 7 days
    [late] = staleness_warnings(store, today=dt.date(2026, 3, 7), sources=["un-sc"])  # 8 days
    assert (late.age_days, late.limit_days) == (8, 7)


def test_missing_catalogue_list_warns_and_own_lists_never_do(store: Store) -> None:
    entity = ListedEntity("csv", "1", Schema.PERSON, [Name("A")])
    import_parsed(store, ParsedList("csv", [entity], "2001-01-01"), sha256="a" * 64, file_name="w")
    warnings = staleness_warnings(store, today=TODAY)
    assert "csv" not in {w.source for w in warnings}  # not in sources.yml: no limit
    missing = {w.source: w for w in warnings}
    assert set(missing) == set(load_sources(store.settings.sources_file))
    assert missing["un-sc"].age_days is None and "no snapshot in force" in missing["un-sc"].message


def test_stale_lists_of_a_past_run_count_from_that_day(store: Store, lists_dir: Path) -> None:
    import_list(store, lists_dir / UN_NEW, "un-sc")
    snaps = current_snapshots(store)
    catalogue = load_sources(store.settings.sources_file)
    assert stale_lists(snaps, catalogue, dt.date(2026, 3, 1)) == []
    assert [w.age_days for w in stale_lists(snaps, catalogue, TODAY)] == [283]
