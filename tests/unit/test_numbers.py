"""Numbers typed and shown the Danish way (issue 12, item 10)."""

from __future__ import annotations

import pytest

from vidensbasering.numbers import (
    NumberInputError,
    format_number,
    format_share,
    parse_number,
    range_text,
)

RELIABILITY = {"minimum": 0, "maximum": 1, "include_minimum": False, "include_maximum": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0,85", 0.85),  # the decimal comma: 85 hundredths, not 85
        (" 0,85 ", 0.85),
        ("85", 85.0),
        ("1.234,5", 1234.5),  # point groups thousands
        ("1.234", 1234.0),
        ("\u22120,5", -0.5),  # a typeset minus
        ("-2", -2.0),
        (",5", 0.5),
    ],
)
def test_parse_reads_danish_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["0.85", "1,2,3", "abc", "nan", "Infinity", "1e3", ",", "12.34,5"])
def test_parse_refuses_what_is_not_a_danish_number(text):
    with pytest.raises(NumberInputError) as caught:
        parse_number(text, **RELIABILITY)
    # The message says how to write it, with an example in range (the middle: 0,50).
    assert str(caught.value) == (
        "Det kan ikke læses som et tal. Skriv tallet på dansk, med komma før decimalerne, fx 0,50."
    )
    assert text not in str(caught.value) or text == ","


def test_parse_refuses_empty_text():
    with pytest.raises(NumberInputError, match=r"^Skriv et tal\.$"):
        parse_number("  ")


@pytest.mark.parametrize("text", ["85", "1", "0", "1,2", "-0,1"])
def test_out_of_range_is_refused_never_clipped(text):
    with pytest.raises(NumberInputError) as caught:
        parse_number(text, **RELIABILITY)
    assert str(caught.value) == (
        "Tallet skal være større end 0 og mindre end 1. Det er ikke brugt; ret det."
    )


def test_bounds_can_be_included():
    assert parse_number("0", minimum=0, maximum=1) == 0.0
    assert parse_number("1", minimum=0, maximum=1) == 1.0
    assert range_text(0, 1) == "mindst 0 og højst 1"
    assert range_text(0.5, None, include_minimum=False) == "større end 0,50"
    assert range_text(None, 0.99) == "højst 0,99"


def test_format_number_and_share_are_danish():
    assert format_number(0.89, 2) == "0,89"
    assert format_number(1234.5) == "1.234,5"
    assert format_number(-2.25, 1) == "\u22122,2"  # half to even, as CLDR/Babel rounds
    assert format_number(1234, 0) == "1.234"
    assert format_share(0.2542) == "25,4 %"
    assert format_share(float("nan")) == "–"
