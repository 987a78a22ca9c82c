"""Generate the committed student and solution versions of every assignment with nbgrader.

``course/source/<assignment>/`` is the single source of truth (solutions and hidden tests).
:func:`build` lets nbgrader produce the student version (``generate_assignment``) and the executed
solution version (``generate_solution``) and writes them to ``exercises/<assignment>/`` and
``solutions/<assignment>/``; :func:`check` regenerates them in a temporary folder and lists every
file that differs from what is committed.

nbgrader always runs in a temporary copy of the course (its config and ``source/``), so no
gradebook, ``release/`` or ``solution/`` folder is ever left in ``course/``. Two settings are added
for stable output, so that regenerating gives byte-identical files on any machine with the pinned
environment: no execution timestamps in cell metadata, and no interpreter patch version in the
notebook metadata (see :class:`DropInterpreterVersion`).
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.apps.api import NbGraderAPI
from nbgrader.converters import GenerateSolution
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import capture_log, temp_attrs
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from vidensbasering.i18n import t

CONFIG_FILE = "nbgrader_config.py"
GENERATED_DIRS = ("exercises", "solutions")
# Files that editors and Python leave next to notebooks; never part of the generated set.
IGNORED_NAMES = frozenset({".ipynb_checkpoints", "__pycache__", ".DS_Store"})


class NbgraderError(RuntimeError):
    """nbgrader failed on a step; the message carries nbgrader's own log and traceback."""


class DropInterpreterVersion(NbGraderPreprocessor):
    """Remove the interpreter's patch version from ``metadata.language_info`` after execution.

    Executing a notebook records the kernel's ``language_info`` (e.g. ``"version": "3.11.9"``). That
    number changes with the machine, not with the course, and would make the committed solutions
    differ between machines; everything else in ``language_info`` is kept.
    """

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Return ``nb`` without ``metadata.language_info.version``; cells are untouched."""
        nb.metadata.get("language_info", {}).pop("version", None)
        return nb, resources


def _stable_output_config(course_config: Config) -> Config:
    """Settings added to the course's own for the build: appended, never replacing its steps."""
    if "preprocessors" in course_config.GenerateSolution:
        solution_steps = list(course_config.GenerateSolution.preprocessors)
    else:
        solution_steps = list(GenerateSolution.class_traits()["preprocessors"].default())
    config = Config()
    config.Execute.record_timing = False
    config.GenerateSolution.preprocessors = [*solution_steps, DropInterpreterVersion]
    return config


@dataclass(frozen=True)
class Difference:
    """One file that is out of step between the committed and the regenerated versions.

    Attributes:
        kind: ``"missing"`` (regenerated but not committed), ``"extra"`` (committed but no longer
            generated) or ``"changed"`` (both exist, bytes differ).
        path: POSIX path relative to the project root, e.g.
            ``"exercises/videnskvalitet/videnskvalitet.ipynb"``.
    """

    kind: Literal["missing", "extra", "changed"]
    path: str

    def describe(self) -> str:
        """Danish one-line description for the command line, e.g. ``"ændret: exercises/..."``."""
        return t(f"grading.check_{self.kind}", path=self.path)


def find_project_root(start: Path | None = None) -> Path:
    """Return the project folder: the first of ``start`` and its parents that holds
    ``course/nbgrader_config.py``.

    Without ``start`` the search begins in the current directory and, failing that, falls back
    to the checkout this package is installed from (an editable install); with ``start`` there is
    no fallback, so a wrong path is reported instead of silently replaced.

    Raises:
        FileNotFoundError: no such folder was found.
    """
    here = (start or Path.cwd()).resolve()
    candidates = [here, *here.parents]
    if start is None:
        candidates.append(Path(__file__).resolve().parents[3])
    for candidate in candidates:
        if (candidate / "course" / CONFIG_FILE).is_file():
            return candidate
    raise FileNotFoundError(
        f"No course/{CONFIG_FILE} found in {here} or its parents: run the command inside the "
        "project folder or pass its path."
    )


class AssignmentNameError(ValueError):
    """An assignment name nbgrader's formgrader cannot show; the message (Danish) suggests one."""


#: Assignment names the formgrader shows correctly: ASCII letters, digits, ``_`` and ``-``. With
#: spaces or parentheses, ``build`` and ``grade`` work but the formgrader lists 0 submissions
#: (nbgrader#1738: the name goes into its URLs without being encoded).
ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9_-]+")
_DANISH_LETTERS = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}


def suggest_assignment_name(name: str) -> str:
    """A valid assignment name close to ``name``: lower case, æ/ø/å written ae/oe/aa (as in
    ``opfoelgning``), every run of other characters one ``_``; ``name`` itself when valid.

    ``"Opgave 1 (ny)"`` -> ``"opgave_1_ny"``; ``"opfølgning 2"`` -> ``"opfoelgning_2"``.
    """
    if ASSIGNMENT_NAME.fullmatch(name):
        return name
    text = "".join(_DANISH_LETTERS.get(char, char) for char in name).lower()
    return re.sub(r"[^a-z0-9-]+", "_", text).strip("_") or "opgave"


