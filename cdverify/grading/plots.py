"""The HTML report's figures: pure functions from the computed rows to SVG text, drawn with matplotlib
(html.py shows each as an `<img>` with a `data:` URI).

- the decay plot: strict A% and pass@1 by level (L0-L3), one line per configuration (agent, model);
- the framework plot: strict A% per framework, one line per configuration with a ±1 SE band (SE over runs);
- the marginal effects: the pooled Δ strict A% of each constraint, ±1 SEM bars.

matplotlib is an optional dependency (`cdverify[report]`), imported only here and only when a figure is drawn.
Figures are drawn on a bare `Figure` (no pyplot, no global backend, no state left behind) under a local
rc context: text stays text in the SVG (small, sharp at any zoom, escaped by matplotlib's XML writer), a
`$` in an agent's or model's name is never read as mathtext, and the output is byte-for-byte reproducible.
Colours are the Okabe-Ito palette, told apart by colour-blind readers; each line also has its own marker
and dash, so that no figure depends on colour alone.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdverify.grading.metrics import FrameworkRow, LevelRow, MarginalEffectRow
from cdverify.grading.records import CANONICAL_ORDER

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), without the yellow, too pale on white
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")
LEVELS = (0, 1, 2, 3)
WIDTH_IN = 7.2  # inches at 100 dpi: a figure beside a table fits a 1280 px page

Configuration = tuple[str, str]


def _rc() -> dict[Any, Any]:
    return {
        "svg.fonttype": "none",  # text as <text>, not paths
        "svg.hashsalt": "cdverify",  # reproducible ids: the same rows give the same bytes
        "text.parse_math": False,  # a `$` in an agent's name is text
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
    }


@dataclass(frozen=True)
class LineStyle:
    """Colour, marker and dash of a configuration's line: the triple differs between any two of the first
    56 configurations, and the colour alone between any two of the first 7."""

    color: str
    marker: str
    linestyle: str

    @classmethod
    def of(cls, index: int) -> LineStyle:
        return cls(
            PALETTE[index % len(PALETTE)],
            MARKERS[index % len(MARKERS)],
            DASHES[(index // len(PALETTE)) % len(DASHES)],
        )

    def plot(self, axis: Axes, x: Sequence[float], y: Sequence[float], label: str) -> None:
        axis.plot(x, y, label=label, color=self.color, marker=self.marker, linestyle=self.linestyle)


def _label(configuration: Configuration) -> str:
    return f"{configuration[0]} / {configuration[1]}"


def _svg(figure: Figure) -> str:
    """The figure as an SVG document: its `<svg>` element alone (no XML declaration, DOCTYPE or metadata)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_rc()):
        figure.savefig(buffer, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    text = buffer.getvalue()
    return text[text.index("<svg") :].strip()


def _figure(height_in: float, panels: int = 1) -> tuple[Figure, list[Axes]]:
    """A bare figure (no pyplot): call it inside the figure's rc context."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=100, layout="constrained")
    return figure, list(figure.subplots(1, panels, squeeze=False)[0])


def _percent_axis(axis: Axes, label: str) -> None:
    axis.set_ylim(-3, 103)  # a point at 0% or 100% is drawn whole
    axis.set_yticks(range(0, 101, 20))
    axis.set_ylabel(label)
    axis.yaxis.set_major_formatter("{x:.0f}%")


def _legend(figure: Figure, axis: Axes, count: int) -> None:
    """One legend under the panels, in as many columns as fit."""
    handles, labels = axis.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=min(count, 3), frameon=False)


def decay_svg(levels: Sequence[LevelRow]) -> str | None:
    """Strict A% and pass@1 by level, per configuration; None without level rows."""
    if not levels:
        return None
    import matplotlib

    configurations = sorted({(row.agent, row.model) for row in levels})
    by_key = {(row.agent, row.model, row.level): row for row in levels}
    with matplotlib.rc_context(_rc()):
        figure, (strict, passing) = _figure(3.4 + 0.2 * math.ceil(len(configurations) / 3), 2)
        for index, configuration in enumerate(configurations):
            present = [level for level in LEVELS if (*configuration, level) in by_key]
            rows = [by_key[(*configuration, level)] for level in present]
            style = LineStyle.of(index)
            style.plot(strict, present, [100 * row.strict_a for row in rows], _label(configuration))
            style.plot(passing, present, [100 * row.pass_at_1 for row in rows], _label(configuration))
        for axis, title, label in (
            (strict, "Strict A% by level", "strict A% (mean over tasks)"),
            (passing, "pass@1 by level", "pass@1 (mean over tasks)"),
        ):
            axis.set_title(title)
            axis.set_xticks(LEVELS, [f"L{level}" for level in LEVELS])
            axis.set_xlim(-0.2, 3.2)
            axis.set_xlabel("level")
            _percent_axis(axis, label)
        _legend(figure, strict, len(configurations))
    return _svg(figure)


def frameworks_svg(frameworks: Sequence[FrameworkRow]) -> str | None:
    """Strict A% per framework with a ±1 SE band, per configuration; None without framework rows."""
    if not frameworks:
        return None
    import matplotlib

    configurations = sorted({(row.agent, row.model) for row in frameworks})
    # frameworks in leaderboard order: best mean strict A% over the configurations first
    names = sorted(
        {row.framework for row in frameworks},
        key=lambda name: (-_mean([r.strict_a for r in frameworks if r.framework == name]), name),
    )
    by_key = {(row.agent, row.model, row.framework): row for row in frameworks}
    with matplotlib.rc_context(_rc()):
        figure, (axis,) = _figure(3.4 + 0.2 * math.ceil(len(configurations) / 3))
        for index, configuration in enumerate(configurations):
            positions = [i for i, name in enumerate(names) if (*configuration, name) in by_key]
            rows = [by_key[(*configuration, names[i])] for i in positions]
            values = [100 * row.strict_a for row in rows]
            low = [max(0.0, 100 * (row.strict_a - row.sem)) for row in rows]
            high = [min(100.0, 100 * (row.strict_a + row.sem)) for row in rows]
            style = LineStyle.of(index)
            axis.fill_between(positions, low, high, color=style.color, alpha=0.15, linewidth=0)
            style.plot(axis, positions, values, _label(configuration))
        axis.set_xticks(range(len(names)), names)
        axis.set_xlim(-0.3, len(names) - 0.7)
        axis.set_xlabel("framework (best mean strict A% first)")
        axis.set_title("Strict A% by framework, ±1 SE band (SE over runs)")
        _percent_axis(axis, "strict A% (mean over tasks)")
        _legend(figure, axis, len(configurations))
    return _svg(figure)


def effects_svg(effects: Sequence[MarginalEffectRow]) -> str | None:
    """The pooled marginal effect of each constraint, ±1 SEM; None without pooled rows."""
    pooled = [row for row in effects if row.agent is None]
    if not pooled:
        return None
    import matplotlib

    pooled.sort(key=lambda row: CANONICAL_ORDER.index(row.constraint))
    deltas = [100 * row.delta for row in pooled]
    errors = [100 * row.sem for row in pooled]
    with matplotlib.rc_context(_rc()):
        figure, (axis,) = _figure(1.4 + 0.45 * len(pooled))
        positions = range(len(pooled))
        colours = [PALETTE[1] if delta < 0 else PALETTE[0] for delta in deltas]
        axis.barh(positions, deltas, xerr=errors, color=colours, height=0.6, capsize=4,
                  error_kw={"ecolor": "#333333", "elinewidth": 1})  # fmt: skip
        axis.axvline(0, color="#333333", linewidth=0.8)
        axis.set_yticks(positions, [f"{row.constraint.value} (n={row.pairs})" for row in pooled])
        axis.invert_yaxis()  # canonical order from the top
        reach = max([abs(d) + e for d, e in zip(deltas, errors, strict=True)] + [10.0])
        axis.set_xlim(-min(100.0, reach * 1.15), min(100.0, reach * 1.15))
        axis.xaxis.set_major_formatter("{x:+.0f}")
        axis.set_xlabel("Δ strict A% (percentage points; constraint present - absent)")
        axis.set_title("Marginal effect of each constraint (matched pairs, pooled; ±1 SEM)")
        axis.grid(axis="y", visible=False)
    return _svg(figure)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
