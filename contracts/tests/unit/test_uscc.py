import random

import pytest
from pydantic import TypeAdapter, ValidationError

from contracts.fields import USCC
from contracts.uscc import CHARSET, WEIGHTS, check_character, check_uscc

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
        body = "91" + "".join(rng.choice(CHARSET) for _ in range(15))
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
    assert result.warnings and "position 17" in result.warnings[0]


def test_field_type_rejects_with_a_message() -> None:
    with pytest.raises(ValidationError, match="expected 'J'"):
        TypeAdapter(USCC).validate_python("91110108717809965C")
