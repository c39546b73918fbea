"""Clickable bar charts and figure tiles for the dashboard, painted with QPainter.

PySide6-Essentials has no QtCharts, and these charts need little: labelled
bars, a value on each, a hover highlight and a click (or Enter on the
keyboard-selected bar) that says which bar was chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from klachtenbureau.i18n import _, format_number

ACCENT = QColor("#1F4E79")
HOVER = QColor("#3A78B5")
GRID = QColor("#E2E2E2")
MUTED = QColor("#666666")
ALERT = QColor("#B3261E")

HORIZONTAL = "horizontal"
VERTICAL = "vertical"


class BarChart(QWidget):
    """Bars with a label and a value; emits ``bar_clicked(key)`` when one is clicked or chosen with Enter."""

    bar_clicked = Signal(object)

    ROW = 20  # height of one horizontal bar's row
    PAD = 8

    def __init__(self, title: str, orientation: str = HORIZONTAL, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.orientation = orientation
        self.items: list[tuple[object, str, int]] = []
        self.current = -1  # keyboard selection
        self.hovered = -1
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)

    def set_items(self, items: Sequence[tuple[object, str, int]]) -> None:
        """(key, label, value) per bar, in the order to show them."""
        self.items = list(items)
        self.current = min(self.current, len(self.items) - 1)
        self.hovered = -1
        if self.orientation == HORIZONTAL:  # one row per bar: the chart grows with its bars
            self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    # --- geometry -----------------------------------------------------------

    def _title_height(self) -> int:
        return QFontMetrics(self._title_font()).height() + self.PAD

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        if self.orientation == HORIZONTAL:
            return QSize(360, self._title_height() + self.ROW * max(len(self.items), 3) + self.PAD)
        return QSize(360, 200)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(220, self.sizeHint().height() if self.orientation == HORIZONTAL else 160)

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(label) for _key, label, _value in self.items), default=0)
        return min(widest + 2 * self.PAD, int(self.width() * 0.45))

    def _value_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(format_number(v)) for *_rest, v in self.items), default=0) + self.PAD

    def bar_rect(self, index: int) -> QRect:
        """Where bar ``index`` is drawn (its whole clickable row or column)."""
        top = self._title_height()
        maximum = max((v for *_rest, v in self.items), default=0) or 1
        value = self.items[index][2]
        if self.orientation == HORIZONTAL:
            left = self._label_width()
            room = max(self.width() - left - self._value_width() - self.PAD, 10)
            length = max(int(room * value / maximum), 2 if value else 0)
            return QRect(left, top + index * self.ROW + 3, max(length, 1), self.ROW - 6)
        bottom = self.height() - self.fontMetrics().height() - self.PAD
        height_room = max(bottom - top - self.fontMetrics().height() - 4, 10)
        slot = (self.width() - 2 * self.PAD) / max(len(self.items), 1)
        width = max(int(slot * 0.7), 3)
        x = int(self.PAD + index * slot + (slot - width) / 2)
        height = max(int(height_room * value / maximum), 2 if value else 0)
        return QRect(x, bottom - height, width, max(height, 1))

    def _row_rect(self, index: int) -> QRect:
        """The bar's whole row or column, so a short bar is still easy to hit."""
        bar = self.bar_rect(index)
        if self.orientation == HORIZONTAL:
            return QRect(0, bar.top() - 3, self.width(), self.ROW)
        top = self._title_height()
        return QRect(bar.left() - 2, top, bar.width() + 4, self.height() - top)

    def index_at(self, point: QPoint) -> int:
        for index in range(len(self.items)):
            if self._row_rect(index).contains(point):
                return index
        return -1

    # --- painting -----------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._title_font())
        painter.setPen(ACCENT)
        painter.drawText(QRect(0, 0, self.width(), self._title_height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.title)
        painter.setFont(self.font())
        if not self.items or not any(v for *_rest, v in self.items):
            painter.setPen(MUTED)
            painter.drawText(self.rect().adjusted(0, self._title_height(), 0, 0), Qt.AlignmentFlag.AlignCenter,
                             _("Geen meldingen in deze periode"))
            return
        for index in range(len(self.items)):
            self._paint_bar(painter, index)
        painter.end()

    def _paint_bar(self, painter: QPainter, index: int) -> None:
        key, label, value = self.items[index]
        bar = self.bar_rect(index)
        metrics = self.fontMetrics()
        active = index in (self.hovered, self.current)
        if index == self.current and self.hasFocus():
            painter.fillRect(self._row_rect(index), QColor("#EEF3F9"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HOVER if active else ACCENT)
        if value:
            painter.drawRect(bar)
        painter.setPen(self.palette().text().color())
        text = format_number(value)
        if self.orientation == HORIZONTAL:
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, self._label_width() - self.PAD)
            row = QRect(0, bar.top() - 3, self._label_width() - self.PAD // 2, self.ROW)
            painter.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            painter.drawText(QRect(bar.right() + 5, bar.top() - 3, self._value_width(), self.ROW),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            return
        slot = self._row_rect(index)
        below = QRect(slot.left() - 12, self.height() - metrics.height() - self.PAD + 2, slot.width() + 24,
                      metrics.height())
        shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, below.width())
        painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, shown)
        above = QRect(slot.left() - 12, bar.top() - metrics.height() - 2, slot.width() + 24, metrics.height())
        painter.drawText(above, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)

    # --- interaction --------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self.index_at(event.position().toPoint())
        if index != self.hovered:
            self.hovered = index
            self.setCursor(Qt.CursorShape.PointingHandCursor if index >= 0 else Qt.CursorShape.ArrowCursor)
            self.update()
        if index >= 0:
            _key, label, value = self.items[index]
            QToolTip.showText(event.globalPosition().toPoint(), _("{label}: {n} — klik om ze in het postvak te "
                                                                  "openen").format(label=label, n=value), self)

    def leaveEvent(self, _event: object) -> None:  # noqa: N802
        self.hovered = -1
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.index_at(event.position().toPoint())
        if index >= 0:
            self.current = index
            self.update()
            self.bar_clicked.emit(self.items[index][0])

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        if self.current < 0 and self.items:
            self.current = 0  # arriving by Tab: the first bar is the one Enter opens
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        forward = (Qt.Key.Key_Down, Qt.Key.Key_Right)
        backward = (Qt.Key.Key_Up, Qt.Key.Key_Left)
        if self.items and key in forward + backward:
            step = 1 if key in forward else -1
            self.current = max(0, min(len(self.items) - 1, self.current + step)) if self.current >= 0 else 0
            self.update()
        elif self.items and self.current >= 0 and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.bar_clicked.emit(self.items[self.current][0])
        else:
            super().keyPressEvent(event)


class FigureTile(QFrame):
    """One big number with a caption; clicking it (or Enter when focused) emits ``clicked``."""

    clicked = Signal()

    def __init__(self, caption: str, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(hint)
        self.setAccessibleName(caption)
        self.value = QLabel("–")
        self.value.setObjectName("tileValue")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.detail = QLabel("")
        self.detail.setObjectName("tileDetail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        for label in (self.value, self.caption, self.detail):
            layout.addWidget(label)
        layout.addStretch(1)
        self.setStyleSheet(
            "#tile { border: 1px solid #C9D6E3; border-radius: 6px; background: #F7FAFD; }"
            "#tile:hover, #tile:focus { border: 1px solid #1F4E79; background: #EEF3F9; }"
            "#tileValue { font-size: 20pt; font-weight: bold; color: #1F4E79; }"
            "#tileDetail { color: #666666; }")

    def set_value(self, value: str, detail: str = "", alert: bool = False) -> None:
        self.value.setText(value)
        self.value.setStyleSheet("color: #B3261E;" if alert else "")
        self.detail.setText(detail)
        self.setAccessibleDescription(f"{value} {detail}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
        else:
            super().keyPressEvent(event)
