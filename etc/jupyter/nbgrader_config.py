"""nbgrader settings for the Jupyter server (read from JUPYTER_CONFIG_PATH).

The formgrader needs the course root; nbgrader then also reads that folder's own
nbgrader_config.py (course id, gradebook location, ...).
"""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.CourseDirectory.root = str(Path(__file__).resolve().parents[2] / "course")
