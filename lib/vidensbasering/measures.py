"""Outcome measures: GAS, reliable and clinically significant change, SDQ and WEMWBS.

Every function checks its input and raises :class:`ValueError` (with an English message naming the
offending value) for out-of-range or malformed input. Nothing is clipped or dropped silently;
the only rounding is the SDQ's own prorating rule. Danish texts for users live in the
``opfoelgning`` section of the UI catalog; this module only does the maths.

Sources of formulas and cut-offs (see also the course's domain facts, section 4):

* Goal Attainment Scaling: Kiresuk, T. J. & Sherman, R. E. (1968). Goal attainment scaling: a
  general method for evaluating comprehensive community mental health programs. *Community
  Mental Health Journal* 4(6), 443-453.
* Reliable change and clinical significance: Jacobson, N. S. & Truax, P. (1991). Clinical
  significance: a statistical approach to defining meaningful change in psychotherapy research.
  *Journal of Consulting and Clinical Psychology* 59(1), 12-19.
* SDQ: Goodman, R. (1997). The Strengths and Difficulties Questionnaire: a research note.
  *Journal of Child Psychology and Psychiatry* 38(5), 581-586; item-to-scale key, reversed items
  and prorating rule from the official scoring instructions and scoring syntax published by
  youthinmind (sdqinfo.org, "Scoring the SDQ"); UK parent-report three-band cut-offs as tabulated
  in BMC Psychiatry (2021) 21, s12888-021-03218-x, table 2.
* WEMWBS: Tennant, R. et al. (2007). The Warwick-Edinburgh Mental Well-being Scale (WEMWBS):
  development and UK validation. *Health and Quality of Life Outcomes* 5:63.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "CHANGE_CATEGORIES",
    "GAS_LEVELS",
    "INSTRUMENT_RANGES",
    "SDQ_BANDS",
    "SDQ_ITEMS",
    "SDQ_REVERSED_ITEMS",
    "SDQ_SCALES",
    "ChangeCriteria",
    "Cutoffs",
    "change_category_codes",
    "classify_change",
    "cronbach_alpha",
    "cutoffs",
    "gas_tscore",
    "gas_tscore_table",
    "reliable_change_index",
    "reliable_change_threshold",
    "sdq_band",
    "sdq_scores",
    "standard_error_of_difference",
    "standard_error_of_measurement",
    "wemwbs_total",
]

# --------------------------------------------------------------------------------------------
# Goal Attainment Scaling
# --------------------------------------------------------------------------------------------

#: The five GAS levels: -2 much less than expected, 0 the expected outcome, +2 much more.
GAS_LEVELS: tuple[int, ...] = (-2, -1, 0, 1, 2)

#: Plausible score range (inclusive) per instrument name, used by the file validator.
#: GAS is a goal level, SDQ scales 0-10 and total difficulties 0-40, WEMWBS total 14-70.
INSTRUMENT_RANGES: dict[str, tuple[float, float]] = {
    "GAS": (-2, 2),
    "WEMWBS": (14, 70),
    "SDQ_TOTAL": (0, 40),
    "SDQ_EMOTIONAL": (0, 10),
    "SDQ_CONDUCT": (0, 10),
    "SDQ_HYPERACTIVITY": (0, 10),
    "SDQ_PEER": (0, 10),
    "SDQ_PROSOCIAL": (0, 10),
}


def _check_rho(rho: float) -> None:
    if not (isinstance(rho, int | float) and 0.0 <= rho < 1.0):
        raise ValueError(f"rho (assumed inter-goal correlation) must be in [0, 1), got {rho!r}")


def _check_gas_levels(x: np.ndarray) -> None:
    finite = x[~np.isnan(x)]
    bad = finite[~np.isin(finite, GAS_LEVELS)]
    if bad.size:
        raise ValueError(
            "GAS goal scores must be one of -2, -1, 0, +1, +2 (NaN for an absent goal); "
            f"got {sorted(set(bad.tolist()))[:5]}"
        )


def _check_weights(w: np.ndarray) -> None:
    finite = w[~np.isnan(w)]
    if np.any(finite <= 0) or np.any(np.isinf(finite)):
        raise ValueError("GAS weights must be positive and finite")


def gas_tscore(
    scores: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    rho: float = 0.30,
) -> float | np.ndarray:
    """Goal Attainment Scaling T-score of one person or of many.

    ``T = 50 + 10·Σwᵢxᵢ / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²)`` (Kiresuk & Sherman 1968). T = 50 when every
    goal is met exactly as expected; each goal's level xᵢ is one of −2, −1, 0, +1, +2.

    Args:
        scores: goal levels. Shape ``(goals,)`` for one person, or ``(persons, goals)`` with NaN
            where a person has fewer goals than the widest row.
        weights: positive goal weights (importance, difficulty; unitless). ``None`` gives every
            goal weight 1. Shape ``(goals,)`` (same weights for every row) or that of ``scores``.
            A weight where the score is NaN is ignored.
        rho: assumed correlation between goal scores, in [0, 1); 0.30 by convention.

    Returns:
        A float for 1-D input; for 2-D input a float array of shape ``(persons,)``, NaN for a row
        without any goal.

    Raises:
        ValueError: a level outside {−2, −1, 0, +1, +2}, a non-positive or infinite weight,
            ``rho`` outside [0, 1), mismatched shapes, more than two dimensions, or (1-D) no goal.

    Examples:
        Hand check: three goals of weight 1 scored (+1, 0, −1) give 50; (+1, +1, +1) give
        50 + 30/√(0.7·3 + 0.3·9) = 50 + 30/√4.8 ≈ 63.69.
    """
    _check_rho(rho)
    x = np.asarray(scores, dtype=float)
    if x.ndim not in (1, 2):
        raise ValueError(f"scores must be 1-D (one person) or 2-D (persons × goals): {x.ndim}-D")
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    try:
        w = np.broadcast_to(w, x.shape)
    except ValueError:
        raise ValueError(
            f"weights of shape {w.shape} do not fit scores of shape {x.shape}"
        ) from None
    _check_gas_levels(x)
    present = ~np.isnan(x)
    if np.any(np.isnan(w) & present):
        raise ValueError("every goal with a score needs a weight (found NaN weight)")
    _check_weights(np.where(present, w, 1.0))
    w = np.where(present, w, 0.0)
    xw = np.where(present, x * w, 0.0)
    num = xw.sum(axis=-1)
    sum_w = w.sum(axis=-1)
    sum_w2 = (w * w).sum(axis=-1)
    denom = np.sqrt((1.0 - rho) * sum_w2 + rho * sum_w**2)
    if x.ndim == 1:
        if not present.any():
            raise ValueError("a GAS T-score needs at least one goal with a score")
        return float(50.0 + 10.0 * num / denom)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = 50.0 + 10.0 * num / denom
    return np.where(present.any(axis=-1), t, np.nan)


def gas_tscore_table(
    goals: pd.DataFrame,
    by: str | Sequence[str] = "person_id",
    score: str = "score",
    weight: str | None = None,
    rho: float = 0.30,
) -> pd.Series:
    """GAS T-scores from a tidy table with one row per goal (vectorised with ``groupby``).

    Args:
        goals: one row per goal; column ``score`` holds the level (−2…+2, numeric), the optional
            column ``weight`` a positive weight (missing column or ``None`` → weight 1).
        by: column(s) identifying one T-score, e.g. ``"person_id"`` or
            ``["person_id", "occasion"]``.
        score: name of the goal-level column.
        weight: name of the weight column, or ``None`` for equal weights.
        rho: assumed inter-goal correlation in [0, 1) (0.30 by convention).

    Returns:
        Float Series named ``"gas_t"`` indexed by ``by`` (sorted), one T-score per group.

    Raises:
        ValueError: missing level or weight, a level outside −2…+2, a non-positive weight, or
            ``rho`` outside [0, 1). The formula and source are those of :func:`gas_tscore`.
    """
    _check_rho(rho)
    keys = [by] if isinstance(by, str) else list(by)
    x = goals[score].to_numpy(dtype=float)
    if np.isnan(x).any():
        raise ValueError(f"column {score!r} has missing goal levels")
    _check_gas_levels(x)
    w = np.ones_like(x) if weight is None else goals[weight].to_numpy(dtype=float)
    if np.isnan(w).any():
        raise ValueError(f"column {weight!r} has missing weights")
    _check_weights(w)
    parts = pd.DataFrame({"xw": x * w, "w": w, "w2": w * w})
    for k in keys:
        parts[k] = goals[k].to_numpy()
    sums = parts.groupby(keys, sort=True, dropna=False)[["xw", "w", "w2"]].sum()
    denom = np.sqrt((1.0 - rho) * sums["w2"] + rho * sums["w"] ** 2)
    return (50.0 + 10.0 * sums["xw"] / denom).rename("gas_t")


# --------------------------------------------------------------------------------------------
# Reliable change and clinical significance (Jacobson & Truax 1991)
# --------------------------------------------------------------------------------------------

Direction = Literal["higher_is_better", "higher_is_worse"]

#: The four Jacobson-Truax categories, best first.
CHANGE_CATEGORIES: tuple[str, ...] = ("recovered", "improved", "unchanged", "deteriorated")


def _check_sd_rel(sd: float, reliability: float) -> None:
    if not (np.isfinite(sd) and sd > 0):
        raise ValueError(f"standard deviation must be positive and finite, got {sd!r}")
    if not (0.0 <= reliability < 1.0):
        raise ValueError(f"reliability must be in [0, 1), got {reliability!r}")


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """Standard error of measurement ``SE = s₁·√(1 − r_xx)`` (Jacobson & Truax 1991).

    Args:
        sd: standard deviation s₁ of the pre-treatment (baseline) scores, in scale points (> 0).
        reliability: reliability r_xx of the scale (e.g. Cronbach's α or test-retest), in [0, 1).

    Returns:
        SE in scale points.

    Raises:
        ValueError: ``sd`` not positive and finite, or ``reliability`` outside [0, 1).
    """
    _check_sd_rel(sd, reliability)
    return float(sd * math.sqrt(1.0 - reliability))


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """Standard error of a difference score ``S_diff = √(2·SE²)`` (Jacobson & Truax 1991).

    Args and errors as :func:`standard_error_of_measurement`. Returns S_diff in scale points.
    """
    se = standard_error_of_measurement(sd, reliability)
    return float(math.sqrt(2.0 * se * se))


def reliable_change_threshold(s_diff: float, z: float = 1.96) -> float:
    """Smallest change in scale points that counts as reliable: ``z·S_diff``.

    This is what many papers report as "the RCI" in points, e.g. 11.58 for the Revised Dyadic
    Adjustment Scale (Anderson et al. 2014). |RC| > 1.96 (two-sided 5 %) is Jacobson & Truax's rule.

    Raises:
        ValueError: ``s_diff`` or ``z`` not positive and finite.
    """
    if not (np.isfinite(s_diff) and s_diff > 0 and np.isfinite(z) and z > 0):
        raise ValueError(f"s_diff and z must be positive and finite, got {s_diff!r}, {z!r}")
    return float(z * s_diff)


def reliable_change_index(
    pre: float | Sequence[float] | np.ndarray,
    post: float | Sequence[float] | np.ndarray,
    s_diff: float,
) -> float | np.ndarray:
    """Reliable change index ``RC = (x₂ − x₁)/S_diff`` (Jacobson & Truax 1991).

    Args:
        pre: score(s) x₁ before (scale points); scalar or array.
        post: score(s) x₂ after, broadcastable to ``pre``.
        s_diff: standard error of the difference (:func:`standard_error_of_difference`), > 0.

    Returns:
        RC (unitless, signed: positive when the score rose); float for scalars, else an array.
        NaN where pre or post is NaN. |RC| > 1.96 is reliable change; whether a rise is an
        improvement depends on the scale's direction (see :func:`classify_change`).

    Raises:
        ValueError: ``s_diff`` not positive and finite.
    """
    if not (np.isfinite(s_diff) and s_diff > 0):
        raise ValueError(f"s_diff must be positive and finite, got {s_diff!r}")
    rc = (np.asarray(post, dtype=float) - np.asarray(pre, dtype=float)) / s_diff
    return float(rc) if rc.ndim == 0 else rc


@dataclass(frozen=True)
class Cutoffs:
    """Jacobson-Truax cut-offs in scale points.

    Attributes:
        a: two standard deviations beyond the dysfunctional mean, towards the functional side.
        b: two standard deviations from the functional mean, towards the dysfunctional side.
        c: the point closer to the functional than to the dysfunctional mean (weighted by SDs).
    """

    a: float
    b: float | None
    c: float | None


def cutoffs(
    mean_dys: float,
    sd_dys: float,
    mean_func: float | None = None,
    sd_func: float | None = None,
    *,
    direction: Direction,
) -> Cutoffs:
    """Cut-offs a, b and c for clinically significant change (Jacobson & Truax 1991).

    For a scale where higher is better: ``a = M_dys + 2·s_dys`` and ``b = M_func − 2·s_func``; where
    higher is worse (e.g. SDQ) the signs flip: ``a = M_dys − 2·s_dys``, ``b = M_func + 2·s_func``.
    In both cases ``c = (s_func·M_dys + s_dys·M_func)/(s_func + s_dys)``.

    Args:
        mean_dys, sd_dys: mean and SD of a dysfunctional (clinical) sample, scale points; sd > 0.
        mean_func, sd_func: mean and SD of a functional (norm) sample; ``None`` when no norms
            exist (then only ``a`` is available and ``b``, ``c`` are ``None``).
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``, keyword only, no default.

    Returns:
        :class:`Cutoffs`.

    Raises:
        ValueError: a non-positive SD, only one of ``mean_func``/``sd_func`` given, an unknown
            direction, or a functional mean on the wrong side of the dysfunctional mean.
    """
    sign = _sign(direction)
    for sd in (sd_dys, sd_func):
        if sd is not None and not (np.isfinite(sd) and sd > 0):
            raise ValueError(f"standard deviations must be positive and finite, got {sd!r}")
    a = mean_dys + sign * 2.0 * sd_dys
    if mean_func is None and sd_func is None:
        return Cutoffs(a=float(a), b=None, c=None)
    if mean_func is None or sd_func is None:
        raise ValueError("give both mean_func and sd_func, or neither")
    if sign * (mean_func - mean_dys) <= 0:
        raise ValueError(
            f"with direction {direction!r} the functional mean ({mean_func}) must lie on the "
            f"better side of the dysfunctional mean ({mean_dys})"
        )
    b = mean_func - sign * 2.0 * sd_func
    c = (sd_func * mean_dys + sd_dys * mean_func) / (sd_func + sd_dys)
    return Cutoffs(a=float(a), b=float(b), c=float(c))


#: Danish ways to write a scale's direction (as the apps say it), accepted wherever ``direction``
#: is: students never need the English codes.
DIRECTION_ALIASES: dict[str, str] = {
    "højere er bedre": "higher_is_better",
    "lavere er værre": "higher_is_better",
    "højere er værre": "higher_is_worse",
    "lavere er bedre": "higher_is_worse",
}


def category_label(category: str | Sequence[str | None] | np.ndarray | None) -> object:
    """Danish name of a change category (as the apps show it), e.g. ``"recovered"`` ->
    ``"Klinisk betydende bedring"``; element-wise for a sequence, ``None`` stays ``None``.

    Raises:
        KeyError: an unknown category code.
    """
    from vidensbasering.i18n import t

    def one(code: str | None) -> str | None:
        return None if code is None else t(f"opfoelgning.category_{code}")

    if category is None or isinstance(category, str):
        return one(category)
    return [one(c) for c in category]


def _sign(direction: str) -> int:
    direction = DIRECTION_ALIASES.get(" ".join(str(direction).split()).casefold(), direction)
    if direction == "higher_is_better":
        return 1
    if direction == "higher_is_worse":
        return -1
    raise ValueError(
        f'direction skal være "højere er bedre" eller "højere er værre", ikke {direction!r}'
    )


def classify_change(
    pre: float | Sequence[float] | np.ndarray,
    post: float | Sequence[float] | np.ndarray,
    *,
    s_diff: float,
    cutoff: float | None,
    direction: Direction,
    z: float = 1.96,
) -> str | np.ndarray:
    """Jacobson-Truax category of each person's change from ``pre`` to ``post``.

    * ``"recovered"``: reliable improvement (RC beyond ``z`` in the better direction) **and** the
      person moved from the dysfunctional side of ``cutoff`` to its functional side;
    * ``"improved"``: reliable improvement without that crossing (also when already functional
      before, or when ``cutoff`` is ``None``);
    * ``"unchanged"``: |RC| ≤ ``z``;
    * ``"deteriorated"``: reliable change in the worse direction.

    A score exactly on the cut-off counts as not (yet) functional. NaN in pre or post gives ``None``
    (category unknown), never a guess.

    Args:
        pre, post: scores in scale points, scalars or broadcastable arrays.
        s_diff: standard error of the difference, > 0 (:func:`standard_error_of_difference`).
        cutoff: functional/dysfunctional boundary in scale points (a, b or c), or ``None``.
        direction: ``"higher_is_better"`` or ``"higher_is_worse"`` (e.g. SDQ: improvement is a
            decrease), keyword only, no default.
        z: critical value; 1.96 for two-sided 5 %.

    Returns:
        A category string for scalar input, else an object array of categories (``None`` where
        unknown).

    Raises:
        ValueError: bad ``s_diff``/``z`` or unknown direction.

    Source: Jacobson & Truax (1991), categories as defined there.
    """
    codes = change_category_codes(pre, post, s_diff=s_diff, cutoff=cutoff, direction=direction, z=z)
    labels = np.array([*CHANGE_CATEGORIES, None], dtype=object)
    if codes.ndim == 0:
        return labels[int(codes)]  # code -1 picks the trailing None
    return labels[codes]


def change_category_codes(
    pre: float | Sequence[float] | np.ndarray,
    post: float | Sequence[float] | np.ndarray,
    *,
    s_diff: float,
    cutoff: float | None,
    direction: Direction,
    z: float = 1.96,
) -> np.ndarray:
    """Like :func:`classify_change`, but as integer codes for fast tables.

    Returns:
        int8 array (0-D for scalars): the index into :data:`CHANGE_CATEGORIES` (0 recovered,
        1 improved, 2 unchanged, 3 deteriorated), or -1 where pre or post is NaN; suitable for
        ``pandas.Categorical.from_codes``. Arguments, errors and source as :func:`classify_change`.
    """
    sign = _sign(direction)
    if not (np.isfinite(z) and z > 0):
        raise ValueError(f"z must be positive and finite, got {z!r}")
    rc = np.asarray(reliable_change_index(pre, post, s_diff), dtype=float)
    pre_a = np.broadcast_to(np.asarray(pre, dtype=float), rc.shape)
    post_a = np.broadcast_to(np.asarray(post, dtype=float), rc.shape)
    better = sign * rc > z
    worse = sign * rc < -z
    if cutoff is None:
        crossed = np.zeros(rc.shape, dtype=bool)
    else:
        crossed = (sign * (pre_a - cutoff) <= 0) & (sign * (post_a - cutoff) > 0)
    return np.select(
        [np.isnan(rc), better & crossed, better, worse], [-1, 0, 1, 3], default=2
    ).astype(np.int8)


@dataclass(frozen=True)
class ChangeCriteria:
    """Everything needed to classify change on one instrument.

    Attributes:
        s_diff: standard error of the difference, scale points (> 0).
        cutoff: functional/dysfunctional boundary in scale points, or ``None``.
        direction: ``"higher_is_better"`` or ``"higher_is_worse"``.
        source: where ``s_diff`` and ``cutoff`` come from (shown to users; free text).
    """

    s_diff: float
    cutoff: float | None
    direction: Direction
    source: str = ""

    def __post_init__(self) -> None:
        _sign(self.direction)
        # A Danish direction ("højere er bedre") is stored as its code, which charts compare.
        code = "higher_is_better" if _sign(self.direction) > 0 else "higher_is_worse"
        object.__setattr__(self, "direction", code)
        if not (np.isfinite(self.s_diff) and self.s_diff > 0):
            raise ValueError(f"s_diff must be positive and finite, got {self.s_diff!r}")

    @classmethod
    def from_reliability(
        cls,
        sd: float,
        reliability: float,
        *,
        cutoff: float | None,
        direction: Direction,
        source: str = "",
    ) -> ChangeCriteria:
        """Build criteria from a baseline SD and the scale's reliability (S_diff = √2·s₁·√(1−r))."""
        return cls(standard_error_of_difference(sd, reliability), cutoff, direction, source)


# --------------------------------------------------------------------------------------------
# SDQ (Strengths and Difficulties Questionnaire)
# --------------------------------------------------------------------------------------------

#: Item numbers (1-25, in the order printed on the standard 4-17 form) of each of the five scales.
#: Key from the official SDQ scoring instructions and scoring syntax (youthinmind, sdqinfo.org).
#: Item wording is copyrighted and deliberately not reproduced.
SDQ_ITEMS: dict[str, tuple[int, ...]] = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}

