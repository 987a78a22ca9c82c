"""Real national figures for the political level: support for vulnerable children and young people.

Danmarks Statistik publishes the figures each year in *NYT – Støtte til udsatte børn og unge*; the
Statistikbank tables are ANBAAR2 and ANBAAR8 (placements), ISBU02 (preventive measures) and UND2
(notifications). The numbers below were copied from three of those releases and from
Vidensportalen's summary of them:

* https://www.dst.dk/da/Statistik/nyheder-analyser-publ/nyt/NytHtml?cid=40734
* https://www.dst.dk/da/Statistik/nyheder-analyser-publ/nyt/NytHtml?cid=47280
* https://www.dst.dk/da/Statistik/nyheder-analyser-publ/nyt/NytHtml?cid=49265
* https://vidensportal.dk/boern-og-unge/styring-og-sagsbehandling/omfang

Figures differ a little between releases (rounding to hundreds in the newer ones, revisions),
so each row carries the releases as its source; for exact figures use the Statistikbank table.
Not every year is in the data set: only years whose figure was read in a release. About 0.9 % of
all 0–22-year-olds were placed outside the home on 31 December 2023.
"""

from __future__ import annotations

import pandas as pd

from vidensbasering.i18n import t

__all__ = ["MEASURES", "SOURCE", "national_figures"]

#: Measure code → catalog key of its Danish label.
MEASURES: dict[str, str] = {
    "placed": "rollefordeling.measure_placed",
    "new_placements": "rollefordeling.measure_new_placements",
    "preventive": "rollefordeling.measure_preventive",
    "notifications": "rollefordeling.measure_notifications",
}

SOURCE = (
    "Danmarks Statistik, NYT – Støtte til udsatte børn og unge "
    "(NytHtml?cid=40734, 47280 og 49265); Statistikbanken ANBAAR2, ANBAAR8, ISBU02 og UND2"
)

#: Year → count per measure, as printed in the releases (see the module docstring).
_FIGURES: dict[str, dict[int, int]] = {
    "placed": {
        2011: 14_978,
        2015: 14_261,
        2017: 13_690,
        2018: 13_823,
        2019: 13_600,
        2020: 13_500,
        2021: 13_400,
        2022: 13_600,
        2023: 13_900,
    },
    "new_placements": {2016: 4_515, 2020: 3_700, 2021: 3_421, 2022: 3_501, 2023: 3_400},
    "preventive": {2015: 38_391, 2017: 40_800, 2019: 42_111, 2021: 43_800},
    "notifications": {2015: 97_288, 2019: 137_986},
}


def national_figures() -> pd.DataFrame:
    """Denmark's national figures on placements, preventive measures and notifications.

    Returns:
        Tidy DataFrame, one row per measure and year (sorted): ``measure`` (Danish label, see
        :data:`MEASURES`), ``year`` (int64), ``count`` (int64, persons or notifications in the
        whole country) and ``source`` (str, :data:`SOURCE`).
    """
    rows = [
        {"measure": t(MEASURES[code]), "year": year, "count": count, "source": SOURCE}
        for code, by_year in _FIGURES.items()
        for year, count in sorted(by_year.items())
    ]
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("int64")
    frame["count"] = frame["count"].astype("int64")
    return frame
