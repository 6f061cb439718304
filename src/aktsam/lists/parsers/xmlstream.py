"""A list's XML read as a stream, and refused whole when it is not the whole, honest file.

The XML parsers (UN, EU FSF, FCDO, OFAC classic and enhanced) read their files through here,
because the ways an XML list goes wrong do not depend on its publisher:

* **Size.** sdn.xml is 20 MB and the EU file 19 MB. Elements are handed over as lxml's
  ``iterparse`` completes them, and :func:`release` frees an entry once read, so memory stays
  flat whatever the file size.
* **Encoding lies.** Every publisher ships UTF-8. A copy re-saved by some tool may *declare*
  another encoding (``ISO-8859-1``) over UTF-8 bytes; libxml2 believes the declaration and turns
  every Arabic, Cyrillic or accented name into mojibake without an error. Such a declaration is
  refused before parsing (:func:`check_declared_encoding`). Bytes that are not UTF-8 in a file
  that says UTF-8 are libxml2's own error, reported as a wrong encoding.
* **Truncation.** A download cut short is, to libxml2, a syntax error on the last line; it is
  reported as "the file ends before the XML is complete (truncated?)", because fetching the file
  again is what fixes it, not editing it.
* **Where.** An error names the line as an editor numbers it (1-based) and, where one is known,
  the element: ``line 10, <INDIVIDUAL> REFERENCE_NUMBER=QDi.043``.
* **No entities.** External entities are never resolved and nothing is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from aktsam.errors import ListFormatError
from aktsam.lists.parsers.textfile import read_head

Element = etree._Element

_LXML_WHERE = re.compile(r",? line \d+, column \d+$")
_DECLARED_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)")


def check_declared_encoding(path: Path, why: str) -> None:
    """Refuse an empty file, and one whose XML declaration names an encoding other than UTF-8."""
    head = read_head(path, 256)
    if not head.strip():
        raise ListFormatError(path, "line 1", "the file is empty")
    refuse_declared_encoding(path, head, why)


def refuse_declared_encoding(path: Path, head: bytes, why: str) -> None:
    """Refuse a file whose XML declaration (in ``head``) names an encoding other than UTF-8.

    The message is ``the file declares encoding ISO-8859-1; <why>``, ``why`` saying in what
    encoding the publisher ships the list.
    """
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        encoding = declared.group(1).decode("ascii")
        raise ListFormatError(path, "line 1", f"the file declares encoding {encoding}; {why}")


def check_root(path: Path, root: Element, expected: str, what: str) -> None:
    """Refuse XML whose root is not ``expected`` (``{namespace}local`` or ``local``).

    ``what`` names the list (``"a UN Security Council consolidated list"``): another publisher's
    file given by mistake is told apart at its first element, before any entry is read.
    """
    if root.tag == expected:
        return
    qname, wanted = etree.QName(root), etree.QName(expected)
    if qname.namespace:
        namespace = f" in namespace {qname.namespace}"
    else:
        namespace = " (no namespace)" if wanted.namespace else ""
    expected_namespace = f" in namespace {wanted.namespace}" if wanted.namespace else ""
    raise ListFormatError(
        path,
        f"line {root.sourceline}, <{qname.localname}>",
        f"not {what}: the root element is <{qname.localname}>{namespace}, "
        f"expected <{wanted.localname}>{expected_namespace}",
    )


def elements(path: Path) -> Iterator[Element]:
    """The root as soon as its start tag is read, then each element below it once complete.

    The root comes first with its attributes only (its children are still to come), so a parser
    can refuse a foreign file at once; every later element is yielded at its end tag, in document
    order, children before their parent. The caller frees what it has read with :func:`release`.
    """
    with _refusing_bad_xml(path):
        root: Element | None = None
        for event, elem in etree.iterparse(
            str(path), events=("start", "end"), resolve_entities=False, no_network=True
        ):
            if root is None:
                root = elem
                yield elem
            elif event == "end" and elem is not root:
                yield elem
    if root is None:
        raise ListFormatError(path, "line 1", "no XML element found")


def completed(path: Path, tags: Sequence[str]) -> Iterator[Element]:
    """Each complete element whose qualified tag is in ``tags``; freed once the caller moves on."""
    with _refusing_bad_xml(path):
        for _, elem in etree.iterparse(
            str(path), events=("end",), tag=list(tags), resolve_entities=False, no_network=True
        ):
            yield elem
            release(elem)


def release(elem: Element) -> None:
    """Free an element read in full, and the siblings before it, so memory stays flat."""
    elem.clear()
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def source_line(elem: Element) -> int:
    """The element's line (0 if lxml does not know it; lxml-stubs leave ``sourceline`` untyped)."""
    line = elem.sourceline
    return line if isinstance(line, int) else 0


@contextmanager
def _refusing_bad_xml(path: Path) -> Iterator[None]:
    """libxml2's complaints and unreadable files as :class:`ListFormatError`."""
    try:
        yield
    except etree.XMLSyntaxError as error:
        raise syntax_error(path, error) from None
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error}") from None


def syntax_error(path: Path, error: etree.XMLSyntaxError) -> ListFormatError:
    """Say what libxml2's complaint most likely means: wrong encoding, truncation or bad syntax."""
    line = error.lineno or 1
    column = error.position[1] if error.position else 0
    detail = _LXML_WHERE.sub("", str(error.msg or error))
    lowered = detail.lower()
    if "encoding" in lowered or "utf-8" in lowered:
        what = "bytes that are not valid UTF-8 (wrong encoding?)"
    elif line >= _line_count(path):
        what = "the file ends before the XML is complete (truncated?)"
    else:
        what = "malformed XML"
    return ListFormatError(path, f"line {line}", f"{what}: {detail} (column {column})")


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) + 1
