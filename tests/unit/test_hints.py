"""Danish hints under Python's errors in an exercise kernel (vidensbasering.hints)."""

from __future__ import annotations

import pytest
from IPython.testing.globalipapp import start_ipython

from vidensbasering import hints
from vidensbasering.theory_of_change import Indicator


def test_each_common_error_gets_its_danish_hint_naming_what_is_wrong():
    assert hints.hint_for(NameError("x", name="m_kontorl")) == (
        "Tip: Python kender ikke navnet m_kontorl. Tjek stavemåden (store og små bogstaver "
        "tæller), og kør cellerne ovenfor, der laver det."
    )
    assert "'re87' findes ikke som kolonne" in hints.hint_for(KeyError("re87"))
    assert hints.hint_for(TypeError("x")).startswith("Tip: en funktion fik en værdi")
    assert "slet linjen raise NotImplementedError" in hints.hint_for(NotImplementedError("x"))


def test_assertions_from_the_tests_get_no_hint():
    assert hints.hint_for(AssertionError("Forskellen er negativ")) is None


def test_a_pydantic_error_in_a_theory_of_change_is_explained_in_danish():
    with pytest.raises(ValueError) as info:
        Indicator(hvad="Tillid")
    assert hints.hint_for(info.value) == (
        'Tip: Feltet "hvad" kendes ikke. Fjern feltet, eller ret stavningen (se et af eksemplerne '
        "for de tilladte felter)."
    )


def test_a_rating_outside_the_course_scale_is_explained_in_danish():
    from vidensbasering import promising_practice as pp

    with pytest.raises(ValueError) as info:
        pp.assess({3: 4})
    assert hints.hint_for(info.value) == (
        'Tip: feltet "ratings" (vurderinger), vurdering nr. 1, feltet "rating" (vurdering): '
        "skal være et helt tal fra 0 til 3 eller tom (null)"
    )


def test_install_outside_ipython_changes_nothing():
    assert hints.install() is False


def test_installed_hook_shows_the_traceback_and_the_hint(capsys):
    shell = start_ipython()
    try:
        assert hints.install() is True
        result = shell.run_cell("m_kontrol = 1\nm_kontorl + 1")
        # The cell still fails (nbgrader grades that), and the hint is the last line shown.
        assert isinstance(result.error_in_exec, NameError)
        shown = capsys.readouterr().out
        assert "NameError" in shown
        assert shown.rstrip().endswith(
            "Tip: Python kender ikke navnet m_kontorl. Tjek stavemåden (store og små bogstaver "
            "tæller), og kør cellerne ovenfor, der laver det."
        )
        result = shell.run_cell("assert 1 == 2, 'Tjek rækkefølgen.'")
        assert isinstance(result.error_in_exec, AssertionError)
        assert "Tip:" not in capsys.readouterr().out
    finally:
        shell.set_custom_exc((), None)
