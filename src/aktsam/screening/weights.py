"""Every number the matcher uses: token weights, similarity rules, score mix, qualifier deltas.

One module, one place to tune (like nomenklatura's ``logic_v2/names/magic.py``). Each constant says why
it has its value; ``tests/screening`` pins the behaviour these numbers must produce (Hikvision found from
its Chinese name, "International Trading Company" finds nothing, a wrong birth year drops a person
below the default threshold...). Changing a value changes :data:`MODEL_SIGNATURE`, so a cached index
built with the old values is rebuilt rather than mixed with the new ones.
"""

from __future__ import annotations

import hashlib
from typing import Final

from aktsam.lists.model import NameKind

# --- token weights ------------------------------------------------------------------------------------

#: A token found in this many distinct listed names or fewer is fully distinctive (weight 1). Below 3
#: the IDF curve would separate "unique" from "two entries" (often one designation on two lists),
#: which says nothing about how distinctive the word is.
RARE_TOKEN_DF: Final[int] = 3

#: The lowest weight IDF can give a token. Even the most common given names ("muhammad", "ali") say
#: something, and a zero weight would let a name made of them match anything.
TOKEN_WEIGHT_FLOOR: Final[float] = 0.1

#: Weight of a generic business word (``data/generic_tokens.csv``: "trading", "international"...)
#: unless its row gives one. Low enough that "International Trading" never carries a match on its
#: own, not zero so that it still separates otherwise equal names.
GENERIC_TOKEN_WEIGHT: Final[float] = 0.08

#: Listed tokens at least this similar to a generic word (by the fuzzy rules below) are its spelling
#: variants ("technologii", "tekhnology") and weigh no more than it; their rarity would otherwise give
#: a generic word a distinctive weight.
GENERIC_VARIANT_MIN_SIMILARITY: Final[float] = 0.6

#: Most a one-letter token can weigh: an initial ("V. Putin") is a weak hint, whatever its frequency.
INITIAL_TOKEN_WEIGHT: Final[float] = 0.25

#: Weight of a one-letter token in an organisation, vessel or aircraft name, where it is a name part
#: ("Z Axis") rather than an initial: missing it must cost ("Axis Communications" is not "Z Axis").
#: Such letters match only the same letter, never a word's first letter.
ORGANIZATION_LETTER_WEIGHT: Final[float] = 0.6

#: Weight of a query token no listed name contains, not even approximately: unknown words are as
#: distinctive as the rarest listed ones and lower the query's coverage accordingly.
UNKNOWN_TOKEN_WEIGHT: Final[float] = 1.0

# --- token similarity ---------------------------------------------------------------------------------

#: Tokens shorter than this never match fuzzily: "rix" is not "rixo", "zte" is not "ztc". Three letters
#: leave no room for an edit that is a typo rather than another word.
FUZZY_MIN_LENGTH: Final[int] = 4

#: Cost of one edit relative to the token length: ``similarity = 1 - cost * edits / length``. Above 1
#: so that an edit in a short word counts for more than its share of letters: "jong"/"song" (0.6) and
#: "amin"/"amina" (0.68) are other names and stay below the default threshold on their own, while
#: "vladimr"/"vladimir" (0.8) is a typo.
FUZZY_EDIT_COST: Final[float] = 1.6

#: Edits allowed by the length of the longer token: 1 from 4 letters ("ladin"/"ldin"), 2 from 10
#: ("abdulrahman"/"abdurahmaan"). Distances are optimal string alignment (swapping neighbours is one
#: edit). Transliteration variants further apart ("mohammed"/"muhammad") are found phonetically.
MAX_EDITS_BY_LENGTH: Final[tuple[tuple[int, int], ...]] = ((10, 2), (4, 1))

#: Tokens with the same Metaphone code and at least this Jaro-Winkler similarity are transliteration
#: variants ("aleksandr"/"alexander"), even when more edits apart than allowed above.
PHONETIC_MIN_JARO_WINKLER: Final[float] = 0.84

#: A phonetic match is less certain than an edit-distance one: its Jaro-Winkler similarity is scaled
#: by this factor ("mohammed"/"muhammad" 0.72, "aleksandr"/"alexander" 0.76).
PHONETIC_SIMILARITY_FACTOR: Final[float] = 0.85

#: Shortest token matched phonetically. Jaro-Winkler rewards shared prefixes, so short words that only
#: extend one another ("amin"/"amina") go through edit distance alone.
PHONETIC_MIN_LENGTH: Final[int] = 6

