"""Active discovery against fake devices on loopback (127.0.0.x) only; see ``fakes.py``."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aktsam.devices.discovery import discover, parse_targets, read_targets_file
from aktsam.devices.discovery.http import probe_http
from aktsam.devices.discovery.observation import escape_bytes
from aktsam.devices.discovery.output import write_discovery
from aktsam.devices.discovery.rtsp import probe_rtsp
from aktsam.devices.discovery.sadp import parse_answer, probe_sadp
from aktsam.devices.discovery.tcp import probe_tcp8000, probe_tcp37777
from aktsam.devices.discovery.wsdiscovery import probe_wsdiscovery
from aktsam.devices.identify import identify
from aktsam.devices.importers import detect_kind, import_file
from aktsam.errors import InputError
from tests.devices import fakes

FAST = 0.3


@pytest.fixture
def net() -> Iterator[fakes.FakeNetwork]:
    with fakes.FakeNetwork(
        [fakes.hikvision(), fakes.dahua(), fakes.axis(), fakes.silent()]
    ) as network:
        yield network


# --- targets ---------------------------------------------------------------------------------------------


def test_targets_expand_and_dedupe() -> None:
    assert parse_targets(["127.0.0.2", "127.0.0.0/30", "127.0.0.2"]) == [
        "127.0.0.2",
        "127.0.0.1",
    ]
    assert parse_targets(["192.0.2.8/31"]) == ["192.0.2.8", "192.0.2.9"]
    assert len(parse_targets(["192.0.2.0/24"])) == 254  # no network or broadcast address


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("camera.example", "names are not resolved"),
        ("localhost", "names are not resolved"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("224.0.0.0/24", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("0.0.0.0", "unspecified"),
        ("0.0.0.0/0", "unspecified"),
        ("10.0.0.0/8", "cap of 256"),
        ("192.0.2.7/24", "network address"),
        ("2001:db8::1", "IPv6"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_targets_refused(target: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_targets([target])


def test_target_cap_counts_all_targets() -> None:
    with pytest.raises(InputError, match="more than 4 hosts in all"):
        parse_targets(["192.0.2.0/30", "192.0.2.8/30", "192.0.2.20"], max_hosts=4)


def test_targets_file(tmp_path: Path) -> None:
    path = tmp_path / "targets.txt"
    path.write_text("# lab\n127.0.0.2\n\n127.0.0.4/31  # two\n", "utf-8")
    assert read_targets_file(path) == ["127.0.0.2", "127.0.0.4/31"]
    path.write_text("127.0.0.2\nnvr.example\n", "utf-8")
    with pytest.raises(InputError, match=r"targets.txt.*row 2"):
        read_targets_file(path)


def test_discover_checks_hosts_itself() -> None:
    for bad in ("239.255.255.250", "255.255.255.255", "cam.example", "0.0.0.0"):
        with pytest.raises(InputError):
            discover([bad])
    with pytest.raises(InputError, match="unknown probe"):
        discover(["127.0.0.2"], probes=["snmp"])


# --- one probe against its fake ----------------------------------------------------------------------------


def test_http_hikvision(net: fakes.FakeNetwork) -> None:
    obs = probe_http("127.0.0.2", net.ports["http"], FAST)
    assert obs.answered and obs.error is None
    assert ("http-server", "App-webs/") in obs.banners
    assert ("xml-namespace", "http://www.hikvision.com/ver20/XMLSchema") in obs.banners
    assert ("http-title", "Document Error: Page not found") in obs.banners
    assert dict(obs.fields)["model"] == "DS-2CD2143G0-I"
    assert dict(obs.fields)["mac"] == "C056E3123456"


def test_http_dahua_and_axis(net: fakes.FakeNetwork) -> None:
    dahua = probe_http("127.0.0.3", net.ports["http"], FAST)
    assert dict(dahua.fields) == {"model": "DH-IPC-HFW2431SP-S-S2", "serial": "5J0ABC1234567"}
    axis = probe_http("127.0.0.4", net.ports["http"], FAST)
    assert ("http-www-authenticate", 'Digest realm="AXIS_ACCC8E012345"') in axis.banners
    assert ("http-status", "401 Unauthorized") in axis.extra and not axis.fields


def test_rtsp(net: fakes.FakeNetwork) -> None:
    hik = probe_rtsp("127.0.0.2", net.ports["rtsp"], FAST)
    assert ("rtsp-realm", 'Digest realm="Hikvision"') in hik.banners  # nonce dropped
    dahua = probe_rtsp("127.0.0.3", net.ports["rtsp"], FAST)
    assert ("rtsp-server", "Dahua Rtsp Server") in dahua.banners
    assert ("rtsp-describe-status", "401 Unauthorized") in dahua.extra


def test_tcp_ports(net: fakes.FakeNetwork) -> None:
    hik = probe_tcp8000("127.0.0.2", net.ports["tcp8000"], FAST)
    assert hik.banners == ((f"{net.ports['tcp8000']}/tcp", escape_bytes(fakes.HIK_8000_BANNER)),)
    dahua = probe_tcp37777("127.0.0.3", net.ports["tcp37777"], FAST)
    assert dahua.banners[0][1] == escape_bytes(fakes.DAHUA_37777_ANSWER)
    closed = probe_tcp37777("127.0.0.2", net.ports["tcp37777"], FAST)
    assert not closed.answered and closed.error == "connection refused"


def test_wsdiscovery_and_sadp(net: fakes.FakeNetwork) -> None:
    onvif = probe_wsdiscovery("127.0.0.2", net.ports["ws-discovery"], FAST)
    assert dict(onvif.fields)["model"] == "DS-2CD2143G0-I"
    assert ("onvif-name", "HIKVISION DS-2CD2143G0-I") in onvif.extra
    sadp = probe_sadp("127.0.0.2", net.ports["sadp"], FAST)
    assert dict(sadp.fields) == {
        "model": "DS-2CD2143G0-I",
        "serial": "DS-2CD2143G0-I20200101AAWRE12345678",
        "firmware": "V5.6.3build 190923",
        "mac": "C056E3123456",
    }
    assert ("sadp-DeviceType", "138153") in sadp.extra


def test_sadp_answer_that_is_not_xml() -> None:
    assert parse_answer(b"garbage")[2] is not None
    assert parse_answer(b"<Other/>")[2] == "<Other> answer names no device"


def test_silent_host_times_out_quietly(net: fakes.FakeNetwork) -> None:
    started = time.monotonic()
    result = discover(["127.0.0.9"], ports=net.ports, timeout=0.2)
    assert time.monotonic() - started < 1.5
    assert result.records() == [] and result.silent == ["127.0.0.9"]
    assert {o.error for o in result.hosts[0].observations} <= {"timed out", "connection refused"}
    assert result.hosts[0].errors() == []


# --- discover → JSON → import_file → identify ----------------------------------------------------------------


def test_discover_to_identify(net: fakes.FakeNetwork, tmp_path: Path) -> None:
    targets = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.9"]
    result = discover(targets, ports=net.ports, timeout=FAST)
    out = tmp_path / "scan.json"
    write_discovery(result, out)
    data = json.loads(out.read_text("utf-8"))
    assert (data["format"], data["version"]) == ("aktsam-discovery", 1)
    assert data["silent"] == ["127.0.0.9"] and data["errors"] == []
    assert detect_kind(out) == "discovery"
    imported = import_file(out)
    assert imported.balanced() and imported.issues == []
    by_ip = {r.ip: r for r in imported.records}
    assert set(by_ip) == {"127.0.0.2", "127.0.0.3", "127.0.0.4"}
    assert by_ip["127.0.0.2"].origin.element == "host 127.0.0.2"
    assert by_ip["127.0.0.2"].origin.kind == "discovery"
    makers = {ip: identify(r) for ip, r in by_ip.items()}
    assert makers["127.0.0.2"].maker == "hikvision" and makers["127.0.0.2"].level == "high"
    assert makers["127.0.0.3"].maker == "dahua"
    assert makers["127.0.0.4"].maker == "axis"
    hik_kinds = {(e.kind, e.observed) for e in makers["127.0.0.2"].evidence}
    assert ("banner", "App-webs/") in hik_kinds
    assert ("banner", 'Digest realm="Hikvision"') in hik_kinds
    assert any(e.observed == "Dahua Rtsp Server" for e in makers["127.0.0.3"].evidence)
    assert any(e.kind == "oui" and e.maker == "axis" for e in makers["127.0.0.4"].evidence)


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_import_discovery_bad_entries(tmp_path: Path) -> None:
    path = _write(tmp_path, {
        "format": "aktsam-discovery", "version": 1,
        "devices": [
            {"element": "host 192.0.2.1", "ip": "192.0.2.1", "model": 7},
            {"element": "host 192.0.2.2", "ip": "192.0.2.2", "mac": "nonsense",
             "banners": [["http-server", "App-webs/"]], "open_ports": [80]},
            "not an object",
        ],
        "errors": [{"host": "192.0.2.2", "probe": "rtsp", "port": 554, "message": "reset"}],
    })  # fmt: skip
    result = import_file(path)
    assert result.balanced() and len(result.records) == 1 and result.skipped == 2
    messages = [str(i) for i in result.issues]
    assert any("host 192.0.2.1, field 'model'" in m for m in messages)
    assert any("devices[2]" in m for m in messages)
    assert any("field 'mac'" in m for m in messages)
    assert any("rtsp port 554: probe failed: reset" in m for m in messages)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"format": "aktsam-discovery", "version": 2, "devices": []}, "newer aktsam"),
        ({"format": "aktsam-discovery", "version": 1, "devices": {}}, '"devices" must be a list'),
        ({"format": "other"}, "not a device input"),
    ],
)
def test_import_discovery_refused(tmp_path: Path, data: dict[str, Any], says: str) -> None:
    with pytest.raises(InputError, match=says):
        import_file(_write(tmp_path, data))


def test_import_discovery_not_json(tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_text('{"format": "aktsam-discovery", "version": 1, "devices": [', "utf-8")
    with pytest.raises(InputError, match=r"scan.json.*not valid JSON"):
        import_file(path)


# --- safety: nothing goes anywhere but the named targets --------------------------------------------------


def test_packets_only_go_to_named_targets(
    net: fakes.FakeNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    real_connect, real_sendto = socket.socket.connect, socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> None:
        sent.append(address[0])
        real_connect(self, address)

    def sendto(self: socket.socket, data: bytes, *args: Any) -> int:
        if self.getsockname()[0] not in net.ips:  # the fakes' own answers are not the scanner's
            sent.append(args[-1][0])
        return real_sendto(self, data, *args)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket.socket, "connect_ex", lambda *a: pytest.fail("connect_ex"))
    named = ["127.0.0.2", "127.0.0.3"]
    result = discover(named, ports=net.ports, timeout=FAST)
    assert len(result.records()) == 2
    assert sent and set(sent) <= set(named)
    assert net.devices["127.0.0.4"].contacted == []  # a fake that was not named is never reached
    assert net.devices["127.0.0.2"].contacted
