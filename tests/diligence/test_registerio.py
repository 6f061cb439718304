"""Register import / export: CSV folder, XLSX and FollowTheMoney round-trips; a bad row changes nothing."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from aktsam.diligence import register as reg
from aktsam.diligence.registerio import SHEETS, export_register, import_register
from aktsam.errors import InputError
from aktsam.settings import Settings
from aktsam.store import Store, open_store, trail
from tests.diligence.test_register import counts

PARTIES = """id,name,kind,roles,country,region,sector,end_user_type,aliases,identifiers,website,notes
hikvision,Hikvision,company,manufacturer;brand,CN,Zhejiang,surveillance,,Haikang;海康威视,maker=hikvision;lei=300300ABCDEF,https://hikvision.com,
cetc,China Electronics Technology Group,public-body,state-owner;owner,CN,,,,CETC,,,
ezviz,EZVIZ,company,brand,CN,,,,,,,"relabel, consumer line"
kommune,Kommune,organization,self;customer,NO,,public administration,municipality,,,,
"""
RELATIONS = """source,target,kind,share,since,until,source_url,source_date,note
cetc,hikvision,owns,36.4,2001-01-01,,https://example.org/annual-report,2024-04-20,via subsidiaries
hikvision,ezviz,maker-of,,,,,,
"""
EVIDENCE = """id,party,kind,topic,stance,title,publisher,url,published,author,quote
EV-0001,hikvision,public-body,surveillance,adverse,FCC Covered List,FCC,https://www.fcc.gov/supplychain/coveredlist,2022-11-25,,"""
EVIDENCE += '"video surveillance ... equipment"\n'
EQUIPMENT = """party,device_id,brand,model,site,customer,installed_on,warranty_until,finding,source
hikvision,CARE-002,Hikvision,DS-2CD2143G2-I,CARE,kommune,2021-06-01,,restricted everywhere,inventory.csv: row 28
"""


def write_folder(folder: Path, **overrides: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"parties": PARTIES, "relations": RELATIONS, "evidence": EVIDENCE,
             "equipment": EQUIPMENT, **overrides}  # fmt: skip
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def snapshot(store: Store) -> dict[str, list[dict[str, object]]]:
    return {
        "parties": [p.to_dict() for p in reg.list_parties(store)],
        "relations": [r.to_dict() for r in reg.list_relations(store)],
        "evidence": [e.to_dict() for e in reg.list_evidence(store)],
        "equipment": [e.to_dict() for e in reg.list_equipment(store)],
    }


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(Settings.for_home(tmp_path / "other-home"))
    yield opened
    opened.close()


def test_import_folder(store: Store, tmp_path: Path) -> None:
    summary = import_register(store, write_folder(tmp_path / "reg"), actor="ana")
    assert summary.parties.added == 4 and summary.relations.added == 2
    assert summary.evidence.added == 1 and summary.equipment.added == 1
    hik = reg.get_party(store, "hikvision")
    assert hik.aliases == ("Haikang", "海康威视") and hik.identifiers["lei"] == "300300ABCDEF"
    owns = reg.relations_of(store, "cetc")[0]
    assert owns.share == 36.4 and owns.since == date(2001, 1, 1)
    assert reg.get_evidence(store, "EV-0001").quote == "video surveillance ... equipment"
    again = import_register(store, tmp_path / "reg", actor="ana")  # idempotent
    assert again.parties.unchanged == 4 and again.relations.unchanged == 2
    with store.session() as session:
        assert trail.verify(session).ok


def test_import_updates_existing_party_with_before_and_after(store: Store, tmp_path: Path) -> None:
    reg.add_party(store, "hikvision", "Hik", actor="t", country="US")
    summary = import_register(store, write_folder(tmp_path / "reg"), actor="ana")
    assert summary.parties.updated == 1 and summary.parties.added == 3
    with store.session() as session:
        update = [
            e for e in trail.entries(session, object_id="hikvision") if e.action == "party.update"
        ]
    assert update[0].before is not None and update[0].before["country"] == "US"
    assert update[0].after is not None and update[0].after["country"] == "CN"


@pytest.mark.parametrize(
    ("sheet", "text", "row", "field"),
    [
        ("relations", RELATIONS + "hikvision,nobody,supplies-to,,,,,,\n", 4, "target"),
        ("relations", RELATIONS + "kommune,hikvision,owns,70,,,,,\n", 4, "share"),
        ("relations", RELATIONS + "hikvision,cetc,controls,,,,,,\n", 4, "target"),
        ("relations", RELATIONS + "kommune,ezviz,owns,50,2020-01-01,2019-01-01,,,\n", 4, "since"),
        ("relations", RELATIONS + "kommune,ezviz,owns,lots,,,,,\n", 4, "share"),
        ("relations", RELATIONS + "kommune,ezviz,owns,,2020-13-01,,,,\n", 4, "since"),
        ("relations", RELATIONS + "cetc,hikvision,owns,10,,,,,\n", 4, "kind"),
        ("parties", PARTIES + "Bad Id,Bad,company,,,,,,,,,\n", 6, "id"),
        ("parties", PARTIES + "x,X,company,,XX,,,,,,,\n", 6, "country"),
        ("parties", PARTIES + "x,X,company,vendor,,,,,,,,\n", 6, "roles"),
        ("parties", PARTIES + "hikvision,Again,company,,,,,,,,,\n", 6, "id"),
        ("parties", PARTIES.replace("kind,", "knd,", 1), 1, "knd"),
        ("evidence", EVIDENCE + "EV-0002,kommune,gossip,,adverse,T,,,,,\n", 3, "kind"),
        ("equipment", EQUIPMENT + "hikvision,D9,,,,,2022-01-01,2021-01-01,,\n", 3, "installed_on"),
    ],
)
def test_a_bad_row_names_file_row_and_field_and_changes_nothing(
    store: Store, tmp_path: Path, sheet: str, text: str, row: int, field: str
) -> None:
    reg.add_party(store, "existing", "Existing", actor="t")
    before = counts(store)
    folder = write_folder(tmp_path / "reg", **{sheet: text})
    with pytest.raises(InputError) as caught:
        import_register(store, folder, actor="t")
    error = caught.value
    assert error.file is not None and error.file.endswith(f"{sheet}.csv"), error
    assert (error.row, error.field) == (row, field), error
    assert counts(store) == before
    with store.session() as session:
        assert trail.verify(session).ok


