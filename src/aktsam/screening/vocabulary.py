"""The token vocabulary of the listed names: ids, weights, and fast approximate lookup.

A query token is *expanded* once into the listed tokens it may stand for, each with a similarity in (0, 1]:

* itself, when some listed name contains it (similarity 1);
* tokens within a few edits (:func:`aktsam.screening.weights.max_edits`), found through a symmetric-delete
  ("SymSpell") neighbourhood: every listed token of 4+ characters is stored under all strings obtained by
  deleting up to its allowed number of characters, and a query token looks up its own deletions, so lookups
  never scan the vocabulary;
* tokens sharing its Metaphone key and close in Jaro-Winkler similarity (transliteration variants such as
  "aleksandr"/"alexander" that are more edits apart);
* tokens sharing its romanisation key (:mod:`aktsam.screening.romanisation`): the same Cyrillic name
  written by another romanisation system ("saveljev"/"savelyev", "kovaltjuk"/"kovalchuk").

The neighbourhoods are plain dictionaries (deletion variant, Metaphone code or romanisation key -> token ids),
pickled with the index; a lookup is a handful of dictionary probes. Expansions are memoised per token.
The expansion of every listed token is computed once at build and saved with the index (flat arrays),
so that a fresh process loading the index only expands the query tokens that no listed name holds.
"""

from __future__ import annotations

import csv
import math
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA, JaroWinkler
from rigour.text.phonetics import metaphone

from aktsam.errors import InputError
from aktsam.screening import weights as W
from aktsam.screening.romanisation import romanisation_key, same_romanisation

Expansion = Mapping[int, float]  # listed token id -> similarity to the query token

#: Token expansions memoised per vocabulary before the memo is emptied: as many as the matcher's
#: prepared query names (``matcher._QUERY_CACHE_SIZE``), so that a long file keeps memory flat.
EXPANSION_CACHE_SIZE = 20_000

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_ALPHA_RE = re.compile(r"[a-z]+")


def deletions(token: str, depth: int) -> set[str]:
    """``token`` and every string made by deleting up to ``depth`` of its characters."""
    out = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {text[:i] + text[i + 1 :] for text in frontier for i in range(len(text))}
        out |= frontier
    return out


@lru_cache(maxsize=1024)
def _probe_deletions(token: str, depth: int) -> frozenset[str]:
    """:func:`deletions` of a token being expanded, memoised: ``compare`` builds a vocabulary per
    call and expands the same generic words in each (a few hundred tokens; a larger cache would
    hold thousands of sets in a long screening run for nothing)."""
    return frozenset(deletions(token, depth))


def phonetic_code(token: str) -> str | None:
    """Metaphone code of an alphabetic token long enough to be matched phonetically, else ``None``."""
    if len(token) < W.PHONETIC_MIN_LENGTH or not _ALPHA_RE.fullmatch(token):
        return None
    code: str = metaphone(token)
    return code if len(code) >= 2 else None


def token_similarity(left: str, right: str) -> float:
    """Similarity in [0, 1] of two normalised tokens, by the rules in :mod:`aktsam.screening.weights`.

    Exact: 1. One-letter tokens: :data:`~aktsam.screening.weights.INITIAL_SIMILARITY` when the other token
    starts with that letter. Tokens shorter than :data:`~aktsam.screening.weights.FUZZY_MIN_LENGTH`: 0.
    Otherwise ``1 - cost * edits / longer length`` within the allowed edits, a scaled Jaro-Winkler similarity
    for transliteration variants with the same Metaphone code, or the romanisation similarity for tokens
    with the same romanisation key, whichever is highest.
    """
    if left == right:
        return 1.0
    if len(left) == 1 or len(right) == 1:
        if len(left) != len(right) and left[0] == right[0]:
            return W.INITIAL_SIMILARITY
        return 0.0
    return fuzzy_similarity(left, right)


