import importlib.util

import numpy as np
import pandas as pd
import pytest

from vidensbasering import data


@pytest.fixture
def fresh_source_cache():
    """Empty the loader's cache before and after a test that tampers with the source."""
    data._load_source.cache_clear()
    yield
    data._load_source.cache_clear()


def test_nsw_has_the_dehejia_wahba_counts_and_source_columns():
    nsw = data.load_nsw()
    assert nsw.shape == (445, 11)
    assert tuple(nsw.columns) == (
        "data_id",
        "treat",
        "age",
        "educ",
        "black",
        "hisp",
        "marr",
        "nodegree",
        "re74",
        "re75",
        "re78",
    )
    # FACTS §7: 185 treated, 260 controls in the DW experimental subsample.
    assert (nsw["treat"] == 1).sum() == 185
    assert (nsw["treat"] == 0).sum() == 260
    # dtypes as shipped by causaldata, unchanged
    assert str(nsw["treat"].dtype) == "int8"
    assert str(nsw["re78"].dtype) == "float32"
    assert set(nsw["data_id"]) == {"Dehejia-Wahba Sample"}


def test_cps_has_15992_controls():
    cps = data.load_cps()
    assert cps.shape == (15_992, 11)
    assert tuple(cps.columns) == data.COLUMNS
    assert (cps["treat"] == 0).all()
    assert set(cps["data_id"]) == {"CPS1"}


def test_nodegree_means_less_than_twelve_years_of_school():
    # The dictionary says "under 12 års skolegang"; check it against the data itself.
    for frame in (data.load_nsw(), data.load_cps()):
        assert ((frame["educ"] < 12).astype("int8") == frame["nodegree"]).all()


def test_loaders_return_copies():
    first = data.load_nsw()
    first.loc[0, "re78"] = -1.0
    assert data.load_nsw().loc[0, "re78"] != -1.0


def test_experiment_sample_is_the_nsw_sample():
    pd.testing.assert_frame_equal(data.comparison_sample("experiment"), data.load_nsw())


def test_cps_sample_is_nsw_treated_plus_all_cps():
    sample = data.comparison_sample("cps")
    nsw = data.load_nsw()
    assert len(sample) == 185 + 15_992
    assert (sample["treat"] == 1).sum() == 185
    assert (sample["treat"] == 0).sum() == 15_992
    treated = sample[sample["treat"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(treated, nsw[nsw["treat"] == 1].reset_index(drop=True))
    assert set(sample.loc[sample["treat"] == 0, "data_id"]) == {"CPS1"}
    assert sample.index.equals(pd.RangeIndex(len(sample)))


def test_unknown_group_names_the_allowed_values():
    with pytest.raises(ValueError, match=r"'experiment', 'cps'"):
        data.comparison_sample("psid")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["nsw", "cps"])
def test_data_dictionary_covers_every_column(name):
    dictionary = data.data_dictionary(name)
    assert list(dictionary.columns) == ["variable", "label_da", "unit", "description"]
    assert tuple(dictionary["variable"]) == data.COLUMNS
    assert dictionary.notna().all().all()
    assert (dictionary["description"].str.len() > 5).all()
    units = dict(zip(dictionary["variable"], dictionary["unit"], strict=True))
    assert units["re78"].startswith("USD")
    assert units["age"] == "år"
    assert units["treat"] == "0/1"


def test_labels_da_match_the_columns():
    assert tuple(data.LABELS_DA) == data.COLUMNS
    assert data.LABELS_DA["re78"] == "Indtjening 1978"


def test_unknown_dictionary_name_is_refused():
    with pytest.raises(ValueError, match="'nsw' or 'cps'"):
        data.data_dictionary("psid")  # type: ignore[arg-type]


def test_missing_package_gives_an_install_hint(monkeypatch, fresh_source_cache):
    # The package cannot be found (as when it is not installed).
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "causaldata" else real_find_spec(name, *a),
    )
    with pytest.raises(data.DataUnavailableError, match=r"pip install causaldata==0\.1\.5"):
        data.load_nsw()
    # DataUnavailableError is a ModuleNotFoundError, so generic handlers still catch it.
    assert issubclass(data.DataUnavailableError, ModuleNotFoundError)


def test_the_data_are_causaldatas_own_without_importing_it(fresh_source_cache):
    """The file is read directly; the table equals what causaldata's own loader returns."""
    from causaldata import cps_mixtape, nsw_mixtape

    for name, module in (("nsw_mixtape", nsw_mixtape), ("cps_mixtape", cps_mixtape)):
        pd.testing.assert_frame_equal(data._load_source(name), module.load_pandas().data)


def _good_frame() -> pd.DataFrame:
    return data.load_nsw()


def test_validate_accepts_the_real_data():
    frame = _good_frame()
    assert data.validate(frame, "nsw", 445) is frame


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda f: f.drop(columns="re75"), "columns are"),
        (lambda f: f.assign(age=f["age"].astype("float64")), "'age' has dtype float64"),
        (lambda f: f.assign(re78=f["re78"].astype("int64")), "'re78' has dtype int64"),
        (lambda f: f.assign(re74=f["re74"].where(f.index != 3, np.nan)), "'re74' has 1 missing"),
        (lambda f: f.assign(black=f["black"].where(f.index > 1, 2)), "'black' holds 2 values"),
        (lambda f: f.iloc[:-1], "444 rows, expected 445"),
    ],
)
def test_validate_names_what_is_wrong(tamper, message):
    with pytest.raises(data.DataFormatError, match=message):
        data.validate(tamper(_good_frame()), "nsw", 445)


def test_cps_controls_differ_from_nsw_participants_before_the_programme():
    # Backs the lesson's description of selection bias (notebooks/01-videnskvalitet.ipynb, §4):
    # the CPS group is older, far more often married and earned many times more before 1976.
    nsw = data.load_nsw()
    treated = nsw[nsw["treat"] == 1]
    cps = data.load_cps()
    assert cps["age"].mean() > treated["age"].mean() + 5
    assert cps["marr"].mean() > 3 * treated["marr"].mean()
    for year in ("re74", "re75"):
        assert cps[year].mean() > 5 * treated[year].mean()
    # ... while randomisation made the NSW controls resemble the participants.
    controls = nsw[nsw["treat"] == 0]
    assert abs(controls["age"].mean() - treated["age"].mean()) < 1
    assert abs(controls["re75"].mean() - treated["re75"].mean()) < 500
