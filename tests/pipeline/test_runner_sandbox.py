"""The sandbox itself, without nbgrader: what code inside it can see, write, reach and allocate."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vidensbasering.course.sandbox import (
    SANDBOX_HOME,
    SANDBOX_UID,
    SandboxedKernelManager,
    Zygote,
    auxiliary_files,
    readonly_paths,
    sandbox_command,
)

pytestmark = pytest.mark.pipeline

PROBE = r"""
import json, os, socket, sys
from pathlib import Path

course = Path(sys.argv[1])
report = {"uid": os.getuid(), "cwd": os.getcwd(), "listing": sorted(os.listdir("."))}
report["cap_eff"] = next(
    line.split()[1] for line in open("/proc/self/status") if line.startswith("CapEff")
)
report["course_visible"] = course.exists()
report["data"] = Path("data.csv").read_text()
try:
    Path("data.csv").write_text("changed")
    report["data_writable"] = True
except OSError:
    report["data_writable"] = False
Path("results.txt").write_text("own folder is writable")
Path("/tmp/x").write_text("tmp is writable")
report["root_writable"] = True
try:
    Path("/hacked").write_text("x")
except OSError:
    report["root_writable"] = False
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2).close()
    report["loopback"] = True
except OSError:
    report["loopback"] = False
try:
    blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]
    report["memory_error"] = False
except MemoryError:
    report["memory_error"] = True
print(json.dumps(report))
"""


def test_code_in_the_sandbox_sees_only_its_own_folder(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    (course / "source" / "hidden.txt").write_text("secret")
    submission = course / "autograded" / "ida" / "opgave"
    submission.mkdir(parents=True)
    (submission / "data.csv").write_text("a;b\n1;2\n")
    (submission / "opgave.ipynb").write_text("{}")  # the graded notebook: never exposed
    (submission / "link.csv").symlink_to(course / "source" / "hidden.txt")
    ipc = tmp_path / "ipc"
    ipc.mkdir()
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    server.settimeout(0.5)

    files = auxiliary_files(submission)
    assert set(files) == {"data.csv"}  # no notebook, no symbolic link
    command = sandbox_command(
        [sys.executable, "-c", PROBE, str(course), str(port)],
        workdir=f"{SANDBOX_HOME}/opgave",
        files=files,
        ipc_dir=ipc,
        course_root=course,
        memory_limit_mb=1024,
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    with pytest.raises(TimeoutError):
        server.accept()
    server.close()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    assert report["uid"] == SANDBOX_UID
    assert int(report["cap_eff"], 16) == 0
    assert report["cwd"] == f"{SANDBOX_HOME}/opgave"
    assert report["listing"] == ["data.csv"]
    assert report["course_visible"] is False
    assert report["data"] == "a;b\n1;2\n"
    assert report["data_writable"] is False
    assert report["root_writable"] is False
    assert report["loopback"] is False
    assert report["memory_error"] is True  # 4 GiB asked for, 1 GiB allowed
    # Nothing the code wrote reached the host.
    assert (submission / "data.csv").read_text() == "a;b\n1;2\n"
    assert not (submission / "results.txt").exists()


def test_course_root_and_its_parents_are_never_exposed(tmp_path: Path) -> None:
    project = Path(__file__).resolve().parents[2]
    exposed = readonly_paths(project / "course")
    assert exposed, "the Python installation must be exposed"
    for path in exposed:
        assert not (project / "course").is_relative_to(path), path
        assert not path.is_relative_to(project / "course"), path
    assert Path(sys.prefix).resolve() in exposed or any(
        Path(sys.prefix).resolve().is_relative_to(p) for p in exposed
    )


FIRST_STUDENT = """
import subprocess, sys
from pathlib import Path
Path("svar.txt").write_text("first student's answer")
Path("/tmp/notes").write_text("first student's notes")
spy = subprocess.Popen(
    [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.1)"], start_new_session=True
)
secret = 42
print(spy.pid)
"""

SECOND_STUDENT = """
import json, os
print(json.dumps({
    "cwd": sorted(os.listdir(".")),
    "tmp": sorted(os.listdir("/tmp")),
    "spy_alive": os.path.exists(f"/proc/{SPY}"),
    "inherited_variable": "secret" in globals(),
}))
"""


def _run_in_new_loop(km: SandboxedKernelManager, code: str) -> str:
    # A thread of its own gets a fresh event loop, also when the test session already runs one
    # (pytest-playwright's session-scoped browser keeps a loop open in the main thread).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(km, code)).result()


async def _run(km: SandboxedKernelManager, code: str) -> str:
    await km.start_kernel(cwd=None)
    client = km.client()
    client.start_channels()
    printed: list[str] = []
    try:
        await client.wait_for_ready(timeout=60)
        await client.execute_interactive(
            code,
            timeout=60,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
        await km.shutdown_kernel(now=True)
        await km.cleanup_resources()
    return "".join(printed).strip()


def test_a_preheated_kernel_starts_clean_after_the_previous_student(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    zygote = Zygote(course, f"{SANDBOX_HOME}/opgave", memory_limit_mb=1024)
    try:

        def manager() -> SandboxedKernelManager:
            return SandboxedKernelManager(zygote=zygote, course_root=str(course))

        spy = _run_in_new_loop(manager(), FIRST_STUDENT)
        assert spy.isdigit()
        report = json.loads(_run_in_new_loop(manager(), SECOND_STUDENT.replace("SPY", spy)))
    finally:
        zygote.close()
    # Nothing the first student left behind (files, a process, variables) reaches the second.
    assert "notes" not in report.pop("tmp")  # /tmp holds the second kernel's own IPython folder
    assert report == {"cwd": [], "spy_alive": False, "inherited_variable": False}
