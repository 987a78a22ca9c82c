"""Benchmark: validation and layout of a 60-element theory of change (a large municipal strategy).

Target (issue: theory of change): validation + layout < 50 ms. Baselines measured in the same run:

- validation: a naive checker of the same graph rules (every simple cycle listed with
  ``nx.simple_cycles``, one ``nx.descendants`` per activity and one ``nx.ancestors`` per outcome,
  duplicate texts by comparing every pair). The library does one strongly-connected-components pass
  and two multi-source breadth-first searches. Both must flag the same elements.
- layout: the same layout without crossing reduction (model order), which shows what the
  barycentric ordering costs and how many crossings it removes.

Run: ``.venv/bin/python benchmarks/theory_of_change.py [--runs 200]``; prints medians (ms), ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import networkx as nx

from vidensbasering.theory_of_change import (
    CHAIN,
    ElementKind,
    Indicator,
    TheoryOfChange,
    diagram,
    layout,
    validate,
)
from vidensbasering.theory_of_change.validation import to_graph


def generated(seed: int = 2026, per_kind: int = 12) -> TheoryOfChange:
    """A 60-element strategy (12 per kind) with ~100 links and a few planted problems."""
    rng = random.Random(seed)
    toc = TheoryOfChange(
        title="Kommunal strategi for udsatte voksne (genereret)",
        problem_statement="Genereret til måling af hastighed.",
        target_group="Udsatte voksne",
        context="En opdigtet kommune",
    )
    ids: list[list[str]] = []
    for kind in CHAIN:
        column = []
        for n in range(per_kind):
            indicators = (
                [
                    Indicator(
                        what=f"Mål {n}", how="Skema", when="Årligt", who="Team", data_source="X"
                    )
                ]
                if kind.is_outcome
                else []
            )
            element = toc.add_element(
                kind, f"{kind.label.capitalize()} nummer {n} i strategien", indicators=indicators
            )
            column.append(element.id)
        ids.append(column)
    pairs: set[tuple[str, str]] = set()
    # Every element but the planted problems gets a way forward, so most of the chain is sound.
    for c in range(len(CHAIN) - 1):
        for n, source in enumerate(ids[c]):
            if c == 1 and n == per_kind - 1:
                continue  # planted: an activity that leads nowhere
            pairs.add((source, rng.choice(ids[c + 1][:-1] if c == 2 else ids[c + 1])))
    while len(pairs) < 100:
        c = rng.randrange(len(CHAIN) - 1)
        d = min(len(CHAIN) - 1, c + rng.choice([1, 1, 2]))
        source = rng.choice(ids[c][:-1] if c == 1 else ids[c])
        target = rng.choice(ids[d][:-1] if d == 3 else ids[d])
        pairs.add((source, target))
    # planted: a loop between two short-term outcomes; the last short-term outcome is unreachable
    # except from a long-term outcome (a backward arrow).
    pairs |= {(ids[3][0], ids[3][1]), (ids[3][1], ids[3][0]), (ids[4][0], ids[3][-1])}
    toc.element(ids[2][5]).text = toc.element(ids[2][4]).text.upper()  # planted: duplicate text
    for source, target in sorted(pairs):
        toc.add_link(source, target, f"Antagelse: {source} fører til {target}")
    assert len(toc.elements) == 5 * per_kind
    return toc


def naive_graph_findings(toc: TheoryOfChange) -> dict[str, set[str]]:
    """The baseline: same graph rules, done the obvious way."""
    graph = to_graph(toc)
    kinds = {e.id: e.kind for e in toc.elements}
    in_cycles = {n for cycle in nx.simple_cycles(graph) for n in cycle}
    outcomes = [n for n in graph if kinds[n].is_outcome]
    activities = [n for n in graph if kinds[n] is ElementKind.ACTIVITY]
    no_outcome = {a for a in activities if not any(o in nx.descendants(graph, a) for o in outcomes)}
    unreachable = {o for o in outcomes if not any(a in nx.ancestors(graph, o) for a in activities)}
    duplicates = {
        a.id
        for a in toc.elements
        for b in toc.elements
        if a.id != b.id
        and " ".join(a.text.casefold().split()) == " ".join(b.text.casefold().split())
    }
    return {
        "cycle": in_cycles,
        "activity_without_outcome": no_outcome,
        "unreachable_outcome": unreachable,
        "duplicate_text": duplicates,
    }


def library_graph_findings(toc: TheoryOfChange) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {rule: set() for rule in naive_graph_findings(toc)}
    for finding in validate(toc):
        if finding.rule in found:
            found[finding.rule] |= set(finding.elements)
    return found


def median_ms(function: Callable[[], object], runs: int) -> float:
    function()  # warm caches (catalog, imports)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measurement")
    args = parser.parse_args()

    toc = generated()
    library, naive = library_graph_findings(toc), naive_graph_findings(toc)
    assert library == naive, (library, naive)
    planted = {rule: len(ids) for rule, ids in library.items()}

    v_lib = median_ms(lambda: validate(toc), args.runs)
    v_naive = median_ms(lambda: naive_graph_findings(toc), args.runs)
    l_lib = median_ms(lambda: layout(toc), args.runs)
    l_base = median_ms(lambda: layout(toc, reduce_crossings=False), args.runs)
    both = median_ms(lambda: (validate(toc), layout(toc)), args.runs)
    geo = layout(toc)
    spec_runs = max(10, args.runs // 10)
    d_spec = median_ms(lambda: diagram(toc, validate(toc), geometry=geo).to_dict(), spec_runs)

    print(f"theory of change: {len(toc.elements)} elements, {len(toc.links)} links; "
          f"flagged by graph rules (library = naive): {planted}")  # fmt: skip
    print(f"median of {args.runs} runs, ms")
    print(f"  validate (library, all rules)        {v_lib:8.2f}")
    print(f"  naive graph rules (baseline)         {v_naive:8.2f}   ratio naive/library "
          f"{v_naive / v_lib:5.1f}x")  # fmt: skip
    print(f"  layout with barycentric ordering     {l_lib:8.2f}   crossings {geo.crossings}")
    base_crossings = layout(toc, reduce_crossings=False).crossings
    print(f"  layout in model order (baseline)     {l_base:8.2f}   crossings {base_crossings}"
          f"   ratio library/baseline {l_lib / l_base:5.1f}x")  # fmt: skip
    verdict = "meets" if both < 50 else "MISSES"
    print(f"  validate + layout                    {both:8.2f}   {verdict} the 50 ms target")
    print(f"  diagram spec (Altair to_dict), {spec_runs} runs {d_spec:8.2f}   (for reference)")


if __name__ == "__main__":
    main()
