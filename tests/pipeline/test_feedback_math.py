"""Formulas in the feedback are MathML, and the feedback page loads nothing from outside itself.

nbconvert's feedback page loads MathJax from a CDN (issue 12, item 8): offline the formulas show
as raw TeX, and online the student's browser calls a third party. The course renders the
formulas as MathML when the feedback is made (RenderMathAsMathML) and its template drops the
MathJax script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pipeline_helpers import ASSIGNMENT, answered, correct_answers

from vidensbasering.course import open_api
from vidensbasering.course.feedback import RenderMathAsMathML, markdown_math_to_mathml

#: Every place an HTML page names another resource: src/href/action attributes and CSS url().
_REFERENCE = re.compile(
    r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]+)|url\(\s*["']?([^"')]+)""",
    re.IGNORECASE,
)


def outside_references(html: str) -> list[str]:
    """Every resource ``html`` names outside itself: http(s) or protocol-relative ``//`` URLs.

    ``data:`` URLs and in-page anchors (``#...``) are part of the page and are not returned.
    """
    found = [a or b for a, b in _REFERENCE.findall(html)]
    return [url for url in found if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", url.strip(), re.I)]


def test_the_reference_check_finds_a_cdn_script_and_a_css_import() -> None:
    # The check itself must be able to fail: nbconvert's own MathJax line, a protocol-relative
    # stylesheet and a CSS url() are found; a data: image and an anchor are not.
    page = (
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>'
        '<link href="//fonts.example.org/a.css"><style>b{background:url( "http://x.org/i.png")}'
        '</style><img src="data:image/png;base64,AAAA"><a href="#opg1">opg1</a>'
    )
    assert outside_references(page) == [
        "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js",
        "//fonts.example.org/a.css",
        "http://x.org/i.png",
    ]


def test_formulas_become_mathml_and_everything_else_stays() -> None:
    source = (
        "Effektstørrelsen er $d = \\frac{M_1 - M_2}{s}$, og\n\n"
        "$$S_\\text{diff} = s_1 \\sqrt{2}$$\n\n"
        "også \\(r_{xx}\\) og \\[k\\].\n"
        "Prisen er \\$5 og fra 5 $ til 10 $.\n"
        "Kode: `pris = '$x$'`\n\n"
        "```python\nprint('$y$')\n```\n"
        "Ugyldig: $\\frac{1}{$ og $\\foo$."
    )
    result = markdown_math_to_mathml(source)
    # Four formulas: two inline ($...$, \(...\)), two display ($$...$$, \[...\]).
    assert result.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == 4
    assert result.count('display="block"') == 2
    assert "<mfrac><mrow><msub><mi>M</mi><mn>1</mn></msub>" in result
    assert "<msqrt><mrow><mn>2</mn></mrow></msqrt>" in result
    # An escaped dollar, prices with a space before the dollar and code are left as written.
    assert "Prisen er \\$5 og fra 5 $ til 10 $." in result
    assert "`pris = '$x$'`" in result
    assert "print('$y$')" in result
    # Invalid TeX (an unclosed brace, an unknown command) stays as the student wrote it.
    assert "Ugyldig: $\\frac{1}{$ og $\\foo$." in result
    # Markdown would read "_" in the MathML's text as emphasis: it is a character reference.
    assert "<mtext>diff</mtext>" in result
    assert "_" not in result.split("Prisen")[0].replace("$", "")


def test_only_markdown_cells_change() -> None:
    code = new_code_cell(
        "x = '$a$'", outputs=[{"output_type": "stream", "name": "stdout", "text": "$b$\n"}]
    )
    notebook = new_notebook(cells=[new_markdown_cell("$a$"), code])
    # Called as nbconvert calls it, so a preprocessor that is disabled by default would fail.
    result, _ = RenderMathAsMathML()(notebook, {})
    assert result.cells[0].source.startswith("<math ")
    assert result.cells[1].source == "x = '$a$'"
    assert result.cells[1].outputs[0]["text"] == "$b$\n"


@pytest.mark.pipeline
@pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning")
def test_feedback_has_mathml_and_refers_to_nothing_outside_the_page(
    course_root: Path, submit: Callable[[str, nbformat.NotebookNode], Path]
) -> None:
    api = open_api(course_root, private_gradebook=True, plain_autograde=True)
    result = api.generate_assignment(ASSIGNMENT)
    assert result["success"], result.get("error")
    released = nbformat.read(
        course_root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    # The student writes a formula of their own in the reflection (a Markdown answer cell).
    reflection = "Forskellen er $\\bar{x}_1 - \\bar{x}_2$ kroner; lodtrækningen gør grupperne ens."
    submit("ida_jensen", answered(released, correct_answers() | {"opg5_refleksion": reflection}))
    result = api.autograde(ASSIGNMENT, "ida_jensen")
    assert result["success"], result.get("error")
    result = api.generate_feedback(ASSIGNMENT)
    assert result["success"], result.get("error")

    html = (course_root / "feedback" / "ida_jensen" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
    assert outside_references(html) == []
    # No MathJax script or configuration (nbgrader's template keeps an HTML comment naming it).
    assert "MathJax" not in html
    # The student's formula is MathML (nbconvert writes the characters, not the references).
    assert (
        '<msub><mover><mrow><mi>x</mi></mrow><mo stretchy="true">¯</mo></mover><mn>1</mn>' in html
    )
    # So are the task text's nine formulas: $d$, $M$, $s$, $n - 1$, $n$, $1$, $0$, $s^2$ and
    # Cohens d with the pooled SD as a display formula. The assignment writes "$" only as a
    # math delimiter, so no dollar sign is left when every formula was rendered.
    assert html.count("<math ") == 10
    assert '<math display="block"' in html
    assert "<msub><mi>s</mi><mtext>pooled</mtext></msub>" in html
    assert "$" not in html
