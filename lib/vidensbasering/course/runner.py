"""Autograde many submissions at once, each in a sandbox, one outcome per student.

:func:`autograde_submissions` runs nbgrader's own ``Autograde`` converter once per student, with
two changes made through nbgrader's configuration:

1. ``Execute`` is replaced by :class:`~vidensbasering.course.sandbox.SandboxedExecute`: the
   student's code runs in a bubblewrap sandbox (see :mod:`vidensbasering.course.sandbox` for what
   it can and cannot reach, and its limits).
2. Several students are graded at the same time in threads of one process. Everything nbgrader
   does around the execution (reading and sanitising the submission, the gradebook, writing
   ``autograded/``) happens under one lock, so the gradebook (SQLite) has a single writer at any
   moment; only the kernels, which are separate processes, run concurrently. The lock is released
   for exactly the time a kernel executes a notebook.
3. Each worker thread keeps a preheated sandbox (:class:`~vidensbasering.course.sandbox.Zygote`)
   with ipykernel, numpy and pandas imported and forks every student's kernel from it, instead of
   starting Python and importing them again for each student.

A submission that nbgrader cannot grade (invalid or empty file, missing or duplicated graded cell,
a notebook of another assignment, a kernel that dies) becomes an outcome with status ``"failed"``
and a Danish reason; the other students are graded as usual. Scores are nbgrader's: the same
preprocessors write the same ``autograded/`` notebooks and the same gradebook rows as
``nbgrader autograde ASSIGNMENT`` would (``benchmarks/grading.py`` compares both).
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.notebooknode import NotebookNode
from nbformat.reader import NotJSONError
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import NbGraderException
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from nbgrader.utils import capture_log
from traitlets.config import Config

from vidensbasering.course.build import load_course_config
from vidensbasering.course.sandbox import (
    SANDBOX_HOME,
    SandboxedExecute,
    Zygote,
    ZygoteError,
    check_sandbox,
    current_zygote,
    use_zygote,
)
from vidensbasering.i18n import t

Status = Literal["graded", "failed"]
EXECUTION_VARIABLE = "NBGRADER_EXECUTION"
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Entry|Exit)\b:?")


@dataclass(frozen=True)
class GradingOutcome:
    """What happened to one student's submission.

    Attributes:
        student_id: the student's id as in the gradebook and ``submitted/``.
        status: ``"graded"`` when nbgrader wrote ``autograded/`` and the scores, else
            ``"failed"``.
        reason: Danish explanation for the instructor when failed (what to do about it); empty
            when graded.
        score: total points in the gradebook after autograding (manual grades included), or
            ``None`` when failed.
        max_score: the assignment's maximum points, or ``None`` when failed.
        needs_manual_grading: ``True`` when some answer must be graded by hand in the formgrader
            (e.g. a written reflection, or a test cell the student changed).
    """

    student_id: str
    status: Status
    reason: str
    score: float | None
    max_score: float | None
    needs_manual_grading: bool


class AutogradeOnlyInSandbox(NotebookExporter):
    """Set as ``Autograde.exporter_class`` in ``course/nbgrader_config.py``: refuses to start.

    Every way to autograde in nbgrader (``nbgrader autograde``, the formgrader's button and its
    API ``/formgrader/api/submission/<a>/<s>/autograde``) builds nbgrader's ``Autograde``
    converter, which makes its exporter in ``start()``: before it removes the existing
    ``autograded/`` result (``--force`` removes it first, a failure removes it after) and before
    any student code runs. Those paths would run the student's code with the grader's rights,
    outside the sandbox; this exporter stops them there, logging the Danish pointer to
    ``vidensbasering grade`` (catalog key ``grading.autograde_use_grade``), which the command
    prints and the formgrader shows in its error dialog. :func:`autograde_submissions` puts
    nbconvert's ``NotebookExporter`` back in its own configuration, with the sandboxed kernel.

    Raises:
        NbGraderException: always, on construction.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        message = t("grading.autograde_use_grade")
        parent = kwargs.get("parent")
        log = getattr(parent, "log", None) or logging.getLogger("vidensbasering.grading")
        log.error(message)
        raise NbGraderException(message)


def _failed(student_id: str, reason: str) -> GradingOutcome:
    return GradingOutcome(student_id, "failed", reason, None, None, False)


@contextmanager
def _released(lock: threading.Lock) -> Iterator[None]:
    lock.release()
    try:
        yield
    finally:
        lock.acquire()


def _batch_execute(lock: threading.Lock) -> type[SandboxedExecute]:
    """A ``SandboxedExecute`` that lets other students' nbgrader work run while its kernel runs."""

    def preprocess(self: SandboxedExecute, nb: NotebookNode, resources: Any) -> Any:
        with _released(lock):
            return SandboxedExecute.preprocess(self, nb, resources)

    return type("BatchSandboxedExecute", (SandboxedExecute,), {"preprocess": preprocess})


