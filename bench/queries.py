"""Benchmark query sets built from the sanctions lists themselves, and the rules that score them.

Everything here is deterministic for a given seed and list content, and importable without numpy or
the matcher, so the rules can be unit-tested on small hand-made entity sets
(``tests/bench/test_queries.py``).

Query kinds (see ``bench/README.md`` for the full rationale):

``held-out``
    One name (never a weak alias, never one identical after simple normalisation to a name the
    entity keeps) is removed from an entity *and from every explicitly linked twin of it* before
    indexing; the removed name is the query. Correct: the entity's twin group.
``cross-un``
    A UK or EU entry citing a UN reference number that exists in the UN list: the UK/EU primary
    name, schema, first birth date and country are the query. Must find the UN entry.
``cross-csl``
    A trade.gov CSL row whose ``entity_number`` is an OFAC uid: the CSL name, schema, birth date
    and country are the query. Must find the OFAC entry.
``neg-company``
    Real, well-known, non-listed company names. Every hit is a false positive.
``neg-synthetic``
    Names assembled from list tokens drawn by their frequency in the lists (first names, surnames,
    organisation words). Every hit is a false positive.
``neg-perturbed``
    A listed name with one token replaced by a dissimilar frequent token of the same role (a
    different surname, a different company word). Every hit is a false positive.

Scoring rules:

* ``targets``: the entities whose presence among the hits makes a positive query *recalled*;
* ``accept``: hits on these are true hits for precision: the target's twin group, i.e. entities
  that the lists themselves link as the same designation (UN reference number, OFAC uid);
* ``ignore``: the entity the query text was copied from (cross-list kinds). A hit on it proves
  nothing and is neither a true nor a false hit;
* every other hit is a false positive, including hits on an unlinked duplicate of the same person
  in another list. :func:`evaluate` reports how often the top false positive has a name identical
  (after simple normalisation) to a name of an accepted entity, as a diagnostic of that rule's cost.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

from aktsam.lists.designations import link_targets, twin_groups
from aktsam.lists.model import ListedEntity, NameKind, Schema

KINDS: tuple[str, ...] = (
    "held-out",
    "cross-un",
    "cross-csl",
    "neg-company",
    "neg-synthetic",
    "neg-perturbed",
)
POSITIVE_KINDS: frozenset[str] = frozenset({"held-out", "cross-un", "cross-csl"})

#: Well-known companies that are not on any sanctions list bundled with aktsam (checked at build
#: time:
#: a name that normalises to a listed name, or whose tokens contain or are contained in a listed
#: name's
#: tokens, is dropped and reported). Security/video, industrial, consumer, finance, from many
#: countries.
NEGATIVE_COMPANIES: tuple[str, ...] = (
    "Axis Communications AB",
    "Robert Bosch GmbH",
    "Milestone Systems A/S",
    "Securitas AB",
    "Hanwha Vision Co., Ltd.",
    "Canon Inc.",
    "Sony Group Corporation",
    "Motorola Solutions Inc.",
    "Genetec Inc.",
    "Avigilon Corporation",
    "Honeywell International Inc.",
    "Johnson Controls International plc",
    "Assa Abloy AB",
    "Allegion plc",
    "Verkada Inc.",
    "Mobotix AG",
    "Panasonic Holdings Corporation",
    "Vivotek Inc.",
    "Pelco Inc.",
    "Ericsson AB",
    "Nokia Oyj",
    "Siemens AG",
    "Schneider Electric SE",
    "ABB Ltd",
    "Philips N.V.",
    "Koninklijke KPN N.V.",
    "Volvo Car Corporation",
    "Scania AB",
    "Atlas Copco AB",
    "Sandvik AB",
    "H&M Hennes & Mauritz AB",
    "IKEA of Sweden AB",
    "Spotify Technology S.A.",
    "Nestle S.A.",
    "Novartis AG",
    "Roche Holding AG",
    "Logitech International S.A.",
    "Swatch Group AG",
    "Unilever PLC",
    "Tesco PLC",
    "Vodafone Group Plc",
    "BT Group plc",
    "Rolls-Royce Holdings plc",
    "Diageo plc",
    "Marks and Spencer Group plc",
    "Sainsbury's Supermarkets Ltd",
    "Carrefour SA",
    "Danone S.A.",
    "L'Oreal S.A.",
    "Michelin SCA",
    "Thales S.A.",
    "Dassault Systemes SE",
    "Orange S.A.",
    "Volkswagen AG",
    "Bayerische Motoren Werke AG",
    "Mercedes-Benz Group AG",
    "BASF SE",
    "Bayer AG",
    "Deutsche Telekom AG",
    "Adidas AG",
    "Zeiss Group",
    "Infineon Technologies AG",
    "SAP SE",
    "Heidelberg Materials AG",
    "Telefonica S.A.",
    "Inditex S.A.",
    "Banco Santander S.A.",
    "Iberdrola S.A.",
    "Enel S.p.A.",
    "Ferrari N.V.",
    "Pirelli & C. S.p.A.",
    "Luxottica Group S.p.A.",
    "Lego A/S",
    "Novo Nordisk A/S",
    "Maersk Line A/S",
    "Carlsberg A/S",
    "Vestas Wind Systems A/S",
    "Equinor ASA",
    "Telenor ASA",
    "Kone Oyj",
    "Stora Enso Oyj",
    "Heineken N.V.",
    "ASML Holding N.V.",
    "Anheuser-Busch InBev SA/NV",
    "Solvay SA",
    "Erste Group Bank AG",
    "Red Bull GmbH",
    "CD Projekt S.A.",
    "Skoda Auto a.s.",
    "Toyota Motor Corporation",
    "Honda Motor Co., Ltd.",
    "Nintendo Co., Ltd.",
    "Hitachi, Ltd.",
    "Fujitsu Limited",
    "Nikon Corporation",
    "Olympus Corporation",
    "Ricoh Company, Ltd.",
    "Kyocera Corporation",
    "Mitsubishi Electric Corporation",
    "Yamaha Corporation",
    "Shiseido Company, Limited",
    "Uniqlo Co., Ltd.",
    "Samsung Electronics Co., Ltd.",
    "LG Electronics Inc.",
    "Hyundai Motor Company",
    "Kia Corporation",
    "Naver Corporation",
    "Taiwan Semiconductor Manufacturing Company Limited",
    "Acer Incorporated",
    "ASUSTeK Computer Inc.",
    "Infosys Limited",
    "Tata Consultancy Services Limited",
    "Wipro Limited",
    "Mahindra & Mahindra Ltd.",
    "Embraer S.A.",
    "Natura &Co Holding S.A.",
    "Grupo Bimbo S.A.B. de C.V.",
    "Cemex S.A.B. de C.V.",
    "Shopify Inc.",
    "Bombardier Inc.",
    "Canadian National Railway Company",
    "BHP Group Limited",
    "Atlassian Corporation",
    "Fisher & Paykel Healthcare Corporation Limited",
    "Naspers Limited",
    "Apple Inc.",
    "Microsoft Corporation",
    "Alphabet Inc.",
    "Amazon.com, Inc.",
    "Cisco Systems, Inc.",
    "Intel Corporation",
    "Oracle Corporation",
    "International Business Machines Corporation",
    "Johnson & Johnson",
    "The Procter & Gamble Company",
    "The Coca-Cola Company",
    "PepsiCo, Inc.",
    "Walmart Inc.",
    "Costco Wholesale Corporation",
    "Starbucks Corporation",
    "Nike, Inc.",
    "General Electric Company",
    "3M Company",
    "Caterpillar Inc.",
    "Deere & Company",
    "Ford Motor Company",
    "Netflix, Inc.",
    "Adobe Inc.",
    "Salesforce, Inc.",
    "Zebra Technologies Corporation",
    "Cognex Corporation",
    "Ubiquiti Inc.",
    "Eagle Eye Networks, Inc.",
    "Brivo Systems LLC",
    "Idemia Group",
    "Gallagher Group Limited",
    "Nedap N.V.",
    "HID Global Corporation",
    "Dormakaba Holding AG",
)

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(name: str) -> tuple[str, ...]:
    """Simple normalisation: NFKC, case-fold, transliterate to ASCII, split on non-alphanumerics."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return tuple(_TOKEN.findall(anyascii(text).lower()))


