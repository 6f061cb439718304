"""Build ``data/arabic_names.csv`` from the official lists: how the EU and UN romanise each Arabic
name word.

Run from the repository root: ``python scripts/mine_arabic_names.py data/lists > table.csv``.

Why mine instead of transliterating: Arabic script leaves out short vowels, so letter-by-letter
output (``محمد`` -> ``mhmd``) is far from every list spelling. The EU consolidated list (FSF XML)
and the UN consolidated list give many persons both an Arabic-script name and Latin names. Where an
Arabic name and a Latin name of the same entry have the same number of words, and each Arabic word's
consonants agree with the Latin word's, the words are paired. Each entry votes once per pair; the
Latin spelling with most votes wins. The Arabic article ``ال`` is tried both attached and split off
(``الظواهري`` = ``al zawahiri``), keeping the variant whose word count matches.

The output cites, per row, how many entries support the spelling and one EU/UN reference number.

Importable: :func:`list_entries` reads the files, :func:`mine_entries` mines any subset of those
entries, and :func:`mine` does both; :func:`entry_pairs` is one entry's vote. ``bench/screening.py``
re-mines the table without the entries it holds out, so that the benchmark does not answer a
held-out name with a word pair learnt from that very entry.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from aktsam.screening.translit import ARTICLE, ARTICLE_MIN_WORD, fold_arabic, romanise_icu

_ARABIC_WORD = re.compile(r"[\u0600-\u06FF\u0750-\u077F]+")
_LATIN_SPLIT = re.compile(r"[a-z]+")
_VOWELS = re.compile(r"[aeiouyw']")
EU_FILE = "eu-fsf/20240513-FULL-1_1(xsd).xml"
UN_FILE = "un-sc-consolidated/un_consolidated.xml"
MIN_SIMILARITY = 0.6
_UN_REF = re.compile(r"^([A-Z]{2}[ie])\.0*(\d+)$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One EU or UN list entry: its names split by script, and the aktsam entity ids it stands for.

    ``ids``: ``eu-fsf:<logicalId>`` or ``un-sc:<reference>`` (aktsam's ``ListedEntity.id``), plus,
    for an EU entry, ``un-sc:<reference>`` of the UN designation it says it is (``unitedNationId``,
    zero-padded and as written), so that excluding a UN designation excludes its EU copy too.
    ``ref`` is the reference number the table cites.
    """

    ids: frozenset[str]
    ref: str
    arabic: tuple[str, ...]
    latin: tuple[str, ...]


#: (arabic word, latin spelling, supporting entries, example reference, example latin name)
MinedWord = tuple[str, str, int, str, str]


def un_ids(reference: str) -> set[str]:
    """``un-sc:<ref>`` for a UN reference as written and zero-padded (the EU writes ``QDi.43``)."""
    ref = reference.strip()
    if not ref:
        return set()
    out = {f"un-sc:{ref}"}
    match = _UN_REF.match(ref)
    if match is not None:
        out.add(f"un-sc:{match.group(1)}.{int(match.group(2)):03d}")
    return out


def _latin_tokens(name: str) -> list[str]:
    text = name.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    return _LATIN_SPLIT.findall(text)


def _skeleton(word: str) -> str:
    """Consonants only, with common spelling alternations unified (ou/u, ee/i, kh/k, dh/z…)."""
    word = word.replace("ph", "f").replace("q", "k").replace("kh", "k").replace("gh", "g")
    word = word.replace("dh", "z").replace("th", "t").replace("sh", "s").replace("ch", "s")
    word = word.replace("j", "g").replace("v", "f").replace("e", "i").replace("o", "u")
    word = _VOWELS.sub("", word.replace("h", ""))
    return re.sub(r"(.)\1", r"\1", word)


def _agrees(arabic: str, latin: str) -> bool:
    roman = "".join(romanise_icu(arabic, arabic=True))
    a, b = _skeleton(roman), _skeleton(latin)
    if not a or not b:
        return False
    return Levenshtein.normalized_similarity(a, b) >= MIN_SIMILARITY


def _article_fused(arabic: str, latin: str) -> bool:
    """An article-prefixed word kept whole (``السيد``): skipped.

    At run time such words are always split (``al`` + word), the way lists mostly write them.
    """
    return arabic.startswith(ARTICLE) and len(arabic) >= ARTICLE_MIN_WORD


