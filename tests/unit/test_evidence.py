"""Nesta levels and designs of study summaries, checked against Puttick & Ludlow (2013) by hand."""

import pandas as pd
import pytest

from vidensbasering import evidence as ev
from vidensbasering.i18n import catalog


@pytest.mark.parametrize(
    ("facts", "level", "design"),
    [
        # Nothing but an idea: not on the scale.
        ({}, 0, "beskrivelse uden effektmåling"),
        # Level 1: an account of impact (theory of change), no data.
        ({"theory_of_change": True}, 1, "beskrivelse uden effektmåling"),
        # Level 2: before and after for the participants only.
        (
            {"theory_of_change": True, "measured_change": True},
            2,
            "før-og-efter-måling uden sammenligning",
        ),
        # Level 3: a comparison group, not by lottery (e.g. a neighbouring municipality).
        (
            {"measured_change": True, "comparison_group": True},
            3,
            "sammenligning uden lodtrækning",
        ),
        # Level 3: a randomised trial without a written theory of change still shows causation.
        (
            {"measured_change": True, "comparison_group": True, "randomised": True},
            3,
            "randomiseret forsøg",
        ),
        # Replicated but the cost is unknown: level 4 needs both, so level 3.
        (
            {
                "measured_change": True,
                "comparison_group": True,
                "randomised": True,
                "independent_replication": True,
            },
            3,
            "randomiseret forsøg",
        ),
        # Level 4: replicated independently and the cost is known.
        (
            {
                "measured_change": True,
                "comparison_group": True,
                "independent_replication": True,
                "cost_known": True,
            },
            4,
            "sammenligning uden lodtrækning",
        ),
        # Level 5: level 4 and scaled.
        (
            {
                "theory_of_change": True,
                "measured_change": True,
                "comparison_group": True,
                "randomised": True,
                "independent_replication": True,
                "cost_known": True,
                "scaled": True,
            },
            5,
            "randomiseret forsøg",
        ),
        # Scaled without replication or comparison does not lift a before-after study.
        (
            {"measured_change": True, "scaled": True, "cost_known": True},
            2,
            "før-og-efter-måling uden sammenligning",
        ),
    ],
)
def test_level_and_design_by_hand(facts, level, design):
    study = ev.Study(**facts)
    assert ev.nesta_level(study) == level
    assert ev.design(study) == design


def test_contradictions_and_non_booleans_get_danish_messages():
    with pytest.raises(ValueError, match="sammenligningsgruppe kræver målinger"):
        ev.Study(comparison_group=True)
    with pytest.raises(ValueError, match="Lodtrækning kræver en sammenligningsgruppe"):
        ev.Study(measured_change=True, randomised=True)
    with pytest.raises(ValueError, match="randomised skal være True"):
        ev.Study(randomised="ja")
    with pytest.raises(ValueError, match="Niveauerne er 0-5"):
        ev.nesta_label(6)


def test_a_whole_table_given_to_the_one_study_functions_points_to_classify_studies():
    table = pd.DataFrame({"measured_change": [True, False], "comparison_group": [True, False]})
    for function in (ev.nesta_level, ev.design):
        with pytest.raises(TypeError, match=r"ikke DataFrame\. .*brug evidence\.classify_studies"):
            function(table)


def test_labels_come_from_the_catalog():
    section = catalog()["evidens"]
    assert ev.nesta_label(3) == section["nesta_3"]
    assert ev.nesta_label(3).startswith("Niveau 3")
    assert set(ev.EIF_LEVELS) == {"4", "3", "2", "NL2", "NE"}
    assert all(key.removeprefix("evidens.") in section for key in ev.EIF_LEVELS.values())


def test_classify_studies_keeps_other_columns_and_names_the_bad_row():
    table = pd.DataFrame(
        {
            "studie": ["A", "B", "C"],
            "measured_change": [True, True, False],
            "comparison_group": [True, False, False],
            "randomised": [True, False, False],
            "theory_of_change": [False, False, True],
        }
    )
    out = ev.classify_studies(table)
    assert out["studie"].tolist() == ["A", "B", "C"]
    assert out["nesta_level"].tolist() == [3, 2, 1]
    assert out["design"].tolist() == [
        "randomiseret forsøg",
        "før-og-efter-måling uden sammenligning",
        "beskrivelse uden effektmåling",
    ]
    assert "design" not in table.columns  # the input is not changed
    table.loc[1, "randomised"] = True
    with pytest.raises(ValueError, match=r"Studie nr\. 2"):
        ev.classify_studies(table)
