"""Screening queries against a :class:`~aktsam.screening.index.MatchIndex`, and pairwise comparison.

For each form of the query name (:func:`aktsam.screening.names.name_forms`) the matcher

1. expands every token once into the listed tokens it may stand for (memoised per token);
2. retrieves candidate listed names with an upper bound of their score
   (:func:`aktsam.screening.candidates.candidates`), dropping those that cannot reach the threshold;
3. scores the candidates exactly (:func:`aktsam.screening.scoring.name_score`), best bound first,
   skipping names of an entity already scored above their bound, and scoring a name that several lists
   share once;
4. adds the entity qualifiers (schema, country, birth date, identifiers; :mod:`~.qualifiers`) and keeps
   entities at or above the threshold, best first.

Entities sharing an identifier with the query are scored whatever their name score. A hit's explanation
is computed when first read.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from itertools import islice
from typing import Any

from aktsam.lists.model import NameKind, Schema
from aktsam.screening import weights as W
from aktsam.screening.candidates import (
    MAX_BATCH_FORMS,
    Candidate,
    candidates,
    candidates_many,
)
from aktsam.screening.enrich import AliasTable
from aktsam.screening.explain import Adjustment, Explanation
from aktsam.screening.index import MatchIndex
from aktsam.screening.names import NameForm, name_forms
from aktsam.screening.qualifiers import (
    birth_date_adjustment,
    clip,
    country_adjustment,
    identifier_adjustment,
    max_bonus,
    normalise_identifier,
    schema_adjustment,
)
from aktsam.screening.scoring import (
    INITIALS,
    NAME_LETTERS,
    NO_LETTERS,
    ListedNameInfo,
    PreparedForm,
    explain_name,
    is_initial,
    listed_bits,
    listed_weights,
    name_score,
    prepare_form,
)
from aktsam.screening.vocabulary import GenericToken, Vocabulary, load_generic_tokens

#: Prepared query names kept per index (and query forms per process): bounded so that screening a file of
#: millions of names keeps memory flat; a name repeated within this many keeps its preparation.
_QUERY_CACHE_SIZE = 20_000

#: Queries whose candidates :func:`match_many` retrieves together: large enough to spread numpy's fixed
#: cost, small enough to keep the arrays in cache (256 to 1024 measured alike).
BATCH_SIZE = 512


@dataclass(frozen=True, slots=True)
class Query:
    """What is screened: a name and whatever else the record says about the party."""

    name: str
    schema: Schema | None = None  # None: any kind of party
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, lower case
    birth_date: str | None = None  # partial ISO 8601: "1970", "1970-05", "1970-05-01"
    identifiers: tuple[str, ...] = ()  # passport, registration, IMO... numbers as written
    id: str | None = None  # the caller's reference for the record


@dataclass(frozen=True)
class Hit:
    """A listed entity matching a query, with its score and why.

    ``explanation`` is computed from ``explainer`` when first read, then kept: a screening run pays only
    for the explanations it reads or stores.
    """

    entity_id: str
    source: str
    source_id: str
    schema: Schema
    caption: str
    sublist: str | None
    score: float
    matched_name: str
    explainer: Callable[[], Explanation] = field(repr=False, compare=False)

    @cached_property
    def explanation(self) -> Explanation:
        return self.explainer()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, explanation included."""
        return {
            "entity_id": self.entity_id,
            "source": self.source,
            "source_id": self.source_id,
            "schema": self.schema.value,
            "caption": self.caption,
            "sublist": self.sublist,
            "score": round(self.score, 4),
            "matched_name": self.matched_name,
            "explanation": self.explanation.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Result of :func:`compare`: how the second name scores as a listed name for the first."""

    score: float
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "explanation": self.explanation.to_dict()}


# --- query preparation ---------------------------------------------------------------------------------------


@lru_cache(maxsize=_QUERY_CACHE_SIZE)
def _query_forms(name: str, schema: Schema | None) -> tuple[NameForm, ...]:
    return tuple(form for form in name_forms(name, schema) if form.tokens)


def _prepared(index: MatchIndex, name: str, schema: Schema | None) -> list[PreparedForm]:
    cache = index.query_cache
    key = (name, schema)
    found = cache.get(key)
    if found is None:
        found = [
            prepare_form(form, index.vocab, index.common) for form in _query_forms(name, schema)
        ]
        if len(cache) >= _QUERY_CACHE_SIZE:
            cache.clear()
        cache[key] = found
    return found


@lru_cache(maxsize=_QUERY_CACHE_SIZE)
def _legal_forms(name: str, schema: Schema | None) -> tuple[str, ...]:
    """The legal forms found in the query's name, over its forms ("llc")."""
    found: dict[str, None] = {}
    for form in _query_forms(name, schema):
        found.update(dict.fromkeys(form.legal_forms))
    return tuple(found)


def _source_codes(index: MatchIndex, sources: Collection[str] | None) -> frozenset[int] | None:
    if sources is None:
        return None
    wanted = set(sources)
    return frozenset(code for code, source in enumerate(index.sources) if source in wanted)


# --- matching ------------------------------------------------------------------------------------------------


def _qualifiers(index: MatchIndex, query: Query, entity: int) -> list[Adjustment]:
    out: list[Adjustment] = []
    schema = schema_adjustment(
        query.schema, index.entity_schema[entity], _legal_forms(query.name, query.schema)
    )
    if schema is not None:
        out.append(schema)
    if query.countries:
        country = country_adjustment(query.countries, index.entity_countries[entity])
        if country is not None:
            out.append(country)
    if query.birth_date:
        dob = birth_date_adjustment(query.birth_date, index.entity_birth_dates[entity])
        if dob is not None:
            out.append(dob)
    if query.identifiers:
        listed = index.entity_identifiers.get(entity)
        if listed:
            identifier = identifier_adjustment(query.identifiers, listed)
            if identifier is not None:
                out.append(identifier)
    return out


def _identifier_entities(index: MatchIndex, query: Query) -> set[int]:
    found: set[int] = set()
    for value in query.identifiers:
        norm = normalise_identifier(value)
        if len(norm) >= W.IDENTIFIER_MIN_LENGTH:
            found.update(index.identifier_index.get(norm, ()))
    return found


def _score(index: MatchIndex, pf: PreparedForm, n: int) -> float:
    return name_score(
        pf,
        index.name_tids[n],
        index.name_total[n],
        index.name_kind_factor[n],
        index.name_person[n],
        index.name_letters[n],
        index.name_patronymics[n],
        index.vocab,
        index.name_seats[n],
    )


def _match_one(
    index: MatchIndex,
    query: Query,
    threshold: float,
    limit: int,
    allowed: frozenset[int] | None,
) -> list[Hit]:
    forms = _prepared(index, query.name, query.schema)
    cut = threshold - max_bonus(query.countries, query.birth_date)
    prefix = threshold >= W.INDEX_MIN_THRESHOLD
    found = [candidates(index, pf, cut, prefix, allowed) for pf in forms]
    return _finish(index, query, forms, found, threshold, limit, allowed)


def _finish(
    index: MatchIndex,
    query: Query,
    forms: list[PreparedForm],
    found: list[list[Candidate]],
    threshold: float,
    limit: int,
    allowed: frozenset[int] | None,
) -> list[Hit]:
    """Score the candidates of each form exactly, add the qualifiers, keep the best entities."""
    bonus = max_bonus(query.countries, query.birth_date)
    vocab = index.vocab
    name_entity = index.name_entity
    name_tids = index.name_tids
    name_total = index.name_total
    kind_factor = index.name_kind_factor
    person = index.name_person
    letters = index.name_letters
    patronymics = index.name_patronymics
    seats = index.name_seats
    signature = index.name_signature
    best: dict[
        int, tuple[float, int, int]
    ] = {}  # entity -> (name score, indexed name, form number)
    for form_number, (pf, form_candidates) in enumerate(zip(forms, found, strict=True)):
        scored: dict[int, float] = {}  # by name signature: a name on several lists is scored once
        for bound, n in form_candidates:
            entity = name_entity[n]
            previous = best.get(entity)
            if previous is not None and previous[0] >= bound:
                continue
            score = scored.get(signature[n])
            if score is None:
                score = name_score(
                    pf,
                    name_tids[n],
                    name_total[n],
                    kind_factor[n],
                    person[n],
                    letters[n],
                    patronymics[n],
                    vocab,
                    seats[n],
                )
                scored[signature[n]] = score
            if previous is None or score > previous[0]:
                best[entity] = (score, n, form_number)
    forced: set[int] = set()
    if query.identifiers:
        forced = _identifier_entities(index, query)
        if allowed is not None:
            forced = {e for e in forced if index.entity_source_code[e] in allowed}
        for entity in forced:
            for form_number, pf in enumerate(forms):
                for n in index.entity_names[entity]:
                    score = _score(index, pf, n)
                    previous = best.get(entity)
                    if previous is None or score > previous[0]:
                        best[entity] = (score, n, form_number)
    results: list[tuple[float, str, int, int, int, list[Adjustment]]] = []
    for entity, (score, n, form_number) in best.items():
        if score + bonus < threshold and entity not in forced:
            continue
        adjustments = _qualifiers(index, query, entity)
        # rounded so that equal scores reached through different float sums sort as equal
        final = round(clip(score + sum(a.delta for a in adjustments)), 6)
        if final >= threshold:
            results.append((final, index.entity_ids[entity], entity, n, form_number, adjustments))
    results.sort(key=lambda item: (-item[0], item[1]))
    return [
        _hit(index, forms[form_number], entity, n, final, adjustments)
        for final, _, entity, n, form_number, adjustments in results[:limit]
    ]


def _listed_info(index: MatchIndex, n: int) -> ListedNameInfo:
    record = index.name_record[n]
    return ListedNameInfo(
        value=index.record_value[record],
        kind=index.name_kind[n],
        lang=index.record_lang[record],
        source=index.record_source[record],
        legal_forms=index.name_legal_forms.get(n, ()),
    )


def _explain_hit(
    index: MatchIndex,
    pf: PreparedForm,
    n: int,
    adjustments: tuple[Adjustment, ...],
    final: float,
) -> Explanation:
    explanation = explain_name(
        pf,
        index.name_tids[n],
        index.name_total[n],
        index.name_person[n],
        index.name_letters[n],
        index.name_patronymics[n],
        index.vocab,
        _listed_info(index, n),
        index.name_seats[n],
    )
    return explanation.with_qualifiers(adjustments, final)


def _hit(
    index: MatchIndex,
    pf: PreparedForm,
    entity: int,
    n: int,
    final: float,
    adjustments: list[Adjustment],
) -> Hit:
    return Hit(
        entity_id=index.entity_ids[entity],
        source=index.entity_source[entity],
        source_id=index.entity_source_id[entity],
        schema=index.entity_schema[entity],
        caption=index.entity_caption[entity],
        sublist=index.entity_sublist[entity],
        score=final,
        matched_name=index.record_value[index.name_record[n]],
        explainer=partial(_explain_hit, index, pf, n, tuple(adjustments), final),
    )


def match(
    index: MatchIndex,
    query: Query,
    *,
    threshold: float = W.DEFAULT_THRESHOLD,
    limit: int = W.DEFAULT_LIMIT,
    sources: Collection[str] | None = None,
) -> list[Hit]:
    """Listed entities scoring at least ``threshold`` for ``query``, best first, at most ``limit``.

    One score per entity: the best over the query's name forms and the entity's names, plus the
    qualifiers. ``sources`` restricts the search to those list sources (``"us-csl"``, ``"un-sc"``...).
    Ties are ordered by entity id.
    """
    return _match_one(index, query, threshold, limit, _source_codes(index, sources))


def match_many(
    index: MatchIndex,
    queries: Iterable[Query],
    *,
    threshold: float = W.DEFAULT_THRESHOLD,
    limit: int = W.DEFAULT_LIMIT,
    sources: Collection[str] | None = None,
) -> list[list[Hit]]:
    """:func:`match` for many queries, in order: the batch path.

    Queries are taken :data:`BATCH_SIZE` at a time; their candidates are retrieved together
    (:func:`aktsam.screening.candidates.candidates_many`), which is several times faster than one query
    at a time, and the cyclic garbage collector is paused while a batch runs. Results are the same as
    :func:`match` for each query.
    """
    allowed = _source_codes(index, sources)
    prefix = threshold >= W.INDEX_MIN_THRESHOLD
    out: list[list[Hit]] = []
    pending = iter(queries)
    while chunk := list(islice(pending, BATCH_SIZE)):
        with _paused_collector():
            batch = [(query, _prepared(index, query.name, query.schema)) for query in chunk]
            out.extend(_match_batch(index, batch, threshold, limit, allowed, prefix))
    return out


def _match_batch(
    index: MatchIndex,
    batch: list[tuple[Query, list[PreparedForm]]],
    threshold: float,
    limit: int,
    allowed: frozenset[int] | None,
    prefix: bool,
) -> list[list[Hit]]:
    items = [
        (pf, threshold - max_bonus(query.countries, query.birth_date))
        for query, forms in batch
        for pf in forms
    ]
    found: list[list[Candidate]] = []
    for start in range(0, len(items), MAX_BATCH_FORMS):
        found.extend(
            candidates_many(index, items[start : start + MAX_BATCH_FORMS], prefix, allowed)
        )
    out: list[list[Hit]] = []
    position = 0
    for query, forms in batch:
        mine = found[position : position + len(forms)]
        position += len(forms)
        out.append(_finish(index, query, forms, mine, threshold, limit, allowed))
    return out


@contextmanager
def _paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch (nothing here creates reference cycles).

    A batch allocates many short-lived containers, which triggers full collections; each walks every
    object the process holds, and those walks cost as much as the matching itself. The collector's
    previous state is restored when the batch ends, so garbage cycles made elsewhere are only delayed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- pairwise comparison -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _generic_tokens() -> dict[str, GenericToken]:
    return load_generic_tokens()


@lru_cache(maxsize=1)
def _alias_table() -> AliasTable:
    return AliasTable.default()


def compare(name1: str, name2: str, schema: Schema | None = None) -> Comparison:
    """How ``name2`` scores as a listed name for the query ``name1``, without an index.

    Token weights come from a default model: generic words (``data/generic_tokens.csv``) low, initials
    capped, every other token 1. ``schema`` is that of both names (organisation names are compared
    order-sensitively). No qualifiers apply. As at index build, ``name2`` carries the names the alias
    table (``data/aliases.csv``) gives the same entity, as enriched names (discounted, and cited in the
    explanation). ``screen`` can still score higher: a listed entity holds every name its lists give it,
    and the index weighs words by their frequency in the lists, not by this default model.
    """
    listed_names = [
        ListedNameInfo(name2, NameKind.PRIMARY, None, None, ()),
        *(
            ListedNameInfo(n.value, n.kind, n.lang, n.source, ())
            for n in _alias_table().same_entity(name2, schema)
        ),
    ]
    listed_forms = [
        (info, form)
        for info in listed_names
        for form in name_forms(info.value, schema)
        if form.tokens
    ]
    query_forms = [f for f in name_forms(name1, schema) if f.tokens]
    doc_freq = {token: 1 for _, form in listed_forms for token in form.tokens}
    vocab = Vocabulary.build(doc_freq, 1, _generic_tokens())
    person = schema is Schema.PERSON  # as the index weighs an entry of unstated kind
    best: Explanation | None = None
    for form in query_forms:
        pf = prepare_form(form, vocab)
        for named, listed in listed_forms:
            tids = tuple(vocab.index[t] for t in listed.tokens)
            if not any(is_initial(t) for t in listed.tokens):
                letters = NO_LETTERS
            else:
                letters = INITIALS if person else NAME_LETTERS
            total = sum(listed_weights(tids, letters, vocab))
            patronymics, seats = listed_bits(listed.tokens, listed.legal_forms, schema)
            info = ListedNameInfo(
                named.value, named.kind, named.lang, named.source, listed.legal_forms
            )
            explanation = explain_name(
                pf, tids, total, person, letters, patronymics, vocab, info, seats
            )
            if best is None or explanation.score > best.score:
                best = explanation
    if best is None:
        best = Explanation(
            query_name=name1,
            query_tokens=(),
            query_note=None,
            listed_name=name2,
            listed_kind=NameKind.PRIMARY.value,
            listed_lang=None,
            listed_source=None,
            listed_tokens=(),
            pairs=(),
            unmatched_query=(),
            unmatched_listed=(),
            query_legal_forms=(),
            listed_legal_forms=(),
            listed_coverage=0.0,
            query_coverage=0.0,
            base_score=0.0,
            adjustments=(),
            score=0.0,
        )
    return Comparison(best.score, best)
