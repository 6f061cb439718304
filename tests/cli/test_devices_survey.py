"""``aktsam devices survey`` on the example folder: CSV, JSON and XLSX with a chart; errors name the file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook

from tests.cli.conftest import Invoke

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "survey"
ARGS = (str(EXAMPLE / "answers"), "--organisations", str(EXAMPLE / "organisations.csv"))


def _run(fresh_cli: Invoke, out: Path, *extra: str) -> str:
    result = fresh_cli("devices", "survey", *ARGS, *extra, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "12 organisation(s) in 4 sector(s), 396 device(s) from 10 file(s)" in result.output
    assert f"report written to {out}" in result.output
    return result.output


def test_survey_csv_is_the_sector_by_maker_table(fresh_cli: Invoke, tmp_path: Path) -> None:
    output = _run(fresh_cli, tmp_path / "survey.csv")
    # the FCC Covered List's Hikvision/Dahua/Hytera entries are purpose-limited: 9 bodies to confirm,
    # none restricted for certain
    assert "0 (0%)" in output and "9 (75%)" in output and "7 (58.3%)" in output
    rows = list(csv.DictReader((tmp_path / "survey.csv").open(encoding="utf-8")))
    assert list(rows[0]) == [
        "sector", "maker", "restricted", "organisations", "organisations_running", "share",
        "devices", "possible", "organisations_possible", "devices_restricted",
        "organisations_restricted", "devices_to_confirm", "organisations_to_confirm",
    ]  # fmt: skip
    by_key = {(r["sector"], r["maker"]): r for r in rows}
    council = by_key[("council", "Hikvision")]
    assert (council["organisations"], council["organisations_running"], council["share"]) == (
        "4", "3", "75.0",
    )  # fmt: skip
    assert (
        council["restricted"] == "yes"
        and by_key[("council", "Axis Communications")]["restricted"] == "no"
    )
    assert by_key[("all sectors", "Dahua")]["share"] == "33.3"
    assert by_key[("all sectors", "Dahua")]["possible"] == "21"  # Lorex 6 + 10, Amcrest 5
    assert not (tmp_path / ".survey.csv.tmp").exists()


def test_survey_json_has_everything(fresh_cli: Invoke, tmp_path: Path) -> None:
    _run(fresh_cli, tmp_path / "survey.json")
    data = json.loads((tmp_path / "survey.json").read_text(encoding="utf-8"))
    assert data["regimes"] == ["us-fcc-covered"]
    assert data["totals"]["organisations_relabelled"] == 0  # nothing restricted for certain (FCC)
    assert data["totals"]["organisations_to_confirm"] == 9
    assert len(data["organisations"]) == 12 and all(f["balanced"] for f in data["files"])
    assert [(Path(i["file"]).name, i["row"], i["severity"]) for i in data["issues"]] == [
        ("kelsford_cc_foi_2026-117.csv", 5, "error"),
        ("ravensholt_hospitals_register.xlsx", 6, "warning"),
    ]


def test_survey_xlsx_has_the_sheets_and_a_chart(fresh_cli: Invoke, tmp_path: Path) -> None:
    _run(fresh_cli, tmp_path / "survey.xlsx")
    book = load_workbook(tmp_path / "survey.xlsx")
    assert book.sheetnames == [
        "by-sector", "sectors", "by-organisation", "files", "errors", "charts",
    ]  # fmt: skip
    charts = book["charts"]
    assert [c.value for c in charts[1]] == [
        "sector", "Hikvision (% of organisations)", "Dahua (% of organisations)",
        "Hytera (% of organisations)",
    ]  # fmt: skip
    assert [c.value for c in charts[2]] == ["council", 75, 25, 0]
    (chart,) = charts._charts
    assert type(chart).__name__ == "BarChart" and len(chart.series) == 3
    orgs = {row[0]: row for row in book["by-organisation"].iter_rows(min_row=2, values_only=True)}
    assert orgs["St Aldric's Primary School"][3] == 0  # answered "none held": counted, no devices


def test_survey_missing_file_names_it(fresh_cli: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "no_answer.csv"
    result = fresh_cli("devices", "survey", str(missing), "--output", str(tmp_path / "s.csv"))
    assert result.exit_code == 2
    assert "no_answer.csv: no such file" in result.output
    assert not (tmp_path / "s.csv").exists()


def test_survey_unknown_regime_and_output_type(fresh_cli: Invoke, tmp_path: Path) -> None:
    result = fresh_cli(
        "devices", "survey", *ARGS, "--regimes", "nope", "-o", str(tmp_path / "s.csv")
    )
    assert result.exit_code == 2 and "unknown regime 'nope'" in result.output
    result = fresh_cli("devices", "survey", *ARGS, "-o", str(tmp_path / "s.txt"))
    assert result.exit_code == 2 and "unsupported output type" in result.output
