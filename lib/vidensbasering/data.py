"""Real data sets used in the course, each with a data dictionary.

The National Supported Work (NSW) demonstration was a randomised job-training experiment in the
United States in the mid-1970s: the treated were guaranteed a job for 9–18 months. The course
uses the Dehejia–Wahba subsample of LaLonde's male sample as shipped by the ``causaldata``
package (``nsw_mixtape``: 445 rows, 185 treated, 260 controls) and LaLonde's non-experimental
comparison group drawn from the Current Population Survey (``cps_mixtape``: 15,992 rows, CPS-1,
all controls).

Sources: LaLonde, R. (1986), "Evaluating the Econometric Evaluations of Training Programs with
Experimental Data", American Economic Review 76(4):604–620; Dehejia, R. & Wahba, S. (1999),
"Causal Effects in Nonexperimental Studies", JASA 94(448):1053–1062.

The loaders return the source's columns and dtypes unchanged (earnings are ``float32`` in the
source); the estimators in :mod:`vidensbasering.effects` compute in ``float64``.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pandas as pd

#: Columns of both data sets, in the source's order.
COLUMNS: tuple[str, ...] = (
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

#: Columns that must hold 0/1 indicators.
BINARY_COLUMNS: tuple[str, ...] = ("treat", "black", "hisp", "marr", "nodegree")
#: Columns that must hold integers (years, indicators).
INTEGER_COLUMNS: tuple[str, ...] = ("treat", "age", "educ", "black", "hisp", "marr", "nodegree")
#: Earnings columns (US dollars, real terms), floating point.
EARNINGS_COLUMNS: tuple[str, ...] = ("re74", "re75", "re78")

#: Pre-treatment covariates: every column but the id, the treatment and the 1978 outcome.
COVARIATES: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("data_id", "treat", "re78"))

#: Row counts of the shipped files (FACTS §7: DW subsample 185/260, CPS-1 15,992).
NSW_ROWS, NSW_TREATED, NSW_CONTROLS = 445, 185, 260
CPS_ROWS = 15_992

Group = Literal["experiment", "cps"]
#: Allowed values of ``comparison_sample(group=...)``.
GROUPS: tuple[str, ...] = get_args(Group)

DataName = Literal["nsw", "cps"]

_EARNINGS_UNIT = "USD (faste priser)"

#: Danish display label of every column.
LABELS_DA: dict[str, str] = {
    "data_id": "Datakilde",
    "treat": "Jobtræning (indsats)",
    "age": "Alder",
    "educ": "Skolegang",
    "black": "Sort (afroamerikansk)",
    "hisp": "Latinamerikansk (hispanic)",
    "marr": "Gift",
    "nodegree": "Uden afsluttet high school",
    "re74": "Indtjening 1974",
    "re75": "Indtjening 1975",
    "re78": "Indtjening 1978",
}

_UNITS: dict[str, str] = {
    "data_id": "tekst",
    "treat": "0/1",
    "age": "år",
    "educ": "år",
    "black": "0/1",
    "hisp": "0/1",
    "marr": "0/1",
    "nodegree": "0/1",
    "re74": _EARNINGS_UNIT,
    "re75": _EARNINGS_UNIT,
    "re78": _EARNINGS_UNIT,
}

_DESCRIPTIONS_COMMON: dict[str, str] = {
    "age": "Alder i år.",
    "educ": "Antal års skolegang.",
    "black": "1 = sort (afroamerikansk), 0 = ellers.",
    "hisp": "1 = latinamerikansk oprindelse, 0 = ellers.",
    "marr": "1 = gift, 0 = ikke gift.",
    "nodegree": "1 = har ikke afsluttet high school (under 12 års skolegang), 0 = har.",
    "re74": "Årlig indtjening i 1974, inflationskorrigeret (reale dollars). Før indsatsen.",
    "re75": "Årlig indtjening i 1975, inflationskorrigeret (reale dollars). Før indsatsen.",
    "re78": "Årlig indtjening i 1978, inflationskorrigeret (reale dollars). Udfaldet efter "
    "indsatsen.",
}

_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "nsw": {
        "data_id": "Stikprøvens navn: Dehejia og Wahbas delstikprøve af NSW-eksperimentet.",
        "treat": "1 = lodtrukket til NSW-jobtræning (indsatsgruppen), "
        "0 = lodtrukket til kontrolgruppen.",
        **_DESCRIPTIONS_COMMON,
    },
    "cps": {
        "data_id": "Stikprøvens navn: CPS1, LaLondes sammenligningsgruppe fra den amerikanske "
        "Current Population Survey.",
        "treat": "Altid 0: personerne deltog ikke i NSW; de bruges som ikke-eksperimentel "
        "sammenligningsgruppe.",
        **_DESCRIPTIONS_COMMON,
    },
}


class DataUnavailableError(ModuleNotFoundError):
    """The package that ships a data set is not installed (or ships no such data set)."""


class DataFormatError(ValueError):
    """A loaded data set does not have the columns, dtypes or values the course relies on."""


def _causaldata_file(name: str) -> Path:
    """The Stata file of data set ``name`` inside the installed ``causaldata`` package.

    The package is located, not imported: importing it imports every one of its data sets, one
    of which imports statsmodels (about 0.6 s and 40 MiB in every app kernel).
    """
    spec = importlib.util.find_spec("causaldata")
    if spec is None or not spec.submodule_search_locations:
        raise DataUnavailableError(
            "The NSW data ship with the Python package 'causaldata', which is not installed. "
            "Install the course environment (`make .venv/.installed`, or "
            "`pip install -c constraints.txt -e .`) or run `pip install causaldata==0.1.5`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / name / f"{name}.dta"
    if not path.is_file():
        raise DataUnavailableError(
            f"The installed 'causaldata' package has no data set {name!r}; install the pinned "
            "version with `pip install causaldata==0.1.5`."
        )
    return path


@cache
def _load_source(name: str) -> pd.DataFrame:
    path = _causaldata_file(name)
    try:
        frame = pd.read_stata(path)
    except (OSError, ValueError) as err:
        raise DataUnavailableError(
            f"Could not read the data file of causaldata.{name}: {err}. "
            "Reinstall the package: `pip install --force-reinstall causaldata==0.1.5`."
        ) from err
    # As causaldata's own loader (statsmodels' strip_column_names): no quotes around names.
    return frame.rename(columns=lambda column: str(column).removeprefix("'").removesuffix("'"))


def validate(frame: pd.DataFrame, name: str, rows: int) -> pd.DataFrame:
    """Check that ``frame`` has the NSW/CPS columns, dtypes and 0/1 codes; return it unchanged.

    Args:
        frame: a table with the columns of :data:`COLUMNS`.
        name: the data set's name for error messages.
        rows: the expected number of rows.

    Raises:
        DataFormatError: a column is missing or extra, a dtype is wrong, a value is missing,
            an indicator holds something else than 0/1, or the row count differs from ``rows``.
    """
    problems: list[str] = []
    if tuple(frame.columns) != COLUMNS:
        problems.append(f"columns are {list(frame.columns)}, expected {list(COLUMNS)}")
    else:
        for column in INTEGER_COLUMNS:
            if not pd.api.types.is_integer_dtype(frame[column]):
                problems.append(f"{column!r} has dtype {frame[column].dtype}, expected integers")
        for column in EARNINGS_COLUMNS:
            if not pd.api.types.is_float_dtype(frame[column]):
                problems.append(f"{column!r} has dtype {frame[column].dtype}, expected floats")
        if not pd.api.types.is_string_dtype(frame["data_id"]):
            problems.append(f"'data_id' has dtype {frame['data_id'].dtype}, expected text")
        missing = frame.isna().sum()
        for column, count in missing[missing > 0].items():
            problems.append(f"{column!r} has {count} missing values")
        for column in BINARY_COLUMNS:
            bad = ~frame[column].isin([0, 1])
            if bad.any():
                problems.append(f"{column!r} holds {int(bad.sum())} values other than 0/1")
    if len(frame) != rows:
        problems.append(f"{len(frame)} rows, expected {rows}")
    if problems:
        raise DataFormatError(f"Data set {name!r} is not as expected: " + "; ".join(problems))
    return frame


def load_nsw() -> pd.DataFrame:
    """Load the NSW experiment (Dehejia–Wahba subsample) from ``causaldata.nsw_mixtape``.

    Returns:
        A new DataFrame of 445 rows (185 with ``treat == 1``, 260 with ``treat == 0``) and the
        source's 11 columns unchanged: ``data_id`` (str), ``treat``, ``age``, ``educ``,
        ``black``, ``hisp``, ``marr``, ``nodegree`` (int8; age and schooling in years, the rest
        0/1) and ``re74``, ``re75``, ``re78`` (float32, real annual earnings in US dollars).
        See :func:`data_dictionary`.

    Raises:
        DataUnavailableError: ``causaldata`` is not installed or lacks the data set.
        DataFormatError: the shipped data differ from the expected columns, dtypes or counts.
    """
    frame = validate(_load_source("nsw_mixtape"), "nsw_mixtape", NSW_ROWS)
    treated = int(frame["treat"].sum())
    if treated != NSW_TREATED:
        raise DataFormatError(
            f"Data set 'nsw_mixtape' has {treated} treated rows, expected {NSW_TREATED}"
        )
    return frame.copy()


def load_cps() -> pd.DataFrame:
    """Load LaLonde's CPS-1 comparison group from ``causaldata.cps_mixtape``.

    Returns:
        A new DataFrame of 15,992 rows, all with ``treat == 0``, and the same 11 columns and
        dtypes as :func:`load_nsw` (``data_id`` is ``"CPS1"``).

    Raises:
        DataUnavailableError: ``causaldata`` is not installed or lacks the data set.
        DataFormatError: the shipped data differ from the expected columns, dtypes or counts.
    """
    frame = validate(_load_source("cps_mixtape"), "cps_mixtape", CPS_ROWS)
    if frame["treat"].any():
        raise DataFormatError("Data set 'cps_mixtape' should hold controls only (treat == 0)")
    return frame.copy()


def comparison_sample(group: Group) -> pd.DataFrame:
    """Return the NSW treated together with a comparison group, ready for an estimator.

    Args:
        group: ``"experiment"``: the NSW sample as it is (185 treated, 260 randomised controls,
            445 rows); ``"cps"``: LaLonde's non-experimental design, the 185 NSW treated
            followed by the 15,992 CPS-1 rows as controls (16,177 rows).

    Returns:
        A new DataFrame with the columns of :func:`load_nsw` and a fresh 0..n-1 index;
        ``data_id`` tells where each row comes from.

    Raises:
        ValueError: ``group`` is not one of :data:`GROUPS`.
    """
    if group == "experiment":
        return load_nsw()
    if group == "cps":
        nsw = load_nsw()
        treated = nsw[nsw["treat"] == 1]
        return pd.concat([treated, load_cps()], ignore_index=True)
    raise ValueError(
        f"Unknown comparison group {group!r}; choose one of: {', '.join(map(repr, GROUPS))}"
    )


def data_dictionary(name: DataName = "nsw") -> pd.DataFrame:
    """Return the data dictionary of a data set, in Danish, for display.

    Args:
        name: ``"nsw"`` (the experiment) or ``"cps"`` (the CPS-1 comparison group).

    Returns:
        A DataFrame with one row per column of the data set, in the source's order, and the
        string columns ``variable`` (column name in the data), ``label_da`` (Danish display
        label), ``unit`` (e.g. ``"år"``, ``"0/1"``, ``"USD (faste priser)"``) and
        ``description`` (Danish).

    Raises:
        ValueError: ``name`` is neither ``"nsw"`` nor ``"cps"``.
    """
    if name not in _DESCRIPTIONS:
        raise ValueError(f"Unknown data set {name!r}; choose 'nsw' or 'cps'")
    descriptions = _DESCRIPTIONS[name]
    return pd.DataFrame(
        {
            "variable": list(COLUMNS),
            "label_da": [LABELS_DA[c] for c in COLUMNS],
            "unit": [_UNITS[c] for c in COLUMNS],
            "description": [descriptions[c] for c in COLUMNS],
        }
    )
