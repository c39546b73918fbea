"""The main window: tabs for intake, inbox, dashboard and measures."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from klachtenbureau.i18n import _


class MainWindow(QMainWindow):
    def __init__(self, database_url: str):
        super().__init__()
        self.setWindowTitle("Klachtenbureau")
        tabs = QTabWidget()
        for title in (_("Nieuwe melding"), _("Postvak"), _("Dashboard"), _("Verbetermaatregelen")):
            tabs.addTab(QLabel(title), title)
        self.setCentralWidget(tabs)
        self.statusBar().showMessage(_("Database: {url}").format(url=database_url))
        self.resize(1100, 720)
