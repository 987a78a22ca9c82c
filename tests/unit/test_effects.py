import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vidensbasering import data, effects

# Tiny example used throughout, worked by hand:
#   treated = 2, 4, 6  -> n_t = 3, mean 4, s_t² = (4 + 0 + 4) / 2 = 4
#   control = 1, 3     -> n_c = 2, mean 2, s_c² = (1 + 1) / 1 = 2
TREATED = [2.0, 4.0, 6.0]
CONTROL = [1.0, 3.0]


def test_difference_in_means_by_hand():
    est = effects.difference_in_means(TREATED, CONTROL)
    # estimate = 4 - 2 = 2
    assert est.estimate == pytest.approx(2.0)
    # se = sqrt(s_t²/n_t + s_c²/n_c) = sqrt(4/3 + 2/2) = sqrt(7/3) = 1.527525...
    assert est.se == pytest.approx(math.sqrt(7 / 3))
    # Welch–Satterthwaite df = (7/3)² / ((4/3)²/2 + 1²/1) = (49/9) / (8/9 + 1) = 49/17
    # half-width = t(0.975; 49/17) · sqrt(7/3); t(0.975; 2.882) ≈ 3.26 (a t table between
    # df 2 (4.303) and df 3 (3.182)), so the interval is roughly 2 ± 4.98.
    t_quantile = stats.t.ppf(0.975, 49 / 17)
    assert 3.182 < t_quantile < 4.303
    assert est.ci_low == pytest.approx(2 - t_quantile * math.sqrt(7 / 3))
    assert est.ci_high == pytest.approx(2 + t_quantile * math.sqrt(7 / 3))
    assert (est.n_treated, est.n_control) == (3, 2)
    assert est.method == "difference"
    assert est.confidence == 0.95


def test_difference_in_means_matches_scipy_welch():
    rng = np.random.default_rng(20261129)
    treated = rng.normal(10, 3, size=40)
    control = rng.normal(8, 5, size=25)
    for level in (0.9, 0.95, 0.99):
        est = effects.difference_in_means(treated, control, confidence=level)
        ci = stats.ttest_ind(treated, control, equal_var=False).confidence_interval(level)
        assert est.ci_low == pytest.approx(ci.low)
        assert est.ci_high == pytest.approx(ci.high)