#: Positively worded items scored in reverse (0 ↔ 2) on a problem scale: 7 (conduct), 11 and 14
#: (peer), 21 and 25 (hyperactivity).
SDQ_REVERSED_ITEMS: frozenset[int] = frozenset({7, 11, 14, 21, 25})

#: Output scales of :func:`sdq_scores`, in order.
SDQ_SCALES: tuple[str, ...] = (*SDQ_ITEMS, "total_difficulties")

#: UK parent-report three-band cut-offs: (highest "normal", highest "borderline") per scale.
#: total 0-13 / 14-16 / 17-40; emotional 0-3 / 4 / 5-10; conduct 0-2 / 3 / 4-10;
#: hyperactivity 0-5 / 6 / 7-10; peer 0-2 / 3 / 4-10. Prosocial runs the other way:
#: 8-10 normal / 7 borderline / 0-6 abnormal (stored as lowest normal, lowest borderline).
SDQ_BANDS: dict[str, tuple[int, int]] = {
    "total_difficulties": (13, 16),
    "emotional": (3, 4),
    "conduct": (2, 3),
    "hyperactivity": (5, 6),
    "peer": (2, 3),
    "prosocial": (8, 7),
}


def sdq_scores(items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> pd.DataFrame:
    """Score SDQ forms (25 items each) into the five scales and total difficulties.

    Each item is 0 ("not true"), 1 ("somewhat true") or 2 ("certainly true") as ticked on the
    form; the function reverses items 7, 11, 14, 21 and 25 itself. A scale score is the sum of its
    five items (0-10). As in the official scoring, a scale with 3 or 4 answered items is prorated
    (mean × 5, rounded half up: e.g. 4 from 3 items → 6.67 → 7); with fewer than 3 it is missing.
    Total difficulties is the sum of the four problem scales (0-40), missing if any is missing.

    Args:
        items: shape ``(forms, 25)``: columns are items 1-25 in form order. A DataFrame may
            instead have columns named ``1`` … ``25`` (int or str) in any order. NaN = not answered.

    Returns:
        DataFrame with columns :data:`SDQ_SCALES` (nullable ``Int64``, ``<NA>`` when missing), one
        row per form, index kept from a DataFrame input.

    Raises:
        ValueError: not 25 items, or a value other than 0, 1, 2 or NaN.

    Source: item-to-scale key, reversed items and prorating from the official SDQ scoring
    instructions and syntax (youthinmind, sdqinfo.org); Goodman (1997).
    """
    if isinstance(items, pd.DataFrame):
        index = items.index
        cols = {int(c): c for c in items.columns if str(c).strip().isdigit()}
        if len(items.columns) == 25 and set(cols) == set(range(1, 26)):
            arr = items[[cols[i] for i in range(1, 26)]].to_numpy(dtype=float)
        else:
            arr = items.to_numpy(dtype=float)
    else:
        arr = np.asarray(items, dtype=float)
        index = None
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] != 25:
        raise ValueError(f"SDQ needs 25 item scores per form, got shape {arr.shape}")
    finite = arr[~np.isnan(arr)]
    if not np.isin(finite, (0, 1, 2)).all():
        bad = sorted(set(finite[~np.isin(finite, (0, 1, 2))].tolist()))[:5]
        raise ValueError(f"SDQ item scores must be 0, 1 or 2 (NaN if unanswered), got {bad}")
    scored = arr.copy()
    rev = [i - 1 for i in sorted(SDQ_REVERSED_ITEMS)]
    scored[:, rev] = 2.0 - scored[:, rev]
    out = {}
    for scale, numbers in SDQ_ITEMS.items():
        block = scored[:, [i - 1 for i in numbers]]
        answered = (~np.isnan(block)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            prorated = np.floor(np.nansum(block, axis=1) / answered * 5.0 + 0.5)
        out[scale] = np.where(answered >= 3, prorated, np.nan)
    problems = np.column_stack([out[s] for s in ("emotional", "conduct", "hyperactivity", "peer")])
    out["total_difficulties"] = problems.sum(axis=1)  # NaN if any scale is missing
    frame = pd.DataFrame(out, index=index)[list(SDQ_SCALES)]
    return frame.astype("Int64")


def sdq_band(scale: str, score: float | Sequence[float] | np.ndarray) -> str | np.ndarray:
    """UK parent-report band ("normal", "borderline", "abnormal") of an SDQ scale score.

    Args:
        scale: one of ``"total_difficulties"``, ``"emotional"``, ``"conduct"``,
            ``"hyperactivity"``, ``"peer"``, ``"prosocial"``.
        score: whole-number score(s): 0-40 for total difficulties, 0-10 otherwise; NaN → ``None``.

    Returns:
        Band name for a scalar, else an object array.

    Raises:
        ValueError: unknown scale, or a score outside the range or not a whole number.

    Source: UK parent-report three-band cut-offs (sdqinfo.org), as tabulated in BMC Psychiatry
    (2021) 21, s12888-021-03218-x, table 2: total 0-13/14-16/17-40; emotional 0-3/4/5-10;
    conduct 0-2/3/4-10; hyperactivity 0-5/6/7-10; peer 0-2/3/4-10; prosocial 8-10/7/0-6.
    """
    if scale not in SDQ_BANDS:
        raise ValueError(f"unknown SDQ scale {scale!r}; expected one of {sorted(SDQ_BANDS)}")
    s = np.asarray(score, dtype=float)
    top = 40 if scale == "total_difficulties" else 10
    finite = s[~np.isnan(s)]
    if np.any((finite < 0) | (finite > top) | (finite != np.round(finite))):
        raise ValueError(f"SDQ {scale} scores must be whole numbers 0-{top}")
    first, second = SDQ_BANDS[scale]
    if scale == "prosocial":
        conditions = [np.isnan(s), s >= first, s >= second]
    else:
        conditions = [np.isnan(s), s <= first, s <= second]
    out = np.select(conditions, [None, "normal", "borderline"], default="abnormal").astype(object)
    return out.item() if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------
# WEMWBS
# --------------------------------------------------------------------------------------------


def wemwbs_total(items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """WEMWBS total: the sum of 14 items each scored 1-5, range 14-70 (Tennant et al. 2007).

    All items are positively worded; none is reversed. The scale has no prorating rule, so a
    form with an unanswered item has no total.

    Args:
        items: shape ``(forms, 14)`` or ``(14,)`` for one form; whole numbers 1-5, NaN unanswered.

    Returns:
        Float array of shape ``(forms,)``: totals 14-70, NaN where any item is unanswered.

    Raises:
        ValueError: not 14 items, or an item outside 1-5 or not a whole number.
    """
    arr = np.asarray(items, dtype=float)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] != 14:
        raise ValueError(
            "WEMWBS skal have 14 svar pr. skema (én kolonne pr. udsagn), "
            f"men fik formen {arr.shape}"
        )
    finite = arr[~np.isnan(arr)]
    if not np.isin(finite, (1, 2, 3, 4, 5)).all():
        raise ValueError(
            "WEMWBS-svar skal være hele tal fra 1 til 5 (NaN, hvis borgeren ikke svarede). "
            "Find de ugyldige svar, og regn kun på skemaer uden fejl."
        )
    return arr.sum(axis=1)


def cronbach_alpha(items: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> float:
    """Cronbach's α of a set of items: ``α = k/(k−1)·(1 − Σ var(itemᵢ) / var(Σ items))``.

    Variances use ddof = 1. Used to check that data behave like the published instrument
    (e.g. WEMWBS α = 0.89 in students and 0.91 in the population, Tennant et al. 2007).

    Args:
        items: shape ``(respondents, k)`` with k ≥ 2 and at least two respondents; no NaN.

    Returns:
        α (unitless, at most 1; negative when items are negatively related).

    Raises:
        ValueError: fewer than two items or respondents, NaN values, or zero total variance.

    Source: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16(3), 297-334.
    """
    arr = np.asarray(items, dtype=float)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"need at least two respondents and two items, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(
            "Svarene indeholder manglende værdier (NaN): "
            "regn kun på skemaer, hvor alle svar er gyldige."
        )
    total_var = arr.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise ValueError("the total score has zero variance; alpha is undefined")
    k = arr.shape[1]
    return float(k / (k - 1) * (1.0 - arr.var(axis=0, ddof=1).sum() / total_var))
