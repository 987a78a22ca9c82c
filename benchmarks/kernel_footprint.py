"""What an app's kernel costs before anything is drawn, against the code before slim kernels.

For each Voila app (``notebooks/apps/<app>.ipynb``), measured in fresh processes:

- **import**: ``import vidensbasering.apps.<app>`` in a new interpreter: wall time, CPU time
  (the interpreter's start included) and peak resident memory (median of ``--runs``), and which
  heavy libraries it loaded;
- **first view**: the app notebook's cell (import, then ``app()``, which builds the widgets and
  draws the first charts) in a new interpreter: wall time and peak memory;
- **kernel**: a real IPython kernel (jupyter_client, as Voila starts one) that executes the
  notebook's cell: seconds from starting the kernel until the cell has run, the kernel
  process's CPU seconds and its resident memory afterwards (median of ``--kernel-runs``);
- **heaviest**: the packages with the most import time (``python -X importtime``, self time
  summed per top-level package) for one import of the app module.

Baseline, measured in the same run and interleaved with the current code so that machine load
hits both alike: the package as it was at ``--baseline`` (default: the merge base of ``HEAD``
and ``main``, i.e. today's imports before this work), exported with ``git archive`` into a
temporary folder and put first on ``PYTHONPATH``. Both use the same filled user cache (the
offline chart bundle is built by the first kernel after an install, then read from the cache),
so the figures are those of every kernel but the first.

Usage::

    .venv/bin/python benchmarks/kernel_footprint.py [--runs 5] [--kernel-runs 3] [--apps ...]

Prints a table with medians and ratios (now / baseline); writes them to
``benchmarks/results/kernel_footprint.json``. The machine's other load shows in the absolute
wall times (CPU time is steadier on a busy machine); the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from io import BytesIO
from pathlib import Path

import psutil
from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[1]
APPS = ("opfoelgning", "forandringsteori", "videnskvalitet")
HEAVY = ("vl_convert", "statsmodels", "scipy", "scipy.stats", "openpyxl", "pyarrow",
         "vegafusion", "rfc3987_syntax")  # fmt: skip

PROBE = """
import json, resource, sys, time
start = time.perf_counter()
{code}
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
import vidensbasering
heavy = [m for m in {heavy!r} if sys.modules.get(m) is not None]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "peak_mib": peak, "heavy": heavy, "package": vidensbasering.__file__}}))
"""


def export_baseline(ref: str, dest: Path) -> Path:
    """Unpack ``lib/`` and ``notebooks/apps/`` of ``ref`` into ``dest``; return its ``lib``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "lib", "notebooks/apps"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "lib"


def environment(lib: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(lib), "XDG_CACHE_HOME": str(cache)}


