"""The invented follow-up example seen from every level: three services in two municipalities.

:func:`generate` returns the housing-support example of :mod:`make_followup_data` (Bostøtte
Ådalen, seed :data:`make_followup_data.SEED`, identical rows) next to two more invented services
made by the same seeded generator with other seeds, and adds the columns ``service`` and
``municipality``. Municipalities, services, teams and citizens are all invented; no real data went
in. The roles lesson (06) aggregates these rows to person, team, service and municipality.

=================  ==================  =====================  =========  ==========
municipality       service             seed                   citizens   person ids
=================  ==================  =====================  =========  ==========
Ådal Kommune       Bostøtte Ådalen     SEED                   120        B001-B120
Ådal Kommune       Bostøtte Engen      SEED + 1               120        E001-E120
Bakkeby Kommune    Bostøtte Bakken     SEED + 2               120        K001-K120
=================  ==================  =====================  =========  ==========

Team names ("Team Nord", "Team Syd") repeat across services: a team is identified by
municipality, service and team together.
"""

from __future__ import annotations

import pandas as pd

from vidensbasering.examples import make_followup_data

#: (municipality, service, seed offset, person-id letter) of each invented service.
SERVICES: tuple[tuple[str, str, int, str], ...] = (
    ("Ådal Kommune", "Bostøtte Ådalen", 0, "B"),
    ("Ådal Kommune", "Bostøtte Engen", 1, "E"),
    ("Bakkeby Kommune", "Bostøtte Bakken", 2, "K"),
)


def generate() -> pd.DataFrame:
    """Build the three services' tidy table.

    Returns:
        DataFrame with the columns of :func:`make_followup_data.generate` plus ``service`` and
        ``municipality`` (str), 360 citizens; ``date`` as ``datetime64``, ``score`` float,
        ``weight`` Int64, as :func:`vidensbasering.examples.load_followup_example` types them.
    """
    parts = []
    for municipality, service, offset, letter in SERVICES:
        part = make_followup_data.generate(make_followup_data.SEED + offset)
        part["person_id"] = letter + part["person_id"].str[1:]
        part.insert(1, "municipality", municipality)
        part.insert(2, "service", service)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["score"] = frame["score"].astype(float)
    return frame
