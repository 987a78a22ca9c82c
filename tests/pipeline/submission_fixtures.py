"""Submissions that misbehave, made from the released student notebook of ``videnskvalitet``.

Each function returns the bytes of one submitted ``.ipynb`` file. ``python
tests/pipeline/submission_fixtures.py`` writes them to ``fixtures/submissions/<case>.ipynb`` (the
committed copies the tests grade); the 50 MB case is made at test time instead of committed.

Answers that are not part of the misbehaviour are the instructor's solutions, so each case's score
is known: opg1 1 point, opg2 2, opg3 2, opg4 2 (autograded, 7 in all); the reflection opg5 (3
points) is graded by hand and left unanswered.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from pipeline_helpers import ASSIGNMENT, PROJECT_ROOT, answered, solution_code

RELEASED = PROJECT_ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "submissions"

#: Printed by every attack cell, followed by the list of what the attack managed to read, write
#: or connect to; an empty list means the attempt failed.
ATTACK_MARKER = "FUNDET:"
#: Port on 127.0.0.1 the network attack tries; the test listens there while grading.
ATTACK_PORT = 47251


def released() -> NotebookNode:
    """The released (student) notebook, as committed in ``exercises/``."""
    return nbformat.read(RELEASED, as_version=4)


def correct_answers() -> dict[str, str]:
    """The instructor's solution of every autograded answer cell (7 points)."""
    return {f"opg{i}_svar": solution_code(f"opg{i}_svar") for i in range(1, 5)}


def _correct(**replaced: str) -> NotebookNode:
    return answered(released(), correct_answers() | replaced)


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _bytes(notebook: NotebookNode) -> bytes:
    return nbformat.writes(notebook).encode("utf-8")


def _with_attack(attack: str) -> bytes:
    """The correct notebook with ``attack`` run first in opg1's answer cell."""
    return _bytes(_correct(opg1_svar=attack + "\n\n" + solution_code("opg1_svar")))


# --- misbehaviour ------------------------------------------------------------------------------


def infinite_loop() -> bytes:
    """opg1's answer never ends: interrupted after the per-cell timeout; 0 + 2 + 2 + 2 = 6."""
    return _bytes(_correct(opg1_svar="while True:\n    pass"))


def unbounded_memory() -> bytes:
    """opg4's answer allocates 50 MB blocks until memory runs out: 1 + 2 + 2 + 0 = 5."""
    return _bytes(
        _correct(
            opg4_svar=(
                "blokke = []\n"
                "while True:\n"
                "    blokke.append(bytearray(50 * 1024 * 1024))\n" + solution_code("opg4_svar")
            )
        )
    )


def kernel_exit() -> bytes:
    """opg2's answer ends the kernel's process with ``os._exit``: the grading cannot finish."""
    return _bytes(_correct(opg2_svar="import os\n\nos._exit(1)"))


def kernel_kill() -> bytes:
    """opg2's answer kills its own kernel with SIGKILL: the grading cannot finish."""
    return _bytes(
        _correct(opg2_svar="import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)")
    )


def kernel_kill_all() -> bytes:
    """opg2's answer sends SIGKILL to every process it may signal (in a preheated sandbox that
    includes the process the kernels are forked from): the grading cannot finish."""
    return _bytes(_correct(opg2_svar="import os\nimport signal\n\nos.kill(-1, signal.SIGKILL)"))


def deleted_graded_cell() -> bytes:
    """The reflection (graded by hand, 3 points) was deleted; answers otherwise correct."""
    notebook = _correct()
    notebook.cells = [c for c in notebook.cells if _grade_id(c) != "opg5_refleksion"]
    return _bytes(notebook)


def deleted_test_cell() -> bytes:
    """opg2's test cell (2 points) was deleted; answers otherwise correct."""
    notebook = _correct()
    notebook.cells = [c for c in notebook.cells if _grade_id(c) != "opg2_test"]
    return _bytes(notebook)


def duplicated_cell() -> bytes:
    """opg1's test cell appears twice (same grade id), e.g. after copy and paste."""
    notebook = _correct()
    index = next(i for i, c in enumerate(notebook.cells) if _grade_id(c) == "opg1_test")
    twin = copy.deepcopy(notebook.cells[index])
    twin["id"] = "kopi-af-opg1-test"
    notebook.cells.insert(index + 1, twin)
    return _bytes(notebook)


