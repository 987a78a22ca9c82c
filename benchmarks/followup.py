"""Follow-up statistics on 1,000,000 measurement rows: vectorised pandas vs a row-wise baseline.

Run: ``.venv/bin/python benchmarks/followup.py [--rows N] [--repeats R] [--baseline-rows M]``

Data: invented WEMWBS totals, ``rows/4`` persons × 4 occasions, two groups, rows shuffled (as an
uploaded file might be). The work measured is the whole follow-up summary an app needs:

1. per person: first and latest score and the change (:func:`followup.change_first_to_latest`);
2. reliable change index and Jacobson-Truax category (:func:`followup.classify_changes`);
3. counts of categories per group (:func:`followup.category_counts`);
4. n, mean, SD and 95 % CI per group × occasion (:func:`followup.summary_by_occasion`).

Baseline ("row-wise ``DataFrame.apply``"): the same four results computed the way a first
attempt often looks: ``DataFrame.apply(axis=1)`` over the measurement rows to keep each
person's first and latest score and running sums per group × occasion, then
``DataFrame.apply(axis=1)`` over persons calling the scalar :func:`measures.classify_change`.
Both give the same numbers (checked below). By default the baseline runs once on the full data;
with ``--baseline-rows M`` it runs on the first M rows only and its time is scaled linearly to
the full size, which the output then says.

Printed: the median wall-clock and CPU time of ``--repeats`` runs of the vectorised pipeline,
the baseline's time (one run), their ratios, the peak traced memory (tracemalloc, in a separate
run so tracing does not distort the timings) of the vectorised pipeline, and of the baseline only
for at most 200,000 rows (tracing it on a million rows would take many minutes), plus the
process's maximum resident set size. The machine may be shared: CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd
from scipy import stats

from vidensbasering import followup
from vidensbasering.measures import ChangeCriteria, classify_change, standard_error_of_difference

CRITERIA = {
    "WEMWBS": ChangeCriteria(
        s_diff=standard_error_of_difference(8.0, 0.89),  # alpha 0.89: Tennant et al. 2007
        cutoff=52.0,
        direction="higher_is_better",
        source="benchmark: invented baseline SD 8 and cut-off 52",
    )
}


def make_data(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    persons = rows // 4
    pid = np.repeat(np.arange(persons), 4)
    occasion = np.tile(np.arange(1, 5), persons)
    level = rng.normal(40, 8, persons)[pid] + 1.5 * (occasion - 1) + rng.normal(0, 3, persons * 4)
    frame = pd.DataFrame(
        {
            "person_id": pd.Series(pid).map("P{:07d}".format),
            "group": np.where(pid % 2 == 0, "Team Nord", "Team Syd"),
            "occasion": occasion,
            "instrument": "WEMWBS",
            "score": np.clip(np.rint(level), 14, 70),
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def vectorised(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    changes = followup.change_first_to_latest(df, by=["group"])
    classified = followup.classify_changes(changes, CRITERIA)
    return {
        "classified": classified,
        "counts": followup.category_counts(classified, by=["instrument", "group"]),
        "summary": followup.summary_by_occasion(df, by=["instrument", "group", "occasion"]),
    }


def rowwise(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    first: dict[tuple, list] = {}
    sums: dict[tuple, list[float]] = {}

    def visit(row: pd.Series) -> None:
        key = (row["instrument"], row["person_id"], row["group"])
        occ, score = row["occasion"], row["score"]
        state = first.get(key)
        if state is None:
            first[key] = [occ, score, occ, score, 1]
        else:
            if occ < state[0]:
                state[0], state[1] = occ, score
            if occ > state[2]:
                state[2], state[3] = occ, score
            state[4] += 1
        acc = sums.setdefault((row["instrument"], row["group"], occ), [0.0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += score
        acc[2] += score * score

    df.apply(visit, axis=1)
    changes = pd.DataFrame(
        [(*k, v[4], v[0], v[2], v[1], v[3]) for k, v in sorted(first.items())],
        columns=[
            "instrument",
            "person_id",
            "group",
            "n_occasions",
            "first_occasion",
            "latest_occasion",
            "first_score",
            "latest_score",
        ],
    )

    def classify(row: pd.Series) -> pd.Series:
        crit = CRITERIA[row["instrument"]]
        if row["n_occasions"] < 2:
            return pd.Series({"change": np.nan, "rc": np.nan, "category": None})
        change = row["latest_score"] - row["first_score"]
        category = classify_change(
            row["first_score"],
            row["latest_score"],
            s_diff=crit.s_diff,
            cutoff=crit.cutoff,
            direction=crit.direction,
        )
        return pd.Series({"change": change, "rc": change / crit.s_diff, "category": category})

    classified = pd.concat([changes, changes.apply(classify, axis=1)], axis=1)
    counts = classified.groupby(["instrument", "group", "category"]).size().rename("n")
    summary_rows = []
    for (inst, grp, occ), (n, s, ss) in sorted(sums.items()):
        mean = s / n
        sd = np.sqrt((ss - n * mean * mean) / (n - 1)) if n > 1 else np.nan
        half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
        summary_rows.append((inst, grp, occ, int(n), mean, sd, mean - half, mean + half))
    summary = pd.DataFrame(
        summary_rows,
        columns=["instrument", "group", "occasion", "n", "mean", "sd", "ci_low", "ci_high"],
    )
    return {"classified": classified, "counts": counts.reset_index(), "summary": summary}


def check_same(fast: dict[str, pd.DataFrame], slow: dict[str, pd.DataFrame]) -> None:
    a = fast["classified"].sort_values(["instrument", "person_id"]).reset_index(drop=True)
    b = slow["classified"].sort_values(["instrument", "person_id"]).reset_index(drop=True)
    for column in ("first_score", "latest_score", "change", "rc"):
        np.testing.assert_allclose(a[column].to_numpy(float), b[column].to_numpy(float))
    assert (a["category"].astype(object).to_numpy() == b["category"].to_numpy()).all()
    fs, ss = fast["summary"], slow["summary"]
    for column in ("n", "mean", "sd", "ci_low", "ci_high"):
        np.testing.assert_allclose(fs[column].to_numpy(float), ss[column].to_numpy(float))


def timed(fn, df: pd.DataFrame) -> tuple[float, float, dict[str, pd.DataFrame]]:
    """Wall-clock and process CPU seconds of ``fn(df)``, and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(df)
    return time.perf_counter() - start, time.process_time() - cpu, result


