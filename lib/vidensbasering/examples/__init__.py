"""Invented example data shipped with the package (no real persons).

``opfoelgning.csv`` is a housing-support service's follow-up data (120 citizens, WEMWBS at four
occasions, GAS goals), made by :mod:`vidensbasering.examples.make_followup_data`, which documents
the model and how it was checked against published norms. ``opfoelgning_ordbog.csv`` is its data
dictionary in Danish. :func:`load_levels_example` adds two more invented services in two invented
municipalities (:mod:`vidensbasering.examples.make_levels_data`), made by the same seeded generator.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["followup_data_dictionary", "load_followup_example", "load_levels_example"]


def load_followup_example() -> pd.DataFrame:
    """Load the invented follow-up example as a typed tidy table.

    Returns:
        DataFrame with columns ``person_id`` (str), ``group`` (str), ``occasion`` (int64),
        ``date`` (datetime64), ``instrument`` (str: ``"WEMWBS"`` or ``"GAS"``), ``goal`` (str,
        missing for WEMWBS), ``weight`` (Int64, missing for WEMWBS) and ``score`` (float:
        WEMWBS total 14-70 or GAS level −2…+2). 1,460 rows.
    """
    path = resources.files(__package__).joinpath("opfoelgning.csv")
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(
            handle,
            dtype={"person_id": str, "group": str, "instrument": str, "goal": str},
            parse_dates=["date"],
        )
    frame["weight"] = frame["weight"].astype("Int64")
    frame["score"] = frame["score"].astype(float)
    return frame


def followup_data_dictionary() -> pd.DataFrame:
    """The Danish data dictionary of :func:`load_followup_example` (one row per column)."""
    path = resources.files(__package__).joinpath("opfoelgning_ordbog.csv")
    with path.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str)


def load_levels_example() -> pd.DataFrame:
    """Three invented services in two invented municipalities, as one tidy table.

    Returns:
        The rows of :func:`load_followup_example` (Bostøtte Ådalen) and of two more invented
        services, with the extra columns ``municipality`` and ``service``; see
        :mod:`vidensbasering.examples.make_levels_data`. 360 citizens.
    """
    from vidensbasering.examples import make_levels_data

    return make_levels_data.generate()
