"""OFAC's classic XML (``SDN.XML``, ``CONSOLIDATED.XML``): root ``<sdnList>`` of ``<sdnEntry>``.

Also what both OFAC XML formats share on top of :mod:`aktsam.lists.parsers.xmlstream` (streaming,
syntax errors and truncation with their line): reading the root to tell the two formats apart,
refusing a DOCTYPE, and :class:`Node`, an element with its children indexed once.

Format quirks:

* the namespace changed over the years (``http://tempuri.org/sdnList.xsd``, now
  ``https://sanctionslistservice.ofac.treas.gov/.../XML``), so it is taken from the root, never
  hard-coded;
* ``publshInformation`` (sic) holds ``Publish_Date`` as ``MM/DD/YYYY`` and ``Record_Count``; a count
  that differs from the entries read means a damaged file and is refused;
* ``idList`` mixes identifiers with facts (``Gender``, ``Secondary sanctions risk:``,
  ``Former Vessel Flag``): :func:`aktsam.lists.parsers.ofac_remarks.label_role` sorts them; facts
  are kept in ``remarks``;
* there are no relationship elements: links are ``(Linked To: A; Linked To: B)`` in ``remarks``;
* ``aka`` carries ``type`` (``a.k.a.`` / ``f.k.a.`` / ``n.k.a.``) and ``category`` (``strong`` /
  ``weak``): ``f.k.a.`` → FORMER, else ``weak`` → WEAK_ALIAS, else ALIAS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from aktsam.errors import ListFormatError
from aktsam.lists.model import (
    Address,
    ListedEntity,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers.ofac_remarks import (
    ENTRY_URL,
    Unresolved,
    address_line,
    fact,
    finish,
    join_name,
    label_role,
    linked,
    make_identifier,
    ofac_dates,
    schema_of,
    split_linked_to,
)
from aktsam.lists.parsers.xmlstream import Element, completed, elements, source_line
from aktsam.lists.values import clean, country_code, iso_date


def xml_root(path: Path) -> tuple[str, str, int]:
    """``(namespace, local name, line)`` of the root element, read without parsing the rest.

    A DOCTYPE is refused: OFAC files have none, and its entities are left unexpanded (never read
    from disk or network), which would silently cut the names that use them.
    """
    root = next(elements(path))
    name = etree.QName(root)
    line = source_line(root) or 1
    if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]  # not in lxml-stubs
        raise ListFormatError(
            path, f"line {line}", "the file declares a DOCTYPE; OFAC XML has none"
        )
    return name.namespace or "", name.localname, line


class Node:
    """An element with its children indexed by local name, once.

    ``findtext`` goes through lxml's Python path engine for each field: it took half of sdn.xml's
    parse time. One pass over the children serves every field of the element.
    """

    __slots__ = ("element", "kids", "prefix")

    def __init__(self, element: Element) -> None:
        self.element = element
        self.prefix = element.tag[: element.tag.find("}") + 1]  # "{namespace}" or ""
        # elements only (no comments), reversed so that the first of repeated names wins
        self.kids: dict[str, Element] = {
            child.tag.rpartition("}")[2]: child
            for child in element.iterchildren(etree.Element, reversed=True)
        }

    @property
    def line(self) -> int:
        return source_line(self.element)

    def elements(self, path: str) -> list[Element]:
        """Every element at ``path`` (``"akaList/aka"``), in document order."""
        if path.partition("/")[0] not in self.kids:
            return []  # the usual case for optional lists: no scan needed
        found = [self.element]
        for step in path.split("/"):  # lxml filters children by qualified tag in C
            tag = self.prefix + step
            found = [child for parent in found for child in parent.iterchildren(tag)]
        return found

    def all(self, path: str) -> list[Node]:
        return [Node(element) for element in self.elements(path)]

    def first(self, path: str) -> Node | None:
        found = self.elements(path)
        return Node(found[0]) if found else None

    def text(self, path: str) -> str | None:
        """The cleaned text at ``path``, ``None`` when absent or empty."""
        if "/" in path:
            found = self.elements(path)
            return clean(found[0].text) if found else None
        child = self.kids.get(path)
        return clean(child.text) if child is not None else None

    def texts(self, path: str) -> list[str]:
        return [t for t in (clean(element.text) for element in self.elements(path)) if t]


def iter_nodes(path: Path, namespace: str, *names: str) -> Iterator[tuple[str, Node]]:
    """``(local name, node)`` of each completed element named in ``names``, freed once used."""
    prefix = f"{{{namespace}}}" if namespace else ""
    for element in completed(path, [prefix + name for name in names]):
        yield element.tag.rpartition("}")[2], Node(element)


def parse_classic(path: Path, source: str, namespace: str) -> ParsedList:
    """Parse a whole ``<sdnList>`` file; any fault refuses the file."""
    unresolved = Unresolved()
    entities: dict[str, ListedEntity] = {}
    published: str | None = None
    expected: str | None = None
    for name, node in iter_nodes(path, namespace, "publshInformation", "sdnEntry"):
        if name == "publshInformation":
            published = iso_date(node.text("Publish_Date"), day_first=False)
            expected = node.text("Record_Count")
            continue
        entity = _entry(path, node, source, unresolved)
        if entity.source_id in entities:
            raise ListFormatError(
                path, f"line {node.line}, <sdnEntry>", f"uid {entity.source_id} appears twice"
            )
        entities[entity.source_id] = entity
    if not entities:
        raise ListFormatError(path, None, "the file has no <sdnEntry> entries")
    if expected is not None and expected != str(len(entities)):
        raise ListFormatError(
            path,
            "<publshInformation>/<Record_Count>",
            f"Record_Count says {expected} entries, the file holds {len(entities)}",
        )
    warnings = [] if published else ["no Publish_Date in <publshInformation>: published left empty"]
    return ParsedList(
        source=source,
        entities=list(entities.values()),
        published=published,
        files=[str(path)],
        warnings=warnings + unresolved.warnings(),
    )


def _entry(path: Path, node: Node, source: str, unresolved: Unresolved) -> ListedEntity:
    uid = node.text("uid")
    where = f"line {node.line}, <sdnEntry>"
    if uid is None or not (uid.isascii() and uid.isdigit()):
        raise ListFormatError(path, where, f"uid {uid!r} is not a number")
    last = node.text("lastName")
    if last is None:
        raise ListFormatError(path, f"{where} uid={uid}", "no <lastName>")
    kind = node.text("sdnType")
    schema = schema_of(kind)
    if schema is None:
        unresolved.add("sdnType", kind or "")
        schema = Schema.UNKNOWN
    entity = ListedEntity(
        source=source,
        source_id=uid,
        schema=schema,
        names=[Name(join_name(node.text("firstName"), last) or last)],
        programs=node.texts("programList/program"),
        url=ENTRY_URL.format(uid=uid),
    )
    notes, targets = split_linked_to(node.text("remarks"))
    entity.relations.extend(linked(targets))
    title = node.text("title")
    if title:
        notes.insert(0, title)
    _names(entity, node)
    notes.extend(_ids(entity, node))
    notes.extend(_personal(entity, node, unresolved))
    _addresses(entity, node)
    notes.extend(_vessel(entity, node, unresolved))
    return finish(entity, notes)


def _names(entity: ListedEntity, node: Node) -> None:
    for aka in node.all("akaList/aka"):
        name = join_name(aka.text("firstName"), aka.text("lastName"))
        if name is None:
            continue
        kind = (aka.text("type") or "").lower()
        weak = (aka.text("category") or "").lower() == "weak"
        if kind == "f.k.a.":
            entity.names.append(Name(name, NameKind.FORMER))
        else:
            entity.names.append(Name(name, NameKind.WEAK_ALIAS if weak else NameKind.ALIAS))


def _ids(entity: ListedEntity, node: Node) -> list[str]:
    notes: list[str] = []
    for item in node.all("idList/id"):
        label, number = item.text("idType"), item.text("idNumber")
        if label is None:
            continue
        role = label_role(label)
        if role == "identifier" and number:
            entity.identifiers.append(
                make_identifier(
                    label,
                    number,
                    item.text("idCountry"),
                    issued=item.text("issueDate"),
                    expires=item.text("expirationDate"),
                )
            )
        elif role == "linked_to" and number:
            entity.relations.append(Relation(RelationKind.LINKED_TO, number))
        else:
            if role == "flag" and number:
                code = country_code(number)
                if code:
                    entity.countries.append(code)
            notes.append(fact(label, number))
    return notes


def _personal(entity: ListedEntity, node: Node, unresolved: Unresolved) -> list[str]:
    notes: list[str] = []
    for raw in node.texts("dateOfBirthList/dateOfBirthItem/dateOfBirth"):
        dates = ofac_dates(raw)
        if dates is not None:
            entity.birth_dates.extend(dates)
        else:
            unresolved.add("date of birth", raw)
            notes.append(f"DOB {raw}")
    entity.birth_places.extend(node.texts("placeOfBirthList/placeOfBirthItem/placeOfBirth"))
    for path, word in (
        ("nationalityList/nationality/country", "nationality"),
        ("citizenshipList/citizenship/country", "citizen"),
    ):
        for raw in node.texts(path):
            code = country_code(raw)
            if code:
                entity.nationalities.append(code)
            else:
                unresolved.add("nationality", raw)
                notes.append(f"{word} {raw}")
    return notes


def _addresses(entity: ListedEntity, node: Node) -> None:
    for item in node.all("addressList/address"):
        country = item.text("country")
        full = address_line(
            [item.text("address1"), item.text("address2"), item.text("address3")],
            item.text("city"),
            item.text("stateOrProvince"),
            item.text("postalCode"),
            country,
        )
        if full is None:
            continue
        code = country_code(country)
        entity.addresses.append(Address(full, code))
        if code:
            entity.countries.append(code)


def _vessel(entity: ListedEntity, node: Node, unresolved: Unresolved) -> list[str]:
    info = node.first("vesselInfo")
    if info is None:
        return []
    call_sign = info.text("callSign")
    if call_sign:
        entity.identifiers.append(make_identifier("Call Sign", call_sign))
    flag = info.text("vesselFlag")
    if flag:
        code = country_code(flag)
        if code:
            entity.countries.append(code)
        else:
            unresolved.add("vessel flag", flag)
    owner = info.text("vesselOwner")
    if owner:
        entity.relations.append(Relation(RelationKind.OWNED_BY, owner, note="vessel owner"))
    labelled = (
        ("Vessel Type", info.text("vesselType")),
        ("Tonnage", info.text("tonnage")),
        ("GRT", info.text("grossRegisteredTonnage")),
        ("Vessel Flag", flag),
    )
    return [fact(label, value) for label, value in labelled if value]
