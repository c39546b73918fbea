"""The improvement measures tab (verbetermaatregelen; seed 001 steps 4–5, seed 004 step 4).

A table of the register with overdue measures in red, filters for mine /
overdue / awaiting check, and beside it the chosen measure: its owner edits
it and reports it implemented with the team informed; the quality officer
records how effectiveness was checked and the conclusion; not effective sends
it back to the owner. A save against a measure someone else changed meanwhile
is refused plainly; "Opnieuw laden" brings in their version and keeps what
this user typed in the fields they changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _, format_date, ngettext
from klachtenbureau.models import Measure
from klachtenbureau.models.measures import MEASURE_SOURCES, MEASURE_STATUSES
from klachtenbureau.ui import operations
from klachtenbureau.ui.measure_dialog import NewMeasureDialog, error_label, fill_owners
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import measures, permissions
from klachtenbureau.workflow.measures import MeasureRow

COLUMNS = [N_("Maatregel"), N_("Bron"), N_("Eigenaar"), N_("Streefdatum"), N_("Status"), N_("Team geïnformeerd"),
           N_("Klachten")]
OVERDUE_BACKGROUND = QColor("#FBE3E1")
OVERDUE_TEXT = QColor("#B3261E")
DONE_TEXT = QColor("#777777")


class MeasuresModel(QAbstractTableModel):
    """The rows of the register as the workflow listed them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[MeasureRow] = []

    def set_rows(self, rows: list[MeasureRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        m = row.measure
        if role == Qt.ItemDataRole.DisplayRole:
            return [m.title, _(MEASURE_SOURCES.get(m.source, m.source)), row.owner_name,
                    format_date(m.due_date, "d MMM yyyy"), _(MEASURE_STATUSES.get(m.status, m.status)),
                    _("ja") if m.team_informed else _("nee"), complaints_text(row)][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and row.overdue:
            return _("Over de streefdatum")
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            return QBrush(OVERDUE_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
            return QBrush(OVERDUE_TEXT)
        if role == Qt.ItemDataRole.ForegroundRole and m.status == "effective":
            return QBrush(DONE_TEXT)
        if role == Qt.ItemDataRole.FontRole and row.overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return m.id
        return None


NO_DATE = QDate(1900, 1, 1)  # the due-date box's "nothing chosen"


def complaints_text(row: MeasureRow) -> str:
    """The numbers of the linked complaints this user may see; the others only counted (issue 13)."""
    unseen = ngettext("{n} vertrouwelijke klacht", "{n} vertrouwelijke klachten", row.unseen).format(n=row.unseen)
    return ", ".join([*row.complaint_numbers, *([unseen] if row.unseen else [])])


class MeasuresView(QWidget):
    """The register of improvement measures with the chosen measure's details."""

    loaded = Signal()  # the list on screen is up to date

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.measure: Measure | None = None
        self._loaded_values: dict[str, Any] = {}
        self._owners = {u.id: u for u in measures.active_owners()}

        self.view_buttons = QButtonGroup(self)
        bar = QHBoxLayout()
        for i, (code, label) in enumerate(measures.VIEWS.items()):
            button = QPushButton(_(label))
            button.setCheckable(True)
            button.setProperty("view", code)
            button.setChecked(i == 0)
            self.view_buttons.addButton(button, i)
            bar.addWidget(button)
        self.view_buttons.idClicked.connect(lambda _id: self.reload())
        bar.addStretch(1)
        self.new_button = QPushButton(_("&Nieuwe maatregel…"))
        self.new_button.clicked.connect(lambda: self.new_measure())
        self.new_button.setEnabled(permissions.is_manager(session.user))
        bar.addWidget(self.new_button)

        self.model = MeasuresModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._select(current))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self._detail())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self._show_measure(None)
        self.reload()

    # --- the detail panel -----------------------------------------------------

    def _detail(self) -> QWidget:
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.source = QComboBox()
        for code, label in MEASURE_SOURCES.items():
            self.source.addItem(_(label), code)
        self.owner = QComboBox()
        fill_owners(self.owner, list(self._owners.values()), None)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d-M-yyyy")
        self.due.setMinimumDate(NO_DATE)
        self.due.setSpecialValueText(" ")  # nothing chosen: an empty box, not Qt's 1-1-2000
        self.due.setDate(NO_DATE)
        self.team_informed = QCheckBox(_("Het team is op de hoogte gebracht"))
        self.status_label = QLabel("")
        self.complaints_label = QLabel("")
        self.complaints_label.setWordWrap(True)
        self.message = error_label()
        self.reload_button = QPushButton(_("Opnieuw &laden"))
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self._reload_after_conflict)
        self.save_button = QPushButton(_("&Opslaan"))
        self.save_button.clicked.connect(self.save)
        self.implement_button = QPushButton(_("Gemeld als &ingevoerd"))
        self.implement_button.clicked.connect(self.implement)

        form = QFormLayout()
        for text, widget in ((_("&Titel"), self.title), (_("Om&schrijving"), self.description),
                             (_("&Bron"), self.source), (_("&Eigenaar"), self.owner), (_("Stree&fdatum"), self.due)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", self.team_informed)
        form.addRow(_("Status"), self.status_label)
        form.addRow(_("Klachten"), self.complaints_label)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.implement_button, self.reload_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.check_box = QGroupBox(_("Toetsing van de effectiviteit"))
        self.check_method = QPlainTextEdit()
        self.check_method.setTabChangesFocus(True)
        self.check_method.setFixedHeight(60)
        self.check_conclusion = QPlainTextEdit()
        self.check_conclusion.setTabChangesFocus(True)
        self.check_conclusion.setFixedHeight(60)
        self.effective_button = QPushButton(_("&Effectief"))
        self.not_effective_button = QPushButton(_("Niet effectief, &terug naar eigenaar"))
        self.effective_button.clicked.connect(lambda: self.record_check(True))
        self.not_effective_button.clicked.connect(lambda: self.record_check(False))
        check_form = QFormLayout(self.check_box)
        for text, widget in ((_("&Hoe getoetst"), self.check_method), (_("&Conclusie"), self.check_conclusion)):
            label = QLabel(text)
            label.setBuddy(widget)
            check_form.addRow(label, widget)
        check_buttons = QHBoxLayout()
        check_buttons.addWidget(self.effective_button)
        check_buttons.addWidget(self.not_effective_button)
        check_buttons.addStretch(1)
        check_form.addRow(check_buttons)

        panel = QGroupBox(_("Maatregel"))
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.message)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.check_box)
        right.addStretch(1)
        layout = QHBoxLayout(panel)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        return panel

    def _form_values(self) -> dict[str, Any]:
        return {"title": self.title.text(), "description": self.description.toPlainText(),
                "source": self.source.currentData(), "owner": self.owner.currentData(),
                "due_date": self.due.date().toPython(), "team_informed": self.team_informed.isChecked()}

    def _fill(self, values: dict[str, Any]) -> None:
        self.title.setText(values["title"])
        self.description.setPlainText(values["description"])
        self.source.setCurrentIndex(max(self.source.findData(values["source"]), 0))
        if self.owner.findData(values["owner"]) < 0:  # an owner who has left stays visible on their measures
            self.owner.addItem(values.get("owner_name", "?"), values["owner"])
        self.owner.setCurrentIndex(self.owner.findData(values["owner"]))
        due = values["due_date"]
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.team_informed.setChecked(values["team_informed"])

    @staticmethod
    def _values_of(measure: Measure) -> dict[str, Any]:
        return {"title": measure.title, "description": measure.description, "source": measure.source,
                "owner": measure.owner_id, "due_date": measure.due_date, "team_informed": measure.team_informed}

    def _show_measure(self, row: MeasureRow | None) -> None:
        self.measure = row.measure if row else None
        self._clear_message()
        editable = row is not None and row.readable and permissions.can_edit_measure(self.session.user, row.measure)
        for widget in (self.title, self.description, self.source, self.owner, self.due, self.team_informed,
                       self.save_button):
            widget.setEnabled(editable)
        if row is None:
            self.title.clear()
            self.description.clear()
            self.source.setCurrentIndex(-1)
            self.owner.setCurrentIndex(-1)
            self.due.setDate(NO_DATE)
            self.team_informed.setChecked(False)
            self.status_label.setText("")
            self.complaints_label.setText("")
            self.implement_button.setEnabled(False)
            self.check_box.setVisible(False)
            return
        m = row.measure
        self._loaded_values = self._values_of(m)
        self._fill({**self._loaded_values, "owner_name": row.owner_name})
        status = _(MEASURE_STATUSES.get(m.status, m.status))
        if row.overdue:
            status += " — " + _("over de streefdatum")
        self.status_label.setText(status)
        self.status_label.setStyleSheet("color: #B3261E; font-weight: bold;" if row.overdue else "")
        self.complaints_label.setText(complaints_text(row) or "–")
        self.implement_button.setEnabled(editable and m.status in measures.ACTIVE_STATUSES)
        checking = m.status == "implemented" and row.readable and permissions.can_check_measure(self.session.user)
        self.check_box.setVisible(checking or bool(m.check_conclusion))
        for widget in (self.check_method, self.check_conclusion, self.effective_button, self.not_effective_button):
            widget.setEnabled(checking)
        self.check_method.setPlainText("" if checking else m.check_method)
        self.check_conclusion.setPlainText("" if checking else m.check_conclusion)

    def _select(self, index: QModelIndex) -> None:
        self._show_measure(self.model.rows[index.row()] if index.isValid() else None)

    # --- loading ------------------------------------------------------------------

    def current_view(self) -> str:
        return self.view_buttons.checkedButton().property("view")

    def show_measure(self, measure_id: int) -> None:
        """The whole register, with ``measure_id`` chosen (a line of Mijn werk was opened)."""
        self.view_buttons.button(0).setChecked(True)
        self.reload(select_id=measure_id)

    def reload(self, select_id: int | None = None) -> None:
        """Read the register again (off the UI thread), keeping the chosen measure chosen."""
        keep = select_id if select_id is not None else (self.measure.id if self.measure else None)
        user, view, today = self.session.user, self.current_view(), dt.date.today()

        def work() -> tuple[list[MeasureRow], dict[str, int]]:
            return measures.list_measures(user, view, today), measures.view_counts(user, today)

        operations.query(self, work, lambda result: self._loaded(*result, keep),
                         lambda problem: self._show_message(problem.message))

    def _loaded(self, rows: list[MeasureRow], counts: dict[str, int], keep: int | None) -> None:
        self.model.set_rows(rows)
        for button in self.view_buttons.buttons():
            code = button.property("view")
            button.setText(f"{_(measures.VIEWS[code])} ({counts[code]})")
        wanted = next((i for i, row in enumerate(rows) if row.measure.id == keep), None)
        if wanted is not None:
            self.table.selectRow(wanted)
        else:
            self._show_measure(None)
        self.loaded.emit()

    # --- acting -------------------------------------------------------------------

    def _show_message(self, text: str, conflict: bool = False) -> None:
        self.message.setText(text)
        self.message.setVisible(True)
        self.reload_button.setVisible(conflict)

    def _clear_message(self) -> None:
        self.message.setVisible(False)
        self.reload_button.setVisible(False)

    def _act(self, action: Any) -> None:
        """Run one write; show an expected problem plainly, keep the form as typed."""
        if self.measure is None:
            return
        try:
            action(self.measure)
        except ConflictError as exc:
            self._show_message(exc.message, conflict=True)
            return
        except ValidationError as exc:
            self._show_message(" ".join(exc.errors.values()) or exc.message)
            return
        except KlachtenbureauError as exc:
            self._show_message(exc.message)
            return
        self.reload(self.measure.id)

    def save(self) -> None:
        values = self._form_values()
        changed = {name: value for name, value in values.items() if value != self._loaded_values.get(name)}
        if changed:
            self._act(lambda m: measures.update(self.session.user, m, changed))

    def implement(self) -> None:
        def action(m: Measure) -> None:
            changed = {name: value for name, value in self._form_values().items()
                       if value != self._loaded_values.get(name)}
            changed.pop("team_informed", None)
            if changed:
                measures.update(self.session.user, m, changed)
            measures.implement(self.session.user, m, self.team_informed.isChecked())

        self._act(action)

    def record_check(self, effective: bool) -> None:
        self._act(lambda m: measures.record_check(self.session.user, m, self.check_method.toPlainText(),
                                                  self.check_conclusion.toPlainText(), effective))

    def _reload_after_conflict(self) -> None:
        """Bring in the stored version; fields this user changed keep what they typed."""
        if self.measure is None:
            return
        typed = self._form_values()
        mine = {name for name, value in typed.items() if value != self._loaded_values.get(name)}
        try:
            fresh = measures.get_measure(self.session.user, self.measure.id)
        except KlachtenbureauError as exc:
            self._show_message(exc.message)
            return
        row = next((r for r in self.model.rows if r.measure.id == fresh.id), None)
        owner_name = self._owners[fresh.owner_id].full_name if fresh.owner_id in self._owners else "?"
        self._show_measure(MeasureRow(fresh, owner_name, row.complaint_numbers if row else (),
                                      measures.is_overdue(fresh, dt.date.today()), unseen=row.unseen if row else 0))
        if mine:
            self._fill({**self._values_of(fresh), **{name: typed[name] for name in mine}})
            self._show_message(_("De maatregel is opnieuw geladen. Uw eigen wijzigingen staan er nog; controleer "
                                 "ze en sla opnieuw op."))

    def new_measure(self, complaint_ids: list[int] | None = None, source: str = "complaint") -> Measure | None:
        """Open the dialog for a new measure, filled with these complaints (for the inbox's selection)."""
        dialog = NewMeasureDialog(self.session.user, measures.complaint_numbers(complaint_ids or []), source, self)
        if dialog.exec() and dialog.created is not None:
            self.reload(dialog.created.id)
            return dialog.created
        return None
