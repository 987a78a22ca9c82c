"""Importing LMS bulk downloads with nbgrader's zip_collect and the project's collector plugins.

Every zip is made in the test with invented students; the file names follow the conventions in
``vidensbasering.course.lms`` (Canvas's ContentZipper, Moodle's "Download all submissions").
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from lms_fixtures import (
    MONDAY,
    TUESDAY,
    WEDNESDAY,
    make_unflagged_zip,
    make_zip,
    released,
    with_note,
)
from pipeline_helpers import ASSIGNMENT

from vidensbasering.course.lms import (
    LmsImportError,
    check_pattern,
    import_submissions,
    student_slug,
)

pytestmark = pytest.mark.pipeline

NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def _submitted(course_root: Path, student_id: str) -> Path:
    return course_root / "submitted" / student_id / ASSIGNMENT / NOTEBOOK


def _by_path(result: object) -> dict[str, object]:
    return {record.path: record for record in result.files}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Åse Marie  Sørensen", "åse_marie_sørensen"),
        ("Søren Ærø", "søren_ærø"),
        ("O'Brien / Hansen", "obrien_hansen"),
        ("12345", "12345"),
        ("..", None),
    ],
)
def test_student_slug_keeps_danish_letters_and_drops_path_characters(
    text: str, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            student_slug(text)
    else:
        assert student_slug(text) == expected


def test_canvas_names_late_flag_anonymous_and_resubmissions(
    course_root: Path, tmp_path: Path
) -> None:
    first, newer = released(), with_note(released(), "anden aflevering")
    archive = make_zip(
        tmp_path / "canvas.zip",
        {
            # Sortable name "Sørensen, Åse", late, user 12345: two uploads of the same file in one
            # submission; Canvas numbers the second "-1". The later entry wins.
            "sørensenåse_LATE_12345_67890_videnskvalitet.ipynb": (first, MONDAY),
            "sørensenåse_LATE_12345_67891_videnskvalitet-1.ipynb": (newer, TUESDAY),
            # A browser's copy marker " (1)" is the same notebook.
            "jensenida_222_333_videnskvalitet (1).ipynb": (first, MONDAY),
            "jensenida_222_text.html": ("<p>Se vedhæftet</p>", MONDAY),
            # Anonymous grading: no name, "anon_<id>".
            "anon_Xk3Q9_444_videnskvalitet.ipynb": (first, MONDAY),
            # A PDF and an unrelated notebook are reported, not dropped.
            "olsenmads_555_556_rapport.pdf": (b"%PDF-1.4", MONDAY),
            "olsenmads_555_557_Untitled.ipynb": (nbformat.v4.new_notebook(), MONDAY),
        },
    )
    result = import_submissions(course_root, ASSIGNMENT, archive, "canvas")

    assert set(result.students) == {"12345", "222", "anon_Xk3Q9"}
    åse = result.students["12345"]
    assert (åse.name, åse.lms_id, åse.late, åse.status) == ("sørensenåse", "12345", True, "new")
    assert åse.timestamp == datetime(*TUESDAY)
    assert result.students["222"].late is False
    assert result.students["anon_Xk3Q9"].name is None
    assert nbformat.read(_submitted(course_root, "12345"), as_version=4) == newer
    assert _submitted(course_root, "222").is_file()

    files = _by_path(result)
    assert files["sørensenåse_LATE_12345_67890_videnskvalitet.ipynb"].status == "superseded"
    assert files["jensenida_222_text.html"].status == "ignored"
    assert files["olsenmads_555_556_rapport.pdf"].status == "rejected"
    assert "ikke en notebook" in files["olsenmads_555_556_rapport.pdf"].reason
    untitled = files["olsenmads_555_557_Untitled.ipynb"]
    assert (untitled.status, untitled.student_id) == ("rejected", "555")
    assert "forventer videnskvalitet.ipynb" in untitled.reason
    assert not (course_root / "submitted" / "555").exists()


def test_moodle_folders_flat_names_blind_marking_and_equal_names(
    course_root: Path, tmp_path: Path
) -> None:
    notebook = released()
    archive = make_zip(
        tmp_path / "moodle.zip",
        {
            # Folder per student (Moodle >= 3.1), spaces and æ/ø/å kept.
            "Åse Marie Sørensen_1001_assignsubmission_file_/videnskvalitet.ipynb": (
                notebook,
                MONDAY,
            ),
            # The older flat layout.
            "Søren Ærø_1002_assignsubmission_file_videnskvalitet.ipynb": (notebook, MONDAY),
            "Søren Ærø_1002_assignsubmission_onlinetext_/onlinetext.html": ("<p>x</p>", MONDAY),
            # Blind marking.
            "Participant_1003_assignsubmission_file_/videnskvalitet.ipynb": (notebook, MONDAY),
            # Two students with the same name: told apart by their participant ids.
            "Anders Jensen_1004_assignsubmission_file_/videnskvalitet.ipynb": (notebook, MONDAY),
            "Anders Jensen_1005_assignsubmission_file_/videnskvalitet.ipynb": (
                with_note(notebook, "den anden Anders"),
                MONDAY,
            ),
        },
    )
    result = import_submissions(course_root, ASSIGNMENT, archive, "moodle")

    assert set(result.students) == {
        "åse_marie_sørensen",
        "søren_ærø",
        "participant_1003",
        "anders_jensen_1004",
        "anders_jensen_1005",
    }
    åse = result.students["åse_marie_sørensen"]
    assert (åse.first_name, åse.last_name, åse.lms_id) == ("Åse Marie", "Sørensen", "1001")
    assert result.students["participant_1003"].name is None
    for student_id in result.students:
        assert _submitted(course_root, student_id).is_file(), student_id
    assert nbformat.read(_submitted(course_root, "anders_jensen_1005"), as_version=4).cells[-1][
        "source"
    ] == ("den anden Anders")
    statuses = {record.path: record.status for record in result.files}
    assert statuses["Søren Ærø_1002_assignsubmission_onlinetext_/onlinetext.html"] == "ignored"


def test_moodle_zip_without_utf8_flag_keeps_danish_names(course_root: Path, tmp_path: Path) -> None:
    archive = make_unflagged_zip(
        tmp_path / "moodle.zip",
        {"Søren Ærø_1002_assignsubmission_file_/videnskvalitet.ipynb": (released(), MONDAY)},
    )
    # Python reads such a name as code page 437: the test is only meaningful if it does.
    with zipfile.ZipFile(archive) as handle:
        assert handle.namelist()[0].startswith("S├╕ren")
    result = import_submissions(course_root, ASSIGNMENT, archive, "moodle")

    assert set(result.students) == {"søren_ærø"}
    assert result.students["søren_ærø"].first_name == "Søren"
    assert result.students["søren_ærø"].timestamp == datetime(*MONDAY)
    assert _submitted(course_root, "søren_ærø").is_file()


def test_custom_pattern_for_itslearning_style_folders(course_root: Path, tmp_path: Path) -> None:
    # An invented layout: one folder per student, "Name (user name)/file".
    archive = make_zip(
        tmp_path / "itslearning.zip",
        {
            "Ida Jensen (idje01)/videnskvalitet.ipynb": (released(), MONDAY),
            "Søren Ærø (soae02)/Kopi af videnskvalitet.ipynb": (released(), MONDAY),
            "oversigt.xlsx": (b"PK", MONDAY),
        },
    )
    pattern = r"(?P<first_name>[^/(]+?) \((?P<student_id>[^)/]+)\)/(?P<file_id>[^/]+)$"
    result = import_submissions(course_root, ASSIGNMENT, archive, "custom", pattern)

    assert set(result.students) == {"idje01", "soae02"}
    assert result.students["soae02"].first_name == "Søren Ærø"
    # A renamed copy is recognised by its graded cells.
    assert _submitted(course_root, "soae02").is_file()
    statuses = {record.path: record.status for record in result.files}
    assert statuses["oversigt.xlsx"] == "rejected"


def test_custom_timestamps_decide_and_a_bad_one_is_reported(
    course_root: Path, tmp_path: Path
) -> None:
    archive = make_zip(
        tmp_path / "custom.zip",
        {
            # Two hand-ins by one student: the timestamp in the name, not the zip's time, decides.
            "idje01/2026-11-03-10-00-00/videnskvalitet.ipynb": (
                with_note(released(), "ny"),
                MONDAY,
            ),
            "idje01/2026-11-02-10-00-00/videnskvalitet.ipynb": (released(), TUESDAY),
            "soae02/i går/videnskvalitet.ipynb": (released(), MONDAY),
        },
    )
    pattern = r"(?P<student_id>[^/]+)/(?P<timestamp>[^/]+)/(?P<file_id>[^/]+)$"
    result = import_submissions(course_root, ASSIGNMENT, archive, "custom", pattern)

    assert set(result.students) == {"idje01"}
    assert result.students["idje01"].timestamp == datetime(2026, 11, 3, 10, 0)
    assert nbformat.read(_submitted(course_root, "idje01"), as_version=4).cells[-1].source == "ny"
    bad = _by_path(result)["soae02/i går/videnskvalitet.ipynb"]
    assert (bad.status, bad.student_id) == ("rejected", "soae02")
    assert "'i går' kan ikke læses" in bad.reason


def test_a_notebook_of_another_assignment_is_reported(course_root: Path, tmp_path: Path) -> None:
    # The course's assignments reuse grade ids (opg1_svar, ...); their locked texts differ.
    foreign = nbformat.read(
        course_root / "source" / "forandringsteori" / "forandringsteori.ipynb", as_version=4
    )
    archive = make_zip(
        tmp_path / "canvas.zip",
        {
            # Uploaded under the right name, but it is the other assignment's notebook.
            "jensenida_222_333_videnskvalitet.ipynb": (foreign, MONDAY),
            "olsenmads_555_557_forandringsteori.ipynb": (foreign, MONDAY),
        },
    )
    result = import_submissions(course_root, ASSIGNMENT, archive, "canvas")

    assert result.students == {}
    for record in result.files:
        assert record.status == "rejected"
        assert record.reason == "notebook fra en anden opgave (forandringsteori)"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(?P<student_id>[^/]+)/.*", "(?P<file_id>...)"),
        (r"(?P<file_id>[^/]+)", "(?P<student_id>...)"),
        (r"(?P<student_id>[^/]+/(?P<file_id>.*)", "ikke et gyldigt regulært udtryk"),
    ],
)
def test_custom_pattern_errors_say_what_is_missing(pattern: str, message: str) -> None:
    with pytest.raises(LmsImportError) as error:
        check_pattern(pattern)
    assert message in str(error.value)


def test_pattern_rules_and_non_zip_input(course_root: Path, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"x.ipynb": (released(), MONDAY)})
    with pytest.raises(LmsImportError, match="kræver et mønster"):
        import_submissions(course_root, ASSIGNMENT, archive, "custom")
    with pytest.raises(LmsImportError, match="kun med --lms custom"):
        import_submissions(course_root, ASSIGNMENT, archive, "canvas", r"(?P<student_id>.)")
    not_zip = tmp_path / "afleveringer.zip"
    not_zip.write_text("not a zip", encoding="utf-8")
    with pytest.raises(LmsImportError, match="ikke en zip-fil"):
        import_submissions(course_root, ASSIGNMENT, not_zip, "canvas")


def test_rerun_keeps_unchanged_replaces_newer_and_keeps_older(
    course_root: Path, tmp_path: Path
) -> None:
    first, second = released(), with_note(released(), "rettet version")
    name = "Ida Jensen_7_assignsubmission_file_/videnskvalitet.ipynb"
    import_submissions(
        course_root, ASSIGNMENT, make_zip(tmp_path / "1.zip", {name: (first, TUESDAY)}), "moodle"
    )
    (course_root / "autograded" / "ida_jensen" / ASSIGNMENT).mkdir(parents=True)

    same = import_submissions(
        course_root, ASSIGNMENT, make_zip(tmp_path / "2.zip", {name: (first, TUESDAY)}), "moodle"
    )
    assert same.students["ida_jensen"].status == "unchanged"

    older = import_submissions(
        course_root, ASSIGNMENT, make_zip(tmp_path / "3.zip", {name: (second, MONDAY)}), "moodle"
    )
    assert older.students["ida_jensen"].status == "older"
    assert nbformat.read(_submitted(course_root, "ida_jensen"), as_version=4) == first

    newer = import_submissions(
        course_root, ASSIGNMENT, make_zip(tmp_path / "4.zip", {name: (second, WEDNESDAY)}), "moodle"
    )
    assert newer.students["ida_jensen"].status == "replaced"
    assert nbformat.read(_submitted(course_root, "ida_jensen"), as_version=4) == second
    # Nothing is deleted: the first submission and its autograded folder were moved aside.
    kept = course_root / "superseded" / ASSIGNMENT / "ida_jensen" / "20261103T090000"
    assert nbformat.read(kept / "submitted" / NOTEBOOK, as_version=4) == first
    assert (kept / "autograded").is_dir()
    # Every zip stays where the import put it.
    assert len(list((course_root / "downloaded" / ASSIGNMENT).glob("*/archive/lms.zip"))) == 4
