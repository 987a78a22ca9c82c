"""Vidensbaseret socialt arbejde: domain maths, charts, apps and course tooling for the course.

The domain modules (data, effects, measures, followup, theory_of_change) import no widget, no
nbgrader and no notebook machinery; apps and course tooling build on them.
"""

__version__ = "0.1.0"
