"""Query construction and scoring rules of the screening benchmark (bench/queries.py)."""

from __future__ import annotations

import importlib
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from aktsam.lists.model import ListedEntity, Name, NameKind, Relation, RelationKind, Schema

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


bq = _load("queries")


def person(source: str, source_id: str, *names: Name, **kw: object) -> ListedEntity:
    return ListedEntity(source, source_id, Schema.PERSON, list(names), **kw)  # type: ignore[arg-type]


def org(source: str, source_id: str, *names: Name, **kw: object) -> ListedEntity:
    return ListedEntity(source, source_id, Schema.ORGANIZATION, list(names), **kw)  # type: ignore[arg-type]


def un_ref(ref: str) -> Relation:
    return Relation(RelationKind.SAME_AS, ref, "un-sc")


@pytest.fixture
def lists() -> list[ListedEntity]:
    return [
        person(
            "un-sc",
            "QDi.001",
            Name("Abdul Rahman Yasin"),
            Name("Abdul Rahman S. Taha", NameKind.ALIAS),
            Name("ABDUL RAHMAN YASIN", NameKind.ALIAS),  # same after normalisation as the primary
            Name("Aboud", NameKind.WEAK_ALIAS),
            birth_dates=["1960"],
            nationalities=["iq"],
        ),
        person(
            "uk-hmt",
            "7001",
            Name("YASIN, Abdul Rahman"),
            Name("TAHA, Abdul Rahman S.", NameKind.ALIAS),
            relations=[un_ref("QDi.001")],
            birth_dates=["1960-04-10"],
            nationalities=["iq"],
        ),
        person(
            "eu-fsf",
            "123",
            Name("Abdul Rahman Yasin"),
            relations=[un_ref("QDi.001")],
        ),
        # a UK entry citing a UN reference that is not in the UN file (delisted): no query, no link
        person("uk-hmt", "7002", Name("Someone Delisted"), relations=[un_ref("QDi.999")]),
        # the EU writes some references without zero padding
        person("eu-fsf", "124", Name("Abdul Rahman YASIN"), relations=[un_ref("QDi.1")]),
        org(
            "ofac-sdn",
            "555",
            Name("GREEN PINE ASSOCIATED CORPORATION"),
            Name("Chongsong Yonhap", NameKind.ALIAS),
            Name("CHONGSONG YONHAP", NameKind.ALIAS),
        ),
        org(
            "us-csl",
            "abc123",
            Name("GREEN PINE ASSOCIATED CORPORATION"),
            Name("Chongsong Yonhap", NameKind.ALIAS),
            relations=[Relation(RelationKind.SAME_AS, "555", "ofac-sdn")],
        ),
        org("ofac-sdn", "556", Name("Weak Only Org"), Name("WOO", NameKind.WEAK_ALIAS)),
        person(
            "ofac-sdn",
            "600",
            Name("Mohammed Ali Kazemi"),
            Name("Mohamad Ali Kazemi", NameKind.ALIAS),
        ),
    ]


def test_tokens_and_key_are_order_and_case_insensitive() -> None:
    assert bq.tokens("  Ḥasan, AL-ʿAlī ") == ("hasan", "al", "ali")
    assert bq.name_key("YASIN, Abdul Rahman") == bq.name_key("Abdul Rahman Yasin")


def test_twin_groups_follow_un_reference_and_ofac_uid(lists: list[ListedEntity]) -> None:
    groups = bq.twin_groups(lists)
    assert groups["un-sc:QDi.001"] == {
        "un-sc:QDi.001",
        "uk-hmt:7001",
        "eu-fsf:123",
        "eu-fsf:124",
    }
    assert groups["uk-hmt:7001"] is groups["eu-fsf:123"]
    assert groups["us-csl:abc123"] == {"us-csl:abc123", "ofac-sdn:555"}
    assert groups["uk-hmt:7002"] == {"uk-hmt:7002"}
    assert groups["ofac-sdn:600"] == {"ofac-sdn:600"}


