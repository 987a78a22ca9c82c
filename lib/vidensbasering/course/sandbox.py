"""Run a student's notebook in a Jupyter kernel locked inside a bubblewrap sandbox.

nbgrader executes submissions with an ordinary kernel: the student's code runs with the grader's
rights and can read the course source (hidden tests), other students' notebooks and the gradebook,
and change them. Here the kernel is started through ``bwrap`` (Debian package ``bubblewrap``) and
``prlimit`` (``util-linux``), plugged into nbgrader as a kernel manager class
(:class:`SandboxedKernelManager`) used by nbgrader's own ``Execute`` preprocessor
(:class:`SandboxedExecute`). The kernel sees:

- read-only: the operating system's ``/usr`` (with ``/bin``, ``/lib`` links), the Python
  installation, the virtual environment and the folders of installed editable packages
  (everything on the grader's ``sys.path``), but never a folder that holds the course root;
- read-write: its working folder ``/home/elev/<assignment>`` and ``/tmp``, both private tmpfs
  (64 MB each, gone when the kernel ends); the submission's other files (data a notebook reads,
  never notebooks: the graded notebook already holds the hidden tests) appear read-only in the
  working folder; and a folder holding only the kernel's connection file and its Unix sockets;
- nothing else: no ``/etc``, no home folder, no other process (own PID namespace), no network,
  not even loopback (own network namespace; the grader talks to the kernel over Unix sockets,
  ZeroMQ's ``ipc`` transport), no capabilities, user id 65534, environment cleared.

Resource limits (``prlimit``): address space ``memory_limit_mb`` (RLIMIT_AS: virtual memory, not
resident memory; a kernel with pandas loaded uses about 550 MB of address space, so 1024 MB leaves
roughly 450 MB for the student's data), largest file written 64 MB (RLIMIT_FSIZE), no core files.
A cell that exceeds the memory limit gets a ``MemoryError`` or its kernel dies; either way only
that submission is affected.

Known limits, stated honestly: no limit on the number of processes or threads the student starts
(they stay inside the sandbox's PID namespace and die with it), CPU time is bounded only by the
per-cell timeout, and files are readable inside the sandbox when they are readable in the exposed
folders (the virtual environment, the Python installation, ``/usr``), so do not keep secrets there.
The sandbox needs ``bwrap`` and either root or unprivileged user namespaces (Debian and Ubuntu
allow them; Ubuntu 24.04 needs an AppArmor profile for ``bwrap``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

#: User and group id of the student's code inside the sandbox (``nobody``).
SANDBOX_UID = 65534
#: Size of each private tmpfs (``/tmp`` and the working folder) inside the sandbox, bytes.
TMP_SIZE_BYTES = 64 * 1024 * 1024
#: Parent of the kernel's working folder inside the sandbox (nothing of the host's layout).
SANDBOX_HOME = "/home/elev"
#: Largest file the student's code may write, bytes (RLIMIT_FSIZE).
MAX_FILE_BYTES = 64 * 1024 * 1024

# One thread per numeric library and glibc's/Arrow's plain allocators: keeps the kernel's address
# space small (about 550 MB instead of 1.6 GB with pandas loaded) so an RLIMIT_AS limit measures
# the student's data, and concurrent kernels do not oversubscribe the cores.
_KERNEL_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "LANG": "C.UTF-8",
    "PYTHONNOUSERSITE": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "NBGRADER_EXECUTION": "autograde",
}


class SandboxUnavailableError(RuntimeError):
    """``bwrap`` or ``prlimit`` is missing or cannot create a sandbox on this machine."""


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@cache
def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/bin:/bin")
    if found is None:
        raise SandboxUnavailableError(
            f"'{name}' was not found: install Debian's bubblewrap and util-linux packages "
            "(apt-get install bubblewrap util-linux) to grade submissions in a sandbox."
        )
    return found


@cache
def _kernel_sys_path() -> tuple[str, ...]:
    """``sys.path`` of a fresh interpreter in isolated mode: the standard library, site-packages
    and what installed ``.pth`` files add (editable installs), but not the current directory,
    ``PYTHONPATH`` or a test runner's additions."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", "import sys; print('\\n'.join(sys.path))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return tuple(line for line in result.stdout.splitlines() if line)


