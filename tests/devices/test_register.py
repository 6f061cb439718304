"""Asset registers: header synonyms, title rows, merged cells, per-row issues, counts that balance."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from aktsam.devices.importers.register import import_register
from aktsam.devices.model import ImportResult
from aktsam.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Asset ID", "Site", "Make", "Model", "Serial No.", "MAC address", "IP address"]


def issues_at(result: ImportResult, row: int) -> list[tuple[str | None, str]]:
    return [(i.field, i.severity) for i in result.issues if i.origin.row == row]


def write_csv(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sites() -> ImportResult:
    return import_register(FIXTURES / "register_sites.csv")


def test_semicolon_csv_with_title_row_reads_every_device_row(sites: ImportResult) -> None:
    assert sites.kind == "register"
    assert sites.rows_read == 7  # the blank line 6 is layout, not a row
    assert [r.device_id for r in sites.records] == [
        "CAM-001", "CAM-002", "CAM-003", "CAM-004", "CAM-005", "CAM-007",
    ]  # fmt: skip
    assert [r.origin.row for r in sites.records] == [4, 5, 7, 8, 9, 11]
    assert sites.skipped == 1
    assert sites.balanced()


def test_values_are_normalised_not_interpreted(sites: ImportResult) -> None:
    first, lts, dahua = sites.records[0], sites.records[1], sites.records[2]
    assert (first.site, first.location, first.brand) == ("Oslo HQ", "Gate 2", "Hikvision")
    assert first.model == "DS-2CD2143G2-I"
    assert first.mac == "04EECD1A2B3C"
    assert first.ip == "192.0.2.10"
    assert first.firmware == "V5.7.3"
    assert (first.installed_on, first.warranty_until) == ("2023-03-01", "2026-03-01")
    assert (first.purchase_price, first.currency) == (4500.0, "NOK")
    assert first.extra == (("Notes", "north fence"),)
    assert lts.brand == "LTS"  # a relabel stays what the register says
    assert lts.mac == "142FFD000001"
    assert lts.installed_on == "2022-04-15"
    assert (lts.purchase_price, lts.currency) == (3200.0, "NOK")
    assert dahua.mac == "14A78B0A0B0C"  # Cisco dotted form
    assert sites.records[-1].purchase_price == 899.0
    assert sites.records[-1].currency == "EUR"


def test_unknown_column_is_one_warning_at_the_header(sites: ImportResult) -> None:
    header_issues = [i for i in sites.issues if i.origin.row == 3]
    assert len(header_issues) == 1
    assert header_issues[0].severity == "warning"
    assert "Notes" in header_issues[0].message


def test_bad_values_are_dropped_with_warnings_and_the_row_kept(sites: ImportResult) -> None:
    bad = sites.records[3]
    assert bad.device_id == "CAM-004" and bad.model == "DS-2CD2043G0-I"
    assert (bad.mac, bad.ip, bad.installed_on, bad.purchase_price) == (None, None, None, None)
    assert issues_at(sites, 8) == [
        ("mac", "warning"),
        ("ip", "warning"),
        ("installed_on", "warning"),
        ("purchase_price", "warning"),
    ]
    assert issues_at(sites, 7) == [("installed_on", "warning")]  # 03/04/2022 is ambiguous
    assert "ambiguous" in next(i.message for i in sites.issues if i.origin.row == 7)


def test_duplicate_serial_warns_on_the_second_row_naming_the_first(sites: ImportResult) -> None:
    (issue,) = [i for i in sites.issues if i.field == "serial"]
    assert (issue.origin.row, issue.severity) == (9, "warning")
    assert "row 8" in issue.message
    assert sites.records[4].serial == "j12345678"


def test_row_with_nothing_left_to_identify_a_device_is_skipped(sites: ImportResult) -> None:
    assert issues_at(sites, 10) == [("mac", "warning"), (None, "error")]
    assert str(next(i for i in sites.issues if i.severity == "error")).startswith(
        f"{FIXTURES / 'register_sites.csv'}: row 10"
    )


def test_explicit_mapping_overrides_header_words(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Utstyrsnr,Fabrikat,Type,Plassering\nX1,Hikvision,DS-2CD1,Port\n")
    result = import_register(path, columns={"serial": "Utstyrsnr", "model": "Type"})
    (record,) = result.records
    assert (record.serial, record.brand, record.model) == ("X1", "Hikvision", "DS-2CD1")
    assert record.device_type is None  # "Type" was mapped to model, not device_type
    assert record.extra == (("Plassering", "Port"),)
    with pytest.raises(InputError, match="unknown field"):
        import_register(path, columns={"colour": "Type"})
    with pytest.raises(InputError, match="no column 'Serienummer'"):
        import_register(path, columns={"serial": "Serienummer", "brand": "Fabrikat"})


def test_price_currency_in_the_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Model,Serial,Price (NOK)\nDS-1,S1,1500\nDS-2,S2,\n")
    first, second = import_register(path).records
    assert (first.purchase_price, first.currency) == (1500.0, "NOK")
    assert (second.purchase_price, second.currency) == (None, None)


def test_row_with_more_cells_than_the_header_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Model,Serial\nDS-1,S1\nDS-2,S2,oops\nDS-3,S3,,\n")
    result = import_register(path)
    assert [r.serial for r in result.records] == ["S1", "S3"]
    assert issues_at(result, 3) == [(None, "error")]
    assert result.rows_read == 3 and result.balanced()


def test_undecodable_bytes_refuse_the_file_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Model,Serial,Site\nDS-1,S1,Oslo\nDS-2,S2,Troms\xf8\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"line 3: byte 0xf8 is not UTF-8") as error:
        import_register(path)
    assert error.value.file == str(path)


def test_no_header_row_refuses_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "foo,bar\n1,2\n")
    with pytest.raises(InputError, match="no header row"):
        import_register(path)
    with pytest.raises(InputError, match="no such file"):
        import_register(tmp_path / "missing.csv")


def test_unterminated_quote_refuses_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, 'Model,Serial\nDS-1,S1\nDS-2,"S2\n')
    with pytest.raises(InputError, match="line 3: not CSV"):
        import_register(path)


def build_xlsx(tmp_path: Path) -> Path:
    """Title merged over the header, a header merged over two columns, a site merged down."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Camera register 2026"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append([*HEADER, "Purchase price"])
    sheet.append(
        ["C1", "Oslo", "Hikvision", "DS-2CD2143G2-I", "S-1", "04EECD1A2B3C", "192.0.2.10", 1000]
    )
    sheet.append(
        ["C2", None, "Dahua", "IPC-HDW5831R-ZE", "S-2", "14:A7:8B:0A:0B:0C", None, "=H4*2"]
    )
    sheet.append([None] * 8)
    sheet.append(["C3", None, "Hikvision", "DS-7608NI", "S-3", "bad mac", None, "=H4*3"])
    sheet.append(["C4", "Bergen", "Axis", "P1455", "S-1", None, None, None])
    sheet.merge_cells("B4:B7")  # Oslo covers C1, C2, the blank row and C3
    sheet["I3"] = "Lens"
    sheet["J3"] = None
    sheet.merge_cells("I3:J3")  # a header merged across two columns
    sheet["I4"], sheet["J4"] = "2.8mm", "fixed"
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    # give the first formula a saved value, as Excel would; the second stays unsaved
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<f>H4*2</f><v></v>" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(
        "<f>H4*2</f><v></v>", "<f>H4*2</f><v>2000</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_xlsx_title_row_merged_cells_and_formulas(tmp_path: Path) -> None:
    result = import_register(build_xlsx(tmp_path))
    assert result.rows_read == 4 and result.balanced() and result.skipped == 0
    c1, c2, c3, _c4 = result.records
    assert [r.origin.row for r in result.records] == [4, 5, 7, 8]  # as the sheet numbers them
    assert [r.site for r in result.records] == ["Oslo", "Oslo", "Oslo", "Bergen"]
    assert (c1.brand, c1.mac, c1.purchase_price) == ("Hikvision", "04EECD1A2B3C", 1000.0)
    assert c2.purchase_price == 2000.0  # the formula's saved value
    assert c2.mac == "14A78B0A0B0C"
    assert c3.purchase_price is None and c3.mac is None and c3.model == "DS-7608NI"
    assert issues_at(result, 7) == [("purchase_price", "warning"), ("mac", "warning")]
    formula = next(i for i in result.issues if i.origin.row == 7)
    assert "formula with no saved value" in formula.message
    assert issues_at(result, 8) == [("serial", "warning")]  # S-1 again, first on row 4
    assert c1.extra == (("Lens", "2.8mm"), ("Lens (column 10)", "fixed"))
    (header,) = [i for i in result.issues if i.origin.row == 3]  # unknown columns, once
    assert header.severity == "warning"
    assert header.message.endswith("kept as extra values: Lens, Lens (column 10)")


def test_damaged_xlsx_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="cannot read as XLSX") as error:
        import_register(path)
    assert error.value.file == str(path)