#: Similarity of two tokens with the same romanisation key (:mod:`aktsam.screening.romanisation`): the
#: same Cyrillic name written by two romanisation systems ("saveljev"/"savelyev", "tjepa"/"chepa",
#: "kovaltjuk"/"kovalchuk"). As certain as the best phonetic match: the key folds ч and х together.
ROMANISATION_SIMILARITY: Final[float] = 0.85

#: Shortest token given a romanisation key. Four-letter syllables of Chinese and Korean names differ
#: by exactly the letters the key folds ("yang"/"jang", "yong"/"jong"), so they get none.
ROMANISATION_MIN_LENGTH: Final[int] = 5

#: Two tokens with the same key are neighbours only when the longer has at least this many letters:
#: five-letter given names meet their six-letter spellings ("maxim"/"maksim", "artem"/"artyom",
#: "fedor"/"fyodor"), while two five-letter syllables that the key folds together ("yeong"/"jeong",
#: two Korean syllables) stay apart.
ROMANISATION_LONGER_MIN_LENGTH: Final[int] = 6

#: Similarity of an initial with a word starting with that letter ("v"/"vladimir"). Initials only ever
#: match initials or first letters.
INITIAL_SIMILARITY: Final[float] = 0.6

#: Shortest part when a query token is read as two listed words ("jongun" -> "jong" + "un"); one
#: letter parts would make splits mostly accidental.
SPLIT_MIN_PART_LENGTH: Final[int] = 2

# --- name score ---------------------------------------------------------------------------------------

#: Exponent of the listed name's coverage in the name score, the query's coverage getting the rest:
#: ``score = listed_coverage ** s * query_coverage ** (1 - s)``, a weighted geometric mean, so a low
#: coverage on either side pulls the score down. Screening asks "is this listed party named in my
#: record?": a query containing all of "Dahua Technology" scores high despite an extra "Zhejiang",
#: while a listed name matched only in part does not.
LISTED_COVERAGE_SHARE: Final[float] = 0.65

#: A query's unmatched distinctive word (:data:`DISTINCTIVE_MIN_WEIGHT`, :data:`DISTINCTIVE_MIN_LENGTH`, not
#: a place name) that weighs more than everything the query matched says the query names another party:
#: "Hanwha Vision" against "IS?Vision", "Atlas Copco" against "ATLAS HOLDING", "ASUSTeK Computer" against
#: "NPO COMPUTER" matched one dictionary word and left the company's own name over. The geometric mean
#: forgives that (listed coverage 1 kept "Hanwha Vision" at 0.76), so the score of a listed organisation's
#: (or unstated kind's) name is then multiplied by ``(matched / (matched + unmatched distinctive weight))
#: ** UNMATCHED_DISTINCTIVE_EXPONENT``, at most 0.71, which takes such names below the threshold. When the
#: matched part outweighs every unmatched word ("Tawasul Hawala Company" against "TAWASUL COMPANY",
#: "Zhejiang Dahua Technology" against "Dahua Technology") nothing changes. Person names are exempt: a
#: query often carries a given or clan name the list leaves out. Measured on the benchmark's 10,333 queries
#: (2026-11-25): precision +1.0 pp, unlisted companies alerting 13 -> 5 of 158, recall -0.06 pp (4 of
#: 7,175 positives). Applying it to every unmatched distinctive word instead cost 2.3 pp of recall, to
#: words weighing at least 0.8 of the match 0.3 pp, and a like rule for persons' names (a different
#: surname on each side) 0.3 pp.
UNMATCHED_DISTINCTIVE_EXPONENT: Final[float] = 0.5

#: Unmatched query words lighter than this are not distinctive (common given names such as "muhammad",
#: generic business words): leaving them over costs only through the query coverage.
DISTINCTIVE_MIN_WEIGHT: Final[float] = 0.5

#: Unmatched query words shorter than this are not distinctive either: acronyms of three letters are most
#: often legal-form or type abbreviations the list spells out ("AO NPP Kontakt", "LLC IC Abros").
DISTINCTIVE_MIN_LENGTH: Final[int] = 4

#: Matched listed weight a person's name needs for its full score. One fully distinctive token is
#: enough; two very common given names ("Muhammad Ahmed", about 0.8) fall below the threshold, as
#: OFAC's guidance expects for such names without other data.
MIN_EVIDENCE_PERSON: Final[float] = 1.0