def is_patronymic(token: str) -> bool:
    """Whether a person-name token looks like an East Slavic patronymic ("vladimirovich")."""
    return len(token) >= W.PATRONYMIC_MIN_LENGTH and token.endswith(W.PATRONYMIC_SUFFIXES)


def fuzzy_similarity(left: str, right: str) -> float:
    """Edit-distance, phonetic or romanisation similarity of two different tokens of 4+ characters (0
    when none)."""
    shorter, longer = sorted((len(left), len(right)))
    if shorter < W.FUZZY_MIN_LENGTH:
        return 0.0
    best = 0.0
    edits = W.max_edits(longer)
    distance = OSA.distance(left, right, score_cutoff=edits)
    if distance <= edits:
        best = 1.0 - W.FUZZY_EDIT_COST * distance / longer
    code = phonetic_code(left)
    if code is not None and code == phonetic_code(right):
        jaro = JaroWinkler.similarity(left, right)
        if jaro >= W.PHONETIC_MIN_JARO_WINKLER:
            best = max(best, jaro * W.PHONETIC_SIMILARITY_FACTOR)
    if best < W.ROMANISATION_SIMILARITY and same_romanisation(left, right):
        best = W.ROMANISATION_SIMILARITY
    return best


@dataclass(frozen=True, slots=True)
class GenericToken:
    token: str
    weight: float
    reason: str


def default_generic_tokens_path() -> Path:
    return Path(str(resources.files("aktsam.screening").joinpath("data/generic_tokens.csv")))


def load_generic_tokens(path: Path | None = None) -> dict[str, GenericToken]:
    """Read ``generic_tokens.csv`` (``token,weight,count,reason,source,date``; ``#`` lines are comments).

    A row without a one-word token, a numeric weight (or none), a source or a date is refused with
    :class:`aktsam.errors.InputError` naming the file and line.
    """
    source = path or default_generic_tokens_path()
    out: dict[str, GenericToken] = {}
    with open(source, encoding="utf-8", newline="") as handle:
        numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    for index, row in enumerate(reader, start=1):
        line = numbered[min(index, len(numbered) - 1)][0]
        token = (row.get("token") or "").strip().lower()
        if not _TOKEN_RE.fullmatch(token):
            raise InputError(
                "a generic token must be one lower-case ascii word",
                file=str(source),
                row=line,
                field="token",
            )
        for required in ("source", "date"):
            if not (row.get(required) or "").strip():
                raise InputError(
                    f"generic token row has no {required}",
                    file=str(source),
                    row=line,
                    field=required,
                )
        raw_weight = (row.get("weight") or "").strip()
        try:
            weight = float(raw_weight) if raw_weight else W.GENERIC_TOKEN_WEIGHT
        except ValueError:
            raise InputError(
                f"weight {raw_weight!r} is not a number",
                file=str(source),
                row=line,
                field="weight",
            ) from None
        out[token] = GenericToken(token, weight, (row.get("reason") or "").strip())
    return out


def idf_weight(df: int, total: int) -> float:
    """IDF of a token found in ``df`` of ``total`` distinct listed names, scaled to [floor, 1]."""
    if df <= W.RARE_TOKEN_DF or total <= W.RARE_TOKEN_DF:
        return 1.0
    scale = math.log(total / W.RARE_TOKEN_DF)
    value = math.log(total / df) / scale
    return min(1.0, max(W.TOKEN_WEIGHT_FLOOR, value))


def token_weight(token: str, idf: float, generic: Mapping[str, GenericToken]) -> float:
    """A token's weight: generic words low, initials capped, everything else its IDF."""
    entry = generic.get(token)
    if entry is not None:
        return entry.weight
    if len(token) == 1 and token.isalpha():
        return min(idf, W.INITIAL_TOKEN_WEIGHT)
    return idf


def _hold(table: dict[str, int | tuple[int, ...]], key: str, token_id: int) -> None:
    """Add ``token_id`` under ``key``: one id as an int, several as a tuple (most keys hold one, and
    an int takes a fraction of a tuple's memory in the pickled index)."""
    held = table.get(key)
    if held is None:
        table[key] = token_id
    elif isinstance(held, int):
        table[key] = (held, token_id)
    else:
        table[key] = (*held, token_id)