def test_folder_without_parties_and_unknown_formats(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"parties\.csv"):
        import_register(store, tmp_path / "empty", actor="t")
    (tmp_path / "reg.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="folder of CSVs"):
        import_register(store, tmp_path / "reg.txt", actor="t")
    with pytest.raises(InputError, match="no such"):
        import_register(store, tmp_path / "missing.xlsx", actor="t")


@pytest.mark.parametrize("target", ["out", "out.xlsx"])
def test_round_trip_csv_and_xlsx(
    store: Store, other_store: Store, tmp_path: Path, target: str
) -> None:
    import_register(store, write_folder(tmp_path / "reg"), actor="t")
    exported = export_register(store, tmp_path / target)
    assert (exported.parties, exported.relations, exported.evidence, exported.equipment) == (
        4,
        2,
        1,
        1,
    )
    import_register(other_store, tmp_path / target, actor="t")
    assert snapshot(other_store) == snapshot(store)


def test_csv_export_columns_are_the_design_notes(store: Store, tmp_path: Path) -> None:
    import_register(store, write_folder(tmp_path / "reg"), actor="t")
    export_register(store, tmp_path / "out")
    for sheet, columns in SHEETS.items():
        with (tmp_path / "out" / f"{sheet}.csv").open(encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == columns


def test_xlsx_bad_row_names_sheet_row_and_field(store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "parties"
    sheet.append(["id", "name"])
    sheet.append(["a", "A"])
    relations = book.create_sheet("relations")
    relations.append(["source", "target", "kind", "share"])
    relations.append(["a", "nobody", "owns", 5])
    book.save(tmp_path / "reg.xlsx")
    with pytest.raises(InputError) as caught:
        import_register(store, tmp_path / "reg.xlsx", actor="t")
    assert caught.value.file is not None and "[relations]" in caught.value.file
    assert (caught.value.row, caught.value.field) == (2, "target")
    assert counts(store)["parties"] == 0


def test_round_trip_ftm(store: Store, other_store: Store, tmp_path: Path) -> None:
    import_register(store, write_folder(tmp_path / "reg"), actor="t")
    summary = export_register(store, tmp_path / "register.ftm.json")
    assert summary.left_out == {"evidence": 1, "equipment": 1}
    lines = [json.loads(line) for line in (tmp_path / "register.ftm.json").read_text().splitlines()]
    ownership = next(e for e in lines if e["schema"] == "Ownership")
    assert ownership["properties"]["percentage"] == ["36.4"]
    assert {e["schema"] for e in lines} == {"Company", "PublicBody", "Organization", "Ownership",
                                              "UnknownLink"}  # fmt: skip
    import_register(other_store, tmp_path / "register.ftm.json", actor="t")
    mine, theirs = snapshot(store), snapshot(other_store)
    assert theirs["parties"] == mine["parties"] and theirs["relations"] == mine["relations"]


def test_ftm_import_of_foreign_entities(store: Store, tmp_path: Path) -> None:
    entities = [
        {"id": "NK-Abc", "schema": "Company", "properties": {"name": ["Acme Ltd", "Acme"],
         "jurisdiction": ["gb"], "leiCode": ["5493001KJTIIGC8Y1R12"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Jane Roe"]}},
        {"id": "own1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["NK-Abc"],
         "percentage": ["60"], "startDate": ["2019-05-01"]}},
        {"id": "dir1", "schema": "Directorship", "properties": {"director": ["p1"],
         "organization": ["NK-Abc"]}},
        {"id": "u1", "schema": "UnknownLink", "properties": {"subject": ["p1"], "object": ["NK-Abc"],
         "role": ["associate"]}},
        {"id": "addr", "schema": "Address", "properties": {"full": ["1 Main St"]}},
    ]  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in entities) + "\n", encoding="utf-8")
    summary = import_register(store, path, actor="t")
    assert summary.parties.added == 2 and summary.relations.added == 2
    assert len(summary.skipped) == 2 and "associate" in summary.skipped[0]
    acme = reg.get_party(store, "nk-abc")
    assert acme.country == "GB" and acme.aliases == ("Acme",)
    assert acme.identifiers == {"lei": "5493001KJTIIGC8Y1R12"}
    kinds = {(r.kind, r.share, r.since) for r in reg.relations_of(store, "p1")}
    assert kinds == {("owns", 60.0, date(2019, 5, 1)), ("controls", None, None)}


def test_ftm_bad_line_names_line_and_property(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    lines = [
        {"id": "a", "schema": "Company", "properties": {"name": ["A"]}},
        {"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["zz-missing"],
         "percentage": ["10"]}},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(e) for e in lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_register(store, path, actor="t")
    assert (caught.value.row, caught.value.field) == (2, "asset")
    path.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\nnot json\n')
    with pytest.raises(InputError) as caught:
        import_register(store, path, actor="t")
    assert caught.value.row == 2
    assert counts(store)["parties"] == 0
