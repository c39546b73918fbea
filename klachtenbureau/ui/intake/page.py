"""What every page of the intake wizard has in common.

A page shows part of one shared form (a report's JSON, the same dict the
draft stores: ``intake_support.default_fields``): ``read`` copies its
widgets into the dict, ``load`` fills its widgets from it; the fields are
named as the report's. Messages at the fields come from
``intake_support.page_problems``: a field's format is checked when the
telephonist leaves it, a message that is showing follows every keystroke
(and goes away once the input is right), and missing fields are only
pointed out when they try to go on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton, QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from klachtenbureau.i18n import _
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, RadioGroup
from klachtenbureau.workflow import intake_support


MAX_WIDTH = 900


@dataclasses.dataclass
class IntakeContext:
    """What the pages need from outside: who is working and the lists they choose from."""

    session: Session
    categories: list[tuple[int, str]]
    handovers: list[tuple[int, str]]
    today: dt.date

    @classmethod
    def load(cls, session: Session) -> IntakeContext:
        return cls(session, intake_support.category_choices(), intake_support.handover_choices(),
                   dt.date.today())


class IntakePage(QWidget):
    """One step of the wizard."""

    changed = Signal()
    key = ""
    title = ""  # N_-marked; translated when shown

    def __init__(self, context: IntakeContext, values: dict[str, Any]):
        super().__init__()
        self.context = context
        self.values = values
        self.fields: dict[str, Field] = {}
        self._loading = False
        # Long lines are hard to take in during a call: the form keeps a readable width on a wide screen.
        self.setMaximumWidth(MAX_WIDTH)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(16, 8, 8, 0)
        self.heading = QLabel(_(self.title))
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.outer.addWidget(self.heading)

    # --- to override -------------------------------------------------------------

    def read(self) -> None:
        """Copy the widgets into ``self.values``."""

    def load(self) -> None:
        """Fill the widgets from ``self.values`` (change signals are ignored meanwhile)."""

    def entered(self) -> None:
        """The page is about to be shown: adjust to what earlier pages chose."""

    def first_input(self) -> QWidget | None:
        return None

    def reload_lists(self) -> None:
        """The categories or the coordinators changed (management): offer the new lists."""

    def clear(self) -> None:
        """Forget what the page shows besides the form (search results and the like): a new report starts."""

    def ready_to_leave(self, go_on: Callable[[], None]) -> bool:
        """Whether the wizard may go on now. A page that first has something to ask returns False and calls
        ``go_on`` once it is answered."""
        return True

    # --- helpers -----------------------------------------------------------------

    def form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        return form

    def add_field(self, form: QFormLayout, name: str, field: Field) -> Field:
        self.fields[name] = field
        form.addRow(field.label, field)
        self.watch(field.editor, name)
        return field

    def watch(self, widget: QWidget, name: str = "") -> None:
        """Save and re-check on every change of ``widget``; check its format when it is left."""
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.on_change)
            if name:
                widget.editingFinished.connect(lambda: self.check_field(name))
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self.on_change)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.on_change)
        elif isinstance(widget, (QCheckBox, QAbstractButton)):
            widget.toggled.connect(self.on_change)
        elif isinstance(widget, RadioGroup):
            widget.changed.connect(self.on_change)

    def on_change(self) -> None:
        if self._loading:
            return
        self.read()
        self.follow_problems()
        self.changed.emit()

    def load_values(self) -> None:
        self._loading = True
        try:
            self.load()
        finally:
            self._loading = False
        for field in self.fields.values():
            field.set_problem(None)

    def problems(self) -> dict[str, str]:
        return intake_support.page_problems(self.key, self.values, self.context.today)

    def doubt(self) -> tuple[str, str] | None:
        return intake_support.page_doubt(self.key, self.values, self.context.today)

    def watch_date(self, name: str) -> None:
        """Under date field ``name``: the day in words, and the question when it is unlikely. Said dates
        ('vrijdag') become numbers when the field is left, so that they keep meaning the same day."""
        editor = self.fields[name].editor
        editor.textChanged.connect(lambda: self.show_date_hint(name))
        editor.editingFinished.connect(lambda: self._tidy_date(editor))

    def _tidy_date(self, editor: QLineEdit) -> None:
        tidy = intake_support.tidy_date(editor.text(), self.context.today)
        if tidy != editor.text():
            editor.setText(tidy)

    def show_date_hint(self, name: str) -> None:
        today = self.context.today
        doubt = intake_support.date_doubt(name, self.values, today)
        words = intake_support.date_hint(str(self.values.get(name, "")), today)
        self.fields[name].set_hint(". ".join(text for text in (words, doubt) if text), warning=bool(doubt))

    def follow_problems(self) -> None:
        """Update the messages that are showing (a corrected field loses its message at once)."""
        showing = [name for name, field in self.fields.items() if field.problem()]
        if showing:
            problems = self.problems()
            for name in showing:
                self.fields[name].set_problem(problems.get(name))

    def check_field(self, name: str) -> None:
        """The field's line edit was left: say at once if what was typed is not right (empty is for later)."""
        if self._loading or not self.fields[name].editor.text().strip():
            return
        self.fields[name].set_problem(self.problems().get(name))

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show every message at its field and put the cursor in the first one."""
        first = None
        for name, field in self.fields.items():
            field.set_problem(problems.get(name))
            if first is None and name in problems and field.isVisibleTo(self):
                first = field
        if first is not None:
            first.editor.setFocus()



def set_combo_data(combo: QComboBox, value: Any) -> None:
    """Select the item whose data is ``value`` (none selected when it is not there)."""
    combo.setCurrentIndex(combo.findData(value) if value is not None else -1)


def fill_combo(combo: QComboBox, items: list[tuple[Any, str]]) -> None:
    """Replace the items, keeping the chosen one if it is still there; no change signal."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for value, label in items:
        combo.addItem(label, value)
    set_combo_data(combo, chosen)
    combo.blockSignals(False)
