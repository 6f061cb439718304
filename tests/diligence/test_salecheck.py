"""Sale checks on the bundled lists: Entity List licence flag, public-security + facial recognition,
Xinjiang refusal, clear Nordic customer, four-eyes approval, validation that stores nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from aktsam.diligence import salecheck as sc
from aktsam.errors import InputError, NotFoundError
from aktsam.settings import Settings
from aktsam.store import Store, open_store
from aktsam.store.schema import PartyRow

NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def bundled_settings(
    pristine_bundled_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """A private copy of the session's bundled home (lists and index) for this module: its parties
    must not become part of other tests' register (monitoring screens every party in it)."""
    home = tmp_path_factory.mktemp("salecheck") / "home"
    shutil.copytree(pristine_bundled_home, home)
    return Settings.for_home(home)


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


# -- decisions that bind (issue #9 point 5), on the bundled demo register ------------------------------

WIND_DOWN_REASON = "Entity List, FCC Covered List and Council on Ethics findings"


def _copy_home(source: Settings, target: Path) -> Settings:
    """``source``'s SQLite database (through SQLite's backup) and index cache in ``target``."""
    settings = Settings.for_home(target)
    with (
        sqlite3.connect(source.home / "aktsam.db") as src,
        sqlite3.connect(target / "aktsam.db") as dst,
    ):
        src.backup(dst)
    if source.cache_dir.is_dir():
        shutil.copytree(source.cache_dir, settings.cache_dir, dirs_exist_ok=True)
    return settings


@pytest.fixture(scope="module")
def decided(
    bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Settings, dict[str, int]]]:
    """A private copy of the bundled-lists home with the demo register and three decisions: the README's
    wind-down on Hikvision (in force), an exit from the distributor SKG (in force) and a 'continue' with
    Dahua assessed critical (awaiting four-eyes approval)."""
    from aktsam.diligence import decisions as dd
    from aktsam.diligence import register
    from aktsam.diligence.demo import load_demo
    from aktsam.store.schema import AssessmentRow

    settings = _copy_home(bundled_settings, tmp_path_factory.mktemp("salecheck-decisions"))
    store = open_store(settings)
    load_demo(store, force=True)
    today = dt.date.today()
    wind_down = dd.decide(store, "hikvision", kind="wind-down", rationale=WIND_DOWN_REASON,
                          evidence_ids=["EV-0001", "EV-0006"], actor="ann",
                          effective_on=today - dt.timedelta(days=6),
                          service_until=today.replace(year=today.year + 3))  # fmt: skip
    evidence = register.add_evidence(store, party="skg", kind="internal", actor="ann",
                                     title="Audit found falsified origin certificates")  # fmt: skip
    exit_ = dd.decide(store, "skg", kind="exit", rationale="Falsified origin certificates",
                      evidence_ids=[evidence.id], actor="ann", effective_on=today)  # fmt: skip
    with store.session() as s:
        s.add(AssessmentRow(party_id="dahua", assessed_at=NOW, assessed_by="ann", as_of=today,
                            level="critical", score=90.0, method="test", factors=[],
                            review_on=None))  # fmt: skip
    dahua_ev = register.add_evidence(store, party="dahua", kind="internal", actor="ann",
                                     title="Remediation plan received")  # fmt: skip
    pending = dd.decide(store, "dahua", kind="continue", rationale="Remediation plan accepted",
                        evidence_ids=[dahua_ev.id], actor="ann", effective_on=today)  # fmt: skip
    assert (wind_down.status, exit_.status, pending.status) == ("in-force", "in-force",
                                                                "pending-approval")  # fmt: skip
    try:
        yield store, settings, {"wind-down": wind_down.id, "exit": exit_.id, "pending": pending.id}
    finally:
        store.close()


def _order(decided: tuple[Store, Settings, dict[str, int]], *products: sc.Product) -> sc.SaleCheck:
    store, settings, _ = decided
    return sc.check_sale(store, settings, reference="PO-DD", customer_id="vestfjord-hf",
                         destination="NO", end_use="hospital CCTV", products=products,
                         actor="bob")  # fmt: skip


