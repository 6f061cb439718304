"""§ 5 b of the Transparency Act account: actual adverse impacts and significant risks of adverse impacts
on people, described from the register.

Åpenhetsloven § 5 b asks for information on "faktiske negative konsekvenser og vesentlige risikoer for
negative konsekvenser" that the enterprise has identified through its due diligence: impacts on
fundamental human rights and decent working conditions (the Act's purpose, § 1; due diligence per the OECD
Guidelines, § 4). The OECD Guidelines also cover the environment, but the Act's duty to account does not;
an environmental finding belongs here only as the human-rights impact it causes. This reading rests on
secondary sources (Forbrukertilsynet's guidance, BAHR and NHO restating § 5 b, see
``data/transparency_rules.yml``): the primary text on lovdata.no could not be read when this was written
(2026-12-07).

A sanctions listing, an export-control listing or a national-security restriction is a compliance fact,
not an impact on people. This module therefore maps the register's evidence and risk factors to the impact
they indicate through ``data/impacts.csv`` (one row per evidence ``topic`` or assessment factor ``rule``,
each with the rights concerned, a sentence template in Norwegian and English, and its source):

* an evidence row counts through its ``topic`` (``topic:surveillance``, ``topic:forced-labour`` …); a
  topic written ``actual:<topic>`` marks evidence that the harm **occurred** (an actual impact), kept apart
  from risks;
* a factor of the party's assessment counts through its ``rule`` (``rule:forced-labour.goods``,
  ``rule:council-on-ethics.*``); a factor's evidence counts through the evidence's topic;
* a row with ``impact`` = ``none`` is a compliance matter (``topic:export-control``, ``rule:lists.*``):
  it never becomes a § 5 b item;
* a topic or rule the table does not know is *unclassified*: listed for review, never silently dropped.

How a party is linked to the organisation (``{link}`` in the sentence) comes from its roles through
``data/impact_links.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aktsam.devices.refdata import ReferenceDataError, read_table

DATA_DIR = Path(__file__).resolve().parent / "data"
IMPACTS_FILE = DATA_DIR / "impacts.csv"
LINKS_FILE = DATA_DIR / "impact_links.csv"
ACTUAL_PREFIX = "actual:"
"""An evidence topic written ``actual:<topic>`` documents an impact that occurred, not a risk."""
NO_IMPACT = "none"


@dataclass(frozen=True, slots=True)
class ImpactRule:
    """One row of ``impacts.csv``: what an evidence topic or factor rule indicates for people."""

    key: str  # topic:<topic> or rule:<rule>, rule:<prefix>.*
    impact: str  # impact id, or "none" (a compliance matter)
    rights_nb: str
    rights_en: str
    description_nb: str  # the sentence for a risk
    description_en: str
    actual_nb: str  # the sentence for an actual impact (topic rows only; factors are never actual)
    actual_en: str
    source: str
    date: str

    @property
    def is_impact(self) -> bool:
        return self.impact != NO_IMPACT


@dataclass(frozen=True, slots=True)
class Link:
    role: str
    link_nb: str
    link_en: str


@cache
def impact_rules() -> tuple[ImpactRule, ...]:
    rows = read_table(IMPACTS_FILE, ("key", "impact", "description_nb", "description_en"))
    rules = []
    for row in rows:
        key, impact = row["key"], row["impact"]
        if not key.startswith(("topic:", "rule:")):
            raise row.error("key", f"key {key!r} must start with 'topic:' or 'rule:'")
        if impact != NO_IMPACT:
            for column in ("rights_nb", "rights_en"):
                if not row[column]:
                    raise row.error(column, f"an impact row needs {column}")
            sentences = ["description_nb", "description_en"]
            if key.startswith("topic:"):
                sentences += ["actual_nb", "actual_en"]
            for column in sentences:
                if "{link}" not in row[column]:
                    raise row.error(column, "an impact sentence needs the {link} placeholder")
        rules.append(
            ImpactRule(
                key,
                impact,
                row["rights_nb"],
                row["rights_en"],
                row["description_nb"],
                row["description_en"],
                row["actual_nb"],
                row["actual_en"],
                row["source"],
                row["date"],
            )
        )
    keys = [r.key for r in rules]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ReferenceDataError(IMPACTS_FILE, None, "key", f"duplicate keys {duplicates}")
    return tuple(rules)


@cache
def links() -> dict[str, Link]:
    out = {}
    for row in read_table(LINKS_FILE, ("role", "link_nb", "link_en")):
        for column in ("link_nb", "link_en"):
            if "{party}" not in row[column]:
                raise row.error(column, "a link needs the {party} placeholder")
        out[row["role"]] = Link(row["role"], row["link_nb"], row["link_en"])
    if "*" not in out:
        raise ReferenceDataError(LINKS_FILE, None, "role", "needs a '*' row (any other role)")
    return out


def link_for(roles: Sequence[str], party: str, language: str = "nb") -> str:
    """How a party with ``roles`` is linked to the organisation, as a phrase naming it."""
    table = links()
    chosen = next((table[r] for r in table if r != "*" and r in roles), table["*"])
    return (chosen.link_nb if language == "nb" else chosen.link_en).format(party=party)


def split_topic(topic: str | None) -> tuple[str | None, bool]:
    """(the topic without the ``actual:`` marker, whether it marks an actual impact)."""
    if topic is None or not topic.strip():
        return None, False
    text = topic.strip()
    if text.casefold().startswith(ACTUAL_PREFIX):
        return text[len(ACTUAL_PREFIX) :].strip() or None, True
    return text, False


def rule_for_topic(topic: str | None) -> ImpactRule | None:
    """The ``impacts.csv`` row for an evidence topic (``actual:`` marker ignored); None: unclassified."""
    plain, _ = split_topic(topic)
    if plain is None:
        return None
    key = f"topic:{plain.casefold()}"
    return next((r for r in impact_rules() if r.key == key), None)


def rule_for_factor(rule: str) -> ImpactRule | None:
    """The ``impacts.csv`` row for an assessment factor rule (exact key first, then ``prefix.*``)."""
    rules = impact_rules()
    exact = next((r for r in rules if r.key == f"rule:{rule}"), None)
    if exact is not None:
        return exact
    return next(
        (r for r in rules if r.key.endswith(".*") and rule.startswith(r.key[len("rule:") : -1])),
        None,
    )


@dataclass(frozen=True, slots=True)
class Basis:
    """What one impact item rests on: an evidence row, or an assessment factor."""

    evidence_id: str | None
    factor: str | None  # the factor's rule
    detail: str  # the factor's value, or the evidence title
    actual: bool


@dataclass(frozen=True, slots=True)
class ImpactItem:
    """§ 5 b: one actual impact or risk for people, at one party."""

    kind: str  # "actual" or "risk"
    impact: str  # impact id of impacts.csv
    party_id: str
    party_name: str
    country: str | None
    level: str | None  # the party's risk level at the end of the year (None: not assessed by then)
    significant: bool  # actual, or the party's level is high or critical
    description: str  # Norwegian sentence
    description_en: str
    rights: str
    rights_en: str
    evidence_ids: tuple[str, ...]  # sources the account cites (publishable ones only)
    internal_sources: int  # evidence rows it also rests on that the account does not cite
    factors: tuple[str, ...]  # factor rules it rests on


def _sentence(template: str, **values: str) -> str:
    text = template.format(**values)
    return text[:-1] if text.endswith("..") else text  # "Co., Ltd." at the end of a sentence


def describe(
    rule: ImpactRule,
    *,
    party: str,
    roles: Sequence[str],
    details: Iterable[str],
    actual: bool = False,
) -> tuple[str, str]:
    """The Norwegian and English sentences of ``rule`` for ``party`` (an actual impact or a risk)."""
    detail = "; ".join(dict.fromkeys(d for d in details if d)) or party
    nb, en = (
        (rule.actual_nb, rule.actual_en) if actual else (rule.description_nb, rule.description_en)
    )
    if not nb or not en:
        raise ValueError(
            f"impacts.csv row {rule.key} has no {'actual' if actual else 'risk'} sentence"
        )
    return (
        _sentence(nb, party=party, detail=detail, link=link_for(roles, party, "nb")),
        _sentence(en, party=party, detail=detail, link=link_for(roles, party, "en")),
    )


def build_items(
    *,
    party_id: str,
    party_name: str,
    country: str | None,
    roles: Sequence[str],
    level: str | None,
    significant_level: bool,
    bases: Sequence[tuple[ImpactRule, Basis]],
    cites: Mapping[str, bool],
) -> list[ImpactItem]:
    """Group one party's classified bases into items, one per (impact, actual or risk)."""
    groups: dict[tuple[str, bool], list[tuple[ImpactRule, Basis]]] = {}
    for rule, basis in bases:
        groups.setdefault((rule.impact, basis.actual), []).append((rule, basis))
    items = []
    for (impact, actual), members in groups.items():
        rule = next(
            (r for r, b in members if b.factor), members[0][0]
        )  # a factor row is more specific
        evidence = list(dict.fromkeys(b.evidence_id for _, b in members if b.evidence_id))
        nb, en = describe(rule, party=party_name, roles=roles, actual=actual,
                          details=[b.detail for _, b in members if b.factor])  # fmt: skip
        items.append(
            ImpactItem(
                kind="actual" if actual else "risk",
                impact=impact,
                party_id=party_id,
                party_name=party_name,
                country=country,
                level=level,
                significant=actual or significant_level,
                description=nb,
                description_en=en,
                rights=rule.rights_nb,
                rights_en=rule.rights_en,
                evidence_ids=tuple(sorted(e for e in evidence if cites.get(e))),
                internal_sources=sum(1 for e in evidence if not cites.get(e)),
                factors=tuple(dict.fromkeys(b.factor for _, b in members if b.factor)),
            )
        )
    return items


__all__ = [
    "ACTUAL_PREFIX",
    "IMPACTS_FILE",
    "LINKS_FILE",
    "Basis",
    "ImpactItem",
    "ImpactRule",
    "Link",
    "build_items",
    "describe",
    "impact_rules",
    "link_for",
    "links",
    "rule_for_factor",
    "rule_for_topic",
    "split_topic",
]
