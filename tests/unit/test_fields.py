"""The Danish decimal field (issue 12, item 10): what the kernel does with what is typed.

The browser half (the text sent on Enter or when leaving the field, the message under it) is
checked in tests/browser/test_opfoelgning_app.py.
"""

from __future__ import annotations

import pytest

from vidensbasering.apps.fields import DecimalField


def _reliability_field() -> DecimalField:
    return DecimalField(
        "Skalaens reliabilitet (0–1):",
        0.89,
        minimum=0,
        maximum=1,
        include_minimum=False,
        include_maximum=False,
    )


def test_starting_value_is_shown_with_a_decimal_comma():
    field = _reliability_field()
    assert field.value == 0.89
    assert field.text == field.initial == "0,89"
    assert field.error == ""


def test_a_danish_decimal_is_read_as_such_and_reported_once():
    field = _reliability_field()
    calls = []
    field.on_change(lambda: calls.append(field.value))
    field.receive({"event": "input", "value": "0,8"})  # typing: nothing is used yet
    field.receive({"event": "input", "value": "0,85"})
    assert calls == [] and field.value == 0.89
    field.receive({"event": "submit", "value": "0,85"})
    field.receive({"event": "change", "value": "0,85"})  # leaving the field afterwards
    assert calls == [0.85]
    assert field.value == 0.85 and field.error == ""


@pytest.mark.parametrize("typed", ["85", "0.85", "1", "0", "", "abc"])
def test_a_refused_number_keeps_the_last_valid_one_and_says_why(typed):
    field = _reliability_field()
    calls = []
    field.on_change(lambda: calls.append(field.value))
    field.receive({"event": "submit", "value": typed})
    assert calls == []
    assert field.value == 0.89  # not clipped to 0,99, not 85
    assert field.error.startswith(
        ("Tallet skal være større end 0 og mindre end 1", "Det kan ikke", "Skriv et tal")
    )
    assert field.text == typed
    # Correcting it clears the message and uses the number.
    field.receive({"event": "submit", "value": "0,7"})
    assert calls == [0.7] and field.error == ""


def test_setting_a_value_from_the_app_shows_it_danish_and_checks_the_range():
    field = _reliability_field()
    field.value = 0.8
    assert field.text == "0,80"
    with pytest.raises(ValueError, match="større end 0 og mindre end 1"):
        field.value = 1.5
    assert field.value == 0.8
