"""nbgrader settings for the Jupyter server (read from JUPYTER_CONFIG_PATH).

The formgrader needs the course root; nbgrader then also reads that folder's own
nbgrader_config.py (course id, gradebook location, ...).
"""

import contextlib
import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

PROJECT = Path(__file__).resolve().parents[2]

c.CourseDirectory.root = str(PROJECT / "course")

# Single-user mode (make start): the exchange, where nbgrader's Assignment List looks for
# released assignments, is a folder of this project instead of nbgrader's default
# /usr/local/share/nbgrader/exchange, which does not exist or is not writable on a student's
# computer (the server then logs "Unwritable directory ... exchange" and Nbgrader -> Assignment
# List says "Error fetching courses!"). Students hand in through their LMS; the folder stays
# empty unless an instructor releases into it. VIDENSBASERING_EXCHANGE points elsewhere (a hub's
# shared exchange). Git ignores course/exchange.
_EXCHANGE = Path(os.environ.get("VIDENSBASERING_EXCHANGE", PROJECT / "course" / "exchange"))
with contextlib.suppress(OSError):  # a read-only copy of the course: nbgrader then says so
    _EXCHANGE.mkdir(parents=True, exist_ok=True)
c.Exchange.root = str(_EXCHANGE)
# The Assignment List reads this file, not course/nbgrader_config.py: name the course here too.
c.CourseDirectory.course_id = "vidensbasering"
