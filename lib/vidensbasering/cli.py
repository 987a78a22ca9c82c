"""The ``vidensbasering`` command line (declared in ``pyproject.toml`` as a console script).

Commands:
    build   regenerate ``exercises/`` and ``solutions/`` from ``course/source`` with nbgrader.
    check   exit with status 1 and a list of files when they are out of step.
    grade   import an LMS zip, autograde, generate feedback, write the grades file.
    autograde  autograde what the formgrader collected from a JupyterHub exchange (sandboxed).
    hub-user add  create a hub user (a Unix account in the course's student or instructor group).
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SAWarning

from vidensbasering.course import NbgraderError, build, check, find_project_root
from vidensbasering.course.build import AssignmentNameError
from vidensbasering.course.collected import autograde_collected
from vidensbasering.course.grading import GradeReport, grade
from vidensbasering.course.lms import LmsImportError
from vidensbasering.course.roster import RosterError
from vidensbasering.course.sandbox import SandboxUnavailableError
from vidensbasering.i18n import t

app = typer.Typer(
    help="Vidensbaseret socialt arbejde: værktøjer til kurset (nbgrader).",
    no_args_is_help=True,
    add_completion=False,
)

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        help="Projektmappen (med course/nbgrader_config.py). Standard: den aktuelle mappe "
        "eller en overordnet mappe.",
        file_okay=False,
        exists=True,
    ),
]


def _project(project: Path | None) -> Path:
    try:
        return find_project_root(project)
    except FileNotFoundError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err


@app.command("build")
def build_command(project: ProjectOption = None) -> None:
    """Generér elevversioner (exercises/) og løsninger (solutions/) fra course/source."""
    root = _project(project)
    try:
        written = build(root)
    except AssignmentNameError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    except NbgraderError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    for path in written:
        typer.echo(path.relative_to(root).as_posix())
    typer.echo(t("grading.build_done", count=len(written)))


@app.command("check")
def check_command(project: ProjectOption = None) -> None:
    """Tjek, at exercises/ og solutions/ er i takt med course/source (exit 1 hvis ikke)."""
    root = _project(project)
    try:
        differences = check(root)
    except AssignmentNameError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    except NbgraderError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    if not differences:
        typer.echo(t("grading.check_ok"))
        return
    typer.echo(t("grading.check_failed"), err=True)
    for difference in differences:
        typer.echo(f"  - {difference.describe()}", err=True)
    typer.echo(t("grading.check_hint"), err=True)
    raise typer.Exit(1)


class Lms(StrEnum):
    """The LMSs whose bulk-download file names ``grade`` understands."""

    canvas = "canvas"
    moodle = "moodle"
    custom = "custom"


def _score_text(score: float | None, max_score: float | None) -> str:
    if score is None or max_score is None:
        return "-"
    return f"{score:g} / {max_score:g}".replace(".", ",")


def _print_summary(console: Console, report: GradeReport) -> None:
    table = Table(title=t("grading.summary_title", assignment=report.assignment))
    for key in ("col_student", "col_name", "col_status", "col_score", "col_late"):
        table.add_column(t(f"grading.{key}"))
    styles = {"failed": "red", "rejected": "red", "manual": "yellow", "older": "yellow"}
    for row in report.students:
        table.add_row(
            row.student_id,
            row.name or "",
            t(f"grading.status_{row.status}"),
            _score_text(row.score, row.max_score),
            t("grading.yes") if row.late else "",
            style=styles.get(row.status),
        )
    console.print(table)
    counts = {s: len(report.by_status(s)) for s in ("graded", "manual", "failed", "unchanged")}
    console.print(t("grading.summary_counts", rejected=len(report.by_status("rejected")), **counts))
    explained = [row for row in report.students if row.reason]
    if explained:
        console.print(t("grading.summary_reasons"))
        for row in explained:
            console.print(f"  - {row.student_id}: {row.reason}", markup=False, highlight=False)
    # What the instructor should know about graded students: one line per note, below the table
    # (a column would squeeze the table in a narrow terminal).
    noted = [row for row in report.students if row.notes]
    if noted:
        console.print(t("grading.summary_notes"))
        for row in noted:
            for note in row.notes:
                console.print(f"  - {row.student_id}: {note}", markup=False, highlight=False)
    # Rejected files of students who have their own line are explained there already.
    shown = {row.student_id for row in report.students if row.status == "rejected"}
    unused = [f for f in report.files if f.status == "rejected" and f.student_id not in shown]
    if unused:
        console.print(t("grading.summary_files"))
        for record in unused:
            console.print(f"  - {record.path}: {record.reason}", markup=False, highlight=False)
    console.print(t("grading.summary_grades_file", path=report.grades_file), highlight=False)
    if report.run_dir is not None:
        console.print(t("grading.summary_kept", path=report.run_dir), highlight=False)


@app.command("grade")
def grade_command(
    assignment: Annotated[str, typer.Argument(help="Opgavens navn (en mappe i course/source).")],
    zip_file: Annotated[
        Path,
        typer.Option(
            "--zip", help="Zip-filen med alle afleveringer fra LMS'et.", exists=True, dir_okay=False
        ),
    ],
    lms: Annotated[Lms, typer.Option("--lms", help="Hvilket LMS zip-filen kommer fra.")],
    pattern: Annotated[
        str | None,
        typer.Option(
            "--pattern",
            help="Kun med --lms custom: regulært udtryk med grupperne (?P<student_id>...) og "
            "(?P<file_id>...), matchet mod stien i zip-filen.",
        ),
    ] = None,
    grades_file: Annotated[
        Path | None,
        typer.Option(
            "--karakterfil",
            help="Hvor karakterfilen skrives. Standard: course/karakterer-OPGAVE.csv.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Antal afleveringer, der rettes samtidig.")
    ] = 2,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="LMS'ets eksport med de studerendes navne: Canvas' karakterbog (Grades → Export) "
            "eller Moodles karakter- eller deltagereksport (CSV). Giver for- og efternavne.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Indsaml afleveringer fra en LMS-zip, ret dem, lav feedback og skriv en karakterfil."""
    root = _project(project)
    console = Console()
    # nbgrader 0.9.6 with SQLAlchemy 2.1 warns on every autograde; the scores are right.
    warnings.filterwarnings("ignore", message="Object of type", category=SAWarning)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        importing = bar.add_task(t("grading.progress_import"), total=1)
        tasks: dict[str, int] = {}

        def progress(step: str, student_id: str) -> None:
            if step == "import":
                bar.update(importing, completed=1)
            elif step.startswith("plan:"):
                total = int(step.partition(":")[2])
                tasks["autograde"] = bar.add_task(t("grading.progress_autograde"), total=total)
                tasks["feedback"] = bar.add_task(t("grading.progress_feedback"), total=total)
            elif step in tasks:
                bar.advance(tasks[step])

        try:
            report = grade(
                root / "course",
                assignment,
                zip_file,
                lms.value,
                pattern,
                grades_file=grades_file,
                workers=workers,
                progress=progress,
                roster=roster,
            )
        except (LmsImportError, FileNotFoundError, AssignmentNameError, RosterError) as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(2) from err
        except (NbgraderError, SandboxUnavailableError) as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(1) from err
    _print_summary(console, report)
    if report.files and not report.students:
        # Files, but not one student: almost always the wrong --lms or --pattern.
        typer.echo(t("grading.nothing_matched"), err=True)
        raise typer.Exit(1)


