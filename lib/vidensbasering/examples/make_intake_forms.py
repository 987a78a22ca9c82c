"""Generate the intake forms of the graded exercise ``dokumentation``: WEMWBS items in wide form.

Run ``python -m vidensbasering.examples.make_intake_forms`` to (re)write
``course/source/dokumentation/wemwbs_indskrivning.csv``; ``tests/unit/test_intake_forms.py``
checks that the shipped file equals what this module generates.

The forms are the baseline (intake) WEMWBS items of the invented housing-support service in
:mod:`vidensbasering.examples.make_followup_data`, so each complete, valid form sums to the intake
total shipped in ``opfoelgning.csv``. No real person went in. To give students something to check,
a few typing errors of the kind a case system export holds are put in on purpose, at fixed
places (:data:`BLANKS` and :data:`TYPOS`): unanswered items (empty cells) and impossible values
(a WEMWBS item is a whole number 1-5; Tennant et al. 2007).

Columns: ``person_id`` (B001…B120), ``team`` ("Team Nord"/"Team Syd"), ``dato`` (ISO date of
intake), ``s1`` … ``s14`` (item answers; empty when unanswered).
"""

from __future__ import annotations

import pandas as pd

from vidensbasering.examples.make_followup_data import generate as generate_followup

#: Items left unanswered: (person_id, item number 1-14).
BLANKS: tuple[tuple[str, int], ...] = (("B017", 9), ("B052", 3), ("B088", 14))

#: Impossible values typed instead of the answer: (person_id, item number, value typed).
TYPOS: tuple[tuple[str, int, int], ...] = (("B034", 5, 0), ("B071", 12, 6), ("B103", 1, 33))

FILE_NAME = "wemwbs_indskrivning.csv"
ITEM_COLUMNS = tuple(f"s{i}" for i in range(1, 15))


def generate() -> pd.DataFrame:
    """The intake forms, one row per citizen (120 rows), items as nullable integers.

    Returns:
        DataFrame with ``person_id``, ``team``, ``dato`` (str, ISO), ``s1``…``s14`` (``Int64``,
        ``<NA>`` where unanswered), sorted by ``person_id``.
    """
    followup = generate_followup(return_items=True)
    items = followup.attrs["baseline_items"]
    intake = followup[(followup["instrument"] == "WEMWBS") & (followup["occasion"] == 1)]
    intake = intake.sort_values("person_id").reset_index(drop=True)
    forms = pd.DataFrame(
        {"person_id": intake["person_id"], "team": intake["group"], "dato": intake["date"]}
    )
    # The generator's item rows are in person order B001…B120, as ``intake`` is.
    for number, column in enumerate(ITEM_COLUMNS):
        forms[column] = pd.array(items[:, number].astype(int), dtype="Int64")
    row = {person: i for i, person in enumerate(forms["person_id"])}
    for person, item in BLANKS:
        forms.loc[row[person], f"s{item}"] = pd.NA
    for person, item, value in TYPOS:
        forms.loc[row[person], f"s{item}"] = value
    return forms


def to_csv_text(forms: pd.DataFrame) -> str:
    """The exact text of the shipped file (UTF-8, comma, ``\\n`` lines, empty = unanswered)."""
    return forms.to_csv(index=False, lineterminator="\n")


def main() -> None:
    """Write the file into the course source of the project this package is installed from."""
    from vidensbasering.course import find_project_root

    target = find_project_root() / "course" / "source" / "dokumentation" / FILE_NAME
    target.write_text(to_csv_text(generate()), encoding="utf-8", newline="")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
