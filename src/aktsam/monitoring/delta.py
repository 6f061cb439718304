"""What changed since the last completed run, and which monitored parties a list change may concern.

*List changes* compare the content hashes of each list's snapshot the last run used with the snapshot in
force now (:func:`aktsam.lists.snapshots.entity_hashes`): added, changed and removed entity ids.

*Candidate parties* of the changed entities come from the reverse index (``monitor_postings``), mirroring
the matcher's own candidate retrieval (:mod:`aktsam.screening.candidates`) so that a party the full
screener would find for a changed entity is a candidate here:

* the *key tokens* of each indexed name of a changed entity are its heaviest tokens, as many as a
  party must share one of to reach the threshold (prefix filtering, the bound the index applies to
  common tokens, :func:`aktsam.screening.index.prefix_bounds`, applied to every token: a party matching
  none of them cannot score the threshold on that name; a repeated token's further occurrences and a listed name's
  initials count as matched, never as keys). Below ``INDEX_MIN_THRESHOLD`` every token is a key;
* a monitored token reaches a key token when the matcher would expand it to that token: the same token,
  a token within the allowed edits (:func:`aktsam.screening.weights.max_edits`, found by generating the
  key's one-edit variants and, for long keys, its two-character deletions, and probing the register's
  distinct tokens), the same Metaphone code (transliteration variants) or the same romanisation key
  (:mod:`aktsam.screening.romanisation`);
* a party's initial (a one-letter token) reaches every word of the name starting with its letter, at
  the matcher's initial similarity;
* identifiers: a party sharing a normalised identifier with a changed entity is a candidate.

Two stages decide *whom* to score (:mod:`aktsam.monitoring.retrieval`: ``token_candidates``, then
``refine``, over the key tables built here):

1. the reverse index: a party is kept for a name when what it reaches of the name (keys; then, for the
   parties that need them, the name's other tokens, looked up for those parties only), each token at
   the most similarity the matcher can give it, with the name's extra weight, reaches the name's bound;
2. the party's own query forms (their tokens stored with the party when it was screened): kept when one
   form can reach the threshold on the name by the matcher's retrieval bound (listed and query
   coverage, thin evidence, kind factor; :func:`name_bound`) plus the qualifiers the party can earn
   (country, birth date).

Both are upper bounds of the matcher's score, so a party the full screener scores at the threshold on
a changed name is never dropped. Candidates are then scored against the changed entities' names only,
with the matcher's own ``_finish`` over the full index (same weights, thresholds, scores and
explanations as :class:`~aktsam.screening.service.Screener`). A delta run can find a pair a full
screen misses, where the matcher's own retrieval drops a name its scoring would pass (seen: an initial
with two common words, "T. ENGINEERING LIMITED"); it is raised, not dropped.
Known limit, stated: a two-edit neighbour of a key token of 10+ characters that is neither a two-deletion
of it nor phonetically alike is not retrieved by a delta run (a full run, ``--full``, finds it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from aktsam.lists.snapshots import Snapshot, entity_hashes
from aktsam.monitoring.population import DERIVED_KEY_PREFIXES
from aktsam.screening import weights as W
from aktsam.screening.index import MatchIndex, prefix_bounds
from aktsam.screening.romanisation import romanisation_key
from aktsam.screening.scoring import INITIALS, is_initial, listed_weights
from aktsam.screening.vocabulary import deletions, phonetic_code, token_similarity
from aktsam.store.db import Store
from aktsam.store.schema import MonitorPartyRow, MonitorPostingRow, SnapshotRow

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_CHUNK = 900


@dataclass(slots=True)
class ListChanges:
    """Entity changes of every list between the snapshots a run used and those in force."""

    current: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> entity -> hash
    changed_sources: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    removed: dict[str, str] = field(default_factory=dict)  # entity id -> source

    @property
    def touched(self) -> set[str]:
        """Entities added or changed: the ones to match against every monitored party."""
        return self.added | self.changed

    def counts(self) -> dict[str, int]:
        return {
            "entities_added": len(self.added),
            "entities_changed": len(self.changed),
            "entities_removed": len(self.removed),
        }


def list_changes(
    store: Store, previous: Mapping[str, int], snapshots: Iterable[Snapshot]
) -> ListChanges:
    """Changes from ``previous`` (source -> snapshot id the last run used) to ``snapshots`` (in force).

    A source the last run did not use, or whose old snapshot is gone, counts as wholly added.
    """
    out = ListChanges()
    with store.session() as session:
        existing = set(session.scalars(sa.select(SnapshotRow.id)))
    for snap in snapshots:
        old_id = previous.get(snap.source)
        if old_id == snap.id:
            continue
        out.changed_sources.add(snap.source)
        new = entity_hashes(store, snap.id)
        out.current[snap.source] = new
        old = entity_hashes(store, old_id) if old_id is not None and old_id in existing else {}
        for entity_id, content in new.items():
            before = old.get(entity_id)
            if before is None:
                out.added.add(entity_id)
            elif before != content:
                out.changed.add(entity_id)
        for entity_id in old.keys() - new.keys():
            out.removed[entity_id] = snap.source
    return out


def entity_names(index: MatchIndex, entity_ids: Iterable[str]) -> dict[int, list[int]]:
    """Indexed name positions of each entity (by entity position), for the given entity ids."""
    wanted = {p for e in entity_ids if (p := index.entity_position(e)) is not None}
    if not wanted:
        return {}
    owners = np.asarray(index.name_entity, dtype=np.int64)
    mask = np.isin(owners, np.fromiter(wanted, dtype=np.int64))
    out: dict[int, list[int]] = {}
    for n in np.nonzero(mask)[0].tolist():
        out.setdefault(int(owners[n]), []).append(n)
    return out


@dataclass(slots=True)
class KeyNames:
    """Key tokens of the changed entities' names: token -> [(name, weight)], and per name the bound a
    party must reach and the weight of its tokens that are not keys (what a party may match unseen)."""

    tokens: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    bound: dict[int, float] = field(default_factory=dict)
    rest: dict[int, float] = field(default_factory=dict)
    #: the names' tokens that are not keys: token -> [(name, weight)]; and each name's extra weight
    #: (a repeated token's further occurrences, listed initials: counted as matched)
    others: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    extra: dict[int, float] = field(default_factory=dict)


def key_names(index: MatchIndex, entity_ids: Iterable[str], threshold: float) -> KeyNames:
    """The tokens the changed entities' names are retrievable through at ``threshold`` (see module).

    Prefix filtering as the index applies it to common tokens, applied to every token of the name: the
    heaviest tokens are keys until the weight left could not reach the bound a name needs at
    ``threshold`` (:func:`aktsam.screening.index.prefix_bounds`); a party sharing none of them cannot
    score the threshold on that name. Names with repeated tokens or initials keep every token with no
    bound.
    """
    tokens = index.vocab.tokens
    out = KeyNames()
    use_prefix = threshold >= W.INDEX_MIN_THRESHOLD
    bounds = {p: prefix_bounds(threshold, p) for p in (False, True)}
    for names in entity_names(index, entity_ids).values():
        for n in names:
            tids = index.name_tids[n]
            weights = listed_weights(tids, index.name_letters[n], index.vocab)
            if not use_prefix:
                for t, w in zip(tids, weights, strict=True):
                    out.tokens.setdefault(tokens[t], []).append((n, w))
                out.bound[n] = 0.0
                out.rest[n] = 0.0
                continue
            # a repeated token's further occurrences and a listed initial (which matches any word
            # starting with its letter) are the name's "extra" weight: counted as matched, never keys
            extra = index.name_extra[n]
            plain: list[tuple[float, int]] = []
            if extra > 0.0:
                initials = index.name_letters[n] == INITIALS
                seen: set[int] = set()
                for t, w in zip(tids, weights, strict=True):
                    if t not in seen and not (initials and is_initial(tokens[t])):
                        plain.append((w, t))
                    seen.add(t)
            else:
                plain = list(zip(weights, tids, strict=True))
            min_coverage, min_weight = bounds[bool(index.name_person[n])]
            bound = max(min_coverage * index.name_total_min[n], min_weight)
            remaining = sum(w for w, _ in plain) + extra
            for w, t in sorted(plain, reverse=True):
                if remaining < bound:
                    out.others.setdefault(tokens[t], []).append((n, w))
                    continue
                out.tokens.setdefault(tokens[t], []).append((n, w))
                remaining -= w
            out.bound[n] = bound
            out.rest[n] = max(remaining - extra, 0.0)
            out.extra[n] = extra
    return out


def identifier_candidates(store: Store, identifiers: Mapping[str, set[int]]) -> dict[str, set[int]]:
    """Parties sharing an identifier with a changed entity, with every name of that entity."""
    found: dict[str, set[int]] = {}
    for probe, party in token_pairs(store, identifiers):
        found.setdefault(party, set()).update(identifiers[probe])
    return found


def _probes(tokens: Iterable[str], register: set[str]) -> dict[str, dict[str, float]]:
    """Reverse-index key -> the listed tokens it stands for (:func:`lookup_keys`), each with the most
    similarity the matcher can give the pair: 1 for the token itself, the matcher's own
    :func:`~aktsam.screening.vocabulary.token_similarity` for a register token, and the phonetic factor
    (the most a Jaro-Winkler similarity can be scaled to) for a ``~`` Metaphone code, the romanisation
    similarity for a ``^`` romanisation key."""
    out: dict[str, dict[str, float]] = {}
    for token in tokens:
        for probe in lookup_keys({token}, register):
            if probe == token:
                sim = 1.0
            elif probe.startswith("~"):
                sim = W.PHONETIC_SIMILARITY_FACTOR
            elif probe.startswith("^"):
                sim = W.ROMANISATION_SIMILARITY
            else:
                sim = token_similarity(probe, token)
                if sim <= 0.0:
                    continue
            out.setdefault(probe, {})[token] = sim
    return out


def _initial_caps(keys: KeyNames) -> dict[str, dict[int, float]]:
    """Letter -> name -> the most a party's one-letter token (an initial) can match of the name: the
    initial similarity times the weight of every word of the name starting with that letter."""
    out: dict[str, dict[int, float]] = {}
    for table in (keys.tokens, keys.others):
        for token, uses in table.items():
            if len(token) < 2 or not token[0].isalpha():
                continue
            caps = out.setdefault(token[0], {})
            for n, weight in uses:
                caps[n] = caps.get(n, 0.0) + W.INITIAL_SIMILARITY * weight
    return out


@dataclass(frozen=True, slots=True)
class FormReach:
    """What one prepared query form can match of any listed name: per query position the listed token
    ids it may stand for (exact, within the allowed edits, phonetic), the positions' weights and total,
    the listed ids reachable through joins and splits (compounds), and the letters of its initials."""

    positions: tuple[Mapping[int, float], ...]
    weights: tuple[float, ...]
    total: float
    joins: Mapping[int, Sequence[int]]  # listed id -> positions i whose words i, i+1 join into it
    splits: tuple[tuple[int, int, int], ...]  # (query position, left listed id, right listed id)
    initials: tuple[tuple[int, str], ...]  # (query position, letter)
    firsts: tuple[str, ...]  # each query position's first letter


def name_bound(index: MatchIndex, form: FormReach, n: int) -> float:
    """Upper bound of the name score (before qualifiers) ``form`` can reach on indexed name ``n``,
    drawn as the matcher's own retrieval bound is (:mod:`aktsam.screening.candidates`) but looser:
    ``listed_coverage ** s * query_coverage ** (1 - s)``, scaled down for thin evidence, times the
    name's kind factor, where every listed token the form can reach counts at its best similarity to
    a query position (as scoring counts matches), the name's repeated tokens and initials
    (``name_extra``) count as matched, a listed word starting with the letter of one of the form's
    initials counts at the initial similarity, the form's initials count as matched query positions,
    a query word starting with a listed initial's letter counts as matched, and compounds count as
    the matcher aligns them (:func:`aktsam.screening.scoring`): a join matches its listed token and
    both query words, a split both its listed tokens (when the name holds both) and its query word."""
    tids = index.name_tids[n]
    weights = listed_weights(tids, index.name_letters[n], index.vocab)
    tokens = index.vocab.tokens
    extra = index.name_extra[n]
    mass = extra
    hit: dict[int, float] = {i: 1.0 for i, _ in form.initials}
    split_ids: set[int] = set()
    for i, left, right in form.splits:
        if left in tids and right in tids:
            split_ids.update((left, right))
            hit[i] = 1.0
    letters = {letter for _, letter in form.initials}
    listed_initials = index.name_letters[n] == INITIALS
    for t, w in zip(tids, weights, strict=True):
        best = 0.0
        if listed_initials and is_initial(tokens[t]):
            # a listed initial (in ``name_extra``) matches any query word starting with its letter
            for i, first in enumerate(form.firsts):
                if first == tokens[t]:
                    hit[i] = 1.0
            continue
        if t in split_ids:
            best = 1.0
        joined = form.joins.get(t)
        if joined is not None:
            best = 1.0
            for i in joined:
                hit[i] = hit[i + 1] = 1.0
        if letters and tokens[t][:1] in letters:
            best = W.INITIAL_SIMILARITY
        for i, expansion in enumerate(form.positions):
            sim = expansion.get(t)
            if sim is not None:
                best = max(best, sim)
                hit[i] = max(hit.get(i, 0.0), sim)
        mass += w * best
    if mass <= 0.0:
        return 0.0
    total_min = index.name_total_min[n]
    coverage = min(mass / total_min, 1.0) if total_min > 0.0 else 1.0
    bound: float = coverage**W.LISTED_COVERAGE_SHARE
    if form.total > 0.0:
        query_mass = sum(form.weights[i] * sim for i, sim in hit.items())
        bound *= min(query_mass / form.total, 1.0) ** (1.0 - W.LISTED_COVERAGE_SHARE)
    evidence = index.name_min_evidence[n]
    if mass < evidence:
        bound *= (mass / evidence) ** W.EVIDENCE_EXPONENT
    return bound * index.name_kind_factor[n]


def token_pairs(store: Store, probes: Iterable[str]) -> list[tuple[str, str]]:
    """(key, party id) of every reverse-index row of ``probes``."""
    wanted = sorted(probes)
    out: list[tuple[str, str]] = []
    with store.session() as session:
        for start in range(0, len(wanted), _CHUNK):
            out.extend(
                (t, p)
                for t, p in session.execute(
                    sa.select(MonitorPostingRow.token, MonitorPartyRow.party_id)
                    .join(MonitorPartyRow, MonitorPartyRow.number == MonitorPostingRow.party_number)
                    .where(MonitorPostingRow.token.in_(wanted[start : start + _CHUNK]))
                )
            )
    return out


def identifier_keys(index: MatchIndex, entity_ids: Iterable[str]) -> dict[str, set[int]]:
    """``#identifier`` -> the indexed names of the changed entities holding it."""
    out: dict[str, set[int]] = {}
    for entity_id in entity_ids:
        position = index.entity_position(entity_id)
        if position is not None:
            for norm in index.entity_identifiers.get(position, {}):
                out.setdefault("#" + norm, set()).update(index.entity_names[position])
    return out