def check_assignment_name(name: str) -> None:
    """Raise :class:`AssignmentNameError` (Danish, with a suggestion) for a name the formgrader
    cannot show (see :data:`ASSIGNMENT_NAME`)."""
    if not ASSIGNMENT_NAME.fullmatch(name):
        raise AssignmentNameError(
            t("grading.bad_assignment_name", name=name, suggestion=suggest_assignment_name(name))
        )


def assignments(course_dir: Path) -> list[str]:
    """Names of the assignments in ``course_dir/source`` (folders holding a notebook), sorted."""
    source = course_dir / "source"
    if not source.is_dir():
        raise FileNotFoundError(f"The course has no source folder: {source}")
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def load_course_config(course_root: Path) -> Config:
    """Load ``course_root/nbgrader_config.py`` as nbgrader does (``get_config``, ``__file__``)."""
    return PyFileConfigLoader(CONFIG_FILE, path=str(course_root)).load_config()


@contextmanager
def course_copy(course_dir: Path) -> Iterator[Path]:
    """Copy the course's config and ``source/`` to a temporary folder; yield that folder.

    The copy is a complete nbgrader course (the config computes its root from its own location)
    and is deleted on exit, with whatever nbgrader wrote into it.
    """
    with tempfile.TemporaryDirectory(prefix="vidensbasering-course-") as tmp:
        root = Path(tmp) / "course"
        root.mkdir()
        shutil.copy2(course_dir / CONFIG_FILE, root / CONFIG_FILE)
        shutil.copytree(
            course_dir / "source",
            root / "source",
            ignore=shutil.ignore_patterns(*IGNORED_NAMES),
        )
        yield root


#: nbgrader's own exporter for ``Autograde``, instead of the course's refusal
#: (:class:`vidensbasering.course.runner.AutogradeOnlyInSandbox`).
PLAIN_AUTOGRADE_EXPORTER = "nbconvert.exporters.NotebookExporter"


def open_api(
    course_root: Path,
    *,
    stable_output: bool = False,
    private_gradebook: bool = False,
    plain_autograde: bool = False,
) -> NbGraderAPI:
    """Return nbgrader's API for the course at ``course_root``, configured by its config file.

    Args:
        course_root: folder holding ``nbgrader_config.py`` and ``source/``.
        stable_output: add the build's settings for byte-stable solutions (see module docs).
        private_gradebook: use a new SQLite gradebook inside ``course_root`` whatever
            ``db_url`` the config (or ``VIDENSBASERING_DB_URL``) names, so that work on a
            temporary copy never touches the real gradebook.
        plain_autograde: let ``api.autograde`` run nbgrader's own, unsandboxed autograde, which
            the course config refuses. Only for notebooks you wrote yourself (tests and
            benchmarks that compare the sandboxed runner with plain nbgrader); never for
            students' submissions.
    """
    config = load_course_config(course_root)
    config.CourseDirectory.root = str(course_root)
    if private_gradebook:
        config.CourseDirectory.db_url = f"sqlite:///{course_root / 'gradebook.db'}"
    if stable_output:
        config.merge(_stable_output_config(config))
    if plain_autograde:
        config.Autograde.exporter_class = PLAIN_AUTOGRADE_EXPORTER
    return NbGraderAPI(config=config)


def _checked(result: dict, step: str) -> None:
    if not result.get("success"):
        details = "\n".join(filter(None, [result.get("log"), result.get("error")]))
        raise NbgraderError(f"nbgrader {step} failed:\n{details}")


def _cell_name(cell: NotebookNode, index: int) -> str:
    """nbgrader's grade id of a cell, else its nbformat id, else its position (from 1)."""
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return str(grade_id or cell.get("id") or index + 1)


