"""Name normalisation for matching: one or more comparable token forms per name.

A name becomes lower-case ASCII tokens that compare across scripts and writing conventions:

1. **Tokenise** (:func:`tokenize`): Unicode NFKC and case folding; ``&`` inside a word is dropped
   (``AT&T`` -> ``att``), except between two single letters, which stay apart as a name's other
   spelling writes them (``I&S`` -> ``i s``, as ``I AND S``); a full stop after a word of two or
   more letters separates (``Tech.Co`` -> ``tech co``), while initials join (``S.A.`` -> ``sa``);
   apostrophes join (``O'Brien`` -> ``obrien``, ``Int'l`` -> ``intl``); hyphens and other
   punctuation separate (``Al-Qaida`` -> ``al qaida``). This is rigour's ``NAME`` tokenisation, so
   rigour's legal-form table matches our tokens; pure ASCII takes an equivalent fast path that skips
   the Unicode machinery.
2. **Organisations**: legal forms removed and recorded (:mod:`aktsam.screening.legal_forms`), tokens
   romanised (:mod:`aktsam.screening.translit`, Han by :mod:`aktsam.screening.chinese`),
   abbreviations expanded (``data/abbreviations.csv``: ``tech`` -> technology), and the connectors
   ``and``/``the`` dropped ("Chang An Shipping & Technology" = "... and Technology").
3. **Persons**: leading titles dropped (``data/titles.csv``), tokens romanised; nothing else,
   because person names contain "AB" (initials), "Dev", "Eng"… that must stay. Token order is kept:
   the matcher aligns tokens without regard to order.
4. **Vessels and aircraft**: romanised only.
5. **Unknown schema** (``None`` or ``Schema.UNKNOWN``): the organisation form and, when it differs,
   the person form, so "Abu AB" can still match a person. A name with Han characters is read as an
   organisation when it contains a known company word, place or legal form, or is longer than four
   characters, else as a person.

Han names give up to three forms (see :mod:`aktsam.screening.chinese`), each with a ``note``.
Results are cached per (name, schema) and are immutable; the tables are loaded once, on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rigour.text.normalize import normalize

from aktsam.lists.model import Schema
from aktsam.screening import chinese, legal_forms
from aktsam.screening.datatables import LINE, DataFileError, load_table
from aktsam.screening.legal_forms import RIGOUR_FLAGS, LegalForm, resolve_single, split_legal_forms
from aktsam.screening.scripts import detect_script, has_han, is_han
from aktsam.screening.translit import romanise_token, token_key

PERSON = "person"
ORG = "org"
OBJECT = "object"
UNKNOWN = "unknown"
_MODES: dict[Schema | None, str] = {
    Schema.PERSON: PERSON,
    Schema.ORGANIZATION: ORG,
    Schema.VESSEL: OBJECT,
    Schema.AIRCRAFT: OBJECT,
    Schema.UNKNOWN: UNKNOWN,
    None: UNKNOWN,
}
NOTE_AS_PERSON = "read as a person name: legal forms and abbreviations kept"

_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_ASCII_DELETE = str.maketrans("", "", "$'.^`")  # what rigour's NAME tokenisation deletes in ASCII
_AMP_IN_WORD = re.compile(r"(?<=\w)&(?=\w)")
# between two single letters ("I&S"): the letters stay apart, as the lists' other spelling of such a
# name writes them ("I AND S HOLDING COMPANY" beside "I&S HOLDING COMPANY", OFAC SDN)
_AMP_LETTERS = re.compile(r"(?<=\b\w)&(?=\w\b)")
_CONNECTORS = frozenset({"and", "the"})
_INITIALS_LEN = 2
# Kana: a Japanese name, never a Chinese person's.
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name reduced to comparable tokens, with what was removed kept for the explanation.

    ``legal_forms`` holds each removed legal form's cross-jurisdiction class ("llc", "jsc"…; the
    code itself when the form has no class, e.g. "ab", "co"), so "ООО", "LLC" and "有限公司" compare
    equal there; ``legal_form_codes`` (added) the jurisdiction-specific codes ("ooo", "llc", "ltd"),
    in the same order. ``titles`` (added) are the titles dropped from the start of a person name.
    """

    original: str
    # ascii, lower case, legal forms removed, abbreviations expanded
    tokens: tuple[str, ...]
    # canonical legal forms found and removed, e.g. ("llc",)
    legal_forms: tuple[str, ...] = ()
    # dominant script of ``original``: latin, han, cyrillic, arabic, greek, other, mixed
    script: str = "latin"
    # how this form was derived when not the plain one, e.g. "han: pinyin words + translated ..."
    note: str | None = None
    legal_form_codes: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


