"""etc/setup/check-system: what `make start`/`make test` install or ask for on a fresh machine.

The script runs with a PATH holding only fakes (``id``, ``apt-get``, ``apt-cache``, ``sudo``,
``bwrap``, Pythons of chosen versions) plus the few real tools it uses, so each case sees the
machine it describes: a user without sudo, root on Debian, no apt and no download server.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "etc" / "setup" / "check-system"
REAL_TOOLS = ("awk", "env", "cat", "chmod")


def write_exe(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Machine:
    """A fake machine: a bin folder that is the whole PATH, and a log of apt-get calls."""

    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.log = tmp_path / "apt.log"
        self.chromium = tmp_path / "usr-bin-chromium"
        self.os_release = tmp_path / "os-release"
        self.os_release.write_text("ID=debian\n")
        self.venv_python = tmp_path / "no-venv-python"
        for tool in REAL_TOOLS:
            os.symlink(shutil.which(tool), self.bin / tool)
        self.uid(1000)

    def uid(self, uid: int) -> None:
        write_exe(self.bin / "id", f"#!/bin/sh\necho {uid}\n")

    def apt(self, chromium_candidate: bool = True) -> None:
        """apt-get that logs its arguments and 'installs' bwrap and chromium as fakes."""
        write_exe(
            self.bin / "apt-get",
            f"""#!/bin/sh
echo "$@" >> {self.log}
case "$*" in
  *install*bubblewrap*) printf '#!/bin/sh\\n' > {self.bin}/bwrap; chmod +x {self.bin}/bwrap ;;
esac
case "$*" in
  *install*chromium*) printf '#!/bin/sh\\n' > {self.chromium}; chmod +x {self.chromium} ;;