def test_estimates_are_frozen():
    est = effects.difference_in_means(TREATED, CONTROL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.estimate = 0.0  # type: ignore[misc]
    size = effects.cohens_d(TREATED, CONTROL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        size.value = 0.0  # type: ignore[misc]


def test_cohens_d_by_hand():
    size = effects.cohens_d(TREATED, CONTROL)
    # s_pooled² = ((3-1)·4 + (2-1)·2) / (3+2-2) = 10/3; d = 2 / sqrt(10/3) = sqrt(1.2) = 1.0954
    assert size.value == pytest.approx(math.sqrt(1.2))
    # Var(d) = (n_t+n_c)/(n_t·n_c) + d²/(2(n_t+n_c)) = 5/6 + 1.2/10 = 0.833333 + 0.12 = 0.953333
    assert size.variance == pytest.approx(5 / 6 + 0.12)
    assert size.se == pytest.approx(math.sqrt(5 / 6 + 0.12))
    # 95 % interval: d ± 1.959964·se
    assert size.ci_low == pytest.approx(math.sqrt(1.2) - 1.959964 * math.sqrt(0.953333), rel=1e-5)
    assert size.kind == "cohens_d"


def test_hedges_j_by_hand():
    # df = 3 + 2 - 2 = 3; J = 1 - 3/(4·3 - 1) = 1 - 3/11 = 8/11
    assert effects.hedges_j(3, 2) == pytest.approx(8 / 11)
    # df = 98; J = 1 - 3/391 = 0.992327
    assert effects.hedges_j(50, 50) == pytest.approx(1 - 3 / 391)
    with pytest.raises(ValueError, match="≥ 3"):
        effects.hedges_j(1, 1)


def test_hedges_g_by_hand():
    size = effects.hedges_g(TREATED, CONTROL)
    # g = J·d = (8/11)·sqrt(1.2) = 0.796687
    assert size.value == pytest.approx(8 / 11 * math.sqrt(1.2))
    # Var(g) = J²·Var(d) = (64/121)·0.953333 = 0.504242
    assert size.variance == pytest.approx(64 / 121 * (5 / 6 + 0.12))
    assert size.kind == "hedges_g"


def _sample_with(mean: float, sd: float, n: int) -> np.ndarray:
    """n values whose sample mean and SD (ddof=1) are exactly ``mean`` and ``sd``."""
    base = np.arange(n, dtype=float)
    z = (base - base.mean()) / base.std(ddof=1)
    return mean + sd * z


def test_borenstein_chapter_4_example():
    # Summary data of the worked example in Borenstein et al. (2009), ch. 4:
    # M1 = 103, S1 = 5.5, n1 = 50; M2 = 100, S2 = 4.5, n2 = 50. By hand:
    #   S_within = sqrt((49·30.25 + 49·20.25)/98) = sqrt(25.25) = 5.02494
    #   d = 3 / 5.02494 = 0.59702;  V_d = 100/2500 + 0.59702²/200 = 0.04 + 0.00178 = 0.04178
    #   J = 1 - 3/(4·98 - 1) = 0.99233; g = 0.59244; V_g = 0.99233²·0.04178 = 0.04114
    treated = _sample_with(103, 5.5, 50)
    control = _sample_with(100, 4.5, 50)
    d = effects.cohens_d(treated, control)
    g = effects.hedges_g(treated, control)
    assert d.value == pytest.approx(0.5970, abs=5e-5)
    assert d.variance == pytest.approx(0.0418, abs=5e-5)
    assert d.se == pytest.approx(0.2044, abs=5e-5)
    assert g.value == pytest.approx(0.5924, abs=5e-5)
    assert g.variance == pytest.approx(0.0411, abs=5e-5)
    assert g.se == pytest.approx(0.2028, abs=5e-5)


def test_regression_without_covariates_is_difference_with_hc3_se():
    frame = pd.DataFrame({"y": TREATED + CONTROL, "t": [1, 1, 1, 0, 0]})
    est = effects.regression_adjusted(frame, outcome="y", treatment="t", covariates=())
    # The coefficient of a 0/1 regressor alone is the difference in means: 4 - 2 = 2.
    assert est.estimate == pytest.approx(2.0)
    # HC3 for a two-group design: leverage h = 1/n_g, so
    #   Var = Σ_t e²/(n_t-1)² + Σ_c e²/(n_c-1)² = s_t²/(n_t-1) + s_c²/(n_c-1)
    #       = 4/2 + 2/1 = 4  -> se = 2
    assert est.se == pytest.approx(2.0)
    # t interval with n - k = 5 - 2 = 3 df: 2 ± 3.182446·2
    assert est.ci_low == pytest.approx(2 - 3.182446 * 2, rel=1e-6)
    assert est.ci_high == pytest.approx(2 + 3.182446 * 2, rel=1e-6)
    assert (est.n_treated, est.n_control, est.method) == (3, 2, "regression")


def test_regression_with_covariates_matches_frisch_waugh_and_hc3_sandwich():
    nsw = data.load_nsw()
    est = effects.regression_adjusted(nsw)
    covariates = list(effects.DEFAULT_COVARIATES)
    y = nsw["re78"].to_numpy(np.float64)
    t = nsw["treat"].to_numpy(np.float64)
    w = np.column_stack([np.ones(len(nsw)), nsw[covariates].to_numpy(np.float64)])
    # Frisch–Waugh–Lovell: regress y and t on the covariates, then residual on residual.
    resid = lambda v: v - w @ np.linalg.lstsq(w, v, rcond=None)[0]  # noqa: E731
    ry, rt = resid(y), resid(t)
    b = (rt @ ry) / (rt @ rt)
    assert est.estimate == pytest.approx(b, rel=1e-9)
    # HC3 sandwich by hand: (X'X)⁻¹ X' diag(e²/(1-h)²) X (X'X)⁻¹
    x = np.column_stack([np.ones(len(nsw)), t, nsw[covariates].to_numpy(np.float64)])
    xtx_inv = np.linalg.inv(x.T @ x)
    coef = xtx_inv @ x.T @ y
    e = y - x @ coef
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (e**2 / (1 - h) ** 2)[:, None])
    assert est.se == pytest.approx(math.sqrt((xtx_inv @ meat @ xtx_inv)[1, 1]), rel=1e-9)


def test_experimental_difference_in_1978_earnings():
    nsw = data.load_nsw()
    # From the raw columns: mean 1978 earnings of the 185 treated minus the 260 controls.
    treated = [float(v) for v, t in zip(nsw["re78"], nsw["treat"], strict=True) if t == 1]
    control = [float(v) for v, t in zip(nsw["re78"], nsw["treat"], strict=True) if t == 0]
    assert (len(treated), len(control)) == (185, 260)
    by_hand = sum(treated) / len(treated) - sum(control) / len(control)
    # FACTS §7 quotes ≈ +1,794 USD from a secondary source; the data agree.
    assert by_hand == pytest.approx(1794, abs=1)
    est = effects.estimate(data.comparison_sample("experiment"), "difference")
    assert est.estimate == pytest.approx(by_hand, rel=1e-9)
    assert (est.n_treated, est.n_control) == (185, 260)
    welch = stats.ttest_ind(treated, control, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert (est.ci_low, est.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))
    # The experiment's interval lies above zero: the training raised earnings.
    assert est.ci_low > 0


def test_cps_comparison_gives_a_negative_naive_estimate():
    sample = data.comparison_sample("cps")
    treated = sample.loc[sample["treat"] == 1, "re78"].astype("float64")
    control = sample.loc[sample["treat"] == 0, "re78"].astype("float64")
    by_hand = treated.sum() / len(treated) - control.sum() / len(control)
    naive = effects.estimate(sample, "difference")
    assert naive.estimate == pytest.approx(by_hand, rel=1e-9)
    assert (naive.n_treated, naive.n_control) == (185, 15_992)
    experiment = effects.estimate(data.comparison_sample("experiment"), "difference")
    # Opposite sign, and the two intervals do not even overlap.
    assert naive.estimate < 0 < experiment.estimate
    assert naive.ci_high < 0
    assert naive.ci_high < experiment.ci_low


def test_estimate_dispatches_to_both_methods():
    sample = data.comparison_sample("experiment")
    assert effects.METHODS == ("difference", "regression")
    reg = effects.estimate(sample, "regression")
    assert reg == effects.regression_adjusted(sample)
    assert reg.method == "regression"
    with pytest.raises(ValueError, match="'difference', 'regression'"):
        effects.estimate(sample, "matching")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("treated", "control", "message"),
    [
        ([], [1.0, 2.0], "treated group is empty"),
        ([1.0, 2.0], [], "control group is empty"),
        ([1.0], [1.0, 2.0], "treated group has 1 observation"),
        ([1.0, float("nan"), 3.0], [1.0, 2.0], "1 missing or infinite"),
        ([1.0, 2.0], ["a", "b"], "numbers only"),
        ([[1.0, 2.0]], [1.0, 2.0], "one-dimensional"),
        ([5.0, 5.0], [3.0, 3.0], "zero variance"),
    ],
)
def test_difference_in_means_refuses_bad_input(treated, control, message):
    with pytest.raises(ValueError, match=message):
        effects.difference_in_means(treated, control)


