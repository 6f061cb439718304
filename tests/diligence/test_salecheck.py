"""Sale checks on the bundled lists: Entity List licence flag, public-security + facial recognition,
Xinjiang refusal, clear Nordic customer, four-eyes approval, validation that stores nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from aktsam.diligence import salecheck as sc
from aktsam.errors import InputError, NotFoundError
from aktsam.settings import Settings
from aktsam.store import Store, open_store
from aktsam.store.schema import PartyRow

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


@pytest.fixture
def home(bundled_settings: Settings) -> Iterator[tuple[Store, dict[str, str]]]:
    store = open_store(bundled_settings)
    tag = uuid.uuid4().hex[:8]
    ids = {k: f"{k}-{tag}" for k in ("hik", "psb", "nordic")}
    with store.session() as s:
        for key, name, country, region, eut in (
            ("hik", "Hangzhou Hikvision Digital Technology Co., Ltd.", "CN", None, None),
            (
                "psb",
                "Shenzhen Municipal Public Security Bureau",
                "CN",
                "Guangdong",
                "public-security",
            ),
            ("nordic", "Fjordvakt Sikkerhet AS", "NO", None, "commercial"),
        ):
            s.add(PartyRow(id=ids[key], name=name, kind="company", roles=["customer"], country=country,
                           region=region, sector=None, end_user_type=eut, aliases=[], identifiers={},
                           website=None, notes=None, created_at=NOW, updated_at=NOW))  # fmt: skip
    yield store, ids
    store.close()


def _check(store: Store, settings: Settings, **kwargs: object) -> sc.SaleCheck:
    args: dict[str, object] = {"reference": "PO-1", "destination": "NO", "end_use": "office security",
                               "products": [sc.Product("Cam", ("video-recording",))], "actor": "ann",
                               "country_risk": lambda code: {"CN": "critical"}.get(code), **kwargs}  # fmt: skip
    return sc.check_sale(store, settings, **args)  # type: ignore[arg-type]


def test_rules_file_has_sources_for_every_rule() -> None:
    rules = sc.load_rules()
    assert {r.id for r in rules.rules} >= {"sanctions-blocking", "us-entity-list",
                                            "eu-cyber-surveillance-catch-all", "xinjiang-region"}  # fmt: skip
    for rule in rules.rules:
        assert rule.sources and all(s.url.startswith("https://") for s in rule.sources)


def test_entity_list_customer_needs_a_licence(home: tuple[Store, dict[str, str]],
                                             bundled_settings: Settings) -> None:  # fmt: skip
    store, ids = home
    check = _check(store, bundled_settings, customer_id=ids["hik"])
    flags = {f.rule: f for f in check.flags}
    assert "licence required (EAR §744.11 Entity List)" in flags["us-entity-list"].message
    assert check.outcome == "approval-required" and not check.may_proceed


def test_public_security_bureau_with_facial_recognition(home: tuple[Store, dict[str, str]],
                                                       bundled_settings: Settings) -> None:  # fmt: skip
    store, ids = home
    check = _check(store, bundled_settings, customer_id=ids["nordic"], end_user_id=ids["psb"],
                   destination="cn", end_use="city camera network",
                   products=[sc.Product.parse("Cam X:facial-recognition,video-analytics")])  # fmt: skip
    rules = {f.rule for f in check.flags}
    assert {"eu-cyber-surveillance-catch-all", "sensitive-end-user", "embargo-destination"} <= rules
    assert check.end_user_type == "public-security" and check.destination == "CN"
    catch_all = next(f for f in check.flags if f.rule == "eu-cyber-surveillance-catch-all")
    assert "inform the competent authority" in catch_all.message
    assert check.outcome == "approval-required"
    before = len(sc.sale_checks(store, customer_id=ids["nordic"]))
    with pytest.raises(InputError, match="four eyes"):
        sc.approve_sale(store, check.id, approver="ann", note="licence NO-123")
    with pytest.raises(InputError):
        sc.approve_sale(store, check.id, approver="bob", note=" ")
    approved = sc.approve_sale(store, check.id, approver="bob", note="authority informed, reply 12")
    assert approved.may_proceed and approved.approved_by == "bob"
    with pytest.raises(InputError, match="already approved"):
        sc.approve_sale(store, check.id, approver="carl", note="again")
    assert len(sc.sale_checks(store, customer_id=ids["nordic"])) == before


def test_xinjiang_end_use_is_refused_and_cannot_be_approved(home: tuple[Store, dict[str, str]],
                                                            bundled_settings: Settings) -> None:  # fmt: skip
    store, ids = home
    check = _check(store, bundled_settings, customer_id=ids["nordic"], destination="CN",
                   end_use="Cameras for a site in Ürümqi, Xinjiang")  # fmt: skip
    assert check.outcome == "refused"
    with pytest.raises(InputError, match="refused"):
        sc.approve_sale(store, check.id, approver="bob", note="x")


def test_clear_nordic_customer(
    home: tuple[Store, dict[str, str]], bundled_settings: Settings
) -> None:
    store, ids = home
    check = _check(store, bundled_settings, customer_id=ids["nordic"])
    assert check.outcome == "clear" and check.flags == () and check.may_proceed
    with pytest.raises(InputError, match="nothing to approve"):
        sc.approve_sale(store, check.id, approver="bob", note="x")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"destination": "Norway"},
        {"products": []},
        {"products": [sc.Product("Cam", ("facial-recogniton",))]},
        {"end_user_type": "policemen"},
        {"end_use": " "},
    ],
)
def test_invalid_checks_store_nothing(home: tuple[Store, dict[str, str]], bundled_settings: Settings,
                                      kwargs: dict[str, object]) -> None:  # fmt: skip
    store, ids = home
    before = len(sc.sale_checks(store))
    with pytest.raises(InputError):
        _check(store, bundled_settings, customer_id=ids["nordic"], **kwargs)
    with pytest.raises(NotFoundError):
        _check(store, bundled_settings, customer_id="nobody")
    assert len(sc.sale_checks(store)) == before


def test_weak_blocking_list_hit_asks_for_review_and_strong_one_refuses(
    home: tuple[Store, dict[str, str]], bundled_settings: Settings
) -> None:
    """A fuzzy name match alone never refuses an order: below ``strong_match`` it is a possible match."""
    store, _ = home
    tag = uuid.uuid4().hex[:8]
    with store.session() as s:
        for key, name in (("weak", "Shenzhen PSB"), ("strong", "Bank Melli Iran")):
            s.add(PartyRow(id=f"{key}-{tag}", name=name, kind="organization", roles=["customer"],
                           country=None, region=None, sector=None, end_user_type=None, aliases=[],
                           identifiers={}, website=None, notes=None, created_at=NOW,
                           updated_at=NOW))  # fmt: skip
    weak = _check(store, bundled_settings, customer_id=f"weak-{tag}")
    blocking = [f for f in weak.flags if f.rule == "sanctions-blocking"]
    assert blocking and all(f.outcome == "approval-required" for f in blocking)
    assert all("possible match" in f.message and "aktsam hits confirm|clear" in f.message
               for f in blocking)  # fmt: skip
    assert weak.outcome == "approval-required"
    strong = _check(store, bundled_settings, customer_id=f"strong-{tag}")
    assert strong.outcome == "refused"
    assert any(f.rule == "sanctions-blocking" and f.outcome == "refused" for f in strong.flags)
