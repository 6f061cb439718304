"""Candidate retrieval: the listed names a query form could score at least ``cut`` against.

The matcher only scores exactly the names this module returns, so it must never drop a name whose exact
score (:func:`aktsam.screening.scoring.name_score`, plus the largest bonus the qualifiers can add) reaches
``cut``: every rule below is an upper bound of that score. ``tests/screening/test_matcher.py`` checks the
results against scoring every listed name.

Retrieval reads the postings of every listed token the query's tokens expand to (prefix postings for
common tokens, see :mod:`aktsam.screening.index`). Each name found gets an upper bound of its score:

* **listed coverage** at most ``(listed weight the query can match in it + weight its postings cannot
  show) / its smallest listed total``. Postings cannot show the common tokens outside the name's prefix
  (at most what the query can match through common tokens), a repeated token, or an initial;
* **query coverage** at most the weight of the query positions that can match it;
* then the evidence and name-kind factors, which only lower the score.

Two MaxScore-style rules keep names that cannot pass from being bounded one by one:

* *optional positions*: query tokens so light that a name matching only them cannot reach the query
  coverage ``cut`` needs. Their postings only update names found through other tokens;
* *weak matches*: a listed token matching below ``cut`` cannot lift a name to ``cut`` on its own (both
  coverages are at most the best similarity of the matches).

Small postings are handled with Python dictionaries, long ones (common given names) with numpy; the batch
path (:func:`candidates_many`, used by ``match_many``) computes the same bounds for hundreds of query forms
in one set of array operations.

Known limit: a listed name is retrieved through its tokens, so one that only a query *initial* could match
(the initial standing for one of its words) is not found. Such a match scores at most about 0.5, below
:data:`~aktsam.screening.weights.INDEX_MIN_THRESHOLD`, except in queries mixing initials and words that
match no other token of the name.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aktsam.screening import weights as W
from aktsam.screening.index import MatchIndex
from aktsam.screening.scoring import INITIALS, PreparedForm, retrieval_entries

#: Above this many postings entries a query form's candidates are bounded with numpy, below it in Python
#: (numpy's fixed cost per call only pays off on longer lists; measured on the bundled lists).
NUMPY_MIN_POSTINGS = 160

#: Query forms with more tokens than this get no query-coverage bound (its table has ``2**n`` entries).
MAX_BOUNDED_POSITIONS = 10

Candidate = tuple[float, int]  # (score upper bound, indexed name)


def query_part(pf: PreparedForm, positions: int) -> float:
    """``query_coverage ** (1 - share)`` when the query positions in bit mask ``positions`` match."""
    weights = pf.weights
    matched = 0.0
    while positions:
        lowest = positions & -positions
        matched += weights[lowest.bit_length() - 1]
        positions ^= lowest
    if matched >= pf.total:
        return 1.0
    result: float = (matched / pf.total) ** (1.0 - W.LISTED_COVERAGE_SHARE)
    return result


def _query_part_table(pf: PreparedForm) -> npt.NDArray[np.float64]:
    """:func:`query_part` for every bit mask of query positions."""
    count = len(pf.tokens)
    masks = np.arange(1 << count, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(count, dtype=np.int64)) & 1
    matched = bits @ np.array(pf.weights, dtype=np.float64)
    coverage = np.minimum(matched / pf.total, 1.0)
    result: npt.NDArray[np.float64] = coverage ** (1.0 - W.LISTED_COVERAGE_SHARE)
    return result


def optional_positions(pf: PreparedForm, cut: float) -> int:
    """Bit mask of the query positions a name cannot pass on alone.

    The query coverage part of a name's bound is at most :func:`query_part` of the positions it matches;
    the lightest positions whose weights, with the initials' (always counted), stay below the coverage
    ``cut`` needs are optional.
    """
    if cut <= 0.0 or pf.total <= 0.0:
        return 0
    needed = cut ** (1.0 / (1.0 - W.LISTED_COVERAGE_SHARE)) * pf.total
    weights = pf.weights
    initials = set(pf.initial_positions)
    budget = needed - sum(weights[i] for i in initials)
    optional = 0
    used = 0.0
    for position in sorted(range(len(weights)), key=lambda i: (weights[i], i)):
        if position in initials:
            continue
        if used + weights[position] >= budget:
            break
        used += weights[position]
        optional |= 1 << position
    return optional


def candidates(
    index: MatchIndex,
    pf: PreparedForm,
    cut: float,
    prefix: bool,
    allowed: frozenset[int] | None,
) -> list[Candidate]:
    """Indexed names whose score upper bound reaches ``cut``, best bound first.

    ``prefix``: read prefix postings for common tokens (valid for thresholds from
    :data:`~aktsam.screening.weights.INDEX_MIN_THRESHOLD`); ``allowed``: source codes to keep, or None.
    """
    retrieval = retrieval_entries(pf, index.vocab)
    if not retrieval:
        return []
    size = 0
    common = index.common
    full_length = index.full_length
    if prefix:
        prefix_length = index.prefix_length
        for tid, _, _, _ in retrieval:
            size += prefix_length[tid] if common[tid] else full_length[tid]
    else:
        for tid, _, _, _ in retrieval:
            size += full_length[tid]
    if size == 0:
        return []
    bounded = len(pf.tokens) <= MAX_BOUNDED_POSITIONS and pf.total > 0.0
    optional = optional_positions(pf, cut) if bounded else 0
    # a match below ``strong`` is weak; initials match words at INITIAL_SIMILARITY without postings
    strong = cut if not pf.initial_positions or cut > W.INITIAL_SIMILARITY else 0.0
    if size >= NUMPY_MIN_POSTINGS:
        return _numpy_candidates(index, pf, cut, prefix, allowed, bounded, optional, strong)
    return _python_candidates(index, pf, retrieval, cut, prefix, allowed, bounded, optional, strong)


def _python_candidates(
    index: MatchIndex,
    pf: PreparedForm,
    retrieval: list[tuple[int, float, int, float]],
    cut: float,
    prefix: bool,
    allowed: frozenset[int] | None,
    bounded: bool,
    optional: int,
    strong: float,
) -> list[Candidate]:
    postings = index.postings
    plain = index.name_plain if prefix else index.name_plain_full
    extra = index.name_extra
    # names reached by an essential entry (a strong match at a non-optional position) -> entry bit mask
    found: dict[int, int] = {}
    get = found.get
    pending: dict[int, int] = {}
    pending_get = pending.get
    at_optional = 0  # entries matching optional positions only
    weak = 0  # entries matching below ``strong``
    for bit, (tid, _, where, sim) in enumerate(retrieval):
        flag = 1 << bit
        if not where & ~optional:
            at_optional |= flag
        if sim < strong:
            weak |= flag
        if (at_optional | weak) & flag:
            for n in postings(tid, prefix):
                pending[n] = pending_get(n, 0) | flag
        else:
            for n in postings(tid, prefix):
                found[n] = get(n, 0) | flag
    hidden_positions = pf.common_positions if prefix else 0
    reach: dict[int, int] = {}  # mask -> query positions its entries (and hidden tokens) can match
    for n, mask in pending.items():
        seen = get(n)
        if seen is not None:
            found[n] = seen | mask
        elif plain[n]:
            if mask & ~at_optional and mask & ~weak:
                found[n] = mask
        elif extra[n] or not prefix:
            found[n] = mask
        else:  # hidden common tokens match at any similarity, but only at common-capable positions
            reachable = reach.get(mask)
            if reachable is None:
                reachable = hidden_positions | _positions(retrieval, mask)
                reach[mask] = reachable
            if reachable & ~optional:
                found[n] = mask
    return _bound(index, pf, retrieval, found, cut, prefix, allowed, bounded)


def _positions(retrieval: list[tuple[int, float, int, float]], mask: int) -> int:
    positions = 0
    while mask:
        lowest = mask & -mask
        positions |= retrieval[lowest.bit_length() - 1][2]
        mask ^= lowest
    return positions


def _bound(
    index: MatchIndex,
    pf: PreparedForm,
    retrieval: list[tuple[int, float, int, float]],
    found: dict[int, int],
    cut: float,
    prefix: bool,
    allowed: frozenset[int] | None,
    bounded: bool,
) -> list[Candidate]:
    """Bounds of the names in ``found`` (name -> mask of retrieval entries that reached it)."""
    common_cap = pf.common_cap if prefix else 0.0
    common_positions = pf.common_positions
    initial_positions = 0
    for i in pf.initial_positions:
        initial_positions |= 1 << i
    initial_term = len(pf.initial_positions) * W.INITIAL_SIMILARITY
    unindexed = index.name_unindexed
    extra = index.name_extra
    total = index.name_total_min
    kind_factor = index.name_kind_factor
    max_weight = index.name_max_weight
    evidence = index.name_min_evidence
    letters = index.name_letters
    name_tids = index.name_tids
    name_source = index.name_source_code
    share = W.LISTED_COVERAGE_SHARE
    inverse_share = 1.0 / share
    exponent = W.EVIDENCE_EXPONENT
    lenient = W.MIN_EVIDENCE_OTHER
    exact_only = pf.short and cut > W.SHORT_QUERY_CAP
    length = len(pf.tokens)

    def largest_total(mass: float, part: float) -> float:
        # the bound of a name with matched weight ``mass`` is at most
        # ``min(1, mass / total) ** share * part * lenient evidence factor``
        if initial_term or cut <= 0.0:
            return float("inf")
        ceiling = part
        if mass < lenient:
            ceiling *= (mass / lenient) ** exponent
        if ceiling <= 0.0:
            return -1.0
        ratio = cut / ceiling
        return -1.0 if ratio > 1.0 else mass / ratio**inverse_share

    # per mask: matched weight, query positions, query part, and the largest listed total a name can
    # have and still reach ``cut`` with nothing hidden, or with hidden common tokens only
    masks: dict[int, tuple[float, int, float, float, float]] = {}
    widened: dict[int, float] = {}
    out: list[Candidate] = []
    for n, mask in found.items():
        cached = masks.get(mask)
        if cached is None:
            mass = 0.0
            positions = initial_positions
            rest = mask
            while rest:
                lowest = rest & -rest
                entry = retrieval[lowest.bit_length() - 1]
                mass += entry[1]
                positions |= entry[2]
                rest ^= lowest
            part = query_part(pf, positions) if bounded else 1.0
            largest = largest_total(mass, part)
            if common_cap:
                wider = query_part(pf, positions | common_positions) if bounded else 1.0
                largest_hidden = largest_total(mass + common_cap, wider)
            else:
                largest_hidden = largest
            cached = (mass, positions, part, largest, largest_hidden)
            masks[mask] = cached
        mass, positions, part, largest, largest_hidden = cached
        if not extra[n] and total[n] > (largest_hidden if unindexed[n] else largest):
            continue
        if allowed is not None and name_source[n] not in allowed:
            continue
        if exact_only and len(name_tids[n]) != length:
            continue
        if common_cap:
            hidden = unindexed[n]
            if hidden:
                mass += hidden if hidden < common_cap else common_cap
                wider_positions = positions | common_positions
                if bounded and wider_positions != positions:
                    wider_part = widened.get(wider_positions)
                    if wider_part is None:
                        wider_part = query_part(pf, wider_positions)
                        widened[wider_positions] = wider_part
                    part = wider_part
        mass += extra[n]
        if initial_term:
            mass += initial_term * max_weight[n]
        coverage = mass / total[n]
        bound = coverage**share if coverage < 1.0 else 1.0
        if letters[n] != INITIALS:  # listed initials can meet any query word: no query-side bound
            bound *= part
        needed = evidence[n]
        if mass < needed:
            bound *= (mass / needed) ** exponent
        bound *= kind_factor[n]
        if bound >= cut:
            out.append((bound, n))
    out.sort(reverse=True)
    return out


def _numpy_candidates(
    index: MatchIndex,
    pf: PreparedForm,
    cut: float,
    prefix: bool,
    allowed: frozenset[int] | None,
    bounded: bool,
    optional: int,
    strong: float,
) -> list[Candidate]:
    """The same bounds as :func:`_python_candidates`, on arrays.

    Each query position contributes its token's memoised *bundle* (names, best listed weight, best
    similarity: :meth:`~aktsam.screening.index.MatchIndex.token_bundle`); bundles are concatenated and
    sorted once, and per-name sums and masks are segment reductions.
    """
    parts: list[npt.NDArray[np.int32]] = []
    masses: list[npt.NDArray[np.float64]] = []
    strengths: list[npt.NDArray[np.bool_]] = []
    positions: list[int] = []
    reaching: list[bool] = []
    tokens = pf.tokens
    for i, expansion in enumerate(pf.expansions):
        names, contribution, similarity = index.token_bundle(tokens[i], expansion, prefix)
        if names.size:
            parts.append(names)
            masses.append(contribution)
            strengths.append(similarity >= strong)
            positions.append(1 << i)
            reaching.append(not optional >> i & 1)
    weights = index.vocab.weights
    for first, where, second in pf.compounds:
        for tid in (first, second):
            if tid < 0:
                continue
            names = index.postings_array(tid, prefix)
            if names.size:
                parts.append(names)
                masses.append(np.full(names.size, weights[tid]))
                strengths.append(np.ones(names.size, dtype=bool))
                positions.append(where)
                reaching.append(bool(where & ~optional))
    if not parts:
        return []
    sizes = [part.size for part in parts]
    everything = np.concatenate(parts)
    order = np.argsort(everything, kind="stable")
    ordered = everything[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    names = ordered[starts]
    mass = np.add.reduceat(np.concatenate(masses)[order], starts)
    data = index.arrays
    is_strong = np.concatenate(strengths)[order]
    entry: npt.NDArray[np.int64] | None = None
    keep: npt.NDArray[np.bool_] | None = None
    if not (all(reaching) and is_strong.all()):
        entry = np.repeat(np.arange(len(parts)), sizes)[order]
        reaches = np.array(reaching)[entry]
        flags = (reaches & is_strong) * 1 | reaches * 2 | is_strong * 4
        combined = np.bitwise_or.reduceat(flags.astype(np.int64), starts)
        keep = ((combined & 1) == 1) | ((combined & 6) == 6) | (data.extra[names] > 0)
        if prefix:
            hidden = data.unindexed[names] > 0
            if hidden.any():
                matched = np.bitwise_or.reduceat(np.array(positions, dtype=np.int64)[entry], starts)
                keep |= hidden & (((matched | pf.common_positions) & ~optional) != 0)
    hit: npt.NDArray[np.int64] | None = None
    if bounded:
        if entry is None:
            entry = np.repeat(np.arange(len(parts)), sizes)[order]
        hit = np.bitwise_or.reduceat(np.array(positions, dtype=np.int64)[entry], starts)
        for i in pf.initial_positions:
            hit |= 1 << i
    if allowed is not None:
        permitted = np.isin(data.source[names], np.fromiter(allowed, dtype=np.int32))
        keep = permitted if keep is None else keep & permitted
    if keep is not None:
        names, mass = names[keep], mass[keep]
        if hit is not None:
            hit = hit[keep]
    if prefix and pf.common_cap:
        hidden_mass = data.unindexed[names]
        mass += np.minimum(hidden_mass, pf.common_cap)
        if hit is not None and pf.common_positions:
            hit[hidden_mass > 0] |= pf.common_positions
    mass += data.extra[names]
    if pf.initial_positions:
        mass += len(pf.initial_positions) * W.INITIAL_SIMILARITY * data.max_weight[names]
    coverage = np.minimum(mass / data.total_min[names], 1.0)
    bound = coverage**W.LISTED_COVERAGE_SHARE
    if hit is not None:
        part = _query_part_table(pf)[hit]
        part[data.initials[names]] = 1.0
        bound *= part
    needed = data.min_evidence[names]
    thin = mass < needed
    if thin.any():
        bound[thin] *= (mass[thin] / needed[thin]) ** W.EVIDENCE_EXPONENT
    bound *= data.kind_factor[names]
    if pf.short and cut > W.SHORT_QUERY_CAP:
        bound[data.token_count[names] != len(pf.tokens)] = 0.0
    selected = bound >= cut
    names = names[selected]
    bound = bound[selected]
    result = np.argsort(-bound, kind="stable")
    return list(zip(bound[result].tolist(), names[result].tolist(), strict=True))


#: Bits of the batch sort key: (form << _FORM_SHIFT) | (name << _NAME_SHIFT) | element.
_NAME_SHIFT = 31
_FORM_SHIFT = 51
_NAME_MASK = (1 << (_FORM_SHIFT - _NAME_SHIFT)) - 1
_ELEMENT_MASK = (1 << _NAME_SHIFT) - 1

#: Most query forms one :func:`candidates_many` call takes (the form id has 12 bits of the sort key).
MAX_BATCH_FORMS = 1 << (63 - _FORM_SHIFT)


def candidates_many(
    index: MatchIndex,
    forms: list[tuple[PreparedForm, float]],
    prefix: bool,
    allowed: frozenset[int] | None,
) -> list[list[Candidate]]:
    """:func:`candidates` for many ``(form, cut)`` pairs at once: the batch path of ``match_many``.

    The same bounds, computed on one set of arrays for the whole batch, so numpy's fixed cost per call
    is paid once per batch rather than once per form. Elements are grouped by (form, name) with one
    sort of packed integer keys.
    """
    if len(forms) > MAX_BATCH_FORMS:
        raise ValueError(f"at most {MAX_BATCH_FORMS} forms per batch")
    if index.name_count > _NAME_MASK:
        raise ValueError("too many indexed names for the batch key")
    results: list[list[Candidate]] = [[] for _ in forms]
    names_parts: list[npt.NDArray[np.int32]] = []
    mass_parts: list[npt.NDArray[np.float64]] = []
    sim_parts: list[npt.NDArray[np.float64]] = []
    part_form: list[int] = []
    part_position: list[int] = []
    part_reaching: list[bool] = []
    count = len(forms)
    # per form: cut, strong, optional, common cap, common positions, initials mask, initial term,
    # token count an exact-only form needs (-1: none), query total (0: no query-side bound)
    scalars: list[tuple[float, float, int, float, int, int, float, int, float]] = []
    position_weights: list[tuple[float, ...]] = []
    padding = (0.0,) * MAX_BOUNDED_POSITIONS
    weights = index.vocab.weights
    token_bundle = index.token_bundle
    initial_similarity = W.INITIAL_SIMILARITY
    for f, (pf, form_cut) in enumerate(forms):
        tokens = pf.tokens
        bounded = len(tokens) <= MAX_BOUNDED_POSITIONS and pf.total > 0.0
        form_optional = optional_positions(pf, form_cut) if bounded else 0
        initials = pf.initial_positions
        initial_bits = 0
        for i in initials:
            initial_bits |= 1 << i
        scalars.append(
            (
                form_cut,
                form_cut if not initials or form_cut > initial_similarity else 0.0,
                form_optional,
                pf.common_cap if prefix else 0.0,
                pf.common_positions if prefix else 0,
                initial_bits,
                len(initials) * initial_similarity,
                len(tokens) if pf.short and form_cut > W.SHORT_QUERY_CAP else -1,
                pf.total if bounded else 0.0,
            )
        )
        position_weights.append((pf.weights + padding)[:MAX_BOUNDED_POSITIONS])
        for i, expansion in enumerate(pf.expansions):
            names, contribution, similarity = token_bundle(tokens[i], expansion, prefix)
            if names.size:
                names_parts.append(names)
                mass_parts.append(contribution)
                sim_parts.append(similarity)
                part_form.append(f)
                part_position.append(1 << i)
                part_reaching.append(not form_optional >> i & 1)
        for first, where, second in pf.compounds:
            for tid in (first, second):
                if tid < 0:
                    continue
                names = index.postings_array(tid, prefix)
                if names.size:
                    names_parts.append(names)
                    mass_parts.append(np.full(names.size, weights[tid]))
                    sim_parts.append(np.ones(names.size))
                    part_form.append(f)
                    part_position.append(where)
                    part_reaching.append(bool(where & ~form_optional))
    columns = list(zip(*scalars, strict=True)) if scalars else [()] * 9
    cut = np.array(columns[0], dtype=np.float64)
    strong = np.array(columns[1], dtype=np.float64)
    optional = np.array(columns[2], dtype=np.int64)
    common_cap = np.array(columns[3], dtype=np.float64)
    common_positions = np.array(columns[4], dtype=np.int64)
    initial_mask = np.array(columns[5], dtype=np.int64)
    initial_term = np.array(columns[6], dtype=np.float64)
    exact_length = np.array(columns[7], dtype=np.int64)
    query_total = np.array(columns[8], dtype=np.float64)
    bounded_form = query_total > 0.0
    query_total[~bounded_form] = 1.0
    weights_by_position = np.array(position_weights, dtype=np.float64).reshape(
        count, MAX_BOUNDED_POSITIONS
    )
    if not names_parts:
        return results
    sizes = np.array([part.size for part in names_parts])
    element_form = np.repeat(np.array(part_form, dtype=np.int64), sizes)
    element_name = np.concatenate(names_parts).astype(np.int64)
    keys = (element_form << _FORM_SHIFT) | (element_name << _NAME_SHIFT)
    keys |= np.arange(keys.size, dtype=np.int64)
    keys.sort()
    order = keys & _ELEMENT_MASK
    group = keys >> _NAME_SHIFT
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    group_form = group[starts] >> (_FORM_SHIFT - _NAME_SHIFT)
    names = group[starts] & _NAME_MASK
    mass = np.add.reduceat(np.concatenate(mass_parts)[order], starts)
    element_form = element_form[order]
    is_strong = np.concatenate(sim_parts)[order] >= strong[element_form]
    reaches = np.repeat(np.array(part_reaching), sizes)[order]
    flags = (reaches & is_strong) * 1 | reaches * 2 | is_strong * 4
    combined = np.bitwise_or.reduceat(flags.astype(np.int64), starts)
    positions = np.repeat(np.array(part_position, dtype=np.int64), sizes)[order]
    hit = np.bitwise_or.reduceat(positions, starts)
    data = index.arrays
    keep = ((combined & 1) == 1) | ((combined & 6) == 6) | (data.extra[names] > 0)
    if prefix:
        hidden = data.unindexed[names] > 0
        reachable = (hit | common_positions[group_form]) & ~optional[group_form]
        keep |= hidden & (reachable != 0)
    if allowed is not None:
        keep &= np.isin(data.source[names], np.fromiter(allowed, dtype=np.int32))
    names, mass, hit, group_form = names[keep], mass[keep], hit[keep], group_form[keep]
    hit |= initial_mask[group_form]
    if prefix:
        hidden_mass = data.unindexed[names]
        cap = common_cap[group_form]
        mass += np.minimum(hidden_mass, cap)
        widen = (hidden_mass > 0) & (cap > 0)
        hit[widen] |= common_positions[group_form[widen]]
    mass += data.extra[names]
    mass += initial_term[group_form] * data.max_weight[names]
    coverage = np.minimum(mass / data.total_min[names], 1.0)
    bound = coverage**W.LISTED_COVERAGE_SHARE
    with_query_bound = bounded_form[group_form] & ~data.initials[names]
    if with_query_bound.any():
        rows = group_form[with_query_bound]
        matched = hit[with_query_bound]
        query_mass = np.zeros(rows.size)
        for position in range(MAX_BOUNDED_POSITIONS):
            query_mass += ((matched >> position) & 1) * weights_by_position[rows, position]
        coverage_part = np.minimum(query_mass / query_total[rows], 1.0)
        bound[with_query_bound] *= coverage_part ** (1.0 - W.LISTED_COVERAGE_SHARE)
    needed = data.min_evidence[names]
    thin = mass < needed
    bound[thin] *= (mass[thin] / needed[thin]) ** W.EVIDENCE_EXPONENT
    bound *= data.kind_factor[names]
    lengths = exact_length[group_form]
    bound[(lengths >= 0) & (data.token_count[names] != lengths)] = 0.0
    selected = bound >= cut[group_form]
    names, bound, group_form = names[selected], bound[selected], group_form[selected]
    ranking = np.lexsort((names, -bound, group_form))
    names, bound, group_form = names[ranking], bound[ranking], group_form[ranking]
    boundaries = np.searchsorted(group_form, np.arange(count + 1))
    bound_list = bound.tolist()
    name_list = names.tolist()
    for f in range(count):
        lo, hi = int(boundaries[f]), int(boundaries[f + 1])
        if hi > lo:
            results[f] = list(zip(bound_list[lo:hi], name_list[lo:hi], strict=True))
    return results