@app.command("autograde")
def autograde_command(
    assignment: Annotated[str, typer.Argument(help="Opgavens navn, som den blev udgivet.")],
    course: Annotated[
        Path | None,
        typer.Option(
            "--kursus",
            help="Kursusmappen (nbgrader-roden med submitted/). Standard: projektets course/.",
            file_okay=False,
            exists=True,
        ),
    ] = None,
    regrade: Annotated[
        bool, typer.Option("--alle", help="Ret alle indsamlede afleveringer, også uændrede.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Antal afleveringer, der rettes samtidig.")
    ] = 2,
    project: ProjectOption = None,
) -> None:
    """Ret de afleveringer, der er indsamlet fra JupyterHub (submitted/), i sandkassen."""
    course_root = course if course is not None else _project(project) / "course"
    warnings.filterwarnings("ignore", message="Object of type", category=SAWarning)
    try:
        outcomes = autograde_collected(course_root, assignment, regrade=regrade, workers=workers)
    except (ValueError, SandboxUnavailableError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    console = Console()
    table = Table(title=t("grading.summary_title", assignment=assignment))
    for key in ("col_student", "col_status", "col_score"):
        table.add_column(t(f"grading.{key}"))
    for outcome in outcomes:
        status = "failed" if outcome.status == "failed" else "graded"
        if outcome.needs_manual_grading:
            status = "manual"
        table.add_row(
            outcome.student_id,
            t(f"grading.status_{status}"),
            _score_text(outcome.score, outcome.max_score),
            style="red" if status == "failed" else None,
        )
    console.print(table)
    for outcome in outcomes:
        if outcome.reason:
            console.print(f"  - {outcome.student_id}: {outcome.reason}", markup=False)
    if any(outcome.status == "failed" for outcome in outcomes):
        raise typer.Exit(1)


hub_users = typer.Typer(help="Brugere på kursets JupyterHub (kræver root).", no_args_is_help=True)
app.add_typer(hub_users, name="hub-user")


@hub_users.command("add")
def hub_user_add(
    name: Annotated[str, typer.Argument(help="Brugernavnet, som brugeren logger ind med.")],
    instructor: Annotated[
        bool, typer.Option("--instructor", help="Underviser (formgrader) i stedet for studerende.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Læs adgangskoden fra standard input.")
    ] = False,
) -> None:
    """Opret en Unix-bruger til hubben i kursets gruppe (studerende eller undervisere)."""
    from vidensbasering import hub

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    if not password:
        typer.echo("Adgangskoden må ikke være tom.", err=True)
        raise typer.Exit(2)
    try:
        created = hub.add_user(name, password, hub.settings(), instructor=instructor)
    except (OSError, subprocess.CalledProcessError) as err:
        typer.echo(f"Brugeren kunne ikke oprettes: {err}", err=True)
        raise typer.Exit(1) from err
    role = "underviser" if instructor else "studerende"
    typer.echo(f"{name}: {'oprettet' if created else 'opdateret'} som {role}.")


if __name__ == "__main__":
    app()
