"""Starting the GUI: the Qt application, the database, the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from klachtenbureau import config
from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _
from klachtenbureau.workflow import demo, store


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Klachtenbureau")
    url = config.database_url(args.db)
    try:
        store.open_database(url, create=args.demo or url == config.default_database_url())
        if args.demo and not store.has_complaints():
            demo.generate(300, seed=1)
    except KlachtenbureauError as exc:
        QMessageBox.critical(None, "Klachtenbureau", exc.message)
        return 1
    from klachtenbureau.ui.main_window import MainWindow

    window = MainWindow(url)
    window.show()
    return app.exec()
