"""OFAC's two lists, the SDN list (``ofac-sdn``) and the Consolidated non-SDN list (``ofac-cons``).

OFAC publishes each list in three formats, all accepted here; the file itself says which it is:

* a directory, or a file that does not start with ``<``: the legacy CSV set (:mod:`.ofac_csv`),
  given as its main file (``SDN.CSV`` / ``CONS_PRIM.CSV``) or the directory holding the set;
* XML with root ``<sdnList>``: the classic XML (:mod:`.ofac_xml`);
* XML with root ``<sanctionsData>``: the enhanced XML (:mod:`.ofac_enhanced`).

Anything else (an empty file, a ZIP still packed, another publisher's XML, the other OFAC list's CSV
main file) is refused with :class:`ListFormatError` before any entity is read. Shared conventions
(names stored as ``First LAST``, id labels, remark segments, date ranges) are in
:mod:`.ofac_remarks`.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from aktsam.errors import ListFormatError
from aktsam.lists.model import ParsedList
from aktsam.lists.parsers.ofac_csv import CONS_SET, SDN_SET, CsvSet, find_file, parse_csv_set
from aktsam.lists.parsers.ofac_enhanced import parse_enhanced
from aktsam.lists.parsers.ofac_xml import parse_classic, xml_root
from aktsam.lists.parsers.xmlstream import refuse_declared_encoding

SDN_SOURCE = "ofac-sdn"
CONS_SOURCE = "ofac-cons"


def parse_sdn(path: Path) -> ParsedList:
    """The SDN list: ``sdn.xml``, ``SDN_ENHANCED.XML``, ``sdn.csv`` or the CSV set's folder."""
    return _parse(Path(path), SDN_SOURCE, SDN_SET, CONS_SET)


def parse_cons(path: Path) -> ParsedList:
    """The non-SDN list: ``consolidated.xml``, ``CONS_ENHANCED.XML``, ``cons_prim.csv``, folder."""
    return _parse(Path(path), CONS_SOURCE, CONS_SET, SDN_SET)


def _parse(path: Path, source: str, own: CsvSet, other: CsvSet) -> ParsedList:
    try:
        return _dispatch(path, source, own, other)
    except OSError as error:  # unreadable file, or a directory where a file was expected
        raise ListFormatError(path, None, f"cannot read the file: {error}") from None


def _dispatch(path: Path, source: str, own: CsvSet, other: CsvSet) -> ParsedList:
    if path.is_dir():
        main = find_file(path, own.main)
        if main is None:
            raise ListFormatError(
                path,
                None,
                f"no {own.main} in this directory ({source} reads the XML file, or a CSV set of "
                f"{own.main} with {own.addresses}, {own.aliases} and {own.comments} beside it)",
            )
        return parse_csv_set(main, source, own)
    if not path.is_file():
        raise ListFormatError(path, None, "no such file or directory")
    head = _head(path)
    if not head:
        raise ListFormatError(path, "line 1", "file is empty")
    if head.startswith(b"PK"):
        raise ListFormatError(
            path, "line 1", "this is a ZIP archive: unzip it and give the XML or CSV inside"
        )
    if head.startswith(b"<"):
        refuse_declared_encoding(
            path,
            head,
            "OFAC publishes its XML in UTF-8 (the file was re-encoded or is not an OFAC list)",
        )
        return _parse_xml(path, source)
    if path.name.lower() == other.main:
        raise ListFormatError(
            path, None, f"{other.main} is the other OFAC list's file; {source} reads {own.main}"
        )
    return parse_csv_set(path, source, own)


def _head(path: Path) -> bytes:
    """The first bytes that are not a BOM or white space (empty for an empty or blank file)."""
    with path.open("rb") as stream:
        head = stream.read(4096)
        while head.strip() == b"" and (more := stream.read(1 << 20)):
            head = more
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return head.lstrip()


def _parse_xml(path: Path, source: str) -> ParsedList:
    namespace, root, line = xml_root(path)
    if root == "sdnList":
        return parse_classic(path, source, namespace)
    if root == "sanctionsData":
        return parse_enhanced(path, source, namespace)
    raise ListFormatError(
        path,
        f"line {line}, <{root}>",
        f"root element <{root}> is not an OFAC list (expected <sdnList> or <sanctionsData>)",
    )
