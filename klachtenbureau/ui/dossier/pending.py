"""What this PC holds for one complaint: its queued writes (workflow/offline/write_queue) and input kept at a crash.

Two bars of the dossier window. The first says which steps and contact moments
wait on this PC for the database, and holds the next step back while one
waits; a write the database refused later is offered to fill in again, copy or
throw away. The second offers input that was kept on this PC (drafts.keep_input)
when the desk crashed or the dossier closed without the database, until the
user says it is dealt with.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from klachtenbureau.i18n import _, format_datetime, ngettext
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow.offline import drafts, write_queue

if TYPE_CHECKING:
    from klachtenbureau.ui.dossier_window import DossierWindow


class PendingWork(QObject):
    """The bars of the queued writes and the kept input of the complaint ``window`` shows."""

    def __init__(self, window: DossierWindow):
        super().__init__(window)
        self.window = window
        self.pending_bar = MessageBar()  # steps of this complaint waiting on this PC, or refused later
        self.kept_bar = MessageBar()  # input kept on this PC when the desk crashed

    def _number(self) -> str | None:
        return self.window.dossier.complaint.number if self.window.dossier is not None else None

    def _waiting(self) -> list[write_queue.PendingWrite]:
        number = self._number()
        return [] if number is None else write_queue.for_complaint(self.window.session.database_url, number)

    def show_pending(self) -> None:
        """What of this complaint waits on this PC; a step that waits holds the next one back."""
        items = self._waiting()
        refused = [item for item in items if item.problem]
        waiting = [item for item in items if not item.problem]
        if refused:
            item = refused[0]
            text = _("{what} van {time} is niet opgeslagen: {problem} Uw invoer is bewaard.").format(
                what=write_queue.label(item), time=format_datetime(dt.datetime.fromisoformat(item.created_at)),
                problem=item.problem)
            self.pending_bar.show_message(text, "warning", [
                (_("Opnieuw &invullen"), lambda: self._fill_in_again(item)),
                (_("Tekst &kopiëren"), lambda: self._copy(write_queue.text(item))),
                (_("Weg&gooien"), lambda: self._discard(item))])
        elif waiting:
            self.pending_bar.show_message(ngettext(
                "Wacht op de database: {what}. Bewaard op deze computer; wordt vanzelf opgeslagen.",
                "Wachten op de database: {what}. Bewaard op deze computer; worden vanzelf opgeslagen.",
                len(waiting)).format(what="; ".join(write_queue.label(item) for item in waiting)), "info")
        else:
            self.pending_bar.clear()
        if any(write_queue.blocks_steps(item) for item in items):
            for button in self.window.step_buttons.values():
                button.setEnabled(False)
                button.setToolTip(_("Eerst moet de stap die op deze computer wacht, worden opgeslagen."))

    def _fill_in_again(self, item: write_queue.PendingWrite) -> None:
        window = self.window
        values = item.payload.get("form") or {}
        if item.action == "contact":
            window.add_contact(values, replaces=item.operation_id)
        elif window.dossier is not None and item.action in window.dossier.actions:
            window.run_step(item.action, values, replaces=item.operation_id)
        else:
            window.message.show_message(_("Deze stap kan nu niet meer. Uw eerdere invoer:") + "\n\n"
                                        + write_queue.text(item), "warning")
        self.show_pending()

    def _copy(self, text: str) -> None:
        QApplication.clipboard().setText(text)
        self.window.message.show_message(_("De tekst staat op het klembord."), "info")

    def _discard(self, item: write_queue.PendingWrite) -> None:
        answer = QMessageBox.question(self.window, _("Weggooien?"), _(
            "{what} is niet opgeslagen. Wilt u uw invoer weggooien?").format(what=write_queue.label(item)))
        if answer == QMessageBox.StandardButton.Yes:
            write_queue.discard(item.operation_id)
            self.show_pending()

    def show_kept(self) -> None:
        """Input this PC kept for this complaint when the desk crashed: offered until the user deals with it."""
        number = self._number()
        if number is None:
            return
        kept = drafts.kept_inputs(self.window.session.database_url, number)
        if not kept:
            self.kept_bar.clear()
            return
        first = kept[0]
        when = format_datetime(dt.datetime.fromisoformat(first.saved_at))
        self.kept_bar.show_message(
            _("Invoer van {time} die niet is opgeslagen, is op deze computer bewaard:").format(time=when)
            + "\n\n" + first.text, "warning",
            [(_("Tekst &kopiëren"), lambda: self._copy(first.text)),
             (_("Kl&aar"), lambda: (drafts.drop_input(first), self.show_kept()))])

    def save_unsaved_work(self) -> bool:
        """Keep what was typed in the window and not saved (the crash handler asks); True if there was any."""
        number = self._number()
        if number is None:
            return False
        form = self.window.form
        texts = []
        changed = form.changed_fields() if form.has_unsaved_changes() else {}
        if changed:
            texts.append(_("Registratie") + ":\n" + form.describe(changed))
        for child in self.window.findChildren(FormDialog):
            if child.isVisible() and child.changed_values():
                texts.append(child.windowTitle() + ":\n" + child.describe(child.changed_values()))
        if texts:
            drafts.keep_input(self.window.session.database_url, number, "\n\n".join(texts))
        return bool(texts)
