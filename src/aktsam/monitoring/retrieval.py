"""Which monitored parties a list change may concern: the two stages of a delta run's candidate search.

1. :func:`token_candidates`, the reverse index (``monitor_postings``, by party number), listed side:
   a party is kept for a changed name when what it reaches of the name (its key tokens; then, for the
   parties that need them, the name's other tokens), each token at the most similarity the matcher
   can give it, with the name's extra weight and what the party's initials may stand for, reaches the
   name's bound (:class:`aktsam.monitoring.delta.KeyNames`) and the name bound of
   :func:`~aktsam.monitoring.delta.name_bound` with the query side at its most. A listed token is
   also reached through the matcher's compounds: a party writing it as two words ("Sense Time" for
   SENSETIME), or writing it and another listed word as one ("Hikvision" for HIK VISION). The pairs
   are aggregated with numpy: a common key token ("network", "maria") brings thousands of parties,
   each a (party, name) pair.
2. :func:`refine`, query side: the party's query forms (their tokens stored with the party at the run
   that screened it, so a delta run does not prepare them again) must reach ``threshold`` on the name
   by :func:`aktsam.monitoring.delta.name_bound`, with the party's own qualifier bonus.

Both are upper bounds of the matcher's score, so a party the full screener scores at the threshold on a
changed name is never dropped. A party must match at least one token of a name with a token of its own
(not an initial): the matcher retrieves a listed name only through its tokens' postings (the known limit
in :mod:`aktsam.screening.candidates`), so a delta run does not look for a name only an initial could
reach either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa

from aktsam.monitoring.delta import FormReach, KeyNames, _initial_caps, _probes, name_bound
from aktsam.screening import weights as W
from aktsam.screening.index import MatchIndex
from aktsam.screening.scoring import form_joins, is_initial, token_splits
from aktsam.store.db import Store
from aktsam.store.schema import MonitorPostingRow

_CHUNK = 900
_EPS = 1e-9

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
K = TypeVar("K")


def _pairs(store: Store, probes: Sequence[str], only: Ints | None = None) -> tuple[Ints, Ints]:
    """(probe position, party number) of every reverse-index row of ``probes`` (parties in ``only``,
    sorted party numbers).

    The database aggregates each token's party numbers into one string, so Python handles a row per
    token, not per (token, party): a common token holds tens of thousands of parties."""
    position = {p: i for i, p in enumerate(probes)}
    probe_parts: list[Ints] = []
    party_parts: list[Ints] = []
    wanted = sorted(probes)
    token_col, party_col = MonitorPostingRow.token, MonitorPostingRow.party_number
    listed = sa.func.aggregate_strings(sa.cast(party_col, sa.String), ",")
    with store.session() as session:
        connection = session.connection()
        for start in range(0, len(wanted), _CHUNK):
            rows = connection.execute(
                sa.select(token_col, listed)
                .where(token_col.in_(wanted[start : start + _CHUNK]))
                .group_by(token_col)
            ).all()
            for token, joined in rows:
                held = np.fromstring(joined, dtype=np.int64, sep=",")
                probe_parts.append(np.full(len(held), position[token], dtype=np.int64))
                party_parts.append(held)
    if not party_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    probe_rows, party_rows = np.concatenate(probe_parts), np.concatenate(party_parts)
    if only is not None:
        keep = np.isin(party_rows, only)
        probe_rows, party_rows = probe_rows[keep], party_rows[keep]
    return probe_rows, party_rows


_JOINED = "\x1e"  # a virtual probe "x<JOINED>y": parties holding both tokens x and y


def _partners(keys: KeyNames) -> dict[str, set[str]]:
    """Every token of the changed names -> the tokens it shares a name with (itself included); a token
    may be a key of one name and not of another."""
    name_tokens: dict[int, set[str]] = {}
    for table in (keys.tokens, keys.others):
        for token, uses in table.items():
            for n, _ in uses:
                name_tokens.setdefault(n, set()).add(token)
    out: dict[str, set[str]] = {}
    for words in name_tokens.values():
        for token in words:
            out.setdefault(token, set()).update(words)
    return out


def _compound_probes(
    tokens: Iterable[str],
    partners: Mapping[str, set[str]],
    register: set[str],
    lookup: Mapping[str, int],
) -> dict[str, dict[str, float]]:
    """Probes through which the matcher's compounds reach the listed ``tokens`` (``partners``: the
    words each shares a name with, :func:`_partners`; ``register``, the register's distinct tokens;
    ``lookup``, the index vocabulary), each at
    similarity 1, as :func:`aktsam.screening.scoring.prepare_form` builds them but looser (a join's
    words need not be adjacent here):

    * a listed token written as two words by a party (join, ``"sense" "time"`` for ``SENSETIME``): the
      virtual probe ``x<JOINED>y``, the parties holding both words;
    * two listed words of one name written as one by a party (split, ``"hikvision"`` for ``HIK
      VISION``): that register token, when it is not listed itself."""
    least = W.SPLIT_MIN_PART_LENGTH
    out: dict[str, dict[str, float]] = {}
    for token in tokens:
        for cut in range(2, len(token) - 1):  # joins: both words longer than one letter
            left, right = token[:cut], token[cut:]
            if left in register and right in register:
                out.setdefault(left + _JOINED + right, {})[token] = 1.0
        if len(token) < least:
            continue
        for partner in partners.get(token, ()):
            if partner == token or len(partner) < least:
                continue
            for whole in (token + partner, partner + token):
                if whole in register and whole not in lookup:
                    out.setdefault(whole, {})[token] = 1.0
    return out


def _joined_pairs(store: Store, probes: Sequence[str], only: Ints | None) -> tuple[Ints, Ints]:
    """(probe position, party number) for the virtual join probes among ``probes``: parties holding
    both halves."""
    virtual = [(i, probe.split(_JOINED)) for i, probe in enumerate(probes) if _JOINED in probe]
    if not virtual:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    parts = sorted({part for _, halves in virtual for part in halves})
    part_rows, party_rows = _pairs(store, parts, only)
    holders: dict[int, set[int]] = {}
    for part, party in zip(part_rows.tolist(), party_rows.tolist(), strict=True):
        holders.setdefault(part, set()).add(party)
    position = {part: i for i, part in enumerate(parts)}
    probe_col: list[int] = []
    party_col: list[int] = []
    for i, (left, right) in virtual:
        both = holders.get(position[left], set()) & holders.get(position[right], set())
        probe_col.extend([i] * len(both))
        party_col.extend(both)
    return np.asarray(probe_col, dtype=np.int64), np.asarray(party_col, dtype=np.int64)


def _all_pairs(store: Store, probes: Sequence[str], only: Ints | None = None) -> tuple[Ints, Ints]:
    """:func:`_pairs` of the real probes and :func:`_joined_pairs` of the virtual ones."""
    real_probes, real_parties = _pairs(store, probes, only)
    joined_probes, joined_parties = _joined_pairs(store, probes, only)
    return np.concatenate([real_probes, joined_probes]), np.concatenate(
        [real_parties, joined_parties]
    )


def _with_compounds(
    probes: dict[str, dict[str, float]], compounds: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    for probe, stands_for in compounds.items():
        target = probes.setdefault(probe, {})
        for token, sim in stands_for.items():
            target[token] = max(target.get(token, 0.0), sim)
    return probes


def _expand(ptr: Ints, rows: Ints) -> tuple[Ints, Ints]:
    """CSR expansion: for each ``rows[k]``, every entry ``ptr[rows[k]] .. ptr[rows[k] + 1]``; returns
    (k of each entry, entry position)."""
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, starts[owner] + offsets


@dataclass(slots=True)
class _Table:
    """token -> [(name, weight)] as arrays, and probe -> [(token, similarity)] for the probes asked."""

    probes: list[str]
    probe_ptr: Ints
    probe_token: Ints
    probe_sim: Floats
    token_ptr: Ints
    token_name: Ints
    token_weight: Floats


def _table(
    uses: Mapping[str, list[tuple[int, float]]], stands_for: Mapping[str, Mapping[str, float]]
) -> _Table:
    tokens = list(uses)
    number = {t: i for i, t in enumerate(tokens)}
    token_ptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    names: list[int] = []
    weights: list[float] = []
    for i, token in enumerate(tokens):
        for n, weight in uses[token]:
            names.append(n)
            weights.append(weight)
        token_ptr[i + 1] = len(names)
    probes = list(stands_for)
    probe_ptr = np.zeros(len(probes) + 1, dtype=np.int64)
    targets: list[int] = []
    sims: list[float] = []
    for i, probe in enumerate(probes):
        for token, sim in stands_for[probe].items():
            targets.append(number[token])
            sims.append(sim)
        probe_ptr[i + 1] = len(targets)
    return _Table(
        probes=probes,
        probe_ptr=probe_ptr,
        probe_token=np.asarray(targets, dtype=np.int64),
        probe_sim=np.asarray(sims, dtype=np.float64),
        token_ptr=token_ptr,
        token_name=np.asarray(names, dtype=np.int64),
        token_weight=np.asarray(weights, dtype=np.float64),
    )


_SIM_STEPS = 1 << 20  # similarity quantised (rounded up) to pack it with its (party, token) key


def _firsts(ordered: Ints) -> npt.NDArray[np.bool_]:
    """Where each run of equal values of the sorted ``ordered`` starts."""
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return first


def _best_per_token(
    party: Ints, token: Ints, sim: Floats, tokens: int
) -> tuple[Ints, Ints, Floats]:
    """(party, token, best similarity) once per (party, token): one sort of packed keys, highest
    similarity first, the similarity rounded up by at most ``1 / _SIM_STEPS`` (a bound stays a bound);
    two sorts where the packed key would not fit in 63 bits."""
    steps = _SIM_STEPS
    combined = party * tokens + token
    if (int(party.max()) + 1) * tokens * steps < 1 << 62:
        quantised = np.floor(sim * (steps - 1)).astype(np.int64)
        packed = np.sort(combined * steps + (steps - 1 - quantised))
        combined = packed // steps
        first = _firsts(combined)
        packed, combined = packed[first], combined[first]
        best = np.minimum((steps - (packed % steps)) / (steps - 1), 1.0)
    else:
        order = np.lexsort((-sim, combined))
        combined, best = combined[order], sim[order]
        first = _firsts(combined)
        combined, best = combined[first], best[first]
    return combined // tokens, combined % tokens, best


def _reached(table: _Table, probe_rows: Ints, party_rows: Ints) -> tuple[Ints, Ints, Floats] | None:
    """(party, token, best similarity) of every table token each party reaches through its probes,
    once per (party, token), sorted; None when none is reached."""
    owner, entry = _expand(table.probe_ptr, probe_rows)
    if not len(owner):
        return None
    return _best_per_token(
        party_rows[owner], table.probe_token[entry], table.probe_sim[entry], len(table.token_ptr)
    )


def _masses(table: _Table, probe_rows: Ints, party_rows: Ints, names: int) -> tuple[Ints, Floats]:
    """(party * names + name, matched listed weight) for every pair reached, sorted: each token of a
    name counted once per party, at its best similarity over the party's probes."""
    reached = _reached(table, probe_rows, party_rows)
    if reached is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    party, token, sim = reached
    owner, entry = _expand(table.token_ptr, token)
    pair = party[owner] * names + table.token_name[entry]
    mass = table.token_weight[entry] * sim[owner]
    # party-major already: a stable sort (timsort) of the runs is cheap
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    at = np.nonzero(_firsts(pair))[0]
    if not len(at):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    summed: Floats = np.add.reduceat(mass[order], at).astype(np.float64)
    return pair[at], summed


