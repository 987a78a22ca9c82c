"""Kubernetes on paper: the Zero to JupyterHub values and the single-user image's environment.

No cluster and no docker here: ``values.yaml`` is checked against the key names of the chart's
values schema (``deploy/k8s/z2jh-values-keys.txt``, taken from the chart's repository, see its
header), and the image's install command is resolved by pip against ``constraints.txt``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from vidensbasering import hub

K8S = hub.PROJECT_ROOT / "deploy" / "k8s"
CONSTRAINTS = hub.PROJECT_ROOT / "constraints.txt"


def schema_keys() -> set[str]:
    lines = (K8S / "z2jh-values-keys.txt").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def key_paths(values: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every mapping key in ``values`` (lists are not entered)."""
    if not isinstance(values, dict):
        return []
    paths = []
    for key, child in values.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        paths.append(path)
        paths += key_paths(child, path)
    return paths


def allowed(path: str, keys: set[str]) -> bool:
    """Whether the schema names ``path``, directly, by a ``.*`` wildcard or a ``./regex/``."""
    current = {""}
    for segment in path.split("."):
        following = set()
        for prefix in current:
            base = f"{prefix}." if prefix else ""
            if base + segment in keys:
                following.add(base + segment)
            if prefix and f"{prefix}.*" in keys:
                wildcard = f"{prefix}.*"
                if not any(k.startswith(wildcard + ".") for k in keys):
                    return True  # anything may sit below this key
                following.add(wildcard)
            for key in keys:
                match = re.fullmatch(re.escape(base) + r"/(.+)/", key)
                if match and re.search(match.group(1), segment):
                    following.add(key)
        if not following:
            return False
        current = following
    return True


def test_the_key_list_is_the_charts_schema() -> None:
    keys = schema_keys()
    header = (K8S / "z2jh-values-keys.txt").read_text(encoding="utf-8").splitlines()[:3]
    assert "zero-to-jupyterhub-k8s" in " ".join(header)
    assert {"hub.config", "singleuser.storage.extraVolumes", "cull.timeout"} <= keys
    assert "hub.config./^[A-Z].*$/" in keys


def test_the_checker_refuses_keys_the_chart_does_not_know() -> None:
    keys = schema_keys()
    assert allowed("singleuser.storage.extraVolumeMounts", keys)
    assert allowed("hub.config.KubeSpawner.uid", keys)  # any class name starting with a capital
    assert not allowed("hub.config.kubeSpawner", keys)
    assert not allowed("singleuser.storage.exchangeVolume", keys)
    assert not allowed("culler.timeout", keys)


def test_values_parse_and_use_only_the_charts_keys() -> None:
    values = yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))
    keys = schema_keys()
    unknown = [path for path in key_paths(values) if not allowed(path, keys)]
    assert unknown == []
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert {"name": "nbgrader-exchange", "mountPath": "/srv/nbgrader/exchange"} in mounts
    assert values["singleuser"]["extraEnv"]["VIDENSBASERING_EXCHANGE"] == "/srv/nbgrader/exchange"
    assert values["cull"]["enabled"] is True


def test_the_dockerfile_installs_from_the_constraints() -> None:
    text = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert 'pip install --no-cache-dir -c constraints.txt ".[hub]"' in text
    assert "FROM python:3.11-" in text  # the Python of pyproject's requires-python


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("VIDENSBASERING_SLOW_TESTS") != "1",
    reason="resolving the image's environment takes 2-3 minutes: VIDENSBASERING_SLOW_TESTS=1",
)
def test_the_images_environment_resolves_to_the_pinned_versions(tmp_path: Path) -> None:
    """What the Dockerfile's pip install would install, resolved here without installing.

    Found that nbgrader needs setuptools at run time (``nbgrader.utils`` imports
    ``setuptools.archive_util``) with no pin: an image would have got the newest one.
    """
    report = tmp_path / "report.json"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
            "--report", str(report), "-c", str(CONSTRAINTS), f"{hub.PROJECT_ROOT}[hub]",
        ],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    resolved = {
        re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }
    resolved.pop("vidensbasering")
    pins = _pins()
    unpinned = sorted(set(resolved) - set(pins))
    assert unpinned == [], "packages the image would install without a pin in constraints.txt"
    different = {n: (v, pins[n]) for n, v in resolved.items() if v != pins[n]}
    assert different == {}
    assert {"jupyterhub", "nbgrader", "jupyterhub-ltiauthenticator", "nbgitpuller"} <= set(resolved)
