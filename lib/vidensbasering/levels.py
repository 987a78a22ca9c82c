"""The same follow-up data seen from each level of the organisation: citizen to municipality.

KL/SFI's point 5 (*vær skarp på rollefordelingen*) asks who decides on which data. A citizen and
a practitioner look at one person's course; a team leader at the team; management at the service;
the municipal council at the municipality. :func:`aggregate_by_level` builds each of those views
from one tidy follow-up table with the columns ``municipality``, ``service`` and ``group`` (team),
using one yardstick for reliable change everywhere (Jacobson & Truax 1991; S_diff from the SD of
everyone's first score, so that units are compared on the same scale).

Levels (Danish names, as students and participants read them) and the keys of each view:

=========  ===============================================
level      one row per
=========  ===============================================
borger     municipality × service × team × person_id
team       municipality × service × team
tilbud     municipality × service
kommune    municipality
=========  ===============================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vidensbasering.followup import (
    _direction,
    _reliability,
    change_first_to_latest,
    classify_changes,
    criteria_from_baseline,
)
from vidensbasering.i18n import t

__all__ = ["LEVELS", "aggregate_by_level"]

#: Level name → the key columns of its view (a team is only unique within its service).
LEVELS: dict[str, tuple[str, ...]] = {
    "borger": ("municipality", "service", "group", "person_id"),
    "team": ("municipality", "service", "group"),
    "tilbud": ("municipality", "service"),
    "kommune": ("municipality",),
}

_UNITS = ("municipality", "service", "group")


def aggregate_by_level(
    df: pd.DataFrame,
    level: str,
    *,
    instrument: str,
    reliability: float,
    direction: str,
    occasion: int,
) -> pd.DataFrame:
    """One view of the follow-up data per level: a row per citizen, team, service or municipality.

    Each citizen's change runs from the first score to the score at ``occasion``; citizens not
    measured at ``occasion`` count as dropped out. Reliable improvement and deterioration use
    |RC| > 1.96 with S_diff = √2 · s₁ · √(1 − reliability), s₁ the SD of all first scores
    (Jacobson & Truax 1991).

    Args:
        df: tidy table (see :mod:`vidensbasering.followup`) with ``municipality``, ``service`` and
            ``group`` constant per person, e.g. :func:`vidensbasering.examples.load_levels_example`.
        level: ``"borger"``, ``"team"``, ``"tilbud"`` or ``"kommune"`` (:data:`LEVELS`).
        instrument: e.g. ``"WEMWBS"``.
        reliability: the scale's reliability in [0, 1), e.g. 0.89 (WEMWBS, Tennant et al. 2007).
        direction: ``"højere er bedre"`` or ``"lavere er bedre"`` (or the library's codes).
        occasion: the follow-up occasion (whole number ≥ 2 in the table).

    Returns:
        ``"borger"``: one row per citizen with the key columns, ``first_score``,
        ``score_at_occasion`` (NaN if not measured then), ``change``, ``rc`` and ``category``
        (the Danish label of the Jacobson-Truax category, as the follow-up app shows it; missing
        when not measured at ``occasion``). Other levels: the key columns and ``n_started``
        (int, citizens with a first score), ``n_followed`` (int, measured at ``occasion``),
        ``mean_first`` and ``mean_change`` (scale points, among the followed),
        ``share_improved`` and ``share_deteriorated`` (0-1 of
        the followed; reliable change, recovered counted as improved) and ``share_dropped_out``
        (0-1 of the started). Sorted by the keys.

    Raises:
        ValueError: in Danish: an unknown ``level`` (the levels are listed), missing columns, an
            unknown ``direction``, a ``reliability`` outside [0, 1) (e.g. 89 for 0.89), or an
            ``occasion`` that is not a follow-up in the table.
    """
    if level not in LEVELS:
        raise ValueError(t("rollefordeling.error_level", value=level, known=", ".join(LEVELS)))
    missing = [c for c in _UNITS if c not in df.columns]
    if missing:
        raise ValueError(t("rollefordeling.error_columns", missing=", ".join(missing)))
    code = _direction(direction)
    reliability = _reliability(reliability)
    rows = df[df["instrument"] == instrument]
    occasions = sorted(int(o) for o in rows["occasion"].unique())
    if occasion not in occasions[1:]:
        known = ", ".join(str(o) for o in occasions[1:])
        raise ValueError(t("refleksion.error_occasion", value=occasion, known=known))
    persons = _person_view(
        rows[rows["occasion"] <= occasion], instrument, reliability, code, occasion
    )
    if level == "borger":
        return persons
    return _units(persons, list(LEVELS[level]))


def _person_view(
    rows: pd.DataFrame, instrument: str, reliability: float, code: str, occasion: int
) -> pd.DataFrame:
    criteria = criteria_from_baseline(rows, instrument, reliability, direction=code)
    changes = change_first_to_latest(rows, by=list(_UNITS))
    followed = changes["latest_occasion"] == occasion
    # Only a score at the chosen occasion counts as "at occasion": an earlier latest is attrition.
    changes["latest_score"] = changes["latest_score"].where(followed)
    changes["n_occasions"] = np.where(followed, changes["n_occasions"], 1)
    classified = classify_changes(changes, {instrument: criteria})
    labels = {c: t(f"opfoelgning.category_{c}") for c in classified["category"].cat.categories}
    out = classified[[*LEVELS["borger"], "first_score", "latest_score"]].rename(
        columns={"latest_score": "score_at_occasion"}
    )
    out["change"] = out["score_at_occasion"] - out["first_score"]
    out["rc"] = classified["rc"].where(followed)
    out["category"] = classified["category"].cat.rename_categories(labels)
    return out.sort_values(list(LEVELS["borger"])).reset_index(drop=True)


def _units(persons: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    followed = persons["score_at_occasion"].notna()
    improved = t("opfoelgning.category_recovered"), t("opfoelgning.category_improved")
    work = persons.assign(
        followed=followed,
        improved=persons["category"].isin(improved),
        deteriorated=persons["category"] == t("opfoelgning.category_deteriorated"),
        first_followed=persons["first_score"].where(followed),
    )
    g = work.groupby(keys, sort=True)
    out = pd.DataFrame(
        {
            "n_started": g["first_score"].count(),
            "n_followed": g["followed"].sum(),
            "mean_first": g["first_followed"].mean(),
            "mean_change": g["change"].mean(),
            "improved": g["improved"].sum(),
            "deteriorated": g["deteriorated"].sum(),
        }
    )
    n_followed = out["n_followed"].replace(0, np.nan)
    out["share_improved"] = out.pop("improved") / n_followed
    out["share_deteriorated"] = out.pop("deteriorated") / n_followed
    out["share_dropped_out"] = 1 - out["n_followed"] / out["n_started"]
    out["n_started"] = out["n_started"].astype("int64")
    out["n_followed"] = out["n_followed"].astype("int64")
    return out.reset_index()
