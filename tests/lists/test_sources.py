"""The source catalogue: the packaged entries, and errors that name file, entry and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from aktsam.errors import ConfigError, UnknownSourceError
from aktsam.lists.sources import get_source, load_sources, packaged_sources_file

OFFICIAL_URLS = {
    "un-sc": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    "ofac-sdn": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
    "ofac-cons": (
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML"
    ),
    "uk-hmt": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
    "us-csl": "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
    "eu-fsf": (
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
        "?token={token}"
    ),
}

#: entity counts of the real files in data/lists (PROVENANCE.md): the bounds must accept them
REAL_COUNTS = {
    "un-sc": [875, 1003],
    "eu-fsf": [4811],
    "uk-hmt": [2106],
    "ofac-sdn": [14966],
    "ofac-cons": [443],
    "us-csl": [14160],
}


def test_packaged_catalogue() -> None:
    sources = load_sources()
    assert list(sources) == ["un-sc", "eu-fsf", "uk-hmt", "ofac-sdn", "ofac-cons", "us-csl"]
    for name, source in sources.items():
        assert [d.url for d in source.downloads] == [OFFICIAL_URLS[name]]
        assert source.landing_page.startswith("https://")
        assert source.licence and source.checked_source and source.title and source.publisher
        assert isinstance(source.checked_date, dt.date)
        for count in REAL_COUNTS[name]:
            assert source.min_entities <= count <= source.max_entities, name
    assert sources["eu-fsf"].token_env == "AKTSAM_EU_FSF_TOKEN"
    assert all(s.token_env is None for n, s in sources.items() if n != "eu-fsf")


def test_get_source() -> None:
    assert get_source("un-sc").stale_after_days == 7
    with pytest.raises(UnknownSourceError, match="known: un-sc"):
        get_source("ftm")


def _write(tmp_path: Path, entry_changes: dict[str, Any], drop: str | None = None) -> Path:
    document = yaml.safe_load(packaged_sources_file().read_text())
    entry = document["un-sc"]
    entry.update(entry_changes)
    if drop:
        del entry[drop]
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("changes", "drop", "field", "message"),
    [
        ({}, "licence", "licence", "required field missing"),
        ({"licnece": "x"}, None, "licnece", "unknown field"),
        ({"stale_after_days": 0}, None, "stale_after_days", "positive whole number"),
        ({"stale_after_days": "7"}, None, "stale_after_days", "positive whole number"),
        ({"landing_page": "ftp://x"}, None, "landing_page", "http"),
        ({"entity_count": {"min": 10, "max": 5}}, None, "entity_count", "greater than max"),
        ({"entity_count": {"min": 10}}, None, "entity_count", "min, max"),
        ({"downloads": []}, None, "downloads", "non-empty list"),
        (
            {"downloads": [{"url": "https://x/a?t={token}", "file": "a"}]},
            None,
            "downloads[0].url",
            "no token_env",
        ),
        (
            {"downloads": [{"url": "https://x/a", "file": "../evil"}]},
            None,
            "downloads[0].file",
            "plain file name",
        ),
        ({"token_env": "HOME"}, None, "token_env", "must be one of"),
        ({"checked": {"date": "yesterday", "source": "x"}}, None, "checked.date", "date"),
        ({"title": ""}, None, "title", "non-empty text"),
    ],
)
def test_validation_errors_name_file_entry_and_field(
    tmp_path: Path, changes: dict[str, Any], drop: str | None, field: str, message: str
) -> None:
    path = _write(tmp_path, changes, drop)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    text = str(info.value)
    assert str(path) in text
    assert "entry 'un-sc'" in text
    assert f"field {field!r}" in text
    assert message in text


def test_unknown_source_name(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    document = yaml.safe_load(packaged_sources_file().read_text())
    document["un-xx"] = document.pop("un-sc")
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ConfigError, match="entry 'un-xx': no parser"):
        load_sources(path)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("un-sc: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_sources(bad)
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_sources(bad)


def test_override_file_replaces_urls(tmp_path: Path) -> None:
    path = _write(
        tmp_path, {"downloads": [{"url": "http://mirror.internal/un.xml", "file": "un.xml"}]}
    )
    assert load_sources(path)["un-sc"].downloads[0].url == "http://mirror.internal/un.xml"
