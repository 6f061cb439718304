"""Bundled due-diligence reference data and the scripts that derive it (on small fixtures)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from aktsam.devices.refdata import ReferenceDataError, read_table
from aktsam.diligence import riskdata

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = ROOT / "src" / "aktsam" / "diligence" / "data"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- builders on fixtures in the source formats -------------------------------------------------


def test_build_country_risk_latest_year_and_bands(tmp_path: Path) -> None:
    build = _script("build_country_risk")
    out = tmp_path / "country_risk.csv"
    assert (
        build.main([str(FIXTURES / "vdem_small.csv"), "--out", str(out), "--date", "2026-11-25"])
        == 0
    )
    rows = {r["country"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"CN", "HU", "IN", "NO"}  # aggregate row without a V-Dem code skipped
    assert rows["NO"]["vdem_libdem"] == "0.839" and rows["NO"]["vdem_year"] == "2024"
    assert rows["NO"]["level"] == "low"
    assert rows["CN"]["level"] == "critical"
    assert rows["HU"]["vdem_year"] == "2023" and rows["HU"]["level"] == "high"  # 2024 is NA
    assert rows["IN"]["level"] == "medium"  # 0.4 is the lower bound of medium
    assert all(r["source"] and r["date"] == "2026-11-25" for r in rows.values())


def test_bands_boundaries() -> None:
    build = _script("build_country_risk")
    assert [build.band(v) for v in (0.0, 0.199, 0.2, 0.399, 0.4, 0.599, 0.6, 1.0)] == [
        "critical",
        "critical",
        "high",
        "high",
        "medium",
        "medium",
        "low",
        "low",
    ]


def test_build_forced_labour_goods_maps_countries(tmp_path: Path) -> None:
    build = _script("build_forced_labour_goods")
    out = tmp_path / "goods.csv"
    assert build.main([str(FIXTURES / "goods_small.xml"), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["good"], r["country"]) for r in rows] == [
        ("Electronics", "CN"),
        ("Electronics", "TR"),
        ("Lithium-Ion Batteries", "CN"),
    ]
    assert rows[0]["forced_labor"] == "yes" and rows[0]["derived_from_country"] == ""
    assert rows[2]["derived"] == "yes" and rows[2]["derived_from_country"] == "CD"
    assert all(r["date"] == "2022-09-28" and "ILAB" in r["source"] for r in rows)


def test_build_forced_labour_goods_refuses_unknown_country() -> None:
    build = _script("build_forced_labour_goods")
    with pytest.raises(ValueError, match="Atlantis"):
        build.country_code("Atlantis")


# --- the bundled tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "country_risk.csv",
        "regions.csv",
        "forced_labour_goods.csv",
        "product_goods.csv",
        "uflpa_entities.csv",
        "gpfg_decisions.csv",
        "sector_risk.csv",
    ],
)
def test_every_row_has_source_and_date(name: str) -> None:
    rows = read_table(DATA / name, [])
    assert rows
    assert all(r["source"] and r["date"] for r in rows)


def test_row_counts() -> None:
    assert len(riskdata.all_forced_labour_goods()) == 467
    assert len(riskdata.all_country_risks()) == 175
    assert len(read_table(DATA / "uflpa_entities.csv", [])) == 8
    assert len(read_table(DATA / "gpfg_decisions.csv", [])) == 5


def test_country_levels() -> None:
    cn = riskdata.country_risk("cn")
    assert cn is not None and cn.level in ("critical", "high")
    assert cn.vdem_year == 2024 and cn.vdem_libdem == pytest.approx(0.036)
    assert "V-Dem" in cn.source and cn.date
    no = riskdata.country_risk("NO")
    assert no is not None and no.level == "low"
    assert riskdata.country_risk("ZZ") is None


def test_china_electronics_forced_labour() -> None:
    rows = riskdata.forced_labour_goods("CN", ["electronics"])
    assert len(rows) == 1 and rows[0].forced_labor and rows[0].child_labor
    assert rows[0].source and rows[0].date == "2022-09-28"
    solar = {g.good for g in riskdata.forced_labour_goods("CN") if g.derived_from_country == "CN"}
    assert {"Solar Cells", "Solar Modules", "Photovoltaic Wafers"} <= solar


def test_goods_for_products() -> None:
    goods = {p.good for p in riskdata.goods_for_products(["cctv-camera", "solar", "nope"])}
    assert goods == {
        "Electronics",
        "Polysilicon",
        "Photovoltaic Ingots",
        "Photovoltaic Wafers",
        "Solar Cells",
        "Solar Modules",
    }
    assert all(p.reason and p.source for p in riskdata.goods_for_products(["batteries"]))


def test_product_goods_refuses_unknown_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("forced_labour_goods.csv",):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "product_goods.csv").write_text(
        "category,good,reason,source,date\ncctv-camera,Cameras,x,y,2026-01-01\n", encoding="utf-8"
    )
    monkeypatch.setattr(riskdata, "DATA_DIR", tmp_path)
    riskdata._goods.cache_clear()
    riskdata._product_goods.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match=r"row 2.*good"):
            riskdata.goods_for_products(["cctv-camera"])
    finally:
        monkeypatch.undo()
        riskdata._goods.cache_clear()
        riskdata._product_goods.cache_clear()


@pytest.mark.parametrize(
    "text",
    ["Xinjiang", "XUAR", "Urumqi, xinjiang uyghur autonomous region", "新疆维吾尔自治区乌鲁木齐"],
)
def test_xinjiang_aliases(text: str) -> None:
    region = riskdata.region_risk(text)
    assert region is not None and region.region == "xinjiang" and region.country == "CN"
    assert region.level == "critical" and "117-78" in region.source and region.date
    assert region.matched


def test_region_no_false_match() -> None:
    assert riskdata.region_risk("Xinjiangstraße 4, Berlin") is None
    assert riskdata.region_risk("Xinjiang", country="NO") is None
    assert riskdata.region_risk("Xinjiang", country="cn") is not None


def test_uflpa_alias_matching() -> None:
    [hit] = riskdata.uflpa_match("xinjiang great new energy co ltd")
    assert hit.entity_name == "Xinjiang Daqo New Energy Co. Ltd."
    assert hit.matched == "Xinjiang Great New Energy Co. Ltd."
    assert hit.source and hit.date
    [former] = riskdata.uflpa_match("Wuxi Shangji CNC Co., Ltd.")
    assert former.entity_name == "Hongyuan Green Energy Co. Ltd."
    assert riskdata.uflpa_match("Xinjiang Daqo") == []


def test_gpfg_and_sector() -> None:
    hik = riskdata.gpfg_decisions("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO. LTD")
    assert {d.decision for d in hik} == {"recommendation_withdrawn", "divestment_reported"}
    assert all(d.source and d.date for d in hik)
    sector = riskdata.sector_risk("surveillance-technology")
    assert sector is not None and sector.level == "critical" and "A/HRC/41/35" in sector.source
    assert riskdata.sector_risk("bakery") is None
    for name in riskdata.sectors():
        s = riskdata.sector_risk(name)
        assert s is not None and s.source and s.date


# --- Freedom House (user-supplied; the fixture rows are fabricated) ----------------------------


def test_load_freedom_house_fabricated_fixture() -> None:
    # freedomhouse_fabricated.csv: a few rows written by hand in FH's format; not FH data
    # ("Examplestan" is invented, the others are placeholders, not checked against FH).
    data = riskdata.load_freedom_house(FIXTURES / "freedomhouse_fabricated.csv", date="2023-03-09")
    assert set(data.by_country) == {"NO", "CN", "PS", "CD"}
    assert data.by_country["CN"].status == "NF" and data.by_country["NO"].score == 100
    assert data.by_country["PS"].name == "Gaza Strip"  # lower score of two territories kept
    assert data.unmapped == ("Examplestan", "Abkhazia")
    assert data.skipped == ("West Bank",)
    assert all(s.source and s.date for s in data.by_country.values())


def test_load_freedom_house_bad_row(tmp_path: Path) -> None:
    bad = tmp_path / "fh.csv"
    bad.write_text("Norway,Europe,c,F,100\nChina,Asia,c,XX,9\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"row 2.*status"):
        riskdata.load_freedom_house(bad)
