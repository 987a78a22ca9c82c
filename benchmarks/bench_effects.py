"""Time what an app pays per interaction on the NSW data: sample building and the estimators.

Baseline: reading the CPS file from the ``causaldata`` package (``cps_mixtape.load_pandas()``),
which is what every call would cost without the loader's cache. Each figure is the median of
``REPEATS`` runs in this process; ratios are against the baseline measured in the same run.

Run: ``.venv/bin/python benchmarks/bench_effects.py``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from causaldata import cps_mixtape

from vidensbasering import data, effects

REPEATS = 15


def median_seconds(task: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cold_start = time.perf_counter()
    data.comparison_sample("cps")
    cold = time.perf_counter() - cold_start

    baseline = median_seconds(cps_mixtape.load_pandas)
    experiment = data.comparison_sample("experiment")
    cps = data.comparison_sample("cps")
    cases: dict[str, Callable[[], object]] = {
        "comparison_sample('experiment') (warm)": lambda: data.comparison_sample("experiment"),
        "comparison_sample('cps') (warm)": lambda: data.comparison_sample("cps"),
        "estimate(experiment, 'difference')": lambda: effects.estimate(experiment, "difference"),
        "estimate(experiment, 'regression')": lambda: effects.estimate(experiment, "regression"),
        "estimate(cps, 'difference')": lambda: effects.estimate(cps, "difference"),
        "estimate(cps, 'regression')": lambda: effects.estimate(cps, "regression"),
    }
    print(f"baseline: causaldata cps_mixtape.load_pandas()  median {baseline * 1000:8.2f} ms")
    print(f"first comparison_sample('cps') in this process   {cold * 1000:8.2f} ms (cold)")
    for name, task in cases.items():
        seconds = median_seconds(task)
        print(f"{name:<42} median {seconds * 1000:8.2f} ms  ratio {seconds / baseline:5.2f}")


if __name__ == "__main__":
    main()