def name_key(name: str) -> str:
    """Order-insensitive normalised form: ``"SMITH, John"`` and ``"John Smith"`` share a key."""
    return " ".join(sorted(tokens(name)))


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One query of the benchmark, with what counts as a correct answer."""

    qid: str
    kind: str
    name: str
    schema: Schema | None
    birth_date: str | None = None
    country: str | None = None
    targets: frozenset[str] = frozenset()  # a hit on one of these recalls the query
    accept: frozenset[str] = frozenset()  # hits on these are true hits (targets + linked twins)
    ignore: frozenset[str] = frozenset()  # the entity the query text was copied from
    detail: str = ""  # e.g. "uk-hmt->un-sc", "alias", "original_script"

    @property
    def positive(self) -> bool:
        return bool(self.targets)


@dataclass(slots=True)
class QuerySet:
    """The entities to index (held-out names removed) and the queries to run against them."""

    entities: list[ListedEntity]
    queries: list[BenchQuery]
    groups: dict[str, frozenset[str]]  # entity id -> its twin group (itself included)
    dropped_companies: list[str] = field(default_factory=list)  # negatives found on a list
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counter = Counter(q.kind for q in self.queries)
        return {kind: counter.get(kind, 0) for kind in KINDS}


# --------------------------------------------------------------------------------------------------
# Twins: entities that the lists themselves say are the same designation
# --------------------------------------------------------------------------------------------------

# link_targets, twin_groups and _ref_variants are the product's (aktsam.lists.designations): screening
# merges the hits of one designation with the same rules.

# --------------------------------------------------------------------------------------------------
# Query construction
# --------------------------------------------------------------------------------------------------


def _first(values: Iterable[str]) -> str | None:
    for value in values:
        if value:
            return value
    return None


def _country(entity: ListedEntity) -> str | None:
    return _first(entity.nationalities) or _first(entity.countries)


def _letters(name: str) -> int:
    return sum(len(t) for t in tokens(name))


def cross_list_queries(
    entities: Sequence[ListedEntity],
    groups: Mapping[str, frozenset[str]],
    *,
    from_sources: Sequence[str],
    to_sources: Sequence[str],
    kind: str,
) -> list[BenchQuery]:
    """One query per entity of ``from_sources`` explicitly linked to an entity of ``to_sources``.

    The query is the entity's caption (primary name), schema, first birth date and country. Targets
    are the linked entities of ``to_sources``; the query's own entity is ignored; the rest of the
    group is accepted.
    """
    by_id = {e.id: e for e in entities}
    ids = frozenset(by_id)
    out: list[BenchQuery] = []
    for entity in sorted(entities, key=lambda e: e.id):
        if entity.source not in from_sources or not entity.names:
            continue
        linked = [t for t in link_targets(entity, ids) if by_id[t].source in to_sources]
        if not linked:
            continue
        group = groups.get(entity.id, frozenset({entity.id}))
        targets = frozenset(i for i in group if by_id[i].source in to_sources)
        name = entity.caption
        if not tokens(name):
            continue
        out.append(
            BenchQuery(
                qid=f"{kind}:{entity.id}",
                kind=kind,
                name=name,
                schema=entity.schema if entity.schema is not Schema.UNKNOWN else None,
                birth_date=_first(entity.birth_dates),
                country=_country(entity),
                targets=targets,
                accept=group - {entity.id},
                ignore=frozenset({entity.id}),
                detail=f"{entity.source}->{'/'.join(sorted({by_id[t].source for t in targets}))}",
            )
        )
    return out


def hold_out_aliases(
    entities: Sequence[ListedEntity],
    groups: Mapping[str, frozenset[str]],
    *,
    rng: random.Random,
    limit: int | None = None,
    exclude_groups: Iterable[frozenset[str]] = (),
    min_letters: int = 4,
) -> tuple[list[ListedEntity], list[BenchQuery]]:
    """Remove one name from up to ``limit`` entities (and every twin) and make it a query.

    Eligible names: not weak, not enriched, at least ``min_letters`` letters/digits, and not
    identical after :func:`name_key` normalisation to any name the twin group keeps. The entity must
    keep at least one non-weak name. At most one name is held out per twin group; groups in
    ``exclude_groups`` (used by the cross-list queries) are left intact. Returns the entities to
    index and the queries.
    """
    excluded: set[str] = set()
    for group in exclude_groups:
        excluded.update(group)
    by_id = {e.id: e for e in entities}
    seen_groups: set[frozenset[str]] = set()
    candidates: list[tuple[frozenset[str], ListedEntity]] = []
    for entity in sorted(entities, key=lambda e: e.id):
        group = groups.get(entity.id, frozenset({entity.id}))
        if entity.id in excluded or group in seen_groups or len(entity.names) < 2:
            continue
        seen_groups.add(group)
        candidates.append((group, entity))
    rng.shuffle(candidates)

    removals: dict[str, str] = {}  # entity id -> name key removed from it
    queries: list[BenchQuery] = []
    for group, entity in candidates:
        if limit is not None and len(queries) >= limit:
            break
        eligible = [
            n
            for n in entity.names
            if n.kind not in (NameKind.WEAK_ALIAS, NameKind.ENRICHED)
            and _letters(n.value) >= min_letters
        ]
        rng.shuffle(eligible)
        for name in eligible:
            key = name_key(name.value)
            # what every member of the group would keep once every name with this key is removed
            kept_ok = True
            for member_id in group:
                member = by_id[member_id]
                kept = [n for n in member.names if name_key(n.value) != key]
                if member_id == entity.id and not any(
                    n.kind is not NameKind.WEAK_ALIAS for n in kept
                ):
                    kept_ok = False
                    break
                if member_id != entity.id and not kept:
                    kept_ok = False
                    break
            if not kept_ok:
                continue
            for member_id in group:
                removals[member_id] = key
            kept_tokens = {
                t
                for member_id in group
                for n in by_id[member_id].names
                if name_key(n.value) != key
                for t in tokens(n.value)
            }
            overlap = "overlap" if set(tokens(name.value)) & kept_tokens else "disjoint"
            queries.append(
                BenchQuery(
                    qid=f"held-out:{entity.id}",
                    kind="held-out",
                    name=name.value,
                    schema=entity.schema if entity.schema is not Schema.UNKNOWN else None,
                    targets=group,
                    accept=group,
                    detail=f"{name.kind.value}/{overlap}",
                )
            )
            break

    indexed: list[ListedEntity] = []
    for entity in entities:
        removed = removals.get(entity.id)
        if removed is None:
            indexed.append(entity)
        else:
            indexed.append(
                replace(entity, names=[n for n in entity.names if name_key(n.value) != removed])
            )
    return indexed, queries


#: Legal forms and generic organisation words (hand list). :func:`generic_tokens` adds the tokens
#: that are frequent in the lists' organisation names.
# fmt: off
LEGAL_AND_GENERIC = frozenset(
    [
        "ab", "ag", "as", "asa", "sa", "se", "nv", "bv", "plc", "ltd", "limited", "inc",
        "incorporated", "corp", "corporation", "co", "company", "llc", "gmbh", "spa", "oyj", "sca",
        "sab", "de", "cv", "the", "and", "of", "group", "holding", "holdings", "international",
        "a", "s", "p", "c", "liability", "joint", "stock", "jsc", "ojsc", "cjsc", "pjsc", "ooo",
        "oao", "zao", "pao", "ao", "llp", "lp", "pte", "pvt", "private", "sdn", "bhd", "srl",
        "sarl", "sas", "kft", "doo", "fze", "fzco", "fzc", "dmcc", "tic", "sirketi", "ltda", "cia",
        "eood", "ood", "ead", "ad", "sro", "spol",
    ]
)
# fmt: on


def legal_form_tokens(entities: Iterable[ListedEntity]) -> frozenset[str]:
    """:data:`LEGAL_AND_GENERIC` and the words of the legal forms rigour finds in the lists'
    organisation names (``eood``, ``sarl``...)."""
    from rigour.names import extract_org_types

    found: set[str] = set()
    for entity in entities:
        if entity.schema is not Schema.ORGANIZATION:
            continue
        for name in entity.names:
            for form, _ in extract_org_types(name.value):
                found.update(t for t in tokens(form) if len(t) > 1)
    return LEGAL_AND_GENERIC | found


def generic_tokens(entities: Sequence[ListedEntity], *, share: float = 0.0025) -> frozenset[str]:
    """:func:`legal_form_tokens` plus the tokens in at least ``share`` of the lists' organisation
    names: words that say what kind of organisation a name is, not which one (``trading``,
    ``industries``, but also ``iran``). Used to pick the words generated negatives draw and replace,
    not for collision checks (it would reduce "Iran Communications Industries" to "communications").
    """
    df: Counter[str] = Counter()
    count = 0
    for entity in entities:
        if entity.schema is not Schema.ORGANIZATION:
            continue
        for name in entity.names:
            if name.kind in (NameKind.WEAK_ALIAS, NameKind.ENRICHED):
                continue
            count += 1
            df.update(set(tokens(name.value)))
    frequent = {t for t, c in df.items() if count and c >= share * count}
    return legal_form_tokens(entities) | frequent


#: Similarity above which a generated negative's word counts as a spelling of a listed word.
FUZZY_COLLISION = 0.7


class ListedNames:
    """All listed names (weak aliases included) as token sets, to check that a negative query is
    not a listed name. Checks use *core* tokens: the name's tokens less ``generic`` ones (legal
    forms, :func:`legal_form_tokens`)."""

    def __init__(self, entities: Iterable[ListedEntity], generic: Iterable[str] = ()) -> None:
        self.generic = frozenset(generic)
        self.sets: set[frozenset[str]] = set()
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.by_position: list[frozenset[str]] = []
        for entity in entities:
            for name in entity.names:
                toks = self.core(name.value)
                if not toks or toks in self.sets:
                    continue
                self.sets.add(toks)
                for tok in toks:
                    self.postings[tok].add(len(self.by_position))
                self.by_position.append(toks)

    def core(self, name: str) -> frozenset[str]:
        """The name's tokens less its legal form (rigour's ``remove_org_types``) and the generic
        ones (all its tokens if nothing else is left)."""
        from rigour.names import remove_org_types

        toks = frozenset(tokens(name))
        core = frozenset(tokens(remove_org_types(name, replacement=" "))) - self.generic
        return core or toks

    def is_listed(self, name: str) -> bool:
        """True when ``name``'s core tokens are exactly those of a listed name (any order)."""
        return self.core(name) in self.sets

    def collides(self, name: str, *, contained: bool = True, fuzzy: float | None = None) -> bool:
        """True when ``name``'s core tokens equal, contain or are contained in a listed name's.

        So "Canon Inc." collides with a listed "CANON LTD" (legal forms left out) and "Ali Reza"
        with a listed "Ali Reza Hosseini". ``contained=False`` skips the last case.
        ``fuzzy``: also collide when a listed name shares a core token with ``name`` and each of
        ``name``'s core tokens has a listed token with normalised Levenshtein similarity at least
        ``fuzzy`` (so "Yahia Haqqani" collides with a listed "YAHYA HAQQANI").
        """
        toks = self.core(name)
        if not toks:
            return True
        # a listed name contained in the query (subsets of the query's tokens, up to 5 tokens long)
        limited = sorted(toks)[:12]
        for size in range(1, min(len(limited), 5) + 1):
            for combo in combinations(limited, size):
                if frozenset(combo) in self.sets:
                    return True
        postings = [self.postings.get(t, set()) for t in toks]
        if fuzzy is not None:
            shared: set[int] = set().union(*postings)
            if len(shared) <= 5000:
                for position in shared:
                    listed = self.by_position[position]
                    if all(
                        any(Levenshtein.normalized_similarity(t, u) >= fuzzy for u in listed)
                        for t in toks
                    ):
                        return True
        if not contained:
            return False
        # the query contained in a listed name
        if any(not p for p in postings):
            return False
        postings.sort(key=len)
        common = set(postings[0])
        for p in postings[1:]:
            common &= p
            if not common:
                return False
        return bool(common)