def _arabic_variants(name: str) -> list[list[str]]:
    words = [fold_arabic(w) for w in _ARABIC_WORD.findall(name)]
    split: list[str] = []
    for word in words:
        if word.startswith(ARTICLE) and len(word) >= ARTICLE_MIN_WORD:
            split.extend(["ال", word[2:]])
        else:
            split.append(word)
    return [words] if split == words else [words, split]


def _eu_entries(path: Path) -> Iterator[Entry]:
    for _, elem in ET.iterparse(path):
        if not elem.tag.endswith("sanctionEntity"):
            continue
        arabic: list[str] = []
        latin: list[str] = []
        for alias in elem:
            if not alias.tag.endswith("nameAlias"):
                continue
            whole = alias.get("wholeName") or ""
            (arabic if _ARABIC_WORD.search(whole) else latin).append(whole)
        ids = {f"eu-fsf:{elem.get('logicalId') or elem.get('euReferenceNumber') or '?'}"}
        for un_ref in re.split(r"[\s;,]+", elem.get("unitedNationId") or ""):
            ids |= un_ids(un_ref)
        ref = elem.get("euReferenceNumber") or elem.get("logicalId") or "?"
        yield Entry(frozenset(ids), ref, tuple(arabic), tuple(latin))
        elem.clear()


def _un_entries(path: Path) -> Iterator[Entry]:
    root = ET.parse(path).getroot()
    for elem in root.iter():
        if elem.tag not in ("INDIVIDUAL", "ENTITY"):
            continue
        ref = elem.findtext("REFERENCE_NUMBER") or "?"
        arabic = [e.text or "" for e in elem.iter("NAME_ORIGINAL_SCRIPT")]
        parts = [
            elem.findtext(t) or ""
            for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        ]
        latin = [" ".join(p for p in parts if p)]
        for alias in elem.iter("INDIVIDUAL_ALIAS"):
            latin.append(alias.findtext("ALIAS_NAME") or "")
        yield Entry(
            frozenset(un_ids(ref)),
            ref,
            tuple(a for a in arabic if _ARABIC_WORD.search(a)),
            tuple(x for x in latin if x),
        )


def list_entries(lists_dir: Path) -> list[Entry]:
    """Every entry of the EU and UN files the table is mined from, in file order."""
    return [*_eu_entries(lists_dir / EU_FILE), *_un_entries(lists_dir / UN_FILE)]


def mine(lists_dir: Path) -> list[MinedWord]:
    """The table mined from every entry of the EU and UN files in ``lists_dir``."""
    return mine_entries(list_entries(lists_dir))


def entry_pairs(entry: Entry) -> dict[tuple[str, str], str]:
    """The (Arabic word, Latin word) pairs one entry gives, each with the first Latin name it was
    found in. An entry votes once per pair, however many of its names show it."""
    pairs: dict[tuple[str, str], str] = {}
    for arabic in entry.arabic:
        for words in _arabic_variants(arabic):
            for latin in entry.latin:
                tokens = _latin_tokens(latin)
                if len(tokens) != len(words):
                    continue
                if all(a == ARTICLE or _agrees(a, t) for a, t in zip(words, tokens, strict=True)):
                    for a, t in zip(words, tokens, strict=True):
                        if not _article_fused(a, t):
                            pairs.setdefault((a, t), latin)
    return pairs


def best_spelling(votes: Counter[str]) -> tuple[str, int]:
    """The spelling with most votes (ties: alphabetical first) and its votes."""
    best, count = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    return best, count


def mine_entries(entries: Iterable[Entry]) -> list[MinedWord]:
    """(arabic word, latin spelling, supporting entries, example reference, example latin name),
    from ``entries`` only, sorted by word."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    example: dict[tuple[str, str], tuple[str, str]] = {}
    for entry in entries:
        for (a, t), latin in entry_pairs(entry).items():
            votes[a][t] += 1
            example.setdefault((a, t), (entry.ref, latin))
    out: list[MinedWord] = []
    for word, counter in sorted(votes.items()):
        best, count = best_spelling(counter)
        ref, latin = example[(word, best)]
        out.append((word, best, count, ref, latin))
    return out


def main(argv: list[str]) -> int:
    lists_dir = Path(argv[1] if len(argv) > 1 else "data/lists")
    print("arabic,latin,source,date")
    for word, latin, count, ref, name in mine(lists_dir):
        name = name.replace('"', "'")
        lists = "EU FSF 2024-05-13 / UN SC consolidated (data/lists)"
        source = f"{lists}: {count} entr{'y' if count == 1 else 'ies'}; e.g. {ref} '{name}'"
        print(f'{word},{latin},"{source}",2026-11-25')
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
