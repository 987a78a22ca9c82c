"""App "Stil krav til videnskvalitet": how the comparison group changes an effect estimate.

A workshop participant picks the comparison group for the 185 participants of the National
Supported Work (NSW) job-training experiment, either the experiment's own randomised controls or
LaLonde's non-experimental CPS sample, and the estimator (difference in means or
regression-adjusted difference). The app shows the estimated effect on 1978 earnings with its
95 % confidence interval against the experimental benchmark (the difference in means between
the randomised groups), as an Altair chart and one Danish sentence.

LaLonde (1986), "Evaluating the Econometric Evaluations of Training Programs with Experimental
Data", American Economic Review 76(4): 604–620; Dehejia & Wahba (1999), JASA 94: 1053–1062.

Data and estimators come from :mod:`vidensbasering.data` and :mod:`vidensbasering.effects`; each
data set and each estimate is computed once per kernel (they are cached), so that changing a
choice only redraws. Every text shown comes from the ``videnskvalitet`` section of the UI catalog.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

import altair as alt
import ipywidgets as widgets
import pandas as pd
from babel.numbers import format_decimal
from IPython.display import display

from vidensbasering import charts, data, effects
from vidensbasering.data import Group
from vidensbasering.effects import Estimate, Method
from vidensbasering.i18n import t

#: The benchmark: the experiment's own difference in means (randomised controls).
BENCHMARK: tuple[Group, Method] = ("experiment", "difference")

#: Locale for numbers shown in text (the chart's locale comes from :mod:`vidensbasering.charts`).
TEXT_LOCALE = "da_DK"

MINUS = "\u2212"
#: vega-embed options: SVG (crisp, and readable by screen readers and tests), no action menu
#: (its links lead to the public Vega editor).
EMBED_OPTIONS = {"renderer": "svg", "actions": False}
CHART_WIDTH = 560
ESTIMATE_COLOUR = charts.PALETTE[4]  # blue
BENCHMARK_COLOUR = charts.PALETTE[5]  # vermillion


@cache
def sample(group: Group) -> pd.DataFrame:
    """Return :func:`vidensbasering.data.comparison_sample` for ``group``, loaded once per process.

    The cached frame is shared: treat it as read-only.
    """
    return data.comparison_sample(group)


@cache
def cached_estimate(group: Group, method: Method) -> Estimate:
    """Return the effect of NSW on 1978 earnings (USD) for one comparison group and estimator.

    Args:
        group: ``"experiment"`` (randomised controls) or ``"cps"`` (CPS comparison sample).
        method: ``"difference"`` (difference in means) or ``"regression"`` (regression-adjusted).

    Returns:
        :class:`vidensbasering.effects.Estimate` with a 95 % confidence interval, computed once.

    Raises:
        ValueError: unknown group or method (from :mod:`vidensbasering.data` / ``effects``).
    """
    return effects.estimate(sample(group), method)


def benchmark() -> Estimate:
    """Return the experimental benchmark: the difference in means in the randomised experiment."""
    return cached_estimate(*BENCHMARK)


def format_usd(amount: float) -> str:
    """Format an amount in whole USD the Danish way, e.g. ``-1794.6`` -> ``"−1.795 USD"``.

    Thousands are grouped with ``.`` (CLDR da-DK, via Babel); negative amounts take the minus
    sign U+2212, as the chart's axis does.
    """
    text = format_decimal(round(amount), format="#,##0", locale=TEXT_LOCALE)
    return f"{text.replace('-', MINUS)} USD"


def choice_label(group: Group, method: Method) -> str:
    """Return the Danish label of one choice e.g. ``"CPS: regressionsjusteret"``."""
    return t(
        "videnskvalitet.choice_label",
        group=t(f"videnskvalitet.group_{group}_short"),
        method=t(f"videnskvalitet.method_{method}_short"),
    )


def domain_key() -> list[str]:
    """What the axis range depends on: the estimators' and data code, and library versions."""
    sources = [Path(module.__file__).read_bytes() for module in (effects, data)]
    versions = [metadata.version(d) for d in ("statsmodels", "pandas", "causaldata")]
    return [hashlib.sha256(b"".join(sources)).hexdigest(), *versions]


