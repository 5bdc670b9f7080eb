import pytest

from contracts import codes


def test_41_district_units_38_gb_and_3_functional_zones() -> None:
    units = codes.districts()
    assert len(units) == 41
    gb = [d for d in units.values() if d.kind != "functional_zone"]
    zones = [d for d in units.values() if d.kind == "functional_zone"]
    assert len(gb) == 38 and all(d.code.isdigit() and d.code.startswith("50") and len(d.code) == 6 for d in gb)
    assert {z.code for z in zones} == {"CQ-LJXQ", "CQ-GXQ", "CQ-WSJK"}
    assert units["500103"].name == "渝中区"


def test_manufacturing_divisions_c13_to_c43_with_2017_names() -> None:
    divs = codes.industry_divisions()
    assert list(divs) == [f"C{n}" for n in range(13, 44)]
    assert divs["C25"].name == "石油、煤炭及其他燃料加工业"


def test_16_key_industries_cover_only_known_divisions() -> None:
    kis = codes.key_industries()
    assert sorted(kis) == list(range(1, 17))
    for ki in kis.values():
        assert ki.divisions and all(d in codes.industry_divisions() for d in ki.divisions)
    assert not kis[5].verified and kis[3].divisions == ("C36",)


@pytest.mark.parametrize(
    ("code", "division"),
    [("C34", "C34"), ("C341", "C34"), ("C3411", "C34"), ("C13", "C13"), ("C4390", "C43")],
)
def test_industry_codes_map_to_their_division(code: str, division: str) -> None:
    assert codes.industry_division_of(code) == division


@pytest.mark.parametrize("code", ["C12", "C44", "A0111", "C34111", "34", "c34x", ""])
def test_non_manufacturing_or_malformed_codes_are_refused(code: str) -> None:
    assert codes.industry_division_of(code) is None


def test_key_industry_lookup() -> None:
    ki = codes.key_industry_of("C36")
    assert ki is not None and ki.name == "汽车制造业"
    assert codes.key_industry_of("C16") is None  # tobacco is not a pilot key industry
