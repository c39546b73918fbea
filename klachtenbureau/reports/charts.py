"""Charts for the periodic reports, drawn with reportlab.graphics in the embedded font.

Every text in a chart is set in the shipped Liberation Sans (reports/fonts.py):
ReportLab's chart defaults use Helvetica, which is not embedded and would
spoil the PDF/A archive copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from klachtenbureau.i18n import format_number
from klachtenbureau.reports import fonts
from klachtenbureau.reports.layout import ACCENT, GREY

PALETTE = [ACCENT, colors.HexColor("#9DB9D5"), colors.HexColor("#E08E2B"), colors.HexColor("#6A9F58")]
LABEL_SIZE = 7.5
MAX_LABEL = 42


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = fonts.REGULAR  # the renderer starts every drawing in this font, not Helvetica
    drawing.initialFontSize = LABEL_SIZE
    return drawing


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _nice_max(value: float) -> tuple[float, float]:
    """An axis maximum a little above ``value`` and a round step for about five grid lines."""
    if value <= 0:
        return 1, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value / step <= 5:
            top = step * (int(value // step) + 1)
            return top, step
    step = 10 ** len(str(int(value)))
    return step, step / 5


def _style_axes(chart: VerticalBarChart | HorizontalBarChart | HorizontalLineChart, top: float, step: float,
                bottom: float = 0) -> None:
    chart.valueAxis.valueMin = bottom
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = _number
    chart.valueAxis.labels.fontName = fonts.REGULAR
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labels.fillColor = GREY
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.strokeWidth = 0.4
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E2E2E2")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.labels.fontName = fonts.REGULAR
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.strokeColor = GREY
    chart.categoryAxis.strokeWidth = 0.4


def _title(drawing: Drawing, title: str, width: float, height: float) -> None:
    if title:
        drawing.add(String(0, height - 10, title, fontName=fonts.BOLD, fontSize=9, fillColor=ACCENT))


def _number(value: float) -> str:
    return format_number(round(value))


def _value_labels(chart: VerticalBarChart | HorizontalBarChart) -> None:
    chart.barLabelFormat = _number
    chart.barLabels.fontName = fonts.REGULAR
    chart.barLabels.fontSize = LABEL_SIZE - 0.5
    chart.barLabels.fillColor = colors.black


def horizontal_bars(labels: Sequence[str], values: Sequence[int], width: float, title: str = "") -> Drawing:
    """One bar per label, labels on the left: for categories with long names."""
    fonts.register()
    shown = [_short(label) for label in labels] or ["–"]
    numbers = list(values) or [0]
    bar_space = 13
    label_width = max(stringWidth(label, fonts.REGULAR, LABEL_SIZE) for label in shown) + 8
    height = bar_space * len(shown) + 38
    drawing = _drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 16
    chart.width, chart.height = width - label_width - 24, bar_space * len(shown)
    chart.data = [list(reversed(numbers))]
    chart.categoryAxis.categoryNames = list(reversed(shown))
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].fillColor = ACCENT
    chart.bars.strokeColor = None
    chart.barSpacing = 2
    top, step = _nice_max(max(numbers))
    _style_axes(chart, top, step)
    _value_labels(chart)
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def vertical_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], width: float,
                  height: float = 150, title: str = "") -> Drawing:
    """Bars per label, one colour per series (e.g. this year against last year), with a legend."""
    fonts.register()
    drawing = _drawing(width, height)
    _title(drawing, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 40, height - 28 - (30 if title else 16) - (12 if len(series) > 1 else 0)
    chart.data = [list(values) or [0] for _, values in series] or [[0]]
    chart.categoryAxis.categoryNames = list(labels) or ["–"]
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    chart.bars.strokeColor = None
    chart.groupSpacing = 6
    chart.barSpacing = 1
    top, step = _nice_max(max(max(values) for values in chart.data))
    _style_axes(chart, top, step)
    _value_labels(chart)
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.dy = 2
    if len(labels) * len(chart.data) > 14:  # too crowded for a number on every bar: only on the main series
        chart.barLabelFormat = "values"
        chart.barLabelArray = [[_number(v) if i == 0 else "" for v in values] for i, values in enumerate(chart.data)]
    drawing.add(chart)
    if len(series) > 1:
        _legend(drawing, [name for name, _ in series], chart.x, height - (24 if title else 10))
    return drawing


def percent_floor(values: Sequence[float]) -> int:
    """Where a percentage axis should start so that 94 and 100 look different: a round ten below the lowest value.

    0 when the values spread over more than half the axis anyway. A chart that starts above 0 must say so.
    """
    floor = 10 * int((min(values) - 1) // 10)
    return floor if floor >= 50 else 0


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], width: float,
               height: float = 140, title: str = "", maximum: float | None = 100, minimum: float = 0) -> Drawing:
    """Lines over the years, e.g. the percentage answered on time; a missing value leaves a gap."""
    fonts.register()
    drawing = _drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 30, 22
    chart.width, chart.height = width - 45, height - 22 - (30 if title else 16) - 12
    # A line needs two points: a series with fewer known values is drawn as dots only.
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    chart.joinedLines = int(all(sum(v is not None for v in values) >= 2 for _, values in series))
    for i in range(len(series)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.5
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=PALETTE[i % len(PALETTE)],
                                           strokeColor=None)
    values = [v for _, vs in series for v in vs if v is not None]
    if maximum:
        span = maximum - minimum
        top, step = maximum, next(s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 6 or s == 50)
    else:
        top, step = _nice_max(max(values or [1]))
    _style_axes(chart, top, step, minimum)
    drawing.add(chart)
    _legend(drawing, [name for name, _ in series], chart.x, height - (24 if title else 10), lines=True)
    return drawing


def _legend(drawing: Drawing, names: list[str], x: float, y: float, lines: bool = False) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = fonts.REGULAR
    legend.fontSize = LABEL_SIZE
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = (12, 2) if lines else (7, 7)
    legend.deltax = max(stringWidth(name, fonts.REGULAR, LABEL_SIZE) for name in names) + 28
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(names)]
    legend.strokeColor = None
    legend.boxAnchor = "nw"
    drawing.add(legend)
