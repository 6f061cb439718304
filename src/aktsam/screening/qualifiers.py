"""Entity-level qualifiers: what the query says besides the name, weighed against the listed entity.

Each function returns an :class:`~aktsam.screening.explain.Adjustment` (feature name, delta, detail) or
``None`` when the feature does not apply; the deltas are in :mod:`aktsam.screening.weights` and are added to
the name score. Feature names follow nomenklatura's: ``schema_mismatch``, ``country_match``,
``country_mismatch``, ``dob_exact``, ``dob_day_disjoint``, ``dob_year_disjoint``, ``identifier_match``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from aktsam.lists.model import Schema
from aktsam.screening import weights as W
from aktsam.screening.explain import Adjustment

_OBJECTS = frozenset({Schema.VESSEL, Schema.AIRCRAFT})


def schema_adjustment(
    query: Schema | None, listed: Schema, legal_forms: Sequence[str] = ()
) -> Adjustment | None:
    """``schema_mismatch`` when the query and the entry are known to be different kinds of party.

    ``legal_forms``: the legal forms found in the query's name ("llc"). A query of unstated kind whose
    name carries one is an organisation; against a person, vessel or aircraft entry it loses
    ``SCHEMA_MISMATCH_LEGAL_FORM``, as does a query stated to be an organisation.
    """
    if legal_forms and query in (None, Schema.UNKNOWN, Schema.ORGANIZATION):
        if listed in (Schema.PERSON, Schema.VESSEL, Schema.AIRCRAFT):
            forms = ", ".join(legal_forms)
            detail = (
                f"query is organization (legal form {forms} in its name), entry is {listed.value}"
            )
            return Adjustment("schema_mismatch", W.SCHEMA_MISMATCH_LEGAL_FORM, detail)
        return None
    if query is None or query is Schema.UNKNOWN or listed is Schema.UNKNOWN or query is listed:
        return None
    detail = f"query is {query.value}, entry is {listed.value}"
    if Schema.PERSON in (query, listed):
        return Adjustment("schema_mismatch", W.SCHEMA_MISMATCH_PERSON, detail)
    if query in _OBJECTS or listed in _OBJECTS:
        return Adjustment("schema_mismatch", W.SCHEMA_MISMATCH_OBJECT, detail)
    return None


def country_adjustment(query: Iterable[str], listed: Collection[str]) -> Adjustment | None:
    """``country_match`` / ``country_mismatch`` when both sides state countries (ISO alpha-2)."""
    wanted = {c.lower() for c in query if c}
    if not wanted or not listed:
        return None
    shared = wanted.intersection(listed)
    if shared:
        return Adjustment("country_match", W.COUNTRY_MATCH, f"shared: {', '.join(sorted(shared))}")
    return Adjustment(
        "country_mismatch",
        W.COUNTRY_MISMATCH,
        f"query {', '.join(sorted(wanted))}; entry {', '.join(sorted(listed))}",
    )


def birth_date_adjustment(query: str | None, listed: Sequence[str]) -> Adjustment | None:
    """``dob_exact`` / ``dob_day_disjoint`` / ``dob_year_near`` (a listed year one off) /
    ``dob_year_disjoint`` for partial ISO dates.

    Dates are compared at the precision both sides have: "1970" agrees with "1970-05-01", "1970-05-02"
    does not agree with "1970-05-01", "1971" does not agree with "1970".
    """
    if not query or not listed:
        return None
    year = query[:4]
    if not year.isdigit():
        return None
    shown = ", ".join(sorted(set(listed)))
    years = {d[:4] for d in listed}
    if year not in years:
        near = any(y.isdigit() and abs(int(y) - int(year)) == 1 for y in years)
        if near:
            detail = f"query {query}; entry {shown} (a year apart)"
            return Adjustment("dob_year_near", W.DOB_YEAR_NEAR, detail)
        return Adjustment("dob_year_disjoint", W.DOB_YEAR_DISJOINT, f"query {query}; entry {shown}")
    if len(query) >= 10 and query[:10] in {d[:10] for d in listed if len(d) >= 10}:
        return Adjustment("dob_exact", W.DOB_EXACT, query[:10])
    if len(query) >= 7:
        same_year = [d for d in listed if d[:4] == year and len(d) >= 7]
        if same_year and not any(
            query[: min(len(query), len(d), 10)] == d[: min(len(query), len(d), 10)]
            for d in same_year
        ):
            return Adjustment(
                "dob_day_disjoint", W.DOB_DAY_DISJOINT, f"query {query}; entry {shown}"
            )
    return None


def normalise_identifier(value: str) -> str:
    """An identifier as compared: upper-case letters and digits only ("AB 12-345" -> "AB12345")."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def identifier_adjustment(query: Iterable[str], listed: Mapping[str, str]) -> Adjustment | None:
    """``identifier_match`` when a query identifier equals one of the entity's.

    ``listed`` maps normalised identifiers to how the list states them ("passport AB 12345").
    """
    for value in query:
        norm = normalise_identifier(value)
        if len(norm) >= W.IDENTIFIER_MIN_LENGTH and norm in listed:
            return Adjustment("identifier_match", W.IDENTIFIER_MATCH, f"{value} = {listed[norm]}")
    return None


def max_bonus(countries: Sequence[str], birth_date: str | None) -> float:
    """The most the qualifiers can add for a query (identifier matches are retrieved separately)."""
    bonus = W.COUNTRY_MATCH if countries else 0.0
    if birth_date and len(birth_date) >= 10:
        bonus += W.DOB_EXACT
    return bonus


def clip(score: float) -> float:
    """``score`` limited to [0, 1]."""
    return 0.0 if score < 0.0 else 1.0 if score > 1.0 else score
