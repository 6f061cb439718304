"""Han-character names: romanised and, for organisations, partly translated, so they meet English
listings.

How a run of Han characters becomes tokens:

1. Traditional characters become simplified (ICU ``Traditional-Simplified``): the UN lists write
   ``沈忠國際海運有限公司``, the data tables and most lists use simplified.
2. Organisation names are segmented longest-first against ``data/zh_terms.csv``: legal forms
   (removed and recorded), generic words (translated: ``技术`` -> technology), places (standard
   romanisation as one token: ``杭州`` -> hangzhou, ``西安`` -> xian) and administrative suffixes
   right after a place (``深圳市`` -> shenzhen; dropped, since English company names drop them).
   Characters between known terms form an unknown run: the distinctive part of the name
   (``海康威视``, ``大华``).
3. Unknown runs are romanised with pypinyin (its phrase dictionary picks readings in context:
   ``重庆`` -> chongqing) and written two ways, because lists do both: as pinyin *words*, two
   syllables each (``haikang weishi``, ``dahua``, ``huaxin``; three-syllable runs as one word
   ``hainengda``), which is how brand-like Chinese names are usually romanised, two syllables being
   the dominant Chinese word length; and as separate *syllables* (``shen zhong``, ``chang an``), as
   the UN writes ``SHEN ZHONG INTERNATIONAL SHIPPING`` and ``CHANG AN SHIPPING``. There is no word
   segmenter (jieba is not a dependency), so words are approximated by that two-syllable rule.

Forms for an organisation (deduplicated, so often fewer):

* ``words``: pinyin words + translated generic words + places (``hangzhou haikang weishi digital
  technology``), the form closest to an English listing;
* ``syllables``: the same with unknown runs split per syllable;
* ``pinyin``: everything romanised, nothing translated (``hangzhou haikang weishi shuzi jishu``),
  the form lists use when they give a pinyin alias ("Hangzhou Haikang Weishi Shuzi Jishu Gufen
  Youxian Gongsi").

Person names (``习近平``): surname (first character, or a compound surname such as ``欧阳`` from
``data/zh_surnames.csv``, which also fixes surname readings: ``曾`` -> zeng) + given name joined
(``xi jinping``, as lists write "ZHU Hailun", "Junzheng WANG"), and per syllable (``xi jin ping``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aktsam.screening.datatables import LINE, DataFileError, load_table
from aktsam.screening.legal_forms import LegalForm

GENERIC = "generic"
PLACE = "place"
ADMIN = "admin"
LEGAL = "legal_form"
UNKNOWN = "unknown"
_KINDS = (GENERIC, PLACE, ADMIN, LEGAL)
_TERMS_FILE = "screening/data/zh_terms.csv"

#: Notes of the forms, in the order they are produced.
NOTE_WORDS = "han: pinyin words + translated generic words"
NOTE_SYLLABLES = "han: pinyin syllables + translated generic words"
NOTE_PINYIN = "han: pinyin words, untranslated"
NOTE_PERSON = "han: pinyin surname + given name"
NOTE_PERSON_SYLLABLES = "han: pinyin syllables"

_PERSON_MAX_LEN = 4  # a Han name this short without any known term is read as a person's name


@dataclass(frozen=True, slots=True)
class Term:
    """One row of zh_terms.csv, resolved."""

    term: str
    kind: str
    english: tuple[str, ...]  # tokens of the English column, normalised like names
    legal: LegalForm | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """A segment of a Han run: a known term, or an unknown run with its pinyin syllables."""

    text: str
    kind: str
    english: tuple[str, ...] = ()
    syllables: tuple[str, ...] = ()
    legal: LegalForm | None = None


@dataclass(frozen=True, slots=True)
class HanForms:
    """The token variants of one Han run, with a note per variant and the legal forms removed."""

    variants: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]
    legal_forms: tuple[LegalForm, ...] = ()


class _Tables:
    def __init__(
        self,
        english_tokens: Callable[[str], tuple[str, ...]],
        legal_form: Callable[[str], LegalForm | None],
    ) -> None:
        self.terms: dict[str, Term] = {}
        for row in load_table("zh_terms.csv", ("term", "english", "kind")):
            line = int(row[LINE])
            term, kind = to_simplified(row["term"]), row["kind"]
            if kind not in _KINDS:
                raise DataFileError(_TERMS_FILE, line, f"kind must be one of {', '.join(_KINDS)}")
            legal = legal_form(term) if kind == LEGAL else None
            if kind == LEGAL and legal is None:
                raise DataFileError(
                    _TERMS_FILE, line, f"legal form {term!r} is in no legal-form table"
                )
            english = english_tokens(row["english"])
            if not english:
                raise DataFileError(_TERMS_FILE, line, "english gives no token")
            self.terms[term] = Term(term=term, kind=kind, english=english, legal=legal)
        self.max_len = max(len(t) for t in self.terms)
        self.surnames: dict[str, str] = {}
        for row in load_table("zh_surnames.csv", ("surname", "pinyin")):
            self.surnames[row["surname"]] = row["pinyin"].lower()


_tables: _Tables | None = None
_english_tokens: Callable[[str], tuple[str, ...]] | None = None
_legal_form: Callable[[str], LegalForm | None] | None = None
_icu_t2s: Any = None


def configure(
    english_tokens: Callable[[str], tuple[str, ...]], legal_form: Callable[[str], LegalForm | None]
) -> None:
    """How the English column becomes tokens, and how a legal-form term resolves to its legal form.

    Both come from the name pipeline (:mod:`aktsam.screening.names`), so translated words are
    normalised exactly like English names, and Chinese legal forms get the codes rigour gives them.
    """
    global _english_tokens, _legal_form, _tables
    _english_tokens, _legal_form, _tables = english_tokens, legal_form, None
    segment.cache_clear()


def tables() -> _Tables:
    global _tables
    if _tables is None:
        if _english_tokens is None or _legal_form is None:
            raise RuntimeError("chinese.configure() was not called")
        _tables = _Tables(_english_tokens, _legal_form)
    return _tables


@lru_cache(maxsize=16384)
def to_simplified(text: str) -> str:
    """Traditional Han characters as simplified ones (other characters unchanged)."""
    global _icu_t2s
    if _icu_t2s is None:
        import icu  # type: ignore[import-untyped]

        _icu_t2s = icu.Transliterator.createInstance("Traditional-Simplified")
    out: str = _icu_t2s.transliterate(text)
    return out


@lru_cache(maxsize=16384)
def pinyin(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables, ü as u (as lists write it: 吕 -> lu), one per character."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore")
    return tuple(s.replace("ü", "u").lower() for s in syllables if s.isalpha())


@lru_cache(maxsize=16384)
def segment(run: str) -> tuple[Piece, ...]:
    """Known terms (longest first) and unknown runs of a simplified Han run."""
    t = tables()
    pieces: list[Piece] = []
    unknown_start = -1
    i, n = 0, len(run)

    def flush(end: int) -> None:
        nonlocal unknown_start
        if unknown_start >= 0:
            text = run[unknown_start:end]
            pieces.append(Piece(text=text, kind=UNKNOWN, syllables=pinyin(text)))
            unknown_start = -1

    while i < n:
        found: Term | None = None
        for length in range(min(t.max_len, n - i), 0, -1):
            term = t.terms.get(run[i : i + length])
            if term is None:
                continue
            if term.kind == ADMIN and not (
                pieces and pieces[-1].kind == PLACE and unknown_start < 0
            ):
                continue  # 市/省/区 count only right after a place; elsewhere: part of a name
            if length == 1 and term.kind != ADMIN:
                continue
            found = term
            break
        if found is None:
            if unknown_start < 0:
                unknown_start = i
            i += 1
            continue
        flush(i)
        pieces.append(
            Piece(text=found.term, kind=found.kind, english=found.english, legal=found.legal)
        )
        i += len(found.term)
    flush(n)
    return tuple(pieces)


def looks_like_org(pieces: tuple[Piece, ...]) -> bool:
    """Whether a Han run of unknown schema names an organisation: a known term, or long."""
    return (
        any(p.kind != UNKNOWN for p in pieces) or sum(len(p.text) for p in pieces) > _PERSON_MAX_LEN
    )


def _words(syllables: tuple[str, ...]) -> tuple[str, ...]:
    """Syllables grouped into two-syllable words; an odd run ends in a three-syllable word."""
    n = len(syllables)
    if n <= 3:
        return ("".join(syllables),) if syllables else ()
    out: list[str] = []
    i = 0
    while i < n:
        take = 3 if n - i == 3 else 2
        out.append("".join(syllables[i : i + take]))
        i += take
    return tuple(out)


@lru_cache(maxsize=16384)
def org_forms(run: str) -> HanForms:
    """Organisation forms of one Han run (see module doc); the run may be traditional or simplified.

    A run that is nothing but legal forms ("有限会社" after "CST") gives one empty variant and the
    legal forms; the caller decides whether anything is left of the whole name (see
    :func:`plain_forms`).
    """
    pieces = segment(to_simplified(run))
    words: list[str] = []
    syllables: list[str] = []
    plain: list[str] = []
    legal: list[LegalForm] = []
    for piece in pieces:
        if piece.kind == LEGAL:
            if piece.legal is not None:
                legal.append(piece.legal)
        elif piece.kind == ADMIN:
            continue
        elif piece.kind == UNKNOWN:
            words.extend(_words(piece.syllables))
            syllables.extend(piece.syllables)
            plain.extend(_words(piece.syllables))
        elif piece.kind == PLACE:
            words.extend(piece.english)
            syllables.extend(piece.english)
            plain.extend(piece.english)
        else:
            words.extend(piece.english)
            syllables.extend(piece.english)
            plain.extend(_words(pinyin(piece.text)))
    variants: list[tuple[str, ...]] = []
    notes: list[str] = []
    for tokens, note in ((words, NOTE_WORDS), (syllables, NOTE_SYLLABLES), (plain, NOTE_PINYIN)):
        if tuple(tokens) not in variants:
            variants.append(tuple(tokens))
            notes.append(note)
    return HanForms(variants=tuple(variants), notes=tuple(notes), legal_forms=tuple(legal))


@lru_cache(maxsize=16384)
def plain_forms(run: str) -> HanForms:
    """Pinyin words of a Han run, nothing removed or translated (for names of legal forms only)."""
    return HanForms(variants=(_words(pinyin(to_simplified(run))),), notes=(NOTE_PINYIN,))


@lru_cache(maxsize=16384)
def person_forms(run: str) -> HanForms:
    """Person forms of one Han run: ``(surname, given)`` and per syllable (see module doc)."""
    simple = to_simplified(run)
    surnames = tables().surnames
    syllables = pinyin(simple)
    if not syllables:
        return HanForms(variants=(), notes=())
    if len(simple) >= 3 and simple[:2] in surnames:
        surname, given = surnames[simple[:2]], syllables[2:]
    elif simple[0] in surnames:
        surname, given = surnames[simple[0]], syllables[1:]
    else:
        surname, given = syllables[0], syllables[1:]
    joined = (surname, "".join(given)) if given else (surname,)
    split = (surname, *given)
    if joined == split:
        return HanForms(variants=(joined,), notes=(NOTE_PERSON,))
    return HanForms(variants=(joined, split), notes=(NOTE_PERSON, NOTE_PERSON_SYLLABLES))
