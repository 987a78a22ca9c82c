"""Generate the invented follow-up example: a housing-support service with 120 citizens.

Run ``python -m vidensbasering.examples.make_followup_data`` to (re)write ``opfoelgning.csv``
next to this file; ``tests/unit/test_followup.py`` checks that the shipped file equals what this
script generates. Every person and number is invented (seed :data:`SEED`); no real data went in.

The service ("Bostøtte Ådalen", invented) follows 120 adult citizens in two teams (Team Nord,
Team Syd) at four occasions: intake (1) and about 3, 6 and 12 months later (2-4).

* **WEMWBS** (instrument ``"WEMWBS"``): the 14 items are simulated one by one, each 1-5, from a
  latent well-being level per person and occasion (item = round(item mean + level + noise),
  clipped to 1-5), and summed to the total (14-70) with
  :func:`vidensbasering.measures.wemwbs_total`. Only the total is shipped.
* **GAS** (instrument ``"GAS"``): each citizen has 2-4 goals (``goal`` M1…M4, ``weight`` 1-3)
  scored −2…+2 at the follow-ups (occasions 2-4); progress on goals is correlated with the
  person's change in well-being.
* **Attrition**: about one citizen in five leaves before the 12-month follow-up; their later
  rows are absent (not NaN rows), as in real follow-up data.

Plausibility against published norms (the course's domain facts, section 4):

* WEMWBS totals lie in 14-70 and Cronbach's α of the simulated baseline items is about 0.9, the
  published α of 0.89 (students) to 0.91 (population) in Tennant et al. (2007); the noise level
  was chosen for that. The script prints α when run.
* The baseline mean (about 40) is an invented assumption for a group with low well-being, below
  the scale's midpoint of 42; the domain facts give no verified population mean, so the course
  does not present this as a norm.
* GAS levels follow the convention that 0 is the expected outcome: at 12 months the average
  T-score is close to 50 (goals met as expected on average), earlier it is below.

Data dictionary (Danish version shipped as ``opfoelgning_ordbog.csv``):

===========  ========  ===========================================================
column       type      meaning
===========  ========  ===========================================================
person_id    text      pseudonym B001…B120
group        text      team: "Team Nord" or "Team Syd"
occasion     integer   1 = intake, 2 ≈ 3 months, 3 ≈ 6 months, 4 ≈ 12 months
date         date      ISO yyyy-mm-dd
instrument   text      "WEMWBS" or "GAS"
goal         text      GAS goal M1…M4; empty for WEMWBS
weight       integer   GAS goal weight 1-3; empty for WEMWBS
score        integer   WEMWBS total 14-70, or GAS level −2…+2
===========  ========  ===========================================================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vidensbasering.measures import cronbach_alpha, wemwbs_total

SEED = 20251
N_CITIZENS = 120
MONTHS = (0, 3, 6, 12)  # planned months after intake of occasions 1-4
OUTPUT = Path(__file__).with_name("opfoelgning.csv")

# Latent model in item units (one WEMWBS item is 1-5). Chosen so that the baseline items have
# Cronbach's alpha close to 0.9 and the baseline total a mean near 40 and SD near 7.
_ITEM_OFFSETS = np.linspace(-0.25, 0.25, 14)
_LEVEL_MEAN, _LEVEL_SD = -0.14, 0.5
_ITEM_NOISE_SD = 0.65
_STATE_NOISE_SD = 0.15
_SLOPE_MEAN, _SLOPE_SD = 0.45, 0.45  # change per year; 14 × 0.45 ≈ 6 total points on average


def _items(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    raw = 3.0 + _ITEM_OFFSETS[None, :] + level[:, None]
    raw = raw + rng.normal(0.0, _ITEM_NOISE_SD, size=raw.shape)
    return np.clip(np.rint(raw), 1, 5)


def generate(seed: int = SEED, *, return_items: bool = False) -> pd.DataFrame:
    """Build the example table (see the module docstring for the model and the columns).

    Args:
        seed: random seed; the shipped file uses :data:`SEED`.
        return_items: also attach the baseline WEMWBS items as ``attrs["baseline_items"]``
            (array 120 × 14) for checks such as Cronbach's α.

    Returns:
        Tidy DataFrame with columns person_id, group, occasion, date, instrument, goal, weight,
        score, sorted by person, occasion, instrument, goal.
    """
    rng = np.random.default_rng(seed)
    n = N_CITIZENS
    persons = np.array([f"B{i:03d}" for i in range(1, n + 1)])
    group = rng.choice(np.array(["Team Nord", "Team Syd"]), size=n)
    intake = pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.integers(0, 170, size=n), unit="D")
    last_occasion = rng.choice([1, 2, 3, 4], size=n, p=[0.04, 0.06, 0.10, 0.80])
    level0 = rng.normal(_LEVEL_MEAN, _LEVEL_SD, size=n)
    slope = rng.normal(_SLOPE_MEAN, _SLOPE_SD, size=n)
    goal_drive = 0.6 * (slope - _SLOPE_MEAN) / _SLOPE_SD + 0.8 * rng.normal(size=n)
    n_goals = rng.choice([2, 3, 4], size=n, p=[0.30, 0.45, 0.25])

    rows: list[dict[str, object]] = []
    baseline_items = None
    goal_effects = [rng.normal(0.0, 0.6, size=k) for k in n_goals]
    goal_weights = [rng.choice([1, 2, 3], size=k, p=[0.5, 0.3, 0.2]) for k in n_goals]
    for occasion, months in enumerate(MONTHS, start=1):
        jitter = rng.integers(-7, 8, size=n) if months else np.zeros(n, dtype=int)
        dates = intake + pd.to_timedelta(np.rint(months * 30.44).astype(int) + jitter, unit="D")
        level = level0 + slope * months / 12 + rng.normal(0.0, _STATE_NOISE_SD, size=n)
        items = _items(rng, level)
        if occasion == 1:
            baseline_items = items
        totals = wemwbs_total(items)
        goal_noise = [rng.normal(0.0, 0.4, size=k) for k in n_goals]
        for j in range(n):
            if occasion > last_occasion[j]:
                continue
            base = {
                "person_id": persons[j],
                "group": group[j],
                "occasion": occasion,
                "date": dates[j].date().isoformat(),
            }
            rows.append({**base, "instrument": "WEMWBS", "score": int(totals[j])})
            if occasion == 1:
                continue
            latent = -1.2 + 1.5 * months / 12 + 0.8 * goal_drive[j] + goal_effects[j]
            levels = np.clip(np.rint(latent + goal_noise[j]), -2, 2).astype(int)
            for g, (lev, w) in enumerate(zip(levels, goal_weights[j], strict=True), start=1):
                rows.append(
                    {**base, "instrument": "GAS", "goal": f"M{g}", "weight": int(w), "score": lev}
                )
    columns = ["person_id", "group", "occasion", "date", "instrument", "goal", "weight", "score"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["weight"] = frame["weight"].astype("Int64")
    frame["score"] = frame["score"].astype("int64")
    frame = frame.sort_values(["person_id", "occasion", "instrument", "goal"], na_position="first")
    frame = frame.reset_index(drop=True)
    if return_items:
        frame.attrs["baseline_items"] = baseline_items
    return frame


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact text written to ``opfoelgning.csv`` (UTF-8, comma, ISO dates, ``\\n`` lines)."""
    return frame.to_csv(index=False, lineterminator="\n")


def main() -> None:
    """Write ``opfoelgning.csv`` and print a short plausibility report."""
    frame = generate(return_items=True)
    OUTPUT.write_text(to_csv_text(frame), encoding="utf-8", newline="")
    wem = frame[(frame["instrument"] == "WEMWBS") & (frame["occasion"] == 1)]["score"]
    alpha = cronbach_alpha(frame.attrs["baseline_items"])
    print(f"wrote {OUTPUT} ({len(frame)} rows)")
    print(
        f"baseline WEMWBS mean {wem.mean():.1f}, SD {wem.std():.1f}, Cronbach's alpha {alpha:.3f}"
    )


if __name__ == "__main__":
    main()