def company_negatives(listed: ListedNames) -> tuple[list[BenchQuery], list[str]]:
    """The :data:`NEGATIVE_COMPANIES` that are not listed names (and those that are, dropped).

    Only an exact listed name (legal form aside, any word order) drops a company: "Lego A/S" next
    to a listed "LEGO INVESTMENTS EOOD", or "Hanwha Vision" next to a listed "IS VISION", are the
    real companies' names and a hit on those entries is a false alert.
    """
    out: list[BenchQuery] = []
    dropped: list[str] = []
    for i, name in enumerate(NEGATIVE_COMPANIES):
        if listed.is_listed(name):
            dropped.append(name)
            continue
        out.append(
            BenchQuery(
                qid=f"neg-company:{i:03d}",
                kind="neg-company",
                name=name,
                schema=Schema.ORGANIZATION,
            )
        )
    return out, dropped


@dataclass(slots=True)
class TokenPools:
    """Token frequencies by role, from the lists' non-weak names (generic words left out)."""

    given: Counter[str]
    family: Counter[str]
    middle: Counter[str]
    org: Counter[str]
    person_lengths: Counter[int]
    org_lengths: Counter[int]
    generic: frozenset[str] = frozenset()

    @classmethod
    def from_entities(
        cls, entities: Iterable[ListedEntity], generic: Iterable[str] = LEGAL_AND_GENERIC
    ) -> TokenPools:
        skip = frozenset(generic)
        pools = cls(Counter(), Counter(), Counter(), Counter(), Counter(), Counter(), skip)
        for entity in entities:
            for name in entity.names:
                if name.kind in (NameKind.WEAK_ALIAS, NameKind.ENRICHED):
                    continue
                toks = [t for t in tokens(name.value) if len(t) > 2 and not t.isdigit()]
                if entity.schema is Schema.PERSON:
                    if len(toks) < 2:
                        continue
                    pools.given[toks[0]] += 1
                    pools.family[toks[-1]] += 1
                    pools.middle.update(toks[1:-1])
                    pools.person_lengths[min(len(toks), 4)] += 1
                elif entity.schema is Schema.ORGANIZATION:
                    words = [t for t in toks if t not in skip]
                    if not words:
                        continue
                    pools.org.update(words)
                    pools.org_lengths[max(2, min(len(words), 4))] += 1
        return pools

    def person_tokens(self) -> Counter[str]:
        return self.given + self.family + self.middle


