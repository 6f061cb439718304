"""MAC normalisation: the forms registers and tools write, and what is refused."""

from __future__ import annotations

import pytest

from aktsam.devices.macs import check_mac


@pytest.mark.parametrize(
    "text",
    ["04:ee:cd:1a:2b:3c", "04-EE-CD-1A-2B-3C", "04ee.cd1a.2b3c", "04EECD1A2B3C", " 04eecd1a2b3c "],
)
def test_accepted_forms(text: str) -> None:
    assert check_mac(text) == ("04EECD1A2B3C", None)


@pytest.mark.parametrize(
    "text",
    [
        "04:ee:cd:1a:2b",
        "04:ee-cd:1a:2b:3c",
        "04eecd1a2b3g",
        "04:ee:cd:1a:2b:3c:4d",
        "MAC?",
        "000000000000",
        "ff:ff:ff:ff:ff:ff",
    ],
)
def test_refused_with_a_reason(text: str) -> None:
    mac, reason = check_mac(text)
    assert mac is None and reason and repr(text.strip()) in reason


def test_blank_is_no_mac_and_no_problem() -> None:
    assert check_mac("") == (None, None)
    assert check_mac(None) == (None, None)
