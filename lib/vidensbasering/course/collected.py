"""Autograde what nbgrader collected from the exchange (a hub), in the sandbox, with feedback.

In a JupyterHub the formgrader's *Collect* puts each student's latest submission in
``submitted/<student>/<assignment>/``. :func:`autograde_collected` grades them with the same
sandboxed runner as ``vidensbasering grade`` (:func:`~vidensbasering.course.runner.
autograde_submissions`), keeps every grade and comment given by hand, and generates each graded
student's feedback (hidden tests removed by the course config). Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vidensbasering.course.build import open_api
from vidensbasering.course.grading import (
    _autograde,
    _manual_marks,
    _quiet,
    _restore_manual_marks,
)
from vidensbasering.course.runner import GradingOutcome


def collected_students(course_root: Path, assignment: str) -> list[str]:
    """Students with a collected submission of ``assignment``, sorted.

    A submission is ``course_root/submitted/<student>/<assignment>/`` holding a notebook.
    """
    submitted = Path(course_root) / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(
        folder.parent.name
        for folder in submitted.glob(f"*/{assignment}")
        if folder.is_dir() and any(folder.glob("*.ipynb"))
    )


def needs_grading(course_root: Path, assignment: str, student_id: str) -> bool:
    """``True`` when the submission has no autograded result or is newer than it."""
    submitted = Path(course_root) / "submitted" / student_id / assignment
    autograded = Path(course_root) / "autograded" / student_id / assignment
    if not autograded.is_dir():
        return True
    newest = max((p.stat().st_mtime for p in submitted.rglob("*") if p.is_file()), default=0.0)
    return newest > autograded.stat().st_mtime


def autograde_collected(
    course_root: Path,
    assignment: str,
    *,
    regrade: bool = False,
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
) -> list[GradingOutcome]:
    """Autograde the collected submissions of ``assignment`` in the sandbox; write feedback.

    Args:
        course_root: nbgrader course root whose ``submitted/`` the formgrader collected into;
            the assignment must be in its gradebook (it is once it was released).
        assignment: assignment id.
        regrade: grade every collected submission, not only new or changed ones.
        workers: submissions graded at the same time.
        progress: called with each student id when that student's grading is done.

    Returns:
        One outcome per graded student, sorted by student id (empty when nothing was new).
        Feedback is generated for each graded one; a failed one gets none.

    Raises:
        ValueError: the assignment is not in the gradebook.
        SandboxUnavailableError: the sandbox cannot run on this machine (nothing was graded).
    """
    course_root = Path(course_root).resolve()
    students = [
        s
        for s in collected_students(course_root, assignment)
        if regrade or needs_grading(course_root, assignment, s)
    ]
    if not students:
        return []
    api = open_api(course_root)
    before = _manual_marks(api, assignment, students)
    outcomes = _autograde(course_root, assignment, students, workers=workers, progress=progress)
    _restore_manual_marks(api, assignment, before)
    for outcome in outcomes:
        if outcome.status == "graded":
            with _quiet(api.log):
                api.generate_feedback(assignment, outcome.student_id, force=True)
    return outcomes
