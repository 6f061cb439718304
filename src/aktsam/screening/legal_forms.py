"""Finding and removing legal forms ("Co., Ltd.", "GmbH", "ООО", "有限公司") in organisation names.

Legal forms carry almost no identity ("Siemens AG" is "Siemens"), differ between lists for the same
entity ("Huawei Technologies Co., Ltd." vs "Huawei Technologies"), and differ by language ("ООО
Газпром" vs "Gazprom LLC"), so they are removed from the tokens and recorded, to be compared
separately and weakly.

Two tables are used:

* rigour's org-type table (:mod:`rigour.names.org_types`, a few thousand aliases from ISO 20275,
  OCCRP and Wikipedia). It is called with ``NFKC | CASEFOLD | NAME`` normalisation, which tokenises
  its aliases exactly as :func:`aktsam.screening.names` tokenises names (punctuation split or
  deleted, ``"Co., Ltd."`` -> ``"co ltd"``), so its matches are whole token sequences of the name.
  ``generic=False`` gives the jurisdiction-specific compare code (``coltd``, ``gmbh``, ``ooo``),
  ``generic=True`` the cross-jurisdiction class (``llc``, ``jsc``…); both are kept.
* ``data/legal_forms.csv``: what rigour lacks or only matches in part (``Corp``, ``Co``, ``Company
  Limited``, ``Pvt Ltd``, ``ASA``, ``KK``, Gulf forms, pinyin ``youxian gongsi``…), matched on ASCII
  keys of tokens so the Latin and Cyrillic spellings of a form meet.

Short forms are also initials or words ("AB", "AS", "SA", "AT", "Co"), so forms of three letters or
fewer, and table rows marked ``edge``, are only removed at the start or end of the name (peeling
repeatedly, so "PT Astra International Tbk" loses both). Longer, unambiguous forms are removed
wherever they occur. Nothing is removed when that would leave no token ("Company Limited" stays as
it is). The caller decides whether a name is an organisation at all: person names never go through
here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rigour._core import extract_org_types as _core_extract
from rigour.text.normalize import Cleanup, Normalize

from aktsam.screening.datatables import LINE, DataFileError, load_table

#: The normalisation rigour applies to its aliases; names are tokenised alike before matching.
RIGOUR_FLAGS = Normalize.NFKC | Normalize.CASEFOLD | Normalize.NAME
_FLAGS, _NO_CLEANUP = int(RIGOUR_FLAGS), int(Cleanup.Noop)

_WEAK_MAX_LEN = 3  # a single-token rigour match this short is edge-only (AB, AS, SA, AG, AT, OOO…)
_MAX_SUPPLEMENT_TOKENS = 6
_FILE = "screening/data/legal_forms.csv"


@dataclass(frozen=True, slots=True)
class LegalForm:
    """One legal form found in a name."""

    code: str  # jurisdiction-specific compare code: "coltd", "gmbh", "ooo", "ab", "co"
    cls: (
        str  # cross-jurisdiction class: "llc", "jsc", "lp"…; equals ``code`` when the form has none
    )
    text: str  # the matched tokens, normalised: "co ltd", "ооо", "有限公司"


# A match: (start, end, form, removable anywhere). Plain tuples: this runs for every organisation
# name.
_Span = tuple[int, int, LegalForm, bool]


class _Supplement:
    """``data/legal_forms.csv`` indexed by the first token key of each alias."""

    def __init__(self, keyer: Callable[[str], tuple[str, ...]]) -> None:
        # first key -> [(all keys, form, anywhere)], longest alias first
        self.by_first: dict[str, list[tuple[tuple[str, ...], LegalForm, bool]]] = {}
        rows = load_table("legal_forms.csv", ("alias", "code", "position"), optional=("class",))
        for row in rows:
            line = int(row[LINE])
            keys = keyer(row["alias"])
            if not keys or len(keys) > _MAX_SUPPLEMENT_TOKENS:
                raise DataFileError(
                    _FILE, line, f"alias {row['alias']!r} gives no token or too many"
                )
            if row["position"] not in ("edge", "any"):
                raise DataFileError(
                    _FILE, line, f"position must be edge or any, not {row['position']!r}"
                )
            code = row["code"].lower()
            form = _form(code, row["class"].lower() or code, " ".join(keys))
            self.by_first.setdefault(keys[0], []).append((keys, form, row["position"] == "any"))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def spans(self, keys: Sequence[str]) -> list[_Span]:
        out: list[_Span] = []
        by_first = self.by_first
        for i, key in enumerate(keys):
            entries = by_first.get(key)
            if entries is None:
                continue
            for alias, form, anywhere in entries:
                n = len(alias)
                if n == 1 or tuple(keys[i : i + n]) == alias:
                    out.append((i, i + n, form, anywhere))
        return out


_supplement: _Supplement | None = None
_keyer: Callable[[str], tuple[str, ...]] | None = None


def configure(keyer: Callable[[str], tuple[str, ...]]) -> None:
    """Set how an alias of ``legal_forms.csv`` becomes token keys (the name pipeline's own
    tokeniser).

    Injected rather than imported so this module does not depend on :mod:`aktsam.screening.names`.
    """
    global _keyer, _supplement
    if keyer is not _keyer:
        _keyer, _supplement = keyer, None


def _get_supplement() -> _Supplement:
    global _supplement
    if _supplement is None:
        if _keyer is None:
            raise RuntimeError("legal_forms.configure() was not called")
        _supplement = _Supplement(_keyer)
    return _supplement


@lru_cache(maxsize=4096)
def _form(code: str, cls: str, text: str) -> LegalForm:
    """Shared LegalForm instances (few distinct values, created once)."""
    return LegalForm(code=code, cls=cls, text=text)


def _extract(text: str, generic: bool) -> list[tuple[str, str]]:
    """rigour's ``extract_org_types`` with our flags (the Rust entry point, skipping a thin wrapper)."""
    return _core_extract(text, _FLAGS, _NO_CLEANUP, generic)


