"""Benchmark: kernel time per edit in the app "Opstil en forandringsteori".

One edit = the element form's Enter (rename an element): update the model, refresh the forms,
validate, show the findings and build the diagram's Vega-Lite spec. Measured for the browser
test's theory of change (3 elements) and for a 60-element municipal strategy (from
``benchmarks/theory_of_change.py``).

Baseline, in the same run: building the same spec through Altair, ``diagram(...).to_dict()``,
which is what a redraw cost before the chart's structure was cached (``diagram_spec``).
The browser test (tests/browser/test_forandringsteori_app.py) measures the whole redraw in
Chromium, kernel and drawing together.

Run: ``.venv/bin/python benchmarks/forandringsteori_app.py [--runs 30]``; prints medians (ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from vidensbasering.apps.forandringsteori import ForandringsteoriApp
from vidensbasering.theory_of_change import Indicator, TheoryOfChange, diagram, validate

sys.path.insert(0, str(Path(__file__).parent))
from theory_of_change import generated  # sibling benchmark script


def small() -> TheoryOfChange:
    """Three elements and two links, as built in the browser test."""
    toc = TheoryOfChange(title="Lektiehjælp i klubben", problem_statement="P", target_group="M")
    a = toc.add_element("activity", "Lektiehjælp to gange om ugen")
    b = toc.add_element("short_term_outcome", "Eleverne laver flere lektier")
    c = toc.add_element("long_term_outcome", "Flere elever består 9. klasse")
    b.indicators.append(Indicator(what="Andel afleverede lektier"))
    toc.add_link(a.id, b.id, "Hjælp sænker tærsklen")
    toc.add_link(b.id, c.id, "Lektier giver karakterer")
    return toc


def median_ms(action: Callable[[int], object], runs: int) -> float:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    for name, toc in (("3 elements", small()), ("60 elements", generated())):
        ui = ForandringsteoriApp(toc.model_copy(deep=True))
        target = ui.toc.elements[0].id
        index = [value for _, value in ui.element_choice.options].index(target)
        ui.element_choice.receive({"event": "change", "index": index})

        def edit(n: int, ui: ForandringsteoriApp = ui) -> None:
            ui.element_text.receive({"event": "submit", "value": f"Omdøbt element nr. {n}"})

        def baseline(n: int, toc: TheoryOfChange = toc) -> None:
            toc.elements[0].text = f"Omdøbt element nr. {n}"
            diagram(toc, validate(toc)).to_dict()

        app_ms = median_ms(edit, runs)
        base_ms = median_ms(baseline, max(5, runs // 3))
        print(
            f"{name}: app edit {app_ms:.1f} ms; baseline (validate + Altair diagram + to_dict) "
            f"{base_ms:.1f} ms; ratio {base_ms / app_ms:.0f}× faster"
        )


if __name__ == "__main__":
    main()
