"""Every pin in constraints.txt installs on every supported Python (3.11, 3.12, 3.13).

Only one Python runs on the development machines, so this asks pip, for each version, whether
it would install every pin from the registry: one dry run per version with all pins, no
dependencies (they are pinned too), wheels only for Linux x86-64 (manylinux), except the
pure-Python packages published as source only. ``pip install --dry-run`` resolves the files
without installing them. Needs the package registry (marked ``network``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ["3.11", "3.12", "3.13"]
#: Pure-Python packages the registry has as source distributions only.
SDIST_ONLY = ["causaldata"]
#: manylinux_2_17 (CentOS 7 era) to manylinux_2_28 (Debian 11 and later) and the legacy names.
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]


def pins() -> list[str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_pins_are_exact_and_cover_the_dependencies() -> None:
    found = pins()
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.\-+]+", pin) for pin in found), found
    pinned = {re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower() for pin in found}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + [w for group in extras.values() for w in group]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", w)[0]).lower() for w in wanted}
    # "vidensbasering[hub]" in the test extra is the project itself with another extra.
    names.discard(project["name"])
    assert names <= pinned, sorted(names - pinned)


def test_requires_python_is_the_supported_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.14"


@pytest.mark.network
@pytest.mark.parametrize("version", SUPPORTED)
def test_every_pin_has_a_distribution_for(version: str, tmp_path: Path) -> None:
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command = [
        sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
        "--ignore-installed", "--no-deps", "--target", str(tmp_path / "target"),
        "--python-version", version, "--implementation", "cp", *platforms,
        "--only-binary=:all:", *[f"--no-binary={name}" for name in SDIST_ONLY],
        "-r", str(ROOT / "constraints.txt"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert result.returncode == 0, f"Python {version}: " + "\n".join(errors or [result.stderr])