def _is_execute(step: Any) -> bool:
    if isinstance(step, str):
        return step in {"nbgrader.preprocessors.Execute", "nbgrader.preprocessors.execute.Execute"}
    return step is Execute


def _batch_config(
    course_root: Path, execute_class: type, cell_timeout: float, memory_limit_mb: int
) -> Config:
    config = load_course_config(course_root)
    config.CourseDirectory.root = str(course_root)
    if "autograde_preprocessors" in config.Autograde:
        steps = list(config.Autograde.autograde_preprocessors)
    else:
        steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if not any(_is_execute(step) for step in steps):
        raise ValueError("The course's Autograde.autograde_preprocessors has no Execute step.")
    config.Autograde.autograde_preprocessors = [
        execute_class if _is_execute(step) else step for step in steps
    ]
    # The course config refuses every autograde that does not come through here.
    config.Autograde.exporter_class = NotebookExporter
    timeout = max(1, math.ceil(cell_timeout))
    for section in ("ExecutePreprocessor", "Execute", "SandboxedExecute", execute_class.__name__):
        config[section].timeout = timeout
    config.SandboxedExecute.course_root = str(course_root)
    config.SandboxedExecute.memory_limit_mb = memory_limit_mb
    return config


def _notebook_problem(path: Path, assignment: str, grade_ids: set[str]) -> str | None:
    """A Danish reason when ``path`` cannot be graded as this assignment's notebook, else None."""
    if path.stat().st_size == 0:
        return t("grading.sandbox_empty_file", name=path.name)
    try:
        notebook = nbformat.read(path, as_version=4)
    except (NotJSONError, json.JSONDecodeError, UnicodeDecodeError):
        return t("grading.sandbox_invalid_json", name=path.name)
    except Exception as error:  # nbformat raises several kinds for a file that is not a notebook
        return t("grading.sandbox_not_notebook", name=path.name, error=str(error))
    ids = Counter(
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in notebook.cells
    )
    ids.pop(None, None)
    if grade_ids and not grade_ids & set(ids):
        return t("grading.sandbox_other_assignment", name=path.name, assignment=assignment)
    duplicated = sorted(str(grade_id) for grade_id, count in ids.items() if count > 1)
    if duplicated:
        return t("grading.sandbox_duplicate_cell", name=path.name, ids=", ".join(duplicated))
    return None


def _nbgrader_reason(log_text: str, error: str) -> str:
    """Danish reason for a failure nbgrader reported, from its log and traceback."""
    text = f"{log_text}\n{error}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return t("grading.sandbox_kernel_died")
    if "UnresponsiveKernelError" in text or "became unresponsive" in text:
        return t("grading.sandbox_kernel_unresponsive")
    # The exception nbgrader logged for the student (e.g. "MissingEntry: ..."), not its closing
    # "Please see the above traceback" message.
    raised = [line.strip() for line in log_text.splitlines() if _EXCEPTION_LINE.match(line.strip())]
    detail = raised[-1] if raised else (error.strip().splitlines() or [""])[-1]
    return t("grading.sandbox_nbgrader_error", error=detail[:300])


class _Batch:
    """State shared by the threads of one :func:`autograde_submissions` call."""

    def __init__(self, course_root: Path, assignment: str, config: Config) -> None:
        self.course_root = course_root
        self.assignment = assignment
        self.config = config
        self.lock = threading.Lock()
        coursedir = CourseDirectory(config=config)
        self.db_url, self.course_id = coursedir.db_url, coursedir.course_id
        self.submitted = coursedir.submitted_directory
        with Gradebook(self.db_url, self.course_id) as gradebook:
            try:
                record = gradebook.find_assignment(assignment)
            except MissingEntry:
                raise ValueError(
                    f"Assignment {assignment!r} is not in the gradebook: run "
                    "'nbgrader generate_assignment' first."
                ) from None
            self.notebooks = sorted(notebook.name for notebook in record.notebooks)
            self.grade_ids = {
                cell.name for notebook in record.notebooks for cell in notebook.grade_cells
            }

    def submission_dir(self, student_id: str) -> Path:
        return self.course_root / self.submitted / student_id / self.assignment

    def precheck(self, student_id: str) -> str | None:
        folder = self.submission_dir(student_id)
        if not folder.is_dir():
            return t("grading.sandbox_no_submission", folder=str(folder))
        # nbgrader copies submitted files with the grader's rights; a link could point anywhere.
        links = sorted(
            p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink()
        )
        if links:
            return t("grading.sandbox_symlink", names=", ".join(links))
        for name in self.notebooks:
            path = folder / f"{name}.ipynb"
            if path.is_file():
                problem = _notebook_problem(path, self.assignment, self.grade_ids)
                if problem:
                    return problem
        return None

    def grade(self, student_id: str) -> GradingOutcome:
        problem = self.precheck(student_id)
        if problem:
            return _failed(student_id, problem)
        with self.lock:
            coursedir = CourseDirectory(config=self.config)
            coursedir.assignment_id = self.assignment
            coursedir.student_id = student_id
            converter = Autograde(coursedir=coursedir, config=self.config)
            converter.force = True
            converter.log = logging.getLogger(f"vidensbasering.grading.{id(converter)}")
            converter.log.propagate = False
            converter.log.setLevel(logging.INFO)
            result = capture_log(converter)
            if not result["success"]:
                return _failed(
                    student_id, _nbgrader_reason(result.get("log", ""), result.get("error", ""))
                )
            with Gradebook(self.db_url, self.course_id) as gradebook:
                submission = gradebook.find_submission(self.assignment, student_id)
                return GradingOutcome(
                    student_id=student_id,
                    status="graded",
                    reason="",
                    score=float(submission.score),
                    max_score=float(submission.max_score),
                    needs_manual_grading=bool(submission.needs_manual_grade),
                )


