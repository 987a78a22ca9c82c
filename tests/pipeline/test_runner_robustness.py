"""Every misbehaving submission is graded or reported with a Danish reason; attacks fail.

One batch grades a whole class of troublemakers (``submission_fixtures.CASES``, the 50 MB case
made here, a student without a submission and one ordinary student) while a TCP server listens on
the grader's loopback; the tests below read that one batch's results.
"""

from __future__ import annotations

import glob
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import submission_fixtures as fixtures
from nbgrader.api import Gradebook
from pipeline_helpers import ASSIGNMENT, COURSE_DIR, answered

from vidensbasering.course import open_api
from vidensbasering.course.runner import GradingOutcome, autograde_submissions
from vidensbasering.i18n import t

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning"),
]

ORDINARY, ABSENT, HUGE = "ida_jensen", "ingen_aflevering", "huge_outputs"
ATTACKS = [name for name in fixtures.CASES if name.startswith("attack_")]
CELL_TIMEOUT = 10

# (status, total score, needs manual grading) per graded case; opg1 1, opg2 2, opg3 2, opg4 2
# points autograded; the reflection (3, by hand) is left as released unless said otherwise, and
# nbgrader scores an unchanged reflection 0 without asking for manual grading.
GRADED = {
    "infinite_loop": (6.0, False),  # opg1 interrupted after the timeout: 0 + 2 + 2 + 2
    "unbounded_memory": (5.0, False),  # opg4 hits the memory limit: 1 + 2 + 2 + 0
    "deleted_graded_cell": (7.0, True),  # nbgrader flags the missing reflection for a person
    "deleted_test_cell": (7.0, False),  # opg2's deleted test is put back and passes: 7
    "emptied_test_cell": (7.0, False),  # opg3's emptied test is put back and passes: 7
    "deleted_locked_text": (7.0, False),  # deleted task texts are put back; answers right: 7
    "marker_lines_in_answer": (7.0, True),  # markers in own text change nothing; reflection waits
    "edited_locked_test": (6.0, False),  # the real test is put back; opg1 is wrong: 0 + 6
    "changed_kernelspec": (7.0, False),  # graded with the course's Python kernel anyway
    HUGE: (7.0, False),  # saved outputs are cleared before grading
    ORDINARY: (7.0, True),  # answered reflection waits for the instructor
    **dict.fromkeys(ATTACKS, (7.0, False)),  # the attack fails, the answers are right
}
# Failed cases: a fragment of the Danish reason the instructor reads.
FAILED = {
    "kernel_exit": "stoppede Python-kernen",
    "kernel_kill": "stoppede Python-kernen",
    "kernel_kill_all": "stoppede Python-kernen",
    "duplicated_cell": "flere gange (opg1_test)",
    "invalid_json": "ikke gyldig JSON",
    "empty_file": "tom fil",
    "other_assignment": "anden opgave",
    ABSENT: "Ingen aflevering",
}


def _kernel_folders() -> set[str]:
    return set(glob.glob(str(Path(tempfile.gettempdir()) / "vidensbasering-kernel-*")))


class _Listener:
    """A TCP server on the grader's loopback that records every connection it accepts."""

    def __init__(self, port: int) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.accepted: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            self.accepted.append(address)
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("VIDENSBASERING_DB_URL", raising=False)
        patch.delenv("VIDENSBASERING_CELL_TIMEOUT", raising=False)
        root = tmp_path_factory.mktemp("robustness") / "course"
        root.mkdir()
        shutil.copy2(COURSE_DIR / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(COURSE_DIR / "source", root / "source")
        api = open_api(root, private_gradebook=True)
        assert api.generate_assignment(ASSIGNMENT)["success"]
        files = {name: make() for name, make in fixtures.CASES.items()}
        files[HUGE] = fixtures.huge_outputs(50)
        ordinary = answered(
            fixtures.released(),
            fixtures.correct_answers() | {"opg5_refleksion": "Lodtrækning gør grupperne ens."},
        )
        files[ORDINARY] = nbformat.writes(ordinary).encode("utf-8")
        students = [*files, ABSENT]
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for student in students:
                gradebook.update_or_create_student(student)
        for student, content in files.items():
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / f"{ASSIGNMENT}.ipynb").write_bytes(content)

        listener = _Listener(fixtures.ATTACK_PORT)
        folders_before = _kernel_folders()
        try:
            outcomes = autograde_submissions(
                root, ASSIGNMENT, students, workers=2, cell_timeout=CELL_TIMEOUT
            )
        finally:
            listener.close()
        yield {
            "root": root,
            "api": api,
            "students": students,
            "outcomes": {o.student_id: o for o in outcomes},
            "order": [o.student_id for o in outcomes],
            "accepted": listener.accepted,
            "leftover_folders": _kernel_folders() - folders_before,
        }


