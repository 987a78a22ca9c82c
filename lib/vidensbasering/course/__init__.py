"""Course tooling: thin layers over nbgrader (build, check; grading builds on the same API).

``course/`` in the project is the nbgrader course root; its ``nbgrader_config.py`` holds every
nbgrader setting. Nothing here re-implements nbgrader: the functions call nbgrader's API and
converters and add only what the project needs around them (a temporary course copy, stable
output, a comparison with the committed files).
"""

from vidensbasering.course.build import (
    Difference,
    NbgraderError,
    build,
    check,
    find_project_root,
    generate,
    open_api,
)

__all__ = [
    "Difference",
    "NbgraderError",
    "build",
    "check",
    "find_project_root",
    "generate",
    "open_api",
]
