"""Dated ownership rules: which sanctions ownership test applies on a date, and the BIS Affiliates Rule
(in force 29 Sep 2025, suspended 10 Nov 2025 - 9 Nov 2026, back from 10 Nov 2026; an extension is one
added data row)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aktsam.errors import ConfigError
from aktsam.lists.ownership_rules import (
    RULES_FILE,
    Holding,
    Listing,
    affiliates_finding,
    affiliates_rule_status,
    licence_terms,
    load_rules,
    ownership_test_on,
    policy_rank,
)

TODAY = date(2026, 12, 7)
EL_DENIAL = Listing("EL", "us-csl:cetc52", "CETC 52nd Research Institute",
                    "All items subject to the EAR.", "Presumption of denial.")  # fmt: skip
EL_CASE = Listing("EL", "us-csl:hik", "Hangzhou Hikvision",
                  "For all items subject to the EAR.  (See §744.11 of the EAR)",
                  "Case-by-case review for ECCNs 1A004.c; presumption of denial for all other items")  # fmt: skip
MEU = Listing("MEU", "us-csl:meu", "AECC Aero Science",
              "For any item subject to the EAR listed in supplement no. 2 to part 744.",
              "The license application procedure and license review policy for entities specified in "
              "supplement no. 2 to part 744 is specified in §744.21(d) and (e).")  # fmt: skip


def h(holder: str, share: float | None, *listings: Listing) -> Holding:
    return Holding(holder, share, listings or (EL_DENIAL,), (holder,))


# --- sanctions ownership tests -------------------------------------------------------------------


def test_every_row_has_a_source_a_citation_and_a_publication_date() -> None:
    rules = load_rules()
    for test in rules.tests:
        assert test.row.source.startswith("https://") and test.row.citation and test.row.published
    assert rules.affiliates.source.startswith("https://")
    assert all(p.row.source.startswith("https://") for p in rules.affiliates.periods)


def test_eu_test_changed_on_3_july_2024() -> None:
    before, after = (
        ownership_test_on("EU", date(2024, 7, 2)),
        ownership_test_on("EU", date(2024, 7, 3)),
    )
    assert before is not None and after is not None
    assert (before.comparison, before.threshold) == (">", 50.0)
    assert (after.comparison, after.aggregate) == (">=", "all")
    assert not before.passes(50.0) and after.passes(50.0)
    assert "non-binding" in after.row.note.casefold() and not after.row.verified
    assert "3 July 2024" in after.describe()


def test_uk_aggregates_only_joint_arrangements_and_us_aggregates_all() -> None:
    uk, us = ownership_test_on("UK", TODAY), ownership_test_on("US", TODAY)
    assert uk is not None and us is not None
    assert (uk.comparison, uk.aggregate, uk.control) == (">", "joint-only", True)
    assert "4.14" in uk.row.citation and "joint arrangement" in uk.section
    assert (us.comparison, us.aggregate, us.control) == (">=", "all", False)
    assert ownership_test_on("US", date(2010, 1, 1)) is not None
    assert ownership_test_on("US", date(2010, 1, 1)).aggregate == "none"  # type: ignore[union-attr]
    assert ownership_test_on("US", date(2000, 1, 1)) is None


# --- the Affiliates Rule's dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (date(2025, 9, 28), "not-yet"),
        (date(2025, 9, 29), "in-force"),
        (date(2025, 11, 9), "in-force"),
        (date(2025, 11, 10), "suspended"),
        (date(2026, 11, 9), "suspended"),
        (date(2026, 11, 10), "in-force"),
        (TODAY, "in-force"),
    ],
)
def test_affiliates_rule_state_on_each_side_of_each_date(day: date, state: str) -> None:
    assert affiliates_rule_status(day).state == state


def test_suspended_says_when_it_would_apply_and_reimposition_carries_the_unverified_note() -> None:
    suspended = affiliates_rule_status(date(2026, 1, 1))
    assert "would apply from 2026-11-10" in suspended.describe()
    back = affiliates_rule_status(TODAY)
    assert back.period is not None and back.period.row.verified is False
    assert any("could not be checked at the source on 2026-12-07" in c for c in back.caveats)
    assert any("federalregister.gov" in c for c in back.caveats)


def _with_extension(tmp_path: Path) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    text += """    - state: suspended
      from: 2026-11-10
      until: 2027-11-09
      published: 2026-11-06
      source: https://www.federalregister.gov/example-extension
      citation: a hypothetical extension of the suspension (test data)
      verified: true
      note: test row
