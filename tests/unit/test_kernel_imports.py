"""A Voila app's kernel imports only what its first view needs (issue 10, "slim kernels").

Each check runs in a fresh interpreter, because this test process has imported everything
already. Heavy libraries used by one action only (vl-convert for PNG/SVG export, statsmodels for
the regression, scipy.stats, openpyxl for Excel uploads, vegafusion) must load on first use.
pyarrow is not in the list: pandas 3 imports it itself when it is installed
(``pandas.compat.pyarrow``), so no app can avoid it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("vl_convert", "statsmodels", "scipy", "openpyxl", "vegafusion", "rfc3987_syntax")
APP_MODULES = (
    "vidensbasering.apps.opfoelgning",
    "vidensbasering.apps.forandringsteori",
    "vidensbasering.apps.videnskvalitet",
)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment with a user cache that the first kernel after an install has filled.

    The first kernel builds the offline chart bundle and reads the da-DK locale with vl-convert,
    the evidence-quality app computes its axis range with every estimator, and each is stored
    (:mod:`vidensbasering.charts`); every later kernel reads them from the cache.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache"))}
    fill = (
        "from vidensbasering import charts\ncharts.use_offline_renderer(); charts.danish_locale()\n"
        "from vidensbasering.apps.videnskvalitet import app\napp()  # its axis range"
    )
    subprocess.run([sys.executable, "-c", fill], env=env, check=True, timeout=300)
    assert list(Path(env["XDG_CACHE_HOME"], "vidensbasering").glob("*"))
    return env


def _loaded_after(code: str, env: dict[str, str], names: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``names`` are loaded after running ``code`` in a new interpreter."""
    probe = (
        f"import sys\n{code}\n"
        f"import json; print(json.dumps(sorted(m for m in {list(names)!r} if sys.modules.get(m))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", APP_MODULES)
def test_importing_an_app_module_loads_no_heavy_library(module, warm_cache):
    assert _loaded_after(f"import {module}", warm_cache) == []


def test_follow_up_first_view_loads_no_export_or_regression_library(warm_cache):
    # Building the dashboard draws the example's five charts: that needs pandas and Altair, and
    # scipy.special for the trend's t quantiles, but no image export, regression or Excel.
    names = (*(m for m in HEAVY if m != "scipy"), "scipy.stats")
    code = "from vidensbasering.apps.opfoelgning import app\napp()"
    assert _loaded_after(code, warm_cache, names) == []


def test_theory_of_change_first_view_loads_no_heavy_library(warm_cache):
    code = "from vidensbasering.apps.forandringsteori import app\napp()"
    assert _loaded_after(code, warm_cache) == []


def test_evidence_quality_first_view_loads_no_heavy_library(warm_cache):
    # The NSW data are read from causaldata's files; importing causaldata would import
    # statsmodels (its "auto" data set does), which the regression loads only when chosen.
    # The difference in means needs scipy.special's t quantiles, not scipy.stats.
    names = (*(m for m in HEAVY if m != "scipy"), "scipy.stats", "causaldata")
    code = "from vidensbasering.apps.videnskvalitet import app\napp()"
    assert _loaded_after(code, warm_cache, names) == []


DOMAIN_MODULES = (
    "followup_report.py",
    "numbers.py",
    "files.py",
    "theory_of_change/editing.py",
)


@pytest.mark.parametrize("path", DOMAIN_MODULES)
def test_domain_modules_import_no_widget_or_notebook_machinery(path):
    # Read the import statements (Altair itself imports ipywidgets, so sys.modules cannot tell).
    import ast

    import vidensbasering

    source = Path(vidensbasering.__file__).parent.joinpath(path).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    forbidden = ("ipywidgets", "IPython", "anywidget", "voila", "nbgrader", "vidensbasering.apps")
    assert not [m for m in imported if m.startswith(forbidden)]
