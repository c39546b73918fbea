"""The dashboard tab: the figures of a period, with charts that open the inbox on a click.

The figures are computed in SQL off the UI thread (workflow.statistics via
ui.operations); while that runs the old figures stay on screen. Every few
seconds the inbox's cheap change detector (workflow.offline.changes) is asked whether
anyone saved something, and then the figures are computed again.
A click on a number or a bar emits ``filter_requested`` with the
``statistics.ComplaintFilter`` of exactly the complaints it counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_date, format_number, ngettext
from klachtenbureau.models.complaints import CHANNELS, COMPLAINT, INQUIRY, SATISFACTION, SEVERITIES, VERDICTS
from klachtenbureau.ui import operations
from klachtenbureau.ui.bar_chart import HORIZONTAL, VERTICAL, BarChart, FigureTile
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import periods, statistics
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.statistics import ComplaintFilter, Figures

DAY_CHECK_MS = 60_000
TILE_WIDTH = 170  # room for "1.604 / 225" in the big type
CUSTOM = "custom"
KIND_CHOICES = [(COMPLAINT, N_("Klachten")), (INQUIRY, N_("Navragen")), (None, N_("Alle meldingen"))]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def scope_text(f: Figures) -> str:
    """What the figures count, and why the board report or the status bar can show another number."""
    lines = [_("Alle cijfers tellen de meldingen die in deze periode zijn ontvangen, zoals ze nu staan.")]
    if f.not_shown:
        lines.append(ngettext(
            "{n} vertrouwelijke melding uit deze periode mag u niet zien en telt hier niet mee; het rapport voor "
            "het bestuur telt haar wel (alleen als aantal).",
            "{n} vertrouwelijke meldingen uit deze periode mag u niet zien en tellen hier niet mee; het rapport "
            "voor het bestuur telt ze wel (alleen als aantal).", f.not_shown).format(n=format_number(f.not_shown)))
    if f.overdue_anywhere != f.overdue:
        lines.append(ngettext(
            "De statusbalk telt alle meldingen die nu over tijd zijn, uit elke periode en van elke soort: "
            "{n} melding.",
            "De statusbalk telt alle meldingen die nu over tijd zijn, uit elke periode en van elke soort: "
            "{n} meldingen.", f.overdue_anywhere).format(n=format_number(f.overdue_anywhere)))
    return " ".join(lines)


class DashboardView(QWidget):
    """Figures and charts for a chosen period; clicking one asks for the inbox filtered on it."""

    filter_requested = Signal(object)  # statistics.ComplaintFilter
    refreshed = Signal()  # new figures are on screen

    def __init__(self, session: Session, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._today = today
        self.figures: Figures | None = None
        self._stale = False  # someone saved while the dashboard was not in view
        self._busy = False
        self._again = False

        self.period_choice = QComboBox()
        for code, label in periods.PRESETS.items():
            self.period_choice.addItem(_(label), code)
        self.period_choice.addItem(_("Aangepast…"), CUSTOM)
        self.period_choice.setAccessibleName(_("Periode"))
        self.period_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit, name in ((self.start_edit, _("Van")), (self.end_edit, _("Tot en met"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d-M-yyyy")
            edit.setAccessibleName(name)
            edit.setVisible(False)
        self.kind_choice = QComboBox()
        for code, label in KIND_CHOICES:
            self.kind_choice.addItem(_(label), code)
        self.kind_choice.setAccessibleName(_("Soort meldingen"))
        self.status = QLabel("")
        self.status.setObjectName("dashboardStatus")
        refresh = QPushButton(_("&Vernieuwen"))
        refresh.clicked.connect(self.refresh)
        self.period_title = QLabel("")
        self.period_title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1F4E79;")
        self.scope = QLabel("")  # why the report to the board or the status bar may show another number
        self.scope.setObjectName("dashboardScope")
        self.scope.setWordWrap(True)
        self.scope.setStyleSheet("color: #555;")

        bar = QHBoxLayout()
        period_label = QLabel(_("&Periode:"))
        period_label.setBuddy(self.period_choice)
        kind_label = QLabel(_("&Toon:"))
        kind_label.setBuddy(self.kind_choice)
        self._dash = QLabel("–")
        self._dash.setVisible(False)
        for widget in (period_label, self.period_choice, self.start_edit, self._dash, self.end_edit,
                       kind_label, self.kind_choice):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(refresh)

        self.tiles = {
            "received": FigureTile(_("Ontvangen"), _("Klik: toon alle ontvangen meldingen van deze soort")),
            "open": FigureTile(_("Nog open"), _("Klik: toon de meldingen die nog open staan")),
            "overdue": FigureTile(_("Te laat"), _("Klik: toon de meldingen die nu over de termijn zijn")),
            "ack": FigureTile(_("Ontvangst op tijd"), _("Klik: toon de te laat bevestigde meldingen")),
            "answered": FigureTile(_("Antwoord op tijd"), _("Klik: toon de te laat beantwoorde meldingen")),
            "median": FigureTile(_("Doorlooptijd tot antwoord"), _("Klik: toon de beantwoorde meldingen")),
            "kinds": FigureTile(_("Klachten / navragen"), _("Klik: toon alle meldingen, klachten én navragen")),
        }
        self.tile_grid = QGridLayout()
        self._place_tiles(len(self.tiles))
        choices = {"received": {}, "open": {"status_group": "open"}, "overdue": {"status_group": "overdue"},
                   "ack": {"status_group": "ack_late"}, "answered": {"status_group": "answered_late"},
                   "median": {"status_group": "answered"}}
        for name, choice in choices.items():
            self.tiles[name].clicked.connect(lambda choice=choice: self._request(**choice))
        self.tiles["kinds"].clicked.connect(self._request_all_kinds)

        self.charts = {
            "category": BarChart(_("Per categorie"), HORIZONTAL),
            "channel": BarChart(_("Per kanaal"), HORIZONTAL),
            "month": BarChart(_("Per maand"), VERTICAL),
            "severity": BarChart(_("Per ernst"), VERTICAL),
            "verdict": BarChart(_("Oordeel"), HORIZONTAL),
            "satisfaction": BarChart(_("Tevredenheid bij nazorg"), HORIZONTAL),
        }
        fields = {"category": "category_id", "channel": "channel", "month": "month", "severity": "severity",
                  "verdict": "verdict", "satisfaction": "satisfaction"}
        for name, field in fields.items():
            self.charts[name].bar_clicked.connect(lambda key, field=field: self._request(**{field: key}))
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(16)
        for i, name in enumerate(self.charts):
            grid.addWidget(self.charts[name], i // 2, i % 2, Qt.AlignmentFlag.AlignTop)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.period_title)
        inner.addWidget(self.scope)
        inner.addLayout(self.tile_grid)
        inner.addSpacing(8)
        inner.addLayout(grid)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        today = self.today()
        self.start_edit.setDate(QDate(today.year, 1, 1))
        self.end_edit.setDate(QDate(today.year, today.month, today.day))
        self.period_choice.currentIndexChanged.connect(self._period_changed)
        self.kind_choice.currentIndexChanged.connect(self.refresh)
        self.start_edit.dateChanged.connect(self.refresh)
        self.end_edit.dateChanged.connect(self.refresh)
        self.new_day = QTimer(self, interval=DAY_CHECK_MS)  # "today" moves on at midnight, without any save
        self.new_day.timeout.connect(self._check_day)
        session.changes.changed.connect(self._changed_elsewhere)
        session.changes.failed.connect(lambda problem: self._show_problem(problem.message))
        session.changes.watch(self)
        self.refresh()

    def _place_tiles(self, columns: int) -> None:
        for i, tile in enumerate(self.tiles.values()):
            self.tile_grid.addWidget(tile, i // columns, i % columns)
        self._tile_columns = columns

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # One row of tiles on a wide screen; two or more rows rather than cut-off numbers on a narrow one.
        columns = max(2, min(len(self.tiles), self.width() // TILE_WIDTH))
        if columns != self._tile_columns:
            for tile in self.tiles.values():
                self.tile_grid.removeWidget(tile)
            self._place_tiles(columns)

    # --- what is asked ------------------------------------------------------

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def period(self) -> Period:
        code = self.period_choice.currentData()
        if code == CUSTOM:
            return periods.custom_period(self.start_edit.date().toPython(), self.end_edit.date().toPython())
        return periods.preset(code, self.today())

    def kind(self) -> str | None:
        return self.kind_choice.currentData()

    def _period_changed(self) -> None:
        custom = self.period_choice.currentData() == CUSTOM
        for widget in (self.start_edit, self._dash, self.end_edit):
            widget.setVisible(custom)
        self.refresh()

    def _request(self, **choice: Any) -> None:
        if self.figures is not None:
            self.filter_requested.emit(self.figures.filter(**choice))

    def _request_all_kinds(self) -> None:
        if self.figures is not None:
            self.filter_requested.emit(ComplaintFilter(self.figures.period, None))

    # --- computing off the UI thread ----------------------------------------

    def refresh(self) -> None:
        """Compute the figures again (once more after the current run, if one is running)."""
        if self._busy:
            self._again = True
            return
        try:
            period = self.period()
        except KlachtenbureauError as exc:
            self._show_problem(exc.message)
            return
        self._busy = True
        self.status.setText(_("Bezig met berekenen…"))
        user, kind, today = self.session.user, self.kind(), self.today()

        operations.query(self, lambda: statistics.figures(user, period, kind, today), self._computed, self._failed,
                         always=lambda: setattr(self, "_busy", False))

    def _computed(self, figures: Figures) -> None:
        self.figures = figures
        self._show(figures)
        self.status.setStyleSheet("")
        self.status.setText(_("Bijgewerkt om {time}").format(time=dt.datetime.now().strftime("%H:%M")))
        if self._again:
            self._again = False
            self.refresh()
        else:
            self.refreshed.emit()

    def _failed(self, problem: KlachtenbureauError) -> None:
        self._again = False
        self._show_problem(problem.message)

    def _show_problem(self, message: str) -> None:
        self.status.setStyleSheet("color: #B3261E;")
        self.status.setText(message)

    def _changed_elsewhere(self) -> None:
        """Someone saved: figures in view are computed again, hidden ones when they come into view."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _check_day(self) -> None:
        if self.figures is not None and self.figures.today != self.today():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.new_day.start()
        if self._stale:
            self._stale = False
            self.refresh()
        else:
            self._check_day()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self.new_day.stop()

    # --- showing ------------------------------------------------------------

    def _show(self, f: Figures) -> None:
        what = {COMPLAINT: _("klachten"), INQUIRY: _("navragen"), None: _("meldingen")}[f.kind]
        self.period_title.setText(_("{what} ontvangen in {period}").format(
            what=what.capitalize(), period=f.period.label()))
        self.tiles["received"].set_value(format_number(f.received), what)
        self.tiles["open"].set_value(format_number(f.open), _("waarvan {n} te laat").format(n=f.overdue))
        self.tiles["overdue"].set_value(format_number(f.overdue), _("nu over de termijn"), alert=f.overdue > 0)
        self.scope.setText(scope_text(f))
        self.tiles["ack"].set_value(_pct(f.ack_on_time_pct), _("{n} van {total}").format(
            n=f.ack_on_time, total=f.ack_due))
        self.tiles["answered"].set_value(_pct(f.answered_on_time_pct), _("{n} van {total}").format(
            n=f.answered_on_time, total=f.answer_due))
        median = "–" if f.median_working_days is None else format_number(f.median_working_days)
        self.tiles["median"].set_value(median, _("werkdagen (mediaan)"))
        self.tiles["kinds"].set_value(f"{format_number(f.complaints)} / {format_number(f.inquiries)}",
                                      _("{n} meldingen").format(n=f.reports))
        many_years = len(f.by_month) > 12
        self.charts["category"].set_items(f.by_category)
        self.charts["channel"].set_items([(code, _(CHANNELS[code]), n) for code, n in f.by_channel.items()])
        self.charts["month"].set_items([(m, format_date(m, "MMM yy" if many_years else "MMM"), n)
                                        for m, n in f.by_month])
        self.charts["severity"].set_items([(code, _(SEVERITIES[code]), n) for code, n in f.by_severity.items()])
        self.charts["verdict"].set_items([(code, _(VERDICTS[code]), n) for code, n in f.verdicts.items()])
        self.charts["satisfaction"].set_items([(code, _(SATISFACTION[code]), n) for code, n in f.satisfaction.items()])