class Vocabulary:
    """Listed tokens with ids, weights, document frequencies and the fuzzy neighbourhood maps."""

    __slots__ = (
        "_cache",
        "_codes",
        "_deletes",
        "_expansion_ids",
        "_expansion_ptr",
        "_expansion_sims",
        "_phonetic",
        "_romanised",
        "df",
        "generic",
        "index",
        "tokens",
        "weights",
    )

    def __init__(
        self,
        tokens: list[str],
        df: npt.NDArray[np.int32],
        weights: array[float],
        generic: frozenset[str],
        deletes: dict[str, int | tuple[int, ...]],
        phonetic: dict[str, tuple[int, ...]],
        romanised: dict[str, int | tuple[int, ...]],
        expansions: tuple[array[int], array[int], array[float]] | None = None,
    ) -> None:
        self.tokens = tokens
        self.index: dict[str, int] = {token: i for i, token in enumerate(tokens)}
        self.df = df
        self.weights = weights
        self.generic = generic
        self._deletes = deletes
        self._phonetic = phonetic
        self._romanised = romanised
        self._codes: dict[int, str | None] = {}
        self._cache: dict[str, dict[int, float]] = {}
        if expansions is None:
            expansions = (array("q"), array("q"), array("d"))
        # precomputed expansion of every listed token (CSR: ptr[i]:ptr[i + 1] in ids/sims),
        # in the order :meth:`_expand` yields it; empty when not precomputed
        self._expansion_ptr, self._expansion_ids, self._expansion_sims = expansions

    @classmethod
    def build(
        cls, doc_freq: Mapping[str, int], total: int, generic: Mapping[str, GenericToken]
    ) -> Vocabulary:
        """Vocabulary of ``doc_freq`` (token -> number of distinct listed names containing it)."""
        tokens = sorted(doc_freq)
        df = np.fromiter((doc_freq[t] for t in tokens), dtype=np.int32, count=len(tokens))
        weights = array(
            "d", (token_weight(t, idf_weight(doc_freq[t], total), generic) for t in tokens)
        )
        deletes: dict[str, int | tuple[int, ...]] = {}
        phonetic_lists: dict[str, list[int]] = {}
        romanised: dict[str, int | tuple[int, ...]] = {}
        for token_id, token in enumerate(tokens):
            if len(token) >= W.FUZZY_MIN_LENGTH:
                for variant in deletions(token, W.max_edits(len(token))):
                    _hold(deletes, variant, token_id)
            code = phonetic_code(token)
            if code is not None:
                phonetic_lists.setdefault(code, []).append(token_id)
            key = romanisation_key(token)
            if key is not None:
                _hold(romanised, key, token_id)
        # every code, a listed token's own too: a query token that no listed name holds looks its
        # code up, and may be the only other token with it
        phonetic = {code: tuple(ids) for code, ids in phonetic_lists.items()}
        present = frozenset(t for t in tokens if t in generic)
        vocab = cls(tokens, df, weights, present, deletes, phonetic, romanised)
        # spelling variants of generic words are generic too
        for word, entry in generic.items():
            for token_id, similarity in vocab.expand(word).items():
                if similarity >= W.GENERIC_VARIANT_MIN_SIMILARITY:
                    weights[token_id] = min(weights[token_id], entry.weight)
        vocab._cache.clear()
        vocab._precompute_expansions()
        return vocab

    def _precompute_expansions(self) -> None:
        """Expand every listed token once, so that a fresh process loading the index does not."""
        ptr = array("q", [0])
        ids = array("q")
        sims = array("d")
        expand = self._expand
        for token in self.tokens:
            expansion = expand(token)
            ids.extend(expansion.keys())
            sims.extend(expansion.values())
            ptr.append(len(ids))
        self._expansion_ptr, self._expansion_ids, self._expansion_sims = ptr, ids, sims

    # --- persistence --------------------------------------------------------------------------------------

    def to_state(self) -> dict[str, object]:
        return {
            "tokens": self.tokens,
            "df": self.df,
            "weights": self.weights,
            "generic": sorted(self.generic),
            "deletes": self._deletes,
            "phonetic": self._phonetic,
            "romanised": self._romanised,
            "expansion_ptr": self._expansion_ptr,
            "expansion_ids": self._expansion_ids,
            "expansion_sims": self._expansion_sims,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Vocabulary:
        return cls(
            state["tokens"],
            state["df"],
            array("d", state["weights"]),
            frozenset(state["generic"]),
            state["deletes"],
            state["phonetic"],
            state["romanised"],
            (state["expansion_ptr"], state["expansion_ids"], state["expansion_sims"]),
        )

    # --- lookup -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.tokens)

    def weight_of(self, token: str) -> float:
        """Weight of a query token: its own if listed, else that of its closest listed variant."""
        token_id = self.index.get(token)
        if token_id is not None:
            return self.weights[token_id]
        expansion = self.expand(token)
        if not expansion:
            if len(token) == 1 and token.isalpha():
                return W.INITIAL_TOKEN_WEIGHT
            return W.UNKNOWN_TOKEN_WEIGHT
        best = max(expansion.items(), key=lambda item: (item[1], -item[0]))
        return self.weights[best[0]]

    def expand(self, token: str) -> dict[int, float]:
        """Listed tokens ``token`` may stand for, with their similarity (memoised; do not mutate)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        token_id = self.index.get(token)
        ptr = self._expansion_ptr
        if token_id is not None and ptr:
            lo, hi = ptr[token_id], ptr[token_id + 1]
            result = dict(zip(self._expansion_ids[lo:hi], self._expansion_sims[lo:hi], strict=True))
        else:
            result = self._expand(token)
        if len(self._cache) > EXPANSION_CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = result
        return result

    def _code(self, token_id: int) -> str | None:
        codes = self._codes
        if token_id in codes:
            return codes[token_id]
        code = phonetic_code(self.tokens[token_id])
        codes[token_id] = code
        return code

    def _expand(self, token: str) -> dict[int, float]:
        out: dict[int, float] = {}
        token_id = self.index.get(token)
        if token_id is not None:
            out[token_id] = 1.0
        length = len(token)
        if length < W.FUZZY_MIN_LENGTH:
            return out
        tokens = self.tokens
        deletes = self._deletes
        candidates: set[int] = set()
        for variant in _probe_deletions(token, W.max_edits(length)) & deletes.keys():
            found = deletes[variant]
            if isinstance(found, int):
                candidates.add(found)
            else:
                candidates.update(found)
        candidates.discard(-1 if token_id is None else token_id)
        for candidate in candidates:
            other = tokens[candidate]
            longer = max(length, len(other))
            if min(length, len(other)) < W.FUZZY_MIN_LENGTH:
                continue
            edits = W.max_edits(longer)
            distance = OSA.distance(token, other, score_cutoff=edits)
            if distance <= edits:
                out[candidate] = 1.0 - W.FUZZY_EDIT_COST * distance / longer
        code = phonetic_code(token)
        if code is not None:
            for candidate in self._phonetic.get(code, ()):
                if candidate == token_id:
                    continue
                jaro = JaroWinkler.similarity(token, tokens[candidate])
                if jaro >= W.PHONETIC_MIN_JARO_WINKLER:
                    similarity = jaro * W.PHONETIC_SIMILARITY_FACTOR
                    if similarity > out.get(candidate, 0.0):
                        out[candidate] = similarity
        key = romanisation_key(token)
        held = self._romanised.get(key) if key is not None else None
        if held is not None:
            similarity = W.ROMANISATION_SIMILARITY
            for candidate in (held,) if isinstance(held, int) else held:
                if similarity > out.get(candidate, 0.0) and same_romanisation(
                    token, tokens[candidate]
                ):
                    out[candidate] = similarity
        return out