#: The same for every other listed name (organisations, vessels, entries of unstated kind). Lower,
#: because a company's distinctive word is often frequent in the lists themselves: "huawei" or
#: "gazprom" are in a hundred listed names (subsidiaries), so their IDF weight is only about 0.55, yet
#: the bare brand must find the company. Generic words alone (about 0.16) still fall far below.
MIN_EVIDENCE_OTHER: Final[float] = 0.5

#: Exponent on the evidence ratio: squaring makes thin evidence fall fast (0.8 of the evidence gives
#: 0.64 of the score) and leaves sufficient evidence untouched.
EVIDENCE_EXPONENT: Final[float] = 2.0

#: Endings of East Slavic patronymics ("Vladimirovich", "Grigoryevna"): lists spell them many ways and
#: queries usually omit them ("Alexander Lukashenko" is "LUKASHENKO, Alexander Grigoryevich").
PATRONYMIC_SUFFIXES: Final[tuple[str, ...]] = (
    "ovich",
    "evich",
    "ovych",
    "evych",
    "ovna",
    "evna",
    "ivna",
    "ichna",
    "ovitj",
    "evitj",
)

#: Shortest token read as a patronymic: "ovich" alone or "bovich" are surnames, not patronymics.
PATRONYMIC_MIN_LENGTH: Final[int] = 7

#: Two names that each keep a word the other lacks most likely name two parties ("Viktor Vladimirovich
#: FILIPPOV" / "Viktor Vladimirovich GULEVICH", "Aleksandr Konstantinovich AKIMOV" / "Oleg
#: Konstantinovich AKIMOV", "KOREA DAESONG BANK" / "KOREA DAESONG GENERAL TRADING CORPORATION"): the
#: score is multiplied by ``1 - penalty * w``, where ``w`` is the lighter of the two sides' heaviest
#: unmatched word (one-letter words and listed patronymics excepted; a word missing on one side only
#: is not a conflict). Measured in bench/screening.py: precision +1.1 pp, recall -0.4 pp on the
#: logic-v2 sample (CHANGELOG).
NAME_CONFLICT_PENALTY: Final[float] = 0.15

#: Share of its weight an unmatched patronymic of a person's listed name keeps in the listed total:
#: missing it costs a little (it may be another person's), not as much as a missing surname.
UNMATCHED_PATRONYMIC_FACTOR: Final[float] = 0.25

#: Most an organisation name loses when its matched words come in another order ("Melli Bank" vs "Bank
#: Melli" is likely the same); person names are freely reordered and never penalised.
ORGANIZATION_ORDER_PENALTY: Final[float] = 0.05

#: A query of one token of at most this many characters, or of initials only, must equal a listed name
#: exactly: otherwise "AB" or "J K" would hit thousands of entries.
SHORT_QUERY_MAX_LENGTH: Final[int] = 3

#: Highest score a short or initials-only query gets from anything but an exact full-name match.
SHORT_QUERY_CAP: Final[float] = 0.5

#: The converse: a listed organisation name of one token of at most this many letters (an acronym or
#: short name: "HUA" for Harakat ul-Ansar, "HUM") carries a match only for a query it covers apart from
#: light words (weight under ``DISTINCTIVE_MIN_WEIGHT``) and place names. With a weightier query word
#: left over, however short, the score is capped at ``SHORT_QUERY_CAP``: "大华" (Dahua, pinyin "da hua")
#: scored 0.81 against "HUA" by its second syllable, "SAP SE" 0.78 against the alias "SE".
SHORT_LISTED_MAX_LENGTH: Final[int] = 3

#: Share of its weight the seat of a listed organisation name keeps when the query leaves it out and
#: names no other place: "SenseTime" against "Beijing Sensetime Technology Development Co., Ltd." scored
#: 0.69, because "beijing" weighed 0.62 of 1.78. A Chinese enterprise name is built as administrative
#: division + trade name + industry + organisational form (Regulations on the Administration of
#: Enterprise Names, 企业名称登记管理规定, State Council, 1991, art. 7, the division "冠以" (put before) the
#: name; 2020 revision (Decree No. 734) art. 6 lists the same four parts): the seat says where the company
#: is registered, and companies use their names without it. Read in secondary transcriptions, not at the
#: source (the State Council's site could not be reached from here). A query naming another place
#: ("Tibet Public Security Bureau" for "Xinjiang Public Security Bureau") keeps the seat's full weight.
UNMATCHED_SEAT_FACTOR: Final[float] = 0.25

