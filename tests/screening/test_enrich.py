"""The alias table: every row sourced and dated, listed names spelled as the official lists spell them,
bad rows rejected with file and line, and enriched names reaching the matcher."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aktsam.errors import InputError
from aktsam.lists.model import ListedEntity, Name, NameKind, Schema
from aktsam.screening.enrich import (
    ALIAS_COLUMNS,
    AliasTable,
    default_aliases_path,
    enrich_entities,
    load_aliases,
)
from aktsam.screening.index import MatchIndex
from aktsam.screening.matcher import Query, match

LISTS_DIR = Path(__file__).resolve().parents[2] / "data" / "lists"
HEADER = ",".join(ALIAS_COLUMNS)


def _write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(["# a comment", HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_bundled_table_loads_and_every_row_is_sourced_and_dated() -> None:
    rows = load_aliases()
    assert len(rows) >= 20
    for row in rows:
        assert row.source and row.date and row.source_url, row
        assert row.date[:4].isdigit() and row.date[:4] >= "2020", row
        assert row.script == "Hani" and row.lang == "zh", row


@pytest.fixture(scope="module")
def official_texts() -> str:
    """Every bundled official list file as text (names are compared verbatim)."""
    parts = []
    for path in sorted(LISTS_DIR.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".csv", ".xml", ".txt", ".json"}:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def test_listed_names_are_spelled_as_an_official_list_spells_them(official_texts: str) -> None:
    for row in load_aliases():
        assert row.listed_name in official_texts, (
            f"line {row.row}: {row.listed_name!r} not in a list"
        )


def test_the_makers_this_product_is_about_have_their_chinese_names() -> None:
    by_listed: dict[str, set[str]] = {}
    for row in load_aliases():
        by_listed.setdefault(row.listed_name, set()).add(row.alias)
    assert (
        "杭州海康威视数字技术股份有限公司"
        in by_listed["Hangzhou Hikvision Digital Technology Co., Ltd."]
    )
    assert "海康威视" in by_listed["Hangzhou Hikvision Digital Technology Co., Ltd."]
    assert {"浙江大华技术股份有限公司", "大华股份"} <= by_listed["Dahua Technology"]
    assert "华为技术有限公司" in by_listed["HUAWEI TECHNOLOGIES CO., LTD."]
    assert "中兴通讯股份有限公司" in by_listed["ZTE Corporation"]
    assert "海能达通信股份有限公司" in by_listed["Hytera Communications Corporation"]
    assert "科大讯飞股份有限公司" in by_listed["IFLYTEK"]
    assert "云从科技集团股份有限公司" in by_listed["CloudWalk Technology"]
    assert "商汤集团股份有限公司" in by_listed["SENSETIME GROUP LIMITED"]
    assert "北京旷视科技有限公司" in by_listed["Beijing Megvii Technology Co., Ltd."]


@pytest.mark.parametrize("missing", ["source", "date", "alias", "listed_name"])
def test_a_row_without_a_required_field_is_rejected_naming_file_and_line(
    tmp_path: Path, missing: str
) -> None:
    values = {
        "listed_name": "Dahua Technology",
        "alias": "大华股份",
        "script": "Hani",
        "lang": "zh",
        "source": "annual report",
        "source_url": "https://example.org/report",
        "date": "2024-04-16",
    }
    values[missing] = ""
    good = ",".join(
        [
            "Hytera Communications Corporation",
            "海能达",
            "Hani",
            "zh",
            "annual report",
            "https://example.org",
            "2024-04-30",
        ]
    )
    path = _write(tmp_path / "aliases.csv", good, ",".join(values[c] for c in ALIAS_COLUMNS))
    with pytest.raises(InputError) as caught:
        load_aliases(path)
    assert caught.value.file == str(path)
    assert caught.value.row == 4  # comment, header, good row, bad row
    assert caught.value.field == missing
    assert str(path) in str(caught.value) and "row 4" in str(caught.value)


def test_a_table_without_the_columns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("listed_name,alias\nDahua Technology,大华股份\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        load_aliases(path)


def test_the_bundled_file_has_the_expected_header() -> None:
    with open(default_aliases_path(), encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    assert next(csv.reader(lines[:1])) == list(ALIAS_COLUMNS)


def _entity(source_id: str, *names: str, schema: Schema = Schema.ORGANIZATION) -> ListedEntity:
    return ListedEntity(
        source="us-csl",
        source_id=source_id,
        schema=schema,
        names=[Name(v) for v in names],
    )


def test_rows_match_on_normalised_tokens_not_spelling(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "aliases.csv",
        "Dahua Technology,浙江大华技术股份有限公司,Hani,zh,annual report,https://x.org,2024-04-16",
    )
    table = AliasTable(load_aliases(path))
    entities = [
        _entity("1", "DAHUA TECHNOLOGY"),  # case and punctuation differ: same tokens
        _entity("2", "Dahua Technology Company"),  # a legal form more: same tokens
        _entity("3", "Dahua Electronics"),  # different tokens: no alias
    ]
    enriched = enrich_entities(entities, table)
    assert set(enriched) == {0, 1}
    name = enriched[0][0]
    assert name.value == "浙江大华技术股份有限公司"
    assert name.kind is NameKind.ENRICHED and name.lang == "zh"
    assert (
        name.source is not None and "annual report" in name.source and "2024-04-16" in name.source
    )


def test_an_alias_the_entity_already_has_is_not_added_twice(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "aliases.csv",
        "Dahua Technology,大华股份,Hani,zh,report,https://x.org,2024-04-16",
        "DAHUA TECHNOLOGY,大华股份,Hani,zh,report,https://x.org,2024-04-16",
    )
    table = AliasTable(load_aliases(path))
    entities = [_entity("1", "Dahua Technology", "大华股份")]
    assert enrich_entities(entities, table) == {}


def test_the_entity_list_hikvision_entry_gains_its_chinese_names_in_the_index() -> None:
    hikvision = _entity(
        "f095626c9f8becc70b5948507fb6de6e443b257a",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "Hikvision",
        schema=Schema.UNKNOWN,
    )
    other = _entity("2", "Axis Communications AB")
    index = MatchIndex.build([hikvision, other])
    values = {index.record_value[index.name_record[n]] for n in index.entity_names[0]}
    assert "杭州海康威视数字技术股份有限公司" in values and "海康威视" in values
    hits = match(index, Query("海康威视"))
    assert [h.entity_id for h in hits] == [hikvision.id]
    explanation = hits[0].explanation
    assert explanation.listed_kind == "enriched"
    assert explanation.listed_source is not None and "002415" in explanation.listed_source
    features = {feature: delta for feature, delta, _ in explanation.qualifiers}
    assert features["enriched_alias"] == pytest.approx(-0.05)


def test_an_index_without_the_alias_table_has_no_enriched_names() -> None:
    hikvision = _entity("1", "Hangzhou Hikvision Digital Technology Co., Ltd.")
    index = MatchIndex.build([hikvision], aliases=AliasTable([]))
    assert all(kind is not NameKind.ENRICHED for kind in index.name_kind)
    assert match(index, Query("杭州海康威视数字技术股份有限公司")) == []