def _outputs(root: Path, student: str, grade_id: str) -> list[dict]:
    path = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell.get("outputs", [])
    raise KeyError(grade_id)


def test_committed_fixtures_are_what_their_maker_makes() -> None:
    # Regenerate with `python tests/pipeline/submission_fixtures.py` when the exercise changes.
    for name, make in fixtures.CASES.items():
        assert (fixtures.FIXTURES / f"{name}.ipynb").read_bytes() == make(), name


def test_one_outcome_per_student_in_input_order(batch: dict) -> None:
    assert batch["order"] == batch["students"]
    assert set(batch["students"]) == set(GRADED) | set(FAILED)


@pytest.mark.parametrize("student", sorted(GRADED))
def test_graded_cases_get_the_scores_computed_by_hand(batch: dict, student: str) -> None:
    score, manual = GRADED[student]
    assert batch["outcomes"][student] == GradingOutcome(student, "graded", "", score, 10.0, manual)


@pytest.mark.parametrize("student", sorted(FAILED))
def test_failed_cases_say_why_in_danish(batch: dict, student: str) -> None:
    outcome = batch["outcomes"][student]
    assert (outcome.status, outcome.score, outcome.max_score) == ("failed", None, None)
    assert FAILED[student] in outcome.reason


def test_runaway_cells_were_stopped_by_the_limits(batch: dict) -> None:
    root = batch["root"]
    loop_errors = [o["ename"] for o in _outputs(root, "infinite_loop", "opg1_svar")]
    # The kernel was interrupted (the loop raised KeyboardInterrupt) and nbgrader noted the timeout.
    assert loop_errors == ["KeyboardInterrupt", "CellTimeoutError"]
    timeout_note = _outputs(root, "infinite_loop", "opg1_svar")[-1]
    assert timeout_note["evalue"] == t("grading.cell_timeout")  # Danish, from the course config
    memory_errors = [o.get("ename") for o in _outputs(root, "unbounded_memory", "opg4_svar")]
    assert memory_errors == ["MemoryError"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_found_nothing_to_read_write_or_reach(batch: dict, attack: str) -> None:
    printed = "".join(o.get("text", "") for o in _outputs(batch["root"], attack, "opg1_svar"))
    assert f"{fixtures.ATTACK_MARKER} []" in printed, printed


def test_nothing_reached_the_graders_loopback_and_nothing_was_written(batch: dict) -> None:
    root = batch["root"]
    assert batch["accepted"] == []
    assert not list(root.rglob("hacket.txt"))
    # The gradebook attack tried to set every score to 100; each score is still nbgrader's.
    with Gradebook(batch["api"].coursedir.db_url, batch["api"].coursedir.course_id) as gradebook:
        for student, (score, _) in GRADED.items():
            assert gradebook.find_submission(ASSIGNMENT, student).score == score, student


def test_failed_students_leave_no_autograded_folder_and_kernels_leave_nothing(
    batch: dict,
) -> None:
    for student in FAILED:
        assert not (batch["root"] / "autograded" / student / ASSIGNMENT).exists(), student
    assert batch["leftover_folders"] == set()
