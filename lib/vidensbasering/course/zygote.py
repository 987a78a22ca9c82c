"""Inside the sandbox: a Python process with ipykernel and the course's libraries already
imported that forks one fresh kernel per student ("preheated" kernels).

Started by :class:`vidensbasering.course.sandbox.Zygote` as a script inside the sandbox (see
:func:`~vidensbasering.course.sandbox.sandbox_command`), never imported by the grader. It talks
over one inherited socket (file descriptor ``argv[1]``), one JSON object per line (``argv[2]``:
modules to import first, comma-separated; ``argv[3]``: the folder with the kernels' connection
files, which is never emptied):

- ``{"op": "start", "argv": [...]}``: kill whatever a previous student left running, empty the
  working folder and ``/tmp``, fork; the child runs ``ipykernel_launcher`` with ``argv`` (so
  ``-f <connection file>`` and nbclient's options). Reply ``{"pid": <pid in the sandbox>}``.
- ``{"op": "poll", "pid": p}``: reply ``{"returncode": null}`` while it runs, else its code
  (negative: killed by that signal).
- ``{"op": "signal", "pid": p, "signum": s}``: send the signal; reply ``{}``.

The child is a copy of a process that never ran student code: nothing of one student reaches the
next, and the modules ``argv[2]`` lists are already imported, which saves each
kernel about a second of CPU. The process is marked non-dumpable, which its children inherit, so
a kernel can neither trace nor read the memory of this process. Python's ``random`` reseeds
itself after ``fork``; numpy's global generator is reseeded here, as a new process would be.
"""

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import sys

PR_SET_DUMPABLE = 4


def _empty(folder, keep):
    """Delete everything in ``folder`` except ``keep`` (the kernels' socket folder, mounted from
    the grader) and the folders on the way to it."""
    for entry in os.scandir(folder):
        if entry.path == keep or keep.startswith(entry.path + os.sep):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _clean_slate(workdir, keep):
    """Kill every other process in the sandbox (a previous kernel's leftovers), empty folders."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
    _empty(workdir, keep)
    _empty("/tmp", keep)


def _run_kernel(control, workdir, argv):
    control.close()
    os.chdir(workdir)
    sys.path[0] = workdir  # as ``python -m ipykernel_launcher`` started in that folder has it
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def main():
    sys.path[0] = os.getcwd()  # not this file's folder: nothing of the grader's code shadows
    control = socket.socket(fileno=int(sys.argv[1]))
    for name in filter(None, sys.argv[2].split(",")):
        __import__(name)
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    workdir, ipc_dir = os.getcwd(), os.path.normpath(sys.argv[3])
    reader = control.makefile("r", encoding="utf-8")
    exited = {}

    def reply(message):
        control.sendall((json.dumps(message) + "\n").encode("utf-8"))

    reply({"ready": True})
    for line in reader:
        request = json.loads(line)
        if request["op"] == "start":
            exited.clear()
            _clean_slate(workdir, ipc_dir)
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    _run_kernel(control, workdir, request["argv"])
                    code = 0
                finally:
                    os._exit(code)
            reply({"pid": pid})
        elif request["op"] == "poll":
            pid = request["pid"]
            if pid not in exited:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done, status = pid, 0
                if done:
                    exited[pid] = os.waitstatus_to_exitcode(status)
            reply({"returncode": exited.get(pid)})
        elif request["op"] == "signal":
            with contextlib.suppress(ProcessLookupError):
                os.kill(request["pid"], request["signum"])
            reply({})


if __name__ == "__main__":
    main()
