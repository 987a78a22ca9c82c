"""Theory of change (forandringsteori): model, validation, layout, diagram and export.

Typical use::

    from vidensbasering.theory_of_change import load_example, validate, diagram, to_markdown

    toc = load_example("boligstoette")
    findings = validate(toc)          # list of Finding, Danish messages
    chart = diagram(toc)              # Altair chart; charts.to_svg/to_png export it
    text = to_markdown(toc)

This package imports no widgets or notebook machinery.
"""
