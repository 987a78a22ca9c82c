"""User-facing strings, one JSON catalog per language (``da.json``, ``sv.json``, ...).

Everything a student or workshop participant reads comes from a catalog; code and docstrings
stay in English. Keys are grouped by section (``common``, one section per app or tool).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_LANGUAGE = "da"


@cache
def catalog(language: str = DEFAULT_LANGUAGE) -> dict[str, dict[str, str]]:
    """Return the whole catalog of one language.

    Args:
        language: ISO 639-1 code of a shipped catalog, e.g. ``"da"``.

    Returns:
        Mapping section -> key -> text.

    Raises:
        LookupError: no catalog ships for ``language``.
    """
    path = resources.files(__package__).joinpath(f"{language}.json")
    if not path.is_file():
        raise LookupError(f"No UI catalog for language {language!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def t(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """Translate ``"section.key"`` and fill ``{placeholders}`` with ``values``.

    Raises:
        KeyError: the section or key is missing from the catalog (a programming error).
    """
    section, _, name = key.partition(".")
    text = catalog(language)[section][name]
    return text.format(**values) if values else text
