"""What the published Transparency Act account may contain: the publication rule.

The account (:mod:`aktsam.diligence.transparency`) is a public document: it goes on the organisation's
website and to anyone who asks. The register behind it holds working notes that are not meant for the
public. The rule, in one place:

**Always published** (the minimum of åpenhetsloven § 5 a–c and the signature block): the profile's
organisation, structure, area of operations, guidelines, procedures, board and contact; each § 5 b item's
description, the party's name and country and its risk level; each decision's kind, party and dates; each
action's title and dates; the counts.

**Published only from public sources**: an evidence row is cited (title, publisher, date, web address) when
its ``kind`` is one of :data:`PUBLIC_SOURCE_KINDS` (a list, a regime, an NGO report, a public body, the
Council on Ethics, the media), unless the profile withholds it (``publication.withhold_evidence``).
Evidence of the organisation's own (``internal``, ``audit-result``, ``supplier-answer``) is cited only when
the profile names it in ``publication.evidence``; otherwise the account says only how many unpublished
internal sources an item rests on. A ``quote`` is printed only when it is a quotation; a ``summary:`` text
is the organisation's own note and is never printed. A ``url`` is printed only when it is a web address.

**Published only when the profile chooses** (``publication.fields``, see :data:`OPTIONAL_FIELDS`):
decision rationales, who decided and approved, action owners, action results, and the parties rated high
on compliance grounds alone (outside § 5 b).

**Never published**: party notes and identifiers, who added evidence, any profile key the account does not
print (e.g. a capacity declaration), file paths and internal references. :func:`leaks` checks every text
of a built account for file paths, file names of data files and ``AKTSAM_HOME``; the account refuses to
build when one is found, naming the field (:func:`aktsam.diligence.transparency.build_account`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aktsam.errors import InputError

PUBLIC_SOURCE_KINDS: frozenset[str] = frozenset(
    {"list-hit", "regime", "ngo-report", "public-body", "council-on-ethics", "media"}
)
"""Evidence kinds that are published documents of someone else: cited in the account by default."""

OPTIONAL_FIELDS: dict[str, str] = {
    "decision-rationale": "each decision's rationale as written in the register",
    "decision-makers": "who decided and who approved each decision (user names)",
    "action-owners": "who is responsible for each action",
    "action-results": "the result recorded when an action was completed",
    "compliance-risks": "parties at high or critical risk on compliance grounds only (sanctions, export "
    "control, national security), in a section outside § 5 b",
}
"""Fields the profile may choose to publish (``publication.fields``); none is published by default."""

SUMMARY_PREFIX = "summary:"
"""A ``quote`` starting with this is the organisation's own description, not a quotation."""


@dataclass(frozen=True, slots=True)
class PublicationPolicy:
    """The profile's ``publication`` section: what the organisation chose to publish beyond the minimum."""

    fields: frozenset[str] = frozenset()
    evidence: frozenset[str] = frozenset()  # internal evidence ids chosen for citation
    withhold_evidence: frozenset[str] = frozenset()  # public-source evidence not to cite

    def shows(self, field: str) -> bool:
        if field not in OPTIONAL_FIELDS:
            raise KeyError(field)
        return field in self.fields

    def cites(self, evidence_id: str, kind: str) -> bool:
        """Whether the account may cite evidence ``evidence_id`` of ``kind`` as a source."""
        if evidence_id in self.withhold_evidence:
            return False
        return kind in PUBLIC_SOURCE_KINDS or evidence_id in self.evidence


DEFAULT_POLICY = PublicationPolicy()


def _ids(data: Mapping[str, Any], key: str, file: str | None) -> frozenset[str]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(
            f"publication.{key} must be a list of texts", file=file, field=f"publication.{key}"
        )
    return frozenset(v.strip() for v in value)


def policy_from_dict(data: Any, *, file: str | None = None) -> PublicationPolicy:
    """The ``publication`` section of ``profile.yml`` (missing: :data:`DEFAULT_POLICY`)."""
    if data is None:
        return DEFAULT_POLICY
    if not isinstance(data, Mapping):
        raise InputError("publication must be a mapping", file=file, field="publication")
    unknown = sorted(set(data) - {"fields", "evidence", "withhold_evidence"})
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(map(str, unknown))}; use fields, evidence, withhold_evidence",
            file=file,
            field="publication",
        )
    fields = _ids(data, "fields", file)
    bad = sorted(fields - set(OPTIONAL_FIELDS))
    if bad:
        raise InputError(
            f"unknown field(s) {', '.join(bad)}; choose from {', '.join(OPTIONAL_FIELDS)}",
            file=file,
            field="publication.fields",
        )
    return PublicationPolicy(
        fields=fields,
        evidence=_ids(data, "evidence", file),
        withhold_evidence=_ids(data, "withhold_evidence", file),
    )


def public_quote(quote: str | None) -> str | None:
    """``quote`` when it is a quotation; None for a ``summary:`` note or an empty one."""
    if quote is None or not quote.strip():
        return None
    return None if quote.strip().casefold().startswith(SUMMARY_PREFIX) else quote


def web_address(url: str | None) -> str | None:
    """``url`` when it is a web address; None for anything else (a file path, a note)."""
    return url if url and url.startswith(("https://", "http://")) else None


# --- leaks ----------------------------------------------------------------------------------------------

_WEB = re.compile(r"(?:https?://|mailto:)\S+", re.IGNORECASE)
_LEAKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an absolute file path", re.compile(r"(?<![\w.:/~-])/(?:[\w.@~+-]+/)+[\w.@~+-]*")),
    ("a home-relative path", re.compile(r"(?<!\w)~/[\w.@+-]")),
    ("a Windows path", re.compile(r"\b[A-Za-z]:\\[\w\\]")),
    (
        "a data file name",
        re.compile(r"\b[\w./-]+\.(?:csv|tsv|ya?ml|json|db|sqlite3?|xlsx|py|j2)\b"),
    ),
    ("the AKTSAM_HOME setting", re.compile(r"AKTSAM_HOME")),
)


def leak(text: str) -> str | None:
    """What in ``text`` must not be published (e.g. "an absolute file path '/srv/x.csv'"), or None."""
    plain = _WEB.sub(" ", text)
    for what, pattern in _LEAKS:
        found = pattern.search(plain)
        if found:
            return f"{what} {found.group(0)!r}"
    return None


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")


def leaks(published: Any) -> list[str]:
    """Every text in ``published`` (plain data: the account's JSON form) that must not be published,
    as "where: what" lines."""
    out = []
    for where, text in _texts(published, ""):
        found = leak(text)
        if found:
            out.append(f"{where}: {found}")
    return out


__all__ = [
    "DEFAULT_POLICY",
    "OPTIONAL_FIELDS",
    "PUBLIC_SOURCE_KINDS",
    "SUMMARY_PREFIX",
    "PublicationPolicy",
    "leak",
    "leaks",
    "policy_from_dict",
    "public_quote",
    "web_address",
]
