"""Danish hints under Python's own error messages in an exercise notebook.

The first cell of every graded exercise runs ``hints.install()``. From then on, when a cell raises
one of the errors a beginner meets most (a misspelled name, a column that does not exist, a call
with the wrong kind of value, ...), the usual traceback is shown with one Danish line under it
that says what to check. The hook is IPython's ``set_custom_exc``, so it works the same in
JupyterLab and in the kernel nbgrader starts while grading (the hint then appears in the
student's feedback). Assertion errors from the tests are left alone: their message already says
what to check.

This module imports nothing but IPython (only inside :func:`install`) and the course catalog, so
it adds nothing to a kernel's start-up.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from vidensbasering.i18n import t

#: Exception types that get a hint, most specific first (``KeyError`` before ``LookupError``).
HINTED: tuple[type[BaseException], ...] = (
    NameError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
    ValueError,
    ZeroDivisionError,
    NotImplementedError,
)

_KEYS = {
    NameError: "name_error",
    KeyError: "key_error",
    IndexError: "index_error",
    AttributeError: "attribute_error",
    TypeError: "type_error",
    ValueError: "value_error",
    ZeroDivisionError: "zero_division_error",
    NotImplementedError: "not_implemented_error",
}


def hint_for(error: BaseException) -> str | None:
    """The Danish hint for ``error``, or ``None`` when it has none.

    Args:
        error: any exception instance.

    Returns:
        One line of Danish text starting with "Tip:", filled with the name, key or attribute the
        error is about when Python gives it; ``None`` for exceptions not in :data:`HINTED`
        (e.g. ``AssertionError`` from a test).
    """
    if type(error).__name__ == "ValidationError" and hasattr(error, "errors"):
        # pydantic's English message about a theory of change or a lovende praksis assessment:
        # say the same in Danish.
        if getattr(error, "title", "") in ("Assessment", "Rating"):
            from vidensbasering.promising_practice import danish_errors
        else:
            from vidensbasering.theory_of_change.model import danish_errors

        return t("hints.validation_error", messages=" ".join(danish_errors(error)))
    for kind in HINTED:
        if isinstance(error, kind):
            key = _KEYS[kind]
            break
    else:
        return None
    what = ""
    if isinstance(error, NameError):
        what = getattr(error, "name", None) or ""
    elif isinstance(error, KeyError) and error.args:
        what = repr(error.args[0])
    elif isinstance(error, AttributeError):
        what = getattr(error, "name", None) or ""
    if what:
        return t(f"hints.{key}_named", what=what)
    return t(f"hints.{key}")


def _handler(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython custom-exception handler: show the usual traceback plus the hint as its last line.

    IPython's ``run_code`` discards what a handler returns, so the handler shows the traceback
    itself through ``_showtraceback``, the hook the Jupyter kernel overrides to send the error to
    the notebook (and to record it as the cell's error, which nbgrader grades).
    """
    stb = list(shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset))
    hint = hint_for(value)
    if hint:
        stb.append(hint)
    shell._showtraceback(etype, value, stb)
    return stb


def install() -> bool:
    """Show a Danish hint under common Python errors in the running IPython kernel.

    Returns:
        ``True`` when the hook was installed, ``False`` outside IPython (a plain script), where
        nothing changes. Calling it again replaces the hook with the same one.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every Jupyter kernel
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc(HINTED, _handler)
    return True