# --- tokenising -----------------------------------------------------------------------------------


def _split_dots(text: str) -> str:
    """A full stop between a word of 2+ letters and a letter separates: "Tech.Co" -> "Tech. Co".

    A loop over the (few) full stops: several times faster than the equivalent look-behind regex.
    """
    i = text.find(".")
    cuts: list[int] = []
    while i != -1:
        if 2 <= i < len(text) - 1 and text[i + 1].isalpha() and text[i - 2 : i].isalpha():
            cuts.append(i + 1)
        i = text.find(".", i + 1)
    if not cuts:
        return text
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return " ".join(parts)


def tokenize(text: str) -> tuple[str, ...]:
    """Tokens in the name's own script: NFKC, case-folded, punctuation handled (see module doc).

    Not cached itself: it runs once per name, inside the cached :func:`name_forms`.
    """
    if "&" in text:
        text = _AMP_IN_WORD.sub("", _AMP_LETTERS.sub(" ", text))
    if "." in text:
        text = _split_dots(text)
    if text.isascii():
        return tuple(_ASCII_TOKEN.findall(text.lower().translate(_ASCII_DELETE)))
    out = normalize(text, RIGOUR_FLAGS)
    return tuple(out.split()) if out else ()


def romanised_tokens(text: str) -> tuple[str, ...]:
    """ASCII tokens of a Latin/Cyrillic text (table values: English translations, aliases; listings'
    remarks), tokenised and romanised as names are."""
    return tuple(t for tok in tokenize(text) for t in romanise_token(tok))


def _alias_keys(text: str) -> tuple[str, ...]:
    return tuple(token_key(t) for t in tokenize(text))


def _resolve_han_legal_form(term: str) -> LegalForm | None:
    tokens = tokenize(term)
    return resolve_single(tokens, tuple(token_key(t) for t in tokens))


legal_forms.configure(_alias_keys)
chinese.configure(romanised_tokens, _resolve_han_legal_form)


# --- tables ---------------------------------------------------------------------------------------

_abbreviations: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] | None = None
_titles: frozenset[str] | None = None


def abbreviations() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """``data/abbreviations.csv`` by first token: [(abbreviation, expansion)], longest first."""
    global _abbreviations
    if _abbreviations is None:
        table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for row in load_table("abbreviations.csv", ("abbr", "expansion")):
            keys, expansion = romanised_tokens(row["abbr"]), romanised_tokens(row["expansion"])
            if not keys or not expansion:
                raise DataFileError(
                    "screening/data/abbreviations.csv", int(row[LINE]), "empty value"
                )
            table.setdefault(keys[0], []).append((keys, expansion))
        for entries in table.values():
            entries.sort(key=lambda e: -len(e[0]))
        _abbreviations = table
    return _abbreviations


def titles() -> frozenset[str]:
    """``data/titles.csv``: single-token titles, tokenised like names."""
    global _titles
    if _titles is None:
        found: set[str] = set()
        for row in load_table("titles.csv", ("title",)):
            tokens = tokenize(row["title"])
            if len(tokens) != 1:
                raise DataFileError(
                    "screening/data/titles.csv", int(row[LINE]), "title must be one word"
                )
            found.add(tokens[0])
        _titles = frozenset(found)
    return _titles