def test_wind_down_refuses_a_new_sale_of_its_makers_product_citing_the_decision(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    """The defect of issue #9: after the wind-down on Hikvision this line came out 'clear'."""
    check = _order(decided, sc.Product("Hikvision DS-2CD2143G2-I"))
    assert check.outcome == "refused" and not check.may_proceed
    flag = next(f for f in check.flags if f.rule == "decision")
    decision_id = decided[2]["wind-down"]
    assert flag.outcome == "refused" and flag.party_id == "hikvision"
    assert f"decision {decision_id} (wind-down, in-force) on hikvision" in flag.source
    assert "decided by ann" in flag.source and "effective" in flag.source
    assert "stops new sales of the products of hikvision" in flag.message
    assert WIND_DOWN_REASON in flag.message
    assert "maker=hikvision" in (flag.detail or "") and "DS-2CD2143G2-I" in (flag.detail or "")
    (ref,) = [d for d in check.decisions if d.decision_id == decision_id]
    assert (ref.kind, ref.role, ref.outcome, ref.line_kind) == (
        "wind-down",
        "maker",
        "refused",
        "new",
    )
    assert check.lines[0].maker == "hikvision" and check.lines[0].level == "high"
    assert check.snapshot_ids  # the lists it screened against are stored with it
    stored = sc.get_sale_check(decided[0], check.id)
    assert stored.decisions == check.decisions and stored.snapshot_ids == check.snapshot_ids
    assert stored.lines == check.lines and stored.products[0].line_kind == "new"


@pytest.mark.parametrize("line_kind", ["warranty", "service"])
def test_warranty_and_service_work_stay_allowed_under_the_wind_down(
    decided: tuple[Store, Settings, dict[str, int]], line_kind: str
) -> None:
    check = _order(decided, sc.Product("Hikvision DS-2CD2143G2-I", line_kind=line_kind))
    assert check.outcome == "clear" and check.flags == ()
    (ref,) = [d for d in check.decisions if d.decision_id == decided[2]["wind-down"]]
    assert ref.outcome == "clear" and ref.line_kind == line_kind
    assert f"allowed as {line_kind} work" in ref.effect and "until" in ref.effect


@pytest.mark.parametrize(
    "line",
    [
        "LTS LTN8708K-P8",  # the register records hikvision maker-of lts
        "EZVIZ C6N",  # hikvision maker-of ezviz, Hikvision's own consumer brand
        "Prama PT-NC400",  # the relabel map alone: Prama Hikvision India, a confirmed relabel
    ],
)
def test_a_relabel_of_the_wound_down_maker_is_refused(
    decided: tuple[Store, Settings, dict[str, int]], line: str
) -> None:
    check = _order(decided, sc.Product(line))
    assert check.outcome == "refused", check.flags
    assert check.lines[0].maker == "hikvision" and check.lines[0].relabelled
    assert any(f.rule == "decision" and f.party_id == "hikvision" and f.outcome == "refused"
               for f in check.flags)  # fmt: skip


def test_a_weakly_identified_relabel_asks_for_review(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    """Annke is a Hikvision OEM by a user report only and has no party: review, never a refusal on it
    alone, and never clear."""
    check = _order(decided, sc.Product("Annke NC400"))
    assert check.outcome == "approval-required"
    flag = next(f for f in check.flags if f.rule == "decision")
    assert "possibly a Hikvision product (low confidence" in flag.message
    assert "user-report" in (flag.detail or "")  # the relabel claim and its strength are shown
    (ref,) = check.decisions
    assert ref.outcome == "approval-required" and ref.effect.startswith("possibly")


def test_a_decision_pending_approval_is_not_clear(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    check = _order(decided, sc.Product("Dahua IPC-HFW2431S-S-S2"))
    assert check.outcome == "approval-required"
    flag = next(f for f in check.flags if f.rule == "decision-pending")
    assert "decision pending approval" in flag.message
    assert f"aktsam decisions approve {decided[2]['pending']}" in flag.message
    assert "awaiting a second person's approval" in flag.source


def test_exit_from_a_supplier_refuses_goods_bought_from_it(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    exit_id = decided[2]["exit"]
    bought = _order(decided, sc.Product("Hanwha Vision XNV-6083R", supplier="skg"))
    assert bought.outcome == "refused"
    flag = next(f for f in bought.flags if f.rule == "decision")
    assert f"decision {exit_id} (exit, in-force) on skg" in flag.source
    assert "stops new purchases from skg" in flag.message
    # exit covers service too
    repair = _order(
        decided, sc.Product("Hanwha Vision XNV-6083R", line_kind="warranty", supplier="skg")
    )
    assert repair.outcome == "refused"
    # no supplier named: SKG distributes Hanwha, so confirm the goods do not come from it
    unnamed = _order(decided, sc.Product("Hanwha Vision XNV-6083R"))
    assert unnamed.outcome == "approval-required"
    assert any(f.rule == "decision-supplier-unnamed" and f.party_id == "skg" for f in unnamed.flags)
    assert _order(decided, sc.Product("Hanwha Vision XNV-6083R", supplier="nsd")).outcome == "clear"


def test_an_unrelated_axis_product_is_clear(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    check = _order(decided, sc.Product("Axis P3265-LVE"))
    assert check.outcome == "clear" and check.flags == () and check.decisions == ()
    assert check.lines[0].maker == "axis"


def test_a_product_whose_maker_cannot_be_identified_is_not_clear_while_makers_are_bound(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    check = _order(decided, sc.Product("Camera X"))
    assert check.outcome == "approval-required"
    flag = next(f for f in check.flags if f.rule == "decision-unidentified-product")
    assert f"decision {decided[2]['wind-down']} (wind-down) on hikvision" in flag.message


def test_line_kind_and_supplier_are_checked_and_store_nothing(
    decided: tuple[Store, Settings, dict[str, int]],
) -> None:
    store = decided[0]
    before = len(sc.sale_checks(store))
    with pytest.raises(InputError, match="line kind must be one of new, service, warranty"):
        _order(decided, sc.Product("Hikvision DS-2CD2143G2-I", line_kind="spare"))
    with pytest.raises(NotFoundError):
        _order(decided, sc.Product("Hikvision DS-2CD2143G2-I", supplier="nobody"))
    assert len(sc.sale_checks(store)) == before


# -- decision semantics, on both backends (a stand-in screener: these tests are about decisions) -------


@dataclass
class _Run:
    snapshots: list[SimpleNamespace]
    results: list[object] = field(default_factory=list)


class _Screener:
    def __init__(self, snapshot_ids: tuple[int, ...] = (11, 12)) -> None:
        self.snapshot_ids = snapshot_ids

    def screen(self, name: str, **_: object) -> _Run:
        return _Run([SimpleNamespace(id=i) for i in self.snapshot_ids])


def _small_register(store: Store) -> None:
    from aktsam.diligence import register

    for party_id, name, roles, identifiers in (
        ("acme-cam", "Hangzhou Hikvision Digital Technology Co., Ltd.", ["manufacturer"],
         {"maker": "hikvision"}),
        ("vend", "Nordic Vendor AS", ["distributor", "supplier"], {}),
        ("buyer", "Fjordvakt Sikkerhet AS", ["customer"], {}),
    ):  # fmt: skip
        register.add_party(store, party_id, name, actor="ann", roles=roles, identifiers=identifiers,
                           country="NO")  # fmt: skip
        register.add_evidence(store, party=party_id, kind="internal", title=f"note on {party_id}",
                              actor="ann", evidence_id=f"EV-{party_id}")  # fmt: skip


def _decide(store: Store, party: str, kind: str, **kwargs: object) -> int:
    from aktsam.diligence import decisions as dd

    args: dict[str, object] = {"rationale": f"{kind} for the test", "evidence_ids": [f"EV-{party}"],
                               "actor": "ann", "effective_on": dt.date.today(), **kwargs}  # fmt: skip
    return dd.decide(store, party, kind=kind, **args).id  # type: ignore[arg-type]


def _small_check(store: Store, *products: sc.Product, screener: object = None) -> sc.SaleCheck:
    return sc.check_sale(store, store.settings, reference="PO-S", customer_id="buyer",
                         destination="NO", end_use="office", products=products, actor="bob",
                         screener=screener or _Screener())  # fmt: skip


CAM = "Hikvision DS-2CD2143G2-I"


def test_stored_basis_round_trips_on_every_backend(store: Store) -> None:
    _small_register(store)
    decision = _decide(store, "acme-cam", "stop-new-sales")
    check = _small_check(store, sc.Product(CAM), sc.Product(CAM, line_kind="warranty"))
    assert check.outcome == "refused" and check.snapshot_ids == (11, 12)
    assert [(d.decision_id, d.line_kind, d.outcome) for d in check.decisions] == [
        (decision, "new", "refused"), (decision, "warranty", "clear")]  # fmt: skip
    stored = sc.get_sale_check(store, check.id)
    for name in ("snapshot_ids", "decisions", "lines", "products", "flags", "outcome"):
        assert getattr(stored, name) == getattr(check, name), name
    assert sc.sale_checks(store)[-1].decisions == check.decisions


def test_stop_new_purchases_on_the_maker_asks_to_confirm_the_stock(store: Store) -> None:
    _small_register(store)
    _decide(store, "acme-cam", "stop-new-purchases")
    new = _small_check(store, sc.Product(CAM))
    assert new.outcome == "approval-required"
    assert "not sales of its products" in new.flags[0].message
    assert _small_check(store, sc.Product(CAM, line_kind="warranty")).outcome == "clear"


def test_a_stop_new_sales_decision_on_the_customer_refuses_the_order(store: Store) -> None:
    _small_register(store)
    _decide(store, "buyer", "stop-new-sales")
    check = _small_check(store, sc.Product("Axis P3265-LVE"))
    assert check.outcome == "refused"
    assert check.flags[0].party_id == "buyer" and "new sales to buyer" in check.flags[0].message
    # a warranty duty already owed is not a new sale; service work may be one: review
    assert (
        _small_check(store, sc.Product("Axis P3265-LVE", line_kind="warranty")).outcome == "clear"
    )
    service = _small_check(store, sc.Product("Axis P3265-LVE", line_kind="service"))
    assert service.outcome == "approval-required"


def test_wind_down_after_its_service_end_refuses_warranty_work(store: Store) -> None:
    _small_register(store)
    today = dt.date.today()
    _decide(store, "acme-cam", "wind-down", effective_on=today - dt.timedelta(days=400),
            service_until=today - dt.timedelta(days=1))  # fmt: skip
    check = _small_check(store, sc.Product(CAM, line_kind="warranty"))
    assert check.outcome == "refused" and "duties ended on" in check.flags[0].message


def test_a_decision_taking_effect_later_and_a_conditional_one_ask_for_review(store: Store) -> None:
    _small_register(store)
    later = dt.date.today() + dt.timedelta(days=30)
    _decide(store, "acme-cam", "exit", effective_on=later)
    check = _small_check(store, sc.Product(CAM))
    assert check.outcome == "approval-required"
    assert f"takes effect on {later.isoformat()}" in check.flags[0].message
    _decide(store, "vend", "conditional")
    bought = _small_check(store, sc.Product("Axis P3265-LVE", supplier="vend"))
    assert bought.outcome == "approval-required" and "conditions" in bought.flags[0].message


def test_a_custom_scope_the_check_does_not_know_asks_for_review(store: Store) -> None:
    _small_register(store)
    _decide(store, "acme-cam", "stop-new-sales", scope=["sales", "marketing"])
    check = _small_check(store, sc.Product(CAM))
    assert check.outcome == "approval-required" and "marketing" in check.flags[0].message


def test_no_list_snapshot_is_never_clear(store: Store) -> None:
    _small_register(store)
    check = _small_check(store, sc.Product("Axis P3265-LVE"), screener=_Screener(()))
    assert check.outcome == "approval-required" and check.snapshot_ids == ()
    assert [f.rule for f in check.flags] == ["no-list-snapshot"]
