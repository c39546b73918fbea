"""The language of the desk: our gettext catalogue and Qt's own translations.

The language is a setting of this PC (``language`` in the settings file,
'nl' by default), applied once at start before the first window opens.
Qt's catalogue (``qtbase_nl.qm``) makes the standard buttons and dialogs
("Annuleren", "Ja", the file dialog) speak the same language; the default
QLocale makes date fields and calendars show Dutch day and month names.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from klachtenbureau import config, i18n

DEFAULT = "nl"

_installed: list[QTranslator] = []


def configured_language() -> str:
    """The language chosen for this PC; an unknown value falls back to Dutch."""
    value = config.load().language
    return value if value in i18n.LANGUAGES else DEFAULT


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install(app: QCoreApplication, language: str | None = None) -> bool:
    """Switch our strings, Qt's strings and the default locale to ``language`` (default: the setting).

    Returns whether Qt's own catalogue for it was found; without it the
    standard dialogs stay English, which is not worth refusing to start for.
    """
    chosen = language or configured_language()
    uninstall(app)
    i18n.set_language(chosen)
    QLocale.setDefault(QLocale(i18n.locale()))
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{chosen}", str(qt_translations_dir())):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def uninstall(app: QCoreApplication) -> None:
    """Back to the untranslated state: Dutch strings, Qt's built-in English, the system's locale."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(DEFAULT)
    QLocale.setDefault(QLocale.system())
