"""Worked example theories of change shipped with the course, one JSON file each.

The interventions, municipalities and people are invented for the course; each example passes
:func:`vidensbasering.theory_of_change.validation.validate` with no findings.

- ``boligstoette``: housing support on Housing First principles for homeless citizens.
- ``familieindsats``: intensive family treatment that aims to prevent placement of children.
"""

from __future__ import annotations

from importlib import resources

from vidensbasering.theory_of_change.model import TheoryOfChange


def list_examples() -> list[str]:
    """Names of the shipped examples, sorted (e.g. ``["boligstoette", "familieindsats"]``)."""
    folder = resources.files(__package__)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_example(name: str) -> TheoryOfChange:
    """Load one shipped example by name (a fresh object on every call; edit it freely).

    Raises:
        KeyError: no example of that name; the message lists the names there are.
    """
    if name not in list_examples():
        raise KeyError(f"No example {name!r}; choose one of {list_examples()}")
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return TheoryOfChange.from_json(text)
