"""Why a listed entity scored what it scored: the data a reviewer (and the audit trail) reads.

An :class:`Explanation` says which form of the query met which listed name (its value, kind, language and,
for enriched names, the alias table's source), which tokens were aligned with what similarity and weight,
which tokens stayed unmatched on each side, which legal forms were set aside, and every adjustment applied
after the token alignment, as ``(feature, delta, detail)`` triples whose deltas add up to the final score.

Feature names follow nomenklatura's where one exists: ``country_match``, ``country_mismatch``,
``dob_year_disjoint``, ``dob_day_disjoint``, ``dob_exact``, ``schema_mismatch``, ``identifier_match``;
aktsam's own are ``dob_year_near`` (a birth year one off) and, name-level, ``thin_evidence``,
``weak_alias``, ``enriched_alias``, ``former_name``, ``unmatched_distinctive``, ``order_mismatch``,
``short_query``, ``short_listed_name``, ``patronymic_missing``, ``seat_missing`` and ``name_conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Query token(s) aligned with listed token(s)."""

    query: str  # one token, or two joined by a space when the listed name writes them as one word
    listed: str  # one token, or two joined by a space when the query writes them as one word
    similarity: float
    weight: float  # weight of the listed token(s)
    match: str  # "exact", "fuzzy", "initial" or "compound"

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "listed": self.listed,
            "similarity": round(self.similarity, 4),
            "weight": round(self.weight, 4),
            "match": self.match,
        }


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One feature applied after the token alignment: ``delta`` is its effect on the score."""

    feature: str
    delta: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "delta": round(self.delta, 4), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one query name met one listed name, and how the entity's score was reached."""

    query_name: str  # the query form's original text
    query_tokens: tuple[str, ...]
    query_note: (
        str | None
    )  # how the query form was derived (transliteration...), when not the plain one
    listed_name: str
    listed_kind: str
    listed_lang: str | None
    listed_source: str | None  # for enriched names: the alias table's source, URL and date
    listed_tokens: tuple[str, ...]
    pairs: tuple[TokenPair, ...]
    unmatched_query: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    query_legal_forms: tuple[str, ...]
    listed_legal_forms: tuple[str, ...]
    listed_coverage: float  # weighted share of the listed name's tokens matched
    query_coverage: float  # weighted share of the query's tokens matched
    base_score: float  # the coverage mix before adjustments
    adjustments: tuple[Adjustment, ...]  # name-level, then entity-level (qualifiers)
    score: float

    @property
    def qualifiers(self) -> list[tuple[str, float, str]]:
        """The adjustments as ``(feature, delta, detail)`` triples."""
        return [(a.feature, a.delta, a.detail) for a in self.adjustments]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (floats rounded to 4 places)."""
        return {
            "query": {
                "name": self.query_name,
                "tokens": list(self.query_tokens),
                "note": self.query_note,
                "legal_forms": list(self.query_legal_forms),
            },
            "listed": {
                "name": self.listed_name,
                "kind": self.listed_kind,
                "lang": self.listed_lang,
                "source": self.listed_source,
                "tokens": list(self.listed_tokens),
                "legal_forms": list(self.listed_legal_forms),
            },
            "pairs": [p.to_dict() for p in self.pairs],
            "unmatched_query": list(self.unmatched_query),
            "unmatched_listed": list(self.unmatched_listed),
            "listed_coverage": round(self.listed_coverage, 4),
            "query_coverage": round(self.query_coverage, 4),
            "base_score": round(self.base_score, 4),
            "adjustments": [a.to_dict() for a in self.adjustments],
            "score": round(self.score, 4),
        }

    def with_qualifiers(self, qualifiers: tuple[Adjustment, ...], score: float) -> Explanation:
        """This explanation with entity-level qualifiers appended and the final score set."""
        return Explanation(
            query_name=self.query_name,
            query_tokens=self.query_tokens,
            query_note=self.query_note,
            listed_name=self.listed_name,
            listed_kind=self.listed_kind,
            listed_lang=self.listed_lang,
            listed_source=self.listed_source,
            listed_tokens=self.listed_tokens,
            pairs=self.pairs,
            unmatched_query=self.unmatched_query,
            unmatched_listed=self.unmatched_listed,
            query_legal_forms=self.query_legal_forms,
            listed_legal_forms=self.listed_legal_forms,
            listed_coverage=self.listed_coverage,
            query_coverage=self.query_coverage,
            base_score=self.base_score,
            adjustments=self.adjustments + qualifiers,
            score=score,
        )

    def summary(self) -> str:
        """One line for terminals: aligned pairs and adjustments."""
        pairs = ", ".join(
            p.query if p.match == "exact" else f"{p.query}~{p.listed}({p.similarity:.2f})"
            for p in self.pairs
        )
        extra = "".join(f" {a.feature}{a.delta:+.2f}" for a in self.adjustments)
        return f"{self.listed_name!r} [{self.listed_kind}]: {pairs or '-'}{extra}"
