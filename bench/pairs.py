"""Hard name pairs: aktsam's ``compare`` against nomenklatura ``logic-v2``, one name pair at a time.

Usage (from the repository root, in the venv with the ``bench`` extra)::

    python bench/pairs.py [--per-kind N] [--seed S] [--lists un-sc eu-fsf ...]
                          [--shipped-arabic-table] [--save]

The pairs are built from the official lists in ``data/lists/`` (parsed with aktsam's parsers) and
labelled by construction; nothing is hand-labelled (details: ``bench/README.md``):

``alias`` (positive)
    Two names of one entity, or of two entities of one twin group (entries the lists link as one
    designation, :func:`aktsam.lists.designations.twin_groups`), in the same script, whose token
    sets share at most half the tokens of the shorter name (and that are no ``spelling`` pair).
``translit`` (positive)
    Two names of one entity or twin group, one in Latin script, the other in another script
    (Cyrillic, Arabic, Han, Greek...).
``spelling`` (positive)
    Two Latin-script names of one entity or twin group whose ``token_sort_ratio`` is 70..97.
``near-miss`` (negative)
    Names of two entities of the same schema and of different twin groups, with
    ``token_sort_ratio`` >= 85 but not the same name.
``shared-word`` (negative)
    Names of two entities of the same schema and of different twin groups that share a rare,
    distinctive word and nothing else (their other words are not spellings of each other).

Every pair is scored with ``aktsam.screening.matcher.compare(name1, name2, schema)`` and with
nomenklatura's ``logic-v2`` on two FollowTheMoney entities that carry the name only (the same
schema on both sides). A pair is predicted "same" at a score of at least 0.7, both systems'
default. Precision, recall and F1 come with a paired bootstrap interval of the F1 difference.

aktsam romanises Arabic with a word table mined from these same lists, so by default it scores
with that table re-mined without the entries of the pairs involving Arabic script (as
``bench/screening.py`` does for its held-out names); the report gives those pairs' recall with
both tables (``--shipped-arabic-table`` swaps them).

Everything is deterministic for a given ``--seed`` and list content: no iteration over sets or
hash order decides anything, and every random choice comes from a ``random.Random`` seeded with
the seed and the kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, TypeVar

from rapidfuzz import fuzz

import queries as bq
import screening as bs
from aktsam.lists.designations import twin_groups
from aktsam.lists.model import ListedEntity, NameKind, Schema
from aktsam.screening.scripts import ARABIC, LATIN, MIXED, detect_script

POSITIVE_KINDS: tuple[str, ...] = ("alias", "translit", "spelling")
NEGATIVE_KINDS: tuple[str, ...] = ("near-miss", "shared-word")
KINDS: tuple[str, ...] = POSITIVE_KINDS + NEGATIVE_KINDS

THRESHOLD = bs.THRESHOLD  # aktsam's default threshold (0.7)
NK_THRESHOLD = bs.NK_THRESHOLD  # yente's SCORE_THRESHOLD for logic-v2 (0.7)

#: ``spelling``: ``token_sort_ratio`` of the two names (simple normalisation) in this range.
SPELLING_MIN = 70.0
SPELLING_MAX = 97.0
#: ``alias``: shared tokens at most this share of the shorter name's tokens, and not every token
#: of the shorter name respelled in the other (fuzz.ratio >= RESPELLED_MIN).
ALIAS_MAX_OVERLAP = 0.5
RESPELLED_MIN = 75.0
#: ``near-miss``: ``token_sort_ratio`` at least this, and at least NEAR_MISS_CORE_MIN without
#: legal forms (``LIMITED LIABILITY COMPANY RI2`` / ``... STORK`` is no near miss).
NEAR_MISS_MIN = 85.0
NEAR_MISS_CORE_MIN = 75.0
#: ``shared-word``: the shared word is in the names of 2..RARE_MAX_GROUPS twin groups (same schema).
RARE_MAX_GROUPS = 20
#: ``shared-word``: other words this similar (fuzz.ratio) count as spellings of each other.
OTHER_WORDS_MAX_RATIO = 80.0
#: Tokens in at least this share of a schema's names (and at least GENERIC_MIN_COUNT) are
#: generic (``muhammad``, ``trading``).
GENERIC_SHARE = 0.0025
GENERIC_MIN_COUNT = 5
#: Caps that keep the run short: names per twin group (positives), distinct names per block
#: (near misses), names per rare word (shared words).
MAX_NAMES_PER_GROUP = 30
BLOCK_CAP = 1500
WORD_CAP = 30
MIN_LETTERS_LATIN = 4
MIN_LETTERS_OTHER = 2  # Han names have 2-4 characters

_ALNUM = re.compile(r"[^0-9A-Za-z]+")

T = TypeVar("T")


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """NFKC, case-folded, whitespace collapsed: two names equal in this form are the same name."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass(frozen=True, slots=True)
class ListName:
    """One listed name with what pair building needs."""

    value: str
    kind: NameKind
    entity: str
    group: str  # the twin group's smallest entity id
    schema: Schema
    script: str  # aktsam.screening.scripts.detect_script
    tokens: tuple[str, ...]  # bench/queries.py simple normalisation
    key: str  # the tokens sorted and joined (bench/queries.py ``name_key``)
    norm: str  # :func:`normalise`
    core: str  # :func:`core_key`
    register: str  # the list and, for the US CSL, the underlying list: ``us-csl/Entity List ...``
    lang: str | None = None


def _letters(name: str) -> int:
    return sum(1 for c in name if c.isalnum())


def register(entity: ListedEntity) -> str:
    """The list an entry is on: its source, and for consolidated lists the underlying list."""
    return f"{entity.source}/{entity.sublist}" if entity.sublist else entity.source


