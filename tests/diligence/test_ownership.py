"""The pure ownership graph: OFAC 50 % rule, EU/UK owned-or-controlled, risk reach, upstream."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from aktsam.diligence.ownership import (
    RULE_EU_2024,
    RULE_EU_UK,
    RULE_OFAC_50,
    Edge,
    OwnershipFinding,
    OwnershipGraph,
    affiliates_holdings,
    apply_test,
    eu_owned_or_controlled_2024,
    eu_uk_owned_or_controlled,
    ofac_50_percent,
    risk_reach,
    upstream,
)
from aktsam.lists.ownership_rules import (
    Listing,
    OwnershipTest,
    affiliates_finding,
    ownership_test_on,
)
from aktsam.store import Store
from aktsam.store.schema import PartyRow, RelationRow


def g(*edges: tuple[str, str, str, float | None]) -> OwnershipGraph:
    return OwnershipGraph.from_edges(Edge(s, t, k, share) for s, t, k, share in edges)


def ids(findings: Iterable[OwnershipFinding]) -> set[str]:
    return {f.party for f in findings}


# --- the 50 % boundary --------------------------------------------------------------------------


def test_exactly_fifty_percent_ofac_yes_eu_uk_no_eu_2024_yes() -> None:
    graph = g(("sdn", "co", "owns", 50.0))
    ofac = ofac_50_percent(graph, {"sdn"})
    assert [(f.party, f.rule, f.share, f.path) for f in ofac] == [
        ("co", RULE_OFAC_50, 50.0, ("sdn", "co"))
    ]
    assert eu_uk_owned_or_controlled(graph, {"sdn"}) == []
    eu24 = eu_owned_or_controlled_2024(graph, {"sdn"})
    assert [(f.party, f.rule) for f in eu24] == [("co", RULE_EU_2024)]


def test_just_over_fifty_captured_by_all_rules() -> None:
    graph = g(("sdn", "co", "owns", 50.01))
    assert ids(ofac_50_percent(graph, {"sdn"})) == {"co"}
    found = eu_uk_owned_or_controlled(graph, {"sdn"})
    assert [(f.party, f.rule, f.share, f.basis) for f in found] == [
        ("co", RULE_EU_UK, 50.01, "ownership")
    ]


def test_below_fifty_not_blocked() -> None:
    graph = g(("sdn", "co", "owns", 49.99))
    assert ofac_50_percent(graph, {"sdn"}) == []
    assert eu_uk_owned_or_controlled(graph, {"sdn"}) == []


# --- aggregation --------------------------------------------------------------------------------


def test_two_blocked_owners_25_plus_25_aggregate_under_ofac() -> None:
    graph = g(("x", "co", "owns", 25.0), ("y", "co", "owns", 25.0))
    [finding] = ofac_50_percent(graph, {"x", "y"})
    assert finding.party == "co"
    assert finding.share == 50.0
    assert finding.holders == (("x", 25.0), ("y", 25.0))
    assert "aggregate" in finding.explanation


def test_uk_does_not_aggregate_different_designated_persons_eu_2024_does() -> None:
    graph = g(("x", "co", "owns", 30.0), ("y", "co", "owns", 30.0))
    assert eu_uk_owned_or_controlled(graph, {"x", "y"}) == []
    assert ids(eu_owned_or_controlled_2024(graph, {"x", "y"})) == {"co"}


def test_uk_adds_one_persons_holdings_through_entities_it_owns() -> None:
    # x owns 100 % of a and b; a and b each hold 30 % of co: x indirectly holds 60 %.
    graph = g(
        ("x", "a", "owns", 100.0),
        ("x", "b", "owns", 100.0),
        ("a", "co", "owns", 30.0),
        ("b", "co", "owns", 30.0),
    )
    found = {f.party: f for f in eu_uk_owned_or_controlled(graph, {"x"})}
    assert set(found) == {"a", "b", "co"}
    assert found["co"].share == 60.0
    assert found["co"].path[0] == "x"


# --- indirect ownership -------------------------------------------------------------------------


def test_indirect_through_blocked_intermediate() -> None:
    graph = g(("sdn", "mid", "owns", 50.0), ("mid", "leaf", "owns", 50.0))
    found = {f.party: f for f in ofac_50_percent(graph, {"sdn"})}
    assert set(found) == {"mid", "leaf"}
    assert found["leaf"].path == ("sdn", "mid", "leaf")


def test_not_through_unblocked_forty_percent_intermediate() -> None:
    # sdn owns 40 % of mid (not blocked), mid owns 100 % of leaf: leaf is not blocked.
    graph = g(("sdn", "mid", "owns", 40.0), ("mid", "leaf", "owns", 100.0))
    assert ofac_50_percent(graph, {"sdn"}) == []
    assert eu_uk_owned_or_controlled(graph, {"sdn"}) == []
    assert eu_owned_or_controlled_2024(graph, {"sdn"}) == []


def test_fixed_point_across_three_levels_with_aggregation() -> None:
    # x owns 30 % of a, y owns 20 % of a -> a blocked (aggregate 50).
    # a owns 30 % of b, y owns 20 % of b -> b blocked only once a is.
    # b owns 25 % of c, a owns 25 % of c -> c blocked only once a and b are.
    graph = g(
        ("b", "c", "owns", 25.0),
        ("a", "c", "owns", 25.0),
        ("a", "b", "owns", 30.0),
        ("y", "b", "owns", 20.0),
        ("x", "a", "owns", 30.0),
        ("y", "a", "owns", 20.0),
    )
    found = {f.party: f for f in ofac_50_percent(graph, {"x", "y"})}
    assert set(found) == {"a", "b", "c"}
    assert found["c"].holders == (("a", 25.0), ("b", 25.0))
    assert found["c"].path[-1] == "c" and found["c"].path[0] in {"x", "y"}
    assert len(found["c"].path) == 4 or len(found["c"].path) == 3


# --- control ------------------------------------------------------------------------------------


def test_control_alone_not_under_ofac_but_captured_by_eu_uk() -> None:
    graph = g(("sdn", "co", "controls", None), ("co", "sub", "owns", 60.0))
    assert ofac_50_percent(graph, {"sdn"}) == []
    found = {f.party: f for f in eu_uk_owned_or_controlled(graph, {"sdn"})}
    assert set(found) == {"co", "sub"}
    assert found["co"].basis == "control" and found["co"].share is None
    assert found["co"].path == ("sdn", "co")
    assert found["sub"].path == ("sdn", "co", "sub")


# --- cycles -------------------------------------------------------------------------------------


def test_cycles_terminate() -> None:
    graph = g(
        ("sdn", "a", "owns", 60.0),
        ("a", "b", "owns", 60.0),
        ("b", "a", "owns", 30.0),
        ("b", "b", "owns", 10.0),
        ("a", "b", "controls", None),
        ("b", "a", "maker-of", None),
    )
    assert ids(ofac_50_percent(graph, {"sdn"})) == {"a", "b"}
    assert ids(eu_uk_owned_or_controlled(graph, {"sdn"})) == {"a", "b"}
    assert ids(eu_owned_or_controlled_2024(graph, {"sdn"})) == {"a", "b"}
    assert ids(risk_reach(graph, "a")) == {"b"}
    ups = {u.ancestor for u in upstream(graph, "a")}
    assert ups == {"sdn", "b"}


# --- risk reach and upstream --------------------------------------------------------------------


def test_risk_reach_majority_owned_controlled_and_brands() -> None:
    graph = g(
        ("parent", "sub", "owns", 51.0),
        ("parent", "minority", "owns", 40.0),
        ("parent", "jv", "controls", None),
        ("parent", "brand-a", "maker-of", None),
        ("sub", "brand-b", "maker-of", None),
        ("minority", "brand-c", "maker-of", None),
    )
    found = {f.party: f for f in risk_reach(graph, "parent")}
    assert set(found) == {"sub", "jv", "brand-a", "brand-b"}
    assert found["sub"].rule == "majority-owned" and found["sub"].share == 51.0
    assert found["jv"].rule == "controlled"
    assert found["brand-b"].rule == "maker-of"
    assert found["brand-b"].path == ("parent", "sub", "brand-b")
    assert "makes" in found["brand-b"].explanation


def test_upstream_owners_with_effective_share_and_makers() -> None:
    graph = g(
        ("state", "holding", "owns", 40.0),
        ("holding", "maker", "owns", 50.0),
        ("fund", "maker", "owns", 10.0),
        ("boss", "maker", "controls", None),
        ("maker", "brand", "maker-of", None),
    )
    ups = {u.ancestor: u for u in upstream(graph, "maker")}
    assert set(ups) == {"state", "holding", "fund", "boss"}
    assert ups["holding"].share == 50.0
    assert ups["state"].share == 20.0  # 40 % of 50 %
    assert ups["state"].path == ("state", "holding", "maker")
    assert ups["state"].kinds == ("owns", "owns")
    assert ups["boss"].role == "controller" and ups["boss"].share is None

    brand_ups = {u.ancestor: u for u in upstream(graph, "brand")}
    assert brand_ups["maker"].role == "maker" and brand_ups["maker"].share is None
    assert brand_ups["state"].path == ("state", "holding", "maker", "brand")
    assert brand_ups["state"].share is None  # not an ownership chain all the way


def test_upstream_sums_parallel_paths() -> None:
    graph = g(
        ("top", "a", "owns", 100.0),
        ("top", "b", "owns", 50.0),
        ("a", "co", "owns", 20.0),
        ("b", "co", "owns", 40.0),
    )
    ups = {u.ancestor: u for u in upstream(graph, "co")}
    assert ups["top"].share == 40.0  # 20 + 50 % of 40


# --- from the register --------------------------------------------------------------------------


def test_from_session_keeps_relations_in_force(store: Store) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with store.session() as session:
        for pid in ("sdn", "co", "old", "later"):
            session.add(
                PartyRow(
                    id=pid,
                    name=pid,
                    kind="company",
                    roles=[],
                    aliases=[],
                    identifiers={},
                    created_at=now,
                    updated_at=now,
                )
            )
        session.flush()
        session.add_all(
            [
                RelationRow(source_id="sdn", target_id="co", kind="owns", share=50.0),
                RelationRow(
                    source_id="sdn",
                    target_id="old",
                    kind="owns",
                    share=90.0,
                    until=date(2025, 6, 30),
                ),
                RelationRow(
                    source_id="sdn",
                    target_id="later",
                    kind="owns",
                    share=90.0,
                    since=date(2027, 1, 1),
                    until=date(2030, 1, 1),
                ),
            ]
        )
    with store.session() as session:
        graph = OwnershipGraph.from_session(session, as_of=date(2026, 1, 1))
    assert {(e.source, e.target) for e in graph.edges} == {("sdn", "co")}
    assert ids(ofac_50_percent(graph, {"sdn"})) == {"co"}


# --- dated tests (lists/data/ownership_rules.yml) -----------------------------------------------


def _test(jurisdiction: str, on: date = date(2026, 12, 7)) -> OwnershipTest:
    found = ownership_test_on(jurisdiction, on)
    assert found is not None
    return found


def test_eu_2024_aggregates_two_designated_owners_and_shows_the_sum() -> None:
    graph = g(("x", "co", "owns", 30.0), ("y", "co", "owns", 25.0))
    result = apply_test(graph, {"x", "y"}, _test("EU"))
    found = result.finding("co")
    assert found is not None and found.rule == "eu-best-practices-2024" and found.share == 55.0
    assert "x 30 % + y 25 % = 55 % ≥ 50 %" in found.explanation
    assert "aggregated" in found.explanation
    # before 3 July 2024 the EU test was "more than 50 %": exactly 50 % was not owned
    half = g(("x", "co", "owns", 25.0), ("y", "co", "owns", 25.0))
    assert apply_test(half, {"x", "y"}, _test("EU", date(2024, 7, 2))).findings == ()
    assert apply_test(half, {"x", "y"}, _test("EU")).finding("co") is not None


def test_uk_does_not_add_up_two_designated_persons_but_names_the_near_miss() -> None:
    graph = g(("x", "co", "owns", 30.0), ("y", "co", "owns", 30.0))
    result = apply_test(graph, {"x", "y"}, _test("UK"))
    assert result.findings == ()
    assert "x 30 % + y 30 % = 60 % > 50 % only if added up" in result.near_misses["co"]
    assert "joint arrangement" in result.near_misses["co"]
    exactly = apply_test(g(("x", "co", "owns", 50.0)), {"x"}, _test("UK"))
    assert exactly.findings == ()  # more than 50 %
    one = apply_test(g(("x", "co", "owns", 50.5)), {"x"}, _test("UK"))
    found = one.finding("co")
    assert found is not None and "x: x 50.5 % = 50.5 % > 50 %" in found.explanation


def test_ofac_dated_test_matches_the_50_percent_rule_and_ignores_control() -> None:
    graph = g(
        ("sdn", "mid", "owns", 50.0), ("mid", "leaf", "owns", 50.0), ("sdn", "c", "controls", None)
    )
    result = apply_test(graph, {"sdn"}, _test("US"))
    assert (
        {f.party for f in result.findings}
        == ids(ofac_50_percent(graph, {"sdn"}))
        == {"mid", "leaf"}
    )
    leaf = result.finding("leaf")
    assert leaf is not None and leaf.path == ("sdn", "mid", "leaf")
    assert "mid 50 % = 50 % ≥ 50 % (OFAC 50 Percent Rule" in leaf.explanation


def test_a_blank_share_is_unknown_never_zero() -> None:
    graph = g(
        ("sdn", "co", "owns", None), ("sdn", "mid", "owns", 60.0), ("mid", "co", "owns", None)
    )
    result = apply_test(graph, {"sdn"}, _test("US"))
    assert result.finding("co") is None
    assert dict(result.unknown["co"]) == {"sdn": ("sdn",), "mid": ("sdn", "mid")}


# --- BIS Affiliates Rule holdings ---------------------------------------------------------------

EL = Listing(
    "EL", "us-csl:el", "Listed Co", "All items subject to the EAR.", "Presumption of denial."
)
MEU = Listing("MEU", "us-csl:meu", "Military Co", "Supp. 2 items", "see §744.21(e)")


def test_affiliates_indirect_chain_through_a_captured_entity() -> None:
    graph = g(("el", "mid", "owns", 60.0), ("mid", "party", "owns", 50.0), ("el", "other", "owns", 40.0),
              ("other", "party2", "owns", 100.0))  # fmt: skip
    [holding] = affiliates_holdings(graph, {"el": (EL,)}, "party")
    assert (holding.holder, holding.share, holding.listings, holding.path) == (
        "mid",
        50.0,
        (EL,),
        ("el", "mid"),
    )
    found = affiliates_finding([holding], on=date(2026, 12, 7), party_country="CN")
    assert found.outcome == "licence-required"
    assert affiliates_holdings(graph, {"el": (EL,)}, "party2") == []  # 40 % does not pass through


def test_affiliates_aggregate_of_two_listed_owners_carries_both_listings() -> None:
    graph = g(
        ("el", "mid", "owns", 30.0), ("meu", "mid", "owns", 20.0), ("mid", "party", "owns", 100.0)
    )
    [holding] = affiliates_holdings(graph, {"el": (EL,), "meu": (MEU,)}, "party")
    assert holding.listings == (EL, MEU)
    found = affiliates_finding([holding], on=date(2026, 12, 7), party_country="AE")
    assert found.outcome == "licence-required" and found.strictest == (EL,)


def test_affiliates_unknown_share_is_kept_as_none() -> None:
    graph = g(("el", "party", "owns", None))
    [holding] = affiliates_holdings(graph, {"el": (EL,)}, "party")
    assert holding.share is None
    assert (
        affiliates_finding([holding], on=date(2026, 12, 7), party_country="CN").outcome
        == "red-flag"
    )
    assert (
        affiliates_finding([holding], on=date(2026, 6, 1), party_country="CN").outcome
        == "suspended"
    )
