"""Systematic follow-up on tidy longitudinal data.

The tidy table has one row per person × measurement occasion × instrument (and, for Goal
Attainment Scaling, × goal):

============  ===========================================================================
column        meaning
============  ===========================================================================
person_id     pseudonym of the citizen (string); never a CPR number
occasion      measurement occasion, whole number ≥ 1 (1 = baseline); or derive it from ``date``
date          date of the measurement (``datetime64``), optional when ``occasion`` is given
instrument    instrument name, e.g. ``"WEMWBS"``, ``"SDQ_TOTAL"``, ``"GAS"``
score         the score in the instrument's own units (float)
goal          GAS only: goal identifier within the person
weight        GAS only: goal weight (> 0); missing column = weight 1
group         optional grouping (team, department, cohort) for group summaries
============  ===========================================================================

Everything is vectorised (pandas ``groupby``, or one integer key per person and a single sort);
a million rows take well under a second (see ``benchmarks/followup.py``). Every function keeps
persons that cannot be scored (e.g. one occasion only) and marks them with NaN/``None`` instead
of dropping them, so attrition shows.
Input is assumed to be valid; user files go through :mod:`vidensbasering.io` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from vidensbasering.i18n import t
from vidensbasering.measures import (
    CHANGE_CATEGORIES,
    ChangeCriteria,
    Direction,
    change_category_codes,
    cutoffs,
    gas_tscore_table,
    standard_error_of_difference,
)

__all__ = [
    "COLUMNS",
    "DISCUSSION_REASONS",
    "GAS_INSTRUMENT",
    "cases_to_discuss",
    "category_counts",
    "change_first_to_latest",
    "classify_changes",
    "criteria_from_baseline",
    "gas_over_time",
    "summary_by_occasion",
    "with_occasion",
]

#: Standard column names of the tidy table.
COLUMNS = ("person_id", "occasion", "date", "instrument", "score", "goal", "weight", "group")
GAS_INSTRUMENT = "GAS"


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {missing}; have {list(df.columns)}")


def with_occasion(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with an ``occasion`` column, derived from ``date`` when absent.

    Occasion k is a person's k-th distinct measurement date (dense rank within ``person_id``), so
    every instrument given on the same day shares an occasion.

    Args:
        df: tidy table with ``person_id`` and ``occasion`` or ``date`` (``datetime64``).

    Returns:
        The same frame (a copy when a column was added), ``occasion`` as ``int64``.

    Raises:
        ValueError: neither ``occasion`` nor ``date`` is present, or ``date`` has missing values.
    """
    if "occasion" in df.columns:
        return df
    _require(df, ["person_id", "date"])
    if df["date"].isna().any():
        raise ValueError("cannot derive occasions: some dates are missing")
    out = df.copy()
    out["occasion"] = out.groupby("person_id")["date"].rank(method="dense").astype("int64")
    return out


