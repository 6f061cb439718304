"""Han names: segmentation against zh_terms.csv, pinyin word grouping, traditional characters."""

from __future__ import annotations

import pytest

from aktsam.lists.model import Schema
from aktsam.screening import chinese
from aktsam.screening.names import name_forms


def kinds(run: str) -> list[tuple[str, str]]:
    return [(p.text, p.kind) for p in chinese.segment(run)]


def test_segmentation_longest_first() -> None:
    assert kinds("杭州海康威视数字技术股份有限公司") == [
        ("杭州", "place"),
        ("海康威视", "unknown"),
        ("数字", "generic"),
        ("技术", "generic"),
        ("股份有限公司", "legal_form"),  # not 股份 + 有限公司
    ]
    assert kinds("科大讯飞股份有限公司")[0] == ("科大讯飞", "unknown")


def test_admin_suffix_only_right_after_a_place() -> None:
    assert kinds("深圳市大疆") == [("深圳", "place"), ("市", "admin"), ("大疆", "unknown")]
    # 市 inside a name that does not follow a place stays part of the unknown run
    assert kinds("城市之光") == [("城市之光", "unknown")]


def test_traditional_characters_read_as_simplified() -> None:
    assert chinese.to_simplified("華信船務國際") == "华信船务国际"
    assert name_forms("商湯集團有限公司", Schema.ORGANIZATION)[0].tokens == ("shangtang", "group")


@pytest.mark.parametrize(
    ("syllables", "words"),
    [
        (("da", "hua"), ("dahua",)),
        (("hai", "neng", "da"), ("hainengda",)),
        (("hai", "kang", "wei", "shi"), ("haikang", "weishi")),
        (("a", "b", "c", "d", "e"), ("ab", "cde")),
        (("a", "b", "c", "d", "e", "f", "g"), ("ab", "cd", "efg")),
    ],
)
def test_pinyin_words_of_two_syllables(syllables: tuple[str, ...], words: tuple[str, ...]) -> None:
    assert chinese._words(syllables) == words


def test_pinyin_in_context_and_u_umlaut() -> None:
    assert chinese.pinyin("重庆") == ("chong", "qing")  # not zhong qing
    assert chinese.pinyin("吕") == ("lu",)


def test_forms_are_few_and_noted() -> None:
    found = name_forms("中兴通讯股份有限公司", Schema.ORGANIZATION)
    assert [f.tokens for f in found] == [
        ("zhongxing", "communications"),
        ("zhong", "xing", "communications"),
        ("zhongxing", "tongxun"),
    ]
    assert [f.note for f in found] == [
        chinese.NOTE_WORDS,
        chinese.NOTE_SYLLABLES,
        chinese.NOTE_PINYIN,
    ]
    assert all(f.legal_forms == ("jsc",) for f in found)


def test_mixed_latin_and_han() -> None:
    form = name_forms("TCL集团股份有限公司", None)[0]
    assert (form.tokens, form.legal_forms, form.script) == (("tcl", "group"), ("jsc",), "mixed")
    form = name_forms("CST有限会社", Schema.ORGANIZATION)[0]
    assert (form.tokens, form.legal_form_codes) == (("cst",), ("yk",))


def test_a_lone_legal_form_is_kept_as_pinyin() -> None:
    assert name_forms("有限公司", Schema.ORGANIZATION)[0].tokens == ("youxian", "gongsi")


def test_unknown_schema_short_han_name_is_a_person() -> None:
    assert [f.tokens for f in name_forms("华为", None)] == [("hua", "wei")]
    assert [f.tokens for f in name_forms("华为", Schema.ORGANIZATION)] == [
        ("huawei",),
        ("hua", "wei"),
    ]
