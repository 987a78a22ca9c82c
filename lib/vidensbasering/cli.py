"""The ``vidensbasering`` command line (declared in ``pyproject.toml`` as a console script).

Commands:
    build   regenerate ``exercises/`` and ``solutions/`` from ``course/source`` with nbgrader.
    check   exit with status 1 and a list of files when they are out of step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vidensbasering.course import NbgraderError, build, check, find_project_root
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


if __name__ == "__main__":
    app()
