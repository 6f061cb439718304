"""Survey: organisations per sector × maker, quantities, where organisation and sector come from, and the
rule that low-confidence identifications are 'possible', never hits."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from aktsam.devices.regimes import bundled_regimes
from aktsam.devices.survey import (
    ALL_SECTORS,
    SurveyResult,
    parse_quantity,
    read_manifest,
    survey,
)
from aktsam.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "survey"
FCC = [bundled_regimes()["us-fcc-covered"]]
POLICY = [
    bundled_regimes()["example-org-policy"]
]  # Hikvision and Dahua, no equipment or purpose limit
UK = [bundled_regimes()["uk-sensitive-sites-2022"]]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line(result: SurveyResult, sector: str, maker: str) -> tuple[int, int, float, int, int]:
    found = next(s for s in result.by_sector if s.sector == sector and s.maker == maker)
    return (
        found.organisations,
        found.organisations_running,
        found.share,
        found.devices,
        found.possible,
    )


def test_shares_by_hand_for_a_tiny_case(tmp_path: Path) -> None:
    # 3 councils: A runs Hikvision (5) and Axis (2), B runs Axis only, C runs Dahua (1); 1 school with Hikvision
    text = (
        "Organisation,Sector,Brand,Model,Quantity\n"
        "A,council,Hikvision,DS-2CD2143G2-I,5\n"
        "A,council,Axis,P3245-LVE,2\n"
        "B,council,Axis,P3245-LVE,7\n"
        "C,council,Dahua,IPC-HDW2431T-AS,1\n"
        "S,school,Hikvision,DS-2CD1043G0-I,3\n"
    )
    result = survey([write(tmp_path, "all.csv", text)], POLICY)
    assert line(result, "council", "hikvision") == (3, 1, 33.3, 5, 0)
    assert line(result, "council", "dahua") == (3, 1, 33.3, 1, 0)
    assert line(result, "council", "axis") == (3, 2, 66.7, 9, 0)
    assert line(result, "school", "hikvision") == (1, 1, 100.0, 3, 0)
    assert line(result, ALL_SECTORS, "hikvision") == (4, 2, 50.0, 8, 0)
    council = next(s for s in result.sectors if s.sector == "council")
    assert (council.organisations_restricted, council.share_restricted) == (2, 66.7)
    assert result.totals.organisations_restricted == 3 and result.totals.share_restricted == 75.0
    flags = {s.maker: s.restricted for s in result.by_sector}
    assert flags == {"hikvision": True, "dahua": True, "axis": False}
    # restricted makers first in the table
    assert list(result.maker_names) == ["hikvision", "dahua", "axis"]


def test_quantity_counts_devices_and_a_bad_quantity_is_a_skipped_row(tmp_path: Path) -> None:
    text = (
        "Brand,Model,Qty\n"
        "Hikvision,DS-2CD2143G2-I,1,200\n"  # one cell too many: importer error, skipped
        'Hikvision,DS-2CD2143G2-I,"1,200"\n'
        "Axis,P3245-LVE,12.0\n"
        "Axis,P3245-LVE,about 10\n"
        "Axis,P3245-LVE,2.5\n"
        "Bosch,NDE-3503-AL,0\n"
        "Bosch,NDE-3503-AL,\n"
    )
    result = survey([write(tmp_path, "org.csv", text)], FCC)
    (org,) = result.organisations
    assert org.by_maker == {"hikvision": 1200, "axis": 12, "bosch": 1}
    assert org.devices == 1213
    errors = [(i.origin.row, i.field) for i in result.issues if i.severity == "error"]
    assert errors == [(2, None), (5, "quantity"), (6, "quantity")]
    warnings = [(i.origin.row, i.field) for i in result.issues if i.severity == "warning"]
    assert warnings == [(8, "quantity")]  # blank: counted as 1, said so
    (counts,) = result.files
    assert (counts.rows_read, counts.rows_counted, counts.rows_skipped) == (7, 4, 3)
    assert counts.devices == 1213 and counts.balanced and result.balanced()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("1,200", 1200), ("1 200", 1200), ("7.0", 7), ("0", 0), ("-1", None), ("1,5", None),
     ("2.5", None), ("ten", None), ("", None)],
)  # fmt: skip
def test_parse_quantity(text: str, expected: int | None) -> None:
    value, reason = parse_quantity(text)
    assert value == expected
    assert (reason is None) == (expected is not None)


def test_organisation_from_column_then_manifest_then_file_stem(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.mkdir()
    combined = write(
        answers,
        "combined.csv",
        "Authority,Brand,Model\nBody One,Axis,P3245-LVE\nBody Two,Axis,P3245-LVE\n",
    )
    listed = write(answers, "listed.csv", "Brand,Model\nAxis,P3245-LVE\n")
    stem = write(answers, "Some Trust.csv", "Brand,Model\nAxis,P3245-LVE\n")
    manifest_path = write(
        tmp_path,
        "orgs.csv",
        "file,organisation,sector\n"
        "answers/listed.csv,Listed Council,council\n"
        ",body one,school\n"
        "answers/missing.csv,Never Answered,council\n",
    )
    manifest = read_manifest(manifest_path)
    # the manifest caught by a glob is skipped, not read as an answer
    result = survey([combined, listed, stem, manifest_path], FCC, manifest)
    sectors = {o.name: o.sector for o in result.organisations}
    assert sectors == {
        "Body One": "school",  # column name, sector from the manifest by organisation
        "Body Two": "unknown",
        "Listed Council": "council",  # manifest by file
        "Some Trust": "unknown",  # file stem
    }
    assert [f.file for f in result.files] == [str(combined), str(listed), str(stem)]
    (warning,) = [i for i in result.issues if i.field == "file"]
    assert "Never Answered" in warning.message and warning.origin.row == 4


def test_row_sector_column_wins_and_names_merge(tmp_path: Path) -> None:
    one = write(
        tmp_path, "a.csv", "Organisation,Sector,Brand,Model\nX  Council,council,Axis,M3106\n"
    )
    two = write(tmp_path, "b.csv", "Organization,Brand,Model\nx council,Axis,M3106\n")
    result = survey([one, two], FCC)
    (org,) = result.organisations
    assert (org.name, org.sector, org.devices, len(org.files)) == ("X Council", "council", 2, 2)


def test_low_confidence_is_possible_not_a_hit(tmp_path: Path) -> None:
    text = "Brand,Model,Quantity\nAnnke,C800,4\nLorex,,2\nSwann,SWNHD-887MSB,1\n"
    result = survey([write(tmp_path, "school.csv", text)], FCC)
    (org,) = result.organisations
    assert org.by_maker == {} and org.possible == {"hikvision": 4, "dahua": 2}
    assert (org.unknown, org.restricted, org.devices) == (1, 0, 7)
    assert line(result, ALL_SECTORS, "hikvision") == (1, 0, 0.0, 0, 4)
    totals = result.totals
    assert (totals.organisations_restricted, totals.organisations_possible_restricted) == (0, 1)


def test_relabel_share_counts_confirmed_relabels_of_restricted_makers(tmp_path: Path) -> None:
    relabel = "Brand,Model,MAC address\nLTS,CMIP3042W-28,04:EE:CD:00:00:01\nAxis,P3245-LVE,\n"
    plain = "Brand,Model\nHikvision,DS-2CD2143G2-I\n"
    brand_only = "Brand,Model\nEZVIZ,CS-C6N\n"
    paths = [
        write(tmp_path, "a.csv", relabel),
        write(tmp_path, "b.csv", plain),
        write(tmp_path, "c.csv", brand_only),
        write(tmp_path, "d.csv", "Brand,Model\nAxis,P3245-LVE\n"),
    ]
    result = survey(paths, POLICY)
    by_name = {o.name: o for o in result.organisations}
    assert by_name["a"].restricted_relabelled == 1 and by_name["a"].relabelled == 1
    assert by_name["b"].restricted_relabelled == 0
    assert by_name["c"].restricted == 0 and by_name["c"].possible == {"hikvision": 1}
    totals = result.totals
    assert (totals.organisations_relabelled, totals.share_relabelled) == (1, 25.0)
    assert (totals.organisations_restricted, totals.share_restricted) == (2, 50.0)


def test_regimes_decide_what_is_restricted(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Brand,Model\nHytera,PD785G\nHikvision,DS-2CD2143G2-I\n")
    fcc = survey([path], FCC)
    uk = survey([path], UK)
    # the makers each regime names or covers (for some of their equipment)
    assert {s.maker for s in fcc.by_sector if s.restricted} == {"hikvision", "hytera"}
    assert {s.maker for s in uk.by_sector if s.restricted} == {"hikvision", "hytera"}
    # ... but no device is restricted for certain: the FCC entries are purpose-limited, and the UK
    # direction covers visual surveillance equipment only while these rows record no device type
    for result in (fcc, uk):
        (org,) = result.organisations
        assert (org.restricted, org.to_confirm) == (0, 2)
        assert result.totals.organisations_restricted == 0
        assert result.totals.organisations_to_confirm == 1


def test_survey_applies_the_audits_equipment_limit(tmp_path: Path) -> None:
    """Under HCWS386 a Hytera radio or a Huawei switch is not restricted, a Uniview camera is, and an
    intercom (a type the text leaves open) or a device with no type is to confirm, never restricted."""
    text = (
        "Organisation,Sector,Brand,Model,Device type,Quantity\n"
        "Radio Council,council,Hytera,PD785G,radio,20\n"
        "Radio Council,council,Huawei,S5735-L24P4S-A,switch,3\n"
        "Camera Council,council,Uniview,IPC3614SR3-ADF28KM-G,camera,7\n"
        "Door School,school,Hikvision,DS-KV6113-WPE1,intercom,2\n"
        "Blank School,school,Kedacom,IPC2250,,4\n"
    )
    result = survey([write(tmp_path, "all.csv", text)], UK)
    by_name = {o.name: o for o in result.organisations}
    assert (by_name["Radio Council"].restricted, by_name["Radio Council"].to_confirm) == (0, 0)
    assert by_name["Camera Council"].restricted == 7
    assert by_name["Camera Council"].restricted_by_maker == {"uniview": 7}
    assert (by_name["Door School"].restricted, by_name["Door School"].to_confirm) == (0, 2)
    assert (by_name["Blank School"].restricted, by_name["Blank School"].to_confirm) == (0, 4)
    council = next(s for s in result.sectors if s.sector == "council")
    school = next(s for s in result.sectors if s.sector == "school")
    assert (council.organisations_restricted, council.organisations_to_confirm) == (1, 0)
    assert (school.organisations_restricted, school.organisations_to_confirm) == (0, 2)
    hytera = next(s for s in result.by_sector if s.sector == ALL_SECTORS and s.maker == "hytera")
    assert hytera.restricted and (hytera.devices, hytera.devices_restricted) == (20, 0)
    uniview = next(s for s in result.by_sector if s.sector == ALL_SECTORS and s.maker == "uniview")
    assert (uniview.devices_restricted, uniview.organisations_restricted) == (7, 1)
    # the audit gives the same answers for the same devices (one coverage decision)
    from aktsam.devices.audit import audit
    from aktsam.devices.importers import import_file

    imported = import_file(tmp_path / "all.csv")
    audited = audit(imported.records, None, UK, today=date(2026, 11, 25))
    findings = [(d.identification.maker, d.finding) for d in audited.devices]
    assert findings == [
        ("hytera", "compliant"), ("huawei", "compliant"), ("uniview", "restricted everywhere"),
        ("hikvision", "to confirm"),
        ("kedacom", "restricted everywhere"),  # the audit assesses an untyped device as covered
    ]  # fmt: skip


def test_unreadable_input_and_bad_manifest_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: no such file"):
        survey([tmp_path / "nope.csv"], FCC)
    bad = write(tmp_path, "orgs.csv", "file,organisation,sector\na.csv,,council\n")
    with pytest.raises(InputError, match=r"orgs\.csv: row 2: field 'organisation'"):
        read_manifest(bad)
    twice = write(tmp_path, "twice.csv", "file,organisation\na.csv,A\na.csv,B\n")
    with pytest.raises(InputError, match=r"row 3.*already listed on row 2"):
        read_manifest(twice)


# --- the example folder, recomputed from the raw files -----------------------------------------------------

HIKVISION_BRANDS = {"hikvision", "lts", "ezviz", "annke"}
DAHUA_BRANDS = {"dahua", "amcrest", "lorex"}


def _raw_rows() -> dict[str, list[dict[str, str]]]:
    """Rows per organisation from the raw answers, with brand, model, MAC and quantity, no aktsam code."""
    manifest = list(csv.DictReader((EXAMPLE / "organisations.csv").open(encoding="utf-8")))
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for entry in manifest:
        rows.setdefault(entry["organisation"], [])
        if not entry["file"]:
            continue
        path = EXAMPLE / entry["file"]
        if path.suffix == ".xlsx":
            sheet = load_workbook(path, read_only=True).worksheets[0]
            values = [[str(c) if c is not None else "" for c in r] for r in sheet.values]
            table = [r for r in values if any(r)][1:]  # the title row
        else:
            text = path.read_text(encoding="utf-8").splitlines()
            delimiter = ";" if ";" in text[0] else ","
            table = [r for r in csv.reader(text, delimiter=delimiter) if any(r)]
            if len(table[0]) > 1 and not table[0][1]:  # a title row
                table = table[1:]
        header = [h.strip().lower() for h in table[0]]
        for line_cells in table[1:]:
            rows[entry["organisation"]].append(dict(zip(header, line_cells, strict=False)))
    combined = EXAMPLE / "answers" / "lantern_learning_trust_return.csv"
    for row in csv.DictReader(combined.open(encoding="utf-8")):
        rows[row["Organisation"]].append({k.lower(): v for k, v in row.items()})
    return rows


def _runs(rows: list[dict[str, str]], brands: set[str], model_prefixes: tuple[str, ...]) -> bool:
    """Counted the survey's way: the maker's own name, or a relabel confirmed by MAC or model."""
    for row in rows:
        brand = (row.get("brand") or row.get("make") or row.get("manufacturer") or "").lower()
        quantity = row.get("quantity") or row.get("qty") or row.get("count") or "1"
        if brand not in brands or not quantity.isdigit() or int(quantity) == 0:
            continue
        own_name = brand in ("hikvision", "dahua")
        confirmed = bool(row.get("mac address")) or (row.get("model") or "").startswith(
            model_prefixes
        )
        if own_name or confirmed:
            return True
    return False


def test_example_headline_figures_recomputed_from_the_raw_answers() -> None:
    manifest = read_manifest(EXAMPLE / "organisations.csv")
    result = survey([EXAMPLE / "answers"], FCC, manifest)
    raw = _raw_rows()
    sector_of = {
        r["organisation"]: r["sector"]
        for r in csv.DictReader((EXAMPLE / "organisations.csv").open(encoding="utf-8"))
    }
    hik = {org for org, rows in raw.items() if _runs(rows, HIKVISION_BRANDS, ("DS-",))}
    dahua = {org for org, rows in raw.items() if _runs(rows, DAHUA_BRANDS, ("IPC-H", "DH"))}
    hytera = {org for org, rows in raw.items() if any(r.get("make") == "Hytera" for r in rows)}
    assert len(raw) == 12 == result.totals.organisations
    assert line(result, ALL_SECTORS, "hikvision")[:3] == (12, len(hik), 58.3)
    assert line(result, ALL_SECTORS, "dahua")[:3] == (12, len(dahua), 33.3)
    assert line(result, ALL_SECTORS, "hytera")[:3] == (12, len(hytera), 8.3)
    any_listed = hik | dahua | hytera
    # the FCC Covered List's Hikvision, Dahua and Hytera entries are purpose-limited: no device is
    # restricted for certain, every one of those organisations is to confirm
    assert result.totals.organisations_restricted == 0
    assert result.totals.organisations_to_confirm == len(any_listed) == 9
    assert result.totals.share_to_confirm == 75.0
    for sector in ("council", "school", "health", "police"):
        members = {o for o, s in sector_of.items() if s == sector}
        summary = next(s for s in result.sectors if s.sector == sector)
        assert summary.organisations == len(members)
        assert summary.organisations_to_confirm == len(members & any_listed)
        assert line(result, sector, "hikvision")[1] == len(members & hik)
    # relabels confirmed by a MAC: Eastmarsh (LTS), Ravensholt (Amcrest), Marchshire (EZVIZ)
    relabelled = {
        org
        for org, rows in raw.items()
        for r in rows
        if r.get("mac address")
        and (r.get("make") or r.get("manufacturer", "")).lower()
        in (HIKVISION_BRANDS | DAHUA_BRANDS) - {"hikvision", "dahua"}
    }
    policy = survey([EXAMPLE / "answers"], POLICY, manifest)  # Hikvision and Dahua without limits
    assert {o.name for o in policy.organisations if o.restricted_relabelled} == relabelled
    assert (policy.totals.organisations_relabelled, policy.totals.share_relabelled) == (3, 25.0)
    assert policy.totals.organisations_restricted == len(hik | dahua) == 9
    assert (
        result.totals.organisations_relabelled == 0
    )  # under FCC nothing is restricted for certain
    assert result.totals.organisations_possible_restricted == 2  # Hollin Vale, Oakfield
    # counts balance: 53 rows read, 1 skipped (Kelsford's "approx 15"), 396 devices
    assert sum(f.rows_read for f in result.files) == 53
    assert sum(f.rows_skipped for f in result.files) == 1 and result.balanced()
    devices = sum(
        int(r.get("quantity") or r.get("qty") or r.get("count") or r.get("number of cameras") or 1)
        for rows in raw.values()
        for r in rows
        if (r.get("quantity") or r.get("qty") or "1").isdigit()
    )
    assert result.totals.devices == devices == 396


def test_register_reads_survey_columns_into_extra_without_warning(tmp_path: Path) -> None:
    from aktsam.devices.importers.register import import_register

    # "Brand" alone would not be a header; with a quantity column beside it, it is
    result = import_register(write(tmp_path, "a.csv", "Brand,No. of cameras,Notes\nAxis,4,x\n"))
    (record,) = result.records
    assert record.extra == (("No. of cameras", "4"), ("Notes", "x"))
    (warning,) = result.issues
    assert "Notes" in warning.message and "cameras" not in warning.message
    with pytest.raises(InputError, match="no header row"):
        import_register(write(tmp_path, "b.csv", "Organisation,Quantity\nA,4\n"))


def test_html_report_shows_the_survey_figures(tmp_path: Path) -> None:
    """The HTML page's headline, charts and tables carry the survey's own figures."""
    import lxml.html

    from aktsam.devices.regimes import bundled_regimes, select
    from aktsam.devices.survey import expand_inputs, read_manifest, survey, write_survey

    example = Path(__file__).resolve().parents[2] / "examples" / "survey"
    result = survey(
        expand_inputs([example / "answers"]),
        select(bundled_regimes(), ["us-fcc-covered"]),
        read_manifest(example / "organisations.csv"),
    )
    out = tmp_path / "survey.html"
    write_survey(result, out)
    page: Any = lxml.html.fromstring(out.read_text(encoding="utf-8"))  # xpath() is loosely typed
    totals = result.totals
    assert page.get_element_by_id("orgs-restricted").text_content() == str(
        totals.organisations_restricted
    )
    assert page.get_element_by_id("orgs-total").text_content() == str(totals.organisations)
    assert page.get_element_by_id("orgs-relabelled").text_content() == str(
        totals.organisations_relabelled
    )
    for maker in result.restricted_makers:
        lines = [s for s in result.by_sector if s.maker == maker and s.sector != "all sectors"]
        if not lines:
            continue
        bars = page.xpath(f'//figure[@id="chart-{maker}"]//*[@data-value]')
        assert sorted(float(b.get("data-value")) for b in bars) == sorted(s.share for s in lines)
    rows = page.xpath('//table[@id="organisations"]/tbody/tr')
    assert len(rows) == len(result.organisations)
    assert not list(tmp_path.glob(".*.tmp"))


def test_pdf_report_is_written(tmp_path: Path) -> None:
    from aktsam.devices.regimes import bundled_regimes, select
    from aktsam.devices.survey import expand_inputs, read_manifest, survey, write_survey

    example = Path(__file__).resolve().parents[2] / "examples" / "survey"
    result = survey(
        expand_inputs([example / "answers"]),
        select(bundled_regimes(), ["us-fcc-covered"]),
        read_manifest(example / "organisations.csv"),
    )
    out = tmp_path / "survey.pdf"
    write_survey(result, out)
    assert out.read_bytes().startswith(b"%PDF")