def edit_variants(token: str) -> set[str]:
    """Strings one edit (OSA: delete, insert, substitute, transpose) from ``token``; plus its
    two-character deletions when two edits are allowed."""
    length = len(token)
    if length < W.FUZZY_MIN_LENGTH - 1:
        return set()
    out: set[str] = set()
    for i in range(length + 1):
        head, tail = token[:i], token[i:]
        if tail:
            out.add(head + tail[1:])
            if len(tail) > 1:
                out.add(head + tail[1] + tail[0] + tail[2:])
            for c in _ALPHABET:
                out.add(head + c + tail[1:])
        for c in _ALPHABET:
            out.add(head + c + tail)
    if W.max_edits(length) >= 2:
        out |= deletions(token, 2)
    out.discard(token)
    if length >= W.FUZZY_MIN_LENGTH:
        return out
    return {v for v in out if len(v) >= W.FUZZY_MIN_LENGTH}


def lookup_keys(keys: set[str], register_tokens: set[str]) -> set[str]:
    """Reverse-index keys to look up for the changed entities' key tokens: the tokens themselves, the
    register's tokens within the allowed edits of them, their Metaphone codes and their romanisation
    keys."""
    out: set[str] = set()
    for key in keys:
        if key.startswith("#"):
            out.add(key)
            continue
        out.add(key)
        if len(key) >= W.FUZZY_MIN_LENGTH:
            out |= edit_variants(key) & register_tokens
        code = phonetic_code(key)
        if code is not None:
            out.add("~" + code)
        romanised = romanisation_key(key)
        if romanised is not None:
            out.add(("^" + romanised)[:100])
    return out


def register_tokens(store: Store) -> set[str]:
    """The distinct plain tokens of the reverse index (what edit variants are probed against)."""
    with store.session() as session:
        return {
            t
            for t in session.scalars(sa.select(MonitorPostingRow.token).distinct())
            if not t.startswith(DERIVED_KEY_PREFIXES)
        }


__all__ = [
    "FormReach",
    "KeyNames",
    "ListChanges",
    "edit_variants",
    "entity_names",
    "identifier_candidates",
    "identifier_keys",
    "key_names",
    "list_changes",
    "lookup_keys",
    "name_bound",
    "register_tokens",
]