def readonly_paths(hidden: Path) -> list[Path]:
    """Folders the kernel needs to read: the Python installation, the environment, ``sys.path``.

    Args:
        hidden: the course root; a folder that contains it (or lies inside it) is never exposed.

    Returns:
        Existing absolute folders, outermost first, none inside another, none overlapping
        ``hidden`` and none under ``/usr`` (exposed as a whole).
    """
    hidden = hidden.resolve()
    candidates = {
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path(sys.base_exec_prefix),
        Path(os.path.realpath(sys.executable)).parent.parent,
        Path(sysconfig.get_path("stdlib")),
        Path(sysconfig.get_path("purelib")),
        Path(sysconfig.get_path("platlib")),
    }
    candidates |= {Path(entry) for entry in _kernel_sys_path()}
    usr = Path("/usr")
    chosen: list[Path] = []
    for candidate in sorted(
        {p.resolve() for p in candidates if p.is_dir()}, key=lambda p: len(p.parts)
    ):
        if _within(candidate, usr) or any(_within(candidate, done) for done in chosen):
            continue
        if _within(hidden, candidate) or _within(candidate, hidden):
            continue
        chosen.append(candidate)
    return chosen


def auxiliary_files(folder: Path) -> dict[str, Path]:
    """The files of ``folder`` the kernel may read: every regular file except notebooks.

    Returns:
        Relative POSIX path -> host path. Symbolic links and anything under a hidden
        ``.ipynb_checkpoints`` folder are left out (a link could point anywhere on the host).
    """
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or any(part.is_symlink() for part in _parents_within(path, folder)):
            continue
        if ".ipynb_checkpoints" in relative.parts or path.suffix == ".ipynb":
            continue
        if path.is_file():
            found[relative.as_posix()] = path
    return found


def _parents_within(path: Path, folder: Path) -> list[Path]:
    return [parent for parent in path.parents if _within(parent, folder) and parent != folder]