def axis_domain(estimates: list[Estimate], margin: float = 0.08) -> tuple[float, float]:
    """Return an x-axis range (USD) that holds every interval and zero, widened by ``margin``.

    A fixed range across all choices lets the participant see the estimate move.

    Raises:
        ValueError: ``estimates`` is empty.
    """
    if not estimates:
        raise ValueError("axis_domain needs at least one estimate")
    low = min(0.0, *(e.ci_low for e in estimates))
    high = max(0.0, *(e.ci_high for e in estimates))
    pad = (high - low) * margin
    return low - pad, high + pad


def effect_chart(
    result: Estimate,
    label: str,
    reference: Estimate,
    domain: tuple[float, float] | None = None,
) -> alt.TopLevelMixin:
    """Chart one estimate with its confidence interval against the benchmark.

    Args:
        result: the estimate to show (point and interval), in USD.
        label: the Danish label of the chosen comparison group and estimator (the subtitle).
        reference: the experimental benchmark, drawn as a vertical dashed line.
        domain: x-axis range in USD; by default fitted to ``result``, ``reference`` and zero.

    Returns:
        A styled (da-DK, course palette) layered Altair chart: a rule for the interval, a point
        for the estimate, a dashed rule with a caption for the benchmark, a thin rule at zero.
    """
    if domain is None:
        domain = axis_domain([result, reference])
    x_title = t("videnskvalitet.axis_effect")
    scale = alt.Scale(domain=list(domain), nice=False, zero=False)
    rows = pd.DataFrame(
        {
            "label": [label],
            "estimate": [result.estimate],
            "ci_low": [result.ci_low],
            "ci_high": [result.ci_high],
        }
    )
    y = alt.Y("label:N", title=None, axis=None)
    tooltip = [
        alt.Tooltip("estimate:Q", title=t("videnskvalitet.tooltip_estimate"), format=",.0f"),
        alt.Tooltip("ci_low:Q", title=t("videnskvalitet.tooltip_ci_low"), format=",.0f"),
        alt.Tooltip("ci_high:Q", title=t("videnskvalitet.tooltip_ci_high"), format=",.0f"),
    ]
    base = alt.Chart(rows)
    interval = base.mark_rule(strokeWidth=3, color=ESTIMATE_COLOUR).encode(
        x=alt.X(
            "ci_low:Q",
            title=x_title,
            scale=scale,
            axis=alt.Axis(format=",.0f", tickCount=8, labelOverlap=True),
        ),
        x2="ci_high:Q",
        y=y,
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=160, color=ESTIMATE_COLOUR, opacity=1).encode(
        x=alt.X("estimate:Q", scale=scale), y=y, tooltip=tooltip
    )
    caption = t("videnskvalitet.benchmark_caption", value=format_usd(reference.estimate))
    marks = pd.DataFrame(
        {"x": [0.0, reference.estimate], "kind": ["zero", "benchmark"], "caption": ["", caption]}
    )
    lines = alt.Chart(marks)
    zero = lines.transform_filter(alt.datum.kind == "zero").mark_rule(color="#999999")
    bench = lines.transform_filter(alt.datum.kind == "benchmark")
    bench_rule = bench.mark_rule(color=BENCHMARK_COLOUR, strokeDash=[6, 4], strokeWidth=2)
    bench_text = bench.mark_text(
        color=BENCHMARK_COLOUR, align="right", baseline="top", dx=-6, y=4, fontSize=12
    ).encode(text="caption:N")
    chart = alt.layer(
        zero.encode(x=alt.X("x:Q", scale=scale)),
        bench_rule.encode(x=alt.X("x:Q", scale=scale)),
        bench_text.encode(x=alt.X("x:Q", scale=scale)),
        interval,
        point,
    ).properties(
        width=CHART_WIDTH,
        height=110,
        title=alt.Title(t("videnskvalitet.chart_title"), subtitle=label, anchor="start"),
    )
    return charts.style(chart)