def _others_table(
    keys: KeyNames,
    wanted: set[int],
    partners: Mapping[str, set[str]],
    register: set[str],
    lookup: Mapping[str, int],
) -> _Table:
    """The names' tokens that are not keys, with their uses on the ``wanted`` names only (a common
    word is a word of many names), and the probes reaching them."""
    others: dict[str, list[tuple[int, float]]] = {}
    for token, uses in keys.others.items():
        kept = [(n, w) for n, w in uses if n in wanted]
        if kept:
            others[token] = kept
    return _table(
        others,
        _with_compounds(
            _probes(others, register), _compound_probes(others, partners, register, lookup)
        ),
    )


def _pending_mass(
    table: _Table, probe_rows: Ints, party_rows: Ints, pending: Ints, names: int
) -> Floats:
    """For each pending pair (``party * names + name``), the weight of the name's other tokens the
    party reaches, each at its best similarity: a join of the pairs' names' tokens with what the
    party holds, so that a common word is not expanded to every name holding it."""
    out = np.zeros(len(pending))
    reached = _reached(table, probe_rows, party_rows)
    if reached is None or not len(pending):
        return out
    party, token, sim = reached
    tokens = len(table.token_ptr)
    held = party * tokens + token  # sorted
    # name -> its other tokens (CSR), from token -> names
    token_of = np.repeat(np.arange(tokens - 1, dtype=np.int64), np.diff(table.token_ptr))
    order = np.argsort(table.token_name, kind="stable")
    name_ptr = np.zeros(names + 1, dtype=np.int64)
    np.cumsum(np.bincount(table.token_name, minlength=names), out=name_ptr[1:])
    name_token, name_weight = token_of[order], table.token_weight[order]
    owner, entry = _expand(name_ptr, pending % names)
    wanted = (pending // names)[owner] * tokens + name_token[entry]
    position = np.minimum(np.searchsorted(held, wanted), len(held) - 1)
    best = np.where(held[position] == wanted, sim[position], 0.0)
    summed: Floats = np.bincount(
        owner, weights=name_weight[entry] * best, minlength=len(pending)
    ).astype(np.float64)
    return summed


def token_candidates(
    store: Store, keys: KeyNames, register: set[str], index: MatchIndex, threshold: float
) -> dict[int, set[int]]:
    """First stage (see module): parties (by number, ``monitor_parties.number``) and the changed names
    (indexed name positions) each may reach at ``threshold``, by the reverse index (``register``: its
    distinct tokens)."""
    if not keys.bound:
        return {}
    names = len(index.name_tids)
    lookup = index.vocab.index
    partners = _partners(keys)
    bound = np.full(names, np.inf)
    rest = np.zeros(names)
    extra = np.zeros(names)
    for n, value in keys.bound.items():
        bound[n] = value - _EPS
        rest[n] = keys.rest[n]
        extra[n] = keys.extra.get(n, 0.0)
    total_min = np.asarray(index.name_total_min, dtype=np.float64)
    evidence = np.asarray(index.name_min_evidence, dtype=np.float64)
    kind = np.asarray(index.name_kind_factor, dtype=np.float64)
    needed = max(threshold - (W.COUNTRY_MATCH + W.DOB_EXACT), 0.0) - _EPS

    def reaches(mass: Floats, name: Ints) -> npt.NDArray[np.bool_]:
        """Whether ``mass`` of listed weight matched on each name can reach ``threshold``: the key
        bound, and the name bound of :func:`~aktsam.monitoring.delta.name_bound` with the query
        coverage and the qualifiers at their most (the party's words and details are not known here)."""
        least = total_min[name]
        coverage = np.where(
            least > 0.0, np.minimum(mass / np.where(least > 0.0, least, 1.0), 1.0), 1.0
        )
        most = np.power(coverage, W.LISTED_COVERAGE_SHARE)
        need = evidence[name]
        thin = mass < need
        most = np.where(
            thin, most * np.power(np.maximum(mass, 0.0) / need, W.EVIDENCE_EXPONENT), most
        )
        return (mass > 0.0) & (mass >= bound[name]) & (most * kind[name] >= needed)

    # initials: a party's one-letter tokens may stand for any word of the name with that letter
    caps = _initial_caps(keys)
    letters: dict[int, set[str]] = {}
    letter_probes = list(caps)
    probe_rows, party_rows = _pairs(store, letter_probes)
    for p, party in zip(probe_rows.tolist(), party_rows.tolist(), strict=True):
        letters.setdefault(party, set()).add(letter_probes[p])
    groups = {party: frozenset(held) for party, held in letters.items()}
    cap_of: dict[frozenset[str], dict[int, float]] = {}
    for group in set(groups.values()):
        summed: dict[int, float] = {}
        for letter in group:
            for n, value in caps[letter].items():
                summed[n] = summed.get(n, 0.0) + value
        cap_of[group] = summed
    # the same as arrays: holder parties (sorted) with their group, and (group * names + name) -> cap
    group_number = {group: i for i, group in enumerate(cap_of)}
    holders = np.asarray(sorted(groups), dtype=np.int64)
    holder_group = np.asarray([group_number[groups[p]] for p in holders.tolist()], dtype=np.int64)
    cap_items = [
        (group_number[group] * names + n, value)
        for group, summed in cap_of.items()
        for n, value in summed.items()
    ]
    cap_items.sort()
    cap_keys = np.asarray([k for k, _ in cap_items], dtype=np.int64)
    cap_values = np.asarray([v for _, v in cap_items], dtype=np.float64)

    def with_caps(pair: Ints, mass: Floats) -> Floats:
        """``mass`` plus what the party's initials may add (pairs of parties holding initials)."""
        if not len(holders) or not len(cap_keys) or not len(pair):
            return mass
        out = mass.copy()
        party = pair // names
        at = np.minimum(np.searchsorted(holders, party), len(holders) - 1)
        k = np.nonzero(holders[at] == party)[0]
        key = holder_group[at[k]] * names + pair[k] % names
        where = np.minimum(np.searchsorted(cap_keys, key), len(cap_keys) - 1)
        hit = cap_keys[where] == key
        out[k[hit]] += cap_values[where[hit]]
        return out

    # keys
    table = _table(
        keys.tokens,
        _with_compounds(
            _probes(keys.tokens, register),
            _compound_probes(keys.tokens, partners, register, lookup),
        ),
    )
    probe_rows, party_rows = _all_pairs(store, table.probes)
    pair, mass = _masses(table, probe_rows, party_rows, names)
    name = pair % names
    got = with_caps(pair, mass) + extra[name]
    found_mask = reaches(got, name)
    pending_mask = ~found_mask & reaches(got + rest[name], name)
    found = pair[found_mask]
    pending = pair[pending_mask]
    # the names' other tokens: for the pending pairs, pair by pair; for the parties whose initials may
    # stand for a name's keys, on those names (a name they reach with no key of their own)
    if len(pending):
        pending_names = set((pending % names).tolist())
        table = _others_table(keys, pending_names, partners, register, lookup)
        asked = np.unique(pending // names)
        probe_rows, party_rows = _all_pairs(store, table.probes, only=asked)
        total = mass[pending_mask] + _pending_mass(table, probe_rows, party_rows, pending, names)
        name = pending % names
        got = with_caps(pending, total) + extra[name]
        found = np.concatenate([found, pending[reaches(got, name)]])
    reach_names: set[int] = set()
    for summed in cap_of.values():
        reach_names |= {
            n
            for n, value in summed.items()
            if n in keys.bound and value + rest[n] + extra[n] >= bound[n]
        }
    if reach_names and groups:
        table = _others_table(keys, reach_names, partners, register, lookup)
        asked = np.unique(np.fromiter(groups, dtype=np.int64, count=len(groups)))
        probe_rows, party_rows = _all_pairs(store, table.probes, only=asked)
        more, more_mass = _masses(table, probe_rows, party_rows, names)
        if len(more) and len(pair):  # pairs with a key hit were decided above
            position = np.minimum(np.searchsorted(pair, more), len(pair) - 1)
            unseen = pair[position] != more
            more, more_mass = more[unseen], more_mass[unseen]
        name = more % names
        got = with_caps(more, more_mass) + extra[name]
        found = np.concatenate([found, more[reaches(got, name)]])
    out: dict[int, set[int]] = {}
    for value in np.unique(found).tolist():
        p, n = divmod(value, names)
        out.setdefault(p, set()).add(n)
    return out


# --- the query side ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TokenReach:
    """What one query token brings to a :class:`FormReach` (the same in every form holding it)."""

    expansion: Mapping[int, float]
    weight: float
    splits: tuple[tuple[int, int], ...]  # (left, right) listed ids, when it is not listed itself
    initial: bool


def _token_reach(index: MatchIndex, token: str) -> _TokenReach:
    vocab = index.vocab
    return _TokenReach(
        vocab.expand(token),
        vocab.weight_of(token),
        tuple(token_splits(token, vocab.index)),
        is_initial(token),
    )


def stored_reach(
    index: MatchIndex, tokens: Sequence[str], cache: dict[str, _TokenReach] | None = None
) -> FormReach:
    """:class:`~aktsam.monitoring.delta.FormReach` of one stored query form (its tokens, as
    :func:`aktsam.screening.names.name_forms` made them when the party was screened), with the index's
    current vocabulary: what :func:`aktsam.screening.scoring.prepare_form` computes of it for scoring
    (expansions, weights, and joins and splits by the same functions), without the parts only
    retrieval uses. ``cache`` keeps what
    each token brings across calls (one vocabulary)."""
    known = {} if cache is None else cache
    reach: list[_TokenReach] = []
    for t in tokens:
        got = known.get(t)
        if got is None:
            got = known[t] = _token_reach(index, t)
        reach.append(got)
    weights = tuple(r.weight for r in reach)
    return FormReach(
        positions=tuple(r.expansion for r in reach),
        weights=weights,
        total=sum(weights),
        joins=form_joins(tokens, index.vocab.index),
        splits=tuple((i, left, right) for i, r in enumerate(reach) for left, right in r.splits),
        initials=tuple(
            (i, t) for i, (t, r) in enumerate(zip(tokens, reach, strict=True)) if r.initial
        ),
        firsts=tuple(t[:1] for t in tokens),
    )


@dataclass(frozen=True, slots=True)
class PartyForms:
    """What :func:`refine` needs of a monitored party: the tokens of its query forms (every name form
    of its name and aliases) and the most the qualifiers can add for it (country and birth date:
    :func:`aktsam.screening.qualifiers.max_bonus`)."""

    party_id: str
    forms: tuple[tuple[str, ...], ...]
    bonus: float


def refine(
    index: MatchIndex,
    parties: Mapping[K, PartyForms],
    found: Mapping[K, set[int]],
    threshold: float,
) -> dict[K, set[int]]:
    """Second stage: keep a (party, name) pair only when one query form of the party can reach
    ``threshold`` on that name by :func:`~aktsam.monitoring.delta.name_bound` plus the party's own
    qualifier bonus. The first stage assumed the party's other words cost nothing; this one counts what
    the party actually reaches, on both sides. Parties not given in ``parties`` pass unchanged."""
    out: dict[K, set[int]] = {}
    cache: dict[str, _TokenReach] = {}
    for party, names in found.items():
        query = parties.get(party)
        if query is None:
            out[party] = set(names)
            continue
        forms = [stored_reach(index, tokens, cache) for tokens in query.forms]
        cut = threshold - query.bonus - _EPS
        kept = {n for n in names if any(name_bound(index, form, n) >= cut for form in forms)}
        if kept:
            out[party] = kept
    return out


__all__ = ["PartyForms", "refine", "stored_reach", "token_candidates"]