"""
    path = tmp_path / "ownership_rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_extension_of_the_suspension_is_one_data_row(tmp_path: Path) -> None:
    rules = load_rules(_with_extension(tmp_path))
    assert affiliates_rule_status(TODAY, rules).state == "suspended"
    assert "would apply from 2027-11-10" in affiliates_rule_status(TODAY, rules).describe()
    assert affiliates_rule_status(date(2027, 11, 10), rules).state == "in-force"
    assert affiliates_rule_status(date(2026, 1, 1), rules).state == "suspended"
    finding = affiliates_finding([h("cetc52", 60.0)], on=TODAY, party_country="CN", rules=rules)
    assert finding.outcome == "suspended" and finding.captured


# --- the Affiliates Rule applied ----------------------------------------------------------------


def test_exactly_fifty_percent_requires_a_licence_forty_nine_does_not() -> None:
    fifty = affiliates_finding([h("owner", 50.0)], on=TODAY, party_country="CN")
    assert fifty.outcome == "licence-required" and fifty.captured
    assert "owner 50 % = 50 % ≥ 50 %" in fifty.arithmetic
    below = affiliates_finding([h("owner", 49.0)], on=TODAY, party_country="CN")
    assert below.outcome == "none" and not below.captured and "49 % < 50 %" in below.arithmetic


def test_two_listed_owners_are_added_up_and_the_strictest_policy_applies() -> None:
    found = affiliates_finding([h("a", 30.0, EL_CASE), h("b", 25.0, EL_DENIAL)], on=TODAY,
                               party_country="AE")  # fmt: skip
    assert found.outcome == "licence-required"
    assert "a 30 % + b 25 % = 55 % ≥ 50 %" in found.arithmetic
    assert found.strictest == (EL_DENIAL,)
    assert "most restrictive policy: Presumption of denial (CETC 52nd" in found.text()


def test_unknown_share_is_red_flag_29_never_clear() -> None:
    found = affiliates_finding([h("cetc52", None)], on=TODAY, party_country="CN")
    assert found.outcome == "red-flag" and not found.captured
    assert "share unknown: cetc52" in found.text() and "Red Flag 29" in found.text()
    known = affiliates_finding([h("a", 50.0), h("b", None)], on=TODAY, party_country="CN")
    assert known.outcome == "licence-required"  # the known shares already reach 50 %


def test_inside_the_suspension_it_is_shown_not_required() -> None:
    found = affiliates_finding([h("owner", 80.0)], on=date(2026, 3, 1), party_country="CN")
    assert found.outcome == "suspended" and found.captured
    assert "would apply from 2026-11-10" in found.text()
    during = affiliates_finding([h("owner", 80.0)], on=date(2025, 10, 1), party_country="CN")
    assert during.outcome == "licence-required"


def test_us_party_is_outside_and_meu_policy_is_see_listing() -> None:
    us = affiliates_finding([h("owner", 80.0)], on=TODAY, party_country="US")
    assert us.outcome == "not-applicable" and any("foreign" in c for c in us.caveats)
    meu = affiliates_finding([h("m", 60.0, MEU)], on=TODAY, party_country=None)
    assert meu.outcome == "licence-required"
    assert any(c.startswith("policy of owner AECC Aero Science: see listing") for c in meu.caveats)
    assert any("country is not recorded" in c for c in meu.caveats)


def test_sdn_owner_of_an_unconfirmed_programme_is_a_caveat_not_a_count() -> None:
    sdn = Listing("SDN", "ofac-sdn:1", "Blocked Co", programs=("IRAN",))
    found = affiliates_finding([h("s", 70.0, sdn)], on=TODAY, party_country="CN")
    assert found.outcome == "none"
    assert any("744.8(a)(1)" in c for c in found.caveats)


def test_policy_rank_and_licence_terms_from_csl_remarks() -> None:
    assert policy_rank("Policy of denial.") == 4
    assert policy_rank("Presumption of denial.") == 3
    assert policy_rank(EL_CASE.policy) == 2.5  # mixed: denial for most items, case-by-case for some
    assert policy_rank("Case-by-case review") == 2 and policy_rank(MEU.policy) is None
    remarks = (
        "Federal Register notice: 86 FR 71557\nLicense requirement: All items\n"
        "License policy: Presumption of denial."
    )
    assert licence_terms(remarks) == ("All items", "Presumption of denial.")


# --- bad data -----------------------------------------------------------------------------------


def test_a_row_without_a_source_is_refused_naming_the_row_and_field(tmp_path: Path) -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace(
        "    source: https://www.lexology.com/library/detail.aspx?g=98e1f875-4ad0-4f18-81e9-b658f1a6c40d\n",
        "",
        1,
    )
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"test us-ofac-50, field 'source'"):
        load_rules(path)


def test_verified_must_be_a_boolean(tmp_path: Path) -> None:
    text = RULES_FILE.read_text(encoding="utf-8").replace("verified: true", "verified: maybe", 1)
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="verified"):
        load_rules(path)
