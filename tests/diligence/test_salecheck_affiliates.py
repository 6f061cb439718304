"""The sale check applies the BIS Affiliates Rule to the customer's and end user's owners: a customer owned
50 % or more by an Entity List party is never clear while the rule is in force, a listed owner of unknown
share is Red Flag 29 (review), and inside the suspension the check says when the rule would apply."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from aktsam.diligence import salecheck as sc
from aktsam.diligence.register import add_party, add_relation
from aktsam.settings import Settings
from aktsam.store import Store, open_store

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def owned(bundled_settings: Settings) -> Iterator[tuple[Store, dict[str, str]]]:
    store = open_store(bundled_settings)
    tag = uuid.uuid4().hex[:8]
    ids = {k: f"{k}-{tag}" for k in ("owner", "sub", "blank", "minor")}
    add_party(store, ids["owner"], "China Electronics Technology Group Corporation 52nd Research Institute",
              actor="ann", country="CN", roles=["owner"])  # fmt: skip
    for key, name, share in (("sub", "Nordlys Optikk Handel Ltd", 75.0),
                             ("blank", "Fjordlys Optikk Handel Ltd", None),
                             ("minor", "Havlys Optikk Handel Ltd", 20.0)):  # fmt: skip
        add_party(store, ids[key], name, actor="ann", country="HK", roles=["customer"])
        add_relation(store, ids["owner"], ids[key], "owns", share=share, actor="ann")
    yield store, ids
    store.close()


def _check(store: Store, settings: Settings, customer: str, on: dt.date) -> sc.SaleCheck:
    return sc.check_sale(store, settings, reference="PO-A", customer_id=customer, destination="HK",
                         end_use="office security", products=[sc.Product("Cam", ("video-recording",))],
                         actor="ann", on=on)  # fmt: skip


def test_customer_owned_75_percent_by_an_entity_list_party_is_not_clear(
    owned: tuple[Store, dict[str, str]], bundled_settings: Settings
) -> None:
    store, ids = owned
    check = _check(store, bundled_settings, ids["sub"], TODAY)
    [flag] = [f for f in check.flags if f.rule == "us-bis-affiliates-rule"]
    assert check.outcome == "approval-required" and not check.may_proceed
    assert (
        flag.outcome == "approval-required"
        and "licence required (BIS Affiliates Rule" in flag.message
    )
    assert flag.detail is not None and "75 % = 75 % ≥ 50 %" in flag.detail
    assert (
        "Presumption of denial" in flag.detail
        and "could not be checked at the source" in flag.detail
    )
    assert "90 FR 47201" in flag.source and flag.url.startswith("https://")


def test_unknown_share_is_review_never_clear(owned: tuple[Store, dict[str, str]],
                                            bundled_settings: Settings) -> None:  # fmt: skip
    store, ids = owned
    check = _check(store, bundled_settings, ids["blank"], TODAY)
    [flag] = [f for f in check.flags if f.rule == "us-bis-affiliates-rule"]
    assert check.outcome == "approval-required"
    assert "Red Flag 29" in flag.message and "not clear" in flag.message


def test_inside_the_suspension_it_is_noted_with_the_date_it_would_apply(
    owned: tuple[Store, dict[str, str]], bundled_settings: Settings
) -> None:
    store, ids = owned
    check = _check(store, bundled_settings, ids["sub"], dt.date(2026, 3, 2))
    [flag] = [f for f in check.flags if f.rule == "us-bis-affiliates-rule"]
    assert flag.outcome == "clear" and "suspended" in flag.message
    assert flag.detail is not None and "would apply from 2026-11-10" in flag.detail
    assert check.outcome == "clear"


def test_a_20_percent_owner_alone_does_not_flag(owned: tuple[Store, dict[str, str]],
                                                bundled_settings: Settings) -> None:  # fmt: skip
    store, ids = owned
    check = _check(store, bundled_settings, ids["minor"], TODAY)
    assert not [f for f in check.flags if f.rule == "us-bis-affiliates-rule"]
