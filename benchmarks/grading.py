"""Autograding a class of 60: the sandboxed concurrent runner against plain ``nbgrader autograde``.

Run: ``.venv/bin/python benchmarks/grading.py [--students 60] [--workers 2] [--keep]``

Cohort: ``--students`` invented submissions of ``videnskvalitet``, made from the released notebook
with a fixed seed. Each student is one of three kinds: all answers right (40 %), a mix of right,
wrong and unanswered answers (45 %), or the untouched released notebook (15 %); about two in
three answered the reflection (graded by hand). Wrong answers are the mistakes students make:
the two group sizes swapped, the difference with the sign reversed, Glass's delta instead of
Cohen's d, NSW's control group instead of its treated group.

The cohort is copied into two identical temporary courses (same gradebook, same submissions)
and graded once in each, in this order:

1. baseline: ``nbgrader autograde videnskvalitet`` run as a command in the course folder (one
   student after another, no sandbox: what an instructor types today);
2. runner: :func:`vidensbasering.course.runner.autograde_submissions` for every student, run as a
   command too (``python -c ...``), so both times include starting Python and nbgrader.

Then every student's score on every graded cell is read from both gradebooks and must be equal
(the script stops with an error otherwise). Printed: wall-clock time of each, the ratio, CPU
time (user + system of the command and all its processes, kernels included) and peak memory
(the largest sum of resident set sizes of the command's process tree), both sampled every 0.1 s
from ``/proc``. The machine may be shared with other work,
so run it when it is quiet and look at the CPU times too.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook

from vidensbasering.course import find_project_root, open_api

ASSIGNMENT = "videnskvalitet"
COURSE_ID = "vidensbasering"

# Mistakes, per answer cell (the instructor's solutions are read from course/source).
WRONG = {
    "opg1_svar": (
        'antal_indsats = int((nsw["treat"] == 0).sum())\n'
        'antal_kontrol = int((nsw["treat"] == 1).sum())'
    ),
    "opg2_svar": (
        'gennemsnit = nsw.groupby("treat")["re78"].mean()\n'
        "forskel_eksperiment = float(gennemsnit[0] - gennemsnit[1])"
    ),
    "opg3_svar": (
        'indsats = nsw.loc[nsw["treat"] == 1, "re78"]\n'
        'kontrol = nsw.loc[nsw["treat"] == 0, "re78"]\n'
        "d_eksperiment = float((indsats.mean() - kontrol.mean()) / kontrol.std())"
    ),
    "opg4_svar": (
        'forskel_cps = float(nsw.loc[nsw["treat"] == 0, "re78"].mean() - cps["re78"].mean())'
    ),
}
REFLECTIONS = [
    "Lodtrækningen gør grupperne ens, så eksperimentet er mest troværdigt.",
    "CPS-gruppen tjente mere i forvejen; den naive forskel måler selektion, ikke programmet.",
    "Jeg stoler mest på kontrolgruppen (Nesta niveau 3).",
]


def _solutions(project: Path) -> dict[str, str]:
    source = project / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    answers = {}
    for cell in nbformat.read(source, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in WRONG:
            lines = cell.source.splitlines()
            answers[grade_id] = "\n".join(line for line in lines if "### " not in line)
    return answers


def make_cohort(released: NotebookNode, solutions: dict[str, str], students: int) -> dict:
    """``students`` submissions: student id -> notebook (seeded, see the module docs)."""
    rng = random.Random(2026)
    cohort = {}
    for number in range(1, students + 1):
        notebook = nbformat.from_dict(released)
        kind = rng.choices(["right", "mixed", "blank"], weights=[40, 45, 15])[0]
        reflection = kind != "blank" and rng.random() < 0.67
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if kind == "right" and grade_id in solutions:
                cell.source = solutions[grade_id]
            elif kind == "mixed" and grade_id in solutions:
                choice = rng.choices(["right", "wrong", "blank"], weights=[50, 35, 15])[0]
                if choice != "blank":
                    cell.source = solutions[grade_id] if choice == "right" else WRONG[grade_id]
            elif grade_id == "opg5_refleksion" and reflection:
                cell.source = rng.choice(REFLECTIONS)
        cohort[f"studerende_{number:03d}"] = notebook
    return cohort


def make_course(project: Path, root: Path, cohort: dict) -> None:
    """A course copy at ``root`` with the assignment released and ``cohort`` submitted."""
    root.mkdir(parents=True)
    shutil.copy2(project / "course" / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(project / "course" / "source", root / "source")
    api = open_api(root, private_gradebook=True)
    result = api.generate_assignment(ASSIGNMENT)
    if not result["success"]:
        raise RuntimeError(result.get("error"))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gradebook:
        for student, notebook in cohort.items():
            gradebook.update_or_create_student(student)
            folder = root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")


def released_notebook(project: Path) -> NotebookNode:
    return nbformat.read(project / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree(root_pid: int) -> dict[int, tuple[int, float]]:
    """``root_pid`` and all its descendants: pid -> (resident bytes, CPU seconds so far)."""
    parents: dict[int, int] = {}
    usage: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/status", encoding="utf-8") as handle:
                kb = next((line.split()[1] for line in handle if line.startswith("VmRSS:")), "0")
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        usage[pid] = (int(kb) * 1024, (int(fields[11]) + int(fields[12])) / _TICKS)
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return {pid: usage[pid] for pid in tree if pid in usage}


def timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run ``command``; return wall seconds, CPU seconds and peak RSS (bytes) of its process tree.

    Both are sampled from ``/proc`` every 0.1 s: the rusage of waited-for children would miss
    the kernels in the sandbox (they live in their own PID namespace). CPU is the sum over every
    process seen of its last sampled CPU time, so the last < 0.1 s of each process is missed,
    for both commands alike.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDENSBASERING_")}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak, cpu, done = 0, {}, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            tree = _tree(process.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            cpu.update({pid: seconds for pid, (_, seconds) in tree.items()})
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{stderr[-3000:]}")
    return wall, sum(cpu.values()), peak


def cell_scores(root: Path, students: list[str]) -> dict[str, dict[str, float | None]]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {
            student: {
                grade.name: grade.score
                for notebook in gradebook.find_submission(ASSIGNMENT, student).notebooks
                for grade in notebook.grades
            }
            for student in students
        }


RUNNER = """
import sys
from pathlib import Path
from vidensbasering.course.runner import autograde_submissions
root, workers = Path(sys.argv[1]), int(sys.argv[2])
students = sorted(p.name for p in (root / "submitted").iterdir())
outcomes = autograde_submissions(root, "videnskvalitet", students, workers=workers)
failed = [o for o in outcomes if o.status != "graded"]
sys.exit(f"failed: {failed}" if failed else 0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args()

    project = find_project_root()
    cohort = make_cohort(released_notebook(project), _solutions(project), args.students)
    students = sorted(cohort)
    tmp = Path(tempfile.mkdtemp(prefix="vidensbasering-bench-"))
    try:
        plain, sandboxed = tmp / "plain" / "course", tmp / "runner" / "course"
        make_course(project, plain, cohort)
        make_course(project, sandboxed, cohort)
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        # The course refuses plain `nbgrader autograde`; the baseline turns it back on.
        plain_exporter = "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter"
        base = timed([nbgrader, "autograde", ASSIGNMENT, plain_exporter], plain)
        ours = timed([sys.executable, "-c", RUNNER, str(sandboxed), str(args.workers)], sandboxed)
        expected, got = cell_scores(plain, students), cell_scores(sandboxed, students)
        if expected != got:
            differ = [s for s in students if expected[s] != got[s]]
            raise SystemExit(f"Scores differ for {len(differ)} students, e.g. {differ[:5]}")
        totals = [sum(v or 0 for v in cells.values()) for cells in got.values()]
    finally:
        if args.keep:
            print(f"Courses kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"Cohort: {args.students} submissions of {ASSIGNMENT}; {os.cpu_count()} cores")
    print(
        f"Autograded scores identical for every student and cell "
        f"(totals from {min(totals):g} to {max(totals):g}, mean {sum(totals) / len(totals):.2f})"
    )
    mib = 1024 * 1024
    print(f"{'':38}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}")
    print(f"{'baseline: nbgrader autograde':38}{base[0]:9.1f}{base[1]:9.1f}{base[2] / mib:14.0f}")
    label = f"runner: sandboxed, {args.workers} workers"
    print(f"{label:38}{ours[0]:9.1f}{ours[1]:9.1f}{ours[2] / mib:14.0f}")
    print(f"Speed-up (baseline wall / runner wall): {base[0] / ours[0]:.2f}x")


if __name__ == "__main__":
    main()