def _rigour_spans(tokens: tuple[str, ...]) -> tuple[_Span, ...]:
    """Spans of the legal forms rigour finds (not cached: callers cache whole names)."""
    text = " ".join(tokens)
    specific = _extract(text, False)
    generic = _extract(text, True)
    if not specific and not generic:
        return ()
    class_of = dict(generic)
    forms: dict[str, tuple[str, str]] = {}
    for matched, code in specific:
        cls = class_of.get(matched) or code
        forms[matched] = (code or cls, cls or code)
    for matched, cls in generic:
        if matched not in forms and cls:
            forms[matched] = (cls, cls)
    out: list[_Span] = []
    for matched, (code, cls) in forms.items():
        if not code:
            continue
        form = _form(code, cls, matched)
        words = tuple(matched.split())
        n = len(words)
        anywhere = n > 1 or len(words[0]) > _WEAK_MAX_LEN
        first = words[0]
        for i, token in enumerate(tokens):
            if token == first and (n == 1 or tokens[i : i + n] == words):
                out.append((i, i + n, form, anywhere))
    return tuple(out)


def split_legal_forms(
    tokens: tuple[str, ...], keys: tuple[str, ...]
) -> tuple[tuple[int, ...], tuple[LegalForm, ...]]:
    """Indices of ``tokens`` to keep, and the legal forms removed (in name order).

    ``tokens`` are the name's tokens in their own script (normalised with :data:`RIGOUR_FLAGS`),
    ``keys`` an ASCII key per token for ``legal_forms.csv`` (same length).
    """
    n = len(tokens)
    if n < 2:
        return tuple(range(n)), ()
    spans = [*_rigour_spans(tokens), *_get_supplement().spans(keys)]
    if not spans:
        return tuple(range(n)), ()
    if len(spans) > 1:
        # Longest first, then leftmost: "company limited" beats "limited", "pvt ltd" beats "ltd".
        spans.sort(key=lambda s: (s[0] - s[1], s[0]))
        used = 0  # bit i set: token i is in a taken span
        taken: list[_Span] = []
        for span in spans:
            mask = ((1 << (span[1] - span[0])) - 1) << span[0]
            if not used & mask:
                taken.append(span)
                used |= mask
        spans = taken
    if len(spans) == 1:
        # The common case ("... Co., Ltd.", "OOO ..."): one form, removed if at an edge or strong.
        start, end, form, anywhere = spans[0]
        if (start == 0 or end == n or anywhere) and end - start < n:
            return (*range(start), *range(end, n)), (form,)
        return tuple(range(n)), ()
    starting = {s[0]: s for s in spans}
    ending = {s[1]: s for s in spans}
    removed: list[_Span] = []
    left, right = 0, n
    changed = True
    while changed and left < right:
        changed = False
        head = starting.get(left)
        if head is not None and head[1] <= right:
            removed.append(head)
            left, changed = head[1], True
        tail = ending.get(right)
        if tail is not None and tail[0] >= left:
            removed.append(tail)
            right, changed = tail[0], True
    removed.extend(s for s in spans if s[3] and s[0] >= left and s[1] <= right)
    if not removed:
        return tuple(range(n)), ()
    drop = {i for s in removed for i in range(s[0], s[1])}
    keep = tuple(i for i in range(n) if i not in drop)
    if not keep:
        return tuple(range(n)), ()
    removed.sort(key=lambda s: s[0])
    return keep, tuple(s[2] for s in removed)


def resolve_single(tokens: tuple[str, ...], keys: tuple[str, ...]) -> LegalForm | None:
    """The legal form spanning all of ``tokens`` (resolves the legal forms of zh_terms.csv)."""
    n = len(tokens)
    for start, end, form, _ in [*_rigour_spans(tokens), *_get_supplement().spans(keys)]:
        if start == 0 and end == n:
            return form
    return None