def sandbox_command(
    argv: list[str],
    *,
    workdir: str,
    files: dict[str, Path],
    ipc_dir: Path,
    course_root: Path,
    memory_limit_mb: int,
) -> list[str]:
    """Wrap a kernel command line in ``prlimit`` and ``bwrap`` (see the module docs).

    Args:
        argv: the kernel command, e.g. ``[python, "-m", "ipykernel_launcher", "-f", file]``.
        workdir: the kernel's working folder inside the sandbox (absolute path), a fresh tmpfs.
        files: files shown read-only in it: relative path inside ``workdir`` -> host file.
        ipc_dir: existing folder with the connection file, mounted read-write at its own path.
        course_root: the course root; never exposed.
        memory_limit_mb: address-space limit of the kernel process, MiB (> 0).

    Raises:
        SandboxUnavailableError: ``bwrap`` or ``prlimit`` is not installed.
    """
    if memory_limit_mb <= 0:
        raise ValueError(f"memory_limit_mb must be positive, got {memory_limit_mb}")
    limit = memory_limit_mb * 1024 * 1024
    command = [
        _tool("prlimit"),
        f"--as={limit}",
        f"--fsize={MAX_FILE_BYTES}",
        "--core=0",
        "--",
        _tool("bwrap"),
        "--unshare-all",
        "--unshare-user",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for name in ("bin", "lib", "lib64", "sbin"):
        link = Path("/") / name
        if link.is_symlink():
            command += ["--symlink", os.readlink(link), str(link)]
        elif link.is_dir():
            command += ["--ro-bind", str(link), str(link)]
    command += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(TMP_SIZE_BYTES),
        "--tmpfs",
        "/tmp",
    ]
    for path in readonly_paths(course_root):
        command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(ipc_dir), str(ipc_dir)]
    command += ["--size", str(TMP_SIZE_BYTES), "--tmpfs", workdir]
    for relative, host_file in sorted(files.items()):
        command += ["--ro-bind", str(host_file), str(Path(workdir) / relative)]
    # The sandbox's own root (which holds the mount points) becomes read-only last.
    command += ["--remount-ro", "/", "--chdir", workdir, "--clearenv"]
    env = {
        **_KERNEL_ENV,
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "IPYTHONDIR": "/tmp/.ipython",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
        "JUPYTER_RUNTIME_DIR": str(ipc_dir),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
    }
    for key, value in env.items():
        command += ["--setenv", key, value]
    return [*command, "--", *argv]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in :func:`sandbox_command`'s sandbox.

    Ignores the notebook's kernelspec (a student cannot choose another interpreter): the kernel is
    always ``ipykernel`` of the grader's own Python. Interrupts go as messages on the control
    channel (signals cannot cross the sandbox's session boundary); kill still works, because the
    kernel dies with its ``bwrap`` parent.
    """

    course_root = Unicode(help="The course root; never visible in the sandbox.").tag(config=True)
    memory_limit_mb = Integer(1024, help="Address-space limit of the kernel, MiB.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sandbox_dir = Path(tempfile.mkdtemp(prefix="vidensbasering-kernel-"))
        os.chmod(self._sandbox_dir, 0o700)
        self._ipc_dir = self._sandbox_dir / "ipc"
        self._ipc_dir.mkdir()
        self.transport = "ipc"
        self.ip = str(self._ipc_dir / "kernel")
        self.connection_file = str(self._ipc_dir / "kernel.json")
        self._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (sandbox)",
            language="python",
            interrupt_mode="message",
        )

    @property
    def kernel_spec(self) -> KernelSpec:
        """The fixed kernel spec above, whatever ``kernel_name`` the notebook asked for."""
        return self._kernel_spec

    @property
    def ipykernel(self) -> bool:
        """Always ``ipykernel`` (nbclient then keeps IPython's history in memory)."""
        return True

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The ipykernel command, wrapped in the sandbox; working folder from the launch args."""
        argv = super().format_kernel_cmd(extra_arguments)
        cwd = self._launch_args.get("cwd")
        folder = Path(cwd).resolve() if cwd else None
        name = folder.name if folder else "arbejde"
        if not self.course_root:
            raise ValueError("SandboxedKernelManager needs course_root")
        return sandbox_command(
            argv,
            workdir=f"{SANDBOX_HOME}/{name}",
            files=auxiliary_files(folder) if folder else {},
            ipc_dir=self._ipc_dir,
            course_root=Path(self.course_root),
            memory_limit_mb=self.memory_limit_mb,
        )

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # The sandbox sets the environment and working folder itself.
        kw["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        kw["cwd"] = str(self._sandbox_dir)
        # ipykernel's banner and log would interleave with the grader's output.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._sandbox_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` step with the kernel in the sandbox; everything else unchanged.

    Registered in place of ``nbgrader.preprocessors.Execute`` in
    ``Autograde.autograde_preprocessors`` by :mod:`vidensbasering.course.runner`.
    """

    course_root = Unicode(help="The course root; never visible in the sandbox.").tag(config=True)
    memory_limit_mb = Integer(1024, help="Address-space limit of the kernel, MiB.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def create_kernel_manager(self) -> SandboxedKernelManager:
        """A :class:`SandboxedKernelManager` for this notebook, with the course's limits."""
        self.km = SandboxedKernelManager(
            config=self.config,
            course_root=self.course_root,
            memory_limit_mb=self.memory_limit_mb,
        )
        return self.km


def check_sandbox(course_root: Path) -> None:
    """Start a trivial command in the sandbox; raise if the machine cannot run it.

    Raises:
        SandboxUnavailableError: with ``bwrap``'s own message, e.g. when user namespaces are
            disabled.
    """
    with tempfile.TemporaryDirectory(prefix="vidensbasering-check-") as tmp:
        ipc = Path(tmp, "ipc")
        ipc.mkdir()
        command = sandbox_command(
            [sys.executable, "-c", "import ipykernel"],
            workdir=f"{SANDBOX_HOME}/check",
            files={},
            ipc_dir=ipc,
            course_root=course_root,
            memory_limit_mb=1024,
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise SandboxUnavailableError(
            "The grading sandbox (bubblewrap) could not start on this machine:\n"
            + result.stderr.strip()
        )