def test_effect_sizes_refuse_constant_outcomes():
    with pytest.raises(ValueError, match="pooled standard deviation is zero"):
        effects.cohens_d([1.0, 1.0], [1.0, 1.0])


def test_confidence_must_be_a_proportion():
    with pytest.raises(ValueError, match="between 0 and 1"):
        effects.difference_in_means(TREATED, CONTROL, confidence=95)


def _frame(**changes):
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "t": [1, 1, 1, 0, 0, 0]})
    frame["x"] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    return frame.assign(**changes)


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (
            _frame(t=[1, 2, 1, 0, 0, 0]),
            {"covariates": ["x"]},
            "only 0 .* and 1 .*; it also holds 2",
        ),
        (_frame(t=[0] * 6), {"covariates": ["x"]}, "treated group is empty"),
        (_frame(t=[1] * 6), {"covariates": ["x"]}, "control group is empty"),
        (
            _frame(y=[1.0, np.nan, 3.0, 4.0, 5.0, 6.0]),
            {"covariates": ["x"]},
            "Missing values .* 'y': 1",
        ),
        (_frame(), {"covariates": ["z"]}, r"Column\(s\) \['z'\] not found"),
        (_frame(), {"covariates": ["x", "x2"]}, "collinear or constant"),
        (_frame(), {"covariates": ["x", "c"]}, "collinear or constant"),
        (_frame().iloc[:4], {"covariates": ["x"]}, "4 observations are too few"),
        (_frame(), {"covariates": ["t"]}, "must not be listed among the covariates"),
    ],
)
def test_regression_refuses_bad_input(frame, kwargs, message):
    frame = frame.assign(x2=2 * frame["x"], c=1.0)
    with pytest.raises(ValueError, match=message):
        effects.regression_adjusted(frame, outcome="y", treatment="t", **kwargs)


def test_regression_adjustment_does_not_recover_the_experiment_from_cps():
    # Backs the lesson's claims in notebooks/01-videnskvalitet.ipynb, section 5.
    experiment = effects.estimate(data.comparison_sample("experiment"), "difference")
    cps = data.comparison_sample("cps")
    demographics = ("age", "educ", "black", "hisp", "marr", "nodegree")
    models = [(), demographics, ("re74", "re75"), effects.DEFAULT_COVARIATES]
    estimates = [effects.regression_adjusted(cps, covariates=m) for m in models]
    # None of the adjusted CPS estimates reaches the experimental estimate ...
    assert all(e.estimate < experiment.estimate for e in estimates)
    # ... and the sign depends on the covariates chosen.
    assert min(e.estimate for e in estimates) < 0 < max(e.estimate for e in estimates)
    # The fully adjusted interval holds both zero and the experimental estimate.
    full = estimates[-1]
    assert full.ci_low < 0 < experiment.estimate < full.ci_high
    # In the experiment, adjustment changes the estimate little (randomisation balanced the groups).
    adjusted = effects.estimate(data.comparison_sample("experiment"), "regression")
    assert abs(adjusted.estimate - experiment.estimate) < 0.25 * experiment.se