def change_first_to_latest(df: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per person and instrument: the first and the latest score and the change between them.

    Args:
        df: tidy table (``person_id``, ``occasion``, ``instrument``, ``score``; optional ``date``
            and the columns in ``by``). GAS goal rows are ignored here (use :func:`gas_over_time`).
            At most one row per person × instrument × occasion.
        by: extra columns carried along as keys, e.g. ``["group"]`` (must be constant per person).

    Returns:
        DataFrame with one row per instrument × person (sorted), columns ``instrument``,
        ``person_id``, ``*by``, ``n_occasions`` (int), ``first_occasion``, ``latest_occasion``,
        ``first_date`` and ``latest_date`` (when ``df`` has ``date``), ``first_score``,
        ``latest_score`` (floats, scale units) and ``change`` (latest − first; NaN for a person
        measured once, who is kept so attrition is visible).

    Raises:
        ValueError: missing columns, or a person measured twice at one occasion on an instrument.
    """
    _require(df, ["person_id", "occasion", "instrument", "score", *by])
    not_gas = (df["instrument"] != GAS_INSTRUMENT).to_numpy()
    data = df if not_gas.all() else df[not_gas]
    # One integer code per instrument × person (in sorted order), then one sort by
    # (code, occasion): cheaper than a multi-key string groupby plus a separate duplicate check.
    codes = _codes(data, ["instrument", "person_id"])
    occ = data["occasion"].to_numpy(dtype="int64")
    if len(occ):
        low = int(occ.min())
        combined = codes * (int(occ.max()) - low + 1) + (occ - low)
    else:
        combined = codes
    order = np.argsort(combined)  # keys are unique once checked, so stability is not needed
    ordered = combined[order]
    if np.any(ordered[1:] == ordered[:-1]):
        raise ValueError("a person has two scores on the same instrument at the same occasion")
    group_of = codes[order]
    starts = np.flatnonzero(np.r_[True, group_of[1:] != group_of[:-1]]) if len(order) else order
    ends = np.r_[starts[1:], len(order)] - 1
    first_at, last_at = order[starts], order[ends]

    def pick(column: str, rows: np.ndarray) -> pd.Series:
        return data[column].iloc[rows].reset_index(drop=True)  # keeps the column's dtype

    columns: dict[str, object] = {"instrument": pick("instrument", first_at)}
    columns["person_id"] = pick("person_id", first_at)
    for column in by:
        values = _codes(data, [column])
        per_row = values[order]
        if np.any(per_row != np.repeat(per_row[starts], ends - starts + 1)):
            raise ValueError(f"column {column!r} must be constant per person and instrument")
        columns[column] = pick(column, first_at)
    columns["n_occasions"] = (ends - starts + 1).astype("int64")
    columns["first_occasion"] = occ[first_at]
    columns["latest_occasion"] = occ[last_at]
    if "date" in data.columns:
        columns["first_date"] = pick("date", first_at)
        columns["latest_date"] = pick("date", last_at)
    score = data["score"].to_numpy(dtype=float)
    columns["first_score"] = score[first_at]
    columns["latest_score"] = score[last_at]
    out = pd.DataFrame(columns)
    measured_again = out["n_occasions"] > 1
    out["change"] = np.where(measured_again, out["latest_score"] - out["first_score"], np.nan)
    return out


def _codes(data: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Integer code per row whose order is the sorted order of the ``keys`` (NaN last)."""
    codes = np.zeros(len(data), dtype=np.int64)
    for key in keys:
        code, uniques = pd.factorize(data[key], sort=True, use_na_sentinel=False)
        codes = codes * max(len(uniques), 1) + code
    return codes


def criteria_from_baseline(
    df: pd.DataFrame,
    instrument: str,
    reliability: float,
    *,
    direction: Direction,
    cutoff: float | None = None,
    source: str = "",
) -> ChangeCriteria:
    """Change criteria for ``instrument`` using the service's own baseline scores.

    S_diff uses the SD of the baseline (first-occasion) scores, as Jacobson & Truax (1991)
    prescribe (s₁ = pre-treatment SD), and the scale's published reliability. When no
    ``cutoff`` is given, the cut-off is criterion **a**: two baseline SDs from the baseline mean
    in the better direction, the criterion Jacobson & Truax give for when no functional norms
    exist.

    Args:
        df: tidy table (see module docstring).
        instrument: which instrument's rows to use.
        reliability: the scale's reliability in [0, 1) (e.g. WEMWBS α = 0.89, Tennant et al. 2007).
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``.
        cutoff: a published cut-off in scale points, or ``None`` for criterion a.
        source: free text saying where ``reliability`` (and ``cutoff``) come from.

    Returns:
        :class:`~vidensbasering.measures.ChangeCriteria`.

    Raises:
        ValueError: fewer than two persons with a baseline score on ``instrument``, or the errors
            of :func:`~vidensbasering.measures.standard_error_of_difference`.
    """
    rows = df[df["instrument"] == instrument]
    first = rows.loc[rows.groupby("person_id")["occasion"].idxmin(), "score"].astype(float)
    if first.notna().sum() < 2:
        raise ValueError(f"need baseline scores of at least two persons on {instrument!r}")
    sd = float(first.std(ddof=1))
    s_diff = standard_error_of_difference(sd, reliability)
    if cutoff is None:
        cutoff = cutoffs(float(first.mean()), sd, direction=direction).a
    return ChangeCriteria(s_diff=s_diff, cutoff=cutoff, direction=direction, source=source)


def classify_changes(
    changes: pd.DataFrame, criteria: Mapping[str, ChangeCriteria], z: float = 1.96
) -> pd.DataFrame:
    """Add reliable change index and Jacobson-Truax category to :func:`change_first_to_latest`.

    Args:
        changes: output of :func:`change_first_to_latest`.
        criteria: instrument name → :class:`~vidensbasering.measures.ChangeCriteria`.
        z: critical value for reliable change (1.96 = two-sided 5 %).

    Returns:
        Copy of ``changes`` with ``rc`` (float) and ``category`` (ordered categorical of
        :data:`~vidensbasering.measures.CHANGE_CATEGORIES`; missing for persons measured once or
        instruments without criteria).

    Raises:
        ValueError: as :func:`~vidensbasering.measures.classify_change`.
    """
    out = changes.copy()
    rc = np.full(len(out), np.nan)
    codes = np.full(len(out), -1, dtype=np.int8)
    instrument = out["instrument"].to_numpy()
    pre_all = out["first_score"].to_numpy(dtype=float)
    post_all = np.where(
        out["n_occasions"].to_numpy() > 1, out["latest_score"].to_numpy(dtype=float), np.nan
    )
    for name, crit in criteria.items():
        mask = instrument == name
        if not mask.any():
            continue
        pre, post = pre_all[mask], post_all[mask]
        rc[mask] = (post - pre) / crit.s_diff
        codes[mask] = change_category_codes(
            pre, post, s_diff=crit.s_diff, cutoff=crit.cutoff, direction=crit.direction, z=z
        )
    out["rc"] = rc
    out["category"] = pd.Categorical.from_codes(codes, categories=CHANGE_CATEGORIES, ordered=True)
    return out


def category_counts(classified: pd.DataFrame, by: Sequence[str] = ("instrument",)) -> pd.DataFrame:
    """Number and share of persons in each change category.

    Args:
        classified: output of :func:`classify_changes`.
        by: grouping columns (e.g. ``["instrument", "group"]``).

    Returns:
        Long DataFrame with ``*by``, ``category``, ``n`` (int) and ``share`` (0-1 of the persons
        with a category in that group); persons without a category are counted under
        ``category`` = ``<NA>``, not dropped, and do not enter the denominator.
    """
    keys = list(by)
    counts = (
        classified.groupby([*keys, "category"], observed=False, dropna=False)
        .size()
        .rename("n")
        .reset_index()
    )
    known = counts["category"].notna()
    totals = counts[known].groupby(keys)["n"].transform("sum")
    counts["share"] = np.nan
    counts.loc[known, "share"] = counts.loc[known, "n"] / totals.replace(0, np.nan)
    return counts


def gas_over_time(df: pd.DataFrame, rho: float = 0.30, by: Sequence[str] = ()) -> pd.DataFrame:
    """GAS T-score per person and occasion from goal rows (``instrument == "GAS"``).

    Args:
        df: tidy table; GAS rows have ``score`` = goal level −2…+2, optional ``weight``.
        rho: assumed inter-goal correlation (0.30 by convention).
        by: extra key columns carried along (e.g. ``["group"]``).

    Returns:
        DataFrame ``person_id``, ``*by``, ``occasion``, ``n_goals``, ``gas_t`` (T-score, 50 =
        goals met as expected), sorted by person and occasion.

    Raises:
        ValueError: as :func:`~vidensbasering.measures.gas_tscore_table` (Kiresuk & Sherman 1968).
    """
    goals = df[df["instrument"] == GAS_INSTRUMENT]
    keys = ["person_id", *by, "occasion"]
    weight = "weight" if "weight" in goals.columns else None
    t = gas_tscore_table(goals, by=keys, weight=weight, rho=rho)
    n = goals.groupby(keys, sort=True, dropna=False).size().rename("n_goals")
    return pd.concat([n, t], axis=1).reset_index()


def summary_by_occasion(
    df: pd.DataFrame,
    value: str = "score",
    by: Sequence[str] = ("instrument", "occasion"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Group summary per occasion: n, mean, SD and a t-based confidence interval of the mean.

    ``CI = mean ± t_{(1+confidence)/2, n−1}·sd/√n``.

    Args:
        df: tidy table or any frame with ``value`` and the ``by`` columns (e.g. the output of
            :func:`gas_over_time` with ``value="gas_t"``, ``by=["occasion"]``). When ``df`` has
            an ``instrument`` column, GAS goal rows are left out (goal levels are not scores)
            and the other rows must be of one instrument unless ``by`` includes ``instrument``.
        value: numeric column to summarise (scale units).
        by: grouping columns, e.g. ``["instrument", "group", "occasion"]``.
        confidence: coverage in (0, 1).

    Returns:
        DataFrame ``*by``, ``n`` (int, non-missing values), ``mean``, ``sd`` (ddof 1), ``se``,
        ``ci_low``, ``ci_high``; SD and CI are NaN when n < 2.

    Raises:
        ValueError: ``confidence`` outside (0, 1), missing columns, or several instruments
            without ``instrument`` in ``by``.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    from scipy.special import stdtrit  # on first use: a kernel that draws no trend never loads it

    keys = list(by)
    _require(df, [value, *keys])
    data = df
    if "instrument" in df.columns:
        # GAS rows are goal levels, not scores: summarise gas_over_time's T-scores instead.
        data = df[df["instrument"] != GAS_INSTRUMENT]
        if "instrument" not in keys and data["instrument"].nunique() > 1:
            raise ValueError(
                f"the table holds several instruments {sorted(data['instrument'].unique())}; "
                "add 'instrument' to by or keep one instrument's rows"
            )
    g = data.groupby(keys, sort=True, observed=True, dropna=False)[value]
    out = g.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["se"] = out["sd"] / np.sqrt(n)
        # Student's t quantile as scipy.stats.t.ppf computes it, from the lighter scipy.special.
        tcrit = stdtrit(np.where(n > 1, n - 1, np.nan), (1.0 + confidence) / 2.0)
    out["ci_low"] = out["mean"] - tcrit * out["se"]
    out["ci_high"] = out["mean"] + tcrit * out["se"]
    out["n"] = out["n"].astype("int64")
    return out.reset_index()


#: Why :func:`cases_to_discuss` picks a citizen, in the order the team should take them: code →
#: catalog key of the Danish label (``refleksion.reason_*``) that the table shows.
DISCUSSION_REASONS: dict[str, str] = {
    "deteriorated": "refleksion.reason_deteriorated",
    "no_reliable_change": "refleksion.reason_no_reliable_change",
    "dropped_out": "refleksion.reason_dropped_out",
}

#: Spellings of a scale's direction that :func:`cases_to_discuss` accepts: the library's codes and
#: the Danish labels the follow-up app shows (``opfoelgning.app_direction_*``), case-insensitive.
_DIRECTIONS: dict[str, Direction] = {
    "higher_is_better": "higher_is_better",
    "higher_is_worse": "higher_is_worse",
    "højere er bedre": "higher_is_better",
    "højere score er bedre": "higher_is_better",
    "lavere er bedre": "higher_is_worse",
    "lavere score er bedre": "higher_is_worse",
}


def _direction(value: str) -> Direction:
    key = " ".join(str(value).lower().split())
    if key not in _DIRECTIONS:
        raise ValueError(t("refleksion.error_direction", value=value))
    return _DIRECTIONS[key]


def _reliability(value: float | str) -> float:
    """``value`` as a reliability in [0, 1), or a Danish ``ValueError`` (e.g. 89 in percent)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0.0 <= number < 1.0:
        raise ValueError(t("refleksion.error_reliability", value=value))
    return number


def cases_to_discuss(
    df: pd.DataFrame,
    instrument: str,
    *,
    reliability: float,
    direction: str,
    occasion: int,
    cutoff: float | None = None,
    by: Sequence[str] = (),
    z: float = 1.96,
) -> pd.DataFrame:
    """The citizens a team should talk about at its reflection meeting, with the reason.

    Three reasons, each a sign that the plan may not fit the citizen (the team's data-informed
    reflection, KL/SFI point 4; Socialstyrelsen's *Håndbog i lovende praksis*, booklet 7):

    * ``"deteriorated"``: reliable deterioration from the first to the latest measurement up to
      ``occasion`` (Jacobson & Truax 1991: RC beyond ``z`` in the worse direction);
    * ``"no_reliable_change"``: measured at ``occasion`` but without reliable change since the
      first measurement (|RC| ≤ ``z``);
    * ``"dropped_out"``: measured at the start but not at ``occasion`` (missing later occasions).

    Only measurements up to ``occasion`` count ("by 12 months" = ``occasion=4`` in the course's
    example). S_diff uses the SD of everyone's first score and ``reliability``; the cut-off is
    ``cutoff`` or criterion a (see :func:`criteria_from_baseline`). A citizen who dropped out after
    a reliable deterioration appears twice, once per reason.

    Args:
        df: tidy table (see module docstring); rows of other instruments are ignored.
        instrument: e.g. ``"WEMWBS"``.
        reliability: the scale's reliability in [0, 1), e.g. 0.89 for WEMWBS (Tennant et al. 2007).
        direction: ``"højere er bedre"`` / ``"lavere er bedre"`` (the app's labels) or the codes
            ``"higher_is_better"`` / ``"higher_is_worse"``.
        occasion: the follow-up occasion the team looks at (whole number ≥ 2).
        cutoff: a published cut-off in scale points, or ``None`` for criterion a.
        by: extra columns to carry along, e.g. ``["group"]`` (constant per person).
        z: critical value of the reliable change index (1.96 = two-sided 5 %).

    Returns:
        DataFrame with one row per citizen and reason, sorted by reason (in the order above) and
        ``person_id``: ``person_id``, ``*by``, ``reason`` (ordered categorical of the Danish labels
        of :data:`DISCUSSION_REASONS`), ``first_score``, ``latest_score`` (scale units; the latest
        up to ``occasion``), ``latest_occasion`` (int) and ``rc`` (float; NaN for a citizen
        measured once).

    Raises:
        ValueError: in Danish: ``instrument`` not in the table (the ones that are are listed),
            ``occasion`` not a later occasion in the table, an unknown ``direction``, or a
            ``reliability`` outside [0, 1) (e.g. 89 for 0.89); and the errors of
            :func:`criteria_from_baseline`.
    """
    code = _direction(direction)
    reliability = _reliability(reliability)
    _require(df, ["person_id", "occasion", "instrument", "score", *by])
    instruments = sorted(set(df["instrument"]) - {GAS_INSTRUMENT})
    if instrument not in instruments:
        raise ValueError(
            t("refleksion.error_instrument", value=instrument, known=", ".join(instruments))
        )
    rows = df[df["instrument"] == instrument]
    occasions = sorted(int(o) for o in rows["occasion"].unique())
    if occasion not in occasions[1:]:
        known = ", ".join(str(o) for o in occasions[1:])
        raise ValueError(t("refleksion.error_occasion", value=occasion, known=known))
    rows = rows[rows["occasion"] <= occasion]
    criteria = criteria_from_baseline(rows, instrument, reliability, direction=code, cutoff=cutoff)
    classified = classify_changes(change_first_to_latest(rows, by=by), {instrument: criteria}, z=z)
    reasons = {
        "deteriorated": classified["category"] == "deteriorated",
        "no_reliable_change": (classified["category"] == "unchanged")
        & (classified["latest_occasion"] == occasion),
        "dropped_out": classified["latest_occasion"] < occasion,
    }
    labels = [t(key) for key in DISCUSSION_REASONS.values()]
    columns = ["person_id", *by, "first_score", "latest_score", "latest_occasion", "rc"]
    parts = []
    for reason, chosen in reasons.items():
        part = classified.loc[chosen.to_numpy(), columns].copy()
        part.insert(1 + len(by), "reason", t(DISCUSSION_REASONS[reason]))
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["reason"] = pd.Categorical(out["reason"], categories=labels, ordered=True)
    out["latest_occasion"] = out["latest_occasion"].astype("int64")
    return out.sort_values(["reason", "person_id"], kind="stable").reset_index(drop=True)
