"""GB 32100-2015 check character: real published codes pass, corrupted ones fail."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chainleader.core.validators import uscc_check_char, uscc_problem, validate_uscc

# Codes of real registered organisations as printed in public test suites and business registers.
REAL_CODES = [
    "91350200776049653A",
    "91350500798359476R",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "91350213678251743X",
    "91310115591693856A",
    "91310110666007217T",
    "91350100M000100Y43",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert uscc_problem(code) is None
    validate_uscc(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_single_changed_character_fails(code):
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for pos in (0, 8, 12, 16, 17):
        replacement = charset[(charset.index(code[pos]) + 7) % 31]
        corrupted = code[:pos] + replacement + code[pos + 1 :]
        if corrupted[2:8].isdigit():
            assert uscc_problem(corrupted) is not None, corrupted


def test_swapped_neighbours_fail():
    code = "91310110666007217T"
    swapped = code[:12] + code[13] + code[12] + code[14:]  # "0" and "7" change places
    assert swapped != code
    assert uscc_problem(swapped) is not None


def test_a_published_early_pilot_code_without_a_valid_check_character_fails():
    # Early pilot regions issued some codes that break the standard (noted in public validators).
    assert uscc_problem("91350211M00013FA1N") is not None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9131011066600721", "18 characters"),
        ("91310110666007217I", "invalid character"),
        ("913101106660072170", "check character"),
        ("91AB0110666007217T", "region code"),
    ],
)
def test_each_problem_has_its_own_message(code, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert fragment in exc.value.messages[0]


def test_check_char_of_a_generated_body_makes_a_valid_code():
    body = "91370211000012345"
    assert uscc_problem(body + uscc_check_char(body)) is None
