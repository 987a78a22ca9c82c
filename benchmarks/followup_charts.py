"""Follow-up charts on 1,000,000 measurement rows: reduced data vs every row sent to the browser.

Run: ``.venv/bin/python benchmarks/followup_charts.py [--rows N] [--repeats R]``

Data: the invented WEMWBS data of ``benchmarks/followup.py`` (``rows/4`` persons × 4 occasions,
two groups). For each chart of :mod:`vidensbasering.followup_charts` the script measures building
the chart from the follow-up tables and serialising its Vega-Lite spec to JSON (what a notebook
or Voila app sends to the browser), and the size of that JSON.

Baseline ("unreduced"): the same two data-heavy charts drawn the way a first attempt often looks,
with Altair's row limit switched off and every row inlined: a line per person through all
measurement rows (trajectories) and one point per person (Jacobson plot). The browser would then
have to parse and draw all of it. The other charts draw summaries and have no unreduced form.

Printed: median wall-clock time of ``--repeats`` runs, JSON size, data rows in the spec, and the
ratios baseline / reduced. The machine may be shared: treat times as rough, sizes as exact.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import altair as alt
import followup as followup_benchmark  # benchmarks/followup.py: same data and criteria
import pandas as pd

from vidensbasering import charts, followup
from vidensbasering import followup_charts as fc


def measure(build: Callable[[], alt.TopLevelMixin], repeats: int) -> tuple[float, int, int]:
    """Median seconds to build and serialise, JSON bytes, and data rows of the spec."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        spec = build().to_dict()
        text = json.dumps(spec)
        times.append(time.perf_counter() - start)
    rows = sum(len(v) for v in spec.get("datasets", {}).values())
    return statistics.median(times), len(text.encode()), rows


def unreduced_trajectories(df: pd.DataFrame) -> alt.TopLevelMixin:
    return charts.style(
        alt.Chart(df[["person_id", "occasion", "score"]])
        .mark_line(opacity=0.2)
        .encode(x="occasion:Q", y="score:Q", detail="person_id:N")
    )


def unreduced_jacobson(classified: pd.DataFrame) -> alt.TopLevelMixin:
    return charts.style(
        alt.Chart(classified[["first_score", "latest_score", "category"]].astype({"category": str}))
        .mark_circle()
        .encode(x="first_score:Q", y="latest_score:Q", color="category:N")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    df = followup_benchmark.make_data(args.rows)
    criteria = followup_benchmark.CRITERIA
    crit = criteria["WEMWBS"]
    changes = followup.change_first_to_latest(df, by=["group"])
    classified = followup.classify_changes(changes, criteria)
    counts = followup.category_counts(classified, by=["instrument", "group"])
    summary = followup.summary_by_occasion(df, by=["instrument", "group", "occasion"])
    gas_like = df.rename(columns={"score": "gas_t"})  # one value per person and occasion

    print(f"{args.rows:,} measurement rows, {args.rows // 4:,} persons; median of {args.repeats}")
    print(f"{'chart':<28}{'seconds':>9}{'JSON bytes':>14}{'data rows':>11}")
    results = {}
    cases = {
        "trajectories": lambda: fc.trajectories(df, "WEMWBS"),
        "jacobson_plot": lambda: fc.jacobson_plot(classified, crit, "WEMWBS"),
        "change_categories": lambda: fc.change_categories(counts, "WEMWBS", by="group"),
        "gas_tscores": lambda: fc.gas_tscores(gas_like, by="group"),
        "group_trend": lambda: fc.group_trend(summary, "WEMWBS", by="group"),
    }
    for name, build in cases.items():
        results[name] = measure(build, args.repeats)
        print(f"{name:<28}{results[name][0]:>9.3f}{results[name][1]:>14,}{results[name][2]:>11,}")

    alt.data_transformers.disable_max_rows()
    baselines = {
        "trajectories": lambda: unreduced_trajectories(df),
        "jacobson_plot": lambda: unreduced_jacobson(classified),
    }
    for name, build in baselines.items():
        seconds, size, rows = measure(build, 1)
        print(f"{'baseline ' + name:<28}{seconds:>9.3f}{size:>14,}{rows:>11,}")
        r_seconds, r_size, _ = results[name]
        print(f"{'  ratio baseline/reduced':<28}{seconds / r_seconds:>9.1f}{size / r_size:>14.0f}")


if __name__ == "__main__":
    main()
