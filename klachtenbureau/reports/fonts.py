"""The shipped fonts and colour profile every document uses.

Liberation Sans (SIL OFL, see resources/fonts/LICENSE.txt) is embedded as a
subset in every PDF: an archive copy must look the same in thirty years on a
PC that has none of our fonts. ReportLab's built-in Helvetica is never used,
because it is not embedded.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources"
FONT_DIR = RESOURCES / "fonts"
SRGB_PROFILE = RESOURCES / "icc" / "sRGB.icc"

REGULAR = "KB-Sans"
BOLD = "KB-Sans-Bold"
ITALIC = "KB-Sans-Italic"

_FILES = {REGULAR: "LiberationSans-Regular.ttf", BOLD: "LiberationSans-Bold.ttf",
          ITALIC: "LiberationSans-Italic.ttf"}
_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the fonts with ReportLab once per process (parsing them takes tens of milliseconds)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, file in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        # <b> and <i> in paragraphs pick the right face; bold italic falls back to bold.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True


def srgb_profile() -> bytes:
    return SRGB_PROFILE.read_bytes()
