"""``aktsam screen``, ``screen-file`` and ``compare`` as a user runs them."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import typer.main
from openpyxl import load_workbook

from aktsam.cli import app
from aktsam.screening.files import HIT_COLUMNS
from tests.cli.conftest import Invoke


def test_screen_shows_entity_list_entry_and_data_date(cli: Invoke) -> None:
    result = cli("screen", "Hangzhou Hikvision Digital Technology Co Ltd")
    assert result.exit_code == 0, result.output
    assert "list data as of" in result.output and "un-sc 2026-02-27" in result.output
    # the table wraps long cells; the exact caption is checked through --json below
    assert re.search(r"│ us-csl EL +│", result.output)
    assert "us-csl:f095626c" in result.output
    assert "Hangzhou Hikvision Digital Technology Co.," in result.output


def test_one_designation_on_several_lists_is_one_hit(cli: Invoke) -> None:
    # issue #11: OFAC's SDN entry and its copy in the CSL (entity_number = OFAC uid) are one designation
    result = cli("screen", "Xinjiang Public Security Bureau", "--json")
    assert result.exit_code == 0, result.output
    party = json.loads(result.output)["results"][0]
    entries = {h["entity_id"] for h in party["hits"]}
    assert {"ofac-sdn:29159", "us-csl:29159"} <= entries  # per-list detail kept
    designation = party["designations"][0]
    assert designation["designation"] == "ofac-sdn:29159"
    assert set(designation["entity_ids"]) == {"ofac-sdn:29159", "us-csl:29159"}
    assert {x["source"] for x in designation["listings"]} == {"ofac-sdn", "us-csl"}
    assert len(party["designations"]) == len(party["hits"]) - 1
    table = cli("screen", "Xinjiang Public Security Bureau")
    assert table.output.count("ofac-sdn:29159") == 1  # one row, not one per list
    assert "us-csl SDN" in table.output and "also us-csl:29159" in table.output


def test_screen_table_prints_list_text_literally(cli: Invoke) -> None:
    # "[enriched]" in an explanation is data: rich must not swallow it as markup
    result = cli("screen", "杭州海康威视数字技术股份有限公司", "--lists", "us-csl")
    assert result.exit_code == 0
    assert "[enriched]" in result.output


def test_screen_json_is_the_contract_other_tools_read(cli: Invoke) -> None:
    result = cli("screen", "杭州海康威视数字技术股份有限公司", "--json", "--lists", "us-csl")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["lists"] == ["us-csl"] and payload["run_id"] is not None
    hits = payload["results"][0]["hits"]
    el = [h for h in hits if h["sublist"] and "Entity List" in h["sublist"]]
    assert el and el[0]["entity_name"] == "Hangzhou Hikvision Digital Technology Co., Ltd."
    assert el[0]["explanation"]["listed"]["kind"] == "enriched"
    assert {"score", "list", "source_id", "entity_id", "matched_name", "explanation"} <= set(el[0])


def test_screen_no_hit_exits_zero(cli: Invoke) -> None:
    result = cli("screen", "Axis Communications AB", "--schema", "organization")
    assert result.exit_code == 0
    assert "No hit at or above 0.70" in result.output


def test_screen_bad_options_exit_2_with_reason(cli: Invoke) -> None:
    result = cli("screen", "HIKVISION", "--birth-date", "12/1970")
    assert result.exit_code == 2 and "birth date '12/1970'" in result.output
    result = cli("screen", "HIKVISION", "--lists", "nope")
    assert result.exit_code == 2 and "no snapshot for list(s) nope" in result.output


def test_screen_file_csv_to_csv_and_xlsx(cli: Invoke, tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "id,name,schema,country\n"
        "C-1,Hangzhou Hikvision Digital Technology Co Ltd,organization,CN\n"
        "C-2,Axis Communications AB,organization,SE\n"
        "C-3,Zhejiang Dahua Technology,organization,\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.csv"
    result = cli("screen-file", str(parties), "--output", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    required = [
        "query_id",
        "score",
        "list",
        "source_id",
        "entity_id",
        "entity_name",
        "matched_name",
    ]
    assert list(rows[0])[: len(required)] == required
    # the bundled lists are past their staleness limits: WARNING rows open the file, same columns
    notes = [r for r in rows if r["query_id"] == "WARNING"]
    assert rows[: len(notes)] == notes and {n["list"] for n in notes} >= {"un-sc", "us-csl"}
    hits = rows[len(notes) :]
    assert {r["query_id"] for r in hits} == {"C-1", "C-3"}
    assert all(float(r["score"]) >= 0.7 for r in hits)
    assert "3 parties screened" in result.output
    xlsx = tmp_path / "hits.xlsx"
    assert cli("screen-file", str(parties), "--output", str(xlsx)).exit_code == 0
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet.max_row == len(rows) + 1
    assert sheet.cell(row=2, column=1).value == "WARNING"


def test_screen_file_bad_row_names_file_row_field_and_writes_nothing(
    cli: Invoke, tmp_path: Path
) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name,country\nC-1,Hikvision,CN\nC-2,Dahua,Narnia\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = cli("screen-file", str(parties), "--output", str(out))
    assert result.exit_code == 2
    assert f"{parties}: row 3: field 'country': unknown country 'Narnia'" in " ".join(
        result.output.split()
    )
    assert not out.exists()


def test_screen_file_maps_columns(cli: Invoke, tmp_path: Path) -> None:
    parties = tmp_path / "erp.csv"
    parties.write_text("Kundennr,Firma\n1001,HIKVISION\n", encoding="utf-8")
    out = tmp_path / "hits.json"
    result = cli(
        "screen-file",
        str(parties),
        "-o",
        str(out),
        "--id-column",
        "Kundennr",
        "--name-column",
        "Firma",
    )
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert {h["query_id"] for h in written if h["status"] != "WARNING"} == {"1001"}


def test_compare_pair_and_file(cli: Invoke, tmp_path: Path) -> None:
    result = cli(
        "compare",
        "Hangzhou Hikvision Digital Technology Co Ltd",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "--json",
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["score"] >= 0.95
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2,schema\n"
        "Zhejiang Dahua Technology,Dahua Technology,organization\n"
        "Zhejiang Dahua Technology,DAHUA ELECTRONICS CORPORATION,organization\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.csv"
    assert cli("compare", "--file", str(pairs), "--output", str(out)).exit_code == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["name1", "name2", "schema", "score"]
    assert float(rows[0]["score"]) > float(rows[1]["score"])


def test_hits_clear_then_screen_shows_cleared_and_list(cli: Invoke) -> None:
    payload = json.loads(cli("screen", "HIKVISION", "--party", "cli-p1", "--json").output)
    entity = payload["results"][0]["hits"][0]["entity_id"]
    result = cli(
        "hits",
        "clear",
        "--party",
        "cli-p1",
        "--entity",
        entity,
        "--reason",
        "Different company",
        "--by",
        "alice",
    )
    assert result.exit_code == 0 and "false_positive recorded" in result.output
    payload = json.loads(cli("screen", "HIKVISION", "--party", "cli-p1", "--json").output)
    cleared = next(h for h in payload["results"][0]["hits"] if h["entity_id"] == entity)
    assert cleared["status"] == "cleared" and cleared["decision"]["actor"] == "alice"
    listing = cli("hits", "list", "--party", "cli-p1")
    assert "Different company" in listing.output and "alice" in listing.output
    missing_reason = cli("hits", "clear", "--party", "cli-p1", "--entity", entity, "--reason", " ")
    assert missing_reason.exit_code == 2


def _command_paths(group: Any, prefix: list[str]) -> list[list[str]]:
    """Every command path of the real app (typer vendors click: groups have ``commands``)."""
    out: list[list[str]] = []
    for name, command in group.commands.items():
        out.append([*prefix, name])
        if hasattr(command, "commands"):
            out.extend(_command_paths(command, [*prefix, name]))
    return out


def test_every_command_has_help(cli: Invoke) -> None:
    paths = _command_paths(typer.main.get_command(app), [])
    assert ["devices", "identify"] in paths and ["lists", "diff"] in paths
    for args in paths:
        result = cli(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.output, args
        assert "Show this message" in result.output, args


def test_stale_lists_are_a_warning_not_just_a_date(cli: Invoke, tmp_path: Path) -> None:
    """The bundled lists are past their limits (sources.yml): every output says so explicitly."""
    table = cli("screen", "Hangzhou Hikvision Digital Technology Co Ltd")
    assert table.exit_code == 0, table.output
    assert "WARNING: list un-sc (published 2026-02-27) is" in table.stderr
    assert "past its limit of 7 days" in table.stderr and "aktsam lists update" in table.stderr
    output = table.output
    assert output.index("WARNING: list un-sc") < output.index("Hits for")  # before the table
    as_json = json.loads(cli("screen", "Hangzhou Hikvision", "--json", "--lists", "un-sc").stdout)
    [warning] = as_json["warnings"]
    assert warning["source"] == "un-sc" and warning["limit_days"] == 7
    assert warning["age_days"] > 7 and warning["published"].startswith("2026-02-27")
    assert warning["message"].startswith("list un-sc (published 2026-02-27) is")

    parties = tmp_path / "parties.csv"
    parties.write_text("id,name\nC-1,Axis Communications AB\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = cli("screen-file", str(parties), "--output", str(out), "--lists", "un-sc")
    assert result.exit_code == 0, result.output
    assert "WARNING: list un-sc" in result.stderr
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(HIT_COLUMNS)  # the columns stay as they are
        rows = list(reader)
    # no hit, yet the file is not an all-clear: it says the list is stale
    assert [(r["query_id"], r["list"], r["status"]) for r in rows] == [
        ("WARNING", "un-sc", "WARNING")
    ]
    assert rows[0]["explanation"].startswith("WARNING: list un-sc (published 2026-02-27)")
    assert rows[0]["snapshot"] == "un-sc@2026-02-27"


def test_screen_file_keeps_one_row_per_entry_with_its_designation(
    cli: Invoke, tmp_path: Path
) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text("id,name\nP-1,Xinjiang Public Security Bureau\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = cli("screen-file", str(parties), "--output", str(out), "--lists", "ofac-sdn,us-csl")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["query_id"] == "P-1"]
    by_entity = {r["entity_id"]: r for r in rows}
    sdn, csl = by_entity["ofac-sdn:29159"], by_entity["us-csl:29159"]
    assert sdn["designation"] == csl["designation"] == "ofac-sdn:29159"
    assert sdn["also_on"] == "us-csl:29159" and csl["also_on"] == "ofac-sdn:29159"
    others = [r for r in rows if r["designation"] != "ofac-sdn:29159"]
    assert all(r["designation"] == r["entity_id"] and not r["also_on"] for r in others)