def _draw(
    rng: random.Random, counter: Counter[str], cache: dict[int, tuple[list[str], list[int]]]
) -> str:
    key = id(counter)
    if key not in cache:
        items = sorted(counter.items())
        cache[key] = ([k for k, _ in items], [v for _, v in items])
    population, weights = cache[key]
    return rng.choices(population, weights=weights, k=1)[0]


def synthetic_negatives(
    pools: TokenPools, listed: ListedNames, *, rng: random.Random, count: int
) -> list[BenchQuery]:
    """``count`` names assembled from list tokens by frequency, none colliding with a listed name.

    Half persons (given + optional middle + family name), half organisations (2–4 organisation
    words, generic words excluded). A person is also dropped when a listed name contains its given
    and family name (fuzzily): a different middle name alone does not make a clear negative.
    """
    cache: dict[int, tuple[list[str], list[int]]] = {}
    out: list[BenchQuery] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        person = len(out) % 2 == 0
        if person:
            if not pools.given or not pools.family:
                continue
            parts = [_draw(rng, pools.given, cache)]
            if pools.middle and rng.random() < 0.4:
                parts.append(_draw(rng, pools.middle, cache))
            parts.append(_draw(rng, pools.family, cache))
            schema = Schema.PERSON
        else:
            if not pools.org:
                continue
            length = rng.choices(
                sorted(pools.org_lengths), [pools.org_lengths[k] for k in sorted(pools.org_lengths)]
            )[0]
            parts = [_draw(rng, pools.org, cache) for _ in range(length)]
            schema = Schema.ORGANIZATION
        if len(set(parts)) < len(parts):
            continue
        name = " ".join(p.capitalize() for p in parts)
        key = name_key(name)
        if key in seen or listed.collides(name, fuzzy=FUZZY_COLLISION):
            continue
        if person and listed.collides(f"{parts[0]} {parts[-1]}", fuzzy=FUZZY_COLLISION):
            continue  # a listed person with this given and family name (other middle names)
        seen.add(key)
        out.append(
            BenchQuery(
                qid=f"neg-synthetic:{len(out):05d}",
                kind="neg-synthetic",
                name=name,
                schema=schema,
                detail=schema.value,
            )
        )
    return out


