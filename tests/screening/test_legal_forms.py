"""Legal-form detection details: agreement with rigour's public API, span resolution, edge rules."""

from __future__ import annotations

import pytest
from rigour.names.org_types import extract_org_types

from aktsam.screening.legal_forms import RIGOUR_FLAGS, _extract, split_legal_forms
from aktsam.screening.names import tokenize


@pytest.mark.parametrize(
    "name",
    [
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "ООО Газпром",
        "Acme 股份有限公司",
        "Co-op",
    ],
)
@pytest.mark.parametrize("generic", [False, True])
def test_direct_rigour_call_equals_public_api(name: str, generic: bool) -> None:
    # legal_forms calls rigour's Rust entry point directly for speed; it must stay what the API returns.
    text = " ".join(tokenize(name))
    assert _extract(text, generic) == extract_org_types(text, RIGOUR_FLAGS, generic=generic)


def split(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tokens = tokenize(name)
    keep, forms = split_legal_forms(tokens, tokens)
    return tuple(tokens[i] for i in keep), tuple(f.code for f in forms)


@pytest.mark.parametrize(
    ("name", "kept", "codes"),
    [
        # the longest alias wins over the one inside it
        ("Acme Company Limited", ("acme",), ("coltd",)),
        ("Acme Pvt Ltd", ("acme",), ("pvtltd",)),
        ("Acme Private Limited", ("acme",), ("pvtltd",)),
        # forms at both ends are peeled, in name order
        ("PT Astra International Tbk", ("astra", "international"), ("pt", "tbk")),
        ("OOO Acme LLC", ("acme",), ("ooo", "llc")),
        # chains at one end
        ("Acme Holding Co Ltd", ("acme", "holding"), ("coltd",)),
        ("Acme GmbH & Co. KG", ("acme",), ("gmbhcokg",)),
        # a strong form is removed mid-name, a short one is not
        ("Siemens Aktiengesellschaft Österreich", ("siemens", "österreich"), ("ag",)),
        ("Bergen AS Shipping", ("bergen", "as", "shipping"), ()),
        # nothing is removed when nothing would remain
        ("Limited Liability Company", ("limited", "liability", "company"), ()),
        ("LLC", ("llc",), ()),
    ],
)
def test_split(name: str, kept: tuple[str, ...], codes: tuple[str, ...]) -> None:
    assert split(name) == (kept, codes)
