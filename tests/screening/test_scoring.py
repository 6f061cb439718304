"""Token similarity, token weights, the name score and the qualifiers, on hand-picked pairs.

Pairwise cases go through :func:`aktsam.screening.matcher.compare` (default weights: generic words low,
other tokens 1), so each assertion states a property of the scoring rules, not of list statistics.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from aktsam.errors import InputError
from aktsam.lists.model import NameKind, Schema
from aktsam.screening import weights as W
from aktsam.screening.matcher import compare
from aktsam.screening.names import name_forms
from aktsam.screening.qualifiers import (
    birth_date_adjustment,
    country_adjustment,
    identifier_adjustment,
    normalise_identifier,
    schema_adjustment,
)
from aktsam.screening.scoring import (
    ListedNameInfo,
    distinctive_weights,
    explain_name,
    name_score,
    patronymic_bits,
    place_tokens,
    prepare_form,
    seat_bits,
)
from aktsam.screening.vocabulary import (
    Vocabulary,
    deletions,
    idf_weight,
    is_patronymic,
    load_generic_tokens,
    token_similarity,
)

ORG = Schema.ORGANIZATION
PERSON = Schema.PERSON


# --- token similarity --------------------------------------------------------------------------------------


def test_tokens_of_three_letters_or_fewer_never_match_fuzzily() -> None:
    assert token_similarity("rix", "rixo") == 0.0
    assert token_similarity("zte", "ztc") == 0.0
    assert token_similarity("kim", "kin") == 0.0
    assert token_similarity("zte", "zte") == 1.0


def test_one_edit_is_allowed_from_four_letters_and_costs_more_in_short_words() -> None:
    short = token_similarity("ladin", "ldin")
    longer = token_similarity("vladimir", "vladimr")
    assert 0.0 < short < longer < 1.0
    assert short == pytest.approx(1 - W.FUZZY_EDIT_COST / 5)
    assert token_similarity("jong", "song") < W.DEFAULT_THRESHOLD  # different names, not a typo


def test_transpositions_count_as_one_edit() -> None:
    assert token_similarity("putin", "putni") == pytest.approx(1 - W.FUZZY_EDIT_COST / 5)


def test_two_edits_need_ten_letters() -> None:
    assert token_similarity("abdulrahman", "abdurahmaan") > 0.6  # 2 edits in 11 letters
    assert token_similarity("lukashenka", "lukashenko") > 0.8  # 1 edit in 10 letters
    assert token_similarity("petrovich", "petrovsky") == 0.0  # 3 edits


def test_transliteration_variants_match_phonetically() -> None:
    assert token_similarity("aleksandr", "alexander") > 0.7
    assert token_similarity("mohammed", "muhammad") > 0.7
    assert token_similarity("amin", "amina") < W.DEFAULT_THRESHOLD  # too short for phonetics


def test_initials_match_initials_and_first_letters_only() -> None:
    assert token_similarity("v", "vladimir") == W.INITIAL_SIMILARITY
    assert token_similarity("vladimir", "v") == W.INITIAL_SIMILARITY
    assert token_similarity("v", "putin") == 0.0
    assert token_similarity("v", "v") == 1.0


def test_deletion_neighbourhood() -> None:
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
    assert "ac" in deletions("abcd", 2)


# --- token weights -----------------------------------------------------------------------------------------


def test_idf_weight_is_one_for_rare_tokens_and_floored_for_common_ones() -> None:
    assert idf_weight(1, 100_000) == 1.0
    assert idf_weight(W.RARE_TOKEN_DF, 100_000) == 1.0
    assert 0.3 < idf_weight(600, 100_000) < 0.7
    assert idf_weight(99_000, 100_000) == W.TOKEN_WEIGHT_FLOOR


def test_generic_tokens_file_lists_business_words_and_no_names() -> None:
    generic = load_generic_tokens()
    for word in (
        "company",
        "trading",
        "international",
        "group",
        "holding",
        "general",
        "technology",
    ):
        assert word in generic, word
        assert generic[word].weight == W.GENERIC_TOKEN_WEIGHT
    for distinctive in ("hikvision", "dahua", "bank", "shipping", "china", "muhammad"):
        assert distinctive not in generic


def test_a_generic_token_row_without_source_or_date_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "generic.csv"
    path.write_text(
        "# comment\ntoken,weight,count,reason,source,date\n"
        "trading,,1,word,counted,2026-11-25\ngroup,,1,word,counted,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_generic_tokens(path)
    assert (caught.value.file, caught.value.row, caught.value.field) == (str(path), 4, "date")


def test_patronymics() -> None:
    assert is_patronymic("vladimirovich") and is_patronymic("grigoryevna")
    assert not is_patronymic("ivanov") and not is_patronymic("ovich")


# --- name score --------------------------------------------------------------------------------------------


def test_identical_names_score_one() -> None:
    assert compare("Hikvision", "HIKVISION").score == 1.0
    assert compare("Vladimir Putin", "PUTIN, Vladimir", PERSON).score == 1.0


def test_a_query_containing_the_whole_listed_name_scores_high() -> None:
    # (names the alias table does not know: "Dahua Technology" is also 浙江大华技术股份有限公司 there)
    uniview = compare("Zhejiang Uniview Technologies", "Uniview Technologies", ORG)
    other = compare("Zhejiang Uniview Technologies", "UNIVIEW ELECTRONICS CORPORATION", ORG)
    assert uniview.score >= 0.75
    assert other.score < 0.5
    assert uniview.explanation.unmatched_query == ("zhejiang",)
    assert other.explanation.unmatched_listed == ("electronics",)


def test_compare_gives_a_name_the_alias_table_s_other_names_as_screening_does() -> None:
    """compare and screen share the alias table: a name the table ties to another (an exchange short
    name, a registered Chinese name) scores through it, discounted as an enriched name and citing the
    table's row, as the listed entity does at index build."""
    full = compare("海康威视", "Hangzhou Hikvision Digital Technology Co., Ltd.", ORG)
    assert full.score == pytest.approx(W.NAME_KIND_FACTOR[NameKind.ENRICHED])
    assert full.explanation.listed_kind == NameKind.ENRICHED.value
    assert "Shenzhen Stock Exchange 002415" in (full.explanation.listed_source or "")
    short = compare("Hikvision", "海康威视", ORG)  # through the registered English name
    assert short.score > 0.0 and short.explanation.listed_kind == NameKind.ENRICHED.value
    assert compare("Hikvision", "Dahua Technology", ORG).score < 0.3  # another entity stays apart