_UPPER_WORD = re.compile(r"^[^a-z]*[A-Z][^a-z]*$")


def family_name_positions(caption: str) -> list[int]:
    """Token positions (as :func:`tokens` splits ``caption``) of a person's family name.

    Lists write it before a comma (``"YASIN, Abdul Rahman"``), in capitals in a mixed-case name
    (``"Ruslan Abdulvakhievich LECHKHADZHIEV"``), or last (``"ABID HAMID MAHMUD AL-TIKRITI"``).
    """
    positions: list[int] = []
    offset = 0
    if "," in caption:
        head = caption.split(",", 1)[0]
        return list(range(len(tokens(head))))
    words = caption.split()
    mixed = any(_UPPER_WORD.match(w) for w in words) and any(
        not _UPPER_WORD.match(w) for w in words
    )
    for word in words:
        count = len(tokens(word))
        if mixed and _UPPER_WORD.match(word) and sum(c.isalpha() for c in word) > 1:
            positions.extend(range(offset, offset + count))
        offset += count
    if positions:
        return positions
    total = len(tokens(caption))
    return [total - 1] if total else []


def _replaceable(token: str, generic: frozenset[str]) -> bool:
    return len(token) > 2 and not token.isdigit() and token not in generic


def perturbed_negatives(
    entities: Sequence[ListedEntity],
    pools: TokenPools,
    listed: ListedNames,
    *,
    rng: random.Random,
    count: int,
    max_similarity: float = 0.5,
    rare: int = 20,
) -> list[BenchQuery]:
    """``count`` listed primary names with their distinctive part replaced: hard negatives.

    Persons: every family-name word (:func:`family_name_positions`; words of 3+ letters) is
    replaced, so given names and patronymics stay: a different person with a list-like name.
    Organisations: the rarest non-generic word (two when there are four or more) is replaced.
    Replacements are rare words of the same role (occurring at most ``rare`` times in the lists),
    not in the name already, with normalised Levenshtein similarity to the replaced word at most
    ``max_similarity`` (a different word, not a spelling variant). The name must keep at least one
    original word and must not collide with any listed name, fuzzily
    (:meth:`ListedNames.collides`); for persons, given + new family name must not either.
    """
    cache: dict[int, tuple[list[str], list[int]]] = {}
    person_counter = pools.person_tokens()
    rare_person = Counter({t: c for t, c in pools.family.items() if c <= rare})
    rare_org = Counter({t: c for t, c in pools.org.items() if c <= rare})
    frequency = person_counter + pools.org
    pool = sorted(
        (e for e in entities if e.schema in (Schema.PERSON, Schema.ORGANIZATION) and e.names),
        key=lambda e: e.id,
    )
    out: list[BenchQuery] = []
    seen: set[str] = set()
    attempts = 0
    while pool and len(out) < count and attempts < count * 50:
        attempts += 1
        entity = rng.choice(pool)
        caption = re.sub(r"\(.*?\)", " ", entity.caption)  # "Lom-ali Butayev (Butaev)"
        toks = list(tokens(caption))

        if entity.schema is Schema.PERSON:
            counter = rare_person
            chosen = [
                i
                for i in family_name_positions(caption)
                if i < len(toks) and _replaceable(toks[i], pools.generic)
            ][:2]
        else:
            counter = rare_org
            words = sorted(
                (i for i in range(len(toks)) if _replaceable(toks[i], pools.generic)),
                key=lambda i: (frequency.get(toks[i], 0), i),
            )
            chosen = words[: 1 if len(words) < 4 else 2] if len(words) >= 2 else []
        kept = [t for i, t in enumerate(toks) if i not in chosen and _replaceable(t, pools.generic)]
        if not chosen or not kept or not counter:
            continue
        parts = list(toks)
        ok = True
        for position in chosen:
            new = _draw(rng, counter, cache)
            if new in parts or Levenshtein.normalized_similarity(new, toks[position]) > (
                max_similarity
            ):
                ok = False
                break
            parts[position] = new
        if not ok:
            continue
        name = " ".join(p.capitalize() for p in parts)
        key = name_key(name)
        if key in seen or listed.collides(name, fuzzy=FUZZY_COLLISION):
            continue
        if entity.schema is Schema.PERSON:
            given = next(parts[i] for i in range(len(parts)) if i not in chosen)
            family = " ".join(parts[i] for i in chosen)
            if listed.collides(f"{given} {family}", fuzzy=FUZZY_COLLISION):
                continue  # a listed person with this given and family name (other middle names)
        seen.add(key)
        out.append(
            BenchQuery(
                qid=f"neg-perturbed:{len(out):05d}",
                kind="neg-perturbed",
                name=name,
                schema=entity.schema,
                detail=f"{entity.schema.value} from {entity.id}",
            )
        )
    return out


