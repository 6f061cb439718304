"""Sourced aliases the official lists leave out, added to listed entities at index build.

The lists name Chinese surveillance and telecom makers in English only: the Entity List gives Hikvision no
Chinese name, so a supplier record reading 杭州海康威视数字技术股份有限公司 would find nothing. The alias table
(``data/aliases.csv``) maps a listed name, spelled exactly as an official list spells it, to the names the
company itself uses (exchange filings, annual reports), each row citing its source and the date of the
document. At index build every entity with a name whose normalised tokens equal those of a row's
``listed_name`` gains ``Name(alias, NameKind.ENRICHED, lang, source)``; the matcher discounts enriched names
slightly and the explanation shows where they come from.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aktsam.errors import InputError
from aktsam.lists.model import ListedEntity, Name, NameKind, Schema
from aktsam.screening.names import NameForm, name_forms

ALIAS_COLUMNS: tuple[str, ...] = (
    "listed_name",
    "alias",
    "script",
    "lang",
    "source",
    "source_url",
    "date",
)
_REQUIRED: tuple[str, ...] = ("listed_name", "alias", "source", "date")

FormsFunction = Callable[[str, Schema | None], list[NameForm]]


@dataclass(frozen=True, slots=True)
class AliasRow:
    """One row of the alias table: ``alias`` is another name of the entity listed as ``listed_name``."""

    listed_name: str
    alias: str
    script: str | None
    lang: str | None
    source: str
    source_url: str | None
    date: str
    row: int  # line number in the file, for messages


def default_aliases_path() -> Path:
    return Path(str(resources.files("aktsam.screening").joinpath("data/aliases.csv")))


def load_aliases(path: Path | None = None) -> list[AliasRow]:
    """Read an alias table; a row without ``listed_name``, ``alias``, ``source`` or ``date`` is an error.

    Lines starting with ``#`` are comments. Raises :class:`aktsam.errors.InputError` naming the file, the
    line and the missing field.
    """
    source = Path(path) if path is not None else default_aliases_path()
    rows: list[AliasRow] = []
    with open(source, encoding="utf-8", newline="") as handle:
        numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    if not numbered:
        return rows
    reader = csv.DictReader(line for _, line in numbered)
    missing_columns = [c for c in ALIAS_COLUMNS if c not in (reader.fieldnames or ())]
    if missing_columns:
        raise InputError(
            f"missing column(s) {', '.join(missing_columns)}; expected {','.join(ALIAS_COLUMNS)}",
            file=str(source),
            row=numbered[0][0],
        )
    for index, record in enumerate(reader, start=1):
        line = numbered[index][0] if index < len(numbered) else numbered[-1][0]
        values = {key: (record.get(key) or "").strip() for key in ALIAS_COLUMNS}
        for key in _REQUIRED:
            if not values[key]:
                raise InputError(f"alias row has no {key}", file=str(source), row=line, field=key)
        rows.append(
            AliasRow(
                listed_name=values["listed_name"],
                alias=values["alias"],
                script=values["script"] or None,
                lang=values["lang"] or None,
                source=values["source"],
                source_url=values["source_url"] or None,
                date=values["date"],
                row=line,
            )
        )
    return rows


class AliasTable:
    """Alias rows keyed by the normalised tokens of their ``listed_name``."""

    def __init__(self, rows: Iterable[AliasRow], forms: FormsFunction = name_forms) -> None:
        self._by_tokens: dict[tuple[str, ...], list[AliasRow]] = {}
        self._by_alias: dict[tuple[str, ...], list[AliasRow]] = {}
        self._forms = forms
        self.rows = list(rows)
        for row in self.rows:
            for form in forms(row.listed_name, None):
                bucket = self._by_tokens.setdefault(form.tokens, [])
                if row not in bucket:
                    bucket.append(row)
            for form in forms(row.alias, None):
                bucket = self._by_alias.setdefault(form.tokens, [])
                if row not in bucket:
                    bucket.append(row)

    @classmethod
    def default(cls) -> AliasTable:
        return cls(load_aliases())

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, tokens: tuple[str, ...]) -> list[AliasRow]:
        """Rows whose listed name normalises to exactly ``tokens``."""
        return self._by_tokens.get(tokens, [])

    def names_for(
        self, token_sets: Iterable[tuple[str, ...]], existing: Iterable[str]
    ) -> list[Name]:
        """Enriched names for an entity whose names normalise to ``token_sets`` (no duplicates)."""
        seen = {value.casefold() for value in existing}
        out: list[Name] = []
        for tokens in token_sets:
            for row in self._by_tokens.get(tokens, ()):
                if row.alias.casefold() in seen:
                    continue
                seen.add(row.alias.casefold())
                out.append(Name(row.alias, NameKind.ENRICHED, row.lang, source=_cite(row)))
        return out

    def same_entity(self, name: str, schema: Schema | None = None) -> list[Name]:
        """The other names the table gives the entity ``name`` names, for comparing a name that is not
        in a list (``compare``) as a listed entity would be matched: when ``name`` normalises like a
        row's listed name, that row's alias; when it normalises like a row's alias, that row's listed
        name and the other aliases of it. Each is an enriched name citing its row."""
        token_sets = {form.tokens for form in self._forms(name, schema) if form.tokens}
        rows: list[AliasRow] = []
        for tokens in token_sets:
            rows.extend(self._by_tokens.get(tokens, ()))
            for row in self._by_alias.get(tokens, ()):
                rows.append(row)
                for listed in self._forms(row.listed_name, None):
                    rows.extend(self._by_tokens.get(listed.tokens, ()))
        seen = {name.casefold()}
        out: list[Name] = []
        for row in rows:
            for value in (row.listed_name, row.alias):
                if value.casefold() in seen:
                    continue
                seen.add(value.casefold())
                lang = row.lang if value == row.alias else None
                out.append(Name(value, NameKind.ENRICHED, lang, source=_cite(row)))
        return out


def _cite(row: AliasRow) -> str:
    parts = [row.source]
    if row.source_url:
        parts.append(row.source_url)
    parts.append(row.date)
    return "; ".join(parts)


def enrich_entities(
    entities: Sequence[ListedEntity], table: AliasTable, forms: FormsFunction = name_forms
) -> dict[int, list[Name]]:
    """Enriched names per entity position (entities themselves are left unchanged)."""
    out: dict[int, list[Name]] = {}
    if not len(table):
        return out
    for position, entity in enumerate(entities):
        token_sets = [f.tokens for n in entity.names for f in forms(n.value, entity.schema)]
        added = table.names_for(token_sets, (n.value for n in entity.names))
        if added:
            out[position] = added
    return out
