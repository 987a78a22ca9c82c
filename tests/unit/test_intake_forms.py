"""Intake forms of the exercise dokumentation: the shipped file and the errors put in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vidensbasering.examples import load_followup_example
from vidensbasering.examples.make_intake_forms import (
    BLANKS,
    FILE_NAME,
    ITEM_COLUMNS,
    TYPOS,
    generate,
    to_csv_text,
)

SHIPPED = Path(__file__).resolve().parents[2] / "course" / "source" / "dokumentation" / FILE_NAME


def _items() -> pd.DataFrame:
    return pd.read_csv(SHIPPED).set_index("person_id")[list(ITEM_COLUMNS)]


def test_shipped_file_is_what_the_generator_writes() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == to_csv_text(generate())


def test_exactly_the_listed_answers_are_missing_or_impossible() -> None:
    items = _items()
    assert len(items) == 120
    rows, columns = np.nonzero(items.isna().to_numpy())
    missing = {(items.index[r], c + 1) for r, c in zip(rows, columns, strict=True)}
    assert missing == set(BLANKS)
    valid = items.isin([1, 2, 3, 4, 5]) | items.isna()
    rows, columns = np.nonzero(~valid.to_numpy())
    impossible = {
        (items.index[r], c + 1, int(items.iat[r, c])) for r, c in zip(rows, columns, strict=True)
    }
    assert impossible == set(TYPOS)


def test_valid_forms_sum_to_the_intake_totals_of_the_follow_up_example() -> None:
    items = _items()
    complete = items[items.isin([1, 2, 3, 4, 5]).all(axis=1)]
    assert len(complete) == 120 - len(BLANKS) - len(TYPOS)
    followup = load_followup_example()
    intake = followup[(followup["instrument"] == "WEMWBS") & (followup["occasion"] == 1)]
    totals = intake.set_index("person_id")["score"]
    assert (complete.sum(axis=1) == totals.loc[complete.index]).all()