def test_csl_link_without_source_and_as_identifier() -> None:
    from aktsam.lists.model import Identifier

    sdn = org("ofac-sdn", "1", Name("Alpha Trading"))
    cons = org("ofac-cons", "2", Name("Beta Trading"))
    a = org("us-csl", "x", Name("Alpha Trading"), relations=[Relation(RelationKind.SAME_AS, "1")])
    b = org("us-csl", "y", Name("Beta Trading"), identifiers=[Identifier("entity_number", "2")])
    groups = bq.twin_groups([sdn, cons, a, b])
    assert groups["us-csl:x"] == {"us-csl:x", "ofac-sdn:1"}
    assert groups["us-csl:y"] == {"us-csl:y", "ofac-cons:2"}


def test_cross_list_queries_target_the_un_entry_and_ignore_their_own(
    lists: list[ListedEntity],
) -> None:
    groups = bq.twin_groups(lists)
    queries = bq.cross_list_queries(
        lists, groups, from_sources=("uk-hmt", "eu-fsf"), to_sources=("un-sc",), kind="cross-un"
    )
    by_id = {q.qid: q for q in queries}
    assert set(by_id) == {"cross-un:uk-hmt:7001", "cross-un:eu-fsf:123", "cross-un:eu-fsf:124"}
    uk = by_id["cross-un:uk-hmt:7001"]
    assert uk.name == "YASIN, Abdul Rahman"
    assert uk.schema is Schema.PERSON
    assert uk.birth_date == "1960-04-10"
    assert uk.country == "iq"
    assert uk.targets == {"un-sc:QDi.001"}
    assert uk.accept == {"un-sc:QDi.001", "eu-fsf:123", "eu-fsf:124"}
    assert uk.ignore == {"uk-hmt:7001"}
    assert uk.detail == "uk-hmt->un-sc"

    csl = bq.cross_list_queries(
        lists,
        groups,
        from_sources=("us-csl",),
        to_sources=("ofac-sdn", "ofac-cons"),
        kind="cross-csl",
    )
    assert [(q.qid, q.targets) for q in csl] == [("cross-csl:us-csl:abc123", {"ofac-sdn:555"})]


def test_hold_out_removes_the_alias_from_every_twin(lists: list[ListedEntity]) -> None:
    groups = bq.twin_groups(lists)
    indexed, queries = bq.hold_out_aliases(lists, groups, rng=random.Random(3))
    by_group = {frozenset(q.targets): q for q in queries}
    # one query per twin group with >= 2 names; never the weak alias
    assert set(by_group) <= {
        groups["un-sc:QDi.001"],
        groups["ofac-sdn:555"],
        groups["ofac-sdn:600"],
    }
    assert len(queries) == len(by_group)
    entities = {e.id: e for e in indexed}
    for q in queries:
        assert q.kind == "held-out" and q.accept == q.targets and not q.ignore
        key = bq.name_key(q.name)
        for member in q.targets:
            kept = [bq.name_key(n.value) for n in entities[member].names]
            assert key not in kept, (q.name, member)
            assert kept, member
        assert any(n.kind is not NameKind.WEAK_ALIAS for n in entities[sorted(q.targets)[0]].names)
    # the original list objects are not modified
    assert len(lists[0].names) == 4


def test_hold_out_never_picks_weak_or_sole_names() -> None:
    only_weak_left = org(
        "ofac-sdn", "1", Name("Real Name Org"), Name("Shorty Weak", NameKind.WEAK_ALIAS)
    )
    single = org("ofac-sdn", "2", Name("Single Name Org"))
    groups = bq.twin_groups([only_weak_left, single])
    indexed, queries = bq.hold_out_aliases([only_weak_left, single], groups, rng=random.Random(0))
    assert queries == []
    assert indexed[0].names == only_weak_left.names


