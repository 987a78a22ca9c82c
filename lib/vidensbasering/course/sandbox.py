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

Preheated kernels (:class:`Zygote`, used by the runner by default): one such sandbox per
worker stays up for the whole batch and forks each student's kernel from a process that has
ipykernel, numpy and pandas imported. The students of one worker therefore follow each other in
the same sandbox; before each fork every other process in it is killed and the working folder
and ``/tmp`` are emptied, the forked kernel is a copy of a process that never ran student code,
and all of them are non-dumpable (no tracing, no reading another's memory). A student's code can
kill that sandbox: its own grading then fails, and the next student gets a new one. A notebook
folder with other files (data) gets a cold-started kernel, which can show them.

Known limits, stated honestly: no limit on the number of processes or threads the student starts
(they stay inside the sandbox's PID namespace and die with it), CPU time is bounded only by the
per-cell timeout, and files are readable inside the sandbox when they are readable in the exposed
folders (the virtual environment, the Python installation, ``/usr``), so do not keep secrets there.
The sandbox needs ``bwrap`` and either root or unprivileged user namespaces (Debian and Ubuntu
allow them; Ubuntu 24.04 needs an AppArmor profile for ``bwrap``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
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


#: Modules a preheated kernel has imported before any student code runs.
PRELOADED = ("ipykernel.kernelapp", "numpy", "pandas")
ZYGOTE_SCRIPT = Path(__file__).resolve().with_name("zygote.py")


class ZygoteError(RuntimeError):
    """The preheating process in a sandbox stopped or did not answer."""


class Zygote:
    """One long-lived sandbox whose Python has ipykernel, numpy and pandas imported and forks a
    fresh kernel for each student (see :mod:`vidensbasering.course.zygote`).

    A kernel forked here is as isolated from the grader as a cold-started one (same sandbox
    command) and shares nothing with the previous student's kernel: before each fork every
    other process in the sandbox is killed and the working folder and ``/tmp`` are emptied. One
    kernel at a time; use one zygote per worker.

    Args:
        course_root: never visible in the sandbox.
        workdir: the kernels' working folder inside the sandbox.
        memory_limit_mb: address-space limit of the zygote and every kernel it forks, MiB.
    """

    def __init__(self, course_root: Path, workdir: str, memory_limit_mb: int) -> None:
        self.workdir = workdir
        self.ipc_dir = Path(tempfile.mkdtemp(prefix="vidensbasering-kernel-"))
        os.chmod(self.ipc_dir, 0o700)
        self._lock = threading.Lock()
        self._count = 0
        ours, theirs = socket.socketpair()
        command = sandbox_command(
            [
                sys.executable,
                str(ZYGOTE_SCRIPT),
                str(theirs.fileno()),
                ",".join(PRELOADED),
                str(self.ipc_dir),
            ],
            workdir=workdir,
            files={},
            ipc_dir=self.ipc_dir,
            course_root=course_root,
            memory_limit_mb=memory_limit_mb,
        )
        self.process = subprocess.Popen(
            command,
            pass_fds=[theirs.fileno()],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            cwd=self.ipc_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self._socket = ours
        self._socket.settimeout(120)
        self._reader = ours.makefile("r", encoding="utf-8")
        if not self._read().get("ready"):
            raise ZygoteError("The preheated kernel did not start.")

    def _read(self) -> dict[str, Any]:
        try:
            line = self._reader.readline()
        except OSError as error:
            raise ZygoteError(f"No answer from the preheated kernel: {error}") from error
        if not line:
            raise ZygoteError("The preheated kernel's sandbox has stopped.")
        return json.loads(line)

    def request(self, **message: Any) -> dict[str, Any]:
        """Send one request and return the answer.

        Raises:
            ZygoteError: the zygote has stopped (e.g. a student's code killed it).
        """
        with self._lock:
            try:
                self._socket.sendall((json.dumps(message) + "\n").encode("utf-8"))
            except OSError as error:
                raise ZygoteError(f"The preheated kernel's sandbox has stopped: {error}") from error
            return self._read()

    def alive(self) -> bool:
        """Whether the zygote's sandbox is still running."""
        return self.process.poll() is None

    def next_name(self) -> str:
        """A fresh file name stem for the next kernel's connection file and sockets."""
        self._count += 1
        return f"kernel-{self._count}"

    def close(self) -> None:
        """Stop the sandbox (and any kernel in it) and remove its folder."""
        self._socket.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.ipc_dir, ignore_errors=True)


class _ForkedKernel:
    """The parts of ``subprocess.Popen`` jupyter_client's LocalProvisioner uses, for a kernel
    forked by a :class:`Zygote` (its pid belongs to the sandbox's PID namespace)."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.request(op="poll", pid=self.pid)["returncode"]
            except ZygoteError:
                self.returncode = -signal.SIGKILL  # the whole sandbox is gone, kernel included
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        while self.poll() is None:
            time.sleep(0.05)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ZygoteError):
            self.zygote.request(op="signal", pid=self.pid, signum=int(signum))

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ZygoteProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching by asking a :class:`Zygote` to fork."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        """Fork a kernel with ``cmd``'s ipykernel arguments (everything after ``-m ...``)."""
        assert self.zygote is not None
        index = cmd.index("ipykernel_launcher")
        answer = self.zygote.request(op="start", argv=cmd[index + 1 :])
        self.process = _ForkedKernel(self.zygote, answer["pid"])  # type: ignore[assignment]
        self.pid, self.pgid = answer["pid"], None
        return self.connection_info


_local = threading.local()


def use_zygote(zygote: Zygote | None) -> None:
    """Let kernels started in this thread be forked by ``zygote`` (None: cold start)."""
    _local.zygote = zygote


def current_zygote() -> Zygote | None:
    """The zygote set for this thread by :func:`use_zygote`, if it is still running."""
    zygote = getattr(_local, "zygote", None)
    return zygote if zygote is not None and zygote.alive() else None


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in :func:`sandbox_command`'s sandbox.

    Ignores the notebook's kernelspec (a student cannot choose another interpreter): the kernel is
    always ``ipykernel`` of the grader's own Python. Interrupts go as messages on the control
    channel (signals cannot cross the sandbox's session boundary); kill still works, because the
    kernel dies with its ``bwrap`` parent.
    """

    course_root = Unicode(help="The course root; never visible in the sandbox.").tag(config=True)
    memory_limit_mb = Integer(1024, help="Address-space limit of the kernel, MiB.").tag(config=True)

    def __init__(self, *, zygote: Zygote | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._zygote = zygote
        if zygote is not None:
            # Connection file and sockets in the folder the zygote's sandbox already shows.
            self._sandbox_dir = None
            self._ipc_dir = zygote.ipc_dir
            name = zygote.next_name()
        else:
            self._sandbox_dir = Path(tempfile.mkdtemp(prefix="vidensbasering-kernel-"))
            os.chmod(self._sandbox_dir, 0o700)
            self._ipc_dir = self._sandbox_dir / "ipc"
            self._ipc_dir.mkdir()
            name = "kernel"
        self.transport = "ipc"
        self.ip = str(self._ipc_dir / name)
        self.connection_file = str(self._ipc_dir / f"{name}.json")
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

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self._zygote is not None and self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            provisioner = ZygoteProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.zygote = self._zygote
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The ipykernel command, wrapped in the sandbox; working folder from the launch args.

        With a zygote the command is not run but read for its arguments (the zygote's sandbox
        is already set up).
        """
        argv = super().format_kernel_cmd(extra_arguments)
        if self._zygote is not None:
            return argv
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
        kw["cwd"] = str(self._ipc_dir)
        # ipykernel's banner and log would interleave with the grader's output.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._sandbox_dir is not None:
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
        """A :class:`SandboxedKernelManager` for this notebook, with the course's limits.

        The kernel is forked by this thread's zygote (:func:`use_zygote`) when there is one and
        the notebook's folder holds no other files (a zygote's sandbox cannot show them);
        otherwise it is started cold.
        """
        folder = self.resources.get("metadata", {}).get("path")
        zygote = current_zygote()
        if zygote is not None and folder and auxiliary_files(Path(folder)):
            zygote = None
        self.km = SandboxedKernelManager(
            zygote=zygote,
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
