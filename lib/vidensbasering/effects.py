"""Effect estimators for a treated and a control group: difference in means, effect sizes, OLS.

All functions take plain numbers (array-likes or a DataFrame), compute in ``float64`` and
return frozen dataclasses, so apps and notebooks can show them and tests can compare them.
Bad input (empty group, missing values, a treatment column that is not 0/1, too few rows)
raises ``ValueError`` with a message that says what to fix; nothing is dropped silently.

Sources:
- Welch, B. L. (1947), "The generalization of 'Student's' problem when several different
  population variances are involved", Biometrika 34:28–35; Satterthwaite, F. E. (1946),
  Biometrics Bulletin 2:110–114 (unequal-variance standard error and degrees of freedom).
- Borenstein, M., Hedges, L. V., Higgins, J. P. T. & Rothstein, H. R. (2009), *Introduction to
  Meta-Analysis*, Wiley, ch. 4 (Cohen's d, Hedges' g and their variances).
- MacKinnon, J. G. & White, H. (1985), J. Econometrics 29:305–325; Long, J. S. & Ervin, L. H.
  (2000), The American Statistician 54:217–224 (HC3 heteroskedasticity-robust standard errors).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from vidensbasering.data import COVARIATES

Method = Literal["difference", "regression"]
#: Estimators offered by :func:`estimate`.
METHODS: tuple[str, ...] = get_args(Method)

#: Pre-treatment covariates of the NSW data (age, schooling, indicators, 1974/75 earnings).
DEFAULT_COVARIATES: tuple[str, ...] = COVARIATES


@dataclass(frozen=True)
class Estimate:
    """An estimated average effect of the treatment on the outcome.

    Attributes:
        estimate: the point estimate, in the outcome's unit (e.g. USD for ``re78``).
        se: its standard error, same unit.
        ci_low, ci_high: the bounds of the confidence interval, same unit.
        n_treated, n_control: number of observations in each group.
        method: the estimator, one of :data:`METHODS`.
        confidence: the confidence level of the interval, in (0, 1), e.g. 0.95.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n_treated: int
    n_control: int
    method: str
    confidence: float


@dataclass(frozen=True)
class EffectSize:
    """A standardised mean difference with its sampling variance (Borenstein et al. 2009, ch. 4).

    Attributes:
        value: d or g, in standard-deviation units (unitless).
        variance: the sampling variance of ``value``.
        se: ``sqrt(variance)``.
        ci_low, ci_high: ``value ± z·se`` with z the normal quantile of the confidence level.
        kind: ``"cohens_d"`` or ``"hedges_g"``.
    """

    value: float
    variance: float
    se: float
    ci_low: float
    ci_high: float
    kind: str


