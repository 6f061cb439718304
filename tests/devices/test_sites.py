"""Sites CSV: sensitivity and core-network flags read case-insensitively; bad rows become issues."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.sites import read_sites
from aktsam.errors import InputError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_sites_and_reports_bad_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Site ID,Name,Sensitivity,Core-Network\n"
        "HQ,Council HQ,Sensitive,YES\n"
        "SCH,School,standard,no\n"
        "\n"
        ",Nameless,standard,no\n"
        "LIB,Library,secret,yes\n"
        "DEP,Depot,standard,maybe\n"
        "hq,Duplicate,standard,no\n",
    )
    table = read_sites(path)
    assert [(s.id, s.sensitivity, s.core_network) for s in table.sites] == [
        ("HQ", "sensitive", True),
        ("SCH", "standard", False),
    ]
    problems = [(i.origin.file, i.origin.row, i.field) for i in table.issues]
    assert problems == [
        (str(path), 5, "site_id"),
        (str(path), 6, "sensitivity"),
        (str(path), 7, "core_network"),
        (str(path), 8, "site_id"),
    ]
    assert table.rows_read == len(table.sites) + len(table.issues) == 6
    assert table.find("council  hq") is table.sites[0] and table.find("hq") is table.sites[0]
    assert table.find("Annex") is None and table.find(None) is None


def test_missing_column_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="core_network"):
        read_sites(_write(tmp_path, "site_id,name,sensitivity\nHQ,HQ,sensitive\n"))