def test_uyghur_spellings_are_one_word_in_organisation_names() -> None:
    spellings = ("Uyghur", "Uighur", "Uygur", "Uygar")
    forms = {name_forms(f"Xinjiang {s} Autonomous Region", ORG)[0].tokens for s in spellings}
    assert forms == {("xinjiang", "uyghur", "autonomous", "region")}
    query = "Public Security Department of Xinjiang Uyghur Autonomous Region"
    listed = "PUBLIC SECURITY DEPARTMENT OF XINJIANG UYGAR AUTONOMOUS REGION"
    assert compare(query, listed, ORG).score == 1.0


def test_listed_coverage_weighs_more_than_query_coverage() -> None:
    listed_covered = compare("Alpha Beta Gamma", "Alpha Beta").score
    query_covered = compare("Alpha Beta", "Alpha Beta Gamma").score
    assert listed_covered > query_covered


def test_generic_words_alone_never_carry_a_match() -> None:
    assert compare("International Trading Company", "International Trading Co.", ORG).score < 0.3
    assert compare("General Trading LLC", "General Trading Company", ORG).score < 0.3
    # but they do not prevent one either
    assert (
        compare("Rixo International Trading Ltd", "RIXO INTERNATIONAL TRADING LTD", ORG).score
        == 1.0
    )


def test_short_and_initials_only_queries_need_an_exact_full_name() -> None:
    assert compare("AB", "AB Trading", ORG).score <= W.SHORT_QUERY_CAP
    assert compare("ZTE", "ZTE Corporation", ORG).score == 1.0  # legal form removed: exact
    assert compare("J K", "John Kennedy", PERSON).score <= W.SHORT_QUERY_CAP
    explanation = compare("AB", "AB Trading", ORG).explanation
    assert "short_query" in [a.feature for a in explanation.adjustments] or explanation.score < 0.5


