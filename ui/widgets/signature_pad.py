"""A box the customer signs in with a finger, a stylus or the mouse, saved as a small PNG."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageWriter,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

# What is kept: 600x200 grey pixels, enough to read a signature on paper at 80 mm and small as
# a PNG (a few KB); the receipt scales it down, never up.
SAVED = QSize(600, 200)
# Thick enough to survive the roll's threshold once scaled to the receipt's width.
INK_WIDTH = 5.0
# A tap or a dot is not a signature: this much stroke length (in saved pixels) at least.
SHORTEST_SIGNATURE = 60.0


class SignaturePad(QWidget):
    """Strokes drawn with a press, moves and a release; `changed` after each stroke or clear."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setMinimumSize(360, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(150)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Signature box: the customer signs here")
        # Points in the saved picture's coordinates, so a resized box keeps the signature.
        self.strokes: list[list[QPointF]] = []
        self._drawing = False

    def sizeHint(self) -> QSize:
        return QSize(480, 150)

    # --- Reading ---------------------------------------------------------------------------

    def is_signed(self) -> bool:
        """Whether enough was drawn to count as a signature."""
        length = 0.0
        for stroke in self.strokes:
            for a, b in pairwise(stroke):
                length += (b - a).manhattanLength()
        return length >= SHORTEST_SIGNATURE

    def png(self) -> bytes:
        """The signature as a grey PNG, black on white, SAVED pixels."""
        image = QImage(SAVED, QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._paint_strokes(painter, 1.0, 1.0)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        QImageWriter(buffer, QByteArray(b"PNG")).write(image)
        buffer.close()
        return bytes(data.data())

    def clear(self) -> None:
        """Start again."""
        self.strokes = []
        self.update()
        self.changed.emit()

    # --- Drawing ---------------------------------------------------------------------------

    def _saved_point(self, event: QMouseEvent) -> QPointF:
        at = event.position()
        x = min(max(at.x(), 0.0), float(self.width()))
        y = min(max(at.y(), 0.0), float(self.height()))
        return QPointF(x * SAVED.width() / max(self.width(), 1),
                       y * SAVED.height() / max(self.height(), 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = True
        self.strokes.append([self._saved_point(event)])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append(self._saved_point(event))
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._drawing:
            return
        self._drawing = False
        if self.strokes:
            self.strokes[-1].append(self._saved_point(event))
        self.update()
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#9aa3ad"), 1.0, Qt.PenStyle.DashLine))
        base = self.height() * 0.78
        painter.drawLine(QPointF(12, base), QPointF(self.width() - 12, base))
        if not self.strokes:
            painter.setPen(QColor("#6b7580"))
            painter.drawText(QRectF(0, 0, self.width(), base - 4),
                             Qt.AlignmentFlag.AlignCenter, "Customer signs here")
        self._paint_strokes(painter, self.width() / SAVED.width(),
                            self.height() / SAVED.height())
        painter.end()

    def _paint_strokes(self, painter: QPainter, sx: float, sy: float) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("black"), INK_WIDTH * min(sx, sy))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self.strokes:
            path = QPainterPath(QPointF(stroke[0].x() * sx, stroke[0].y() * sy))
            for point in stroke[1:]:
                path.lineTo(point.x() * sx, point.y() * sy)
            if len(stroke) == 1:
                painter.drawPoint(path.currentPosition())
            else:
                painter.drawPath(path)