def _t_quantile(p: float, df: float) -> float:
    """Student's t quantile, the function ``scipy.stats.t.ppf`` calls (``scipy.special.stdtrit``).

    Imported on first use from ``scipy.special``, which loads in a fraction of the time and
    memory ``scipy.stats`` takes, so an app kernel pays for it only when it computes an interval.
    """
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _as_sample(values: npt.ArrayLike, name: str, minimum: int = 2) -> npt.NDArray[np.float64]:
    """Return ``values`` as a 1-D float64 array after checking size and missing values."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"The {name} group must hold numbers only: {err}") from err
    if array.ndim != 1:
        raise ValueError(f"The {name} group must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"The {name} group is empty; it needs at least {minimum} observations")
    if array.size < minimum:
        raise ValueError(
            f"The {name} group has {array.size} observation(s); it needs at least {minimum} "
            "to estimate a variance"
        )
    missing = int(np.count_nonzero(~np.isfinite(array)))
    if missing:
        raise ValueError(
            f"The {name} group holds {missing} missing or infinite value(s) (NaN/inf); remove "
            "or impute them explicitly before estimating"
        )
    return array


def difference_in_means(
    treated: npt.ArrayLike, control: npt.ArrayLike, confidence: float = 0.95
) -> Estimate:
    """Difference in mean outcome between treated and controls, with Welch's interval.

    ``estimate = mean(treated) - mean(control)``;
    ``se = sqrt(s_t²/n_t + s_c²/n_c)`` with sample variances (ddof = 1), which does not assume
    equal variances. The confidence interval is **Welch's t interval**:
    ``estimate ± t(1 - α/2, ν)·se`` with the Welch–Satterthwaite degrees of freedom
    ``ν = (s_t²/n_t + s_c²/n_c)² / ((s_t²/n_t)²/(n_t-1) + (s_c²/n_c)²/(n_c-1))``
    (Welch 1947; Satterthwaite 1946). It equals the interval of
    ``scipy.stats.ttest_ind(treated, control, equal_var=False)``.

    Args:
        treated: 1-D array-like of the treated group's outcomes (floats, any unit), n_t ≥ 2.
        control: 1-D array-like of the control group's outcomes, same unit, n_c ≥ 2.
        confidence: confidence level in (0, 1).

    Returns:
        An :class:`Estimate` with ``method="difference"``, in the outcome's unit.

    Raises:
        ValueError: a group is empty, has fewer than 2 values, holds NaN/inf or non-numbers,
            both groups have zero variance, or ``confidence`` is outside (0, 1).
    """
    _check_confidence(confidence)
    t = _as_sample(treated, "treated")
    c = _as_sample(control, "control")
    n_t, n_c = t.size, c.size
    v_t = t.var(ddof=1) / n_t
    v_c = c.var(ddof=1) / n_c
    se = math.sqrt(v_t + v_c)
    if se == 0.0:
        raise ValueError(
            "Both groups have the same value for everyone (zero variance); no standard error "
            "or confidence interval can be computed"
        )
    df = (v_t + v_c) ** 2 / (v_t**2 / (n_t - 1) + v_c**2 / (n_c - 1))
    diff = float(t.mean() - c.mean())
    half = float(_t_quantile(0.5 + confidence / 2, df)) * se
    return Estimate(
        estimate=diff,
        se=se,
        ci_low=diff - half,
        ci_high=diff + half,
        n_treated=n_t,
        n_control=n_c,
        method="difference",
        confidence=confidence,
    )


def _cohens_d_parts(
    treated: npt.ArrayLike, control: npt.ArrayLike
) -> tuple[float, float, int, int]:
    t = _as_sample(treated, "treated")
    c = _as_sample(control, "control")
    n_t, n_c = t.size, c.size
    pooled = math.sqrt(((n_t - 1) * t.var(ddof=1) + (n_c - 1) * c.var(ddof=1)) / (n_t + n_c - 2))
    if pooled == 0.0:
        raise ValueError(
            "The pooled standard deviation is zero (everyone has the same value); a "
            "standardised mean difference is undefined"
        )
    d = float((t.mean() - c.mean()) / pooled)
    var_d = (n_t + n_c) / (n_t * n_c) + d**2 / (2 * (n_t + n_c))
    return d, var_d, n_t, n_c


def _effect_size(value: float, variance: float, kind: str, confidence: float) -> EffectSize:
    se = math.sqrt(variance)
    from scipy.special import ndtri  # the normal quantile, as scipy.stats.norm.ppf computes it

    z = float(ndtri(0.5 + confidence / 2))
    return EffectSize(
        value=value,
        variance=variance,
        se=se,
        ci_low=value - z * se,
        ci_high=value + z * se,
        kind=kind,
    )


def cohens_d(
    treated: npt.ArrayLike, control: npt.ArrayLike, confidence: float = 0.95
) -> EffectSize:
    """Cohen's d: the difference in means in units of the pooled standard deviation.

    ``d = (M_t - M_c) / s_pooled`` with
    ``s_pooled = sqrt(((n_t-1)·s_t² + (n_c-1)·s_c²) / (n_t + n_c - 2))``;
    ``Var(d) = (n_t+n_c)/(n_t·n_c) + d²/(2·(n_t+n_c))``; the interval is ``d ± z·sqrt(Var(d))``
    with z the standard normal quantile (1.96 for 95 %). Borenstein et al. (2009), ch. 4.

    Args:
        treated, control: 1-D array-likes of outcomes (floats), at least 2 values each.
        confidence: confidence level in (0, 1).

    Returns:
        An :class:`EffectSize` with ``kind="cohens_d"`` (positive when the treated score higher).

    Raises:
        ValueError: empty or too small groups, NaN/inf, zero pooled SD, bad ``confidence``.
    """
    _check_confidence(confidence)
    d, var_d, _, _ = _cohens_d_parts(treated, control)
    return _effect_size(d, var_d, "cohens_d", confidence)


def hedges_j(n_treated: int, n_control: int) -> float:
    """Hedges' small-sample correction ``J = 1 - 3/(4·df - 1)``, ``df = n_t + n_c - 2``.

    Borenstein et al. (2009), ch. 4. Raises ``ValueError`` when ``df < 1``.
    """
    df = n_treated + n_control - 2
    if df < 1:
        raise ValueError(f"Hedges' J needs n_treated + n_control ≥ 3, got {df + 2}")
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def hedges_g(
    treated: npt.ArrayLike, control: npt.ArrayLike, confidence: float = 0.95
) -> EffectSize:
    """Hedges' g: Cohen's d corrected for small-sample bias.

    ``g = J·d`` and ``Var(g) = J²·Var(d)`` with ``J = 1 - 3/(4·df - 1)``,
    ``df = n_t + n_c - 2`` (see :func:`cohens_d`, :func:`hedges_j`); the interval is
    ``g ± z·sqrt(Var(g))``. Borenstein et al. (2009), ch. 4.

    Args:
        treated, control: 1-D array-likes of outcomes (floats), at least 2 values each.
        confidence: confidence level in (0, 1).

    Returns:
        An :class:`EffectSize` with ``kind="hedges_g"``.

    Raises:
        ValueError: as :func:`cohens_d`.
    """
    _check_confidence(confidence)
    d, var_d, n_t, n_c = _cohens_d_parts(treated, control)
    j = hedges_j(n_t, n_c)
    return _effect_size(j * d, j**2 * var_d, "hedges_g", confidence)


def _treatment_indicator(df: pd.DataFrame, treatment: str) -> pd.Series:
    column = df[treatment]
    values = set(column.dropna().unique().tolist())
    if not values <= {0, 1}:
        shown = ", ".join(map(repr, sorted(values - {0, 1}, key=repr)[:5]))
        raise ValueError(
            f"The treatment column {treatment!r} must hold only 0 (control) and 1 (treated); "
            f"it also holds {shown}"
        )
    return column.astype(np.int64)


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    absent = [c for c in columns if c not in df.columns]
    if absent:
        raise ValueError(f"Column(s) {absent} not found; the table has {list(df.columns)}")
    missing = df[list(columns)].isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        listed = ", ".join(f"{name!r}: {int(count)}" for name, count in missing.items())
        raise ValueError(
            f"Missing values (NaN) in {listed}; remove or impute them explicitly before estimating"
        )


def regression_adjusted(
    df: pd.DataFrame,
    outcome: str = "re78",
    treatment: str = "treat",
    covariates: Sequence[str] = DEFAULT_COVARIATES,
    confidence: float = 0.95,
) -> Estimate:
    """Regression-adjusted difference: the treatment coefficient of an OLS regression.

    Fits ``outcome = a + b·treatment + Σ c_k·covariate_k + e`` by ordinary least squares
    (statsmodels ``OLS``) and returns ``b``. Standard errors are heteroskedasticity-robust
    **HC3** (MacKinnon & White 1985; recommended for small and moderate samples by Long & Ervin
    2000). The interval is ``b ± t(1 - α/2, n - k)·se`` with ``k`` the number of parameters
    (intercept included).

    Args:
        df: one row per person; must hold ``outcome``, ``treatment`` (0/1) and ``covariates``,
            numeric, without missing values.
        outcome: name of the outcome column (e.g. ``"re78"``, USD).
        treatment: name of the 0/1 treatment column.
        covariates: names of pre-treatment covariates (default :data:`DEFAULT_COVARIATES`);
            may be empty, which gives the plain difference in means with an HC3 interval.
        confidence: confidence level in (0, 1).

    Returns:
        An :class:`Estimate` with ``method="regression"`` in the outcome's unit.

    Raises:
        ValueError: a column is absent or holds NaN, the treatment is not 0/1, a group is
            empty, there are not more rows than parameters + 1, or the design matrix is
            rank-deficient (a covariate is constant or a combination of others).
    """
    _check_confidence(confidence)
    covariates = list(covariates)
    if treatment in covariates or outcome in covariates:
        raise ValueError("The outcome and the treatment must not be listed among the covariates")
    _check_columns(df, [outcome, treatment, *covariates])
    t = _treatment_indicator(df, treatment)
    n_t = int(t.sum())
    n_c = len(t) - n_t
    if n_t == 0 or n_c == 0:
        empty = "treated" if n_t == 0 else "control"
        raise ValueError(f"The {empty} group is empty; both groups need observations")
    exog = pd.concat([t.rename(treatment), df[covariates]], axis=1).astype(np.float64)
    import statsmodels.api as sm  # imported here: only the regression estimator needs it

    exog = sm.add_constant(exog, has_constant="add")
    n, k = exog.shape
    if n <= k + 1:
        raise ValueError(f"{n} observations are too few for {k} parameters; need at least {k + 2}")
    rank = np.linalg.matrix_rank(exog.to_numpy())
    if rank < k:
        raise ValueError(
            "The covariates are collinear or constant in this sample (design matrix rank "
            f"{rank} < {k} parameters); drop the redundant covariate(s) from {covariates}"
        )
    endog = df[outcome].astype(np.float64)
    fit = sm.OLS(endog, exog).fit(cov_type="HC3", use_t=True)
    b = float(fit.params[treatment])
    se = float(fit.bse[treatment])
    low, high = fit.conf_int(alpha=1 - confidence).loc[treatment]
    return Estimate(
        estimate=b,
        se=se,
        ci_low=float(low),
        ci_high=float(high),
        n_treated=n_t,
        n_control=n_c,
        method="regression",
        confidence=confidence,
    )


def estimate(
    df: pd.DataFrame,
    method: Method,
    outcome: str = "re78",
    treatment: str = "treat",
    confidence: float = 0.95,
) -> Estimate:
    """Estimate the treatment effect on ``outcome`` with one of :data:`METHODS`.

    ``"difference"`` splits ``df`` by the 0/1 ``treatment`` column and calls
    :func:`difference_in_means`; ``"regression"`` calls :func:`regression_adjusted` with
    :data:`DEFAULT_COVARIATES`.

    Raises:
        ValueError: unknown ``method``, and everything the chosen estimator raises.
    """
    if method == "difference":
        _check_columns(df, [outcome, treatment])
        t = _treatment_indicator(df, treatment)
        return difference_in_means(
            df.loc[t == 1, outcome], df.loc[t == 0, outcome], confidence=confidence
        )
    if method == "regression":
        return regression_adjusted(df, outcome=outcome, treatment=treatment, confidence=confidence)
    raise ValueError(f"Unknown method {method!r}; choose one of: {', '.join(map(repr, METHODS))}")