def test_one_token_of_three_letters_is_short_but_four_is_not() -> None:
    assert compare("VTB", "VTB Capital", ORG).score <= W.SHORT_QUERY_CAP
    assert compare("Sber", "Sber Capital", ORG).score > W.SHORT_QUERY_CAP


def test_fuzzy_tokens_lower_the_score_but_keep_a_match() -> None:
    exact = compare("Usama bin Ladin", "Usama bin Ladin", PERSON).score
    typo = compare("Usama bin Ldin", "Usama bin Ladin", PERSON)
    assert exact == 1.0
    assert 0.8 < typo.score < 1.0
    fuzzy = [p for p in typo.explanation.pairs if p.match == "fuzzy"]
    assert [(p.query, p.listed) for p in fuzzy] == [("ldin", "ladin")]


def test_person_names_are_order_free_organisation_names_are_not() -> None:
    assert compare("Putin Vladimir", "Vladimir Putin", PERSON).score == 1.0
    swapped = compare("Melli Bank", "Bank Melli", ORG)
    assert pytest.approx(swapped.score) == 1.0 - W.ORGANIZATION_ORDER_PENALTY
    assert "order_mismatch" in [a.feature for a in swapped.explanation.adjustments]


def test_initials_match_with_low_weight() -> None:
    full = compare("John Fitzgerald Kennedy", "John Fitzgerald Kennedy", PERSON).score
    initial = compare("John F Kennedy", "John Fitzgerald Kennedy", PERSON)
    assert full == 1.0
    assert 0.6 < initial.score < 1.0
    assert ("f", "fitzgerald", "initial") in [
        (p.query, p.listed, p.match) for p in initial.explanation.pairs
    ]


def test_a_one_letter_part_of_an_organisation_name_is_not_an_initial() -> None:
    assert compare("Axis Communications AB", "Z AXIS LLC", ORG).score < 0.6
    assert compare("Z Axis", "Z AXIS LLC", ORG).score == 1.0


def test_compounds_match_across_spacing() -> None:
    assert compare("Sber Bank", "Sberbank", ORG).score == 1.0
    assert compare("Kim Jongun", "Kim Jong Un", PERSON).score == 1.0


def test_a_missing_patronymic_costs_little() -> None:
    without = compare("Alexander Lukashenko", "LUKASHENKO, Alexander Grigoryevich", PERSON)
    other = compare("Alexander Lukashenko", "LUKASHENKO, Alexander Viktor", PERSON)
    assert without.score > 0.8 > other.score
    assert "patronymic_missing" in [a.feature for a in without.explanation.adjustments]


def test_chinese_original_script_meets_its_listed_romanisation() -> None:
    result = compare(
        "杭州海康威视数字技术股份有限公司", "Hangzhou Haikang Weishi Digital Technology", ORG
    )
    assert result.score == 1.0
    assert "jsc" in result.explanation.query_legal_forms


def test_explanation_is_json_serialisable_and_adds_up() -> None:
    result = compare("Zhejiang Uniview Technology Co., Ltd.", "Uniview Technology", ORG)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    explanation = data["explanation"]
    assert explanation["query"]["legal_forms"] == ["llc"]
    assert [p["query"] for p in explanation["pairs"]] == ["uniview", "technology"]
    assert explanation["unmatched_query"] == ["zhejiang"]
    assert explanation["listed"]["kind"] == "primary"
    total = explanation["base_score"] + sum(a["delta"] for a in explanation["adjustments"])
    assert total == pytest.approx(explanation["score"], abs=1e-3)
    assert result.explanation.summary().startswith("'Uniview Technology' [primary]")


def test_names_without_letters_or_digits_score_zero() -> None:
    result = compare("---", "Dahua")
    assert result.score == 0.0 and result.explanation.pairs == ()


# --- qualifiers --------------------------------------------------------------------------------------------