#: How much each kind of listed name is trusted: the publisher's weak aliases (OFAC/UN "low quality")
#: and names added from aktsam's alias table are slightly discounted, so a strong name wins a tie.
NAME_KIND_FACTOR: Final[dict[NameKind, float]] = {
    NameKind.PRIMARY: 1.0,
    NameKind.ALIAS: 1.0,
    NameKind.ORIGINAL_SCRIPT: 1.0,
    NameKind.FORMER: 0.97,
    NameKind.WEAK_ALIAS: 0.9,
    NameKind.ENRICHED: 0.95,
}

# --- qualifiers (added to the name score, the result clipped to [0, 1]) ------------------------------

#: Person query against an organisation entry (or the reverse): a different kind of party with the same
#: name is almost never the same party.
SCHEMA_MISMATCH_PERSON: Final[float] = -0.3

#: Organisation against vessel or aircraft: companies and their ships often share names, so milder.
SCHEMA_MISMATCH_OBJECT: Final[float] = -0.15

#: A query whose own name carries a company's legal form ("Al Noor Trading LLC", "…有限公司") against a
#: person, vessel or aircraft entry, whether or not the query states its kind: the name says it is a
#: company, and no person's, ship's or aircraft's name has a legal form. Stronger than
#: ``SCHEMA_MISMATCH_OBJECT``, which is for a company and a ship sharing the bare name: "Al Noor Trading
#: LLC" scored 0.88 through the one-word alias "NOOR" of a listed tanker.
SCHEMA_MISMATCH_LEGAL_FORM: Final[float] = -0.3

#: The query's country is one the entity is tied to (seat, address, nationality): mild corroboration.
COUNTRY_MATCH: Final[float] = 0.03

#: Both sides state countries and none is shared: evidence against, not proof (addresses go stale).
COUNTRY_MISMATCH: Final[float] = -0.1

#: The query's birth date equals a full listed birth date: strong corroboration.
DOB_EXACT: Final[float] = 0.05

#: The query's birth year is none of the entity's birth years: large enough that even an exact name
#: (1.0) falls below the default threshold.
DOB_YEAR_DISJOINT: Final[float] = -0.35

#: The query's birth year is none of the entity's, but one of them is a year before or after: lists
#: give approximate years and disagree by one (the UN lists PAK YONG SIK born 1949, the UK 1950), so
#: this is a weak contradiction, like a different day. Measured on bench/screening.py (cross-list
#: queries carry the other list's first birth date): see CHANGELOG, 2026-12-07 fourth session.
DOB_YEAR_NEAR: Final[float] = -0.1

#: Same birth year, different month or day: a weaker contradiction (lists often guess day and month).
DOB_DAY_DISJOINT: Final[float] = -0.1

#: An identifier (passport, registration number, IMO...) equal on both sides: near-proof of identity.
IDENTIFIER_MATCH: Final[float] = 0.3

#: Identifiers shorter than this (letters and digits only) are not compared: "123" proves nothing.
IDENTIFIER_MIN_LENGTH: Final[int] = 5

# --- retrieval ----------------------------------------------------------------------------------------

#: A token in more distinct listed names than this is "common": names are found through it only when it
#: is among their own most important tokens (prefix filtering), so the thousands of names holding
#: "muhammad" or "al" are never read whole. 82 tokens on the bundled lists; 50 to 400 were measured,
#: 150 to 300 were fastest (lower values hide more tokens, which loosens the candidate bounds).
COMMON_TOKEN_DF: Final[int] = 200

#: Lowest threshold the prefix filter is built for. A lower ``match`` threshold reads full postings of
#: common tokens instead: slower, same guarantees.
INDEX_MIN_THRESHOLD: Final[float] = 0.6

#: Default match threshold: what the screening tests and the OFAC test cases are calibrated on.
DEFAULT_THRESHOLD: Final[float] = 0.7

#: Default number of hits per query: a reviewer reads ten; a name on many lists is several entities.
DEFAULT_LIMIT: Final[int] = 10


def max_edits(length: int) -> int:
    """Edits allowed between two tokens whose longer one has ``length`` characters."""
    if length < FUZZY_MIN_LENGTH:
        return 0
    for min_length, edits in MAX_EDITS_BY_LENGTH:
        if length >= min_length:
            return edits
    return 0


def _signature() -> str:
    values = {
        name: value
        for name, value in globals().items()
        if name.isupper() and name != "MODEL_SIGNATURE" and not name.startswith("_")
    }
    text = repr(sorted((k, repr(v)) for k, v in values.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


#: Fingerprint of every constant above, stored in a saved index.
MODEL_SIGNATURE: Final[str] = _signature()