def probe(code: str, env: dict[str, str], lib: Path) -> dict:
    """Run ``code`` in a new interpreter; return its seconds, peak MiB and heavy modules."""
    script = PROBE.format(code=code, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result.pop("package").startswith(str(lib)):
        raise RuntimeError(f"the probe did not import the package from {lib}")
    return result


def heaviest(module: str, env: dict[str, str], top: int = 8) -> list[tuple[str, float]]:
    """Top-level packages by import self time (seconds) for one import of ``module``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    per_package: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|")
        if not self_us.strip().isdigit():
            continue  # the header line
        per_package[name.strip().split(".")[0]] += int(self_us) / 1e6
    ranked = sorted(per_package.items(), key=lambda item: -item[1])
    return [(name, round(seconds, 3)) for name, seconds in ranked[:top]]


def notebook_code(root: Path, app: str) -> str:
    notebook = json.loads((root / "notebooks" / "apps" / f"{app}.ipynb").read_text("utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")


def kernel_run(code: str, env: dict[str, str]) -> dict:
    """Start an IPython kernel, run ``code``, and return seconds and the kernel's RSS (MiB)."""
    manager = KernelManager(kernel_name="python3")
    start = time.perf_counter()
    manager.start_kernel(env=env)
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=300)
        ready = time.perf_counter() - start
        reply = client.execute_interactive(code, timeout=600, output_hook=lambda _msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the app cell failed: {reply['content'].get('evalue')}")
        total = time.perf_counter() - start
        process = psutil.Process(manager.provisioner.process.pid)
        rss = process.memory_info().rss / 2**20
        cpu = sum(process.cpu_times()[:2])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"seconds": total, "ready_seconds": ready, "rss_mib": rss, "cpu_seconds": cpu}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def measure(apps: list[str], runs: int, kernel_runs: int, baseline_ref: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="kernel-footprint-") as tmp:
        cache = Path(tmp, "cache")
        trees = {
            "baseline": (
                export_baseline(baseline_ref, Path(tmp, "baseline")),
                Path(tmp, "baseline"),
            ),
            "now": (ROOT / "lib", ROOT),
        }
        envs = {name: environment(lib, cache) for name, (lib, _root) in trees.items()}
        # Fill the user cache once per tree (the first kernel after an install does this).
        for name in trees:
            fill = "from vidensbasering import charts\ncharts.use_offline_renderer()\n"
            fill += "charts.danish_locale()"
            subprocess.run([sys.executable, "-c", fill], env=envs[name], check=True)
        results: dict = {"baseline_ref": baseline_ref, "runs": runs,
                         "kernel_runs": kernel_runs, "apps": {}}  # fmt: skip
        for app in apps:
            module = f"vidensbasering.apps.{app}"
            samples: dict = {name: defaultdict(list) for name in trees}
            heavy: dict = {}
            for _ in range(runs):
                for name, (lib, root) in trees.items():
                    imported = probe(f"import {module}", envs[name], lib)
                    viewed = probe(notebook_code(root, app), envs[name], lib)
                    samples[name]["import_s"].append(imported["seconds"])
                    samples[name]["import_cpu_s"].append(imported["cpu_seconds"])
                    samples[name]["import_peak_mib"].append(imported["peak_mib"])
                    samples[name]["view_s"].append(viewed["seconds"])
                    samples[name]["view_cpu_s"].append(viewed["cpu_seconds"])
                    samples[name]["view_peak_mib"].append(viewed["peak_mib"])
                    heavy[name] = {"import": imported["heavy"], "view": viewed["heavy"]}
            for _ in range(kernel_runs):
                for name, (_lib, root) in trees.items():
                    run = kernel_run(notebook_code(root, app), envs[name])
                    samples[name]["kernel_s"].append(run["seconds"])
                    samples[name]["kernel_rss_mib"].append(run["rss_mib"])
                    samples[name]["kernel_cpu_s"].append(run["cpu_seconds"])
            entry: dict = {}
            for name in trees:
                entry[name] = {key: median(values) for key, values in samples[name].items()}
                entry[name]["heavy_loaded"] = heavy[name]
                entry[name]["heaviest_packages_s"] = heaviest(module, envs[name])
            entry["ratio"] = {
                key: round(entry["now"][key] / entry["baseline"][key], 2)
                for key in samples["now"]
                if entry["baseline"][key]
            }
            results["apps"][app] = entry
    return results


def report(results: dict) -> str:
    keys = [
        ("import_s", "import, wall s"),
        ("import_cpu_s", "import, CPU s"),
        ("import_peak_mib", "import, peak MiB"),
        ("view_s", "first view, wall s"),
        ("view_cpu_s", "first view, CPU s"),
        ("view_peak_mib", "first view, peak MiB"),
        ("kernel_s", "kernel start + cell, wall s"),
        ("kernel_cpu_s", "kernel CPU s"),
        ("kernel_rss_mib", "kernel RSS after cell, MiB"),
    ]
    lines = [
        f"Baseline: {results['baseline_ref'][:12]} (today's imports); medians of "
        f"{results['runs']} processes, {results['kernel_runs']} kernels; ratio = now / baseline",
        "",
        f"{'app':<17} {'measure':<28} {'baseline':>9} {'now':>9} {'ratio':>6}",
    ]
    for app, entry in results["apps"].items():
        for key, label in keys:
            base, now = entry["baseline"][key], entry["now"][key]
            ratio = entry["ratio"].get(key, float("nan"))
            lines.append(f"{app:<17} {label:<28} {base:>9.2f} {now:>9.2f} {ratio:>6.2f}")
        for name in ("baseline", "now"):
            loaded = entry[name]["heavy_loaded"]
            lines.append(
                f"{'':<17} heavy loaded ({name}): import {loaded['import'] or '-'}, "
                f"first view {loaded['view'] or '-'}"
            )
            top = ", ".join(f"{p} {s:.2f}" for p, s in entry[name]["heaviest_packages_s"])
            lines.append(f"{'':<17} heaviest imports ({name}), s: {top}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per measure")
    parser.add_argument("--kernel-runs", type=int, default=3, help="kernels per app and tree")
    parser.add_argument("--apps", nargs="+", default=list(APPS), choices=APPS)
    parser.add_argument(
        "--baseline", help="git ref of the baseline (default: merge base of HEAD and main)"
    )
    args = parser.parse_args()
    ref = args.baseline or subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    results = measure(args.apps, args.runs, args.kernel_runs, ref)
    print(report(results))
    out = ROOT / "benchmarks" / "results" / "kernel_footprint.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
