"""The match index: every listed name normalised once, token weights, and candidate retrieval structures.

Built from :class:`~aktsam.lists.model.ListedEntity` objects (all lists together, ~40k entities), it holds:

* one *indexed name* per distinct token form of every name of every entity, enriched names from the alias
  table included (:mod:`aktsam.screening.enrich`); forms that repeat within an entity are kept once, with the
  most trusted name kind;
* the :class:`~aktsam.screening.vocabulary.Vocabulary`: token ids, IDF-like weights over the distinct listed
  names (generic words forced low), the fuzzy neighbourhood map;
* postings (token id -> indexed names, ``int32`` arrays). Tokens in more than
  :data:`~aktsam.screening.weights.COMMON_TOKEN_DF` names also get *prefix postings*: an indexed name is in
  them only when the token is among the few heaviest common tokens it needs to reach the lowest supported
  threshold (prefix filtering). A name reachable only through its other common tokens could not score
  :data:`~aktsam.screening.weights.INDEX_MIN_THRESHOLD` anyway, so the long lists of "muhammad" or "ali" are
  never read whole;
* per-name values the candidate bounds need (:mod:`aktsam.screening.candidates`), as lists and numpy
  arrays, and entity data for the qualifiers;
* memoised per-token retrieval *bundles* (names, best listed weight, best similarity), since common query
  tokens recur across queries.

The memo dictionaries fill as queries come (bounded in size); they only ever add equal values, so threads
may share an index, though under the GIL one process gains nothing from doing so.

``save``/``load`` write one pickle file (numpy arrays and plain lists) with a format version and the
fingerprint of the weights, generic tokens and alias table; a file that does not match is refused with
:class:`IndexVersionError` so the caller rebuilds it.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aktsam.errors import AktsamError
from aktsam.lists.designations import twin_groups
from aktsam.lists.model import ListedEntity, Name, NameKind, Schema
from aktsam.screening import weights as W
from aktsam.screening.enrich import (
    AliasTable,
    default_aliases_path,
    enrich_entities,
    load_aliases,
)
from aktsam.screening.names import NameForm, name_forms
from aktsam.screening.qualifiers import normalise_identifier
from aktsam.screening.scoring import (
    INITIALS,
    NAME_LETTERS,
    NO_LETTERS,
    PreparedForm,
    is_initial,
    listed_bits,
    listed_weights,
    min_evidence,
)
from aktsam.screening.vocabulary import (
    GenericToken,
    Vocabulary,
    default_generic_tokens_path,
    load_generic_tokens,
)

FORMAT_VERSION = 4
_BUNDLE_CACHE_SIZE = 20_000
_MAGIC = "aktsam-match-index"
_KINDS: tuple[NameKind, ...] = tuple(NameKind)
_OBJECT_SCHEMAS = frozenset({Schema.ORGANIZATION, Schema.VESSEL, Schema.AIRCRAFT})


class IndexVersionError(AktsamError):
    """A saved index was written by another format or model version; rebuild it."""


def prefix_bounds(threshold: float, person: bool) -> tuple[float, float]:
    """(minimum listed coverage, minimum matched listed weight) a name needs to reach ``threshold``.

    Every factor after the coverage mean is at most 1, the query coverage is at most 1, and the
    qualifiers add at most ``COUNTRY_MATCH + DOB_EXACT`` (identifier matches are retrieved separately), so
    a name scoring ``threshold`` has ``coverage ** s >= threshold - bonus`` and
    ``(weight / min_evidence) ** exponent >= threshold - bonus``.
    """
    needed = max(threshold - (W.COUNTRY_MATCH + W.DOB_EXACT), 0.0)
    coverage = needed ** (1.0 / W.LISTED_COVERAGE_SHARE)
    evidence = min_evidence(person) * needed ** (1.0 / W.EVIDENCE_EXPONENT)
    return coverage, evidence


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _csr(
    pairs_key: list[int], pairs_val: list[int], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    keys = np.array(pairs_key, dtype=np.int64)
    vals = np.array(pairs_val, dtype=np.int32)
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=size) if keys.size else np.zeros(size, dtype=np.int64)
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, vals[order]


def _column(code: str, state: dict[str, Any], key: str) -> array[Any]:
    """``state[key]`` as an ``array.array`` of type ``code`` (stored back, so a save keeps it)."""
    value = state[key]
    if not isinstance(value, array) or value.typecode != code:
        value = array(code, value)
        state[key] = value
    return value


class _Ragged:
    """A list of integer lists stored as one offsets array and one values array."""

    __slots__ = ("_ids", "_ptr")

    def __init__(self, ptr: array[int], ids: array[int]) -> None:
        self._ptr = ptr
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ptr) - 1

    def __getitem__(self, position: int) -> list[int]:
        return self._ids[self._ptr[position] : self._ptr[position + 1]].tolist()


class _KindColumn:
    """Name kinds stored as small integer codes, read as :class:`NameKind`."""

    __slots__ = ("_codes",)

    def __init__(self, codes: array[int]) -> None:
        self._codes = codes

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, position: int) -> NameKind:
        return _KINDS[self._codes[position]]

    def __iter__(self) -> Iterator[NameKind]:
        return (_KINDS[code] for code in self._codes)


@dataclass(frozen=True, slots=True)
class NameArrays:
    """Per indexed name values as numpy arrays, for bounding long candidate lists at once."""

    source: npt.NDArray[np.int32]
    unindexed: npt.NDArray[np.float64]
    extra: npt.NDArray[np.float64]
    max_weight: npt.NDArray[np.float64]
    total_min: npt.NDArray[np.float64]
    min_evidence: npt.NDArray[np.float64]
    kind_factor: npt.NDArray[np.float64]
    token_count: npt.NDArray[np.int32]
    initials: npt.NDArray[np.bool_]
    plain: npt.NDArray[np.bool_]
    plain_full: npt.NDArray[np.bool_]


def _designations(entities: Sequence[ListedEntity]) -> dict[int, tuple[int, ...]]:
    """Entity position -> the positions of its designation's entities, by id (groups of two or more)."""
    position = {e.id: i for i, e in enumerate(entities)}
    out: dict[int, tuple[int, ...]] = {}
    for entity_id, group in twin_groups(entities).items():
        if len(group) > 1:
            out[position[entity_id]] = tuple(position[i] for i in sorted(group))
    return out


