import random

import pytest
from pydantic import TypeAdapter, ValidationError

from contracts.fields import USCC
from contracts.uscc import CHARSET, WEIGHTS, check_character, check_uscc, uscc_error

VALID = [
    "914403001922038216",
    "91440300708461136T",
    "91330100716105852F",
    "91310000132260250X",
    "12100000425006133D",
    "91340100MA2NJYNM4Q",
    "91350100M000100Y43",
]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_check_character_is_the_standards_weighted_sum() -> None:
    """GB 32100-2015: C18 = 31 - (Σ value(Ci)·Wi mod 31), 31 read as 0; over bodies of every character in every
    place (check_character computes it another way, in C)."""
    rng = random.Random(11)
    bodies = ["".join(rng.choice(CHARSET) for _ in range(17)) for _ in range(3000)]
    bodies += [c * 17 for c in CHARSET] + [CHARSET[i : i + 17] for i in range(len(CHARSET) - 16)]
    for body in bodies:
        total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
        assert check_character(body) == CHARSET[(31 - total % 31) % 31], body


def test_check_character_refuses_what_it_cannot_weigh() -> None:
    for body, why in (
        ("9135010", "exactly 17"),
        ("91350100M000100Y4X", "exactly 17"),
        ("91350100MO00100Y4", "outside"),
    ):
        with pytest.raises(ValueError, match=why):
            check_character(body)


@pytest.mark.parametrize("code", VALID)
def test_reference_vectors_are_valid(code: str) -> None:
    result = check_uscc(code)
    assert result.ok, result.error
    assert result.warnings == ()


def test_worked_example_with_wrong_check_is_rejected() -> None:
    result = check_uscc("91350100M000100Y4Z")
    assert not result.ok


def test_mock_data_code_is_rejected_naming_the_expected_character() -> None:
    result = check_uscc("91110108717809965C")
    assert result.error == "check character is 'C', expected 'J'"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9135010", "18 characters"),
        ("91350100M000100Y43X", "18 characters"),
        ("91350100MO00100Y43", "outside the USCC set"),
        ("91350100M0001I0Y43", "outside the USCC set"),
    ],
)
def test_malformed_codes_say_why(code: str, fragment: str) -> None:
    result = check_uscc(code)
    assert result.error is not None and fragment in result.error


def test_every_wrong_check_character_is_caught() -> None:
    rng = random.Random(7)
    for _ in range(200):
        body = "91500103" + "".join(rng.choice(CHARSET) for _ in range(9))
        good = check_character(body)
        assert check_uscc(body + good).ok
        for wrong in CHARSET:
            if wrong != good:
                assert not check_uscc(body + wrong).ok


def test_lowercase_and_spaces_are_normalised() -> None:
    assert check_uscc("  91340100ma2njynm4q ").code == "91340100MA2NJYNM4Q"


def test_organisation_code_mismatch_is_a_warning_not_an_error() -> None:
    body = "91350100M000100Y4"
    tampered = body[:16] + ("5" if body[16] != "5" else "6")
    code = tampered + check_character(tampered)
    result = check_uscc(code)
    assert result.ok
    assert result.warnings and "position 17" in result.warnings[0].message
    assert result.warnings[0].code == "uscc_org_check_mismatch" and "第17位" in result.warnings[0].message_zh


def test_field_type_rejects_with_a_message() -> None:
    with pytest.raises(ValidationError, match="expected 'J'"):
        TypeAdapter(USCC).validate_python("91110108717809965C")


@pytest.mark.parametrize(
    ("body", "fragment", "fragment_zh"),
    [
        ("01440300192203821", "position 1 '0' is not a registration-authority code", "第1位“0”"),
        ("B1440300192203821", "position 1 'B'", "登记管理部门代码"),
        ("94440300192203821", "position 2 '4' is not an entity type under authority 9", "机构类别代码"),
        ("Y2440300192203821", "position 2 '2' is not an entity type under authority Y", "第2位“2”"),
        ("91AB0300192203821", "positions 3-8 'AB0300' are not an administrative-division code", "行政区划代码"),
        ("91990300192203821", "positions 3-8 '990300'", "第3至8位“990300”"),
    ],
)
def test_authority_type_and_division_are_checked(body: str, fragment: str, fragment_zh: str) -> None:
    result = check_uscc(body + check_character(body))  # a correct check character: only the structure is wrong
    assert result.error is not None and fragment in result.error
    assert result.error_zh is not None and fragment_zh in result.error_zh


@pytest.mark.parametrize("body", ["12100000425006133", "N2500103MA5U1W7X0", "51500103MJP123456", "Y1500103MA5U1W7X0"])
def test_other_authorities_with_their_own_types_are_valid(body: str) -> None:
    assert check_uscc(body + check_character(body)).error is None


def test_a_division_code_need_not_be_current() -> None:
    body = "91500221MA5U1W7X0"  # 500221: a county code of Chongqing since abolished
    assert check_uscc(body + check_character(body)).ok


def test_the_code_table_is_the_standards() -> None:
    from contracts import codes

    types = codes.uscc_registration_types()
    assert types["9"] == {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}
    assert set(types) == set("123456789ANY")
    assert types["Y"] == {"1": "（不再细分）"}


def test_the_fast_check_agrees_with_the_full_one_every_time_it_is_asked() -> None:
    """`uscc_error` (every event's field check) remembers what positions 1-8 say: a code sharing the first
    positions of a valid one but not its division, or its authority, is still refused, however often asked."""
    rng = random.Random(7)
    bodies = [
        "91500103MA5U1W7X0",
        "91500221MA5U1W7X0",
        "91990300192203821",
        "94440300192203821",
        "91AB0300192203821",
        "91500103MA5U1W7X1",
        "01440300192203821",
        *("915001" + "".join(rng.choice(CHARSET) for _ in range(11)) for _ in range(50)),
    ]
    codes = [b + check_character(b) for b in bodies] + ["91500103MA5U1W7X0Q", "915001"]
    for _ in range(2):
        for code in codes:
            full = check_uscc(code)
            assert uscc_error(code) == (None if full.ok else (full.error, full.error_zh)), code
