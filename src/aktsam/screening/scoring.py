"""Scoring one query name form against one listed name.

Tokens are aligned order-free and one-to-one, greedily by similarity (then by weight): exact matches,
fuzzy matches from the vocabulary's expansions, initials against initials or first letters, and compounds
("sber bank" against "sberbank", "jongun" against "jong un"). The name score combines two weighted
coverages, each the matched share of that side's token weights (matches counted at their similarity):

``base = listed_coverage ** s * query_coverage ** (1 - s)``  (``s`` = ``LISTED_COVERAGE_SHARE``)

Name-level adjustments follow: an unmatched distinctive query word that outweighs the whole match
(organisations: another company sharing one word, ``UNMATCHED_DISTINCTIVE_EXPONENT``), thin evidence, name
kind, word order (organisations), short queries. The entity-level qualifiers are in
:mod:`aktsam.screening.qualifiers`.

:func:`name_score` (the hot path) returns a float; :func:`explain_name` repeats the same computation and
records every step, for the few names that become hits. Both take the listed name as token ids and flags
precomputed by the index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from aktsam.lists.model import NameKind, Schema
from aktsam.screening import weights as W
from aktsam.screening.chinese import NOTE_PERSON, NOTE_PERSON_SYLLABLES, NOTE_SYLLABLES
from aktsam.screening.datatables import load_table
from aktsam.screening.explain import Adjustment, Explanation, TokenPair
from aktsam.screening.names import NameForm, tokenize
from aktsam.screening.vocabulary import Vocabulary, is_patronymic

#: One possible alignment step: (similarity, listed weight, query bit mask, listed bit mask, query weight,
#: first query position, first listed position, kind)
Edge = tuple[float, float, int, int, float, int, int, int]

_SINGLE, _INITIAL, _JOIN, _SPLIT = 0, 1, 2, 3
_MATCH_NAMES = {_SINGLE: "fuzzy", _INITIAL: "initial", _JOIN: "compound", _SPLIT: "compound"}

#: How a listed name's one-letter tokens behave (the ``letters`` argument of the scorer).
NO_LETTERS = 0  # the name has no one-letter token
INITIALS = 1  # person (or unknown) name: letters are initials, matching words that start with them
NAME_LETTERS = 2  # organisation/object name: letters are name parts, weighed up and matched exactly

_KIND_FEATURES = {
    NameKind.WEAK_ALIAS: "weak_alias",
    NameKind.ENRICHED: "enriched_alias",
    NameKind.FORMER: "former_name",
}


def is_initial(token: str) -> bool:
    """A one-letter token (a single digit is a number, not an initial)."""
    return len(token) == 1 and token.isalpha()


@dataclass(frozen=True, slots=True)
class PreparedForm:
    """A query name form with everything scoring and retrieval need, for one vocabulary."""

    form: NameForm
    tokens: tuple[str, ...]
    #: weight of each query token, and their sum
    weights: tuple[float, ...]
    total: float
    #: per query position: listed token id -> similarity
    expansions: tuple[Mapping[int, float], ...]
    #: listed id -> positions i where ``tokens[i] + tokens[i + 1]`` is that listed token
    joins: Mapping[int, tuple[int, ...]]
    #: (i, listed id, listed id): ``tokens[i]`` written as two listed words
    splits: tuple[tuple[int, int, int], ...]
    #: joins and splits for retrieval: (listed id, query positions, second listed id of a split or -1)
    compounds: tuple[tuple[int, int, int], ...]
    #: positions of initials
    initial_positions: tuple[int, ...]
    #: one short token or initials only: needs an exact full-name match
    short: bool
    sorted_tokens: tuple[str, ...]
    #: the most listed weight the query can match through common tokens (read via prefix postings),
    #: and the query positions that can match a common token
    common_cap: float
    common_positions: int
    #: per query position, the weight it costs when left unmatched (:func:`distinctive_weights`), and
    #: whether any position costs anything
    distinctive: tuple[float, ...] = ()
    any_distinctive: bool = False
    #: ``expansions`` inverted: listed id -> (similarity, 1 << i, weights[i], i) for each query
    #: position i that may match it, in position order
    matches: Mapping[int, tuple[tuple[float, int, float, int], ...]] = field(default_factory=dict)
    #: positions of one-word place names (:func:`place_bits`)
    places: int = 0
    #: positions whose word, left unmatched, can conflict with a listed one (:func:`name_conflict`):
    #: words of two letters or more that are not patronymics
    conflict_positions: int = 0


_SYLLABLE_NOTES = frozenset({NOTE_SYLLABLES, NOTE_PERSON, NOTE_PERSON_SYLLABLES})


def _syllables(form: NameForm) -> bool:
    """Whether the form's tokens are the pinyin of Chinese characters, a syllable (a character) or a
    given name per token, not words (:mod:`aktsam.screening.chinese`'s syllable and person readings)."""
    return form.note in _SYLLABLE_NOTES


def form_joins(tokens: Sequence[str], index: Mapping[str, int]) -> dict[int, list[int]]:
    """Compounds by join: listed token id -> the query positions ``i`` whose words ``i`` and ``i + 1``
    (both longer than one letter) written together are that listed token ("sense" "time" ->
    SENSETIME). ``index``: the vocabulary's token -> id."""
    joins: dict[int, list[int]] = {}
    for i in range(len(tokens) - 1):
        if len(tokens[i]) > 1 and len(tokens[i + 1]) > 1:
            joined = index.get(tokens[i] + tokens[i + 1])
            if joined is not None:
                joins.setdefault(joined, []).append(i)
    return joins


def token_splits(token: str, index: Mapping[str, int]) -> list[tuple[int, int]]:
    """Compounds by split: the (left, right) listed token ids an unlisted query word cuts into
    ("hikvision" -> HIK, VISION), each part at least ``SPLIT_MIN_PART_LENGTH`` long."""
    if token in index or len(token) < 2 * W.SPLIT_MIN_PART_LENGTH:
        return []
    out: list[tuple[int, int]] = []
    for cut in range(W.SPLIT_MIN_PART_LENGTH, len(token) - W.SPLIT_MIN_PART_LENGTH + 1):
        left = index.get(token[:cut])
        right = index.get(token[cut:])
        if left is not None and right is not None and left != right:
            out.append((left, right))
    return out


def prepare_form(
    form: NameForm, vocab: Vocabulary, common: Sequence[int] | None = None
) -> PreparedForm:
    """Expand the tokens of ``form`` against ``vocab`` (expansions are memoised by the vocabulary).

    ``common`` (the index's common-token flags) is only needed for candidate retrieval.
    """
    tokens = form.tokens
    weights = vocab.weights
    index = vocab.index
    expansions = tuple(vocab.expand(token) for token in tokens)
    caps: dict[int, float] = {}  # query position -> most it adds through a common token
    common_positions = 0
    if common is not None:
        for i, token in enumerate(tokens):
            initial = is_initial(token)
            for tid, sim in expansions[i].items():
                if common[tid]:
                    contribution = sim * _retrieval_weight(weights[tid], initial)
                    if contribution > caps.get(i, 0.0):
                        caps[i] = contribution
                    common_positions |= 1 << i
    joins = form_joins(tokens, index)
    splits = [
        (i, left, right)
        for i, token in enumerate(tokens)
        for left, right in token_splits(token, index)
    ]
    if common is not None:
        for joined, positions in joins.items():
            if common[joined]:
                for i in positions:
                    caps[i] = max(caps.get(i, 0.0), weights[joined])
                    common_positions |= 3 << i
        for i, left, right in splits:
            if common[left] or common[right]:
                caps[i] = max(caps.get(i, 0.0), weights[left] + weights[right])
                common_positions |= 1 << i
    query_weights = tuple(vocab.weight_of(t) for t in tokens)
    distinctive = distinctive_weights(tokens, query_weights, _syllables(form))
    compounds = [(tid, 3 << i, -1) for tid, positions in joins.items() for i in positions]
    compounds += [(left, 1 << i, right) for i, left, right in splits]
    matches: dict[int, tuple[tuple[float, int, float, int], ...]] = {}
    for i, expansion in enumerate(expansions):
        for tid, sim in expansion.items():
            matches[tid] = (*matches.get(tid, ()), (sim, 1 << i, query_weights[i], i))
    return PreparedForm(
        form=form,
        tokens=tokens,
        weights=query_weights,
        total=sum(query_weights),
        expansions=expansions,
        joins={tid: tuple(positions) for tid, positions in joins.items()},
        splits=tuple(splits),
        compounds=tuple(compounds),
        initial_positions=tuple(i for i, t in enumerate(tokens) if is_initial(t)),
        places=place_bits(tokens),
        conflict_positions=sum(
            1 << i for i, t in enumerate(tokens) if len(t) > 1 and not is_patronymic(t)
        ),
        short=bool(tokens)
        and (
            (len(tokens) == 1 and len(tokens[0]) <= W.SHORT_QUERY_MAX_LENGTH)
            or all(len(t) == 1 for t in tokens)
        ),
        sorted_tokens=tuple(sorted(tokens)),
        common_cap=sum(caps.values()),
        common_positions=common_positions,
        distinctive=distinctive,
        any_distinctive=any(distinctive),
        matches=matches,
    )


@lru_cache(maxsize=1)
def place_tokens() -> frozenset[str]:
    """One-word place names (``zh_terms.csv`` rows of kind ``place``: "zhejiang", "shenzhen", "china").

    Company names add or drop their seat freely, so a query's unmatched place name is no evidence of
    another party (:func:`distinctive_weights`).
    """
    out: set[str] = set()
    for row in load_table("zh_terms.csv", ("term", "english", "kind")):
        if row["kind"] == "place":
            words = tokenize(row["english"])
            if len(words) == 1:
                out.add(words[0])
    return frozenset(out)


def distinctive_weights(
    tokens: Sequence[str], weights: Sequence[float], syllables: bool = False
) -> tuple[float, ...]:
    """What each query token costs when left unmatched, beyond the query coverage: its weight when it
    is distinctive (``DISTINCTIVE_MIN_WEIGHT``, ``DISTINCTIVE_MIN_LENGTH``, not a place name), else 0.

    ``syllables``: the tokens are the pinyin of Chinese characters, one syllable each ("大华" -> "da",
    "hua"). A syllable is a character, a full part of the name, however short its romanisation, so
    the length test does not apply to it.
    """
    places = place_tokens()
    min_length = 1 if syllables else W.DISTINCTIVE_MIN_LENGTH
    return tuple(
        weight
        if weight >= W.DISTINCTIVE_MIN_WEIGHT and len(token) >= min_length and token not in places
        else 0.0
        for token, weight in zip(tokens, weights, strict=True)
    )


def place_bits(tokens: Sequence[str]) -> int:
    """Bit mask of the positions of ``tokens`` that are one-word place names (:func:`place_tokens`)."""
    places = place_tokens()
    bits = 0
    for position, token in enumerate(tokens):
        if token in places:
            bits |= 1 << position
    return bits


def listed_bits(
    tokens: Sequence[str], legal_forms: Sequence[str], schema: Schema | None
) -> tuple[int, int]:
    """(patronymic bits, seat bits) of a listed name, for the index and ``compare`` alike: patronymics
    in a person's name or one of unstated kind (``None`` or ``UNKNOWN``), seats in an organisation's
    or one of unstated kind."""
    unstated = schema is None or schema is Schema.UNKNOWN
    patronymics = patronymic_bits(tokens) if unstated or schema is Schema.PERSON else 0
    seats = seat_bits(tokens, legal_forms) if unstated or schema is Schema.ORGANIZATION else 0
    return patronymics, seats


def seat_bits(tokens: Sequence[str], legal_forms: Sequence[str]) -> int:
    """Bit mask of a company name's seat: the place names it starts with ("Beijing" in "Beijing
    Sensetime Technology Development Co., Ltd."), when a word that is not a place follows them and
    the name has a legal form (``legal_forms``, those the normaliser removed from it).

    Chinese enterprise names are built as administrative division + trade name + industry + form
    (see ``UNMATCHED_SEAT_FACTOR``): the seat says where the company is registered, not which it is.
    Names without a legal form are left alone: a public body's place is what tells it apart ("Turpan
    Municipality Public Security Bureau").
    """
    if not legal_forms:
        return 0
    places = place_tokens()
    bits = 0
    for position, token in enumerate(tokens):
        if token not in places:
            return bits
        bits |= 1 << position
    return 0


def unmatched_factor(pf: PreparedForm, used_q: int, query_mass: float, person: int) -> float:
    """Factor for a query whose unmatched distinctive word outweighs all it matched (see
    ``UNMATCHED_DISTINCTIVE_EXPONENT``): ``(matched / (matched + unmatched distinctive weight)) **
    exponent``; 1 otherwise, and for persons' names."""
    if person or not pf.any_distinctive or query_mass <= 0.0:
        return 1.0
    unmatched = heaviest = 0.0
    for i, weight in enumerate(pf.distinctive):
        if weight and not used_q >> i & 1:
            unmatched += weight
            if weight > heaviest:
                heaviest = weight
    if heaviest <= query_mass:
        return 1.0
    factor: float = (query_mass / (query_mass + unmatched)) ** W.UNMATCHED_DISTINCTIVE_EXPONENT
    return factor


def _retrieval_weight(weight: float, initial: bool) -> float:
    # an initial retrieves the names holding that letter, where it may be an organisation's name part
    return max(weight, W.ORGANIZATION_LETTER_WEIGHT) if initial else weight


def retrieval_entries(pf: PreparedForm, vocab: Vocabulary) -> list[tuple[int, float, int, float]]:
    """Every listed token ``pf`` retrieves names through: (listed id, most listed weight it can match,
    bit mask of the query positions it matches, best similarity)."""
    weights = vocab.weights
    merged: dict[int, tuple[float, int, float]] = {}
    for i, expansion in enumerate(pf.expansions):
        initial = is_initial(pf.tokens[i])
        bit = 1 << i
        for tid, sim in expansion.items():
            contribution = sim * _retrieval_weight(weights[tid], initial)
            found = merged.get(tid)
            if found is None:
                merged[tid] = (contribution, bit, sim)
            else:
                merged[tid] = (max(found[0], contribution), found[1] | bit, max(found[2], sim))
    for first, positions, second in pf.compounds:
        contribution = weights[first] + (weights[second] if second >= 0 else 0.0)
        for tid in (first, second):
            if tid < 0:
                continue
            found = merged.get(tid)
            if found is None:
                merged[tid] = (contribution, positions, 1.0)
            else:
                merged[tid] = (max(found[0], contribution), found[1] | positions, 1.0)
    return [(tid, c, where, sim) for tid, (c, where, sim) in merged.items()]


def listed_weights(tids: Sequence[int], letters: int, vocab: Vocabulary) -> list[float]:
    """Weights of a listed name's tokens (one-letter name parts of organisations weighed up)."""
    weights = vocab.weights
    if letters != NAME_LETTERS:
        return [weights[t] for t in tids]
    tokens = vocab.tokens
    return [
        max(weights[t], W.ORGANIZATION_LETTER_WEIGHT) if is_initial(tokens[t]) else weights[t]
        for t in tids
    ]


def patronymic_bits(tokens: Sequence[str]) -> int:
    """Bit mask of the position of ``tokens`` that is the name's patronymic, if one looks like it.

    A person has one patronymic, and it follows the given name: where several words look like one
    (Belarusian and Serbian surnames end the same way: "Viktor Vladimirovich GULEVICH"), the first one
    inside the name is it, else the last one ("GULEVICH Viktor Vladimirovich")."""
    positions = [p for p, token in enumerate(tokens) if is_patronymic(token)]
    if not positions:
        return 0
    if len(positions) > 1:
        inside = [p for p in positions if 0 < p < len(tokens) - 1]
        return 1 << (inside[0] if inside else positions[-1])
    return 1 << positions[0]


def min_evidence(person: bool) -> float:
    """Matched listed weight a name needs for its full score (stricter for persons' names)."""
    return W.MIN_EVIDENCE_PERSON if person else W.MIN_EVIDENCE_OTHER


def base_score(listed_coverage: float, query_coverage: float) -> float:
    """Weighted geometric mean of the two coverages (each clipped to [0, 1])."""
    listed_coverage = min(listed_coverage, 1.0)
    query_coverage = min(query_coverage, 1.0)
    if listed_coverage <= 0.0 or query_coverage <= 0.0:
        return 0.0
    share = W.LISTED_COVERAGE_SHARE
    result: float = listed_coverage**share * query_coverage ** (1.0 - share)
    return result


def _edges(pf: PreparedForm, tids: Sequence[int], letters: int, vocab: Vocabulary) -> list[Edge]:
    """Every way a query token (or two) can meet a listed token (or two)."""
    weights = vocab.weights
    lweights = listed_weights(tids, letters, vocab) if letters == NAME_LETTERS else None
    qweights = pf.weights
    matches = pf.matches
    edges: list[Edge] = []
    for j, tid in enumerate(tids):
        found = matches.get(tid)
        if found is not None:
            weight = weights[tid] if lweights is None else lweights[j]
            lbit = 1 << j
            for sim, qbit, qweight, i in found:
                edges.append((sim, weight, qbit, lbit, qweight, i, j, _SINGLE))
    if pf.initial_positions or letters == INITIALS:
        tokens = vocab.tokens
        for i, qtok in enumerate(pf.tokens):
            qinitial = len(qtok) == 1
            for j, tid in enumerate(tids):
                ltok = tokens[tid]
                if qtok[0] != ltok[0] or not ltok[0].isalpha():
                    continue
                linitial = len(ltok) == 1
                if (qinitial and not linitial) or (
                    linitial and not qinitial and letters == INITIALS
                ):
                    weight = weights[tid] if lweights is None else lweights[j]
                    edges.append(
                        (W.INITIAL_SIMILARITY, weight, 1 << i, 1 << j, qweights[i], i, j, _INITIAL)
                    )
    if pf.joins:
        joins = pf.joins
        for j, tid in enumerate(tids):
            positions = joins.get(tid)
            if positions is not None:
                for i in positions:
                    both = qweights[i] + qweights[i + 1]
                    edges.append((1.0, weights[tid], 3 << i, 1 << j, both, i, j, _JOIN))
    for i, left, right in pf.splits:
        if left in tids and right in tids:
            jl, jr = tids.index(left), tids.index(right)
            both = weights[left] + weights[right]
            lbits = (1 << jl) | (1 << jr)
            edges.append((1.0, both, 1 << i, lbits, qweights[i], i, min(jl, jr), _SPLIT))
    return edges


def _align(edges: list[Edge]) -> tuple[list[Edge], float, float, int, int]:
    """Greedy one-to-one alignment: (edges taken, listed mass, query mass, listed positions used, query
    positions used)."""
    if len(edges) > 1:
        edges.sort(reverse=True)
    used_q = used_l = 0
    listed_mass = query_mass = 0.0
    taken: list[Edge] = []
    for edge in edges:
        if edge[2] & used_q or edge[3] & used_l:
            continue
        used_q |= edge[2]
        used_l |= edge[3]
        listed_mass += edge[0] * edge[1]
        query_mass += edge[0] * edge[4]
        taken.append(edge)
    return taken, listed_mass, query_mass, used_l, used_q


def _inversions(taken: Sequence[Edge]) -> tuple[int, int]:
    """Pairs of aligned tokens in a different order on the two sides, and the number of pairs."""
    positions = [edge[6] for edge in sorted(taken, key=lambda e: e[5])]
    count = len(positions)
    inverted = sum(
        1 for a in range(count) for b in range(a + 1, count) if positions[a] > positions[b]
    )
    return inverted, count * (count - 1) // 2


def _missing_patronymics(
    patronymics: int,
    used_l: int,
    tids: Sequence[int],
    letters: int,
    vocab: Vocabulary,
    kept: float = W.UNMATCHED_PATRONYMIC_FACTOR,
) -> float:
    """Listed weight left out for unmatched patronymics (``1 - UNMATCHED_PATRONYMIC_FACTOR`` of each),
    or for other positions that keep ``kept`` of their weight when unmatched (a forgiven seat)."""
    missing = patronymics & ~used_l
    if not missing:
        return 0.0
    weights = listed_weights(tids, letters, vocab)
    share = 1.0 - kept
    return sum(weights[j] * share for j in range(len(tids)) if missing >> j & 1)


def name_conflict(
    pf: PreparedForm,
    used_q: int,
    tids: Sequence[int],
    used_l: int,
    patronymics: int,
    vocab: Vocabulary,
) -> float:
    """The weight of the conflicting words of two names (``NAME_CONFLICT_PENALTY``): the lighter of the
    heaviest unmatched query word and the heaviest unmatched listed word, one-letter words and the
    listed name's patronymics left out (a query patronymic too); 0 when either side matched all its
    words."""
    open_q = pf.conflict_positions & ~used_q
    if not open_q:
        return 0.0
    open_l = ((1 << len(tids)) - 1) & ~(used_l | patronymics)
    if not open_l:
        return 0.0
    tokens, weights = vocab.tokens, vocab.weights
    listed = 0.0
    j = 0
    while open_l:
        if open_l & 1:
            tid = tids[j]
            if weights[tid] > listed and len(tokens[tid]) > 1:
                listed = weights[tid]
        open_l >>= 1
        j += 1
    if not listed:
        return 0.0
    query = 0.0
    qweights = pf.weights
    i = 0
    while open_q:
        if open_q & 1 and qweights[i] > query:
            query = qweights[i]
        open_q >>= 1
        i += 1
    return min(query, listed)


def _missing_seat(seats: int, pf: PreparedForm, used_q: int, used_l: int) -> int:
    """The listed seat positions forgiven (``UNMATCHED_SEAT_FACTOR``): the unmatched ones, unless the
    query names a place of its own that it did not match (then the seats differ: 0)."""
    missing = seats & ~used_l
    if not missing or pf.places & ~used_q:
        return 0
    return missing


def _short_listed(pf: PreparedForm, tids: Sequence[int], used_q: int, vocab: Vocabulary) -> bool:
    """A listed name of one short token ("HUA", an acronym) met by a query that leaves a weighty word
    unmatched (``SHORT_LISTED_MAX_LENGTH``). Weighty, not distinctive: a short word counts here, as the
    acronym matched is short itself ("SAP SE" read as a person's name, its legal form kept as a word,
    met the alias "SE" of the Sect of Revolutionaries with "SAP" left over). Place names do not count."""
    if len(tids) != 1 or len(vocab.tokens[tids[0]]) > W.SHORT_LISTED_MAX_LENGTH:
        return False
    return any(
        weight >= W.DISTINCTIVE_MIN_WEIGHT and not (used_q | pf.places) >> i & 1
        for i, weight in enumerate(pf.weights)
    )


def _exact_full(pf: PreparedForm, tids: Sequence[int], vocab: Vocabulary) -> bool:
    tokens = vocab.tokens
    return pf.sorted_tokens == tuple(sorted(tokens[t] for t in tids))


def name_score(
    pf: PreparedForm,
    tids: Sequence[int],
    listed_total: float,
    kind_factor: float,
    person: int,
    letters: int,
    patronymics: int,
    vocab: Vocabulary,
    seats: int = 0,
) -> float:
    """Score of one query form against one listed name, name-level adjustments included.

    ``listed_total``: sum of the listed name's token weights (:func:`listed_weights`); ``person``
    (nonzero): the name is a person's (word order free, stricter evidence); ``letters``: how its
    one-letter tokens behave; ``patronymics``: bit mask of its patronymic positions
    (:func:`patronymic_bits`); ``seats``: of its seat (:func:`seat_bits`).
    """
    edges = _edges(pf, tids, letters, vocab)
    if not edges:
        return 0.0
    taken, listed_mass, query_mass, used_l, used_q = _align(edges)
    if patronymics:
        listed_total -= _missing_patronymics(patronymics, used_l, tids, letters, vocab)
    if seats:
        forgiven = _missing_seat(seats, pf, used_q, used_l)
        if forgiven:
            listed_total -= _missing_patronymics(
                forgiven, 0, tids, letters, vocab, W.UNMATCHED_SEAT_FACTOR
            )
    if listed_total <= 0.0 or pf.total <= 0.0:
        return 0.0
    score = base_score(listed_mass / listed_total, query_mass / pf.total)
    if not person:
        if pf.any_distinctive:
            score *= unmatched_factor(pf, used_q, query_mass, person)
        if score > W.SHORT_QUERY_CAP and _short_listed(pf, tids, used_q, vocab):
            score = W.SHORT_QUERY_CAP
    conflict = name_conflict(pf, used_q, tids, used_l, patronymics, vocab)
    if conflict:
        score *= 1.0 - W.NAME_CONFLICT_PENALTY * conflict
    evidence = W.MIN_EVIDENCE_PERSON if person else W.MIN_EVIDENCE_OTHER
    if listed_mass < evidence:
        score *= (listed_mass / evidence) ** W.EVIDENCE_EXPONENT
    score *= kind_factor
    if not person and len(taken) > 1:
        inverted, pairs = _inversions(taken)
        if inverted:
            score -= W.ORGANIZATION_ORDER_PENALTY * inverted / pairs
    if pf.short and score > W.SHORT_QUERY_CAP and not _exact_full(pf, tids, vocab):
        score = W.SHORT_QUERY_CAP
    return score


@dataclass(frozen=True, slots=True)
class ListedNameInfo:
    """What the explanation says about the listed side of a comparison."""

    value: str
    kind: NameKind
    lang: str | None
    source: str | None
    legal_forms: tuple[str, ...]


def explain_name(
    pf: PreparedForm,
    tids: Sequence[int],
    listed_total: float,
    person: int,
    letters: int,
    patronymics: int,
    vocab: Vocabulary,
    listed: ListedNameInfo,
    seats: int = 0,
) -> Explanation:
    """:func:`name_score` with every step recorded (its ``score`` is the same value, clipped)."""
    edges = _edges(pf, tids, letters, vocab)
    taken, listed_mass, query_mass, used_l, used_q_aligned = _align(edges)
    tokens = vocab.tokens
    query_tokens = pf.tokens
    pairs: list[TokenPair] = []
    used_q = 0
    for edge in sorted(taken, key=lambda e: (e[5], e[6])):
        sim, lweight, qbits, lbits, kind = edge[0], edge[1], edge[2], edge[3], edge[7]
        used_q |= qbits
        qtext = " ".join(query_tokens[i] for i in range(len(query_tokens)) if qbits >> i & 1)
        ltext = " ".join(tokens[tids[j]] for j in range(len(tids)) if lbits >> j & 1)
        match = "exact" if sim == 1.0 and kind == _SINGLE else _MATCH_NAMES[kind]
        pairs.append(TokenPair(qtext, ltext, sim, lweight, match))
    unmatched_q = tuple(t for i, t in enumerate(query_tokens) if not used_q >> i & 1)
    unmatched_l = tuple(tokens[t] for j, t in enumerate(tids) if not used_l >> j & 1)
    query_cov = min(query_mass / pf.total, 1.0) if pf.total > 0 else 0.0
    listed_cov = min(listed_mass / listed_total, 1.0) if listed_total > 0 else 0.0
    base = base_score(listed_cov, query_cov)
    score = base
    adjustments: list[Adjustment] = []
    missing = (
        _missing_patronymics(patronymics, used_l, tids, letters, vocab) if patronymics else 0.0
    )
    if missing and listed_total - missing > 0:
        discounted = base_score(listed_mass / (listed_total - missing), query_cov)
        names = ", ".join(tokens[t] for j, t in enumerate(tids) if (patronymics & ~used_l) >> j & 1)
        adjustments.append(
            Adjustment(
                "patronymic_missing",
                discounted - score,
                f"unmatched patronymic {names} counts {W.UNMATCHED_PATRONYMIC_FACTOR:g} of its weight",
            )
        )
        score = discounted
        listed_total -= missing
    forgiven = _missing_seat(seats, pf, used_q_aligned, used_l) if seats else 0
    if forgiven:
        lightened = _missing_patronymics(forgiven, 0, tids, letters, vocab, W.UNMATCHED_SEAT_FACTOR)
        if listed_total - lightened > 0:
            discounted = base_score(listed_mass / (listed_total - lightened), query_cov)
            names = ", ".join(tokens[t] for j, t in enumerate(tids) if forgiven >> j & 1)
            adjustments.append(
                Adjustment(
                    "seat_missing",
                    discounted - score,
                    f"the listed name's seat {names} (where it is registered) is not in the query: "
                    f"counts {W.UNMATCHED_SEAT_FACTOR:g} of its weight",
                )
            )
            score = discounted
    factor = unmatched_factor(pf, used_q, query_mass, person)
    if factor != 1.0:
        names = ", ".join(
            query_tokens[i]
            for i, weight in enumerate(pf.distinctive)
            if weight and not used_q >> i & 1
        )
        adjustments.append(
            Adjustment(
                "unmatched_distinctive",
                score * factor - score,
                f"unmatched distinctive query word(s) {names} outweigh the matched ones",
            )
        )
        score *= factor
    if not person and score > W.SHORT_QUERY_CAP and _short_listed(pf, tids, used_q, vocab):
        detail = (
            f"one-word listed name of at most {W.SHORT_LISTED_MAX_LENGTH} letters (an acronym) and an "
            "unmatched weighty query word"
        )
        adjustments.append(Adjustment("short_listed_name", W.SHORT_QUERY_CAP - score, detail))
        score = W.SHORT_QUERY_CAP
    conflict = name_conflict(pf, used_q_aligned, tids, used_l, patronymics, vocab)
    if conflict:
        factor = 1.0 - W.NAME_CONFLICT_PENALTY * conflict
        detail = (
            f"each name keeps a word the other lacks ({', '.join(unmatched_q)} / "
            f"{', '.join(unmatched_l)}): weight {conflict:.2f}"
        )
        adjustments.append(Adjustment("name_conflict", score * factor - score, detail))
        score *= factor
    evidence = min_evidence(bool(person))
    if taken and listed_mass < evidence:
        scaled = score * (listed_mass / evidence) ** W.EVIDENCE_EXPONENT
        adjustments.append(
            Adjustment(
                "thin_evidence",
                scaled - score,
                f"matched listed weight {listed_mass:.2f} < {evidence:.2f}: common or generic words",
            )
        )
        score = scaled
    factor = W.NAME_KIND_FACTOR[listed.kind]
    if factor != 1.0:
        detail = f"{listed.kind.value} name counts x{factor:g}"
        if listed.kind is NameKind.ENRICHED and listed.source:
            detail += f" (alias table: {listed.source})"
        feature = _KIND_FEATURES.get(listed.kind, listed.kind.value)
        adjustments.append(Adjustment(feature, score * factor - score, detail))
        score *= factor
    if not person and len(taken) > 1:
        inverted, total_pairs = _inversions(taken)
        if inverted:
            delta = -W.ORGANIZATION_ORDER_PENALTY * inverted / total_pairs
            detail = f"{inverted} of {total_pairs} word pairs in another order"
            adjustments.append(Adjustment("order_mismatch", delta, detail))
            score += delta
    if pf.short and score > W.SHORT_QUERY_CAP and not _exact_full(pf, tids, vocab):
        detail = "short or initials-only query without an exact full-name match"
        adjustments.append(Adjustment("short_query", W.SHORT_QUERY_CAP - score, detail))
        score = W.SHORT_QUERY_CAP
    form = pf.form
    return Explanation(
        query_name=form.original,
        query_tokens=query_tokens,
        query_note=form.note,
        listed_name=listed.value,
        listed_kind=listed.kind.value,
        listed_lang=listed.lang,
        listed_source=listed.source,
        listed_tokens=tuple(tokens[t] for t in tids),
        pairs=tuple(pairs),
        unmatched_query=unmatched_q,
        unmatched_listed=unmatched_l,
        query_legal_forms=form.legal_forms,
        listed_legal_forms=listed.legal_forms,
        listed_coverage=listed_cov,
        query_coverage=query_cov,
        base_score=base,
        adjustments=tuple(adjustments),
        score=max(0.0, min(1.0, score)),
    )
