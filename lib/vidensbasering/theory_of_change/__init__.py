"""Theory of change (forandringsteori): model, validation, layout, diagram and export.

One job per module:

- :mod:`.model`: the pydantic model, its JSON/YAML form and Danish error messages for bad files;
- :mod:`.validation`: rules that say whether the chain hangs together (networkx), as findings;
- :mod:`.layout`: columns by kind and barycentric ordering against crossings;
- :mod:`.diagram`: the Altair drawing (and its Vega-Lite spec, cheap to rebuild);
- :mod:`.export`: Markdown, SVG and PNG;
- :mod:`.editing`: what a form does to a theory of change (edits, labels, messages, files);
- :mod:`.examples`: worked examples shipped as JSON.

Typical use::

    from vidensbasering.theory_of_change import diagram, load_example, to_markdown, validate

    toc = load_example("boligstoette")
    findings = validate(toc)          # list of Finding with Danish messages
    chart = diagram(toc, findings)    # Altair chart
    text = to_markdown(toc, findings)

This package imports no widgets or notebook machinery.
"""

from vidensbasering.theory_of_change.diagram import DiagramData, diagram, diagram_data, diagram_spec
from vidensbasering.theory_of_change.examples import list_examples, load_example
from vidensbasering.theory_of_change.export import (
    assumptions_table,
    findings_table,
    indicators_table,
    to_markdown,
    to_png,
    to_svg,
)
from vidensbasering.theory_of_change.layout import Layout, layout
from vidensbasering.theory_of_change.model import (
    CHAIN,
    Element,
    ElementKind,
    Indicator,
    Link,
    TheoryOfChange,
    TheoryOfChangeError,
    TheoryOfChangeFileError,
    UnknownIdError,
    danish_errors,
    element_kind,
)
from vidensbasering.theory_of_change.validation import Finding, Severity, errors, validate

__all__ = [
    "CHAIN",
    "DiagramData",
    "Element",
    "ElementKind",
    "Finding",
    "Indicator",
    "Layout",
    "Link",
    "Severity",
    "TheoryOfChange",
    "TheoryOfChangeError",
    "TheoryOfChangeFileError",
    "UnknownIdError",
    "assumptions_table",
    "danish_errors",
    "diagram",
    "diagram_data",
    "diagram_spec",
    "element_kind",
    "errors",
    "findings_table",
    "indicators_table",
    "layout",
    "list_examples",
    "load_example",
    "to_markdown",
    "to_png",
    "to_svg",
    "validate",
]