esac
""",
        )
        candidate = "1.0" if chromium_candidate else "(none)"
        write_exe(self.bin / "apt-cache", f"#!/bin/sh\necho '  Candidate: {candidate}'\n")

    def tool(self, name: str) -> None:
        write_exe(self.bin / name, "#!/bin/sh\nexit 0\n")

    def python(self, name: str, version: tuple[int, int], ensurepip: bool = True) -> None:
        """A Python that reports ``version`` and may lack ensurepip (Debian without -venv)."""
        block = "" if ensurepip else "sys.modules['ensurepip'] = None\n"
        write_exe(
            self.bin / name,
            f"#!{sys.executable}\nimport sys\n{block}"
            f"sys.version_info = ({version[0]}, {version[1]}, 0, 'final', 0)\n"
            "exec(compile(sys.argv[2], '<c>', 'exec'), {'__name__': '__main__'})\n",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": str(self.bin),
            "VIDENSBASERING_CHROMIUM": str(self.chromium),
            "VENV_PYTHON": str(self.venv_python),
            "OS_RELEASE": str(self.os_release),
        }
        return subprocess.run(
            ["/bin/bash", str(SCRIPT), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def apt_calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def test_nothing_missing_passes_silently(machine: Machine) -> None:
    machine.tool("bwrap")
    write_exe(machine.chromium, "#!/bin/sh\n")
    result = machine.run("test")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_user_without_sudo_gets_one_line_with_the_apt_command(machine: Machine) -> None:
    machine.apt()
    result = machine.run("test")
    assert result.returncode == 1
    assert result.stderr == (
        "Missing bubblewrap for the grading sandbox: run `sudo apt-get install bubblewrap`\n"
    )
    assert machine.apt_calls() == []  # nothing tried without root


def test_missing_chromium_on_debian_names_apt(machine: Machine) -> None:
    machine.apt()
    machine.tool("bwrap")
    result = machine.run("test")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Missing Chromium for the browser tests: run `sudo apt-get install chromium`"
    )


def test_root_installs_both_with_apt(machine: Machine) -> None:
    machine.uid(0)
    machine.apt()
    result = machine.run("test")
    assert result.returncode == 0, result.stderr
    calls = machine.apt_calls()
    assert any("install" in c and "bubblewrap" in c for c in calls), calls
    assert any("install" in c and "chromium" in c for c in calls), calls
    assert calls[0] == "update -qq"


def test_passwordless_sudo_is_used(machine: Machine) -> None:
    machine.apt()
    # sudo -n true succeeds; sudo -n CMD... runs CMD (as the fake 'root').
    write_exe(machine.bin / "sudo", '#!/bin/sh\nshift\n[ "$1" = true ] && exit 0\nexec "$@"\n')
    result = machine.run("test")
    assert result.returncode == 0, result.stderr
    assert any("install" in c and "bubblewrap" in c for c in machine.apt_calls())


def test_no_apt_and_no_download_names_playwright(machine: Machine) -> None:
    machine.tool("bwrap")
    machine.os_release.write_text("ID=fedora\n")
    # The environment's Python exists, but Playwright's browser download fails (as here, where
    # only the package registries are reachable).
    write_exe(machine.venv_python, "#!/bin/sh\nexit 1\n")
    result = machine.run("test")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Missing Chromium for the browser tests: run "
        f"`{machine.venv_python} -m playwright install --with-deps chromium`"
    )


def test_playwright_chromium_is_enough(machine: Machine) -> None:
    machine.tool("bwrap")
    # `python - <<EOF` (the presence check) succeeds: Playwright's Chromium is there.
    write_exe(machine.venv_python, "#!/bin/sh\nexit 0\n")
    result = machine.run("test")
    assert result.returncode == 0, result.stderr


def test_find_python_takes_the_first_supported(machine: Machine) -> None:
    machine.python("python3", (3, 10))
    machine.python("python3.13", (3, 13))
    machine.python("python3.12", (3, 12))
    result = machine.run("find-python")
    assert (result.returncode, result.stdout) == (0, "python3.12\n")


def test_find_python_finds_none_outside_the_range(machine: Machine) -> None:
    machine.python("python3", (3, 14))
    result = machine.run("find-python")
    assert (result.returncode, result.stdout) == (1, "")


@pytest.mark.parametrize("version", [(3, 11), (3, 12), (3, 13)])
def test_supported_python_passes(machine: Machine, version: tuple[int, int]) -> None:
    machine.python("python3", version)
    result = machine.run("python", "python3")
    assert (result.returncode, result.stderr) == (0, "")


def test_unsupported_python_is_refused_in_one_line(machine: Machine) -> None:
    machine.python("python3", (3, 14))
    result = machine.run("python", "python3")
    assert result.returncode == 1
    assert result.stderr == (
        "python3 is Python 3.14 but the course needs 3.11, 3.12 or 3.13: "
        "run make with PYTHON=/path/to/python3.12\n"
    )


def test_no_python_names_the_apt_command(machine: Machine) -> None:
    machine.apt()
    result = machine.run("python", "")
    assert result.returncode == 1
    assert result.stderr == (
        "No Python 3.11, 3.12 or 3.13 found: run `sudo apt-get install python3 python3-venv` "
        "or make with PYTHON=/path/to/python3.12\n"
    )


def test_python_without_venv_module_names_the_package(machine: Machine) -> None:
    machine.apt()
    machine.python("python3.12", (3, 12), ensurepip=False)
    result = machine.run("python", "python3.12")
    assert result.returncode == 1
    assert result.stderr == (
        "python3.12 cannot create a virtual environment: "
        "run `sudo apt-get install python3.12-venv`\n"
    )


def test_makefile_checks_the_system_before_the_tests() -> None:
    dry = subprocess.run(
        ["make", "-n", "-B", "test", "PYTHON=python3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    check = dry.index('etc/setup/check-system python "python3"')
    system = dry.index("etc/setup/check-system test")
    pytest_line = next(i for i, line in enumerate(dry) if "-m pytest" in line)
    assert check < system < pytest_line
