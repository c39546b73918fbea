"""Choosing a file or a folder: in the desk's language, starting in the user's Documents.

Qt's static ``QFileDialog.get…`` functions start in the program's folder when
given only a file name, and their labels ("Files of type") stay English
whenever Qt's own catalogue is missing. Every file dialog of the desk comes
from here instead: the labels are ours (and translated with the rest), and a
bare file name is suggested in Documents.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from klachtenbureau.i18n import _


def documents_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def in_documents(start: str) -> str:
    """``start`` (a path, a bare file name or nothing) as a full path; a name or nothing is put in Documents."""
    path = Path(start)
    return str(path if path.is_absolute() else documents_folder() / path)


def file_dialog(parent: QWidget | None, title: str, start: str, name_filter: str = "",
                mode: QFileDialog.FileMode = QFileDialog.FileMode.AnyFile, save: bool = False) -> QFileDialog:
    dialog = QFileDialog(parent, title, in_documents(start), name_filter)
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("Zoeken in:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileName,
                        _("&Map:") if mode == QFileDialog.FileMode.Directory else _("Bestands&naam:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("Bestands&type:"))
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Op&slaan") if save else (
        _("&Kiezen") if mode == QFileDialog.FileMode.Directory else _("&Openen")))
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, _("Annuleren"))
    return dialog


def _chosen(dialog: QFileDialog) -> list[str]:
    return dialog.selectedFiles() if dialog.exec() == QDialog.DialogCode.Accepted else []


def save_file_name(parent: QWidget | None, title: str, start: str, name_filter: str) -> str:
    """Where to save; ``start`` is the path or the file name to suggest. Empty when cancelled."""
    return next(iter(_chosen(file_dialog(parent, title, start, name_filter, save=True))), "")


def open_file_names(parent: QWidget | None, title: str, name_filter: str) -> list[str]:
    """One or more existing files, looked for from Documents; empty when cancelled."""
    return _chosen(file_dialog(parent, title, "", name_filter, QFileDialog.FileMode.ExistingFiles))


def open_file_name(parent: QWidget | None, title: str, name_filter: str) -> str:
    """One existing file, looked for from Documents; empty when cancelled."""
    return next(iter(_chosen(file_dialog(parent, title, "", name_filter, QFileDialog.FileMode.ExistingFile))), "")


def existing_folder(parent: QWidget | None, title: str, start: str) -> str:
    """A folder, looked for from ``start`` (else Documents). Empty when cancelled."""
    return next(iter(_chosen(file_dialog(parent, title, start, mode=QFileDialog.FileMode.Directory))), "")