def test_hold_out_respects_excluded_groups_and_limit(lists: list[ListedEntity]) -> None:
    groups = bq.twin_groups(lists)
    _, queries = bq.hold_out_aliases(
        lists, groups, rng=random.Random(1), exclude_groups=[groups["un-sc:QDi.001"]]
    )
    assert all("un-sc:QDi.001" not in q.targets for q in queries)
    _, limited = bq.hold_out_aliases(lists, groups, rng=random.Random(1), limit=1)
    assert len(limited) == 1


def test_hold_out_is_deterministic(lists: list[ListedEntity]) -> None:
    groups = bq.twin_groups(lists)
    a = bq.hold_out_aliases(lists, groups, rng=random.Random(7))[1]
    b = bq.hold_out_aliases(lists, groups, rng=random.Random(7))[1]
    assert a == b


def test_listed_names_collision_rules(lists: list[ListedEntity]) -> None:
    listed = bq.ListedNames(lists, bq.LEGAL_AND_GENERIC)
    assert listed.collides("Green Pine Associated Corporation")  # equal
    assert listed.collides("Yasin Abdul Rahman")  # equal, reordered
    assert listed.collides("Green Pine Associated Corporation Ltd")  # equal once "ltd" is generic
    assert listed.collides("Green Pine Associated Trading")  # contains a listed name
    assert listed.collides("Pine Associated")  # contained in a listed name
    assert listed.collides("Aboud")  # weak aliases count
    assert not listed.collides("Robert Bosch GmbH")
    # generic (legal-form) tokens are left out on both sides
    canon = bq.ListedNames([org("ofac-sdn", "9", Name("Canon Ltd"))], {"inc", "ltd"})
    assert canon.collides("Canon Inc.")
    assert not canon.collides("Nikon Inc.")
    # legal forms are removed as phrases: the "Z" of "Z AXIS LLC" is part of the name
    z_axis = bq.ListedNames([org("ofac-sdn", "8", Name("Z AXIS LLC"))], bq.LEGAL_AND_GENERIC)
    assert z_axis.core("Z AXIS LLC") == {"z", "axis"}
    assert z_axis.core("Gamma Sp. z o.o.") == {"gamma"}
    assert not z_axis.collides("Axis Communications AB")
    # rigour's legal forms are removed even without a generic list
    assert bq.ListedNames([org("ofac-sdn", "9", Name("Canon Ltd"))]).collides("Canon Inc.")


def test_generic_tokens_adds_legal_forms_and_frequent_organisation_words() -> None:
    entities = [org("ofac-sdn", str(i), Name(f"Word{i} Trading Zeta")) for i in range(10)]
    entities.append(person("ofac-sdn", "p", Name("Trading Person")))
    entities.append(org("ofac-sdn", "x", Name("Alpha Beta EOOD")))
    entities.append(org("ofac-sdn", "y", Name("Gamma Sp. z o.o.")))
    legal = bq.legal_form_tokens(entities)
    assert {"eood", "ltd"} <= legal
    assert not {"z", "o"} & legal  # single letters only go with their legal form (below)
    assert not {"trading", "zeta", "alpha"} & legal
    generic = bq.generic_tokens(entities, share=0.5)
    assert {"trading", "zeta", "ltd", "eood"} <= generic
    assert "word1" not in generic


def test_company_negatives_drop_listed_names() -> None:
    entities = [
        org("ofac-sdn", "1", Name("CANON")),
        org("ofac-sdn", "2", Name("SECURITAS AB")),
        org("us-csl", "3", Name("ALMACEN ELECTRO SONY STAR")),
        org("us-csl", "4", Name("IS?Vision")),
    ]
    queries, dropped = bq.company_negatives(bq.ListedNames(entities, bq.LEGAL_AND_GENERIC))
    assert dropped == ["Securitas AB", "Canon Inc."]  # exactly a listed name, legal form aside
    kept = [q.name for q in queries]
    assert "Sony Group Corporation" in kept  # part of a longer listed name: still a fair negative
    assert "Hanwha Vision Co., Ltd." in kept  # shares a word with a listed name: fair negative
    assert "Robert Bosch GmbH" in kept
    assert all(q.kind == "neg-company" and not q.positive for q in queries)


