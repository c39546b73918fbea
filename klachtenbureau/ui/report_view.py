"""Rapportage: the half-year and annual board reports in the desk (seed 001 steps 6–7, seed 003).

Pick a period (the running one marked "loopt nog"), read the report as it will be printed, and write the office's
part: conclusions, own recommendations, the directors' decision on each recommendation, the management review.
The figures are gathered once per period, off the UI thread; an edit only lays the report out again, a moment
after typing stops, so the preview, the saved PDF and the printed one show what the form holds. Saving is
version-checked (workflow/report_reviews.py): when someone else saved first, the form keeps what was typed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea,
    QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, KlachtenbureauError
from klachtenbureau.i18n import _, format_datetime
from klachtenbureau.models.reviews import ADOPTED, DECISIONS
from klachtenbureau.reports.periodic_facts import PeriodicReport
from klachtenbureau.ui import operations
from klachtenbureau.ui.measure_dialog import NewMeasureDialog
from klachtenbureau.ui.printing import PREVIEW_DPI, PagePreview, choose_pdf_path, page_images, print_pdf
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, text_box
from klachtenbureau.workflow import permissions, periods, report_reviews, reporting
from klachtenbureau.workflow.report_reviews import Line, Review

PREVIEW_DELAY_MS = 1200  # laying out a report takes a moment: wait until typing stops
Made = tuple[bytes, list[QImage]]


def _made(report: PeriodicReport) -> Made:
    from klachtenbureau.reports import periodic  # the PDF stack loads with the first report (periodic_facts)

    pdf = periodic.render(report)
    return pdf, page_images(pdf, PREVIEW_DPI)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d-M-yyyy")
    return edit


class ReportView(QWidget):
    """The Rapportage tab: a period's report beside the form for the office's part of it."""

    loaded = Signal()  # a period's report and its part are on screen (or the reason they are not)
    preview_updated = Signal()  # the preview (and the PDF to save or print) shows the form as it is
    saved = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self.today = today or dt.date.today()
        self.can_decide = permissions.can_decide_recommendations(session.user)
        self.report: PeriodicReport | None = None
        self.review: Review | None = None  # as stored
        self.lines: list[Line] = []  # the recommendations as the form holds them
        self.generated: list[str] = []  # the figures' recommendations of the loaded period
        self.pdf: bytes | None = None
        self.measure_dialog: NewMeasureDialog | None = None
        self._current = False  # ``pdf`` shows the form as it is
        self._rendering = self._render_again = self._filling = False
        self._code = ""  # the period on screen

        self.period = QComboBox()
        self.period.setAccessibleName(_("Periode"))
        choices = reporting.report_periods(self.today)
        for period, running in choices:
            self.period.addItem(period.label() + (" " + _("(loopt nog)") if running else ""), period.code)
        self.period.setCurrentIndex(next((i for i, (_p, running) in enumerate(choices) if not running), 0))
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.pdf_button = QPushButton(_("PDF op&slaan…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton(_("A&fdrukken…"))
        self.print_button.clicked.connect(self.print_report)
        top = QHBoxLayout()
        top.addWidget(self._label(_("&Periode:"), self.period))
        top.addWidget(self.period)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.print_button)
        self.message = MessageBar(self)

        self.conclusions = text_box(_("Conclusies van het klachtenbureau"),
                                    _("Wat het klachtenbureau uit deze periode concludeert"), lines=3)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(_("Aanbevelingen"))
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([_("Aanbeveling"), _("Bron"), _("Besluit")])
        self.tree.setColumnWidth(0, 340)
        self.tree.setColumnWidth(1, 60)
        self.tree.setFixedHeight(112)
        self.tree.currentItemChanged.connect(lambda *_args: self._show_line())
        self.text = text_box(_("Tekst van de aanbeveling"), lines=2)
        self.decision = QComboBox()
        self.decision.addItem(_("nog geen besluit"), "")
        for code, label in DECISIONS.items():
            self.decision.addItem(_(label), code)
        self.decided_on = _date_edit()
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("bijvoorbeeld: besproken in het managementoverleg"))
        self.measure_label = QLabel()
        self.measure_label.setWordWrap(True)
        self.add_button = QPushButton(_("&Nieuwe aanbeveling"))
        self.remove_button = QPushButton(_("Ve&rwijderen"))
        self.measure_button = QPushButton(_("&Maatregel maken…"))
        self.measure_button.setToolTip(_("Van de overgenomen aanbeveling een verbetermaatregel maken (bron: "
                                         "directiebeoordeling)"))
        self.add_button.clicked.connect(self.add_recommendation)
        self.remove_button.clicked.connect(self.remove_recommendation)
        self.measure_button.clicked.connect(self.make_measure)
        self.reviewed = QCheckBox(_("Directiebeoordeling &gehouden op"))
        self.reviewed_on = _date_edit()
        self.review_conclusions = text_box(_("Conclusies van de directiebeoordeling"),
                                           _("Conclusies over de klachtbehandeling uit de systeembeoordeling"), lines=3)
        self.save_button = QPushButton(_("&Opslaan"))
        self.save_button.clicked.connect(lambda: self.save())
        self.updated = QLabel()
        self.updated.setStyleSheet("color: #555;")
        if not self.can_decide:
            for widget in (self.decision, self.decided_on, self.note):
                widget.setToolTip(_("Het besluit over een aanbeveling legt de directeur vast."))

        line_form = QFormLayout()
        line_form.addRow(self._label(_("Te&kst:"), self.text), self.text)
        decided = QHBoxLayout()
        decided.addWidget(self.decision, 1)
        decided.addWidget(self._label(_("&Datum:"), self.decided_on))
        decided.addWidget(self.decided_on)
        line_form.addRow(self._label(_("Bes&luit:"), self.decision), decided)
        line_form.addRow(self._label(_("Toel&ichting:"), self.note), self.note)
        line_form.addRow("", self.measure_label)
        line_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.measure_button):
            line_buttons.addWidget(button)
        line_buttons.addStretch(1)
        review_row = QHBoxLayout()
        review_row.addWidget(self.reviewed)
        review_row.addWidget(self.reviewed_on)
        review_row.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.updated, 1)
        save_row.addWidget(self.save_button)

        form = QWidget()
        column = QVBoxLayout(form)
        column.addWidget(self._label(_("&Conclusies van het klachtenbureau"), self.conclusions))
        column.addWidget(self.conclusions)
        column.addWidget(self._label(_("&Aanbevelingen (uit de cijfers en eigen)"), self.tree))
        column.addWidget(self.tree)
        column.addLayout(line_form)
        column.addLayout(line_buttons)
        column.addLayout(review_row)
        column.addWidget(self._label(_("Concl&usies van de directiebeoordeling"), self.review_conclusions))
        column.addWidget(self.review_conclusions)
        column.addStretch(1)
        column.addLayout(save_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        scroll.setMinimumWidth(560)
        self.preview = PagePreview()
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 720])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        save_action = QAction(self)
        save_action.setShortcut(QKeySequence.StandardKey.Save)
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(lambda: self.save())
        self.addAction(save_action)
        self.timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self._render)
        self.conclusions.textChanged.connect(self._changed)
        self.review_conclusions.textChanged.connect(self._changed)
        self.reviewed.toggled.connect(self._changed)
        self.reviewed_on.dateChanged.connect(self._changed)
        self.text.textChanged.connect(self._line_edited)
        self.decision.currentIndexChanged.connect(self._line_edited)
        self.decided_on.dateChanged.connect(self._line_edited)
        self.note.textChanged.connect(self._line_edited)
        self._enable(False)
        self._started = False  # the figures are gathered when the tab is first looked at, not at sign-in

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.load()

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # --- loading ----------------------------------------------------------------------------

    def _period_chosen(self) -> None:
        if not self.dirty():
            self.load()
            return
        chosen = self.period.currentIndex()
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData(self._code))
        self.period.blockSignals(False)

        self.ask_leave(lambda: self.period.setCurrentIndex(chosen), save_first=False)

    def ask_leave(self, leave: Callable[[], None], save_first: bool = True) -> None:
        """The form holds unsaved text: ``leave`` (another period, closing the desk) once it is saved (with
        ``save_first``) or thrown away, as the user chooses."""
        def discard() -> None:
            self.review = None  # nothing to keep
            leave()

        self.message.show_message(_("De wijzigingen in deze rapportage zijn nog niet opgeslagen."), "warning",
                                  [(_("&Opslaan"), lambda: self.save(leave if save_first else None)),
                                   (_("Wijzigingen &weggooien"), discard)])

    def load(self) -> None:
        """Gather the chosen period's report (off the UI thread) and show it with its stored part."""
        code, user, today = self.period.currentData(), self.session.user, self.today
        self._code = code
        self._enable(False)
        self.message.show_message(_("Het verslag wordt opgesteld…"))

        def work() -> tuple[PeriodicReport, Review, Made]:
            report, review = reporting.gather_with_review(user, periods.parse_period(code), today)
            return report, review, _made(report)

        def done(result: tuple[PeriodicReport, Review, Made]) -> None:
            if code != self.period.currentData():
                return  # another period was chosen meanwhile; its own load follows
            self.report, review, made = result
            self.generated = [line.text for line in review.recommendations if line.generated]
            self.message.clear()
            self._show(review, made)
            self.loaded.emit()

        def failed(problem: KlachtenbureauError) -> None:
            self.message.show_message(problem.message, "error")
            self.loaded.emit()

        operations.query(self, work, done, failed, session=self.session)

    def _show(self, review: Review, made: Made) -> None:
        """``review`` as stored, in the form, with the preview ``made`` of it."""
        row = max(self.tree.indexOfTopLevelItem(self.tree.currentItem()), 0)
        self.review = review
        self._filling = True
        self.conclusions.setPlainText(review.conclusions)
        self.review_conclusions.setPlainText(review.review_conclusions)
        self.reviewed.setChecked(review.reviewed_on is not None)
        self.reviewed_on.setDate(_qdate(review.reviewed_on or self.today))
        self.lines = list(review.recommendations)
        self.tree.clear()
        for line in self.lines:
            self.tree.addTopLevelItem(QTreeWidgetItem(self._columns(line)))
        self._filling = False
        self.updated.setText(_("Opgeslagen door {name}, {when}").format(
            name=review.updated_by, when=format_datetime(review.updated_at, "d MMM yyyy HH:mm"))
            if review.updated_at else _("Nog niets opgeslagen voor deze periode."))
        self._enable(True)
        if self.lines:
            self.tree.setCurrentItem(self.tree.topLevelItem(min(row, len(self.lines) - 1)))
        self._show_line()
        self._preview(made)

    def _columns(self, line: Line) -> list[str]:
        decision = _(DECISIONS[line.decision]) if line.decision else ""
        return [" ".join(line.text.split()), _("cijfers") if line.generated else _("eigen"), decision]

    def _enable(self, enabled: bool) -> None:
        for widget in (self.conclusions, self.tree, self.add_button, self.reviewed, self.review_conclusions,
                       self.save_button):
            widget.setEnabled(enabled)
        self.reviewed_on.setEnabled(enabled and self.reviewed.isChecked())
        if not enabled:
            for widget in (self.text, self.decision, self.decided_on, self.note, self.remove_button,
                           self.measure_button):
                widget.setEnabled(False)
            self._set_current(False)

    # --- the recommendations ------------------------------------------------------------------

    def _row(self) -> int:
        return self.tree.indexOfTopLevelItem(self.tree.currentItem()) if self.tree.currentItem() else -1

    def _show_line(self) -> None:
        row = self._row()
        line = self.lines[row] if 0 <= row < len(self.lines) else None
        self._filling = True
        self.text.setPlainText(line.text if line else "")
        self.text.setReadOnly(line is None or line.generated)
        self.text.setEnabled(line is not None)
        self.decision.setCurrentIndex(max(self.decision.findData(line.decision if line else ""), 0))
        self.decided_on.setDate(_qdate(line.decided_on if line and line.decided_on else self.today))
        self.note.setText(line.note if line else "")
        self._filling = False
        self._enable_line(line)

    def _enable_line(self, line: Line | None) -> None:
        decided = line is not None and bool(line.decision)
        self.decision.setEnabled(line is not None and self.can_decide)
        self.decided_on.setEnabled(decided and self.can_decide)
        self.note.setEnabled(decided and self.can_decide)
        stored = self.review and next((r for r in self.review.recommendations if line and r.id == line.id), None)
        self.remove_button.setEnabled(line is not None and not line.generated
                                      and (self.can_decide or not (stored and stored.decision)))
        self.measure_button.setEnabled(line is not None and line.decision == ADOPTED and line.measure_id is None)
        self.measure_label.setText(_("Verbetermaatregel: {title}").format(title=line.measure_title)
                                   if line is not None and line.measure_id else "")
        self.measure_label.setVisible(bool(self.measure_label.text()))

    def _line_edited(self) -> None:
        row = self._row()
        if self._filling or not 0 <= row < len(self.lines):
            return
        line, decision = self.lines[row], self.decision.currentData()
        self.lines[row] = dataclasses.replace(
            line, text=line.text if line.generated else self.text.toPlainText(), decision=decision,
            decided_on=self.decided_on.date().toPython() if decision else None,
            note=self.note.text() if decision else "")
        for column, text in enumerate(self._columns(self.lines[row])):
            self.tree.currentItem().setText(column, text)
        self._enable_line(self.lines[row])
        self._changed()

    def add_recommendation(self) -> None:
        self.lines.append(Line(""))
        self.tree.addTopLevelItem(QTreeWidgetItem(self._columns(self.lines[-1])))
        self.tree.setCurrentItem(self.tree.topLevelItem(len(self.lines) - 1))
        self.text.setFocus()
        self._changed()

    def remove_recommendation(self) -> None:
        row = self._row()
        if not 0 <= row < len(self.lines) or self.lines[row].generated:
            return
        del self.lines[row]
        self.tree.takeTopLevelItem(row)
        self._show_line()
        self.tree.setFocus()
        self._changed()

    # --- what the form holds --------------------------------------------------------------------

    def form_review(self) -> Review | None:
        if self.review is None:
            return None
        return dataclasses.replace(
            self.review, conclusions=self.conclusions.toPlainText(),
            review_conclusions=self.review_conclusions.toPlainText(),
            reviewed_on=self.reviewed_on.date().toPython() if self.reviewed.isChecked() else None,
            recommendations=list(self.lines))

    def dirty(self) -> bool:
        """The form holds something that is not stored."""
        return self.review is not None and self.form_review() != self.review

    def _changed(self) -> None:
        if self._filling:
            return
        self.reviewed_on.setEnabled(self.reviewed.isChecked())
        self._set_current(False)
        self.timer.start()

    def _set_current(self, current: bool) -> None:
        """Save as PDF and print only what the preview shows."""
        self._current = current
        for button in (self.pdf_button, self.print_button):
            button.setEnabled(current and self.pdf is not None)

    def _preview(self, made: Made) -> None:
        self.pdf, images = made
        self.preview.show_images(images)
        self._set_current(not self.timer.isActive())
        self.preview_updated.emit()

    def _render(self) -> None:
        if self._rendering:
            self._render_again = True
            return
        review, report = self.form_review(), self.report
        if review is None or report is None:
            return
        self._rendering = True

        def settled() -> bool:
            self._rendering = False
            if self._render_again:
                self._render_again = False
                self._render()
                return False
            return True

        def done(made: Made) -> None:
            if settled():
                self._preview(made)

        def failed(problem: KlachtenbureauError) -> None:
            if settled():
                self.message.show_message(problem.message, "error")

        operations.query(self, lambda: _made(reporting.with_review(report, review)), done, failed,
                         session=self.session)

    # --- saving -----------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Store the form's part (version-checked); ``then`` runs once it is stored."""
        review, report, user = self.form_review(), self.report, self.session.user
        if review is None or report is None:
            return
        self.save_button.setEnabled(False)
        self.message.show_message(_("Opslaan…"))
        self.timer.stop()

        def work() -> tuple[Review, Made]:
            saved = report_reviews.save(user, review)
            return saved, _made(reporting.with_review(report, saved))

        def done(result: tuple[Review, Made]) -> None:
            self._show(*result)
            self.message.show_message(_("De rapportage over {period} is opgeslagen.").format(
                period=self.period.currentText()), "success")
            self.saved.emit()
            if then is not None:
                then()

        def failed(problem: KlachtenbureauError) -> None:
            self.save_button.setEnabled(True)
            if isinstance(problem, ConflictError):
                self.message.show_message(_("Iemand anders heeft de rapportage over deze periode intussen opgeslagen. "
                                            "Uw tekst staat nog hier; neem over wat u wilt houden en laad dan "
                                            "opnieuw."), "warning", [(_("Opnieuw &laden"), self.reload_part)])
            else:
                self.message.show_message(problem.message, "error")

        operations.write(self, self.session, work, done, failed)

    def reload_part(self) -> None:
        """The stored part again (what someone else saved), without gathering the figures again."""
        report, user, code, generated = self.report, self.session.user, self._code, list(self.generated)
        if report is None:
            return

        def work() -> tuple[Review, Made]:
            review = report_reviews.load(user, code, generated)
            return review, _made(reporting.with_review(report, review))

        def done(result: tuple[Review, Made]) -> None:
            self.message.clear()
            self._show(*result)

        operations.query(self, work, done, self.message, session=self.session)

    # --- an adopted recommendation becomes a measure ----------------------------------------------

    def make_measure(self) -> None:
        row = self._row()
        if not 0 <= row < len(self.lines) or self.lines[row].decision != ADOPTED:
            return
        if self.dirty():  # the decision (or more) is in the form only: store it first, then the measure
            self.save(then=lambda: self._measure_dialog(row))
        else:
            self._measure_dialog(row)

    def _measure_dialog(self, row: int) -> None:
        line = self.lines[row]

        def create(user, title, owner, due_date, description, _source, _complaints):
            return report_reviews.make_measure(user, line, title, owner, due_date, description)

        dialog = NewMeasureDialog(self.session.user, [], "review", self, create=create)
        dialog.source.setEnabled(False)
        dialog.title.setText(" ".join(line.text.split())[:200])
        dialog.description.setPlainText(line.note)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._measure_made)
        self.measure_dialog = dialog
        dialog.open()

    def _measure_made(self) -> None:
        self.message.show_message(_("De verbetermaatregel is gemaakt; u vindt hem in Verbetermaatregelen."),
                                  "success")
        self.session.changes.announce()
        self.reload_part()

    # --- out of the door ------------------------------------------------------------------------------

    def save_pdf(self) -> None:
        if self.pdf is None or not self._current or self.report is None:
            return
        path = choose_pdf_path(self, f"{self.report.title}.pdf")
        if path is None:
            return
        try:
            path.write_bytes(self.pdf)
        except OSError as exc:
            self.message.show_message(_("Het bestand kon niet worden opgeslagen: {reason}").format(
                reason=exc.strerror or exc), "error")
            return
        self.message.show_message(_("Opgeslagen in {path}.").format(path=path), "success")

    def print_report(self) -> None:
        if self.pdf is not None and self._current:
            print_pdf(self, self.pdf, self.message)