class MatchIndex:
    """Everything :func:`aktsam.screening.matcher.match` needs, built once from the listed entities."""

    def __init__(self, state: dict[str, Any]) -> None:
        # Long-lived columns are arrays, tuples and strings rather than lists of lists or sets: the
        # garbage collector walks every container it tracks on each full collection, and an index of
        # lists made those walks cost more than the matching itself.
        self._state = state
        self.vocab: Vocabulary = state["vocab"]
        # entities
        self.entity_ids: list[str] = state["entity_ids"]
        self.entity_source: list[str] = state["entity_source"]
        self.entity_source_id: list[str] = state["entity_source_id"]
        self.entity_schema: list[Schema] = state["entity_schema"]
        self.entity_caption: list[str] = state["entity_caption"]
        self.entity_sublist: list[str | None] = state["entity_sublist"]
        self.entity_countries: list[tuple[str, ...]] = state["entity_countries"]
        self.entity_birth_dates: list[tuple[str, ...]] = state["entity_birth_dates"]
        self.entity_identifiers: dict[int, dict[str, str]] = state["entity_identifiers"]
        #: entity -> the entities of its designation, itself included, by id (only entities that the
        #: lists link to another: :mod:`aktsam.lists.designations`)
        self.entity_designation: dict[int, tuple[int, ...]] = state["entity_designation"]
        self.identifier_index: dict[str, tuple[int, ...]] = state["identifier_index"]
        self.sources: list[str] = state["sources"]
        self.entity_source_code: array[int] = _column("i", state, "entity_source_code")
        self.entity_names = _Ragged(
            _column("i", state, "entity_names_ptr"), _column("i", state, "entity_names_ids")
        )
        # indexed names
        self.name_entity: array[int] = _column("i", state, "name_entity")
        self.name_tids: list[tuple[int, ...]] = state["name_tids"]
        self.name_total: array[float] = _column("d", state, "name_total")
        self.name_total_min: array[float] = _column("d", state, "name_total_min")
        self.name_patronymics: array[int] = _column("q", state, "name_patronymics")
        self.name_seats: array[int] = _column("q", state, "name_seats")
        self.name_unindexed: array[float] = _column("d", state, "name_unindexed")
        self.name_extra: array[float] = _column("d", state, "name_extra")
        self.name_max_weight: array[float] = _column("d", state, "name_max_weight")
        self.name_kind_code: array[int] = _column("b", state, "name_kind")
        self.name_kind = _KindColumn(self.name_kind_code)
        self.name_kind_factor: array[float] = array(
            "d", (W.NAME_KIND_FACTOR[_KINDS[k]] for k in self.name_kind_code)
        )
        self.name_person: array[int] = _column("b", state, "name_person")
        self.name_min_evidence: array[float] = array(
            "d", (min_evidence(bool(p)) for p in self.name_person)
        )
        self.name_letters: array[int] = _column("b", state, "name_letters")
        self.name_record: array[int] = _column("i", state, "name_record")
        self.name_legal_forms: dict[int, tuple[str, ...]] = state["name_legal_forms"]
        self.name_note: dict[int, str] = state["name_note"]
        self.record_value: list[str] = state["record_value"]
        self.record_lang: list[str | None] = state["record_lang"]
        self.record_source: list[str | None] = state["record_source"]
        # postings
        self._full_ptr: npt.NDArray[np.int64] = state["full_ptr"]
        self._full_ids: npt.NDArray[np.int32] = state["full_ids"]
        self._prefix_ptr: npt.NDArray[np.int64] = state["prefix_ptr"]
        self._prefix_ids: npt.NDArray[np.int32] = state["prefix_ids"]
        self.common: array[int] = _column("b", state, "common")
        self.full_length: array[int] = array("i", np.diff(self._full_ptr).tolist())
        self.prefix_length: array[int] = array("i", np.diff(self._prefix_ptr).tolist())
        self._postings_cache: dict[int, tuple[int, ...]] = {}
        self._array_cache: dict[int, npt.NDArray[np.int32]] = {}
        self._bundles: dict[
            tuple[str, bool],
            tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.float64]],
        ] = {}
        self.build_seconds: float = state.get("build_seconds", 0.0)
        self._entity_index: dict[str, int] | None = None
        self.name_source_code: array[int] = array(
            "i", (self.entity_source_code[e] for e in self.name_entity)
        )
        # names scoring alike against any query share a signature (the same name on several lists)
        signatures: dict[tuple[Any, ...], int] = {}
        self.name_signature: array[int] = array(
            "i",
            (
                signatures.setdefault(
                    (tids, kind, person, letters, patronymics, seats), len(signatures)
                )
                for tids, kind, person, letters, patronymics, seats in zip(
                    self.name_tids,
                    self.name_kind_code,
                    self.name_person,
                    self.name_letters,
                    self.name_patronymics,
                    self.name_seats,
                    strict=True,
                )
            ),
        )
        del signatures
        # names whose candidate bound rests on postings alone (nothing hidden, repeated or initial)
        self.name_plain: array[int] = array(
            "b",
            (
                u == 0.0 and x == 0.0
                for u, x in zip(self.name_unindexed, self.name_extra, strict=True)
            ),
        )
        self.name_plain_full: array[int] = array("b", (x == 0.0 for x in self.name_extra))
        self.arrays = NameArrays(
            source=np.array(self.name_source_code, dtype=np.int32),
            unindexed=np.array(self.name_unindexed, dtype=np.float64),
            extra=np.array(self.name_extra, dtype=np.float64),
            max_weight=np.array(self.name_max_weight, dtype=np.float64),
            total_min=np.array(self.name_total_min, dtype=np.float64),
            min_evidence=np.array(self.name_min_evidence, dtype=np.float64),
            kind_factor=np.array(self.name_kind_factor, dtype=np.float64),
            token_count=np.array([len(t) for t in self.name_tids], dtype=np.int32),
            initials=np.array(self.name_letters, dtype=np.int8) == INITIALS,
            plain=np.array(self.name_plain, dtype=bool),
            plain_full=np.array(self.name_plain_full, dtype=bool),
        )
        # prepared query forms, filled by the matcher (they depend on this index's vocabulary)
        self.query_cache: dict[tuple[str, Schema | None], list[PreparedForm]] = {}

    # --- building ---------------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        entities: Sequence[ListedEntity],
        *,
        aliases: AliasTable | None = None,
        generic_tokens: dict[str, GenericToken] | None = None,
    ) -> MatchIndex:
        """Index ``entities``: normalise every name once, enrich from the alias table, weigh tokens.

        ``aliases`` defaults to the bundled ``data/aliases.csv`` and ``generic_tokens`` to
        ``data/generic_tokens.csv``; pass ``AliasTable([])`` to index without enrichment.
        """
        started = time.perf_counter()
        cache: dict[tuple[str, Schema | None], list[NameForm]] = {}

        def forms(value: str, schema: Schema | None) -> list[NameForm]:
            key = (value, schema)
            found = cache.get(key)
            if found is None:
                found = name_forms(value, schema)
                cache[key] = found
            return found

        table = aliases if aliases is not None else AliasTable(load_aliases(), forms)
        generic = generic_tokens if generic_tokens is not None else load_generic_tokens()
        enriched = enrich_entities(entities, table, forms)

        records_value: list[str] = []
        records_lang: list[str | None] = []
        records_source: list[str | None] = []
        raw_names: list[tuple[int, int, NameKind, NameForm]] = []  # entity, record, kind, form
        for position, entity in enumerate(entities):
            names: list[Name] = list(entity.names) + enriched.get(position, [])
            best: dict[tuple[str, ...], int] = {}
            for name in names:
                record = len(records_value)
                records_value.append(name.value)
                records_lang.append(name.lang)
                records_source.append(name.source)
                for form in forms(name.value, entity.schema):
                    if not form.tokens:
                        continue
                    seen = best.get(form.tokens)
                    if seen is not None:
                        if W.NAME_KIND_FACTOR[name.kind] > W.NAME_KIND_FACTOR[raw_names[seen][2]]:
                            raw_names[seen] = (position, record, name.kind, form)
                        continue
                    best[form.tokens] = len(raw_names)
                    raw_names.append((position, record, name.kind, form))

        distinct = {form.tokens for _, _, _, form in raw_names}
        doc_freq: Counter[str] = Counter()
        for tokens in distinct:
            doc_freq.update(set(tokens))
        vocab = Vocabulary.build(doc_freq, len(distinct), generic)
        common = [int(f) > W.COMMON_TOKEN_DF for f in vocab.df.tolist()]
        bounds = {p: prefix_bounds(W.INDEX_MIN_THRESHOLD, p) for p in (False, True)}

        name_entity: list[int] = []
        name_tids: list[tuple[int, ...]] = []
        name_total: list[float] = []
        name_total_min: list[float] = []
        name_patronymics: list[int] = []
        name_seats: list[int] = []
        name_unindexed: list[float] = []
        name_extra: list[float] = []
        name_max_weight: list[float] = []
        name_kind: list[int] = []
        name_person: list[bool] = []
        name_letters: list[int] = []
        name_record: list[int] = []
        name_legal_forms: dict[int, tuple[str, ...]] = {}
        name_note: dict[int, str] = {}
        full_key: list[int] = []
        full_val: list[int] = []
        prefix_key: list[int] = []
        prefix_val: list[int] = []
        kind_code = {kind: code for code, kind in enumerate(_KINDS)}
        index = vocab.index
        for position, record, kind, form in raw_names:
            n = len(name_entity)
            entity = entities[position]
            tids = tuple(index[t] for t in form.tokens)
            has_letter = any(is_initial(t) for t in form.tokens)
            if not has_letter:
                letters = NO_LETTERS
            elif entity.schema in _OBJECT_SCHEMAS:
                letters = NAME_LETTERS
            else:
                letters = INITIALS
            tw = listed_weights(tids, letters, vocab)
            total = sum(tw)
            person = entity.schema is Schema.PERSON
            patronymics, seats = listed_bits(form.tokens, form.legal_forms, entity.schema)
            # the smallest listed total: every patronymic and seat unmatched (the candidate bound
            # divides by it)
            total_min = total - sum(
                w * (1.0 - W.UNMATCHED_PATRONYMIC_FACTOR)
                for j, w in enumerate(tw)
                if patronymics >> j & 1
            )
            total_min -= sum(
                w * (1.0 - W.UNMATCHED_SEAT_FACTOR) for j, w in enumerate(tw) if seats >> j & 1
            )
            common_occ = sorted(
                ((w, t) for t, w in zip(tids, tw, strict=True) if common[t]), reverse=True
            )
            remaining = sum(w for w, _ in common_occ)
            min_coverage, min_weight = bounds[person]
            bound = max(min_coverage * total_min, min_weight)
            prefix: set[int] = set()
            for w, t in common_occ:
                if remaining < bound:
                    break
                prefix.add(t)
                remaining -= w
            # what postings cannot show: common tokens outside the prefix ("unindexed"); a repeated
            # token (postings list a name once) and initials, which match words by their first letter
            unindexed = max(remaining, 0.0)
            extra = 0.0
            counted: set[int] = set()
            for t, w in zip(tids, tw, strict=True):
                if t in counted or (letters == INITIALS and is_initial(vocab.tokens[t])):
                    extra += w
                counted.add(t)
            name_entity.append(position)
            name_tids.append(tids)
            name_total.append(total)
            name_total_min.append(total_min)
            name_patronymics.append(patronymics)
            name_seats.append(seats)
            name_unindexed.append(unindexed)
            name_extra.append(extra)
            name_max_weight.append(max(tw))
            name_kind.append(kind_code[kind])
            name_person.append(person)
            name_letters.append(letters)
            name_record.append(record)
            if form.legal_forms:
                name_legal_forms[n] = form.legal_forms
            if form.note:
                name_note[n] = form.note
            for t in set(tids):
                full_key.append(t)
                full_val.append(n)
                if common[t] and t in prefix:
                    prefix_key.append(t)
                    prefix_val.append(n)
        full_ptr, full_ids = _csr(full_key, full_val, len(vocab))
        prefix_ptr, prefix_ids = _csr(prefix_key, prefix_val, len(vocab))

        # names are appended entity by entity: each entity's names are one run
        counts = np.bincount(np.array(name_entity, dtype=np.int64), minlength=len(entities))
        entity_names_ptr = np.zeros(len(entities) + 1, dtype=np.int64)
        np.cumsum(counts, out=entity_names_ptr[1:])
        sources = sorted({e.source for e in entities})
        source_code = {s: i for i, s in enumerate(sources)}
        identifiers: dict[int, dict[str, str]] = {}
        identifier_index: dict[str, tuple[int, ...]] = {}
        for position, entity in enumerate(entities):
            for identifier in entity.identifiers:
                norm = normalise_identifier(identifier.value)
                if len(norm) < W.IDENTIFIER_MIN_LENGTH:
                    continue
                identifiers.setdefault(position, {})[norm] = f"{identifier.type} {identifier.value}"
                bucket = identifier_index.get(norm, ())
                if position not in bucket:
                    identifier_index[norm] = (*bucket, position)

        state: dict[str, Any] = {
            "vocab": vocab,
            "entity_ids": [e.id for e in entities],
            "entity_source": [e.source for e in entities],
            "entity_source_id": [e.source_id for e in entities],
            "entity_schema": [e.schema for e in entities],
            "entity_caption": [e.caption for e in entities],
            "entity_sublist": [e.sublist for e in entities],
            "entity_countries": [_countries(e) for e in entities],
            "entity_birth_dates": [tuple(e.birth_dates) for e in entities],
            "entity_identifiers": identifiers,
            "entity_designation": _designations(entities),
            "identifier_index": identifier_index,
            "sources": sources,
            "entity_source_code": [source_code[e.source] for e in entities],
            "entity_names_ptr": entity_names_ptr.tolist(),
            "entity_names_ids": list(range(len(name_entity))),
            "name_entity": name_entity,
            "name_tids": name_tids,
            "name_total": name_total,
            "name_total_min": name_total_min,
            "name_patronymics": name_patronymics,
            "name_seats": name_seats,
            "name_unindexed": name_unindexed,
            "name_extra": name_extra,
            "name_max_weight": name_max_weight,
            "name_kind": name_kind,
            "name_person": name_person,
            "name_letters": name_letters,
            "name_record": name_record,
            "name_legal_forms": name_legal_forms,
            "name_note": name_note,
            "record_value": records_value,
            "record_lang": records_lang,
            "record_source": records_source,
            "full_ptr": full_ptr,
            "full_ids": full_ids,
            "prefix_ptr": prefix_ptr,
            "prefix_ids": prefix_ids,
            "common": common,
        }
        state["build_seconds"] = time.perf_counter() - started
        return cls(state)

    # --- persistence ------------------------------------------------------------------------------------------

    @staticmethod
    def fingerprint() -> dict[str, str]:
        """What a saved index must agree with: format, weights, generic tokens and alias table."""
        return {
            "format": str(FORMAT_VERSION),
            "weights": W.MODEL_SIGNATURE,
            "generic_tokens": _file_hash(default_generic_tokens_path()),
            "aliases": _file_hash(default_aliases_path()),
        }

    def save(self, path: Path | str) -> None:
        """Write the index to one file (pickle of numpy arrays and plain lists)."""
        state = dict(self._state)
        state["vocab"] = self.vocab.to_state()
        state["entity_schema"] = [s.value for s in self.entity_schema]
        payload = {"magic": _MAGIC, "fingerprint": self.fingerprint(), "state": state}
        target = Path(path)
        temporary = target.with_name(target.name + ".tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(target)

    @classmethod
    def load(cls, path: Path | str) -> MatchIndex:
        """Read an index written by :meth:`save`; :class:`IndexVersionError` if it is stale."""
        with open(path, "rb") as handle:
            try:
                payload = pickle.load(handle)
            except Exception as error:  # a truncated or foreign file
                raise IndexVersionError(f"{path}: not a match index ({error})") from None
        if not isinstance(payload, dict) or payload.get("magic") != _MAGIC:
            raise IndexVersionError(f"{path}: not a match index")
        expected = cls.fingerprint()
        found = payload.get("fingerprint")
        if found != expected:
            raise IndexVersionError(
                f"{path}: built with another matcher version ({found}, expected {expected}); rebuild it"
            )
        state = payload["state"]
        state["vocab"] = Vocabulary.from_state(state["vocab"])
        state["entity_schema"] = [Schema(s) for s in state["entity_schema"]]
        return cls(state)

    # --- access -----------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of entities."""
        return len(self.entity_ids)

    @property
    def name_count(self) -> int:
        return len(self.name_entity)

    def entity_position(self, entity_id: str) -> int | None:
        if self._entity_index is None:
            self._entity_index = {eid: i for i, eid in enumerate(self.entity_ids)}
        return self._entity_index.get(entity_id)

    def postings(self, token_id: int, prefix: bool) -> tuple[int, ...]:
        """Indexed names containing ``token_id`` (for a common token and ``prefix``: its prefix postings)."""
        key = token_id if prefix and self.common[token_id] else ~token_id
        cached = self._postings_cache.get(key)
        if cached is None:
            cached = tuple(self.postings_array(token_id, prefix).tolist())
            self._postings_cache[key] = cached
        return cached

    def postings_array(self, token_id: int, prefix: bool) -> npt.NDArray[np.int32]:
        """:meth:`postings` as a numpy array (a view into the index; do not modify)."""
        key = token_id if prefix and self.common[token_id] else ~token_id
        found = self._array_cache.get(key)
        if found is None:
            if key >= 0:
                lo, hi = self._prefix_ptr[token_id], self._prefix_ptr[token_id + 1]
                found = self._prefix_ids[lo:hi]
            else:
                lo, hi = self._full_ptr[token_id], self._full_ptr[token_id + 1]
                found = self._full_ids[lo:hi]
            self._array_cache[key] = found
        return found

    def token_bundle(
        self, token: str, expansion: Mapping[int, float], prefix: bool
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Names a query token retrieves: (names, listed weight it can match there, similarity).

        Memoised per token: common query tokens ("muhammad", "al") recur across queries and their postings
        are the long ones.
        """
        key = (token, prefix)
        found = self._bundles.get(key)
        if found is not None:
            return found
        weights = self.vocab.weights
        arrays: list[npt.NDArray[np.int32]] = []
        contributions: list[float] = []
        similarities: list[float] = []
        initial = is_initial(token)
        for tid, sim in expansion.items():
            postings = self.postings_array(tid, prefix)
            if postings.size:
                arrays.append(postings)
                weight = weights[tid]
                if initial:
                    weight = max(weight, W.ORGANIZATION_LETTER_WEIGHT)
                contributions.append(sim * weight)
                similarities.append(sim)
        if not arrays:
            empty = np.zeros(0, dtype=np.float64)
            found = (np.zeros(0, dtype=np.int32), empty, empty)
        elif len(arrays) == 1:
            names = arrays[0]
            found = (
                names,
                np.full(names.size, contributions[0]),
                np.full(names.size, similarities[0]),
            )
        else:
            # a name holding two variants of the token appears twice: its bound counts both, which
            # only loosens it (deduplicating here cost more than it saved)
            sizes = [a.size for a in arrays]
            found = (
                np.concatenate(arrays),
                np.repeat(np.array(contributions), sizes),
                np.repeat(np.array(similarities), sizes),
            )
        if len(self._bundles) >= _BUNDLE_CACHE_SIZE:
            self._bundles.clear()
        self._bundles[key] = found
        return found

    def stats(self) -> dict[str, float]:
        """Sizes, for logs and benchmarks."""
        return {
            "entities": len(self.entity_ids),
            "names": len(self.name_entity),
            "tokens": len(self.vocab),
            "common_tokens": sum(self.common),
            "postings": int(self._full_ids.size),
            "prefix_postings": int(self._prefix_ids.size),
            "build_seconds": round(self.build_seconds, 3),
        }


def _countries(entity: ListedEntity) -> tuple[str, ...]:
    values = set(entity.countries) | set(entity.nationalities)
    values.update(a.country for a in entity.addresses if a.country)
    return tuple(sorted({v.lower() for v in values if v}))
