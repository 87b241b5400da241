"""Bar charts drawn on the server as SVG: every bar's position worked out here, so the template
only places shapes. No script draws them, so they work without JavaScript and print as shown.

Following the GOV.UK data-visualisation guidance: bars start at zero, are labelled directly with
their values where there is room, use the brand blue, and come with the same data as a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WIDTH = 640  # the SVG's own units, drawn at this size in pixels unless the column is narrower
MIN_WIDTH = 300
SLOT_WIDTH = 52  # a few bars stay narrow rather than stretch across the page
COUNT_SPACE = 24  # above the tallest bar, for its count
PLOT_HEIGHT = 110
LABEL_SPACE = 44  # below the baseline, for one or two lines of axis labels
BAR_SHARE = 0.7  # of each bar's slot; the rest is the gap between bars
MAX_BAR_WIDTH = 56
MIN_SLOT_FOR_COUNT = 26  # narrower bars leave their counts to the table and the tooltip
LABEL_WIDTH = {"year": 40, "month": 30}  # room one axis label needs


@dataclass
class ChartPoint:
    """One bar's data: the short axis label, the full name of the period, its count and link."""

    label: str
    name: str
    count: int
    url: str | None
    sublabel: str = ""  # a second line under the axis label: the year under January


@dataclass
class Bar:
    point: ChartPoint
    x: float
    y: float
    width: float
    height: float
    slot_x: float
    slot_width: float
    centre: float
    show_label: bool
    show_count: bool

    @property
    def description(self) -> str:
        """What a screen reader and the tooltip say: "2019: 12 posts"."""
        return f"{self.point.name}: {self.point.count} {'post' if self.point.count == 1 else 'posts'}"


@dataclass
class BarChart:
    id: str
    caption: str
    period_heading: str  # the table's first column: Year or Month
    bars: list[Bar]
    width: int = MAX_WIDTH
    undated: int = 0  # posts left out for want of a date
    height: int = COUNT_SPACE + PLOT_HEIGHT + LABEL_SPACE
    baseline: int = COUNT_SPACE + PLOT_HEIGHT


def bar_chart(chart_id: str, caption: str, unit: str, points: list[ChartPoint], undated: int = 0) -> BarChart:
    """Lay out one bar per point across the chart's width, heights in proportion to the counts."""
    width = min(MAX_WIDTH, max(MIN_WIDTH, SLOT_WIDTH * len(points)))
    slot = width / max(1, len(points))
    bar_width = min(MAX_BAR_WIDTH, slot * BAR_SHARE)
    every = max(1, math.ceil(LABEL_WIDTH[unit] / slot))  # label every n-th bar when they are narrow
    tallest = max((p.count for p in points), default=0) or 1
    baseline = COUNT_SPACE + PLOT_HEIGHT
    bars = []
    for i, point in enumerate(points):
        height = PLOT_HEIGHT * point.count / tallest
        if point.count and height < 2:
            height = 2  # a post is always visible
        slot_x = i * slot
        centre = slot_x + slot / 2
        bars.append(
            Bar(
                point,
                round(centre - bar_width / 2, 2),
                round(baseline - height, 2),
                round(bar_width, 2),
                round(height, 2),
                round(slot_x, 2),
                round(slot, 2),
                round(centre, 2),
                show_label=i % every == 0 or bool(point.sublabel),
                show_count=bool(point.count) and slot >= MIN_SLOT_FOR_COUNT,
            )
        )
    return BarChart(chart_id, caption, "Year" if unit == "year" else "Month", bars, width, undated)