def test_fuzzy_collision_catches_spelling_variants_of_listed_names(
    lists: list[ListedEntity],
) -> None:
    listed = bq.ListedNames([*lists, person("un-sc", "TAi.169", Name("YAHYA HAQQANI"))])
    assert not listed.collides("Yahia Haqqani")
    assert listed.collides("Yahia Haqqani", fuzzy=bq.FUZZY_COLLISION)
    assert not listed.collides("Olga Haqqani", fuzzy=bq.FUZZY_COLLISION)
    # given + family name of a listed person, whatever the middle names
    assert listed.collides("Mohamed Kazemi", fuzzy=bq.FUZZY_COLLISION)


@pytest.mark.parametrize(
    ("caption", "family"),
    [
        ("YASIN, Abdul Rahman", ["yasin"]),
        ("BEDOYA LOPEZ, Gildardo de Jesus", ["bedoya", "lopez"]),
        ("Ruslan Abdulvakhievich LECHKHADZHIEV", ["lechkhadzhiev"]),
        ("ABID HAMID MAHMUD AL-TIKRITI", ["tikriti"]),
        ("Osama bin Laden", ["laden"]),
        ("Ali Abdullah AL-SALEH", ["al", "saleh"]),
    ],
)
def test_family_name_positions(caption: str, family: list[str]) -> None:
    toks = bq.tokens(caption)
    assert [toks[i] for i in bq.family_name_positions(caption)] == family


def test_synthetic_and_perturbed_negatives_are_not_listed(lists: list[ListedEntity]) -> None:
    pairs = [
        ("Ahmad", "Karimi"),
        ("Hassan", "Nasser"),
        ("Ivan", "Petrov"),
        ("Olga", "Sidorova"),
        ("Boris", "Zhukov"),
    ]
    extra = [
        person("ofac-sdn", str(1000 + i), Name(f"{g} {f}")) for i, (g, f) in enumerate(pairs)
    ] + [
        org("ofac-sdn", "2000", Name("Golden Star Shipping Trading LLC")),
        org("ofac-sdn", "2001", Name("Blue Ocean Petroleum Trading Ltd")),
        org("ofac-sdn", "2002", Name("Zarya Aviation Trading")),
    ]
    entities = lists + extra
    generic = bq.LEGAL_AND_GENERIC | {"trading"}
    listed = bq.ListedNames(entities, generic)
    pools = bq.TokenPools.from_entities(entities, generic)
    assert "trading" not in pools.org and "llc" not in pools.org
    synth = bq.synthetic_negatives(pools, listed, rng=random.Random(2), count=10)
    pert = bq.perturbed_negatives(entities, pools, listed, rng=random.Random(2), count=10)
    assert synth and pert
    for q in [*synth, *pert]:
        assert not q.positive
        assert not listed.collides(q.name), q.name
    assert len({q.qid for q in synth}) == len(synth)
    assert synth == bq.synthetic_negatives(pools, listed, rng=random.Random(2), count=10)
    frequency = pools.person_tokens() + pools.org
    for q in pert:
        source = next(e for e in entities if e.id == q.detail.split(" from ")[1])
        toks = bq.tokens(source.caption)
        after = set(bq.tokens(q.name))
        if source.schema is Schema.PERSON:
            gone = {toks[i] for i in bq.family_name_positions(source.caption) if len(toks[i]) > 2}
        else:
            words = [t for t in toks if len(t) > 2 and t not in generic]
            gone = {min(words, key=lambda t: (frequency.get(t, 0), words.index(t)))}
        assert gone and not gone & after, (source.caption, q.name)  # the distinctive part is gone
        assert set(toks) & after  # and the rest of the name is kept