def core_key(name: str, schema: Schema) -> str:
    """The name key without legal forms (rigour's ``remove_org_types``) and ``bench/queries.py``'s
    generic organisation words; a person's name is all core."""
    if schema is Schema.PERSON:
        return bq.name_key(name)
    from rigour.names import remove_org_types

    core = [t for t in bq.tokens(remove_org_types(name)) if t not in bq.LEGAL_AND_GENERIC]
    return " ".join(sorted(core))


def group_ids(
    entities: Sequence[ListedEntity], groups: Mapping[str, frozenset[str]]
) -> dict[str, str]:
    """Entity id -> its twin group's smallest id (entities without twins: their own id)."""
    return {e.id: min(groups.get(e.id, frozenset({e.id}))) for e in entities}


def list_names(
    entities: Sequence[ListedEntity], groups: Mapping[str, frozenset[str]]
) -> list[ListName]:
    """The names pairs are made of: not weak aliases, not aktsam-enriched, at least 4 letters or
    digits (2 outside Latin script), at least one token. In the entities' order."""
    gid = group_ids(entities, groups)
    out: list[ListName] = []
    for entity in entities:
        for name in entity.names:
            if name.kind in (NameKind.WEAK_ALIAS, NameKind.ENRICHED):
                continue
            script = detect_script(name.value)
            minimum = MIN_LETTERS_LATIN if script == LATIN else MIN_LETTERS_OTHER
            toks = bq.tokens(name.value)
            if _letters(name.value) < minimum or not toks:
                continue
            out.append(
                ListName(
                    value=name.value,
                    kind=name.kind,
                    entity=entity.id,
                    group=gid[entity.id],
                    schema=entity.schema,
                    script=script,
                    tokens=toks,
                    key=" ".join(sorted(toks)),
                    norm=normalise(name.value),
                    core=core_key(name.value, entity.schema),
                    register=register(entity),
                    lang=name.lang,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """What a twin group says about itself, to keep plausible duplicates out of the negatives."""

    keys: frozenset[str]  # name keys of every name, weak aliases included
    birth_dates: frozenset[str]  # full dates only (YYYY-MM-DD)
    identifiers: frozenset[str]  # identifier values, alphanumerics only, upper case, >= 5 long


def group_facts(
    entities: Sequence[ListedEntity], groups: Mapping[str, frozenset[str]]
) -> dict[str, GroupFacts]:
    gid = group_ids(entities, groups)
    keys: dict[str, set[str]] = defaultdict(set)
    dates: dict[str, set[str]] = defaultdict(set)
    idents: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        g = gid[entity.id]
        keys[g].update(bq.name_key(n.value) for n in entity.names)
        dates[g].update(d for d in entity.birth_dates if len(d) == 10)
        for ident in entity.identifiers:
            value = _ALNUM.sub("", ident.value).upper()
            if len(value) >= 5:
                idents[g].add(value)
    return {
        g: GroupFacts(frozenset(keys[g]), frozenset(dates[g]), frozenset(idents[g]))
        for g in dict.fromkeys(gid.values())
    }


def distinct_negative(a: ListName, b: ListName, facts: Mapping[str, GroupFacts]) -> bool:
    """True when ``a`` and ``b`` can be a negative pair: two entries of one list (:func:`register`)
    in two twin groups, one schema, not the same name, neither name a name (any kind) of the
    other's group, and no full birth date or identifier in common.

    One list gives one designation one entry, so two entries of one list are two designations.
    Two lists often give one designation two entries that nothing links (OFAC does not cite UN
    reference numbers): across lists, ``Malik Mohammed ISHAQ`` / ``Malik Muhammad ISHAQ`` would be
    labelled a negative although it is one person.
    """
    if a.group == b.group or a.schema is not b.schema or a.key == b.key:
        return False
    if a.register != b.register:
        return False
    fa, fb = facts[a.group], facts[b.group]
    if a.key in fb.keys or b.key in fa.keys:
        return False
    return not (fa.birth_dates & fb.birth_dates or fa.identifiers & fb.identifiers)


def pair_schema(a: Schema, b: Schema) -> Schema | None:
    """The schema a positive pair is scored with: the common one, or the known one when the other
    entry is of unknown kind; None when the two entries disagree (the pair is skipped)."""
    if a is b:
        return a
    if a is Schema.UNKNOWN:
        return b
    if b is Schema.UNKNOWN:
        return a
    return None


def generic_tokens(
    names: Iterable[ListName], share: float = GENERIC_SHARE
) -> dict[Schema, set[str]]:
    """Per schema: ``bench/queries.py``'s legal forms and generic words plus the tokens found in at
    least ``share`` of the schema's names (and in at least :data:`GENERIC_MIN_COUNT`)."""
    df: dict[Schema, Counter[str]] = defaultdict(Counter)
    count: Counter[Schema] = Counter()
    for n in names:
        count[n.schema] += 1
        df[n.schema].update(set(n.tokens))
    return {
        schema: set(bq.LEGAL_AND_GENERIC)
        | {t for t, c in df[schema].items() if c >= max(share * total, GENERIC_MIN_COUNT)}
        for schema, total in count.items()
    }


# ------------------------------------------------------------------------------------------------
# Pair kinds
# ------------------------------------------------------------------------------------------------


def sort_ratio(a: ListName, b: ListName) -> float:
    """``fuzz.token_sort_ratio`` of the two names in simple normalisation (0..100)."""
    return float(fuzz.token_sort_ratio(a.key, b.key))


def translation(a: ListName, b: ListName) -> bool:
    """True for two names of an organisation (or vessel...) that the list tags with two different
    languages (EU ``nameLanguage``): a translation (``Commercial Bank of Syria`` in Slovak and in
    Bulgarian), which no name matcher is meant to find. Persons' names in two languages are
    transliterations and stay."""
    if Schema.PERSON in (a.schema, b.schema):
        return False
    return a.lang is not None and b.lang is not None and a.lang != b.lang


def positive_kind(a: ListName, b: ListName) -> str | None:
    """The kind of a positive pair (two names of one twin group), or None when it is no hard pair:
    the same name after :func:`normalise`, a translation, mixed script, two non-Latin scripts, a
    near-identical spelling, or a pair that shares more than half the tokens of the shorter name
    (legal forms left out when both names keep a core), only respells them (:func:`respelled`) or
    only spaces them otherwise (the names without spaces: fuzz.ratio >= 85).
    """
    if a.norm == b.norm or MIXED in (a.script, b.script) or translation(a, b):
        return None
    if a.script != b.script:
        return "translit" if LATIN in (a.script, b.script) else None
    if a.script == LATIN:
        ratio = sort_ratio(a, b)
        if ratio > SPELLING_MAX:
            return None
        if ratio >= SPELLING_MIN:
            return "spelling"
    ta, tb = set(a.tokens), set(b.tokens)
    if a.core and b.core:  # ``ANDA LTD.`` / ``ANDA COMPANY``: one name, two legal forms
        ta, tb = set(a.core.split()), set(b.core.split())
    if len(ta & tb) > ALIAS_MAX_OVERLAP * min(len(ta), len(tb)) or respelled(ta, tb):
        return None
    if fuzz.ratio("".join(a.tokens), "".join(b.tokens)) >= NEAR_MISS_MIN:
        return None  # ``JAZEERATHALMALDIFI`` / ``JAZEERAT ALMALDIFI``: spaced otherwise
    return "alias"


def respelled(ta: set[str], tb: set[str]) -> bool:
    """True when every token of the smaller set has a spelling in the other (fuzz.ratio >= 75):
    ``SIMANOVSKIY, Aleksei Yurievich`` / ``SIMANOVSKIY, Alexei Iurevich`` or ``Imad HMISHO`` /
    ``Emad HAMSHO`` is a spelling variant that token sorting hides, no alias."""
    short, other = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return all(any(fuzz.ratio(x, y) >= RESPELLED_MIN for y in other) for x in short)


PairOf = tuple[ListName, ListName]
Where = tuple[str, str]  # (register, schema value): a near-miss block's list and schema


def positive_candidates(
    names: Sequence[ListName], *, seed: int, notes: list[str] | None = None
) -> dict[str, list[PairOf]]:
    """Every hard positive pair, by kind, in a deterministic order (groups sorted by id).

    Names with the same :func:`normalise` form count once per group; a group with more than
    :data:`MAX_NAMES_PER_GROUP` names has that many drawn at random. Pairs of entries whose
    schemas disagree (a person and an organisation linked as one designation) are skipped.
    """
    rng = random.Random(f"{seed}:positive-names")
    by_group: dict[str, list[ListName]] = defaultdict(list)
    for n in names:
        by_group[n.group].append(n)
    out: dict[str, list[PairOf]] = {kind: [] for kind in POSITIVE_KINDS}
    capped = 0
    for group in sorted(by_group):
        first: dict[str, ListName] = {}
        for n in by_group[group]:
            first.setdefault(n.norm, n)
        unique = list(first.values())
        if len(unique) > MAX_NAMES_PER_GROUP:
            unique = rng.sample(unique, MAX_NAMES_PER_GROUP)
            capped += 1
        for a, b in combinations(unique, 2):
            kind = positive_kind(a, b)
            if kind is not None and pair_schema(a.schema, b.schema) is not None:
                out[kind].append((a, b))
    if notes is not None and capped:
        notes.append(
            f"positives: {capped} of {len(by_group):,} twin groups have more than "
            f"{MAX_NAMES_PER_GROUP} names; {MAX_NAMES_PER_GROUP} drawn at random"
        )
    return out


def near_miss(a: ListName, b: ListName) -> bool:
    """True when ``a`` and ``b`` are similar enough to be a near miss: ``token_sort_ratio`` >= 85,
    >= 75 without legal forms (both with a core left), and neither name's tokens a subset of the
    other's (``AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)`` is more likely the same entity)."""
    if not a.core or not b.core or a.key == b.key:
        return False
    ta, tb = set(a.tokens), set(b.tokens)
    if ta <= tb or tb <= ta:
        return False
    if fuzz.token_sort_ratio(a.core, b.core) < NEAR_MISS_CORE_MIN:
        return False
    return sort_ratio(a, b) >= NEAR_MISS_MIN


def near_miss_candidates(
    names: Sequence[ListName],
    facts: Mapping[str, GroupFacts],
    *,
    seed: int,
    block_cap: int = BLOCK_CAP,
    notes: list[str] | None = None,
) -> list[PairOf]:
    """Latin-script names of two twin groups, same schema, ``token_sort_ratio`` >= 85.

    Near misses are :func:`near_miss` pairs that pass :func:`distinct_negative`.
    Blocking: a name is in two blocks of its list and schema, the first three letters of its
    sorted tokens and its rarest token (fewest groups; ties alphabetical). Within a block the distinct name keys
    are compared all against all (rapidfuzz ``cdist``); a block with more than ``block_cap`` keys
    has that many drawn at random. For each similar key pair one pair of names that passes
    :func:`distinct_negative` is drawn; one pair per pair of groups is kept.
    """
    import numpy as np
    from rapidfuzz import process

    rng = random.Random(f"{seed}:near-miss")
    latin = [n for n in names if n.script == LATIN]
    df: dict[Schema, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[str, str]] = set()
    for n in latin:
        for t in set(n.tokens):
            if (n.group, t) not in seen:
                seen.add((n.group, t))
                df[n.schema][t] += 1
    # negatives are pairs of one list (distinct_negative): blocks are per list and schema
    by_key: dict[tuple[Where, str], list[ListName]] = defaultdict(list)
    blocks: dict[tuple[Where, str], dict[str, None]] = defaultdict(dict)
    for n in latin:
        where = (n.register, n.schema.value)
        by_key[(where, n.key)].append(n)
        rarest = min(n.tokens, key=lambda t: (df[n.schema][t], t))
        blocks[(where, "p:" + n.key[:3])][n.key] = None
        blocks[(where, "r:" + rarest)][n.key] = None
    similar: set[tuple[Where, str, str]] = set()
    capped = 0
    for block in sorted(blocks):
        keys = sorted(blocks[block])
        if len(keys) < 2:
            continue
        if len(keys) > block_cap:
            keys = sorted(rng.sample(keys, block_cap))
            capped += 1
        scores = process.cdist(
            keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_MISS_MIN, dtype=np.uint8
        )
        rows, cols = np.nonzero(np.triu(scores, k=1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            similar.add((block[0], keys[i], keys[j]))
    if notes is not None and capped:
        notes.append(
            f"near-miss: {capped} of {len(blocks):,} blocks have more than {block_cap} distinct "
            f"names; {block_cap} drawn at random"
        )
    out: list[PairOf] = []
    pairs_seen: set[tuple[str, str]] = set()
    for where, k1, k2 in sorted(similar):
        options = [
            (a, b)
            for a in by_key[(where, k1)]
            for b in by_key[(where, k2)]
            if near_miss(a, b) and distinct_negative(a, b, facts)
        ]
        if not options:
            continue
        a, b = rng.choice(options)
        groups = (min(a.group, b.group), max(a.group, b.group))
        if groups not in pairs_seen:
            pairs_seen.add(groups)
            out.append((a, b))
    return out


def shared_word(a: ListName, b: ListName, word: str, generic: set[str]) -> bool:
    """True when ``a`` and ``b`` share ``word`` and otherwise only generic words, each has another
    word of 3+ letters that is not generic, and no other word of one is a spelling (fuzz.ratio
    >= 80), prefix or initial of another word of the other; and they are no near miss."""
    ta, tb = set(a.tokens), set(b.tokens)
    shared = ta & tb
    if word not in shared or not (shared - {word}) <= generic:
        return False
    rest_a, rest_b = ta - shared, tb - shared
    if not any(len(t) >= 3 and t not in generic for t in rest_a):
        return False
    if not any(len(t) >= 3 and t not in generic for t in rest_b):
        return False
    for x in rest_a:
        for y in rest_b:
            if x.startswith(y) or y.startswith(x) or fuzz.ratio(x, y) >= OTHER_WORDS_MAX_RATIO:
                return False
    return sort_ratio(a, b) < NEAR_MISS_MIN


def shared_word_candidates(
    names: Sequence[ListName],
    facts: Mapping[str, GroupFacts],
    *,
    seed: int,
    word_cap: int = WORD_CAP,
    notes: list[str] | None = None,
) -> list[PairOf]:
    """Latin-script names of two twin groups, same schema, sharing a distinctive word (4+ letters,
    not generic, no legal form, in the names of 2..:data:`RARE_MAX_GROUPS` groups) and nothing else
    (:func:`shared_word`). At most ``word_cap`` names per word (drawn at random); one pair per pair
    of groups."""
    rng = random.Random(f"{seed}:shared-word")
    latin = [n for n in names if n.script == LATIN and len(set(n.tokens)) >= 2]
    generic = generic_tokens(latin)
    groups_with: dict[tuple[Schema, str], set[str]] = defaultdict(set)
    for n in latin:
        for t in n.tokens:
            groups_with[(n.schema, t)].add(n.group)
    by_word: dict[tuple[Schema, str], dict[tuple[str, str], ListName]] = defaultdict(dict)
    for n in latin:
        core = set(n.core.split())
        for t in dict.fromkeys(n.tokens):
            if len(t) < 4 or not t.isalpha() or t in generic[n.schema] or t not in core:
                continue
            if 2 <= len(groups_with[(n.schema, t)]) <= RARE_MAX_GROUPS:
                by_word[(n.schema, t)].setdefault((n.group, n.key), n)
    out: list[PairOf] = []
    pairs_seen: set[tuple[str, str]] = set()
    capped = 0
    for schema, word in sorted(by_word, key=lambda w: (w[0].value, w[1])):
        members = list(by_word[(schema, word)].values())
        if len(members) > word_cap:
            members = rng.sample(members, word_cap)
            capped += 1
        for a, b in combinations(members, 2):
            groups = (min(a.group, b.group), max(a.group, b.group))
            if groups in pairs_seen or not distinct_negative(a, b, facts):
                continue
            if shared_word(a, b, word, generic[schema]):
                pairs_seen.add(groups)
                out.append((a, b))
    if notes is not None and capped:
        notes.append(
            f"shared-word: {capped} of {len(by_word):,} rare words are in more than {word_cap} "
            f"names; {word_cap} drawn at random"
        )
    return out


# ------------------------------------------------------------------------------------------------
# Sampling
# ------------------------------------------------------------------------------------------------


def spread_sample(
    items: Sequence[T], n: int, rng: random.Random, cluster: Callable[[T], Hashable]
) -> list[T]:
    """``n`` items drawn round-robin over clusters in random order: every cluster gives one item
    before any gives two, so a twin group with many names does not fill a kind by itself."""
    by_cluster: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        by_cluster[cluster(item)].append(item)
    order = list(by_cluster)
    rng.shuffle(order)
    for c in order:
        rng.shuffle(by_cluster[c])
    out: list[T] = []
    depth = 0
    while len(out) < n and any(len(by_cluster[c]) > depth for c in order):
        for c in order:
            if len(out) >= n:
                break
            if len(by_cluster[c]) > depth:
                out.append(by_cluster[c][depth])
        depth += 1
    return out


_DIGITS = re.compile(r"\d+")


def first_group(pair: PairOf) -> str:
    """Sampling cluster of a positive pair: its twin group."""
    return min(pair[0].group, pair[1].group)


def family(pair: PairOf) -> tuple[str, str]:
    """Sampling cluster of a negative pair: the two name keys without digits, so that the ~100
    fishing vessels ``FU YUAN YU 7601``.. or aircraft ``RA-78817``.. count as one family."""
    a, b = (" ".join(_DIGITS.sub("", n.key).split()) for n in pair)
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled pair: ``name1`` is the query, ``name2`` the listed name."""

    kind: str
    name1: str
    name2: str
    schema: Schema  # UNKNOWN: aktsam gets None, FollowTheMoney LegalEntity
    entity1: str
    entity2: str

    @property
    def positive(self) -> bool:
        return self.kind in POSITIVE_KINDS


@dataclass(slots=True)
class PairSet:
    pairs: list[Pair]
    available: dict[str, int]  # candidates per kind before sampling
    groups: dict[str, frozenset[str]]
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counter = Counter(p.kind for p in self.pairs)
        return {kind: counter.get(kind, 0) for kind in KINDS}

    def digest(self) -> str:
        """sha256 (first 16 hex digits) of the pairs: equal digests, equal pair sets."""
        h = hashlib.sha256()
        for p in self.pairs:
            h.update("\t".join((p.kind, p.name1, p.name2, p.schema.value)).encode() + b"\n")
        return h.hexdigest()[:16]


def build_pairs(
    entities: Sequence[ListedEntity],
    *,
    per_kind: int = 600,
    seed: int = 1,
    groups: Mapping[str, frozenset[str]] | None = None,
) -> PairSet:
    """``per_kind`` pairs of each kind (fewer where the lists have fewer), in kind order."""
    groups = dict(groups) if groups is not None else twin_groups(entities)
    names = list_names(entities, groups)
    facts = group_facts(entities, groups)
    notes: list[str] = []
    candidates: dict[str, list[PairOf]] = positive_candidates(names, seed=seed, notes=notes)
    candidates["near-miss"] = near_miss_candidates(names, facts, seed=seed, notes=notes)
    candidates["shared-word"] = shared_word_candidates(names, facts, seed=seed, notes=notes)
    pairs: list[Pair] = []
    for kind in KINDS:
        rng = random.Random(f"{seed}:{kind}")
        cluster = family if kind in NEGATIVE_KINDS else first_group
        drawn = spread_sample(candidates[kind], per_kind, rng, cluster)
        if len(drawn) < per_kind:
            notes.append(f"{kind}: only {len(drawn)} pairs in the lists ({per_kind} asked)")
        for a, b in drawn:
            if rng.random() < 0.5:
                a, b = b, a
            schema = pair_schema(a.schema, b.schema)
            assert schema is not None  # candidates never disagree
            pairs.append(Pair(kind, a.value, b.value, schema, a.entity, b.entity))
    available = {kind: len(candidates[kind]) for kind in KINDS}
    return PairSet(pairs, available, groups, notes)


# ------------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------------


def aktsam_schema(schema: Schema) -> Schema | None:
    return None if schema is Schema.UNKNOWN else schema


def arabic_pairs(pairs: Sequence[Pair]) -> list[int]:
    """Indices of the positive pairs with a name in Arabic script (Arabic, Persian, Urdu...)."""
    return [
        i
        for i, p in enumerate(pairs)
        if p.positive and ARABIC in (detect_script(p.name1), detect_script(p.name2))
    ]


def arabic_exclusions(
    pairs: Sequence[Pair],
    entities: Mapping[str, ListedEntity],
    groups: Mapping[str, frozenset[str]],
) -> set[str]:
    """Entity ids the leak-free Arabic table must not learn from: the twin groups of the positive
    pairs with an Arabic-script name, and the UN designations they cite
    (``bench/screening.py``'s ``held_out_exclusions``, which takes them as held-out queries)."""
    queries = [
        bq.BenchQuery(
            qid=f"pair-{i}",
            kind="held-out",
            name=pairs[i].name1,
            schema=pairs[i].schema,
            targets=groups.get(pairs[i].entity1, frozenset({pairs[i].entity1})),
        )
        for i in arabic_pairs(pairs)
    ]
    return bs.held_out_exclusions(queries, entities)


def use_arabic_table(rows: Sequence[tuple[str, str]] | None) -> str:
    """Make aktsam romanise Arabic with ``rows`` (None: the shipped table) in this process, and
    return the digest of the table it then holds.

    Every aktsam ``functools`` cache is emptied first, so no name keeps a spelling made with the
    previous table. (Building the pairs filled only script-detection caches; ``compare`` has no
    index, whose forms would keep the old spellings.)
    """
    from aktsam.screening import translit

    for _, cached in bs._aktsam_caches():
        cached.cache_clear()
    translit.use_arabic_table(rows)
    return bs._arabic_table_digest()


def score_aktsam(pairs: Sequence[Pair]) -> tuple[list[float], float]:
    """aktsam ``compare(name1, name2, schema)`` scores and the seconds of the scoring loop."""
    from aktsam.screening.matcher import compare

    compare("warm up", "warm up", None)  # loads the alias and generic-token tables
    args = [(p.name1, p.name2, aktsam_schema(p.schema)) for p in pairs]
    start = time.perf_counter()
    scores = [float(compare(n1, n2, s).score) for n1, n2, s in args]
    return scores, time.perf_counter() - start


def ftm_pair(pair: Pair, index: int) -> tuple[Any, Any]:
    """The two FollowTheMoney entities of a pair: the name only, the pair's schema on both sides
    (``bench/screening.py``'s ``query_to_ftm`` and ``FTM_SCHEMAS``)."""
    return (
        bs.query_to_ftm(bq.BenchQuery(f"{index}-1", pair.kind, pair.name1, pair.schema)),
        bs.query_to_ftm(bq.BenchQuery(f"{index}-2", pair.kind, pair.name2, pair.schema)),
    )


def score_nomenklatura(
    pairs: Sequence[Pair], compare: Callable[[Any, Any], float] | None = None
) -> tuple[list[float], float]:
    """logic-v2 scores (``bench/screening.py``'s ``nomenklatura_scorer``) and the seconds of the
    scoring loop (building the FtM entities is not timed)."""
    compare = compare or bs.nomenklatura_scorer()
    warm = Pair("alias", "warm up", "warm up", Schema.PERSON, "", "")
    compare(*ftm_pair(warm, -1))
    proxies = [ftm_pair(p, i) for i, p in enumerate(pairs)]
    start = time.perf_counter()
    scores = [compare(a, b) for a, b in proxies]
    return scores, time.perf_counter() - start


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metrics:
    pairs: int
    positives: int
    tp: int
    fp: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def metrics(labels: Sequence[bool], predicted: Sequence[bool]) -> Metrics:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    return Metrics(len(labels), sum(labels), tp, fp)


def rate_by_kind(pairs: Sequence[Pair], predicted: Sequence[bool]) -> dict[str, float]:
    """Share of each kind's pairs predicted "same": recall of a positive kind, false-positive rate
    of a negative kind."""
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for p, yes in zip(pairs, predicted, strict=True):
        total[p.kind] += 1
        hits[p.kind] += int(yes)
    return {kind: hits[kind] / total[kind] for kind in KINDS if total[kind]}


def paired_bootstrap(
    pairs: Sequence[Pair],
    pred_a: Sequence[bool],
    pred_b: Sequence[bool],
    *,
    resamples: int = 1000,
    seed: int = 1,
) -> dict[str, bq.Interval]:
    """95% percentile intervals of A − B for F1, precision and recall. Each resample draws pairs
    with replacement within each kind (the same draw for both systems), so every resample has the
    benchmark's mix of kinds."""
    import numpy as np

    labels = np.array([p.positive for p in pairs], dtype=bool)
    a = np.array(pred_a, dtype=bool)
    b = np.array(pred_b, dtype=bool)
    strata = [
        np.array([i for i, p in enumerate(pairs) if p.kind == kind], dtype=np.int64)
        for kind in KINDS
    ]
    strata = [s for s in strata if len(s)]

    def diff(idx: Any) -> tuple[float, float, float]:
        y = labels[idx]
        ma = Metrics(len(idx), int(y.sum()), int((y & a[idx]).sum()), int((~y & a[idx]).sum()))
        mb = Metrics(len(idx), int(y.sum()), int((y & b[idx]).sum()), int((~y & b[idx]).sum()))
        return ma.f1 - mb.f1, ma.precision - mb.precision, ma.recall - mb.recall

    everything = np.arange(len(pairs))
    estimate = diff(everything)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples if len(pairs) else 0):
        idx = np.concatenate([s[rng.integers(0, len(s), len(s))] for s in strata])
        draws.append(diff(idx))
    out: dict[str, bq.Interval] = {}
    for i, name in enumerate(("f1", "precision", "recall")):
        values = sorted(d[i] for d in draws) or [estimate[i]]
        low = values[int(0.025 * (len(values) - 1))]
        high = values[int(0.975 * (len(values) - 1))]
        out[name] = bq.Interval(estimate[i], low, high)
    return out


def disagreements(
    pairs: Sequence[Pair], a: Sequence[float], b: Sequence[float], kind: str, n: int = 10
) -> list[int]:
    """Indices of the ``n`` pairs of ``kind`` with the largest |a − b| (ties: pair order)."""
    idx = [i for i, p in enumerate(pairs) if p.kind == kind]
    idx.sort(key=lambda i: (-abs(a[i] - b[i]), i))
    return idx[:n]


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------


def script_breakdown(
    pairs: Sequence[Pair], ak_pred: Sequence[bool], nk_pred: Sequence[bool]
) -> list[str]:
    """``translit`` recall by the script of the non-Latin name."""
    total: Counter[str] = Counter()
    ak: Counter[str] = Counter()
    nk: Counter[str] = Counter()
    for p, a, b in zip(pairs, ak_pred, nk_pred, strict=True):
        if p.kind != "translit":
            continue
        scripts = {detect_script(p.name1), detect_script(p.name2)} - {LATIN}
        script = scripts.pop() if scripts else LATIN
        total[script] += 1
        ak[script] += int(a)
        nk[script] += int(b)
    out = [f"translit recall by the other name's script:  pairs   aktsam  {bs.NK_ALGORITHM}"]
    for script, n in total.most_common():
        out.append(f"  {script:<42} {n:>5,}  {_pct(ak[script] / n)}  {_pct(nk[script] / n)}")
    return out


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _pp(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def _clip(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def code_version() -> str:
    """The commit, and the files of ``src/`` (the matcher measured) that differ from it."""
    import subprocess

    root = bs.ROOT

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout

    commit = git("rev-parse", "--short", "HEAD").strip()
    if not commit:
        return "not a git checkout"
    status = git("status", "--porcelain", "--", "src").splitlines()
    changed = [line[3:] for line in status if line.strip()]
    if not changed:
        return f"commit {commit}, src/ as committed"
    shown = ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
    return f"commit {commit} with uncommitted changes in src/ ({shown})"


@dataclass(slots=True)
class Args:
    per_kind: int
    seed: int
    lists: list[str]
    resamples: int
    examples: int
    save: bool
    argv: list[str]
    shipped_arabic_table: bool = False


def parse_args(argv: Sequence[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=600, help="pairs per kind (default 600)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--lists",
        "--limit-lists",
        dest="lists",
        nargs="+",
        default=list(bs.LIST_FILES),
        choices=list(bs.LIST_FILES),
        help="lists to build pairs from (default: all six)",
    )
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--examples", type=int, default=10, help="disagreements shown per kind")
    parser.add_argument("--save", action="store_true", help="write bench/results/pairs-<date>.txt")
    parser.add_argument(
        "--shipped-arabic-table",
        action="store_true",
        help="score aktsam with its shipped Arabic word table, which was mined from these lists, "
        "instead of the table re-mined without the pairs' entries",
    )
    ns = parser.parse_args(argv)
    if ns.per_kind < 1:
        parser.error("--per-kind must be at least 1")
    return Args(
        per_kind=ns.per_kind,
        seed=ns.seed,
        lists=ns.lists,
        resamples=ns.resamples,
        examples=ns.examples,
        save=ns.save,
        argv=list(argv if argv is not None else sys.argv[1:]),
        shipped_arabic_table=ns.shipped_arabic_table,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wall = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    bs.log(f"parsing {', '.join(args.lists)}")
    loaded = bs.load_lists(args.lists)
    entities = loaded.entities
    bs.log(f"{len(entities):,} entities")

    start = time.perf_counter()
    pset = build_pairs(entities, per_kind=args.per_kind, seed=args.seed)
    build_s = time.perf_counter() - start
    pairs = pset.pairs
    counts = pset.counts()
    bs.log(f"{len(pairs):,} pairs ({build_s:.1f} s): {counts}")

    # aktsam's Arabic word table was mined from these lists (EU and UN entries with an Arabic and
    # a Latin name): re-mine it without the entries of the pairs it would answer (bench/README.md)
    start = time.perf_counter()
    by_id = {e.id: e for e in entities}
    shipped = bs.shipped_arabic_table()
    arabic_idx = arabic_pairs(pairs)
    excluded = arabic_exclusions(pairs, by_id, pset.groups)
    leak_free = bs.leak_free_arabic_table(excluded, shipped=shipped)
    mine_s = time.perf_counter() - start
    ak_table, other_table = (
        (shipped, leak_free) if args.shipped_arabic_table else (leak_free, shipped)
    )
    bs.log(f"Arabic table {ak_table.name}: {len(ak_table.spelling):,} words ({mine_s:.1f} s)")

    def install(table: bs.ArabicTable) -> None:
        digest = use_arabic_table(table.rows)
        if int(digest.split(":")[0]) != len(table.spelling):
            raise SystemExit(f"aktsam did not take the {table.name} Arabic table ({digest})")

    install(ak_table)
    ak_scores, ak_s = score_aktsam(pairs)
    bs.log(f"aktsam: {len(pairs) / ak_s:,.0f} pairs/s")
    install(other_table)
    other_scores, _ = score_aktsam([pairs[i] for i in arabic_idx])
    install(ak_table)
    nk_scores, nk_s = score_nomenklatura(pairs)
    bs.log(f"{bs.NK_ALGORITHM}: {len(pairs) / nk_s:,.0f} pairs/s")

    labels = [p.positive for p in pairs]
    ak_pred = [s >= THRESHOLD for s in ak_scores]
    nk_pred = [s >= NK_THRESHOLD for s in nk_scores]
    ak_m, nk_m = metrics(labels, ak_pred), metrics(labels, nk_pred)
    ak_kind, nk_kind = rate_by_kind(pairs, ak_pred), rate_by_kind(pairs, nk_pred)
    ci = paired_bootstrap(pairs, ak_pred, nk_pred, resamples=args.resamples, seed=args.seed)

    # ---- report -------------------------------------------------------------------------------
    today = started.date().isoformat()
    lines: list[str] = []
    add = lines.append
    add(f"aktsam hard name-pair benchmark, {today}")
    add(f"command: python bench/pairs.py {' '.join(args.argv)}".rstrip())
    add(
        f"settings: seed {args.seed}, per kind {args.per_kind}, lists {' '.join(args.lists)}, "
        f"threshold aktsam {THRESHOLD} / {bs.NK_ALGORITHM} {NK_THRESHOLD}, bootstrap "
        f"{args.resamples} resamples (paired, within kind), caps: {MAX_NAMES_PER_GROUP} names "
        f"per twin group, {BLOCK_CAP} names per near-miss block, {WORD_CAP} names per shared word"
    )
    add(f"date: {started.strftime('%Y-%m-%d %H:%M UTC')}; code: {code_version()}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    add(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}, {os.cpu_count()} CPUs; one process; load average "
        f"at start {load_start if load_start is None else f'{load_start:.2f}'}, at end "
        f"{'n/a' if load is None else f'{load[0]:.2f}'}"
    )
    covered = sum(1 for g in pset.groups.values() if len(g) > 1)
    add(
        f"lists: {len(entities):,} entities ({', '.join(f'{s} {c:,}' for s, c in loaded.counts.items())}); "
        f"{covered:,} entities in twin groups"
    )
    add(f"pair set digest: {pset.digest()}")
    add(
        f"aktsam's Arabic word table: {ak_table.name}, {len(ak_table.spelling):,} words"
        + (
            " (aktsam's data/arabic_names.csv, mined from these lists: see the leak check)"
            if ak_table is shipped
            else f" (of the shipped {len(shipped.spelling):,}: re-mined by "
            f"scripts/mine_arabic_names.py without {len(excluded):,} entities, the twin groups "
            f"of the {len(arabic_idx):,} positive pairs with an Arabic-script name and the UN "
            "designations they cite)"
        )
    )
    for note in leak_free.notes[1:]:
        add(f"  {note}")
    add("")
    add("Pairs (labelled by construction from the lists, see bench/README.md):")
    add(f"  {'kind':<12} {'label':<9} {'pairs':>6} {'candidates':>11}")
    for kind in KINDS:
        label = "positive" if kind in POSITIVE_KINDS else "negative"
        add(f"  {kind:<12} {label:<9} {counts[kind]:>6,} {pset.available[kind]:>11,}")
    add(f"  {'total':<12} {'':<9} {len(pairs):>6,}   (positives {sum(labels):,})")
    for note in pset.notes:
        add(f"  note: {note}")
    add("")
    add(
        f"Results, a pair predicted 'same' at score >= {THRESHOLD} (aktsam) / >= {NK_THRESHOLD} "
        f"({bs.NK_ALGORITHM}); per kind: recall for positive kinds, false-positive rate for "
        "negative kinds:"
    )
    head = f"{'system':<22} {'pairs':>6} {'prec.':>7} {'recall':>7} {'F1':>7}"
    head += "".join(f" {k:>11}" for k in KINDS) + f" {'pairs/s':>8}"
    add(head)
    add("-" * len(head))
    for name, m, rates, seconds in (
        ("aktsam compare", ak_m, ak_kind, ak_s),
        (f"nomenklatura {bs.NK_ALGORITHM}", nk_m, nk_kind, nk_s),
    ):
        row = f"{name:<22} {m.pairs:>6,} {_pct(m.precision):>7} {_pct(m.recall):>7} {_pct(m.f1):>7}"
        row += "".join(f" {_pct(rates.get(k, 0.0)):>11}" for k in KINDS)
        row += f" {len(pairs) / seconds if seconds else 0:>8,.0f}"
        add(row)
    add(
        f"{'difference':<22} {'':>6} {_pp(ci['precision'].estimate):>7} "
        f"{_pp(ci['recall'].estimate):>7} {_pp(ci['f1'].estimate):>7}"
        + "".join(f" {_pp(ak_kind.get(k, 0.0) - nk_kind.get(k, 0.0)):>11}" for k in KINDS)
    )
    add("")
    for metric in ("f1", "precision", "recall"):
        iv = ci[metric]
        add(
            f"{'F1' if metric == 'f1' else metric} difference aktsam − {bs.NK_ALGORITHM}: "
            f"{_pp(iv.estimate)}, 95% CI {_pp(iv.low)} .. {_pp(iv.high)}"
        )
    add(
        f"pairs/s (wall time of the scoring loop only, one process): aktsam "
        f"{len(pairs) / ak_s:,.0f} ({ak_s:.1f} s), {bs.NK_ALGORITHM} {len(pairs) / nk_s:,.0f} "
        f"({nk_s:.1f} s)"
    )
    add("")
    lines.extend(script_breakdown(pairs, ak_pred, nk_pred))
    add("")
    arabic_recall = {
        ak_table.name: sum(ak_pred[i] for i in arabic_idx),
        other_table.name: sum(s >= THRESHOLD for s in other_scores),
    }
    n_arabic = len(arabic_idx) or 1
    add(
        f"Leak check: the {len(arabic_idx):,} positive pairs with an Arabic-script name "
        f"({', '.join(f'{k} {v}' for k, v in Counter(pairs[i].kind for i in arabic_idx).items())})"
        ", recall:"
    )
    rows = [
        (f"aktsam, {name} Arabic table", arabic_recall[name]) for name in (bs.LEAK_FREE, bs.SHIPPED)
    ]
    rows.append((bs.NK_ALGORITHM, sum(nk_pred[i] for i in arabic_idx)))
    for label, hits in rows:
        add(f"  {label:<32} {_pct(hits / n_arabic)}")
    add("")
    add(f"Pairs where the two systems disagree most ({args.examples} per kind; query | listed):")
    for kind in KINDS:
        add(f"  {kind} ({'positive' if kind in POSITIVE_KINDS else 'negative'}):")
        add(f"    {'name1':<44}  {'name2':<44}  {'aktsam':>6}  {'lv2':>5}  schema")
        for i in disagreements(pairs, ak_scores, nk_scores, kind, args.examples):
            p = pairs[i]
            add(
                f"    {_clip(p.name1):<44}  {_clip(p.name2):<44}  {ak_scores[i]:>6.2f}  "
                f"{nk_scores[i]:>5.2f}  {p.schema.value}"
            )
    add("")
    add(
        f"Wall time {time.perf_counter() - wall:.0f} s (lists parsed in "
        f"{sum(loaded.seconds.values()):.1f} s, pairs built in {build_s:.1f} s, aktsam "
        f"{ak_s:.1f} s, {bs.NK_ALGORITHM} {nk_s:.1f} s)."
    )

    text = "\n".join(lines) + "\n"
    print(text)
    if args.save:
        bs.RESULTS.mkdir(parents=True, exist_ok=True)
        path = bs.RESULTS / f"pairs-{today}.txt"
        path.write_text(text, encoding="utf-8")
        bs.log(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
