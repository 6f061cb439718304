"""nmap -oX: the real nmap test scans and a hand-made camera scan, and refused XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.importers.nmap import import_nmap
from aktsam.errors import InputError

SAMPLES = Path(__file__).parents[2] / "data" / "devices" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"


def test_zenmap_scan_with_mac_vendors() -> None:
    result = import_nmap(SAMPLES / "nmap_zenmap_xml_test11.xml")
    assert (result.kind, result.rows_read, len(result.records)) == ("nmap", 4, 4)
    assert result.balanced()
    assert [(r.ip, r.mac, r.mac_vendor, r.hostname) for r in result.records] == [
        ("10.0.0.100", "00E07DF5007D", "Netronix", "canopo"),
        ("10.0.0.138", "0090D01C85AD", "Thomson Belgium", "SpeedTouch.canopo"),
        ("10.0.0.140", "00E07DF5007D", "Netronix", "servidor.canopo"),
        ("10.0.0.150", None, None, None),
    ]
    assert [r.open_ports for r in result.records] == [(22, 80), (80,), (22, 80), (80,)]
    first = result.records[0]
    assert first.banners == (
        ("22/tcp", "OpenSSH 3.9p1 protocol 1.99"),
        ("80/tcp", "Apache httpd 2.0.52 (Red Hat)"),
    )
    assert ("os", "Linux 2.4.18 - 2.6.7 (accuracy 100)") in first.extra
    assert ("os-vendor", "Linux") in first.extra
    assert result.records[1].banners == ()  # port 80 open, but no -sV answer
    assert ("os-type", "broadband router") in result.records[1].extra
    # the same MAC on two addresses: both kept, the second flagged
    (issue,) = result.issues
    assert (issue.field, issue.severity) == ("mac", "warning")
    assert issue.origin.element == "host 10.0.0.140 (line 45)"
    assert "host 10.0.0.100" in issue.message


def test_zenmap_udp_scan_has_hosts_but_no_open_ports() -> None:
    result = import_nmap(SAMPLES / "nmap_zenmap_xml_test5.xml")
    assert [r.ip for r in result.records] == [
        "10.0.0.100",
        "10.0.0.138",
        "10.0.0.140",
        "10.0.0.150",
    ]
    assert all(r.open_ports == () and r.banners == () for r in result.records)
    assert result.balanced()


def test_ndiff_scans_banners_scripts_and_os() -> None:
    simple = import_nmap(SAMPLES / "nmap_ndiff_simple.xml")
    (host,) = simple.records
    assert (host.ip, host.hostname, host.open_ports, host.mac) == (
        "64.13.134.52", "scanme.nmap.org", (22,), None,
    )  # fmt: skip
    assert host.device_id == "ip:64.13.134.52"
    complex_ = import_nmap(SAMPLES / "nmap_ndiff_complex.xml")
    (host,) = complex_.records
    assert host.open_ports == (22, 53, 80)  # TCP 22, 53, 80 and UDP 53; 25 and 70 are closed
    banners = dict(host.banners)
    assert banners["22/tcp"] == "OpenSSH 4.3 protocol 2.0"
    assert banners["80/tcp"] == "Apache httpd 2.2.2 (Fedora)"
    assert banners["53/udp"] == "ISC BIND 9.3.4"
    assert banners["80/tcp html-title"] == "Go ahead and ScanMe!"
    assert ("os", "Linux 2.6.9 - 2.6.24 (accuracy 100)") in host.extra
    assert dict(host.extra)["host-script whois"].startswith("Record found at whois.arin.net")
    assert complex_.issues == [] and complex_.balanced()


def test_handmade_camera_scan() -> None:
    result = import_nmap(FIXTURES / "nmap_cameras_handmade.xml")
    assert result.rows_read == 5  # the down host is not a device and not counted
    assert [r.ip for r in result.records] == [
        "192.0.2.10", "192.0.2.11", "192.0.2.13", "2001:db8::14",
    ]  # fmt: skip
    assert result.skipped == 1 and result.balanced()
    hik, dahua, bad_mac, v6 = result.records
    assert (hik.mac, hik.mac_vendor) == ("04EECD1A2B3C", "Hangzhou Hikvision Digital Technology")
    assert hik.hostname == "gate-cam-2.example.net"
    assert ("hostname", "gate-cam-2") in hik.extra
    assert hik.open_ports == (80, 554, 8000)  # 37777 is closed here
    assert ("http-server", "App-webs/") in hik.banners
    assert ("rtsp-realm", "IP Camera(C1234)") in hik.banners
    assert ("8000/tcp", "Hikvision IPCam control port") in hik.banners
    assert ("80/tcp cpe", "cpe:/h:hikvision:ip_camera") in hik.extra
    assert ("80/tcp devicetype", "webcam") in hik.extra
    assert dahua.open_ports == (80, 554, 37777)
    assert ("554/tcp", "Dahua IP camera rtspd") in dahua.banners
    assert ("http-realm", "Login to 5J0ABCDEFG12345") in dahua.banners
    assert bad_mac.mac is None and bad_mac.open_ports == ()  # open|filtered is not open
    assert v6.device_id == "ip:2001:db8::14"
    assert [(i.field, i.severity) for i in result.issues] == [
        ("mac", "warning"),
        ("address", "error"),
    ]


def test_truncated_scan_refuses_the_whole_file(tmp_path: Path) -> None:
    text = (SAMPLES / "nmap_zenmap_xml_test11.xml").read_text()
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index('<address addr="10.0.0.150"')])
    with pytest.raises(InputError, match=r"line \d+: the file ends before the XML is complete"):
        import_nmap(path)


def test_garbage_refuses_the_whole_file_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xml"
    path.write_text('<nmaprun>\n<host><status state="up"/>\n</hots>\n<host/>\n</nmaprun>\n')
    with pytest.raises(InputError, match=r"line 3: malformed XML") as error:
        import_nmap(path)
    assert error.value.file == str(path)
    assert str(error.value).startswith(f"{path}: line 3")


def test_other_xml_and_empty_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not an nmap XML scan.*<Envelope>"):
        import_nmap(SAMPLES / "onvif_agsh_Probe.xml")
    empty = tmp_path / "empty.xml"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        import_nmap(empty)
