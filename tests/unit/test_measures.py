import math

import numpy as np
import pandas as pd
import pytest

from vidensbasering import measures as m

# --- Goal Attainment Scaling ------------------------------------------------------------------


def test_gas_hand_checks_from_the_domain_facts():
    # 3 goals, w = 1: (+1, 0, -1) -> 50; (+1, +1, +1) -> 50 + 30/sqrt(0.7*3 + 0.3*9) = 63.69
    assert m.gas_tscore([1, 0, -1]) == pytest.approx(50.0)
    assert m.gas_tscore([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert m.gas_tscore([1, 1, 1]) == pytest.approx(63.69, abs=0.005)


def test_gas_weighted_hand_example():
    # w = (1, 2, 3), x = (+1, +1, 0): sum wx = 3, sum w^2 = 14, (sum w)^2 = 36
    # T = 50 + 10*3/sqrt(0.7*14 + 0.3*36) = 50 + 30/sqrt(20.6) = 56.6098...
    assert m.gas_tscore([1, 1, 0], weights=[1, 2, 3]) == pytest.approx(56.6098, abs=1e-4)
    # One goal, rho = 0: T = 50 + 10*x
    assert m.gas_tscore([2], rho=0.0) == pytest.approx(70.0)
    assert m.gas_tscore([-2], rho=0.0) == pytest.approx(30.0)


def test_gas_vectorised_matches_single_person_and_ignores_absent_goals():
    scores = np.array([[1, 0, -1], [1, 1, 1], [1, 1, np.nan], [np.nan] * 3])
    t = m.gas_tscore(scores)
    assert t[0] == pytest.approx(50.0)
    assert t[1] == pytest.approx(63.693, abs=1e-3)
    assert t[2] == pytest.approx(m.gas_tscore([1, 1]))  # 50 + 20/sqrt(0.7*2 + 0.3*4) = 62.40
    assert t[2] == pytest.approx(50 + 20 / math.sqrt(2.6))
    assert np.isnan(t[3])


def test_gas_vectorised_weights_per_row():
    scores = np.array([[1, 1, 0], [2, np.nan, np.nan]])
    weights = np.array([[1, 2, 3], [5, np.nan, np.nan]])
    t = m.gas_tscore(scores, weights)
    assert t[0] == pytest.approx(56.6098, abs=1e-4)
    # single goal weight 5, x = 2: 50 + 10*10/sqrt(0.7*25 + 0.3*25) = 50 + 100/5 = 70
    assert t[1] == pytest.approx(70.0)


def test_gas_table_equals_array_version():
    goals = pd.DataFrame(
        {
            "person_id": ["A", "A", "A", "B", "B", "B"],
            "score": [1, 0, -1, 1, 1, 0],
            "weight": [1, 1, 1, 1, 2, 3],
        }
    )
    t = m.gas_tscore_table(goals, weight="weight")
    assert t["A"] == pytest.approx(50.0)
    assert t["B"] == pytest.approx(56.6098, abs=1e-4)


@pytest.mark.parametrize(
    ("scores", "kwargs", "match"),
    [
        ([3, 0], {}, "-2, -1, 0"),
        ([0.5], {}, "-2, -1, 0"),
        ([1, 1], {"rho": 1.0}, "rho"),
        ([1, 1], {"rho": -0.1}, "rho"),
        ([1, 1], {"weights": [1, 0]}, "positive"),
        ([1, 1], {"weights": [1, 2, 3]}, "do not fit"),
        ([np.nan, np.nan], {}, "at least one goal"),
        (np.zeros((2, 2, 2)), {}, "1-D"),
    ],
)
def test_gas_rejects_bad_input(scores, kwargs, match):
    with pytest.raises(ValueError, match=match):
        m.gas_tscore(scores, **kwargs)


# --- Reliable change and clinical significance ----------------------------------------------------


def test_standard_errors_by_hand():
    # sd 10, r 0.91: SE = 10*sqrt(0.09) = 3; S_diff = sqrt(2*9) = 4.2426
    assert m.standard_error_of_measurement(10, 0.91) == pytest.approx(3.0)
    assert m.standard_error_of_difference(10, 0.91) == pytest.approx(math.sqrt(18))
    assert m.reliable_change_index(40, 50, math.sqrt(18)) == pytest.approx(10 / math.sqrt(18))
    assert m.reliable_change_threshold(math.sqrt(18)) == pytest.approx(1.96 * math.sqrt(18))


def test_reliable_change_index_is_vectorised():
    rc = m.reliable_change_index([40, 50, np.nan], [44, 42, 30], 2.0)
    np.testing.assert_allclose(rc, [2.0, -4.0, np.nan])


@pytest.mark.parametrize(("sd", "r"), [(0, 0.8), (-1, 0.8), (10, 1.0), (10, -0.1), (np.inf, 0.5)])
def test_standard_error_rejects_bad_input(sd, r):
    with pytest.raises(ValueError):
        m.standard_error_of_measurement(sd, r)


def test_cutoffs_higher_is_better_by_hand():
    # M_dys 30 (s 5), M_func 50 (s 10): a = 30 + 10 = 40; b = 50 - 20 = 30;
    # c = (10*30 + 5*50)/(10 + 5) = 550/15 = 36.667
    c = m.cutoffs(30, 5, 50, 10, direction="higher_is_better")
    assert (c.a, c.b) == (pytest.approx(40), pytest.approx(30))
    assert c.c == pytest.approx(550 / 15)


def test_cutoffs_higher_is_worse_flip_a_and_b_but_not_c():
    # SDQ-like: M_dys 20 (s 5), M_func 8 (s 4): a = 20 - 10 = 10; b = 8 + 8 = 16;
    # c = (4*20 + 5*8)/(4 + 5) = 120/9 = 13.333
    c = m.cutoffs(20, 5, 8, 4, direction="higher_is_worse")
    assert (c.a, c.b) == (pytest.approx(10), pytest.approx(16))
    assert c.c == pytest.approx(120 / 9)


def test_cutoffs_without_norms_give_only_a_and_check_their_input():
    assert m.cutoffs(40, 8, direction="higher_is_better") == m.Cutoffs(a=56.0, b=None, c=None)
    with pytest.raises(ValueError, match="better side"):
        m.cutoffs(20, 5, 8, 4, direction="higher_is_better")
    with pytest.raises(ValueError, match="both"):
        m.cutoffs(20, 5, 8, None, direction="higher_is_worse")
    with pytest.raises(ValueError, match="direction"):
        m.cutoffs(20, 5, direction="up")  # type: ignore[arg-type]


def test_rdas_published_cutoff_and_rci():
    # Anderson et al. (2014): RDAS cut-off 47.31 and RCI 11.58 points; "an individual whose score
    # moves across the cutoff and changes by 12 or more points" changes clinically significantly.
    # The RCI in points is 1.96 * S_diff, so S_diff = 11.58 / 1.96.
    s_diff = 11.58 / 1.96
    assert m.reliable_change_threshold(s_diff) == pytest.approx(11.58)
    pre = [40, 40, 44, 48, 55, 35]
    post = [52, 51, 47, 60, 43, 47]
    got = m.classify_change(pre, post, s_diff=s_diff, cutoff=47.31, direction="higher_is_better")
    assert list(got) == [
        "recovered",  # +12, crosses 47.31
        "unchanged",  # +11 < 11.58, although it crosses the cut-off
        "unchanged",  # +3
        "improved",  # +12 but already above the cut-off
        "deteriorated",  # -12
        "improved",  # +12 but stays below the cut-off
    ]


def test_direction_decides_what_improvement_means():
    # SDQ total: high = worse. 20 -> 10 with S_diff 2: RC = -5, crosses cut-off 16.5 downwards.
    kw = {"s_diff": 2.0, "cutoff": 16.5}
    assert m.classify_change(20, 10, direction="higher_is_worse", **kw) == "recovered"
    assert m.classify_change(20, 10, direction="higher_is_better", **kw) == "deteriorated"
    assert m.classify_change(20, 19, direction="higher_is_worse", **kw) == "unchanged"
    assert m.classify_change(10, 20, direction="higher_is_worse", **kw) == "deteriorated"


def test_classify_change_boundaries_and_missing():
    # |RC| must exceed 1.96: exactly 1.96 is unchanged. On the cut-off counts as not functional.
    assert m.classify_change(0, 1.96, s_diff=1, cutoff=None, direction="higher_is_better") == (
        "unchanged"
    )
    assert m.classify_change(0, 1.97, s_diff=1, cutoff=1.97, direction="higher_is_better") == (
        "improved"
    )
    assert m.classify_change(0, 3, s_diff=1, cutoff=0, direction="higher_is_better") == (
        "recovered"
    )
    assert m.classify_change(np.nan, 3, s_diff=1, cutoff=0, direction="higher_is_better") is None


def test_change_criteria_from_reliability():
    crit = m.ChangeCriteria.from_reliability(10, 0.91, cutoff=45, direction="higher_is_better")
    assert crit.s_diff == pytest.approx(math.sqrt(18))
    with pytest.raises(ValueError):
        m.ChangeCriteria(s_diff=0, cutoff=None, direction="higher_is_better")


# --- SDQ -----------------------------------------------------------------------------------------

# The standard scoring key, written out independently of the module (items in form order 1-25).
KEY = {
    "emotional": {3, 8, 13, 16, 24},
    "conduct": {5, 7, 12, 18, 22},
    "hyperactivity": {2, 10, 15, 21, 25},
    "peer": {6, 11, 14, 19, 23},
    "prosocial": {1, 4, 9, 17, 20},
}
REVERSED = {7, 11, 14, 21, 25}


def test_sdq_key_covers_each_item_once_and_matches_the_standard_key():
    assert {k: set(v) for k, v in m.SDQ_ITEMS.items()} == KEY
    assert set(m.SDQ_REVERSED_ITEMS) == REVERSED
    assert sorted(i for v in m.SDQ_ITEMS.values() for i in v) == list(range(1, 26))


def test_sdq_all_zero_and_all_two_by_hand():
    # All "not true" (0): reversed items score 2 -> conduct 2 (item 7), hyperactivity 4 (21, 25),
    # peer 4 (11, 14), total 0 + 2 + 4 + 4 = 10.
    # All "certainly true" (2): emotional 10, conduct 8, hyperactivity 6, peer 6, prosocial 10,
    # total 10 + 8 + 6 + 6 = 30.
    got = m.sdq_scores(np.array([[0] * 25, [2] * 25]))
    assert got.loc[0].tolist() == [0, 2, 4, 4, 0, 10]
    assert got.loc[1].tolist() == [10, 8, 6, 6, 10, 30]
    assert list(got.columns) == list(m.SDQ_SCALES)


def test_sdq_each_item_moves_only_its_own_scale():
    base = m.sdq_scores(np.ones((1, 25))).loc[0]  # all "somewhat true": every scale 5
    assert base.tolist() == [5, 5, 5, 5, 5, 20]
    for item in range(1, 26):
        row = np.ones(25)
        row[item - 1] = 2
        moved = m.sdq_scores(row[None, :]).loc[0] - base
        scale = next(s for s, items in KEY.items() if item in items)
        expected = -1 if item in REVERSED else 1
        assert moved[scale] == expected, item
        others = [s for s in KEY if s != scale]
        assert (moved[others] == 0).all(), item


def test_sdq_prorating_and_missing():
    row = np.full(25, np.nan)
    # emotional: three items answered 2, 1, 1 -> 4 of 3 items -> 4/3*5 = 6.67 -> 7
    row[[2, 7, 12]] = [2, 1, 1]
    # prosocial: four items answered, sum 2 -> 2/4*5 = 2.5 -> rounds half up to 3
    row[[0, 3, 8, 16]] = [1, 1, 0, 0]
    # conduct: two items only -> missing
    row[[4, 11]] = [2, 2]
    got = m.sdq_scores(row[None, :]).loc[0]
    assert got["emotional"] == 7
    assert got["prosocial"] == 3
    assert pd.isna(got["conduct"])
    assert pd.isna(got["total_difficulties"])


def test_sdq_accepts_named_columns_in_any_order():
    items = pd.DataFrame([[2] * 25], columns=[str(i) for i in range(25, 0, -1)], index=["x"])
    got = m.sdq_scores(items)
    assert got.loc["x", "total_difficulties"] == 30


@pytest.mark.parametrize("bad", [[3] + [0] * 24, [0] * 24, [-1] + [0] * 24, [0.5] + [0] * 24])
def test_sdq_rejects_bad_items(bad):
    with pytest.raises(ValueError, match="SDQ"):
        m.sdq_scores([bad])


@pytest.mark.parametrize(
    ("scale", "normal", "borderline", "abnormal"),
    [
        # UK parent-report bands (domain facts, section 4): the edges on both sides
        ("total_difficulties", [0, 13], [14, 16], [17, 40]),
        ("emotional", [0, 3], [4], [5, 10]),
        ("conduct", [0, 2], [3], [4, 10]),
        ("hyperactivity", [0, 5], [6], [7, 10]),
        ("peer", [0, 2], [3], [4, 10]),
        ("prosocial", [10, 8], [7], [6, 0]),
    ],
)
def test_sdq_band_edges(scale, normal, borderline, abnormal):
    for score in normal:
        assert m.sdq_band(scale, score) == "normal", score
    for score in borderline:
        assert m.sdq_band(scale, score) == "borderline", score
    for score in abnormal:
        assert m.sdq_band(scale, score) == "abnormal", score


def test_sdq_band_rejects_out_of_range_and_unknown_scale():
    with pytest.raises(ValueError, match="0-40"):
        m.sdq_band("total_difficulties", 41)
    with pytest.raises(ValueError, match="0-10"):
        m.sdq_band("peer", 11)
    with pytest.raises(ValueError, match="whole"):
        m.sdq_band("peer", 2.5)
    with pytest.raises(ValueError, match="unknown"):
        m.sdq_band("impact", 2)
    assert list(m.sdq_band("emotional", [3, np.nan])) == ["normal", None]


# --- WEMWBS and Cronbach's alpha ------------------------------------------------------------------


def test_wemwbs_total_range_and_hand_sum():
    items = np.array([[1] * 14, [5] * 14, [3, 4, 2, 5, 1, 3, 3, 4, 4, 2, 3, 3, 5, 1]])
    np.testing.assert_array_equal(m.wemwbs_total(items), [14, 70, 43])
    assert np.isnan(m.wemwbs_total([[np.nan] + [3] * 13])[0])


@pytest.mark.parametrize("bad", [[0] + [3] * 13, [6] + [3] * 13, [2.5] + [3] * 13, [3] * 13])
def test_wemwbs_rejects_bad_items(bad):
    with pytest.raises(ValueError, match="WEMWBS"):
        m.wemwbs_total([bad])


def test_cronbach_alpha_by_hand():
    # Two items, variances 1 and 1; totals (2, 5, 5) have variance 3: alpha = 2*(1 - 2/3) = 2/3.
    assert m.cronbach_alpha([[1, 1], [2, 3], [3, 2]]) == pytest.approx(2 / 3)
    # Perfectly parallel items: alpha = 1.
    assert m.cronbach_alpha([[1, 2], [2, 3], [3, 4]]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        m.cronbach_alpha([[1, 2]])


def test_category_codes_match_the_labels():
    pre, post = [40, 40, 40, 60, np.nan], [52, 44, 41, 40, 50]
    kw = {"s_diff": 2.0, "cutoff": 50, "direction": "higher_is_better"}
    codes = m.change_category_codes(pre, post, **kw)
    assert codes.tolist() == [0, 1, 2, 3, -1]
    labels = m.classify_change(pre, post, **kw)
    assert labels.tolist() == ["recovered", "improved", "unchanged", "deteriorated", None]


def test_sdq_other_column_names_are_taken_in_order():
    items = pd.DataFrame([[0] * 25], columns=[f"item{i}" for i in range(1, 26)])
    assert m.sdq_scores(items).loc[0, "total_difficulties"] == 10