def edited_locked_test() -> bytes:
    """opg1's answer is wrong and its locked test cell was edited to ``pass``: nbgrader puts the
    instructor's test back, so opg1 scores 0: 0 + 2 + 2 + 2 = 6."""
    notebook = _correct(opg1_svar="antal_indsats = 1\nantal_kontrol = 1")
    for cell in notebook.cells:
        if _grade_id(cell) == "opg1_test":
            cell.source = "pass"
    return _bytes(notebook)


def emptied_test_cell() -> bytes:
    """opg3's locked test cell was emptied; answers correct: the cell is put back, 7."""
    notebook = _correct()
    for cell in notebook.cells:
        if _grade_id(cell) == "opg3_test":
            cell.source = ""
    return _bytes(notebook)


def deleted_locked_text() -> bytes:
    """The locked task texts (the introduction and the closing summary) were deleted; answers
    correct: both are put back, 7."""
    notebook = _correct()
    notebook.cells = [c for c in notebook.cells if _grade_id(c) not in {"intro", "afslutning"}]
    return _bytes(notebook)


#: nbgrader's marker lines, as a student might paste them from the course material.
MARKER_LINES = (
    "### BEGIN SOLUTION",
    "### END SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "### END HIDDEN TESTS",
)


def marker_lines_in_answer() -> bytes:
    """nbgrader's marker lines in the student's own text: a comment and a printed string in
    opg1's answer, and the reflection quoting them. Answers correct: 7, reflection by hand."""
    comment = "\n".join(f"# {line}" for line in MARKER_LINES)
    printed = "print(" + repr("\n".join(MARKER_LINES)) + ")"
    reflection = (
        "Jeg så disse linjer i opgaven:\n\n" + "\n".join(MARKER_LINES) + "\n\n"
        "Lodtrækningen gør grupperne ens, så forskellen skyldes indsatsen."
    )
    notebook = _correct(
        opg1_svar="\n".join([comment, printed, solution_code("opg1_svar")]),
        opg5_refleksion=reflection,
    )
    return _bytes(notebook)


def changed_kernelspec() -> bytes:
    """The notebook asks for another kernel (R); answers correct: graded with Python, 7."""
    notebook = _correct()
    notebook.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    return _bytes(notebook)