def generate_solution(api: NbGraderAPI, assignment_id: str) -> None:
    """Run nbgrader's ``generate_solution`` converter, as ``NbGraderAPI`` runs the other steps.

    nbgrader executes the solution with errors allowed, so a solution that fails its own tests
    would still be written; this function reads the result and refuses it.

    Raises:
        NbgraderError: nbgrader reported a failure, or a cell of the executed solution raised
            (e.g. a test, hidden or visible, fails on the instructor's own solution).
    """
    with temp_attrs(api.coursedir, assignment_id=assignment_id):
        converter = GenerateSolution(coursedir=api.coursedir, parent=api)
        converter.force = True
        _checked(capture_log(converter), f"generate_solution {assignment_id}")
    solution_dir = Path(
        api.coursedir.format_path(api.coursedir.solution_directory, ".", assignment_id)
    )
    failures = [
        f"{notebook.name}, cell {_cell_name(cell, index)}: {output.get('ename')}: "
        f"{output.get('evalue')}"
        for notebook in sorted(solution_dir.glob("*.ipynb"))
        for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    if failures:
        raise NbgraderError(
            f"The solution of {assignment_id!r} fails when executed (fix course/source):\n"
            + "\n".join(failures)
        )


def _copy_files(src: Path, dest: Path) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_file() and not IGNORED_NAMES.intersection(path.relative_to(src).parts):
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # content only: no read-only modes from nbgrader


def generate(course_dir: Path, out_dir: Path) -> list[Path]:
    """Generate ``exercises/`` and ``solutions/`` for every assignment into ``out_dir``.

    Args:
        course_dir: the nbgrader course root (holds ``nbgrader_config.py`` and ``source/``);
            it is only read.
        out_dir: an existing, empty folder.

    Returns:
        The written files, sorted, as paths inside ``out_dir``.

    Raises:
        NbgraderError: nbgrader failed for an assignment (its log is in the message).
        FileNotFoundError: the course has no ``source/`` folder.
        AssignmentNameError: an assignment's folder name is one the formgrader cannot show
            (checked before anything runs).
    """
    for assignment_id in assignments(course_dir):
        check_assignment_name(assignment_id)
    with course_copy(course_dir) as root:
        api = open_api(root, stable_output=True, private_gradebook=True)
        for assignment_id in assignments(root):
            _checked(
                api.generate_assignment(assignment_id, force=True, create=True),
                f"generate_assignment {assignment_id}",
            )
            generate_solution(api, assignment_id)
            _copy_files(
                Path(
                    api.coursedir.format_path(api.coursedir.release_directory, ".", assignment_id)
                ),
                out_dir / "exercises" / assignment_id,
            )
            _copy_files(
                Path(
                    api.coursedir.format_path(api.coursedir.solution_directory, ".", assignment_id)
                ),
                out_dir / "solutions" / assignment_id,
            )
    return sorted(p for p in out_dir.rglob("*") if p.is_file())


def _files(base: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in GENERATED_DIRS:
        folder = base / name
        if folder.is_dir():
            for path in folder.rglob("*"):
                rel = path.relative_to(base)
                if path.is_file() and not IGNORED_NAMES.intersection(rel.parts):
                    found[rel.as_posix()] = path
    return found


def compare(expected_root: Path, actual_root: Path) -> list[Difference]:
    """Compare the generated folders of two trees file by file (bytes, not timestamps).

    Args:
        expected_root: folder holding freshly generated ``exercises/`` and ``solutions/``.
        actual_root: folder holding the committed ones (the project root).

    Returns:
        One :class:`Difference` per file out of step, sorted by path; empty when in step.
    """
    expected, actual = _files(expected_root), _files(actual_root)
    differences = [Difference("missing", rel) for rel in expected.keys() - actual.keys()]
    differences += [Difference("extra", rel) for rel in actual.keys() - expected.keys()]
    differences += [
        Difference("changed", rel)
        for rel in expected.keys() & actual.keys()
        if not filecmp.cmp(expected[rel], actual[rel], shallow=False)
    ]
    return sorted(differences, key=lambda d: (d.path, d.kind))


def build(project_root: Path | None = None) -> list[Path]:
    """Regenerate ``exercises/`` and ``solutions/`` of the project from ``course/source``.

    Both folders are replaced as a whole (they hold generated files only), so an assignment
    removed from the source disappears from them as well.

    Args:
        project_root: the project folder; default :func:`find_project_root`.

    Returns:
        The written files, sorted, as paths inside the project.

    Raises:
        NbgraderError: nbgrader failed; nothing in the project was changed.
    """
    root = project_root or find_project_root()
    with tempfile.TemporaryDirectory(prefix="vidensbasering-build-") as tmp:
        generate(root / "course", Path(tmp))
        for name in GENERATED_DIRS:
            shutil.rmtree(root / name, ignore_errors=True)
            if (Path(tmp) / name).is_dir():
                _copy_files(Path(tmp) / name, root / name)
    return sorted(_files(root)[rel] for rel in _files(root))


def check(project_root: Path | None = None) -> list[Difference]:
    """List what is out of step between ``course/source`` and the committed generated folders.

    Args:
        project_root: the project folder; default :func:`find_project_root`.

    Returns:
        The differences, sorted by path; an empty list means in step.

    Raises:
        NbgraderError: nbgrader failed while regenerating.
    """
    root = project_root or find_project_root()
    with tempfile.TemporaryDirectory(prefix="vidensbasering-check-") as tmp:
        generate(root / "course", Path(tmp))
        return compare(Path(tmp), root)