def test_held_out_detail_says_whether_the_name_shares_a_word_with_kept_names() -> None:
    entity = person(
        "ofac-sdn",
        "1",
        Name("Mohammed Ali Kazemi"),
        Name("Abu Hamza", NameKind.ALIAS),
    )
    groups = bq.twin_groups([entity])
    details: set[str] = set()
    for seed in range(20):
        _, queries = bq.hold_out_aliases([entity], groups, rng=random.Random(seed))
        details.update(q.detail for q in queries)
    assert details == {"primary/disjoint", "alias/disjoint"}
    other = person("ofac-sdn", "2", Name("Mohammed Ali Kazemi"), Name("Ali Kazemi", NameKind.ALIAS))
    _, queries = bq.hold_out_aliases([other], bq.twin_groups([other]), rng=random.Random(0))
    assert queries[0].detail.endswith("/overlap")


def test_build_query_set_counts_and_determinism(lists: list[ListedEntity]) -> None:
    a = bq.build_query_set(lists, seed=5, synthetic=4, perturbed=4)
    b = bq.build_query_set(lists, seed=5, synthetic=4, perturbed=4)
    assert a.queries == b.queries
    counts = a.counts()
    assert counts["cross-un"] == 3 and counts["cross-csl"] == 1
    # groups used by cross-list queries keep their names
    held = [q for q in a.queries if q.kind == "held-out"]
    assert all(not (q.targets & {"un-sc:QDi.001", "ofac-sdn:555"}) for q in held)
    assert counts["neg-company"] > 100


def test_evaluate_counts_recall_precision_top1_and_ignores_self_hits() -> None:
    Q = bq.BenchQuery
    queries = [
        Q(
            "a",
            "cross-un",
            "x",
            Schema.PERSON,
            targets=frozenset({"un:1"}),
            accept=frozenset({"un:1", "eu:1"}),
            ignore=frozenset({"uk:1"}),
        ),
        Q(
            "b",
            "held-out",
            "y",
            Schema.PERSON,
            targets=frozenset({"sdn:2"}),
            accept=frozenset({"sdn:2"}),
        ),
        Q("c", "neg-company", "z", Schema.ORGANIZATION),
        Q("d", "held-out", "w", None, targets=frozenset({"sdn:4"}), accept=frozenset({"sdn:4"})),
    ]
    hits = {
        "a": [("uk:1", 1.0), ("eu:1", 0.95), ("un:1", 0.9), ("sdn:9", 0.8)],
        "b": [("sdn:7", 0.9), ("sdn:2", 0.85), ("sdn:8", 0.5)],  # 0.5 is under the threshold
        "c": [("sdn:3", 0.75)],
        "d": [],
    }
    names = {
        "sdn:7": ["Same Name"],
        "sdn:2": ["same  NAME"],
        "sdn:9": ["Other"],
        "un:1": ["x"],
        "eu:1": ["x"],
    }
    ev = bq.evaluate(queries, hits, threshold=0.7, names=names)
    t = ev.total
    assert (t.queries, t.positives, t.recalled) == (4, 3, 2)
    assert t.ignored_hits == 1
    assert (t.hits, t.true_hits) == (6, 3)  # a: eu, un, sdn:9 | b: sdn:7, sdn:2 | c: sdn:3
    assert (t.with_hit, t.top1_true, t.with_false) == (3, 1, 3)
    assert t.recall == pytest.approx(2 / 3)
    assert t.precision == pytest.approx(0.5)
    assert t.top1_precision == pytest.approx(1 / 3)
    assert ev.by_kind["held-out"].positives == 2 and ev.by_kind["held-out"].recalled == 1
    assert (ev.top_fp_queries, ev.top_fp_same_name) == (2, 1)  # b's sdn:7 shares a name with sdn:2
    assert ev.negative_alerts == [("c", "z", "sdn:3", 0.75)]
    assert t.dup_hits == 1  # b's sdn:7
    assert t.lenient_precision == pytest.approx(4 / 6)
    assert bq.evaluate(queries, hits, threshold=0.95).total.hits == 1  # eu:1 only (uk:1 ignored)


