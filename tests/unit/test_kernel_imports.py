"""A Voila app's kernel imports only what its first view needs (issue 10, "slim kernels").

Each check runs in a fresh interpreter, because this test process has imported everything
already. Heavy libraries used by one action only (vl-convert for PNG/SVG export, statsmodels for
the regression, scipy.stats, openpyxl for Excel uploads, vegafusion) must load on first use.
pyarrow is not in the list: pandas 3 imports it itself when it is installed
(``pandas.compat.pyarrow``), so no app can avoid it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("vl_convert", "statsmodels", "scipy", "openpyxl", "vegafusion", "rfc3987_syntax")
APP_MODULES = (
    "vidensbasering.apps.opfoelgning",
    "vidensbasering.apps.forandringsteori",
    "vidensbasering.apps.videnskvalitet",
)


def _loaded_after(code: str, names: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``names`` are in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = (
        f"import sys\n{code}\n"
        f"import json; print(json.dumps(sorted(m for m in {list(names)!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", APP_MODULES)
def test_importing_an_app_module_loads_no_heavy_library(module):
    assert _loaded_after(f"import {module}") == []


def test_follow_up_first_view_loads_no_export_or_regression_library():
    # Building the dashboard draws the example's five charts: that needs pandas and Altair, and
    # scipy.special for the trend's t quantiles, but no image export, regression or Excel.
    names = (*(m for m in HEAVY if m != "scipy"), "scipy.stats")
    assert _loaded_after("from vidensbasering.apps.opfoelgning import app\napp()", names) == []


def test_theory_of_change_first_view_loads_no_heavy_library():
    assert _loaded_after("from vidensbasering.apps.forandringsteori import app\napp()") == []