def autograde_submissions(
    course_root: Path,
    assignment: str,
    student_ids: list[str],
    *,
    workers: int = 2,
    cell_timeout: float = 60,
    memory_limit_mb: int = 1024,
    progress: Callable[[str], None] | None = None,
    preheated: bool = True,
) -> list[GradingOutcome]:
    """Autograde the submissions of ``student_ids`` with nbgrader, sandboxed and concurrently.

    Args:
        course_root: the nbgrader course root (holds ``nbgrader_config.py``); the gradebook is the
            one its config names.
        assignment: assignment id, already released (``generate_assignment``) so that it is in
            the gradebook.
        student_ids: students whose submissions are in
            ``course_root/submitted/<student_id>/<assignment>/``; each at most once.
        workers: how many kernels run at the same time (>= 1); the machine's core count is a
            good choice.
        cell_timeout: seconds one cell may run before it is interrupted and marked as failed
            (rounded up to whole seconds, as nbgrader counts).
        memory_limit_mb: address-space limit of each kernel, MiB.
        progress: called with the student id each time a student's grading has finished
            (graded or failed), from a worker thread.
        preheated: fork each kernel from a per-worker sandboxed process that has ipykernel,
            numpy and pandas imported (:class:`~vidensbasering.course.sandbox.Zygote`), which
            saves about a second of CPU per student; ``False`` starts every kernel cold.

    Returns:
        One :class:`GradingOutcome` per student, in the order of ``student_ids``. Existing
        ``autograded/`` results of these students are replaced (nbgrader's ``--force``); manual
        scores in the gradebook are kept by nbgrader.

    Raises:
        ValueError: ``workers`` < 1, a student id given twice, or the assignment is not in the
            gradebook.
        SandboxUnavailableError: bubblewrap cannot run on this machine (nothing was graded).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    repeated = sorted(s for s, n in Counter(student_ids).items() if n > 1)
    if repeated:
        raise ValueError(f"Student ids given more than once: {', '.join(repeated)}")
    course_root = Path(course_root).resolve()
    check_sandbox(course_root)
    lock_holder = threading.Lock()
    config = _batch_config(course_root, _batch_execute(lock_holder), cell_timeout, memory_limit_mb)
    batch = _Batch(course_root, assignment, config)
    batch.lock = lock_holder

    zygotes: list[Zygote] = []

    def preheat() -> None:
        """Give this worker thread a running zygote (a new one if a student's code killed it)."""
        if not preheated or current_zygote() is not None:
            return
        try:
            zygote = Zygote(course_root, f"{SANDBOX_HOME}/{assignment}", memory_limit_mb)
        except (ZygoteError, OSError):
            zygote = None  # kernels of this thread start cold, in the same sandbox
        else:
            zygotes.append(zygote)
        use_zygote(zygote)

    def run(student_id: str) -> GradingOutcome:
        try:
            preheat()
            outcome = batch.grade(student_id)
        except Exception as error:  # one student's failure never stops the batch
            outcome = _failed(student_id, t("grading.sandbox_nbgrader_error", error=str(error)))
        if progress is not None:
            progress(student_id)
        return outcome

    # nbgrader's converters change directory, and nbgrader 0.9.6 sets NBGRADER_EXECUTION around
    # each execution with ``utils.setenv``, which looks up the previous value under the variable
    # named by the *value* ("autograde") and, finding none, deletes NBGRADER_EXECUTION afterwards.
    # With several students at once the second deletion raises KeyError. With both variables set
    # for the whole batch, setenv restores "autograde" instead of deleting; both are put back at
    # the end. (The kernel's environment is set by the sandbox, not inherited.)
    cwd = os.getcwd()
    saved = {name: os.environ.get(name) for name in (EXECUTION_VARIABLE, "autograde")}
    os.environ.update(dict.fromkeys(saved, "autograde"))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="autograde") as pool:
            return list(pool.map(run, student_ids))
    finally:
        for zygote in zygotes:
            zygote.close()
        os.chdir(cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
