"""Evidence scales: place a study summary on Nesta's Standards of Evidence.

A practitioner who finds a study (Vidensportalen, VIVE, Campbell, Cochrane, Kunskapsguiden) asks
two questions before leaning on it: *what was the design?* and *how strong is the claim that the
intervention caused the change?* This module answers both from a few yes/no facts about the study
(:class:`Study`), so that the reading of the study, not the arithmetic, is the student's work.

Nesta's Standards of Evidence (Puttick, R. & Ludlow, J. 2013, *Standards of Evidence: An Approach
that Balances the Need for Evidence with Innovation*, Nesta, London) have five levels:

=====  ==========================================================================================
level  what it takes
=====  ==========================================================================================
1      an account of impact: you can describe what you do and why it should matter (a theory of
       change)
2      data that show change (before and after, or a correlation), but cannot show you caused it
3      causation: a control or comparison group shows less change without the intervention
4      one or more independent replications confirm level 3, and the cost is known and reasonable
5      scaled: manuals and procedures let others deliver it with the same results in many places
=====  ==========================================================================================

The levels build on each other. :func:`nesta_level` returns the highest level whose criteria the
study meets; the theory-of-change criterion counts only for level 1, since a trial without one
still shows causation. The Early Intervention Foundation's evidence standards (level 4, 3, 2,
NL2 and NE; http://guidebook.eif.org.uk/eif-evidence-standards) are listed in :data:`EIF_LEVELS`
for comparison; the course classifies on Nesta's scale only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

import pandas as pd

from vidensbasering.i18n import t

__all__ = [
    "EIF_LEVELS",
    "NESTA_LEVELS",
    "Study",
    "classify_studies",
    "design",
    "nesta_label",
    "nesta_level",
]

#: Nesta level (0-5) → catalog key of its Danish label; 0 = not on the scale (no account of
#: impact and no data).
NESTA_LEVELS: dict[int, str] = {level: f"evidens.nesta_{level}" for level in range(6)}

#: EIF evidence ratings, strongest first (EIF Guidebook): code → catalog key of a Danish summary.
EIF_LEVELS: dict[str, str] = {
    "4": "evidens.eif_4",
    "3": "evidens.eif_3",
    "2": "evidens.eif_2",
    "NL2": "evidens.eif_nl2",
    "NE": "evidens.eif_ne",
}


@dataclass(frozen=True)
class Study:
    """Yes/no facts about one study or evaluation of an intervention (all ``False`` by default).

    Attributes:
        theory_of_change: describes what the intervention does and why it should work.
        measured_change: measured outcomes for the participants (e.g. before and after).
        comparison_group: compared with people who did not get the intervention.
        randomised: lottery decided who got the intervention (needs ``comparison_group``).
        independent_replication: at least one evaluation by others, elsewhere, found the same
            effect with a comparison group.
        cost_known: the cost per participant is documented.
        scaled: delivered in many places from manuals and procedures, with the same results.

    Raises:
        ValueError: in Danish, when the facts contradict each other: a comparison group without
            measured outcomes, or randomisation without a comparison group.
    """

    theory_of_change: bool = False
    measured_change: bool = False
    comparison_group: bool = False
    randomised: bool = False
    independent_replication: bool = False
    cost_known: bool = False
    scaled: bool = False

    def __post_init__(self) -> None:
        for item in fields(self):
            if not isinstance(getattr(self, item.name), bool):
                raise ValueError(t("evidens.error_not_bool", field=item.name))
        if self.comparison_group and not self.measured_change:
            raise ValueError(t("evidens.error_comparison_without_data"))
        if self.randomised and not self.comparison_group:
            raise ValueError(t("evidens.error_randomised_without_comparison"))


def _require_study(study: object, function: str) -> None:
    if not isinstance(study, Study):
        raise TypeError(t("evidens.error_not_study", function=function, kind=type(study).__name__))


def design(study: Study) -> str:
    """The study's design as a Danish label (the course's four kinds).

    Returns:
        "randomiseret forsøg" (comparison group formed by lottery), "sammenligning uden
        lodtrækning", "før-og-efter-måling uden sammenligning" or "beskrivelse uden effektmåling"
        (catalog keys ``evidens.design_*``).

    Raises:
        TypeError: in Danish, when ``study`` is not a :class:`Study` (e.g. a whole table, which
            :func:`classify_studies` takes).
    """
    _require_study(study, "design")
    if study.randomised:
        return t("evidens.design_randomised")
    if study.comparison_group:
        return t("evidens.design_comparison")
    if study.measured_change:
        return t("evidens.design_before_after")
    return t("evidens.design_description")


def nesta_level(study: Study) -> int:
    """The highest level of Nesta's Standards of Evidence (Puttick & Ludlow 2013) the study meets.

    Returns:
        int 0-5: 5 scaled on top of level 4; 4 comparison group, independent replication and known
        cost; 3 comparison group; 2 measured change; 1 theory of change only; 0 none of these.

    Raises:
        TypeError: in Danish, when ``study`` is not a :class:`Study` (e.g. a whole table, which
            :func:`classify_studies` takes).
    """
    _require_study(study, "nesta_level")
    if study.comparison_group and study.independent_replication and study.cost_known:
        return 5 if study.scaled else 4
    if study.comparison_group:
        return 3
    if study.measured_change:
        return 2
    return 1 if study.theory_of_change else 0


def nesta_label(level: int) -> str:
    """Danish description of a Nesta level 0-5.

    Raises:
        ValueError: in Danish, for a level outside 0-5.
    """
    if level not in NESTA_LEVELS:
        raise ValueError(t("evidens.error_level", value=level))
    return t(NESTA_LEVELS[level])


def classify_studies(table: pd.DataFrame) -> pd.DataFrame:
    """Design and Nesta level of every study in a table of study summaries.

    Args:
        table: one row per study; boolean columns named as the fields of :class:`Study` (missing
            columns count as ``False``); other columns (e.g. the study's name) are kept.

    Returns:
        Copy of ``table`` with ``design`` (Danish label, see :func:`design`) and ``nesta_level``
        (int 0-5) added.

    Raises:
        ValueError: in Danish, naming the row, when a row's facts contradict each other or are not
            yes/no values.
    """
    names = [item.name for item in fields(Study)]
    studies = list(_studies(table, names))
    out = table.copy()
    out["design"] = [design(study) for study in studies]
    out["nesta_level"] = pd.Series(
        [nesta_level(s) for s in studies], index=table.index, dtype="int64"
    )
    return out


def _studies(table: pd.DataFrame, names: list[str]) -> Iterable[Study]:
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        values = {name: row[name] for name in names if name in table.columns}
        try:
            yield Study(**{k: bool(v) if v in (0, 1) else v for k, v in values.items()})
        except ValueError as error:
            raise ValueError(t("evidens.error_row", row=number, error=error)) from None