def build_query_set(
    entities: Sequence[ListedEntity],
    *,
    seed: int = 1,
    held_out: int | None = 5000,
    cross_csl: int | None = 1500,
    synthetic: int = 1500,
    perturbed: int = 1500,
) -> QuerySet:
    """The whole benchmark: twins, cross-list, held-out aliases and negatives, deterministically."""
    rng = random.Random(seed)
    groups = twin_groups(entities)
    notes: list[str] = []

    cross_un = cross_list_queries(
        entities, groups, from_sources=("uk-hmt", "eu-fsf"), to_sources=("un-sc",), kind="cross-un"
    )
    csl_all = cross_list_queries(
        entities,
        groups,
        from_sources=("us-csl",),
        to_sources=("ofac-sdn", "ofac-cons"),
        kind="cross-csl",
    )
    csl = (
        sorted(rng.sample(csl_all, cross_csl), key=lambda q: q.qid)
        if cross_csl is not None and len(csl_all) > cross_csl
        else csl_all
    )
    if len(csl) < len(csl_all):
        notes.append(f"cross-csl: {len(csl)} of {len(csl_all)} linked CSL rows sampled")

    by_id = {e.id: e for e in entities}
    used_groups = [groups[next(iter(q.ignore))] for q in (*cross_un, *csl) if q.ignore]
    indexed, held = hold_out_aliases(
        entities, groups, rng=rng, limit=held_out, exclude_groups=used_groups
    )
    if used_groups:
        notes.append(
            f"held-out: {len({i for g in used_groups for i in g})} entities in groups used by "
            "cross-list "
            "queries were not eligible (their names stay intact)"
        )

    listed = ListedNames(by_id.values(), legal_form_tokens(entities))
    pools = TokenPools.from_entities(entities, generic_tokens(entities))
    companies, dropped = company_negatives(listed)
    synth = synthetic_negatives(pools, listed, rng=rng, count=synthetic)
    pert = perturbed_negatives(entities, pools, listed, rng=rng, count=perturbed)

    queries = [*held, *cross_un, *csl, *companies, *synth, *pert]
    return QuerySet(
        entities=indexed, queries=queries, groups=groups, dropped_companies=dropped, notes=notes
    )


