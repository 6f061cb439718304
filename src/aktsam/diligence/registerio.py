"""Import and export of the register: a folder of CSVs, an XLSX with the same sheets, or FollowTheMoney.

Formats (``docs/design/diligence.md``):

* a **folder** with ``parties.csv`` (required), ``relations.csv``, ``evidence.csv``, ``equipment.csv``
  (UTF-8, comma-separated, header row; lists ``;``-separated, identifiers ``key=value;key=value``);
* an **XLSX** workbook with sheets ``parties`` (required), ``relations``, ``evidence``, ``equipment``
  holding the same columns;
* **FollowTheMoney** JSON lines (``.json``, ``.jsonl``, ``.ftm.json``): ``Company`` → kind company,
  ``Organization`` and ``LegalEntity`` → organization, ``PublicBody`` → public-body, ``Person`` → person;
  ``Ownership`` (owner, asset, percentage, startDate, endDate, sourceUrl, date, summary) → ``owns``;
  ``Directorship`` (director, organization) → ``controls``; ``UnknownLink`` (subject, object) whose
  ``role`` is a relation kind (``controls``, ``maker-of``, ``distributor-of``, ``supplies-to``, ``owns``)
  → that kind. Any other entity (or an UnknownLink with another role) is not part of the register: it is
  counted and listed in the summary's ``skipped``, never dropped silently. Register fields that FtM has no
  property for (roles, region, end-user type, identifiers other than the standard codes) travel in the
  ``keywords`` property as ``aktsam:role:supplier``, ``aktsam:region:…``, ``aktsam:end-user-type:…``,
  ``aktsam:identifier:maker=hikvision``; evidence and equipment are not exported to FtM (the summary says
  how many were left out).

Every row of every file is parsed and checked before anything is written, and the whole import is one
transaction: a bad row raises :class:`~aktsam.errors.InputError` naming the file, the row (spreadsheet
numbering: header = row 1; the line for JSON lines) and the field, and the store is left as it was.
Parties already in the register (same id) are updated, with the trail holding before and after.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from aktsam.devices.importers.register_sheets import cell_text
from aktsam.diligence.model import (
    EQUIPMENT_COLUMNS,
    EVIDENCE_COLUMNS,
    PARTY_COLUMNS,
    RELATION_COLUMNS,
    RELATION_KINDS,
    Equipment,
    Evidence,
    Party,
    Relation,
)
from aktsam.diligence.register import (
    Change,
    list_equipment,
    list_evidence,
    list_parties,
    list_relations,
    put_equipment,
    put_evidence,
    put_party,
    put_relation,
    validate_equipment,
    validate_evidence,
    validate_party,
    validate_relation,
)
from aktsam.errors import InputError
from aktsam.store.db import Store

SHEETS: dict[str, tuple[str, ...]] = {
    "parties": PARTY_COLUMNS,
    "relations": RELATION_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "equipment": EQUIPMENT_COLUMNS,
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": ("id", "name"),
    "relations": ("source", "target", "kind"),
    "evidence": ("party", "kind", "title"),
    "equipment": ("party", "device_id"),
}
FTM_SUFFIXES = (".json", ".jsonl")  # .ftm.json included

# FtM schema → party kind (and back)
FTM_PARTY_SCHEMATA: dict[str, str] = {
    "Company": "company",
    "Organization": "organization",
    "LegalEntity": "organization",
    "PublicBody": "public-body",
    "Person": "person",
}
_KIND_SCHEMA = {"company": "Company", "organization": "Organization",
                "public-body": "PublicBody", "person": "Person"}  # fmt: skip
# register identifier key → FtM property (the rest travel as keywords)
FTM_IDENTIFIERS: dict[str, str] = {
    "lei": "leiCode",
    "duns": "dunsCode",
    "registration": "registrationNumber",
    "vat": "vatCode",
    "tax": "taxNumber",
    "inn": "innCode",
    "ogrn": "ogrnCode",
    "swift": "swiftBic",
    "wikidata": "wikidataId",
}
_KEYWORD = "aktsam:"

__all__ = [
    "FTM_IDENTIFIERS",
    "FTM_PARTY_SCHEMATA",
    "SHEETS",
    "ExportSummary",
    "ImportSummary",
    "Tally",
    "export_register",
    "import_register",
    "parse_equipment_row",
    "parse_evidence_row",
    "parse_party_row",
    "parse_relation_row",
]

T = TypeVar("T")


# --- summaries -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Rows of one kind: added, updated, unchanged (already in the register as they are)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, change: Change) -> None:
        setattr(self, change, getattr(self, change) + 1)

    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(slots=True)
class ImportSummary:
    """What :func:`import_register` did; ``skipped`` lists FtM entities that are not register data."""

    path: str
    format: str  # csv, xlsx, ftm
    parties: Tally = field(default_factory=Tally)
    relations: Tally = field(default_factory=Tally)
    evidence: Tally = field(default_factory=Tally)
    equipment: Tally = field(default_factory=Tally)
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "parties": self.parties.to_dict(),
            "relations": self.relations.to_dict(),
            "evidence": self.evidence.to_dict(),
            "equipment": self.equipment.to_dict(),
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What :func:`export_register` wrote; ``left_out`` counts rows the format cannot hold (FtM)."""

    path: str
    format: str
    parties: int
    relations: int
    evidence: int
    equipment: int
    left_out: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "parties": self.parties,
            "relations": self.relations,
            "evidence": self.evidence,
            "equipment": self.equipment,
            "left_out": dict(self.left_out),
        }