def summary(result: Estimate, reference: Estimate) -> str:
    """Return the Danish sentence under the chart: estimate, 95 % interval, gap to the benchmark."""
    return t(
        "videnskvalitet.summary",
        estimate=format_usd(result.estimate),
        low=format_usd(result.ci_low),
        high=format_usd(result.ci_high),
        benchmark=format_usd(reference.estimate),
        gap=format_usd(result.estimate - reference.estimate),
        n_treated=format_decimal(result.n_treated, locale=TEXT_LOCALE),
        n_control=format_decimal(result.n_control, locale=TEXT_LOCALE),
    )


class VidenskvalitetApp:
    """The app's widgets: two choices, the chart (in an ``ipywidgets.Output``) and the summary.

    Attributes:
        group: toggle buttons for the comparison group (values ``"experiment"``, ``"cps"``).
        method: toggle buttons for the estimator (values ``"difference"``, ``"regression"``).
        chart_output: the ``Output`` widget holding the chart.
        text: HTML widget with the Danish summary sentence (or the error message).
        widget: the whole app, ready to ``display``.
    """

    def __init__(self) -> None:
        charts.use_offline_renderer()
        # The chart widget is created once and its spec replaced on each change; it takes its
        # JavaScript from vl-convert, like the offline renderer.
        alt.JupyterChart.enable_offline()
        self.group = widgets.ToggleButtons(
            options=[(t(f"videnskvalitet.group_{g}"), g) for g in data.GROUPS],
            value=BENCHMARK[0],
            description=t("videnskvalitet.group_label"),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.method = widgets.ToggleButtons(
            options=[(t(f"videnskvalitet.method_{m}"), m) for m in effects.METHODS],
            value=BENCHMARK[1],
            description=t("videnskvalitet.method_label"),
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.chart_output = widgets.Output()
        self.text = widgets.HTML()
        self._view: alt.JupyterChart | None = None
        self._domain: tuple[float, float] | None = None
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<h1>{t('videnskvalitet.title')}</h1>"),
                widgets.HTML(f"<p>{t('videnskvalitet.intro')}</p>"),
                self.group,
                self.method,
                self.chart_output,
                self.text,
                widgets.HTML(f"<p><small>{t('videnskvalitet.source')}</small></p>"),
            ]
        )
        self.group.observe(self._on_change, names="value")
        self.method.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, _change: object) -> None:
        self.update()

    def domain(self) -> tuple[float, float]:
        """Return the fixed x-axis range: every group × estimator interval (computed once)."""
        if self._domain is None:

            def compute() -> list[float]:
                every = [cached_estimate(g, m) for g in data.GROUPS for m in effects.METHODS]
                return list(axis_domain(every))

            # The regression's interval needs statsmodels (0.6 s, 40 MiB): computed once per
            # installation, so a participant's kernel imports it only if they choose it.
            low, high = charts.cached_json("videnskvalitet-axis", domain_key(), compute)
            self._domain = (float(low), float(high))
        return self._domain

    def update(self) -> None:
        """Redraw the chart and the summary for the current choices."""
        group, method = self.group.value, self.method.value
        try:
            result, reference = cached_estimate(group, method), benchmark()
            chart = effect_chart(result, choice_label(group, method), reference, self.domain())
        except (data.DataUnavailableError, data.DataFormatError, ValueError) as error:
            self.text.value = f"<p><strong>{t('common.error_prefix')}</strong> {error}</p>"
            return
        if self._view is None:
            self._view = alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)
            with self.chart_output:
                display(self._view)
        else:
            self._view.chart = chart
        self.text.value = f"<p>{summary(result, reference)}</p>"


def app() -> widgets.Widget:
    """Build the app and return its top widget, as shown by the app notebook."""
    return VidenskvalitetApp().widget
