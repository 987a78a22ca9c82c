"""One term per concept: no text a student reads uses a variant the course glossary rules out.

The glossary is the ``ordliste`` section of ``lib/vidensbasering/i18n/da.json`` (``<concept>`` is
the chosen term, ``<concept>_undgaa`` the variants, separated by ``;``) and ``course/ordliste.md``
shows the same. Scanned: the Markdown cells of the lessons, the primer and the start page, of the
exercises' source, the syllabus and every other section of the Danish catalog (the apps' texts).
Variants are matched as whole words, case-insensitively, also with a Danish ending (*tjenesten*).
Code is not scanned: ``forskel_eksperiment`` is a variable name, not a word.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "lib" / "vidensbasering" / "i18n" / "da.json"
GLOSSARY_MD = ROOT / "course" / "ordliste.md"

#: Endings a Danish noun can take after the variant (tjeneste -> tjenesten, tjenester, ...).
_ENDINGS = r"(?:n|r|rne|ne|en|et|ets|er|erne|s)?"

#: Library codes a student must never read in running text (the apps' Danish labels instead).
ENGLISH_CODES = (
    "recovered",
    "improved",
    "unchanged",
    "deteriorated",
    "higher_is_better",
    "higher_is_worse",
    "short_term_outcome",
    "long_term_outcome",
)


def glossary() -> dict[str, tuple[str, list[str]]]:
    """Concept -> (chosen term, variants not to use), from the Danish catalog."""
    section = json.loads(CATALOG.read_text(encoding="utf-8"))["ordliste"]
    return {
        key: (term, [v.strip() for v in section[f"{key}_undgaa"].split(";") if v.strip()])
        for key, term in section.items()
        if not key.endswith("_undgaa")
    }


def variant_pattern(variant: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of ``variant``, with an optional Danish ending."""
    return re.compile(rf"(?<!\w){re.escape(variant)}{_ENDINGS}(?!\w)", re.IGNORECASE)


def student_texts() -> dict[str, str]:
    """Every text a student reads, by where it comes from."""
    texts: dict[str, str] = {}
    notebooks = [*sorted((ROOT / "notebooks").glob("*.ipynb"))]
    notebooks += sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for n, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                texts[f"{path.relative_to(ROOT)} cell {n}"] = cell.source
    texts["course/syllabus.md"] = (ROOT / "course" / "syllabus.md").read_text(encoding="utf-8")
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    for section, entries in catalog.items():
        if section == "ordliste":
            continue
        for key, text in entries.items():
            texts[f"da.json {section}.{key}"] = text
    return texts


def test_the_matcher_finds_inflected_variants_but_not_longer_words():
    tjeneste = variant_pattern("tjeneste")
    assert tjeneste.search("Tjenesten i Ådalen")
    assert tjeneste.search("to tjenester")
    assert not tjeneste.search("lodtrækningens fortjeneste")
    cronbach = variant_pattern("Cronbach's α")
    assert cronbach.search("beregn cronbach's α her")
    assert not cronbach.search("beregn Cronbachs α her")
    assert not variant_pattern("eksperiment").search("gem det i `forskel_eksperiment`")


def test_the_glossary_has_the_course_terms_and_ordliste_md_shows_them():
    terms = glossary()
    for required in ("tilbud", "cronbach", "cohen", "hedges", "regression", "forsoeg"):
        assert required in terms
    page = GLOSSARY_MD.read_text(encoding="utf-8")
    for term, variants in terms.values():
        assert term in page, term
        for variant in variants:
            assert variant in page, variant


@pytest.mark.parametrize("concept", sorted(glossary()))
def test_no_student_text_uses_a_variant(concept: str):
    term, variants = glossary()[concept]
    found = [
        f"{where}: {match.group(0)!r}"
        for variant in variants
        for where, text in student_texts().items()
        for match in variant_pattern(variant).finditer(text)
    ]
    assert not found, f"use {term!r} instead:\n" + "\n".join(found)


def test_no_student_text_shows_the_library_english_codes():
    texts = {k: v for k, v in student_texts().items() if not k.startswith("da.json")}
    found = [
        f"{where}: {code}"
        for where, text in texts.items()
        for code in ENGLISH_CODES
        if re.search(rf"(?<![\w-]){code}(?![\w-])", text)
    ]
    assert not found, "show the apps' Danish labels instead:\n" + "\n".join(found)