# --- cell values ---------------------------------------------------------------------------------------


def _text(row: Mapping[str, str], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


def _list(row: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (row.get(name) or "").split(";") if part.strip())


def _date(row: Mapping[str, str], name: str) -> date | None:
    value = _text(row, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=name) from None


def _share(row: Mapping[str, str], name: str) -> float | None:
    value = _text(row, name)
    if value is None:
        return None
    try:
        number = float(value.rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise InputError(f"{value!r} is not a number (percent, e.g. 36.4)", field=name) from None
    if number != number:  # NaN
        raise InputError(f"{value!r} is not a number", field=name)
    return number


def _identifiers(row: Mapping[str, str], name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _list(row, name):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"{part!r} is not key=value (e.g. maker=hikvision)", field=name)
        if key.strip() in out:
            raise InputError(f"identifier {key.strip()!r} is given twice", field=name)
        out[key.strip()] = value.strip()
    return out


# --- rows → values (each checked; InputError names the field) ---------------------------------------------


def parse_party_row(row: Mapping[str, str]) -> Party:
    return validate_party(
        Party(
            id=row.get("id") or "",
            name=row.get("name") or "",
            kind=_text(row, "kind") or "organization",
            roles=_list(row, "roles"),
            country=_text(row, "country"),
            region=_text(row, "region"),
            sector=_text(row, "sector"),
            end_user_type=_text(row, "end_user_type"),
            aliases=_list(row, "aliases"),
            identifiers=_identifiers(row, "identifiers"),
            website=_text(row, "website"),
            notes=_text(row, "notes"),
        )
    )


def parse_relation_row(row: Mapping[str, str]) -> Relation:
    return validate_relation(
        Relation(
            source=row.get("source") or "",
            target=row.get("target") or "",
            kind=(row.get("kind") or "").strip(),
            share=_share(row, "share"),
            since=_date(row, "since"),
            until=_date(row, "until"),
            source_url=_text(row, "source_url"),
            source_date=_date(row, "source_date"),
            note=_text(row, "note"),
        )
    )


def parse_evidence_row(row: Mapping[str, str]) -> Evidence:
    return validate_evidence(
        Evidence(
            id=row.get("id") or "",
            party=_text(row, "party"),
            kind=(row.get("kind") or "").strip(),
            title=row.get("title") or "",
            stance=_text(row, "stance") or "adverse",
            topic=_text(row, "topic"),
            publisher=_text(row, "publisher"),
            url=_text(row, "url"),
            published=_date(row, "published"),
            author=_text(row, "author"),
            quote=_text(row, "quote"),
        )
    )


def parse_equipment_row(row: Mapping[str, str]) -> Equipment:
    return validate_equipment(
        Equipment(
            party=row.get("party") or "",
            device_id=row.get("device_id") or "",
            brand=_text(row, "brand"),
            model=_text(row, "model"),
            site=_text(row, "site"),
            customer=_text(row, "customer"),
            installed_on=_date(row, "installed_on"),
            warranty_until=_date(row, "warranty_until"),
            finding=_text(row, "finding"),
            source=_text(row, "source"),
        )
    )


_PARSERS: dict[str, Callable[[Mapping[str, str]], Any]] = {
    "parties": parse_party_row,
    "relations": parse_relation_row,
    "evidence": parse_evidence_row,
    "equipment": parse_equipment_row,
}


@dataclass(slots=True)
class _Item:
    """One parsed value and where it came from."""

    file: str
    row: int
    value: Any
    fields: Mapping[str, str] = field(default_factory=dict)  # register field → the file's name


@dataclass(slots=True)
class _Batch:
    parties: list[_Item] = field(default_factory=list)
    relations: list[_Item] = field(default_factory=list)
    evidence: list[_Item] = field(default_factory=list)
    equipment: list[_Item] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _located(exc: InputError, file: str, row: int) -> InputError:
    return InputError(exc.message, file=file, row=row, field=exc.field)


def _parse_table(
    batch: _Batch, sheet: str, file: str, rows: Iterator[tuple[int, dict[str, str]]]
) -> None:
    parse, out = _PARSERS[sheet], getattr(batch, sheet)
    for number, row in rows:
        try:
            out.append(_Item(file, number, parse(row)))
        except InputError as exc:
            raise _located(exc, file, number) from None


def _check_header(names: list[str], sheet: str, file: str) -> None:
    known = SHEETS[sheet]
    for name in names:
        if name and name not in known:
            raise InputError(
                f"unknown column {name!r}; the {sheet} columns are: {', '.join(known)}",
                file=file,
                row=1,
                field=name,
            )
    for name in REQUIRED_COLUMNS[sheet]:
        if name not in names:
            raise InputError(f"the column {name!r} is missing", file=file, row=1, field=name)


# --- reading the folder / the workbook -------------------------------------------------------------------


def _csv_rows(path: Path, sheet: str) -> Iterator[tuple[int, dict[str, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text (save as CSV UTF-8)", file=str(path), row=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputError(f"not readable as CSV: {exc}", file=str(path)) from None
    if not records:
        raise InputError("the file is empty (a header row is required)", file=str(path))
    names = [h.strip() for h in records[0]]
    _check_header(names, sheet, str(path))
    for number, values in enumerate(records[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(names):
            raise InputError(
                f"{len(values)} values but the header has {len(names)} columns",
                file=str(path),
                row=number,
            )
        yield number, dict(zip(names, values, strict=False))


def _read_folder(path: Path, batch: _Batch) -> None:
    if not (path / "parties.csv").is_file():
        raise InputError("a register folder needs parties.csv", file=str(path / "parties.csv"))
    for sheet in SHEETS:
        file = path / f"{sheet}.csv"
        if file.is_file():
            _parse_table(batch, sheet, str(file), _csv_rows(file, sheet))


def _sheet_rows(
    rows: Iterator[tuple[Any, ...]], names: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(v) for v in values]
        if any(texts):
            yield number, dict(zip(names, texts, strict=False))


def _read_workbook(path: Path, batch: _Batch) -> None:
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise InputError(f"cannot read as XLSX: {exc}", file=str(path)) from None
    try:
        if "parties" not in workbook.sheetnames:
            raise InputError(
                f"no sheet 'parties' (sheets: {', '.join(workbook.sheetnames)})", file=str(path)
            )
        for sheet in SHEETS:
            if sheet not in workbook.sheetnames:
                continue
            where = f"{path} [{sheet}]"
            rows = workbook[sheet].iter_rows(values_only=True)
            header = next(rows, None)
            names = [cell_text(h) for h in header or ()]
            _check_header(names, sheet, where)

            _parse_table(batch, sheet, where, _sheet_rows(rows, names))
    finally:
        workbook.close()


# --- reading FollowTheMoney ----------------------------------------------------------------------------


def _ftm_id(value: str, file: str, line: int, field_name: str) -> str:
    """A party id from an FtM entity id: lower-cased, characters outside the slug alphabet as '-'."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).lstrip("-._")
    if not slug:
        raise InputError(f"entity id {value!r} gives no usable party id", file=file, row=line,
                         field=field_name)  # fmt: skip
    return slug[:100]


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _ftm_date(values: list[str], name: str) -> date | None:
    text = _first(values)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(f"{text!r} is not a full date (YYYY-MM-DD)", field=name) from None


def _ftm_party(proxy: Any, file: str, line: int) -> Party:
    names = list(proxy.get("name"))
    if not names:
        raise InputError("the entity has no name", file=file, row=line, field="name")
    roles: list[str] = []
    identifiers: dict[str, str] = {}
    region = end_user_type = None
    for keyword in proxy.get("keywords"):
        if not keyword.startswith(_KEYWORD):
            continue
        kind, _, value = keyword[len(_KEYWORD) :].partition(":")
        if kind == "role":
            roles.append(value)
        elif kind == "region":
            region = value
        elif kind == "end-user-type":
            end_user_type = value
        elif kind == "identifier":
            key, _, text = value.partition("=")
            identifiers[key] = text
    for key, prop in FTM_IDENTIFIERS.items():
        if proxy.schema.get(prop) is not None and (value := _first(proxy.get(prop))):
            identifiers[key] = value
    countries = list(proxy.get("country")) or list(proxy.get("jurisdiction"))
    try:
        return validate_party(
            Party(
                id=_ftm_id(proxy.id, file, line, "id"),
                name=names[0],
                kind=FTM_PARTY_SCHEMATA[proxy.schema.name],
                roles=tuple(roles),
                country=_first(countries),
                region=region,
                sector=_first(proxy.get("sector")),
                end_user_type=end_user_type,
                aliases=tuple([*names[1:], *proxy.get("alias")]),
                identifiers=identifiers,
                website=_first(proxy.get("website")),
                notes=_first(proxy.get("notes")),
            )
        )
    except InputError as exc:
        raise _located(exc, file, line) from None


_LINKS: dict[str, tuple[str, str]] = {
    "Ownership": ("owner", "asset"),
    "Directorship": ("director", "organization"),
    "UnknownLink": ("subject", "object"),
}


_FTM_FIELDS = {"since": "startDate", "until": "endDate", "share": "percentage",
               "source_date": "date", "kind": "role", "source_url": "sourceUrl",
               "note": "summary"}  # fmt: skip


def _ftm_relation(proxy: Any, file: str, line: int) -> Relation | None:
    schema = proxy.schema.name
    source_prop, target_prop = _LINKS[schema]
    if schema == "Ownership":
        kind = "owns"
    elif schema == "Directorship":
        kind = "controls"
    else:
        kind = (_first(proxy.get("role")) or "").strip().lower()
        if kind not in RELATION_KINDS:
            return None
    try:
        ends = {}
        for prop in (source_prop, target_prop):
            value = _first(proxy.get(prop))
            if value is None:
                raise InputError("the link has no entity here", field=prop)
            ends[prop] = _ftm_id(value, file, line, prop)
        share = None
        if kind == "owns" and (text := _first(proxy.get("percentage"))):
            try:
                share = float(text.rstrip("%").strip().replace(",", "."))
            except ValueError:
                raise InputError(f"{text!r} is not a number", field="percentage") from None
        relation = Relation(
            source=ends[source_prop],
            target=ends[target_prop],
            kind=kind,
            share=share,
            since=_ftm_date(list(proxy.get("startDate")), "startDate"),
            until=_ftm_date(list(proxy.get("endDate")), "endDate"),
            source_url=_first(proxy.get("sourceUrl")),
            source_date=_ftm_date(list(proxy.get("date")), "date"),
            note=_first(proxy.get("summary")),
        )
        return validate_relation(relation)
    except InputError as exc:
        names = {**_FTM_FIELDS, "source": source_prop, "target": target_prop}
        field_name = names.get(exc.field or "", exc.field)
        raise InputError(exc.message, file=file, row=line, field=field_name) from None


def _read_ftm(path: Path, batch: _Batch) -> None:
    from followthemoney import model

    file = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "not UTF-8 text", file=file, row=raw[: exc.start].count(b"\n") + 1
        ) from None
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        try:
            data = json.loads(content)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            proxy = model.get_proxy(data)
        except Exception as exc:  # json, FtM (unknown schema, bad property) raise various types
            raise InputError(f"not a FollowTheMoney entity: {exc}", file=file, row=line) from None
        if proxy.id is None:
            raise InputError("the entity has no id", file=file, row=line, field="id")
        schema = proxy.schema.name
        if schema in FTM_PARTY_SCHEMATA:
            batch.parties.append(_Item(file, line, _ftm_party(proxy, file, line)))
        elif schema in _LINKS:
            relation = _ftm_relation(proxy, file, line)
            if relation is None:
                role = _first(proxy.get("role"))
                batch.skipped.append(f"line {line}: UnknownLink {proxy.id} with role {role!r}")
            else:
                source, target = _LINKS[schema]
                names = {**_FTM_FIELDS, "source": source, "target": target}
                batch.relations.append(_Item(file, line, relation, names))
        else:
            batch.skipped.append(f"line {line}: {schema} {proxy.id}")


# --- import --------------------------------------------------------------------------------------------


def _format_of(path: Path) -> str:
    if path.is_dir():
        return "csv"
    if not path.exists():
        raise InputError("no such file or folder", file=str(path))
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(FTM_SUFFIXES):
        return "ftm"
    raise InputError(
        "a register is a folder of CSVs, an .xlsx workbook, or FollowTheMoney JSON lines "
        "(.json, .jsonl, .ftm.json)",
        file=str(path),
    )


def _duplicates(items: list[_Item], key: Callable[[Any], object], what: str, name: str) -> None:
    seen: dict[object, _Item] = {}
    for item in items:
        k = key(item.value)
        if k in seen:
            first = seen[k]
            raise InputError(
                f"{what} {k!r} appears twice (first at {first.file} row {first.row})",
                file=item.file,
                row=item.row,
                field=name,
            )
        seen[k] = item


def _put(items: list[_Item], put: Callable[[Any], Change], tally: Tally) -> None:
    for item in items:
        try:
            tally.count(put(item.value))
        except InputError as exc:
            name = item.fields.get(exc.field or "", exc.field)
            raise InputError(exc.message, file=item.file, row=item.row, field=name) from None


def import_register(store: Store, path: Path, *, actor: str) -> ImportSummary:
    """Read a register (folder of CSVs, XLSX, FtM JSON lines) and write it in one transaction.

    Rows are all parsed and checked first; then parties, relations, evidence and equipment are written in
    that order, each checked against the register as it stands (unknown parties, shares over 100 %,
    cycles). Any error names file, row and field and leaves the store unchanged."""
    path = Path(path)
    fmt = _format_of(path)
    batch = _Batch()
    if fmt == "csv":
        _read_folder(path, batch)
    elif fmt == "xlsx":
        _read_workbook(path, batch)
    else:
        _read_ftm(path, batch)
    _duplicates(batch.parties, lambda p: p.id, "party", "id")
    _duplicates(batch.relations, lambda r: r.key(), "relation", "kind")
    _duplicates([i for i in batch.evidence if i.value.id], lambda e: e.id, "evidence", "id")
    _duplicates(batch.equipment, lambda e: e.key(), "device", "device_id")
    summary = ImportSummary(path=str(path), format=fmt, skipped=list(batch.skipped))
    with store.session() as session:
        _put(batch.parties, lambda p: put_party(session, p, actor=actor)[1], summary.parties)
        _put(batch.relations, lambda r: put_relation(session, r, actor=actor)[1], summary.relations)
        _put(batch.evidence, lambda e: put_evidence(session, e, actor=actor)[1], summary.evidence)
        _put(
            batch.equipment, lambda e: put_equipment(session, e, actor=actor)[1], summary.equipment
        )
    return summary


# --- export --------------------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return "" if value is None else value


def _xlsx_value(value: Any) -> Any:
    return value if isinstance(value, float) else _csv_value(value)


def _tables(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {
        "parties": [p.to_dict() for p in list_parties(store)],
        "relations": [r.to_dict() for r in list_relations(store)],
        "evidence": [e.to_dict() for e in list_evidence(store)],
        "equipment": [e.to_dict() for e in list_equipment(store)],
    }


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            for row in rows:
                writer.writerow({c: _csv_value(row[c]) for c in columns})

    _write_atomic(path, write)


def _write_xlsx(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        workbook = Workbook(write_only=True)
        for sheet, columns in SHEETS.items():
            ws = workbook.create_sheet(sheet)
            ws.append(list(columns))
            for row in tables[sheet]:
                ws.append([_xlsx_value(row[c]) for c in columns])
        workbook.save(tmp)

    _write_atomic(path, write)


def _relation_entity_id(relation: Mapping[str, Any]) -> str:
    digest = hashlib.sha1(
        f"{relation['source']}|{relation['kind']}|{relation['target']}".encode(),
        usedforsecurity=False,
    ).hexdigest()
    return f"aktsam-rel-{digest[:16]}"


def _ftm_entities(tables: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    from followthemoney import model

    for party in tables["parties"]:
        schema = _KIND_SCHEMA[party["kind"]]
        props: dict[str, list[str]] = {"name": [party["name"]]}
        if party["aliases"]:
            props["alias"] = list(party["aliases"])
        if party["country"]:
            props["country"] = [party["country"].lower()]
        for key, name in (("sector", "sector"), ("website", "website"), ("notes", "notes")):
            if party[key]:
                props[name] = [party[key]]
        keywords = [f"{_KEYWORD}role:{role}" for role in party["roles"]]
        if party["region"]:
            keywords.append(f"{_KEYWORD}region:{party['region']}")
        if party["end_user_type"]:
            keywords.append(f"{_KEYWORD}end-user-type:{party['end_user_type']}")
        for key, value in party["identifiers"].items():
            prop = FTM_IDENTIFIERS.get(key)
            if prop is not None and model.schemata[schema].get(prop) is not None:
                props[prop] = [value]
            else:
                keywords.append(f"{_KEYWORD}identifier:{key}={value}")
        if keywords:
            props["keywords"] = keywords
        proxy = model.make_entity(schema)
        proxy.id = party["id"]
        for prop, values in props.items():
            proxy.add(prop, values, cleaned=True)
        yield proxy.to_dict()
    for relation in tables["relations"]:
        if relation["kind"] == "owns":
            proxy = model.make_entity("Ownership")
            proxy.add("owner", relation["source"], cleaned=True)
            proxy.add("asset", relation["target"], cleaned=True)
            if relation["share"] is not None:
                proxy.add("percentage", _csv_value(relation["share"]), cleaned=True)
        else:
            proxy = model.make_entity("UnknownLink")
            proxy.add("subject", relation["source"], cleaned=True)
            proxy.add("object", relation["target"], cleaned=True)
            proxy.add("role", relation["kind"], cleaned=True)
        proxy.id = _relation_entity_id(relation)
        for key, prop in (("since", "startDate"), ("until", "endDate"), ("source_date", "date"),
                          ("source_url", "sourceUrl"), ("note", "summary")):  # fmt: skip
            if relation[key]:
                proxy.add(prop, relation[key], cleaned=True)
        yield proxy.to_dict()


def _write_ftm(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as handle:
            for entity in _ftm_entities(tables):
                handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")

    _write_atomic(path, write)


def export_register(store: Store, path: Path) -> ExportSummary:
    """Write the register to ``path``: an ``.xlsx`` (four sheets), FtM JSON lines (``.json``, ``.jsonl``,
    ``.ftm.json``: parties and relations; evidence and equipment counted in ``left_out``), or else a folder
    (created if needed) of the four CSVs. Each file is written to a temporary name and renamed."""
    path = Path(path)
    name = path.name.lower()
    tables = _tables(store)
    counts = {sheet: len(rows) for sheet, rows in tables.items()}
    left_out: dict[str, int] = {}
    if name.endswith((".xlsx", ".xlsm")):
        fmt = "xlsx"
        _write_xlsx(path, tables)
    elif name.endswith(FTM_SUFFIXES):
        fmt = "ftm"
        _write_ftm(path, tables)
        left_out = {k: counts[k] for k in ("evidence", "equipment") if counts[k]}
    else:
        fmt = "csv"
        if path.exists() and not path.is_dir():
            raise InputError(
                "export to a folder (CSVs), an .xlsx or FtM .json/.jsonl; this is a file",
                file=str(path),
            )
        if path.suffix and not path.exists():
            raise InputError(
                f"unsupported export type {path.suffix!r}: use a folder (CSVs), .xlsx, or "
                ".json/.jsonl (FollowTheMoney)",
                file=str(path),
            )
        path.mkdir(parents=True, exist_ok=True)
        for sheet, columns in SHEETS.items():
            _write_csv(path / f"{sheet}.csv", columns, tables[sheet])
    return ExportSummary(path=str(path), format=fmt, left_out=left_out, **counts)