def test_schema_mismatch() -> None:
    person_vs_org = schema_adjustment(PERSON, ORG)
    assert person_vs_org is not None and person_vs_org.delta == W.SCHEMA_MISMATCH_PERSON
    org_vs_vessel = schema_adjustment(ORG, Schema.VESSEL)
    assert org_vs_vessel is not None and org_vs_vessel.delta == W.SCHEMA_MISMATCH_OBJECT
    assert schema_adjustment(None, ORG) is None
    assert schema_adjustment(PERSON, Schema.UNKNOWN) is None
    assert schema_adjustment(ORG, ORG) is None


def test_a_legal_form_in_the_query_name_makes_it_a_company() -> None:
    # issue #11: "Al Noor Trading LLC" scored 0.88 through a listed tanker's one-word alias "NOOR"
    for stated in (None, Schema.UNKNOWN, ORG):
        for listed in (Schema.VESSEL, Schema.AIRCRAFT, PERSON):
            adjustment = schema_adjustment(stated, listed, ("llc",))
            assert adjustment is not None
            assert adjustment.delta == W.SCHEMA_MISMATCH_LEGAL_FORM
            assert "legal form llc" in adjustment.detail
    assert schema_adjustment(None, ORG, ("llc",)) is None
    assert schema_adjustment(None, Schema.UNKNOWN, ("llc",)) is None
    # a stated person keeps the person rule; without a legal form nothing is inferred
    person_adjustment = schema_adjustment(PERSON, Schema.VESSEL, ("llc",))
    assert person_adjustment is not None
    assert person_adjustment.delta == W.SCHEMA_MISMATCH_PERSON
    assert schema_adjustment(None, Schema.VESSEL) is None


def test_country_match_and_mismatch() -> None:
    match = country_adjustment(("CN",), frozenset({"cn", "hk"}))
    assert match is not None and (match.feature, match.delta) == ("country_match", W.COUNTRY_MATCH)
    miss = country_adjustment(("se",), frozenset({"cn"}))
    assert miss is not None and (miss.feature, miss.delta) == (
        "country_mismatch",
        W.COUNTRY_MISMATCH,
    )
    assert country_adjustment((), frozenset({"cn"})) is None
    assert country_adjustment(("cn",), frozenset()) is None


@pytest.mark.parametrize(
    ("query", "listed", "feature"),
    [
        ("1952-10-07", ["1952-10-07"], "dob_exact"),
        ("1952", ["1952-10-07"], None),
        ("1952-10-07", ["1952"], None),
        ("1952-10-08", ["1952-10-07"], "dob_day_disjoint"),
        ("1952-11", ["1952-10-07"], "dob_day_disjoint"),
        ("1960", ["1952-10-07", "1953"], "dob_year_disjoint"),
        ("1950", ["1949"], "dob_year_near"),
        ("1954-02-01", ["1952-10-07", "1953"], "dob_year_near"),
        ("1955", ["1953"], "dob_year_disjoint"),
        ("1960-01-01", [], None),
    ],
)
def test_birth_dates_compare_at_the_precision_both_sides_have(
    query: str, listed: list[str], feature: str | None
) -> None:
    result = birth_date_adjustment(query, listed)
    assert (result.feature if result else None) == feature


def test_a_wrong_birth_year_sinks_even_an_exact_name_below_the_default_threshold() -> None:
    assert 1.0 + W.DOB_YEAR_DISJOINT < W.DEFAULT_THRESHOLD
    # a year one off is a weak contradiction: an exact name stays a hit, a weak one does not
    assert 1.0 + W.DOB_YEAR_NEAR >= W.DEFAULT_THRESHOLD
    assert W.DOB_YEAR_DISJOINT < W.DOB_YEAR_NEAR < 0


def test_identifiers_match_ignoring_spaces_and_punctuation() -> None:
    assert normalise_identifier("ab 12-345.6") == "AB123456"
    listed = {"91330000733796106P": "registration 91330000733796106P"}
    found = identifier_adjustment(["9133 0000 7337 9610 6p"], listed)
    assert found is not None and found.feature == "identifier_match"
    assert identifier_adjustment(["123"], {"123": "x"}) is None  # too short to trust


# --- the weights module ------------------------------------------------------------------------------------