def stratified_sample(queries: Sequence[BenchQuery], n: int, *, seed: int) -> list[BenchQuery]:
    """``n`` queries spread as evenly as possible over kinds (leftover quota to larger kinds)."""
    if n >= len(queries):
        return list(queries)
    rng = random.Random(seed)
    by_kind: dict[str, list[BenchQuery]] = defaultdict(list)
    for q in queries:
        by_kind[q.kind].append(q)
    kinds = sorted(by_kind, key=lambda k: len(by_kind[k]))
    quota: dict[str, int] = {}
    remaining = n
    for i, kind in enumerate(kinds):
        share = remaining // (len(kinds) - i)
        quota[kind] = min(share, len(by_kind[kind]))
        remaining -= quota[kind]
    out: list[BenchQuery] = []
    for kind in sorted(by_kind):
        out.extend(rng.sample(by_kind[kind], quota[kind]))
    return out


def limit_queries(queries: Sequence[BenchQuery], n: int, *, seed: int) -> list[BenchQuery]:
    """At most ``n`` queries, each kind cut in proportion to its size (at least one per kind)."""
    if n >= len(queries):
        return list(queries)
    rng = random.Random(seed)
    by_kind: dict[str, list[BenchQuery]] = defaultdict(list)
    for q in queries:
        by_kind[q.kind].append(q)
    out: list[BenchQuery] = []
    for kind in sorted(by_kind):
        take = max(1, round(len(by_kind[kind]) * n / len(queries)))
        out.extend(rng.sample(by_kind[kind], min(take, len(by_kind[kind]))))
    return out


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------

Hits = Mapping[str, Sequence[tuple[str, float]]]  # query id -> [(entity id, score)], best first