def invalid_json() -> bytes:
    """The file was cut off in the middle (not JSON)."""
    text = _bytes(_correct())
    return text[: len(text) // 2]


def empty_file() -> bytes:
    """A file of zero bytes."""
    return b""


def other_assignment() -> bytes:
    """A notebook of another assignment: its own grade ids, none of this assignment's."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = released().metadata["kernelspec"]
    nbgrader = {"schema_version": 3, "locked": False, "task": False}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Opgave: Forandringsteori"),
        nbformat.v4.new_code_cell(
            "aktiviteter = ['samtaler', 'netværksmøder']",
            metadata={
                "nbgrader": nbgrader | {"grade": False, "solution": True, "grade_id": "ft1_svar"}
            },
        ),
        nbformat.v4.new_code_cell(
            "assert len(aktiviteter) > 0",
            metadata={
                "nbgrader": nbgrader
                | {
                    "grade": True,
                    "solution": False,
                    "locked": True,
                    "grade_id": "ft1_test",
                    "points": 1,
                }
            },
        ),
    ]
    for cell, cell_id in zip(notebook.cells, ("ft-intro", "ft1-svar", "ft1-test"), strict=True):
        cell["id"] = cell_id  # fixed ids: the committed file is reproducible
    return _bytes(notebook)


def huge_outputs(megabytes: int = 50) -> bytes:
    """Correct answers, and a stream output of ``megabytes`` MB saved in the file."""
    notebook = _correct()
    line = "x" * 1023 + "\n"
    for cell in notebook.cells:
        if _grade_id(cell) == "opg1_svar":
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text=line * (1024 * megabytes))
            ]
    return _bytes(notebook)


# --- attacks (each prints ATTACK_MARKER and what it got; then answers correctly: 7 points) -----

_READ_SOURCE = f'''import glob
from pathlib import Path

import vidensbasering

kursus = Path.cwd().parents[2]
projekt = Path(vidensbasering.__file__).resolve().parents[2]
fundet = []
for mønster in [
    str(kursus / "source" / "**" / "*"),
    str(kursus / "release" / "**" / "*"),
    str(kursus / "*.py"),
    str(projekt / "course" / "source" / "**" / "*"),
    str(projekt / "solutions" / "**" / "*.ipynb"),
]:
    for sti in glob.glob(mønster, recursive=True):
        try:
            with open(sti, "rb") as fil:
                if fil.read(1):
                    fundet.append(sti)
        except OSError:
            pass
print("{ATTACK_MARKER}", fundet)'''

_READ_OTHERS = f'''import glob
from pathlib import Path

kursus = Path.cwd().parents[2]
fundet = []
for mappe in ["submitted", "autograded", "feedback"]:
    for sti in glob.glob(str(kursus / mappe / "*" / "*" / "*")):
        try:
            with open(sti, "rb") as fil:
                if fil.read(1):
                    fundet.append(sti)
        except OSError:
            pass
print("{ATTACK_MARKER}", fundet)'''

_WRITE_GRADEBOOK = f'''import sqlite3
from pathlib import Path

kursus = Path.cwd().parents[2]
fundet = []
for sti in [kursus / "gradebook.db", Path.cwd() / ".." / ".." / ".." / "gradebook.db"]:
    try:
        forbindelse = sqlite3.connect(f"file:{{sti}}?mode=rw", uri=True)
        forbindelse.execute("UPDATE grade SET auto_score = 100")
        forbindelse.commit()
        fundet.append(str(sti))
    except sqlite3.Error:
        pass
for sti in [kursus / "source" / "{ASSIGNMENT}" / "hacket.txt", kursus / "hacket.txt"]:
    try:
        sti.write_text("hacket")
        fundet.append(str(sti))
    except OSError:
        pass
print("{ATTACK_MARKER}", fundet)'''

_NETWORK = f'''import socket

fundet = []
for vært, port in [("127.0.0.1", {ATTACK_PORT}), ("pypi.org", 443), ("1.1.1.1", 53)]:
    try:
        with socket.create_connection((vært, port), timeout=3):
            fundet.append(f"{{vært}}:{{port}}")
    except OSError:
        pass
print("{ATTACK_MARKER}", fundet)'''


def attack_read_course_source() -> bytes:
    """Tries to read the course source (hidden tests), the release and the project's solutions."""
    return _with_attack(_READ_SOURCE)


def attack_read_other_students() -> bytes:
    """Tries to read every other student's submitted, autograded and feedback files."""
    return _with_attack(_READ_OTHERS)


def attack_write_gradebook() -> bytes:
    """Tries to set every score in the gradebook to 100 and to write into the course."""
    return _with_attack(_WRITE_GRADEBOOK)


def attack_network() -> bytes:
    """Tries to connect to a port on the grader's loopback and to the internet."""
    return _with_attack(_NETWORK)


#: Committed fixtures: case name (file name without ``.ipynb``) -> maker.
CASES: dict[str, Callable[[], bytes]] = {
    "infinite_loop": infinite_loop,
    "unbounded_memory": unbounded_memory,
    "kernel_exit": kernel_exit,
    "kernel_kill": kernel_kill,
    "kernel_kill_all": kernel_kill_all,
    "deleted_graded_cell": deleted_graded_cell,
    "deleted_test_cell": deleted_test_cell,
    "duplicated_cell": duplicated_cell,
    "edited_locked_test": edited_locked_test,
    "emptied_test_cell": emptied_test_cell,
    "deleted_locked_text": deleted_locked_text,
    "marker_lines_in_answer": marker_lines_in_answer,
    "changed_kernelspec": changed_kernelspec,
    "invalid_json": invalid_json,
    "empty_file": empty_file,
    "other_assignment": other_assignment,
    "attack_read_course_source": attack_read_course_source,
    "attack_read_other_students": attack_read_other_students,
    "attack_write_gradebook": attack_write_gradebook,
    "attack_network": attack_network,
}


def write_fixtures(folder: Path = FIXTURES) -> list[Path]:
    """Write every committed case to ``folder/<case>.ipynb``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in CASES.items():
        path = folder / f"{name}.ipynb"
        path.write_bytes(make())
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_fixtures():
        print(written.relative_to(PROJECT_ROOT))
