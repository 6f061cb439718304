"""``aktsam demo`` and ``aktsam report transparency`` end to end on a fresh home."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.cli.conftest import Invoke


def test_demo_then_account_in_every_format(fresh_cli: Invoke, tmp_path: Path) -> None:
    loaded = fresh_cli("demo")
    assert loaded.exit_code == 0, loaded.output
    assert "parties: 48 added" in loaded.output and "next, try:" in loaded.output
    assert f"--year {date.today().year}" in loaded.output
    refused = fresh_cli("demo")
    assert refused.exit_code == 2 and "--force" in refused.output

    year = str(date.today().year)
    html = tmp_path / "account.html"
    result = fresh_cli("report", "transparency", "--year", year, "--output", str(html),
                       "--signed-on", f"{year}-12-31")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "§ 5 a)" in text and "Ingrid Solberg" in text and f"{year}-12-31" in text

    pdf = tmp_path / "account.pdf"
    assert fresh_cli("report", "transparency", "--year", year, "-o", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    out = tmp_path / "account.json"
    result = fresh_cli("report", "transparency", "--year", year, "-o", str(out),
                       "--template", "lksg-style")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "Nordvakt Sikkerhet AS"
    assert data["figures"]["flat"]["parties"] == 47

    lksg = tmp_path / "lksg.html"
    assert fresh_cli("report", "transparency", "--year", year, "-o", str(lksg),
                     "--template", "lksg-style").exit_code == 0  # fmt: skip
    assert "LkSG-style" in lksg.read_text(encoding="utf-8")


def test_report_errors(fresh_cli: Invoke, tmp_path: Path) -> None:
    missing = fresh_cli("report", "transparency", "--year", "2026", "-o", str(tmp_path / "a.html"))
    assert missing.exit_code == 2 and "no organisation profile" in missing.output
    assert fresh_cli("demo").exit_code == 0
    bad_suffix = fresh_cli(
        "report", "transparency", "--year", "2026", "-o", str(tmp_path / "a.doc")
    )
    assert bad_suffix.exit_code == 2 and "unsupported output type" in bad_suffix.output
    bad_template = fresh_cli("report", "transparency", "--year", "2026", "-o",
                             str(tmp_path / "a.html"), "--template", "nope")  # fmt: skip
    assert bad_template.exit_code == 2 and "unknown template" in bad_template.output
    bad_date = fresh_cli("report", "transparency", "--year", "2026", "-o",
                         str(tmp_path / "a.html"), "--signed-on", "soon")  # fmt: skip
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    custom = tmp_path / "profile.yml"
    custom.write_text((Path(__file__).resolve().parents[2] / "examples" / "diligence" /
                       "profile.yml").read_text(encoding="utf-8").replace("Oslo\n", "Tromsø\n"),
                      encoding="utf-8")  # fmt: skip
    target = tmp_path / "b.html"
    ok = fresh_cli("report", "transparency", "--year", "2026", "-o", str(target),
                   "--profile", str(custom))  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "Tromsø," in target.read_text(encoding="utf-8")


def test_published_is_recorded_and_stops_the_30_june_reminder(fresh_cli: Invoke) -> None:
    assert fresh_cli("demo").exit_code == 0
    year = date.today().year
    due = fresh_cli("followup", "--as-of", f"{year + 1}-05-15", "--within", "0", "--json")
    assert due.exit_code == 0 and f"account-{year}" in due.output  # lead time before 30 June
    bad = fresh_cli("report", "published", "--year", str(year), "--on", f"{year}-12-31")
    assert bad.exit_code == 2 and "after the year ends" in bad.output
    ok = fresh_cli("report", "published", "--year", str(year), "--on", f"{year + 1}-06-01")
    assert ok.exit_code == 0 and f"account {year} published on {year + 1}-06-01" in ok.output
    after = fresh_cli("followup", "--as-of", f"{year + 1}-05-15", "--within", "0", "--json")
    assert f'account-{year}"' not in after.output and "account-publication" not in after.output