@dataclass(slots=True)
class KindStats:
    queries: int = 0
    positives: int = 0
    recalled: int = 0
    hits: int = 0
    true_hits: int = 0
    ignored_hits: int = 0
    with_hit: int = 0  # queries with at least one counted hit
    top1_true: int = 0
    with_false: int = 0  # queries with at least one false hit (for negatives: the alert rate)
    dup_hits: int = 0  # false hits sharing an exact normalised name with a correct entity

    @property
    def recall(self) -> float | None:
        return self.recalled / self.positives if self.positives else None

    @property
    def precision(self) -> float | None:
        return self.true_hits / self.hits if self.hits else None

    @property
    def lenient_precision(self) -> float | None:
        """Precision counting ``dup_hits`` (probable unlinked duplicates, namesakes) as true."""
        return (self.true_hits + self.dup_hits) / self.hits if self.hits else None

    @property
    def top1_precision(self) -> float | None:
        return self.top1_true / self.with_hit if self.with_hit else None

    @property
    def false_hits(self) -> int:
        return self.hits - self.true_hits

    def add(self, other: KindStats) -> None:
        for name in (
            "queries",
            "positives",
            "recalled",
            "hits",
            "true_hits",
            "ignored_hits",
            "with_hit",
            "top1_true",
            "with_false",
            "dup_hits",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class Evaluation:
    total: KindStats
    by_kind: dict[str, KindStats]
    by_detail: dict[str, KindStats]
    top_fp_queries: int  # positive queries whose best counted false hit exists
    top_fp_same_name: (
        int  # ... of which that entity shares a normalised name with an accepted entity
    )
    negative_alerts: list[
        tuple[str, str, str, float]
    ]  # (qid, query name, entity id, score), worst first


def score_query(
    query: BenchQuery,
    found: Sequence[tuple[str, float]],
    *,
    threshold: float,
    keys: Callable[[str], frozenset[str]] | None = None,
) -> tuple[KindStats, list[tuple[str, float]]]:
    """One query's counts (hits at or above ``threshold``) and its false hits, best first.

    ``keys`` (entity id → normalised names before hold-out) enables ``dup_hits``.
    """
    stats = KindStats(queries=1, positives=int(query.positive))
    counted = [
        (eid, score) for eid, score in sorted(found, key=lambda h: -h[1]) if score >= threshold
    ]
    stats.ignored_hits = sum(1 for eid, _ in counted if eid in query.ignore)
    counted = [h for h in counted if h[0] not in query.ignore]
    stats.hits = len(counted)
    stats.true_hits = sum(1 for eid, _ in counted if eid in query.accept)
    if query.positive and any(eid in query.targets for eid, _ in counted):
        stats.recalled = 1
    if counted:
        stats.with_hit = 1
        stats.top1_true = int(counted[0][0] in query.accept)
    false = [(eid, s) for eid, s in counted if eid not in query.accept]
    stats.with_false = int(bool(false))
    if false and keys is not None and query.accept:
        accepted: set[str] = set()
        for eid in query.accept:
            accepted |= keys(eid)
        stats.dup_hits = sum(1 for eid, _ in false if keys(eid) & accepted)
    return stats, false


def evaluate(
    queries: Sequence[BenchQuery],
    hits: Hits,
    *,
    threshold: float,
    names: Mapping[str, Sequence[str]] | None = None,
) -> Evaluation:
    """Recall, precision and top-1 precision of ``hits`` at ``threshold``.

    Hits below ``threshold`` are dropped here too, so one hit list can be scored at several
    thresholds. ``names`` (entity id → its names, before hold-out) enables the same-name diagnostic
    for false positives and the lenient precision.
    """
    total = KindStats()
    by_kind: dict[str, KindStats] = {k: KindStats() for k in KINDS}
    by_detail: dict[str, KindStats] = defaultdict(KindStats)
    top_fp = 0
    top_fp_same = 0
    alerts: list[tuple[str, str, str, float]] = []
    keys = _key_function(names) if names is not None else None

    for query in queries:
        stats, false = score_query(query, hits.get(query.qid, ()), threshold=threshold, keys=keys)
        if query.positive and false and keys is not None:
            top_fp += 1
            accepted: set[str] = set()
            for eid in query.accept:
                accepted |= keys(eid)
            if keys(false[0][0]) & accepted:
                top_fp_same += 1
        if not query.positive and false:
            alerts.append((query.qid, query.name, false[0][0], false[0][1]))
        total.add(stats)
        by_kind.setdefault(query.kind, KindStats()).add(stats)
        by_detail[f"{query.kind}/{query.detail.split(' ')[0]}"].add(stats)
    alerts.sort(key=lambda a: -a[3])
    return Evaluation(total, by_kind, dict(by_detail), top_fp, top_fp_same, alerts)


def _key_function(names: Mapping[str, Sequence[str]]) -> Callable[[str], frozenset[str]]:
    cache: dict[str, frozenset[str]] = {}

    def keys(entity_id: str) -> frozenset[str]:
        found = cache.get(entity_id)
        if found is None:
            found = frozenset(name_key(n) for n in names.get(entity_id, ()))
            cache[entity_id] = found
        return found

    return keys


@dataclass(frozen=True, slots=True)
class Interval:
    estimate: float
    low: float
    high: float


def paired_bootstrap(
    queries: Sequence[BenchQuery],
    hits_a: Hits,
    hits_b: Hits,
    *,
    threshold_a: float,
    threshold_b: float,
    names: Mapping[str, Sequence[str]] | None = None,
    resamples: int = 1000,
    seed: int = 1,
) -> dict[str, Interval]:
    """95% percentile bootstrap intervals of A − B for recall, precision and lenient precision,
    resampling queries (the same resample for both systems)."""
    keys = _key_function(names) if names is not None else None
    rows: list[tuple[int, int, int, int, int, int, int, int, int]] = []
    for q in queries:
        a, _ = score_query(q, hits_a.get(q.qid, ()), threshold=threshold_a, keys=keys)
        b, _ = score_query(q, hits_b.get(q.qid, ()), threshold=threshold_b, keys=keys)
        rows.append(
            (
                a.positives,
                a.recalled,
                a.hits,
                a.true_hits,
                a.dup_hits,
                b.recalled,
                b.hits,
                b.true_hits,
                b.dup_hits,
            )
        )

    def metrics(sample: Sequence[tuple[int, ...]]) -> tuple[float, float, float]:
        pos = sum(r[0] for r in sample) or 1
        ha = sum(r[2] for r in sample) or 1
        hb = sum(r[6] for r in sample) or 1
        recall = (sum(r[1] for r in sample) - sum(r[5] for r in sample)) / pos
        precision = sum(r[3] for r in sample) / ha - sum(r[7] for r in sample) / hb
        lenient = (sum(r[3] + r[4] for r in sample) / ha) - (sum(r[7] + r[8] for r in sample) / hb)
        return recall, precision, lenient

    rng = random.Random(seed)
    estimate = metrics(rows)
    draws = [metrics(rng.choices(rows, k=len(rows))) for _ in range(resamples)] if rows else []
    out: dict[str, Interval] = {}
    for i, name in enumerate(("recall", "precision", "lenient_precision")):
        values = sorted(d[i] for d in draws) or [estimate[i]]
        low = values[int(0.025 * (len(values) - 1))]
        high = values[int(0.975 * (len(values) - 1))]
        out[name] = Interval(estimate[i], low, high)
    return out