def test_samples_are_stratified_and_deterministic() -> None:
    Q = bq.BenchQuery
    queries = [Q(f"h{i}", "held-out", "n", None) for i in range(100)] + [
        Q(f"c{i}", "neg-company", "n", None) for i in range(10)
    ]
    sample = bq.stratified_sample(queries, 40, seed=1)
    assert len(sample) == 40
    assert sum(q.kind == "neg-company" for q in sample) == 10
    assert sample == bq.stratified_sample(queries, 40, seed=1)
    limited = bq.limit_queries(queries, 55, seed=1)
    assert sum(q.kind == "held-out" for q in limited) == 50
    assert sum(q.kind == "neg-company" for q in limited) == 5


# ------------------------------------------------------------------------------------------------
# nomenklatura harness (bench/screening.py)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bs() -> ModuleType:
    pytest.importorskip("nomenklatura")
    return _load("screening")


def test_entity_to_ftm_keeps_name_kinds_and_person_facts(bs: ModuleType) -> None:
    entity = person(
        "un-sc",
        "QDi.001",
        Name("Abdul Rahman Yasin"),
        Name("Abdul Rahman S. Taha", NameKind.ALIAS),
        Name("Aboud", NameKind.WEAK_ALIAS),
        Name("عبد الرحمن ياسين", NameKind.ORIGINAL_SCRIPT),
        Name("Old Name", NameKind.FORMER),
        birth_dates=["1960"],
        nationalities=["iq"],
        countries=["iq"],
    )
    proxy = bs.entity_to_ftm(entity)
    assert proxy.schema.name == "Person"
    assert proxy.id == "un-sc:QDi.001"
    assert proxy.get("name") == ["Abdul Rahman Yasin"]
    assert set(proxy.get("alias")) == {"Abdul Rahman S. Taha", "عبد الرحمن ياسين"}
    assert proxy.get("weakAlias") == ["Aboud"]
    assert proxy.get("previousName") == ["Old Name"]
    assert proxy.get("birthDate") == ["1960"]
    assert proxy.get("nationality") == ["iq"]
    company = bs.entity_to_ftm(org("ofac-sdn", "1", Name("Green Pine"), birth_dates=["1999"]))
    assert company.schema.name == "Organization" and not company.get("birthDate", quiet=True)


def test_query_to_ftm(bs: ModuleType) -> None:
    q = bq.BenchQuery("q1", "cross-un", "YASIN, Abdul Rahman", Schema.PERSON, "1960-04-10", "iq")
    proxy = bs.query_to_ftm(q)
    assert proxy.schema.name == "Person"
    assert proxy.get("name") == ["YASIN, Abdul Rahman"]
    assert proxy.get("birthDate") == ["1960-04-10"] and proxy.get("country") == ["iq"]
    assert (
        bs.query_to_ftm(bq.BenchQuery("q2", "held-out", "X Y", None)).schema.name == "LegalEntity"
    )


def test_logic_v2_scores_a_true_pair_above_and_a_false_pair_below_threshold(bs: ModuleType) -> None:
    compare = bs.nomenklatura_scorer()
    listed = bs.entity_to_ftm(
        person("un-sc", "1", Name("Abdul Rahman Yasin"), birth_dates=["1960"], nationalities=["iq"])
    )
    same = bs.query_to_ftm(
        bq.BenchQuery("a", "cross-un", "YASIN, Abdul Rahman", Schema.PERSON, "1960-04-10", "iq")
    )
    other = bs.query_to_ftm(bq.BenchQuery("b", "neg-synthetic", "Olga Petrova", Schema.PERSON))
    assert compare(same, listed) >= bs.NK_THRESHOLD
    assert compare(other, listed) < bs.NK_THRESHOLD


