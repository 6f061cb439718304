"""``aktsam devices discover`` against fake devices on 127.0.0.x (see ``tests/devices/fakes.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.devices import fakes


def test_discover_writes_scan_and_identifies(fresh_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    with fakes.FakeNetwork([fakes.hikvision(), fakes.dahua(), fakes.silent()]) as net:
        ports = [f"--port={name}={port}" for name, port in net.ports.items()]
        result = fresh_cli(
            "devices", "discover", "127.0.0.2", "127.0.0.3", "127.0.0.9",
            "--timeout", "0.3", "--output", str(out), *ports,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Hikvision" in result.output and "Dahua" in result.output
    assert "2 of 3 host(s) answered" in result.output
    data = json.loads(out.read_text("utf-8"))
    assert [d["ip"] for d in data["devices"]] == ["127.0.0.2", "127.0.0.3"]
    identified = fresh_cli("devices", "identify", str(out), "--json")
    assert identified.exit_code == 0
    makers = [d["maker"] for d in json.loads(identified.stdout)["devices"]]
    assert makers == ["hikvision", "dahua"]


def test_discover_refuses_unnamed_or_wide_targets(fresh_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    for args in (["239.255.255.250"], ["cam.example"], ["10.0.0.0/16"], []):
        result = fresh_cli("devices", "discover", *args, "--output", str(out))
        assert result.exit_code == 2
    assert not out.exists()
    bad_port = fresh_cli("devices", "discover", "127.0.0.9", "--port", "http", "-o", str(out))
    assert bad_port.exit_code == 2


def test_discover_help_says_named_targets_only(fresh_cli: Invoke) -> None:
    result = fresh_cli("devices", "discover", "--help")
    text = " ".join(result.output.split())
    assert "ONLY the hosts you name" in text and "authorised" in text
