"""Model-number, banner, port and SNMP signatures from FINGERPRINTS.md, matched against real-looking values."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.fingerprints import (
    Hit,
    load_banners,
    load_model_patterns,
    match_banner,
    match_model,
    match_port,
    match_sysobjectid,
)
from aktsam.devices.refdata import ReferenceDataError


def _makers(hits: list[Hit]) -> set[str | None]:
    return {h.signature.maker or h.signature.brand for h in hits}


@pytest.mark.parametrize(
    ("model", "maker"),
    [
        ("DS-2CD2143G0-I", "hikvision"),
        ("ds-7608ni-k2", "hikvision"),
        ("DH-IPC-HFW2831S-S-S2", "dahua"),
        ("IPC-HDW2431T-AS", "dahua"),
        ("IPC-HFW1230S", "dahua"),
        ("IPC-A26Z", "IMOU"),
        ("LNB8005-C", "Lorex"),
    ],
)
def test_model_patterns(model: str, maker: str) -> None:
    assert _makers(match_model(model)) == {maker}


@pytest.mark.parametrize("model", ["IPC-B140H", "AXIS M3106-L", "NBE-3502-AL", "XNV-6080"])
def test_models_without_a_sourced_pattern_match_nothing(model: str) -> None:
    # HiLook's IPC-B... shares the IPC- prefix with Dahua: only IPC-H is a (medium) Dahua signal
    assert match_model(model) == []


def test_hikvision_serial_starts_with_the_model() -> None:
    hits = match_model("DS-2CD2143G0-I20190101AAWR123456789", "serial")
    assert _makers(hits) == {"hikvision"} and hits[0].signature.strength == "medium"


@pytest.mark.parametrize(
    ("key", "text", "maker"),
    [
        ("http-server", "App-webs/", "hikvision"),
        ("http-server", "DNVRS-Webs", "hikvision"),
        ("rtsp-server", "Dahua Rtsp Server", "dahua"),
        ("rtsp-realm", "Hikvision", "hikvision"),
        ("rtsp-realm", 'Digest realm="Login to 4K0D1E5PAZ12345"', "Lorex"),
        ("80/tcp", "Hikvision IP camera httpd", "hikvision"),
        ("554/tcp", "Dahua IP camera rtspd", "dahua"),
        ("product", "Amcrest IP camera http interface", "Amcrest"),
        ("8000/tcp", "\\0\\0\\0\\x10\\0\\0\\0\\x1e\\0\\0\\0\\x1e\\0\\0\\0\\0", "hikvision"),
        (
            "8000/tcp",
            "\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00",
            "hikvision",
        ),
        ("37777/tcp", "\\xb1\\x00\\x00\\x58\\x00\\x00\\x00\\x00", "dahua"),
        ("xml-namespace", "http://www.hikvision.com/ver20/XMLSchema", "hikvision"),
    ],
)
def test_banners(key: str, text: str, maker: str) -> None:
    assert _makers(match_banner(key, text)) == {maker}


def test_generic_banners_match_nothing() -> None:
    assert match_banner("http-server", "nginx/1.18.0") == []
    assert match_banner("http-server", "webserver") == []  # needs the BOM body too (NSP l.10643)
    assert match_banner("rtsp-realm", "IP Camera") == []


def test_ports_are_weak() -> None:
    (hik,) = match_port(8000)
    (dahua,) = match_port(37777)
    assert (hik.signature.maker, dahua.signature.maker) == ("hikvision", "dahua")
    assert {hik.signature.strength, dahua.signature.strength} == {"weak"}
    assert match_port(80) == []


@pytest.mark.parametrize(
    ("oid", "maker"),
    [
        ("1.3.6.1.4.1.39165.1.1", "hikvision"),
        (".1.3.6.1.4.1.37496.3", "dahua"),
        ("iso.3.6.1.4.1.368.4", "axis"),
        ("1.3.6.1.4.1.2011.2.23", "huawei"),
    ],
)
def test_snmp_pens(oid: str, maker: str) -> None:
    assert _makers(match_sysobjectid(oid)) == {maker}


def test_snmp_pen_must_be_a_whole_arc() -> None:
    assert match_sysobjectid("1.3.6.1.4.1.391650.1") == []
    assert match_sysobjectid("1.3.6.1.2.1.1.2.0") == []


def test_model_table_rejects_rows_without_source_or_date(tmp_path: Path) -> None:
    path = tmp_path / "model_patterns.csv"
    path.write_text(
        "pattern,field,maker,brand,strength,source,date,note\n^DS-,model,hikvision,,strong,FP §6,,\n"
    )
    with pytest.raises(ReferenceDataError, match=r"model_patterns.csv: row 2: field 'date'"):
        load_model_patterns(path)


def test_banner_table_rejects_bad_regex_and_missing_source(tmp_path: Path) -> None:
    path = tmp_path / "banners.csv"
    header = "signal,pattern,maker,brand,strength,source,date,meaning\n"
    path.write_text(header + "http-server,^App-webs/,hikvision,,strong,,2026-11-25,x\n")
    with pytest.raises(ReferenceDataError, match=r"banners.csv: row 2: field 'source'"):
        load_banners(path)
    path.write_text(header + "http-server,^App-webs/(,hikvision,,strong,NSP,2026-11-25,x\n")
    with pytest.raises(ReferenceDataError, match=r"row 2: field 'pattern'"):
        load_banners(path)


def test_bundled_tables_load() -> None:
    assert len(load_model_patterns()) >= 4
    assert len(load_banners()) >= 10