def test_run_nomenklatura_adds_truth_to_candidates_and_thresholds(
    bs: ModuleType, lists: list[ListedEntity]
) -> None:
    groups = bq.twin_groups(lists)
    queries = [
        *bq.cross_list_queries(
            lists, groups, from_sources=("uk-hmt",), to_sources=("un-sc",), kind="cross-un"
        ),
        bq.BenchQuery("neg", "neg-company", "Robert Bosch GmbH", Schema.ORGANIZATION),
    ]
    entities = {e.id: e for e in lists}
    # aktsam "found" only an unrelated entity for the UK query, and a company for the negative
    candidates = {
        "cross-un:uk-hmt:7001": [("ofac-sdn:600", 0.4)],
        "neg": [("ofac-sdn:555", 0.3)],
    }
    run = bs.run_nomenklatura(queries, entities, candidates)
    assert run.truth_added == 3  # un-sc:QDi.001, eu-fsf:123, eu-fsf:124
    assert run.pairs == 5
    scored = dict(run.scores["cross-un:uk-hmt:7001"])
    assert set(scored) == {"ofac-sdn:600", "un-sc:QDi.001", "eu-fsf:123", "eu-fsf:124"}
    assert scored["un-sc:QDi.001"] >= bs.NK_THRESHOLD > scored["ofac-sdn:600"]
    assert "neg" not in run.hits
    ev = bq.evaluate(queries, run.hits, threshold=bs.NK_THRESHOLD)
    assert ev.total.recall == 1.0
    assert ev.total.precision == 1.0


def test_paired_bootstrap_brackets_the_difference() -> None:
    queries = [
        bq.BenchQuery(
            f"q{i}",
            "held-out",
            "n",
            None,
            targets=frozenset({f"e{i}"}),
            accept=frozenset({f"e{i}"}),
        )
        for i in range(50)
    ]
    a = {f"q{i}": [(f"e{i}", 0.9)] for i in range(40)}  # recall 0.8, precision 1
    b = {f"q{i}": [(f"e{i}", 0.9), ("x", 0.8)] for i in range(30)}  # recall 0.6, precision 0.5
    ci = bq.paired_bootstrap(queries, a, b, threshold_a=0.7, threshold_b=0.7, resamples=200)
    assert ci["recall"].estimate == pytest.approx(0.2)
    assert ci["recall"].low <= 0.2 <= ci["recall"].high
    assert ci["recall"].low > 0
    assert ci["precision"].estimate == pytest.approx(0.5)
    same = bq.paired_bootstrap(queries, a, a, threshold_a=0.7, threshold_b=0.7, resamples=50)
    assert same["recall"] == bq.Interval(0.0, 0.0, 0.0)


def test_arabic_leak_flags(bs: ModuleType) -> None:
    kept = person("un-sc", "1", Name("Muhammad Ali"), Name("محمد علي", NameKind.ORIGINAL_SCRIPT))
    latin = person("un-sc", "2", Name("Hasan Nur"))
    queries = [
        bq.BenchQuery("a", "held-out", "Mohamed Ali", None, targets=frozenset({"un-sc:1"})),
        bq.BenchQuery("b", "held-out", "حسن نور", None, targets=frozenset({"un-sc:2"})),
        bq.BenchQuery("c", "held-out", "Hasan Nour", None, targets=frozenset({"un-sc:2"})),
        bq.BenchQuery("d", "cross-un", "محمد", None, targets=frozenset({"un-sc:1"})),
    ]
    indexed = {e.id: e for e in (kept, latin)}
    flags = bs.arabic_leak_flags(queries, indexed, {"محمد": 1, "علي": 40, "حسن": 12}, str)
    assert flags == {"a": True, "b": False}
    table = bs.arabic_table_support()
    if table is not None:  # aktsam's table, when it ships one
        support, fold = table
        assert support and all(v >= 1 for v in support.values())
        assert isinstance(fold("محمد"), str)