def test_every_weight_is_a_typed_constant_with_its_reason() -> None:
    source = Path(W.__file__).read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    constants = [
        node
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id.isupper()
    ]
    assert len(constants) >= 30
    for node in constants:
        assert isinstance(node.target, ast.Name)
        assert "Final" in ast.unparse(node.annotation), node.target.id
        above = lines[node.lineno - 2].strip()
        reasoned = above.startswith("#:") or re.search(r"#: ", lines[node.lineno - 3])
        assert reasoned, f"{node.target.id} has no '#:' comment giving its reason"
    assert re.fullmatch(r"[0-9a-f]{16}", W.MODEL_SIGNATURE)


# --- unmatched distinctive query words ---------------------------------------------------------------------

#: listed names these tests score against: "vision", "auto", "atlas" are in many listed names (IDF < 1),
#: "tawasul" and "dahua" in one; 10,000 listed names in all
_DOC_FREQ = {"vision": 40, "auto": 25, "atlas": 40, "holding": 300, "tawasul": 1, "company": 3000}
_DOC_FREQ |= {"dahua": 1, "technology": 900}


_DOC_FREQ |= {"hua": 6, "da": 12, "sensetime": 1, "beijing": 60, "development": 700}
_DOC_FREQ |= {"public": 60, "security": 80, "bureau": 244, "turpan": 1, "tibet": 1}


def _name_score(
    query: str, listed: str, schema: Schema = ORG, form: int = 0
) -> tuple[float, list[str]]:
    """(score, adjustment features) of ``listed`` for ``query`` (its form number ``form``) with the
    weights of ``_DOC_FREQ``; seats as the index gives them."""
    vocab = Vocabulary.build(_DOC_FREQ, 10_000, load_generic_tokens())
    pf = prepare_form(name_forms(query, schema)[form], vocab)
    listed_form = name_forms(listed, schema)[0]
    tids = tuple(vocab.index[t] for t in listed_form.tokens)
    total = sum(vocab.weights[t] for t in tids)
    person = int(schema is PERSON)
    seats = 0 if person else seat_bits(listed_form.tokens, listed_form.legal_forms)
    score = name_score(pf, tids, total, 1.0, person, 0, 0, vocab, seats)
    info = ListedNameInfo(listed, NameKind.PRIMARY, None, None, ())
    explanation = explain_name(pf, tids, total, person, 0, 0, vocab, info, seats)
    assert explanation.score == pytest.approx(max(0.0, min(1.0, score)))
    return score, [a.feature for a in explanation.adjustments]


def test_places_are_one_word_place_names() -> None:
    places = place_tokens()
    assert {"zhejiang", "shenzhen", "beijing", "china"} <= places
    assert "dahua" not in places and "republic" not in places


def test_distinctive_weights_leave_out_places_acronyms_and_light_words() -> None:
    tokens = ("zhejiang", "dahua", "technology", "npp", "muhammad", "hanwha")
    weights = (0.8, 1.0, 0.08, 1.0, 0.3, 1.0)
    assert distinctive_weights(tokens, weights) == (0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Hanwha Vision Co., Ltd.", "IS?Vision"),  # bench neg-company, was 0.759
        ("Skoda Auto a.s.", "RT-AUTO"),  # was 0.761
        ("Atlas Copco AB", "ATLAS HOLDING"),  # was 0.718
    ],
)
def test_an_unmatched_distinctive_word_outweighing_the_match_is_another_company(
    query: str, listed: str
) -> None:
    score, features = _name_score(query, listed)
    assert score < W.DEFAULT_THRESHOLD
    assert "unmatched_distinctive" in features


def test_an_unmatched_word_lighter_than_the_match_costs_nothing_more() -> None:
    score, features = _name_score("Tawasul Hawala Company", "TAWASUL COMPANY")
    assert score >= W.DEFAULT_THRESHOLD
    assert "unmatched_distinctive" not in features
    # a place name left over is no evidence of another party
    score, features = _name_score("Zhejiang Dahua Technology", "Dahua Technology")
    assert score >= 0.75
    assert "unmatched_distinctive" not in features