def peak_traced(fn, df: pd.DataFrame) -> float:
    tracemalloc.start()
    fn(df)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-rows", type=int, default=None)
    args = parser.parse_args(argv)

    df = make_data(args.rows)
    persons = df["person_id"].nunique()
    versions = f"python {sys.version.split()[0]}, pandas {pd.__version__}"
    print(f"data: {len(df):,} rows, {persons:,} persons; {versions}")

    fast_times, fast_cpu = [], []
    for _ in range(args.repeats):
        seconds, cpu, fast = timed(vectorised, df)
        fast_times.append(seconds)
        fast_cpu.append(cpu)
    fast_median = statistics.median(fast_times)
    print(
        f"vectorised (pandas):    median {fast_median:.3f} s wall, "
        f"{statistics.median(fast_cpu):.3f} s CPU, of {args.repeats} runs "
        f"(wall min {min(fast_times):.3f}, max {max(fast_times):.3f})"
    )

    base_df = df if args.baseline_rows is None else df.iloc[: args.baseline_rows]
    slow_seconds, slow_cpu, slow = timed(rowwise, base_df)
    scale = len(df) / len(base_df)
    slow_full = slow_seconds * scale
    if scale == 1:
        print(
            f"row-wise DataFrame.apply: {slow_seconds:.2f} s wall, {slow_cpu:.2f} s CPU "
            "(one run, full data)"
        )
        check_same(fast, slow)
        print("results: identical (changes, RC, categories, summaries)")
    else:
        print(
            f"row-wise DataFrame.apply: {slow_seconds:.2f} s on {len(base_df):,} rows, "
            f"EXTRAPOLATED linearly to {slow_full:.1f} s for {len(df):,} rows"
        )
        check_same(vectorised(base_df), slow)
        print("results on the subsample: identical (changes, RC, categories, summaries)")
    cpu_ratio = slow_cpu * scale / statistics.median(fast_cpu)
    print(
        f"ratio baseline/vectorised: {slow_full / fast_median:.0f}x wall, {cpu_ratio:.0f}x CPU "
        f"(goal >= 20x); vectorised under 1 s: {'yes' if fast_median < 1 else 'NO'}"
    )

    fast_peak = peak_traced(vectorised, df)
    print(
        f"peak traced memory: vectorised {fast_peak:.0f} MiB (input frame "
        f"{df.memory_usage(deep=True).sum() / 2**20:.0f} MiB)"
    )
    if scale == 1 and len(df) <= 200_000:
        print(f"peak traced memory: row-wise {peak_traced(rowwise, df):.0f} MiB")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of the process: {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