def _expand(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Abbreviations expanded, connectors ("and", "the") dropped; never empties a name."""
    table = abbreviations()
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if token in _CONNECTORS and n > 1:
            i += 1
            continue
        for keys, expansion in table.get(token, ()):
            if tokens[i : i + len(keys)] == keys:
                out.extend(expansion)
                i += len(keys)
                break
        else:
            out.append(token)
            i += 1
    return tuple(out) if out else tokens


def text_tokens(text: str) -> tuple[str, ...]:
    """The words of a running text (a listing's remarks) as a name's words come out of
    :func:`name_forms`: romanised, abbreviations expanded, connectors dropped, legal forms kept."""
    return _expand(romanised_tokens(text))


# --- building forms -------------------------------------------------------------------------------

# One slot per name token: its variants (tuples of ASCII tokens), their notes, legal forms found.
_Slot = tuple[tuple[tuple[str, ...], ...], tuple[str, ...], tuple[LegalForm, ...]]


def _han_runs(token: str) -> list[tuple[bool, str]]:
    """``token`` cut into (is_han, text) runs: "cst有限会社" -> (False, "cst"), (True, "有限会社")."""
    runs: list[tuple[bool, str]] = []
    for char in token:
        han = is_han(char)
        if runs and runs[-1][0] == han:
            runs[-1] = (han, runs[-1][1] + char)
        else:
            runs.append((han, char))
    return runs


def _slot(token: str, mode: str, first: bool = False) -> _Slot:
    """The variants of one name token; only tokens with Han characters have more than one."""
    person = mode == PERSON
    if not has_han(token):
        return ((romanise_token(token, person, first),), (), ())
    parts: list[_Slot] = []
    for han, text in _han_runs(token):
        if not han:
            parts.append(((romanise_token(text, person),), (), ()))
            continue
        if person:
            forms = chinese.person_forms(text)
        elif mode == ORG:
            forms = chinese.org_forms(text)
        else:
            forms = chinese.plain_forms(text)
        parts.append((forms.variants, forms.notes, forms.legal_forms))
    return _combine(parts)


def _combine(slots: list[_Slot]) -> _Slot:
    """Slots side by side: variant k takes each slot's variant k (or its last one)."""
    width = max((len(v) for v, _, _ in slots), default=0)
    variants: list[tuple[str, ...]] = []
    for k in range(width):
        tokens: list[str] = []
        for v, _, _ in slots:
            if v:
                tokens.extend(v[min(k, len(v) - 1)])
        variants.append(tuple(tokens))
    notes = max((n for _, n, _ in slots), key=len, default=())
    found = tuple(f for _, _, fs in slots for f in fs)
    return tuple(variants), notes, found


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _forms_from(
    name: str,
    script: str,
    slot: _Slot,
    legal: tuple[LegalForm, ...],
    *,
    expand: bool,
    titles_dropped: tuple[str, ...] = (),
    note: str | None = None,
) -> list[NameForm]:
    variants, notes, han_legal = slot
    all_legal = legal + han_legal
    classes = _unique([f.cls for f in all_legal])
    codes = _unique([f.code for f in all_legal])
    out: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for k, tokens in enumerate(variants):
        final = _expand(tokens) if expand else tokens
        if not final or final in seen:
            continue
        seen.add(final)
        out.append(
            NameForm(
                original=name,
                tokens=final,
                legal_forms=classes,
                script=script,
                note=note if note is not None else (notes[k] if k < len(notes) else None),
                legal_form_codes=codes,
                titles=titles_dropped,
            )
        )
    return out


def _legal(forms: tuple[LegalForm, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(classes, codes) of legal forms, each without repeats, in name order."""
    if not forms:
        return (), ()
    if len(forms) == 1:
        return (forms[0].cls,), (forms[0].code,)
    return _unique([f.cls for f in forms]), _unique([f.code for f in forms])


def _romanise_all(
    tokens: tuple[str, ...], ascii_only: bool, person: bool = False
) -> tuple[str, ...]:
    """ASCII tokens of name tokens without Han characters."""
    if ascii_only:
        return tokens  # the ASCII tokeniser already gives [a-z0-9]+ tokens
    return tuple(t for i, tok in enumerate(tokens) for t in romanise_token(tok, person, i == 0))


def _org(name: str, script: str, tokens: tuple[str, ...], mode: str, han: bool) -> list[NameForm]:
    """Organisation forms (ORG), or plain romanised forms (OBJECT: vessels, aircraft)."""
    legal: tuple[LegalForm, ...] = ()
    ascii_only = name.isascii()
    if mode == ORG:
        keys = tokens if ascii_only else tuple(token_key(t) for t in tokens)
        keep, legal = split_legal_forms(tokens, keys)
        if legal:
            tokens = tuple(tokens[i] for i in keep)
    if not han:
        # Fast path (no Han characters): one form.
        romanised = _romanise_all(tokens, ascii_only)
        if mode == OBJECT:
            return [NameForm(original=name, tokens=romanised, script=script)] if romanised else []
        classes, codes = _legal(legal)
        final = _expand(romanised)
        if not final:
            return []
        return [
            NameForm(
                original=name,
                tokens=final,
                legal_forms=classes,
                script=script,
                legal_form_codes=codes,
            )
        ]
    slot = _combine([_slot(t, mode) for t in tokens])
    if mode == ORG and not any(slot[0]):
        # Nothing but legal forms ("有限公司", "Company Limited"): compare the words themselves.
        slot, legal = _combine([_slot(t, OBJECT) for t in tokens]), ()
    if mode == OBJECT:
        return _forms_from(name, script, (slot[0], slot[1], ()), (), expand=False)
    return _forms_from(name, script, slot, legal, expand=True)


def _person(
    name: str, script: str, tokens: tuple[str, ...], han: bool, note: str | None = None
) -> list[NameForm]:
    """Person forms: leading titles dropped, tokens romanised, nothing else."""
    known = titles()
    start = 0
    while start < len(tokens) - 1 and tokens[start] in known:
        start += 1
    dropped: tuple[str, ...] = ()
    if start:
        dropped = tokens[:start] if name.isascii() else _romanise_all(tokens[:start], False)
        tokens = tokens[start:]
    if not han:
        romanised = _romanise_all(tokens, name.isascii(), person=True)
        if not romanised:
            return []
        return [NameForm(original=name, tokens=romanised, script=script, note=note, titles=dropped)]
    slot = _combine([_slot(t, PERSON, i == 0) for i, t in enumerate(tokens)])
    return _forms_from(name, script, slot, (), expand=False, titles_dropped=dropped, note=note)


#: Names whose forms are memoised: the index build sees each listed name once or a few times, and a
#: screening run should not hold the forms of every name of a long file (memory flat in its size).
FORMS_CACHE_SIZE = 20_000


@lru_cache(maxsize=FORMS_CACHE_SIZE)
def _forms(name: str, mode: str) -> tuple[NameForm, ...]:
    tokens = tokenize(name)
    if not tokens:
        return ()
    script = detect_script(name)
    han = has_han(name)
    if mode == PERSON:
        return tuple(_person(name, script, tokens, han))
    if mode in (ORG, OBJECT):
        return tuple(_org(name, script, tokens, mode, han))
    # Unknown schema.
    if han:
        runs = [text for t in tokens for is_run_han, text in _han_runs(t) if is_run_han]
        as_org = _KANA.search(name) is not None or any(
            chinese.looks_like_org(chinese.segment(chinese.to_simplified(r))) for r in runs
        )
        if as_org:
            return tuple(_org(name, script, tokens, ORG, han))
        return tuple(_person(name, script, tokens, han))
    org = _org(name, script, tokens, ORG, han)
    if org and not _could_be_person(org[0]):
        return tuple(org)
    person = _person(name, script, tokens, han, note=NOTE_AS_PERSON)
    if not person or any(p.tokens == o.tokens for p in person for o in org):
        return tuple(org)
    return tuple(org + person[:1])


def _could_be_person(form: NameForm) -> bool:
    """False when the name carries a legal form that cannot be initials ("LLC", "OOO", "GmbH").

    Two-letter forms ("AB", "AS", "SA", "Co") are also initials or name words, so such a name may
    still be a person's.
    """
    return all(len(code) <= _INITIALS_LEN for code in form.legal_form_codes)


def name_forms(name: str, schema: Schema | None = None) -> list[NameForm]:
    """All comparable forms of ``name`` (at least one unless the name has no letters or digits).

    The first form is the main one; further forms (Han romanisation variants, the person reading of
    a name of unknown schema) carry a ``note``. Forms are immutable and shared between calls.
    """
    return list(_forms(name, _MODES.get(schema, UNKNOWN)))
