"""HideHiddenTests on a hand-made graded notebook (no kernel, no gradebook)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook

from vidensbasering.course.feedback import HideHiddenTests


def _grade_cell(source: str, outputs: list[dict]) -> dict:
    cell = new_code_cell(source, outputs=outputs)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "test_1",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
    }
    return cell


ERROR = {
    "output_type": "error",
    "ename": "AssertionError",
    "evalue": "Tjek fortegnet.",
    "traceback": ["Cell In[3], line 4", "----> 4 assert abs(svar - facit_hemmelig) < 1e-3"],
}


def test_hidden_region_and_its_traceback_are_removed() -> None:
    source = (
        "assert isinstance(svar, float)\n"
        "### BEGIN HIDDEN TESTS\n"
        "facit_hemmelig = 42.0\n"
        "assert abs(svar - facit_hemmelig) < 1e-3, 'Tjek fortegnet.'\n"
        "### END HIDDEN TESTS"
    )
    visible_only = _grade_cell("assert isinstance(svar, float)", [dict(ERROR)])
    notebook = new_notebook(cells=[_grade_cell(source, [dict(ERROR)]), visible_only])

    result, _ = HideHiddenTests().preprocess(notebook, {})

    hidden, visible = result.cells
    assert hidden.source == "assert isinstance(svar, float)"
    assert hidden.outputs[0]["traceback"] == [
        "En skjult test fejlede. Testkoden vises ikke i feedback; læs opgaveteksten og de "
        "synlige tests igen.",
        "AssertionError: Tjek fortegnet.",
    ]
    assert hidden.outputs[0]["ename"] == "AssertionError"
    # A cell without a hidden region keeps its full traceback.
    assert visible.outputs[0]["traceback"] == ERROR["traceback"]


def test_a_failing_visible_test_is_not_called_hidden() -> None:
    # The NameError is raised on line 1, above the hidden region that starts on line 2: the
    # student left the answer blank, and a visible test says so.
    source = (
        "assert isinstance(svar, float)\n"
        "### BEGIN HIDDEN TESTS\n"
        "assert abs(svar - 42.0) < 1e-3\n"
        "### END HIDDEN TESTS"
    )
    blank = {
        "output_type": "error",
        "ename": "NameError",
        "evalue": "name 'svar' is not defined",
        "traceback": [
            "\x1b[31m---------\x1b[39m",
            "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 1\x1b[39m",
            "Cell In[3], line 1\n----> 1 assert isinstance(svar, float)",
        ],
    }
    result, _ = HideHiddenTests().preprocess(new_notebook(cells=[_grade_cell(source, [blank])]), {})
    assert result.cells[0].outputs[0]["traceback"] == [
        "En af de synlige tests i cellen fejlede. Kør cellen i din notebook for at se hvilken, og "
        "ret dit svar.",
        "NameError: name 'svar' is not defined",
    ]


def test_marker_lines_in_a_students_own_cells_are_left_as_written() -> None:
    # A cell the student added and an answer cell: marker lines there are the student's text
    # (nbgrader only puts hidden tests in locked test cells), so nothing is cut or refused.
    text = "# ### BEGIN HIDDEN TESTS\nprint('### END HIDDEN TESTS')\n# ### BEGIN SOLUTION"
    added = new_code_cell(text)
    answer = new_code_cell(text)
    answer.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": "opg1_svar",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }
    notebook, _ = HideHiddenTests().preprocess(new_notebook(cells=[added, answer]), {})
    assert [cell.source for cell in notebook.cells] == [text, text]