def test_a_chinese_syllable_is_distinctive_however_short() -> None:
    # "大华" read as pinyin syllables "da hua": "da" is a character, a full part of the name
    tokens, weights = ("da", "hua"), (0.65, 0.82)
    assert distinctive_weights(tokens, weights) == (0.0, 0.0)
    assert distinctive_weights(tokens, weights, syllables=True) == (0.65, 0.82)


def test_a_short_one_word_listed_name_does_not_carry_a_longer_query() -> None:
    # issue #11: 大华 (Dahua) scored 0.81 against "HUA", the acronym alias of Harakat ul-Ansar
    forms = name_forms("大华", ORG)
    syllable_forms = [i for i, f in enumerate(forms) if "hua" in f.tokens and "da" in f.tokens]
    assert syllable_forms
    for i in syllable_forms:
        score, features = _name_score("大华", "HUA", ORG, form=i)
        assert score <= W.SHORT_QUERY_CAP
        assert "short_listed_name" in features
    # the acronym alone is still found, and so is a query that adds only generic words
    assert _name_score("HUA", "HUA")[0] == pytest.approx(1.0)
    score, features = _name_score("HUA Company", "HUA")
    assert score >= W.DEFAULT_THRESHOLD and "short_listed_name" not in features


def test_a_short_word_left_over_also_keeps_an_acronym_from_carrying_the_query() -> None:
    # "SAP SE" of unstated kind is also read as a person's name, which keeps "SE" as a word; it met
    # "SE", the acronym alias of the Sect of Revolutionaries (us-csl:12605), at 0.78 with "SAP" left
    # over: three letters, too short to be distinctive, but weighty
    found = compare("SAP SE", "SE")
    assert found.score <= W.SHORT_QUERY_CAP
    assert "short_listed_name" in [a.feature for a in found.explanation.adjustments]
    # the acronym still meets itself, and a query adding a light or place word
    assert compare("SE", "SE").score == pytest.approx(1.0)
    assert compare("HUA Beijing", "HUA", ORG).score >= W.DEFAULT_THRESHOLD


def test_a_company_seat_left_out_of_the_query_counts_little() -> None:
    # issue #11: "SenseTime" scored 0.69 against the Entity List's "Beijing Sensetime Technology
    # Development Co., Ltd."
    score, features = _name_score("SenseTime", "Beijing Sensetime Technology Development Co., Ltd.")
    assert score >= W.DEFAULT_THRESHOLD
    assert "seat_missing" in features
    without_seat, _ = _name_score("SenseTime", "Sensetime Technology Development Co., Ltd.")
    assert score < without_seat


def test_a_seat_is_kept_when_the_query_names_another_place_or_the_name_is_no_company() -> None:
    # another place in the query: the seats differ
    _, features = _name_score(
        "Shanghai Sensetime", "Beijing Sensetime Technology Development Co., Ltd."
    )
    assert "seat_missing" not in features
    # no legal form: a public body, whose place is what tells it apart
    score, features = _name_score("Public Security Bureau", "Turpan Public Security Bureau")
    assert "seat_missing" not in features
    assert score < W.DEFAULT_THRESHOLD
    assert seat_bits(("turpan", "public", "security", "bureau"), ()) == 0
    assert seat_bits(("beijing", "sensetime"), ("ltd",)) == 0b1
    assert seat_bits(("beijing", "china"), ("ltd",)) == 0  # nothing but places: no seat


def test_person_names_are_exempt_from_the_unmatched_distinctive_rule() -> None:
    # an extra given or clan name in a person query is common; it costs only through query coverage
    _, features = _name_score("Hanwha Vision", "Vision", PERSON)
    assert "unmatched_distinctive" not in features


def test_a_name_has_one_patronymic_even_when_its_surname_looks_like_one() -> None:
    assert patronymic_bits(("viktor", "vladimirovich", "gulevich")) == 0b010
    assert patronymic_bits(("gulevich", "viktor", "vladimirovich")) == 0b100
    assert patronymic_bits(("sergei", "ivanovich", "petrov")) == 0b010
    assert patronymic_bits(("sergei", "petrov")) == 0
