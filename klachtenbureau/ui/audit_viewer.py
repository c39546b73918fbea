"""The audit viewer (logboek): who saw or changed what, when; filtered by complaint, user and period.

For the administrator, the director and the quality officer; the workflow
refuses anyone else and hides entries about confidential complaints from
whoever may not see those. The query runs off the UI thread.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, NotFoundError
from klachtenbureau.i18n import N_, _, format_datetime, format_number, ngettext
from klachtenbureau.ui import operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, MessageBar, fit_to_screen
from klachtenbureau.workflow import admin, audit_text, permissions
from klachtenbureau.workflow.personal_data import privacy
from klachtenbureau.workflow.upkeep.store import SYSTEM_LOGIN

PERIODS = {
    "today": N_("Vandaag"),
    "week": N_("Afgelopen 7 dagen"),
    "month": N_("Afgelopen 30 dagen"),
    "year": N_("Dit jaar"),
    "all": N_("Alles"),
}
def period_start(code: str, now: dt.datetime) -> dt.datetime | None:
    today = dt.datetime.combine(now.date(), dt.time.min)
    return {"today": today, "week": today - dt.timedelta(days=6), "month": today - dt.timedelta(days=29),
            "year": today.replace(month=1, day=1), "all": None}[code]


class AuditModel(QAbstractTableModel):
    """The lines found, newest first (the query already sorts and limits them)."""

    COLUMNS = (N_("Tijdstip"), N_("Gebruiker"), N_("Handeling"), N_("Klacht"), N_("Wijzigingen"))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[privacy.AuditRow] = []

    def set_rows(self, rows: list[privacy.AuditRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return format_datetime(row.at)
        if column == 1:
            return f"{row.user_name} ({row.login})" if row.user_name else row.login
        if column == 2:
            return row.action_label
        if column == 3:
            return row.complaint_number
        return audit_text.describe(row.action, row.changes)


class AuditViewer(QDialog):
    """Logboek. ``loaded`` is emitted each time a search has filled the table."""

    loaded = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Logboek: wie heeft wat bekeken of gewijzigd"))
        fit_to_screen(self, 980, 560)
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)

        filters = QHBoxLayout()
        form = QFormLayout()
        self.number = QLineEdit()
        self.number.setPlaceholderText(_("bijvoorbeeld K2026-0042"))
        self.number_field = Field(_("&Klachtnummer"), self.number, _("Klachtnummer"))
        form.addRow(self.number_field.label, self.number_field)
        filters.addLayout(form, 2)
        side = QFormLayout()
        self.user = QComboBox()
        self.user.setAccessibleName(_("Gebruiker"))
        self.period = QComboBox()
        self.period.setAccessibleName(_("Periode"))
        for code, label in PERIODS.items():
            self.period.addItem(_(label), code)
        self.period.setCurrentIndex(self.period.findData("month"))
        user_label, period_label = QLabel(_("&Gebruiker")), QLabel(_("&Periode"))
        user_label.setBuddy(self.user)
        period_label.setBuddy(self.period)
        side.addRow(user_label, self.user)
        side.addRow(period_label, self.period)
        filters.addLayout(side, 2)
        self.search_button = QPushButton(_("&Zoeken"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        filters.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(filters)

        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Logboekregels"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 180, 210, 95)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setAccessibleName(_("Aantal regels"))
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Sluiten"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if not permissions.can_read_audit(session.user):
            self.message.show_message(_("Het logboek mag alleen de beheerder, de directeur of de "
                                        "kwaliteitsmedewerker inzien."), "warning")
            for widget in (self.number, self.user, self.period, self.search_button):
                widget.setEnabled(False)
            return
        self.user.addItem(_("Iedereen"), "")
        for person in admin.all_users():
            self.user.addItem(f"{person.full_name} ({person.login})", person.login)
        self.user.addItem(_("Systeem (import, instellingen)"), SYSTEM_LOGIN)
        self.number.setFocus()
        self.search()

    def search(self) -> None:
        self.number_field.set_problem(None)
        self.message.clear()
        user, number = self.session.user, self.number.text().strip()
        login = self.user.currentData() or None
        since = period_start(self.period.currentData(), dt.datetime.now())
        self.search_button.setEnabled(False)
        self.summary.setText(_("Zoeken…"))

        def work() -> list[privacy.AuditRow]:
            complaint_id = privacy.complaint_id_for_number(number) if number else None
            return privacy.audit_history(user, complaint_id=complaint_id, login=login, since=since)

        operations.query(self, work, self._show, self._failed, always=lambda: self.search_button.setEnabled(True))

    def _show(self, rows: list[privacy.AuditRow]) -> None:
        self.model.set_rows(rows)
        text = ngettext("{n} regel", "{n} regels", len(rows)).format(n=format_number(len(rows)))
        if len(rows) >= privacy.HISTORY_LIMIT:
            text += " " + _("(de nieuwste; maak de zoekopdracht nauwer voor oudere regels)")
        self.summary.setText(text)
        self.loaded.emit(len(rows))

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.summary.clear()
        if isinstance(problem, NotFoundError):
            self.number_field.set_problem(problem.message)
            self.number.setFocus()
        else:
            self.message.show_message(problem.message, "error")
