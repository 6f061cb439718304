"""``aktsam devices identify`` for a quick look at one value or a whole file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke

FIXTURES = Path(__file__).resolve().parents[1] / "devices" / "fixtures"


def test_identify_model_and_mac(fresh_cli: Invoke) -> None:
    model = json.loads(fresh_cli("devices", "identify", "DS-2CD2143G0-I", "--json").output)
    assert model["devices"][0]["maker"] == "hikvision"
    mac = json.loads(fresh_cli("devices", "identify", "ac:cc:8e:01:02:03", "--json").output)
    assert mac["devices"][0]["maker"] == "axis" and mac["devices"][0]["level"] == "high"


def test_identify_register_flags_relabel_and_reports_bad_rows(fresh_cli: Invoke) -> None:
    result = fresh_cli("devices", "identify", str(FIXTURES / "register_sites.csv"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    by_id = {d["device"]: d for d in payload["devices"]}
    assert by_id["CAM-002"]["maker"] == "hikvision" and by_id["CAM-002"]["relabelled"] is True
    assert by_id["CAM-002"]["brand"] == "LTS"
    assert any("not a MAC address" in issue for issue in payload["issues"])


def test_identify_unknown_text_is_unknown_not_guessed(fresh_cli: Invoke) -> None:
    payload = json.loads(fresh_cli("devices", "identify", "Acme Widget", "--json").output)
    assert payload["devices"][0]["maker"] is None and payload["devices"][0]["level"] == "unknown"
